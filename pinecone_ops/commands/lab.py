"""`pinecone-ops lab [--instructor] [--port N] [--no-browser]`: open the course in JupyterLab 4.

Student mode roots JupyterLab in ``workspace/`` (git-ignored): the learner's own copies of the
``release/`` assignments, copied once and never overwritten, so ``release/`` stays as shipped and
``git pull`` of course fixes never conflicts with a learner's work. It has nbgrader's Assignment List
(the released phases are in a local exchange, so it lists them) and Validate; the
formgrader, Create Assignment and Course List are switched off at the server (extension not loaded,
set on this process's command line) and hidden in the UI (plugins disabled and locked in a per-launch
config dir). ``--instructor`` roots it at the course root with every nbgrader tool.

The local Pinecone: nothing is started here. Each notebook's first cell calls
``pinecone_ops.course.start()`` / ``connect()``, which starts that kernel's own fresh local Pinecone,
so every notebook runs top to bottom on a clean slate, as its hidden tests will (docs/lab.md says
why). A ``PINECONE_OPS_HOST`` the user exported is passed through untouched.

JupyterLab runs as a child process in its own session, so Ctrl-C reaches only this launcher, which
then stops the server with SIGTERM (jupyter_server shuts every kernel down) instead of Jupyter's
interactive "Shut down this Jupyter server (y/[n])?" prompt.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from pinecone_ops.labconfig import (
    MODES,
    CourseSettings,
    Mode,
    read_course_settings,
    server_extension_args,
    write_launch_config,
)
from pinecone_ops.ports import free_port

DEFAULT_PORT = 8888
#: How long JupyterLab may take to answer after start (a busy 2-core laptop needs ~20-40 s).
READY_TIMEOUT_S = 240.0
#: How long a clean shutdown (kernels included) may take before the process group is killed.
STOP_TIMEOUT_S = 30.0
EXAMPLE_NOTEBOOK = Path("examples") / "welcome.ipynb"
#: The learner's own copies of release/ (git-ignored): student mode's root.
WORKSPACE = "workspace"
#: In the workspace: a digest of each release/<phase> when it was copied (to tell about updates).
COPIES = ".release-copies.json"
_IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")


class Stop(Exception):
    """Raised by our SIGTERM/SIGHUP handler so Ctrl-C and `kill` take the same clean path."""


@dataclass
class Launch:
    """Everything needed to start one JupyterLab process, plus what to tell the user."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    port: int
    token: str
    root_dir: Path
    start_file: Path | None
    config_dir: Path
    messages: list[str] = field(default_factory=list)
    open_browser: bool = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "lab") -> str:
        return f"{self.base_url}/{path}?token={self.token}"

    def start_url(self) -> str:
        """The URL that opens the start notebook (not the Launcher), with the token."""
        if self.start_file is None:
            return self.url()
        return self.url(f"lab/tree/{self.start_file.relative_to(self.root_dir).as_posix()}")


# ----------------------------------------------------------------------------- discovery


def is_course_root(path: Path) -> bool:
    """A course root has an nbgrader_config.py, or source/ and release/ side by side."""
    return (path / "nbgrader_config.py").is_file() or (
        (path / "source").is_dir() and (path / "release").is_dir()
    )


def find_course_root(start: Path | None = None) -> Path:
    """The course the user means: cwd or a parent of it, else the checkout this package lives in."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if is_course_root(candidate):
            return candidate
    checkout = Path(__file__).resolve().parents[2]
    if is_course_root(checkout):
        return checkout
    return here


def notebooks(folder: Path) -> list[Path]:
    """Notebooks under ``folder`` (checkpoints excluded), sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def first_notebook(root: Path, assignments: tuple[str, ...]) -> Path | None:
    """Where a learner starts: the first assignment's notebook in course order, else any notebook."""
    for name in assignments:
        found = notebooks(root / name)
        preferred = [p for p in found if p.stem == name]
        if preferred or found:
            return (preferred or found)[0]
    found = notebooks(root)
    return found[0] if found else None


# ----------------------------------------------------------------------------- planning


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None) -> int:
    """The port asked for (it must be free), else 8888 when free, else any free port."""
    if requested is not None:
        if not port_is_free(requested):
            raise SystemExit(
                f"pinecone-ops lab: port {requested} is in use. Pick another with --port N, "
                "or leave --port out to use a free one."
            )
        return requested
    return DEFAULT_PORT if port_is_free(DEFAULT_PORT) else free_port()


def pinecone_message(env: dict[str, str]) -> str:
    """One line on which Pinecone the notebooks will talk to (mirrors connect()'s rules)."""
    if env.get("PINECONE_OPS_BACKEND") == "pinecone":
        if env.get("PINECONE_API_KEY"):
            return ("REAL Pinecone (PINECONE_OPS_BACKEND=pinecone): calls are billed to your project; your index "
                    "names are prefixed per learner, pinecone_ops.cleanup_cloud() deletes yours (docs/lab.md)")
        return ("PINECONE_OPS_BACKEND=pinecone but PINECONE_API_KEY is not set: export the key, or "
                "unset PINECONE_OPS_BACKEND to use the local Pinecone")
    if env.get("PINECONE_OPS_HOST"):
        return f"shared local Pinecone at {env['PINECONE_OPS_HOST']} (PINECONE_OPS_HOST is set)"
    return "local, no account needed: each notebook starts its own fresh local Pinecone"


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def released_assignments(release: Path) -> list[Path]:
    return sorted(d for d in release.iterdir() if d.is_dir() and notebooks(d)) if release.is_dir() else []


