"""Collections: static snapshots of a pod index (create, list, describe, delete).

A new pod index created from a collection (API ≤ 2025-10, ``spec.pod.source_collection``) is how a
pod index changes pod type or number of shards; :func:`seed` gives ``indexes.create_index`` the records to copy in.
"""
from __future__ import annotations

import copy
from typing import Any

from pinecone_ops.emulator.calls import LATEST
from pinecone_ops.emulator.control import quotas
from pinecone_ops.emulator.control.names import validate_name
from pinecone_ops.emulator.exceptions import AlreadyExists, InvalidArgument, NotFound
from pinecone_ops.emulator.state import Backend, Collection
from pinecone_ops.emulator.storage.store import NamespaceStore


def get(backend: Backend, name: Any) -> Collection:
    col = backend.collections.get(name) if isinstance(name, str) else None
    if col is None:
        raise NotFound(f"Collection {name} not found.")
    return col


def seed(backend: Backend, name: Any, dimension: Any, version: str) -> dict[str, NamespaceStore]:
    """The records a new pod index created from collection ``name`` starts with (API ≤ 2025-10)."""
    if version >= LATEST:
        raise InvalidArgument("Creating an index from collection or backup is not yet supported")
    col = get(backend, name)
    if col.dimension != dimension:
        raise InvalidArgument(f"Index dimension {dimension} does not match the dimension of collection "
                              f"{col.name} ({col.dimension})")
    return copy.deepcopy(col.namespaces)


def create(backend: Backend, name: Any, source: Any, *, now: float | None = None) -> Collection:
    validate_name(name)
    if not isinstance(source, str) or not source:
        raise InvalidArgument("source must name the pod-based index to snapshot")
    idx = backend.get_index(source)
    if idx is None:
        raise NotFound(f"Index {source} not found.")
    if not idx.config.is_pod:
        raise InvalidArgument(f"Index {source} is serverless: collections can only be created from pod-based "
                              "indexes. Use a backup (create_backup) for serverless indexes.")
    with backend.lock:
        reg = backend.collections
        if name in reg:
            raise AlreadyExists("Resource already exists.")
        quotas.check_collections(backend, len(reg))
        nss = idx.copy_namespaces()
        col = Collection(name=name, source=source, environment=idx.config.deployment["environment"],
                         dimension=idx.config.dimension, metric=idx.config.metric,
                         vector_count=sum(ns.n for ns in nss.values()),
                         size=sum(ns.total_bytes for ns in nss.values()),
                         created_at=backend.clock() if now is None else now,
                         namespaces=nss)
        reg[name] = col
    return col


def list_all(backend: Backend) -> list[Collection]:
    with backend.lock:
        return [c for _, c in sorted(backend.collections.items())]


def delete(backend: Backend, name: str) -> Collection:
    with backend.lock:
        col = get(backend, name)
        del backend.collections[name]
    return col
