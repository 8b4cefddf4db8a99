"""Can any plan serve this workload? The limits that stand next to a bill (reference §3, §4.4).

A bill is only meaningful for a workload Pinecone would serve. :func:`feasibility` checks the
workload against the price book's plan caps, the serverless rate limits (2,000 query RU/s per
index, 100 query requests/s per namespace, the upsert limits) and, when on-demand reads cannot keep
up, whether dedicated read nodes could (250 GB shards at the target fullness, 20 nodes per project).
Pure: numbers in, a :class:`Feasibility` out; the cost calculator shows its ``summary`` next to the bill.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from pinecone_ops.pricing.drn import drn_shards
from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.serverless import namespace_gb, serverless_bill
from pinecone_ops.pricing.throughput import max_upsert_records_per_second

SECONDS_PER_MONTH = 730 * 3600


@dataclass(frozen=True)
class Limit:
    """One limit: what the workload needs, what is allowed, and where the limit comes from."""

    name: str
    needed: float
    allowed: float
    unit: str
    source: str

    @property
    def ok(self) -> bool:
        return self.needed <= self.allowed

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


@dataclass(frozen=True)
class Feasibility:
    """The on-demand limits of ``plan`` and, if reads exceed them, the dedicated-read-node limits."""

    plan: str
    namespace_gb: float
    on_demand: tuple[Limit, ...]
    drn: tuple[Limit, ...]

    @property
    def on_demand_ok(self) -> bool:
        return all(limit.ok for limit in self.on_demand)

    @property
    def drn_ok(self) -> bool:
        return bool(self.drn) and all(limit.ok for limit in self.drn)

    @property
    def feasible(self) -> bool:
        """True when on-demand serves it, or dedicated read nodes would."""
        return self.on_demand_ok or self.drn_ok

    @property
    def broken(self) -> tuple[Limit, ...]:
        return tuple(limit for limit in self.on_demand if not limit.ok)

    def summary(self) -> str:
        """One sentence: feasible as billed, or which limits it breaks and what could serve it."""
        if self.on_demand_ok:
            return f"Feasible on {self.plan} on-demand: every limit below holds."
        why = "; ".join(f"{limit.name} needs {_num(limit.needed)} {limit.unit}, limit {_num(limit.allowed)}"
                        for limit in self.broken)
        if self.drn_ok:
            return f"Not feasible on {self.plan} on-demand ({why}). Dedicated read nodes could serve the reads."
        if self.drn:
            drn_why = "; ".join(f"{limit.name} {_num(limit.needed)} of {_num(limit.allowed)} {limit.unit}"
                                for limit in self.drn if not limit.ok)
            return (f"No plan serves this as billed ({why}; and {drn_why}). "
                    "The bill above is for an index Pinecone would not run without Support raising limits.")
        return f"Not feasible on {self.plan} ({why}): the plan blocks usage beyond its caps."

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan, "namespace_gb": self.namespace_gb, "feasible": self.feasible,
                "on_demand_ok": self.on_demand_ok, "drn_ok": self.drn_ok, "summary": self.summary(),
                "on_demand": [x.to_dict() for x in self.on_demand], "drn": [x.to_dict() for x in self.drn]}


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}"


def feasibility(records: int, dimension: int, metadata_bytes: int = 0, *, queries_per_month: float = 0,
                upserts_per_month: float = 0, batch_size: int = 100, plan: str = "standard",
                edition: Any = None, id_bytes: int = 8, namespaces: int = 1, peak_factor: float = 1.0,
                target_fullness: float | None = None) -> Feasibility:
    """The limits this workload meets or breaks on ``plan`` (queries spread evenly over ``namespaces``).

    Average rates are ``per month / 2,628,000 s`` times ``peak_factor`` (1 = traffic spread evenly).
    e.g. 1M records × 1536 dims, 1M queries/month on Standard: feasible. 3.9 billion such records:
    a 27.9 TB namespace, 27,893 RU per query, a ceiling of 0.07 QPS, and 149 DRN shards (limit 20 nodes).
    """
    if records < 0 or dimension < 1 or namespaces < 1 or peak_factor <= 0:
        raise ValueError("records must be >= 0, dimension and namespaces >= 1, peak_factor > 0")
    book = load_pricebook()
    pl = book.edition(edition).plan(plan)
    limits = book.raw
    per_ns_records = math.ceil(records / namespaces)
    ns_gb = namespace_gb(per_ns_records, dimension, metadata_bytes, id_bytes)
    total_gb = namespace_gb(records, dimension, metadata_bytes, id_bytes)
    usage = serverless_bill(records, dimension, metadata_bytes, id_bytes=id_bytes, namespaces=namespaces,
                            queries_per_month=queries_per_month, upserts_per_month=int(upserts_per_month),
                            batch_size=batch_size, plan=plan, edition=edition).quantities
    on_demand: list[Limit] = []
    for cap, needed, unit in (("cap_storage_gb", total_gb, "GB"), ("cap_ru_month", usage["read_units"], "RU/month"),
                              ("cap_wu_month", usage["write_units"], "WU/month")):
        fig = pl.get(cap)
        if fig is not None:
            on_demand.append(Limit(f"{pl.label} {unit.split('/')[0]} cap", float(needed), float(fig.value), unit,
                                   fig.source))
    qps = queries_per_month / SECONDS_PER_MONTH * peak_factor
    rate = book.rate_limits
    if queries_per_month:
        on_demand.append(Limit("query read units per index", qps * usage["ru_per_query"],
                               float(rate["query_ru_per_second_per_index"].value), "RU/s",
                               rate["query_ru_per_second_per_index"].source))
        on_demand.append(Limit("query requests per namespace", qps / namespaces,
                               float(rate["query_requests_per_second_per_namespace"].value), "requests/s",
                               rate["query_requests_per_second_per_namespace"].source))
    if upserts_per_month:
        record_bytes = max(1, round(ns_gb * 1e9 / max(per_ns_records, 1)))
        on_demand.append(Limit("upsert records per second", upserts_per_month / SECONDS_PER_MONTH * peak_factor,
                               max_upsert_records_per_second(record_bytes, batch_size, namespaces),
                               "records/s", "S6"))
    drn: list[Limit] = []
    reads_broken = any(not x.ok for x in on_demand if x.name.startswith("query"))
    if reads_broken and pl.billing == "usage":
        node_cap = float(limits["drn"]["max_nodes_per_project"]["value"])
        shards = drn_shards(ns_gb, target_fullness)
        drn.append(Limit("dedicated read nodes (shards at 1 replica)", shards, node_cap, "nodes", "S12"))
        drn.append(Limit("namespaces on one DRN index", namespaces, 1, "namespaces", "S12"))
    return Feasibility(plan, ns_gb, tuple(on_demand), tuple(drn))
