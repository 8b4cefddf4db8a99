"""Phase 2 (the films as a document index) graded by real nbgrader: the solution, the blank release,
two correct solutions written differently, and three students with typical mistakes.

The students were written from the notebook's instructions, not from its solution cells. Each
mistake loses its own exercise's points; where a mistake breaks the data the notebook loads, the
load check (``test_loaded``) loses its point too, and the test says so.
"""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASE = "phase2"

DOC_FACTS_TRUE = "a fetch without include_fields returns every field of each document"

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
    "doc_facts": f'''
DOC_FACTS = dict.fromkeys([
    "every metadata field (year, genres, ...) must be declared in the schema",
    'a field declared as {{"type": "string"}} with nothing else is accepted',
    "a search without include_fields returns each match's title",
    "{DOC_FACTS_TRUE}",
    "one search can combine a dense_vector clause with a text clause",
    "a metadata value of None is refused with a 400",
], False)
DOC_FACTS["{DOC_FACTS_TRUE}"] = True
''',
    "create_film_index": '''
from pinecone import ConflictError, SchemaBuilder

def create_film_index(pc, name):
    schema = (SchemaBuilder()
              .add_string_field("title", full_text_search={"language": "en"})
              .add_string_field("description", full_text_search={"stemming": True, "stop_words": True})
              .add_dense_vector_field("embedding", dimension=384, metric="cosine")
              .build())
    try:
        pc.indexes.create(name=name, schema=schema, tags={"env": "dev", "project": "movie-recs"},
                          deployment={"region": "us-east-1", "cloud": "aws", "deployment_type": "managed"})
    except ConflictError:
        pass
    return pc.indexes.describe(name)
''',
    "film_documents": '''
import numpy as np

def film_documents(df, vectors):
    out = []
    for i, row in enumerate(df.to_dict("records")):
        doc = {"_id": row["id"], "embedding": np.asarray(vectors[i], dtype=float).tolist(),
               "title": row["title"], "description": row["text"]}
        for key, cast in (("year", int), ("votes", int), ("rating", float), ("mpaa", str)):
            if not pd.isna(row[key]):
                doc[key] = cast(row[key])
        if len(row["genres"]) > 0:
            doc["genres"] = list(map(str, row["genres"]))
        out.append(doc)
    return out
''',
    "batches": '''
def batches(documents, max_docs=1000, max_bytes=2_000_000):
    docs = list(documents)
    overhead = course.upsert_bytes([])
    own = [course.upsert_bytes([d]) - overhead for d in docs]
    start = 0
    while start < len(docs):
        if overhead + own[start] > max_bytes:
            raise ValueError("document too large for one request")
        end, body = start + 1, overhead + own[start]
        while end < len(docs) and end - start < max_docs and body + 1 + own[end] <= max_bytes:
            body += 1 + own[end]
            end += 1
        yield docs[start:end]
        start = end
''',
    "semantic_search": '''
from pinecone import DenseVectorQuery

def semantic_search(index, vector, k):
    res = index.documents.search(namespace="films", top_k=k, include_fields=["title"],
                                 score_by=[DenseVectorQuery(field="embedding", values=list(vector))])
    return [m.id for m in res.matches]
''',
    "keyword_search": '''
def keyword_search(index, text, k):
    return [m.id for m in index.documents.search(namespace="films", top_k=k, score_by=[
        {"type": "text", "fields": ["title"], "query": text},
        {"type": "text", "fields": ["description"], "query": text}]).matches]
''',
    "which_search": '''
WHICH_SEARCH = {"a film set in New York City": "Keyword", "a classic Disney cartoon": "semantic "}
''',
    "star_query": '''
STAR_QUERY = '+title:("star wars" trek) -title:lego'
''',
    "drama_1990s": '''
DRAMA_1990S = {"$and": [{"genres": "Drama"}, {"year": {"$gt": 1989}}, {"year": {"$lt": 2000}}]}
''',
    "title_phrase": '''
TITLE_PHRASE = {"$and": [{"title": {"$match_phrase": "The Return"}}]}
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):
    vec = index.documents.fetch(namespace="films", ids=[movie_id]).documents[movie_id].embedding
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
''',
}

