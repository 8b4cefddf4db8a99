"""Grade one submission in its scratch course; runs in a worker thread of the parent.

``grade_one`` runs the steps in order: scratch course, tamper scan, autograde (attempts under
limits: the child runs the kernel in a sandbox next to its own local Pinecone, and the hidden
checks outside it), the score from the child's report, then publish feedback.

Attempts: if the kernel dies or the notebook's wall clock runs out, the cell that was running is
recorded and the notebook is graded again with that cell replaced by an error that names the reason,
up to ``attempts`` times. So a crash costs only the crashing cell's marks (and the marks of tests
that depend on it), never the whole notebook.
"""
from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat

from autograder import preprocessors

from . import importer, leaks, tamper, warm
from .coursedir import child_env, make_scratch, wrapper_config
from .options import GradeOptions
from .process_limits import MARKER, Outcome
from .records import GradeResult, Job, Template

DEAD = ("the kernel died while running this cell (os._exit, a fatal signal, a crash, or the "
        "{mb} MB memory limit); graded without it")
WALL = "the notebook ran past its {s:.0f} s wall-clock limit in this cell; graded without it"
PROGRESS = "progress.txt"
VERDICTS = "verdicts.jsonl"


def grade_one(job: Job, template: Template, course: Path, opts: GradeOptions) -> GradeResult:
    """Grade ``job``; returns its result (also what the state file keeps)."""
    start = time.monotonic()
    result = GradeResult.start(job, template.max_score)
    if job.invalid:
        result.status = "invalid"
        result.reasons.append(job.invalid)
    else:
        scratch = opts.out / ".grading" / "scratch" / job.assignment / job.student
        _forget_unknown_cells(job, template, result)
        make_scratch(template, course, scratch, {job.student: job.notebooks})
        for name, data in job.stamps.items():   # nbgrader reads timestamp.txt (late penalties)
            (scratch / "submitted" / job.student / job.assignment / name).write_bytes(data)
        _scan_tamper(job, template, result)
        child = _autograde(job, course, scratch, opts, result)
        _record(child, template, scratch, opts, result)
        if child.get("autograde_ok"):
            result.feedback = _publish(job, template, scratch, opts, result)
    result.seconds = round(time.monotonic() - start, 2)
    return result


def output_folders(job: Job, out: Path) -> list[Path]:
    """Where ``grade_one`` puts what the instructor keeps of ``job`` under ``out``."""
    a, s = job.assignment, job.student
    return [out / "submitted" / s / a, out / "autograded" / s / a, out / "feedback" / s / a,
            out / "grading" / "withheld" / a / s]


def grade_to_files(job: Job, template: Template, course: Path,
                   opts: GradeOptions) -> tuple[GradeResult, dict[str, bytes]]:
    """Grade ``job`` into ``opts.out`` (a scratch of the caller's, e.g. a Dask worker's) and return
    its result and the files the instructor's ``--out`` needs (submitted and autograded notebooks,
    feedback and withheld pages: path relative to ``opts.out`` -> bytes). They and the scratch
    course are removed from ``opts.out`` afterwards."""
    result = grade_one(job, template, course, opts)
    files: dict[str, bytes] = {}
    for folder in output_folders(job, opts.out):
        for p in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if p.is_file():
                files[str(p.relative_to(opts.out))] = p.read_bytes()
        shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(opts.out / ".grading" / "scratch" / job.assignment / job.student, ignore_errors=True)
    return result, files


def _forget_unknown_cells(job: Job, template: Template, result: GradeResult) -> None:
    """Cells with grade ids the course does not define run as ordinary code (noted, flagged)."""
    for name, data in list(job.notebooks.items()):
        release = nbformat.read(template.release(name), as_version=4)
        known = {c.metadata["nbgrader"]["grade_id"] for c in release.cells
                 if "grade_id" in c.metadata.get("nbgrader", {})}
        job.notebooks[name], notes = importer.forget_unknown_ids(data, known)
        result.reasons += notes
        result.review += notes


def _scan_tamper(job: Job, template: Template, result: GradeResult) -> None:
    """Tamper findings for the instructor; a scan failure is noted and never stops grading."""
    found: list[dict[str, Any]] = []
    try:
        for name, data in job.notebooks.items():
            sub = nbformat.reads(data.decode("utf-8"), as_version=4)
            rel = nbformat.read(template.release(name), as_version=4)
            found += [dict(d, notebook=name) for d in tamper.as_dicts(tamper.scan_notebook(sub, rel))]
        result.tamper = found
    except Exception as exc:  # a scan failure must not stop grading
        result.reasons.append(f"tamper scan failed: {exc}")


def _autograde(job: Job, course: Path, scratch: Path, opts: GradeOptions,
               result: GradeResult) -> dict[str, Any]:
    """Every attempt; the child's last report. The child runs the notebook's kernel (sandboxed)
    next to its own local Pinecone, and the hidden checks outside that kernel (CheckedExecute)."""
    env = child_env(course, {MARKER: uuid.uuid4().hex})
    return _attempts(job, course, scratch, opts, env, result)


