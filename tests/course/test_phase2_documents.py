"""The new phase 2 lab's hidden checks (autograder/checks/phase2_documents.py), in-process.

Each check runs against this process's own local Pinecone on a reference solution (full marks), a
correct solution written differently (full marks) and typical mistakes (each fails its own check
with a teaching message). Seconds, not an nbgrader run; the notebook will reuse these answers as
the ALTERNATIVE and MISTAKES students of tests/course/test_phase2.py.
"""
from __future__ import annotations

import json

import orjson
import pytest

from autograder.checks import phase2_documents as P
from pinecone_ops import course, datasets

pytestmark = pytest.mark.slow  # loads 2,000 films into a local Pinecone (≈ 20 s)

N = 2_000

REFERENCE = '''
import math, os
import pandas as pd
from pinecone import Pinecone

def make_client():
    key = os.environ.get("PINECONE_API_KEY", "").strip()
    if not key:
        raise RuntimeError("PINECONE_API_KEY is not set: export PINECONE_API_KEY=<your key>")
    return Pinecone(api_key=key)

def create_film_index(pc, name):
    if not pc.indexes.exists(name):
        pc.indexes.create(name=name, schema={"fields": {
            "embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"},
            "title": {"type": "string", "full_text_search": {}},
            "description": {"type": "string", "full_text_search": {"stemming": True}}}},
            deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"},
            tags={"project": "movie-recs", "env": "dev"})
    return pc.indexes.describe(name)

def film_documents(df, vectors):
    out = []
    for (_, row), vec in zip(df.iterrows(), vectors):
        doc = {"_id": str(row["id"]), "embedding": [float(x) for x in vec], "title": str(row["title"]),
               "description": str(row["text"])}
        for key, cast in (("year", int), ("rating", float), ("votes", int), ("mpaa", str)):
            value = row[key]
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                continue
            doc[key] = cast(value)
        if len(row["genres"]):
            doc["genres"] = [str(g) for g in row["genres"]]
        out.append(doc)
    return out

def batches(documents, max_docs=1000, max_bytes=2_000_000):
    batch = []
    for doc in documents:
        if body_bytes([doc]) > max_bytes:
            raise ValueError(f"document {doc['_id']!r} alone is over {max_bytes} bytes")
        if batch and (len(batch) == max_docs or body_bytes(batch + [doc]) > max_bytes):
            yield batch
            batch = []
        batch.append(doc)
    if batch:
        yield batch

def semantic_search(index, vector, k):
    res = index.documents.search(namespace="films", top_k=k,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
    return [m.id for m in res.matches]

def keyword_search(index, text, k):
    res = index.documents.search(namespace="films", top_k=k,
                                 score_by=[{"type": "text", "fields": ["title", "description"], "query": text}])
    return [m.id for m in res.matches]

STAR_QUERY = 'title:("star wars" OR trek) AND NOT title:lego'
FILTERS = {"DRAMA_1990S": {"genres": {"$in": ["Drama"]}, "year": {"$gte": 1990, "$lte": 1999}},
           "TITLE_PHRASE": {"title": {"$match_phrase": "the return"}}}

def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):
    film = index.documents.fetch(namespace="films", ids=[movie_id], include_fields=["embedding"]).documents[movie_id]
    clauses = []
    if genre is not None:
        clauses.append({"genres": {"$in": [genre]}})
    if min_year is not None:
        clauses.append({"year": {"$gte": min_year}})
    if phrase is not None:
        clauses.append({"description": {"$match_phrase": phrase}})
    res = index.documents.search(namespace="films", top_k=k + 1, filter={"$and": clauses} if clauses else None,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": film.embedding}])
    return [m.id for m in res.matches if m.id != movie_id][:k]

WHICH_SEARCH = {"a classic Disney cartoon": "semantic", "a film set in New York City": "keyword"}
'''

