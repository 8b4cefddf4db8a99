"""Everything one local Pinecone server holds, declared in one place.

Only data and the bookkeeping that keeps it consistent live here (no Pinecone rules, no HTTP):
the rules are in ``control/`` and ``vectors/``, the teaching faults in ``faults/``, the journal in
``journal.py``. Every module that keeps something on the server keeps it in a field declared below.
"""
from __future__ import annotations

import copy
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pinecone_ops.emulator.metering import Ledger, RequestLog
from pinecone_ops.emulator.options import CONTROL_OPTIONS, FAULT_OPTIONS, normalize_fault, normalize_options
from pinecone_ops.emulator.storage.documents import DocumentNamespace
from pinecone_ops.emulator.storage.fields import sparse_field
from pinecone_ops.emulator.storage.store import NamespaceStore

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
    """What the control plane knows about an index (version-neutral; ``control.shapes`` renders it)."""

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
    #: The API that serves the index's data, for life: "vectors" (classic) or "documents" (a 2026-07
    #: schema with named fields; ``control/schema.py``).
    api: str = "vectors"

    @property
    def is_pod(self) -> bool:
        return self.deployment.get("deployment_type") == "pod"

    @property
    def accepts_sparse(self) -> bool:
        """Sparse values on the Vectors API: a sparse index, or a hybrid one (a dense index whose
        schema also declares the sparse field; ``control/indexes.py`` decides at creation)."""
        return self.vector_type == "sparse" or sparse_field(self.schema_fields) is not None


@dataclass
class NamespaceAlias:
    """A namespace alias (2026-07): a repointable name reads resolve to ``target`` (``vectors/aliases.py``)."""

    name: str
    target: str
    created_at: float
    updated_at: float


