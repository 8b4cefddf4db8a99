"""Warm grading processes: one ``python -m autograder.pipeline.child --serve`` per worker thread,
grading that thread's submissions one after another, so nbgrader and the checks are imported once
per worker instead of once per submission.

Nothing of a submission runs in it (the kernel runs in its sandbox; only data comes back), and each
job starts from files on disk (its scratch course). A job that runs past its wall clock, or a
process that dies, is killed with its whole tree, and the next job starts a fresh process; so is a
process that has graded ``RECYCLE_AFTER`` jobs (nothing accumulates for long).
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from .process_limits import MARKER, RUNNING, Outcome, kill_marked, kill_tree, limits_preexec

RECYCLE_AFTER = 25
_local = threading.local()
_all: list[WarmChild] = []
_all_lock = threading.Lock()


class WarmChild:
    """One serving child process under the grader's limits (RLIMIT_AS and friends)."""

    def __init__(self, env: dict[str, str], memory_mb: int, log: Path) -> None:
        self.env, self.memory_mb, self.log_path = env, memory_mb, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.jobs = 0
        self._buffer = b""

    def _start(self) -> subprocess.Popen[bytes]:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "autograder.pipeline.child", "--serve"],
                                    env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                    start_new_session=True, preexec_fn=limits_preexec(self.memory_mb, 512))
        RUNNING.add(proc.pid)
        self.proc, self.jobs, self._buffer = proc, 0, b""
        return proc

    def run(self, root: Path, result: Path, wall: float) -> Outcome:
        """Grade the scratch course at ``root`` (its job.json), writing ``result``; like one
        limited process run: killed after ``wall`` seconds."""
        if self.proc is None or self.proc.poll() is not None or self.jobs >= RECYCLE_AFTER:
            self.stop()
            self._start()
        proc = self.proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        start = time.monotonic()
        token = f"done {os.urandom(8).hex()}"
        try:
            proc.stdin.write((json.dumps({"root": str(root), "result": str(result), "token": token}) + "\n").encode())
            proc.stdin.flush()
        except OSError:
            return self._fail(start, timed_out=False)
        self.jobs += 1
        while True:
            line = self._readline(deadline=start + wall)
            if line is None:
                return self._fail(start, timed_out=proc.poll() is None)
            if line.strip() == token:
                return Outcome(0, False, time.monotonic() - start)

    def _readline(self, deadline: float) -> str | None:
        proc = self.proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:          # the process died
                    return None
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode(errors="replace")

    def _fail(self, start: float, timed_out: bool) -> Outcome:
        rc = self.proc.poll() if self.proc else None
        self.stop()
        return Outcome(rc, timed_out, time.monotonic() - start)

    def stop(self) -> None:
        """Kill the process and whatever it started; forget it."""
        if self.proc is None:
            return
        kill_tree(self.proc.pid)
        self.proc.wait()
        RUNNING.discard(self.proc.pid)
        if self.env.get(MARKER):
            kill_marked(self.env[MARKER])
        self.proc = None


def for_this_thread(env: dict[str, str], memory_mb: int, log: Path) -> WarmChild:
    """The calling worker thread's warm child (made on first use)."""
    child = getattr(_local, "child", None)
    if child is None:
        child = WarmChild(env, memory_mb, log)
        _local.child = child
        with _all_lock:
            _all.append(child)
    return child


def stop_all() -> None:
    """Stop every warm child (end of a run, or Ctrl-C)."""
    with _all_lock:
        children = list(_all)
        _all.clear()
    for child in children:
        child.stop()
