"""Grading on a real Dask cluster (``--scheduler``): a ``dask scheduler`` and ``dask worker``
processes on loopback, each worker in its own folder with its own copy of the mini course (nothing
shared but the installed Python and this checkout's code), grade a batch to exactly the scores,
statuses, cells and files of a local run of the same batch, while one worker is SIGKILLed in the
middle of the run and a third worker, whose course differs by one comment, is refused. Then the
scheduler is killed mid-run: the run stops with what finished recorded, and a rerun on a new
scheduler grades only the rest.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

import minicourse
from autograder.pipeline import GradeOptions, grade_class
from autograder.pipeline.cluster import COURSE_ENV, SchedulerLost
from autograder.pipeline.coursedir import build_template
from autograder.reference_submissions import build
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]
DASK = str(Path(sys.executable).parent / "dask")
VARIANTS = {"ref-different": {"add": "def add(a, b):\n    return sum((a, b))"},
            "ref-partly-wrong": {"area": "def area(r):\n    return 2 * math.pi * r"},
            "ref-wrong-add": {"add": "def add(a, b):\n    return a - b"}}
KEEP = {"ref-correct", "ref-invalid-json", "ref-sys-exit"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """Real ``dask scheduler`` / ``dask worker`` processes, each in its own process group."""

    def __init__(self, root: Path, course: Path) -> None:
        self.root, self.course, self.port = root, course, _port()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _start(self, name: str, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        log = open(self.root / f"{name}.log", "ab")   # noqa: SIM115 - lives as long as the process
        self.procs[name] = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True)

    def scheduler(self) -> None:
        self._start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                  "--no-dashboard", "--no-show"], self.root, dict(os.environ))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.2)
        raise RuntimeError((self.root / "scheduler.log").read_text())

    def worker(self, name: str, edit_config: str = "") -> Path:
        """A worker in ``root/name`` holding its own copy of the course (optionally edited)."""
        home = self.root / name
        if not home.exists():
            shutil.copytree(self.course, home / "course", ignore=shutil.ignore_patterns(".grading", "__pycache__"))
            if edit_config:
                with open(home / "course" / "nbgrader_config.py", "a") as fh:
                    fh.write(edit_config)
        env = dict(os.environ, PYTHONPATH=str(REPO), **{COURSE_ENV: str(home / "course")})
        self._start(name, [DASK, "worker", self.address, "--nthreads", "1", "--no-nanny", "--name", name,
                           "--local-directory", str(home / "scratch"), "--no-dashboard"], home, env)
        return home

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def wait_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(n, timeout=120)

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name)


@pytest.fixture(scope="module")
def batch(mini_course, tmp_path_factory):
    subs = tmp_path_factory.mktemp("dsubs")
    template = build_template(mini_course, "mini", tmp_path_factory.mktemp("tpl"))
    src, rel = template.source("mini"), template.release("mini")
    cases = [c for c in build.cases("mini", src, rel) if c.student in KEEP]
    good = build.solved(nbformat.read(src, as_version=4), nbformat.read(rel, as_version=4))
    for student, answers in VARIANTS.items():
        cases.append(build.Case(student, "mini.ipynb", nbformat.writes(minicourse.student_notebook(good, answers)), 0))
    build.write(cases, "mini", subs)
    return subs


def _opts(course: Path, out: Path, scheduler: str | None = None) -> GradeOptions:
    # generous limits: nothing here loops, and a loaded CI machine must not turn a slow cell into a
    # timeout in one run and not the other
    return GradeOptions(course=course, out=out, workers=2, cell_timeout=60, notebook_timeout=240,
                        progress=False, scheduler=scheduler)


def _outcome(results) -> dict:
    return {r.student: (r.score, r.status, [(c["name"], c["auto_score"], c["error"]) for c in r.cells],
                        sorted(r.feedback)) for r in results}


def _files(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): len(p.read_bytes()) > 0 for kind in ("submitted", "autograded", "feedback")
            for p in (out / kind).rglob("*") if p.is_file()}


def _grading_now(home: Path) -> set[str]:
    """The submissions the worker in ``home`` is grading right now (their scratch courses exist)."""
    return {p.name for p in home.glob("scratch/**/pinecone-ops-grading/.grading/scratch/mini/*")}


def _when_busy(home: Path, then, timeout: float = 240) -> tuple[threading.Thread, set[str]]:
    """Call ``then()`` (from a thread, while the run goes on) once the worker in ``home`` is in the
    middle of a submission; returns the thread and what it saw."""
    seen: set[str] = set()

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                now = _grading_now(home)
                seen.update(now)
                if now:
                    then()
                    return
            time.sleep(0.05)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t, seen


def _when_merged(out: Path, n: int, then, timeout: float = 240) -> threading.Thread:
    """Call ``then()`` once state.json holds ``n`` results (from a thread, while the run goes on)."""
    def watch() -> None:
        deadline = time.monotonic() + timeout
        state = out / "grading" / "state.json"
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError, KeyError):
                if len(json.loads(state.read_text())["results"]) >= n:
                    then()
                    return
            time.sleep(0.1)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def test_a_cluster_grades_like_the_local_pool_through_a_killed_worker(mini_course, batch, tmp_path, capfd):
    local = grade_class("mini", batch, _opts(mini_course, tmp_path / "local"))
    cluster = Cluster(tmp_path / "cluster", mini_course)
    (tmp_path / "cluster").mkdir()
    try:
        cluster.scheduler()
        cluster.worker("w-a")
        b = cluster.worker("w-b")
        wrong = cluster.worker("w-old", edit_config="# another version of the course\n")
        cluster.wait_workers(3)
        out = tmp_path / "dask"
        killed = threading.Event()

        def kill_b() -> None:
            cluster.kill("w-b")
            killed.set()

        _, seen = _when_busy(b, kill_b)              # a worker dies in the middle of a submission
        remote = grade_class("mini", batch, _opts(mini_course, out, cluster.address))
    finally:
        cluster.stop()
    assert killed.is_set(), seen                                  # it was killed while it graded one
    assert _outcome(remote) == _outcome(local)
    assert len(remote) == len(local) == len(KEEP) + len(VARIANTS)
    assert _files(out) == _files(tmp_path / "local")
    assert {s for s, r in _outcome(remote).items() if r[1] == "graded"} == set(KEEP | set(VARIANTS)) - {
        "ref-invalid-json"}
    state = json.loads((out / "grading" / "state.json").read_text())["results"]
    assert sorted(state) == sorted(f"mini/{r.student}" for r in local)   # each once
    err = capfd.readouterr().err
    assert "refusing Dask worker" in err and "digest" in err, err[-3000:]
    assert not list(wrong.glob("scratch/**/pinecone-ops-grading"))   # the refused worker graded nothing
    # the gradebook the instructor's side wrote holds every graded score
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for r in remote:
            if r.status == "graded":
                assert gb.find_submission("mini", r.student).code_score == r.score


def test_scheduler_lost_stops_the_run_and_a_rerun_finishes_it(mini_course, batch, tmp_path):
    cluster = Cluster(tmp_path / "cluster", mini_course)
    (tmp_path / "cluster").mkdir()
    out = tmp_path / "out"
    try:
        cluster.scheduler()
        cluster.worker("w-a")
        cluster.worker("w-b")
        cluster.wait_workers(2)
        _when_merged(out, 1, lambda: cluster.kill("scheduler"))
        with pytest.raises(SchedulerLost, match="run the same command again"):
            grade_class("mini", batch, _opts(mini_course, out, cluster.address))
        first = json.loads((out / "grading" / "state.json").read_text())["results"]
        assert 1 <= len(first) < len(KEEP) + len(VARIANTS)
        cluster.kill("w-a")
        cluster.kill("w-b")
        cluster.scheduler()                                       # a new scheduler (same address), new workers
        cluster.worker("w-a")
        cluster.worker("w-b")
        cluster.wait_workers(2)
        again = grade_class("mini", batch, _opts(mini_course, out, cluster.address))
    finally:
        cluster.stop()
    assert len(again) == len(KEEP) + len(VARIANTS)
    final = json.loads((out / "grading" / "state.json").read_text())["results"]
    for key, r in first.items():                                  # finished ones were not regraded
        if r["status"] in ("graded", "invalid"):
            assert final[key]["seconds"] == r["seconds"], key
    assert {r.student: r.score for r in again}["ref-correct"] == minicourse.AUTO_MAX
