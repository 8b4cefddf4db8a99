"""Upsert / query / fetch round trip through the official SDK (the base every exercise needs)."""
from __future__ import annotations


def test_upsert_query_fetch(make_index):
    idx = make_index("basic", dimension=2)
    assert idx.upsert(vectors=[("a", [1.0, 0.0], {"genre": "drama"}), ("b", [0.0, 1.0], {"genre": "comedy"})],
                      namespace="ns").upserted_count == 2
    res = idx.query(vector=[1.0, 0.1], top_k=2, namespace="ns", include_metadata=True)
    assert [m.id for m in res.matches] == ["a", "b"]
    assert res.matches[0].metadata == {"genre": "drama"}
    assert res.usage.read_units == 1
    got = idx.fetch(ids=["b", "missing"], namespace="ns")
    assert list(got.vectors) == ["b"] and got.vectors["b"].values == [0.0, 1.0]
