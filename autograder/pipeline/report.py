"""Outputs for the instructor: grades CSV, report.json and report.md, histograms, summary table."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from .records import GradeResult

GRADE_COLUMNS = ["assignment", "student_id", "score", "max_score", "percent", "status", "review",
                 "cells", "reasons", "tamper"]


def needs_review(result: GradeResult) -> bool:
    """Tamper findings, a withheld feedback page, or a submission not graded: a human looks."""
    return bool(result.tamper) or bool(result.review) or result.status != "graded"


def _cells(result: GradeResult) -> str:
    return " ".join(f"{c['name']}={c['auto_score'] if c['auto_score'] is not None else '?'}"
                    f"/{c['max_score']:g}" for c in result.cells)


def rows(results: list[GradeResult]) -> list[dict[str, str]]:
    """One CSV row per result."""
    out = []
    for r in results:
        pct = 100.0 * r.score / r.max_score if r.max_score else 0.0
        out.append({"assignment": r.assignment, "student_id": r.student,
                    "score": f"{r.score:g}", "max_score": f"{r.max_score:g}",
                    "percent": f"{pct:.1f}", "status": r.status,
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


def write_histograms(results: list[GradeResult], folder: Path) -> list[Path]:
    """histogram-<assignment>.png: score distribution, one per assignment."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    by_a: dict[str, list[GradeResult]] = defaultdict(list)
    for r in results:
        by_a[r.assignment].append(r)
    paths = []
    for a, rs in sorted(by_a.items()):
        max_score = max(r.max_score for r in rs) or 1.0
        scores = [r.score for r in rs]
        fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
        bins = min(20, max(5, int(max_score) + 1))
        ax.hist(scores, bins=bins, range=(0, max_score), color="#3b6ea5", edgecolor="white")
        mean = sum(scores) / len(scores)
        ax.axvline(mean, color="#d1495b", linestyle="--", label=f"mean {mean:.1f}")
        ax.set(title=f"{a}: {len(rs)} submissions", xlabel=f"score (max {max_score:g})",
               ylabel="students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
        fig.tight_layout()
        path = folder / f"histogram-{a}.png"
        fig.savefig(path)
        plt.close(fig)
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
        score = f"{row['score']}/{row['max_score']}"
        lines.append(f"{row['assignment']:<10} {row['student_id']:<{sw}} {score:>9}  "
                     f"{row['status']:<8} {notes}".rstrip())
    pcts_by_a: dict[str, list[float]] = defaultdict(list)
    for r in results:
        pcts_by_a[r.assignment].append(100.0 * r.score / (r.max_score or 1))
    lines.append("")
    for a, pcts in sorted(pcts_by_a.items()):
        pcts.sort()
        median = pcts[len(pcts) // 2]
        review = sum(needs_review(r) for r in results if r.assignment == a)
        lines.append(f"{a}: {len(pcts)} submissions, mean {sum(pcts) / len(pcts):.1f}%, "
                     f"median {median:.1f}%, to review {review}")
    return "\n".join(lines)


def write_markdown(results: list[GradeResult], path: Path) -> None:
    """report.md: every submission's status, reasons and tamper findings, for the instructor."""
    out = ["# Grading report", ""]
    for r in results:
        out.append(f"## {r.assignment} / {r.student}: {r.score:g}/{r.max_score:g} ({r.status})")
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
    return {"csv": folder / "grades.csv", "json": folder / "report.json",
            "markdown": folder / "report.md", **{p.stem: p for p in hists}}
