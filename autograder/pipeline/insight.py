"""What the instructor learns from a class: per assignment and graded cell, who got it, how well it
separates strong from weak submissions, the most common failure messages and the grader's time.

The statistics are pure functions of numbers (property-tested in tests/grading/test_insight.py);
:func:`write_class_report` turns the results of ``state.json`` into ``grading/class-report.md`` and
one ``cells-<assignment>.png`` per assignment, next to grades.csv.

- **got it**: the share of graded submissions with the cell's full marks.
- **discrimination**: the corrected point-biserial correlation: Pearson's r between "got it" (0/1)
  and the rest-of-test score (the submission's auto-graded score without this cell). Near +1: the
  students who get it are the strong ones; near 0 or negative: the cell measures something else
  (or is broken). Undefined (``None``, shown "–") for fewer than 2 submissions or when either side
  does not vary (everyone got it, nobody did, or every rest score is equal).
- **failures**: the error messages of the submissions that did not get the cell, most common first.
- **seconds**: the checker's time on the cell's hidden block (verdicts.jsonl), mean and maximum.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from .records import GradeResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NO_MESSAGE = "(no error: partial or zero score)"


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, computed exactly (fractions) and then rounded; ``None`` for fewer than two
    pairs or when either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs pairs")
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    fx, fy = [Fraction(x) for x in xs], [Fraction(y) for y in ys]
    mx, my = sum(fx) / len(fx), sum(fy) / len(fy)
    cov = sum((x - mx) * (y - my) for x, y in zip(fx, fy, strict=True))
    vx = sum((x - mx) ** 2 for x in fx)
    vy = sum((y - my) ** 2 for y in fy)
    r = float(cov) / math.sqrt(float(vx) * float(vy))
    if cov * cov == vx * vy:             # exactly collinear: exactly ±1
        return 1.0 if cov > 0 else -1.0
    return max(-1.0, min(1.0, r))


def point_biserial(got: Sequence[bool], rest: Sequence[float]) -> float | None:
    """Corrected point-biserial discrimination: r between ``got`` (0/1) and the rest score."""
    return pearson([1.0 if g else 0.0 for g in got], list(rest))


def share(got: Sequence[bool]) -> float | None:
    """The share of True; ``None`` for nobody."""
    return sum(got) / len(got) if got else None


def top_failures(messages: Iterable[str | None], k: int = 3) -> list[tuple[str, int]]:
    """The ``k`` most common messages with their counts, most common first, ties in text order;
    a missing message counts as :data:`NO_MESSAGE`."""
    counts = Counter(m if m else NO_MESSAGE for m in messages)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:k]


@dataclass(frozen=True)
class CellStats:
    """One graded cell of one assignment, over its graded submissions."""

    notebook: str
    name: str
    max_score: float
    n: int
    got_it: float | None
    mean_fraction: float | None
    discrimination: float | None
    failures: list[tuple[str, int]]
    seconds_mean: float | None
    seconds_max: float | None


def cell_stats(results: Sequence[GradeResult]) -> list[CellStats]:
    """Per auto-graded cell of one assignment's ``graded`` results (manual-only cells left out)."""
    graded = [r for r in results if r.status == "graded"]
    order: dict[tuple[str, str], float] = {}
    for r in graded:
        for c in r.cells:
            if c.get("auto_score") is not None:
                order.setdefault((c["notebook"], c["name"]), float(c["max_score"]))
    totals = [sum(c["auto_score"] or 0.0 for c in r.cells) for r in graded]
    out = []
    for (nb, name), top in order.items():
        got, rest, fractions, messages, seconds = [], [], [], [], []
        for r, total in zip(graded, totals, strict=True):
            cell = next((c for c in r.cells if (c["notebook"], c["name"]) == (nb, name)), None)
            if cell is None or cell.get("auto_score") is None:
                continue
            score = float(cell["auto_score"])
            full = score >= top
            got.append(full)
            rest.append(total - score)
            fractions.append(score / top if top else 1.0)
            if not full:
                messages.append(cell.get("error"))
            if cell.get("seconds") is not None:
                seconds.append(float(cell["seconds"]))
        out.append(CellStats(nb, name, top, len(got), share(got),
                             sum(fractions) / len(fractions) if fractions else None,
                             point_biserial(got, rest), top_failures(messages),
                             sum(seconds) / len(seconds) if seconds else None,
                             max(seconds) if seconds else None))
    return out


