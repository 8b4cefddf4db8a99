"""Phase 6 (Production operations) as a course: validates, releases, and grades fairly (real nbgrader)."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract
from tests.course.p456.students6 import ALT, MISTAKES

pytestmark = pytest.mark.slow


class TestPhase6(PhaseContract):
    PHASE, MAX_TOTAL = "phase6", 20
    STUDENTS = {"alternative": ALT, "mistakes": MISTAKES}

    def test_typical_mistakes_lose_their_points(self, run):
        # One typical mistake per exercise (see p456/students6.py). The migration mistake copies
        # correctly but deletes before switching readers: only the contents points remain.
        want = {k: 0 for k in run.graded.max_scores}
        want["test_migration_contents"] = 2
        assert run.scores("mistakes") == want, run.scores("mistakes")
