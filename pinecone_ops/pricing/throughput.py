"""Throughput ceilings of serverless indexes from Pinecone's rate limits (reference §3.3, §5.5)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from pinecone_ops.pricing import units
from pinecone_ops.pricing.pricebook import load_pricebook


@dataclass(frozen=True)
class QueryCeiling:
    """Highest sustained query rate an index allows, and which limit sets it."""

    max_qps: float
    by_read_units: float  # 2,000 query RU/s per index ÷ RU per query
    by_namespace_requests: float  # 100 query requests/s per namespace × namespaces
    limited_by: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def query_ceiling(namespace_gb: float, namespaces: int = 1,
                  rules: units.MeteringRules = units.CURRENT_RULES) -> QueryCeiling:
    """Max QPS: ``min(2000 / RU per query, 100 × namespaces)`` with queries spread over namespaces.

    e.g. a 10 GB namespace → 200 QPS by RU (then 100 by the per-namespace request limit).
    """
    limits = load_pricebook().rate_limits
    ru = units.query_read_units(namespace_gb * units.GB, minimum=rules.query_min_ru)
    by_ru = limits["query_ru_per_second_per_index"].value / ru
    by_ns = limits["query_requests_per_second_per_namespace"].value * namespaces
    return QueryCeiling(min(by_ru, by_ns), by_ru, by_ns, "read units per index" if by_ru <= by_ns else
                        "requests per namespace")


def max_upsert_records_per_second(record_bytes: int, batch_size: int, namespaces: int = 1) -> float:
    """Records/s the write limits allow: min(50 MB/s, 100 requests/s × batch) per namespace."""
    limits = load_pricebook().rate_limits
    by_bytes = limits["upsert_bytes_per_second_per_namespace"].value / record_bytes
    by_requests = limits["upsert_requests_per_second_per_namespace"].value * batch_size
    return min(by_bytes, by_requests) * namespaces
