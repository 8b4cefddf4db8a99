"""Durability with ``--data-dir``: an append-only journal, fsync'd before a write is acknowledged,
plus snapshots; on start the latest snapshot is loaded and the journal after it replayed.

* Journal (``journal.log``): records ``[length u32][crc32 u32][pickle]``, one per acknowledged
  change, written and ``fsync``'d by a commit hook, which runs after the change succeeded and before
  the response leaves. A record cut short by a crash (``kill -9``) fails its length or CRC check and
  is dropped with everything after it: it was never acknowledged.
* Data-plane writes are journalled as their request body and replayed through the same rules;
  control-plane changes as the resulting objects (index config, collection, backup, restore job).
* Snapshot (``snapshot.pkl``): the whole state, written to a temporary file, fsync'd and renamed
  over the old one, then the journal starts afresh. Each record carries a sequence number and the
  snapshot the last one it contains, so a crash between the rename and the truncation replays
  nothing twice.

Not kept: server options and per-index fault overrides (give them again at start), the request
log, and read units metered since the last snapshot (write units are re-metered on replay).
"""
from __future__ import annotations

import copy
import os
import pickle
import struct
import threading
import zlib
from pathlib import Path
from typing import Any

import orjson

from pinecone_ops.emulator import backups as backups_mod
from pinecone_ops.emulator import collections as collections_mod
from pinecone_ops.emulator.faults import DATA_WRITE, ReplayBackend, apply_write
from pinecone_ops.emulator.models import Backend, Index

_HEADER = struct.Struct("<II")
JOURNAL = "journal.log"
SNAPSHOT = "snapshot.pkl"
#: Compact the journal into a snapshot once it grows past this many bytes.
SNAPSHOT_AFTER_BYTES = 64 * 1024 * 1024


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_journal(path: Path) -> tuple[list[dict], int]:
    """Whole records of a journal, and the byte offset where the valid part ends."""
    records: list[dict] = []
    if not path.exists():
        return records, 0
    data = path.read_bytes()
    pos = 0
    while pos + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, pos)
        start, end = pos + _HEADER.size, pos + _HEADER.size + length
        if end > len(data) or zlib.crc32(data[start:end]) != crc:
            break
        try:
            records.append(pickle.loads(data[start:end]))
        except Exception:  # noqa: BLE001 - a damaged tail is dropped, never half-applied
            break
        pos = end
    return records, pos


