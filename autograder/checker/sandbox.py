"""One OS sandbox per submission: the student's kernel runs inside bubblewrap.

Inside: a private PID, network, IPC and UTS namespace; the system (``/usr``, the linker's files, a
few of ``/etc``), the Python runtime, the virtualenv and the course library read-only; a private
``/tmp`` and home of bounded size; the kernel's ZeroMQ sockets in one folder shared with the
grader (``ipc``); and the local Pinecone's *sandbox listener* (a Unix socket) forwarded by
``socat`` to ``127.0.0.1:5080``, the only address the kernel can reach. ``source/``,
``autograder/``, gradebooks, other submissions and every output folder are simply not there.
As root, the sandbox also joins its own ``pids`` and ``memory`` cgroups (caps on processes and
resident memory); every process in it dies with the kernel (PID namespace, ``--die-with-parent``).
"""
from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

#: Where the kernel finds its local Pinecone inside the sandbox.
SANDBOX_PORT = 5080
SOCKET_DIR = "/run/pinecone-ops"
HOME = "/home/student"
_ETC = ("passwd", "group", "hosts", "nsswitch.conf", "localtime", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
        "alternatives", "ssl", "fonts", "mime.types")
_CGROUPS = Path("/sys/fs/cgroup")


class SandboxUnavailable(RuntimeError):
    """bubblewrap (or socat) is missing or cannot create namespaces here."""


def missing_tools() -> list[str]:
    """The programs the sandbox needs that are not on PATH."""
    return [tool for tool in ("bwrap", "socat", "prlimit") if shutil.which(tool) is None]


def probe() -> str | None:
    """None when a sandbox can be made here, else what is wrong (tools missing, or bubblewrap
    cannot create namespaces, e.g. in a container that forbids user namespaces)."""
    import subprocess

    missing = missing_tools()
    if missing:
        return f"the grading sandbox needs {', '.join(missing)}, which this machine lacks"
    cmd = ["bwrap", "--die-with-parent", "--unshare-pid", "--unshare-net", *_system_binds(),
           "--proc", "/proc", "--dev", "/dev", "--", "/bin/true"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap did not run ({exc})"
    if proc.returncode != 0:
        return f"bubblewrap cannot create a sandbox here ({proc.stderr.strip()[:200]})"
    return None


def _python_paths() -> list[Path]:
    """What this interpreter needs to start and import the course library: its prefixes, every
    existing ``sys.path`` folder, and the package and data folders of an editable install."""
    import pinecone_ops

    package = Path(pinecone_ops.__file__).resolve().parent
    checkout = package.parent
    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent.parent}
    for entry in sys.path:
        p = Path(entry).resolve() if entry else None
        # never the checkout itself (source/, autograder/) or a course folder on sys.path
        if p and p.is_dir() and not (p == checkout or checkout in p.parents or (p / "autograder").exists()
                                     or (p / "nbgrader_config.py").exists()):
            paths.add(p)
    paths.add(package)
    data = package.parent / "datasets"
    if data.is_dir():
        paths.add(data)
    return sorted(paths)


def _system_binds() -> list[str]:
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


