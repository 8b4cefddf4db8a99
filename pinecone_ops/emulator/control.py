"""Control-plane rules for indexes: create, describe, list, delete (serverless).

Version-neutral: ``shapes`` turns wire bodies into the keyword arguments used here and renders the
results. Pod specs, configure, collections, backups and plan quotas build on this module's
``validate_*`` hooks and on :class:`~pinecone_ops.emulator.models.IndexConfig`.
"""
from __future__ import annotations

import re
from typing import Any

from pinecone_ops.emulator.exceptions import AlreadyExists, Forbidden, InvalidArgument, NotFound
from pinecone_ops.emulator.limits import MAX_DIMENSION
from pinecone_ops.emulator.models import Backend, Index, IndexConfig

METRICS = ("cosine", "euclidean", "dotproduct")
_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$")

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


def validate_vectors(dimension: Any, metric: Any, vector_type: str) -> None:
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


def validate_deployment(deployment: dict[str, Any]) -> dict[str, Any]:
    """Serverless deployments; other types are accepted as given (pod rules live elsewhere)."""
    if deployment.get("deployment_type", "managed") != "managed":
        return deployment
    cloud, region = deployment.get("cloud") or "aws", deployment.get("region") or "us-east-1"
    if region not in SERVERLESS_REGIONS.get(cloud, ()):
        raise NotFound(f"Resource cloud: {cloud} region: {region} not found.")
    return {**deployment, "deployment_type": "managed", "cloud": cloud, "region": region}


def validate_tags(tags: Any) -> dict[str, str] | None:
    if tags is None:
        return None
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise InvalidArgument("tags must be an object of string keys and string values")
    return {k: v for k, v in tags.items() if v != ""} or None


def create_index(backend: Backend, *, name: Any, dimension: Any, metric: Any, vector_type: str,
                 deployment: dict[str, Any], schema_fields: dict[str, Any],
                 deletion_protection: str = "disabled", tags: Any = None) -> Index:
    validate_name(name)
    validate_vectors(dimension, metric, vector_type)
    if deletion_protection not in ("enabled", "disabled"):
        raise InvalidArgument("deletion_protection must be 'enabled' or 'disabled'")
    cfg = IndexConfig(name=name, dimension=dimension, metric=metric, vector_type=vector_type,
                      deployment=validate_deployment(dict(deployment)), schema_fields=schema_fields,
                      deletion_protection=deletion_protection, tags=validate_tags(tags),
                      created_at=backend.clock())
    with backend.lock:
        if name in backend.indexes:
            raise AlreadyExists("Resource already exists.")
        idx = backend.indexes[name] = Index(cfg)
    return idx


def describe_index(backend: Backend, name: str) -> Index:
    idx = backend.get_index(name)
    if idx is None:
        raise NotFound(f"Index {name} not found.")
    return idx


def list_indexes(backend: Backend) -> list[Index]:
    with backend.lock:
        return [backend.indexes[n] for n in sorted(backend.indexes)]


def delete_index(backend: Backend, name: str) -> None:
    with backend.lock:
        idx = backend.indexes.get(name)
        if idx is None:
            raise NotFound(f"Index {name} not found.")
        if idx.config.deletion_protection == "enabled":
            raise Forbidden("Deletion protection is enabled for this index. "
                            "Disable deletion protection before retrying.")
        del backend.indexes[name]
