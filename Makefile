# Two commands a newcomer needs:  `make lab`  (the course)  and  `make test`  (the test suite).
# Both create .venv and install what they need on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab instructor test install browser-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/pinecone-ops lab

instructor: install
	$(BIN)/pinecone-ops lab --instructor

browser-deps:
	@bash scripts/install-browser-deps

# The emulator suite also runs under the official SDK 9.x (API 2025-10) in a second venv,
# then the whole suite under SDK 10.x.
test: install browser-deps
	bash scripts/test-sdk9
	$(BIN)/python -m pytest
