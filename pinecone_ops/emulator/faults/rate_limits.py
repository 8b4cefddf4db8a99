"""The rate-limit fault (option ``rate_limit_rps``): more than N requests of one data-plane
operation (query, upsert, fetch, …) in one second for one namespace → 429 with ``Retry-After``."""
from __future__ import annotations

import math
import time

from pinecone_ops.emulator.calls import Call, Operation
from pinecone_ops.emulator.exceptions import RateLimited
from pinecone_ops.emulator.options import PINECONE_NAMESPACE_RPS
from pinecone_ops.emulator.state import Backend


def admit(backend: Backend, op: Operation, call: Call) -> None:
    """429 when this (index, namespace, operation) is over its per-second limit."""
    index = call.index_name
    if op.plane == "control" or index is None:
        return
    limit = backend.fault(index, "rate_limit_rps")
    if not limit:
        return
    ns = call.namespace()
    # Pinecone counts each operation separately ("query / upsert / update / delete: N each").
    wait = backend.rate_windows.admit((index, ns, op.name), limit, time.monotonic())
    if wait is not None:
        retry = max(1, math.ceil(wait))
        why = (" This is Pinecone's documented default for on-demand serverless indexes: a workload needing "
               f"more than {limit}/s on one namespace must spread over namespaces or use dedicated read "
               "capacity." if limit == PINECONE_NAMESPACE_RPS else "")
        raise RateLimited(
            f"Request failed. You've reached the max {op.name} requests per second per namespace "
            f"({limit}) for namespace {ns!r} of index {index!r}. Retry after {retry} s, with backoff.{why}",
            headers={"Retry-After": str(retry)})
