"""nbgrader's ClearHiddenTests, applied only to the course's own test cells.

nbgrader clears hidden-test regions in every cell and fails the whole feedback when a cell has a
``### BEGIN HIDDEN TESTS`` without its end. A student who pastes that line into a note or a comment
would then get no feedback at all. The hidden tests live only in the course's locked test cells
(restored from the gradebook before grading), so only those are cleared; a student's own cell is
the student's text and is shown as written.
"""
from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests


class ClearHiddenTestsInTestCells(ClearHiddenTests):
    """Clear hidden tests in grade cells that are not solution cells; leave other cells alone."""

    def preprocess_cell(self, cell, resources, cell_index):  # nbconvert API
        if utils.is_grade(cell) and not utils.is_solution(cell):
            return super().preprocess_cell(cell, resources, cell_index)
        return cell, resources
