"""The course as a Python API: regenerate release/, validate notebooks, autograde submissions.

Everything runs the real nbgrader CLI (0.9) in a subprocess, in a scratch copy of the course when it
would otherwise write state (gradebook.db, submitted/, autograded/) into the course root::

    from autograder import course
    course.build_release(["phase1"])                 # source/phase1 -> release/phase1 (committed)
    course.validate("source/phase1/phase1.ipynb")    # -> Validation(passed=True, ...)
    res = course.autograde("phase1", {"alice": "alice.ipynb", "bob": "bob.ipynb"})
    res.scores["alice"]  # {"test_choose_deployment": 3.0, ...}
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("phase1", "phase2", "phase3", "phase4", "phase5", "phase6")


def nbgrader_env(root: Path = ROOT) -> dict[str, str]:
    """Environment for nbgrader: the interpreter's bin dir on PATH (nbgrader shells out to
    ``alembic``) and the course root on PYTHONPATH (hidden tests import ``autograder``)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    paths = [str(root)] + ([str(ROOT)] if Path(root) != ROOT else [])
    env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    # Grading starts from a clean backend choice: each kernel embeds its own local Pinecone.
    for var in ("PINECONE_OPS_BACKEND",):
        env.pop(var, None)
    return env


def nbgrader(args: list[str], root: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in ``root``; raise with its output when ``check`` and it fails."""
    exe = Path(sys.executable).parent / "nbgrader"
    cmd = [str(exe) if exe.exists() else "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=root, env=nbgrader_env(root), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def phases_with_source(root: Path = ROOT) -> list[str]:
    """Phases whose source notebook exists."""
    return [p for p in PHASES if (root / "source" / p / f"{p}.ipynb").exists()]


def scratch_course(phases: list[str], root: Path = ROOT) -> Path:
    """A temporary course directory holding the config and the given phases' sources."""
    tmp = Path(tempfile.mkdtemp(prefix="pinecone-ops-course-"))
    shutil.copy2(root / "nbgrader_config.py", tmp / "nbgrader_config.py")
    for phase in phases:
        shutil.copytree(root / "source" / phase, tmp / "source" / phase,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return tmp


def generate(phase: str, course_dir: Path) -> Path:
    """``nbgrader generate_assignment`` in ``course_dir``; returns release/<phase>."""
    nbgrader(["generate_assignment", phase, "--force"], root=course_dir)
    return course_dir / "release" / phase


def build_release(phases: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """Regenerate ``release/<phase>/`` from ``source/<phase>/`` (in a scratch course, so the
    instructor's gradebook is never touched). Returns the release folders written."""
    phases = phases or phases_with_source(root)
    work = scratch_course(phases, root)
    written = []
    try:
        for phase in phases:
            built = generate(phase, work)
            dest = root / "release" / phase
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(built, dest)
            written.append(dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return written


def normalised(path: Path) -> str:
    """Canonical JSON text of a notebook (key order and whitespace do not matter)."""
    return json.dumps(json.loads(Path(path).read_text()), sort_keys=True, indent=1)


@dataclass
class Validation:
    """Result of ``nbgrader validate``."""

    passed: bool
    output: str


def validate(notebook: str | Path, root: Path = ROOT) -> Validation:
    """Run ``nbgrader validate`` (executes the notebook with its tests). ``passed`` is True only
    when every test cell passes."""
    nb = Path(notebook).resolve()
    proc = nbgrader(["validate", str(nb)], root=root, check=False)
    out = proc.stdout + proc.stderr
    passed = proc.returncode == 0 and "Success! Your notebook passes all the tests." in out
    return Validation(passed, out)


@dataclass
class Autograded:
    """Scores per student per grade cell, plus where the run happened (for feedback, logs)."""

    course_dir: Path
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    log: str = ""

    def total(self, student: str) -> float:
        return sum(self.scores[student].values())

    @property
    def max_total(self) -> float:
        return sum(self.max_scores.values())


def find_submissions(phase: str, folder: Path) -> dict[str, Path]:
    """Student id → notebook in ``folder``, laid out as ``<student>/<phase>.ipynb`` or as nbgrader's
    ``<student>/<phase>/<phase>.ipynb``."""
    found = {}
    for d in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        for candidate in (d / f"{phase}.ipynb", d / phase / f"{phase}.ipynb"):
            if candidate.exists():
                found[d.name] = candidate
                break
    return found


def autograde(phase: str, submissions: Mapping[str, str | Path] | Path, *, root: Path = ROOT,
              feedback: bool = False, keep: bool = False) -> Autograded:
    """Autograde submissions of ``phase`` in one ``nbgrader autograde`` run in a scratch course.

    ``submissions`` maps student id → notebook path, or is a folder (see :func:`find_submissions`).
    With ``feedback`` the feedback HTML is generated too (``feedback/<student>/<phase>/``). The
    scratch course is deleted unless ``keep`` (or ``feedback``) is set.
    """
    if isinstance(submissions, (str, Path)):
        submissions = find_submissions(phase, Path(submissions))
    work = scratch_course([phase], root)
    generate(phase, work)
    for student, path in submissions.items():
        dest = work / "submitted" / student / phase
        dest.mkdir(parents=True)
        shutil.copy2(path, dest / f"{phase}.ipynb")
    proc = nbgrader(["autograde", phase, "--force"], root=work, check=False)
    result = Autograded(course_dir=work, log=proc.stdout + proc.stderr)
    if feedback:
        nbgrader(["generate_feedback", phase, "--force"], root=work)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        for student in submissions:
            try:
                nb = gb.find_submission_notebook(phase, phase, student)
            except Exception:  # noqa: BLE001 (autograde failed for this one: no scores)
                result.scores[student] = {}
                continue
            result.scores[student] = {g.name: float(g.score or 0.0) for g in nb.grades if g.max_score}
            for g in nb.grades:
                if g.max_score:
                    result.max_scores[g.name] = float(g.max_score)
    if not (keep or feedback):
        shutil.rmtree(work, ignore_errors=True)
    return result


def points_table(root: Path = ROOT) -> dict[str, dict[str, float]]:
    """Points per grade cell per phase, read from the source notebooks."""
    table = {}
    for phase in phases_with_source(root):
        nb = json.loads((root / "source" / phase / f"{phase}.ipynb").read_text())
        table[phase] = {c["metadata"]["nbgrader"]["grade_id"]: float(c["metadata"]["nbgrader"]["points"])
                        for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    return table
