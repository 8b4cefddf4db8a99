"""Gradebooks: the readers of scratch gradebooks, and the one writer of the output course's.

Workers never open the output gradebook (sqlite is not safe for concurrent writers); they autograde
in scratch gradebooks, read them with :func:`submission_grades`, and return results that
:class:`MainGradebook` merges one at a time. The merged gradebook works with ``nbgrader export``
and the formgrader (manual grading continues there).
"""
from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry

from .records import GradeResult, Template


def _url(db: Path) -> str:
    return f"sqlite:///{db}"


def describe_assignment(db: Path, assignment: str) -> dict[str, Any]:
    """Notebooks, max score and grade/task cells of ``assignment`` (a template's gradebook)."""
    with Gradebook(_url(db)) as gb:
        a = gb.find_assignment(assignment)
        cells = [{"notebook": nb.name, "name": gc.name, "max_score": gc.max_score,
                  "cell_type": gc.cell_type}
                 for nb in a.notebooks for gc in list(nb.grade_cells) + list(nb.task_cells)]
        return {"notebooks": sorted(nb.name for nb in a.notebooks), "max_score": a.max_score,
                "cells": cells}


def submission_grades(db: Path, assignment: str, student: str) -> dict[str, list[dict[str, Any]]]:
    """Notebook name -> one dict per grade (name, max_score, auto_score, needs_manual_grade,
    cell_type) of ``student``'s autograded submission; raises ``MissingEntry`` when there is none."""
    out: dict[str, list[dict[str, Any]]] = {}
    with Gradebook(_url(db)) as gb:
        sub = gb.find_submission(assignment, student)
        for nb in sub.notebooks:
            out[nb.name] = [{"name": g.name, "max_score": g.max_score, "auto_score": g.auto_score,
                             "needs_manual_grade": bool(g.needs_manual_grade),
                             "cell_type": g.cell_type}
                            for g in nb.grades]
    return out


def _ensure_assignment(gb: Gradebook, template: Template) -> None:
    a = template.assignment
    with Gradebook(_url(template.gradebook)) as tgb:
        ta = tgb.find_assignment(a)
        gb.update_or_create_assignment(a, duedate=ta.duedate)
        for nb in ta.notebooks:
            gb.update_or_create_notebook(nb.name, a)
            for c in nb.grade_cells:
                gb.update_or_create_grade_cell(c.name, nb.name, a, max_score=c.max_score,
                                               cell_type=c.cell_type)
            for c in nb.solution_cells:
                gb.update_or_create_solution_cell(c.name, nb.name, a)
            for c in nb.task_cells:
                gb.update_or_create_task_cell(c.name, nb.name, a, max_score=c.max_score,
                                              cell_type=c.cell_type)
            for c in nb.source_cells:
                gb.update_or_create_source_cell(c.name, nb.name, a, cell_type=c.cell_type,
                                                locked=c.locked, source=c.source,
                                                checksum=c.checksum)


class MainGradebook:
    """Open once per run; ``merge`` replaces a student's submission with a new result."""

    def __init__(self, out: Path):
        self.url = _url(out / "gradebook.db")
        self._ready: set[str] = set()

    def merge(self, template: Template, result: GradeResult) -> None:
        """Write ``result`` (from the worker) as the student's autograded submission."""
        a, s = result.assignment, result.student
        with Gradebook(self.url) as gb:
            if a not in self._ready:
                _ensure_assignment(gb, template)
                self._ready.add(a)
            gb.update_or_create_student(s)
            with contextlib.suppress(MissingEntry):   # a first grading has nothing to replace
                gb.remove_submission(a, s)
        with Gradebook(self.url) as gb, warnings.catch_warnings():
            # nbgrader's add_submission trips SQLAlchemy 2's autoflush warning; harmless
            warnings.filterwarnings("ignore", message=".*not in session.*")
            gb.add_submission(a, s)
            for cell in result.cells:
                try:
                    grade = gb.find_grade(cell["name"], cell["notebook"], a, s)
                except MissingEntry:
                    continue
                grade.auto_score = cell["auto_score"]
                grade.needs_manual_grade = cell["needs_manual_grade"]
            gb.db.commit()
