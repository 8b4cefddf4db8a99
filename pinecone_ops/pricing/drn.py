"""Dedicated read nodes (DRN): shards, replicas and the monthly cost (reference §4.4, S12).

Reads on DRN cost no RUs; you pay ``node rate × shards × replicas`` plus storage and writes,
which stay on the serverless path. Node rates and QPS per replica are parameters.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from pinecone_ops.pricing.bill import Bill, LineItem, cents, to_decimal
from pinecone_ops.pricing.pricebook import Figure, load_pricebook
from pinecone_ops.pricing.serverless import namespace_gb, serverless_bill

NODE_TYPES = ("b1", "t1")


def _figure(section: str, node_type: str) -> Figure:
    if node_type not in NODE_TYPES:
        raise ValueError(f"node type {node_type!r} is not one of b1, t1")
    raw = load_pricebook().raw["drn"][section][node_type]
    return Figure(f"drn {node_type} {section}", raw["value"], str(raw["date"]), raw["plan"], raw["region"],
                  raw["source"], raw["status"], raw.get("note", ""))


def drn_shards(size_gb: float, target_fullness: float | None = None) -> int:
    """Shards for an index of ``size_gb``: ``ceil(size / (250 GB × target fullness))``, at least 1.

    The docs advise 70–80 % fullness (400 GB → 3 shards, not 2); the default is 75 %.
    """
    drn = load_pricebook().raw["drn"]
    target = drn["target_fullness"]["value"] if target_fullness is None else target_fullness
    if not 0 < target <= 1:
        raise ValueError("target fullness must be in (0, 1], e.g. 0.75")
    if size_gb < 0:
        raise ValueError("index size must be 0 GB or more")
    return max(1, math.ceil(size_gb / (drn["shard_gb"]["value"] * target) - 1e-9))


def drn_replicas(qps: float, node_type: str = "b1", qps_per_replica: float | None = None, ha: bool = False) -> int:
    """Replicas for a QPS target: ``ceil(qps / QPS per replica)`` (at least 1), plus 1 with ``ha``.

    Pinecone says to measure QPS per replica by load test; the default is a labelled assumption.
    """
    if qps < 0:
        raise ValueError("QPS must be 0 or more")
    rate = qps_per_replica or _figure("qps_per_replica", node_type).value
    return max(1, math.ceil(qps / rate - 1e-9)) + (1 if ha else 0)


def node_month_price(node_type: str = "b1", override: float | None = None) -> tuple[Decimal, Figure | None]:
    """Monthly price of one node and its figure (``None`` when ``override`` is yours)."""
    if override is not None:
        return to_decimal(float(override)), None
    fig = _figure("node_month", node_type)
    return fig.decimal, fig


def nodes_line(node_type: str, shards: int, replicas: int, node_month: float | None = None) -> LineItem:
    """The invoice line for ``shards × replicas`` nodes for one month."""
    price, fig = node_month_price(node_type, node_month)
    nodes = shards * replicas
    return LineItem("nodes", f"Dedicated read nodes ({node_type}: {shards} shards × {replicas} replicas)",
                    nodes, "node-month", price, cents(nodes * price), fig)


def drn_bill(records: int, dimension: int, metadata_bytes: int = 0, *, qps: float = 0.0,
             node_type: str = "b1", qps_per_replica: float | None = None, ha: bool = False,
             target_fullness: float | None = None, node_month: float | None = None,
             shards: int | None = None, replicas: int | None = None, **serverless: Any) -> Bill:
    """Monthly bill of an index on dedicated read nodes: nodes + storage + writes (no read units).

    Shards and replicas are sized from the data and ``qps`` unless given. Other keyword arguments
    (``id_bytes``, ``upserts_per_month``, ``batch_size``, ``plan``, ``edition`` ...) go to
    :func:`serverless_bill` for the storage and write lines.
    """
    for key in ("queries_per_month", "fetches_per_month", "lists_per_month"):
        serverless.pop(key, None)  # reads are served by the nodes
    size = namespace_gb(records, dimension, metadata_bytes, serverless.get("id_bytes", 8),
                        serverless.get("sparse_nnz", 0))
    shards = shards or drn_shards(size, target_fullness)
    replicas = replicas or drn_replicas(qps, node_type, qps_per_replica, ha)
    line = nodes_line(node_type, shards, replicas, node_month)
    bill = serverless_bill(records, dimension, metadata_bytes, extra_lines=[line], **serverless)
    cap = int(load_pricebook().raw["drn"]["max_nodes_per_project"]["value"])
    warnings = bill.warnings
    if shards * replicas > cap:
        warnings += (f"{shards * replicas} nodes exceed the {cap} nodes per project limit; ask Support to raise it",)
    q = dict(bill.quantities, shards=shards, replicas=replicas, nodes=shards * replicas,
             shard_fullness=size / (shards * load_pricebook().raw["drn"]["shard_gb"]["value"]))
    return Bill(bill.edition, bill.plan, bill.plan_label, bill.items, q, warnings, bill.notes)
