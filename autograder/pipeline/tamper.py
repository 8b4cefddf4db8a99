"""Static tamper scan of a submission, for the instructor's eyes (never scored automatically).

Finds, with cell and line: monkeypatching of imported modules or builtins (attribute assignment or
deletion, ``setattr``/``delattr`` on a module, writes to ``sys.modules`` or ``__builtins__``);
imports of the hidden checks (``autograder``) or of the local Pinecone's internals; frame and GC
introspection that can reach into the checks; signals to other processes; and locked cells that
were changed or deleted (compared with the release by nbgrader's own checksum).
"""
from __future__ import annotations

import ast
from dataclasses import asdict, dataclass

from nbgrader import utils as nbg_utils

FORBIDDEN_IMPORTS = ("autograder", "pinecone_ops.emulator", "nbgrader", "sqlite3")
INTROSPECTION = {("sys", "_getframe"), ("inspect", "currentframe"), ("inspect", "stack"),
                 ("gc", "get_objects"), ("gc", "get_referrers"), ("ctypes", "pythonapi")}
SIGNALS = {("os", "kill"), ("os", "killpg"), ("signal", "pthread_kill")}
SERVER_INTERNALS = ("_ops", "pinecone_ops.admin", "local_server")


@dataclass
class Finding:
    """One suspicious thing: where (1-based cell number, grade id, line) and what."""

    cell: int
    grade_id: str | None
    line: int
    kind: str
    detail: str

    def __str__(self) -> str:
        where = f"cell {self.cell}" + (f" ({self.grade_id})" if self.grade_id else "")
        return f"{where}, line {self.line}: {self.kind}: {self.detail}"


def _python_source(cell_source: str) -> str:
    """IPython magics and shell escapes turned into Python, so ``ast`` can parse the cell."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(cell_source)
    except Exception:  # any transformer failure: fall back to the raw text
        return cell_source


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, modules: set[str]):
        self.modules = modules          # names bound to imported modules, across cells
        self.hits: list[tuple[int, str, str]] = []

    def _hit(self, node: ast.AST, kind: str, detail: str) -> None:
        self.hits.append((getattr(node, "lineno", 0), kind, detail))

    def _is_module(self, dotted: str | None) -> bool:
        if not dotted:
            return False
        head = dotted.split(".")[0]
        return head in self.modules or head in ("builtins", "__builtins__", "sys")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.modules.add((alias.asname or alias.name).split(".")[0])
            self._check_import(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        for alias in node.names:
            self._check_import(node, f"{mod}.{alias.name}")
            if alias.name in ("admin",) and mod == "pinecone_ops":
                self._hit(node, "server internals", f"from {mod} import {alias.name}")
        self._check_import(node, mod)

    def _check_import(self, node: ast.AST, name: str) -> None:
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IMPORTS):
            self._hit(node, "forbidden import", name)

    def _target(self, target: ast.AST, verb: str) -> None:
        if isinstance(target, ast.Attribute) and self._is_module(_dotted(target.value)):
            self._hit(target, "monkeypatch", f"{verb} {_dotted(target)}")
        elif isinstance(target, ast.Subscript):
            base = _dotted(target.value)
            if base in ("sys.modules", "__builtins__", "builtins.__dict__"):
                self._hit(target, "monkeypatch", f"{verb} {base}[...]")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._target(elt, verb)

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._target(t, "assigns")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            self._target(t, "deletes")

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        if name in ("setattr", "delattr") and node.args and self._is_module(_dotted(node.args[0])):
            self._hit(node, "monkeypatch", f"{name}({_dotted(node.args[0])}, ...)")
        if name in ("__import__", "importlib.import_module") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                self._check_import(node, arg.value)
        if name and name.endswith(("sys.modules.update", "sys.modules.pop", "__builtins__.update")):
            self._hit(node, "monkeypatch", name)
        if name and "." in name and tuple(name.rsplit(".", 1)) in INTROSPECTION:
            self._hit(node, "introspection", name)
        if name and "." in name and tuple(name.rsplit(".", 1)) in SIGNALS:
            self._hit(node, "signals a process", name)
        if name and (any(name.endswith(s) for s in SERVER_INTERNALS)
                     or (name.endswith(".admin") and self._is_module(name))):
            self._hit(node, "server internals", name)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        text = node.value if isinstance(node.value, str) else ""
        if "/_ops" in text:
            self._hit(node, "server internals", repr(text[:80]))
        elif any(s in text for s in ("autograder/", "gradebook.db", "progress.txt", "state.json")):
            self._hit(node, "grader files", repr(text[:80]))


def imported_names(sources: list[str]) -> set[str]:
    """Names bound to modules by ``import`` statements anywhere in ``sources``."""
    names: set[str] = set()
    for src in sources:
        try:
            tree = ast.parse(_python_source(src))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def scan_code(cells: list[tuple[int, str | None, str]], modules: set[str] | None = None
              ) -> list[Finding]:
    """Scan (cell number, grade id, source) triples of student-editable code cells, in order.

    ``modules``: names already bound to modules (e.g. by the notebook's locked setup cells).
    """
    modules = set(modules or ())
    found: list[Finding] = []
    for number, gid, src in cells:
        try:
            tree = ast.parse(_python_source(src))
        except SyntaxError:
            continue   # the kernel will report it; not tampering
        scanner = _Scanner(modules)
        scanner.visit(tree)
        found += [Finding(number, gid, line, kind, detail) for line, kind, detail in scanner.hits]
    return found


def _locked_ids(nb) -> dict[str, dict]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("locked") and c.metadata["nbgrader"].get("grade_id")}


def scan_notebook(submitted, release) -> list[Finding]:
    """All findings for one notebook (nbformat nodes of the submission and its release)."""
    code: list[tuple[int, str | None, str]] = []
    for i, cell in enumerate(submitted.cells, 1):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("locked"):
            code.append((i, meta.get("grade_id"), cell.source))
    setup = [c.source for c in submitted.cells if c.cell_type == "code"]
    found = scan_code(code, imported_names(setup))
    submitted_locked = _locked_ids(submitted)
    positions = {c.metadata.get("nbgrader", {}).get("grade_id"): i
                 for i, c in enumerate(submitted.cells, 1)}
    for gid, ref in _locked_ids(release).items():
        mine = submitted_locked.get(gid)
        if mine is None:
            mine_any = next((c for c in submitted.cells
                             if c.metadata.get("nbgrader", {}).get("grade_id") == gid), None)
            if mine_any is None:
                found.append(Finding(0, gid, 0, "locked cell deleted",
                                     f"{gid} is missing; the grader re-inserted the original"))
                continue
            mine = mine_any
        if nbg_utils.compute_checksum(mine) != nbg_utils.compute_checksum(ref):
            found.append(Finding(positions.get(gid, 0), gid, 0, "locked cell changed",
                                 f"{gid} differs from the release; the grader restored the original"))
    return found


def as_dicts(findings: list[Finding]) -> list[dict]:
    """Findings as JSON-ready dicts with a readable ``text``."""
    return [dict(asdict(f), text=str(f)) for f in findings]
