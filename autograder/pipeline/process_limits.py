"""Run a child process under a wall-clock limit and a memory limit, and kill its whole tree.

Why a process tree: nbgrader starts the kernel with ``start_new_session=True`` (jupyter_client's
launcher), so killing nbgrader's process group would leave the kernel running; we walk the tree
with psutil instead. RLIMIT_AS set in the child is inherited by the kernel it forks.
"""
from __future__ import annotations

import contextlib
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass
class Outcome:
    """How a limited process ended."""

    returncode: int | None
    timed_out: bool
    seconds: float


def limits_preexec(memory_mb: int, max_file_mb: int):
    """A ``preexec_fn`` setting RLIMIT_AS, no core files and RLIMIT_FSIZE (inherited by the kernel)."""
    def preexec() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))       # a crashing kernel writes no core
        fsize = max_file_mb * 1024 * 1024                       # no disk-filling outputs
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return preexec


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every descendant (kernels included), ignoring the already dead."""
    try:
        root = psutil.Process(pid)
        procs = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)


MARKER = "PINECONE_OPS_GRADE_JOB"
#: pids of live children, so an interrupted run can kill them all (see kill_running)
RUNNING: set[int] = set()


def kill_running() -> None:
    """Kill every child tree this process started and has not reaped yet."""
    for pid in list(RUNNING):
        kill_tree(pid)


def kill_marked(job: str) -> None:
    """Kill processes whose environment carries ``MARKER=job``: kernels orphaned by a dead parent."""
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.environ().get(MARKER) == job:
                proc.kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass


def run_limited(cmd: list[str], *, cwd: Path, env: dict[str, str], wall: float, memory_mb: int,
                log: Path, max_file_mb: int = 512, on_start=None) -> Outcome:
    """Run ``cmd`` with stdout+stderr to ``log``; kill the tree after ``wall`` seconds."""
    start = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=limits_preexec(memory_mb, max_file_mb))
        RUNNING.add(proc.pid)
        if on_start:
            on_start(proc.pid)
        try:
            rc: int | None = proc.wait(timeout=wall)
            timed_out = False
        except subprocess.TimeoutExpired:
            rc, timed_out = None, True
        finally:
            kill_tree(proc.pid)
            proc.wait()
            RUNNING.discard(proc.pid)
            if env.get(MARKER):
                kill_marked(env[MARKER])   # a kernel left behind by a crashed nbgrader
    return Outcome(rc, timed_out, time.monotonic() - start)