def _fmt(x: float | None, pattern: str) -> str:
    return "–" if x is None else format(x, pattern)


def cells_figure(assignment: str, stats: Sequence[CellStats]) -> Figure:
    """Two panels per assignment: the share who got each cell, and its discrimination."""
    from matplotlib.figure import Figure

    names = [s.name for s in stats]
    fig = Figure(figsize=(7, 2 + 0.35 * max(len(names), 3)), dpi=100)
    left, right = fig.subplots(1, 2, sharey=True)
    ys = list(range(len(names)))
    left.barh(ys, [s.got_it or 0.0 for s in stats], color="#3b6ea5")
    left.set(xlim=(0, 1), xlabel="share with full marks", yticks=ys, yticklabels=names)
    left.invert_yaxis()
    disc = [s.discrimination for s in stats]
    right.barh(ys, [d or 0.0 for d in disc], color=["#999999" if d is None else
                                                    "#d1495b" if d < 0.2 else "#2e8b57" for d in disc])
    for y, d in zip(ys, disc, strict=True):
        if d is None:
            right.text(0.02, y, "n/a", va="center", fontsize=8)
    right.axvline(0.2, color="#555555", linestyle=":", linewidth=1)
    right.set(xlim=(-1, 1), xlabel="discrimination (point-biserial)")
    fig.suptitle(f"{assignment}: {stats[0].n if stats else 0} graded submissions")
    fig.tight_layout()
    return fig


def write_class_report(results: Sequence[GradeResult], folder: Path) -> Path:
    """class-report.md and cells-<assignment>.png in ``folder``; returns the page."""
    lines = ["# What the class got wrong", "",
             "Per graded cell: **got it** = share of graded submissions with full marks; **discr.** = "
             "corrected point-biserial correlation of getting it with the rest-of-test score (– when "
             "undefined: under 2 submissions, or no variation); **checker s** = mean (max) seconds the "
             "checker spent on the cell's hidden block; **failures** = most common messages of those "
             "who did not get it.", ""]
    for a in sorted({r.assignment for r in results}):
        rs = [r for r in results if r.assignment == a]
        stats = cell_stats(rs)
        graded = sum(r.status == "graded" for r in rs)
        lines += [f"## {a}", "",
                  f"{len(rs)} submissions, {graded} graded, {len(rs) - graded} not graded (invalid, failed "
                  "or unmatched: left out below).", ""]
        if not stats:
            lines += ["No auto-graded cells scored.", ""]
            continue
        png = folder / f"cells-{a}.png"
        cells_figure(a, stats).savefig(png)
        lines += [f"![{a} cells]({png.name})", "",
                  "| cell | points | got it | mean | discr. | checker s | failures |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for s in stats:
            fails = "; ".join(f"{m.replace('|', '/')[:120]} ×{n}" for m, n in s.failures) or "–"
            secs = "–" if s.seconds_mean is None else f"{s.seconds_mean:.2f} ({_fmt(s.seconds_max, '.2f')})"
            lines.append(f"| {s.name} | {s.max_score:g} | {_fmt(s.got_it, '.0%')} | "
                         f"{_fmt(s.mean_fraction, '.0%')} | {_fmt(s.discrimination, '+.2f')} | {secs} | {fails} |")
        lines.append("")
    page = folder / "class-report.md"
    page.write_text("\n".join(lines))
    return page
