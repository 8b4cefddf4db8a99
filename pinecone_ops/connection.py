"""Connect notebooks and graders to a Pinecone: the embedded local one, a standalone one, or the cloud.

* default: a local Pinecone started once per process in a background thread on a free loopback
  port (stopped at exit);
* ``PINECONE_OPS_HOST=http://127.0.0.1:5080``: a standalone server (``pinecone-ops serve``);
* ``PINECONE_OPS_BACKEND=pinecone`` **and** ``PINECONE_API_KEY``: real Pinecone (explicit opt-in),
  through :class:`pinecone_ops.cloud.LearnerPinecone`, which prefixes index names per learner
  (:func:`cleanup_cloud` deletes them).

:func:`admin` returns a small client over the server's ``/_ops/`` HTTP API (request log, ledger,
reset, options); it works the same for the embedded and a standalone server, so graders never
need the server's internals.
"""
from __future__ import annotations

import atexit
import os
import threading
from typing import Any

import httpx

from pinecone_ops.emulator.server import LocalPinecone, admin_key_for

#: The key used for the local Pinecone when none is set (it accepts any non-empty key unless
#: API keys are configured); notebooks put it into ``PINECONE_API_KEY`` (``course.runtime``).
LOCAL_API_KEY = "pclocal"

_lock = threading.Lock()
_embedded: LocalPinecone | None = None


def _wants_cloud() -> bool:
    return os.environ.get("PINECONE_OPS_BACKEND", "").strip().lower() == "pinecone"


def _standalone_url() -> str | None:
    url = os.environ.get("PINECONE_OPS_HOST", "").strip().rstrip("/")
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url  # the SDK would otherwise force https:// onto a local server
    return url


def local_server() -> LocalPinecone:
    """The embedded local Pinecone of this process (started on first use, stopped at exit)."""
    global _embedded
    with _lock:
        if _embedded is None:
            server = LocalPinecone()
            server.start()
            atexit.register(server.stop)
            _embedded = server
        return _embedded


def _local_url() -> str:
    return _standalone_url() or local_server().url


def connect(api_key: str | None = None, **kwargs: Any):
    """An official ``pinecone.Pinecone`` client bound to the Pinecone this environment selects.

    Extra keyword arguments go to ``pinecone.Pinecone`` (e.g. ``retry_config``). In cloud mode the
    client is a :class:`pinecone_ops.cloud.LearnerPinecone` (a ``Pinecone`` whose index names are
    prefixed per learner; ``learner=`` overrides ``PINECONE_OPS_LEARNER``).
    """
    from pinecone import Pinecone

    if _wants_cloud():
        key = api_key or os.environ.get("PINECONE_API_KEY")
        if not key:
            raise RuntimeError(
                "PINECONE_OPS_BACKEND=pinecone selects real Pinecone, but PINECONE_API_KEY is not set. "
                "Export your key (never paste it into a notebook), or unset PINECONE_OPS_BACKEND to use "
                "the local Pinecone.")
        from pinecone_ops.cloud import LearnerPinecone

        return LearnerPinecone(api_key=key, **kwargs)
    key = api_key or os.environ.get("PINECONE_API_KEY") or LOCAL_API_KEY
    return Pinecone(api_key=key, host=_local_url(), **kwargs)


def backend_name() -> str:
    """Which Pinecone :func:`connect` talks to, for notebook banners."""
    if _wants_cloud():
        from pinecone_ops.cloud import learner_id, learner_prefix

        try:
            return f"Pinecone cloud (your index names are prefixed {learner_prefix(learner_id())!r})"
        except (RuntimeError, ValueError) as exc:
            return f"Pinecone cloud ({exc})"
    url = _standalone_url()
    if url:
        return f"local Pinecone (standalone, {url})"
    return f"local Pinecone (embedded, {local_server().url})"


