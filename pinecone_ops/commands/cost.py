"""``pinecone-ops cost``: monthly cost of serverless, pods, dedicated read nodes; break-even; editions."""
from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from pinecone_ops.pricing import cliargs as ca
from pinecone_ops.pricing.bill import money
from pinecone_ops.pricing.breakeven import Workload, break_evens, option_costs
from pinecone_ops.pricing.drn import drn_bill
from pinecone_ops.pricing.pods import fullness, pod_capacity, pod_cost, pods_needed, replicas_for_qps
from pinecone_ops.pricing.pricebook import Figure, load_pricebook
from pinecone_ops.pricing.report import bill_text, edition_line, text_table
from pinecone_ops.pricing.serverless import serverless_bill


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cost", help="price a workload with the dated price book",
                                   description="Monthly Pinecone cost from the dated price book "
                                               "(pinecone_ops/data/pricebook.toml).")
    sub = parser.add_subparsers(dest="cost_command", metavar="MODEL", required=True)

    p = sub.add_parser("serverless", help="serverless (on-demand) bill with line items")
    ca.add_workload(p, metadata_required=True)
    p.add_argument("--namespaces", type=ca.positive_count, default=1, help="namespaces the records are spread over")
    p.add_argument("--queries-per-month", type=ca.count, default=0, metavar="Q")
    p.add_argument("--top-k", type=ca.positive_count, default=10, metavar="K",
                   help="matters for the 2024 editions only")
    p.add_argument("--include-payload", action="store_true", help="queries return metadata/values (2024 editions)")
    p.add_argument("--fetches-per-month", type=ca.count, default=0, metavar="F")
    p.add_argument("--records-per-fetch", type=ca.positive_count, default=1, metavar="R")
    p.add_argument("--lists-per-month", type=ca.count, default=0, metavar="L")
    p.add_argument("--upserts-per-month", type=ca.count, default=0, metavar="U", help="records upserted a month")
    p.add_argument("--batch-size", type=ca.positive_count, default=100, metavar="S", help="records per upsert")
    p.add_argument("--overwrite-fraction", type=ca.amount, default=0.0, metavar="F",
                   help="share of upserts that overwrite an existing record (0..1)")
    p.add_argument("--deletes-per-month", type=ca.count, default=0, metavar="N")
    for name in ("egress", "backup", "restore", "import"):
        p.add_argument(f"--{name}-gb", type=ca.amount, default=0.0, metavar="GB")
    p.add_argument("--ru-rounding", choices=["none", "quarter"], default="none",
                   help="round query RU up to 0.25 as one mid-2025 doc did (default none)")
    ca.add_pricing(p)
    p.set_defaults(func=lambda a: ca.run(a, _serverless), _parser=p)

    p = sub.add_parser("drn", help="dedicated read nodes: shards, replicas, nodes + storage + writes")
    ca.add_workload(p)
    p.add_argument("--qps", type=ca.amount, default=0.0, help="sustained queries per second")
    p.add_argument("--node-type", choices=["b1", "t1"], default="b1")
    p.add_argument("--shards", type=ca.positive_count, help="default: sized at 75%% shard fullness")
    p.add_argument("--replicas", type=ca.positive_count, help="default: sized for --qps")
    p.add_argument("--qps-per-replica", type=ca.amount, help="your load-test figure (default: an assumption)")
    p.add_argument("--ha", action="store_true", help="one extra replica for availability")
    p.add_argument("--node-month", type=ca.amount, metavar="USD", help="your price per node-month")
    p.add_argument("--upserts-per-month", type=ca.count, default=0, metavar="U")
    p.add_argument("--batch-size", type=ca.positive_count, default=100, metavar="S")
    ca.add_pricing(p)
    p.set_defaults(func=lambda a: ca.run(a, _drn), _parser=p)

    p = sub.add_parser("pods", help="legacy pod index: pods needed, replicas, per-minute billing")
    p.add_argument("--pod-type", default="p1.x1", help="s1, p1 or p2 with .x1/.x2/.x4/.x8 (default p1.x1)")
    p.add_argument("--pods", type=ca.positive_count, help="base pods (shards); default: sized from --records/--dims")
    p.add_argument("--replicas", type=ca.positive_count, help="default: sized for --qps")
    p.add_argument("--records", type=ca.count, metavar="N")
    p.add_argument("--dims", type=ca.dims, metavar="D")
    p.add_argument("--qps", type=ca.amount, default=0.0)
    p.add_argument("--top-k", type=ca.positive_count, default=10)
    when = p.add_mutually_exclusive_group()
    when.add_argument("--minutes", type=ca.amount, help="minutes the index exists (default: 730 h)")
    when.add_argument("--days", type=ca.amount, help="days the index exists")
    price = p.add_mutually_exclusive_group()
    price.add_argument("--price-per-pod-minute", type=ca.amount, metavar="USD", help="per x1 pod-minute")
    price.add_argument("--pod-price", type=ca.price_override, action="append", metavar="TYPE=USD",
                       help="your $/hour, e.g. p1=0.1 (x1, scaled by size) or p1.x2=0.2")
    p.add_argument("--collection-gb", type=ca.amount, default=0.0)
    ca.add_json(p)
    p.set_defaults(func=lambda a: ca.run(a, _pods), _parser=p)

    p = sub.add_parser("breakeven", help="cost vs QPS for serverless, DRN and pods, with break-even points")
    ca.add_workload(p)
    p.add_argument("--qps-max", type=ca.amount, default=100.0, help="highest QPS to consider (default 100)")
    p.add_argument("--top-k", type=ca.positive_count, default=10)
    p.add_argument("--pod-type", default="p1.x1")
    p.add_argument("--pod-price", type=ca.price_override, action="append", metavar="TYPE=USD")
    p.add_argument("--node-type", choices=["b1", "t1"], default="b1")
    p.add_argument("--qps-per-replica", type=ca.amount, help="DRN QPS per replica (your load test)")
    p.add_argument("--node-month", type=ca.amount, metavar="USD")
    p.add_argument("--upserts-per-month", type=ca.count, default=0, metavar="U")
    ca.add_pricing(p)
    p.set_defaults(func=lambda a: ca.run(a, _breakeven), _parser=p)

    p = sub.add_parser("editions", help="list the price-book editions and their main prices")
    ca.add_json(p)
    p.set_defaults(func=lambda a: ca.run(a, _editions), _parser=p)


