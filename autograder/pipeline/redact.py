"""What students may see: feedback preprocessors and a last-line leak guard.

nbgrader's feedback renders the autograded notebook, which holds the hidden tests, mark schemes and
tracebacks that quote them (jupyter/nbgrader#917, #1363). The pipeline sets these preprocessors for
feedback whatever the course config says, and then checks the HTML for any hidden line.
"""
from __future__ import annotations

import html
import re

from nbgrader import utils as nbg_utils
from nbgrader.preprocessors import NbGraderPreprocessor

FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "autograder.pipeline.redact.RedactForStudents",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


class RedactForStudents(NbGraderPreprocessor):
    """Grade-cell errors become ``ExcName: message``; saved widget state is dropped."""

    def preprocess(self, nb, resources):  # noqa: D102 (nbconvert API)
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102
        if cell.cell_type == "code" and nbg_utils.is_grade(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename')}: {out.get('evalue')}"]
        return cell, resources


_HIDDEN = re.compile(r"BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS", re.S)
_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", re.S)


def secret_lines(source_cells: list[str], release_text: str, min_len: int = 12) -> set[str]:
    """Lines of hidden tests and mark schemes that the release does not show anyway."""
    lines: set[str] = set()
    for src in source_cells:
        for block in _HIDDEN.findall(src) + _SCHEME.findall(src):
            for line in block.splitlines():
                line = line.strip().lstrip("#").strip()
                if len(line) >= min_len and line not in release_text:
                    lines.add(line)
    return lines


def leaks(page: str, secrets: set[str]) -> list[str]:
    """Secret lines present in an HTML page (raw or HTML-escaped)."""
    return [s for s in secrets if s in page or html.escape(s) in page]


def scrub(page: str, secrets: set[str]) -> str:
    """Replace every leaked secret line by ``[hidden]``."""
    for s in secrets:
        page = page.replace(s, "[hidden]").replace(html.escape(s), "[hidden]")
    return page
