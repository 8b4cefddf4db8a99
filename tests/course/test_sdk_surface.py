"""The notebooks teach SDK 10's canonical surface, not its backwards-compatibility shims.

The shims are derived from the installed SDK itself: every ``Pinecone`` method whose docstring
starts "Backwards-compatibility shim" (``pinecone/_client.py``) and every ``*Exception`` /
legacy-error alias marked "Backcompat alias" (``pinecone/errors/exceptions.py``), plus
``.names()`` (the ``IndexList`` helper only the ``list_indexes()`` shim returns).

A code cell whose first line is ``# CODE YOU WILL INHERIT`` is the one place a phase may show the
shims (old → new, for reading). Phases in ``MIGRATED`` must have none elsewhere; the others are
counted and printed (run with ``-s``) so the migration can be tracked.
"""
from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pinecone
import pytest

REPO = Path(__file__).resolve().parents[2]
SDK = Path(pinecone.__file__).resolve().parent
INHERIT_MARKER = "# CODE YOU WILL INHERIT"
MIGRATED = {"phase1", "phase2", "phase3", "phase5"}  # phases rewritten on the canonical surface (issues 14, 15)
CANONICAL = ("pc.indexes.", "pc.index(")


def shim_methods() -> set[str]:
    """Names of ``Pinecone`` methods the SDK documents as backwards-compatibility shims."""
    tree = ast.parse((SDK / "_client.py").read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node) or ""
            if doc.startswith("Backwards-compatibility shim"):
                out.add(node.name)
    return out


def error_aliases() -> set[str]:
    """Legacy exception names (``NotFoundException = NotFoundError`` …) the SDK keeps as aliases."""
    text = (SDK / "errors" / "exceptions.py").read_text()
    return set(re.findall(r"# Backcompat alias[^\n]*\n(\w+) = \w+", text))


def shim_patterns() -> dict[str, re.Pattern]:
    pats = {f".{m}(": re.compile(rf"\.{re.escape(m)}\(") for m in shim_methods()}
    pats[".names()"] = re.compile(r"\.names\(\)")
    pats.update({a: re.compile(rf"\b{re.escape(a)}\b") for a in error_aliases()})
    return pats


def code_cells(notebook: Path) -> list[tuple[int, str]]:
    nb = json.loads(notebook.read_text())
    return [(i, "".join(c["source"])) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def _code_only(source: str) -> str:
    """The cell without comments and magics (a shim named in a comment is not a call)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(re.sub(r"#.*", "", line) for line in lines)


def shim_uses(notebook: Path) -> Counter:
    """(cell index, shim) → occurrences, outside the marked "code you will inherit" cells."""
    found: Counter = Counter()
    pats = shim_patterns()
    for i, src in code_cells(notebook):
        if src.lstrip().upper().startswith(INHERIT_MARKER):
            continue
        code = _code_only(src)
        for name, pat in pats.items():
            n = len(pat.findall(code))
            if n:
                found[(i, name)] += n
    return found


PHASES = sorted(p.parent.name for p in (REPO / "source").glob("phase*/phase*.ipynb"))


def test_the_shim_list_comes_from_the_installed_sdk():
    methods = shim_methods()
    assert {"create_index", "describe_index", "list_indexes", "has_index", "configure_index", "delete_index",
            "Index", "create_backup", "list_backups"} <= methods, methods
    assert {"NotFoundException", "ForbiddenException", "PineconeApiException"} <= error_aliases()
    # canonical names are never flagged
    pats = shim_patterns()
    for canonical in ("pc.indexes.describe('x')", "pc.index('x')", "idx.describe_index_stats()",
                      "pc.create_index_from_backup(backup_id='b', name='n')", "except NotFoundError:"):
        assert not any(p.search(canonical) for p in pats.values()), canonical


def test_the_scan_skips_only_marked_cells(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "source": ["x = pc.describe_index('a')  # old\n", "pc.Index(name='a')"]},
        {"cell_type": "code", "source": ["# CODE YOU WILL INHERIT\n", "pc.list_indexes().names()"]},
        {"cell_type": "code", "source": ["# pc.has_index('a') is the old spelling\n", "pc.indexes.exists('a')"]},
        {"cell_type": "markdown", "source": ["`pc.has_index(name)`"]},
    ]}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert shim_uses(path) == Counter({(0, ".describe_index("): 1, (0, ".Index("): 1})


def test_shim_counts_per_phase(capsys):
    counts = {p: sum(shim_uses(REPO / "source" / p / f"{p}.ipynb").values()) for p in PHASES}
    with capsys.disabled():
        print("\nSDK 10 shim calls outside 'code you will inherit' cells, per source notebook:")
        for p, n in counts.items():
            print(f"  {p}: {n}{'  (migrated)' if p in MIGRATED else ''}")
        print(f"  total: {sum(counts.values())}")
    assert set(PHASES) >= MIGRATED


@pytest.mark.parametrize("phase", sorted(MIGRATED))
def test_migrated_phases_use_no_shims(phase):
    notebook = REPO / "source" / phase / f"{phase}.ipynb"
    uses = shim_uses(notebook)
    assert not uses, sorted(f"cell {i}: {name} ×{n}" for (i, name), n in uses.items())
    code = "\n".join(_code_only(src) for _, src in code_cells(notebook))
    assert all(c in code for c in CANONICAL), f"{phase} should teach {CANONICAL}"
    marked = [src for _, src in code_cells(notebook) if src.lstrip().upper().startswith(INHERIT_MARKER)]
    assert len(marked) <= 2, "keep the 'code you will inherit' part short: one or two cells"
