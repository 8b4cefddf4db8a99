"""Usage ledger (RU / WU per index and namespace) and the request log.

The formulas themselves live in :mod:`pinecone_ops.pricing.units` (one definition, shared with the
cost models); this module only records what each request was charged.
"""
from __future__ import annotations

import hashlib
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

#: Request-log entries kept per server (oldest dropped first).
LOG_CAPACITY = 100_000


def key_hash(api_key: str | None) -> str | None:
    """Short, non-reversible tag of an API key (the log never stores keys)."""
    if not api_key:
        return None
    return hashlib.sha256(api_key.encode("utf-8", "replace")).hexdigest()[:10]


@dataclass
class RequestRecord:
    """One request as graders see it. Models fill in what they charge; the HTTP layer the rest."""

    operation: str
    index: str | None = None
    namespace: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    read_units: float = 0.0
    write_units: float = 0.0
    namespace_bytes: int | None = None
    latency_ms: float = 0.0
    api_key: str | None = None
    api_version: str | None = None
    request_id: str | None = None
    time: float = 0.0
    seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Ledger:
    """RU and WU charged, per index and namespace (survives deletes: it is billing history)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage: dict[str, dict[str, dict[str, float]]] = {}

    def charge(self, index: str, namespace: str, *, read_units: float = 0.0, write_units: float = 0.0) -> None:
        if not (read_units or write_units):
            return
        with self._lock:
            ns = self._usage.setdefault(index, {}).setdefault(namespace, {"read_units": 0.0, "write_units": 0.0})
            ns["read_units"] += read_units
            ns["write_units"] += write_units

    def usage(self) -> dict[str, dict[str, dict[str, float]]]:
        with self._lock:
            return {i: {n: dict(u) for n, u in nss.items()} for i, nss in self._usage.items()}

    def reset(self) -> None:
        with self._lock:
            self._usage.clear()


class RequestLog:
    """Append-only, sequence-numbered log of requests (bounded)."""

    def __init__(self, capacity: int = LOG_CAPACITY) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RequestRecord] = deque(maxlen=capacity)
        self._seq = 0

    def append(self, rec: RequestRecord) -> None:
        with self._lock:
            self._seq += 1
            rec.seq = self._seq
            self._entries.append(rec)

    def entries(self, *, index: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """Entries with ``seq > since`` (optionally for one index), oldest first."""
        with self._lock:
            recs = [r for r in self._entries if r.seq > since and (index is None or r.index == index)]
        return [r.to_dict() for r in recs]

    @property
    def last_seq(self) -> int:
        return self._seq

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
