"""The class report's statistics (autograder/pipeline/insight.py): properties and exact boundaries
(a class of 1, everyone equal, nobody/everyone right), then the page and its plot."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.pipeline import insight
from autograder.pipeline.records import GradeResult

scores = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2))
pairs = st.lists(st.tuples(scores, scores), min_size=0, max_size=40)


@given(pairs)
def test_pearson_is_bounded_symmetric_and_none_exactly_when_undefined(ps):
    xs, ys = [p[0] for p in ps], [p[1] for p in ps]
    r = insight.pearson(xs, ys)
    undefined = len(ps) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2
    assert (r is None) == undefined
    if r is not None:
        assert -1.0 <= r <= 1.0
        assert r == insight.pearson(ys, xs)
        neg = insight.pearson(xs, [-y for y in ys])
        assert neg is not None and math.isclose(neg, -r, abs_tol=1e-12)


@given(st.lists(scores, min_size=2, max_size=30, unique=True),
       st.floats(min_value=0.5, max_value=4).map(lambda a: round(a, 1)), st.integers(-5, 5))
def test_pearson_of_a_line_is_exactly_one(xs, a, b):
    assert insight.pearson(xs, [a * x + b for x in xs]) in (1.0, None) or \
        math.isclose(insight.pearson(xs, [a * x + b for x in xs]), 1.0)
    ints = [int(x * 100) for x in xs]
    assert insight.pearson(ints, [3 * x + b for x in ints]) == 1.0       # exact arithmetic: exactly 1
    assert insight.pearson(ints, [-2 * x for x in ints]) == -1.0


@given(st.lists(st.tuples(st.booleans(), scores), min_size=0, max_size=40))
def test_point_biserial_and_share(rows):
    got, rest = [g for g, _ in rows], [r for _, r in rows]
    d = insight.point_biserial(got, rest)
    assert (d is None) == (len(rows) < 2 or len(set(got)) < 2 or len(set(rest)) < 2)
    s = insight.share(got)
    assert s is None if not rows else s == sum(got) / len(rows)


@pytest.mark.parametrize(("got", "rest", "want"), [
    ([True], [3.0], None),                              # a class of 1
    ([True, True, True], [1.0, 2.0, 3.0], None),        # everyone got it
    ([False, False], [1.0, 2.0], None),                 # nobody did
    ([True, False, True], [2.0, 2.0, 2.0], None),       # every rest score equal
    ([True, False], [5.0, 1.0], 1.0),                   # the strong one got it
    ([False, True], [5.0, 1.0], -1.0),                  # the weak one got it
    ([True, True, False, False], [4.0, 4.0, 0.0, 0.0], 1.0),
])
def test_point_biserial_boundaries(got, rest, want):
    assert insight.point_biserial(got, rest) == want


def test_point_biserial_known_value():
    # got = 1,1,0,0 ; rest = 3,1,2,0: r = cov/sqrt(vx vy) = 1 / sqrt(1 * 5)
    assert math.isclose(insight.point_biserial([True, True, False, False], [3, 1, 2, 0]), 1 / math.sqrt(5))


@given(st.lists(st.one_of(st.none(), st.sampled_from(["A: x", "B: y", "C: z", ""])), max_size=50),
       st.integers(1, 5))
def test_top_failures_counts_and_order(messages, k):
    top = insight.top_failures(messages, k)
    assert len(top) <= k and sum(n for _, n in top) <= len(messages)
    assert [n for _, n in top] == sorted((n for _, n in top), reverse=True)
    everything = dict(insight.top_failures(messages, 10))
    assert sum(everything.values()) == len(messages)
    assert everything.get(insight.NO_MESSAGE, 0) == sum(not m for m in messages)


def test_top_failures_ties_in_text_order():
    assert insight.top_failures(["b", "a", "b", "a", "c"], 2) == [("a", 2), ("b", 2)]
    assert insight.top_failures([], 3) == []


def _result(student, cells, status="graded"):
    cs = [{"notebook": "nb", "name": n, "max_score": m, "auto_score": s, "error": e, "seconds": t,
           "needs_manual_grade": s is None} for n, m, s, e, t in cells]
    return GradeResult(student, "a1", 6.0, status=status, cells=cs,
                       score=sum(c["auto_score"] or 0 for c in cs))


def test_cell_stats_of_a_class_of_one_and_of_equal_scores():
    one = insight.cell_stats([_result("s1", [("t1", 2, 2.0, None, 0.5), ("t2", 3, 0.0, "E: no", 1.5),
                                             ("task", 1, None, None, None)])])
    assert [(s.name, s.n, s.got_it, s.discrimination, s.failures, s.seconds_mean) for s in one] == [
        ("t1", 1, 1.0, None, [], 0.5), ("t2", 1, 0.0, None, [("E: no", 1)], 1.5)]   # manual cell left out
    same = [_result(f"s{i}", [("t1", 2, 2.0, None, None), ("t2", 3, 3.0, None, None)]) for i in range(4)]
    assert all(s.got_it == 1.0 and s.discrimination is None and s.seconds_mean is None
               for s in insight.cell_stats(same))
    assert insight.cell_stats([]) == []
    assert insight.cell_stats([_result("x", [], status="invalid")]) == []


def test_cell_stats_counts_and_discrimination():
    rs = [_result("strong", [("t1", 2, 2.0, None, 1.0), ("t2", 3, 3.0, None, 2.0)]),
          _result("mid", [("t1", 2, 2.0, None, 1.0), ("t2", 3, 1.0, None, 4.0)]),
          _result("weak", [("t1", 2, 0.0, "AssertionError: add", 3.0), ("t2", 3, 0.0, "AssertionError: area", 3.0)]),
          _result("bad", [], status="invalid")]
    t1, t2 = insight.cell_stats(rs)
    assert (t1.n, t1.got_it, t1.seconds_mean, t1.seconds_max) == (3, 2 / 3, 5 / 3, 3.0)
    assert t1.failures == [("AssertionError: add", 1)]
    assert t1.discrimination == pytest.approx(insight.pearson([1, 1, 0], [3, 1, 0]))
    assert t2.got_it == 1 / 3 and t2.mean_fraction == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert t2.failures == [(insight.NO_MESSAGE, 1), ("AssertionError: area", 1)]   # a tie: text order


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 6))
def test_class_report_page_and_plot(tmp_path_factory, n):
    folder = tmp_path_factory.mktemp("rep")
    rs = [_result(f"s{i}", [("t1", 2, 2.0 * (i % 2), None if i % 2 else "E: x", 0.1)]) for i in range(n)]
    page = insight.write_class_report(rs + [_result("zz", [], status="invalid")], folder)
    text = page.read_text()
    assert "## a1" in text and f"{n + 1} submissions, {n} graded" in text and "| t1 | 2 |" in text
    assert (folder / "cells-a1.png").read_bytes()[:4] == b"\x89PNG"
