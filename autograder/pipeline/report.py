"""Outputs for the instructor: grades CSV, report.json and report.md, histograms, summary table."""
from __future__ import annotations

import csv
import json
import math
import statistics
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from . import insight
from .records import GradeResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

GRADE_COLUMNS = ["assignment", "student_id", "score", "max_score", "percent", "status", "review",
                 "cells", "reasons", "tamper"]


def needs_review(result: GradeResult) -> bool:
    """Tamper findings, a withheld feedback page, or a submission not graded: a human looks."""
    return bool(result.tamper) or bool(result.review) or result.status != "graded"


def _cells(result: GradeResult) -> str:
    return " ".join(f"{c['name']}={c['auto_score'] if c['auto_score'] is not None else '?'}"
                    f"/{c['max_score']:g}" for c in result.cells)


def scored(result: GradeResult) -> bool:
    """A result with a score (an unmatched file has none: nobody's submission)."""
    return result.status != "unmatched"


def rows(results: list[GradeResult]) -> list[dict[str, str]]:
    """One CSV row per result; an unmatched file's row has its path as ``student_id`` and no score."""
    out = []
    for r in results:
        pct = 100.0 * r.score / r.max_score if r.max_score else 0.0
        score, max_score, percent = ((f"{r.score:g}", f"{r.max_score:g}", f"{pct:.1f}") if scored(r)
                                     else ("", "", ""))
        out.append({"assignment": r.assignment, "student_id": r.student,
                    "score": score, "max_score": max_score,
                    "percent": percent, "status": r.status,
                    "review": "yes" if needs_review(r) else "",
                    "cells": _cells(r), "reasons": "; ".join(r.reasons),
                    "tamper": "; ".join(t["text"] for t in r.tamper)})
    return out


def write_csv(results: list[GradeResult], path: Path) -> None:
    """grades.csv (one row per student and assignment)."""
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=GRADE_COLUMNS)
        w.writeheader()
        w.writerows(rows(results))


def histogram_bins(max_score: float, most: int = 40) -> list[float]:
    """Bin edges of whole points: bin k holds the scores that round to ``k * step`` (step 1 point,
    or a whole number of points when there would be more than ``most`` bins), from 0 to the maximum."""
    top = math.ceil(max_score)
    step = max(1, math.ceil((top + 1) / most))
    last = math.ceil(top / step + 0.5)            # the last edge is at or above the maximum
    return [k * step - step / 2 for k in range(last + 1)]


def histogram(assignment: str, results: list[GradeResult]) -> Figure:
    """The score distribution of one assignment's scored results, in bins of whole points."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    max_score = max(r.max_score for r in results) or 1.0
    scores = [r.score for r in results]
    fig = Figure(figsize=(6, 3.5), dpi=100)
    ax = fig.subplots()
    ax.hist(scores, bins=histogram_bins(max_score), color="#3b6ea5", edgecolor="white")
    mean = statistics.fmean(scores)
    ax.axvline(mean, color="#d1495b", linestyle="--", label=f"mean {mean:.1f}")
    ax.set(title=f"{assignment}: {len(results)} submissions", xlabel=f"score (max {max_score:g})",
           ylabel="students")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    fig.tight_layout()
    return fig


def write_histograms(results: list[GradeResult], folder: Path) -> list[Path]:
    """histogram-<assignment>.png: score distribution, one per assignment (unmatched files left out)."""
    by_a: dict[str, list[GradeResult]] = defaultdict(list)
    for r in results:
        if scored(r):
            by_a[r.assignment].append(r)
    paths = []
    for a, rs in sorted(by_a.items()):
        path = folder / f"histogram-{a}.png"
        histogram(a, rs).savefig(path)
        paths.append(path)
    return paths


def _notes(result: GradeResult) -> str:
    lost = [c["name"] for c in result.cells
            if c["auto_score"] is not None and c["auto_score"] < c["max_score"]]
    parts = ([f"TAMPER x{len(result.tamper)}"] if result.tamper else []) + \
        ([f"lost: {', '.join(lost)}"] if lost else []) + list(result.reasons)
    return "; ".join(parts)


def summary_table(results: list[GradeResult], width: int = 70) -> str:
    """The table printed at the end of a run."""
    sw = max([7] + [len(r.student) for r in results])
    header = f"{'assignment':<10} {'student':<{sw}} {'score':>9}  {'status':<8} notes"
    lines = [header, "-" * len(header)]
    for row, r in zip(rows(results), results, strict=True):
        notes = _notes(r)
        notes = notes if len(notes) <= width else notes[: width - 1] + "…"
        score = f"{row['score']}/{row['max_score']}" if scored(r) else "-"
        lines.append(f"{row['assignment']:<10} {row['student_id']:<{sw}} {score:>9}  "
                     f"{row['status']:<8} {notes}".rstrip())
    lines.append("")
    for a in sorted({r.assignment for r in results}):
        lines.append(summary_line(a, [r for r in results if r.assignment == a]))
    return "\n".join(lines)


def summary_line(assignment: str, results: list[GradeResult]) -> str:
    """``phase1: 15 submissions, mean 91.1%, median 100.0%, to review 5[, unmatched files 2]``."""
    pcts = [100.0 * r.score / (r.max_score or 1) for r in results if scored(r)]
    lost = sum(not scored(r) for r in results)
    review = sum(needs_review(r) for r in results)
    parts = [f"{len(pcts)} submissions"]
    if pcts:
        parts += [f"mean {statistics.fmean(pcts):.1f}%", f"median {statistics.median(pcts):.1f}%"]
    parts.append(f"to review {review}")
    if lost:
        parts.append(f"unmatched files {lost}")
    return f"{assignment}: {', '.join(parts)}"


def write_markdown(results: list[GradeResult], path: Path) -> None:
    """report.md: every submission's status, reasons and tamper findings, for the instructor."""
    out = ["# Grading report", ""]
    for r in results:
        score = f"{r.score:g}/{r.max_score:g}" if scored(r) else "no score"
        out.append(f"## {r.assignment} / {r.student}: {score} ({r.status})")
        for c in r.cells:
            err = f" — {c['error']}" if c.get("error") else ""
            out.append(f"- {c['name']}: {c['auto_score'] if c['auto_score'] is not None else 'manual'}"
                       f"/{c['max_score']:g}{err}")
        out += [f"- note: {x}" for x in r.reasons]
        out += [f"- **tamper** ({t['notebook']}) {t['text']}" for t in r.tamper]
        out.append("")
    path.write_text("\n".join(out))


def write_all(results: list[GradeResult], folder: Path) -> dict[str, Path]:
    """Every report file; returns their paths by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(results, folder / "grades.csv")
    (folder / "report.json").write_text(json.dumps([r.to_dict() for r in results], indent=1))
    write_markdown(results, folder / "report.md")
    hists = write_histograms(results, folder) if results else []
    page = insight.write_class_report(results, folder)
    return {"csv": folder / "grades.csv", "json": folder / "report.json",
            "markdown": folder / "report.md", "class": page, **{p.stem: p for p in hists}}
