"""Every worked example in reference/pinecone-pricing-and-sizing.md, to the cent."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pinecone_ops.pricing import units
from pinecone_ops.pricing.drn import drn_bill, drn_shards
from pinecone_ops.pricing.pods import pod_capacity, pod_cost, pods_needed
from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.serverless import max_batch_size, namespace_gb, serverless_bill
from pinecone_ops.pricing.throughput import query_ceiling

D = Decimal


@pytest.fixture(scope="module")
def example():
    """§1.7: 1M × 1536-d, 1 KB metadata, 8 B IDs; 1M queries; 100k upserts in batches of 100."""
    return serverless_bill(1_000_000, 1536, 1000, queries_per_month=1_000_000, upserts_per_month=100_000,
                           batch_size=100)


def test_1_7_namespace_size_is_7_152_gb(example):
    assert namespace_gb(1_000_000, 1536, 1000) == pytest.approx(7.152, abs=1e-12)
    assert example.quantities["record_bytes"] == 7152


def test_1_7_line_items_to_the_cent(example):
    assert example.amount("storage") == D("2.36")
    assert example.amount("reads") == D("114.43")
    assert example.quantities["read_units"] == 7_152_000
    assert example.amount("writes") == D("2.86")
    assert example.quantities["write_units"] == 716_000  # 1,000 batches × 716 WU (715.2 KB rounded up)


def test_1_7_total_is_119_65_above_the_50_minimum(example):
    assert example.total == D("119.65")
    assert example.amount("minimum") == 0
    assert example.edition.id == load_pricebook().current.id


def test_1_7_enterprise_reads_171_65():
    bill = serverless_bill(1_000_000, 1536, 1000, queries_per_month=1_000_000, plan="enterprise")
    assert bill.amount("reads") == D("171.65")


def test_1_1_minimum_usage_line_makes_up_the_difference():
    # $20 of usage (5M queries at the 0.25 RU minimum = 1.25M RU × $16) → $30 top-up → $50.
    bill = serverless_bill(0, 1536, 0, queries_per_month=5_000_000)
    assert bill.usage == D("20.00")
    assert bill.amount("minimum") == D("30.00")
    assert bill.total == D("50.00")


@pytest.mark.parametrize("gb,ru", [(0.1, 0.25), (1, 1), (10, 10), (50, 50), (100, 100)])
def test_1_4_query_ru_table(gb, ru):
    assert units.query_read_units(gb * units.GB) == pytest.approx(ru)


@pytest.mark.parametrize("records,dims,meta,gb,rounded",
                         [(500_000, 768, 500, 1.79, 2.0), (1_000_000, 1536, 1000, 7.152, 7.25)])
def test_1_4_mid_2025_quarter_rounding(records, dims, meta, gb, rounded):
    size = namespace_gb(records, dims, meta)
    assert size == pytest.approx(gb)
    ed = load_pricebook().current
    assert units.query_read_units_for(ed.metering, size * units.GB) == pytest.approx(gb)
    assert units.query_read_units_for(ed.metering, size * units.GB, rounding="quarter") == rounded


@pytest.mark.parametrize("fetched,ru", [(10, 1), (50, 5), (107, 11)])
def test_1_4_fetch_ru(fetched, ru):
    assert units.fetch_read_units(fetched) == ru


@pytest.mark.parametrize("records,kb,wu",
                         [(1, 3.2, 5), (2, 3.2, 7), (10, 19.10, 191), (100, 3.57, 357), (1000, 7.14, 7140)])
def test_1_5_upsert_wu(records, kb, wu):
    payload = round(records * kb * 1000)
    assert units.upsert_write_units(payload) == wu
    assert units.upsert_write_units_for(load_pricebook().current.metering, payload) == wu


@pytest.mark.parametrize("new,old,wu", [(6.24, 6.50, 13), (3.57, 5, 9), (7.14, 10, 18), (3.17, 3.17, 7)])
def test_1_5_update_wu(new, old, wu):
    assert units.update_write_units(round(new * 1000), round(old * 1000)) == wu


def test_1_5_before_2025_07_minimum_1_and_fractional():
    old = load_pricebook().edition("2025-06-30").metering
    assert units.upsert_write_units_for(old, 6240) == pytest.approx(6.24)
    assert units.update_write_units_for(old, 6240, 6500) == pytest.approx(12.74)
    assert units.upsert_write_units_for(old, 300) == 1
    assert old.delete_all_wu == 1 and load_pricebook().current.metering.delete_all_wu == 5


def test_1_4_old_query_table_and_payload_charge():
    old = load_pricebook().edition("2024-06-01").metering
    table = old.query_ru_table
    for i, n in enumerate(table.records):
        for j, d in enumerate(table.dimensions):
            assert units.table_query_read_units(table, n, d) == pytest.approx(table.ru[i][j])
    assert units.query_read_units_for(old, 0, records=1000, dimension=384) == 5  # the 5 RU minimum
    for top_k, extra in [(5, 1), (10, 1), (50, 5)]:
        assert units.query_read_units_for(old, 0, records=1_000_000, dimension=768, top_k=top_k,
                                          include_payload=True) == pytest.approx(10 + extra)


@pytest.mark.parametrize("records,dims,meta,nnz,gb", [(500_000, 0, 500, 10, 0.29), (1_000_000, 0, 1000, 50, 1.41),
                                                      (10_000_000, 1536, 1000, 0, 71.5)])
def test_1_6_sizes(records, dims, meta, nnz, gb):
    assert round(namespace_gb(records, dims, meta, sparse_nnz=nnz), 2 if gb < 10 else 1) == gb


@pytest.mark.parametrize("dims,meta,fit", [(384, 0, 1000), (768, 500, 559), (1536, 2000, 245)])
def test_3_1_batch_fit_table(dims, meta, fit):
    assert max_batch_size(units.record_bytes(0, dims, meta)) == fit  # the docs' table leaves out the ID


@pytest.mark.parametrize("gb,qps", [(10, 200), (50, 40), (100, 20)])
def test_1_7_throughput_ceiling_by_read_units(gb, qps):
    ceiling = query_ceiling(gb)
    assert ceiling.by_read_units == pytest.approx(qps)
    assert ceiling.max_qps == min(qps, 100)


def test_2_3_pod_sizing_example_100m_2048d():
    assert pods_needed(100_000_000, 2048, "p1.x1") == 267
    assert pods_needed(100_000_000, 2048, "s1.x1") == 54


@pytest.mark.parametrize("family,caps", [("p1", [1_250_000, 1_000_000, 675_000, 500_000]),
                                         ("p2", [1_250_000, 1_100_000, 1_000_000, 550_000]),
                                         ("s1", [8_000_000, 5_000_000, 4_000_000, 2_500_000])])
def test_2_3_capacity_table(family, caps):
    assert [pod_capacity(f"{family}.x1", d) for d in (512, 768, 1024, 1536)] == caps
    assert [pod_capacity(f"{family}.x4", d) for d in (512, 768, 1024, 1536)] == [4 * c for c in caps]


def test_2_2_legacy_billing_example():
    cost = pod_cost("p1.x2", pods=1, replicas=3, minutes=31 * 24 * 60, price_per_pod_minute=0.0012)
    assert cost.billed_minutes == 44_640
    assert cost.pod_minutes == 267_840  # "Total pod count 6"
    assert cost.total == D("321.41")


def test_4_4_drn_shards_and_cost():
    assert drn_shards(400) == 3  # 70–80 % fullness: 3 shards rather than 2
    bill = drn_bill(1_000_000, 1536, 1000, shards=2, replicas=2)
    assert bill.amount("nodes") == D("1345.68")
    assert bill.amount("reads") == 0
