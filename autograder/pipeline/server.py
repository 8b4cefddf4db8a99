"""One local Pinecone per submission, in its own process outside the student's kernel.

Student code reaches it only over HTTP (PINECONE_OPS_HOST), so it cannot rewrite the request log or
usage ledger the hidden checks read through the admin API.
"""
from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from pathlib import Path

from pinecone_ops.ports import free_port

from .process_limits import RUNNING, kill_tree


def available() -> bool:
    """True when this pinecone_ops has the ``serve`` command."""
    return importlib.util.find_spec("pinecone_ops.commands.serve") is not None


class LocalPinecone:
    """``pinecone-ops serve`` on a free port.

    It starts while the child starts (both import for a second or two); the child waits for the
    port before it executes anything and reports whether it came up.
    """

    def __init__(self, log: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with open(log, "wb") as out:   # the server keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pinecone_ops.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)
        RUNNING.add(self.proc.pid)

    def stop(self) -> None:
        """Kill the server and anything it started."""
        kill_tree(self.proc.pid)
        self.proc.wait()
        RUNNING.discard(self.proc.pid)


def wait_for_port(port: int, timeout: float = 90.0) -> bool:
    """True once 127.0.0.1:``port`` accepts connections (used by the child before grading)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False
