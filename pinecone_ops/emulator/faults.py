"""Teaching faults, off by default, per server (options) and per index (``set_index_options``).

* ``index_init_ms``: a new index is ``Initializing`` (not ready) that long; data-plane calls to it
  meet 503 UNAVAILABLE meanwhile (``control.refresh_state`` moves it to ``Ready``).
* ``consistency_lag_ms``: writes are acknowledged at once but reach what query / fetch / list /
  stats read only that much later. Reads are served by a *replica* that replays the acknowledged
  writes in order once they are due; ``x-pinecone-lsn-committed`` is the last acknowledged write
  and ``x-pinecone-lsn-reconciled`` the last one reads can see, so a careful client can wait until
  reconciled ≥ the committed LSN its write returned.
* ``rate_limit_rps``: more than N requests of one data-plane operation (query, upsert, fetch, …)
  in one second for one namespace → 429 with ``Retry-After`` (seconds).
* ``api_keys``: with keys configured, an unknown key gets 401 (text/plain); a key's roles decide
  what it may do (a ``DataPlaneViewer`` key gets 403 on writes).
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Any

import orjson

from pinecone_ops.emulator import control, dataplane
from pinecone_ops.emulator.exceptions import PineconeError, RateLimited, Unauthenticated
from pinecone_ops.emulator.metering import Ledger, RequestRecord
from pinecone_ops.emulator.models import Backend, Index, canonical_namespace
from pinecone_ops.emulator.options import FAULT_OPTIONS, ROLES, normalize_fault

DATA_WRITE = frozenset({"upsert", "update", "delete", "create_namespace", "delete_namespace"})
DATA_READ = frozenset({"query", "fetch", "fetch_by_metadata", "list", "describe_index_stats",
                       "list_namespaces", "describe_namespace", "unsupported"})
CONTROL_WRITE = frozenset({"create_index", "configure_index", "delete_index", "create_collection",
                           "delete_collection", "create_backup", "delete_backup", "create_index_from_backup",
                           "create_index_for_model"})


class PermissionDenied(PineconeError):
    """403 for a key whose roles do not allow the operation (data plane: rpc code 7)."""

    status, code = 403, "FORBIDDEN"

    def data_body(self) -> dict:
        return {"code": 7, "message": self.message, "details": []}


class NotReady(PineconeError):
    status, code = 503, "UNAVAILABLE"


# ------------------------------------------------------------------------------ per-index options

def _registry(backend: Backend) -> dict[str, dict[str, int]]:
    reg = getattr(backend, "index_options", None)
    if reg is None:
        reg = backend.index_options = {}  # type: ignore[attr-defined]
    return reg


def index_options(backend: Backend, name: str) -> dict[str, Any]:
    """Effective fault options of index ``name`` (its overrides, else the server's)."""
    own = _registry(backend).get(name, {})
    return {k: own.get(k, backend.options[k]) for k in FAULT_OPTIONS} | {"overrides": dict(own)}


def set_index_options(backend: Backend, name: str, **options: Any) -> dict[str, Any]:
    """Override faults for one index (it need not exist yet); ``None`` drops an override."""
    for key in options:
        if key not in FAULT_OPTIONS:
            raise KeyError(f"unknown per-index option {key!r}; known: {', '.join(FAULT_OPTIONS)}")
    own = _registry(backend).setdefault(name, {})
    for key, value in options.items():
        if value is None:
            own.pop(key, None)
        else:
            own[key] = normalize_fault(key, value)
    return index_options(backend, name)


def clear_index_options(backend: Backend, name: str) -> dict[str, Any]:
    _registry(backend).pop(name, None)
    return index_options(backend, name)


def effective(backend: Backend, name: str | None, key: str) -> int:
    if name is not None:
        own = _registry(backend).get(name)
        if own and key in own:
            return own[key]
    return int(backend.options[key])


# ------------------------------------------------------------------------------ API keys and readiness

def plane_of(operation: str) -> str:
    return "data" if operation in DATA_WRITE or operation in DATA_READ else "control"


def check_key(backend: Backend, rec: RequestRecord, api_key: str | None) -> None:
    """Request hook: 401 for unknown keys, 403 when the key's roles do not allow the operation."""
    keys = backend.options["api_keys"]
    if not keys:
        return
    roles = keys.get(api_key or "")
    if roles is None:
        raise Unauthenticated("Invalid API key")
    plane = plane_of(rec.operation)
    write = rec.operation in DATA_WRITE or rec.operation in CONTROL_WRITE
    need = f"{plane}:{'write' if write else 'read'}"
    if not any(need in ROLES[r] for r in roles):
        resource = "vectors" if plane == "data" else "indexes"
        raise PermissionDenied(f"Access denied: Permission {plane}::{resource}::{'write' if write else 'read'} is "
                               f"required (this API key has role {', '.join(roles)})")


def check_ready(backend: Backend, rec: RequestRecord, api_key: str | None) -> None:
    """Request hook: data-plane calls to an index that is still Initializing get 503."""
    if rec.index is None or plane_of(rec.operation) != "data":
        return
    idx = backend.get_index(rec.index)
    if idx is None:
        return
    idx.meter_scale = float(backend.options["meter_scale"])
    if control.refresh_state(backend, idx).config.state == "Initializing":
        raise NotReady(f"Index {idx.name} is not ready yet (status Initializing). Wait until "
                       f"describe_index('{idx.name}').status.ready is True, then retry.")


# ------------------------------------------------------------------------------ rate limits

class RateLimiter:
    """Sliding one-second window of accepted requests per (index, namespace, operation)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.windows: dict[tuple[str, ...], deque[float]] = {}

    def admit(self, key: tuple[str, ...], limit: int, now: float) -> float | None:
        """None when admitted, else the seconds until a slot frees up."""
        with self.lock:
            window = self.windows.setdefault(key, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= limit:
                return window[0] + 1.0 - now
            window.append(now)
            return None


async def _namespace_of(request: Any) -> str:
    if "namespace" in request.path_params:
        return canonical_namespace(request.path_params["namespace"])
    if request.method == "GET":
        return canonical_namespace(request.query_params.get("namespace"))
    try:
        body = orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError:
        return canonical_namespace(None)
    ns = body.get("namespace") if isinstance(body, dict) else None
    return canonical_namespace(ns if isinstance(ns, str) else None)


def make_rate_limit_hook(backend: Backend):
    limiter = RateLimiter()
    backend.reset_hooks.append(limiter.windows.clear)

    async def hook(rec: RequestRecord, api_key: str | None, request: Any) -> None:
        if rec.index is None or plane_of(rec.operation) != "data":
            return
        limit = effective(backend, rec.index, "rate_limit_rps")
        if not limit:
            return
        ns = await _namespace_of(request)
        # Pinecone counts each operation separately ("query / upsert / update / delete: N each").
        wait = limiter.admit((rec.index, ns, rec.operation), limit, time.monotonic())
        if wait is not None:
            retry = max(1, math.ceil(wait))
            raise RateLimited(
                f"Request failed. You've reached the max {rec.operation} requests per second per namespace "
                f"({limit}) for namespace {ns!r} of index {rec.index!r}. Retry after {retry} s, with backoff.",
                headers={"Retry-After": str(retry)})

    return hook


# ------------------------------------------------------------------------------ consistency lag

class ReplayBackend:
    """What replayed writes see as ``backend``: the server's options, a throwaway ledger."""

    def __init__(self, backend: Backend) -> None:
        self.options = backend.options
        self.ledger = Ledger()

    def check_write(self, *args: Any) -> None:
        """Writes were checked when they were acknowledged."""


def apply_write(backend: Any, idx: Index, operation: str, payload: Any) -> None:
    """Re-apply an acknowledged data-plane write (``payload``: decoded body, or namespace name)."""
    rec = RequestRecord(operation=operation)
    if operation == "delete_namespace":
        dataplane.delete_namespace(backend, idx, payload, rec)
    else:
        getattr(dataplane, operation)(backend, idx, payload, rec)


class Replica:
    """What reads see of one index under consistency lag: its state ``lag`` behind the primary."""

    def __init__(self, backend: Backend, primary: Index) -> None:
        self.shim = ReplayBackend(backend)
        self.index = Index(primary.config)
        self.index.namespaces = control.copy_namespaces(primary)
        self.index.lsn = primary.lsn
        self.index.meter_scale = primary.meter_scale
        self.queue: deque[tuple[float, int, str, Any]] = deque()
        self.lock = threading.Lock()

    def catch_up(self, now: float) -> None:
        with self.lock:
            while self.queue and self.queue[0][0] <= now:
                _, lsn, op, payload = self.queue.popleft()
                try:
                    apply_write(self.shim, self.index, op, payload)
                except PineconeError:
                    pass  # it succeeded on the primary; the replica only mirrors it
                self.index.lsn = lsn


async def payload_of(operation: str, request: Any) -> Any:
    """What :func:`apply_write` needs to repeat a write: its decoded body, or the namespace name."""
    if operation == "delete_namespace":
        return request.path_params["namespace"]
    raw = await request.body()  # already read (and cached) by the handler
    return orjson.loads(raw) if raw else {}


def install_consistency(backend: Backend) -> None:
    """Serve reads from lagging replicas while ``consistency_lag_ms`` is on for an index."""

    def replica_of(idx: Index) -> Replica | None:
        return getattr(idx, "replica", None)

    async def before_write(rec: RequestRecord, api_key: str | None, request: Any) -> None:
        if rec.operation not in DATA_WRITE or rec.index is None:
            return
        idx = backend.get_index(rec.index)
        if idx is not None and replica_of(idx) is None and effective(backend, idx.name, "consistency_lag_ms"):
            idx.replica = Replica(backend, idx)  # type: ignore[attr-defined]

    async def after_write(rec: RequestRecord, request: Any, result: Any) -> None:
        if rec.operation not in DATA_WRITE or rec.index is None:
            return
        idx = backend.get_index(rec.index)
        rep = None if idx is None else replica_of(idx)
        if rep is None:
            return
        lag = effective(backend, idx.name, "consistency_lag_ms") / 1000
        payload = await payload_of(rec.operation, request)
        with rep.lock:
            rep.queue.append((time.monotonic() + lag, idx.lsn, rec.operation, payload))

    def view(idx: Index, operation: str) -> Index:
        rep = replica_of(idx)
        if rep is None or operation not in DATA_READ:
            return idx
        if not effective(backend, idx.name, "consistency_lag_ms"):
            rep.catch_up(math.inf)  # the fault was switched off: everything is visible now
            idx.replica = None  # type: ignore[attr-defined]
            return idx
        rep.catch_up(time.monotonic())
        return rep.index

    def lsn(idx: Index) -> tuple[int, int]:
        rep = replica_of(idx)
        if rep is None:
            return idx.lsn, idx.lsn
        lagging = effective(backend, idx.name, "consistency_lag_ms")
        rep.catch_up(time.monotonic() if lagging else math.inf)
        return idx.lsn, rep.index.lsn

    backend.async_request_hooks.append(before_write)
    backend.commit_hooks.append(after_write)
    backend.index_view = view
    backend.lsn_view = lsn


def install(backend: Backend) -> None:
    """Wire every fault into ``backend`` (each is inert until its option is set)."""
    backend.request_hooks.append(lambda rec, key: check_key(backend, rec, key))
    backend.request_hooks.append(lambda rec, key: check_ready(backend, rec, key))
    backend.async_request_hooks.append(make_rate_limit_hook(backend))
    backend.reset_hooks.append(_registry(backend).clear)
    install_consistency(backend)
