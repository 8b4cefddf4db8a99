"""The instructor's outputs from results: grades rows, the summary's statistics, the histogram's bins
(fast: no grading; ``test_phases_and_unmatched.py`` grades for real)."""
from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from autograder.pipeline import GradeResult
from autograder.pipeline.report import histogram, histogram_bins, rows, summary_line, summary_table


def _graded(student: str, score: float, max_score: float = 10.0, **kw) -> GradeResult:
    return GradeResult(student, "phase1", max_score, score=score, status="graded", **kw)


def _median(line: str) -> float:
    return float(re.search(r"median ([\d.]+)%", line).group(1))


def test_the_median_of_an_even_class_is_the_mean_of_the_middle_two():
    line = summary_line("phase1", [_graded(s, x) for s, x in zip("abcd", [0, 4, 6, 10], strict=True)])
    assert line == "phase1: 4 submissions, mean 50.0%, median 50.0%, to review 0"


@given(st.lists(st.integers(0, 20), min_size=1, max_size=31))
def test_the_median_is_the_middle_score_or_the_mean_of_the_middle_two(points):
    ordered = sorted(100.0 * p / 20 for p in points)
    n = len(ordered)
    want = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    line = summary_line("phase1", [_graded(f"s{i}", p, 20.0) for i, p in enumerate(points)])
    assert math.isclose(_median(line), round(want, 1), abs_tol=0.051)
    assert line.startswith(f"phase1: {n} submissions,")


@given(st.floats(min_value=0.5, max_value=500, allow_nan=False))
def test_histogram_bins_are_whole_points_and_cover_every_score(max_score):
    edges = histogram_bins(max_score)
    steps = {round(b - a, 9) for a, b in zip(edges, edges[1:], strict=False)}
    assert len(steps) == 1
    step = steps.pop()
    assert step == int(step) >= 1                              # whole points
    assert len(edges) - 1 <= 41                                # never an unreadable number of bins
    assert edges[0] == -step / 2 and edges[-1] >= max_score    # 0 and the maximum are inside
    # every whole score that is a multiple of the step is the centre of its own bin
    for k in range(0, math.floor(max_score) + 1, int(step)):
        assert any(a < k < b and math.isclose((a + b) / 2, k) for a, b in zip(edges, edges[1:], strict=False)), k


def test_the_histogram_draws_one_bar_per_point():
    results = [_graded(s, x, 9.0) for s, x in zip("abcdef", [9, 9, 8, 6, 6.0, 0], strict=True)]
    bars = histogram("phase1", results).axes[0].patches
    assert [b.get_width() for b in bars] == [1.0] * 10
    assert {b.get_x() + 0.5: b.get_height() for b in bars if b.get_height()} == {0: 1, 6: 2, 8: 1, 9: 2}


def test_an_unmatched_file_is_a_row_with_its_name_no_score_and_a_review():
    stray = GradeResult("extra/notes.ipynb", "phase1", 0.0, status="unmatched",
                        reasons=["cannot tell whose submission 'extra/notes.ipynb' is"])
    row = rows([stray])[0]
    assert (row["student_id"], row["status"], row["review"]) == ("extra/notes.ipynb", "unmatched", "yes")
    assert (row["score"], row["max_score"], row["percent"]) == ("", "", "")
    table = summary_table([_graded("amy", 10), stray])
    assert re.search(r"phase1\s+extra/notes.ipynb\s+-\s+unmatched\s+cannot tell whose", table), table
    assert table.endswith("phase1: 1 submissions, mean 100.0%, median 100.0%, to review 1, unmatched files 1")


def test_a_withheld_feedback_page_puts_the_row_up_for_review():
    note = "feedback phase1.html withheld, not published: …"
    row = rows([_graded("amy", 10, reasons=[note], review=[note])])[0]
    assert row["review"] == "yes" and note in row["reasons"]
    assert rows([_graded("ben", 10)])[0]["review"] == ""
