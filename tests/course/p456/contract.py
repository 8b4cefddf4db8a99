"""The course contract every phase 4-6 test class checks with one nbgrader run (real nbgrader)."""
from __future__ import annotations

import pytest

from autograder import course
from tests.course.harness import cleanup, run_phase
from tests.course.students import student


class CourseContract:
    """Subclass as ``TestPhaseN`` with PHASE, TOTAL, STUDENTS (name -> answers) and expectations."""

    PHASE = ""
    TOTAL = 0.0
    STUDENTS: dict[str, dict[str, str]] = {}

    @pytest.fixture(scope="class")
    @classmethod
    def run(cls):
        r = run_phase(cls.PHASE, {name: student(cls.PHASE, answers) for name, answers in cls.STUDENTS.items()})
        yield r
        cleanup(r)

    def test_source_validates(self, run):
        assert run.source_validation.passed, run.source_validation.output[-3000:]

    def test_blank_release_fails_validation(self, run):
        assert not run.release_validation.passed

    def test_release_is_what_nbgrader_generates(self, run):
        built = run.generated_release / f"{self.PHASE}.ipynb"
        committed = course.ROOT / "release" / self.PHASE / f"{self.PHASE}.ipynb"
        assert course.normalised(built) == course.normalised(committed), f"run scripts/build_release {self.PHASE}"

    def test_solution_full_marks_blank_zero(self, run):
        assert run.graded.max_total == self.TOTAL, run.graded.max_scores
        assert run.graded.total("solution") == self.TOTAL, run.scores("solution")
        assert run.graded.total("blank") == 0, run.scores("blank")

    def test_correct_but_different_gets_full_marks(self, run):
        assert run.graded.total("alt") == self.TOTAL, run.scores("alt")
