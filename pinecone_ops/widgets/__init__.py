"""ipywidgets front ends over the pure pricing functions (thin: every number comes from a function
a notebook can swap for the learner's own). Each works headless: set a control's value and the
widget's ``result`` / outputs change.
"""
from __future__ import annotations

from pinecone_ops.widgets.cost import CostCalculator, cost_calculator
from pinecone_ops.widgets.crossover import CrossoverPlot, crossover_figure, crossover_plot
from pinecone_ops.widgets.sizing import SizingCalculator, sizing_calculator

__all__ = ["CostCalculator", "CrossoverPlot", "SizingCalculator", "cost_calculator", "crossover_figure",
           "crossover_plot", "sizing_calculator"]