def prepare_workspace(course: Path) -> tuple[Path, list[str]]:
    """Copy each release/<phase> the learner has no copy of into workspace/; never overwrite one.

    A phase whose release/ files changed since it was copied (a course update pulled with git) is
    named in a note: the learner's copy is kept, and the note says how to take the new version.
    """
    workspace = course / WORKSPACE
    workspace.mkdir(exist_ok=True)
    record_path = workspace / COPIES
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    copied, updated = [], []
    for phase in released_assignments(course / "release"):
        digest = folder_digest(phase)
        if not (workspace / phase.name).exists():
            shutil.copytree(phase, workspace / phase.name, ignore=_IGNORE)
            record[phase.name] = digest
            copied.append(phase.name)
        elif record.get(phase.name) not in (None, digest):
            updated.append(phase.name)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    notes = [f"  workspace  {workspace}: your own copies (git-ignored); release/ stays as shipped"]
    if copied:
        notes.append(f"  copied     {', '.join(copied)} from release/ into the workspace")
    for name in updated:
        notes.append(f"note: the course's {name} changed since you copied it; your copy is kept. To take "
                     f"the new version, rename {WORKSPACE}/{name} (your work stays there) and Fetch "
                     f"{name} again from Nbgrader → Assignment List, or restart `make lab`.")
    return workspace, notes


def publish_local_exchange(course: Path, exchange: Path, course_id: str) -> None:
    """Put release/<phase> into the local exchange's outbound folder, as `nbgrader release_assignment`
    would, so the Assignment List lists the course (Fetch, Submit) instead of "No courses found"."""
    outbound = exchange / course_id / "outbound"
    for phase in released_assignments(course / "release"):
        dest = outbound / phase.name
        if dest.exists() and folder_digest(dest) == folder_digest(phase):
            continue
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(phase, dest, ignore=_IGNORE)
    (exchange / course_id / "inbound").mkdir(parents=True, exist_ok=True)


def student_root(course: Path) -> tuple[Path, list[str]]:
    """workspace/ (copies of release/) once release/ has notebooks; until then the example
    notebook's folder, with a note."""
    release = course / "release"
    if notebooks(release):
        return prepare_workspace(course)
    examples = course / EXAMPLE_NOTEBOOK.parent
    if notebooks(examples):
        return examples, ["note: release/ has no notebooks yet; opening examples/ instead"]
    return release, ["note: release/ has no notebooks yet (run `nbgrader generate_assignment`)"]


def plan_launch(
    course: Path,
    mode: Mode,
    *,
    port: int,
    open_browser: bool,
    env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
) -> Launch:
    """Build the command, environment and messages for one launch (writes the per-launch config)."""
    env = dict(os.environ if env is None else env)
    settings: CourseSettings = read_course_settings(course)
    config_dir, exchange = write_launch_config(course, mode, settings)
    messages: list[str] = []
    if settings.error:
        messages.append(f"warning: nbgrader_config.py raised {settings.error}; nbgrader would "
                        "silently ignore it. Fix the file.")

    if mode.root:
        root, notes = student_root(course)
        messages += notes
        publish_local_exchange(course, exchange, settings.course_id)
        # nbgrader's Assignment List resolves its default "." against the server's cwd, not its
        # root: name the folder, so Fetch lands in (and "downloaded" is read from) the workspace.
        with open(config_dir / "nbgrader_config.py", "a", encoding="utf-8") as cfg:
            cfg.write(f"c.Exchange.assignment_dir = {str(root)!r}\n")
    else:
        root = course
    if not root.is_dir():
        raise SystemExit(f"pinecone-ops lab: {root} does not exist; is {course} the course folder? "
                         "(use --course DIR)")
    start_file = first_notebook(root, settings.assignments) if mode.root else None

    # The venv's bin first: nbgrader shells out to `alembic` when it creates a gradebook.
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")]).rstrip(os.pathsep)
    # Our config dir first: highest priority, this process only.
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(config_dir), env.get("JUPYTER_CONFIG_PATH", "")]
    ).rstrip(os.pathsep)
    # A token passed in the environment (not argv, which `ps` shows); respect one the user set.
    token = env.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    env["JUPYTER_TOKEN"] = token

    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        # The launcher opens the browser itself, on the start notebook, and says when it cannot.
        "--ServerApp.open_browser=False",
        *server_extension_args(mode),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI run as root; Jupyter refuses that unless told, which helps nobody here.
        argv.append("--ServerApp.allow_root=True")
    argv += list(extra_args or [])

    messages[:0] = [
        f"Pinecone Operations: JupyterLab, {mode.name} mode",
        f"  course     {course}  (course id: {settings.course_id})",
        f"  opens in   {root}",
        f"  nbgrader   {mode.summary}",
        f"  exchange   {exchange}",
        f"  Pinecone   {pinecone_message(env)}",
    ]
    if start_file is not None:
        messages.append(f"  start at   {start_file.relative_to(root)}")
    return Launch(argv, env, course, port, token, root, start_file, config_dir, messages,
                  open_browser=open_browser)


