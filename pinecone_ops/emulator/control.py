"""Control-plane rules for indexes: create, describe, list, configure, delete (serverless and pods).

Version-neutral: ``shapes`` turns wire bodies into the keyword arguments used here and renders the
results. Plan quotas live in ``plans``, pod rules in ``pods``, collections and backups in their
own modules; the teaching fault "index not ready for N ms" is applied here (``refresh_state``).
"""
from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from pinecone_ops.emulator import plans, pods
from pinecone_ops.emulator.exceptions import AlreadyExists, Forbidden, InvalidArgument, NotFound
from pinecone_ops.emulator.limits import MAX_DIMENSION
from pinecone_ops.emulator.models import Backend, Index, IndexConfig
from pinecone_ops.emulator.store import NamespaceStore

METRICS = ("cosine", "euclidean", "dotproduct")
_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$")
LATEST = "2026-07"

#: Serverless cloud → regions Pinecone offers (docs "Cloud regions", 2026).
SERVERLESS_REGIONS: dict[str, tuple[str, ...]] = {
    "aws": ("us-east-1", "us-west-2", "eu-west-1"),
    "gcp": ("us-central1", "europe-west4"),
    "azure": ("eastus2",),
}


def validate_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InvalidArgument(
            "Resource name must be 1-45 characters long, start and end with an alphanumeric character, "
            "and consist only of lower case alphanumeric characters or '-'")
    return name


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
    cloud, region = deployment.get("cloud") or "aws", deployment.get("region") or "us-east-1"
    if not isinstance(cloud, str) or not isinstance(region, str) or region not in SERVERLESS_REGIONS.get(cloud, ()):
        raise NotFound(f"Resource cloud: {cloud} region: {region} not found.")
    return {"deployment_type": "managed", "cloud": cloud, "region": region}


def _check_tags(tags: Any) -> dict[str, str]:
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise InvalidArgument("tags must be an object of string keys and string values")
    for k, v in tags.items():
        if not k or len(k) > 80 or not re.match(r"^[A-Za-z0-9_-]+$", k):
            raise InvalidArgument(f"Invalid tag key {k!r}: 1-80 characters of letters, digits, '_' or '-'")
        if len(v) > 120:
            raise InvalidArgument(f"Invalid value for tag {k!r}: at most 120 characters")
    if len(tags) > 20:
        raise InvalidArgument("An index can have at most 20 tags")
    return tags


def validate_tags(tags: Any) -> dict[str, str] | None:
    if tags is None:
        return None
    return {k: v for k, v in _check_tags(tags).items() if v != ""} or None


def merge_tags(old: dict[str, str] | None, change: Any) -> dict[str, str] | None:
    """configure: add or change tags; a value of ``""`` removes that tag."""
    merged = dict(old or {})
    for k, v in _check_tags(change).items():
        if v == "":
            merged.pop(k, None)
        else:
            merged[k] = v
    return merged or None


def _deletion_protection(value: Any) -> str:
    if value not in ("enabled", "disabled"):
        raise InvalidArgument(f"deletion_protection must be 'enabled' or 'disabled', got {value!r}")
    return value


def index_id(idx: Index) -> str:
    """A stable id per index (Pinecone's ``source_index_id`` / ``index_id``)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pinecone-ops:{idx.name}:{idx.config.created_at!r}"))


def copy_namespaces(idx: Index) -> dict[str, NamespaceStore]:
    """A deep, independent copy of an index's records (collections, backups, restores)."""
    with idx.lock:
        return copy.deepcopy(idx.namespaces)


def init_delay_ms(backend: Backend, name: str) -> int:
    per_index = getattr(backend, "index_options", {}).get(name, {})
    return int(per_index.get("index_init_ms", backend.options["index_init_ms"]))


#: Transitional states that end by themselves (the "not ready" fault's delay).
TRANSIENT_STATES = ("Initializing", "ScalingUp", "ScalingDown", "ScalingUpPodSize")


