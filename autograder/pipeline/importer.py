"""Turn a folder or an LMS zip of notebooks into grading jobs, one per student and assignment.

Accepted layouts (mixable): ``<student>/<assignment>/<nb>.ipynb``; ``<student>/<nb>.ipynb`` when
one assignment is graded; flat LMS names matched by a regex with the named groups ``student_id``
and ``file_id`` (optionally ``assignment_id``). Problems are reported per submission, never raised:
a wrong file name is mapped to the expected one when that is unambiguous, an unreadable notebook
makes the submission invalid with the parser's message, and a graded cell copied and pasted (as
JupyterLab does it: the copy keeps the cell's nbgrader metadata, which nbgrader refuses) is graded
once, with a note.
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

import nbformat

from .records import Job

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_SKIP_PARTS = {".ipynb_checkpoints", "__MACOSX"}
#: What ``nbgrader collect`` puts beside a submission's notebooks (kept for ``release_feedback``).
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def _norm(name: str) -> str:
    """Name as students mangle it: case, spaces, ``(1)``, ``-Copy1``, ``_late`` ignored."""
    stem = name.lower().removesuffix(".ipynb")
    stem = re.sub(r"\s*\(\d+\)$|-copy\d*$|[_-]late$", "", stem)
    return re.sub(r"[^a-z0-9]", "", stem)


def safe_id(raw: str) -> str:
    """A student id nbgrader can use as a folder name."""
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", raw).strip("._") or "unknown"


def extract_zip(archive: Path, dest: Path) -> Path:
    """Extract an LMS zip, refusing absolute or ``..`` paths and oversized members."""
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            parts = PurePosixPath(info.filename).parts
            if info.is_dir() or ".." in parts or info.filename.startswith("/"):
                continue
            if info.file_size > MAX_NOTEBOOK_BYTES and info.filename.endswith(".ipynb"):
                continue   # reported later as missing; a zip bomb never reaches the disk
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                out.write(src.read(MAX_NOTEBOOK_BYTES + 1))
    return dest


def _classify(rel: PurePosixPath, wanted: list[str], notebooks: dict[str, list[str]],
              pattern: re.Pattern) -> tuple[str, str, str] | None:
    """(student, assignment, file name) for one file, or None when it cannot be mapped."""
    parts = rel.parts
    if len(parts) >= 3 and parts[-2] in notebooks:
        return parts[-3], parts[-2], parts[-1]
    if len(parts) == 2 and len(wanted) == 1 and parts[0] not in notebooks:
        return parts[0], wanted[0], parts[1]
    m = pattern.match(parts[-1])
    if not m:
        return None
    groups = m.groupdict()
    file_id = groups.get("file_id") or parts[-1]
    assignment = groups.get("assignment_id")
    if not assignment:
        hits = [a for a in wanted if _norm(file_id) in {_norm(n) for n in notebooks[a]}]
        assignment = hits[0] if len(hits) == 1 else (wanted[0] if len(wanted) == 1 else None)
    if assignment not in wanted:
        return None
    return groups["student_id"], assignment, file_id


def _match_names(given: dict[str, Path], expected: list[str]) -> tuple[dict[str, Path], list[str]]:
    """Map submitted file names onto expected notebook names; notes for anything renamed."""
    mapped: dict[str, Path] = {}
    notes: list[str] = []
    left = dict(given)
    for name in expected:
        if f"{name}.ipynb" in left:
            mapped[name] = left.pop(f"{name}.ipynb")
    for name in [n for n in expected if n not in mapped]:
        hits = [g for g in left if _norm(g) == _norm(name)]
        if len(hits) != 1 and len(expected) == 1 and len(left) == 1:
            hits = list(left)
        if len(hits) == 1:
            mapped[name] = left.pop(hits[0])
            notes.append(f"wrong file name: {hits[0]!r} graded as '{name}.ipynb'")
    for g in left:
        notes.append(f"ignored extra file {g!r}")
    return mapped, notes


def _read(path: Path) -> bytes | str:
    """The notebook's bytes, or (a str) why it cannot be graded."""
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
    data = path.read_bytes()
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as exc:  # any parser error is the student's problem to see
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{path.name} is not a valid notebook (JSON): {msg[:200]}"
    return data


