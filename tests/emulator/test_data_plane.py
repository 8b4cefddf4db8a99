"""Every vectors-API operation through the official SDK over HTTP, checked against numpy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

RNG = np.random.default_rng(7)


def _vectors(n: int, dim: int, rng=RNG) -> np.ndarray:
    return rng.normal(size=(n, dim)).astype(np.float32)


def _expected(metric: str, data: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Pinecone's score definitions (euclidean = squared L2 distance, smaller is closer)."""
    d = data.astype(np.float64)
    qq = q.astype(np.float64)
    if metric == "cosine":
        return d @ qq / (np.linalg.norm(d, axis=1) * np.linalg.norm(qq))
    if metric == "dotproduct":
        return d @ qq
    return ((d - qq) ** 2).sum(axis=1)


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "dotproduct"])
def test_scores_and_order_match_numpy(make_index, metric):
    data = _vectors(300, 8)
    idx = make_index(f"m-{metric}", dimension=8, metric=metric)
    idx.upsert(vectors=[(f"v{i}", row.tolist()) for i, row in enumerate(data)], batch_size=100)
    for q in _vectors(5, 8):
        res = idx.query(vector=q.tolist(), top_k=10)
        exp = _expected(metric, data, q)
        order = np.argsort(exp if metric == "euclidean" else -exp, kind="stable")[:10]
        got_scores = np.array([m.score for m in res.matches])
        np.testing.assert_allclose(got_scores, exp[order], rtol=1e-4, atol=1e-4)
        # ids agree up to float ties
        assert [m.id for m in res.matches][:3] == [f"v{i}" for i in order[:3]]


def test_upsert_forms_tuples_dicts_batch_and_dataframe(make_index):
    idx = make_index("forms", dimension=3, hybrid=True)
    idx.upsert(vectors=[("t2", [1, 0, 0]), ("t3", [0, 1, 0], {"k": "v"})])
    idx.upsert(vectors=[{"id": "d1", "values": [0, 0, 1], "metadata": {"n": 3}},
                        {"id": "h1", "values": [1, 1, 1], "sparse_values": {"indices": [5, 9], "values": [0.5, 0.25]}}])
    resp = idx.upsert(vectors=[(f"b{i}", [1.0, float(i), 0.0]) for i in range(25)], batch_size=10)
    assert resp.upserted_count == 25
    df = pd.DataFrame({"id": [f"df{i}" for i in range(7)], "values": [[0.5, 0.5, float(i)] for i in range(7)],
                       "metadata": [{"i": i} for i in range(7)]})
    assert idx.upsert_from_dataframe(df, namespace="frame", batch_size=3).upserted_count == 7
    got = idx.fetch(ids=["t3", "d1", "h1"])
    assert got.vectors["t3"].metadata == {"k": "v"}
    assert got.vectors["d1"].metadata == {"n": 3.0}  # numbers come back as floats, as on Pinecone
    assert got.vectors["h1"].sparse_values.indices == [5, 9]
    assert got.vectors["h1"].sparse_values.values == [0.5, 0.25]
    stats = idx.describe_index_stats()
    assert stats.namespaces["__default__"].vector_count == 29
    assert stats.namespaces["frame"].vector_count == 7 and stats.total_vector_count == 36
    assert (stats.dimension, stats.metric, stats.vector_type, stats.index_fullness) == (3, "dotproduct", "dense", 0.0)


def test_query_by_id_include_flags_and_namespace(make_index):
    idx = make_index("qid", dimension=2)
    idx.upsert(vectors=[("a", [1, 0], {"g": "x"}), ("b", [0.9, 0.1]), ("c", [0, 1])], namespace="n1")
    res = idx.query(id="a", top_k=2, namespace="n1", include_values=True, include_metadata=True)
    assert [m.id for m in res.matches] == ["a", "b"]
    assert res.matches[0].values == [1.0, 0.0] and res.matches[0].metadata == {"g": "x"}
    assert res.namespace == "n1"
    bare = idx.query(id="a", top_k=1, namespace="n1")
    assert bare.matches[0].values == [] and bare.matches[0].metadata is None
    assert idx.query(id="zzz", top_k=3, namespace="n1").matches == []
    assert idx.query(vector=[1, 0], top_k=3, namespace="other").matches == []


