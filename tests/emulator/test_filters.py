"""Filter semantics: the compiled numpy masks (and the server) agree with the plain reference evaluator."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinecone_ops.emulator.exceptions import InvalidArgument
from pinecone_ops.emulator.storage import filters
from pinecone_ops.emulator.storage.store import NamespaceStore

FIELDS = ["genre", "year", "flag", "tags"]
WORDS = ["a", "b", "c", "d"]

# Any field may hold any allowed type, so cross-type comparisons are exercised too.
scalar = st.one_of(st.sampled_from(WORDS), st.integers(0, 4), st.sampled_from([0.5, 2.5]), st.booleans())
value = st.one_of(scalar, st.lists(st.sampled_from(WORDS), max_size=3, unique=True))
metadata = st.dictionaries(st.sampled_from(FIELDS), value, max_size=4)

filter_scalar = st.one_of(st.sampled_from(WORDS + ["zz"]), st.integers(0, 5), st.sampled_from([0.5, 2.5]),
                          st.booleans())
in_list = st.lists(st.one_of(st.sampled_from(WORDS + ["zz"]), st.integers(0, 5)), max_size=4)


def _field_ops():
    field = st.sampled_from(FIELDS + ["absent"])
    op = st.one_of(
        st.tuples(st.sampled_from(["$eq", "$ne"]), filter_scalar),
        st.tuples(st.sampled_from(["$gt", "$gte", "$lt", "$lte"]), st.sampled_from([0, 1, 2.5, 4])),
        st.tuples(st.sampled_from(["$in", "$nin"]), in_list),
        st.tuples(st.just("$exists"), st.booleans()),
    )
    implicit = st.builds(lambda f, v: {f: v}, field, filter_scalar)
    explicit = st.builds(lambda f, ops: {f: dict(ops)}, field, st.lists(op, min_size=1, max_size=2))
    return st.one_of(implicit, explicit)


filter_strategy = st.recursive(
    _field_ops(),
    lambda children: st.one_of(
        st.builds(lambda xs: {"$and": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda xs: {"$or": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda a, b: {**a, **b}, children, children),  # implicit AND of several keys
    ),
    max_leaves=6,
)


def _store(records: list[dict]) -> NamespaceStore:
    ns = NamespaceStore(2)
    ids = [f"r{i}" for i in range(len(records))]
    metas = [{k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in md.items()} or None
             for md in records]
    ns.upsert(ids, np.ones((len(ids), 2), np.float32), [None] * len(ids), metas, [10] * len(ids))
    return ns


def _selected(ns: NamespaceStore, filt: dict) -> set[str]:
    return {ns.ids[r] for r in filters.evaluate(filters.parse(filt), ns).nonzero()[0]}


@settings(max_examples=200, deadline=None)
@given(st.lists(metadata, min_size=1, max_size=25), filter_strategy, st.data())
def test_masks_match_reference(records, filt, data):
    ns = _store(records)
    # churn: delete some rows (swap-remove moves others) and overwrite some, as real traffic does
    doomed = data.draw(st.sets(st.integers(0, len(records) - 1), max_size=len(records) // 2))
    ns.delete([f"r{i}" for i in doomed])
    current = {f"r{i}": md for i, md in enumerate(records) if i not in doomed}
    rewrites = data.draw(st.lists(st.tuples(st.sampled_from(sorted(current) or ["r0"]), metadata), max_size=3))
    for rid, md in rewrites:
        ns.upsert([rid], np.ones((1, 2), np.float32), [None], [md or None], [10])
        current[rid] = md
    expected = {rid for rid, md in current.items() if filters.matches(filt, md)}
    assert _selected(ns, filt) == expected


def test_documented_list_semantics():
    ns = _store([{"genre": ["comedy", "documentary"]}, {"genre": "comedy"}, {"genre": "drama"}, {}])
    assert _selected(ns, {"genre": "comedy"}) == {"r0", "r1"}
    assert _selected(ns, {"genre": {"$in": ["documentary", "action"]}}) == {"r0"}
    assert _selected(ns, {"$and": [{"genre": "comedy"}, {"genre": "documentary"}]}) == {"r0"}
    assert _selected(ns, {"$and": [{"genre": "comedy"}, {"genre": "drama"}]}) == set()
    assert _selected(ns, {"genre": {"$ne": "comedy"}}) == {"r2", "r3"}
    assert _selected(ns, {"genre": {"$exists": False}}) == {"r3"}


def test_numbers_and_booleans_are_distinct_types():
    ns = _store([{"x": 1}, {"x": True}, {"x": "1"}])
    assert _selected(ns, {"x": 1}) == {"r0"}
    assert _selected(ns, {"x": True}) == {"r1"}
    assert _selected(ns, {"x": "1"}) == {"r2"}
    assert _selected(ns, {"x": {"$gte": 1}}) == {"r0"}


@pytest.mark.parametrize("bad", [[], {"$foo": 1}, {"a": {"$in": 3}}, {"a": {"$lt": True}}, {"a": [1]},
                                 {"$or": []}, {"a": {"$exists": "yes"}}, {"a": {"$in": [{"b": 1}]}}, "x"])
def test_parse_rejects(bad):
    with pytest.raises(InvalidArgument):
        filters.parse(bad)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(metadata, min_size=1, max_size=15), filter_strategy)
def test_server_query_matches_reference(make_index_once, records, filt):
    """End to end: the SDK's filtered query returns exactly the records the reference selects."""
    idx = make_index_once
    idx.delete(delete_all=True, namespace="p")
    idx.upsert(vectors=[{"id": f"r{i}", "values": [1.0, 0.5], **({"metadata": md} if md else {})}
                        for i, md in enumerate(records)], namespace="p")
    got = {m.id for m in idx.query(vector=[1.0, 0.5], top_k=100, namespace="p", filter=filt).matches}
    assert got == {f"r{i}" for i, md in enumerate(records) if filters.matches(filt, md)}


@pytest.fixture
def make_index_once(make_index):
    idx = make_index("filters", dimension=2)
    idx.create_namespace(name="p")  # delete_all on a namespace that never existed is a 404
    return idx
