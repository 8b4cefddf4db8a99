"""Sizing recommendations: for a workload, what serverless, dedicated read nodes and (legacy)
pods would need and cost, side by side. Used by ``pinecone-ops size`` and the sizing widget.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pinecone_ops.pricing.breakeven import queries_per_month
from pinecone_ops.pricing.drn import drn_bill, drn_replicas, drn_shards, node_month_price
from pinecone_ops.pricing.pods import FAMILIES, fullness, pod_cost, pods_needed, replicas_for_qps
from pinecone_ops.pricing.pricebook import Edition, load_pricebook
from pinecone_ops.pricing.serverless import BillOptions, namespace_gb, serverless_bill
from pinecone_ops.pricing.throughput import query_ceiling


@dataclass(frozen=True)
class Option:
    """One way to run the workload, with what it needs and its monthly cost."""

    name: str
    kind: str  # "serverless", "drn" or "pods"
    config: Mapping[str, Any]
    monthly: float
    feasible: bool
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "config": dict(self.config), "monthly": self.monthly,
                "feasible": self.feasible, "notes": list(self.notes)}


def recommend(records: int, dimension: int, metadata_bytes: int = 0, qps: float = 0.0, top_k: int = 10, *,
              id_bytes: int = 8, plan: str = "standard", edition: str | dt.date | Edition | None = None,
              pod_hourly: Mapping[str, float] | None = None, drn_qps_per_replica: float | None = None,
              drn_node_month: float | None = None, upserts_per_month: int = 0, batch_size: int = 100) -> list[Option]:
    """Serverless, DRN (b1, t1) and pods (p1, p2, s1 at x1) for the workload, cheapest feasible first.

    ``qps`` is the sustained average query rate. Serverless is infeasible above its rate-limit
    ceiling; pods are flagged legacy (closed to new signups since 2025-08-18).
    """
    common = BillOptions(id_bytes=id_bytes, plan=plan, edition=edition, upserts_per_month=upserts_per_month,
                         batch_size=batch_size)
    size = namespace_gb(records, dimension, metadata_bytes, id_bytes)
    options: list[Option] = []

    bill = serverless_bill(records, dimension, metadata_bytes, top_k=top_k,
                           queries_per_month=queries_per_month(qps), **common)
    ceiling = query_ceiling(size, rules=bill.edition.metering)
    options.append(Option(
        "serverless", "serverless",
        {"size_gb": round(size, 3), "ru_per_query": round(bill.quantities["ru_per_query"], 3),
         "max_qps": round(ceiling.max_qps, 1), "limited_by": ceiling.limited_by},
        float(bill.total), qps <= ceiling.max_qps,
        (f"max {ceiling.max_qps:,.1f} QPS ({ceiling.limited_by})",) + bill.warnings))

    for node in ("b1", "t1"):
        shards = drn_shards(size)
        replicas = drn_replicas(qps, node, drn_qps_per_replica if node == "b1" else None)
        b = drn_bill(records, dimension, metadata_bytes, node_type=node, shards=shards, replicas=replicas,
                     node_month=drn_node_month if node == "b1" else None, **common)
        _, fig = node_month_price(node, drn_node_month if node == "b1" else None)
        notes = [f"shards {b.quantities['shard_fullness']:.0%} full"]
        if fig is not None and fig.uncertain:
            notes.append(f"node price {fig.status}: override with your quote")
        notes.append("QPS per replica is an assumption: load-test")
        options.append(Option(f"dedicated read nodes ({node})", "drn",
                              {"node_type": node, "shards": shards, "replicas": replicas},
                              float(b.total), True, tuple(notes) + b.warnings))

    for family in FAMILIES:
        pod_type = f"{family}.x1"
        pods = pods_needed(records, dimension, pod_type)
        replicas = replicas_for_qps(qps, pod_type, top_k)
        cost = pod_cost(pod_type, pods, replicas, hourly=pod_hourly)
        full = fullness(records, dimension, pod_type, pods)
        advice = load_pricebook().raw["pods"]["recommended_max_fullness"]["value"]
        pod_notes = (f"{full:.0%} full" + (f" (over {advice:.0%}: leave room to grow)" if full > advice else ""),
                     f"pod price {cost.price_status}" + (": pass your own" if cost.price_status != "yours" else ""),
                     "legacy: no new pod indexes for signups since 2025-08-18")
        options.append(Option(f"pods ({pod_type})", "pods",
                              {"pod_type": pod_type, "pods": pods, "replicas": replicas,
                               "total_pods": pods * replicas},
                              float(cost.total), True, pod_notes))
    return sorted(options, key=lambda o: (not o.feasible, o.monthly))

