"""Instructor-only: the hidden checks, the grader (``cli``, ``pipeline/``), its nbgrader
preprocessors and the course API (``course``). docs/grading.md maps the modules.

Never shipped: not under source/<phase>/ (so never in release/), not in the wheel
(pyproject's package find includes only ``pinecone_ops*``). Importable while grading because
nbgrader_config.py puts the course root on PYTHONPATH for the kernels nbgrader starts, and
``pinecone-ops grade`` runs ``python -m autograder.cli`` with the checkout on PYTHONPATH.
"""
