"""The grade seam (``pinecone-ops grade`` -> ``python -m autograder.cli``), the typed records and the
feedback redaction preprocessor: fast checks, no nbgrader run."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder import cli
from autograder.pipeline import GradeOptions, GradeResult
from autograder.preprocessors.redact_tracebacks import RedactForStudents
from conftest import REPO

EXE = [sys.executable, "-m", "pinecone_ops.cli", "grade"]


def test_help_is_the_graders_own_with_its_defaults():
    proc = subprocess.run(EXE + ["--help"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: pinecone-ops grade")
    for flag in ("--workers", "--cell-timeout", "--notebook-timeout", "--memory-mb", "--max-output-kb",
                 "--pattern", "--student", "--force", "--out", "--course", "--no-sandbox"):
        assert flag in proc.stdout, flag
    text = " ".join(proc.stdout.split())          # argparse wraps lines
    assert "(default: 300.0)" in text and "(default: 2048)" in text
    assert "UNSAFE for a hostile class" in text   # --no-sandbox says what it costs


def test_help_outside_a_checkout_says_what_to_do(tmp_path):
    proc = subprocess.run(EXE + ["--help"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 2 and "needs the course checkout" in proc.stderr


def test_flag_defaults_are_grade_options_defaults():
    args = cli.build_parser().parse_args(["phase1", "subs"])
    opts = cli.options(args, Path("/course"))
    defaults = GradeOptions(course=Path("/course"), out=Path("/course"))
    assert dataclasses.asdict(opts) == dataclasses.asdict(defaults)


def test_grade_result_round_trips_through_its_dict():
    r = GradeResult("amy", "mini", 6.0, digest="abc", score=5.0, status="graded",
                    cells=[{"notebook": "mini", "name": "test_add", "max_score": 2.0, "auto_score": 2.0,
                            "needs_manual_grade": False, "cell_type": "code", "error": None}],
                    reasons=["cell 3: timed out"], tamper=[{"kind": "monkeypatch", "text": "x"}],
                    feedback=["feedback/amy/mini/mini.html"], attempts=2, seconds=1.5)
    assert GradeResult.from_dict(r.to_dict()) == r
    assert r.key == "mini/amy"
    # a state file from an older run: missing keys take defaults, unknown keys are ignored
    old = GradeResult.from_dict({"student": "ben", "assignment": "mini", "max_score": 6.0,
                                 "status": "failed", "reasons": ["grader error"], "extra": 1})
    assert (old.score, old.attempts, old.cells, old.status) == (0.0, 0, [], "failed")


def test_feedback_redaction_keeps_the_message_drops_the_traceback_and_widget_state():
    error = new_output("error", ename="AssertionError", evalue="area must square the radius",
                       traceback=["Traceback (most recent call last)", "assert area(2.5) == 19.63"])
    graded = new_code_cell("check(area)", outputs=[error], metadata={"nbgrader": {
        "grade": True, "grade_id": "test_area", "locked": True, "points": 3, "solution": False,
        "schema_version": 3}})
    plain = new_code_cell("1/0", outputs=[new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                                     traceback=["Traceback", "1/0"])])
    nb = new_notebook(cells=[graded, plain], metadata={"widgets": {"state": "solution outputs"}})
    out, _ = RedactForStudents().preprocess(nbformat.from_dict(nb), {})
    assert out.cells[0].outputs[0].traceback == ["AssertionError: area must square the radius"]
    assert out.cells[1].outputs[0].traceback == ["Traceback", "1/0"]      # the student's own cell
    assert "widgets" not in out.metadata


FAKE_CLI = '''import signal, sys, time
hits = []
signal.signal(signal.SIGINT, lambda *a: hits.append(1))
print("ARGS", sys.argv[1:], flush=True)
deadline = time.monotonic() + 60
while not hits and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(0.5)                       # a second, unforwarded-twice signal would show here
print("SIGINTS", len(hits), flush=True)
sys.exit(130 if hits else 3)
'''


def test_the_seam_runs_the_checkouts_cli_passes_exit_code_and_forwards_ctrl_c(tmp_path):
    """A stand-in checkout: the wheel finds it from --course, runs its autograder.cli with the
    arguments unchanged, forwards SIGINT once and passes the exit code through."""
    import signal

    checkout = tmp_path / "checkout"
    (checkout / "autograder").mkdir(parents=True)
    (checkout / "autograder" / "__init__.py").write_text("")
    (checkout / "autograder" / "cli.py").write_text(FAKE_CLI)
    args = ["mini", "subs", "--course", str(checkout / "autograder"), "--workers", "1"]
    proc = subprocess.Popen(EXE + args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": ""})
    first = proc.stdout.readline()
    assert first.startswith("ARGS") and str(args) in first, first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "SIGINTS 1" in out
