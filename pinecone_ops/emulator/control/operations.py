"""The control plane's operations: each turns a :class:`~pinecone_ops.emulator.calls.Call` into
calls on the rules (``indexes``, ``collections``, ``backups``) and renders the answer in the shape
of the caller's API version (``shapes``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pinecone_ops.emulator.calls import Call, Operation, Result, Run, is_legacy
from pinecone_ops.emulator.control import backups, collections, indexes, shapes
from pinecone_ops.emulator.exceptions import HOSTED_MODELS, InvalidArgument, Unimplemented, Unprocessable
from pinecone_ops.emulator.state import Backend, Index


def _render(backend: Backend, idx: Index, call: Call) -> dict:
    return shapes.render_index(idx.config, backend.index_host(idx.name, call.channel), call.api_version)


def _body(call: Call, *, required: tuple[str, ...] = ()) -> dict:
    body = call.object()
    for key in required:
        if key not in body:
            raise Unprocessable(f"Failed to deserialize the JSON body into the target type: missing field `{key}`")
    return body


def _page(items: list, sort_key: Callable[[Any], Any], call: Call, render: Callable[[Any], dict]) -> Result:
    page, nxt = backups.paginate(items, sort_key, call.arg("limit"), call.arg("paginationToken"))
    out: dict[str, Any] = {"data": [render(x) for x in page]}
    if nxt:
        out["pagination"] = {"next": nxt}
    return Result(out)


# ------------------------------------------------------------------------------ indexes

def list_indexes(backend: Backend, call: Call) -> Result:
    return Result({"indexes": [_render(backend, i, call) for i in indexes.list_indexes(backend)]})


def create_index(backend: Backend, call: Call) -> Result:
    kwargs = shapes.parse_create(call.json(), default_name=f"index-{call.new_id('index')[:8]}")
    source = kwargs.pop("source_collection", None)
    rec = call.record
    rec.index = kwargs["name"] if isinstance(kwargs["name"], str) else None
    rec.params.update(dimension=kwargs["dimension"], metric=kwargs["metric"], vector_type=kwargs["vector_type"],
                      deployment_type=kwargs["deployment"].get("deployment_type"))
    if source is not None:
        kwargs["namespaces"] = collections.seed(backend, source, kwargs["dimension"], call.api_version)
        kwargs["extra"] = {"source_collection": source}
    idx = indexes.create_index(backend, version=call.api_version, now=call.now, **kwargs)
    return Result(_render(backend, idx, call), 201)


def describe_index(backend: Backend, call: Call) -> Result:
    return Result(_render(backend, indexes.describe_index(backend, call.path["index_name"]), call))


def configure_index(backend: Backend, call: Call) -> Result:
    kwargs = shapes.parse_configure(call.json())
    call.record.params.update({k: v for k, v in kwargs.items() if k != "tags"})
    idx = indexes.configure_index(backend, call.path["index_name"], now=call.now, **kwargs)
    return Result(_render(backend, idx, call), 202 if is_legacy(call.api_version) else 200)


def delete_index(backend: Backend, call: Call) -> Result:
    idx = indexes.delete_index(backend, call.path["index_name"])
    backups.mark_source_deleted(backend, idx, now=call.now)
    return Result(None, 202)


def create_index_for_model(backend: Backend, call: Call) -> Result:
    raise InvalidArgument(f"Integrated embedding (create_index_for_model) {HOSTED_MODELS}")


def _inference(name: str, feature: str) -> Operation:
    """A Pinecone Inference route (``pc.inference.*``, on the control plane's host): 501 naming the fix."""
    def run(backend: Backend, call: Call) -> Result:
        raise Unimplemented(f"{feature} {HOSTED_MODELS}")

    return Operation(name=name, plane="control", write=False, journaled=False, run=run)


# ------------------------------------------------------------------------------ collections

def create_collection(backend: Backend, call: Call) -> Result:
    body = _body(call, required=("name", "source"))
    call.record.index = body["source"] if isinstance(body["source"], str) else None
    col = collections.create(backend, body["name"], body["source"], now=call.now)
    call.record.params["collection"] = col.name
    return Result(shapes.render_collection(col), 201)


def list_collections(backend: Backend, call: Call) -> Result:
    return Result({"collections": [shapes.render_collection(c) for c in collections.list_all(backend)]})


def describe_collection(backend: Backend, call: Call) -> Result:
    return Result(shapes.render_collection(collections.get(backend, call.path["collection_name"])))


def delete_collection(backend: Backend, call: Call) -> Result:
    collections.delete(backend, call.path["collection_name"])
    return Result(None, 202)


# ------------------------------------------------------------------------------ backups and restores

def _backup_key(b: Any) -> tuple:
    return (b.created_at, b.backup_id)


def create_backup(backend: Backend, call: Call) -> Result:
    body = _body(call)
    b = backups.create(backend, call.path["index_name"], name=body.get("name"),
                       description=body.get("description"), backup_id=call.new_id("backup"), now=call.now)
    call.record.params["backup_id"] = b.backup_id
    return Result(shapes.render_backup(b, call.api_version), 201 if is_legacy(call.api_version) else 200)


def list_backups(backend: Backend, call: Call) -> Result:
    """All backups of the project, or (``/indexes/{name}/backups``) those of one index."""
    include = call.arg("include_deleted")
    name = call.path.get("index_name")
    if name is None:
        if include is not None:
            raise InvalidArgument("include_deleted is only supported when listing the backups of one index")
        items = backups.list_backups(backend)
    else:
        items = backups.list_backups(backend, name, include_deleted=(include or "false").lower() == "true")
    return _page(items, _backup_key, call, lambda b: shapes.render_backup(b, call.api_version))


def describe_backup(backend: Backend, call: Call) -> Result:
    return Result(shapes.render_backup(backups.get(backend, call.path["backup_id"]), call.api_version))


def delete_backup(backend: Backend, call: Call) -> Result:
    backups.delete(backend, call.path["backup_id"])
    return Result(None, 202)


def create_index_from_backup(backend: Backend, call: Call) -> Result:
    body = _body(call, required=("name",))
    idx, job = backups.restore(backend, call.path["backup_id"], name=body["name"], tags=body.get("tags"),
                               deletion_protection=body.get("deletion_protection"),
                               read_capacity=body.get("read_capacity"),
                               restore_job_id=call.new_id("restore"), now=call.now)
    call.record.index = idx.name
    call.record.params["restore_job_id"] = job.restore_job_id
    return Result({"restore_job_id": job.restore_job_id, "index_id": job.target_index_id}, 202)


def list_restore_jobs(backend: Backend, call: Call) -> Result:
    return _page(backups.list_jobs(backend), lambda j: (j.created_at, j.restore_job_id), call,
                 shapes.render_restore_job)


def describe_restore_job(backend: Backend, call: Call) -> Result:
    return Result(shapes.render_restore_job(backups.get_job(backend, call.path["job_id"])))


def _op(run: Run, *, write: bool = False) -> Operation:
    return Operation(name=run.__name__, plane="control", write=write, journaled=write, run=run)


#: name → operation; ``write`` operations are journaled and need a key with control-plane write.
OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    _op(list_indexes), _op(create_index, write=True), _op(describe_index),
    _op(configure_index, write=True), _op(delete_index, write=True), _op(create_index_for_model, write=True),
    _op(create_collection, write=True), _op(list_collections), _op(describe_collection),
    _op(delete_collection, write=True),
    _op(create_backup, write=True), _op(list_backups), _op(describe_backup), _op(delete_backup, write=True),
    _op(create_index_from_backup, write=True), _op(list_restore_jobs), _op(describe_restore_job),
    _inference("embed", "Embedding (pc.inference.embed)"), _inference("rerank", "Reranking (pc.inference.rerank)"),
    _inference("list_models", "Pinecone Inference's model list (pc.inference.list_models)"),
    _inference("describe_model", "Pinecone Inference's models (pc.inference.get_model)"),
)}
