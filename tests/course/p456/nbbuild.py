"""Thin wrapper over autograder.authoring so the phase builders read top to bottom."""
from __future__ import annotations
import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[3]))
from autograder.authoring import md, code, setup, solution, tests, notebook, write


class NB:
    def __init__(self, title: str):
        self.cells = []

    def md(self, text): self.cells.append(md(text))

    def code(self, text, locked_id=None):
        self.cells.append(setup(text, locked_id) if locked_id else code(text))

    def solution(self, grade_id, text): self.cells.append(solution(text, grade_id))

    def test(self, grade_id, points, text): self.cells.append(tests(text, grade_id, points=points))

    def save(self, path):
        nb = notebook(self.cells)
        write(nb, path)
        pts = sum(c.metadata.get("nbgrader", {}).get("points", 0) or 0 for c in nb.cells)
        print(path, len(nb.cells), "cells", pts, "points")
