"""Hidden checks for the new phase 2 lab (issue 14 item 2: the films as a document index).

Not wired into source/phase2 yet: the notebook still uses autograder/checks/phase2.py. When the
notebook moves to the Documents API, this module replaces phase2.py.

Every check calls the learner's function (or reads the learner's answer) and judges what it
returns and the requests it made, never how it is spelled: a dict schema or a ``SchemaBuilder``,
``pc.indexes.exists`` or a caught ``ConflictError``, ``batch_upsert`` or ``upsert`` all pass.
"""
from __future__ import annotations

import math
import time
from itertools import pairwise

import numpy as np

from autograder.checks.common import (
    client,
    expect,
    fresh_name,
    log_available,
    property_test_imports,
    raises,
    set_options,
    watch,
)
from autograder.checks.phase2 import check_make_client  # noqa: F401  (re-exported for the notebook)

TAGS = {"project": "movie-recs", "env": "dev"}
NAMESPACE = "films"
TEXT_FIELDS = ("title", "description")
META_KEYS = ("year", "rating", "votes", "genres", "mpaa")
SCHEMA = {"fields": {
    "embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"},
    "title": {"type": "string", "full_text_search": {}},
    "description": {"type": "string", "full_text_search": {"stemming": True}},
}}
DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}


# ---- Exercise 1: the client --------------------------------------------------------------------
# check_make_client is phase 2's own (autograder.checks.phase2): the exercise is unchanged.

# ---- Exercise 2: the document index ------------------------------------------------------------

def _field(fields, name):
    return fields.get(name) if hasattr(fields, "get") else None


def check_create_film_index(create_film_index) -> None:
    """A new name: a document index with the three fields, managed aws/us-east-1, tags, ready, idempotent."""
    pc = client()
    name = fresh_name("chk-films")
    lagged = set_options(index_init_ms=1500)  # the index stays Initializing for 1.5 s
    try:
        create_film_index(pc, name)
        expect(pc.indexes.exists(name), f"create_film_index(pc, {name!r}) did not create an index named {name!r}")
        d = pc.indexes.describe(name)
        expect(d.status.ready, "create_film_index must return only when the index is ready (pc.indexes.create "
               "waits by default; do not pass timeout=-1)" if lagged else "the index is not ready")
        fields = getattr(getattr(d, "schema", None), "fields", None) or {}
        expect("_values" not in fields, "this is a vector index (dimension=/metric=/spec=): create a document "
               "index with schema={'fields': {...}} so index.documents.* can serve it")
        emb = _field(fields, "embedding")
        expect(emb is not None and getattr(emb, "dimension", None) == 384,
               f"the schema needs a dense_vector field 'embedding' of dimension 384; got {emb!r}")
        expect(getattr(emb, "metric", None) == "cosine", f"'embedding' should use metric 'cosine' for these "
               f"sentence embeddings, not {getattr(emb, 'metric', None)!r}")
        for text in TEXT_FIELDS:
            f = _field(fields, text)
            expect(f is not None and getattr(f, "full_text_search", None) is not None,
                   f"the schema needs a string field {text!r} with full_text_search, so BM25 can search it")
        fts = _field(fields, "description").full_text_search
        expect(bool(getattr(fts, "stemming", False)), "turn stemming on for 'description' "
               "(full_text_search={'stemming': True}) so 'comedies' matches 'comedy'")
        dep = d.deployment
        expect((getattr(dep, "cloud", None), getattr(dep, "region", None)) == ("aws", "us-east-1"),
               f"deploy on managed serverless in aws/us-east-1; got {dep!r}")
        tags = dict(d.tags or {})
        missing = {k: v for k, v in TAGS.items() if tags.get(k) != v}
        expect(not missing, f"the index needs the tags {TAGS}; missing or wrong: {missing}")
        exc = raises(create_film_index, pc, name)
        expect(exc is None, f"calling create_film_index again with an existing name must not fail "
               f"(check pc.indexes.exists first); it raised {exc!r}")
    finally:
        if lagged:
            set_options(index_init_ms=0)
        if pc.indexes.exists(name):
            pc.indexes.delete(name)


# ---- Exercise 3: documents -----------------------------------------------------------------------

def _tricky_frame():
    import pandas as pd

    return pd.DataFrame({
        "id": ["movie-1", "movie-2", "movie-3"],
        "title": ["Alpha", "Beta", "Gamma"],
        "year": np.array([1994, 2001, 1972], dtype="int64"),
        "rating": [8.1, float("nan"), 6.0],
        "votes": np.array([1200, 55, 9], dtype="int64"),
        "genres": [["Drama"], [], ["Comedy", "Romance"]],
        "mpaa": pd.array(["R", pd.NA, None], dtype="string"),
        "budget": pd.array([1_000_000, pd.NA, 20_000], dtype="Int64"),
        "text": ["Alpha (1994): a drama.", "Beta (2001): a film.", "Gamma (1972): a comedy."],
    })


