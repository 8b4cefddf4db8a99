"""Phase 6 (Production operations) as a course: validates, releases, and grades fairly (real nbgrader)."""
from __future__ import annotations

import pytest

from autograder import course
from tests.course.harness import cleanup, run_phase
from tests.course.p456.students6 import ALT, MISTAKES
from tests.course.students import student

PHASE = "phase6"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run():
    r = run_phase(PHASE, {"alt": student(PHASE, ALT), "mistakes": student(PHASE, MISTAKES)})
    yield r
    cleanup(r)


def test_source_validates(run):
    assert run.source_validation.passed, run.source_validation.output[-3000:]


def test_blank_release_fails_validation(run):
    assert not run.release_validation.passed


def test_release_is_what_nbgrader_generates(run):
    built = run.generated_release / f"{PHASE}.ipynb"
    committed = course.ROOT / "release" / PHASE / f"{PHASE}.ipynb"
    assert course.normalised(built) == course.normalised(committed), f"run scripts/build_release {PHASE}"


def test_solution_full_marks_blank_zero(run):
    assert run.graded.max_total == 20, run.graded.max_scores
    assert run.graded.total("solution") == 20, run.scores("solution")
    assert run.graded.total("blank") == 0, run.scores("blank")


def test_correct_but_different_gets_full_marks(run):
    assert run.graded.total("alt") == 20, run.scores("alt")


def test_typical_mistakes_lose_their_points(run):
    # One typical mistake per exercise (see p456/students6.py): each loses its points. The migration
    # mistake copies correctly but deletes before switching: only the contents points remain.
    want = {k: 0 for k in run.graded.max_scores}
    want["test_migration_contents"] = 2
    assert run.scores("mistakes") == want, run.scores("mistakes")