@dataclass
class Cgroups:
    """A ``pids`` + ``memory`` cgroup (v1 or v2) for one sandbox, when this process may make one."""

    name: str
    dirs: list[Path] = field(default_factory=list)

    @classmethod
    def create(cls, name: str, max_procs: int, memory_mb: int) -> Cgroups:
        cg = cls(name)
        if os.geteuid() != 0:
            return cg
        limits = {"pids": {"pids.max": str(max_procs)},
                  "memory": {"memory.limit_in_bytes": str(memory_mb * 2**20),
                             "memory.memsw.limit_in_bytes": str(memory_mb * 2**20)}}
        for controller, files in limits.items():
            d = _CGROUPS / controller / "pinecone-ops" / name
            try:
                d.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue
            for fname, value in files.items():
                with contextlib.suppress(OSError):
                    (d / fname).write_text(value)
            cg.dirs.append(d)
        return cg

    def join_prefix(self) -> list[str]:
        """``sh -c`` that moves itself into the cgroups, then execs the rest (so nothing escapes)."""
        if not self.dirs:
            return []
        joins = " && ".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))}" for d in self.dirs)
        return ["/bin/sh", "-c", f'{joins}; exec "$@"', "sh"]

    def kill_and_remove(self) -> None:
        for d in self.dirs:
            procs = d / "cgroup.procs"
            for _ in range(20):
                try:
                    pids = [int(x) for x in procs.read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                d.rmdir()


@dataclass
class Sandbox:
    """The sandbox of one notebook run: its folders on the host, its limits, its argv."""

    root: Path                      # host folder: ipc/ (kernel sockets) and sock/ (the Pinecone listener)
    memory_mb: int = 2048
    max_procs: int = 256
    tmp_mb: int = 512
    file_mb: int = 256
    cgroups: Cgroups | None = None

    @classmethod
    def create(cls, memory_mb: int = 2048, max_procs: int = 256, tmp_mb: int = 512) -> Sandbox:
        missing = missing_tools()
        if missing:
            raise SandboxUnavailable(f"the sandbox needs {', '.join(missing)} (Debian: apt-get install "
                                     "bubblewrap socat util-linux)")
        # short: Unix socket paths are limited to 107 bytes
        root = Path(tempfile.mkdtemp(prefix="po-sbx-", dir="/tmp"))
        (root / "ipc").mkdir()
        (root / "sock").mkdir()
        os.chmod(root, 0o711)
        name = uuid.uuid4().hex[:12]
        return cls(root, memory_mb, max_procs, tmp_mb, cgroups=Cgroups.create(name, max_procs, memory_mb))

    @property
    def ipc_dir(self) -> Path:
        return self.root / "ipc"

    @property
    def pinecone_socket(self) -> Path:
        """Host path of the local Pinecone's sandbox listener (the server creates it)."""
        return self.root / "sock" / "pinecone.sock"

    def kernel_url(self) -> str:
        return f"http://127.0.0.1:{SANDBOX_PORT}"

    def wrap(self, kernel_argv: list[str]) -> list[str]:
        """``kernel_argv`` run inside the sandbox."""
        bwrap = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                 "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
        if os.geteuid() == 0:
            bwrap += ["--cap-drop", "ALL"]
        bwrap += _system_binds()
        bwrap += ["--proc", "/proc", "--dev", "/dev",
                  "--size", str(self.tmp_mb * 2**20), "--tmpfs", "/tmp",
                  "--size", str(self.tmp_mb * 2**20), "--tmpfs", HOME]
        for path in _python_paths():
            bwrap += ["--ro-bind", str(path), str(path)]
        bwrap += ["--bind", str(self.ipc_dir), str(self.ipc_dir),
                  "--ro-bind", str(self.pinecone_socket.parent), SOCKET_DIR,
                  "--chdir", HOME, "--"]
        # prlimit is not exec'd: the shell stays the kernel's parent, since ipykernel shuts down
        # when its parent is pid 1 (it would take bwrap's init for a dead parent)
        inner = (f"socat TCP-LISTEN:{SANDBOX_PORT},bind=127.0.0.1,fork,reuseaddr "
                 f"UNIX-CONNECT:{SOCKET_DIR}/{self.pinecone_socket.name} 2>/dev/null & "
                 f'prlimit --core=0 --fsize={self.file_mb * 2**20} --nofile=1024 -- "$@"')
        prefix = self.cgroups.join_prefix() if self.cgroups else []
        return [*prefix, *bwrap, "/bin/sh", "-c", inner, "sh", *kernel_argv]

    def kernel_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The kernel's whole environment: nothing of the grader's (no keys, no course paths)."""
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": HOME,
               "TMPDIR": "/tmp", "LANG": os.environ.get("LANG", "C.UTF-8"), "PYTHONNOUSERSITE": "1",
               "MPLCONFIGDIR": f"{HOME}/.matplotlib", "PINECONE_OPS_HOST": self.kernel_url()}
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED"):
            if var in os.environ:
                env[var] = os.environ[var]
        env.update(extra or {})
        return env

    def close(self) -> None:
        """Kill whatever is left in the sandbox and remove its folders."""
        if self.cgroups:
            self.cgroups.kill_and_remove()
        shutil.rmtree(self.root, ignore_errors=True)