# correct, written differently: SchemaBuilder-free typed calls, ConflictError, Lucene `+`/`-`, top_k=k+20
ALTERNATIVE = '''
import os
import numpy as np
from pinecone import Pinecone

def make_client():
    key = os.getenv("PINECONE_API_KEY")
    if key is None or not key.strip():
        raise EnvironmentError("Set PINECONE_API_KEY in the environment (export PINECONE_API_KEY=...)")
    return Pinecone(api_key=key.strip())

def create_film_index(pc, name):
    try:
        pc.indexes.create(name=name, tags={"env": "dev", "project": "movie-recs"},
                          deployment={"region": "us-east-1", "cloud": "aws", "deployment_type": "managed"},
                          schema={"fields": {
                              "title": {"type": "string", "full_text_search": {"language": "en"}},
                              "description": {"type": "string",
                                              "full_text_search": {"stemming": True, "stop_words": True}},
                              "embedding": {"type": "dense_vector", "metric": "cosine", "dimension": 384}}})
    except Exception as exc:
        if getattr(exc, "status_code", None) != 409:
            raise
    return pc.indexes.describe(name)

def film_documents(df, vectors):
    out = []
    for i, row in enumerate(df.to_dict("records")):
        doc = {"_id": row["id"], "embedding": np.asarray(vectors[i], dtype=float).tolist(),
               "title": row["title"], "description": row["text"]}
        for key, cast in (("year", int), ("rating", float), ("votes", int), ("mpaa", str)):
            if not pd.isna(row[key]):
                doc[key] = cast(row[key])
        if len(row["genres"]) > 0:
            doc["genres"] = list(map(str, row["genres"]))
        out.append(doc)
    return out

def batches(documents, max_docs=1000, max_bytes=2_000_000):
    docs = list(documents)
    start = 0
    while start < len(docs):
        end = start
        while end < len(docs) and end - start < max_docs and body_bytes(docs[start:end + 1]) <= max_bytes:
            end += 1
        if end == start:
            raise ValueError("document too large for one request")
        yield docs[start:end]
        start = end

def semantic_search(index, vector, k):
    return [m.id for m in index.documents.search(namespace="films", top_k=k, include_fields=["title"],
            score_by=[{"type": "dense_vector", "field": "embedding", "values": list(vector)}]).matches]

def keyword_search(index, text, k):
    return [m.id for m in index.documents.search(namespace="films", top_k=k, score_by=[
        {"type": "text", "fields": ["title"], "query": text},
        {"type": "text", "fields": ["description"], "query": text}]).matches]

STAR_QUERY = '+title:("star wars" trek) -title:lego'
FILTERS = {"DRAMA_1990S": {"$and": [{"genres": "Drama"}, {"year": {"$gt": 1989}}, {"year": {"$lt": 2000}}]},
           "TITLE_PHRASE": {"$and": [{"title": {"$match_phrase": "the return"}}]}}

def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):
    got = index.documents.fetch(namespace="films", ids=[movie_id]).documents
    vec = got[movie_id].embedding
    flt = {}
    if genre:
        flt["genres"] = {"$eq": genre}
    if min_year is not None:
        flt["year"] = {"$gte": min_year}
    if phrase:
        flt["description"] = {"$match_phrase": phrase}
    res = index.documents.search(namespace="films", top_k=k + 20, filter=flt or None,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": vec}])
    return [m.id for m in res.matches if m.id != movie_id][:k]

WHICH_SEARCH = {"a film set in New York City": "Keyword", "a classic Disney cartoon": "semantic "}
'''

