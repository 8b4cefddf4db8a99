"""The price timeline and the provenance rule: a price resting on one source is marked as reported."""
from __future__ import annotations

from pinecone_ops.pricing.pricebook import SOFT_STATUSES, load_pricebook, price_timeline

PRICE_KEYS = ("storage_gb_month", "ru_per_million", "wu_per_million", "platform_fee_month", "included_credits_month",
              "minimum_month", "flat_month", "egress_per_gb", "backup_gb_month", "restore_per_gb", "import_per_gb")


def test_timeline_has_the_platform_fee_before_the_minimum_and_the_september_switch():
    events = price_timeline()
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    fee = next(e for e in events if "$25/month including $15" in e["event"])
    minimum = next(e for e in events if e["date"] == "2025-07-01")
    switch = next(e for e in events if e["date"] == "2025-09-01")
    assert fee["date"] < minimum["date"] < switch["date"] and fee["approximate"]
    assert "$50" in minimum["event"] and "Existing customers" in switch["event"]
    assert fee["status"] == "reported"          # one source (S2)
    assert all(e["source"] and e["status"] for e in events)


def test_every_timeline_source_is_in_the_source_list():
    sources = load_pricebook().sources
    for e in price_timeline():
        assert set(e["source"].split(",")) <= set(sources), e


def test_single_source_prices_are_reported_not_documented():
    for ed in load_pricebook().editions:
        for plan in ed.plans.values():
            for key in PRICE_KEYS:
                fig = plan.get(key)
                if fig is None or not float(fig.value):
                    continue
                if len(fig.source.split(",")) == 1:
                    assert fig.status in SOFT_STATUSES, (ed.id, plan.name, key, fig.source)
