"""Reference submissions: known inputs with known scores, graded by the real pipeline in tests.

``build.py`` makes them from any assignment (its source and release): a correct submission, each
hostile case of issue 8, and the per-assignment variants in ``<assignment>.toml`` (correct but
written differently, partly wrong) with their expected scores.
"""
