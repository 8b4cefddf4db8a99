"""The calculators headless: set widget values, the results and outputs change."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from decimal import Decimal

import pytest

from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.widgets import cost_calculator, crossover_plot, sizing_calculator


def png(output) -> str:
    (item,) = output.outputs
    return item["data"]["image/png"]


def test_cost_calculator_defaults_to_the_worked_example():
    calc = cost_calculator()
    assert calc.total_value == Decimal("119.65")
    assert "pco-bill-total" in calc.total._dom_classes and "$119.65" in calc.total.value
    assert load_pricebook().current.id in calc.header.value and load_pricebook().current.id in calc.total.value
    assert "Read units" in calc.table.value and png(calc.chart)


def test_cost_calculator_updates_live():
    calc = cost_calculator()
    before_chart = png(calc.chart)
    calc.controls["queries_per_month"].value = 2_000_000
    assert calc.total_value == Decimal("2.36") + Decimal("228.86") + Decimal("2.86")
    assert png(calc.chart) != before_chart
    calc.controls["plan"].value = "enterprise"
    assert calc.total_value == Decimal("500.00") and "Minimum usage" in calc.table.value
    calc.controls["dimension"].value = 768
    assert calc.result.quantities["record_bytes"] == 8 + 1000 + 768 * 4


def test_edition_picker_changes_prices_and_plans():
    calc = cost_calculator(plan="builder")
    assert calc.total_value == 20
    calc.controls["edition"].value = "2024-01-09"
    assert calc.controls["plan"].value == "standard" and "builder" not in calc.controls["plan"].options
    assert "2024-01-09" in calc.total.value
    assert calc.result.edition.id == "2024-01-09"


def test_bad_input_is_shown_not_raised():
    calc = cost_calculator()
    calc.controls["batch_size"].value = 1000
    assert "pco-error" in calc.table.value and "2 MB" in calc.table.value
    assert calc.total_value is None and calc.chart.outputs == ()
    calc.controls["batch_size"].value = 100
    assert calc.total_value == Decimal("119.65")


def test_cost_calculator_wraps_a_learners_function():
    def my_bill(records, dimension, metadata_bytes):
        size_gb = records * (8 + metadata_bytes + 4 * dimension) / 1e9
        return {"storage": round(size_gb * 0.33, 2)}

    calc = cost_calculator(bill_fn=my_bill)
    assert calc.total_value == Decimal("2.36")
    calc.controls["records"].value = 2_000_000
    assert calc.total_value == Decimal("4.72") and "storage" in calc.table.value

    calc = cost_calculator(bill_fn=lambda records: records / 1e6)
    assert calc.total_value == 1


def test_sizing_calculator_responds_to_qps():
    calc = sizing_calculator()
    before = calc.table.value
    replicas = {o.name: o.config.get("replicas") for o in calc.result}
    calc.controls["qps"].value = 500
    after = {o.name: o.config.get("replicas") for o in calc.result}
    assert calc.table.value != before
    assert after["pods (p1.x1)"] > replicas["pods (p1.x1)"]
    assert "Cheapest that fits" in calc.best.value
    assert "over limit" in calc.table.value  # 500 QPS is beyond serverless's 100 QPS per namespace


def test_sizing_calculator_wraps_a_learners_function():
    calc = sizing_calculator(size_fn=lambda records, qps: [{"option": "mine", "pods": records // 1_000_000 + int(qps)}])
    assert "mine" in calc.table.value and ">11<" in calc.table.value


def test_crossover_plot_marks_break_evens_and_redraws():
    plot = crossover_plot(qps_max=100)
    assert plot.points and "becomes cheaper" in plot.summary.value
    first = [p.qps for p in plot.points]
    before = png(plot.plot)
    plot.controls["records"].value = 10_000_000
    assert [p.qps for p in plot.points] != first and png(plot.plot) != before


def test_crossover_plot_with_given_curves():
    plot = crossover_plot({"a": lambda q: 10 * q, "b": lambda q: 100.0}, qps_max=50)
    assert list(plot.controls) == ["qps_max"]
    assert [p.qps for p in plot.points] == [pytest.approx(10, abs=0.01)]
    plot.controls["qps_max"].value = 5
    assert plot.points == []