# Correct again, in a third way: typed queries, a generator with itertools, include_fields=["*"],
# sorting the matches by score itself, and an $or-free filter built from a list.
ALTERNATIVE_2 = {
    "make_client": '''
import os
from pinecone import Pinecone

def make_client():
    if not os.environ.get("PINECONE_API_KEY", "").strip():
        raise KeyError("PINECONE_API_KEY is missing or blank: set it in your shell with export PINECONE_API_KEY=...")
    return Pinecone()                      # the SDK reads PINECONE_API_KEY itself
''',
    "create_film_index": '''
def create_film_index(pc, name):
    if name not in [m.name for m in pc.indexes.list()]:
        fields = {"embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"},
                  "title": {"type": "string", "full_text_search": {}},
                  "description": {"type": "string", "full_text_search": {"language": "en", "stemming": True}}}
        pc.indexes.create(name=name, tags={"project": "movie-recs", "env": "dev", "owner": "me"},
                          deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"},
                          schema={"fields": fields})
    return pc.indexes.describe(name)
''',
    "film_documents": '''
def film_documents(df, vectors):
    def keep(v):
        return not (v is None or v is pd.NA or v != v)
    docs = []
    for row, vec in zip(df.itertuples(index=False), vectors):
        doc = {"_id": str(row.id), "title": str(row.title), "description": str(row.text),
               "embedding": [float(x) for x in vec], "year": int(row.year), "votes": int(row.votes)}
        if keep(row.rating):
            doc["rating"] = float(row.rating)
        if keep(row.mpaa):
            doc["mpaa"] = str(row.mpaa)
        genres = [str(g) for g in row.genres]
        if genres:
            doc["genres"] = genres
        docs.append(doc)
    return docs
''',
    "batches": '''
def batches(documents, max_docs=1000, max_bytes=2_000_000):
    empty = course.upsert_bytes([])
    current, used = [], empty
    for doc in documents:
        need = course.upsert_bytes([doc]) - empty + (1 if current else 0)
        if course.upsert_bytes([doc]) > max_bytes:
            raise ValueError(f"{doc['_id']} cannot be sent in any request")
        if len(current) >= max_docs or used + need > max_bytes:
            yield current
            current, used = [], empty
            need -= 1
        current.append(doc)
        used += need
    if current:
        yield current
''',
    "semantic_search": '''
def semantic_search(index, vector, k):
    res = index.documents.search(namespace="films", top_k=k, include_fields=["*"],
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
    ranked = sorted(res.matches, key=lambda m: -m.score)
    return [m.id for m in ranked]
''',
    "keyword_search": '''
from pinecone import TextQuery

def keyword_search(index, text, k):
    res = index.documents.search(namespace="films", top_k=k,
                                 score_by=[TextQuery(query=text, fields=["description", "title"])])
    return [match.id for match in res.matches]
''',
    "star_query": '''
STAR_QUERY = '(title:"star wars" OR title:trek) AND NOT title:lego'
''',
    "drama_1990s": '''
DRAMA_1990S = {"genres": {"$in": ["Drama"]}, "year": {"$in": list(range(1990, 2000))}}
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):
    film = index.documents.fetch(namespace="films", ids=[movie_id], include_fields=["*"]).documents[movie_id]
    parts = []
    if phrase:
        parts.append({"description": {"$match_phrase": phrase}})
    if min_year is not None:
        parts.append({"year": {"$gte": min_year}})
    if genre:
        parts.append({"genres": {"$in": [genre]}})
    kwargs = {"filter": {"$and": parts}} if parts else {}
    res = index.documents.search(namespace="films", top_k=k + 1, include_fields=["title"], **kwargs,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": film.embedding}])
    ranked = sorted((m for m in res.matches if m.id != movie_id), key=lambda m: m.score, reverse=True)
    return [m.id for m in ranked[:k]]
''',
}

