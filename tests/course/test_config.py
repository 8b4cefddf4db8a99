"""nbgrader_config.py loads without error and carries the fixes (nbgrader silently ignores a broken config)."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import zipfile

from traitlets.config import Config

from autograder import course
from autograder.pipeline.coursedir import assignments, nbgrader


def load_config() -> Config:
    cfg = Config()
    env = dict(os.environ)
    code = (course.ROOT / "nbgrader_config.py").read_text()
    try:
        exec(compile(code, "nbgrader_config.py", "exec"), {"get_config": lambda: cfg, "__file__":
                                                           str(course.ROOT / "nbgrader_config.py")})
    finally:
        os.environ.clear()
        os.environ.update(env)
    return cfg


def test_config_loads_and_sets_the_fixes():
    c = load_config()
    assert c.CourseDirectory.course_id == "pinecone-ops"
    assert c.Execute.timeout >= 30
    assert c.OverwriteCells.add_missing_cells is True
    assert c.IgnorePattern.enabled is True
    assert c.GenerateAssignment.preprocessors[0] == "nbconvert.preprocessors.ClearMetadataPreprocessor"
    assert c.ClearMetadataPreprocessor.preserve_nb_metadata_mask == {"kernelspec", "language_info"}
    assert "autograder.preprocessors.clear_hidden_tests.ClearHiddenTestsInTestCells" in c.GenerateFeedback.preprocessors
    assert any(str(p).endswith("CheckedExecute") for p in c.Autograde.autograde_preprocessors)
    for name in c.GenerateFeedback.preprocessors + c.GenerateAssignment.preprocessors:
        module, _, attr = name.rpartition(".")
        assert getattr(importlib.import_module(module), attr)


def test_ignore_pattern_drops_warnings_only():
    import re

    pattern = load_config().IgnorePattern.pattern
    assert re.search(pattern, "/x.py:3: UserWarning: deprecated\n  warnings.warn(...)")
    assert re.search(pattern, "DeprecationWarning: old api")
    assert re.search(pattern, "Upserting: 100%|##########| 2/2 [00:00<00:00, 191.76batch/s]")
    assert not re.search(pattern, "Traceback (most recent call last):\nValueError: boom")


def test_assignments_are_the_six_phases():
    code = (course.ROOT / "nbgrader_config.py").read_text()
    assert 'ASSIGNMENTS = ["phase1", "phase2", "phase3", "phase4", "phase5", "phase6"]' in code
    assert assignments(course.ROOT) == [f"phase{i}" for i in range(1, 7)]   # what everything grades


def test_nbgrader_loads_config_without_errors():
    """nbgrader logs 'Exception while loading config file' and carries on: make sure it does not."""
    proc = nbgrader(["list", "--debug"], course.ROOT, course.ROOT, check=False)  # any app: it loads the config first
    out = proc.stdout + proc.stderr
    assert "Exception while loading config file" not in out
    assert f"Loaded config file: {course.ROOT / 'nbgrader_config.py'}" in out


def test_autograder_not_in_wheel(tmp_path):
    """The instructor-only package never ships: build the wheel and look inside."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps",
                           "-w", str(tmp_path), "-q"], cwd=course.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("pinecone_ops/course/") for n in names)
    assert not [n for n in names if n.startswith("autograder/") or "/checks/phase" in n]
    blob = b"".join(zipfile.ZipFile(wheel).read(n) for n in names if n.endswith(".py"))
    assert b"BEGIN HIDDEN TESTS" not in blob and b"check_choose_deployment" not in blob
