"""Hidden checks for phase 2 (Getting started ★ movie recommendation index)."""
from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from autograder.checks.common import (
    client,
    env_var,
    expect,
    fresh_name,
    log_available,
    property_test_imports,
    raises,
    set_options,
    watch,
)

TAGS = {"project": "movie-recs", "env": "dev"}


def check_make_client(make_client) -> None:
    """Key from the environment (not hard-coded), a clear error naming the variable when missing."""
    with env_var("PINECONE_API_KEY", None):
        exc = raises(make_client)
    expect(exc is not None, "make_client() must fail when PINECONE_API_KEY is not set (it returned a client)")
    msg = str(exc)
    expect("PINECONE_API_KEY" in msg and len(msg) > len("'PINECONE_API_KEY'") + 5,
           f"When the key is missing, the error must name PINECONE_API_KEY and say how to set it; the "
           f"message was {msg!r} (a bare KeyError is not a clear message)")
    with env_var("PINECONE_API_KEY", "   "):
        exc = raises(make_client)
    expect(exc is not None, "An empty or blank PINECONE_API_KEY is as good as none: make_client() must fail")
    with env_var("PINECONE_API_KEY", "pclocal-grader-key-2"):
        pc = make_client()
        key = getattr(getattr(pc, "config", None), "api_key", None)
        expect(key == "pclocal-grader-key-2", "make_client() must use the key in PINECONE_API_KEY, not one "
               "written in the notebook (never put keys in notebooks: they end up in git and in shared files)")
        list(pc.indexes.list())


def check_create_movie_index(create_movie_index) -> None:
    """A new name: serverless aws/us-east-1, 384-d cosine, the tags, ready when returned; idempotent."""
    pc = client()
    name = fresh_name("chk-movies")
    lagged = set_options(index_init_ms=1500)  # the index stays Initializing for 1.5 s
    try:
        create_movie_index(pc, name)
        expect(pc.has_index(name), f"create_movie_index(pc, {name!r}) did not create an index named {name!r}")
        d = pc.describe_index(name)
        expect(d.status.ready, "create_movie_index must wait until the index is ready before returning "
               "(the SDK's create_index blocks by default; do not pass timeout=-1)" if lagged else
               "the index is not ready")
        expect(d.dimension == 384, f"the films' embeddings are 384-d (all-MiniLM-L6-v2); index has {d.dimension}")
        expect(d.metric == "cosine", f"use metric='cosine' for these sentence embeddings, not {d.metric!r}")
        serverless = getattr(d.spec, "serverless", None)
        expect(serverless is not None, "create a serverless index (ServerlessSpec), not a pod index")
        expect((serverless.cloud, serverless.region) == ("aws", "us-east-1"),
               f"use ServerlessSpec(cloud='aws', region='us-east-1'), got {serverless.cloud}/{serverless.region}")
        tags = dict(d.tags or {})
        missing = {k: v for k, v in TAGS.items() if tags.get(k) != v}
        expect(not missing, f"the index needs the tags {TAGS}; missing or wrong: {missing}")
        exc = raises(create_movie_index, pc, name)
        expect(exc is None, f"calling create_movie_index again with an existing name must not fail "
               f"(check pc.has_index first); it raised {exc!r}")
    finally:
        if lagged:
            set_options(index_init_ms=0)
        if pc.has_index(name):
            pc.delete_index(name)


def _rec(i: int, dim: int, meta_len: int) -> dict:
    rec = {"id": f"r{i}", "values": [0.5] * dim}
    if meta_len:
        rec["metadata"] = {"text": "x" * meta_len}
    return rec