def _clean(value) -> bool:
    if isinstance(value, (bool, str)):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value) and type(value) in (int, float)
    if isinstance(value, list):
        return all(type(v) is str for v in value)
    return False


def check_film_documents(film_documents) -> None:
    """Films with missing values become documents Pinecone accepts: no nulls, plain Python types."""
    df = _tricky_frame()
    vecs = np.arange(3 * 4, dtype="float32").reshape(3, 4) / 10
    docs = film_documents(df, vecs)
    expect(len(docs) == 3, f"one document per film: expected 3, got {len(docs)}")
    for doc, (_, row), vec in zip(docs, df.iterrows(), vecs, strict=True):   # 3 each, checked above
        expect(doc.get("_id") == row["id"], f"documents are keyed by '_id' = the film's id ({row['id']!r}); "
               f"got {doc.get('_id')!r}")
        vals = doc.get("embedding")
        expect(vals is not None and len(list(vals)) == 4 and np.allclose(list(vals), vec),
               f"{row['id']}: 'embedding' must be that film's vector")
        expect(all(type(x) is float for x in vals), f"{row['id']}: 'embedding' must be a list of Python floats")
        expect(doc.get("title") == row["title"] and doc.get("description") == row["text"],
               f"{row['id']}: 'title' is the title and 'description' the dataset's text column")
        expect("metadata" not in doc, f"{row['id']}: a document has no 'metadata' object: metadata fields are "
               "plain top-level JSON fields next to the ranking fields")
        for key, value in doc.items():
            if key in ("_id", "embedding"):
                continue
            expect(value is not None, f"{row['id']}: field {key!r} is None; the server would drop it silently: "
                   "leave the key out")
            expect(_clean(value), f"{row['id']}: field {key!r} = {value!r} ({type(value).__name__}) is not a "
                   "plain str, int, float, bool or list of str (NaN and numpy/pandas types do not belong)")
    d1, d2, d3 = docs
    expect(d1.get("year") == 1994 and d1.get("genres") == ["Drama"] and d1.get("mpaa") == "R"
           and d1.get("rating") == 8.1 and d1.get("votes") == 1200,
           f"movie-1 should keep year, rating, votes, genres and mpaa; got { {k: d1.get(k) for k in META_KEYS} }")
    expect("rating" not in d2 and "mpaa" not in d2, "movie-2 has no rating and no MPAA rating: leave those "
           f"keys out (got rating={d2.get('rating')!r}, mpaa={d2.get('mpaa')!r})")
    expect("genres" not in d2, f"movie-2 has no genres: leave the key out; got {d2.get('genres')!r}")
    expect("mpaa" not in d3, f"movie-3's MPAA rating is missing (None): leave it out; got {d3.get('mpaa')!r}")
    expect(d3.get("genres") == ["Comedy", "Romance"], f"genres must stay a list of strings; got {d3.get('genres')}")


# ---- Exercise 4: batches -------------------------------------------------------------------------

def _doc(i: int, dim: int, text_len: int) -> dict:
    return {"_id": f"d{i}", "embedding": [0.5] * dim, "title": "x" * text_len}


