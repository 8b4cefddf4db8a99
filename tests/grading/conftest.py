"""Shared helpers for the grading tests: a tiny course, options with short limits."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
# nbgrader shells out to `alembic` when it creates a gradebook
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


@pytest.fixture(scope="session")
def mini_course(tmp_path_factory) -> Path:
    """The mini course (tests/grading/minicourse.py) in a temp dir."""
    import minicourse

    return minicourse.build_course(tmp_path_factory.mktemp("course"))