def check_batches(batches, record_bytes) -> None:
    """Property test: order kept, nothing lost, both limits, greedy (no needless extra requests)."""
    HealthCheck, given, settings, st = property_test_imports()

    expect(list(batches([])) == [], "batches([]) must yield nothing (not an empty batch)")

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(sizes=st.lists(st.tuples(st.integers(1, 64), st.integers(0, 400)), max_size=60),
           max_records=st.integers(1, 12), max_bytes=st.integers(1_700, 3_000))
    def prop(sizes, max_records, max_bytes):
        recs = [_rec(i, d, m) for i, (d, m) in enumerate(sizes)]
        out = [list(b) for b in batches(recs, max_records=max_records, max_bytes=max_bytes)]
        flat = [r["id"] for b in out for r in b]
        expect(flat == [r["id"] for r in recs], "batches must yield every record exactly once, in order")
        for b in out:
            expect(b, "batches yielded an empty batch (an upsert needs at least one record)")
            expect(len(b) <= max_records, f"a batch has {len(b)} records; the limit was {max_records}")
            size = sum(record_bytes(r) for r in b)
            expect(size <= max_bytes, f"a batch holds {size} bytes; the limit was {max_bytes}")
        for a, b in pairwise(out):
            fits = len(a) < max_records and sum(record_bytes(r) for r in a) + record_bytes(b[0]) <= max_bytes
            expect(not fits, "a batch was closed although the next record still fit: every extra request costs "
                   "at least 5 WU, so fill each batch as far as both limits allow")

    prop()
    big = [_rec(0, 10, 5_000)]
    expect(raises(lambda: list(batches(big, max_records=10, max_bytes=2_000))) is not None,
           "a single record larger than max_bytes can never be sent: raise an error instead of yielding it")
    defaults = [_rec(i, 384, 900) for i in range(2_500)]  # about 2.45 KB each: the 2 MB limit binds first
    fit, total = 0, 0
    for r in defaults:
        total += record_bytes(r)
        if total > 2_000_000:
            break
        fit += 1
    sizes = [len(b) for b in batches(defaults)]
    expect(sizes[0] == fit and sum(sizes) == 2_500, f"with the defaults (1,000 records, 2,000,000 bytes) "
           f"these ~2.45 KB records go {fit} to the first batch; got batches of {sizes[:4]}...")


def _tricky_frame():
    import pandas as pd

    df = pd.DataFrame({
        "id": ["movie-1", "movie-2", "movie-3"],
        "title": ["Alpha", "Beta", "Gamma"],
        "year": np.array([1994, 2001, 1972], dtype="int64"),
        "rating": [8.1, float("nan"), 6.0],
        "votes": np.array([1200, 55, 9], dtype="int64"),
        "genres": [["Drama"], [], ["Comedy", "Romance"]],
        "mpaa": pd.array(["R", pd.NA, None], dtype="string"),
        "budget": pd.array([1_000_000, pd.NA, 20_000], dtype="Int64"),
    })
    return df


def _clean(value) -> bool:
    if isinstance(value, (bool, str)):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value) and type(value) in (int, float)
    if isinstance(value, list):
        return all(type(v) is str for v in value)
    return False


