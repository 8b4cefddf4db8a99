"""Control-plane rules for indexes: create, describe, list, configure, delete (serverless and pods).

Version-neutral: ``shapes`` turns wire bodies into the keyword arguments used here and renders the
results. Plan quotas live in ``quotas``, pod rules in ``pods``, collections and backups in their
own modules; the teaching fault "index not ready for N ms" is applied here (``refresh_state``).
"""
from __future__ import annotations

from typing import Any

from pinecone_ops.emulator.calls import LATEST, is_legacy
from pinecone_ops.emulator.control import pods, quotas
from pinecone_ops.emulator.control.names import deletion_protection as check_deletion_protection
from pinecone_ops.emulator.control.names import merge_tags, validate_name, validate_tags
from pinecone_ops.emulator.control.schema import MAX_DIMENSION, METRICS, SPARSE_FIELD
from pinecone_ops.emulator.exceptions import AlreadyExists, Forbidden, InvalidArgument, NotFound, Unprocessable
from pinecone_ops.emulator.state import Backend, Index, IndexConfig
from pinecone_ops.emulator.storage.documents import DocumentNamespace
from pinecone_ops.emulator.storage.store import NamespaceStore

#: Serverless cloud → regions Pinecone offers (docs "Cloud regions", 2026).
SERVERLESS_REGIONS: dict[str, tuple[str, ...]] = {
    "aws": ("us-east-1", "us-west-2", "eu-west-1"),
    "gcp": ("us-central1", "europe-west4"),
    "azure": ("eastus2",),
}