def check_batches(batches, body_bytes) -> None:
    """Property test: order kept, nothing lost, both limits, greedy; exact edges included."""
    HealthCheck, given, settings, st = property_test_imports()

    expect(list(batches([])) == [], "batches([]) must yield nothing (not an empty batch)")

    def verify(docs, max_docs, max_bytes):
        out = [list(b) for b in batches(docs, max_docs=max_docs, max_bytes=max_bytes)]
        flat = [d["_id"] for b in out for d in b]
        expect(flat == [d["_id"] for d in docs], "batches must yield every document exactly once, in order")
        for b in out:
            expect(b, "batches yielded an empty batch (an upsert needs at least one document)")
            expect(len(b) <= max_docs, f"a batch has {len(b)} documents; the limit was {max_docs}")
            size = body_bytes(b)
            expect(size <= max_bytes, f"a batch's request body is {size} bytes; the limit was {max_bytes}")
        for a, b in pairwise(out):
            fits = len(a) < max_docs and body_bytes(a + [b[0]]) <= max_bytes
            expect(not fits, f"a batch of {len(a)} documents was closed although the next one still fit "
                   f"(max_docs={max_docs}, max_bytes={max_bytes}): every extra request is another round trip "
                   "and at least 5 WU, so fill each batch as far as both limits allow")
        return out

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(sizes=st.lists(st.tuples(st.integers(1, 40), st.integers(0, 300)), max_size=50),
           max_docs=st.integers(1, 12), max_bytes=st.integers(1_000, 3_000))
    def prop(sizes, max_docs, max_bytes):
        verify([_doc(i, d, m) for i, (d, m) in enumerate(sizes)], max_docs, max_bytes)

    prop()
    # exact edges: a batch that fills max_bytes to the byte, and one that reaches max_docs exactly
    docs = [_doc(i, 10, 50) for i in range(7)]
    exact = body_bytes(docs[:3])
    out = verify(docs, 100, exact)
    expect(len(out[0]) == 3, f"three documents whose request body is exactly max_bytes={exact} bytes fit in one "
           f"batch (the limit is inclusive); got a first batch of {len(out[0])}")
    out = verify(docs[:6], 3, 10**6)
    expect([len(b) for b in out] == [3, 3], f"six documents with max_docs=3 go in batches of 3 and 3; got "
           f"{[len(b) for b in out]}")
    big = [_doc(0, 10, 5_000)]
    expect(raises(lambda: list(batches(big, max_docs=10, max_bytes=2_000))) is not None,
           "a single document whose request would exceed max_bytes can never be sent: raise an error instead "
           "of yielding it")


# ---- loading -------------------------------------------------------------------------------------

def count_documents(index, namespace: str = NAMESPACE) -> int:
    return sum(1 for _ in index.documents.list(namespace=namespace))


