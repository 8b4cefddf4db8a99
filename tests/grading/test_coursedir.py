"""The course layer: one assignment list (from nbgrader_config.py), one environment, one LMS pattern."""
from __future__ import annotations

import os
import sys

import pytest

from autograder import lms
from autograder.course import ROOT
from autograder.pipeline.coursedir import CourseError, assignments, child_env, course_pattern


def _course(tmp_path, config: str, with_source: list[str]):
    (tmp_path / "nbgrader_config.py").write_text(config)
    for a in with_source:
        (tmp_path / "source" / a).mkdir(parents=True)
        (tmp_path / "source" / a / f"{a}.ipynb").write_text("{}")
    return tmp_path


def test_assignments_come_from_the_config_in_its_order(tmp_path):
    course = _course(tmp_path, 'c = get_config()\nASSIGNMENTS = ["b", "a", "later"]\nraise SystemExit\n',
                     ["a", "b", "unlisted"])
    assert assignments(course) == ["b", "a"]     # read, not run; no source yet: not gradable yet


def test_a_config_without_assignments_is_a_clear_error(tmp_path):
    with pytest.raises(CourseError, match="ASSIGNMENTS"):
        assignments(_course(tmp_path, "c = get_config()\n", ["a"]))


def test_the_course_pattern_is_the_one_lms_pattern_for_its_assignments():
    assert course_pattern(ROOT) == lms.named_regexp(lms.notebooks(assignments(ROOT)))


def test_the_grader_environment_never_reaches_real_pinecone(monkeypatch, tmp_path):
    monkeypatch.setenv("PINECONE_API_KEY", "pcsk_real")
    monkeypatch.setenv("PINECONE_OPS_BACKEND", "pinecone")
    monkeypatch.setenv("PINECONE_OPS_HOST", "http://example.com")
    env = child_env(tmp_path, {"EXTRA": "1"})
    assert not {"PINECONE_API_KEY", "PINECONE_OPS_BACKEND", "PINECONE_OPS_HOST"} & set(env)
    assert env["PYTHONPATH"].split(os.pathsep)[:2] == [str(tmp_path), str(ROOT)]
    assert env["PATH"].split(os.pathsep)[0] == os.path.dirname(sys.executable)
    assert env["OMP_NUM_THREADS"] == "1" and env["PYTHONHASHSEED"] == "0" and env["EXTRA"] == "1"
