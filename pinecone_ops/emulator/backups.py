"""Serverless backups and restores: create, list, describe, delete; restore into a new index.

Backups are complete, independent copies taken at once (status ``Ready``); restores complete at
once too, and their restore job reads ``Completed``. A backup outlives its source index
(``source_index_deleted_at``), as on Pinecone.
"""
from __future__ import annotations

import base64
import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

from pinecone_ops.emulator import control, plans
from pinecone_ops.emulator.exceptions import InvalidArgument, NotFound
from pinecone_ops.emulator.models import Backend, Index, IndexConfig
from pinecone_ops.emulator.store import NamespaceStore


@dataclass
class Backup:
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


@dataclass
class RestoreJob:
    restore_job_id: str
    backup_id: str
    target_index_name: str
    target_index_id: str
    created_at: float
    completed_at: float
    status: str = "Completed"


def registries(backend: Backend) -> tuple[dict[str, Backup], dict[str, RestoreJob]]:
    if not hasattr(backend, "backups"):
        backend.backups = {}  # type: ignore[attr-defined]
        backend.restore_jobs = {}  # type: ignore[attr-defined]
    return backend.backups, backend.restore_jobs  # type: ignore[attr-defined]


def create(backend: Backend, index_name: str, *, name: Any = None, description: Any = None,
           backup_id: str | None = None) -> Backup:
    """Back up serverless index ``index_name`` now (``backup_id`` is given only on journal replay)."""
    if name is not None:
        control.validate_name(name)
    if description is not None and not isinstance(description, str):
        raise InvalidArgument("description must be a string")
    idx = backend.get_index(index_name)
    if idx is None:
        raise NotFound(f"Index {index_name} not found.")
    cfg = idx.config
    if cfg.is_pod:
        raise InvalidArgument(f"Index {index_name} is pod-based: backups are for serverless indexes. "
                              "Use a collection (create_collection) to snapshot a pod-based index.")
    backups, _ = registries(backend)
    with backend.lock:
        plans.check_backups(backend, len(backups))
        nss = control.copy_namespaces(idx)
        b = Backup(backup_id=backup_id or str(uuid.uuid4()), source_index_name=index_name,
                   source_index_id=control.index_id(idx), cloud=cfg.deployment.get("cloud", "aws"),
                   region=cfg.deployment.get("region", "us-east-1"), name=name, description=description,
                   config=copy.deepcopy(cfg), record_count=sum(ns.n for ns in nss.values()),
                   namespace_count=len(nss), size_bytes=sum(ns.total_bytes for ns in nss.values()),
                   tags=dict(cfg.tags) if cfg.tags else None, created_at=backend.clock(), namespaces=nss)
        backups[b.backup_id] = b
    return b


def get(backend: Backend, backup_id: Any) -> Backup:
    b = registries(backend)[0].get(backup_id) if isinstance(backup_id, str) else None
    if b is None:
        raise NotFound(f"Backup {backup_id} not found.")
    return b


def mark_source_deleted(backend: Backend, idx: Index) -> None:
    for b in registries(backend)[0].values():
        if b.source_index_name == idx.name and b.source_index_id == control.index_id(idx):
            b.source_deleted_at = backend.clock()


def list_backups(backend: Backend, index_name: str | None = None, include_deleted: bool = True) -> list[Backup]:
    if index_name is not None and backend.get_index(index_name) is None and not include_deleted:
        raise NotFound(f"Index {index_name} not found.")
    with backend.lock:
        items = sorted(registries(backend)[0].values(), key=lambda b: (b.created_at, b.backup_id))
    if index_name is not None:
        items = [b for b in items if b.source_index_name == index_name
                 and (include_deleted or b.source_deleted_at is None)]
    return items


def delete(backend: Backend, backup_id: str) -> Backup:
    with backend.lock:
        b = get(backend, backup_id)
        del registries(backend)[0][backup_id]
    return b


def restore(backend: Backend, backup_id: str, *, name: Any, tags: Any = None, deletion_protection: Any = None,
            read_capacity: Any = None, restore_job_id: str | None = None) -> tuple[Index, RestoreJob]:
    """Create index ``name`` from a backup; returns the index and its (completed) restore job."""
    b = get(backend, backup_id)
    cfg = b.config
    idx = control.create_index(
        backend, name=name, dimension=cfg.dimension, metric=cfg.metric, vector_type=cfg.vector_type,
        deployment=dict(cfg.deployment), schema_fields=dict(cfg.schema_fields),
        deletion_protection=deletion_protection or "disabled", tags=tags if tags is not None else b.tags,
        namespaces=copy.deepcopy(b.namespaces), extra={"source_backup_id": b.backup_id})
    if isinstance(read_capacity, dict) and read_capacity.get("mode") in ("OnDemand", "Dedicated"):
        idx.config.read_capacity = {**read_capacity, "status": {"state": "Ready"}}
    now = backend.clock()
    job = RestoreJob(restore_job_id=restore_job_id or str(uuid.uuid4()), backup_id=b.backup_id,
                     target_index_name=idx.name, target_index_id=control.index_id(idx),
                     created_at=now, completed_at=now)
    registries(backend)[1][job.restore_job_id] = job
    return idx, job


def get_job(backend: Backend, job_id: Any) -> RestoreJob:
    job = registries(backend)[1].get(job_id) if isinstance(job_id, str) else None
    if job is None:
        raise NotFound(f"Restore job {job_id} not found.")
    return job


def list_jobs(backend: Backend) -> list[RestoreJob]:
    with backend.lock:
        return sorted(registries(backend)[1].values(), key=lambda j: (j.created_at, j.restore_job_id))


def paginate(items: list, limit: Any, token: Any) -> tuple[list, str | None]:
    """One page of ``items`` (``limit`` 1–100, default 10); the token carries offset and page size."""
    offset = 0
    if token not in (None, ""):
        try:
            offset_s, _, limit_s = base64.urlsafe_b64decode(str(token).encode()).decode().partition(":")
            offset, limit = int(offset_s), int(limit_s)
        except (ValueError, UnicodeDecodeError):
            raise InvalidArgument("Invalid pagination token") from None
    if limit in (None, ""):
        limit = 10
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise InvalidArgument("limit must be an integer between 1 and 100") from None
    if not 1 <= limit <= 100 or offset < 0:
        raise InvalidArgument("limit must be an integer between 1 and 100")
    page = items[offset:offset + limit]
    more = offset + limit < len(items)
    nxt = base64.urlsafe_b64encode(f"{offset + limit}:{limit}".encode()).decode() if more else None
    return page, nxt
