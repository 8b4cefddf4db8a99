"""A tiny nbgrader course (one assignment, ``mini``) built from code, for grading tests and bench.

It mirrors what the real course does that matters to the pipeline: locked setup cell, solution
cells, test cells with hidden asserts that carry learner-facing messages, a manually graded task
with a mark scheme, and a config that does NOT redact feedback itself (so tests prove the
pipeline's own redaction).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "mini"
#: Strings that exist only in hidden tests or mark schemes; feedback must never contain them.
HIDDEN_MARKERS = ["add(-7, 11)", "area(2.5)", "19.634954", "SECRET-RUBRIC-42", "BEGIN HIDDEN TESTS",
                  "MARK SCHEME"]
#: Auto-graded points of a fully correct submission (the task cell adds 1 manual point).
AUTO_MAX = 5.0
MAX_SCORE = 6.0

CONFIG = f"""ASSIGNMENTS = [{ASSIGNMENT!r}]
c = get_config()
c.CourseDirectory.course_id = "mini-course"
c.Execute.timeout = 30
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r".*UserWarning.*"
c.OverwriteCells.add_missing_cells = True
"""


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, task=False, points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "task": task,
            "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    """The instructor notebook: solutions and hidden tests."""
    cells = [
        new_markdown_cell("# Mini assignment\nWrite `add` and `area`."),
        new_code_cell("import math", metadata=_meta("setup", locked=True)),
        new_code_cell("def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
                      metadata=_meta("add", solution=True)),
        new_code_cell('assert add(1, 2) == 3, "add(1, 2) should be 3"\n'
                      "### BEGIN HIDDEN TESTS\n"
                      'assert add(-7, 11) == 4, "add must handle negative numbers"\n'
                      "### END HIDDEN TESTS",
                      metadata=_meta("test_add", grade=True, locked=True, points=2)),
        new_code_cell("def area(r):\n    ### BEGIN SOLUTION\n    return math.pi * r * r\n"
                      "    ### END SOLUTION", metadata=_meta("area", solution=True)),
        new_code_cell('assert math.isclose(area(1), math.pi), "area(1) should be pi"\n'
                      "### BEGIN HIDDEN TESTS\n"
                      "assert math.isclose(area(2.5), 19.634954084936208), "
                      '"area must square the radius"\n'
                      "### END HIDDEN TESTS",
                      metadata=_meta("test_area", grade=True, locked=True, points=3)),
        new_markdown_cell("Explain your choice of formula.\n\n=== BEGIN MARK SCHEME ===\n"
                          "SECRET-RUBRIC-42: full marks if they mention pi r squared\n"
                          "=== END MARK SCHEME ===",
                          metadata=_meta("explain", task=True, locked=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def build_course(root: Path) -> Path:
    """Write the course (config + source/mini/mini.ipynb) under ``root`` and return it."""
    (root / "source" / ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    nbformat.write(source_notebook(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return root


def student_notebook(release: nbformat.NotebookNode,
                     answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """A student's notebook: a copy of nbgrader's ``release`` with ``answers`` filled in.

    ``answers`` maps grade_id -> new source; the default answers are correct.
    """
    nb = copy.deepcopy(release)
    fill = {"add": "def add(a, b):\n    return a + b",
            "area": "def area(r):\n    return math.pi * r * r"}
    fill.update(answers or {})
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in fill:
            cell.source = fill[gid]
    return nb


def add_cell_after(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    """Insert a new (student) code cell after the cell ``grade_id``."""
    nb = copy.deepcopy(nb)
    at = next(i for i, c in enumerate(nb.cells)
              if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells.insert(at + 1, new_code_cell(source))
    return nb


def write_student(folder: Path, student: str, nb: nbformat.NotebookNode | str,
                  name: str = f"{ASSIGNMENT}.ipynb") -> Path:
    """Write a submission as ``folder/<student>/mini/<name>`` (raw text allowed for broken JSON)."""
    path = folder / student / ASSIGNMENT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nb if isinstance(nb, str) else json.dumps(nb))
    return path
