"""Run the local Pinecone: embedded in a background thread, or standalone in the foreground.

Stack: uvicorn (httptools parser, uvloop when installed) serving a Starlette app, orjson for JSON.
asyncio/uvloop transports set TCP_NODELAY and each response goes out as one buffered write, so the
SDK's keep-alive connection never meets the ≈44 ms delayed-ACK stall (performance-anchors.md).
"""
from __future__ import annotations

import signal
import socket
import threading
import time
from typing import Any

import uvicorn

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


def _config(app: Any) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                          lifespan="off", http="httptools", timeout_keep_alive=120,
                          timeout_graceful_shutdown=2)


class LocalPinecone:
    """A local Pinecone on ``host:port`` (port 0 = a free port). ``.backend`` holds its state."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, data_dir: str | None = None,
                 **options: Any) -> None:
        self.host = host
        self.port = port
        self.backend = Backend(data_dir=data_dir, **options)
        if data_dir:
            open_journal(self.backend)  # load what the data dir holds; journal every change
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Control-plane URL, e.g. ``http://127.0.0.1:5080`` (valid once started)."""
        return self.backend.base_url

    def _prepare(self) -> socket.socket:
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        self.backend.base_url = _advertised(self.host, self.port)
        return sock

    def start(self, timeout: float = 10.0) -> LocalPinecone:
        """Serve in a daemon thread; returns once the server accepts connections."""
        if self._thread is not None:
            return self
        sock = self._prepare()
        self._server = uvicorn.Server(_config(create_app(self.backend)))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"local-pinecone-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the local Pinecone did not start on {self.url}")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving (idempotent)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = None
        self._thread = None

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
