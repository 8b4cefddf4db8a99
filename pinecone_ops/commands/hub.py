"""`pinecone-ops hub`: a real JupyterHub class on this machine (a demo, or a small class), one command.

What it sets up (root only; every piece is the real thing):

* **a venv every user can read** (``<home>/venv``, built from a Python whose path all users can
  traverse; ``/root`` is mode 700, so the checkout's venv usually is not): this course, nbgrader,
  JupyterLab and ``jupyterhub`` (the single-user servers run ``jupyterhub-singleuser`` from it);
* **Unix users**: one instructor and N students (``useradd``; home mode 700; random passwords in
  ``<home>/state/passwords.json``, root only). Users this command did not create are never touched;
* **nbgrader's exchange** in ``<home>/exchange`` (mode 1777, so students cannot delete what others
  put there; nbgrader sets the inbound and feedback folders' own modes), with
  ``Exchange.path_includes_course`` and **nbgrader's JupyterHub auth**: a student's Assignment List
  shows only the courses of their hub groups (``nbgrader-<course>``; instructors ``formgrade-<course>``);
* **the hub**: PAM login with those users, ``LocalProcessSpawner`` (each server runs as its user, in
  its home), ``configurable-http-proxy`` (npm) on loopback ports picked for this hub;
* **modes per user**: students get student mode (formgrader and Course List not loaded at the
  server, their lab plugins disabled and locked: :mod:`pinecone_ops.labconfig`); the instructor gets
  every tool and a copy of the course in ``~/pinecone-ops`` (with ``autograder/``), where
  ``nbgrader release_assignment``, ``collect``, ``pinecone-ops grade`` and ``release_feedback`` run.

Each student's notebooks start their own local Pinecone inside their own kernel, as in ``make lab``.
Ctrl-C (or SIGTERM/SIGINT) stops the hub, which stops every user's server and the proxy.
``--remove`` deletes the users this command created and ``<home>``.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pwd
import secrets
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pinecone_ops.labconfig import MODES, page_config, read_course_settings, server_extension_args
from pinecone_ops.ports import free_port

DEFAULT_HOME = Path("/srv/pinecone-ops-hub")
DEFAULT_PORT = 8000
#: Written into the GECOS field of every user this command creates; --remove deletes only these.
MARKER = "pinecone-ops hub demo user"
#: What the instructor's course copy holds (the grader needs autograder/ and nbgrader_config.py).
COURSE_PARTS = ("nbgrader_config.py", "source", "release", "autograder", "examples")
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0


class Unavailable(SystemExit):
    """This machine cannot run the hub; the message says why and what to do."""


@dataclass
class HubPlan:
    """Everything one hub needs: where it lives, who uses it, which ports."""

    home: Path
    course: Path
    instructor: str
    students: list[str]
    port: int = DEFAULT_PORT
    course_id: str = "pinecone-ops"
    hub_port: int = 0
    proxy_api_port: int = 0
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def exchange(self) -> Path:
        return self.home / "exchange"

    @property
    def state(self) -> Path:
        return self.home / "state"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config_dir(self, mode: str) -> Path:
        return self.home / "jupyter" / mode

    def instructor_course(self) -> Path:
        return Path(pwd.getpwnam(self.instructor).pw_dir) / "pinecone-ops"


# ----------------------------------------------------------------------------- checks


def unavailable_reason() -> str | None:
    """Why this machine cannot run the demo hub, or None when it can."""
    if not sys.platform.startswith("linux"):
        return "the demo hub needs Linux (Unix users, PAM, setuid spawning)"
    if os.geteuid() != 0:
        return "the demo hub must run as root: it creates Unix users and spawns servers as them (sudo)"
    for tool in ("useradd", "userdel", "chpasswd"):
        if shutil.which(tool) is None:
            return f"`{tool}` is not installed (Debian: apt-get install passwd)"
    if proxy_command() is None:
        return ("configurable-http-proxy is not installed: run scripts/install-hub-deps "
                "(apt-get install nodejs npm; npm install -g configurable-http-proxy)")
    return None


def proxy_command() -> str | None:
    return shutil.which("configurable-http-proxy")


def readable_by_all(path: Path) -> bool:
    """True when every user can reach and read ``path`` (each parent folder is o+x)."""
    real = path.resolve()
    try:
        if not real.stat().st_mode & stat.S_IROTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in real.parents)
    except OSError:
        return False


def readable_python() -> Path:
    """A Python >= 3.10 every user can run: this one if its path is open to all, else the system's."""
    candidates = [Path(sys.executable), Path(sys.base_prefix) / "bin" / "python3",
                  Path("/usr/bin/python3"), Path("/usr/local/bin/python3")]
    for candidate in candidates:
        if not candidate.exists() or not readable_by_all(candidate):
            continue
        probe = subprocess.run([str(candidate), "-c", "import sys, venv; print(sys.version_info >= (3, 10))"],
                               capture_output=True, text=True, check=False)
        if probe.stdout.strip() == "True":
            return candidate.resolve()
    raise Unavailable("pinecone-ops hub: no Python >= 3.10 with venv that every user can run was found "
                      f"(tried {', '.join(map(str, candidates))}; /root is mode 700). "
                      "Install one system-wide: apt-get install python3 python3-venv")


