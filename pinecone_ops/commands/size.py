"""``pinecone-ops size``: what serverless, dedicated read nodes and pods need for a workload, and cost."""
from __future__ import annotations

import argparse
from typing import Any

from pinecone_ops.pricing import cliargs as ca
from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.report import edition_line, options_rows, text_table
from pinecone_ops.pricing.serverless import namespace_gb
from pinecone_ops.pricing.sizing import recommend


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("size", help="size serverless, DRN and pods for a workload, with costs",
                              description="Recommendations for serverless, dedicated read nodes and (legacy) "
                                          "pods, cheapest feasible first.")
    ca.add_workload(p)
    p.add_argument("--qps", type=ca.amount, default=0.0, help="sustained queries per second (default 0)")
    p.add_argument("--top-k", type=ca.positive_count, default=10, metavar="K")
    p.add_argument("--upserts-per-month", type=ca.count, default=0, metavar="U")
    p.add_argument("--batch-size", type=ca.positive_count, default=100, metavar="S")
    p.add_argument("--pod-price", type=ca.price_override, action="append", metavar="TYPE=USD",
                   help="your pod $/hour, e.g. p1=0.1")
    p.add_argument("--qps-per-replica", type=ca.amount, help="DRN b1 QPS per replica from your load test")
    p.add_argument("--node-month", type=ca.amount, metavar="USD", help="your DRN b1 price per node-month")
    ca.add_pricing(p)
    p.set_defaults(func=lambda a: ca.run(a, _size), _parser=p)


def _size(a: argparse.Namespace) -> tuple[Any, str]:
    if a.top_k > 10_000:
        raise ValueError(f"--top-k {a.top_k} is over Pinecone's maximum of 10,000")
    options = recommend(a.records, a.dims, a.metadata_bytes, a.qps, a.top_k, id_bytes=a.id_bytes, plan=a.plan,
                        edition=a.edition, pod_hourly=dict(a.pod_price or []) or None,
                        drn_qps_per_replica=a.qps_per_replica, drn_node_month=a.node_month,
                        upserts_per_month=a.upserts_per_month, batch_size=a.batch_size)
    ed = load_pricebook().edition(a.edition)
    size = namespace_gb(a.records, a.dims, a.metadata_bytes, a.id_bytes)
    best = next((o for o in options if o.feasible), None)
    lines = [f"Sizing: {a.records:,} records × {a.dims} dims, {a.metadata_bytes:,} B metadata → {size:,.3f} GB; "
             f"{a.qps:g} QPS sustained, top_k {a.top_k}",
             f"Costs per month: {edition_line(ed, ed.plan(a.plan).label)}", "",
             text_table(("Option", "Configuration", "Monthly", "Notes"), options_rows(options), right=(2,)), ""]
    if best:
        lines.append(f"Cheapest that fits: {best.name}.")
    lines.append("Pod prices, DRN node prices and QPS per replica are labelled assumptions: pass your own.")
    data = {"edition": ed.id, "size_gb": size, "qps": a.qps, "options": [o.to_dict() for o in options],
            "cheapest": best.name if best else None}
    return data, "\n".join(lines)
