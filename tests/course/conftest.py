"""Fixtures for the course tests."""
from __future__ import annotations

import pytest

from tests.course import harness


@pytest.fixture(scope="class")
def run(request):
    """The grading run of the test class's phase (``PHASE``), shared by its tests."""
    result = harness.get(request.cls.PHASE)
    yield result
    harness.cleanup(result)
