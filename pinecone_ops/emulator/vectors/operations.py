"""The vector data plane's operations (under an index's host): each picks the index a call is
about — the lagging replica a read is served from under consistency lag — and applies its rule."""
from __future__ import annotations

from typing import Any

from pinecone_ops.emulator.calls import Call, OnIndex, Operation, Result
from pinecone_ops.emulator.exceptions import HOSTED_MODELS, InvalidArgument, NotFound, Unimplemented
from pinecone_ops.emulator.state import Backend, Index, RuleContext
from pinecone_ops.emulator.vectors import aliases, namespaces, records


def target(backend: Backend, call: Call) -> Index:
    """The index a data-plane call addresses (404 when there is none)."""
    name = call.path["index_name"]
    idx = backend.get_index(name)
    if idx is None:
        raise NotFound(f"Index {name} not found")
    return idx


def _on_body(rule: Any) -> OnIndex:
    def apply(ctx: RuleContext, idx: Index, call: Call) -> Any:
        return rule(ctx, idx, call.object(), call.record)
    return apply


def _on_args(rule: Any) -> OnIndex:
    def apply(ctx: RuleContext, idx: Index, call: Call) -> Any:
        return rule(ctx, idx, call.args(), call.record)
    return apply


def _on_path_namespace(rule: Any) -> OnIndex:
    def apply(ctx: RuleContext, idx: Index, call: Call) -> Any:
        return rule(ctx, idx, call.path["namespace"], call.record)
    return apply


def _fetch(ctx: RuleContext, idx: Index, call: Call) -> Any:
    return records.fetch(ctx, idx, call.query.get("ids", []), call.arg("namespace"), call.record)


WRONG_API = ("Index {name} is a document index (created with a schema of named fields): it is served by the "
             "Documents API (index.documents.upsert / search / fetch / update / delete / list), not the Vectors "
             "API. An index stays on the API it was created with.")


def _op(name: str, on_index: OnIndex, *, write: bool = False) -> Operation:
    def run(backend: Backend, call: Call) -> Result:
        idx = call.view or target(backend, call)
        if idx.config.api != "vectors":
            raise InvalidArgument(WRONG_API.format(name=idx.name))
        return Result(on_index(backend, idx, call))

    return Operation(name=name, plane="vectors", write=write, journaled=write, run=run, on_index=on_index)


def _alias_op(name: str, rule: Any, *, write: bool = False) -> Operation:
    """A ``/namespace-aliases`` operation: on an index of either API; not repeated on a lagging
    replica (``on_index`` None), which shares the primary's aliases."""
    def run(backend: Backend, call: Call) -> Result:
        return Result(rule(target(backend, call), call))

    return Operation(name=name, plane="vectors", write=write, journaled=write, run=run)


#: Paths under an index's host that Pinecone serves and the local Pinecone deliberately does not,
#: by prefix, with the reason a learner is told.
NOT_EMULATED = {
    "records/": f"Integrated inference (index.upsert_records / index.search) {HOSTED_MODELS}",
    "bulk/imports": "Bulk imports read Parquet files from object storage (S3, GCS, Azure), which the local "
                    "Pinecone does not reach: upsert the records in batches instead (index.upsert(..., batch_size=))",
}


def unsupported(backend: Backend, call: Call) -> Result:
    """Any other path under an index's host: 501, after the key was checked like any call's."""
    rest = call.path.get("rest", "")
    reason = next((why for prefix, why in NOT_EMULATED.items() if rest.startswith(prefix)), None)
    raise Unimplemented(f"{call.method} {rest}: {reason}" if reason else
                        f"{call.method} {rest} is not supported by the local Pinecone")


#: name → operation (the names are the SDK's, as the request log shows them).
OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    _op("upsert", _on_body(records.upsert), write=True),
    _op("query", _on_body(records.query)),
    _op("fetch", _fetch),
    _op("fetch_by_metadata", _on_body(records.fetch_by_metadata)),
    _op("update", _on_body(records.update), write=True),
    _op("delete", _on_body(records.delete), write=True),
    _op("list", _on_args(records.list_ids)),
    _op("describe_index_stats", _on_body(records.describe_index_stats)),
    _op("list_namespaces", _on_args(namespaces.list_namespaces)),
    _op("create_namespace", _on_body(namespaces.create_namespace), write=True),
    _op("describe_namespace", _on_path_namespace(namespaces.describe_namespace)),
    _op("delete_namespace", _on_path_namespace(namespaces.delete_namespace), write=True),
    _alias_op("list_namespace_aliases", lambda idx, c: aliases.list_aliases(idx, c.args(), c.api_version, c.record)),
    _alias_op("create_namespace_alias", lambda idx, c: aliases.create(idx, c.object(), c.api_version, c.now,
                                                                       c.record), write=True),
    _alias_op("describe_namespace_alias", lambda idx, c: aliases.describe_alias(idx, c.path["alias_name"],
                                                                                 c.api_version, c.record)),
    _alias_op("repoint_namespace_alias", lambda idx, c: aliases.repoint(idx, c.path["alias_name"], c.object(),
                                                                         c.api_version, c.now, c.record), write=True),
    _alias_op("delete_namespace_alias", lambda idx, c: aliases.delete(idx, c.path["alias_name"], c.api_version,
                                                                       c.record), write=True),
    Operation(name="unsupported", plane="vectors", write=False, journaled=False, run=unsupported),
)}
