"""One grading run per phase, shared by that phase's tests (real nbgrader, in a scratch course).

Phases ``register`` their fake students at import (collection) time (``contract.PhaseContract``
does it for each test class); the first test that needs a run starts every registered phase at
once in background threads, so the phases' nbgrader runs overlap (they spend much of their time
waiting on kernels and on the SDK's index polling) instead of queuing.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder import course
from tests.course.students import student, write_students


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
        return self.graded.release_dir


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


_registered: dict[str, tuple[dict[str, dict[str, str]], bool]] = {}
_futures: dict[str, Future] = {}
_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="course-phase")


def register(phase: str, answers: dict[str, dict[str, str]], feedback: bool = False) -> None:
    """Declare a phase's fake students: name -> {solution cell grade_id: code}."""
    _registered[phase] = (answers, feedback)


def _run(phase: str) -> PhaseRun:
    answers, feedback = _registered[phase]
    return run_phase(phase, {name: student(phase, a) for name, a in answers.items()}, feedback)


def get(phase: str) -> PhaseRun:
    """The phase's run, starting every registered phase's run on first use."""
    with _lock:
        for name in _registered:
            if name not in _futures:
                _futures[name] = _pool.submit(_run, name)
    return _futures[phase].result()


def cleanup(run: PhaseRun) -> None:
    run.graded.cleanup()
