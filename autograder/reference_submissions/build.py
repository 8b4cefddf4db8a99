"""Build reference submissions for an assignment from its source (solutions) and release notebooks.

Generic cases wrap a correct submission (the release with the source's solutions filled in):
``expected`` is ``"max"`` (every auto-graded point: the hostile part sits in its own cell, so the
other cells must still earn everything), or a number. Hand-written variants per assignment live in
``<assignment>.toml``::

    [correct_different]
    expected = "max"
    answers.choose_deployment = '''def choose_deployment(w): ...'''
"""
from __future__ import annotations

import copy
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (tomli is a dependency there)
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
_MARKERS = re.compile(r"^[ \t]*(###|//) (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


@dataclass
class Case:
    """One reference submission: a student id, the file to write, and what it must score."""

    student: str
    filename: str
    content: str                          # the file's text (may be deliberately broken)
    expected: float | str                 # points, or "max" (all auto-graded points)
    status: str = "graded"
    tamper: bool = False                  # must show up in the tamper report
    reason: str | None = None             # a substring the report's reasons must contain
    notes: list[str] = field(default_factory=list)


def _gid(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def solved(source, release):
    """The release notebook with every solution cell replaced by the source's solution."""
    answers = {_gid(c): _MARKERS.sub("", c.source) for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if _gid(cell) in answers:
            cell.source = answers[_gid(cell)]
    return nb


def _with_answers(nb, answers: dict[str, str]):
    nb = copy.deepcopy(nb)
    missing = set(answers) - {_gid(c) for c in nb.cells}
    if missing:
        raise KeyError(f"reference answers name cells that no longer exist: {sorted(missing)}")
    for cell in nb.cells:
        if _gid(cell) in answers:
            cell.source = answers[_gid(cell)]
    return nb


def _insert_after_first_solution(nb, source: str):
    nb = copy.deepcopy(nb)
    at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells.insert(at + 1, new_code_cell(source))
    return nb


def _first_test(nb) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
                and c.metadata["nbgrader"].get("locked"))


HOSTILE = {
    "infinite_loop": ("while True:\n    pass", "timed out"),
    "sys_exit": ("import sys\nsys.exit('I am done')", None),
    "os_exit": ("import os\nos._exit(1)", "kernel died"),
    "kernel_kill": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "kernel died"),
    "memory_hog": ("hog = bytearray(64 * 1024 ** 3)  # 64 GB at once", None),
    "memory_creep": ("def creep():\n    chunks = []\n    while True:\n"
                     "        chunks.append(bytearray(256 * 1024 ** 2))\ntry:\n    creep()\n"
                     "except MemoryError:\n    print('out of memory')", None),
    "print_flood": ("for _ in range(400):\n    print('x' * 100_000)", "output truncated"),
}


def cases(assignment: str, source_path: Path, release_path: Path) -> list[Case]:
    """Every reference case for one single-notebook assignment."""
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(release_path, as_version=4)
    good = solved(source, release)
    name = release_path.name
    dump = nbformat.writes
    out = [Case("ref-correct", name, dump(good), "max")]
    for case, (code, reason) in HOSTILE.items():
        out.append(Case(f"ref-{case.replace('_', '-')}", name,
                        dump(_insert_after_first_solution(good, code)), "max", reason=reason))
    deleted = copy.deepcopy(good)
    del deleted.cells[_first_test(deleted)]
    out.append(Case("ref-deleted-test", name, dump(deleted), "max", tamper=True))
    renamed = copy.deepcopy(good)   # the grade id changed in the cell toolbar: graded on the course's cell
    renamed.cells[_first_test(renamed)].metadata["nbgrader"]["grade_id"] = "my-renamed-test"
    out.append(Case("ref-renamed-test", name, dump(renamed), "max", tamper=True,
                    reason="grade id the course does not define"))
    pasted = copy.deepcopy(good)    # JupyterLab's copy and paste keeps the nbgrader metadata
    at = _first_test(pasted)
    pasted.cells.insert(at + 1, copy.deepcopy(pasted.cells[at]))
    pasted.cells[at + 1]["id"] = "pasted-copy"
    out.append(Case("ref-pasted-test", name, dump(pasted), "max", reason="pasted copy"))
    edited = copy.deepcopy(good)
    edited.cells[_first_test(edited)].source = "pass  # tests are for other people"
    out.append(Case("ref-edited-test", name, dump(edited), "max", tamper=True))
    patched = _insert_after_first_solution(good, "import math\nmath.isclose = lambda *a, **k: True")
    out.append(Case("ref-monkeypatch", name, dump(patched), "max", tamper=True))
    # nbgrader's own marker text in a student's note and code (copied from a forum): still graded,
    # still given feedback (nbgrader alone would refuse the whole feedback)
    quoted = _insert_after_first_solution(good, "# ### BEGIN HIDDEN TESTS (seen on a forum)\nnotes = 1")
    quoted.cells.insert(1, nbformat.v4.new_markdown_cell("My notes: ### BEGIN HIDDEN TESTS\n### BEGIN MARK SCHEME"))
    out.append(Case("ref-quoted-markers", name, dump(quoted), "max"))
    out.append(Case("ref-invalid-json", name, dump(good)[: len(dump(good)) // 2], 0.0,
                    status="invalid", reason="not a valid notebook"))
    out.append(Case("ref-wrong-name", f"{assignment} (1).ipynb", dump(good), "max",
                    reason="wrong file name"))
    variants = HERE / f"{assignment}.toml"
    if variants.is_file():
        for key, spec in tomllib.loads(variants.read_text()).items():
            nb = _with_answers(good, spec.get("answers", {}))
            out.append(Case(f"ref-{key.replace('_', '-')}", name, dump(nb), spec["expected"],
                            reason=spec.get("reason")))
    return out


def auto_max(cells: list[dict]) -> float:
    """Points nbgrader scores by itself: code grade cells (tasks and markdown answers need a human)."""
    return sum(c["max_score"] for c in cells if c["cell_type"] == "code")


def expected_score(case: Case, cells: list[dict]) -> float:
    """The number a case must score, given the assignment's grade cells."""
    return auto_max(cells) if case.expected == "max" else float(case.expected)


def write(cases_: list[Case], assignment: str, folder: Path) -> dict[str, Case]:
    """Write cases as ``folder/<student>/<assignment>/<file>``; returns them by student id."""
    for c in cases_:
        path = folder / c.student / assignment / c.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(c.content)
    return {c.student: c for c in cases_}


if __name__ == "__main__":   # python -m autograder.reference_submissions.build phase1 OUTDIR
    import sys

    root = HERE.parents[1]
    a, dest = sys.argv[1], Path(sys.argv[2])
    got = write(cases(a, root / "source" / a / f"{a}.ipynb", root / "release" / a / f"{a}.ipynb"),
                a, dest)
    print(json.dumps({k: v.expected for k, v in got.items()}, indent=1))
