"""The resumable state: one JSON file of finished results, rewritten atomically after each one.

A run skips submissions whose content digest matches a finished result, so an interrupted run
continues where it stopped and a re-run only grades new or changed submissions.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .records import GradeResult


class State:
    """Finished results keyed by ``assignment/student``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.results: dict[str, GradeResult] = {}
        if path.is_file():
            try:
                saved = json.loads(path.read_text()).get("results", {})
                self.results = {k: GradeResult.from_dict(v) for k, v in saved.items()}
            except (json.JSONDecodeError, AttributeError, TypeError):
                self.results = {}   # a torn file from a killed run: grade again, never crash

    def done(self, key: str, digest: str) -> bool:
        """True when ``key`` was graded (or found invalid) from exactly this content.

        A ``failed`` result (the grader itself could not finish) is retried on the next run.
        """
        r = self.results.get(key)
        return r is not None and r.digest == digest and r.status in ("graded", "invalid")

    def record(self, key: str, result: GradeResult) -> None:
        """Keep ``result`` and persist (write-then-rename, so a kill never leaves half a file)."""
        self.results[key] = result
        self._save()

    def drop(self, keys: list[str]) -> None:
        """Forget these results (and persist)."""
        for key in keys:
            self.results.pop(key, None)
        self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": 1, "results": {k: r.to_dict() for k, r in self.results.items()}},
                                  indent=1))
        os.replace(tmp, self.path)
