"""Properties of the cost and capacity models (hypothesis)."""
from __future__ import annotations

import math

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pinecone_ops.pricing import units
from pinecone_ops.pricing.breakeven import break_even
from pinecone_ops.pricing.drn import drn_shards
from pinecone_ops.pricing.pods import SIZES, fullness, pod_capacity, pods_needed
from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.serverless import max_batch_size, serverless_bill

BOOK = load_pricebook()
PLANS = [(ed.id, plan) for ed in BOOK.editions for plan in ed.plans]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

records = st.integers(0, 200_000_000)
dims = st.integers(1, 4096)
meta = st.integers(0, 40_000)
monthly = st.integers(0, 10**9)
pod_types = st.builds(lambda f, s: f"{f}.{s}", st.sampled_from(["p1", "p2", "s1"]), st.sampled_from(SIZES))


def bill(**kw):
    base = dict(records=1_000_000, dimension=768, metadata_bytes=500, queries_per_month=0,
                upserts_per_month=0, batch_size=50)
    base.update(kw)
    return serverless_bill(base.pop("records"), base.pop("dimension"), base.pop("metadata_bytes"), **base)


@FAST
@given(st.sampled_from(PLANS), records, records, dims, meta)
def test_cost_is_monotone_in_records(edplan, a, b, d, m):
    ed, plan = edplan
    lo, hi = sorted((a, b))
    kw = dict(dimension=d, metadata_bytes=m, queries_per_month=100_000, edition=ed, plan=plan)
    assert bill(records=lo, **kw).total <= bill(records=hi, **kw).total


@FAST
@given(st.sampled_from(PLANS), monthly, monthly)
def test_cost_is_monotone_in_queries(edplan, a, b):
    ed, plan = edplan
    lo, hi = sorted((a, b))
    low, high = (bill(queries_per_month=q, edition=ed, plan=plan).total for q in (lo, hi))
    assert low <= high


@FAST
@given(st.sampled_from(PLANS), monthly, monthly, st.integers(1, 1000))
def test_cost_is_monotone_in_writes(edplan, a, b, batch):
    ed, plan = edplan
    lo, hi = sorted((a, b))
    batch = min(batch, max_batch_size(units.record_bytes(8, 768, 500)))
    kw = dict(edition=ed, plan=plan, batch_size=batch)
    assert bill(upserts_per_month=lo, **kw).total <= bill(upserts_per_month=hi, **kw).total
    assert bill(deletes_per_month=lo, **kw).total <= bill(deletes_per_month=hi, **kw).total


@FAST
@given(st.sampled_from(PLANS), records, dims, meta, monthly, monthly)
def test_bill_is_never_below_the_plan_minimum(edplan, n, d, m, q, u):
    ed, plan = edplan
    b = bill(records=n, dimension=d, metadata_bytes=m, queries_per_month=q, upserts_per_month=u,
             batch_size=1, edition=ed, plan=plan)
    pl = BOOK.edition(ed).plan(plan)
    floor = max(pl.amount("minimum_month", "0"), pl.amount("platform_fee_month", "0"), pl.amount("flat_month", "0"))
    assert b.total >= floor
    assert b.total == sum(i.amount for i in b.items)  # an invoice adds up
    if pl.billing == "usage" and not pl.amount("platform_fee_month", "0"):
        assert b.total == max(b.usage, floor)


@FAST
@given(records, st.integers(1, 20_000), pod_types, st.floats(0.5, 1.0))
def test_pods_needed_never_leave_an_index_over_capacity(n, d, pod_type, max_full):
    pods = pods_needed(n, d, pod_type, max_full)
    assert fullness(n, d, pod_type, pods) <= max_full + 1e-9
    if pods > 1:  # and one pod fewer would not do: the answer is the minimum
        assert fullness(n, d, pod_type, pods - 1) > max_full


@FAST
@given(st.integers(1, 20_000), st.integers(1, 20_000), st.sampled_from(["p1", "p2", "s1"]))
def test_pod_capacity_falls_with_dimension_and_doubles_with_size(d1, d2, family):
    lo, hi = sorted((d1, d2))
    assert pod_capacity(f"{family}.x1", lo) >= pod_capacity(f"{family}.x1", hi) > 0
    x1 = pod_capacity(f"{family}.x1", hi)
    assert abs(pod_capacity(f"{family}.x8", hi) - 8 * x1) <= 8


@FAST
@given(st.floats(0, 100_000), st.floats(0.5, 1.0))
def test_drn_shards_keep_fullness_at_or_below_target(size, target):
    shards = drn_shards(size, target)
    assert size / (shards * 250) <= target + 1e-9
    assert shards == 1 or size / ((shards - 1) * 250) > target


@FAST
@given(st.integers(0, 5_000_000), st.integers(0, 5_000_000))
def test_write_units_whole_at_least_five_and_monotone(a, b):
    lo, hi = sorted((a, b))
    wa, wb = units.upsert_write_units(lo), units.upsert_write_units(hi)
    assert 5 <= wa <= wb and wa == int(wa)
    assert wb >= hi / 1000


@FAST
@given(st.integers(1, 10**10), st.integers(1, 10**10), st.integers(1, 20_000), st.integers(1, 20_000))
def test_old_query_table_grows_with_records_and_dimensions(n1, n2, d1, d2):
    table = BOOK.edition("2024-06-01").metering.query_ru_table
    (nl, nh), (dl, dh) = sorted((n1, n2)), sorted((d1, d2))
    assert units.table_query_read_units(table, nl, dl) <= units.table_query_read_units(table, nh, dh) + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 50), st.floats(0, 500), st.floats(1, 200))
def test_break_even_is_where_the_curves_meet(slope, fixed, step):
    def linear(q: float) -> float:
        return 10 + slope * q

    def stepped(q: float) -> float:
        return fixed + step * math.ceil(max(q, 1e-9) / 40)

    points = break_even(linear, stepped, 100, names=("serverless", "nodes"))
    for p in points:
        assert {p.cheaper_below, p.cheaper_above} == {"serverless", "nodes"}
        below, above = p.qps - 0.02, p.qps + 0.02
        assume(below > 0)
        crossed = (linear(below) < stepped(below)) != (linear(above) < stepped(above))
        assert crossed or abs(linear(p.qps) - stepped(p.qps)) < 1
