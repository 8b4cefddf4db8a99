"""Monthly cost against sustained QPS for serverless, dedicated read nodes and pods, and the
break-even points between them (reference §5). A "QPS" here is an average sustained rate:
queries a month = QPS × 730 h × 3,600 s.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from pinecone_ops.pricing.drn import drn_bill
from pinecone_ops.pricing.pods import pod_cost, pods_needed, replicas_for_qps
from pinecone_ops.pricing.pricebook import Edition, load_pricebook
from pinecone_ops.pricing.serverless import BillOptions, serverless_bill

CostFn = Callable[[float], float]


def queries_per_month(qps: float) -> float:
    """Queries in a billing month at a sustained ``qps``."""
    return qps * load_pricebook().month_hours.value * 3600


@dataclass(frozen=True)
class Workload:
    """What is being priced; the QPS varies along the curve."""

    records: int
    dimension: int
    metadata_bytes: int = 0
    id_bytes: int = 8
    top_k: int = 10
    upserts_per_month: int = 0
    batch_size: int = 100
    plan: str = "standard"
    edition: str | dt.date | Edition | None = None
    pod_type: str = "p1.x1"
    pod_hourly: Mapping[str, float] | None = None
    node_type: str = "b1"
    drn_qps_per_replica: float | None = None
    drn_node_month: float | None = None

    def _common(self) -> BillOptions:
        return BillOptions(id_bytes=self.id_bytes, upserts_per_month=self.upserts_per_month,
                           batch_size=self.batch_size, plan=self.plan, edition=self.edition)


def serverless_cost(w: Workload, qps: float) -> float:
    """Monthly serverless (on-demand) bill at ``qps`` (ignores the rate-limit ceiling; see throughput)."""
    return float(serverless_bill(w.records, w.dimension, w.metadata_bytes, top_k=w.top_k,
                                 queries_per_month=queries_per_month(qps), **w._common()).total)


def drn_cost(w: Workload, qps: float) -> float:
    """Monthly bill on dedicated read nodes sized for ``qps``."""
    return float(drn_bill(w.records, w.dimension, w.metadata_bytes, qps=qps, node_type=w.node_type,
                          qps_per_replica=w.drn_qps_per_replica, node_month=w.drn_node_month,
                          **w._common()).total)


def pods_cost(w: Workload, qps: float) -> float:
    """Monthly cost of a pod index (legacy) with enough pods for the data and replicas for ``qps``."""
    pods = pods_needed(w.records, w.dimension, w.pod_type)
    replicas = replicas_for_qps(qps, w.pod_type, w.top_k)
    return float(pod_cost(w.pod_type, pods, replicas, hourly=w.pod_hourly).total)


def option_costs(w: Workload) -> dict[str, CostFn]:
    """The three options as functions of QPS, named for plots and tables."""
    return {
        "serverless": lambda q: serverless_cost(w, q),
        f"dedicated read nodes ({w.node_type})": lambda q: drn_cost(w, q),
        f"pods ({w.pod_type}, legacy)": lambda q: pods_cost(w, q),
    }


@dataclass(frozen=True)
class BreakEven:
    """Where option ``cheaper_above`` becomes cheaper than ``cheaper_below`` as QPS rises."""

    qps: float
    cost: float
    cheaper_below: str
    cheaper_above: str


def break_even(cost_a: CostFn, cost_b: CostFn, qps_max: float, *, qps_min: float = 0.0, steps: int = 400,
               names: tuple[str, str] = ("a", "b")) -> list[BreakEven]:
    """Every QPS in [qps_min, qps_max] where the cheaper of two cost curves changes.

    Curves with replica steps are not monotone in their difference, so this scans a grid and
    bisects each bracket where the sign of ``a − b`` changes, to 0.01 QPS.
    """
    if qps_max <= qps_min:
        raise ValueError("the QPS range must be increasing")
    grid = [qps_min + (qps_max - qps_min) * i / steps for i in range(steps + 1)]
    diff = [cost_a(q) - cost_b(q) for q in grid]
    out = []
    for (q0, d0), (q1, d1) in pairwise(zip(grid, diff, strict=True)):
        if (d0 < 0) == (d1 < 0):
            continue
        lo, hi, dlo = q0, q1, d0
        while hi - lo > 0.005:
            mid = (lo + hi) / 2
            dm = cost_a(mid) - cost_b(mid)
            if (dm < 0) == (dlo < 0):
                lo, dlo = mid, dm
            else:
                hi = mid
        below, above = (names[0], names[1]) if d0 < 0 else (names[1], names[0])
        out.append(BreakEven(round(hi, 2), round(min(cost_a(hi), cost_b(hi)), 2), below, above))
    return out


def cost_curves(costs: Mapping[str, CostFn], qps: Sequence[float]) -> dict[str, list[float]]:
    """Each option's monthly cost at each QPS."""
    return {name: [fn(q) for q in qps] for name, fn in costs.items()}


def break_evens(costs: Mapping[str, CostFn], qps_max: float, steps: int = 200) -> list[BreakEven]:
    """Break-even points between every pair of options, sorted by QPS."""
    costs = {name: lru_cache(maxsize=None)(fn) for name, fn in costs.items()}  # each curve is shared by pairs
    names = list(costs)
    points = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            points += break_even(costs[a], costs[b], qps_max, steps=steps, names=(a, b))
    return sorted(points, key=lambda p: p.qps)