MISTAKES = {
    "make_client": '''
def make_client():
    return Pinecone(api_key=os.environ["PINECONE_API_KEY"])          # bare KeyError when missing
''',
    "create_film_index": '''
def create_film_index(pc, name):
    if not pc.indexes.exists(name):                                    # a vector index: no documents API
        pc.indexes.create(name=name,
                          schema={"fields": {"_values": {"type": "dense_vector", "dimension": 384,
                                                         "metric": "cosine"}}},
                          deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"},
                          tags={"project": "movie-recs", "env": "dev"})
    return pc.indexes.describe(name)
''',
    "film_documents": '''
def film_documents(df, vectors):                                       # metadata nested, nulls kept
    return [{"_id": r["id"], "embedding": v.tolist(), "title": r["title"], "description": r["text"],
             "metadata": {"year": int(r["year"]), "mpaa": None if pd.isna(r["mpaa"]) else r["mpaa"]}}
            for (_, r), v in zip(df.iterrows(), vectors)]
''',
    "batches": '''
def batches(documents, max_docs=1000, max_bytes=2_000_000):            # ignores the 2 MB limit
    docs = list(documents)
    for i in range(0, len(docs), max_docs):
        yield docs[i:i + max_docs]
''',
    "batches_strict": '''
def batches(documents, max_docs=1000, max_bytes=2_000_000):            # < instead of <=: wastes requests
    batch = []
    for doc in documents:
        if body_bytes([doc]) >= max_bytes:
            raise ValueError("too big")
        if batch and (len(batch) == max_docs or body_bytes(batch + [doc]) >= max_bytes):
            yield batch
            batch = []
        batch.append(doc)
    if batch:
        yield batch
''',
    "keyword_search": '''
def keyword_search(index, text, k):                                    # title only
    return [m.id for m in index.documents.search(namespace="films", top_k=k,
            score_by=[{"type": "text", "fields": ["title"], "query": text}]).matches]
''',
    "STAR_QUERY": '''
STAR_QUERY = 'title:(star wars OR trek) AND NOT title:lego'           # words, not the phrase
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):   # filters in Python
    film = index.documents.fetch(namespace="films", ids=[movie_id]).documents[movie_id]
    res = index.documents.search(namespace="films", top_k=300, include_fields=["*"],
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": film.embedding}])
    out = []
    for m in res.matches:
        if m.id == movie_id or (genre and genre not in (getattr(m, "genres", None) or [])):
            continue
        if (min_year and m.year < min_year) or (phrase and phrase not in m.description):
            continue
        out.append(m.id)
    return out[:k]
''',
    "recommend_gt": '''
def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):   # year > min_year
    film = index.documents.fetch(namespace="films", ids=[movie_id]).documents[movie_id]
    flt = {"year": {"$gt": min_year}} if min_year else None
    if genre:
        flt = {**(flt or {}), "genres": genre}
    if phrase:
        flt = {**(flt or {}), "description": {"$match_phrase": phrase}}
    res = index.documents.search(namespace="films", top_k=k + 1, filter=flt,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": film.embedding}])
    return [m.id for m in res.matches if m.id != movie_id][:k]
''',
}


def body_bytes(batch) -> int:
    return len(orjson.dumps({"documents": batch}))


def _exec(code: str, base: dict | None = None) -> dict:
    import pandas as pd

    ns = dict(base or {"pd": pd, "body_bytes": body_bytes})
    exec(code, ns)  # noqa: S102 - course answers written in this file
    return ns


@pytest.fixture(scope="module")
def lab():
    pc = course.start("phase2", show=False)
    name, index, docs, vecs = P._reference_index(pc, 0, N)
    yield pc, index, docs, vecs
    pc.indexes.delete(name)


@pytest.fixture(scope="module", params=["reference", "alternative"])
def answer(request):
    return _exec(REFERENCE if request.param == "reference" else ALTERNATIVE)


def test_sdk_sends_what_body_bytes_counts(lab):
    """The 2 MB limit is the encoded body; orjson (the SDK's encoder) of {"documents": batch} is it."""
    from autograder.checks.common import watch

    _, index, docs, _ = lab
    batch = [dict(d, _id=f"probe-{i}") for i, d in enumerate(docs[:3])]
    assert body_bytes(batch) < len(json.dumps({"documents": batch}))      # compact, not json.dumps' spaces
    with watch(index=None) as log:
        index.documents.upsert(namespace="probe", documents=batch)
    assert [e["operation"] for e in log if e["operation"].endswith("_documents")] == ["upsert_documents"]


