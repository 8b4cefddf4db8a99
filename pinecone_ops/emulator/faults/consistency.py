"""The eventual-consistency fault (option ``consistency_lag_ms``): writes are acknowledged at once
but reach what query / fetch / list / stats read only that much later.

Reads are served by the index's :class:`~pinecone_ops.emulator.state.Replica`, which repeats the
acknowledged writes in order, through the operations catalogue, once they are due.
A write's ``x-pinecone-request-lsn`` (and ``x-pinecone-lsn-committed``, the last acknowledged write)
is the LSN it landed at; a read's ``x-pinecone-max-indexed-lsn`` (and ``x-pinecone-lsn-reconciled``)
the last write it can see, so a careful client waits until that is ≥ the LSN its write returned.
"""
from __future__ import annotations

import math
import time

from pinecone_ops.emulator import catalogue
from pinecone_ops.emulator.calls import Call, Operation, Result
from pinecone_ops.emulator.exceptions import PineconeError
from pinecone_ops.emulator.state import Backend, Index, Replica, Shadow


def _lag_ms(backend: Backend, idx: Index) -> int:
    return backend.fault(idx.name, "consistency_lag_ms")


def catch_up(replica: Replica, now: float) -> None:
    """Apply the queued writes that are due by ``now``."""
    with replica.lock:
        while replica.queue and replica.queue[0][0] <= now:
            _, lsn, call = replica.queue.popleft()
            on_index = catalogue.get(call.operation).on_index
            try:
                if on_index is not None:
                    on_index(replica.shadow, replica.index, call)
            except PineconeError:
                pass  # it succeeded on the primary; the replica only mirrors it
            replica.index.lsn = lsn


def route(backend: Backend, op: Operation, call: Call) -> None:
    """Before a data-plane call: reads go to the lagging replica; the first write under lag
    starts one."""
    if not op.data_plane or call.index_name is None:
        return
    idx = backend.get_index(call.index_name)
    if idx is None:
        return
    lagging = _lag_ms(backend, idx)
    if op.write:
        if idx.replica is None and lagging:
            idx.replica = Replica(idx, Shadow(backend.options))
        return
    replica = idx.replica
    if replica is None:
        return
    if not lagging:
        catch_up(replica, math.inf)  # the fault was switched off: everything is visible now
        idx.replica = None
        return
    catch_up(replica, time.monotonic())
    call.view = replica.index


def replicate(backend: Backend, op: Operation, call: Call, result: Result) -> None:
    """After an acknowledged data-plane write: queue it for the replica, due after the lag."""
    if not op.data_plane or not op.write or call.index_name is None:
        return
    idx = backend.get_index(call.index_name)
    replica = None if idx is None else idx.replica
    if idx is None or replica is None:
        return
    due = time.monotonic() + _lag_ms(backend, idx) / 1000
    # A fresh copy of the call: the replica decodes the body itself and logs nothing.
    with replica.lock:
        replica.queue.append((due, idx.lsn, Call.from_journal(call.journal_entry())))


def lsn_headers(backend: Backend, op: Operation, call: Call, succeeded: bool = True) -> dict[str, str]:
    """The LSN headers of a data-plane response: Pinecone's current names — an acknowledged write's
    ``x-pinecone-request-lsn``, a read's ``x-pinecone-max-indexed-lsn`` (what SDK 10's
    ``response_info.lsn_committed`` / ``lsn_reconciled`` read first) — and, on every response, the
    older ``x-pinecone-lsn-committed`` / ``-reconciled`` (SDK 10's fallback; course code reads them)."""
    idx = None if call.index_name is None else backend.get_index(call.index_name)
    if idx is None:
        return {}
    committed = reconciled = idx.lsn
    replica = idx.replica
    if replica is not None:
        catch_up(replica, time.monotonic() if _lag_ms(backend, idx) else math.inf)
        reconciled = replica.index.lsn
    out = {"x-pinecone-lsn-committed": str(committed), "x-pinecone-lsn-reconciled": str(reconciled)}
    if not op.write:
        out["x-pinecone-max-indexed-lsn"] = str(reconciled)
    elif succeeded:
        out["x-pinecone-request-lsn"] = str(committed)
    return out
