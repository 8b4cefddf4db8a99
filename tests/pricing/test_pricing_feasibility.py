"""Feasibility limits beside the bill: examples from the references and properties over workloads."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as w
from hypothesis import given, settings
from hypothesis import strategies as st

from pinecone_ops.pricing.feasibility import SECONDS_PER_MONTH, feasibility
from pinecone_ops.widgets import cost_calculator

WORKLOAD = {"dimension": 1536, "metadata_bytes": 1000, "queries_per_month": 1_000_000,
            "upserts_per_month": 100_000}


def test_worked_example_is_feasible_on_standard():
    f = feasibility(1_000_000, **WORKLOAD)
    assert f.on_demand_ok and f.feasible and not f.drn and "Feasible" in f.summary()


def test_3_9_billion_records_is_served_by_no_plan():
    # 27.9 TB namespace: 27,893 RU per query, 10,614 RU/s at 1M queries/month; 149 DRN shards > 20 nodes.
    for plan in ("starter", "builder", "standard", "enterprise"):
        f = feasibility(3_900_000_000, plan=plan, **WORKLOAD)
        assert not f.feasible, plan
    f = feasibility(3_900_000_000, **WORKLOAD)
    (ru,) = [x for x in f.on_demand if x.name == "query read units per index"]
    assert round(ru.needed) == 10_614 and ru.allowed == 2000
    assert [x.needed for x in f.drn if x.unit == "nodes"] == [149]
    assert "No plan serves this" in f.summary()


def test_150_qps_on_one_namespace_needs_drn_not_on_demand():
    # reference §4: 150 QPS on one namespace breaks the 100 requests/s per namespace limit.
    f = feasibility(1_000_000, 1536, 1000, queries_per_month=150 * SECONDS_PER_MONTH)
    assert not f.on_demand_ok and f.drn_ok and "Dedicated read nodes could" in f.summary()
    assert [x.name for x in f.broken] == ["query requests per namespace"]


def test_starter_storage_cap():
    assert not feasibility(1_000_000, 1536, 1000, plan="starter").feasible      # 7.2 GB > 2 GB
    assert feasibility(100_000, 1536, 1000, plan="starter").feasible            # 0.7 GB


@settings(max_examples=60, deadline=None)
@given(records=st.integers(1_000, 10**10), factor=st.integers(2, 100), dims=st.integers(1, 4096),
       queries=st.integers(0, 10**10), plan=st.sampled_from(["starter", "builder", "standard", "enterprise"]))
def test_more_records_never_makes_a_workload_feasible(records, factor, dims, queries, plan):
    small = feasibility(records, dims, 100, queries_per_month=queries, plan=plan)
    big = feasibility(records * factor, dims, 100, queries_per_month=queries, plan=plan)
    assert small.feasible or not big.feasible
    assert small.on_demand_ok or not big.on_demand_ok


@settings(max_examples=60, deadline=None)
@given(records=st.integers(0, 10**10), dims=st.integers(1, 4096), queries=st.integers(0, 10**10))
def test_every_broken_limit_is_named_in_the_summary(records, dims, queries):
    f = feasibility(records, dims, 100, queries_per_month=queries)
    for limit in f.broken:
        assert limit.name in f.summary() and limit.needed > limit.allowed
    assert f.feasible == (f.on_demand_ok or f.drn_ok)


def test_calculator_shows_the_limits_and_the_records_slider_is_logarithmic():
    calc = cost_calculator()
    records = calc.controls["records"]
    assert isinstance(records, w.FloatLogSlider) and records.max <= 10
    assert "Feasible on standard" in calc.limits.value and calc.feasibility.feasible
    records.value = 3_900_000_000
    assert not calc.feasibility.feasible and "No plan serves this" in calc.limits.value
    assert "EXCEEDED" in calc.limits.value and calc.total_value > 400_000   # the bill stays, flagged
    records.value = 1_000_000
    assert "Feasible on standard" in calc.limits.value
