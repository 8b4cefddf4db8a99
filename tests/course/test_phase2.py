"""Phase 2 graded by real nbgrader: solution, blank, a different correct solution, typical mistakes."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASE = "phase2"

ALTERNATIVE = {
    "make_client": '''
import os
from pinecone import Pinecone

def make_client():
    key = os.getenv("PINECONE_API_KEY")
    if key is None or not key.strip():
        raise EnvironmentError("Set the PINECONE_API_KEY environment variable (export PINECONE_API_KEY=...)")
    return Pinecone(api_key=key.strip())
''',
    "create_movie_index": '''
from pinecone import ServerlessSpec

def create_movie_index(pc, name):
    try:
        pc.create_index(name, dimension=384, metric="cosine", tags={"env": "dev", "project": "movie-recs"},
                        spec=ServerlessSpec(region="us-east-1", cloud="aws"))
    except Exception as exc:
        if getattr(exc, "status_code", None) != 409:
            raise
    return pc.describe_index(name)
''',
    "batches": '''
def batches(records, max_records=1000, max_bytes=2_000_000):
    records = list(records)
    start = 0
    while start < len(records):
        end, used = start, 0
        while end < len(records) and end - start < max_records:
            size = course.record_bytes(records[end])
            if size > max_bytes:
                raise ValueError("record too large for one request")
            if used + size > max_bytes:
                break
            used += size
            end += 1
        yield records[start:end]
        start = end
''',
    "movie_records": '''
def movie_records(df, vectors):
    out = []
    for i, row in enumerate(df.to_dict("records")):
        meta = {}
        for key, cast in (("title", str), ("year", int), ("rating", float), ("votes", int), ("mpaa", str)):
            if not pd.isna(row[key]):
                meta[key] = cast(row[key])
        if len(row["genres"]) > 0:
            meta["genres"] = list(map(str, row["genres"]))
        out.append({"id": row["id"], "values": vectors[i].tolist(), "metadata": meta})
    return out
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None):
    vec = index.fetch(ids=[movie_id]).vectors[movie_id].values
    flt = {}
    if genre:
        flt["genres"] = genre
    if min_year:
        flt["year"] = {"$gte": min_year}
    matches = index.query(vector=vec, top_k=k + 1, filter=flt or None).matches
    ids = [m.id for m in matches if m.id != movie_id]
    return ids[:k]
''',
    "remove_movies": '''
def remove_movies(index, ids):
    ids = sorted(set(ids))
    present = []
    for i in range(0, len(ids), 100):
        present += list(index.fetch(ids=ids[i:i + 100]).vectors)
    for i in range(0, len(present), 1000):
        index.delete(ids=present[i:i + 1000])
    return len(present)
''',
}

# Mistakes that keep the notebook running (each loses its own exercise's points only).
MISTAKES = {
    "make_client": '''
import os
from pinecone import Pinecone

def make_client():
    return Pinecone(api_key=os.environ["PINECONE_API_KEY"])   # bare KeyError when missing
''',
    "create_movie_index": '''
from pinecone import ServerlessSpec

def create_movie_index(pc, name):
    if not pc.has_index(name):
        pc.create_index(name=name, dimension=384, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    return pc.describe_index(name)                          # forgot the tags
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None):
    res = index.query(id=movie_id, top_k=200, include_metadata=True)   # filters in Python
    out = []
    for m in res.matches:
        if m.id == movie_id:
            continue
        if genre and genre not in m.metadata.get("genres", []):
            continue
        if min_year and m.metadata.get("year", 0) < min_year:
            continue
        out.append(m.id)
    return out[:k]
''',
    "remove_movies": '''
def remove_movies(index, ids):
    for i in range(0, len(ids), 1000):
        index.delete(ids=ids[i:i + 1000])
    return len(ids)                                          # counts missing and duplicate ids
''',
}
# Mistakes in the data path. Pinecone drops null metadata values silently (SDK 10 documents it; the
# local Pinecone does the same), so these records still load: only the checks of the data path itself
# (test_batches, test_movie_records) can catch the silent loss.
MISTAKES_2 = {
    "batches": '''
def batches(records, max_records=1000, max_bytes=2_000_000):
    records = list(records)
    for i in range(0, len(records), max_records):            # ignores the 2 MB limit
        yield records[i:i + max_records]
''',
    "movie_records": '''
def movie_records(df, vectors):
    out = []
    for (_, row), vec in zip(df.iterrows(), vectors):
        meta = {"title": row["title"], "year": int(row["year"]), "rating": float(row["rating"]),
                "votes": int(row["votes"]), "genres": list(row["genres"]),
                "mpaa": None if pd.isna(row["mpaa"]) else row["mpaa"]}     # null metadata
        out.append({"id": row["id"], "values": vec.tolist(), "metadata": meta})
    return out
''',
}


class TestPhase2(PhaseContract):
    PHASE = PHASE
    STUDENTS = {"alternative": ALTERNATIVE, "mistakes": MISTAKES, "mistakes2": MISTAKES_2}
    MAX_TOTAL = 14

    def test_typical_mistakes_lose_their_points(self, run):
        s = run.scores("mistakes")
        assert s == {"test_make_client": 0, "test_create_movie_index": 0, "test_batches": 3, "test_movie_records": 2,
                     "test_loaded": 1, "test_recommend": 0, "test_remove_movies": 0}, s
        s2 = run.scores("mistakes2")
        assert s2["test_batches"] == 0 and s2["test_movie_records"] == 0, s2
        assert s2["test_loaded"] == 1, s2  # the load succeeds: the nulls were dropped without a word
        assert s2["test_make_client"] == 1 and s2["test_create_movie_index"] == 2, s2
