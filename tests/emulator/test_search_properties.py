"""Property tests: exact top-k and list pagination agree with plain Python/numpy references."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinecone_ops.emulator.control import indexes
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import Backend
from pinecone_ops.emulator.vectors import records


def _index(metric: str, dim: int):
    backend = Backend()
    idx = indexes.create_index(backend, name="p", dimension=dim, metric=metric, vector_type="dense",
                               deployment={"deployment_type": "managed"}, schema_fields={})
    return backend, idx


@settings(max_examples=150, deadline=None)
@given(metric=st.sampled_from(["cosine", "euclidean", "dotproduct"]), dim=st.integers(1, 12),
       n=st.integers(1, 60), top_k=st.integers(1, 80), seed=st.integers(0, 2**32 - 1),
       deletes=st.integers(0, 20))
def test_top_k_is_exact(metric, dim, n, top_k, seed, deletes):
    rng = np.random.default_rng(seed)
    data = rng.integers(-5, 6, size=(n, dim)).astype(np.float32)  # small integers: ties happen
    data[np.all(data == 0, axis=1), 0] = 1  # Pinecone rejects all-zero dense vectors
    backend, idx = _index(metric, dim)
    records.upsert(backend, idx, {"vectors": [{"id": f"v{i}", "values": r.tolist()} for i, r in enumerate(data)]},
                     RequestRecord("upsert"))
    gone = set(rng.choice(n, size=min(deletes, n - 1), replace=False).tolist()) if n > 1 else set()
    if gone:
        records.delete(backend, idx, {"ids": [f"v{i}" for i in gone]}, RequestRecord("delete"))
    q = rng.normal(size=dim).astype(np.float32)
    res = records.query(backend, idx, {"topK": top_k, "vector": q.tolist()}, RequestRecord("query"))
    live = [i for i in range(n) if i not in gone]
    d = data[live].astype(np.float64)
    if metric == "cosine":
        ref = d @ q / (np.linalg.norm(d, axis=1) * np.linalg.norm(q))
    elif metric == "dotproduct":
        ref = d @ q
    else:
        ref = ((d - q) ** 2).sum(axis=1)
    got = [(m["id"], float(m["score"])) for m in res["matches"]]
    assert len(got) == min(top_k, len(live))
    scores = [s for _, s in got]
    # ordered best first
    assert scores == sorted(scores, reverse=metric != "euclidean")
    # the k-th best score matches the reference, and every returned score is the record's true score
    want = np.sort(ref)[: len(got)] if metric == "euclidean" else np.sort(ref)[::-1][: len(got)]
    np.testing.assert_allclose(scores, want, rtol=1e-4, atol=1e-4)
    true = {f"v{i}": ref[j] for j, i in enumerate(live)}
    for rid, s in got:
        assert abs(true[rid] - s) <= 1e-4 * max(1.0, abs(s))


ids_strategy = st.lists(st.text(alphabet="abc#-01", min_size=1, max_size=6), min_size=1, max_size=60, unique=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=ids_strategy, prefix=st.text(alphabet="abc#", max_size=2), limit=st.integers(1, 100))
def test_list_pages_through_the_sdk(list_index, ids, prefix, limit):
    idx = list_index
    idx.delete(delete_all=True, namespace="l")
    idx.upsert(vectors=[(i, [1.0, 1.0]) for i in ids], namespace="l")
    pages = list(idx.list(prefix=prefix or None, limit=limit, namespace="l"))
    assert all(len(p.vectors) <= limit for p in pages)
    assert [v.id for p in pages for v in p.vectors] == sorted(i for i in ids if i.startswith(prefix))


@settings(max_examples=40, deadline=None)
@given(ids=ids_strategy, prefix=st.text(alphabet="abc#", max_size=2), limit=st.integers(1, 100))
def test_list_pages_in_process(ids, prefix, limit):
    backend, idx = _index("cosine", 2)
    records.upsert(backend, idx, {"vectors": [{"id": i, "values": [1.0, 1.0]} for i in ids]}, RequestRecord("u"))
    seen, token = [], None
    while True:
        params = {"prefix": prefix, "limit": str(limit), **({"paginationToken": token} if token else {})}
        page = records.list_ids(backend, idx, params, RequestRecord("list"))
        seen += [v["id"] for v in page["vectors"]]
        token = (page.get("pagination") or {}).get("next")
        if not token:
            break
    assert seen == sorted(i for i in ids if i.startswith(prefix))


@pytest.fixture
def list_index(make_index):
    idx = make_index("lists", dimension=2)
    idx.create_namespace(name="l")
    return idx
