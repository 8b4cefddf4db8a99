"""Collections: static snapshots of a pod index (create, list, describe, delete).

A new pod index created from a collection (API ≤ 2025-10, ``spec.pod.source_collection``) is how a
pod index changes pod type or number of shards; ``control.create_index`` copies the records in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pinecone_ops.emulator import control, plans
from pinecone_ops.emulator.exceptions import AlreadyExists, InvalidArgument, NotFound
from pinecone_ops.emulator.models import Backend
from pinecone_ops.emulator.store import NamespaceStore


@dataclass
class Collection:
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


def registry(backend: Backend) -> dict[str, Collection]:
    reg = getattr(backend, "collections", None)
    if reg is None:
        reg = backend.collections = {}  # type: ignore[attr-defined]
    return reg


def get(backend: Backend, name: Any) -> Collection:
    col = registry(backend).get(name) if isinstance(name, str) else None
    if col is None:
        raise NotFound(f"Collection {name} not found.")
    return col


def create(backend: Backend, name: Any, source: Any) -> Collection:
    control.validate_name(name)
    if not isinstance(source, str) or not source:
        raise InvalidArgument("source must name the pod-based index to snapshot")
    idx = backend.get_index(source)
    if idx is None:
        raise NotFound(f"Index {source} not found.")
    if not idx.config.is_pod:
        raise InvalidArgument(f"Index {source} is serverless: collections can only be created from pod-based "
                              "indexes. Use a backup (create_backup) for serverless indexes.")
    with backend.lock:
        reg = registry(backend)
        if name in reg:
            raise AlreadyExists("Resource already exists.")
        plans.check_collections(backend, len(reg))
        nss = control.copy_namespaces(idx)
        col = Collection(name=name, source=source, environment=idx.config.deployment["environment"],
                         dimension=idx.config.dimension, metric=idx.config.metric,
                         vector_count=sum(ns.n for ns in nss.values()),
                         size=sum(ns.total_bytes for ns in nss.values()), created_at=backend.clock(),
                         namespaces=nss)
        reg[name] = col
    return col


def list_all(backend: Backend) -> list[Collection]:
    with backend.lock:
        return [c for _, c in sorted(registry(backend).items())]


def delete(backend: Backend, name: str) -> Collection:
    with backend.lock:
        col = get(backend, name)
        del registry(backend)[name]
    return col
