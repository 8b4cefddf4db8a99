"""Helpers for the JupyterLab tests: a throw-away copy of the course and `pinecone-ops lab` on it.

The course is copied (source/, release/, examples/, nbgrader_config.py; everything else symlinked)
so that running notebooks, autosaves, the gradebook the formgrader creates and the exchange never
touch the working tree. JupyterLab is started through the real command, exactly as `make lab`
does, on a free port with a known token, and stopped the way a user stops it: Ctrl-C (SIGINT).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest

from pinecone_ops.ports import free_port

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: What the browser test opens once the cost phase has been released.
PHASE5 = Path("release") / "phase5" / "phase5.ipynb"
#: The document-index lab, run as a second notebook when it has been released.
PHASE2 = Path("release") / "phase2" / "phase2.ipynb"
EXAMPLE = Path("examples") / "welcome.ipynb"
COPIED = ("source", "release", "examples", "nbgrader_config.py")
#: Never linked into the copy: state a run creates, and what would let it write into the checkout.
SKIPPED = {".git", ".venv", "artifacts", ".pinecone-ops", "exchange", "gradebook.db", "submitted",
           "autograded", "feedback", "downloaded", ".pytest_cache", ".hypothesis", "build", "dist"}
#: A busy 2-core machine: JupyterLab start, kernel start and a whole notebook can each be slow.
START_TIMEOUT_S = 240.0
STOP_TIMEOUT_S = 90.0


def course_assignments() -> list[str]:
    """The assignments nbgrader_config.py declares (ASSIGNMENTS), else the folders in source/."""
    from pinecone_ops.labconfig import read_course_settings

    declared = list(read_course_settings(REPO).assignments)
    if declared:
        return declared
    source = REPO / "source"
    return sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []


def solve_from_source(release_nb: Path, source_nb: Path) -> int:
    """Put the source's solution code into the release copy's solution cells (matched by grade_id).

    The browser test then sees what a learner who has done the work sees: the calculators built over
    their own functions answer. Test cells are left as released (no hidden tests). Returns the number
    of cells filled.
    """
    release = json.loads(release_nb.read_text(encoding="utf-8"))
    source = json.loads(source_nb.read_text(encoding="utf-8"))
    solutions = {
        c["metadata"]["nbgrader"]["grade_id"]: c["source"]
        for c in source["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code"
    }
    filled = 0
    for cell in release["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell["cell_type"] == "code" and grade_id in solutions:
            cell["source"] = solutions[grade_id]
            filled += 1
    release_nb.write_text(json.dumps(release, indent=1) + "\n", encoding="utf-8")
    return filled


def tag_raises_exception(notebook: Path) -> None:
    """Tag every code cell `raises-exception` so Run All runs every cell even after an error.

    JupyterLab otherwise stops the queue at the first error (as a learner would not: they run the
    next cell anyway); with the tag every cell gets an execution count, which is the completion
    signal the test waits on, and every error is collected and reported at once.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    notebook.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


@dataclass
class CourseCopy:
    root: Path
    #: Notebook the browser test opens, relative to the student-mode root.
    notebook: str
    #: "phase5" (the released cost phase) or "example" (examples/welcome.ipynb until it exists).
    kind: str
    solved_cells: int = 0
    #: release/phase2's notebook (solved and tagged like the main one), relative to the student-mode
    #: root; None when phase 2 is not released (or release/ is left empty for the example).
    phase2: str | None = None
    phase2_solved_cells: int = 0


def prepare_lab_notebook(course: Path, release_nb: Path) -> int:
    """Fill a release notebook of the copy with its source's solutions (when the source exists) and
    tag every code cell `raises-exception`; returns the number of solution cells filled."""
    release = course / release_nb
    source = course / "source" / release_nb.relative_to("release")
    solved = solve_from_source(release, source) if source.is_file() else 0
    tag_raises_exception(release)
    return solved


