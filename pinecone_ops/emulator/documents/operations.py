"""The Documents API's operations (plane ``documents``): each checks the index is a document
index, picks the index a call reads (the lagging replica under consistency lag) and applies its
rule from ``records``. Writes answer 202, as the 2026-07 spec says (Pinecone applies them
asynchronously; here they are visible at once unless the consistency-lag fault is on)."""
from __future__ import annotations

from typing import Any

from pinecone_ops.emulator.calls import Call, OnIndex, Operation, Result
from pinecone_ops.emulator.documents import records
from pinecone_ops.emulator.exceptions import InvalidArgument, PayloadTooLarge
from pinecone_ops.emulator.state import Backend, Index, RuleContext
from pinecone_ops.emulator.vectors import aliases
from pinecone_ops.emulator.vectors.operations import target
from pinecone_ops.emulator.vectors.validation import MAX_UPSERT_BYTES

WRONG_API = ("Index {name} is a vector index (created with dimension/metric, or a schema of only _values / "
             "_sparse_values): it is served by the Vectors API (index.upsert, index.query, …), not the Documents "
             "API. An index stays on the API it was created with; create an index with a schema of named fields "
             "to use index.documents.")


def _on_body(rule: Any, use: str) -> OnIndex:
    def apply(ctx: RuleContext, idx: Index, call: Call) -> Any:
        if idx.config.api != "documents":
            raise InvalidArgument(WRONG_API.format(name=idx.name))
        if len(call.raw) > MAX_UPSERT_BYTES:
            raise PayloadTooLarge(f"Request size {len(call.raw) / 1e6:.1f}MB exceeds the maximum supported size "
                                  "of 2MB")
        ns = records.namespace_name(call.path.get("namespace"), call.record)
        if idx.aliases:
            ns = _through_alias(idx, ns, use, call)
        return rule(ctx, idx, ns, call.object(), call.record)
    return apply


def _through_alias(idx: Index, ns: str, use: str, call: Call) -> str:
    """Reads through an alias see its target; writes to one are refused (``vectors/aliases.py``)."""
    if use == "read":
        target_ns = aliases.resolve(idx, ns)
        if target_ns != ns:
            call.record.params["alias"] = ns
            call.record.namespace = target_ns
        return target_ns
    if use == "upsert":
        aliases.check_upsert(idx, ns)
    else:
        aliases.check_change(idx, ns, documents=True)
    return ns


def _op(name: str, rule: Any, *, write: bool = False, use: str = "read") -> Operation:
    on_index = _on_body(rule, use)
    status = 202 if write else 200

    def run(backend: Backend, call: Call) -> Result:
        idx = call.view or target(backend, call)
        return Result(on_index(backend, idx, call), status)

    return Operation(name=name, plane="documents", write=write, journaled=write, run=run, on_index=on_index)


#: name → operation (the names are the spec's operation ids, as the request log shows them).
OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    _op("upsert_documents", records.upsert, write=True, use="upsert"),
    _op("search_documents", records.search),
    _op("fetch_documents", records.fetch),
    _op("update_documents", records.update, write=True, use="change"),
    _op("delete_documents", records.delete, write=True, use="change"),
    _op("list_documents", records.list_ids),
)}
