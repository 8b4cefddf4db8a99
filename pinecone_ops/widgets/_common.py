"""Helpers shared by the calculators: calling a learner's function, rendering a figure into an
Output widget without a kernel, and the common sliders.
"""
from __future__ import annotations

import base64
import html
import inspect
import io
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

STYLE = {"description_width": "150px"}
LAYOUT = w.Layout(width="480px")


def call_supported(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call ``fn`` with the keyword arguments it accepts, so a learner's narrower function works."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(**kwargs)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(**kwargs)
    return fn(**{k: v for k, v in kwargs.items() if k in params})


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of a figure, drawn with Agg (no pyplot, no display needed)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return buf.getvalue()


def show_figure(out: w.Output, fig: Figure, alt: str) -> None:
    """Replace ``out``'s contents with the figure; works headless because it sets ``outputs`` directly."""
    png = base64.b64encode(figure_png(fig)).decode("ascii")
    out.outputs = ({"output_type": "display_data", "data": {"image/png": png, "text/plain": alt},
                    "metadata": {}},)


def error_html(exc: Exception) -> str:
    return f"<div class='pco-error' style='color:#b00'>{html.escape(str(exc))}</div>"


def log_slider(description: str, value: float, lo_exp: int, hi_exp: int, integer: bool = True) -> w.FloatLogSlider:
    """A base-10 log slider for quantities spanning orders of magnitude (``integer``: read as a count)."""
    slider = w.FloatLogSlider(value=max(value, 10 ** lo_exp), base=10, min=lo_exp, max=hi_exp, step=0.01,
                              description=description, readout_format=",.0f" if integer else ",.2f",
                              continuous_update=False, style=STYLE, layout=LAYOUT)
    slider.pco_integer = integer  # plain attribute (not a trait): how values() reads it
    return slider


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1) -> w.IntSlider:
    return w.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=False, style=STYLE, layout=LAYOUT)


def workload_sliders(records: int, dimension: int, metadata_bytes: int) -> dict[str, w.ValueWidget]:
    """Records, dimensions and metadata bytes, the inputs every calculator shares."""
    return {
        "records": log_slider("Records", records, 3, 10),
        "dimension": int_slider("Dimensions", dimension, 1, 4096),
        "metadata_bytes": int_slider("Metadata bytes", metadata_bytes, 0, 40_000, 50),
    }


def values(controls: dict[str, w.ValueWidget]) -> dict[str, Any]:
    """Control values, with log-slider counts as whole numbers."""
    return {k: int(round(c.value)) if getattr(c, "pco_integer", False) else c.value for k, c in controls.items()}


def on_change(controls: dict[str, w.ValueWidget], refresh: Callable[[], None]) -> None:
    """Call ``refresh`` whenever any control's value changes, then once now."""
    for c in controls.values():
        c.observe(lambda _change: refresh(), names="value")
    refresh()