def _attempts(job: Job, course: Path, scratch: Path, opts: GradeOptions, env: dict[str, str],
              result: GradeResult) -> dict[str, Any]:
    """Autograde until it succeeds, skipping each cell that crashed an attempt; the last report."""
    skip: dict[int, str] = {}
    hiccups = 0
    while True:
        result.attempts += 1
        child, outcome, log = _run_child(job, course, scratch, opts, env, skip, result.attempts)
        if child.get("autograde_ok"):
            return child
        last, _, done = _progress(scratch / PROGRESS)
        if last is None and not done and hiccups < 1 and not outcome.timed_out:
            # nothing of the student's ran (e.g. a kernel slow to start on a loaded machine)
            hiccups += 1
            continue
        if last is None or done or last in skip or len(skip) >= opts.attempts:
            why = ("the notebook ran past its wall-clock limit" if outcome.timed_out
                   else "nbgrader could not grade it")
            result.reasons.append(f"{why}: {_tail(child, log)}")
            return child
        skip[last] = (WALL.format(s=opts.notebook_timeout) if outcome.timed_out
                      else DEAD.format(mb=opts.memory_mb))
        result.reasons.append(f"cell {last + 1}: {skip[last]}")


def _run_child(job: Job, course: Path, scratch: Path, opts: GradeOptions, env: dict[str, str],
               skip: dict[int, str], attempt: int) -> tuple[dict[str, Any], Outcome, Path]:
    """One attempt, in this thread's warm grading process (``warm.py``); its report and outcome."""
    progress = scratch / PROGRESS
    progress.unlink(missing_ok=True)
    (scratch / "nbgrader_config.py").write_text(
        wrapper_config(course, scratch, _overrides(opts, progress, skip)))
    (scratch / VERDICTS).unlink(missing_ok=True)
    (scratch / "job.json").write_text(json.dumps({"assignment": job.assignment, "student": job.student}))
    out_file = scratch / "result.json"
    out_file.unlink(missing_ok=True)
    log = opts.out / ".grading" / "workers" / f"{threading.get_ident()}.log"
    worker = warm.for_this_thread(env, opts.memory_mb, log)
    outcome = worker.run(scratch, out_file, wall=opts.notebook_timeout)
    try:
        child = json.loads(out_file.read_text()) if out_file.is_file() else {}
    except ValueError:
        child = {}
    return child, outcome, log


def _tail(child: dict[str, Any], log: Path) -> str:
    """The last line of what the child said went wrong (its error, its log, or the process log)."""
    tail = (child.get("error") or child.get("log")
            or (log.read_text(errors="replace") if log.is_file() else "")).strip()
    return tail.splitlines()[-1][:300] if tail else ""


def _progress(path: Path) -> tuple[int | None, list[tuple[int, int]], bool]:
    """(last started cell, [(cell, dropped chars)], finished) from the child's progress file."""
    last, truncated, done = None, [], False
    if path.is_file():
        for line in path.read_text().splitlines():
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "done":
                done = True
            elif parts[0] == "truncated" and len(parts) == 3:
                truncated.append((int(parts[1]), int(parts[2])))
            elif parts[0].isdigit():
                last = int(parts[0])
    return last, truncated, done


def _overrides(opts: GradeOptions, progress: Path, skip: dict[int, str]) -> str:
    timeout = f"c.Execute.timeout = {int(opts.cell_timeout)}\n" if opts.cell_timeout else ""
    return f"""{timeout}c.OverwriteCells.add_missing_cells = True
from nbgrader.converters import Autograde as _Autograde
_pp = list(c.Autograde.autograde_preprocessors) if "autograde_preprocessors" in c.Autograde \\
    else list(_Autograde.class_traits()["autograde_preprocessors"].default())
def _is_execute(p):
    name = p if isinstance(p, str) else f"{{p.__module__}}.{{p.__name__}}"
    return name.rsplit(".", 1)[-1] in ("Execute", "GuardedExecute", "CheckedExecute")
c.Autograde.autograde_preprocessors = ["autograder.preprocessors.checked_execute.CheckedExecute"
                                       if _is_execute(p) else p for p in _pp]
c.CheckedExecute.sandbox = {"require" if opts.sandbox else "off"!r}
c.CheckedExecute.verdict_file = {str(progress.parent / VERDICTS)!r}
c.GuardedExecute.progress_file = {str(progress)!r}
c.GuardedExecute.skip_cells = {json.dumps({str(k): v for k, v in skip.items()})}
c.GuardedExecute.max_output_bytes = {opts.max_output_kb * 1024}
c.GuardedExecute.startup_timeout = 180   # kernels start slowly on a loaded machine
c.GenerateFeedback.preprocessors = {preprocessors.FEEDBACK!r}
"""


