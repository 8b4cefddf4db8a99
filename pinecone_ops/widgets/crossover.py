"""The crossover plot: monthly cost against QPS for each option, break-even points marked."""
from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
from matplotlib.figure import Figure

from pinecone_ops.pricing.breakeven import BreakEven, CostFn, Workload, break_evens, cost_curves, option_costs
from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.serverless import namespace_gb
from pinecone_ops.pricing.throughput import query_ceiling
from pinecone_ops.widgets._common import (
    call_supported,
    error_html,
    log_slider,
    on_change,
    show_figure,
    values,
    workload_sliders,
)

CostsFactory = Callable[..., Mapping[str, CostFn]]


def default_costs(records: int, dimension: int, metadata_bytes: int = 0, **workload: Any) -> dict[str, CostFn]:
    """Serverless, DRN (b1) and pods (p1.x1) cost curves for a workload (see :class:`Workload`)."""
    return option_costs(Workload(records, dimension, metadata_bytes, **workload))


def crossover_figure(costs: Mapping[str, CostFn], qps_max: float, points: list[BreakEven] | None = None, *,
                     samples: int = 120, ceiling: float | None = None, title: str = "") -> Figure:
    """Cost vs QPS for each option (log cost axis), break-even points marked and labelled."""
    qps = [qps_max * i / samples for i in range(samples + 1)]
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    for name, ys in cost_curves(costs, qps).items():
        ax.plot(qps, ys, label=name, drawstyle="default")
    for p in points or []:
        ax.plot([p.qps], [p.cost], "o", color="black", zorder=5)
        ax.annotate(f"{p.qps:g} QPS\n${p.cost:,.0f}", (p.qps, p.cost), textcoords="offset points", xytext=(4, 6),
                    fontsize=7)
    if ceiling is not None and ceiling < qps_max:
        ax.axvline(ceiling, color="grey", linestyle=":", label=f"serverless rate limit ({ceiling:,.1f} QPS)")
    ax.set_yscale("log")
    ax.set_xlabel("sustained queries per second")
    ax.set_ylabel("USD per month")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    return fig


class CrossoverPlot(w.VBox):
    """The widget; ``points`` holds the latest break-even points."""

    def __init__(self, costs: Mapping[str, CostFn] | CostsFactory, controls: dict[str, w.ValueWidget],
                 edition: str | None) -> None:
        self.costs = costs
        self.controls = controls
        self.edition = load_pricebook().edition(edition)
        self.points: list[BreakEven] = []
        self.header = w.HTML(f"<b>Monthly cost vs QPS</b> — {html.escape(self.edition.label)}")
        self.plot = w.Output(layout=w.Layout(min_height="300px"))
        self.summary = w.HTML()
        self.summary.add_class("pco-break-even")
        super().__init__([self.header, *controls.values(), self.plot, self.summary])
        self.add_class("pco-crossover")
        on_change(controls, self.refresh)

    def refresh(self) -> None:
        """Recompute the curves and break-even points and redraw."""
        args = values(self.controls)
        qps_max = args.pop("qps_max")
        try:
            costs = self.costs if isinstance(self.costs, Mapping) else \
                call_supported(self.costs, edition=self.edition.id, **args)
            self.points = break_evens(costs, qps_max)
            ceiling = None
            if "records" in args and "serverless" in costs:
                size = namespace_gb(args["records"], args["dimension"], args.get("metadata_bytes", 0))
                ceiling = query_ceiling(size).max_qps
            fig = crossover_figure(costs, qps_max, self.points, ceiling=ceiling, title=self.edition.label)
        except Exception as exc:  # a learner's cost function may raise; show it
            self.points, self.summary.value = [], error_html(exc)
            self.plot.outputs = ()
            return
        show_figure(self.plot, fig, f"cost vs QPS, {len(self.points)} break-even points")
        self.summary.value = "<br>".join(
            f"{p.qps:g} QPS (${p.cost:,.2f}/month): <b>{html.escape(p.cheaper_above)}</b> becomes cheaper than "
            f"{html.escape(p.cheaper_below)}" for p in self.points) or "No break-even in this range."


def crossover_plot(costs: Mapping[str, CostFn] | CostsFactory = default_costs, *, records: int = 1_000_000,
                   dimension: int = 1536, metadata_bytes: int = 1000, qps_max: float = 100.0,
                   edition: str | None = None) -> CrossoverPlot:
    """Cost-vs-QPS curves with break-even points, redrawn as the sliders move.

    ``costs`` is either a mapping of option name → ``cost(qps)`` (then only the QPS range slider is
    shown), or a factory called with the keyword arguments it accepts among ``records, dimension,
    metadata_bytes, edition`` that returns such a mapping (default: serverless, DRN, pods).
    """
    controls: dict[str, w.ValueWidget] = {} if isinstance(costs, Mapping) else \
        workload_sliders(records, dimension, metadata_bytes)
    controls["qps_max"] = log_slider("Max QPS", qps_max, 0, 4, integer=False)
    return CrossoverPlot(costs, controls, edition)
