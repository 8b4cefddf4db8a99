"""Build nbgrader notebooks from Python (how the course's source notebooks are authored).

Each helper returns one nbformat cell with nbgrader schema-3 metadata::

    nb = notebook([
        md("# Phase 1"),
        setup("from pinecone_ops import course\\npc = course.start('phase1')", "setup"),
        solution("def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION", "f"),
        tests("assert f(1) == 1\\n### BEGIN HIDDEN TESTS\\n...\\n### END HIDDEN TESTS", "test_f", points=2),
    ])
    write(nb, "source/phase1/phase1.ipynb")
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def md(text: str) -> nbformat.NotebookNode:
    """A plain markdown cell (teaching prose; learners may annotate it)."""
    return new_markdown_cell(_src(text))


def code(text: str) -> nbformat.NotebookNode:
    """A plain code cell learners may edit freely (demos, plots)."""
    return new_code_cell(_src(text))


def setup(text: str, grade_id: str) -> nbformat.NotebookNode:
    """A read-only code cell (restored from the gradebook if a learner edits it)."""
    return new_code_cell(_src(text), metadata=_meta(grade_id, grade=False, solution=False, locked=True))


def solution(text: str, grade_id: str) -> nbformat.NotebookNode:
    """An autograded answer cell; the ``### BEGIN/END SOLUTION`` region becomes a stub in release/."""
    return new_code_cell(_src(text), metadata=_meta(grade_id, grade=False, solution=True, locked=False))


def tests(text: str, grade_id: str, points: float) -> nbformat.NotebookNode:
    """A locked test cell worth ``points``; ``### BEGIN/END HIDDEN TESTS`` is stripped from release/."""
    return new_code_cell(_src(text), metadata=_meta(grade_id, grade=True, solution=False, locked=True, points=points))


def notebook(cells: list) -> nbformat.NotebookNode:
    """A Python 3 notebook holding ``cells``."""
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def write(nb: nbformat.NotebookNode, path: str | Path) -> None:
    """Validate and write ``nb`` (no outputs) to ``path``."""
    for i, cell in enumerate(nb.cells):  # stable ids keep regenerated notebooks diffable
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell["id"] = gid or f"cell-{i:02d}"
    nbformat.validate(nb)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
