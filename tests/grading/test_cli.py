"""`pinecone-ops grade` as instructors run it: an LMS zip, the summary, Ctrl-C and resume."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.pipeline.coursedir import build_template
from autograder.reference_submissions import build
from conftest import REPO

EXE = [sys.executable, "-m", "pinecone_ops.cli", "grade"]


def test_outside_a_checkout_it_says_what_to_do(tmp_path):
    proc = subprocess.run(EXE + ["phase1", str(tmp_path)], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 2
    assert "needs the course checkout" in proc.stderr and "--course" in proc.stderr


def test_unknown_assignment_is_a_clear_error(mini_course, tmp_path):
    proc = subprocess.run(EXE + ["nope", str(tmp_path), "--course", str(mini_course)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown assignment 'nope'" in proc.stderr and "mini" in proc.stderr


def _good(course, cache):
    template = build_template(course, "mini", cache)
    src, rel = template.source("mini"), template.release("mini")
    return build.solved(nbformat.read(src, as_version=4), nbformat.read(rel, as_version=4))


#: Enough that an interrupt after the first result lands mid-run (warm workers grade one in ~2 s).
STUDENTS = ("amy", "ben", "cat", "dan", "eve", "fay", "gus", "hal")


@pytest.mark.slow
def test_zip_interrupt_and_resume(mini_course, tmp_path):
    out = tmp_path / "out"
    good = _good(mini_course, out / ".grading")
    archive = tmp_path / "canvas.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for student in STUDENTS:
            zf.writestr(f"{student}_101_202_mini.ipynb", nbformat.writes(good))
    cmd = EXE + ["mini", str(archive), "--course", str(mini_course), "--out", str(out),
                 "--workers", "1", "--quiet", "--cell-timeout", "10"]
    state = out / "grading" / "state.json"
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if state.is_file() and len(json.loads(state.read_text())["results"]) >= 1:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    first = json.loads(state.read_text())["results"]
    if proc.returncode == 130:       # interrupted mid-run (the normal case)
        assert "run the same command again to continue" in err
        assert 1 <= len(first) < len(STUDENTS)
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{len(first)} already graded" in done.stderr
    final = json.loads(state.read_text())["results"]
    assert sorted(final) == [f"mini/{s}" for s in STUDENTS]
    for key, result in first.items():
        assert final[key]["seconds"] == result["seconds"]      # kept, not regraded
    with open(out / "grading" / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["student_id"]: r["score"] for r in rows} == dict.fromkeys(STUDENTS, "5")
    assert f"mini: {len(STUDENTS)} submissions, mean 83.3%" in done.stdout
    leftovers = subprocess.run(["pgrep", "-f", "autograder.pipeline.child"], capture_output=True,
                               text=True).stdout.split()
    # no warm grading process of this run is left (they carry this course on their PYTHONPATH)
    assert not [p for p in leftovers if _environ(p) and str(mini_course).encode() in _environ(p)]


def _environ(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:     # gone already, or not ours
        return b""


def test_the_library_never_imports_autograder():
    code = ("import sys; from pinecone_ops import cli; p = cli.build_parser(); "
            "p.parse_args(['grade', 'phase1', 'x']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'autograder'))")
    proc = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
