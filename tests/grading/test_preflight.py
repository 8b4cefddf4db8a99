"""Grading works from the installed package, and refuses, with the fix, where a module it needs is
missing (autograder/preflight.py). The refusals are real: a Python whose environment lacks the
module, a real subprocess, before any submission is graded."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder import preflight
from conftest import REPO

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10
    import tomli as tomllib


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_the_checks_and_grader_import_is_a_declared_dependency():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {_canonical(re.match(r"[A-Za-z0-9._-]+", d).group(0)) for d in declared} | {"pinecone-ops"}
    needed = preflight.required()
    assert {"hypothesis", "nbgrader", "numpy", "matplotlib", "pinecone_ops", "ipykernel"} <= set(needed)
    assert sorted(m for m in needed if _canonical(m) not in names) == []
    assert needed["hypothesis"] and all(p.startswith("autograder/checks/") for p in needed["hypothesis"])


def test_imports_are_read_from_the_code_optional_ones_left_out(tmp_path):
    source = textwrap.dedent("""
        from __future__ import annotations
        import os, json
        import alpha.sub as a
        from beta.gamma import x
        from . import sibling
        from .near import y
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import typed_only
        try:
            import optional_one
        except ImportError:
            optional_one = None
        try:
            import needed_anyway
        finally:
            pass
        def later():
            import delta
    """)
    assert preflight.imports(source) == {"__future__", "os", "json", "alpha", "beta", "typing",
                                         "needed_anyway", "delta"}


def _fake_checkout(tmp_path: Path, extra: str) -> Path:
    """A copy of this checkout's autograder/ with one more checks module."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "autograder", root / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__", "reference_submissions"))
    (root / "autograder" / "checks" / "phase9.py").write_text(extra)
    return root


def _run(python: str, cwd: Path, args: list[str], env: dict[str, str] | None = None):
    return subprocess.run([python, "-m", "autograder.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(cwd), **(env or {})})


def test_a_check_importing_a_missing_package_stops_grading_before_anyone_is_graded(mini_course, tmp_path):
    root = _fake_checkout(tmp_path, "import json\nfrom nosuchpkg_for_grading.sub import helper\n\n"
                                    "def check_x(f):\n    assert helper(f)\n")
    subs, out = tmp_path / "subs", tmp_path / "out"
    (subs / "amy" / "mini").mkdir(parents=True)
    (subs / "amy" / "mini" / "mini.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    proc = _run(sys.executable, root, ["mini", str(subs), "--course", str(mini_course), "--out", str(out)])
    assert proc.returncode == 2, proc.stderr
    assert "nosuchpkg_for_grading  (needed by autograder/checks/phase9.py)" in proc.stderr
    assert f"fix: {sys.executable} -m pip install nosuchpkg_for_grading" in proc.stderr
    assert proc.stdout == "" and not out.exists()          # nothing graded, nothing written
    # the same checkout without that import grades (the preflight passes; here: a usage error later)
    (root / "autograder" / "checks" / "phase9.py").write_text("import json\n")
    proc = _run(sys.executable, root, ["nope", str(subs), "--course", str(mini_course), "--out", str(out)])
    assert proc.returncode == 2 and "unknown assignment 'nope'" in proc.stderr, proc.stderr


def _python_without(tmp_path: Path, hidden: str) -> str:
    """A real virtual environment that has everything this one has but ``hidden`` (its site-packages
    is a folder of links to ours, the hidden distribution left out)."""
    site = Path(sysconfig.get_paths()["purelib"])
    linked = tmp_path / "linked"
    linked.mkdir()
    for entry in site.iterdir():
        if not re.match(rf"_?{hidden}([-_.]|$)", entry.name, re.I):
            (linked / entry.name).symlink_to(entry)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    Path(own, "linked.pth").write_text(f"import site; site.addsitedir({str(linked)!r})\n")
    return str(python)


@pytest.mark.slow
def test_without_hypothesis_the_real_grader_refuses_and_names_the_fix(mini_course, tmp_path):
    python = _python_without(tmp_path, "hypothesis")
    probe = subprocess.run([python, "-c", "import nbgrader, pinecone_ops, numpy; import hypothesis"],
                           capture_output=True, text=True)
    assert "No module named 'hypothesis'" in probe.stderr     # the environment really lacks it
    out = tmp_path / "out"
    proc = subprocess.run([python, "-m", "autograder.cli", "mini", str(tmp_path), "--course", str(mini_course),
                           "--out", str(out)], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 2, proc.stderr
    lacking = re.findall(r"^  (\S+)  \(needed by", proc.stderr, re.M)
    assert lacking == ["hypothesis"], proc.stderr
    assert "autograder/checks/common.py" in proc.stderr
    assert re.search(r"fix: \S+ -m pip install 'hypothesis>=[\d.]+'", proc.stderr), proc.stderr
    assert not out.exists()
    # and through the installed command, the same refusal and exit status
    cmd = subprocess.run([python, "-m", "pinecone_ops.cli", "grade", "mini", str(tmp_path), "--course",
                          str(mini_course), "--out", str(out)], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert cmd.returncode == 2 and "lacks modules" in cmd.stderr and "hypothesis" in cmd.stderr, cmd.stderr


def test_grade_class_itself_refuses(mini_course, tmp_path):
    """The library entry point runs the same preflight (here against a checkout missing a module)."""
    root = _fake_checkout(tmp_path, "import nosuchpkg_for_grading\n")
    code = ("import sys; from pathlib import Path; from autograder.pipeline import GradeOptions, grade_class\n"
            "from autograder.preflight import MissingModules\n"
            "try:\n    grade_class('mini', Path(sys.argv[1]), GradeOptions(course=Path(sys.argv[2]), "
            "out=Path(sys.argv[3])))\n"
            "except MissingModules as exc:\n    print('REFUSED', exc)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(mini_course), str(tmp_path / "out")],
                          cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout.startswith("REFUSED") and "nosuchpkg_for_grading" in proc.stdout, proc.stderr
    assert not (tmp_path / "out").exists()