# ----------------------------------------------------------------------------- set-up steps


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, **kwargs)  # type: ignore[call-overload]


def course_fingerprint(course: Path) -> str:
    """Hash of what the venv installs from the checkout (pyproject + the package's files)."""
    digest = hashlib.sha256()
    files = [course / "pyproject.toml", *sorted((course / "pinecone_ops").rglob("*"))]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(course)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_venv(plan: HubPlan, log: list[str]) -> None:
    """The course + jupyterhub in ``<home>/venv`` (not editable: users may not reach the checkout)."""
    stamp = plan.venv / ".pinecone-ops-hub"
    fingerprint = course_fingerprint(plan.course)
    if stamp.is_file() and stamp.read_text() == fingerprint:
        log.append(f"  venv       {plan.venv} (up to date)")
        return
    started = time.monotonic()
    if not (plan.venv / "bin" / "python").exists():
        _run([str(readable_python()), "-m", "venv", str(plan.venv)])
    python = str(plan.venv / "bin" / "python")
    spec = f"{plan.course}[hub]"  # the `hub` extra: jupyterhub (jupyterhub-singleuser for every user)
    uv = Path(sys.executable).with_name("uv")
    uv_path = str(uv) if uv.exists() else shutil.which("uv")
    if uv_path:  # pip's environment settings handed to uv, as scripts/venv-install does
        env_script = plan.course / "scripts" / "uv-env.sh"
        prelude = f"source {shlex.quote(str(env_script))} && " if env_script.is_file() else ""
        _run(["bash", "-c", prelude + " ".join(shlex.quote(a) for a in [
            uv_path, "pip", "install", "-q", "--python", python, "--reinstall-package", "pinecone-ops",
            "--link-mode", "copy", spec])])
    else:
        _run([python, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(plan.course)])
        _run([python, "-m", "pip", "install", "-q", spec])
    _run(["chmod", "-R", "a+rX", str(plan.venv)])
    stamp.write_text(fingerprint)
    log.append(f"  venv       {plan.venv} (built in {time.monotonic() - started:.0f} s)")


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def ours(name: str) -> bool:
    """A user this command created (its GECOS field carries the marker)."""
    try:
        return pwd.getpwnam(name).pw_gecos == MARKER
    except KeyError:
        return False


def create_users(plan: HubPlan) -> None:
    """useradd each missing user (home 700), refuse to adopt a user someone else made; set passwords."""
    saved_path = plan.state / "passwords.json"
    saved = json.loads(saved_path.read_text()) if saved_path.is_file() else {}
    for name in plan.users:
        if user_exists(name) and not ours(name):
            raise SystemExit(f"pinecone-ops hub: a user named {name!r} already exists and was not created "
                             "by this command; pick other names (--instructor, --student-prefix)")
        if not user_exists(name):
            try:
                _run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group",
                      "--comment", MARKER, name], capture_output=True)
            except subprocess.CalledProcessError as exc:
                raise Unavailable(f"pinecone-ops hub: cannot create Unix user {name!r}: "
                                  f"{(exc.stderr or '').strip() or exc}") from exc
        home = Path(pwd.getpwnam(name).pw_dir)
        home.chmod(0o700)  # nobody reads another student's work
        plan.passwords[name] = saved.get(name) or secrets.token_urlsafe(12)
    _run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in plan.passwords.items()))
    saved_path.write_text(json.dumps(plan.passwords, indent=1) + "\n")
    saved_path.chmod(0o600)