def cleanup_cloud(api_key: str | None = None, **kwargs: Any):
    """Delete this learner's indexes and collections in real Pinecone (only those with the prefix).

    Returns a :class:`pinecone_ops.cloud.CleanupReport` (printed too); indexes with deletion
    protection are kept and named with the call that lifts it. Refuses in local mode.
    """
    if not _wants_cloud():
        raise RuntimeError("cleanup_cloud() is for real Pinecone (PINECONE_OPS_BACKEND=pinecone); the local "
                           "Pinecone starts empty in every notebook and needs no cleanup.")
    pc = connect(api_key, **kwargs)
    report = pc.cleanup()
    print(report)
    return report


class Admin:
    """Client for the local Pinecone's admin API (``/_ops/``), which the SDK never calls."""

    def __init__(self, url: str, timeout: float = 30.0, admin_key: str | None = None) -> None:
        self.url = url.rstrip("/")
        # Needed once the server has API keys on: the argument, else PINECONE_OPS_ADMIN_KEY, else the
        # key of a server running in this process (embedded or LocalPinecone(...).start()).
        key = admin_key or os.environ.get("PINECONE_OPS_ADMIN_KEY") or admin_key_for(self.url)
        headers = {"X-Pinecone-Ops-Admin-Key": key} if key else {}
        self._client = httpx.Client(base_url=self.url, timeout=timeout, headers=headers)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._client.request(method, f"/_ops/{path}", **kwargs)
        if response.status_code >= 400:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise RuntimeError(f"local Pinecone admin {method} /_ops/{path} failed ({response.status_code}): {message}")
        return response.json()

    def health(self) -> dict:
        return self._call("GET", "health")

    def requests(self, index: str | None = None, since: int = 0) -> list[dict]:
        """Request-log entries newer than sequence number ``since`` (optionally for one index)."""
        params: dict[str, Any] = {"since": since}
        if index:
            params["index"] = index
        return self._call("GET", "requests", params=params)["requests"]

    def last_seq(self) -> int:
        """Sequence number of the newest log entry (pass it as ``since`` to see only later ones)."""
        return int(self._call("GET", "requests", params={"since": 2**62})["last_seq"])

    def ledger(self) -> dict:
        """RU/WU charged and storage per index and namespace, plus totals."""
        return self._call("GET", "ledger")

    def reset(self) -> None:
        """Drop every index, the ledger and the request log."""
        self._call("POST", "reset")

    def options(self) -> dict:
        return self._call("GET", "options")

    def lock(self, locked: bool = True) -> dict:
        """Lock (or unlock) ``/_ops`` for the sandbox listener while a hidden check runs (grader only)."""
        return self._call("POST", "lock", json={"locked": locked})

    def set_options(self, **options: Any) -> dict:
        """Change server options, e.g. ``set_options(meter_scale=1000)``; returns them all."""
        return self._call("PATCH", "options", json=options)

    def index_options(self, name: str) -> dict:
        """Effective fault options of index ``name`` (its overrides, else the server's)."""
        return self._call("GET", f"indexes/{name}/options")

    def set_index_options(self, name: str, **options: Any) -> dict:
        """Faults for one index (it need not exist yet), e.g. ``set_index_options("movies",
        consistency_lag_ms=500)``; ``None`` drops an override. Known: index_init_ms,
        consistency_lag_ms, rate_limit_rps (docs/emulator-control.md)."""
        return self._call("PATCH", f"indexes/{name}/options", json=options)

    def clear_index_options(self, name: str) -> dict:
        return self._call("DELETE", f"indexes/{name}/options")

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Admin:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def admin(url: str | None = None, admin_key: str | None = None) -> Admin:
    """Admin client for ``url``, else the server :func:`connect` would use (local only);
    ``admin_key`` (else ``PINECONE_OPS_ADMIN_KEY``) for a standalone server with API keys on."""
    if url is None:
        if _wants_cloud():
            raise RuntimeError("admin() needs the local Pinecone; real Pinecone has no request log or ledger. "
                               "Unset PINECONE_OPS_BACKEND to grade against the local Pinecone.")
        url = _local_url()
    return Admin(url, admin_key=admin_key)
