"""Phase 5 (Cost optimization) as a course: validates, releases, and grades fairly (real nbgrader).

The rewrite is three measured steps (load_records → WU, answer_questions → RU, look_up_records → RU);
the students below were written from the notebook's instructions, one mistake per step.
"""
from __future__ import annotations

import pytest

from autograder import course
from tests.course.contract import PhaseContract
from tests.course.p456.students5 import ALT, HALF_WAY, MISTAKES, WRONG_NAMESPACE_FETCH

pytestmark = pytest.mark.slow

REWRITE = ("test_workload_identical", "test_workload_total", "test_workload_reads", "test_workload_writes")


class TestPhase5(PhaseContract):
    PHASE, MAX_TOTAL = "phase5", 19
    STUDENTS = {"alternative": ALT, "mistakes": MISTAKES, "halfway": HALF_WAY,
                "wrong_namespace_fetch": WRONG_NAMESPACE_FETCH}

    def test_every_test_cell_of_the_blank_release_fails(self):
        # nbgrader validate --invert succeeds only when no test cell passes without an answer.
        path = course.ROOT / "release" / self.PHASE / f"{self.PHASE}.ipynb"
        proc = course.nbgrader(["validate", "--invert", str(path)], course.ROOT, course.ROOT, check=False)
        out = proc.stdout + proc.stderr
        assert "Success! The notebook does not pass any tests." in out, out[-3000:]

    def test_typical_mistakes_lose_their_points(self, run):
        # Batched writes into one shared namespace keep the write points; filtered reads lose the read points.
        s = run.scores("mistakes")
        assert {k: s[k] for k in ("test_monthly_bill", "test_pod_bill", "test_break_even")} == dict.fromkeys(
            ("test_monthly_bill", "test_pod_bill", "test_break_even"), 0), s
        assert (s["test_workload_identical"], s["test_workload_writes"], s["test_workload_reads"]) == (2, 2, 0), s

    def test_half_way_rewrite_keeps_only_the_read_points(self, run):
        # Per-tenant namespaces and fetch, but every record still written twice, one request each.
        s = run.scores("halfway")
        assert (s["test_workload_identical"], s["test_workload_reads"]) == (2, 2), s
        assert (s["test_workload_writes"], s["test_workload_total"]) == (0, 0), s
        assert run.graded.total("halfway") == 13, s

    def test_fetching_from_the_wrong_namespace_scores_nothing_of_the_rewrite(self, run):
        s = run.scores("wrong_namespace_fetch")
        assert {k: s[k] for k in REWRITE} == dict.fromkeys(REWRITE, 0), s
