"""Limits for the grading processes, and killing their whole trees (``warm.py`` runs them).

Why a process tree: nbgrader starts the kernel with ``start_new_session=True`` (jupyter_client's
launcher), so killing nbgrader's process group would leave the kernel running; we walk the tree
with psutil instead. RLIMIT_AS set in the child is inherited by the kernel it forks.
"""
from __future__ import annotations

import contextlib
import resource
from dataclasses import dataclass

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
