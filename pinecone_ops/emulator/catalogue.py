"""The operations catalogue: every operation the local Pinecone serves, by name, with its plane,
whether it writes and whether the journal keeps it. The request pipeline, API-key roles, rate
limits, replication, the journal and the request log all key on these entries.

Planes: ``control`` (``/indexes``, collections, backups), ``vectors`` and ``documents`` (an index's
host: the Vectors and the Documents API), ``admin`` (``/_ops``). A new plane adds its module's
``OPERATIONS`` here.
"""
from __future__ import annotations

from pinecone_ops.emulator import admin
from pinecone_ops.emulator.calls import Operation
from pinecone_ops.emulator.control import operations as control_operations
from pinecone_ops.emulator.documents import operations as document_operations
from pinecone_ops.emulator.vectors import operations as vector_operations


def _merge(*tables: dict[str, Operation]) -> dict[str, Operation]:
    merged: dict[str, Operation] = {}
    for table in tables:
        clash = set(merged) & set(table)
        if clash:
            raise RuntimeError(f"operation names must be unique across planes: {sorted(clash)}")
        merged.update(table)
    return merged


OPERATIONS: dict[str, Operation] = _merge(control_operations.OPERATIONS, vector_operations.OPERATIONS,
                                          document_operations.OPERATIONS, admin.OPERATIONS)


def get(name: str) -> Operation:
    return OPERATIONS[name]
