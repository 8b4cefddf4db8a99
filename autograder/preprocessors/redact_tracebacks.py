"""Feedback redaction: the one preprocessor that makes an autograded notebook fit for students.

A traceback through a hidden test quotes its source (jupyter/nbgrader#917, #1363); the message our
checks raise is written for learners, so ``ExcName: message`` is what the feedback keeps. Saved
widget state can hold solution outputs, so it is dropped. Part of ``autograder.preprocessors.FEEDBACK``
(the course config's and the pipeline's feedback chain).
"""
from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader import utils as nbg_utils
from nbgrader.preprocessors import NbGraderPreprocessor


class RedactForStudents(NbGraderPreprocessor):
    """Grade-cell errors become ``ExcName: message``; saved widget state is dropped."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any],
                        index: int) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code" and nbg_utils.is_grade(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename')}: {out.get('evalue')}"]
        return cell, resources