class Index:
    """One index: its config and its namespaces. ``lock`` guards every read and write of it."""

    def __init__(self, config: IndexConfig) -> None:
        self.config = config
        self.namespaces: dict[str, NamespaceStore] = {}
        #: A document index's documents, by namespace (the Documents API; ``documents/``).
        self.documents: dict[str, DocumentNamespace] = {}
        #: Namespace aliases by name (shared with the replica: an alias change is live on every
        #: reader when its call returns).
        self.aliases: dict[str, NamespaceAlias] = {}
        self.lock = threading.RLock()
        #: Log sequence number of the last acknowledged write (``x-pinecone-lsn-*`` headers).
        self.lsn = 0
        #: When a transitional state (Initializing, Scaling…) ends (the "not ready" fault).
        self.ready_at: float | None = None
        #: The lagging copy reads see while the consistency-lag fault is on (``faults.consistency``).
        self.replica: Replica | None = None

    @property
    def name(self) -> str:
        return self.config.name

    def namespace(self, name: str | None, *, create: bool = False) -> NamespaceStore | None:
        key = canonical_namespace(name)
        ns = self.namespaces.get(key)
        if ns is None and create:
            ns = self.namespaces[key] = NamespaceStore(self.config.dimension or 0)
        return ns

    def document_namespace(self, name: str, *, create: bool = False) -> DocumentNamespace | None:
        ns = self.documents.get(name)
        if ns is None and create:
            ns = self.documents[name] = DocumentNamespace(self.config.schema_fields)
        return ns

    @property
    def id(self) -> str:
        """A stable id per index (Pinecone's ``source_index_id`` / ``index_id``)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pinecone-ops:{self.name}:{self.config.created_at!r}"))

    def copy_namespaces(self) -> dict[str, NamespaceStore]:
        """A deep, independent copy of the records (collections, backups, restores, replicas)."""
        with self.lock:
            return copy.deepcopy(self.namespaces)

    def copy_documents(self) -> dict[str, DocumentNamespace]:
        with self.lock:
            return copy.deepcopy(self.documents)

    def record_count(self) -> int:
        return sum(ns.n for ns in self.namespaces.values()) + sum(ns.n for ns in self.documents.values())

    def storage_bytes(self) -> int:
        return (sum(ns.total_bytes for ns in self.namespaces.values())
                + sum(ns.total_bytes for ns in self.documents.values()))


@dataclass
class Collection:
    """A static snapshot of a pod index (``control.collections``)."""

    name: str
    source: str
    environment: str
    dimension: int | None
    metric: str
    vector_count: int
    size: int
    created_at: float
    status: str = "Ready"
    namespaces: dict[str, NamespaceStore] = field(default_factory=dict, repr=False)


@dataclass
class Backup:
    """A complete, independent copy of a serverless index (``control.backups``)."""

    backup_id: str
    source_index_name: str
    source_index_id: str
    cloud: str
    region: str
    name: str | None
    description: str | None
    config: IndexConfig
    record_count: int
    namespace_count: int
    size_bytes: int
    tags: dict[str, str] | None
    created_at: float
    status: str = "Ready"
    source_deleted_at: float | None = None
    namespaces: dict[str, NamespaceStore] = field(default_factory=dict, repr=False)
    #: A document index's documents (the Documents API), by namespace.
    documents: dict[str, DocumentNamespace] = field(default_factory=dict, repr=False)


@dataclass
class RestoreJob:
    restore_job_id: str
    backup_id: str
    target_index_name: str
    target_index_id: str
    created_at: float
    completed_at: float
    status: str = "Completed"


class Replica:
    """What reads see of one index under consistency lag: a copy that applies the acknowledged
    writes queued as ``(due, lsn, call)`` once they are due (``faults.consistency`` fills it)."""

    def __init__(self, primary: Index, shadow: Shadow) -> None:
        self.shadow = shadow
        self.index = Index(primary.config)
        with primary.lock:
            self.index.namespaces = primary.copy_namespaces()
            self.index.documents = primary.copy_documents()
            self.index.aliases = primary.aliases
            self.index.lsn = primary.lsn
        self.queue: deque[tuple[float, int, Any]] = deque()
        self.lock = threading.Lock()


class RateWindows:
    """Sliding one-second windows of accepted requests, one per key (``faults.rate_limits``)."""

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

    def clear(self) -> None:
        with self.lock:
            self.windows.clear()


class Journal(Protocol):
    """The durability journal (``journal.py``); the backend only knows it is there."""

    def append(self, record: dict) -> None: ...

    def snapshot(self) -> None: ...


class RuleContext(Protocol):
    """What a rule needs of the server besides the index it works on: the options, the ledger to
    charge, and whether plan quotas and pod capacity are enforced."""

    options: dict[str, Any]
    ledger: Ledger

    @property
    def meter_scale(self) -> float: ...

    @property
    def enforces_quotas(self) -> bool: ...


class Shadow:
    """A :class:`RuleContext` for repeating writes that were already checked and charged (a
    lagging replica): the server's options, a throwaway ledger, no quota or capacity checks."""

    enforces_quotas = False

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self.ledger = Ledger()

    @property
    def meter_scale(self) -> float:
        return float(self.options["meter_scale"])