def test_correct_answers_pass_every_check(lab, answer):
    _, index, docs, vecs = lab
    P.check_make_client(answer["make_client"])
    P.check_create_film_index(answer["create_film_index"])
    P.check_film_documents(answer["film_documents"])
    P.check_batches(answer["batches"], body_bytes)
    P.check_loaded_films(index, N)
    P.check_semantic_search(answer["semantic_search"], index, vecs, [d["_id"] for d in docs])
    P.check_keyword_search(answer["keyword_search"], index)
    P.check_query_string(answer["STAR_QUERY"], index)
    assert P.check_filters(answer["FILTERS"], index, vecs[0].tolist()) == 2
    P.check_recommend(answer["recommend"], index, vecs, docs)
    P.check_which_search(answer["WHICH_SEARCH"])


FAILS = {  # mistake -> (check, words its message must contain)
    "make_client": ("make_client", "bare KeyError"),
    "create_film_index": ("create_film_index", "vector index"),
    "film_documents": ("film_documents", "metadata"),
    "batches": ("batches", "limit was"),
    "batches_strict": ("batches", "still fit"),
    "keyword_search": ("keyword_search", "both 'title' and 'description'"),
    "STAR_QUERY": ("query_string", "should not"),
    "recommend": ("recommend", "filter on the server"),
    "recommend_gt": ("recommend", "year"),
}


@pytest.mark.parametrize("mistake", sorted(FAILS))
def test_typical_mistakes_fail_their_check_with_a_teaching_message(lab, mistake):
    import os

    from pinecone import Pinecone

    _, index, docs, vecs = lab
    ns = _exec(REFERENCE)
    ns.update({"os": os, "Pinecone": Pinecone})
    ns = _exec(MISTAKES[mistake], ns)
    check, words = FAILS[mistake]
    run = {
        "make_client": lambda: P.check_make_client(ns["make_client"]),
        "create_film_index": lambda: P.check_create_film_index(ns["create_film_index"]),
        "film_documents": lambda: P.check_film_documents(ns["film_documents"]),
        "batches": lambda: P.check_batches(ns["batches"], body_bytes),
        "keyword_search": lambda: P.check_keyword_search(ns["keyword_search"], index),
        "query_string": lambda: P.check_query_string(ns["STAR_QUERY"], index),
        "recommend": lambda: P.check_recommend(ns["recommend"], index, vecs, docs),
    }[check]
    with pytest.raises(AssertionError) as err:
        run()
    assert words in str(err.value), str(err.value)


def test_filters_score_one_point_each(lab, capsys):
    _, index, _, vecs = lab
    off_by_one = {"DRAMA_1990S": {"genres": "Drama", "year": {"$gt": 1990, "$lt": 1999}},
                  "TITLE_PHRASE": {"title": {"$match_phrase": "the return"}}}
    assert P.check_filters(off_by_one, index, vecs[0].tolist()) == 1
    words = {"DRAMA_1990S": {"genres": "Drama", "year": {"$gte": 1990, "$lte": 1999}},
             "TITLE_PHRASE": {"title": {"$match_all": "the return"}}}      # any order: "Return of the Jedi"
    assert P.check_filters(words, index, vecs[0].tolist()) == 1
    assert P.check_filters({}, index, vecs[0].tolist()) == 0
    assert "TITLE_PHRASE" in capsys.readouterr().out


def test_the_which_search_examples_are_real(lab):
    """The pairs FINDS names hold on the loaded films: top 10 of each search, measured."""
    _, index, docs, _ = lab
    title = {d["_id"]: d["title"] for d in docs}
    qv = dict(zip(datasets.query_texts(), datasets.query_vectors(), strict=True))

    def both(q):
        dense = [title[i] for i in P._ids(P._search(
            index, [{"type": "dense_vector", "field": "embedding", "values": qv[q].tolist()}], 10))]
        kw = [title[i] for i in P._ids(P._search(index, [{"type": "text", "fields": ["title"], "query": q}], 10))]
        return dense, kw

    dense, kw = both("a classic Disney cartoon")
    assert {"Cinderella", "Peter Pan"} <= set(dense) and not {"Cinderella", "Peter Pan"} & set(kw), (dense, kw)
    dense, kw = both("a film set in New York City")
    assert "Home Alone 2: Lost in New York" in kw[:5] and "Home Alone 2: Lost in New York" not in dense, (dense, kw)
    assert set(P.FINDS.values()) == {"semantic", "keyword"}