def check_movie_records(movie_records) -> None:
    """Films with missing values become records Pinecone accepts: no nulls, plain Python types."""
    df = _tricky_frame()
    vecs = np.arange(3 * 4, dtype="float32").reshape(3, 4) / 10
    recs = movie_records(df, vecs)
    expect(len(recs) == 3, f"one record per film: expected 3, got {len(recs)}")
    for rec, (_, row), vec in zip(recs, df.iterrows(), vecs, strict=True):   # 3 each, checked above
        expect(rec["id"] == row["id"], f"record ids must be the films' ids ({row['id']!r}), got {rec['id']!r}")
        vals = list(rec["values"])
        expect(len(vals) == 4 and np.allclose(vals, vec), f"{row['id']}: values must be that film's vector")
        meta = rec.get("metadata") or {}
        for key, value in meta.items():
            expect(value is not None, f"{row['id']}: metadata {key!r} is None; Pinecone has no null: leave the "
                   "key out")
            expect(_clean(value), f"{row['id']}: metadata {key!r} = {value!r} ({type(value).__name__}) is not "
                   "a plain str, int, float, bool or list of str (NaN and numpy/pandas types do not belong)")
    m1, m2, m3 = (r.get("metadata") or {} for r in recs)
    expect(m1.get("title") == "Alpha" and m1.get("year") == 1994 and m1.get("genres") == ["Drama"]
           and m1.get("mpaa") == "R" and m1.get("rating") == 8.1 and m1.get("votes") == 1200,
           f"movie-1 should keep title, year, rating, votes, genres and mpaa; got {m1}")
    expect("rating" not in m2 and "mpaa" not in m2, f"movie-2 has no rating and no MPAA rating: leave those keys "
           f"out (got {m2})")
    expect("genres" not in m2 or m2["genres"] == [], f"movie-2 has no genres; got {m2.get('genres')!r}")
    expect("mpaa" not in m3, f"movie-3's MPAA rating is missing (None): leave it out; got {m3.get('mpaa')!r}")
    expect(m3.get("genres") == ["Comedy", "Romance"], f"genres must stay a list of strings; got {m3.get('genres')}")


def check_loaded(index, n_expected: int, records_sample: list[dict]) -> None:
    """The films index holds the films (stats), with the metadata as built (fetch of a sample)."""
    stats = index.describe_index_stats()
    expect(stats.total_vector_count == n_expected, f"the index should hold {n_expected} films; stats say "
           f"{stats.total_vector_count}")
    got = index.fetch(ids=[r["id"] for r in records_sample]).vectors
    for r in records_sample:
        expect(r["id"] in got, f"{r['id']} is missing from the index")
        meta = dict(got[r["id"]].metadata or {})
        expect(meta.get("title") == r["metadata"].get("title"), f"{r['id']}: stored metadata differs from the "
               "record built for it")


def _truth(vectors: np.ndarray, ids: list[str], meta: list[dict], movie_id: str, k: int, genre, min_year):
    qi = ids.index(movie_id)
    scores = vectors @ vectors[qi]
    keep = [i for i in range(len(ids)) if i != qi
            and (genre is None or genre in meta[i].get("genres", []))
            and (min_year is None or meta[i].get("year", -1) >= min_year)]
    keep.sort(key=lambda i: -scores[i])
    return [ids[i] for i in keep[:k]], {ids[i]: float(scores[i]) for i in keep}


def check_recommend(recommend, index, vectors: np.ndarray, records: list[dict]) -> None:
    """Exact ground truth on unseen films and filters; one filtered query per call in the request log."""
    ids = [r["id"] for r in records]
    meta = [r.get("metadata", {}) for r in records]
    cases = [(ids[17], 7, None, None), (ids[3], 4, "Comedy", None), (ids[250], 6, None, 2000),
             (ids[41], 5, "Drama", 1995), (ids[8], 3, "Animation", 1990), (ids[99], 2, "Romance", None)]
    for movie_id, k, genre, min_year in cases:
        want, scores = _truth(vectors, ids, meta, movie_id, k, genre, min_year)
        with watch(index=None) as log:
            got = list(recommend(index, movie_id, k, genre=genre, min_year=min_year))
        call = f"recommend(index, {movie_id!r}, {k}, genre={genre!r}, min_year={min_year!r})"
        expect(movie_id not in got, f"{call} recommended the film itself")
        expect(len(got) == len(want), f"{call} should return {len(want)} ids, got {len(got)}")
        for g in got:
            expect(g in scores, f"{call} returned {g!r}, which does not pass the filter"
                   + (f" (genre {genre!r})" if genre else "") + (f" (year ≥ {min_year})" if min_year else ""))
        tol = 1e-4  # ties within float noise may come in either order
        kth = scores[want[-1]] if want else 1.0
        expect(all(scores[g] >= kth - tol for g in got), f"{call} did not return the {k} most similar films: "
               f"expected {want}, got {got}")
        if log_available():
            queries = [e for e in log if e.get("operation") == "query"]
            expect(len(queries) == 1, f"{call} made {len(queries)} queries; one query does it (query by id with "
                   "top_k=k+1, then drop the film itself)")
            q = queries[0]["params"]
            if genre or min_year:
                expect(q.get("has_filter"), f"{call}: filter on the server (filter={{...}}), not in Python after "
                       "fetching extra results")
            expect(q.get("top_k", 0) <= k + 1, f"{call} asked for top_k={q.get('top_k')}; k + 1 is enough")
            scans = [e for e in log if e.get("operation") in ("list", "fetch", "fetch_by_metadata")]
            expect(len(scans) <= 1, f"{call} listed or fetched records {len(scans)} times: let the query do it")


