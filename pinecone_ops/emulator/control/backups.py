"""Serverless backups and restores: create, list, describe, delete; restore into a new index.

Backups are complete, independent copies taken at once (status ``Ready``); restores complete at
once too, and their restore job reads ``Completed``. A backup outlives its source index
(``source_index_deleted_at``), as on Pinecone.
"""
from __future__ import annotations

import copy
import uuid
from typing import Any

from pinecone_ops.emulator import pagination
from pinecone_ops.emulator.control import indexes, quotas
from pinecone_ops.emulator.control.names import validate_name
from pinecone_ops.emulator.exceptions import InvalidArgument, NotFound
from pinecone_ops.emulator.state import Backend, Backup, Index, RestoreJob
from pinecone_ops.emulator.storage.documents import DocumentNamespace
from pinecone_ops.emulator.storage.store import NamespaceStore


def create(backend: Backend, index_name: str, *, name: Any = None, description: Any = None,
           backup_id: str | None = None, now: float | None = None) -> Backup:
    """Back up serverless index ``index_name`` now (``backup_id``, ``now``: the journal replays a
    call with the id and time it had)."""
    if name is not None:
        validate_name(name)
    if description is not None and not isinstance(description, str):
        raise InvalidArgument("description must be a string")
    idx = backend.get_index(index_name)
    if idx is None:
        raise NotFound(f"Index {index_name} not found.")
    cfg = idx.config
    if cfg.is_pod:
        raise InvalidArgument(f"Index {index_name} is pod-based: backups are for serverless indexes. "
                              "Use a collection (create_collection) to snapshot a pod-based index.")
    backups = backend.backups
    with backend.lock:
        quotas.check_backups(backend, len(backups))
        nss, docs = idx.copy_namespaces(), idx.copy_documents()
        held: list[NamespaceStore | DocumentNamespace] = [*nss.values(), *docs.values()]
        b = Backup(backup_id=backup_id or str(uuid.uuid4()), source_index_name=index_name,
                   source_index_id=idx.id, cloud=cfg.deployment.get("cloud", "aws"),
                   region=cfg.deployment.get("region", "us-east-1"), name=name, description=description,
                   config=copy.deepcopy(cfg), record_count=sum(ns.n for ns in held),
                   namespace_count=len(held), size_bytes=sum(ns.total_bytes for ns in held),
                   tags=dict(cfg.tags) if cfg.tags else None,
                   created_at=backend.clock() if now is None else now, namespaces=nss, documents=docs)
        backups[b.backup_id] = b
    return b


def get(backend: Backend, backup_id: Any) -> Backup:
    b = backend.backups.get(backup_id) if isinstance(backup_id, str) else None
    if b is None:
        raise NotFound(f"Backup {backup_id} not found.")
    return b


def mark_source_deleted(backend: Backend, idx: Index, *, now: float | None = None) -> None:
    """A backup outlives its source: it records when the source was deleted."""
    for b in backend.backups.values():
        if b.source_index_name == idx.name and b.source_index_id == idx.id:
            b.source_deleted_at = backend.clock() if now is None else now


def list_backups(backend: Backend, index_name: str | None = None, include_deleted: bool = True) -> list[Backup]:
    if index_name is not None and backend.get_index(index_name) is None and not include_deleted:
        raise NotFound(f"Index {index_name} not found.")
    with backend.lock:
        items = sorted(backend.backups.values(), key=lambda b: (b.created_at, b.backup_id))
    if index_name is not None:
        items = [b for b in items if b.source_index_name == index_name
                 and (include_deleted or b.source_deleted_at is None)]
    return items


def delete(backend: Backend, backup_id: str) -> Backup:
    with backend.lock:
        b = get(backend, backup_id)
        del backend.backups[backup_id]
    return b


def restore(backend: Backend, backup_id: str, *, name: Any, tags: Any = None, deletion_protection: Any = None,
            read_capacity: Any = None, restore_job_id: str | None = None,
            now: float | None = None) -> tuple[Index, RestoreJob]:
    """Create index ``name`` from a backup; returns the index and its (completed) restore job."""
    b = get(backend, backup_id)
    cfg = b.config
    idx = indexes.create_index(
        backend, name=name, dimension=cfg.dimension, metric=cfg.metric, vector_type=cfg.vector_type,
        deployment=dict(cfg.deployment), schema_fields=dict(cfg.schema_fields),
        deletion_protection=deletion_protection or "disabled", tags=tags if tags is not None else b.tags,
        namespaces=copy.deepcopy(b.namespaces), documents=copy.deepcopy(b.documents),
        extra={"source_backup_id": b.backup_id}, now=now, api=cfg.api)
    if isinstance(read_capacity, dict) and read_capacity.get("mode") in ("OnDemand", "Dedicated"):
        idx.config.read_capacity = {**read_capacity, "status": {"state": "Ready"}}
    now = idx.config.created_at
    job = RestoreJob(restore_job_id=restore_job_id or str(uuid.uuid4()), backup_id=b.backup_id,
                     target_index_name=idx.name, target_index_id=idx.id,
                     created_at=now, completed_at=now)
    backend.restore_jobs[job.restore_job_id] = job
    return idx, job


def get_job(backend: Backend, job_id: Any) -> RestoreJob:
    job = backend.restore_jobs.get(job_id) if isinstance(job_id, str) else None
    if job is None:
        raise NotFound(f"Restore job {job_id} not found.")
    return job


def list_jobs(backend: Backend) -> list[RestoreJob]:
    with backend.lock:
        return sorted(backend.restore_jobs.values(), key=lambda j: (j.created_at, j.restore_job_id))


def paginate(items: list, sort_key: Any, limit: Any, token: Any) -> tuple[list, str | None]:
    """One page of ``items`` sorted by ``sort_key`` (``limit`` 1–100, default 10; the page size
    of the first page sticks to its tokens)."""
    after, token_limit = pagination.decode(token)
    if token_limit is not None:
        limit = token_limit
    if limit in (None, ""):
        limit = 10
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise InvalidArgument("limit must be an integer between 1 and 100") from None
    if not 1 <= limit <= 100:
        raise InvalidArgument("limit must be an integer between 1 and 100")
    if after is not None:
        if not isinstance(after, list):
            raise InvalidArgument("Invalid pagination token")
        items = [x for x in items if list(sort_key(x)) > after]
    page = items[:limit]
    nxt = pagination.encode(list(sort_key(page[-1])), limit) if len(items) > limit else None
    return page, nxt
