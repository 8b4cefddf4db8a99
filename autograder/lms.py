"""The one LMS file-name pattern: ``<student>[_LATE][_<number>...]_<file>``.

nbgrader's ``FileNameCollectorPlugin.named_regexp`` (nbgrader_config.py) and the grading pipeline's
default both come from :func:`named_regexp`; only the ``file_id`` part differs per course. Canvas
exports look like ``alice_LATE_1234_5678_phase1.ipynb``; the student is the first token, never a
number after it. Standard library only: nbgrader_config.py imports this module, and a config
that fails to load is silently replaced by defaults.
"""
from __future__ import annotations

import re

#: any notebook name, for courses whose config does not say which files it expects
ANY_NOTEBOOK = r"[^/]+\.ipynb"


def named_regexp(file_id: str = ANY_NOTEBOOK) -> str:
    """The regex with the named groups ``student_id`` and ``file_id`` (``file_id`` matches ``file_id``)."""
    return rf"^(?P<student_id>[A-Za-z0-9.\-]+?)_(?:LATE_)?(?:\d+_)*(?P<file_id>{file_id})$"


def notebooks(names: list[str]) -> str:
    """A ``file_id`` pattern matching exactly ``<name>.ipynb`` for each of ``names``."""
    return "(?:" + "|".join(re.escape(name) for name in names) + r")\.ipynb"


#: the pipeline's default when the course config sets no ``named_regexp``
DEFAULT_PATTERN = named_regexp()
