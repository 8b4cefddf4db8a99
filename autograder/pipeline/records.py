"""The pipeline's records: a ``Job`` (one imported submission) and its ``GradeResult``.

``GradeResult`` is what a worker returns, the gradebook merges, the reports read and the state file
keeps (``to_dict``/``from_dict`` are the on-disk form, so an interrupted run resumes from it).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class Job:
    """One student's submission of one assignment, as imported."""

    student: str
    assignment: str
    notebooks: dict[str, bytes] = field(default_factory=dict)   # expected name -> bytes
    problems: list[str] = field(default_factory=list)           # import notes (kept in the report)
    invalid: str | None = None                                  # why it cannot be graded at all
    digest: str = ""
    #: nbgrader's exchange files collected beside the notebooks (``EXCHANGE_FILES``); they go back
    #: beside the graded notebook and the feedback, so ``nbgrader release_feedback`` works
    stamps: dict[str, bytes] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.student}"


@dataclass
class GradeResult:
    """The outcome of grading one ``Job``.

    ``cells``: one dict per grade cell (``notebook``, ``name``, ``max_score``, ``auto_score``,
    ``needs_manual_grade``, ``cell_type``, ``error``, ``seconds``: the checker's time on its hidden
    block, None when the checker did not run it); ``tamper``: findings as
    :func:`autograder.pipeline.tamper.as_dicts` gives them; ``feedback``: published pages relative
    to the output folder; ``review``: why a human must look (e.g. a withheld feedback page), each
    also in ``reasons``.
    """

    student: str
    assignment: str
    max_score: float
    digest: str = ""
    score: float = 0.0
    status: str = "failed"          # graded | invalid | failed | unmatched (a file nobody claims)
    cells: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    tamper: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    attempts: int = 0
    seconds: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.student}"

    @classmethod
    def start(cls, job: Job, max_score: float) -> GradeResult:
        """An empty result for ``job``: nothing scored yet, the import notes as reasons."""
        return cls(job.student, job.assignment, max_score, digest=job.digest, reasons=list(job.problems))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (state.json, report.json)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeResult:
        """Inverse of :meth:`to_dict`; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Template:
    """What every scratch course of one assignment starts from."""

    assignment: str
    root: Path
    notebooks: list[str]          # notebook names without .ipynb
    max_score: float
    cells: list[dict[str, Any]]   # grade cells: notebook, name, max_score, cell_type

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def release_dir(self) -> Path:
        """release/<assignment> exactly as nbgrader generated it from source/."""
        return self.root / "release" / self.assignment

    def release(self, notebook: str) -> Path:
        return self.release_dir / f"{notebook}.ipynb"

    def source(self, notebook: str) -> Path:
        return self.root / "source" / self.assignment / f"{notebook}.ipynb"
