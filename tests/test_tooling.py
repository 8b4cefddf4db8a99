"""The lint tools see what we rely on them for: an import cycle hidden behind a lazy import fails.

Each test builds a throwaway package in tmp_path and runs the real tool on it
(`scripts/check-import-cycles`, and import-linter's `acyclic_siblings` contract as configured in
pyproject.toml), so a tool upgrade that stopped seeing imports inside functions would show here.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("grimp", reason="needs the lint extra (pip install -e '.[lint]')")

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "scripts" / "check-import-cycles"


def make_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


# `a` imports `b` at the top; `b` imports `a` only inside a function, so importing either works.
LAZY_CYCLE = {
    "toy/__init__.py": "",
    "toy/a.py": """\
        from toy.b import helper

        def use():
            return helper()
        """,
    "toy/b.py": """\
        def helper():
            from toy.a import use  # lazy: hides the cycle from Python, not from the graph
            return use
        """,
    "toy/c.py": "import toy.a\n",
}

# The same shape with the lazy import pointing away from `a`: no way back, no cycle.
CLEAN = {
    "toy/__init__.py": "",
    "toy/a.py": "from toy.b import helper\n",
    "toy/b.py": """\
        def helper():
            from toy.c import value
            return value
        """,
    "toy/c.py": "value = 1\n",
}


def test_lazy_import_cycle_is_reported_with_its_chain(tmp_path):
    make_package(tmp_path, LAZY_CYCLE)
    subprocess.run([sys.executable, "-c", "import toy.a, toy.b"], cwd=tmp_path, check=True)  # Python is fine
    proc = run([sys.executable, str(CHECK), "toy"], tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "toy.a, toy.b:" in proc.stdout
    assert "toy.a -(l.1)-> toy.b -(l.2)-> toy.a" in proc.stdout
    assert "toy.c" not in proc.stdout  # it imports into the cycle but is not part of it


def test_cycle_through_a_package_init_is_reported(tmp_path):
    make_package(tmp_path, {
        "toy/__init__.py": "from toy.a import f\n",
        "toy/a.py": "def f():\n    from toy import f as g\n    return g\n",
    })
    proc = run([sys.executable, str(CHECK), "toy"], tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "toy -(l.1)-> toy.a -(l.2)-> toy" in proc.stdout


def test_clean_package_passes(tmp_path):
    make_package(tmp_path, CLEAN)
    proc = run([sys.executable, str(CHECK), "toy"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No import cycles in toy (4 modules)" in proc.stdout


def test_unknown_package_is_a_clear_error(tmp_path):
    proc = run([sys.executable, str(CHECK), "no_such_package_here"], tmp_path)
    assert proc.returncode == 2
    assert "PYTHONPATH" in proc.stderr


@pytest.mark.parametrize("files, kept", [(LAZY_CYCLE, False), (CLEAN, True)])
def test_import_linter_acyclic_siblings_sees_lazy_imports(tmp_path, files, kept):
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.skip("needs the lint extra (import-linter)")
    make_package(tmp_path, files)
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [tool.importlinter]
        root_packages = ["toy"]

        [[tool.importlinter.contracts]]
        name = "no cycles in toy"
        type = "acyclic_siblings"
        ancestors = ["toy"]
        """))
    proc = run([str(lint_imports), "--no-cache"], tmp_path)
    assert (proc.returncode == 0) is kept, proc.stdout + proc.stderr
    assert ("no cycles in toy KEPT" if kept else "no cycles in toy BROKEN") in proc.stdout
    if not kept:
        assert "- .b -> .a (1 import)" in proc.stdout or "- .a -> .b (1 import)" in proc.stdout


def test_the_checkout_configures_both_cycle_checks():
    """`make lint` runs the script and lint-imports; pyproject.toml forbids cycles in both packages."""
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    acyclic = {a for c in config["contracts"] if c["type"] == "acyclic_siblings" for a in c["ancestors"]}
    assert acyclic == {"pinecone_ops", "autograder"}
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint and "scripts/check-import-cycles" in lint


def test_the_graders_outputs_are_git_ignored():
    """`pinecone-ops grade` writes student data into the checkout by default; none of it is committed."""
    paths = ["grading/grades.csv", "grading/withheld/phase1/amy/phase1.html", ".grading/scratch/x.ipynb",
             "gradebook.db", "feedback/amy/phase1/phase1.html", "autograded/amy/phase1/phase1.ipynb"]
    proc = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True)
    assert sorted(proc.stdout.split()) == sorted(paths), proc.stderr
    # only the checkout's own grading/ folder: the grading tests' folder is source
    kept = subprocess.run(["git", "check-ignore", "--no-index", "tests/grading/test_new.py"], cwd=ROOT,
                          capture_output=True, text=True)
    assert kept.returncode == 1 and kept.stdout == "", kept.stdout
