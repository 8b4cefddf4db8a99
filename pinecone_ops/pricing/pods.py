"""Legacy pod-based indexes: capacity, pods and replicas needed, per-minute billing, and which
changes Pinecone allows in place (reference §2). Pod hourly prices are uncertain parameters.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from pinecone_ops.pricing.bill import cents, to_decimal
from pinecone_ops.pricing.pricebook import Figure, load_pricebook

FAMILIES = ("p1", "p2", "s1")
SIZES = ("x1", "x2", "x4", "x8")


def parse_pod_type(pod_type: str) -> tuple[str, str, int]:
    """``"p1.x2"`` → ``("p1", "x2", 2)``; raises ValueError naming the valid types."""
    family, _, size = pod_type.strip().lower().partition(".")
    size = size or "x1"
    mults = load_pricebook().raw["pods"]["size_multipliers"]
    if family not in FAMILIES or size not in mults:
        raise ValueError(f"pod type {pod_type!r} is not one of s1, p1, p2 followed by .x1, .x2, .x4 or .x8 "
                         "(e.g. p1.x2)")
    return family, size, int(mults[size])


def _capacity_table(family: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    table = load_pricebook().raw["pods"]["capacity_x1"]
    return tuple(table["dimensions"]), tuple(table[family])


def _check_dimension(dimension: int) -> None:
    max_dim = int(load_pricebook().limits["max_dimension"].value)
    if not 1 <= dimension <= max_dim:
        raise ValueError(f"dimension {dimension} is outside 1..{max_dim:,} (Pinecone's maximum dense dimension)")


def pod_capacity(pod_type: str, dimension: int) -> int:
    """Vectors one pod of ``pod_type`` (e.g. ``"p1.x2"``) holds at ``dimension``, from the capacity table.

    The table (S8, x1 pods) gives capacity at 512, 768, 1024 and 1536 dims. Capacity is roughly
    inversely proportional to dimension, so we interpolate the *dimension budget*
    ``capacity × dimension`` linearly between the tabulated dimensions and divide by the
    dimension. Outside the table the budget of the nearest end is held constant (capacity ∝ 1/d),
    which reproduces the guide's 100M × 2048-d → 267 p1.x1 / 54 s1.x1. The result is multiplied by
    the size (x2 = 2×, x4 = 4×, x8 = 8×) and rounded down to whole vectors.
    """
    family, _, mult = parse_pod_type(pod_type)
    _check_dimension(dimension)
    dims, caps = _capacity_table(family)
    budgets = [c * d for c, d in zip(caps, dims, strict=True)]
    budget: float
    if dimension <= dims[0]:
        budget = budgets[0]
    elif dimension >= dims[-1]:
        budget = budgets[-1]
    else:
        i = next(k for k in range(len(dims) - 1) if dims[k] <= dimension <= dims[k + 1])
        frac = (dimension - dims[i]) / (dims[i + 1] - dims[i])
        budget = budgets[i] + frac * (budgets[i + 1] - budgets[i])
    return int(budget * mult // dimension)


def pods_needed(records: int, dimension: int, pod_type: str = "p1.x1", max_fullness: float = 1.0) -> int:
    """Pods (shards) of ``pod_type`` to hold ``records`` with each pod at most ``max_fullness`` full.

    Pinecone does not support fractional pods, so this rounds up; at least 1.
    """
    if records < 0:
        raise ValueError(f"records must be 0 or more, got {records}")
    if not 0 < max_fullness <= 1:
        raise ValueError("max fullness must be in (0, 1], e.g. 0.9 for the docs' 90% guidance")
    usable = pod_capacity(pod_type, dimension) * max_fullness
    return max(1, math.ceil(records / usable - 1e-9))


def fullness(records: int, dimension: int, pod_type: str, pods: int) -> float:
    """Index fullness (0..1+) of ``pods`` pods of ``pod_type`` holding ``records``; >1 means over capacity."""
    return records / (pod_capacity(pod_type, dimension) * pods)


def qps_per_replica(pod_type: str, top_k: int = 10) -> float:
    """QPS one replica serves (S8 Table 2, 1M × 768-d baseline), for the smallest tabulated top_k ≥ ``top_k``."""
    family, _, _ = parse_pod_type(pod_type)
    table = load_pricebook().raw["pods"]["qps_per_replica"]
    ks, qps = table["top_k"], table[family]
    if not 1 <= top_k <= 10_000:
        raise ValueError(f"top_k {top_k} is outside 1..10,000 (Pinecone's maximum top_k)")
    return float(next((q for k, q in zip(ks, qps, strict=True) if top_k <= k), qps[-1]))


def replicas_for_qps(qps: float, pod_type: str = "p1.x1", top_k: int = 10, per_replica: float | None = None) -> int:
    """Replicas for a QPS target: ``ceil(qps / QPS per replica)``, at least 1 (the primary copy)."""
    if qps < 0:
        raise ValueError("QPS must be 0 or more")
    rate = per_replica or qps_per_replica(pod_type, top_k)
    return max(1, math.ceil(qps / rate - 1e-9))


def billed_minutes(minutes: float) -> int:
    """Minutes billed for an index that existed ``minutes``: rounded up to 15-minute increments."""
    step = int(load_pricebook().raw["pods"]["billing_increment_minutes"]["value"])
    return int(math.ceil(minutes / step - 1e-9) * step) if minutes > 0 else 0


def hourly_price(pod_type: str, overrides: Mapping[str, float] | None = None) -> tuple[Decimal, Figure | None]:
    """Price per hour of one pod of ``pod_type`` (x1 price × size) and the figure it came from.

    ``overrides`` maps a family (``"p1"``) or full type (``"p1.x2"``) to your own $/hour; a full
    type's price is taken as is, a family's is multiplied by the size.
    """
    family, size, mult = parse_pod_type(pod_type)
    overrides = {k.lower(): v for k, v in (overrides or {}).items()}
    if f"{family}.{size}" in overrides:
        return to_decimal(float(overrides[f"{family}.{size}"])), None
    if family in overrides:
        return to_decimal(float(overrides[family])) * mult, None
    raw = load_pricebook().raw["pods"]["hourly_x1"][family]
    fig = Figure(f"pod {family}.x1 hourly", raw["value"], str(raw["date"]), raw["plan"], raw["region"],
                 raw["source"], raw["status"], raw.get("note", ""))
    return fig.decimal * mult, fig


@dataclass(frozen=True)
class PodCost:
    """The cost of a pod index over a period (legacy billing formula, S11)."""

    pod_type: str
    pods: int
    replicas: int
    minutes: float
    billed_minutes: int
    pod_minutes: int  # pods × size × replicas × billed minutes (in x1 pod-minutes)
    price_per_pod_minute: Decimal  # per x1 pod-minute
    pods_amount: Decimal
    collection_amount: Decimal
    price_status: str  # "documented", "uncertain", "illustrative" or "yours"

    @property
    def total(self) -> Decimal:
        return self.pods_amount + self.collection_amount

    def to_dict(self) -> dict[str, object]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d.update(price_per_pod_minute=float(self.price_per_pod_minute), pods_amount=float(self.pods_amount),
                 collection_amount=float(self.collection_amount), total=float(self.total))
        return d


def pod_cost(pod_type: str, pods: int = 1, replicas: int = 1, minutes: float | None = None, *,
             price_per_pod_minute: float | None = None, hourly: Mapping[str, float] | None = None,
             collection_gb: float = 0.0) -> PodCost:
    """``pods × size × replicas × billed minutes × $/pod-minute`` + collection storage (S11).

    ``minutes`` defaults to one billing month (730 h). ``price_per_pod_minute`` is per x1 pod-minute
    (the legacy docs' form); otherwise the hourly price comes from ``hourly`` overrides or the
    price book's uncertain default.
    """
    family, size, mult = parse_pod_type(pod_type)
    if pods < 1 or replicas < 1:
        raise ValueError("pods and replicas must each be at least 1")
    book = load_pricebook()
    if minutes is None:
        minutes = book.month_hours.value * 60
    if minutes < 0 or collection_gb < 0:
        raise ValueError("minutes and collection GB must be 0 or more")
    if price_per_pod_minute is not None:
        per_min, status = to_decimal(float(price_per_pod_minute)), "yours"
    else:
        per_hour, fig = hourly_price(f"{family}.{size}", hourly)
        per_min, status = per_hour / mult / 60, (fig.status if fig else "yours")
    billed = billed_minutes(minutes)
    pod_minutes = pods * mult * replicas * billed
    coll_raw = book.raw["pods"]["collection_gb_minute"]
    coll = cents(to_decimal(collection_gb) * billed * to_decimal(coll_raw["value"]))
    return PodCost(f"{family}.{size}", pods, replicas, minutes, billed, pod_minutes, per_min,
                   cents(pod_minutes * per_min), coll, status)


@dataclass(frozen=True)
class PodSpec:
    """A pod index's shape: ``pods`` is the number of base pods (shards)."""

    pod_type: str
    pods: int = 1
    replicas: int = 1
    environment: str = "us-east-1-aws"


def pod_change(current: PodSpec, new: PodSpec) -> tuple[bool, list[str]]:
    """Whether Pinecone can change ``current`` into ``new`` in place (S9, S10), with the reasons.

    Allowed: a larger pod size (x1→x2→x4→x8) and any number of replicas (≥ 1). Not allowed: a
    smaller size, another pod type, another number of base pods, another environment; those need
    a collection and a new index.
    """
    cf, cs, cm = parse_pod_type(current.pod_type)
    nf, ns, nm = parse_pod_type(new.pod_type)
    reasons: list[str] = []
    ok = True
    if nf != cf:
        ok = False
        reasons.append(f"pod type cannot change ({cf} → {nf}): create a collection, then a new {nf} index from it")
    if nm < cm:
        ok = False
        reasons.append(f"pod size cannot shrink ({cs} → {ns}): create a collection and a new, smaller index")
    elif nm > cm:
        reasons.append(f"pod size {cs} → {ns} is allowed in place (no downtime, about 10 minutes)")
    if new.pods != current.pods:
        ok = False
        reasons.append(f"the number of base pods is static ({current.pods} → {new.pods}): "
                       "create a collection, then a new index with more pods")
    if new.replicas < 1:
        ok = False
        reasons.append("replicas must be at least 1")
    elif new.replicas != current.replicas:
        reasons.append(f"replicas {current.replicas} → {new.replicas} is allowed in place (configure_index)")
    if new.environment != current.environment:
        ok = False
        reasons.append("the environment (region) cannot change: create a collection and a new index there")
    return ok, reasons
