"""``grade_class``: import, grade in parallel, merge, report. The engine behind ``pinecone-ops grade``."""
from __future__ import annotations

import os
import shutil
import sys
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from autograder import preflight
from autograder.checker import sandbox

from . import report, warm
from .coursedir import CourseError, assignments, build_template, notebooks
from .gradebook import MainGradebook
from .importer import collect, extract_zip
from .options import GradeOptions
from .process_limits import kill_running
from .records import GradeResult, Job, Template
from .state import State
from .worker import grade_one


def _say(msg: str) -> None:
    """Status lines go to stderr, so stdout carries only the summary table."""
    print(msg, file=sys.stderr, flush=True)


def _jobs(target: str, submissions: Path, opts: GradeOptions) -> tuple[list[Job], list[str], list[str]]:
    known = assignments(opts.course)
    if target == "all":
        wanted = known
    elif target in known:
        wanted = [target]
    else:
        raise CourseError(f"unknown assignment {target!r}; choose one of: {', '.join(known)} or 'all'")
    names = {a: notebooks(opts.course, a) for a in wanted}
    if not submissions.exists():
        raise CourseError(f"{submissions} does not exist; pass a folder of "
                          "<student>/<assignment>/*.ipynb or an LMS .zip")
    root = submissions
    if submissions.is_file():
        if submissions.suffix.lower() != ".zip":
            raise CourseError(f"{submissions} is a file but not a .zip; pass a folder or an LMS zip")
        root = _grading_dir(opts) / "import" / submissions.stem
        shutil.rmtree(root, ignore_errors=True)     # a fresh copy of exactly this zip
        root = extract_zip(submissions, root)
    jobs, unmapped = collect(root, wanted, names, opts.lms_pattern())
    return jobs, unmapped, wanted


def _grading_dir(opts: GradeOptions) -> Path:
    d = opts.out / ".grading"
    d.mkdir(parents=True, exist_ok=True)
    return d


def grade_class(target: str, submissions: Path, opts: GradeOptions) -> list[GradeResult]:
    """Grade ``target`` (an assignment id or ``all``) from ``submissions``; returns the results.

    Writes into ``opts.out``: gradebook.db, submitted/, autograded/, feedback/ (nbgrader's layout)
    and grading/ (grades.csv, report.json, report.md, histogram-<assignment>.png, state.json).
    """
    preflight.check()    # a module the checks need is missing: refuse before anyone is graded
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    opts.out.mkdir(parents=True, exist_ok=True)
    jobs, unmapped, wanted = _jobs(target, submissions, opts)
    for path in unmapped:
        _say(f"warning: cannot tell whose {path} is (check --pattern); it is listed as unmatched")
    if opts.students:
        jobs = [j for j in jobs if j.student in opts.students]
        missing = set(opts.students) - {j.student for j in jobs}
        if missing:
            raise CourseError(f"no submission from {', '.join(sorted(missing))} in {submissions}")
    state = State(opts.out / "grading" / "state.json")
    unmatched = [] if opts.students else _unmatched(target, wanted, unmapped, opts, state)
    todo = [j for j in jobs if opts.force or opts.students or not state.done(j.key, j.digest)]
    if opts.sandbox:
        problem = sandbox.probe()
        if problem:
            raise CourseError(f"{problem}. Install them (Debian: apt-get install bubblewrap socat), or pass "
                              "--no-sandbox to grade without isolation (unsafe for a hostile class: student code "
                              "then runs as you; docs/grading.md)")
    templates: dict[str, Template] = {}
    for a in sorted({j.assignment for j in todo}):
        _say(f"preparing {a} (nbgrader generate_assignment in a scratch course)…")
        templates[a] = build_template(opts.course, a, _grading_dir(opts))
    _say(f"{len(jobs)} submissions, {len(jobs) - len(todo)} already graded, "
               f"{len(todo)} to grade" + ("" if opts.scheduler else f" with {opts.workers} worker(s)"))
    _run(todo, templates, state, opts)
    # reports cover everything graded into this --out, every assignment (so neither --student nor
    # another phase shrinks grades.csv); the return value (the printed summary) covers this run's
    report.write_all([r for _, r in sorted(state.results.items())], opts.out / "grading")
    return [state.results[j.key] for j in jobs if j.key in state.results] + unmatched


def _unmatched(target: str, wanted: list[str], unmapped: list[str], opts: GradeOptions,
               state: State) -> list[GradeResult]:
    """One ``unmatched`` result per file nobody claims, kept in the state file (so the reports of a
    later run of another assignment still list it); replaces those an earlier run of this target
    listed."""
    scope = {target, *wanted}
    state.drop([k for k, r in state.results.items() if r.status == "unmatched" and r.assignment in scope])
    found = []
    for path in unmapped:
        r = GradeResult(path, target, 0.0, status="unmatched", reasons=[
            f"cannot tell whose submission {path!r} is: neither its folders nor its file name match "
            f"--pattern {opts.lms_pattern()!r}; rename it (or pass --pattern) and grade again"])
        state.record(r.key, r)
        found.append(r)
    return found


def _run(todo: list[Job], templates: dict[str, Template], state: State, opts: GradeOptions) -> None:
    from tqdm import tqdm

    book = MainGradebook(opts.out)
    bar = tqdm(total=len(todo), unit="nb", disable=not opts.progress, file=sys.stderr)

    def finish(job: Job, result: GradeResult) -> None:
        book.merge(templates[job.assignment], result)   # single writer: only this thread
        state.record(job.key, result)
        bar.set_postfix_str(f"{job.student} {result.score:g}/{result.max_score:g}")
        bar.update()

    def failed(job: Job, why: str) -> GradeResult:
        # no digest: a failed result is retried on the next run
        return GradeResult(job.student, job.assignment, templates[job.assignment].max_score,
                           status="failed", reasons=[why])

    if opts.scheduler:
        from .cluster import grade_on_cluster

        try:
            grade_on_cluster(todo, sorted(templates), opts, finish, failed, _say)
        finally:
            bar.close()
        return
    pool = ThreadPoolExecutor(max_workers=max(1, opts.workers))
    try:
        pending = {pool.submit(grade_one, j, templates[j.assignment], opts.course, opts): j
                   for j in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # a grader bug must not stop the class
                    result = failed(job, f"grader error: {exc!r}")
                finish(job, result)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_running()
        bar.close()
        raise
    finally:
        warm.stop_all()       # the workers' warm grading processes
    pool.shutdown()
    bar.close()
