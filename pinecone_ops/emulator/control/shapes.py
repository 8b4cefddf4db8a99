"""Control-plane request/response shapes per API version (``X-Pinecone-Api-Version``).

* ``2026-07`` (SDK 10.x): create bodies carry ``schema`` + ``deployment``; the IndexModel has
  ``schema`` / ``deployment`` (a 2025-shaped model makes SDK 10 raise ``ResponseParsingError``).
* ``2025-10`` and older, and ``2026-04`` (SDK 8.x/9.x): ``dimension`` / ``metric`` /
  ``vector_type`` / ``spec``.

A create body is recognised by its shape whatever the header says (so a 2025-style body under a
2026-04 header works); the *response* shape follows the header. A request without the header is
answered in the newest shape (2026-07), like Pinecone's own default for the spec.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pinecone_ops.emulator.calls import is_legacy
from pinecone_ops.emulator.control import schema as index_schema
from pinecone_ops.emulator.control.pods import legacy_pod_spec
from pinecone_ops.emulator.exceptions import InvalidArgument, Unprocessable
from pinecone_ops.emulator.state import Backup, Collection, IndexConfig, RestoreJob
from pinecone_ops.emulator.storage import fields as field_kinds

DENSE_FIELD, SPARSE_FIELD = index_schema.DENSE_FIELD, index_schema.SPARSE_FIELD
DEFAULT_DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}


def parse_create(body: Any, default_name: str | None = None) -> dict[str, Any]:
    """Create-index body (either shape) → keyword arguments for ``indexes.create_index`` (plus
    ``source_collection`` for a 2025-10 pod index made from a collection)."""
    if not isinstance(body, dict):
        raise InvalidArgument("The request body must be a JSON object")
    if "schema" in body or "deployment" in body:
        # 2026-07: the name is optional ("generated automatically if not provided").
        name = body.get("name") or default_name or f"index-{uuid.uuid4().hex[:8]}"
        return _parse_2026({**body, "name": name})
    if "name" not in body:
        raise Unprocessable("Failed to deserialize the JSON body into the target type: missing field `name`")
    return _parse_2025(body)


def _object(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidArgument(f"{what} must be a JSON object")
    return value


def _parse_2026(body: dict) -> dict[str, Any]:
    schema = body.get("schema") or {}
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, dict) or not fields:
        raise InvalidArgument("schema.fields must declare at least one field")
    deployment = _object(body.get("deployment") or dict(DEFAULT_DEPLOYMENT), "deployment")
    common = dict(name=body["name"], deployment=dict(deployment),
                  deletion_protection=body.get("deletion_protection") or "disabled", tags=body.get("tags"))
    if not index_schema.is_vector_schema(fields):
        # Named fields: a document index, served by the Documents API only.
        doc_fields = index_schema.validate_document_schema(fields)
        dense = field_kinds.dense_field(doc_fields)
        dimension, metric = (dense[1]["dimension"], dense[1]["metric"]) if dense else (None, "dotproduct")
        vector_type = "dense" if dense else "sparse"
        return dict(dimension=dimension, metric=metric, vector_type=vector_type, schema_fields=doc_fields,
                    api="documents", **common)
    dense_spec, sparse_spec = fields.get(DENSE_FIELD), fields.get(SPARSE_FIELD)
    if dense_spec is not None and (not isinstance(dense_spec, dict) or dense_spec.get("type") != "dense_vector"):
        raise InvalidArgument(f"{DENSE_FIELD} is reserved for the dense_vector field of a vector index")
    if sparse_spec is not None and (not isinstance(sparse_spec, dict) or sparse_spec.get("type") != "sparse_vector"):
        raise InvalidArgument(f"{SPARSE_FIELD} is reserved for the sparse_vector field of a vector index")
    if dense_spec is not None:
        dimension, metric, vector_type = dense_spec.get("dimension"), dense_spec.get("metric", "cosine"), "dense"
        if sparse_spec is not None and metric != "dotproduct":
            raise InvalidArgument("A hybrid index (a dense_vector and a sparse_vector field) must use the "
                                  f"dotproduct metric, got {metric!r}")
    else:
        assert sparse_spec is not None
        dimension, metric, vector_type = None, sparse_spec.get("metric", "dotproduct"), "sparse"
    return dict(dimension=dimension, metric=metric, vector_type=vector_type, schema_fields=dict(fields), **common)


def _parse_2025(body: dict) -> dict[str, Any]:
    if "spec" not in body:
        raise Unprocessable("Failed to deserialize the JSON body into the target type: missing field `spec`")
    vector_type = body.get("vector_type") or "dense"
    metric = body.get("metric") or ("dotproduct" if vector_type == "sparse" else "cosine")
    dimension = body.get("dimension")
    spec = body["spec"]
    if not isinstance(spec, dict):
        raise InvalidArgument("spec must be an object with 'serverless' or 'pod'")
    source_collection = None
    if "serverless" in spec:
        s = _object(spec["serverless"] or {}, "spec.serverless")
        deployment = {"deployment_type": "managed", "cloud": s.get("cloud"), "region": s.get("region")}
    elif "pod" in spec:
        p = dict(_object(spec["pod"] or {}, "spec.pod"))
        source_collection = p.pop("source_collection", None)
        p.pop("metadata_config", None)  # selective metadata indexing changes nothing here
        deployment = {"deployment_type": "pod", **p}
    else:
        raise InvalidArgument("spec must contain 'serverless' or 'pod'")
    if vector_type == "sparse":
        fields: dict[str, Any] = {SPARSE_FIELD: {"type": "sparse_vector"}}
    else:
        fields = {DENSE_FIELD: {"type": "dense_vector", "dimension": dimension, "metric": metric}}
    return dict(name=body["name"], dimension=dimension, metric=metric, vector_type=vector_type,
                deployment=deployment, schema_fields=fields,
                deletion_protection=body.get("deletion_protection") or "disabled", tags=body.get("tags"),
                source_collection=source_collection)


def _status(cfg: IndexConfig) -> dict[str, Any]:
    # A scaling pod index still serves: ready stays true while its state says ScalingUp….
    return {"ready": cfg.state == "Ready" or cfg.state.startswith("Scaling"), "state": cfg.state}


def legacy_spec(cfg: IndexConfig) -> dict[str, Any]:
    """The 2025-style ``spec`` of an index."""
    dep = {k: v for k, v in cfg.deployment.items() if k != "deployment_type"}
    if cfg.is_pod:
        pod = legacy_pod_spec(cfg)
        if cfg.extra.get("source_collection"):
            pod["source_collection"] = cfg.extra["source_collection"]
        return {"pod": pod}
    if cfg.deployment.get("deployment_type") == "byoc":
        return {"byoc": dep}
    return {"serverless": {**dep, "read_capacity": cfg.read_capacity}}


def render_index(cfg: IndexConfig, host: str, version: str) -> dict[str, Any]:
    """IndexModel in the shape the client's API version expects."""
    if is_legacy(version):
        out: dict[str, Any] = {
            "name": cfg.name,
            "metric": cfg.metric,
            "host": host,
            "spec": legacy_spec(cfg),
            "status": _status(cfg),
            "vector_type": cfg.vector_type,
            "deletion_protection": cfg.deletion_protection,
        }
        if cfg.tags:
            out["tags"] = cfg.tags
        if cfg.dimension is not None:
            out["dimension"] = cfg.dimension
        return out
    out = {
        "name": cfg.name,
        "host": host,
        "status": _status(cfg),
        "schema": {"fields": cfg.schema_fields},
        "deployment": cfg.deployment,
        "deletion_protection": cfg.deletion_protection,
    }
    if cfg.tags:
        out["tags"] = cfg.tags
    if not cfg.is_pod:
        out["read_capacity"] = cfg.read_capacity
    out.update({k: v for k, v in cfg.extra.items() if v is not None})
    return out