def _reasons_from_errors(errors: dict[str, list[dict[str, Any]]], cell_timeout: str) -> list[str]:
    """Limits a cell ran into (any cell, graded or not), in the student's words."""
    out = []
    for cells in errors.values():
        for e in cells:
            where = f"cell {e['cell']}" + (f" ({e['grade_id']})" if e["grade_id"] else "")
            err = e["error"]
            if err.startswith(("CellTimeoutError", "TimeoutError", "KeyboardInterrupt")):
                # nbclient interrupts a cell at the limit: KeyboardInterrupt or CellTimeoutError
                out.append(f"{where}: timed out (per-cell limit {cell_timeout})")
            elif err.startswith("MemoryError"):
                out.append(f"{where}: MemoryError (memory limit per notebook)")
            elif err.startswith("SystemExit"):
                out.append(f"{where}: the code called sys.exit(); execution went on")
    return out


def _secrets(template: Template) -> list[leaks.Secret]:
    return [s for name in template.notebooks
            for s in leaks.secret_lines(nbformat.read(template.source(name), as_version=4),
                                        nbformat.read(template.release(name), as_version=4), name)]


def _record(child: dict[str, Any], template: Template, scratch: Path, opts: GradeOptions,
            result: GradeResult) -> None:
    """Status, scored cells and the reasons the child's report, the progress file and the
    checker's verdicts give."""
    _, truncated, _ = _progress(scratch / PROGRESS)
    result.reasons += [f"cell {i + 1}: output truncated ({n:,} characters dropped)"
                       for i, n in truncated]
    if not child.get("autograde_ok"):
        result.status = "failed"
        return
    result.status = "graded"
    cell_timeout = f"{opts.cell_timeout} s" if opts.cell_timeout else "from the course config"
    result.reasons += _reasons_from_errors(child.get("errors", {}), cell_timeout)
    result.reasons += _grader_errors(scratch / VERDICTS)
    result.cells = _scored_cells(child, template)
    seconds = _check_seconds(scratch / VERDICTS)
    for c in result.cells:           # the checker's time per graded cell (the class report sums it)
        c["seconds"] = seconds.get(c["name"])
    result.score = round(sum(c["auto_score"] or 0.0 for c in result.cells), 4)
    manual = [c["name"] for c in result.cells if c["needs_manual_grade"]]
    if manual:
        result.reasons.append("needs manual grading: " + ", ".join(manual))


def _grader_errors(path: Path) -> list[str]:
    """Hidden tests that could not run (the grader's problem): named, so the instructor looks."""
    out = []
    if path.is_file():
        for line in path.read_text().splitlines():
            with contextlib.suppress(ValueError):
                v = json.loads(line)
                if v.get("internal"):
                    out.append(f"grader error in {v.get('grade_id')}: {v.get('evalue')}"[:300])
    return out


def _check_seconds(path: Path) -> dict[str, float]:
    """grade id -> seconds the checker spent on its hidden block (the verdict file of the last attempt)."""
    out: dict[str, float] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            with contextlib.suppress(ValueError, TypeError):
                v = json.loads(line)
                if v.get("grade_id") is not None and v.get("seconds") is not None:
                    out[str(v["grade_id"])] = out.get(str(v["grade_id"]), 0.0) + float(v["seconds"])
    return out


def _scored_cells(child: dict[str, Any], template: Template) -> list[dict[str, Any]]:
    """The child's grades with the template's points and each graded cell's error."""
    cells = [dict(g, notebook=nb) for nb, gs in child.get("grades", {}).items() for g in gs]
    # points come from the template, never from the scratch gradebook the kernel could reach
    limits = {(c["notebook"], c["name"]): c["max_score"] for c in template.cells}
    errors = {(nb, e["grade_id"]): e["error"]
              for nb, es in child.get("errors", {}).items() for e in es if e["grade"]}
    for c in cells:
        c["max_score"] = limits.get((c["notebook"], c["name"]), 0.0)
        if c["auto_score"] is not None:
            c["auto_score"] = max(0.0, min(c["auto_score"], c["max_score"]))
        c["error"] = errors.get((c["notebook"], c["name"]))
    return cells


def _publish(job: Job, template: Template, scratch: Path, opts: GradeOptions,
             result: GradeResult) -> list[str]:
    """Copy autograded notebooks and leak-checked feedback HTML into the output course."""
    a, s = job.assignment, job.student
    for kind in ("submitted", "autograded"):
        dest = opts.out / kind / s / a
        shutil.rmtree(dest, ignore_errors=True)
        if (scratch / kind / s / a).is_dir():
            shutil.copytree(scratch / kind / s / a, dest)
    dest = opts.out / "feedback" / s / a
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name, data in job.stamps.items():     # nbgrader release_feedback needs them beside the page
        (dest / name).write_bytes(data)
    # a page holding a solution or hidden line, in any encoding, is withheld for the instructor
    pages = sorted((scratch / "feedback" / s / a).glob("*.html"))
    shown, notes = leaks.publish(pages, dest, opts.out / "grading" / "withheld" / a / s, _secrets(template),
                                 job.notebooks.values(), root=opts.out)
    result.reasons += notes
    result.review += notes
    return [str(p.relative_to(opts.out)) for p in shown]
