"""Durability with ``--data-dir``: an append-only journal, fsync'd before a write is acknowledged,
plus snapshots; on start the latest snapshot is loaded and the journal after it replayed.

* Journal (``journal.log``): records ``[length u32][crc32 u32][pickle]``, one per acknowledged
  change, written and ``fsync``'d by the pipeline's journal stage, which runs after the change
  succeeded and before the response leaves. A record cut short by a crash (``kill -9``) fails its
  length or CRC check and is dropped with everything after it: it was never acknowledged.
* Every journaled operation of the catalogue (``Operation.journaled``) is kept as its call (path,
  query, raw body, API version, time, request id) and replayed through the same catalogue entry
  and rules; ids and times a call creates derive from its request id and time, so a replay
  recreates exactly what the first run did.
* Snapshot (``snapshot.pkl``): the whole durable state (what ``Backend`` declares), written to a
  temporary file, fsync'd and renamed over the old one, then the journal starts afresh. Each record
  carries a sequence number and the snapshot the last one it contains, so a crash between the
  rename and the truncation replays nothing twice.

Not kept: server options and per-index fault overrides (give them again at start), the request
log, and read units metered since the last snapshot (write units are re-metered on replay).
"""
from __future__ import annotations

import contextlib
import os
import pickle
import struct
import threading
import zlib
from pathlib import Path
from typing import Any

from pinecone_ops.emulator import catalogue
from pinecone_ops.emulator.calls import Call, Operation, Result
from pinecone_ops.emulator.exceptions import PineconeError
from pinecone_ops.emulator.state import Backend, Index

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
        except Exception:  # a damaged tail is dropped, never half-applied
            break
        pos = end
    return records, pos


class FileJournal:
    """The data directory of one server: its journal and snapshot."""

    def __init__(self, backend: Backend, directory: str) -> None:
        self.backend = backend
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.seq = 0
        self.file: Any = None

    # -------------------------------------------------------------- writing
    def append(self, record: dict) -> None:
        if self.backend.replaying:
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
                "indexes": {n: (i.config, i.namespaces, i.lsn, i.documents, i.aliases) for n, i in b.indexes.items()},
                "collections": b.collections,
                "backups": b.backups,
                "restore_jobs": b.restore_jobs,
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
            for name, (cfg, namespaces, lsn, *rest) in state["indexes"].items():
                idx = Index(cfg)
                idx.namespaces, idx.lsn = namespaces, lsn
                idx.documents = rest[0] if rest else {}
                idx.aliases = rest[1] if len(rest) > 1 else {}
                b.indexes[name] = idx
            b.collections = state["collections"]
            b.backups = state["backups"]
            b.restore_jobs = state["restore_jobs"]
            for index, nss in state["ledger"].items():
                for ns, u in nss.items():
                    b.ledger.charge(index, ns, read_units=u["read_units"], write_units=u["write_units"])
        journal = self.dir / JOURNAL
        records, valid = read_journal(journal)
        replayed = 0
        b.replaying = True
        try:
            for rec in records:
                if rec["seq"] <= snap_seq:
                    continue
                replay(b, rec)
                replayed += 1
        finally:
            b.replaying = False
        self.seq = max([snap_seq] + [r["seq"] for r in records])
        self.file = open(journal, "ab")  # noqa: SIM115 - stays open for the server's lifetime (close())
        if self.file.tell() > valid:  # drop a torn tail so new records follow whole ones
            self.file.truncate(valid)
            self.file.seek(valid)
            os.fsync(self.file.fileno())
        return replayed

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


# -------------------------------------------------------------- the pipeline stage, and replay

def record(backend: Backend, op: Operation, call: Call, result: Result) -> None:
    """Pipeline stage: keep an acknowledged change before its response leaves."""
    if op.journaled and backend.journal is not None:
        backend.journal.append(call.journal_entry())


def replay(backend: Backend, entry: dict) -> None:
    """Repeat one journaled call through its catalogue entry (it succeeded when it was made)."""
    call = Call.from_journal(entry)
    with contextlib.suppress(PineconeError):
        catalogue.get(call.operation).run(backend, call)


def open_journal(backend: Backend) -> FileJournal:
    """Load ``backend.data_dir`` into ``backend`` and journal every change from now on."""
    journal = FileJournal(backend, str(backend.data_dir))
    journal.load()
    backend.journal = journal
    return journal
