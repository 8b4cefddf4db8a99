"""The resumable state: one JSON file of finished results, rewritten atomically after each one.

A run skips submissions whose content digest matches a finished result, so an interrupted run
continues where it stopped and a re-run only grades new or changed submissions.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


class State:
    """Finished results keyed by ``assignment/student``."""

    def __init__(self, path: Path):
        self.path = path
        self.results: dict[str, dict] = {}
        if path.is_file():
            try:
                self.results = json.loads(path.read_text()).get("results", {})
            except (json.JSONDecodeError, AttributeError):
                self.results = {}   # a torn file from a killed run: grade again, never crash

    def done(self, key: str, digest: str) -> bool:
        """True when ``key`` was graded (or found invalid) from exactly this content.

        A ``failed`` result (the grader itself could not finish) is retried on the next run.
        """
        r = self.results.get(key)
        return bool(r) and r.get("digest") == digest and r.get("status") in ("graded", "invalid")

    def record(self, key: str, result: dict) -> None:
        """Keep ``result`` and persist (write-then-rename, so a kill never leaves half a file)."""
        self.results[key] = result
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": 1, "results": self.results}, indent=1))
        os.replace(tmp, self.path)
