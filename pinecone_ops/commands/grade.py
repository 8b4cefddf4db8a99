"""`pinecone-ops grade ASSIGNMENT|all SUBMISSIONS`: grade a whole class (instructors only).

The pipeline lives in the course checkout's ``autograder/`` (never in the wheel, because it sits
beside the hidden checks), so this command only parses arguments, finds the checkout and imports
``autograder.pipeline`` from it lazily.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

NO_CHECKOUT = ("pinecone-ops grade needs the course checkout: the grading pipeline and the hidden "
               "checks live in its autograder/ folder, which is not installed with the package. "
               "Run it from the course repository (the folder with nbgrader_config.py and "
               "autograder/), or pass --course /path/to/course.")


def register(subparsers) -> None:
    """Add the ``grade`` parser."""
    p = subparsers.add_parser(
        "grade", help="grade a class: parallel autograde, feedback, grades CSV, histogram",
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
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel notebooks (default: CPU count, %(default)s here)")
    p.add_argument("--student", action="append", default=[], metavar="ID",
                   help="(re)grade only this student; repeatable")
    p.add_argument("--force", action="store_true", help="regrade even finished submissions")
    p.add_argument("--pattern", help="regex with named groups student_id and file_id for LMS file "
                   "names (default: the course's c.FileNameCollectorPlugin.named_regexp)")
    p.add_argument("--cell-timeout", type=int, help="seconds per cell (default: the course config)")
    p.add_argument("--notebook-timeout", type=float, default=300.0,
                   help="wall seconds per notebook attempt (default: %(default)s)")
    p.add_argument("--memory-mb", type=int, default=2048,
                   help="address-space limit of the grader and kernel (default: %(default)s)")
    p.add_argument("--max-output-kb", type=int, default=256,
                   help="output kept per cell (default: %(default)s)")
    p.add_argument("--no-server", action="store_true",
                   help="do not start a local Pinecone process per submission")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _find_checkout(*starts: Path) -> Path | None:
    """The folder holding autograder/pipeline/, searched upwards from each start."""
    for start in starts:
        for folder in [start, *start.parents]:
            if (folder / "autograder" / "pipeline" / "__init__.py").is_file():
                return folder
    return None


def run(args: argparse.Namespace) -> int:
    """Entry point; 0 when every submission was processed, 2 on a usage error."""
    starts = [p.resolve() for p in (args.course, Path.cwd()) if p]
    checkout = _find_checkout(*starts)
    if checkout is None:
        print(NO_CHECKOUT, file=sys.stderr)
        return 2
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    from autograder.pipeline import GradeOptions, grade_class
    from autograder.pipeline.coursedir import CourseError, course_pattern, find_course
    from autograder.pipeline.options import DEFAULT_PATTERN
    from autograder.pipeline.report import summary_table

    try:
        course = find_course(args.course.resolve() if args.course else Path.cwd())
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    opts = GradeOptions(course=course, out=(args.out or course).resolve(), workers=args.workers,
                        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                        memory_mb=args.memory_mb, max_output_kb=args.max_output_kb,
                        pattern=args.pattern or course_pattern(course) or DEFAULT_PATTERN, students=tuple(args.student),
                        force=args.force, server=not args.no_server, progress=not args.quiet)
    try:
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
