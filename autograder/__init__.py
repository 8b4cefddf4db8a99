"""Instructor-only: the checks hidden tests call, nbgrader extensions and the course API.

Never shipped: not under source/<phase>/ (so never in release/), not in the wheel
(pyproject's package find includes only ``pinecone_ops*``). Importable while grading because
nbgrader_config.py puts the course root on PYTHONPATH for the kernels nbgrader starts.
"""
