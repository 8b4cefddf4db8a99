"""State of the local Pinecone: the backend (indexes, ledger, request log, clock, options).

This module and the other rule modules (``store``, ``filters``, ``dataplane``, ``control``,
``shapes``) never import the HTTP layer; ``responses`` translates wire JSON to calls on them.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from pinecone_ops.emulator.metering import Ledger, RequestLog
from pinecone_ops.emulator.options import CONTROL_OPTIONS, normalize_options
from pinecone_ops.emulator.store import NamespaceStore

DEFAULT_NAMESPACE = "__default__"

#: Server options and their defaults (``PATCH /_ops/options`` changes them at run time).
DEFAULT_OPTIONS: dict[str, Any] = {
    # Namespace sizes used for query RU and storage are multiplied by this (a 20 MB classroom
    # namespace can be metered as if it were 20 GB). Write units are not scaled.
    "meter_scale": 1.0,
    # Plan, teaching faults and API keys (``options.py`` validates them; docs/emulator-control.md).
    **CONTROL_OPTIONS,
}


def canonical_namespace(name: str | None) -> str:
    """``""`` and ``"__default__"`` are the same namespace (API ≥ 2025-04)."""
    return name if name else DEFAULT_NAMESPACE


@dataclass
class IndexConfig:
    """What the control plane knows about an index (version-neutral; ``shapes`` renders it)."""

    name: str
    dimension: int | None
    metric: str
    vector_type: str  # "dense" | "sparse"
    deployment: dict[str, Any]
    schema_fields: dict[str, Any]
    deletion_protection: str = "disabled"
    tags: dict[str, str] | None = None
    state: str = "Ready"
    created_at: float = 0.0
    read_capacity: dict[str, Any] = field(default_factory=lambda: {"mode": "OnDemand", "status": {"state": "Ready"}})
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. source_collection, source_backup_id

    @property
    def is_pod(self) -> bool:
        return self.deployment.get("deployment_type") == "pod"


class Index:
    """One index: its config and its namespaces. ``lock`` guards every read and write of it."""

    def __init__(self, config: IndexConfig) -> None:
        self.config = config
        self.namespaces: dict[str, NamespaceStore] = {}
        self.lock = threading.RLock()
        #: Log sequence number of the last acknowledged write (``x-pinecone-lsn-*`` headers).
        self.lsn = 0
        #: The server's ``meter_scale`` (set by the control plane; pod fullness counts × it).
        self.meter_scale = 1.0

    @property
    def name(self) -> str:
        return self.config.name

    def namespace(self, name: str | None, *, create: bool = False) -> NamespaceStore | None:
        key = canonical_namespace(name)
        ns = self.namespaces.get(key)
        if ns is None and create:
            ns = self.namespaces[key] = NamespaceStore(self.config.dimension or 0)
        return ns

    def record_count(self) -> int:
        return sum(ns.n for ns in self.namespaces.values())

    def storage_bytes(self) -> int:
        return sum(ns.total_bytes for ns in self.namespaces.values())

    def fullness(self) -> float:
        """``indexFullness``: always 0 on serverless; pods: records / capacity (``pods.py``)."""
        if self.config.is_pod:
            from pinecone_ops.emulator.pods import fullness

            return fullness(self, self.meter_scale)
        return 0.0


class Backend:
    """Everything one local Pinecone server holds."""

    def __init__(self, *, data_dir: str | None = None, clock: Callable[[], float] = time.time,
                 **options: Any) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.lock = threading.RLock()
        self.indexes: dict[str, Index] = {}
        self.ledger = Ledger()
        self.log = RequestLog()
        self.options: dict[str, Any] = dict(DEFAULT_OPTIONS)
        self.set_options(**options)
        #: Base URL the server listens on; index hosts are ``{base_url}/index/{name}``.
        self.base_url = "http://127.0.0.1"
        #: Called as ``hook(record, api_key)`` before every Pinecone API request; a hook raises a
        #: ``PineconeError`` to refuse it (API-key roles, rate limits, ... live in their own modules).
        self.request_hooks: list[Callable[[Any, str | None], None]] = []
        #: Awaited as ``await hook(record, api_key, request)`` after ``request_hooks`` (hooks that
        #: need the body or query, e.g. per-namespace rate limits).
        self.async_request_hooks: list[Callable[[Any, str | None, Any], Any]] = []
        #: Awaited as ``await hook(record, request, result)`` after a request succeeded and before
        #: it is acknowledged (durability journal, replication for consistency lag).
        self.commit_hooks: list[Callable[[Any, Any, Any], Any]] = []
        #: Called as ``check(index, namespace, ids, nbytes)`` inside the index lock before an upsert
        #: (or a namespace creation, with no ids) changes anything: pod capacity, plan quotas.
        self.write_checks: list[Callable[[Index, str, list[str], int], None]] = []
        #: ``view(index, operation) -> Index`` chooses what a data-plane request sees (an index's
        #: lagging replica under the consistency-lag fault); ``lsn_view(index) -> (committed,
        #: reconciled)`` fills the LSN headers.
        self.index_view: Callable[[Index, str], Index] = lambda idx, op: idx
        self.lsn_view: Callable[[Index], tuple[int, int]] = lambda idx: (idx.lsn, idx.lsn)
        #: Called by :meth:`reset` (collections, backups, fault state live in other modules).
        self.reset_hooks: list[Callable[[], None]] = []

    def check_write(self, idx: Index, namespace: str, ids: list[str], nbytes: int) -> None:
        for check in self.write_checks:
            check(idx, namespace, ids, nbytes)

    def index_host(self, name: str) -> str:
        return f"{self.base_url}/index/{name}"

    def get_index(self, name: str) -> Index | None:
        with self.lock:
            return self.indexes.get(name)

    def set_options(self, **options: Any) -> dict[str, Any]:
        """Change server options; unknown names raise ``KeyError`` naming the known ones."""
        for key in options:
            if key not in self.options:
                raise KeyError(f"unknown option {key!r}; known: {', '.join(sorted(self.options))}")
        options = normalize_options(options)
        if "meter_scale" in options:
            scale = float(options["meter_scale"])
            if not scale > 0:
                raise ValueError("meter_scale must be a positive number")
            options["meter_scale"] = scale
        with self.lock:
            self.options.update(options)
            return dict(self.options)

    def reset(self) -> None:
        """Drop every index, the ledger and the log (options are kept; log sequence keeps rising)."""
        with self.lock:
            self.indexes.clear()
            self.ledger.reset()
            self.log.reset()
            for hook in self.reset_hooks:
                hook()

    def ledger_report(self) -> dict[str, Any]:
        """RU/WU per index and namespace with live storage and record counts, plus totals."""
        scale = float(self.options["meter_scale"])
        usage = self.ledger.usage()
        with self.lock:
            live = dict(self.indexes)
        report: dict[str, Any] = {"indexes": {}, "meter_scale": scale}
        names = set(usage) | set(live)
        totals = {"read_units": 0.0, "write_units": 0.0, "storage_bytes": 0, "record_count": 0}
        for name in sorted(names):
            idx = live.get(name)
            nss: dict[str, Any] = {}
            for ns, u in usage.get(name, {}).items():
                nss[ns] = {**u, "storage_bytes": 0, "record_count": 0}
            if idx is not None:
                with idx.lock:
                    for ns_name, ns in idx.namespaces.items():
                        entry = nss.setdefault(ns_name, {"read_units": 0.0, "write_units": 0.0})
                        entry["storage_bytes"] = int(ns.total_bytes * scale)
                        entry["record_count"] = ns.n
            ix = {
                "exists": idx is not None,
                "read_units": sum(v["read_units"] for v in nss.values()),
                "write_units": sum(v["write_units"] for v in nss.values()),
                "storage_bytes": sum(v.get("storage_bytes", 0) for v in nss.values()),
                "record_count": sum(v.get("record_count", 0) for v in nss.values()),
                "namespaces": nss,
            }
            report["indexes"][name] = ix
            for k in totals:
                totals[k] += ix[k]
        report["totals"] = totals
        return report
