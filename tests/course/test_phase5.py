"""Phase 5 (Cost optimization) as a course: validates, releases, and grades fairly (real nbgrader)."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract
from tests.course.p456.students5 import ALT, HALF_WAY, MISTAKES

pytestmark = pytest.mark.slow


class TestPhase5(PhaseContract):
    PHASE, MAX_TOTAL = "phase5", 19
    STUDENTS = {"alternative": ALT, "mistakes": MISTAKES, "halfway": HALF_WAY}

    def test_typical_mistakes_lose_their_points(self, run):
        # Results stay identical (2 points); every other exercise's mistake costs all its points.
        assert run.scores("mistakes") == {
            "test_monthly_bill": 0, "test_pod_bill": 0, "test_break_even": 0, "test_workload_identical": 2,
            "test_workload_total": 0, "test_workload_reads": 0, "test_workload_writes": 0}

    def test_half_way_rewrite_keeps_only_the_read_points(self, run):
        # Per-tenant namespaces and fetch, but every record still written twice, one request each.
        s = run.scores("halfway")
        assert (s["test_workload_identical"], s["test_workload_reads"]) == (2, 2), s
        assert (s["test_workload_writes"], s["test_workload_total"]) == (0, 0), s
        assert run.graded.total("halfway") == 13, s