# ----------------------------------------------------------------------------- running


def wait_until_ready(launch: Launch, proc: subprocess.Popen, timeout: float = READY_TIMEOUT_S) -> bool:
    """Poll /api/status until JupyterLab answers; False if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        f"{launch.base_url}/api/status", headers={"Authorization": f"token {launch.token}"}
    )
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)  # polling interval of a readiness loop, not a wait for a fixed time
    return False


def stop(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> int:
    """SIGTERM (jupyter_server then shuts every kernel down); SIGKILL the group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return int(proc.returncode or 0)


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _raise_stop(signum: int, frame: object) -> None:
    raise Stop(signum)


def browser_available(env: dict[str, str] | None = None) -> bool:
    """False where no graphical browser can open: Linux without a display (SSH, container, WSL
    without a browser bridge) and no $BROWSER. Console browsers would take over the terminal."""
    env = dict(os.environ if env is None else env)
    if env.get("BROWSER"):
        return True
    if sys.platform.startswith("linux"):
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return True


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the user's browser; False when none could be opened from here."""
    if not browser_available():
        return False
    try:
        return bool(webbrowser.open(url, new=2))
    except webbrowser.Error:
        return False


def run(launch: Launch, verbose: bool = False) -> int:
    """Start JupyterLab, report when it is ready, and stop it (and its kernels) on Ctrl-C."""
    for line in launch.messages:
        print(line, flush=True)
    log_path = launch.config_dir / "jupyter.log"
    print(f"Starting JupyterLab on {launch.base_url} ... (log: {log_path})", flush=True)
    # SIGINT too: a shell starts a background job (`make lab &`) with SIGINT ignored, and Python
    # then never installs its Ctrl-C handler; `kill -INT` must stop it like Ctrl-C does.
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    with open(log_path, "w", encoding="utf-8") as log:
        out = None if verbose else log
        proc = subprocess.Popen(
            launch.argv, env=launch.env, cwd=launch.cwd, stdout=out, stderr=out,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            if not wait_until_ready(launch, proc):
                code = stop(proc)
                print(f"pinecone-ops lab: JupyterLab did not start (exit code {code}). "
                      f"Last lines of {log_path}:\n{tail(log_path)}", file=sys.stderr, flush=True)
                return code or 1
            print(f"JupyterLab is ready:  {launch.start_url()}", flush=True)
            if launch.open_browser:
                if open_in_browser(launch.start_url()):
                    print("Opened in your browser.", flush=True)
                else:
                    print("No browser could be opened from here (a remote machine, WSL or a container?): "
                          "open the URL above in your browser.", flush=True)
            print("Press Ctrl-C to stop JupyterLab and every notebook kernel.", flush=True)
            code = proc.wait()
            print(f"JupyterLab exited (code {code}); log: {log_path}", flush=True)
            return int(code)
        except (KeyboardInterrupt, Stop):
            print("\nStopping JupyterLab and its kernels ...", flush=True)
            code = stop(proc)
            print("Stopped." if code == 0 else f"Stopped (JupyterLab exit code {code}).", flush=True)
            return 0
        finally:
            if proc.poll() is None:  # any other exception: never leave the server behind
                stop(proc)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


# ----------------------------------------------------------------------------- CLI


def main(args: argparse.Namespace) -> int:
    course = Path(args.course).resolve() if args.course else find_course_root()
    if not course.is_dir():
        raise SystemExit(f"pinecone-ops lab: course folder {course} does not exist.")
    mode = MODES["instructor" if args.instructor else "student"]
    extra = list(args.jupyter_args or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    launch = plan_launch(course, mode, port=choose_port(args.port),
                         open_browser=not args.no_browser, extra_args=extra)
    return run(launch, verbose=args.verbose)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lab",
        help="open the course in JupyterLab (student mode; --instructor for grading tools)",
        description="Open the course in JupyterLab 4. Student mode: release/ with nbgrader's "
        "Assignment List and Validate. --instructor: the course root with the formgrader and "
        "Create Assignment. Arguments after `--` go to `jupyter lab` unchanged.",
    )
    parser.add_argument("--instructor", action="store_true",
                        help="course root, with the formgrader and Create Assignment tools")
    parser.add_argument("--port", type=int, default=None,
                        help=f"port to listen on (default {DEFAULT_PORT}, or a free one if taken)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--course", default=None,
                        help="course folder (default: the one containing the current folder, "
                        "else this checkout)")
    parser.add_argument("--verbose", action="store_true",
                        help="show JupyterLab's own log here instead of in the log file")
    parser.add_argument("jupyter_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=main)
