"""Hidden checks for phase 2 (Getting started ★ the films as a document index).

Every check calls the learner's function (or reads the learner's answer) and judges what it returns
and the requests it made, never how it is spelled: a dict schema or a ``SchemaBuilder``,
``pc.indexes.exists`` or a caught 409, ``upsert`` or ``batch_upsert``, one ``$and`` or one dict
all pass.

Under the grader these checks run outside the learner's kernel (``autograder/checks/common.py``):
the learner's functions get a Pinecone client made in the kernel (:func:`student_client`) and only
data; the truth comes from the checker's own client and a reference index it builds of films the
notebook never loaded (:func:`reference`).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from autograder.checks.common import (
    client,
    expect,
    fresh_name,
    kernel_env,
    log_available,
    property_test_imports,
    raises,
    set_options,
    student_client,
    watch,
)
from pinecone_ops.course import upsert_bytes

INDEX = "films"            # the learner's index (the notebook creates it)
NAMESPACE = "films"
PROBES = "probes"          # the reference index's hand-made edge cases
TAGS = {"project": "movie-recs", "env": "dev"}
TEXT_FIELDS = ("title", "description")
META_KEYS = ("year", "rating", "votes", "genres", "mpaa")
SCHEMA = {"fields": {
    "embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"},
    "title": {"type": "string", "full_text_search": {}},
    "description": {"type": "string", "full_text_search": {"stemming": True}},
}}
DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}
REFERENCE_FILMS = (2_000, 3_000)   # rows of the dataset the notebook does not load


# ---- Exercise 1: the client ----------------------------------------------------------------------

def check_make_client(make_client) -> None:
    """Key from the environment (not hard-coded), a clear error naming the variable when missing."""
    with kernel_env("PINECONE_API_KEY", None):
        exc = raises(make_client)
    expect(exc is not None, "make_client() must fail when PINECONE_API_KEY is not set (it returned a client)")
    msg = str(exc)
    expect("PINECONE_API_KEY" in msg and len(msg) > len("'PINECONE_API_KEY'") + 5,
           f"When the key is missing, the error must name PINECONE_API_KEY and say how to set it; the "
           f"message was {msg!r} (a bare KeyError is not a clear message)")
    with kernel_env("PINECONE_API_KEY", "   "):
        exc = raises(make_client)
    expect(exc is not None, "An empty or blank PINECONE_API_KEY is as good as none: make_client() must fail")
    with kernel_env("PINECONE_API_KEY", "pclocal-grader-key-2"):
        pc = make_client()
        key = getattr(getattr(pc, "config", None), "api_key", None)
        expect(key == "pclocal-grader-key-2", "make_client() must use the key in PINECONE_API_KEY, not one "
               "written in the notebook (never put keys in notebooks: they end up in git and in shared files)")
        list(pc.indexes.list())


# ---- Exercise 2: concept check on document indexes ------------------------------------------------

DOC_FACTS = {
    "every metadata field (year, genres, ...) must be declared in the schema": (
        False, "metadata fields are not declared: any other JSON field of a document is stored and filterable, "
        "and declaring a metadata-only field is refused"),
    'a field declared as {"type": "string"} with nothing else is accepted': (
        False, "a string field in the schema must say how it is searched, e.g. full_text_search"),
    "a search without include_fields returns each match's title": (
        False, "search returns only _id and _score unless include_fields names the fields (or ['*'])"),
    "a fetch without include_fields returns every field of each document": (
        True, "fetch is the opposite of search: omitting include_fields returns every field"),
    "one search can combine a dense_vector clause with a text clause": (
        False, "a dense or sparse clause stands alone; only text and query_string clauses combine"),
    "a metadata value of None is refused with a 400": (
        False, "the server drops a null value silently: the document loads without that field"),
}


def check_doc_facts(answers) -> None:
    expect(isinstance(answers, dict), "DOC_FACTS must be a dict from each statement to True or False")
    missing = [k for k in DOC_FACTS if k not in answers]
    expect(not missing, f"DOC_FACTS has no answer for {missing}: keep the six statements as given")
    for key, (truth, why) in DOC_FACTS.items():
        expect(isinstance(answers[key], bool), f"answer {key!r} with True or False, not {answers[key]!r}")
        expect(answers[key] is truth, f"{key!r} is {truth}: {why}.")


# ---- Exercise 3: the document index ---------------------------------------------------------------

def _exc_name(exc) -> str:
    """The name of an exception's type, as the learner's kernel raised it."""
    return str(getattr(exc, "kernel_type", type(exc).__name__)).rsplit(".", 1)[-1]


def _field(fields, name):
    return fields.get(name) if hasattr(fields, "get") else None


def check_create_film_index(create_film_index) -> None:
    """A new name: a document index with the three fields, managed aws/us-east-1, tags, ready, idempotent."""
    pc = client()
    name = fresh_name("chk-films")
    lagged = set_options(index_init_ms=1500)  # the index stays Initializing for 1.5 s
    try:
        theirs = student_client()
        create_film_index(theirs, name)
        expect(pc.indexes.exists(name), "create_film_index(pc, name) did not create an index of that name")
        d = pc.indexes.describe(name)
        expect(d.status.ready, "create_film_index must return only when the index is ready (pc.indexes.create "
               "waits by default; do not pass timeout=-1)" if lagged else "the index is not ready")
        fields = getattr(getattr(d, "schema", None), "fields", None) or {}
        expect("_values" not in fields, "this is a vector index (dimension=/metric=/spec=, or a _values field): "
               "create a document index with named fields so index.documents.* can serve it")
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
        exc = raises(create_film_index, theirs, name)
        expect(exc is None, f"calling create_film_index again with an existing name must not fail "
               f"(check pc.indexes.exists first); it raised {_exc_name(exc)}: {exc}")
    finally:
        if lagged:
            set_options(index_init_ms=0)
        if pc.indexes.exists(name):
            pc.indexes.delete(name)


# ---- Exercise 4: documents ------------------------------------------------------------------------

def _tricky_frame():
    """Three films with every kind of gap the channel can carry (None, NaN, an empty list); the
    learner's kernel rebuilds it as a pandas frame."""
    import pandas as pd

    return pd.DataFrame({
        "id": ["movie-1", "movie-2", "movie-3"],
        "title": ["Alpha", "Beta", "Gamma"],
        "year": np.array([1994, 2001, 1972], dtype="int64"),
        "rating": [8.1, float("nan"), 6.0],
        "votes": np.array([1200, 55, 9], dtype="int64"),
        "genres": [["Drama"], [], ["Comedy", "Romance"]],
        "mpaa": ["R", None, float("nan")],
        "budget": [1_000_000.0, float("nan"), 20_000.0],
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
    """Films with missing values become documents Pinecone keeps whole: no nulls, no NaN, plain JSON."""
    df = _tricky_frame()
    vecs = np.arange(3 * 4, dtype="float32").reshape(3, 4) / 10
    docs = film_documents(df, vecs)
    expect(isinstance(docs, list), f"film_documents should return a list of dicts, got {type(docs).__name__}")
    expect(len(docs) == 3, f"one document per film: expected 3, got {len(docs)}")
    for doc, (_, row), vec in zip(docs, df.iterrows(), vecs, strict=True):   # 3 each, checked above
        expect(isinstance(doc, dict), f"each document is a dict, got {type(doc).__name__}")
        expect(doc.get("_id") == row["id"], f"documents are keyed by '_id' = the film's id ({row['id']!r}); "
               f"got {doc.get('_id')!r}")
        vals = doc.get("embedding")
        expect(isinstance(vals, list) and len(vals) == 4 and np.allclose(vals, vec),
               f"{row['id']}: 'embedding' must be that film's vector as a list of floats")
        expect(doc.get("title") == row["title"] and doc.get("description") == row["text"],
               f"{row['id']}: 'title' is the title and 'description' the dataset's text column")
        expect("metadata" not in doc, f"{row['id']}: a document has no 'metadata' object: metadata fields are "
               "plain top-level JSON fields next to the ranking fields")
        for key, value in doc.items():
            if key in ("_id", "embedding"):
                continue
            expect(value is not None, f"{row['id']}: field {key!r} is None; the server would drop it silently: "
                   "leave the key out")
            expect(_clean(value), f"{row['id']}: field {key!r} = {value!r} is not a plain str, int, float, bool "
                   "or list of str (NaN is sent as null and dropped silently)")
    d1, d2, d3 = docs
    expect(d1.get("year") == 1994 and d1.get("genres") == ["Drama"] and d1.get("mpaa") == "R"
           and d1.get("rating") == 8.1 and d1.get("votes") == 1200,
           f"movie-1 should keep year, rating, votes, genres and mpaa; got { {k: d1.get(k) for k in META_KEYS} }")
    expect("rating" not in d2 and "mpaa" not in d2, "movie-2 has no rating and no MPAA rating: leave those "
           f"keys out (got rating={d2.get('rating')!r}, mpaa={d2.get('mpaa')!r})")
    expect("genres" not in d2, f"movie-2 has no genres: leave the key out; got {d2.get('genres')!r}")
    expect("mpaa" not in d3, f"movie-3's MPAA rating is missing: leave it out; got {d3.get('mpaa')!r}")
    expect(d3.get("genres") == ["Comedy", "Romance"], f"genres must stay a list of strings; got {d3.get('genres')}")
    expect(d2.get("year") == 2001 and d3.get("votes") == 9, "keep year and votes on every film")


# ---- Exercise 5: batches --------------------------------------------------------------------------

def _doc(i: int, dim: int, text_len: int) -> dict:
    return {"_id": f"d{i}", "embedding": [0.5] * dim, "title": "x" * text_len}


def check_batches(batches) -> None:
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
            size = upsert_bytes(b)
            expect(size <= max_bytes, f"a batch's request body is {size} bytes; the limit was {max_bytes}")
        for a, b in pairwise(out):
            fits = len(a) < max_docs and upsert_bytes(a + [b[0]]) <= max_bytes
            expect(not fits, f"a batch of {len(a)} documents was closed although the next one still fit "
                   f"(max_docs={max_docs}, max_bytes={max_bytes}): every extra request is another round trip "
                   "and at least 5 WU, so fill each batch as far as both limits allow")
        return out

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(sizes=st.lists(st.tuples(st.integers(1, 40), st.integers(0, 300)), max_size=40),
           max_docs=st.integers(1, 12), max_bytes=st.integers(1_000, 3_000))
    def prop(sizes, max_docs, max_bytes):
        verify([_doc(i, d, m) for i, (d, m) in enumerate(sizes)], max_docs, max_bytes)

    prop()
    # exact edges: a batch that fills max_bytes to the byte, and one that reaches max_docs exactly
    docs = [_doc(i, 10, 50) for i in range(7)]
    exact = upsert_bytes(docs[:3])
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
    films = [dict(_doc(i, 0, 200), embedding=[-0.012345678] * 384) for i in range(600)]   # ~5.6 KB each
    sizes = [len(b) for b in batches(films)]
    lo, hi = 1, len(films)            # the most documents whose body fits in 2,000,000 bytes
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if upsert_bytes(films[:mid]) <= 2_000_000 else (lo, mid - 1)
    expect(sizes[0] == lo and sum(sizes) == 600, f"with the defaults (1,000 documents, 2,000,000 bytes) 600 "
           f"documents of ~5.6 KB go {lo} to the first request; got batches of {sizes[:4]}")


# ---- visibility and the reference index ------------------------------------------------------------

def count_documents(index, namespace: str = NAMESPACE) -> int:
    return sum(1 for _ in index.documents.list(namespace=namespace))


def wait_for_count(index, n: int, namespace: str = NAMESPACE, timeout: float = 20.0) -> int:
    """Poll until ``namespace`` lists ``n`` ids (writes become visible after a lag on Pinecone)."""
    deadline = time.monotonic() + timeout
    while True:
        got = count_documents(index, namespace)
        if got == n or time.monotonic() > deadline:
            return got
        time.sleep(0.25)


def film_docs(first: int, last: int) -> tuple[list[dict], np.ndarray]:
    """The reference documents of dataset rows [first, last) and their vectors."""
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
    return docs, vecs


#: titles, years and genres of the probe namespace: the edges of the query string and the filters
PROBE_FILMS = [
    ("Star Wars: A New Hope", 1977, ["Action"]), ("The Lego Star Wars Adventure", 2005, ["Animation"]),
    ("Star Trek Beyond", 2004, ["Action"]), ("Wars Among the Stars", 1990, ["Drama"]),
    ("A Star Is Born", 1999, ["Drama", "Romance"]), ("Trek to the North", 1989, ["Drama"]),
    ("Lego Trek", 2000, ["Comedy"]), ("Star Wars Lego Special", 1995, ["Short"]),
    ("The Return of the Living Dead", 1990, ["Comedy"]), ("Return of the Jedi", 1999, ["Action", "Drama"]),
    ("The Mummy Returns", 1995, ["Drama"]), ("THE RETURN", 2000, ["Drama"]),
    ("Return, the", 1991, ["Drama"]), ("Nineties Drama A", 1995, ["Comedy", "Drama"]),
    ("Nineties Comedy", 1995, ["Comedy"]), ("Ungenred", 1995, []),
]


def _probe_docs() -> list[dict]:
    rng = np.random.default_rng(14)
    out = []
    for i, (title, year, genres) in enumerate(PROBE_FILMS):
        vec = rng.normal(size=384)
        doc = {"_id": f"probe-{i}", "embedding": [float(x) for x in vec / np.linalg.norm(vec)], "title": title,
               "description": f"{title} ({year}).", "year": year}
        if genres:
            doc["genres"] = genres
        out.append(doc)
    return out


@dataclass
class Reference:
    name: str
    docs: list[dict]
    vectors: np.ndarray

    @property
    def ids(self) -> list[str]:
        return [d["_id"] for d in self.docs]


_REFERENCE: dict[str, Reference] = {}


def reference() -> Reference:
    """A document index the checker builds once per local Pinecone: 1,000 films the notebook never
    loads (namespace ``films``) and the probe films (namespace ``probes``), visible before use."""
    pc = client()
    key = os.environ.get("PINECONE_OPS_HOST", "")
    ref = _REFERENCE.get(key)
    if ref is not None and pc.indexes.exists(ref.name):
        return ref
    docs, vecs = film_docs(*REFERENCE_FILMS)
    name = fresh_name("chk-films-ref")
    pc.indexes.create(name=name, schema=SCHEMA, deployment=DEPLOYMENT)
    index = pc.index(name)
    for start in range(0, len(docs), 150):
        index.documents.upsert(namespace=NAMESPACE, documents=docs[start:start + 150])
    probes = _probe_docs()
    index.documents.upsert(namespace=PROBES, documents=probes)
    wait_for_count(index, len(docs))
    wait_for_count(index, len(probes), PROBES)
    _REFERENCE[key] = ref = Reference(name, docs, vecs)
    return ref


def _theirs(ref: Reference):
    """The reference index as a handle in the learner's kernel (what their functions receive)."""
    return student_client().index(ref.name)


def _ids(matches) -> list[str]:
    return [m.id for m in matches]


def _search(index, score_by, top_k, flt=None, namespace=NAMESPACE):
    kw = {"namespace": namespace, "score_by": score_by, "top_k": top_k}
    if flt is not None:
        kw["filter"] = flt
    return index.documents.search(**kw).matches


def _searches(log) -> list[dict]:
    return [e for e in log if e.get("operation") == "search_documents" and e.get("status", 200) < 400]


def _str_ids(got, call: str) -> list[str]:
    expect(isinstance(got, (list, tuple)), f"{call} should return a list of ids, got {type(got).__name__}")
    expect(all(isinstance(g, str) for g in got), f"{call} should return the films' ids (strings), got {got!r}")
    return list(got)


# ---- Exercise 6: loading ----------------------------------------------------------------------------

def check_loaded_films(n_expected: int) -> None:
    """The learner's index holds the films (counted by listing ids), each as the dataset has it."""
    from pinecone_ops import datasets

    pc = client()
    expect(pc.indexes.exists(INDEX), f"there is no index named {INDEX!r}: run the cells above in order")
    index = pc.index(INDEX)
    got = wait_for_count(index, n_expected)
    expect(got == n_expected, f"the namespace {NAMESPACE!r} of {INDEX!r} should hold {n_expected} films; listing "
           f"its ids finds {got}")
    df = datasets.load_movies().head(n_expected).iloc[:: max(1, n_expected // 50)]
    fetched = index.documents.fetch(namespace=NAMESPACE, ids=list(df["id"])).documents
    for _, row in df.iterrows():
        doc = fetched.get(row["id"])
        expect(doc is not None, f"{row['id']} is missing from the index")
        expect(getattr(doc, "title", None) == row["title"] and getattr(doc, "description", None) == row["text"],
               f"{row['id']}: the stored title or description differs from the dataset's")
        expect(getattr(doc, "year", None) == row["year"], f"{row['id']}: the stored year should be {row['year']}")
        genres = list(row["genres"])
        expect((getattr(doc, "genres", None) or []) == genres, f"{row['id']}: the stored genres should be {genres}")
        has_mpaa = isinstance(row["mpaa"], str)
        expect((getattr(doc, "mpaa", None) == row["mpaa"]) if has_mpaa else getattr(doc, "mpaa", None) is None,
               f"{row['id']}: mpaa should be {row['mpaa'] if has_mpaa else 'absent'}")


# ---- Exercises 7–8: semantic and keyword search ------------------------------------------------------

def check_semantic_search(semantic_search) -> None:
    """Exact nearest neighbours (brute force over the reference films) for unseen query vectors."""
    from pinecone_ops import datasets

    ref = reference()
    index = _theirs(ref)
    queries = [(datasets.query_vectors()[q], k) for q, k in ((3, 5), (17, 1), (29, 12))]
    queries.append((ref.vectors[len(ref.docs) // 2], 4))
    pos = {fid: i for i, fid in enumerate(ref.ids)}
    for qv, k in queries:
        scores = ref.vectors @ qv
        order = np.argsort(-scores)
        kth = scores[order[k - 1]]
        call = f"semantic_search(index, vector, {k})"
        with watch() as log:
            got = _str_ids(semantic_search(index, [float(x) for x in qv], k), call)
        expect(len(got) == k, f"{call} should return {k} ids, got {len(got)}")
        expect(all(g in pos and scores[pos[g]] >= kth - 1e-4 for g in got),
               f"{call} did not return the {k} most similar films, most similar first")
        expect(all(scores[pos[a]] >= scores[pos[b]] - 1e-4 for a, b in pairwise(got)),
               f"{call} should list the films most similar first")
        if log_available():
            s = _searches(log)
            expect(len(s) == 1 and s[0]["params"].get("clauses") == ["dense_vector"],
                   f"{call} should make one search with one dense_vector clause (it made {len(s)} searches)")


def check_keyword_search(keyword_search) -> None:
    """BM25 over title and description, as the server ranks it, for unseen queries."""
    ref = reference()
    pc, index = client(), _theirs(ref)
    mine = pc.index(ref.name)
    for text, k in (("wars", 4), ("detective thriller", 6), ("christmas comedies", 5), ("long epic dramas", 3)):
        truth = _search(mine, [{"type": "text", "fields": list(TEXT_FIELDS), "query": text}], k + 10)
        scores = {m.id: m.score for m in truth}
        want = _ids(truth)[:k]
        call = f"keyword_search(index, {text!r}, {k})"
        with watch() as log:
            got = _str_ids(keyword_search(index, text, k), call)
        expect(len(got) == len(want), f"{call} should return {len(want)} ids, got {len(got)}")
        kth = scores[want[-1]] if want else 0.0
        expect(all(g in scores and scores[g] >= kth - 1e-4 for g in got),
               f"{call} should rank by BM25 over both 'title' and 'description' (one text clause with "
               "fields=[...], or one clause per field)")
        if log_available():
            s = _searches(log)
            expect(len(s) == 1 and set(s[0]["params"].get("clauses") or []) <= {"text", "query_string"},
                   f"{call} should make one search with text clauses")


# ---- Exercise 9: a query_string -----------------------------------------------------------------------

TRUTH_QUERY = 'title:("star wars" OR trek) AND NOT title:lego'


def check_query_string(query) -> None:
    """The films STAR_QUERY selects, on the reference films and the probe titles."""
    expect(isinstance(query, str) and query.strip(), "STAR_QUERY must be a query string (a str)")
    ref = reference()
    index = client().index(ref.name)
    for ns in (NAMESPACE, PROBES):
        truth = set(_ids(_search(index, [{"type": "query_string", "query": TRUTH_QUERY}], 10_000, namespace=ns)))
        exc = raises(_search, index, [{"type": "query_string", "query": query}], 10_000, namespace=ns)
        expect(exc is None, f"the server refused STAR_QUERY = {query!r}: {exc}")
        got = set(_ids(_search(index, [{"type": "query_string", "query": query}], 10_000, namespace=ns)))
        expect(not (got - truth), f"STAR_QUERY matches {len(got - truth)} film(s) it should not among films it "
               "was not tried on (the words apart instead of the phrase, another field, or a Lego film?)")
        expect(not (truth - got), f"STAR_QUERY misses {len(truth - got)} of the {len(truth)} films it should match "
               "among films it was not tried on (a Star Trek film, or 'star wars' with other words around it?)")


# ---- Exercises 10–11: filters -------------------------------------------------------------------------

FILTER_TRUTH = {
    "DRAMA_1990S": {"$and": [{"genres": {"$in": ["Drama"]}}, {"year": {"$gte": 1990}}, {"year": {"$lte": 1999}}]},
    "TITLE_PHRASE": {"title": {"$match_phrase": "the return"}},
}
FILTER_HINTS = {
    "DRAMA_1990S": "dramas released 1990 to 1999, both years included",
    "TITLE_PHRASE": "titles containing the words 'the return' together and in that order",
}


def _selected(index, flt, namespace) -> set[str]:
    probe = [{"type": "dense_vector", "field": "embedding", "values": [1.0] + [0.0] * 383}]
    return set(_ids(_search(index, probe, 10_000, flt=flt, namespace=namespace)))


def check_filter(name: str, flt) -> None:
    """One filter, judged by the documents it selects on the reference films and the probe films."""
    expect(isinstance(flt, dict) and flt, f"{name} must be a filter dict")
    ref = reference()
    index = client().index(ref.name)
    for ns in (NAMESPACE, PROBES):
        exc = raises(_selected, index, flt, ns)
        expect(exc is None, f"the server refused {name}: {exc}")
        got, right = _selected(index, flt, ns), _selected(index, FILTER_TRUTH[name], ns)
        expect(got == right, f"{name} selects {len(got)} documents of a namespace it was not tried on, "
               f"{len(got - right)} of them wrong and {len(right - got)} missing; it should select "
               f"{FILTER_HINTS[name]} (check the bounds, and which operator the field takes)")


# ---- Exercise 12: recommend ------------------------------------------------------------------------------

def check_recommend(recommend) -> None:
    """Exact ground truth on unseen films and filters; one filtered search per call in the request log."""
    ref = reference()
    index, mine = _theirs(ref), client().index(ref.name)
    docs, vectors, ids = ref.docs, ref.vectors, ref.ids
    # the edge: min_year is the year of the film's nearest neighbour, which must count
    nearest = int(np.argsort(-(vectors @ vectors[60]))[1])
    cases = [(ids[17], 7, None, None, None), (ids[3], 4, "Comedy", None, None), (ids[250], 6, None, 2000, None),
             (ids[41], 5, "Drama", 1995, None), (ids[8], 3, None, None, "big-budget production"),
             (ids[99], 4, "Action", 1990, "very long film"), (ids[60], 5, None, docs[nearest]["year"], None)]
    phrase_ok: dict[str, set[str]] = {}
    for movie_id, k, genre, min_year, phrase in cases:
        if phrase and phrase not in phrase_ok:
            phrase_ok[phrase] = _selected(mine, {"description": {"$match_phrase": phrase}}, NAMESPACE)
        qi = ids.index(movie_id)
        scores = vectors @ vectors[qi]
        keep = [i for i, d in enumerate(docs) if i != qi
                and (genre is None or genre in d.get("genres", []))
                and (min_year is None or d["year"] >= min_year)
                and (phrase is None or d["_id"] in phrase_ok[phrase])]
        keep.sort(key=lambda i: -scores[i])
        want = [ids[i] for i in keep[:k]]
        allowed = {ids[i]: float(scores[i]) for i in keep}
        call = f"recommend(index, film, {k}, genre={genre!r}, min_year={min_year!r}, phrase={phrase!r})"
        with watch() as log:
            got = _str_ids(recommend(index, movie_id, k, genre=genre, min_year=min_year, phrase=phrase), call)
        expect(movie_id not in got, f"{call} recommended the film itself")
        expect(len(got) == len(want), f"{call} should return {len(want)} ids, got {len(got)}")
        for g in got:
            expect(g in allowed, f"{call} returned a film that does not pass the filters"
                   + (f" (genre {genre!r})" if genre else "") + (f" (year ≥ {min_year})" if min_year else "")
                   + (f" (description contains the phrase {phrase!r})" if phrase else ""))
        kth = allowed[want[-1]] if want else 1.0
        expect(all(allowed[g] >= kth - 1e-4 for g in got), f"{call} did not return the {k} most similar films")
        expect(all(allowed[a] >= allowed[b] - 1e-4 for a, b in pairwise(got)),
               f"{call} should list the films most similar first")
        if log_available():
            s = _searches(log)
            expect(len(s) == 1, f"{call} made {len(s)} searches; one search does it (fetch the film's "
                   "embedding, then one dense search with the filters)")
            if genre or min_year or phrase:
                expect(s[0]["params"].get("has_filter"), f"{call}: filter on the server (filter={{...}}), not in "
                       "Python after asking for extra results")
            scans = [e for e in log if e.get("operation") in ("list_documents", "fetch_documents")]
            expect(len(scans) <= 1, f"{call} listed or fetched documents {len(scans)} times: one fetch of the "
                   "film itself is enough")


# ---- Exercise 13: which search finds it? -----------------------------------------------------------------

#: real pairs from the 2,000 most-voted films, top 10 of each search (tests/course/test_phase2_checks.py
#: re-measures them): semantic finds Cinderella and Peter Pan, BM25 on titles only stop words ("A Room
#: with a View"); BM25 finds "Home Alone 2: Lost in New York", which the dense top 10 lacks.
FINDS = {"a classic Disney cartoon": "semantic", "a film set in New York City": "keyword"}


def check_which_search(answers) -> None:
    expect(isinstance(answers, dict), "WHICH_SEARCH must be a dict from each query to 'keyword' or 'semantic'")
    for q, want in FINDS.items():
        got = str(answers.get(q, "")).strip().lower()
        expect(got in ("keyword", "semantic"), f"answer {q!r} with 'keyword' or 'semantic'")
        expect(got == want, f"for {q!r}, {got!r} is not what the two searches above showed: look again at which "
               "list holds the film named in the question")
