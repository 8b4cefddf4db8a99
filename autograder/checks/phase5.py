"""Hidden checks for phase 5 (Cost optimization).

Calculators are checked on inputs the learner has not seen against the kit's price book; the
workload rewrite is run by these checks on fresh indexes with unseen data and judged by what the
local Pinecone metered (request log), never by reading the learner's code.
"""
from __future__ import annotations

import contextlib
import io
import math
import random
from collections.abc import Callable
from typing import Any

from autograder.checks.common import (
    admin,
    client,
    close,
    error_name,
    expect,
    fresh_name,
    is_kind,
    kernel_new,
    notebook_key,
    raises,
    student_client,
)

FIGURE = "matplotlib.figure.Figure"

SECONDS_PER_MONTH = 730 * 3600
#: Namespace size multiplier the notebook meters the workload with (see the notebook's text).
METER_SCALE = 50_000
#: Data seeds the hidden workload checks use (the notebook shows seed 5).
UNSEEN_SEEDS = (11, 29)


# -- the price model the answers are judged against ---------------------------------------------

def _plan_prices(plan: str) -> dict[str, Any]:
    from pinecone_ops.pricing.pricebook import edition

    p = edition().plan(plan)

    def fig(key: str) -> float:
        f = p.get(key)
        return float(f.value) if f is not None else 0.0

    return {"billing": p.billing, **{k: fig(k) for k in (
        "storage_gb_month", "ru_per_million", "wu_per_million", "egress_per_gb",
        "egress_allowance_gb", "minimum_month", "flat_month")}}


def expected_bill(storage_gb: float, ru: float, wu: float, egress_gb: float, plan: str) -> float:
    """The month's bill under the current price book edition."""
    p = _plan_prices(plan)
    if p["billing"] == "free":
        return 0.0
    if p["billing"] == "flat":
        return p["flat_month"]
    usage = (storage_gb * p["storage_gb_month"] + ru / 1e6 * p["ru_per_million"]
             + wu / 1e6 * p["wu_per_million"]
             + max(0.0, egress_gb - p["egress_allowance_gb"]) * p["egress_per_gb"])
    return max(p["minimum_month"], usage)


def bill_cases(seed: int = 2026) -> list[tuple]:
    """Unseen usage: below, at and above the minimum, egress around the allowance, every plan."""
    rng = random.Random(seed)
    cases = [
        (0.0, 0, 0, 0.0, "standard"),
        (0.0, 0, 0, 0.0, "enterprise"),
        (120.0, 40_000_000, 9_000_000, 99.0, "standard"),
        (120.0, 40_000_000, 9_000_000, 250.0, "standard"),       # 150 GB over the allowance
        (3.0, 2_000_000, 500_000, 100.0, "standard"),            # exactly at the allowance
        (50.0, 30_000_000, 2_000_000, 140.0, "enterprise"),
        (900.0, 900_000_000, 80_000_000, 0.0, "enterprise"),     # above the enterprise floor
        (1.5, 900_000, 1_500_000, 0.5, "starter"),
        (8.0, 1_800_000, 4_000_000, 9.0, "builder"),
        (8.0, 90_000_000, 40_000_000, 500.0, "builder"),         # usage far beyond: still flat
    ]
    for _ in range(12):
        cases.append((round(rng.uniform(0, 400), 3), rng.randrange(0, 60_000_000),
                      rng.randrange(0, 30_000_000), round(rng.uniform(0, 300), 1),
                      rng.choice(["standard", "enterprise"])))
    return cases


def check_monthly_bill(monthly_bill: Callable) -> None:
    """Every plan and the edge cases, to the cent; unknown plans refused."""
    for storage, ru, wu, egress, plan in bill_cases():
        want = expected_bill(storage, ru, wu, egress, plan)
        got = monthly_bill(storage, ru, wu, egress_gb=egress, plan=plan)
        # abs_: invoice-style line rounding is fine
        expect(isinstance(got, (int, float)) and close(got, want, rel=1e-9, abs_=0.021),
               f"monthly_bill({storage}, {ru:,}, {wu:,}, egress_gb={egress}, plan={plan!r}) should be "
               f"${want:,.2f}, got {got!r}. Check the minimum, the egress allowance and how "
               f"{plan!r} is billed ({_plan_prices(plan)['billing']}).")
    err = raises(monthly_bill, 1.0, 1, 1, plan="platinum")
    expect(isinstance(err, ValueError),
           f"monthly_bill(..., plan='platinum') should raise ValueError naming the plans; it "
           f"{'raised ' + error_name(err) if err else 'returned a number'}.")


# -- pods -----------------------------------------------------------------------------------------

def expected_pod_bill(pod_type: str, shards: int, replicas: int, minutes: float, hourly: float) -> float:
    size = int(pod_type.split(".x")[1])
    billable = 15 * math.ceil(minutes / 15)
    return shards * size * replicas * billable * hourly / 60


