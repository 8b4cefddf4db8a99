"""The sizing calculator: records, dims, metadata, QPS → pods / replicas / DRN shards with costs."""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from pinecone_ops.pricing.pricebook import load_pricebook
from pinecone_ops.pricing.report import edition_line, options_html
from pinecone_ops.pricing.sizing import Option, recommend
from pinecone_ops.widgets._common import (
    call_supported,
    error_html,
    int_slider,
    log_slider,
    on_change,
    values,
    workload_sliders,
)


def _table(result: Any) -> str:
    """Options as HTML: our Option objects, or any list of dicts a learner's function returns."""
    if isinstance(result, Sequence) and result and all(isinstance(o, Option) for o in result):
        return options_html(result)
    if isinstance(result, Sequence) and result and all(isinstance(o, dict) for o in result):
        keys = list(dict.fromkeys(k for o in result for k in o))
        head = "".join(f"<th>{html.escape(str(k))}</th>" for k in keys)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(o.get(k, '')))}</td>" for k in keys) + "</tr>"
                       for o in result)
        return f"<table class='pco-sizing'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<pre>{html.escape(repr(result))}</pre>"


class SizingCalculator(w.VBox):
    """The widget; ``result`` is the latest return of ``size_fn``."""

    def __init__(self, size_fn: Callable[..., Any], controls: dict[str, w.ValueWidget], edition: str | None) -> None:
        self.size_fn = size_fn
        self.controls = controls
        self.edition = load_pricebook().edition(edition)
        self.result: Any = None
        self.header = w.HTML(f"<b>Sizing</b> — costs per month, {html.escape(edition_line(self.edition, 'Standard'))}")
        self.table = w.HTML()
        self.best = w.HTML()
        self.best.add_class("pco-sizing-best")
        super().__init__([self.header, *controls.values(), self.table, self.best])
        self.add_class("pco-sizing-calculator")
        on_change(controls, self.refresh)

    def refresh(self) -> None:
        """Recompute with the current control values."""
        try:
            self.result = call_supported(self.size_fn, edition=self.edition.id, **values(self.controls))
        except Exception as exc:  # show a learner's error instead of breaking the widget
            self.result = exc
            self.table.value, self.best.value = error_html(exc), ""
            return
        self.table.value = _table(self.result)
        best = next((o for o in self.result if isinstance(o, Option) and o.feasible), None) \
            if isinstance(self.result, Sequence) else None
        self.best.value = f"Cheapest that fits: <b>{html.escape(best.name)}</b>" if best else ""


def sizing_calculator(size_fn: Callable[..., Any] = recommend, *, records: int = 1_000_000, dimension: int = 1536,
                      metadata_bytes: int = 1000, qps: float = 10.0, top_k: int = 10,
                      edition: str | None = None) -> SizingCalculator:
    """Sliders for the workload → a table of serverless, DRN and pod options with monthly costs.

    ``size_fn`` is called with the keyword arguments it accepts among ``records, dimension,
    metadata_bytes, qps, top_k, edition`` and returns a list of :class:`Option` (or of dicts).
    """
    controls: dict[str, w.ValueWidget] = workload_sliders(records, dimension, metadata_bytes)
    controls["qps"] = log_slider("QPS (sustained)", qps, -1, 4, integer=False)
    controls["top_k"] = int_slider("top_k", top_k, 1, 1000)
    return SizingCalculator(size_fn, controls, edition)
