"""One grading run per phase, shared by that phase's tests (real nbgrader, in a scratch course).

Test modules ``register`` their phase's fake students at import (collection) time; the first
test that needs a run starts every registered phase at once in background threads, so the
phases' nbgrader runs overlap (they spend much of their time waiting on kernels and on the SDK's
index polling) instead of queuing.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder import course
from tests.course.students import write_students


@dataclass
class PhaseRun:
    phase: str
    graded: course.Autograded
    source_validation: course.Validation
    release_validation: course.Validation

    def scores(self, student: str) -> dict[str, float]:
        return self.graded.scores[student]

    @property
    def generated_release(self) -> Path:
        """release/<phase> as nbgrader generated it from source/ for this run."""
        return self.graded.course_dir / "release" / self.phase


def run_phase(phase: str, students: dict[str, dict], feedback: bool = False) -> PhaseRun:
    """Validate source and blank release, then autograde every fake student in one nbgrader run."""
    tmp = Path(tempfile.mkdtemp(prefix=f"course-{phase}-"))
    try:
        paths = write_students(phase, students, tmp)
        src = course.validate(course.ROOT / "source" / phase / f"{phase}.ipynb")
        rel = course.validate(course.ROOT / "release" / phase / f"{phase}.ipynb")
        graded = course.autograde(phase, paths, keep=True, feedback=feedback)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return PhaseRun(phase, graded, src, rel)


_registered: dict[str, tuple] = {}
_futures: dict[str, Future] = {}
_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="course-phase")


def register(phase: str, make_students, feedback: bool = False) -> None:
    """Declare a phase's fake students (a zero-argument callable returning {name: notebook})."""
    _registered[phase] = (make_students, feedback)


def get(phase: str) -> PhaseRun:
    """The phase's run, starting every registered phase's run on first use."""
    with _lock:
        for name, (make, feedback) in _registered.items():
            if name not in _futures:
                _futures[name] = _pool.submit(lambda m=make, n=name, f=feedback: run_phase(n, m(), f))
    return _futures[phase].result()


def cleanup(run: PhaseRun) -> None:
    shutil.rmtree(run.graded.course_dir, ignore_errors=True)


class PhaseContract:
    """What every phase must satisfy; a phase's test module subclasses it as ``TestPhaseN`` with
    ``PHASE`` and ``MAX_TOTAL`` set, after ``register``-ing students named "alternative", ...

    The ``run`` fixture (tests/course/conftest.py) is the phase's shared grading run.
    """

    PHASE: str = ""
    MAX_TOTAL: float = 0

    def test_source_validates_and_blank_release_fails(self, run):
        assert run.source_validation.passed, run.source_validation.output[-3000:]
        assert not run.release_validation.passed

    def test_solution_full_marks_blank_zero(self, run):
        assert run.graded.max_total == self.MAX_TOTAL, run.graded.max_scores
        assert run.scores("solution") == run.graded.max_scores
        assert run.graded.total("blank") == 0, run.scores("blank")

    def test_alternative_solution_full_marks(self, run):
        assert run.scores("alternative") == run.graded.max_scores