# Every exercise wrong in a way that keeps the notebook running (the data still loads).
MISTAKES = {
    "make_client": '''
import os
from pinecone import Pinecone

def make_client():
    return Pinecone(api_key=os.environ["PINECONE_API_KEY"])          # bare KeyError when missing
''',
    "doc_facts": f'''
DOC_FACTS = {{
    "every metadata field (year, genres, ...) must be declared in the schema": False,
    'a field declared as {{"type": "string"}} with nothing else is accepted': False,
    "a search without include_fields returns each match's title": False,
    "{DOC_FACTS_TRUE}": True,
    "one search can combine a dense_vector clause with a text clause": False,
    "a metadata value of None is refused with a 400": True,             # it is dropped silently
}}
''',
    "create_film_index": '''
def create_film_index(pc, name):
    if not pc.indexes.exists(name):                                    # forgot the tags
        pc.indexes.create(name=name, schema={"fields": {
            "embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"},
            "title": {"type": "string", "full_text_search": {}},
            "description": {"type": "string", "full_text_search": {"stemming": True}}}},
            deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"})
    return pc.indexes.describe(name)
''',
    "film_documents": '''
def film_documents(df, vectors):                                       # keeps None for a missing MPAA rating
    out = []
    for (_, r), v in zip(df.iterrows(), vectors):
        out.append({"_id": r["id"], "embedding": [float(x) for x in v], "title": r["title"],
                    "description": r["text"], "year": int(r["year"]), "votes": int(r["votes"]),
                    "rating": None if pd.isna(r["rating"]) else float(r["rating"]),
                    "mpaa": None if pd.isna(r["mpaa"]) else str(r["mpaa"]),
                    "genres": [str(g) for g in r["genres"]]})
    return out
''',
    "batches": '''
def batches(documents, max_docs=1000, max_bytes=2_000_000):            # < instead of <=: wastes requests
    batch = []
    for doc in documents:
        if course.upsert_bytes([doc]) >= max_bytes:
            raise ValueError("too big")
        if batch and (len(batch) == max_docs or course.upsert_bytes(batch + [doc]) >= max_bytes):
            yield batch
            batch = []
        batch.append(doc)
    if batch:
        yield batch
''',
    "semantic_search": '''
def semantic_search(index, vector, k):                                 # always 10
    res = index.documents.search(namespace="films", top_k=10,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
    return [m.id for m in res.matches]
''',
    "keyword_search": '''
def keyword_search(index, text, k):                                    # title only
    return [m.id for m in index.documents.search(namespace="films", top_k=k,
            score_by=[{"type": "text", "fields": ["title"], "query": text}]).matches]
''',
    "which_search": '''
WHICH_SEARCH = {"a classic Disney cartoon": "keyword", "a film set in New York City": "semantic"}
''',
    "star_query": '''
STAR_QUERY = 'title:(star wars OR trek) AND NOT title:lego'           # the words, not the phrase
''',
    "drama_1990s": '''
DRAMA_1990S = {"genres": "Drama", "year": {"$gt": 1990, "$lt": 1999}}  # both years left out
''',
    "title_phrase": '''
TITLE_PHRASE = {"title": {"$match_all": "the return"}}                 # any order: Return of the Jedi
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
}

# Other typical mistakes. Batches that ignore the 2 MB limit are refused with a 413 when the films
# load, so nothing loads and test_loaded loses its point as well.
MISTAKES_2 = {
    "make_client": '''
from pinecone import Pinecone

def make_client():
    return Pinecone(api_key="pclocal-my-key")                          # a key written in the notebook
''',
    "doc_facts": f'''
DOC_FACTS = {{
    "every metadata field (year, genres, ...) must be declared in the schema": True,
    'a field declared as {{"type": "string"}} with nothing else is accepted': False,
    "a search without include_fields returns each match's title": False,
    "{DOC_FACTS_TRUE}": True,
    "one search can combine a dense_vector clause with a text clause": False,
    "a metadata value of None is refused with a 400": False,
}}
''',
    "create_film_index": '''
def create_film_index(pc, name):                                       # fails when the index exists
    pc.indexes.create(name=name, schema={"fields": {
        "embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"},
        "title": {"type": "string", "full_text_search": {}},
        "description": {"type": "string", "full_text_search": {"stemming": True}}}},
        deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"},
        tags={"project": "movie-recs", "env": "dev"})
    return pc.indexes.describe(name)
''',
    "film_documents": '''
def film_documents(df, vectors):                                       # NaN ratings kept (sent as null)
    out = []
    for (_, r), v in zip(df.iterrows(), vectors):
        doc = {"_id": r["id"], "embedding": [float(x) for x in v], "title": r["title"], "description": r["text"],
               "year": int(r["year"]), "votes": int(r["votes"]), "rating": float(r["rating"])}
        if isinstance(r["mpaa"], str):
            doc["mpaa"] = r["mpaa"]
        if len(r["genres"]):
            doc["genres"] = list(r["genres"])
        out.append(doc)
    return out
''',
    "batches": '''
