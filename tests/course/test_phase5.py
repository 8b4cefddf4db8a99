"""Phase 5 (Cost optimization) as a course: validates, releases, and grades fairly (real nbgrader)."""
from __future__ import annotations

import pytest

from autograder import course
from tests.course.harness import cleanup, run_phase
from tests.course.p456.students5 import ALT, HALF_WAY, MISTAKES
from tests.course.students import student

PHASE = "phase5"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run():
    r = run_phase(PHASE, {
        "alt": student(PHASE, ALT),
        "mistakes": student(PHASE, MISTAKES),
        "halfway": student(PHASE, HALF_WAY),
    })
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
    assert run.graded.max_total == 19, run.graded.max_scores
    assert run.graded.total("solution") == 19, run.scores("solution")
    assert run.graded.total("blank") == 0, run.scores("blank")


def test_correct_but_different_gets_full_marks(run):
    assert run.graded.total("alt") == 19, run.scores("alt")


def test_typical_mistakes_lose_their_points(run):
    # Results stay identical (2 points); every other exercise's mistake costs all its points.
    assert run.scores("mistakes") == {
        "test_monthly_bill": 0, "test_pod_bill": 0, "test_break_even": 0, "test_workload_identical": 2,
        "test_workload_total": 0, "test_workload_reads": 0, "test_workload_writes": 0}


def test_half_way_rewrite_keeps_only_the_read_points(run):
    # Per-tenant namespaces and fetch, but every record still written twice, one request each.
    s = run.scores("halfway")
    assert (s["test_workload_identical"], s["test_workload_reads"]) == (2, 2), s
    assert (s["test_workload_writes"], s["test_workload_total"]) == (0, 0), s
    assert run.graded.total("halfway") == 13, s
