"""The last-line leak guard: hidden lines that must never reach a feedback page.

nbgrader's feedback renders the autograded notebook, which holds the hidden tests, mark schemes and
tracebacks that quote them (jupyter/nbgrader#917, #1363). The pipeline renders feedback with
``autograder.preprocessors.FEEDBACK`` whatever the course config says (the redaction itself is
``autograder/preprocessors/redact_tracebacks.py``), then searches every page for hidden lines.
"""
from __future__ import annotations

import html
import re

_HIDDEN = re.compile(r"BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS", re.S)
_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", re.S)


def secret_lines(source_cells: list[str], release_text: str, min_len: int = 12) -> set[str]:
    """Lines of hidden tests and mark schemes that the release does not show anyway."""
    lines: set[str] = set()
    for src in source_cells:
        for block in _HIDDEN.findall(src) + _SCHEME.findall(src):
            for raw in block.splitlines():
                line = raw.strip().lstrip("#").strip()
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
