"""Grading throughput: the pipeline with 1 and 2 workers vs plain nbgrader, measured in one run.

For each assignment: N correct submissions (the release with the reference solutions filled in),
(a) executed plainly with nbclient in one process, serially (the floor the issue's goals compare
with: pipeline ≤ 1.3× it per notebook); graded (b) by plain ``nbgrader autograde`` +
``generate_feedback``, serially, no limits; (c) by the pipeline with 1 worker and (d) with 2 workers
(scratch course, limits, sandboxed kernel, checker outside it, tamper scan, feedback, merge; goal:
2 workers ≥ 1.7× the throughput of 1). The floor of nbgrader autograding an *empty* notebook is
measured here too. With ``--dask``, (e) the pipeline on a Dask local cluster of 2 single-thread
worker processes (``--scheduler``: each submission a task carrying the notebook, graded in the worker's own
course checkout and scratch; goal: ≤ 1.1× the wall time of 2 local workers; the cluster is started
before the clock starts, as a running cluster would be). Prints, never asserts.

    .venv/bin/python bench/bench_grading.py                  # 30 submissions of every assignment
    .venv/bin/python bench/bench_grading.py -n 4 phase1      # a quick look
    .venv/bin/python bench/bench_grading.py -n 30 --dask phase1   # + the Dask column
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.pipeline import GradeOptions, grade_class  # noqa: E402
from autograder.pipeline.coursedir import assignments, build_template, child_env, wrapper_config  # noqa: E402
from autograder.reference_submissions import build  # noqa: E402


def _nbgrader(args: list[str], root: Path, course: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root,
                          env=child_env(course), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-2000:])
    return time.perf_counter() - start


def empty_notebook_seconds(tmp: Path, repeats: int = 3) -> float:
    """Median wall time of ``nbgrader autograde`` on a notebook with one empty-ish cell."""
    course = tmp / "empty-course"
    (course / "source" / "empty").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    nb = new_notebook(cells=[new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, course / "source" / "empty" / "empty.ipynb")
    _nbgrader(["generate_assignment", "empty", "--force"], course, course)
    sub = course / "submitted" / "s0" / "empty"
    sub.mkdir(parents=True)
    shutil.copy(course / "release" / "empty" / "empty.ipynb", sub / "empty.ipynb")
    times = [_nbgrader(["autograde", "empty", "--force"], course, course) for _ in range(repeats)]
    return statistics.median(times)


def plain_nbgrader_seconds(course: Path, assignment: str, subs: Path, tmp: Path) -> float:
    """``nbgrader autograde`` then ``generate_feedback`` over every submission, as nbgrader does
    (one process per step for the whole class, serial, no limits)."""
    template = build_template(course, assignment, tmp / "cache")
    root = tmp / f"plain-{assignment}"
    shutil.copytree(template.root, root)
    (root / "nbgrader_config.py").write_text(wrapper_config(course, root))
    shutil.copytree(subs, root / "submitted")
    return (_nbgrader(["autograde", assignment, "--force"], root, course)
            + _nbgrader(["generate_feedback", assignment, "--force"], root, course))


_EXECUTE = """
import sys, nbformat, pathlib
from nbclient import NotebookClient
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    where = {"metadata": {"path": str(pathlib.Path(path).parent)}}
    NotebookClient(nb, timeout=300, allow_errors=True, resources=where).execute()
