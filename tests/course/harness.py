"""One grading run per phase, shared by that phase's tests (real nbgrader, in a scratch course)."""
from __future__ import annotations

import shutil
import tempfile
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
    generated_release: Path

    def scores(self, student: str) -> dict[str, float]:
        return self.graded.scores[student]


def run_phase(phase: str, students: dict[str, dict], feedback: bool = False) -> PhaseRun:
    """Validate source and blank release, then autograde every fake student in one nbgrader run."""
    tmp = Path(tempfile.mkdtemp(prefix=f"course-{phase}-"))
    paths = write_students(phase, students, tmp)
    src = course.validate(course.ROOT / "source" / phase / f"{phase}.ipynb")
    rel = course.validate(course.ROOT / "release" / phase / f"{phase}.ipynb")
    graded = course.autograde(phase, paths, keep=True, feedback=feedback)
    return PhaseRun(phase, graded, src, rel, graded.course_dir / "release" / phase)


def cleanup(run: PhaseRun) -> None:
    shutil.rmtree(run.graded.course_dir, ignore_errors=True)
