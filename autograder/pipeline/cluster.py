"""Grading on a Dask cluster: ``pinecone-ops grade … --scheduler tcp://HOST:8786`` (docs/grading.md).

Each submission is one task. The task carries the ``Job`` as data (the notebook bytes), the run's
``GradeOptions`` and the digest of the course version it must be graded with; it needs no shared
filesystem. A worker holds its own checkout of the course (``PINECONE_OPS_COURSE``, else the course
at or above its working folder), refuses a task whose digest differs from its own (``CourseMismatch``),
builds the assignment's template once in its own folder and grades into its own scratch
(``worker.grade_to_files``: the same ``grade_one`` as the local pool, with its warm grading
processes); it returns the ``GradeResult`` and the files the instructor's ``--out`` needs.

The instructor's side (:func:`grade_on_cluster`, called by ``run._run``) stays the single writer:
it writes the files, merges into the gradebook and records state.json after each result, so an
interrupted run resumes without regrading what is done.

Faults: a worker that dies mid-task has its task rescheduled by Dask onto another worker (after
``distributed.scheduler.allowed-failures`` deaths of the same task it is recorded ``failed`` and
retried on the next run); every job is merged once, when its future first finishes. Workers are
checked when the run starts (course digest, sandbox): a refused one gets no task, and one that
joins later with another version refuses its task, which is then graded on a checked worker. When
the scheduler goes away, the run stops with ``SchedulerLost``; what was merged is recorded.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import sys
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .coursedir import CHECKOUT, CONFIG, CourseError, build_template, find_course
from .options import GradeOptions
from .records import GradeResult, Job
from .worker import grade_to_files, output_folders

#: the course checkout a worker grades with (default: the course at or above its working folder)
COURSE_ENV = "PINECONE_OPS_COURSE"
#: seconds the client waits for the scheduler (and to reconnect to it) before giving up
CONNECT_TIMEOUT = 30.0
#: times one job is resubmitted after a worker refused it (wrong course version)
RESUBMITS = 3
_template_lock = threading.Lock()


class CourseMismatch(RuntimeError):
    """A worker's course checkout is not the version the run grades with."""

    def __init__(self, message: str, worker: str = "") -> None:
        super().__init__(message, worker)
        self.worker = worker

    def __str__(self) -> str:
        return str(self.args[0])


class SchedulerLost(CourseError):
    """The scheduler went away mid-run; what finished is recorded, a rerun grades the rest."""


def course_digest(course: Path, assignment: str) -> str:
    """What decides a grade, as one sha256: the course config, ``source/<assignment>/`` and the
    grader's code (``autograder/**/*.py`` of this checkout: the checks, the checker, the pipeline)."""
    h = hashlib.sha256()

    def add(root: Path, files: Iterable[Path]) -> None:
        for p in sorted(files):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(root)).encode() + b"\0")
                h.update(hashlib.sha256(p.read_bytes()).digest())

    add(course, [course / CONFIG])
    add(course, (course / "source" / assignment).rglob("*"))
    add(CHECKOUT, (CHECKOUT / "autograder").rglob("*.py"))
    return h.hexdigest()


# ------------------------------------------------------------------ the worker's side
def worker_course() -> Path:
    """The course checkout this worker process grades with."""
    where = os.environ.get(COURSE_ENV)
    return find_course(Path(where).resolve() if where else Path.cwd())


def _worker_root() -> Path:
    try:
        from distributed import get_worker

        base = Path(get_worker().local_directory)
    except (ImportError, ValueError):     # not in a Dask worker (called directly)
        base = Path(os.environ.get("TMPDIR", "/tmp"))
    root = base / "pinecone-ops-grading"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "this process"


def _venv_on_path() -> None:
    """nbgrader shells out to ``alembic``: the venv's bin goes first on PATH (as in ``grade_class``)."""
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


