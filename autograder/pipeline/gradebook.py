"""The one writer of the output course's gradebook: merges each worker's result, one at a time.

Workers never open this database (sqlite is not safe for concurrent writers); they autograde in
scratch gradebooks and return plain results. The merged gradebook works with ``nbgrader export``
and the formgrader (manual grading continues there).
"""
from __future__ import annotations

import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .coursedir import Template


def _ensure_assignment(gb: Gradebook, template: Template) -> None:
    a = template.assignment
    with Gradebook(f"sqlite:///{template.gradebook}") as tgb:
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
        self.url = f"sqlite:///{out / 'gradebook.db'}"
        self._ready: set[str] = set()

    def merge(self, template: Template, result: dict) -> None:
        """Write ``result`` (from the worker) as the student's autograded submission."""
        a, s = result["assignment"], result["student"]
        with Gradebook(self.url) as gb:
            if a not in self._ready:
                _ensure_assignment(gb, template)
                self._ready.add(a)
            gb.update_or_create_student(s)
            try:
                gb.remove_submission(a, s)
            except MissingEntry:
                pass
        with Gradebook(self.url) as gb, warnings.catch_warnings():
            # nbgrader's add_submission trips SQLAlchemy 2's autoflush warning; harmless
            warnings.filterwarnings("ignore", message=".*not in session.*")
            gb.add_submission(a, s)
            for cell in result.get("cells", []):
                try:
                    grade = gb.find_grade(cell["name"], cell["notebook"], a, s)
                except MissingEntry:
                    continue
                grade.auto_score = cell["auto_score"]
                grade.needs_manual_grade = cell["needs_manual_grade"]
            gb.db.commit()