def test_sparse_index_and_hybrid_scores(make_index):
    sp = make_index("sparse", vector_type="sparse")
    sp.upsert(vectors=[{"id": "s1", "sparse_values": {"indices": [1, 4], "values": [1.0, 2.0]}},
                       {"id": "s2", "sparse_values": {"indices": [4, 7], "values": [0.5, 3.0]}},
                       {"id": "s3", "sparse_values": {"indices": [9], "values": [1.0]}}])
    res = sp.query(sparse_vector={"indices": [4, 7], "values": [1.0, 1.0]}, top_k=3)
    assert [(m.id, round(m.score, 5)) for m in res.matches] == [("s2", 3.5), ("s1", 2.0), ("s3", 0.0)]
    by_id = sp.query(id="s1", top_k=1)
    assert by_id.matches[0].id == "s1" and by_id.matches[0].score == pytest.approx(5.0)
    assert sp.describe_index_stats().vector_type == "sparse"

    hy = make_index("hybrid", dimension=2, hybrid=True)
    hy.upsert(vectors=[{"id": "h1", "values": [1, 0], "sparse_values": {"indices": [3], "values": [2.0]}},
                       {"id": "h2", "values": [0, 2], "sparse_values": {"indices": [8], "values": [1.0]}}])
    res = hy.query(vector=[1, 1], sparse_vector={"indices": [3, 8], "values": [0.5, 4.0]}, top_k=2)
    assert [(m.id, m.score) for m in res.matches] == [("h2", pytest.approx(6.0)), ("h1", pytest.approx(2.0))]


def test_update_by_id_and_by_filter(make_index):
    idx = make_index("upd", dimension=2, hybrid=True)
    idx.upsert(vectors=[("a", [1, 0], {"g": "x", "n": 1}), ("b", [0, 1], {"g": "y"}), ("c", [1, 1], {"g": "x"})])
    idx.update(id="a", values=[0.5, 0.5], set_metadata={"n": 2, "new": True})
    idx.update(id="b", sparse_values={"indices": [1], "values": [0.5]})
    idx.update(id="missing", set_metadata={"k": "v"})  # no-op, 200
    got = idx.fetch(ids=["a", "b"])
    assert got.vectors["a"].values == [0.5, 0.5]
    assert got.vectors["a"].metadata == {"g": "x", "n": 2.0, "new": True}
    assert got.vectors["b"].sparse_values.indices == [1]
    dry = idx.update(filter={"g": "x"}, set_metadata={"flag": "on"}, dry_run=True)
    assert dry.matched_records == 2
    assert "flag" not in idx.fetch(ids=["c"]).vectors["c"].metadata
    wet = idx.update(filter={"g": "x"}, set_metadata={"flag": "on"})
    assert wet.matched_records == 2
    assert idx.fetch(ids=["c"]).vectors["c"].metadata["flag"] == "on"
    assert idx.query(vector=[1, 1], top_k=5, filter={"flag": "on"}).matches[0].id in {"a", "c"}


def test_delete_ids_all_filter(make_index):
    from pinecone import NotFoundError

    idx = make_index("del", dimension=2)
    idx.upsert(vectors=[(f"v{i}", [1, i], {"even": i % 2 == 0}) for i in range(10)], namespace="n")
    idx.delete(ids=["v0", "v1", "nope"], namespace="n")
    assert idx.describe_index_stats().namespaces["n"].vector_count == 8
    idx.delete(filter={"even": True}, namespace="n")
    assert sorted(v.id for p in idx.list(namespace="n") for v in p.vectors) == ["v3", "v5", "v7", "v9"]
    # the remaining rows still answer queries correctly after swap-removes
    res = idx.query(vector=[1, 9], top_k=1, namespace="n", include_metadata=True)
    assert res.matches[0].id == "v9" and res.matches[0].metadata == {"even": False}
    idx.delete(delete_all=True, namespace="n")
    assert idx.describe_index_stats().total_vector_count == 0
    idx.delete(ids=["x"])  # the default namespace always exists
    with pytest.raises(NotFoundError):
        idx.delete(ids=["x"], namespace="never-created")


def test_list_paginated_sorted_prefix_token(make_index):
    idx = make_index("lst", dimension=2)
    ids = [f"doc{i:03d}#chunk{j}" for i in range(30) for j in range(5)] + ["other1", "other2"]
    RNG.shuffle(ids)
    for start in range(0, len(ids), 100):
        idx.upsert(vectors=[(i, [1, 1]) for i in ids[start:start + 100]])
    page = idx.list_paginated(prefix="doc00", limit=7)
    assert [v.id for v in page.vectors] == sorted(i for i in ids if i.startswith("doc00"))[:7]
    assert page.pagination and page.pagination.next
    page2 = idx.list_paginated(prefix="doc00", limit=7, pagination_token=page.pagination.next)
    assert [v.id for v in page2.vectors] == sorted(i for i in ids if i.startswith("doc00"))[7:14]
    everything = [v.id for p in idx.list(limit=100) for v in p.vectors]
    assert everything == sorted(ids)
    assert [v.id for p in idx.list(prefix="doc012#") for v in p.vectors] == [f"doc012#chunk{j}" for j in range(5)]
    assert idx.list_paginated(prefix="zzz").vectors == []


