"""Plan quotas (Starter / Standard / Enterprise) and the errors Pinecone answers when one is reached.

Figures: reference/pinecone-pricing-and-sizing.md §1.3, §2.6 and §3.2 (docs "Database limits",
late 2025 – 2026, S6/S4). Storage counts namespace bytes × ``meter_scale`` (the same scaling the
ledger uses), so a class can meet Starter's 2 GB wall with a few megabytes of real data.
"""
from __future__ import annotations

from dataclasses import dataclass

from pinecone_ops.emulator.exceptions import DataQuotaExceeded, Forbidden, QuotaExceeded
from pinecone_ops.emulator.state import Backend, Index, canonical_namespace

GB = 10**9


@dataclass(frozen=True)
class Quotas:
    serverless_indexes: int
    namespaces_per_index: int
    storage_bytes: int | None  # per project; None = unlimited
    pods: int  # pods per project (0 = pod indexes not available)
    collections: int | None
    backups: int | None  # None = unlimited; 0 = not available
    regions: tuple[tuple[str, str], ...] | None  # allowed (cloud, region); None = all


#: Dated 2026 (S6, S4): Starter 5 indexes in aws us-east-1, 100 namespaces, 2 GB, no pods, 100
#: collections, no backups; Standard 20 indexes, 100,000 namespaces, 500 backups; Enterprise 200
#: indexes, 100,000 namespaces, 1,000 backups. Pods per project: 100 on paid plans (S7).
PLAN_QUOTAS: dict[str, Quotas] = {
    "starter": Quotas(5, 100, 2 * GB, 0, 100, 0, (("aws", "us-east-1"),)),
    "standard": Quotas(20, 100_000, None, 100, None, 500, None),
    "enterprise": Quotas(200, 100_000, None, 100, None, 1_000, None),
}


def quotas(backend: Backend) -> Quotas:
    return PLAN_QUOTAS[backend.options["plan"]]


def _plan(backend: Backend) -> str:
    return str(backend.options["plan"]).capitalize()


def check_create_index(backend: Backend, deployment: dict) -> None:
    """Index-count, pod and region quotas for a new index (call with ``backend.lock`` held)."""
    if not backend.enforces_quotas:
        return
    q = quotas(backend)
    if deployment.get("deployment_type") == "pod":
        check_pods(backend, int(deployment.get("replicas", 1)) * int(deployment.get("shards", 1)))
        return
    serverless = sum(1 for i in backend.indexes.values() if not i.config.is_pod)
    if serverless >= q.serverless_indexes:
        raise Forbidden("Increase your quota or upgrade to create more indexes.")
    if q.regions is not None:
        where = (deployment.get("cloud"), deployment.get("region"))
        if where not in q.regions:
            allowed = ", ".join(f"{c} {r}" for c, r in q.regions)
            raise Forbidden(f"Your {_plan(backend)} plan can only create serverless indexes in {allowed}. "
                            "Upgrade your plan to use other clouds and regions.")


def check_pods(backend: Backend, new: int) -> None:
    """Pods per project (shards × replicas over every pod index) after adding ``new`` pods."""
    if not backend.enforces_quotas:
        return
    limit = quotas(backend).pods
    pods = sum(int(i.config.deployment.get("replicas", 1)) * int(i.config.deployment.get("shards", 1))
               for i in backend.indexes.values() if i.config.is_pod)
    if pods + new > limit:
        raise QuotaExceeded(f"Request failed. You've reached the max pods allowed in project ({limit}). "
                            "To increase this limit, upgrade your plan or contact support@pinecone.io.")


def check_collections(backend: Backend, count: int) -> None:
    if not backend.enforces_quotas:
        return
    limit = quotas(backend).collections
    if limit is not None and count >= limit:
        raise Forbidden(f"Collection exceeds quota. Maximum allowed on your account is {limit}. "
                        f"Currently have {count}.")


def check_backups(backend: Backend, count: int) -> None:
    if not backend.enforces_quotas:
        return
    limit = quotas(backend).backups
    if limit == 0:
        raise Forbidden(f"Backups are not available on the {_plan(backend)} plan. Upgrade your plan to "
                        "back up serverless indexes.")
    if limit is not None and count >= limit:
        raise QuotaExceeded(f"Request failed. You've reached the max backups allowed in project ({limit}). "
                            "To increase this limit, contact support@pinecone.io.")


def storage_bytes(backend: Backend) -> float:
    """Project storage as the quota sees it (bytes × ``meter_scale``)."""
    # No backend.lock: this runs inside an index lock (write check), and the lock order elsewhere is
    # backend → index. Copying the dict's values is atomic enough for a quota.
    indexes = list(backend.indexes.values())
    return sum(i.storage_bytes() for i in indexes) * backend.meter_scale


def check_write(backend: Backend, idx: Index, namespace: str, nbytes: int) -> None:
    """Namespaces per index and project storage, before a write to a serverless index."""
    if idx.config.is_pod or not backend.enforces_quotas:
        return
    q = quotas(backend)
    new_namespace = idx.namespace(namespace) is None and canonical_namespace(namespace) not in idx.namespaces
    if new_namespace and len(idx.namespaces) >= q.namespaces_per_index:
        raise DataQuotaExceeded(
            f"Request failed. You've reached the max namespaces allowed in serverless index {idx.name} "
            f"({q.namespaces_per_index}). To add more namespaces, upgrade your plan.")
    limit = q.storage_bytes
    if limit is not None and nbytes and storage_bytes(backend) + nbytes * backend.meter_scale > limit:
        raise DataQuotaExceeded(
            f"Request failed. You've reached the max storage allowed for project "
            f"({limit // GB} GB). To update or upsert new data, delete records or upgrade your plan.")
