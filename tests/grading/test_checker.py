"""The checker outside the kernel, and the sandbox around the kernel, attacked from a notebook.

One notebook of hostile cells runs through ``CheckedExecute`` (a real kernel in real bubblewrap,
its own local Pinecone); each test reads what the checker decided and what the kernel could see.
The attacks are written as a student would write them, several spellings each; none of them is
named anywhere in the grader's code.
"""
from __future__ import annotations

import json
import subprocess
import time

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.checker import sandbox

pytestmark = pytest.mark.slow

SETUP = """
import os, sys, threading, time, subprocess, json
import pinecone_ops
pc = pinecone_ops.connect()
"""
CELLS = [
    ("solution", "answers", """
class AlwaysEqual(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
ANSWER = AlwaysEqual("wrong")
class Liar(dict):
    def __eq__(self, other): return True
TABLE = Liar({"a": 0})
def double(x):
    return x * 2
def triple(x):
    return x * 2          # wrong on purpose
"""),
    # the kernel neutralises its own failures in every way IPython allows
    ("solution", "hooks", """
ip = get_ipython()
def _clear(result):
    result.error_in_exec = None
    result.error_before_exec = None
ip.events.register("post_run_cell", _clear)
ip.set_custom_exc((Exception,), lambda *a, **k: None)
import ast
class _NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
ip.ast_transformers.append(_NoAsserts())
ip.input_transformers_cleanup.append(lambda lines: [l.replace("assert ", "pass  # ") for l in lines])
"""),
    ("test", "t_equal_str", "assert ANSWER == 'right'\n### BEGIN HIDDEN TESTS\n"
                            "assert ANSWER == 'right', f'ANSWER is {ANSWER!r}'\n### END HIDDEN TESTS\n"),
    ("test", "t_equal_dict", "### BEGIN HIDDEN TESTS\nassert TABLE == {'a': 1}, 'TABLE is wrong'\n"
                             "### END HIDDEN TESTS\n"),
    ("test", "t_double", "assert double(2) == 4\n### BEGIN HIDDEN TESTS\n"
                         "assert double(21) == 42 and double((1,)) == (1, 1)\n### END HIDDEN TESTS\n"),
    ("test", "t_triple", "### BEGIN HIDDEN TESTS\nassert triple(3) == 9, 'triple(3) should be 9'\n"
                         "### END HIDDEN TESTS\n"),
    # forged scoring outputs: an execute_result and stderr sent into the running test cell
    ("solution", "forger", """
def _forge(parent):
    time.sleep(0.2)
    ip = get_ipython()
    ip.kernel.session.send(ip.kernel.iopub_socket, "execute_result",
                           {"execution_count": 1, "data": {"text/plain": "10"}, "metadata": {}}, parent=parent)
    ip.kernel.session.send(ip.kernel.iopub_socket, "stream", {"name": "stderr", "text": "noise"}, parent=parent)
def forge_soon():
    threading.Thread(target=_forge, args=(get_ipython().kernel.get_parent(),), daemon=True).start()
"""),
    ("test", "t_forged", "forge_soon()\ntime.sleep(0.6)\n### BEGIN HIDDEN TESTS\nassert triple(2) == 6, 'triple(2)'\n"
                         "### END HIDDEN TESTS\n"),
    ("test", "t_partial", "### BEGIN HIDDEN TESTS\nhalf = double(1) / 4\nhalf\n### END HIDDEN TESTS\n"),
    # what the kernel can see of the grader, the course and the machine
    ("solution", "probe", """
def _try(fn):
    try:
        return repr(fn())[:200]
    except BaseException as exc:
        return type(exc).__name__
PROBE = {
    "import_autograder": _try(lambda: __import__("autograder.checks.phase1")),
    "ls_work_main": _try(lambda: sorted(os.listdir(os.path.dirname(os.path.dirname(pinecone_ops.__file__))))),
    "root": _try(lambda: sorted(os.listdir("/"))),
    "tmp": _try(lambda: os.listdir("/tmp")),
    "pids": _try(lambda: sorted(int(p) for p in os.listdir("/proc") if p.isdigit())),
    "caps": _try(lambda: [l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1]),
    "write_pkg": _try(lambda: open(os.path.join(os.path.dirname(pinecone_ops.__file__), "x.py"), "w")),
    "net": _try(lambda: __import__("socket").create_connection(("1.1.1.1", 80), timeout=2)),
    "env_admin": os.environ.get("PINECONE_OPS_ADMIN_KEY"),
    "host": os.environ.get("PINECONE_OPS_HOST"),
}
print(json.dumps(PROBE))
"""),
    # a background thread that keeps trying the admin API while the checks run
    ("solution", "admin_thread", """
STATUSES = []
def _hammer():
    import httpx
    for _ in range(400):
        try:
            STATUSES.append(httpx.patch(os.environ["PINECONE_OPS_HOST"] + "/_ops/options",
                                        json={"meter_scale": 1000}, timeout=2).status_code)
        except Exception as exc:
            STATUSES.append(type(exc).__name__)
        time.sleep(0.005)
threading.Thread(target=_hammer, daemon=True).start()
"""),
    # a check sets the options it relies on; the kernel cannot change them until it is done
    ("test", "t_slow", "### BEGIN HIDDEN TESTS\nimport time\nfrom autograder.checks.common import admin\n"
                       "admin().set_options(meter_scale=1)\ntime.sleep(1.0)\n"
                       "assert admin().options()['meter_scale'] == 1.0, 'meter changed'\n"
                       "### END HIDDEN TESTS\n"),
    ("solution", "after", "time.sleep(1.5)\nprint('STATUSES', sorted(set(map(str, STATUSES))))"),
    # leave things behind, and try to stop the grader
    ("solution", "daemons", """
subprocess.Popen(["setsid", "-f", "sh", "-c", "sleep 600 # po-leftover-marker"])
subprocess.Popen(["sh", "-c", "nohup sleep 601 >/dev/null 2>&1 & # po-leftover-marker"])
for pid in (1, os.getppid()):
    try:
        os.kill(pid, 19)      # SIGSTOP
    except Exception as exc:
        print("stop", pid, type(exc).__name__)
"""),
    ("solution", "forks", """
procs, failed = [], None
for i in range(400):
    try:
        procs.append(subprocess.Popen(["sleep", "30"]))
    except Exception as exc:
        failed = type(exc).__name__
        break
print("FORKS", len(procs), failed)
for p in procs:
    p.kill()
"""),
    ("solution", "disk", """
written = 0
try:
    with open("/tmp/fill", "wb") as fh:
        for _ in range(2048):
            fh.write(b"x" * 2**20)
            written += 1
except OSError as exc:
    print("DISK", written, type(exc).__name__)
os.remove("/tmp/fill")
"""),
]


