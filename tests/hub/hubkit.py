"""Helpers for the JupyterHub class test: the hub under test, and running a command as one of its users."""
from __future__ import annotations

import pwd
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "hub"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: First run builds the shared venv (uv, cached wheels: ~15 s; plain pip: minutes).
READY_TIMEOUT_S = 900.0


@dataclass
class Hub:
    proc: subprocess.Popen
    log: Path
    home: Path
    port: int
    instructor: str
    students: list[str]
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def user_home(self, name: str) -> Path:
        return Path(pwd.getpwnam(name).pw_dir)

    def as_user(self, name: str, script: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run a shell script as that Unix user, in their home, with the hub's environment for them
        (what they would type in a terminal of their own server)."""
        mode = "instructor" if name == self.instructor else "student"
        env = {"PATH": f"{self.home}/venv/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(self.user_home(name)),
               "JUPYTER_CONFIG_PATH": str(self.home / "jupyter" / mode), "LANG": "C.UTF-8",
               "PINECONE_OPS_DATASETS": str(self.home / "datasets")}
        return subprocess.run(["runuser", "-u", name, "--", "env", "-i",
                               *[f"{k}={v}" for k, v in env.items()], "bash", "-c", f"cd ~ && {script}"],
                              capture_output=True, text=True, timeout=timeout, cwd="/", check=False)

    def stop(self) -> int:
        """Ctrl-C, as the person who started it stops it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=180)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)


def command() -> list[str]:
    exe = Path(sys.executable).with_name("pinecone-ops")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pinecone_ops.cli"]
