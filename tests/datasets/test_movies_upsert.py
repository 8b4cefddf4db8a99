"""The films go into the local Pinecone through the official SDK and come back as numpy says."""
from __future__ import annotations

import numpy as np

from pinecone_ops import datasets as ds

N = 1_000


def test_upsert_films_and_query_by_text_with_a_genre_filter(make_index, movies, vectors):
    index = make_index("films", dimension=ds.DIMENSION, metric="cosine")
    recs = ds.records(limit=N)
    for start in range(0, N, 200):
        index.upsert(vectors=recs[start:start + 200])
    assert index.describe_index_stats().total_vector_count == N

    q = ds.query_vectors()[ds.query_texts().index("a funny animated film for kids")]
    res = index.query(vector=q.tolist(), top_k=5, filter={"genres": "Comedy"}, include_metadata=True)

    comedy = np.flatnonzero(["Comedy" in g for g in movies["genres"].head(N)])
    expected = movies["id"].iloc[comedy[np.argsort(-(vectors[comedy] @ q))[:5]]].tolist()
    assert [m.id for m in res.matches] == expected
    assert all("Comedy" in m.metadata["genres"] for m in res.matches)
    top = res.matches[0].metadata
    assert {"title", "year", "rating", "votes", "length"} <= set(top)