class Backend:
    """Everything one local Pinecone server holds."""

    def __init__(self, *, data_dir: str | None = None, clock: Callable[[], float] = time.time,
                 **options: Any) -> None:
        self.data_dir = data_dir
        self.clock = clock
        #: Guards ``indexes``, ``collections``, ``backups`` and ``restore_jobs`` (lock order:
        #: backend, then an index's own lock).
        self.lock = threading.RLock()
        self.indexes: dict[str, Index] = {}
        self.collections: dict[str, Collection] = {}
        self.backups: dict[str, Backup] = {}
        self.restore_jobs: dict[str, RestoreJob] = {}
        self.ledger = Ledger()
        self.log = RequestLog()
        self.options: dict[str, Any] = dict(DEFAULT_OPTIONS)
        self.set_options(**options)
        #: Per-index overrides of the teaching faults (``index name → {option: value}``).
        self.fault_overrides: dict[str, dict[str, int]] = {}
        #: Rate-limit windows per (index, namespace, operation).
        self.rate_windows = RateWindows()
        #: The durability journal when the server has a data dir (set by ``journal.open_journal``).
        self.journal: Journal | None = None
        #: True while the journal replays acknowledged changes: they were checked when they were
        #: acknowledged, so plan quotas and pod capacity let them through.
        self.replaying = False
        #: Base URL the server listens on; index hosts are ``{base_url}/index/{name}``.
        self.base_url = "http://127.0.0.1"
        #: The server's address as a sandboxed kernel sees it (its sandbox listener, forwarded).
        self.sandbox_url: str | None = None
        #: The admin API's credential, required on ``/_ops`` once ``api_keys`` are on (never an
        #: option: ``GET /_ops/options`` must not show it). ``None``: ``/_ops`` is closed then.
        self.admin_key: str | None = None
        #: While True, ``/_ops`` refuses calls from the sandbox listener (the grader locks it while
        #: a hidden check runs, so a student's kernel cannot change options or read the log then).
        self.admin_locked = False

    # ------------------------------------------------------------------ lookups
    def index_host(self, name: str, channel: str = "host") -> str:
        """The host a client on ``channel`` reaches the index at (a sandboxed kernel sees the
        server at ``sandbox_url``)."""
        base = self.sandbox_url if channel == "sandbox" and self.sandbox_url else self.base_url
        return f"{base}/index/{name}"

    def get_index(self, name: str) -> Index | None:
        with self.lock:
            return self.indexes.get(name)

    @property
    def meter_scale(self) -> float:
        """The ``meter_scale`` option: every metered size (query RU, storage, quotas, pod
        fullness) is the stored size times this; write units are not scaled."""
        return float(self.options["meter_scale"])

    @property
    def enforces_quotas(self) -> bool:
        return not self.replaying

    # ------------------------------------------------------------------ options
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

    def fault(self, index: str | None, key: str) -> int:
        """The effective value of fault option ``key`` for ``index`` (its override, else the server's)."""
        if index is not None:
            own = self.fault_overrides.get(index)
            if own and key in own:
                return own[key]
        return int(self.options[key])

    def index_options(self, name: str) -> dict[str, Any]:
        """Effective fault options of index ``name`` and its overrides."""
        own = self.fault_overrides.get(name, {})
        return {k: own.get(k, self.options[k]) for k in FAULT_OPTIONS} | {"overrides": dict(own)}

    def set_index_options(self, name: str, **options: Any) -> dict[str, Any]:
        """Override faults for one index (it need not exist yet); ``None`` drops an override."""
        for key in options:
            if key not in FAULT_OPTIONS:
                raise KeyError(f"unknown per-index option {key!r}; known: {', '.join(FAULT_OPTIONS)}")
        own = self.fault_overrides.setdefault(name, {})
        for key, value in options.items():
            if value is None:
                own.pop(key, None)
            else:
                own[key] = normalize_fault(key, value)
        return self.index_options(name)

    def clear_index_options(self, name: str) -> dict[str, Any]:
        self.fault_overrides.pop(name, None)
        return self.index_options(name)

    # ------------------------------------------------------------------ whole-server operations
    def reset(self) -> None:
        """Drop every index, collection, backup, fault override, the ledger and the log (options
        are kept; the log's sequence keeps rising)."""
        with self.lock:
            self.indexes.clear()
            self.collections.clear()
            self.backups.clear()
            self.restore_jobs.clear()
            self.fault_overrides.clear()
            self.rate_windows.clear()
            self.ledger.reset()
            self.log.reset()

    def ledger_report(self) -> dict[str, Any]:
        """RU/WU per index and namespace with live storage and record counts, plus totals."""
        scale = self.meter_scale
        usage = self.ledger.usage()
        with self.lock:
            live = dict(self.indexes)
        report: dict[str, Any] = {"indexes": {}, "meter_scale": scale}
        totals = {"read_units": 0.0, "write_units": 0.0, "storage_bytes": 0, "record_count": 0}
        for name in sorted(set(usage) | set(live)):
            idx = live.get(name)
            nss: dict[str, Any] = {ns: {**u, "storage_bytes": 0, "record_count": 0}
                                   for ns, u in usage.get(name, {}).items()}
            if idx is not None:
                with idx.lock:
                    stores: list[tuple[str, Any]] = [*idx.namespaces.items(), *idx.documents.items()]
                    for ns_name, ns in stores:
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