def test_fetch_by_metadata_pagination(make_index):
    idx = make_index("fbm", dimension=2)
    idx.upsert(vectors=[(f"r{i:02d}", [1, i], {"year": 1990 + i}) for i in range(30)])
    first = idx.fetch_by_metadata(filter={"year": {"$gte": 2000}}, limit=12)
    assert sorted(first.vectors) == [f"r{i:02d}" for i in range(10, 22)]
    rest = idx.fetch_by_metadata(filter={"year": {"$gte": 2000}}, limit=12,
                                 pagination_token=first.pagination.next)
    assert sorted(rest.vectors) == [f"r{i:02d}" for i in range(22, 30)] and rest.pagination is None
    assert first.usage.read_units == 2  # 12 records → 2 RU


def test_namespaces_api_and_query_namespaces(make_index):
    from pinecone import ConflictError, NotFoundError

    idx = make_index("nss", dimension=2, metric="cosine")
    idx.upsert(vectors=[("a1", [1, 0]), ("a2", [0.5, 0.5])], namespace="tenant-a")
    idx.upsert(vectors=[("b1", [0.9, 0.1])], namespace="tenant-b")
    idx.create_namespace(name="tenant-c")
    with pytest.raises(ConflictError):
        idx.create_namespace(name="tenant-c")
    assert idx.describe_namespace(name="tenant-a").record_count == 2
    names = [n.name for page in idx.list_namespaces() for n in page.namespaces]
    assert names == ["tenant-a", "tenant-b", "tenant-c"]
    page = idx.list_namespaces_paginated(limit=2)
    assert [n.name for n in page.namespaces] == ["tenant-a", "tenant-b"] and page.pagination.next
    merged = idx.query_namespaces(vector=[1, 0], namespaces=["tenant-a", "tenant-b"], metric="cosine", top_k=2)
    assert [m.id for m in merged.matches] == ["a1", "b1"]
    idx.delete_namespace(name="tenant-b")
    with pytest.raises(NotFoundError):
        idx.describe_namespace(name="tenant-b")
    assert "tenant-b" not in idx.describe_index_stats().namespaces


def test_response_headers_request_id_and_lsn(make_index):
    idx = make_index("hdr", dimension=2)
    up = idx.upsert(vectors=[("a", [1, 0])])
    q = idx.query(vector=[1, 0], top_k=1)
    assert q.response_info.request_id and q.response_info.request_id != up.response_info.request_id
    assert q.response_info.lsn_committed >= 1 and q.response_info.lsn_reconciled >= 1


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "dotproduct"])
def test_filtered_scores_equal_unfiltered_scores(make_index, metric):
    """The filtered path (mask, then scan the subset) scores exactly like the full scan."""
    data = _vectors(200, 16)
    idx = make_index(f"f-{metric}", dimension=16, metric=metric)
    idx.upsert(vectors=[(f"v{i}", row.tolist(), {"part": i % 7}) for i, row in enumerate(data)], batch_size=100)
    q = _vectors(1, 16)[0].tolist()
    full = {m.id: m.score for m in idx.query(vector=q, top_k=200).matches}
    sub = idx.query(vector=q, top_k=200, filter={"part": 3}).matches
    assert {m.id for m in sub} == {f"v{i}" for i in range(200) if i % 7 == 3}
    for m in sub:
        assert m.score == pytest.approx(full[m.id], rel=1e-5, abs=1e-5)


def test_async_client_talks_to_the_same_server(make_index):
    import asyncio

    from pinecone import PineconeAsyncio

    idx = make_index("aio", dimension=2)
    idx.upsert(vectors=[("a", [1, 0]), ("b", [0, 1])])

    async def main():
        async with PineconeAsyncio(api_key="pclocal") as pc, pc.IndexAsyncio(host=idx.host) as aidx:
            await aidx.upsert(vectors=[("c", [1, 1])])
            return await aidx.query(vector=[1, 0.1], top_k=1)

    assert asyncio.run(main()).matches[0].id == "a"
    assert idx.describe_index_stats().total_vector_count == 3
