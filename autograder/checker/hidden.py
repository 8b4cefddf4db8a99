"""Run one test cell's hidden block here, in the checker, against the student's kernel.

The block is the instructor's few lines (``from autograder.checks.phase1 import check_x`` /
``check_x(answer)``). Every free name in it is looked up in the kernel first (data arrives as
data, functions and other objects as handles), then the block runs in this process with the
channel current, so ``autograder.checks.common`` talks to that kernel. The verdict is decided
here; nothing the kernel does can change it except the data it returns.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import math
import time
from dataclasses import dataclass

from autograder.checker.channel import ChannelError, KernelChannel, KernelError, KernelTimeout, active

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


@dataclass
class Verdict:
    """The checker's result for one grade cell."""

    passed: bool
    ename: str = ""
    evalue: str = ""
    #: True when the check itself could not run (the grader's problem, not the student's).
    internal: bool = False
    seconds: float = 0.0
    printed: str = ""
    #: The number a passing block ends on (``check_filters(FILTERS)`` returning points): partial credit.
    value: float | None = None


def split_hidden(source: str) -> tuple[str, str | None]:
    """``(visible part, hidden block)`` of a test cell's source; ``None`` when it has no block.
    Several blocks are joined in order."""
    visible, hidden, inside = [], [], False
    found = False
    for line in source.splitlines(keepends=True):
        marker = line.strip()
        if marker == BEGIN:
            inside, found = True, True
            continue
        if marker == END and inside:
            inside = False
            continue
        (hidden if inside else visible).append(line)
    return "".join(visible), ("".join(hidden) if found else None)


def free_names(tree: ast.AST) -> list[str]:
    """Names the code reads but never binds, and that are not built-ins, in first-use order."""
    bound: set[str] = set()
    used: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                used.setdefault(node.id, None)
            else:
                bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return [n for n in used if n not in bound and not hasattr(builtins, n)]


def run_hidden(source: str, channel: KernelChannel, label: str = "<hidden test>") -> Verdict:
    """Run ``source`` (a hidden block) against the kernel behind ``channel``."""
    start = time.monotonic()
    printed = io.StringIO()
    try:
        tree = ast.parse(source, label)
        namespace: dict = {"__name__": "__hidden_test__", "__builtins__": builtins}
        for name in free_names(tree):
            with contextlib.suppress(KeyError):
                namespace[name] = channel.lookup(name)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with active(channel), contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            exec(compile(tree, label, "exec"), namespace)  # noqa: S102 - the instructor's hidden block
            result = eval(compile(ast.Expression(last.value), label, "eval"), namespace) if last else None
    except KernelError as exc:
        verdict = Verdict(False, exc.kernel_type.rsplit(".", 1)[-1], exc.message)
    except KernelTimeout as exc:
        verdict = Verdict(False, "TimeoutError", str(exc))
    except ChannelError as exc:
        verdict = Verdict(False, "GradingError", f"your kernel did not answer the grader: {exc}")
    except (ImportError, SyntaxError) as exc:   # the grader's environment or the block itself
        verdict = Verdict(False, "GradingError", f"the hidden test could not run ({type(exc).__name__}: {exc})",
                          internal=True)
    except Exception as exc:  # noqa: BLE001 - any failure of the check is this cell's failure
        verdict = Verdict(False, type(exc).__name__, str(exc)[:2000])
    else:
        # a bool is not partial credit, and nan or inf is no number of points
        points = result if type(result) in (int, float) and math.isfinite(result) else None
        verdict = Verdict(True, value=float(points) if points is not None else None)
    verdict.seconds = round(time.monotonic() - start, 3)
    verdict.printed = printed.getvalue()[-4000:]
    return verdict