def worker_check(assignments: list[str], sandbox: bool) -> dict[str, Any]:
    """Run on every worker when a run starts: its course, digests and any reason it cannot grade."""
    try:
        course = worker_course()
        digests = {a: course_digest(course, a) for a in assignments}
    except (CourseError, OSError) as exc:
        return {"course": None, "digests": {}, "problem": f"no course checkout: {exc}"}
    problem = None
    if sandbox:
        from autograder.checker import sandbox as box

        problem = box.probe() or None
    return {"course": str(course), "digests": digests, "problem": problem}


def grade_task(job: Job, opts: GradeOptions, digest: str) -> tuple[GradeResult, dict[str, bytes]] | CourseMismatch:
    """One Dask task: grade ``job`` with this worker's course; a worker whose course is not at
    ``digest`` refuses (returns the ``CourseMismatch``; the client then grades it elsewhere)."""
    course = worker_course()
    mine = course_digest(course, job.assignment)
    if mine != digest:
        return CourseMismatch(f"worker {_address()} holds {course} at course digest {mine[:12]}, but this run grades "
                              f"{job.assignment} at {digest[:12]}: check out the instructor's version there",
                              _address())
    _venv_on_path()
    root = _worker_root()
    with _template_lock:                 # built once per worker (and reused while the course is unchanged)
        template = build_template(course, job.assignment, root / ".grading")
    wopts = dataclasses.replace(opts, course=course, out=root, scheduler=None, progress=False)
    return grade_to_files(job, template, course, wopts)


class Task:
    """A task's payload. The scheduler unpickles task graphs, so a task is ``pickle.loads(bytes of
    a Task)``: unpickling it on the worker calls :func:`grade_task`, and the scheduler needs nothing
    of the grader or the course (a plain ``dask scheduler`` anywhere will do)."""

    def __init__(self, job: Job, opts: GradeOptions, digest: str) -> None:
        self.job, self.opts, self.digest = job, opts, digest

    def __reduce__(self) -> tuple[Any, tuple[Job, GradeOptions, str]]:
        return grade_task, (self.job, self.opts, self.digest)


# ------------------------------------------------------------------ the instructor's side
def store_files(job: Job, files: dict[str, bytes], out: Path) -> None:
    """Replace ``job``'s folders under ``out`` with the files a worker returned (only inside them)."""
    folders = [f.resolve() for f in output_folders(job, out)]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    for rel, data in files.items():
        dest = (out / rel).resolve()
        if not any(dest.is_relative_to(f) for f in folders):
            raise CourseError(f"a worker returned {rel!r}, outside {job.key}'s folders")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def _verify(client: Any, assignments: list[str], digests: dict[str, str], opts: GradeOptions,
            say: Callable[[str], None]) -> set[str]:
    """The addresses of the workers that can grade this run; the others are named and get no task."""
    client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    good = set()
    for addr, info in sorted(client.run(worker_check, assignments, opts.sandbox).items()):
        why = info["problem"] or next(
            (f"its course {info['course']} is at digest {info['digests'].get(a, '?')[:12]} for {a}, the "
             f"instructor's at {d[:12]}" for a, d in digests.items() if info["digests"].get(a) != d), None)
        if why:
            say(f"refusing Dask worker {addr}: {why}")
        else:
            good.add(addr)
    if not good:
        raise CourseError(f"no Dask worker at {opts.scheduler} can grade this course version (see the refusals "
                          "above): give the workers a checkout of the same commit (PINECONE_OPS_COURSE or their "
                          "working folder)")
    return good