def batches(documents, max_docs=1000, max_bytes=2_000_000):            # ignores the 2 MB limit
    docs = list(documents)
    for i in range(0, len(docs), max_docs):
        yield docs[i:i + max_docs]
''',
    "which_search": '''
WHICH_SEARCH = {"a classic Disney cartoon": "semantic", "a film set in New York City": "semantic"}
''',
    "star_query": '''
STAR_QUERY = 'title:"star wars" OR title:trek'                         # forgot lego (no Lego film in the 2,000)
''',
    "drama_1990s": '''
DRAMA_1990S = {"genres": {"$in": ["Drama"]}, "year": {"$gte": 1990, "$lte": 2000}}
''',
    "title_phrase": '''
TITLE_PHRASE = {"title": {"$eq": "the return"}}                        # a comparison on a text field: 400
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):   # year > min_year
    film = index.documents.fetch(namespace="films", ids=[movie_id]).documents[movie_id]
    flt = {"year": {"$gt": min_year}} if min_year else {}
    if genre:
        flt["genres"] = genre
    if phrase:
        flt["description"] = {"$match_phrase": phrase}
    res = index.documents.search(namespace="films", top_k=k + 1, filter=flt or None,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": film.embedding}])
    return [m.id for m in res.matches if m.id != movie_id][:k]
''',
}

# A vector index instead of a document index: the films cannot load into it (test_loaded loses its
# point too), yet every later exercise is graded on the grader's own index and keeps its points.
MISTAKES_3 = {
    "create_film_index": '''
def create_film_index(pc, name):
    if not pc.indexes.exists(name):
        pc.indexes.create(name=name, schema={"fields": {"_values": {"type": "dense_vector", "dimension": 384,
                                                                    "metric": "cosine"}}},
                          deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"},
                          tags={"project": "movie-recs", "env": "dev"})
    return pc.indexes.describe(name)
''',
    "keyword_search": '''
def keyword_search(index, text, k):                                    # a query string: the words must all match
    res = index.documents.search(namespace="films", top_k=k,
                                 score_by=[{"type": "query_string", "query": " AND ".join(text.split())}])
    return [m.id for m in res.matches]
''',
    "recommend": '''
def recommend(index, movie_id, k, genre=None, min_year=None, phrase=None):   # the film itself included
    film = index.documents.fetch(namespace="films", ids=[movie_id]).documents[movie_id]
    flt = [c for c in ({"genres": genre} if genre else None, {"year": {"$gte": min_year}} if min_year else None,
                       {"description": {"$match_phrase": phrase}} if phrase else None) if c]
    res = index.documents.search(namespace="films", top_k=k, filter={"$and": flt} if flt else None,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": film.embedding}])
    return [m.id for m in res.matches]
''',
}

FULL = {"test_make_client": 1, "test_doc_facts": 1, "test_create_film_index": 2, "test_film_documents": 2,
        "test_batches": 3, "test_loaded": 1, "test_semantic_search": 1, "test_keyword_search": 1,
        "test_which_search": 1, "test_star_query": 1, "test_drama_1990s": 1, "test_title_phrase": 1,
        "test_recommend": 3}


class TestPhase2(PhaseContract):
    PHASE = PHASE
    STUDENTS = {"alternative": ALTERNATIVE, "alternative2": ALTERNATIVE_2, "mistakes": MISTAKES,
                "mistakes2": MISTAKES_2, "mistakes3": MISTAKES_3}
    MAX_TOTAL = 19

    def test_points_are_the_table(self, run):
        assert run.graded.max_scores == FULL, run.graded.max_scores

    def test_second_alternative_full_marks(self, run):
        assert run.scores("alternative2") == run.graded.max_scores

    def test_typical_mistakes_lose_their_points(self, run):
        s = run.scores("mistakes")       # every exercise wrong; the data still loads whole
        assert s == {**dict.fromkeys(FULL, 0), "test_loaded": 1}, s

    def test_other_mistakes_lose_their_points(self, run):
        s = run.scores("mistakes2")      # only semantic and keyword search right; a 413 stops the load
        assert s == {**dict.fromkeys(FULL, 0), "test_semantic_search": 1, "test_keyword_search": 1}, s

    def test_a_wrong_index_costs_its_points_and_the_load(self, run):
        s = run.scores("mistakes3")
        lost = {"test_create_film_index", "test_loaded", "test_keyword_search", "test_recommend"}
        assert s == {k: (0 if k in lost else v) for k, v in FULL.items()}, s
