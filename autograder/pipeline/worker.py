"""Grade one submission in its scratch course; runs in a worker thread of the parent.

Attempts: the child autogrades under limits; if the kernel dies or the notebook's wall clock runs
out, the cell that was running is recorded and the notebook is graded again with that cell replaced
by an error that names the reason, up to ``attempts`` times. So a crash costs only the crashing
cell's marks (and the marks of tests that depend on it), never the whole notebook.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import redact, server, tamper
from .coursedir import Template, child_env, make_scratch, wrapper_config
from .execute import LIMIT_ENAME
from .limits import MARKER, run_limited
from .options import GradeOptions

DEAD = ("the kernel died while running this cell (os._exit, a fatal signal, a crash, or the "
        "{mb} MB memory limit); graded without it")
WALL = "the notebook ran past its {s:.0f} s wall-clock limit in this cell; graded without it"


@dataclass
class Job:
    """One student's submission of one assignment, as imported."""

    student: str
    assignment: str
    notebooks: dict[str, bytes] = field(default_factory=dict)   # expected name -> bytes
    problems: list[str] = field(default_factory=list)           # import notes (kept in the report)
    invalid: str | None = None                                  # why it cannot be graded at all
    digest: str = ""

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.student}"


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
    return name.rsplit(".", 1)[-1] == "Execute"
c.Autograde.autograde_preprocessors = ["autograder.pipeline.execute.GuardedExecute"
                                       if _is_execute(p) else p for p in _pp]
c.GuardedExecute.progress_file = {str(progress)!r}
c.GuardedExecute.skip_cells = {json.dumps({str(k): v for k, v in skip.items()})}
c.GuardedExecute.max_output_bytes = {opts.max_output_kb * 1024}
c.GuardedExecute.startup_timeout = 180   # kernels start slowly on a loaded machine
c.GenerateFeedback.preprocessors = {redact.FEEDBACK_PREPROCESSORS!r}
"""


def _tamper(job: Job, template: Template) -> list[dict]:
    found = []
    for name, data in job.notebooks.items():
        sub = nbformat.reads(data.decode("utf-8"), as_version=4)
        rel = nbformat.read(template.release(name), as_version=4)
        found += [dict(d, notebook=name)
                  for d in tamper.as_dicts(tamper.scan_notebook(sub, rel))]
    return found


def _reasons_from_errors(errors: dict[str, list[dict]], cell_timeout: str) -> list[str]:
    """Limits a cell ran into (any cell, graded or not), in the student's words."""
    out = []
    for nb, cells in errors.items():
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


def _secrets(template: Template) -> set[str]:
    secrets: set[str] = set()
    for name in template.notebooks:
        src = nbformat.read(template.source(name), as_version=4)
        release_text = template.release(name).read_text()
        secrets |= redact.secret_lines([c.source for c in src.cells], release_text)
    return secrets


