"""Settings of one grading run (what the CLI flags set)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: LMS export names such as Canvas ``alice_LATE_1234_5678_phase1.ipynb`` or ``alice_phase1.ipynb``.
DEFAULT_PATTERN = r"^(?P<student_id>[A-Za-z0-9.\-]+?)_(?:LATE_)?(?:\d+_)*(?P<file_id>[^/]+\.ipynb)$"


@dataclass
class GradeOptions:
    """Limits and switches; every limit applies to one submission only."""

    course: Path
    out: Path
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    cell_timeout: int | None = None        # None: the course's c.Execute.timeout
    notebook_timeout: float = 300.0        # wall seconds per attempt, then the process tree is killed
    memory_mb: int = 2048                  # RLIMIT_AS of the nbgrader process and its kernel
    max_output_kb: int = 256               # per cell; the rest is dropped while the cell runs
    attempts: int = 3                      # re-runs after a crash, each without the crashing cell
    pattern: str = DEFAULT_PATTERN         # LMS file name -> student_id, file_id
    students: tuple[str, ...] = ()         # --student: only these, always regraded
    force: bool = False                    # regrade even what the state file says is done
    server: bool = True                    # one local Pinecone process per submission
    progress: bool = True