def _notebook():
    cells = [new_code_cell(SETUP)]
    for kind, gid, src in CELLS:
        cell = new_code_cell(src.strip("\n"))
        meta = {"grade_id": gid, "schema_version": 3, "task": False, "locked": kind == "test",
                "solution": kind == "solution", "grade": kind == "test"}
        if kind == "test":
            meta["points"] = 1
        cell.metadata["nbgrader"] = meta
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _leftovers() -> list[str]:
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if "po-leftover-marker" in line and "ps -eo" not in line]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    problem = sandbox.probe()
    if problem:
        pytest.skip(f"no sandbox on this machine: {problem}")
    from autograder.preprocessors.checked_execute import CheckedExecute

    work = tmp_path_factory.mktemp("checked")
    verdicts = work / "verdicts.jsonl"
    ex = CheckedExecute(sandbox="require", timeout=30, verdict_file=str(verdicts))
    start = time.monotonic()
    nb, _ = ex.preprocess(_notebook(), {"metadata": {"path": str(work)}})
    seconds = time.monotonic() - start
    by_id = {v["grade_id"]: v for v in map(json.loads, verdicts.read_text().splitlines())}
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    text = {gid: "".join(o.get("text", "") for o in c.outputs) for gid, c in cells.items()}
    return {"verdicts": by_id, "cells": cells, "text": text, "seconds": seconds}