def check_remove_movies(remove_movies, index, loaded_ids: list[str]) -> None:
    """Deletes in chunks of ≤ 1,000 ids, counts only ids that existed, stats agree afterwards."""
    stats0 = index.describe_index_stats().total_vector_count
    candidates = loaded_ids[-1_300:]
    present = set()
    for start in range(0, len(candidates), 100):
        present |= set(index.fetch(ids=candidates[start:start + 100]).vectors)
    existing = [i for i in candidates if i in present]
    ghost = [f"no-such-film-{i}" for i in range(900)]
    ids = existing + ghost + existing[:50]  # duplicates and missing ids
    with watch(index=None) as log:
        n = remove_movies(index, ids)
    expect(n == len(existing), f"remove_movies should return how many films it actually removed "
           f"({len(existing)}); missing and duplicate ids do not count. Got {n}")
    after = index.describe_index_stats().total_vector_count
    expect(after == stats0 - len(existing), f"after removing {len(existing)} films the index should hold "
           f"{stats0 - len(existing)}, it holds {after}")
    left = index.fetch(ids=existing[:100]).vectors
    expect(not left, f"{len(left)} of the films are still in the index after remove_movies")
    if log_available():
        for e in log:
            op = e.get("operation")
            n_ids = (e.get("params") or {}).get("ids")
            if op in ("delete", "fetch") and n_ids is not None:
                expect(n_ids <= 1_000, f"a {op} request carried {n_ids} ids; Pinecone accepts at most 1,000 "
                       "per fetch or delete")


def _reference_index(pc, first: int, last: int):
    """A fresh index holding films [first, last) built from the library's clean records."""
    from pinecone import ServerlessSpec

    from pinecone_ops import datasets

    recs = datasets.records(last)[first:]
    vecs = datasets.movie_vectors()[first:last]
    name = fresh_name("chk-films")
    pc.create_index(name=name, dimension=384, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    index = pc.Index(host=pc.describe_index(name).host)
    for start in range(0, len(recs), 500):
        index.upsert(vectors=recs[start:start + 500])
    return name, index, recs, vecs


def check_recommend_unseen(recommend) -> None:
    """recommend() on an index of films the notebook did not load, against exact ground truth."""
    pc = client()
    name, index, recs, vecs = _reference_index(pc, 1_000, 2_600)
    try:
        check_recommend(recommend, index, vecs, recs)
    finally:
        pc.delete_index(name)


def check_remove_movies_unseen(remove_movies) -> None:
    """remove_movies() on a fresh index with 1,300 present, 900 missing and 50 duplicate ids."""
    pc = client()
    name, index, recs, _ = _reference_index(pc, 0, 1_500)
    try:
        check_remove_movies(remove_movies, index, [r["id"] for r in recs])
    finally:
        pc.delete_index(name)


def check_loaded_films(index, n_expected: int) -> None:
    """The learner's films index against the library's clean records for the same films."""
    from pinecone_ops import datasets

    sample = datasets.records(n_expected)[:: max(1, n_expected // 40)]
    check_loaded(index, n_expected, sample)