def unpaste(data: bytes) -> tuple[bytes, list[str]]:
    """A notebook whose graded cells each appear once, and a note per pasted copy.

    The first cell of a grade_id is the graded one; later copies lose their nbgrader metadata and run
    as ordinary code, so a function redefined in a pasted copy is still the one the tests call (the
    kernel runs cells in order)."""
    nb = json.loads(data)
    seen: set[str] = set()
    notes: list[str] = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        meta = cell.get("metadata")
        grading = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = grading.get("grade_id") if isinstance(grading, dict) else None
        if not isinstance(grade_id, str):
            continue
        if grade_id in seen:
            del meta["nbgrader"]
            notes.append(f"cell {number} is a pasted copy of graded cell {grade_id!r}: it runs as ordinary "
                         f"code, and the first {grade_id!r} cell is the one graded")
        seen.add(grade_id)
    return (json.dumps(nb, ensure_ascii=False).encode() if notes else data), notes


def forget_unknown_ids(data: bytes, known: set[str]) -> tuple[bytes, list[str]]:
    """A notebook whose nbgrader cells all carry ids the course defines, and a note per other one.

    A cell whose ``grade_id`` the course does not know (renamed in the cell toolbar, or made by a
    student) would make nbgrader refuse the whole notebook; it loses its nbgrader metadata and runs
    as ordinary code, and the course's own cell, missing now, is put back by nbgrader."""
    nb = json.loads(data)
    notes: list[str] = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        meta = cell.get("metadata")
        grading = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = grading.get("grade_id") if isinstance(grading, dict) else None
        if isinstance(grading, dict) and grade_id not in known:
            del meta["nbgrader"]
            notes.append(f"cell {number} carries a grade id the course does not define ({str(grade_id)[:40]!r}): "
                         "it runs as ordinary code, and the course's own cell was restored")
    return (json.dumps(nb, ensure_ascii=False).encode() if notes else data), notes


def collect(root: Path, wanted: list[str], notebooks: dict[str, list[str]],
            pattern: str) -> tuple[list[Job], list[str]]:
    """Jobs for every (student, assignment) found under ``root``, plus files nobody claims."""
    regex = re.compile(pattern)
    groups: dict[tuple[str, str], dict[str, Path]] = defaultdict(dict)
    unmapped: list[str] = []
    for path in sorted(root.rglob("*.ipynb")):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if _SKIP_PARTS & set(rel.parts) or not path.is_file():
            continue
        hit = _classify(rel, wanted, notebooks, regex)
        if hit is None:
            unmapped.append(str(rel))
            continue
        student, assignment, name = hit
        groups[(safe_id(student), assignment)][name] = path
    jobs = [_job(student, assignment, given, notebooks[assignment])
            for (student, assignment), given in sorted(groups.items())]
    return jobs, unmapped


def _job(student: str, assignment: str, given: dict[str, Path], expected: list[str]) -> Job:
    """One submission: its notebooks mapped onto the expected names, the problems, the digest."""
    job = Job(student, assignment)
    mapped, job.problems = _match_names(given, expected)
    digest = hashlib.sha256()
    for name, path in sorted(mapped.items()):
        got = _read(path)
        digest.update(name.encode() + b"\0" + (got.encode() if isinstance(got, str) else got))
        if isinstance(got, str):
            job.problems.append(got)
        else:
            job.notebooks[name], pasted = unpaste(got)
            job.problems += pasted
    job.digest = digest.hexdigest()
    folders = {path.parent for path in mapped.values()}
    if len(folders) == 1:   # nbgrader collect's layout: <student>/<assignment>/ with its stamps
        for name in EXCHANGE_FILES:
            stamp = next(iter(folders)) / name
            if stamp.is_file() and stamp.stat().st_size <= 4096:
                job.stamps[name] = stamp.read_bytes()
    if not job.notebooks:
        names = ", ".join(f"{n}.ipynb" for n in expected)
        bad = [p for p in job.problems if "not a valid" in p or "larger than" in p]
        job.invalid = bad[0] if bad else f"no notebook matches {names} (got {', '.join(sorted(given))})"
        job.problems = [p for p in job.problems if p != job.invalid]
    else:
        job.problems += [f"missing notebook {n}.ipynb" for n in expected if n not in job.notebooks]
    return job