def grade_one(job: Job, template: Template, course: Path, opts: GradeOptions) -> dict:
    """Grade ``job``; returns the result record (also what the state file keeps)."""
    start = time.monotonic()
    result: dict = {"student": job.student, "assignment": job.assignment, "digest": job.digest,
                    "max_score": template.max_score, "score": 0.0, "cells": [],
                    "reasons": list(job.problems), "tamper": [], "feedback": [], "attempts": 0}
    if job.invalid:
        result.update(status="invalid", reasons=result["reasons"] + [job.invalid])
        result["seconds"] = round(time.monotonic() - start, 2)
        return result
    scratch = opts.out / ".grading" / "scratch" / job.assignment / job.student
    make_scratch(template, course, scratch, job.student, job.notebooks)
    try:
        result["tamper"] = _tamper(job, template)
    except Exception as exc:  # noqa: BLE001 - a scan failure must not stop grading
        result["reasons"].append(f"tamper scan failed: {exc}")
    marker = uuid.uuid4().hex
    env = child_env(course, {MARKER: marker})
    pinecone = None
    if opts.server and server.available():
        pinecone = server.LocalPinecone(scratch / "pinecone.log", child_env(course))
        env["PINECONE_OPS_HOST"] = pinecone.url
    skip: dict[int, str] = {}
    child: dict = {}
    server_died = False
    progress = scratch / "progress.txt"
    try:
        attempt, hiccups = 0, 0
        while True:
            attempt += 1
            result["attempts"] = attempt
            progress.unlink(missing_ok=True)
            (scratch / "nbgrader_config.py").write_text(
                wrapper_config(course, scratch, _overrides(opts, progress, skip)))
            (scratch / "job.json").write_text(json.dumps({
                "assignment": job.assignment, "student": job.student,
                "server_port": pinecone.port if pinecone else None}))
            out_file = scratch / "result.json"
            out_file.unlink(missing_ok=True)
            log = scratch / f"child-{attempt}.log"
            outcome = run_limited([sys.executable, "-m", "autograder.pipeline.child", str(out_file)],
                                  cwd=scratch, env=env, wall=opts.notebook_timeout,
                                  memory_mb=opts.memory_mb, log=log)
            child = json.loads(out_file.read_text()) if out_file.is_file() else {}
            if child.get("autograde_ok"):
                break
            if child.get("server_ready") is False:   # the grader's fault, not the student's
                result["reasons"].append("the local Pinecone server did not start (see "
                                         f"{scratch / 'pinecone.log'}); rerun to retry")
                break
            last, _, done = _progress(progress)
            tail = (child.get("error") or child.get("log") or log.read_text(errors="replace")).strip()
            tail = tail.splitlines()[-1][:300] if tail else ""
            if last is None and not done and hiccups < 1 and not outcome.timed_out:
                # nothing of the student's ran (e.g. a kernel slow to start on a loaded machine)
                hiccups += 1
                continue
            if last is None or done or last in skip or len(skip) >= opts.attempts:
                why = ("the notebook ran past its wall-clock limit" if outcome.timed_out
                       else "nbgrader could not grade it")
                result["reasons"].append(f"{why}: {tail}")
                break
            skip[last] = (WALL.format(s=opts.notebook_timeout) if outcome.timed_out
                          else DEAD.format(mb=opts.memory_mb))
            result["reasons"].append(f"cell {last + 1}: {skip[last]}")
        server_died = pinecone is not None and pinecone.proc.poll() is not None
    finally:
        if pinecone:
            pinecone.stop()
    _, truncated, _ = _progress(progress)
    result["reasons"] += [f"cell {i + 1}: output truncated ({n:,} characters dropped)"
                          for i, n in truncated]
    if not child.get("autograde_ok"):
        result["status"] = "failed"
    else:
        # the server is the grader's: if it died, the scores may be unfair; flag and retry later
        result["status"] = "failed" if server_died else "graded"
        if server_died:
            result["reasons"].append("the local Pinecone server died during grading; rerun to "
                                     "retry (and check the tamper report)")
        cell_timeout = f"{opts.cell_timeout} s" if opts.cell_timeout else "from the course config"
        result["reasons"] += _reasons_from_errors(child.get("errors", {}), cell_timeout)
        cells = [dict(g, notebook=nb) for nb, gs in child.get("grades", {}).items() for g in gs]
        # points come from the template, never from the scratch gradebook the kernel could reach
        limits = {(c["notebook"], c["name"]): c["max_score"] for c in template.cells}
        for c in cells:
            c["max_score"] = limits.get((c["notebook"], c["name"]), 0.0)
            if c["auto_score"] is not None:
                c["auto_score"] = max(0.0, min(c["auto_score"], c["max_score"]))
        errors = {(nb, e["grade_id"]): e["error"]
                  for nb, es in child.get("errors", {}).items() for e in es if e["grade"]}
        for c in cells:
            c["error"] = errors.get((c["notebook"], c["name"]))
        result["cells"] = cells
        result["score"] = round(sum(c["auto_score"] or 0.0 for c in cells), 4)
        manual = [c["name"] for c in cells if c["needs_manual_grade"]]
        if manual:
            result["reasons"].append("needs manual grading: " + ", ".join(manual))
        result["feedback"] = _publish(job, template, scratch, opts, result)
    result["seconds"] = round(time.monotonic() - start, 2)
    return result


def _publish(job: Job, template: Template, scratch: Path, opts: GradeOptions,
             result: dict) -> list[str]:
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
    secrets = _secrets(template)
    published = []
    for page in sorted((scratch / "feedback" / s / a).glob("*.html")):
        text = page.read_text()
        leaked = redact.leaks(text, secrets)
        if leaked:   # the preprocessors should make this impossible; never publish a leak anyway
            text = redact.scrub(text, secrets)
            result["reasons"].append(f"{page.name}: {len(leaked)} hidden line(s) scrubbed from feedback")
        (dest / page.name).write_text(text)
        published.append(str((dest / page.name).relative_to(opts.out)))
    return published
