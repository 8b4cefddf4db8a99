"""Before anything is graded: does this Python have every module the grader and the hidden checks import?

The hidden checks (``autograder/checks/``) run in the grader's checker, outside the student's kernel,
with this same interpreter; a module missing there makes every student lose those cells, with a
``ModuleNotFoundError`` as the only trace. So ``pinecone-ops grade`` (``autograder/cli.py``) and
``grade_class`` call :func:`check` first: it reads, with ``ast``, the imports of the checks, the
pipeline and the preprocessors (never a hand-kept list), keeps those outside the standard library
and this package, and refuses to start, naming what is missing and the ``pip install`` that fixes it.

Standard library only: it must run where the grader's own dependencies (nbgrader, …) are missing.
"""
from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import shlex
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: what is read: the hidden checks and the grader's own code (both run here, outside the kernel)
SCANNED = ("checks", "checker", "pipeline", "preprocessors", "cli.py", "course.py")
#: the kernel itself: nbgrader runs every notebook in an IPython kernel of this interpreter
KERNEL = {"ipykernel": "the grading kernel"}
DISTRIBUTION = "pinecone-ops"


class MissingModules(RuntimeError):
    """The environment lacks modules grading needs; the message names them and the fix."""


def _optional(node: ast.Try) -> bool:
    """A ``try`` whose handlers catch ImportError: its imports are optional."""
    for handler in node.handlers:
        names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if handler.type is None or any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError",
                                                                            "Exception") for n in names):
            return True
    return False


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(source: str) -> set[str]:
    """Top-level names of the modules ``source`` imports for sure (anywhere, functions included),
    leaving out relative imports, ``if TYPE_CHECKING:`` blocks and ``try`` bodies that catch
    ImportError."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Try) and _optional(node):
            for handler in node.handlers:
                visit(handler)
            for stmt in node.orelse + node.finalbody:
                visit(stmt)
            return
        elif isinstance(node, ast.If) and _type_checking(node):
            for stmt in node.orelse:
                visit(stmt)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def required(package: Path = PACKAGE) -> dict[str, list[str]]:
    """Third-party modules grading needs -> the files (relative to the package's parent) needing them."""
    files = sorted(p for part in SCANNED for p in
                   ([package / part] if part.endswith(".py") else sorted((package / part).glob("*.py")))
                   if p.is_file())
    needed: dict[str, list[str]] = {name: [why] for name, why in KERNEL.items()}
    local = {package.name}
    for path in files:
        for name in imports(path.read_text()):
            if name in sys.stdlib_module_names or name in local or name == "__future__":
                continue
            needed.setdefault(name, []).append(str(path.relative_to(package.parent)))
    return needed


def _found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing(package: Path = PACKAGE) -> dict[str, list[str]]:
    """The modules of :func:`required` this interpreter cannot import."""
    return {name: where for name, where in sorted(required(package).items()) if not _found(name)}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> dict[str, str]:
    """This kit's declared dependencies (installed metadata), canonical name -> requirement."""
    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return {}
    out = {}
    for req in declared:
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        name = re.match(r"[A-Za-z0-9._-]+", spec.strip())
        if name:
            out[_canonical(name.group(0))] = spec.strip().replace(" ", "")
    return out


def fix(names: list[str]) -> str:
    """The command that installs ``names`` into this interpreter."""
    declared = requirements()
    specs = [DISTRIBUTION if _canonical(n) == DISTRIBUTION else declared.get(_canonical(n), n) for n in names]
    return f"{shlex.quote(sys.executable)} -m pip install " + " ".join(shlex.quote(s) for s in specs)


def message(lacking: dict[str, list[str]]) -> str:
    """What :class:`MissingModules` says."""
    lines = [f"grading cannot start: this Python ({sys.executable}) lacks modules that the hidden checks "
             "or the grader import, so students would lose marks for the grader's environment:"]
    for name, where in lacking.items():
        shown = ", ".join(where[:3]) + (f" and {len(where) - 3} more" if len(where) > 3 else "")
        lines.append(f"  {name}  (needed by {shown})")
    lines.append(f"fix: {fix(list(lacking))}")
    lines.append(f"     (or reinstall the course kit, which depends on all of them: {shlex.quote(sys.executable)} "
                 "-m pip install --upgrade pinecone-ops, or -e <the course checkout>)")
    return "\n".join(lines)


def check(package: Path = PACKAGE) -> None:
    """Raise :class:`MissingModules` unless every module grading needs can be imported here."""
    lacking = missing(package)
    if lacking:
        raise MissingModules(message(lacking))