def wait_for_count(index, n: int, namespace: str = NAMESPACE, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        got = count_documents(index, namespace)
        if got == n or time.monotonic() > deadline:
            return got
        time.sleep(0.25)


def check_loaded_films(index, n_expected: int) -> None:
    """The learner's index holds the films (counted by listing ids), fields as built (fetch of a sample)."""
    from pinecone_ops import datasets

    got = wait_for_count(index, n_expected)
    expect(got == n_expected, f"the namespace {NAMESPACE!r} should hold {n_expected} films; listing its ids "
           f"finds {got}")
    df = datasets.load_movies().head(n_expected).iloc[:: max(1, n_expected // 40)]
    fetched = index.documents.fetch(namespace=NAMESPACE, ids=list(df["id"])).documents
    by_id = {d.id if hasattr(d, "id") else d["_id"]: d for d in _docs_list(fetched)}
    for _, row in df.iterrows():
        expect(row["id"] in by_id, f"{row['id']} is missing from the index")
        expect(_get(by_id[row["id"]], "title") == row["title"], f"{row['id']}: the stored title differs from the "
               "dataset's")


def _docs_list(documents):
    return list(documents.values()) if isinstance(documents, dict) else list(documents)


def _get(doc, key):
    if isinstance(doc, dict):
        return doc.get(key)
    try:
        return doc[key]
    except (KeyError, TypeError):
        return getattr(doc, key, None)


def _ids(matches) -> list[str]:
    return [m.id if hasattr(m, "id") else m["_id"] for m in matches]


def _search(index, score_by, top_k, flt=None, fields=None):
    kw = {"namespace": NAMESPACE, "score_by": score_by, "top_k": top_k}
    if flt is not None:
        kw["filter"] = flt
    if fields is not None:
        kw["include_fields"] = fields
    return index.documents.search(**kw).matches


# ---- Exercises 5–6: semantic and keyword search ----------------------------------------------------

def _searches(log) -> list[dict]:
    return [e for e in log if e.get("operation") == "search_documents"]


def check_semantic_search(semantic_search, index, vectors: np.ndarray, ids: list[str]) -> None:
    """Exact nearest neighbours (brute force over the loaded films) for unseen query vectors."""
    from pinecone_ops import datasets

    queries = [(datasets.query_vectors()[q], k) for q, k in ((3, 5), (17, 1), (29, 12))]
    queries.append((vectors[len(ids) // 2], 4))
    for qv, k in queries:
        scores = vectors @ qv
        order = np.argsort(-scores)
        kth = scores[order[k - 1]]
        with watch(index=None) as log:
            got = list(semantic_search(index, [float(x) for x in qv], k))
        expect(len(got) == k, f"semantic_search(index, vector, {k}) should return {k} ids, got {len(got)}")
        pos = {fid: i for i, fid in enumerate(ids)}
        expect(all(g in pos and scores[pos[g]] >= kth - 1e-4 for g in got),
               f"semantic_search(index, vector, {k}) did not return the {k} most similar films: expected "
               f"{[ids[i] for i in order[:k]]}, got {got}")
        if log_available():
            s = _searches(log)
            expect(len(s) == 1 and s[0]["params"].get("clauses") == ["dense_vector"],
                   "semantic_search should make one search with one dense_vector clause")


def check_keyword_search(keyword_search, index) -> None:
    """BM25 over title and description, as the server ranks it, for unseen queries."""
    for text, k in (("wars", 4), ("detective thriller", 6), ("christmas comedies", 5), ("jedi", 3)):
        truth = _search(index, [{"type": "text", "fields": list(TEXT_FIELDS), "query": text}], k + 10)
        scores = {m.id: m.score for m in truth}
        want = _ids(truth)[:k]
        with watch(index=None) as log:
            got = list(keyword_search(index, text, k))
        call = f"keyword_search(index, {text!r}, {k})"
        expect(len(got) == len(want), f"{call} should return {len(want)} ids, got {len(got)}")
        kth = scores[want[-1]] if want else 0.0
        expect(all(g in scores and scores[g] >= kth - 1e-4 for g in got),
               f"{call} should rank by BM25 over both 'title' and 'description' (one text clause with "
               f"fields=[...]): expected {want}, got {got}")
        if log_available():
            s = _searches(log)
            expect(len(s) == 1 and set(s[0]["params"].get("clauses") or []) <= {"text", "query_string"},
                   f"{call} should make one search with text clauses")


# ---- Exercise 7: a query_string ----------------------------------------------------------------------

TRUTH_QUERY = 'title:("star wars" OR trek) AND NOT title:lego'


def check_query_string(query: str, index) -> None:
    expect(isinstance(query, str) and query.strip(), "STAR_QUERY must be a query string (a str)")
    truth = set(_ids(_search(index, [{"type": "query_string", "query": TRUTH_QUERY}], 10_000)))
    exc = raises(_search, index, [{"type": "query_string", "query": query}], 10_000)
    expect(exc is None, f"the server refused STAR_QUERY = {query!r}: {exc}")
    got = set(_ids(_search(index, [{"type": "query_string", "query": query}], 10_000)))
    expect(not (got - truth), f"STAR_QUERY matches {len(got - truth)} films it should not (the words in the "
           "wrong order, another field, or a Lego film?)")
    expect(not (truth - got), f"STAR_QUERY misses {len(truth - got)} of the {len(truth)} films it should match")


# ---- Exercise 8: filters -----------------------------------------------------------------------------

def _selected(index, flt, vector) -> set[str]:
    return set(_ids(_search(index, [{"type": "dense_vector", "field": "embedding", "values": vector}],
                            10_000, flt=flt)))


def check_filters(filters: dict, index, vector) -> int:
    """Each filter judged by the films it selects; 1 point each."""
    truth = {
        "DRAMA_1990S": {"$and": [{"genres": {"$in": ["Drama"]}}, {"year": {"$gte": 1990}}, {"year": {"$lte": 1999}}]},
        "TITLE_PHRASE": {"title": {"$match_phrase": "the return"}},
    }
    points = 0
    for name, want in truth.items():
        flt = (filters or {}).get(name)
        if not isinstance(flt, dict):
            print(f"{name}: not a filter dict")
            continue
        exc = raises(_selected, index, flt, vector)
        if exc is not None:
            print(f"{name}: the server refused it: {exc}")
            continue
        got, right = _selected(index, flt, vector), _selected(index, want, vector)
        if got == right:
            points += 1
        else:
            print(f"{name}: selects {len(got)} films, {len(got - right)} of them wrong; it should select "
                  f"{len(right)} (check the bounds, and which operator the field takes)")
    return points


# ---- Exercise 9: recommend -----------------------------------------------------------------------------

def _reference_index(pc, first: int, last: int):
    """A fresh document index of films [first, last) with the reference documents; returns when listable."""
    from pinecone_ops import datasets

    df = datasets.load_movies().iloc[first:last]
    vecs = datasets.movie_vectors()[first:last]
    docs = []
    for (_, row), vec in zip(df.iterrows(), vecs, strict=True):
        doc = {"_id": row["id"], "embedding": [float(x) for x in vec], "title": row["title"],
               "description": row["text"], "year": int(row["year"]), "votes": int(row["votes"])}
        if not (isinstance(row["rating"], float) and math.isnan(row["rating"])):
            doc["rating"] = float(row["rating"])
        if len(row["genres"]):
            doc["genres"] = [str(g) for g in row["genres"]]
        docs.append(doc)
    name = fresh_name("chk-films")
    pc.indexes.create(name=name, schema=SCHEMA, deployment=DEPLOYMENT)
    index = pc.index(name)
    for start in range(0, len(docs), 150):
        index.documents.upsert(namespace=NAMESPACE, documents=docs[start:start + 150])
    wait_for_count(index, len(docs))
    return name, index, docs, vecs


def check_recommend(recommend, index, vectors: np.ndarray, docs: list[dict]) -> None:
    """Exact ground truth on unseen films and filters; one filtered search per call in the request log."""
    ids = [d["_id"] for d in docs]
    phrase_ok = {}
    cases = [(ids[17], 7, None, None, None), (ids[3], 4, "Comedy", None, None), (ids[250], 6, None, 2000, None),
             (ids[41], 5, "Drama", 1995, None), (ids[8], 3, None, None, "big-budget production"),
             (ids[99], 4, "Action", 1990, "very long film")]
    year_of = {d["_id"]: d["year"] for d in docs}
    edge_year = year_of[ids[250]]  # a film of exactly min_year must count
    cases.append((ids[60], 5, None, edge_year, None))
    for movie_id, k, genre, min_year, phrase in cases:
        if phrase and phrase not in phrase_ok:
            phrase_ok[phrase] = set(_ids(_search(
                index, [{"type": "dense_vector", "field": "embedding", "values": [0.1] * 384}], 10_000,
                flt={"description": {"$match_phrase": phrase}})))
        qi = ids.index(movie_id)
        scores = vectors @ vectors[qi]
        keep = [i for i, d in enumerate(docs) if i != qi
                and (genre is None or genre in d.get("genres", []))
                and (min_year is None or d["year"] >= min_year)
                and (phrase is None or d["_id"] in phrase_ok[phrase])]
        keep.sort(key=lambda i: -scores[i])
        want = [ids[i] for i in keep[:k]]
        allowed = {ids[i]: float(scores[i]) for i in keep}
        with watch(index=None) as log:
            got = list(recommend(index, movie_id, k, genre=genre, min_year=min_year, phrase=phrase))
        call = f"recommend(index, {movie_id!r}, {k}, genre={genre!r}, min_year={min_year!r}, phrase={phrase!r})"
        expect(movie_id not in got, f"{call} recommended the film itself")
        expect(len(got) == len(want), f"{call} should return {len(want)} ids, got {len(got)}")
        for g in got:
            expect(g in allowed, f"{call} returned {g!r}, which does not pass the filters"
                   + (f" (genre {genre!r})" if genre else "") + (f" (year ≥ {min_year})" if min_year else "")
                   + (f" (description contains the phrase {phrase!r})" if phrase else ""))
        kth = allowed[want[-1]] if want else 1.0
        expect(all(allowed[g] >= kth - 1e-4 for g in got), f"{call} did not return the {k} most similar films: "
               f"expected {want}, got {got}")
        if log_available():
            s = _searches(log)
            expect(len(s) == 1, f"{call} made {len(s)} searches; one search does it (fetch the film's "
                   "embedding, then one dense search with the filters)")
            p = s[0]["params"]
            if genre or min_year or phrase:
                expect(p.get("has_filter"), f"{call}: filter on the server (filter={{...}}), not in Python after "
                       "asking for extra results")
            scans = [e for e in log if e.get("operation") in ("list_documents", "fetch_documents")]
            expect(len(scans) <= 1, f"{call} listed or fetched documents {len(scans)} times: one fetch of the "
                   "film itself is enough")


def check_recommend_unseen(recommend) -> None:
    """recommend() on an index of films the notebook did not load, against exact ground truth."""
    pc = client()
    name, index, docs, vecs = _reference_index(pc, 1_000, 1_600)
    try:
        check_recommend(recommend, index, vecs, docs)
    finally:
        pc.indexes.delete(name)


# ---- Exercise 10: which search finds it? -------------------------------------------------------------

#: real pairs from the 2,000 most-voted films, top 10 of each search (tests/course/test_phase2_documents.py
#: re-measures them): semantic finds Cinderella and Peter Pan, BM25 on titles only stop words ("A Room
#: with a View"); BM25 finds "Home Alone 2: Lost in New York", which the dense top 10 lacks.
FINDS = {"a classic Disney cartoon": "semantic", "a film set in New York City": "keyword"}


def check_which_search(answers) -> None:
    expect(isinstance(answers, dict), "WHICH_SEARCH must be a dict from each query to 'keyword' or 'semantic'")
    for q, want in FINDS.items():
        got = str(answers.get(q, "")).strip().lower()
        expect(got == want, f"for {q!r}, {got or 'no answer'!r} is not what the two searches above showed")
