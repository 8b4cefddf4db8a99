"""Legacy pod-based indexes: deployment rules, what ``configure`` may change, capacity and fullness.

Capacity comes from the kit's sizing model (:func:`pinecone_ops.pricing.pods.pod_capacity`, the
capacity table of the price book scaled by dimension and pod size) times the number of shards;
replicas copy the data and add no capacity. An upsert that would take an index past 100 % fails.
Record counts are multiplied by the ``meter_scale`` option, like storage, so a classroom index of a
few hundred vectors can be filled as if it held millions.
"""
from __future__ import annotations

from typing import Any

from pinecone_ops.emulator.exceptions import IndexFull, InvalidArgument, NotFound
from pinecone_ops.emulator.state import Index, IndexConfig
from pinecone_ops.pricing.pods import parse_pod_type, pod_capacity

#: Pod environments Pinecone offered (docs "Understanding pod-based indexes", S9).
POD_ENVIRONMENTS = (
    "us-west1-gcp", "us-central1-gcp", "us-west4-gcp", "us-east4-gcp", "northamerica-northeast1-gcp",
    "asia-northeast1-gcp", "asia-southeast1-gcp", "us-east1-gcp", "eu-west1-gcp", "eu-west4-gcp",
    "us-east-1-aws", "eastus-azure",
)
_POD_TYPE_HELP = "One of `s1`, `p1`, or `p2` appended with `.` and one of `x1`, `x2`, `x4`, or `x8`"


def check_pod_type(pod_type: Any) -> str:
    if not isinstance(pod_type, str):
        raise InvalidArgument(f"Invalid pod_type {pod_type!r}. {_POD_TYPE_HELP}.")
    family, _, size = pod_type.partition(".")
    try:
        parse_pod_type(pod_type)
    except ValueError:
        raise InvalidArgument(f"Invalid pod_type {pod_type!r}. {_POD_TYPE_HELP}.") from None
    if not size:
        raise InvalidArgument(f"Invalid pod_type {pod_type!r}. {_POD_TYPE_HELP}.")
    return pod_type


def _count(name: str, value: Any, default: int = 1) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"{name} must be an integer of at least 1, got {value!r}")
    if value > 100:
        raise InvalidArgument(f"{name} must be at most 100, got {value}")
    return value


def validate_deployment(dep: dict[str, Any], vector_type: str) -> dict[str, Any]:
    """A pod deployment (either API shape's fields) → the canonical 2026-07 pod deployment."""
    env = dep.get("environment")
    if not isinstance(env, str) or not env:
        raise InvalidArgument("Pod-based indexes need an environment, e.g. 'us-east-1-aws'")
    if env not in POD_ENVIRONMENTS:
        raise NotFound(f"Resource environment: {env} not found.")
    pod_type = check_pod_type(dep.get("pod_type", "p1.x1"))
    if vector_type == "sparse":
        raise InvalidArgument("Sparse vector indexes must be serverless; pod-based indexes store dense vectors")
    replicas = _count("replicas", dep.get("replicas"))
    shards = _count("shards", dep.get("shards"))
    pods = dep.get("pods")
    if pods is not None:
        _count("pods", pods)
        if pods not in (1, replicas * shards):
            raise InvalidArgument(f"pods ({pods}) must equal shards x replicas ({shards} x {replicas} = "
                                  f"{shards * replicas})")
    return {"deployment_type": "pod", "environment": env, "pod_type": pod_type,
            "replicas": replicas, "shards": shards}


def legacy_pod_spec(cfg: IndexConfig) -> dict[str, Any]:
    """The 2025-style ``spec.pod`` (with ``pods`` = shards × replicas)."""
    d = cfg.deployment
    return {"environment": d["environment"], "pod_type": d["pod_type"],
            "pods": d["shards"] * d["replicas"], "replicas": d["replicas"], "shards": d["shards"]}


def configure(cfg: IndexConfig, patch: dict[str, Any]) -> dict[str, Any]:
    """New deployment after ``patch`` (``replicas`` and/or ``pod_type``), refusing what Pinecone refuses.

    Replicas go up or down; pod size only up (x1→x2→x4→x8); the pod type never changes in place.
    """
    allowed = {"replicas", "pod_type"}
    extra = sorted(set(patch) - allowed)
    if extra:
        raise InvalidArgument(f"Only replicas and pod_type can be changed on a pod-based index, not {', '.join(extra)}")
    dep = dict(cfg.deployment)
    if "replicas" in patch:
        dep["replicas"] = _count("replicas", patch["replicas"])
    if "pod_type" in patch and patch["pod_type"] != dep["pod_type"]:
        new = check_pod_type(patch["pod_type"])
        old_family, old_size, old_mult = parse_pod_type(dep["pod_type"])
        new_family, new_size, new_mult = parse_pod_type(new)
        if new_family != old_family:
            raise InvalidArgument(
                f"Cannot change pod type from {old_family} to {new_family}: the pod type of an index is fixed. "
                "Create a collection from this index and a new index with the new pod type from it.")
        if new_mult < old_mult:
            raise InvalidArgument(
                f"Cannot scale down an existing index's pod size from {old_size} to {new_size}. "
                "Create a collection from this index and a new, smaller index from it.")
        dep["pod_type"] = new
    return dep


def capacity(cfg: IndexConfig) -> int:
    """Vectors the index holds at 100 % fullness: one shard's capacity × shards."""
    d = cfg.deployment
    return pod_capacity(d["pod_type"], cfg.dimension or 1) * int(d.get("shards", 1))


def fullness(idx: Index, scale: float = 1.0) -> float:
    cap = capacity(idx.config)
    return round(idx.record_count() * scale / cap, 6) if cap else 0.0


def check_capacity(idx: Index, namespace: str, ids: list[str], scale: float = 1.0) -> None:
    """Refuse an upsert that would take a pod index past its capacity (counts × ``scale``)."""
    cfg = idx.config
    if not cfg.is_pod or not ids:
        return
    ns = idx.namespace(namespace)
    new = len(set(ids)) if ns is None else sum(1 for i in set(ids) if i not in ns.row_of)
    if not new:
        return
    have, cap = idx.record_count(), capacity(cfg)
    if (have + new) * scale > cap:
        d = cfg.deployment
        raise IndexFull(
            f"Index is full: it holds {have:,} vectors and its {d['shards']} shard(s) of {d['pod_type']} hold at "
            f"most {cap:,} vectors of dimension {cfg.dimension}; this upsert adds {new:,}. Increase the pod size "
            "with configure_index(pod_type=...), or create a collection and a new index with more shards.")