def check_pod_bill(billable_minutes: Callable, pod_bill: Callable) -> None:
    """15-minute rounding at the edges, size multipliers, replicas and shards; bad pod types refused."""
    for minutes, want in [(1, 15), (14.5, 15), (15, 15), (15.01, 30), (29, 30), (30, 30), (44_640, 44_640),
                          (44_641, 44_655), (0, 0)]:
        got = billable_minutes(minutes)
        expect(got == want, f"billable_minutes({minutes}) should be {want}, got {got!r}: round up to a "
               "multiple of 15 minutes.")
    cases = [("s1.x1", 1, 1, 61, 0.096), ("p1.x8", 1, 1, 60, 0.096), ("p2.x4", 3, 2, 1_000, 0.144),
             ("s1.x2", 2, 5, 7, 0.1), ("p1.x2", 2, 3, 44_640, 0.0012 * 60), ("p1.x1", 4, 1, 0, 0.096)]
    for pod_type, shards, replicas, minutes, hourly in cases:
        want = expected_pod_bill(pod_type, shards, replicas, minutes, hourly)
        got = pod_bill(pod_type, shards, replicas, minutes, hourly)
        expect(isinstance(got, (int, float)) and close(got, want, rel=1e-9, abs_=1e-6),
               f"pod_bill({pod_type!r}, shards={shards}, replicas={replicas}, minutes={minutes}, "
               f"hourly_price_x1={hourly}) should be ${want:,.4f}, got {got!r}. Multiply shards × size "
               f"multiplier × replicas × billable minutes × price per minute.")
    for bad in ("p3.x1", "p1.x3", "p1", "s1.X2"):
        expect(isinstance(raises(pod_bill, bad, 1, 1, 60, 0.096), ValueError),
               f"pod_bill({bad!r}, ...) should raise ValueError: pod types are s1/p1/p2 with .x1/.x2/.x4/.x8")


# -- break-even and the crossover plot ------------------------------------------------------------

def expected_break_even(namespace_gb: float, drn_monthly: float, ru_price: float = 16.0) -> float:
    return drn_monthly / (SECONDS_PER_MONTH * max(0.25, namespace_gb) * ru_price / 1e6)


def check_break_even(break_even_qps: Callable, plot_crossover: Callable) -> None:
    """Break-even on unseen sizes (incl. the 0.25 RU minimum) and a plot with both lines and the marker."""
    for gb, drn, price in [(0.01, 336.42, 16.0), (0.25, 336.42, 16.0), (3.3, 1345.68, 16.0),
                           (400, 4036.0, 24.0), (1_000, 6728.4, 18.0)]:
        want = expected_break_even(gb, drn, price)
        got = break_even_qps(gb, drn, ru_price=price)
        expect(close(got, want, rel=1e-6),
               f"break_even_qps({gb}, {drn}, ru_price={price}) should be {want:.4f} QPS, got {got!r}. "
               "A query reads max(0.25, namespace GB) RU; a month has 730 × 3600 seconds.")
    gb, drn, max_qps = 20.0, 1345.68, 10.0
    fig = plot_crossover(gb, drn, max_qps)
    try:
        # fig, its axes and lines are objects of the learner's kernel: asked for data, never run here
        expect(is_kind(fig, FIGURE), "plot_crossover must return the matplotlib Figure it drew")
        ax = fig.axes[0] if fig.axes else None
        expect(ax is not None, "plot_crossover's figure has no axes")
        labels = {line.get_label(): line for line in ax.get_lines()}
        expect({"on-demand", "dedicated"} <= set(labels),
               f"label the two lines 'on-demand' and 'dedicated' (found {sorted(labels)})")
        od = labels["on-demand"]
        xs, ys = od.get_xdata(), od.get_ydata()
        expect(len(xs) >= 2 and close(max(xs), max_qps, rel=1e-6),
               f"the on-demand line should run from 0 to max_qps={max_qps}")
        slope = SECONDS_PER_MONTH * gb * 16.0 / 1e6
        expect(all(close(y, x * slope, rel=1e-6, abs_=1e-6) for x, y in zip(xs, ys, strict=False)),
               "the on-demand line should be the monthly read cost at each QPS (16 $/M RU)")
        ded = labels["dedicated"].get_ydata()
        expect(all(close(y, drn, rel=1e-9) for y in ded), "the dedicated line should be flat at drn_monthly")
        be = expected_break_even(gb, drn)
        verticals = [line for line in ax.get_lines() if line.get_label() not in {"on-demand", "dedicated"}
                     and len(set(map(float, line.get_xdata()))) == 1]
        expect(any(close(float(line.get_xdata()[0]), be, rel=1e-6) for line in verticals),
               f"mark the break-even with a vertical line at {be:.3f} QPS (ax.axvline)")
    finally:
        if is_kind(fig, FIGURE):
            kernel_new("matplotlib.pyplot:close", fig)


