"""`pinecone-ops grade ASSIGNMENT|all SUBMISSIONS`: grade a class (instructors only).

The grader lives in the course checkout's ``autograder/`` (never in the wheel: it sits beside the
hidden checks), so this command is a one-function seam across a process boundary: it finds the
checkout and runs ``python -m autograder.cli`` there with every argument unchanged (``--help``
included: the flags and their defaults are defined in ``autograder/cli.py``). It never imports
``autograder``.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

NO_CHECKOUT = ("pinecone-ops grade needs the course checkout: the grading pipeline and the hidden "
               "checks live in its autograder/ folder, which is not installed with the package. "
               "Run it from the course repository (the folder with nbgrader_config.py and "
               "autograder/), or pass --course /path/to/course.")
#: what marks a checkout: the grader's entry point
ENTRY = Path("autograder") / "cli.py"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``grade`` parser: every argument goes to ``autograder.cli`` as given."""
    p = subparsers.add_parser(
        "grade", add_help=False, prefix_chars="\0",
        help="grade a class: parallel autograde, feedback, grades CSV, histogram",
        description="Runs the course checkout's grader (python -m autograder.cli); "
                    "`pinecone-ops grade --help` inside a checkout lists its options.")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=run)


def _course_flag(args: list[str]) -> Path | None:
    """The value of ``--course`` in ``args``, if any."""
    for i, arg in enumerate(args):
        if arg == "--course" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--course="):
            return Path(arg.split("=", 1)[1])
    return None


def run(args: argparse.Namespace) -> int:
    """Run the checkout's grader with ``args.args``; its exit code, or 2 outside a checkout."""
    course = _course_flag(args.args)
    starts = [p.resolve() for p in (course, Path.cwd()) if p]
    checkout = next((folder for start in starts for folder in [start, *start.parents]
                     if (folder / ENTRY).is_file()), None)
    if checkout is None:
        print(NO_CHECKOUT, file=sys.stderr)
        return 2
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH", "")]))
    proc: subprocess.Popen[bytes] | None = None
    early: list[int] = []                 # signals that arrived before the child existed

    def forward(sig: int, _frame: object) -> None:
        if proc is None:
            early.append(sig)
        else:
            proc.send_signal(sig)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # its own session: Ctrl-C reaches it once, from here, whoever it was sent to
        proc = subprocess.Popen([sys.executable, "-m", "autograder.cli", *args.args], env=env,
                                start_new_session=True)
        for sig in early:
            proc.send_signal(sig)
        return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
