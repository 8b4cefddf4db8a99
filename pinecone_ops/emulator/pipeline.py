"""The request pipeline: every call to the local Pinecone passes the same ordered stages.

    authenticate → check readiness → admit (rate limit) → route (replica for lagging reads)
      → operation → replicate → journal → log

Stages before the operation may refuse the call by raising a
:class:`~pinecone_ops.emulator.exceptions.PineconeError`; stages after it see its result. Admin
calls (``/_ops``) only run the admin-key check, the operation and the journal: they are not
Pinecone API calls.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pinecone_ops.emulator import catalogue, journal
from pinecone_ops.emulator.calls import Call, Operation, Result
from pinecone_ops.emulator.exceptions import PineconeError
from pinecone_ops.emulator.faults import consistency, keys, rate_limits, readiness
from pinecone_ops.emulator.state import Backend

logger = logging.getLogger(__name__)

Before = Callable[[Backend, Operation, Call], None]
After = Callable[[Backend, Operation, Call, Result], None]

#: In order. Each is one function in one module: that is where its behaviour lives.
BEFORE: tuple[Before, ...] = (keys.authenticate, readiness.check_ready, rate_limits.admit, consistency.route)
AFTER: tuple[After, ...] = (consistency.replicate, journal.record)


@dataclass
class Outcome:
    """What the HTTP layer renders: a result or an error, the plane, and extra headers."""

    plane: str
    result: Result | None = None
    error: PineconeError | None = None
    headers: dict[str, str] = field(default_factory=dict)


def handle(backend: Backend, call: Call) -> Outcome:
    """Run ``call`` through the pipeline; never raises (a bug becomes Pinecone's 500)."""
    op = catalogue.get(call.operation)
    if not op.pinecone_api:
        return _admin(backend, op, call)
    start = time.perf_counter()
    rec = call.record
    rec.index = call.index_name
    outcome = Outcome(op.plane, headers={"x-pinecone-request-id": call.request_id})
    try:
        for before in BEFORE:
            before(backend, op, call)
        outcome.result = op.run(backend, call)
        for after in AFTER:
            after(backend, op, call, outcome.result)
    except PineconeError as exc:
        outcome.error = exc
    except Exception as exc:  # a bug must not look like a hung or dead server
        logger.exception("local Pinecone: unexpected error in %s", op.name)
        outcome.error = PineconeError(f"Internal error in the local Pinecone: {exc!r}")
    if op.data_plane:
        outcome.headers.update(consistency.lsn_headers(backend, op, call, outcome.error is None))
    if outcome.error is not None:
        rec.status = outcome.error.status
    elif outcome.result is not None:
        rec.status = outcome.result.status
    rec.latency_ms = round((time.perf_counter() - start) * 1000, 3)
    backend.log.append(rec)
    return outcome


def _admin(backend: Backend, op: Operation, call: Call) -> Outcome:
    outcome = Outcome(op.plane)
    try:
        keys.authenticate_admin(backend, op, call)
        outcome.result = op.run(backend, call)
        journal.record(backend, op, call, outcome.result)
    except PineconeError as exc:
        outcome.error = exc
    return outcome