# -- the centrepiece: the workload rewrite ----------------------------------------------------------

_RUNS: dict[tuple, dict] = {}


def _sum_units(entries: list[dict]) -> dict[str, float]:
    ru = sum(float(e.get("read_units") or 0) for e in entries)
    wu = sum(float(e.get("write_units") or 0) for e in entries)
    return {"read_units": ru, "write_units": wu, "total": ru + wu, "requests": len(entries)}


def _run_metered(fn: Callable, data: tuple, dimension: int) -> tuple[Any, dict[str, float]]:
    """Run fn(index, *data) on a fresh index; return its result and what the meter recorded."""
    from pinecone import ServerlessSpec

    pc = client()
    name = fresh_name("grade-p5")
    pc.create_index(name=name, dimension=dimension, metric="cosine",
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    adm = admin()
    try:
        index = student_client().Index(name=name)   # the learner's functions run in their kernel
        entries_before = adm.requests(index=name)
        start = max((int(e.get("seq", 0)) for e in entries_before), default=0)
        # Progress bars (upsert(batch_size=...)) write to stderr, which nbgrader scores as a failure.
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            result = fn(index, *data)
        made = [e for e in adm.requests(index=name, since=start) if int(e.get("seq", 0)) > start]
        return result, _sum_units(made)
    finally:
        pc.delete_index(name)


def _both_runs(efficient: Callable, wasteful: Callable, make_workload: Callable, seed: int) -> dict:
    key = (*notebook_key(efficient, wasteful), seed)
    if key not in _RUNS:
        adm = admin()
        expect(adm is not None, "this check needs the local Pinecone's meter (it cannot run on real Pinecone)")
        adm.set_options(meter_scale=METER_SCALE)
        data = make_workload(seed)
        dimension = len(data[0][0]["values"])
        ref, ref_units = _run_metered(wasteful, data, dimension)
        try:
            got, got_units = _run_metered(efficient, data, dimension)
            error = None
        except Exception as exc:  # reported to the learner below
            got, got_units, error = None, None, exc
        _RUNS[key] = {"ref": ref, "ref_units": ref_units, "got": got, "got_units": got_units, "error": error}
    return _RUNS[key]


def _identical(run: dict, seed: int) -> None:
    err = run["error"]
    expect(err is None, f"efficient_workload raised {error_name(err)}: {err}" if err else "")
    ref, got = run["ref"], run["got"]
    expect(isinstance(got, dict) and set(got) == set(ref),
           f"efficient_workload must return a dict with the keys {sorted(ref)}, like wasteful_workload")
    # a missing answer is reported by the length check below, with its own message
    for i, (want, have) in enumerate(zip(ref["answers"], got["answers"], strict=False)):
        expect(list(have) == list(want),
               f"on other tenants' data (seed {seed}) question {i} should answer {want}, yours answered "
               f"{have}. Query the tenant's own namespace; the ids and their order must not change.")
    expect(len(got["answers"]) == len(ref["answers"]),
           f"there are {len(ref['answers'])} questions, you answered {len(got['answers'])}")
    expect(got["lookups"] == ref["lookups"],
           f"on other tenants' data (seed {seed}) the lookups differ: every looked-up id must map to the "
           "same metadata wasteful_workload returns (all fields, tenant included).")


def check_workload_identical(efficient: Callable, wasteful: Callable, make_workload: Callable) -> None:
    """Same results as the wasteful workload on unseen data."""
    for seed in UNSEEN_SEEDS:
        _identical(_both_runs(efficient, wasteful, make_workload, seed), seed)


def check_workload_cost(efficient: Callable, wasteful: Callable, make_workload: Callable,
                        meter: str = "total") -> None:
    """The metered units (total, reads or writes) at most half the wasteful workload's, results identical."""
    seed = UNSEEN_SEEDS[0]
    run = _both_runs(efficient, wasteful, make_workload, seed)
    _identical(run, seed)
    before, after = run["ref_units"][meter], run["got_units"][meter]
    what = {"total": "RU + WU", "read_units": "read units", "write_units": "write units"}[meter]
    hint = {"total": "Use every strategy in the table: per-tenant namespaces, batching, no overwrites, fetch.",
            "read_units": "Queries cost the size of the namespace they read: give each tenant its own "
                          "namespace, and look records up with fetch (1 RU per 10 records).",
            "write_units": "Every upsert request costs at least 5 WU and overwrites pay again: write each "
                           "record once, in batches."}[meter]
    expect(after <= 0.5 * before,
           f"On unseen data the wasteful workload metered {before:,.1f} {what}, yours {after:,.1f} "
           f"({after / before:.0%} of it); it must be at most 50 %. {hint}")
