"""The price book: provenance on every figure, editions, selection by date, clear errors."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from pinecone_ops.pricing.pricebook import DEFAULT_PATH, PricebookError, load_pricebook, parse
from pinecone_ops.pricing.serverless import serverless_bill

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REQUIRED = {"value", "date", "plan", "region", "source", "status"}
STATUSES = {"documented", "reported", "illustrative", "uncertain", "assumption"}


def _figures(node, path=""):
    """Every inline table with a value, anywhere in the file."""
    if isinstance(node, dict):
        if "value" in node:
            yield path, node
        else:
            for k, v in node.items():
                yield from _figures(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _figures(v, f"{path}[{i}]")


def test_every_figure_has_date_plan_region_source_and_a_known_status():
    data = tomllib.loads(DEFAULT_PATH.read_text())
    figures = list(_figures(data))
    assert len(figures) > 60
    sources = set(data["sources"]) | {"convention"}
    for path, fig in figures:
        assert set(fig) >= REQUIRED, path
        assert fig["status"] in STATUSES, path
        assert set(fig["source"].split(",")) <= sources, path


def test_pod_prices_are_labelled_uncertain_and_drn_rates_not_documented():
    raw = load_pricebook().raw
    assert {v["status"] for v in raw["pods"]["hourly_x1"].values()} == {"uncertain"}
    assert all(v["status"] != "documented" for v in raw["drn"]["node_month"].values())
    assert all(v["status"] == "assumption" for v in raw["drn"]["qps_per_replica"].values())


def test_editions_are_dated_in_order_and_the_newest_is_the_default():
    book = load_pricebook()
    dates = [e.effective for e in book.editions]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert book.edition() is book.current is book.editions[-1]
    assert serverless_bill(1000, 8).edition is book.current
    assert book.current.id in book.current.label


def test_edition_in_effect_on_a_date():
    book = load_pricebook()
    assert book.edition("2025-06-30").metering.write_min_wu == 1
    assert book.edition("2025-07-01").metering.write_min_wu == 5
    assert book.edition(dt.date(2026, 5, 5)).id == "2025-07-01"
    assert "builder" in book.edition("2026-06-01").plans and "builder" not in book.edition("2026-05-05").plans


def test_plan_minimums_over_time():
    book = load_pricebook()

    def std(day: str):
        return book.edition(day).plan("standard")

    assert std("2024-06-01").amount("minimum_month") == 0
    assert std("2025-01-15").amount("platform_fee_month") == 25
    assert std("2025-01-15").amount("included_credits_month") == 15
    assert std("2025-07-01").amount("minimum_month") == 50
    assert std("2025-07-01").amount("platform_fee_month") == 0
    assert book.current.plan("enterprise").amount("minimum_month") == 500
    assert book.current.plan("builder").amount("flat_month") == 20


def test_ru_price_change_is_recorded_with_the_2024_figure_as_reported():
    book = load_pricebook()
    old = book.edition("2024-06-01").plan("standard").get("ru_per_million")
    new = book.current.plan("standard").get("ru_per_million")
    assert (old.value, old.status) == (8.25, "reported")
    assert (new.value, new.status) == (16.0, "documented")


@pytest.mark.parametrize("when,fragment", [("2023-01-01", "on or after 2024-01-09"), ("yesterday", "YYYY-MM-DD")])
def test_bad_edition_names_the_fix(when, fragment):
    with pytest.raises(PricebookError, match=fragment):
        load_pricebook().edition(when)


def test_unpriced_plan_names_the_choices():
    with pytest.raises(PricebookError, match="choose one of: starter, standard"):
        serverless_bill(1000, 8, plan="enterprise", edition="2024-06-01")


def test_a_price_change_is_a_one_line_data_change(tmp_path: Path):
    text = DEFAULT_PATH.read_text()
    line = 'ru_per_million = { value = 16.0, date = "2025-12-01"'
    assert text.count(line) == 1
    changed = tmp_path / "pricebook.toml"
    changed.write_text(text.replace(line, 'ru_per_million = { value = 18.0, date = "2025-12-01"'))
    book = load_pricebook(changed)
    assert book.current.plan("standard").amount("ru_per_million") == 18
    assert load_pricebook().current.plan("standard").amount("ru_per_million") == 16


def test_a_figure_without_provenance_is_rejected():
    data = tomllib.loads(DEFAULT_PATH.read_text())
    del data["limits"]["max_dimension"]["source"]
    with pytest.raises(PricebookError, match="max_dimension"):
        parse(data)