def test_always_equal_answers_arrive_as_plain_data(graded):
    v = graded["verdicts"]
    assert not v["t_equal_str"]["passed"] and v["t_equal_str"]["evalue"] == "ANSWER is 'wrong'"
    assert not v["t_equal_dict"]["passed"]


def test_kernel_hooks_do_not_change_the_checker_s_verdict(graded):
    v = graded["verdicts"]
    assert v["t_double"]["passed"], v["t_double"]      # tuples stay tuples: (1,) * 2 == (1, 1)
    assert not v["t_triple"]["passed"] and "triple(3) should be 9" in v["t_triple"]["evalue"]
    # the failed check is an error output of the test cell, whatever the kernel's hooks did
    outs = graded["cells"]["t_triple"].outputs
    assert any(o.get("output_type") == "error" and "triple(3)" in o.get("evalue", "") for o in outs)


def test_the_kernel_sees_no_grader_course_or_network(graded):
    probe = json.loads(next(line for line in graded["text"]["probe"].splitlines() if line.startswith("{")))
    assert probe["import_autograder"] == "ModuleNotFoundError"
    listing = json.loads(probe["ls_work_main"].replace("'", '"'))
    assert "pinecone_ops" in listing
    assert not {"source", "autograder", "release", "gradebook.db", ".git"} & set(listing), listing
    assert "work" not in probe["root"] or "shared" not in probe["root"]
    tmp = json.loads(probe["tmp"].replace("'", '"'))             # a private /tmp: only its own ZeroMQ folder
    assert len(tmp) == 1 and tmp[0].startswith("po-sbx-"), tmp
    assert probe["caps"] == repr("0000000000000000")             # no capabilities, even as root
    assert probe["write_pkg"] in ("OSError", "PermissionError")   # read-only library
    assert probe["net"] in ("OSError", "TimeoutError", "ConnectionRefusedError", "gaierror")
    assert probe["env_admin"] is None and probe["host"] == "http://127.0.0.1:5080"
    pids = json.loads(probe["pids"])
    assert max(pids) < 100                                         # its own PID namespace


def test_admin_is_locked_while_a_check_runs(graded):
    assert graded["verdicts"]["t_slow"]["passed"], graded["verdicts"]["t_slow"]
    statuses = graded["text"]["after"]
    assert "'423'" in statuses and "'200'" in statuses, statuses   # refused during the check only


def test_limits_hold_and_nothing_survives(graded):
    text = graded["text"]
    forks = next(line for line in text["forks"].splitlines() if line.startswith("FORKS")).split()
    assert int(forks[1]) < 400 and forks[2] != "None", forks     # the pids cap stopped it
    disk = next(line for line in text["disk"].splitlines() if line.startswith("DISK")).split()
    assert int(disk[1]) <= 512 and disk[2] == "OSError"          # /tmp is a bounded tmpfs
    assert _leftovers() == []


def test_outputs_the_kernel_forges_do_not_score(graded):
    # a background thread in the kernel sends an execute_result ("10") and stderr into a test cell
    # that the checker fails: the cell still scores 0, the only error is the checker's
    from nbgrader.utils import determine_grade

    cell = graded["cells"]["t_forged"]
    assert not graded["verdicts"]["t_forged"]["passed"]
    kinds = [o.get("output_type") for o in cell.outputs]
    # the forgery did land in the cell (kept as display data and text, which nbgrader does not score)
    assert any(o.get("output_type") == "display_data" and o["data"].get("text/plain") == "10" for o in cell.outputs)
    assert any("noise" in o.get("text", "") for o in cell.outputs)
    assert "execute_result" not in kinds and not any(o.get("name") == "stderr" for o in cell.outputs)
    assert determine_grade(cell)[0] == 0


def test_a_passing_block_ending_in_a_number_is_partial_credit(graded):
    from nbgrader.utils import determine_grade

    assert graded["verdicts"]["t_partial"]["passed"]
    cell = graded["cells"]["t_partial"]
    cell.metadata["nbgrader"]["points"] = 1
    assert determine_grade(cell)[0] == 0.5
