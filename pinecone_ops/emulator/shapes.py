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

from typing import Any

from pinecone_ops.emulator.exceptions import InvalidArgument, Unprocessable
from pinecone_ops.emulator.models import IndexConfig

LATEST = "2026-07"
DENSE_FIELD = "_values"
SPARSE_FIELD = "_sparse_values"
DEFAULT_DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}


def api_version(header: str | None) -> str:
    return (header or "").strip() or LATEST


def is_legacy(version: str) -> bool:
    """Whether responses use the 2025-style IndexModel (everything before 2026-07)."""
    return version < LATEST


def parse_create(body: Any) -> dict[str, Any]:
    """Create-index body (either shape) → keyword arguments for ``control.create_index``."""
    if not isinstance(body, dict):
        raise InvalidArgument("The request body must be a JSON object")
    if "name" not in body:
        raise Unprocessable("Failed to deserialize the JSON body into the target type: missing field `name`")
    if "schema" in body or "deployment" in body:
        return _parse_2026(body)
    return _parse_2025(body)


def _parse_2026(body: dict) -> dict[str, Any]:
    schema = body.get("schema") or {}
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, dict) or not fields:
        raise InvalidArgument("schema.fields must declare at least one field")
    dense = [(k, f) for k, f in fields.items() if isinstance(f, dict) and f.get("type") == "dense_vector"]
    sparse = [(k, f) for k, f in fields.items() if isinstance(f, dict) and f.get("type") == "sparse_vector"]
    if len(dense) > 1 or len(sparse) > 1:
        raise InvalidArgument("An index may declare at most one dense_vector and one sparse_vector field")
    if dense:
        f = dense[0][1]
        dimension, metric, vector_type = f.get("dimension"), f.get("metric", "cosine"), "dense"
    elif sparse:
        dimension, metric, vector_type = None, sparse[0][1].get("metric", "dotproduct"), "sparse"
    else:
        raise InvalidArgument("The local Pinecone serves vector indexes: declare a dense_vector or sparse_vector field")
    deployment = body.get("deployment") or dict(DEFAULT_DEPLOYMENT)
    return dict(name=body["name"], dimension=dimension, metric=metric, vector_type=vector_type,
                deployment=dict(deployment), schema_fields=dict(fields),
                deletion_protection=body.get("deletion_protection") or "disabled", tags=body.get("tags"))


def _parse_2025(body: dict) -> dict[str, Any]:
    if "spec" not in body:
        raise Unprocessable("Failed to deserialize the JSON body into the target type: missing field `spec`")
    vector_type = body.get("vector_type") or "dense"
    metric = body.get("metric") or ("dotproduct" if vector_type == "sparse" else "cosine")
    dimension = body.get("dimension")
    spec = body["spec"]
    if not isinstance(spec, dict):
        raise InvalidArgument("spec must be an object with 'serverless' or 'pod'")
    if "serverless" in spec:
        s = spec["serverless"] or {}
        deployment = {"deployment_type": "managed", "cloud": s.get("cloud"), "region": s.get("region")}
    elif "pod" in spec:
        p = dict(spec["pod"] or {})
        deployment = {"deployment_type": "pod", **p}
    else:
        raise InvalidArgument("spec must contain 'serverless' or 'pod'")
    if vector_type == "sparse":
        fields: dict[str, Any] = {SPARSE_FIELD: {"type": "sparse_vector"}}
    else:
        fields = {DENSE_FIELD: {"type": "dense_vector", "dimension": dimension, "metric": metric}}
    return dict(name=body["name"], dimension=dimension, metric=metric, vector_type=vector_type,
                deployment=deployment, schema_fields=fields,
                deletion_protection=body.get("deletion_protection") or "disabled", tags=body.get("tags"))


def _status(cfg: IndexConfig) -> dict[str, Any]:
    return {"ready": cfg.state == "Ready", "state": cfg.state}


def legacy_spec(cfg: IndexConfig) -> dict[str, Any]:
    """The 2025-style ``spec`` of an index."""
    dep = {k: v for k, v in cfg.deployment.items() if k != "deployment_type"}
    if cfg.is_pod:
        return {"pod": dep}
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
