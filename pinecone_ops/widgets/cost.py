"""The cost calculator: sliders → a bill breakdown table, a total and a bar chart, live.

A thin front end: the numbers come from ``bill_fn`` (default :func:`serverless_bill`), which a
notebook can replace with the learner's own function.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import ipywidgets as w
from matplotlib.figure import Figure

from pinecone_ops.pricing.bill import Bill, money
from pinecone_ops.pricing.feasibility import Feasibility, feasibility
from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.report import bill_html, edition_line
from pinecone_ops.pricing.serverless import serverless_bill
from pinecone_ops.widgets._common import (
    LAYOUT,
    STYLE,
    call_supported,
    error_html,
    int_slider,
    log_slider,
    on_change,
    show_figure,
    values,
    workload_sliders,
)


def bill_lines(result: Any) -> tuple[list[tuple[str, Decimal]], Decimal]:
    """Normalise what a bill function returns (Bill, mapping of line → dollars, or a number)."""
    if isinstance(result, Bill):
        return [(i.label, i.amount) for i in result.items], result.total
    if isinstance(result, Mapping):
        lines = [(str(k), Decimal(str(v))) for k, v in result.items()]
        return lines, sum((v for _, v in lines), Decimal("0"))
    total = Decimal(str(result))
    return [("Total", total)], total


def bill_chart(lines: list[tuple[str, Decimal]], title: str) -> Figure:
    """Horizontal bar chart of the positive line items."""
    shown = [(k, float(v)) for k, v in lines if v > 0] or [("(nothing billed)", 0.0)]
    fig = Figure(figsize=(6, 0.45 * len(shown) + 1.2))
    ax = fig.add_subplot()
    bars = ax.barh([k for k, _ in shown][::-1], [v for _, v in shown][::-1], color="#1f6feb")
    ax.bar_label(bars, labels=[f"${v:,.2f}" for _, v in shown][::-1], padding=3, fontsize=8)
    ax.set_xlabel("USD per month")
    ax.set_title(title, fontsize=9)
    ax.margins(x=0.25)
    return fig


class CostCalculator(w.VBox):
    """The widget; ``controls`` are the inputs, ``result`` the latest return of ``bill_fn``."""

    def __init__(self, bill_fn: Callable[..., Any], controls: dict[str, w.ValueWidget], **kwargs: Any) -> None:
        self.bill_fn = bill_fn
        self.controls = controls
        self.result: Any = None
        self.total_value: Decimal | None = None
        self.header = w.HTML()
        self.table = w.HTML()
        self.total = w.HTML()
        self.total.add_class("pco-bill-total")
        self.limits = w.HTML()
        self.limits.add_class("pco-feasibility")
        self.feasibility: Feasibility | None = None
        self.chart = w.Output(layout=w.Layout(min_height="120px"))
        super().__init__([self.header, *controls.values(), self.table, self.total, self.limits, self.chart], **kwargs)
        self.add_class("pco-cost-calculator")
        controls["edition"].observe(self._edition_changed, names="value")
        on_change(controls, self.refresh)

    def _edition_changed(self, change: dict[str, Any]) -> None:
        plans = list(load_pricebook().edition(change["new"]).plans)
        plan = self.controls["plan"]
        if plan.value not in plans:
            plan.options = plans  # also resets the value, which triggers a refresh
            plan.value = "standard" if "standard" in plans else plans[0]
        else:
            plan.options = plans

    def refresh(self) -> None:
        """Recompute with the current control values and redraw."""
        args = values(self.controls)
        ed = load_pricebook().edition(args["edition"])
        self.header.value = (f"<b>Monthly Pinecone bill</b> — {html.escape(edition_line(ed, args['plan'].title()))}")
        self._show_limits(args)
        try:
            self.result = call_supported(self.bill_fn, **args)
            lines, total = bill_lines(self.result)
        except Exception as exc:  # a learner's function may raise anything; show it, keep the widget alive
            self.result, self.total_value = exc, None
            self.table.value, self.total.value = error_html(exc), ""
            self.chart.outputs = ()
            return
        self.total_value = total
        if isinstance(self.result, Bill):
            self.table.value = bill_html(self.result)
        else:  # a bare number has no line items: the total below says it all
            self.table.value = _lines_html(lines) if isinstance(self.result, Mapping) else ""
        self.total.value = f"<b>Total: {money(total)}</b> per month ({html.escape(ed.label)})"
        show_figure(self.chart, bill_chart(lines, f"Total {money(total)}/month — {ed.label}"),
                    f"bar chart of the bill, total {money(total)}")

    def _show_limits(self, args: dict[str, Any]) -> None:
        """The feasibility note beside the bill: the kit's limits, whatever ``bill_fn`` computes."""
        try:
            self.feasibility = call_supported(feasibility, **args)
        except Exception as exc:  # e.g. a plan the price book lacks: say so, keep the bill
            self.feasibility, self.limits.value = None, error_html(exc)
            return
        self.limits.value = feasibility_html(self.feasibility)


