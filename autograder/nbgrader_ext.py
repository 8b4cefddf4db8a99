"""Custom nbgrader preprocessors referenced from nbgrader_config.py."""
from __future__ import annotations

from nbgrader import utils as _nbg_utils
from nbgrader.preprocessors import NbGraderPreprocessor


class RedactGradeCellTracebacks(NbGraderPreprocessor):
    """Replace tracebacks in grade cells by ``ExcName: message``.

    A traceback through a hidden test quotes its source (jupyter/nbgrader#917, #1363); the
    exception message written by our checks is what the learner needs.
    """

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 (nbconvert API)
        if cell.cell_type == "code" and _nbg_utils.is_grade(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename')}: {out.get('evalue')}"]
        return cell, resources
