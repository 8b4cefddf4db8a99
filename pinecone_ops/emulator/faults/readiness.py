"""The "index not ready" fault (option ``index_init_ms``): a new index is ``Initializing`` that
long, and data-plane calls to it meet 503 UNAVAILABLE meanwhile."""
from __future__ import annotations

from pinecone_ops.emulator.calls import Call, Operation
from pinecone_ops.emulator.control.indexes import refresh_state
from pinecone_ops.emulator.exceptions import NotReady
from pinecone_ops.emulator.state import Backend


def check_ready(backend: Backend, op: Operation, call: Call) -> None:
    """503 for a data-plane call to an index that is still Initializing."""
    if op.plane == "control" or call.index_name is None:
        return
    idx = backend.get_index(call.index_name)
    if idx is not None and refresh_state(backend, idx).config.state == "Initializing":
        raise NotReady(f"Index {idx.name} is not ready yet (status Initializing). Wait until "
                       f"describe_index('{idx.name}').status.ready is True, then retry.")
