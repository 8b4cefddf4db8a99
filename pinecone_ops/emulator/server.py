"""Run the local Pinecone: embedded in a background thread, or standalone in the foreground.

Stack: uvicorn (httptools parser, uvloop when installed) serving a Starlette app, orjson for JSON.
asyncio/uvloop transports set TCP_NODELAY and each response goes out as one buffered write, so the
SDK's keep-alive connection never meets the ≈44 ms delayed-ACK stall (performance-anchors.md).
"""
from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import secrets
import signal
import socket
import threading
import time
from typing import IO, Any

import uvicorn
from uvicorn._compat import asyncio_run
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from pinecone_ops.emulator.http.app import create_app
from pinecone_ops.emulator.journal import open_journal
from pinecone_ops.emulator.state import Backend


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror} "
                                 f"(is another server using it? pick another --port, or 0 for any free port)") from None
    sock.listen(512)
    sock.setblocking(False)
    return sock


def _advertised(host: str, port: int) -> str:
    # The SDK wants a data-plane host containing a dot or "localhost"; a wildcard bind is
    # reachable on loopback.
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


#: Seconds a client may take to send a request's headers (from its first byte, or from connecting),
#: and its body; an idle keep-alive connection is closed after ``KEEP_ALIVE_S``.
HEADER_TIMEOUT_S = 10.0
BODY_TIMEOUT_S = 60.0
KEEP_ALIVE_S = 60


class _BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines: uvicorn bounds only the idle time *between*
    requests, so a connection that never sends a request, or sends it byte by byte, would stay
    open for ever (800 of them hold 800 sockets)."""

    _deadline: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(HEADER_TIMEOUT_S)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(HEADER_TIMEOUT_S)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(BODY_TIMEOUT_S)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()


def _config(app: Any) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                          lifespan="off", http=_BoundedHttpTools, timeout_keep_alive=KEEP_ALIVE_S,
                          timeout_graceful_shutdown=2)


#: The admin key of every server running in this process, by URL (``pinecone_ops.connection.Admin``
#: finds it here; it never travels over HTTP).
_ADMIN_KEYS: dict[str, str] = {}


def admin_key_for(url: str) -> str | None:
    """The admin key of the in-process server at ``url``, if there is one."""
    return _ADMIN_KEYS.get(url.rstrip("/"))


def _lock_data_dir(data_dir: str) -> IO[str]:
    """An exclusive lock on ``DIR/.lock`` for as long as the server lives: two servers writing one
    journal would corrupt it."""
    os.makedirs(data_dir, exist_ok=True)
    handle = open(os.path.join(data_dir, ".lock"), "a+")  # noqa: SIM115 - held until stop()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise OSError(errno.EBUSY, f"the data dir {data_dir} is in use by another local Pinecone ({owner}); "
                                   "stop that server or give this one another --data-dir") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle


def _bind_unix(path: str) -> socket.socket:
    """A Unix socket at ``path`` (replacing a stale one) that only its owner may connect to."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on the Unix socket {path}: {exc.strerror}") from None
    os.chmod(path, 0o600)
    sock.listen(512)
    sock.setblocking(False)
    return sock


class LocalPinecone:
    """A local Pinecone on ``host:port`` (port 0 = a free port). ``.backend`` holds its state.

    ``sandbox_socket``: also listen on this Unix socket, the *sandbox listener* that the grader
    bind-mounts into a student's sandbox. Calls from it carry ``channel="sandbox"``: its ``/_ops``
    needs no key but obeys the grader's lock (``faults/keys.py``). Both listeners share one event
    loop, so the backend still sees one call at a time. Index hosts given to the sandbox listener
    use ``sandbox_url``, the address the kernel reaches it at."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, data_dir: str | None = None,
                 admin_key: str | None = None, sandbox_socket: str | None = None,
                 sandbox_url: str = "http://127.0.0.1:5080", **options: Any) -> None:
        self.host = host
        self.port = port
        self.sandbox_socket = sandbox_socket
        self.backend = Backend(data_dir=data_dir, **options)
        if sandbox_socket:
            self.backend.sandbox_url = sandbox_url
        #: The admin API's credential once API keys are on (``/_ops``; data-plane keys never grant it):
        #: ``admin_key``, else ``PINECONE_OPS_ADMIN_KEY``, else a fresh random one.
        key = admin_key or os.environ.get("PINECONE_OPS_ADMIN_KEY") or secrets.token_urlsafe(18)
        self.backend.admin_key = key
        self._admin_key = key
        self._lock: IO[str] | None = _lock_data_dir(data_dir) if data_dir else None
        try:
            if data_dir:
                open_journal(self.backend)  # load what the data dir holds; journal every change
        except BaseException:
            self._release()
            raise
        self._server: uvicorn.Server | None = None
        self._servers: list[tuple[uvicorn.Server, socket.socket]] = []
        self._thread: threading.Thread | None = None

    @property
    def admin_key(self) -> str:
        return self._admin_key

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file drops the flock
            self._lock = None

    @property
    def url(self) -> str:
        """Control-plane URL, e.g. ``http://127.0.0.1:5080`` (valid once started)."""
        return self.backend.base_url

    def _prepare(self) -> socket.socket:
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        self.backend.base_url = _advertised(self.host, self.port)
        _ADMIN_KEYS[self.backend.base_url] = self._admin_key
        return sock

    def start(self, timeout: float = 10.0) -> LocalPinecone:
        """Serve in a daemon thread; returns once the server accepts connections."""
        if self._thread is not None:
            return self
        sock = self._prepare()
        self._server = uvicorn.Server(_config(create_app(self.backend)))
        self._servers = [(self._server, sock)]
        if self.sandbox_socket:
            sandbox = uvicorn.Server(_config(create_app(self.backend, channel="sandbox")))
            self._servers.append((sandbox, _bind_unix(self.sandbox_socket)))
        self._thread = threading.Thread(target=self._run, name=f"local-pinecone-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the local Pinecone did not start on {self.url}")
            time.sleep(0.005)
        return self

    def _run(self) -> None:
        async def serve_all() -> None:
            await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in self._servers))

        assert self._server is not None
        asyncio_run(serve_all(), loop_factory=self._server.config.get_loop_factory())

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving (idempotent)."""
        for server, _ in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = None
        self._servers = []
        self._thread = None
        if self.sandbox_socket:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.sandbox_socket)
        _ADMIN_KEYS.pop(self.backend.base_url, None)
        self._release()

    def serve_forever(self, announce: bool = True) -> None:
        """Serve until Ctrl-C or SIGTERM, then stop cleanly (the server runs in a thread; the
        main thread only waits, so the signal handling is ours, not uvicorn's re-raise)."""
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            self.start()
            if announce:
                print(f"Local Pinecone listening on {self.url}", flush=True)
                print(f"Connect with: Pinecone(api_key='pclocal', host='{self.url}')   (Ctrl-C stops)", flush=True)
            while not stop.wait(0.5):
                if self._thread is None or not self._thread.is_alive():
                    break
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous)

    def __enter__(self) -> LocalPinecone:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