def validate_vectors(dimension: Any, metric: Any, vector_type: Any) -> None:
    if vector_type not in ("dense", "sparse"):
        raise InvalidArgument(f"vector_type must be 'dense' or 'sparse', got {vector_type!r}")
    if metric not in METRICS:
        raise InvalidArgument(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    if vector_type == "sparse":
        if metric != "dotproduct":
            raise InvalidArgument("Sparse vector indexes must use the metric dotproduct")
        if dimension is not None:
            raise InvalidArgument("Sparse vector indexes must not have a dimension")
        return
    if not isinstance(dimension, int) or isinstance(dimension, bool):
        raise InvalidArgument("Dense vector indexes need an integer dimension")
    if not 1 <= dimension <= MAX_DIMENSION:
        raise InvalidArgument(f"Dimension must be between 1 and {MAX_DIMENSION}, got {dimension}")


def validate_deployment(deployment: dict[str, Any], vector_type: str = "dense") -> dict[str, Any]:
    """Serverless (``managed``) and pod deployments; BYOC is accepted as given."""
    kind = deployment.get("deployment_type", "managed")
    if kind == "pod":
        return pods.validate_deployment(deployment, vector_type)
    if kind == "byoc":
        return deployment
    if kind != "managed":
        raise InvalidArgument(f"deployment_type must be 'managed', 'pod' or 'byoc', got {kind!r}")
    unknown = sorted(set(deployment) - {"deployment_type", "cloud", "region"})
    if unknown:  # e.g. a 9.x-style {"serverless": {...}}: Pinecone refuses the body, it never guesses
        raise Unprocessable(f"Failed to deserialize the JSON body into the target type: deployment: unknown field "
                            f"`{unknown[0]}`, expected one of `deployment_type`, `cloud`, `region`")
    cloud, region = deployment.get("cloud") or "aws", deployment.get("region") or "us-east-1"
    if not isinstance(cloud, str) or not isinstance(region, str) or region not in SERVERLESS_REGIONS.get(cloud, ()):
        raise NotFound(f"Resource cloud: {cloud} region: {region} not found.")
    return {"deployment_type": "managed", "cloud": cloud, "region": region}


#: Transitional states that end by themselves (the "not ready" fault's delay).
TRANSIENT_STATES = ("Initializing", "ScalingUp", "ScalingDown", "ScalingUpPodSize")


def refresh_state(backend: Backend, idx: Index) -> Index:
    """Initializing / Scaling… → Ready once the "index not ready" fault's delay has passed."""
    cfg = idx.config
    if cfg.state in TRANSIENT_STATES and (idx.ready_at is None or backend.clock() >= idx.ready_at):
        cfg.state = "Ready"
    return idx


def _scaling_state(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    if new["pod_type"] != old["pod_type"]:
        return "ScalingUpPodSize"
    if new["replicas"] != old["replicas"]:
        return "ScalingUp" if new["replicas"] > old["replicas"] else "ScalingDown"
    return None


def create_index(backend: Backend, *, name: Any, dimension: Any, metric: Any, vector_type: Any,
                 deployment: dict[str, Any], schema_fields: dict[str, Any],
                 deletion_protection: Any = "disabled", tags: Any = None, version: str = LATEST,
                 namespaces: dict[str, NamespaceStore] | None = None,
                 documents: dict[str, DocumentNamespace] | None = None,
                 extra: dict[str, Any] | None = None, now: float | None = None, api: str = "vectors") -> Index:
    """Create an index (``namespaces`` / ``documents``: records to start with, from a collection or
    a backup; ``now``: the creation time, given when the journal replays the call)."""
    validate_name(name)
    if api == "vectors":  # a document index's fields were checked by control/schema.py
        validate_vectors(dimension, metric, vector_type)
    check_deletion_protection(deletion_protection)
    if not isinstance(deployment, dict):
        raise InvalidArgument("deployment must be a JSON object")
    if deployment.get("deployment_type") == "pod" and version >= LATEST:
        raise InvalidArgument("deployment_type 'pod' is not supported on this API version")
    dep = validate_deployment(dict(deployment), vector_type)
    if api == "vectors" and is_legacy(version) and vector_type == "dense" and metric == "dotproduct":
        # Up to API 2025-10 every dense dotproduct index also took sparse values (hybrid); from 2026-07
        # hybrid needs an explicit sparse field, so the dotproduct sugar alone makes a dense-only index.
        schema_fields = {**schema_fields, SPARSE_FIELD: {"type": "sparse_vector"}}
    cfg = IndexConfig(name=name, dimension=dimension, metric=metric, vector_type=vector_type,
                      deployment=dep, schema_fields=schema_fields,
                      deletion_protection=deletion_protection, tags=validate_tags(tags),
                      created_at=backend.clock() if now is None else now, extra=dict(extra or {}), api=api)
    delay = backend.fault(name, "index_init_ms")
    with backend.lock:
        if name in backend.indexes:
            raise AlreadyExists("Resource already exists.")
        quotas.check_create_index(backend, dep)
        idx = Index(cfg)
        if namespaces:
            idx.namespaces.update(namespaces)
        if documents:
            idx.documents.update(documents)
        if delay:
            cfg.state = "Initializing"
            idx.ready_at = cfg.created_at + delay / 1000
        backend.indexes[name] = idx
    return idx


def describe_index(backend: Backend, name: str) -> Index:
    idx = backend.get_index(name)
    if idx is None:
        raise NotFound(f"Index {name} not found.")
    return refresh_state(backend, idx)


def list_indexes(backend: Backend) -> list[Index]:
    with backend.lock:
        indexes = [backend.indexes[n] for n in sorted(backend.indexes)]
    return [refresh_state(backend, i) for i in indexes]


def _configure_deployment(backend: Backend, cfg: IndexConfig, deployment: Any) -> dict[str, Any]:
    """The pod deployment after ``configure`` (replicas, pod size up), refusing what Pinecone refuses."""
    if not isinstance(deployment, dict):
        raise InvalidArgument("deployment must be a JSON object")
    if not cfg.is_pod:
        raise InvalidArgument("replicas and pod_type can only be configured on pod-based indexes; "
                              "serverless indexes scale automatically")
    if "deployment_type" in deployment:
        raise InvalidArgument("deployment_type cannot be changed after an index is created")
    for k in ("shards", "environment"):
        if k in deployment and deployment[k] != cfg.deployment.get(k):
            raise InvalidArgument(f"{k} cannot be changed in place: create a collection and a new index from it")
    patch = {k: v for k, v in deployment.items() if k not in ("pods", "shards", "environment")}
    new_dep = pods.configure(cfg, patch)
    added = (new_dep["replicas"] - cfg.deployment["replicas"]) * new_dep["shards"]
    if added > 0:
        with backend.lock:
            quotas.check_pods(backend, added)
    return new_dep


def _configure_read_capacity(cfg: IndexConfig, read_capacity: Any) -> dict[str, Any]:
    if cfg.is_pod:
        raise InvalidArgument("read_capacity does not apply to pod-based indexes")
    if not isinstance(read_capacity, dict) or read_capacity.get("mode") not in ("OnDemand", "Dedicated"):
        raise InvalidArgument("read_capacity.mode must be 'OnDemand' or 'Dedicated'")
    return {**read_capacity, "status": {"state": "Ready"}}


def configure_index(backend: Backend, name: str, *, deletion_protection: Any = None, tags: Any = None,
                    deployment: Any = None, read_capacity: Any = None, now: float | None = None) -> Index:
    """Change what Pinecone lets you change; everything is checked before anything changes."""
    idx = describe_index(backend, name)
    cfg = idx.config
    new_dp = cfg.deletion_protection if deletion_protection is None else check_deletion_protection(deletion_protection)
    new_tags = cfg.tags if tags is None else merge_tags(cfg.tags, tags)
    new_dep = cfg.deployment if deployment is None else _configure_deployment(backend, cfg, deployment)
    new_rc = cfg.read_capacity if read_capacity is None else _configure_read_capacity(cfg, read_capacity)
    scaling = _scaling_state(cfg.deployment, new_dep) if cfg.is_pod else None
    delay = backend.fault(name, "index_init_ms")
    with idx.lock:
        cfg.deletion_protection, cfg.tags, cfg.deployment, cfg.read_capacity = new_dp, new_tags, new_dep, new_rc
        if scaling and delay:  # a pod index keeps serving while it scales (ready stays true)
            cfg.state = scaling
            idx.ready_at = (backend.clock() if now is None else now) + delay / 1000
    return idx


def delete_index(backend: Backend, name: str) -> Index:
    """Remove an index (its backups outlive it: ``backups.mark_source_deleted``)."""
    with backend.lock:
        idx = backend.indexes.get(name)
        if idx is None:
            raise NotFound(f"Index {name} not found.")
        if idx.config.deletion_protection == "enabled":
            raise Forbidden("Deletion protection is enabled for this index. "
                            "Disable deletion protection before retrying.")
        del backend.indexes[name]
    return idx
