"""Phase 4 (Index management) as a course: validates, releases, and grades fairly (real nbgrader)."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract
from tests.course.p456.students4 import ALT, MISTAKES

pytestmark = pytest.mark.slow


class TestPhase4(PhaseContract):
    PHASE, MAX_TOTAL = "phase4", 18
    STUDENTS = {"alternative": ALT, "mistakes": MISTAKES}

    def test_typical_mistakes_lose_their_points(self, run):
        # One typical mistake per exercise (see p456/students4.py): each loses all of its points.
        assert run.scores("mistakes") == {k: 0 for k in run.graded.max_scores}, run.scores("mistakes")
