"""The calculators in a real Jupyter kernel: displayed, driven, and their widget state saved."""
from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

CELLS = [
    "from pinecone_ops.widgets import cost_calculator, sizing_calculator, crossover_plot\n"
    "calc = cost_calculator()\ncalc",
    "calc.controls['records'].value = 5e6\nprint(calc.total_value)",
    "sizing_calculator()",
    "crossover_plot()",
]


@pytest.mark.slow
def test_widgets_display_and_update_in_a_kernel():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120, store_widget_state=True).execute()
    views = [o for c in nb.cells for o in c.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 3
    assert nb.cells[1].outputs[0]["text"].strip() == "586.82"  # 5M records: storage, reads and writes scale
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    totals = [m for m in state.values() if "pco-bill-total" in m["state"].get("_dom_classes", [])]
    assert len(totals) == 1 and "$586.82" in totals[0]["state"]["value"]
    charts = [m for m in state.values() if m["model_name"] == "OutputModel"]
    assert len(charts) == 2 and all(m["state"]["outputs"][0]["data"]["image/png"] for m in charts)