def install_instructor_course(plan: HubPlan) -> Path:
    """A copy of the course in the instructor's home (theirs to edit, grade and commit)."""
    dest = plan.instructor_course()
    if not dest.exists():
        dest.mkdir()
        for part in COURSE_PARTS:
            src = plan.course / part
            if src.is_dir():
                shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns(
                    "__pycache__", ".ipynb_checkpoints", "*.pyc"))
            elif src.is_file():
                shutil.copy2(src, dest / part)
        user = pwd.getpwnam(plan.instructor)
        for path in [dest, *dest.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    return dest


def nbgrader_config(plan: HubPlan, mode: str) -> str:
    lines = [
        "# Written by `pinecone-ops hub`; regenerated at every start.",
        "from nbgrader.auth import JupyterHubAuthPlugin",
        "c = get_config()  # noqa: F821",
        f"c.Exchange.root = {str(plan.exchange)!r}",
        "c.Exchange.path_includes_course = True",
        "c.Authenticator.plugin_class = JupyterHubAuthPlugin",
    ]
    if mode == "instructor":
        lines += [f"c.CourseDirectory.course_id = {plan.course_id!r}",
                  f"c.CourseDirectory.root = {str(plan.instructor_course())!r}"]
    return "\n".join(lines) + "\n"


def write_configs(plan: HubPlan) -> Path:
    """Per-mode Jupyter config dirs, and the hub's own config; returns the hub config file."""
    for mode in ("student", "instructor"):
        folder = plan.config_dir(mode)
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        (folder / "labconfig" / "page_config.json").write_text(
            json.dumps(page_config(MODES[mode]), indent=2) + "\n")
        (folder / "nbgrader_config.py").write_text(nbgrader_config(plan, mode))
    settings = {
        "port": plan.port, "hub_port": plan.hub_port, "proxy_api_port": plan.proxy_api_port,
        "proxy": proxy_command(), "state": str(plan.state), "venv": str(plan.venv),
        "instructor": plan.instructor, "students": plan.students, "course_id": plan.course_id,
        "config_dirs": {m: str(plan.config_dir(m)) for m in ("student", "instructor")},
        "server_args": {m: server_extension_args(MODES[m]) for m in ("student", "instructor")},
        "datasets": str(plan.home / "datasets"),
    }
    path = plan.state / "jupyterhub_config.py"
    path.write_text(HUB_CONFIG.replace("@SETTINGS@", json.dumps(settings, indent=1)))
    return path


HUB_CONFIG = '''"""JupyterHub config written by `pinecone-ops hub` (regenerated at every start)."""
import json

S = json.loads(r"""@SETTINGS@""")
c = get_config()  # noqa: F821

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % S["proxy_api_port"]
c.ConfigurableHTTPProxy.command = [S["proxy"]]
c.JupyterHub.cookie_secret_file = S["state"] + "/jupyterhub_cookie_secret"
c.JupyterHub.db_url = "sqlite:///" + S["state"] + "/jupyterhub.sqlite"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Real Unix users, real passwords (PAM); only the users of this class may log in.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set([S["instructor"]] + S["students"])

# nbgrader's JupyterHub auth reads the groups: nbgrader-<course> students, formgrade-<course> graders.
c.JupyterHub.load_groups = {
    "nbgrader-" + S["course_id"]: {"users": S["students"]},
    "formgrade-" + S["course_id"]: {"users": [S["instructor"]]},
}
# A server's token may read its own user's groups (what nbgrader's auth plugin asks the hub).
c.JupyterHub.load_roles = [{"name": "server", "scopes": ["inherit"]}]

# Each user's server runs as that Unix user, in their home, from the venv every user can read.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [S["venv"] + "/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.http_timeout = 180
c.Spawner.start_timeout = 240


def pre_spawn_hook(spawner):
    mode = "instructor" if spawner.user.name == S["instructor"] else "student"
    spawner.environment.update({
        "PATH": S["venv"] + "/bin:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": S["config_dirs"][mode],
        "PINECONE_OPS_DATASETS": S["datasets"],
        "PINECONE_OPS_HUB_MODE": mode,
    })
    spawner.args = list(S["server_args"][mode])


c.Spawner.pre_spawn_hook = pre_spawn_hook
'''


def prepare(plan: HubPlan, log: list[str]) -> Path:
    """Every set-up step (idempotent); returns the hub config file."""
    reason = unavailable_reason()
    if reason:
        raise Unavailable(f"pinecone-ops hub: {reason}")
    plan.home.mkdir(parents=True, exist_ok=True)
    plan.home.chmod(0o755)
    plan.state.mkdir(exist_ok=True)
    plan.state.chmod(0o700)
    build_venv(plan, log)
    create_users(plan)
    plan.exchange.mkdir(exist_ok=True)
    plan.exchange.chmod(0o1777)
    datasets = plan.home / "datasets"
    if not datasets.exists() and (plan.course / "datasets").is_dir():
        shutil.copytree(plan.course / "datasets", datasets)
        _run(["chmod", "-R", "a+rX", str(datasets)])
    course = install_instructor_course(plan)
    plan.course_id = read_course_settings(course).course_id
    plan.hub_port = plan.hub_port or free_port()
    plan.proxy_api_port = plan.proxy_api_port or free_port()
    log += [f"  users      instructor {plan.instructor}; students {', '.join(plan.students)}",
            f"  course     {course} (course id {plan.course_id})",
            f"  exchange   {plan.exchange}",
            f"  passwords  {plan.state / 'passwords.json'} (root only)"]
    return write_configs(plan)


# ----------------------------------------------------------------------------- running


def start(plan: HubPlan, config: Path, log_path: Path) -> subprocess.Popen:
    """Start the hub (it starts the proxy) and wait until it answers; raise with its log if not."""
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([str(plan.venv / "bin" / "jupyterhub"), "-f", str(config)],
                                cwd=plan.state, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={"PATH": f"{plan.venv}/bin:/usr/local/bin:/usr/bin:/bin",
                                     "LANG": os.environ.get("LANG", "C.UTF-8")})
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{plan.url}/hub/api/", timeout=5) as response:
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)  # polling interval of a readiness loop
    stop(proc, plan)
    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
    raise SystemExit(f"pinecone-ops hub: JupyterHub did not start; last lines of {log_path}:\n{tail}")


