"""The static tamper scan: what it must flag (with cell and line) and what it must leave alone."""
from __future__ import annotations

import keyword

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograder.pipeline.tamper import scan_code

ident = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda s: not keyword.iskeyword(s))


def kinds(src: str, modules=()) -> list[tuple[str, int]]:
    return [(f.kind, f.line) for f in scan_code([(3, "answer", src)], set(modules))]


@settings(deadline=None)
@given(ident, ident)
def test_assigning_an_attribute_of_an_imported_module_is_flagged(mod, attr):
    assert kinds(f"import {mod}\n{mod}.{attr} = lambda *a: True") == [("monkeypatch", 2)]


@settings(deadline=None)
@given(ident, ident)
def test_attributes_of_plain_objects_are_not_flagged(obj, attr):
    assume(obj not in ("sys", "builtins"))
    assert kinds(f"{obj} = Thing()\n{obj}.{attr} = 3") == []


def test_modules_imported_by_locked_setup_cells_count():
    assert kinds("math.isclose = lambda *a, **k: True", modules={"math"}) == [("monkeypatch", 1)]


def test_flagged_patterns():
    cases = {
        "import builtins\nbuiltins.print = None": "monkeypatch",
        "__builtins__['len'] = lambda x: 0": "monkeypatch",
        "import sys\nsys.modules['numpy'] = None": "monkeypatch",
        "import numpy as np\nsetattr(np, 'allclose', lambda *a, **k: True)": "monkeypatch",
        "import numpy as np\ndel np.allclose": "monkeypatch",
        "from autograder.checks import phase1": "forbidden import",
        "import importlib\nimportlib.import_module('autograder.checks.phase1')": "forbidden import",
        "from pinecone_ops.emulator import store": "forbidden import",
        "import pinecone_ops\npinecone_ops.admin().reset()": "server internals",
        "import requests\nrequests.post('http://127.0.0.1:5080/_ops/reset')": "server internals",
        "import sys\nf = sys._getframe(1)": "introspection",
        "import os\nos.kill(os.getppid(), 9)": "signals a process",
        "open('../../../gradebook.db', 'rb').read()": "grader files",
        "import sqlite3": "forbidden import",
    }
    for src, kind in cases.items():
        assert kind in {k for k, _ in kinds(src)}, src


def test_magics_and_syntax_errors_do_not_break_the_scan():
    assert kinds("%matplotlib inline\n!ls\nimport math\nmath.pi = 3") == [("monkeypatch", 4)]
    assert kinds("def broken(:\n    pass") == []
    assert kinds("import math\nx = math.sqrt(2)\nrows = [math.pi for _ in range(3)]") == []