def grade_on_cluster(todo: list[Job], assignments: list[str], opts: GradeOptions,
                     finish: Callable[[Job, GradeResult], None], failed: Callable[[Job, str], GradeResult],
                     say: Callable[[str], None]) -> None:
    """Grade ``todo`` on the cluster at ``opts.scheduler``; ``finish`` each result as it arrives
    (the caller merges and records it); ``failed(job, why)`` makes a failed result."""
    from distributed import Client, wait
    from distributed.utils import CancelledError  # what FuturesCancelledError derives from

    try:
        client = Client(opts.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CourseError(f"cannot reach the Dask scheduler at {opts.scheduler}: {exc}; start it "
                          "(`dask scheduler`) or check --scheduler") from exc
    digests = {a: course_digest(opts.course, a) for a in assignments}
    task_opts = dataclasses.replace(opts, scheduler=None, progress=False)
    try:
        good = _verify(client, assignments, digests, opts, say)
        everyone = set(client.scheduler_info()["workers"])
        restrict: list[str] | None = None if good == everyone else sorted(good)
        tries: dict[str, int] = {}

        def submit(job: Job) -> Any:
            return client.submit(pickle.loads, pickle.dumps(Task(job, task_opts, digests[job.assignment])), pure=False,
                                 key=f"grade-{job.assignment}-{job.student}-{uuid.uuid4().hex[:8]}",
                                 workers=restrict, allow_other_workers=False)

        pending = {submit(j): j for j in todo}
        say(f"grading on {len(good)} Dask worker(s) at {opts.scheduler}")
        while pending:
            lost = False
            try:
                with client.as_current():
                    done, _ = wait(list(pending), timeout=10, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
                if restrict is not None and not set(client.nthreads()) & good:
                    raise CourseError(f"every checked Dask worker left; {len(pending)} submission(s) not "
                                      "graded (what finished is recorded): start workers and run the same "
                                      "command again") from None
            except CancelledError:     # distributed cancels every future when the scheduler goes away
                done, lost = set(), True
            if lost or client.status != "running" or any(f.status == "cancelled" for f in done):
                raise SchedulerLost(f"the Dask scheduler at {opts.scheduler} went away; {len(pending)} "
                                    "submission(s) not graded (what finished is recorded): run the same "
                                    "command again to grade the rest")
            for fut in done:
                if fut.status not in ("finished", "error"):
                    continue     # its result was lost with its worker before it was fetched: Dask recomputes it
                job = pending.pop(fut)
                try:
                    answer = fut.result() if fut.status == "finished" else fut.exception()
                except Exception as exc:  # noqa: BLE001 - the worker holding the result died as it was fetched
                    if client.status != "running" or tries.get(job.key, 0) >= RESUBMITS:
                        answer = exc
                    else:
                        tries[job.key] = tries.get(job.key, 0) + 1
                        pending[submit(job)] = job
                        continue
                if isinstance(answer, CourseMismatch) and tries.get(job.key, 0) < RESUBMITS:
                    say(f"refusing Dask worker {answer.worker}: {answer}")
                    good.discard(answer.worker)
                    restrict = sorted(good)
                    tries[job.key] = tries.get(job.key, 0) + 1
                    pending[submit(job)] = job
                elif isinstance(answer, tuple):
                    result, files = answer
                    store_files(job, files, opts.out)
                    finish(job, result)
                else:   # e.g. KilledWorker: its task killed allowed-failures workers; retried on the next run
                    finish(job, failed(job, f"grader error: {answer!r}"))
                fut.release()    # its result is merged: the cluster need not keep (or recompute) it
    finally:
        _stop_warm(client, say)
        client.close(timeout=10)


def _stop_warm(client: Any, say: Callable[[str], None], timeout: float = 20.0) -> None:
    """Stop the workers' warm grading processes, as a local run does; bounded, since a worker that
    has just died can make ``client.run`` wait for it."""
    from . import warm

    if client.status != "running":
        return

    def stop() -> None:
        try:
            client.run(warm.stop_all, workers=list(client.nthreads()), on_error="ignore")
        except Exception as exc:  # noqa: BLE001 - a worker leaving now changes nothing recorded
            say(f"note: could not stop the workers' grading processes: {exc!r}")

    t = threading.Thread(target=stop, daemon=True)
    t.start()
    t.join(timeout)
