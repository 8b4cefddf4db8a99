"""``python -m autograder.cli ASSIGNMENT|all SUBMISSIONS [options]``: grade a class.

The far side of the seam: ``pinecone-ops grade`` (in the wheel) finds the checkout, puts it on
PYTHONPATH and runs this module with its arguments unchanged, passing the exit code through (0 when
every submission was processed, 2 on a usage error, 130 when interrupted). The flags and their
defaults are defined here, from :class:`~autograder.pipeline.options.GradeOptions`.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import preflight

if TYPE_CHECKING:
    from autograder.pipeline.options import GradeOptions

PROG = "pinecone-ops grade"


def _default(name: str) -> Any:
    from autograder.pipeline.options import GradeOptions

    return {f.name: f.default for f in dataclasses.fields(GradeOptions)}[name]


def build_parser() -> argparse.ArgumentParser:
    """The ``grade`` flags, defaults taken from ``GradeOptions``."""
    from autograder.pipeline.options import default_workers

    p = argparse.ArgumentParser(
        prog=PROG,
        description="Autograde every submission of ASSIGNMENT (or all assignments) in parallel, "
                    "each in its own scratch course under time and memory limits; write feedback "
                    "HTML, grades.csv, report.md, a histogram per assignment and a summary table. "
                    "Interrupted runs continue where they stopped.")
    p.add_argument("assignment", metavar="ASSIGNMENT|all")
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                   help="folder of <student>/<assignment>/*.ipynb, or an LMS .zip")
    p.add_argument("--course", type=Path, help="course root (default: found from the current folder)")
    p.add_argument("--out", type=Path,
                   help="where the gradebook, feedback/ and grading/ go (default: the course root)")
    p.add_argument("--workers", type=int, default=default_workers(),
                   help="parallel notebooks (default: CPU count, %(default)s here)")
    p.add_argument("--student", action="append", default=[], metavar="ID",
                   help="(re)grade only this student; repeatable")
    p.add_argument("--force", action="store_true", help="regrade even finished submissions")
    p.add_argument("--pattern", help="regex with named groups student_id and file_id for LMS file "
                   "names (default: the course's c.FileNameCollectorPlugin.named_regexp)")
    p.add_argument("--cell-timeout", type=int, default=_default("cell_timeout"),
                   help="seconds per cell (default: the course config)")
    p.add_argument("--notebook-timeout", type=float, default=_default("notebook_timeout"),
                   help="wall seconds per notebook attempt (default: %(default)s)")
    p.add_argument("--memory-mb", type=int, default=_default("memory_mb"),
                   help="address-space limit of the grader and kernel (default: %(default)s)")
    p.add_argument("--max-output-kb", type=int, default=_default("max_output_kb"),
                   help="output kept per cell (default: %(default)s)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run kernels without the bubblewrap sandbox (UNSAFE for a hostile class: student code "
                        "then runs as you, and can read and change what you can; docs/grading.md)")
    p.add_argument("--scheduler", metavar="tcp://HOST:8786",
                   help="grade on this Dask cluster: each submission is a task; workers hold a checkout of the "
                        "same course version (docs/grading.md); --workers is then unused")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def options(args: argparse.Namespace, course: Path) -> GradeOptions:
    """``GradeOptions`` from parsed flags."""
    from autograder.pipeline.options import GradeOptions

    return GradeOptions(course=course, out=(args.out or course).resolve(), workers=args.workers,
                        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                        memory_mb=args.memory_mb, max_output_kb=args.max_output_kb,
                        pattern=args.pattern, students=tuple(args.student), force=args.force,
                        sandbox=not args.no_sandbox, progress=not args.quiet,
                        scheduler=args.scheduler)


def main(argv: list[str] | None = None) -> int:
    """Grade; print the summary table on stdout and where the outputs went.

    First the preflight: with a module missing that the checks or the grader import, nothing is
    graded (status 2, the message names the modules and the fix)."""
    try:
        preflight.check()
    except preflight.MissingModules as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from autograder.pipeline import grade_class
    from autograder.pipeline.coursedir import CourseError, find_course
    from autograder.pipeline.report import summary_table

    args = build_parser().parse_args(argv)
    try:
        opts = options(args, find_course(args.course.resolve() if args.course else Path.cwd()))
        results = grade_class(args.assignment, args.submissions.resolve(), opts)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: finished submissions are saved; run the same command again to "
              "continue", file=sys.stderr)
        return 130
    print(summary_table(results))
    grading = opts.out / "grading"
    print(f"\ngrades: {grading / 'grades.csv'}\nreport: {grading / 'report.md'}\n"
          f"feedback: {opts.out / 'feedback'}/<student>/<assignment>/\n"
          f"histograms: {grading}/histogram-<assignment>.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