def feasibility_html(f: Feasibility) -> str:
    """The verdict and one row per limit (needed, allowed, source), broken limits in red."""
    colour = "#1a7f37" if f.on_demand_ok else ("#9a6700" if f.feasible else "#b00")
    rows = "".join(
        f"<tr style='color:{'inherit' if x.ok else '#b00'}'><td>{html.escape(x.name)}</td>"
        f"<td style='text-align:right'>{x.needed:,.2f}</td><td style='text-align:right'>{x.allowed:,.0f}</td>"
        f"<td>{html.escape(x.unit)}</td><td>{'ok' if x.ok else 'EXCEEDED'}</td><td>{html.escape(x.source)}</td></tr>"
        for x in (*f.on_demand, *f.drn))
    head = "<tr><th>limit</th><th>needed</th><th>allowed</th><th>unit</th><th></th><th>source</th></tr>"
    return (f"<div style='color:{colour}'><b>Feasibility:</b> {html.escape(f.summary())}</div>"
            f"<table class='pco-limits'><thead>{head}</thead><tbody>{rows}</tbody></table>")


def _lines_html(lines: list[tuple[str, Decimal]]) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>{money(v)}</td></tr>"
                   for k, v in lines)
    return f"<table class='pco-bill'><tbody>{rows}</tbody></table>"


def cost_calculator(bill_fn: Callable[..., Any] = serverless_bill, *, records: int = 1_000_000,
                    dimension: int = 1536, metadata_bytes: int = 1000, queries_per_month: int = 1_000_000,
                    upserts_per_month: int = 100_000, batch_size: int = 100, plan: str = "standard",
                    edition: str | None = None) -> CostCalculator:
    """Sliders for the workload, plan and edition pickers, and a live bill (table, total, bar chart).

    ``bill_fn`` is called with the keyword arguments it accepts among ``records, dimension,
    metadata_bytes, queries_per_month, upserts_per_month, batch_size, plan, edition`` and may return
    a :class:`Bill`, a mapping of line item → dollars, or a number.
    """
    book = load_pricebook()
    ed = book.edition(edition)
    controls: dict[str, w.ValueWidget] = workload_sliders(records, dimension, metadata_bytes)
    controls["queries_per_month"] = log_slider("Queries / month", queries_per_month, 0, 10)
    controls["upserts_per_month"] = log_slider("Upserts / month", upserts_per_month, 0, 10)
    controls["batch_size"] = int_slider("Upsert batch size", batch_size, 1, 1000)
    controls["plan"] = w.Dropdown(options=list(ed.plans), value=plan, description="Plan", style=STYLE,
                                  layout=LAYOUT)
    controls["edition"] = w.Dropdown(
        options=[(f"{e.id}{' (current)' if e is book.current else ''}: {e.name}", e.id) for e in book.editions][::-1],
        value=ed.id, description="Price edition", style=STYLE, layout=LAYOUT)
    return CostCalculator(bill_fn, controls)
