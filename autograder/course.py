"""The course as a Python API: regenerate release/, validate notebooks, autograde submissions.

Built on the one course layer (``autograder/pipeline/coursedir.py``): the same assignment list,
environment, template and scratch course as ``pinecone-ops grade``, so what the course tests grade
is what instructors grade. Everything runs the real nbgrader CLI (0.9) in a subprocess::

    from autograder import course
    course.build_release(["phase1"])                 # source/phase1 -> release/phase1 (committed)
    course.validate("source/phase1/phase1.ipynb")    # -> Validation(passed=True, ...)
    res = course.autograde("phase1", {"alice": "alice.ipynb", "bob": "bob.ipynb"})
    res.scores["alice"]  # {"test_choose_deployment": 3.0, ...}
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.pipeline.coursedir import CHECKOUT, assignments, build_template, make_scratch, nbgrader

ROOT = CHECKOUT


def build_release(phases: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """Regenerate ``release/<phase>/`` from ``source/<phase>/`` (in a scratch course, so the
    instructor's gradebook is never touched). Returns the release folders written."""
    cache = Path(tempfile.mkdtemp(prefix="pinecone-ops-release-"))
    written = []
    try:
        for phase in phases or assignments(root):
            built = build_template(root, phase, cache).release_dir
            dest = root / "release" / phase
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(built, dest)
            written.append(dest)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
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
    proc = nbgrader(["validate", str(Path(notebook).resolve())], root, root, check=False)
    out = proc.stdout + proc.stderr
    passed = proc.returncode == 0 and "Success! Your notebook passes all the tests." in out
    return Validation(passed, out)


@dataclass
class Autograded:
    """Scores per student per grade cell, plus where the run happened (for feedback, logs)."""

    course_dir: Path                  # the scratch course: submitted/, autograded/, feedback/
    release_dir: Path                 # release/<phase> as nbgrader generated it for this run
    work: Path                        # everything this run wrote (see cleanup)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    log: str = ""

    def total(self, student: str) -> float:
        return sum(self.scores[student].values())

    @property
    def max_total(self) -> float:
        return sum(self.max_scores.values())

    def cleanup(self) -> None:
        """Delete the scratch course and the template it came from."""
        shutil.rmtree(self.work, ignore_errors=True)


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
    scratch course is deleted unless ``keep`` (or ``feedback``) is set; then call ``cleanup()``.
    """
    from nbgrader.api import MissingEntry

    from autograder.pipeline.gradebook import submission_grades

    if isinstance(submissions, (str, Path)):
        submissions = find_submissions(phase, Path(submissions))
    work = Path(tempfile.mkdtemp(prefix=f"pinecone-ops-{phase}-"))
    template = build_template(root, phase, work / "cache")
    scratch = work / "course"
    make_scratch(template, root, scratch,
                 {s: {phase: Path(p).read_bytes()} for s, p in submissions.items()})
    proc = nbgrader(["autograde", phase, "--force"], scratch, root, check=False)
    result = Autograded(course_dir=scratch, release_dir=template.release_dir, work=work,
                        log=proc.stdout + proc.stderr)
    if feedback:
        nbgrader(["generate_feedback", phase, "--force"], scratch, root)
    for student in submissions:
        try:
            grades = submission_grades(scratch / "gradebook.db", phase, student).get(phase, [])
        except MissingEntry:   # autograde failed for this one: no scores
            result.scores[student] = {}
            continue
        graded = [g for g in grades if g["max_score"]]
        result.scores[student] = {g["name"]: float(g["auto_score"] or 0.0) for g in graded}
        result.max_scores.update({g["name"]: float(g["max_score"]) for g in graded})
    if not (keep or feedback):
        result.cleanup()
    return result


def points_table(root: Path = ROOT) -> dict[str, dict[str, float]]:
    """Points per grade cell per phase, read from the source notebooks."""
    table = {}
    for phase in assignments(root):
        nb = json.loads((root / "source" / phase / f"{phase}.ipynb").read_text())
        table[phase] = {c["metadata"]["nbgrader"]["grade_id"]: float(c["metadata"]["nbgrader"]["points"])
                        for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    return table