# ------------------------------------------------------------------------------ configure

_CONFIGURE_FIELDS = ("deletion_protection", "tags", "deployment", "spec", "read_capacity", "schema", "embed")


def parse_configure(body: Any) -> dict[str, Any]:
    """PATCH /indexes/{name} body (2026-07 ``deployment`` or 2025-10 ``spec.pod``) → keyword arguments.

    Unknown fields get the 422 Pinecone's deserializer answers, so ``dimension`` or ``metric`` in a
    configure body fails the way it does on Pinecone: neither can ever change.
    """
    if not isinstance(body, dict):
        raise InvalidArgument("The request body must be a JSON object")
    for key in body:
        if key not in _CONFIGURE_FIELDS:
            raise Unprocessable(f"Failed to deserialize the JSON body into the target type: unknown field `{key}`, "
                                f"expected one of {', '.join(f'`{f}`' for f in _CONFIGURE_FIELDS)}")
    out: dict[str, Any] = {k: body[k] for k in ("deletion_protection", "tags", "read_capacity") if k in body}
    if "deployment" in body:
        out["deployment"] = _object(body["deployment"], "deployment")
    spec = body.get("spec")
    if spec is not None:
        spec = _object(spec, "spec")
        if "pod" in spec:
            out["deployment"] = _object(spec["pod"], "spec.pod")
        elif "serverless" in spec:
            sl = _object(spec["serverless"], "spec.serverless")
            if "read_capacity" in sl:
                out["read_capacity"] = sl["read_capacity"]
        else:
            raise InvalidArgument("spec must contain 'serverless' or 'pod'")
    if "schema" in body or "embed" in body:
        raise InvalidArgument("Only semantic_text fields and integrated embedding can be reconfigured; this index "
                              "has neither. Dimension, metric and vector type can never change after creation.")
    return out


# ------------------------------------------------------------------------------ collections, backups

def render_collection(col: Collection) -> dict[str, Any]:
    out = {"name": col.name, "status": col.status, "environment": col.environment,
           "size": col.size, "vector_count": col.vector_count}
    if col.dimension is not None:
        out["dimension"] = col.dimension
    return out


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def render_backup(b: Backup, version: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "backup_id": b.backup_id, "source_index_name": b.source_index_name,
        "source_index_id": b.source_index_id, "status": b.status, "cloud": b.cloud, "region": b.region,
        "record_count": b.record_count, "namespace_count": b.namespace_count, "size_bytes": b.size_bytes,
        "tags": b.tags, "created_at": _iso(b.created_at),
    }
    if b.name is not None:
        out["name"] = b.name
    if b.description is not None:
        out["description"] = b.description
    if b.source_deleted_at is not None:
        out["source_index_deleted_at"] = _iso(b.source_deleted_at)
    cfg = b.config
    if is_legacy(version):
        if out["tags"] is None:
            del out["tags"]  # 2025-10's IndexTags is not nullable
        out.update(metric=cfg.metric, vector_type=cfg.vector_type)
        if cfg.dimension is not None:
            out["dimension"] = cfg.dimension
    else:
        out["schema"] = {"fields": cfg.schema_fields}
    return out


def render_restore_job(job: RestoreJob) -> dict[str, Any]:
    return {"restore_job_id": job.restore_job_id, "backup_id": job.backup_id,
            "target_index_name": job.target_index_name, "target_index_id": job.target_index_id,
            "status": job.status, "created_at": _iso(job.created_at), "completed_at": _iso(job.completed_at),
            "percent_complete": 100}