def _serverless(a: argparse.Namespace) -> tuple[Any, str]:
    bill = serverless_bill(
        a.records, a.dims, a.metadata_bytes, id_bytes=a.id_bytes, namespaces=a.namespaces,
        queries_per_month=a.queries_per_month, top_k=a.top_k, include_payload=a.include_payload,
        fetches_per_month=a.fetches_per_month, records_per_fetch=a.records_per_fetch,
        lists_per_month=a.lists_per_month, upserts_per_month=a.upserts_per_month, batch_size=a.batch_size,
        overwrite_fraction=a.overwrite_fraction, deletes_per_month=a.deletes_per_month, egress_gb=a.egress_gb,
        backup_gb=a.backup_gb, restore_gb=a.restore_gb, import_gb=a.import_gb, plan=a.plan, edition=a.edition,
        ru_rounding=a.ru_rounding)
    q = bill.quantities
    head = [f"Serverless monthly bill: {edition_line(bill.edition, bill.plan_label)}",
            f"{a.records:,} records × {a.dims} dims, {a.metadata_bytes:,} B metadata, {a.id_bytes} B IDs: "
            f"{q['record_bytes']:,} B per record, {q['storage_gb']:,.3f} GB in {a.namespaces} namespace(s)",
            f"Read units per query: {q['ru_per_query']:,.3f}", ""]
    return bill.to_dict(), "\n".join(head) + "\n" + bill_text(bill)


def _drn(a: argparse.Namespace) -> tuple[Any, str]:
    bill = drn_bill(a.records, a.dims, a.metadata_bytes, qps=a.qps, node_type=a.node_type,
                    qps_per_replica=a.qps_per_replica, ha=a.ha, node_month=a.node_month, shards=a.shards,
                    replicas=a.replicas, id_bytes=a.id_bytes, upserts_per_month=a.upserts_per_month,
                    batch_size=a.batch_size, plan=a.plan, edition=a.edition)
    q = bill.quantities
    head = [f"Dedicated read nodes: {edition_line(bill.edition, bill.plan_label)}",
            f"{q['storage_gb']:,.3f} GB → {q['shards']} shard(s) at {q['shard_fullness']:.0%} fullness; "
            f"{q['replicas']} replica(s) for {a.qps:g} QPS; reads cost no RUs on DRN", ""]
    return bill.to_dict(), "\n".join(head) + "\n" + bill_text(bill)


