"""Fake students for the course tests: release notebooks with chosen answer cells filled in."""
from __future__ import annotations

import json
from pathlib import Path

from autograder import course


def release_json(phase: str) -> dict:
    return json.loads((course.ROOT / "release" / phase / f"{phase}.ipynb").read_text())


def cell_ids(nb: dict, kind: str) -> list[str]:
    """grade_ids of solution cells (kind='solution') or graded test cells (kind='grade')."""
    return [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get(kind)]


def student(phase: str, answers: dict[str, str], base: str = "source") -> dict:
    """A submission: the ``base`` notebook ("source" = our solutions, "release" = blank) with the
    solution cells named in ``answers`` replaced by that code."""
    nb = json.loads((course.ROOT / base / phase / f"{phase}.ipynb").read_text())
    unknown = set(answers) - set(cell_ids(nb, "solution"))
    assert not unknown, f"no solution cells {unknown} in {phase}"
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid].strip("\n")
    return nb


def write_students(phase: str, students: dict[str, dict], folder: Path) -> dict[str, Path]:
    """Write each student's notebook; include the source solution and the blank release."""
    paths = {"solution": course.ROOT / "source" / phase / f"{phase}.ipynb",
             "blank": course.ROOT / "release" / phase / f"{phase}.ipynb"}
    for name, nb in students.items():
        path = folder / f"{name}.ipynb"
        path.write_text(json.dumps(nb, indent=1))
        paths[name] = path
    return paths
