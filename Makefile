# Two commands a newcomer needs:  `make lab`  (the course)  and  `make test`  (the test suite).
# Both create .venv and install what they need on first use (scripts/venv-install: uv, else pip).
# `make lab` installs the course's dependencies (grading's included); `make instructor` opens the instructor tools;
# `make test`, `make test-fast` and `make lint` add the test and lint tools.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

EXTRAS_lab :=
EXTRAS_instructor := instructor
EXTRAS_dev := test,lint

.PHONY: lab instructor test test-fast lint install browser-deps sandbox-deps hub-deps

# One stamp per profile, redone when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml scripts/venv-install
	PY=$(PY) bash scripts/venv-install $(EXTRAS_$*)
	touch $@

install: $(VENV)/.installed-dev

lab: $(VENV)/.installed-lab
	$(BIN)/pinecone-ops lab

instructor: $(VENV)/.installed-instructor
	$(BIN)/pinecone-ops lab --instructor

browser-deps:
	@bash scripts/install-browser-deps

sandbox-deps:
	@bash scripts/install-sandbox-deps

# JupyterHub's proxy (npm configurable-http-proxy, with Debian's nodejs/npm) for `pinecone-ops hub`.
hub-deps:
	@bash scripts/install-hub-deps

# ruff, mypy, import-linter's contracts and the import-cycle check; runs them all, fails if any fails.
lint: $(VENV)/.installed-dev
	@rc=0; \
	for step in "$(BIN)/ruff check ." "$(BIN)/mypy" "$(BIN)/lint-imports --no-cache" \
	            "$(BIN)/python scripts/check-import-cycles"; do \
	  echo "== $$step"; $$step || rc=1; \
	done; exit $$rc

# Everything but the slow and browser tests (under 3 minutes); run it while you work.
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m "not slow and not browser" -q

# What CI runs: lint, the emulator suite under the official SDK 9.x (API 2025-10) in a second
# venv, then the whole suite under SDK 10.x.
test: lint browser-deps sandbox-deps hub-deps
	bash scripts/test-sdk9
	$(BIN)/python -m pytest