def make_course_copy(dest: Path) -> CourseCopy:
    """Copy the course; when release/phase5 is missing, leave release/ empty so student mode opens
    examples/ (the launcher's documented fallback) and the test targets the example notebook.
    Otherwise phase 5 and, when released, phase 2 (the document-index lab) are solved and tagged."""
    dest.mkdir(parents=True, exist_ok=True)
    phase5 = (REPO / PHASE5).is_file()
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for entry in REPO.iterdir():
        if entry.name in SKIPPED:
            continue
        target = dest / entry.name
        if entry.name == "release" and not phase5:
            target.mkdir()
        elif entry.name in COPIED:
            if entry.is_dir():
                shutil.copytree(entry, target, ignore=ignore)
            else:
                shutil.copy2(entry, target)
        else:
            target.symlink_to(entry)
    if phase5:
        copy = CourseCopy(dest, "phase5/phase5.ipynb", "phase5", prepare_lab_notebook(dest, PHASE5))
        if (dest / PHASE2).is_file():
            copy.phase2 = "phase2/phase2.ipynb"
            copy.phase2_solved_cells = prepare_lab_notebook(dest, PHASE2)
        return copy
    tag_raises_exception(dest / EXAMPLE)
    return CourseCopy(dest, EXAMPLE.name, "example")


@dataclass
class LabServer:
    """One `pinecone-ops lab` process on a course copy."""

    proc: subprocess.Popen
    port: int
    token: str
    log: Path
    jupyter_pids: list[int] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def get(self, path: str) -> tuple[int, Any]:
        """GET with the token; (status, parsed JSON or text)."""
        request = urllib.request.Request(f"{self.base}/{path.lstrip('/')}",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read().decode("utf-8", "replace")
        try:
            return status, json.loads(body)
        except json.JSONDecodeError:
            return status, body

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def interrupt(self) -> int:
        """Ctrl-C, as a user stops it; returns the launcher's exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.proc.returncode)

    def kill(self) -> None:
        for p in self.descendants():
            p.kill()
        self.proc.kill()
        self.proc.wait()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_lab(course: Path, *, instructor: bool, scratch: Path, ignore_sigint: bool = False) -> LabServer:
    """Start `pinecone-ops lab` for real and wait until JupyterLab answers (or fail with its log).

    ``ignore_sigint`` starts it as a shell starts a background job: with SIGINT ignored."""
    scratch.mkdir(parents=True, exist_ok=True)
    settings = scratch / "user-settings"
    # Test-only JupyterLab user settings: no autosave, and every cell kept in the DOM (the default
    # windowing may virtualise off-screen cells, which would hide their execution counts).
    (settings / "@jupyterlab" / "docmanager-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        json.dumps({"autosave": False}), encoding="utf-8")
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}), encoding="utf-8")
    token = secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(scratch / "workspaces"))
    for var in ("PINECONE_OPS_HOST", "PINECONE_OPS_BACKEND"):  # the default: local, per kernel
        env.pop(var, None)
    port = free_port()
    exe = Path(sys.executable).with_name("pinecone-ops")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "pinecone_ops.cli"]
    cmd += ["lab", "--course", str(course), "--port", str(port), "--no-browser"]
    if instructor:
        cmd.append("--instructor")
    log = scratch / ("lab-instructor.out" if instructor else "lab-student.out")
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL,
                                preexec_fn=_ignore_sigint if ignore_sigint else None)
    server = LabServer(proc, port, token, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"`pinecone-ops lab` exited with {proc.returncode}:\n{server.output()}")
        if "JupyterLab is ready:" in server.output():
            server.jupyter_pids = [p.pid for p in server.descendants()]
            return server
        time.sleep(0.5)  # polling interval while waiting on the ready message
    server.kill()
    pytest.fail(f"JupyterLab did not become ready in {START_TIMEOUT_S:.0f} s:\n{server.output()}")




def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under artifacts/browser/ (gitignored; CI keeps it)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