class Store:
    """The data directory of one server."""

    def __init__(self, backend: Backend, directory: str) -> None:
        self.backend = backend
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.seq = 0
        self.replaying = False
        self.file: Any = None

    # -------------------------------------------------------------- writing
    def append(self, record: dict) -> None:
        if self.replaying:
            return
        with self.lock:
            self.seq += 1
            payload = pickle.dumps({**record, "seq": self.seq}, protocol=pickle.HIGHEST_PROTOCOL)
            self.file.write(_HEADER.pack(len(payload), zlib.crc32(payload)) + payload)
            self.file.flush()
            os.fsync(self.file.fileno())
            big = self.file.tell() > SNAPSHOT_AFTER_BYTES
        if big:
            self.snapshot()

    def snapshot(self) -> None:
        """Write the whole state atomically, then start an empty journal."""
        b = self.backend
        with self.lock, b.lock:
            state = {
                "seq": self.seq,
                "indexes": {n: (i.config, i.namespaces, i.lsn) for n, i in b.indexes.items()},
                "collections": getattr(b, "collections", {}),
                "backups": getattr(b, "backups", {}),
                "restore_jobs": getattr(b, "restore_jobs", {}),
                "ledger": b.ledger.usage(),
            }
            tmp = self.dir / (SNAPSHOT + ".tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.dir / SNAPSHOT)
            _fsync_dir(self.dir)
            self.file.seek(0)
            self.file.truncate()
            self.file.flush()
            os.fsync(self.file.fileno())

    # -------------------------------------------------------------- reading
    def load(self) -> int:
        """Load the snapshot and replay the journal; returns how many records were replayed."""
        b = self.backend
        snap_seq = 0
        path = self.dir / SNAPSHOT
        if path.exists():
            with open(path, "rb") as fh:
                state = pickle.load(fh)
            snap_seq = state["seq"]
            for name, (cfg, namespaces, lsn) in state["indexes"].items():
                idx = Index(cfg)
                idx.namespaces, idx.lsn = namespaces, lsn
                b.indexes[name] = idx
            b.collections = state["collections"]  # type: ignore[attr-defined]
            b.backups = state["backups"]  # type: ignore[attr-defined]
            b.restore_jobs = state["restore_jobs"]  # type: ignore[attr-defined]
            for index, nss in state["ledger"].items():
                for ns, u in nss.items():
                    b.ledger.charge(index, ns, read_units=u["read_units"], write_units=u["write_units"])
        journal = self.dir / JOURNAL
        records, valid = read_journal(journal)
        replayed = 0
        self.replaying = True
        try:
            for rec in records:
                if rec["seq"] <= snap_seq:
                    continue
                replay(b, rec)
                replayed += 1
        finally:
            self.replaying = False
        self.seq = max([snap_seq] + [r["seq"] for r in records])
        self.file = open(journal, "ab")
        if self.file.tell() > valid:  # drop a torn tail so new records follow whole ones
            self.file.truncate(valid)
            self.file.seek(valid)
            os.fsync(self.file.fileno())
        return replayed

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


# -------------------------------------------------------------- what is journalled, and replay

async def record_for(backend: Backend, rec: Any, request: Any) -> dict | None:
    """The journal record of a request that just succeeded (None: it changed nothing durable)."""
    op = rec.operation
    if op == "delete_namespace":
        return {"op": op, "index": rec.index, "payload": request.path_params["namespace"]}
    if op in DATA_WRITE:
        # The raw body (already read by the handler): cheaper to keep than a decoded copy.
        return {"op": op, "index": rec.index, "raw": await request.body()}
    if op == "create_index":
        idx = backend.get_index(rec.index)
        return {"op": op, "config": copy.deepcopy(idx.config), "collection": idx.config.extra.get("source_collection")}
    if op == "configure_index":
        idx = backend.get_index(request.path_params["index_name"])
        return {"op": op, "config": copy.deepcopy(idx.config)}
    if op == "delete_index":
        return {"op": op, "index": request.path_params["index_name"]}
    if op == "create_collection":
        return {"op": op, "collection": collections_mod.get(backend, rec.params["collection"])}
    if op == "delete_collection":
        return {"op": op, "name": request.path_params["collection_name"]}
    if op == "create_backup":
        return {"op": op, "backup": backups_mod.get(backend, rec.params["backup_id"])}
    if op == "delete_backup":
        return {"op": op, "backup_id": request.path_params["backup_id"]}
    if op == "create_index_from_backup":
        job = backups_mod.get_job(backend, rec.params["restore_job_id"])
        return {"op": op, "config": copy.deepcopy(backend.get_index(rec.index).config), "job": job}
    return None


def replay(b: Backend, rec: dict) -> None:
    op = rec["op"]
    if op in DATA_WRITE:
        idx = b.indexes.get(rec["index"])
        if idx is not None:
            shim = ReplayBackend(b)
            shim.ledger = b.ledger  # re-meter write units
            payload = orjson.loads(rec["raw"]) if "raw" in rec else rec["payload"]
            apply_write(shim, idx, op, payload)
    elif op == "create_index":
        idx = Index(rec["config"])
        if rec.get("collection"):
            idx.namespaces = copy.deepcopy(collections_mod.get(b, rec["collection"]).namespaces)
        b.indexes[idx.name] = idx
    elif op == "configure_index":
        if rec["config"].name in b.indexes:
            b.indexes[rec["config"].name].config = rec["config"]
    elif op == "delete_index":
        idx = b.indexes.pop(rec["index"], None)
        if idx is not None:
            backups_mod.mark_source_deleted(b, idx)
    elif op == "create_collection":
        collections_mod.registry(b)[rec["collection"].name] = rec["collection"]
    elif op == "delete_collection":
        collections_mod.registry(b).pop(rec["name"], None)
    elif op == "create_backup":
        backups_mod.registries(b)[0][rec["backup"].backup_id] = rec["backup"]
    elif op == "delete_backup":
        backups_mod.registries(b)[0].pop(rec["backup_id"], None)
    elif op == "create_index_from_backup":
        job = rec["job"]
        idx = Index(rec["config"])
        idx.namespaces = copy.deepcopy(backups_mod.get(b, job.backup_id).namespaces)
        b.indexes[idx.name] = idx
        backups_mod.registries(b)[1][job.restore_job_id] = job
    elif op == "reset":
        b.reset()


def install(backend: Backend) -> Store:
    """Load ``backend.data_dir`` into ``backend`` and journal every change from now on."""
    store = Store(backend, str(backend.data_dir))
    store.load()

    async def commit(rec: Any, request: Any, result: Any) -> None:
        record = await record_for(backend, rec, request)
        if record is not None:
            store.append(record)

    backend.commit_hooks.append(commit)
    backend.reset_hooks.append(lambda: store.append({"op": "reset"}))
    backend.persistence = store  # type: ignore[attr-defined]
    return store