"""


def nbclient_seconds(course: Path, notebooks: list[Path]) -> float:
    """Plain execution of the notebooks with nbclient, one process, serially (no grading at all)."""
    env = child_env(course)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _EXECUTE, *map(str, notebooks)], env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def dask_seconds(course: Path, assignment: str, subs: Path, tmp: Path) -> tuple[float, list[float]]:
    """grade_class through a Dask local cluster of 2 worker processes (1 thread each); its scores."""
    import os

    from distributed import LocalCluster

    os.environ["PINECONE_OPS_COURSE"] = str(course)            # the workers' course checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    out = tmp / f"out-{assignment}-dask"
    shutil.copytree(tmp / "cache", out / ".grading")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      local_directory=str(tmp / "dask-workers")) as cluster:
        opts = GradeOptions(course=course, out=out, progress=False, scheduler=cluster.scheduler_address)
        start = time.perf_counter()
        results = grade_class(assignment, subs, opts)
        return time.perf_counter() - start, [r.score for r in results]


def bench(course: Path, assignment: str, n: int, tmp: Path, dask: bool = False,
          pool_only: bool = False) -> dict[str, float]:
    template = build_template(course, assignment, tmp / "cache")
    good = build.solved(nbformat.read(template.source(template.notebooks[0]), as_version=4),
                        nbformat.read(template.release(template.notebooks[0]), as_version=4))
    subs = tmp / f"subs-{assignment}"
    for i in range(n):
        dest = subs / f"s{i:02d}" / assignment
        dest.mkdir(parents=True)
        nbformat.write(good, dest / f"{template.notebooks[0]}.ipynb")
    plain_copies = tmp / f"exec-{assignment}"
    shutil.copytree(subs, plain_copies)
    nan = float("nan")
    row = {"nbclient": nan, "plain": nan, "w1": nan, "ok1": 0} if pool_only else {
        "nbclient": nbclient_seconds(course, sorted(plain_copies.rglob("*.ipynb"))),
        "plain": plain_nbgrader_seconds(course, assignment, subs, tmp)}
    for workers in (2,) if pool_only else (1, 2):
        out = tmp / f"out-{assignment}-{workers}"
        shutil.copytree(tmp / "cache", out / ".grading")        # same template, not timed
        opts = GradeOptions(course=course, out=out, workers=workers, progress=False)
        start = time.perf_counter()
        results = grade_class(assignment, subs, opts)
        row[f"w{workers}"] = time.perf_counter() - start
        row[f"ok{workers}"] = sum(r.score == build.auto_max(template.cells) for r in results)
    if dask:
        row["dask"], got = dask_seconds(course, assignment, subs, tmp)
        row["okdask"] = sum(s == build.auto_max(template.cells) for s in got)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("assignments", nargs="*", help="default: every assignment in source/")
    ap.add_argument("-n", type=int, default=30, help="submissions per assignment (default 30)")
    ap.add_argument("--course", type=Path, default=REPO)
    ap.add_argument("--dask", action="store_true", help="add the Dask local-cluster column (2 worker processes)")
    ap.add_argument("--pool-only", action="store_true",
                    help="only the 2-worker pool (and --dask): skip nbclient, plain nbgrader and 1 worker")
    args = ap.parse_args()
    names = args.assignments or assignments(args.course)
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as d:
        tmp = Path(d)
        empty = float("nan") if args.pool_only else empty_notebook_seconds(tmp)
        print(f"floor: nbgrader autograde of an empty notebook = {empty:.1f} s "
              f"(one process, one kernel)\n")
        print(f"{'assignment':<11}{'n':>4}{'nbclient':>10}{'nbgrader':>10}{'1 worker':>10}{'2 workers':>11}"
              f"{'1w/exec':>9}{'2w speedup':>11}{'s/nb exec':>10}{'s/nb 1w':>9}{'full marks':>12}"
              + (f"{'dask 2w':>10}{'dask/2w':>9}{'dask marks':>11}" if args.dask else ""))
        for a in names:
            try:
                r = bench(args.course, a, args.n, tmp, dask=args.dask, pool_only=args.pool_only)
            except Exception as exc:  # report and go on to the next assignment
                print(f"{a:<11} failed: {str(exc).strip().splitlines()[-1][:100]}")
                continue
            per_exec, per_1 = r["nbclient"] / args.n, r["w1"] / args.n
            marks = f"{r['ok1']}/{args.n}, {r['ok2']}/{args.n}"
            print(f"{a:<11}{args.n:>4}{r['nbclient']:>9.1f}s{r['plain']:>9.1f}s{r['w1']:>9.1f}s{r['w2']:>10.1f}s"
                  f"{per_1 / per_exec:>8.2f}x{r['w1'] / r['w2']:>10.2f}x{per_exec:>9.1f}s{per_1:>8.1f}s{marks:>12}"
                  + (f"{r['dask']:>9.1f}s{r['dask'] / r['w2']:>8.2f}x{str(int(r['okdask'])) + '/' + str(args.n):>11}"
                     if args.dask else ""))
        print("\n1w/exec = the pipeline with 1 worker per notebook over plain nbclient execution (goal <= 1.3); "
              f"2w speedup = 1 worker's time over 2 workers' (goal >= 1.7); empty-notebook floor {empty:.1f} s."
              + (" dask/2w = the Dask local cluster's wall time over 2 local workers' (goal <= 1.1)."
                 if args.dask else "") + (" --pool-only: nbclient, nbgrader and 1 worker not run (nan)."
                                          if args.pool_only else ""))


if __name__ == "__main__":
    main()
