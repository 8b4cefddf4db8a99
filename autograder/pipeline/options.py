"""Settings of one grading run: the one place their defaults are defined (``autograder/cli.py``
builds its flags from them)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder.lms import DEFAULT_PATTERN

from .coursedir import course_pattern


def default_workers() -> int:
    """One worker per CPU."""
    return os.cpu_count() or 1


@dataclass
class GradeOptions:
    """Limits and switches; every limit applies to one submission only."""

    course: Path
    out: Path
    workers: int = field(default_factory=default_workers)
    cell_timeout: int | None = None        # None: the course's c.Execute.timeout
    notebook_timeout: float = 300.0        # wall seconds per attempt, then the process tree is killed
    memory_mb: int = 2048                  # RLIMIT_AS of the nbgrader process and its kernel
    max_output_kb: int = 256               # per cell; the rest is dropped while the cell runs
    attempts: int = 3                      # re-runs after a crash, each without the crashing cell
    pattern: str | None = None             # LMS file name -> student_id, file_id; None: the course's
    students: tuple[str, ...] = ()         # --student: only these, always regraded
    force: bool = False                    # regrade even what the state file says is done
    sandbox: bool = True                   # each kernel in bubblewrap; False: --no-sandbox (unsafe, hostile class)
    progress: bool = True
    scheduler: str | None = None           # --scheduler tcp://HOST:8786: grade on that Dask cluster (cluster.py)

    def lms_pattern(self) -> str:
        """``pattern``, else the course config's ``named_regexp``, else any ``<student>_..._<file>``."""
        return self.pattern or course_pattern(self.course) or DEFAULT_PATTERN
