"""Batch grading on top of nbgrader 0.9: ``grade_class`` grades a whole class in parallel.

Each submission is autograded in its own scratch course by a child process under time, memory and
output limits, next to its own local Pinecone server process; the parent merges results into the
one gradebook (single writer), writes feedback, grades CSV, report and histograms, and keeps a
state file so an interrupted run continues. See docs/grading.md.
"""
from __future__ import annotations

from pathlib import Path

from .options import GradeOptions
from .records import GradeResult, Job

__all__ = ["GradeOptions", "GradeResult", "Job", "grade_class"]


def grade_class(target: str, submissions: Path, opts: GradeOptions) -> list[GradeResult]:
    """Grade submissions; see :func:`autograder.pipeline.run.grade_class` (imported on first use:
    it pulls in nbgrader)."""
    from .run import grade_class as _grade_class

    return _grade_class(target, submissions, opts)