def _pods(a: argparse.Namespace) -> tuple[Any, str]:
    sized = a.records is not None and a.dims is not None
    if a.pods is None and not sized:
        raise ValueError("give --pods, or --records and --dims to size the pods")
    pods = a.pods or pods_needed(a.records, a.dims, a.pod_type)
    replicas = a.replicas or replicas_for_qps(a.qps, a.pod_type, a.top_k)
    minutes = a.days * 1440 if a.days is not None else a.minutes
    cost = pod_cost(a.pod_type, pods, replicas, minutes, price_per_pod_minute=a.price_per_pod_minute,
                    hourly=dict(a.pod_price or []), collection_gb=a.collection_gb)
    data: dict[str, Any] = cost.to_dict()
    lines = ["Pod index (legacy; no new pod indexes for Standard/Enterprise signups since 2025-08-18)"]
    if sized:
        cap = pod_capacity(a.pod_type, a.dims)
        full = fullness(a.records, a.dims, a.pod_type, pods)
        data.update(capacity_per_pod=cap, fullness=full)
        lines.append(f"{a.records:,} × {a.dims}-d: {cap:,} vectors per {cost.pod_type} pod → {pods} pod(s), "
                     f"{full:.0%} full")
    rows = [("Pod type", cost.pod_type), ("Pods (shards) × replicas", f"{pods} × {replicas}"),
            ("Minutes billed (15-min increments)", f"{cost.billed_minutes:,}"),
            ("x1 pod-minutes", f"{cost.pod_minutes:,}"),
            ("Price per x1 pod-minute", f"${cost.price_per_pod_minute:.6f} ({cost.price_status})"),
            ("Pods", money(cost.pods_amount)), ("Collections", money(cost.collection_amount)),
            ("Total", money(cost.total))]
    lines += ["", text_table(("Item", "Value"), rows, right=(1,))]
    if cost.price_status != "yours":
        lines.append(f"* pod price is {cost.price_status} (no primary source): pass --pod-price or "
                     "--price-per-pod-minute")
    return data, "\n".join(lines)


def _breakeven(a: argparse.Namespace) -> tuple[Any, str]:
    w = Workload(a.records, a.dims, a.metadata_bytes, a.id_bytes, a.top_k, a.upserts_per_month, plan=a.plan,
                 edition=a.edition, pod_type=a.pod_type, pod_hourly=dict(a.pod_price or []) or None,
                 node_type=a.node_type, drn_qps_per_replica=a.qps_per_replica, drn_node_month=a.node_month)
    costs = option_costs(w)
    points = break_evens(costs, a.qps_max)
    grid = sorted({0.0, a.qps_max / 100, a.qps_max / 10, a.qps_max / 2, a.qps_max} | {p.qps for p in points})
    ed = load_pricebook().edition(a.edition)
    rows = [(f"{q:g}",) + tuple(money(Decimal(str(round(fn(q), 2)))) for fn in costs.values()) for q in grid]
    lines = [f"Monthly cost vs sustained QPS: {edition_line(ed, ed.plan(a.plan).label)}", "",
             text_table(("QPS",) + tuple(costs), rows, right=tuple(range(len(costs) + 1))), ""]
    lines += [f"break-even at {p.qps:g} QPS (${p.cost:,.2f}/month): {p.cheaper_above} becomes cheaper than "
              f"{p.cheaper_below}" for p in points] or ["no break-even below --qps-max"]
    lines.append("* DRN QPS per replica and pod prices are assumptions; pass your own figures.")
    data = {"edition": ed.id, "qps": grid,
            "costs": {name: [round(fn(q), 2) for q in grid] for name, fn in costs.items()},
            "break_evens": [p.__dict__ for p in points]}
    return data, "\n".join(lines)


def _flag(fig: Figure) -> str:
    """The table's mark for a price with no primary source."""
    return "*" if fig.uncertain else ""


def _editions(a: argparse.Namespace) -> tuple[Any, str]:
    book = load_pricebook()
    rows, data = [], []
    for ed in book.editions:
        std = ed.plans["standard"]
        ru, wu = std.figure("ru_per_million"), std.figure("wu_per_million")
        fee = std.get("platform_fee_month")
        rows.append((ed.id + ("~" if ed.approximate else "") + (" (current)" if ed is book.current else ""),
                     ed.metering.query_model, f"{ed.metering.write_min_wu:g}",
                     f"${ru.value:g}{_flag(ru)}", f"${wu.value:g}{_flag(wu)}",
                     f"${std.figure('storage_gb_month').value:g}",
                     f"${std.figure('minimum_month').value:g}"
                     + (f" (fee ${fee.value:g})" if fee and fee.value else ""),
                     ", ".join(ed.plans)))
        data.append({"id": ed.id, "effective": ed.effective.isoformat(), "approximate": ed.approximate,
                     "name": ed.name, "summary": ed.summary, "notes": list(ed.notes),
                     "plans": {n: {k: f.to_dict() for k, f in p.figures.items()} for n, p in ed.plans.items()}})
    text = text_table(("Edition", "Query RU", "Min WU", "RU/M", "WU/M", "GB-mo", "Std minimum", "Plans"), rows)
    text += ("\n\nStandard plan, aws us-east-1. * third-party report (no primary source); ~ approximate date.\n"
             f"Price book: {book.path}")
    return data, text