def user_processes(users: list[str]) -> list:
    import psutil

    found = []
    for proc in psutil.process_iter(["username"]):
        if proc.info["username"] in users:
            found.append(proc)
    return found


def stop(proc: subprocess.Popen, plan: HubPlan) -> int:
    """SIGTERM the hub (it stops every user's server and the proxy), then sweep what is left."""
    import psutil

    from pinecone_ops.commands.lab import stop as stop_server

    stop_server(proc, timeout=STOP_TIMEOUT_S)
    with_pgid = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == proc.pid:
                with_pgid.append(p)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    leftovers = with_pgid + user_processes(plan.users)
    for p in leftovers:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _, alive = psutil.wait_procs(leftovers, timeout=15)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    return int(proc.returncode or 0)


def remove(plan: HubPlan) -> list[str]:
    """Delete the users this command created (and their homes) and ``<home>``."""
    import psutil

    removed = []
    ours_only = [name for name in plan.users if ours(name)]
    for p in user_processes(ours_only):
        with contextlib.suppress(psutil.Error):
            p.kill()
    for name in ours_only:
        subprocess.run(["userdel", "--remove", name], capture_output=True, check=False)
        removed.append(name)
    if (plan.state / "passwords.json").is_file():  # a home this command made, never any folder
        shutil.rmtree(plan.home)
    return removed


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signum)


def run(plan: HubPlan) -> int:
    started = time.monotonic()
    log: list[str] = []
    print("Pinecone Operations: JupyterHub class (setting up ...)", flush=True)
    config = prepare(plan, log)
    for line in log:
        print(line, flush=True)
    log_path = plan.state / "jupyterhub.log"
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    proc = None
    try:
        proc = start(plan, config, log_path)
        print(f"JupyterHub is ready in {time.monotonic() - started:.0f} s:  {plan.url}/hub/login  "
              f"(log: {log_path})", flush=True)
        for name in plan.users:
            print(f"  log in as  {name:<20} password {plan.passwords[name]}", flush=True)
        print("Press Ctrl-C to stop the hub, every user's server and the proxy "
              "(`pinecone-ops hub --remove` deletes the users).", flush=True)
        code = proc.wait()
        print(f"JupyterHub exited (code {code}); log: {log_path}", flush=True)
        return int(code)
    except (KeyboardInterrupt, _Stop):
        print("\nStopping JupyterHub, the users' servers and the proxy ...", flush=True)
        return 0
    finally:
        if proc is not None:
            stop(proc, plan)
            print("Stopped.", flush=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# ----------------------------------------------------------------------------- CLI


def plan_from_args(args: argparse.Namespace) -> HubPlan:
    from pinecone_ops.commands.lab import find_course_root

    course = Path(args.course).resolve() if args.course else find_course_root()
    students = [f"{args.student_prefix}{i}" for i in range(1, args.students + 1)]
    return HubPlan(home=Path(args.home), course=course, instructor=args.instructor,
                   students=students, port=args.port)


def main(args: argparse.Namespace) -> int:
    plan = plan_from_args(args)
    if args.remove:
        removed = remove(plan)
        print(f"removed users {', '.join(removed) or '(none of ours)'} and {plan.home}")
        return 0
    return run(plan)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hub", help="a JupyterHub class on this machine: Unix users, nbgrader exchange (root)",
        description="Start a real JupyterHub for a demo or a small class on this machine (as root): "
        "an instructor and N students as Unix users, nbgrader's exchange and JupyterHub auth, "
        "student mode for students. Ctrl-C stops it; --remove deletes the users and HOME.")
    parser.add_argument("--students", type=int, default=2, help="how many students (default 2)")
    parser.add_argument("--student-prefix", default="student", help="student names: PREFIX1, PREFIX2 ...")
    parser.add_argument("--instructor", default="instructor", help="the instructor's user name")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"hub port (default {DEFAULT_PORT})")
    parser.add_argument("--home", default=str(DEFAULT_HOME),
                        help=f"where the venv, exchange and state go (default {DEFAULT_HOME})")
    parser.add_argument("--course", default=None, help="course checkout (default: this one)")
    parser.add_argument("--remove", action="store_true",
                        help="delete the users this command created and HOME, then exit")
    parser.set_defaults(func=main)
