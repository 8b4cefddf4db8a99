"""Everything the grader knows reaches the instructor: two assignments graded one after the other into
one output folder keep both in grades.csv; a file nobody can be matched to is a row and a summary
line, not a warning on stderr. Real nbgrader, real kernels, the real command line."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

import minicourse
from autograder.pipeline.coursedir import build_template
from autograder.reference_submissions import build
from conftest import REPO

pytestmark = pytest.mark.slow
EXE = [sys.executable, "-m", "pinecone_ops.cli", "grade"]


def _two_assignments(root):
    course = minicourse.build_course(root)
    (course / "source" / "mini2").mkdir()
    shutil.copy(course / "source" / "mini" / "mini.ipynb", course / "source" / "mini2" / "mini2.ipynb")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace("ASSIGNMENTS = ['mini']", "ASSIGNMENTS = ['mini', 'mini2']"))
    return course


def _grade(course, target, subs, out, *more):
    proc = subprocess.run(EXE + [target, str(subs), "--course", str(course), "--out", str(out),
                                 "--workers", "2", "--quiet", "--cell-timeout", "20", *more],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return proc


def _csv(out):
    with open(out / "grading" / "grades.csv", newline="") as fh:
        return {(r["assignment"], r["student_id"]): r for r in csv.DictReader(fh)}


def test_phases_accumulate_and_unmatched_files_are_rows(tmp_path):
    course, out, subs = _two_assignments(tmp_path / "course"), tmp_path / "out", tmp_path / "subs"
    for a in ("mini", "mini2"):
        template = build_template(course, a, out / ".grading" / "probe")
        good = build.solved(*(nbformat.read(p, as_version=4) for p in (template.source(a), template.release(a))))
        for student in ("amy", "ben"):
            (subs / a / student / a).mkdir(parents=True)
            (subs / a / student / a / f"{a}.ipynb").write_text(nbformat.writes(good))
        # nobody's: no student folder, and a name the LMS pattern cannot read
        (subs / a / "untitled.ipynb").write_text(nbformat.writes(good))

    first = _grade(course, "mini", subs / "mini", out)
    assert "cannot tell whose" in first.stderr
    assert re.search(r"^mini\s+untitled.ipynb\s+-\s+unmatched\s+cannot tell whose", first.stdout, re.M)
    assert "mini: 2 submissions, mean 83.3%, median 83.3%, to review 1, unmatched files 1" in first.stdout

    second = _grade(course, "mini2", subs / "mini2", out)
    assert "mini2: 2 submissions" in second.stdout and "mini: " not in second.stdout   # this run's
    rows = _csv(out)
    assert sorted(rows) == [("mini", "amy"), ("mini", "ben"), ("mini", "untitled.ipynb"),
                            ("mini2", "amy"), ("mini2", "ben"), ("mini2", "untitled.ipynb")]
    for a in ("mini", "mini2"):
        assert rows[(a, "amy")]["score"] == "5" and rows[(a, "amy")]["status"] == "graded"
        stray = rows[(a, "untitled.ipynb")]
        assert (stray["status"], stray["review"], stray["score"]) == ("unmatched", "yes", "")
        assert "untitled.ipynb" in stray["reasons"]
    assert {p.name for p in (out / "grading").glob("histogram-*.png")} == {"histogram-mini.png",
                                                                          "histogram-mini2.png"}

    # the file is claimed now: its row goes, the others stay; --student never drops unmatched rows
    (subs / "mini2" / "untitled.ipynb").rename(subs / "mini2" / "cat_mini2.ipynb")
    third = _grade(course, "mini2", subs / "mini2", out)
    assert "unmatched" not in third.stdout
    rows = _csv(out)
    assert ("mini2", "untitled.ipynb") not in rows and rows[("mini2", "cat")]["score"] == "5"
    _grade(course, "mini", subs / "mini", out, "--student", "amy")
    assert ("mini", "untitled.ipynb") in _csv(out)
