"""The one course-test contract: what every phase must satisfy, checked on one nbgrader run.

A phase's test module subclasses it as ``TestPhaseN`` with data only::

    class TestPhase4(PhaseContract):
        PHASE, MAX_TOTAL = "phase4", 18
        STUDENTS = {"alternative": ALT, "mistakes": MISTAKES}   # name -> {grade_id: code}

Defining the class registers its students with the harness (so every phase's run starts at once);
the ``run`` fixture (tests/course/conftest.py) is the phase's shared run. Each run also grades
"solution" (the source notebook) and "blank" (the release). STUDENTS must hold "alternative": a
correct solution written differently. Phase-specific tests (typical mistakes) are extra methods.
"""
from __future__ import annotations

from typing import ClassVar

from autograder import course
from tests.course import harness


class PhaseContract:
    PHASE: ClassVar[str] = ""
    MAX_TOTAL: ClassVar[float] = 0
    STUDENTS: ClassVar[dict[str, dict[str, str]]] = {}
    FEEDBACK: ClassVar[bool] = False          # also generate feedback HTML (course_dir/feedback/)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        assert "alternative" in cls.STUDENTS, f"{cls.__name__}: STUDENTS needs an 'alternative'"
        harness.register(cls.PHASE, cls.STUDENTS, feedback=cls.FEEDBACK)

    def test_source_validates(self, run):
        assert run.source_validation.passed, run.source_validation.output[-3000:]

    def test_blank_release_fails_validation(self, run):
        assert not run.release_validation.passed

    def test_release_is_what_nbgrader_generates(self, run):
        built = run.generated_release / f"{self.PHASE}.ipynb"
        committed = course.ROOT / "release" / self.PHASE / f"{self.PHASE}.ipynb"
        assert course.normalised(built) == course.normalised(committed), f"run scripts/build_release {self.PHASE}"

    def test_solution_full_marks_blank_zero(self, run):
        assert run.graded.max_total == self.MAX_TOTAL, run.graded.max_scores
        assert run.scores("solution") == run.graded.max_scores
        assert run.graded.total("blank") == 0, run.scores("blank")

    def test_alternative_solution_full_marks(self, run):
        assert run.scores("alternative") == run.graded.max_scores
