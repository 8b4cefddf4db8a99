"""Pods, DRN, break-even and sizing beyond the worked examples: rules, overrides, bad input."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pinecone_ops.pricing.breakeven import Workload, break_evens, option_costs, queries_per_month
from pinecone_ops.pricing.drn import drn_bill, drn_replicas
from pinecone_ops.pricing.pods import (
    PodSpec,
    billed_minutes,
    parse_pod_type,
    pod_capacity,
    pod_change,
    pod_cost,
    qps_per_replica,
    replicas_for_qps,
)
from pinecone_ops.pricing.serverless import serverless_bill
from pinecone_ops.pricing.sizing import recommend


def test_pod_capacity_interpolates_the_dimension_budget():
    # Halfway between 768 (768M dims) and 1024 (691.2M dims) for p1: budget 729.6M at 896 dims.
    assert pod_capacity("p1.x1", 896) == int(729_600_000 // 896)
    assert pod_capacity("p1.x1", 128) == 1_250_000 * 512 // 128  # below the table: capacity ∝ 1/d
    assert pod_capacity("p1.x2", 768) == 2_000_000


@pytest.mark.parametrize("bad", ["p3.x1", "p1.x3", "s1x1", ""])
def test_bad_pod_type_names_the_valid_ones(bad):
    with pytest.raises(ValueError, match="s1, p1, p2"):
        parse_pod_type(bad)


def test_bad_dimension_names_the_limit():
    with pytest.raises(ValueError, match="20,000"):
        pod_capacity("p1.x1", 20_001)


@pytest.mark.parametrize("minutes,billed", [(0, 0), (1, 15), (15, 15), (15.5, 30), (44_640, 44_640)])
def test_billing_rounds_up_to_15_minutes(minutes, billed):
    assert billed_minutes(minutes) == billed


def test_qps_table_and_replicas():
    assert [qps_per_replica("p1.x1", k) for k in (10, 250, 1000)] == [30, 25, 20]
    assert qps_per_replica("p2.x1", 5) == 150
    assert replicas_for_qps(0, "p1.x1") == 1
    assert replicas_for_qps(150, "p1.x1", top_k=250) == 6  # "primary + 5 replicas"
    assert replicas_for_qps(31, "s1.x1") == 4


def test_pod_price_overrides_scale_with_size():
    default = pod_cost("p1.x2", minutes=60)
    assert default.price_status == "uncertain"
    assert pod_cost("p1.x2", minutes=60, hourly={"p1": 0.5}).total == Decimal("1.00")
    assert pod_cost("p1.x2", minutes=60, hourly={"p1.x2": 0.5}).total == Decimal("0.50")


@pytest.mark.parametrize("new,ok", [
    (PodSpec("p1.x2", 2, 1), True),   # size up
    (PodSpec("p1.x1", 2, 4), True),   # replicas
    (PodSpec("p1.x1", 3, 1), False),  # more base pods
    (PodSpec("s1.x1", 2, 1), False),  # another type
    (PodSpec("p1.x1", 2, 1, "eu-west1-gcp"), False),
])
def test_changes_allowed_in_place(new, ok):
    allowed, reasons = pod_change(PodSpec("p1.x1", 2, 1), new)
    assert allowed is ok and reasons


def test_pod_size_cannot_shrink():
    allowed, reasons = pod_change(PodSpec("p1.x4"), PodSpec("p1.x2"))
    assert not allowed and "collection" in reasons[0]


def test_drn_replicas_and_ha():
    assert drn_replicas(250, qps_per_replica=100) == 3
    assert drn_replicas(250, qps_per_replica=100, ha=True) == 4
    assert drn_replicas(0) == 1


def test_drn_bill_has_no_read_units_and_keeps_writes():
    bill = drn_bill(1_000_000, 1536, 1000, qps=300, qps_per_replica=100, upserts_per_month=100_000,
                    queries_per_month=10**9)
    assert bill.quantities["replicas"] == 3 and bill.quantities["read_units"] == 0
    assert bill.amount("writes") == Decimal("2.86")
    assert bill.amount("nodes") == Decimal("336.42") * 3


def test_namespaces_cut_query_cost():
    one = serverless_bill(10_000_000, 1536, 1000, queries_per_month=1_000_000)
    hundred = serverless_bill(10_000_000, 1536, 1000, queries_per_month=1_000_000, namespaces=100)
    assert hundred.quantities["ru_per_query"] == pytest.approx(one.quantities["ru_per_query"] / 100)
    assert hundred.amount("reads") < one.amount("reads") / 50


def test_overwrites_cost_extra_write_units():
    fresh = serverless_bill(0, 768, 500, upserts_per_month=1000, batch_size=100)
    overwrite = serverless_bill(0, 768, 500, upserts_per_month=1000, batch_size=100, overwrite_fraction=1)
    assert overwrite.quantities["write_units"] == 2 * fresh.quantities["write_units"]


def test_free_plans_warn_instead_of_billing():
    starter = serverless_bill(1_000_000, 1536, 1000, queries_per_month=1_000_000, plan="starter")
    assert starter.total == 0 and len(starter.warnings) == 2
    builder = serverless_bill(1_000_000, 1536, 1000, queries_per_month=1_000_000, plan="builder")
    assert builder.total == 20 and any("Builder" in w for w in builder.warnings)


def test_platform_fee_edition_credits_usage():
    bill = serverless_bill(1_000_000, 1536, 1000, queries_per_month=10_000, edition="2025-01-01")
    usage = bill.usage
    assert bill.amount("plan_fee") == 25
    assert bill.amount("credits") == -min(usage, Decimal(15))
    assert bill.total == 25 + max(Decimal(0), usage - 15)


def test_older_editions_refuse_prices_they_do_not_have():
    with pytest.raises(ValueError, match="2026-05-06"):
        serverless_bill(1000, 8, backup_gb=10, edition="2025-08-01")


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(dimension=20_001), "20,000"), (dict(metadata_bytes=40_001), "40 KB"),
    (dict(upserts_per_month=10, batch_size=1001), "1,000 records"), (dict(namespaces=0), "at least 1")])
def test_bad_bill_input_names_the_fix(kwargs, fragment):
    args = dict(records=1000, dimension=8) | kwargs
    with pytest.raises(ValueError, match=fragment):
        serverless_bill(args.pop("records"), args.pop("dimension"), **args)


def test_break_evens_for_the_worked_workload():
    w = Workload(1_000_000, 1536, 1000)
    costs = option_costs(w)
    points = break_evens(costs, 100)
    serverless_vs_drn = [p for p in points if {p.cheaper_below, p.cheaper_above} ==
                         {"serverless", "dedicated read nodes (b1)"}]
    assert len(serverless_vs_drn) == 1
    p = serverless_vs_drn[0]
    # serverless = storage + QPS × 2,628,000 × 7.152 RU × $16/M; DRN = $336.42 + storage.
    expected = 336.42 / (queries_per_month(1) * 7.152 * 16 / 1e6)
    assert p.qps == pytest.approx(expected, abs=0.02)
    assert p.cheaper_below == "serverless"


def test_recommend_marks_serverless_infeasible_above_its_ceiling():
    options = recommend(100_000_000, 2048, qps=10)
    serverless = next(o for o in options if o.kind == "serverless")
    assert not serverless.feasible and serverless.config["max_qps"] == pytest.approx(2.4, abs=0.1)
    assert options[-1] is serverless  # infeasible options sort last
    pods = {o.config["pod_type"]: o.config["pods"] for o in options if o.kind == "pods"}
    assert pods["p1.x1"] == 267 and pods["s1.x1"] == 54
