"""nbgrader's ClearMarkScheme, applied only to the course's own task and grade cells (a student's
cell that quotes the marker text is the student's text; see clear_hidden_tests.py)."""
from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import ClearMarkScheme


class ClearMarkSchemeInCourseCells(ClearMarkScheme):
    """Clear mark schemes in task and locked cells; leave students' answers alone."""

    def preprocess_cell(self, cell, resources, cell_index):  # nbconvert API
        if utils.is_task(cell) or utils.is_locked(cell):
            return super().preprocess_cell(cell, resources, cell_index)
        return cell, resources