def refresh_state(backend: Backend, idx: Index) -> Index:
    """Initializing / Scaling… → Ready once the "index not ready" fault's delay has passed."""
    cfg = idx.config
    ready_at = getattr(idx, "ready_at", None)
    if cfg.state in TRANSIENT_STATES and (ready_at is None or backend.clock() >= ready_at):
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
                 source_collection: Any = None, namespaces: dict[str, NamespaceStore] | None = None,
                 extra: dict[str, Any] | None = None) -> Index:
    """Create an index (``namespaces``: records to start with, from a collection or a backup)."""
    validate_name(name)
    validate_vectors(dimension, metric, vector_type)
    _deletion_protection(deletion_protection)
    if not isinstance(deployment, dict):
        raise InvalidArgument("deployment must be a JSON object")
    is_pod = deployment.get("deployment_type") == "pod"
    if is_pod and version >= LATEST:
        raise InvalidArgument("deployment_type 'pod' is not supported on this API version")
    extra = dict(extra or {})
    if source_collection is not None:
        if version >= LATEST:
            raise InvalidArgument("Creating an index from collection or backup is not yet supported")
        from pinecone_ops.emulator import collections

        col = collections.get(backend, source_collection)
        if col.dimension != dimension:
            raise InvalidArgument(f"Index dimension {dimension} does not match the dimension of collection "
                                  f"{col.name} ({col.dimension})")
        namespaces = copy.deepcopy(col.namespaces)
        extra["source_collection"] = col.name
    dep = validate_deployment(dict(deployment), vector_type)
    cfg = IndexConfig(name=name, dimension=dimension, metric=metric, vector_type=vector_type,
                      deployment=dep, schema_fields=schema_fields,
                      deletion_protection=deletion_protection, tags=validate_tags(tags),
                      created_at=backend.clock(), extra=extra)
    delay = init_delay_ms(backend, name)
    with backend.lock:
        if name in backend.indexes:
            raise AlreadyExists("Resource already exists.")
        plans.check_create_index(backend, dep)
        idx = Index(cfg)
        idx.meter_scale = float(backend.options["meter_scale"])
        if namespaces:
            idx.namespaces.update(namespaces)
        if delay:
            cfg.state = "Initializing"
            idx.ready_at = cfg.created_at + delay / 1000  # type: ignore[attr-defined]
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


def configure_index(backend: Backend, name: str, *, deletion_protection: Any = None, tags: Any = None,
                    deployment: Any = None, read_capacity: Any = None) -> Index:
    """Change what Pinecone lets you change; everything is checked before anything changes."""
    idx = describe_index(backend, name)
    cfg = idx.config
    new_dp = cfg.deletion_protection if deletion_protection is None else _deletion_protection(deletion_protection)
    new_tags = cfg.tags if tags is None else merge_tags(cfg.tags, tags)
    new_dep = cfg.deployment
    if deployment is not None:
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
                plans.check_pods(backend, added)
    new_rc = cfg.read_capacity
    if read_capacity is not None:
        if cfg.is_pod:
            raise InvalidArgument("read_capacity does not apply to pod-based indexes")
        if not isinstance(read_capacity, dict) or read_capacity.get("mode") not in ("OnDemand", "Dedicated"):
            raise InvalidArgument("read_capacity.mode must be 'OnDemand' or 'Dedicated'")
        new_rc = {**read_capacity, "status": {"state": "Ready"}}
    scaling = _scaling_state(cfg.deployment, new_dep) if cfg.is_pod else None
    delay = init_delay_ms(backend, name)
    with idx.lock:
        cfg.deletion_protection, cfg.tags, cfg.deployment, cfg.read_capacity = new_dp, new_tags, new_dep, new_rc
        if scaling and delay:  # a pod index keeps serving while it scales (ready stays true)
            cfg.state = scaling
            idx.ready_at = backend.clock() + delay / 1000  # type: ignore[attr-defined]
    return idx


def delete_index(backend: Backend, name: str) -> Index:
    with backend.lock:
        idx = backend.indexes.get(name)
        if idx is None:
            raise NotFound(f"Index {name} not found.")
        if idx.config.deletion_protection == "enabled":
            raise Forbidden("Deletion protection is enabled for this index. "
                            "Disable deletion protection before retrying.")
        del backend.indexes[name]
    from pinecone_ops.emulator import backups  # backups import this module

    backups.mark_source_deleted(backend, idx)
    return idx
