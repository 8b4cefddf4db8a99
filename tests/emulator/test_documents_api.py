"""The 2026-07 Documents API and document indexes, through the official SDK 10 over real HTTP."""
from __future__ import annotations

import re
import string
from importlib.metadata import version

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if int(version("pinecone").split(".")[0]) < 10:
    pytest.skip("the Documents API (index.documents) is new in SDK 10", allow_module_level=True)

from pinecone import ApiError, DenseVectorQuery, QueryStringQuery, SparseVectorQuery, TextQuery

from pinecone_ops.emulator.server import LocalPinecone

DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}
SCHEMA = {"fields": {"content": {"type": "string", "full_text_search": {}},
                     "title": {"type": "string", "full_text_search": {"stemming": True, "stop_words": True}},
                     "embedding": {"type": "dense_vector", "dimension": 4, "metric": "cosine"},
                     "keywords": {"type": "sparse_vector"}}}
DOCS = [
    {"_id": "doc-1", "content": "Machine learning is a subset of artificial intelligence.",
     "title": "The running of machines", "embedding": [1.0, 0.0, 0.0, 0.0], "category": "tech", "year": 2001,
     "keywords": {"indices": [1, 5], "values": [0.5, 1.0]}},
    {"_id": "doc-2", "content": "Deep learning uses neural networks with many layers.",
     "title": "Networks", "embedding": [0.0, 1.0, 0.0, 0.0], "category": "research", "year": 2015},
    {"_id": "doc-3", "content": "Rome was not built in a day.", "title": "History of Rome",
     "embedding": [0.0, 0.0, 1.0, 0.0], "category": "history", "year": 1990, "note": None},
]
NS = "it docs/a1"  # a slash: the SDK percent-encodes the namespace segment


@pytest.fixture
def docs_index(pc):
    model = pc.indexes.create(name="docs", schema=SCHEMA, deployment=DEPLOYMENT)
    idx = pc.index(host=model.host)
    idx.documents.upsert(namespace=NS, documents=DOCS)
    yield idx
    idx.close()


def _raw(server, path: str, body: dict | bytes) -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return httpx.post(f"{server.url}/index/docs{path}", content=content,
                      headers={"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2026-07",
                               "Content-Type": "application/json"}, timeout=30)


# ---------------------------------------------------------------------------------------- control plane

def test_describe_shows_the_schema_as_sdk10_decodes_it(pc):
    pc.indexes.create(name="docs", schema=SCHEMA, deployment=DEPLOYMENT)
    fields = pc.indexes.describe("docs").schema.fields
    assert type(fields["content"]).__name__ == "StringField"
    fts = fields["title"].full_text_search
    assert (fts.language, fts.stemming, fts.stop_words, fts.ngram) == ("en", True, True, None)
    assert (fields["embedding"].dimension, fields["embedding"].metric) == (4, "cosine")
    assert type(fields["keywords"]).__name__ == "SparseVectorField"
    listed = {m.name: m for m in pc.indexes.list()}
    assert listed["docs"].schema.fields["content"].full_text_search.language == "en"


def test_ngram_field_is_described_with_its_config(pc):
    schema = {"fields": {"sku": {"type": "string", "full_text_search": {"ngram": {"min_gram": 2, "max_gram": 3}}}}}
    pc.indexes.create(name="ng", schema=schema, deployment=DEPLOYMENT)
    ngram = pc.indexes.describe("ng").schema.fields["sku"].full_text_search.ngram
    assert (ngram.min_gram, ngram.max_gram, ngram.prefix_only) == (2, 3, False)


@pytest.mark.parametrize(("field", "status", "needle"), [
    ({"type": "string"}, 422, "full_text_search"),
    ({"type": "string", "full_text_search": {}, "filterable": True}, 400, "only accepts fields used for search"),
    ({"type": "float"}, 400, "metadata type"),
    ({"type": "string_list"}, 400, "metadata type"),
    ({"type": "string", "full_text_search": {"stop_words": True}}, 400, "stop_words requires stemming"),
    ({"type": "string", "full_text_search": {"ngram": {"min_gram": 2, "max_gram": 3}, "stemming": True}}, 400,
     "ngram cannot be combined"),
    ({"type": "string", "full_text_search": {"ngram": {"min_gram": 2, "max_gram": 3}, "language": "en"}}, 400,
     "ngram replaces language"),
    ({"type": "string", "full_text_search": {"ngram": {"min_gram": 4, "max_gram": 3}}}, 400, "min_gram"),
    ({"type": "string", "full_text_search": {"ngram": {"min_gram": 1, "max_gram": 11}}}, 400, "max_gram"),
    ({"type": "string", "full_text_search": {"language": "xx"}}, 400, "unsupported language"),
    ({"type": "string", "full_text_search": {"bogus": 1}}, 422, "unknown field"),
    ({"type": "dense_vector", "dimension": 20_001, "metric": "cosine"}, 400, "dimension"),
    ({"type": "string", "embed": {"model": "x"}}, 400, "hosted models"),
])
def test_schema_rules(server, pc, field, status, needle):
    body = {"name": "bad", "deployment": DEPLOYMENT,
            "schema": {"fields": {"emb": {"type": "dense_vector", "dimension": 2, "metric": "cosine"}, "f": field}}}
    r = httpx.post(f"{server.url}/indexes", json=body,
                   headers={"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2026-07"})
    assert r.status_code == status, r.text
    assert needle in r.json()["error"]["message"]
    assert "bad" not in [m.name for m in pc.indexes.list()]


@pytest.mark.parametrize("deployment", [{"invalid": {}}, {"serverless": {"cloud": "aws", "region": "us-east-1"}}])
def test_unknown_deployment_keys_are_422(server, pc, deployment):
    body = {"name": "dep", "deployment": deployment,
            "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": 2, "metric": "cosine"}}}}
    r = httpx.post(f"{server.url}/indexes", json=body, headers={"Api-Key": "pclocal"})
    assert r.status_code == 422, r.text
    assert "dep" not in [m.name for m in pc.indexes.list()]


def test_an_index_stays_on_its_api(pc, docs_index, make_index):
    with pytest.raises(ApiError) as exc:
        docs_index.upsert(vectors=[{"id": "a", "values": [1.0, 0.0, 0.0, 0.0]}])
    assert exc.value.status_code == 400 and "Documents API" in str(exc.value)
    vec = make_index("vec", dimension=4)
    with pytest.raises(ApiError) as exc:
        vec.documents.upsert(namespace="n", documents=[{"_id": "a", "x": "y"}])
    assert exc.value.status_code == 400 and "Vectors API" in str(exc.value)


# ---------------------------------------------------------------------------------------- data plane

def test_fetch_by_ids_and_filter_returns_every_field_by_default(docs_index):
    got = docs_index.documents.fetch(namespace=NS, ids=["doc-1", "missing"])
    assert set(got.documents) == {"doc-1"}
    d = got.documents["doc-1"].to_dict()
    assert d["category"] == "tech" and d["year"] == 2001.0 and d["embedding"] == [1.0, 0.0, 0.0, 0.0]
    assert "note" not in docs_index.documents.fetch(namespace=NS, ids=["doc-3"]).documents["doc-3"].to_dict()
    filtered = docs_index.documents.fetch(namespace=NS, filter={"year": {"$gte": 2000}}, include_fields=["year"])
    assert {k: v.to_dict() for k, v in filtered.documents.items()} == {
        "doc-1": {"_id": "doc-1", "year": 2001.0}, "doc-2": {"_id": "doc-2", "year": 2015.0}}


def test_search_include_fields_semantics(docs_index):
    score_by = [DenseVectorQuery(field="embedding", values=[1.0, 0.0, 0.0, 0.0])]
    for include in (None, []):
        m = docs_index.documents.search(namespace=NS, top_k=1, score_by=score_by, include_fields=include).matches
        assert set(m[0].to_dict()) == {"_id", "_score"}
    m = docs_index.documents.search(namespace=NS, top_k=1, score_by=score_by, include_fields=["*"]).matches[0]
    assert {"content", "category", "embedding"} <= set(m.to_dict()) and m.id == "doc-1"
    assert m.score == pytest.approx(1.0)


def test_dense_search_with_filter_and_sparse_search(docs_index):
    r = docs_index.documents.search(namespace=NS, top_k=2, include_fields=["category"],
                                    score_by=[DenseVectorQuery(field="embedding", values=[0.0, 1.0, 0.0, 0.0])],
                                    filter={"category": {"$in": ["research", "history"]}})
    assert [m.id for m in r.matches] == ["doc-2", "doc-3"] and r.matches[0].category == "research"
    r = docs_index.documents.search(namespace=NS, top_k=5, score_by=[
        SparseVectorQuery(field="keywords", sparse_values={"indices": [5], "values": [2.0]})])
    assert [(m.id, m.score) for m in r.matches] == [("doc-1", 2.0)]


def test_text_and_query_string_clauses(docs_index):
    def ids(score_by, **kw):
        return [m.id for m in docs_index.documents.search(namespace=NS, top_k=10, score_by=score_by, **kw).matches]

    assert ids([TextQuery(query="machine learning", fields=["content"])])[0] == "doc-1"
    assert ids([TextQuery(query="learning", fields=["content"])]) != []
    # title has stemming: "run" finds "running"; content has none: "learn" finds nothing
    assert ids([TextQuery(query="run", fields=["title"])]) == ["doc-1"]
    assert ids([TextQuery(query="learn", fields=["content"])]) == []
    assert ids([QueryStringQuery(query="content:(learning NOT deep)")]) == ["doc-1"]
    assert ids([QueryStringQuery(query='content:"neural networks"')]) == ["doc-2"]
    assert ids([QueryStringQuery(query='content:"networks neural"')]) == []
    assert set(ids([TextQuery(query="rome", fields=["title"]), QueryStringQuery(query="content:deep")])) \
        == {"doc-2", "doc-3"}
    with pytest.raises(ApiError) as exc:
        docs_index.documents.search(namespace=NS, top_k=1, score_by=[QueryStringQuery(query="NOT rome")])
    assert exc.value.status_code == 400


def test_text_match_filters(docs_index):
    def ids(filt):
        r = docs_index.documents.fetch(namespace=NS, filter=filt)
        return sorted(r.documents)

    assert ids({"content": {"$match_phrase": "neural networks"}}) == ["doc-2"]
    assert ids({"content": {"$match_all": "learning subset"}}) == ["doc-1"]
    assert ids({"content": {"$match_any": "rome layers"}}) == ["doc-2", "doc-3"]
    assert ids({"$and": [{"content": {"$match_any": "learning"}}, {"year": {"$lt": 2010}}]}) == ["doc-1"]
    for bad in ({"content": {"$eq": "x"}}, {"category": {"$match_any": "tech"}}, {"embedding": {"$eq": 1}}):
        with pytest.raises(ApiError) as exc:
            docs_index.documents.fetch(namespace=NS, filter=bad)
        assert exc.value.status_code == 400
    with pytest.raises(ApiError):
        docs_index.documents.delete(namespace=NS, filter={"content": {"$match_any": "rome"}})


def test_update_and_delete_report_matched_records(docs_index):
    r = docs_index.documents.update(namespace=NS, documents=[
        {"_id": "doc-1", "category": "tech-updated"}, {"_id": "doc-2", "_remove_fields": ["category"]},
        {"_id": "missing", "category": "no-op"}])
    assert r.matched_records is None
    got = docs_index.documents.fetch(namespace=NS, ids=["doc-1", "doc-2", "missing"]).documents
    assert got["doc-1"].get("category") == "tech-updated" and got["doc-2"].get("category") is None
    assert "missing" not in got
    assert docs_index.documents.update(namespace=NS, filter={"category": {"$eq": "history"}},
                                       set_fields={"category": "archive"}).matched_records == 1
    assert docs_index.documents.delete(namespace=NS, filter={"category": {"$eq": "archive"}}).matched_records == 1
    assert docs_index.documents.delete(namespace=NS, ids=["doc-2"]).matched_records is None
    assert [d.id for d in docs_index.documents.list(namespace=NS)] == ["doc-1"]
    docs_index.documents.delete(namespace=NS, delete_all=True)
    assert docs_index.documents.list(namespace=NS).to_list() == []


def test_one_schema_field_is_needed_and_types_are_checked(docs_index):
    # the spec: "Every document must carry at least one schema field"; none is required by type
    # (SDK 10.2's own test_list_documents_pages_and_prefix upserts text-only documents)
    docs_index.documents.upsert(namespace=NS, documents=[{"_id": "text-only", "content": "no vector at all"}])
    text = docs_index.documents.search(namespace=NS, top_k=5, score_by=[TextQuery(fields=["content"], query="vector")])
    assert [m._id for m in text.matches] == ["text-only"]
    dense = docs_index.documents.search(namespace=NS, top_k=10,
                                        score_by=[DenseVectorQuery(field="embedding", values=[1.0, 1.0, 1.0, 1.0])])
    assert "text-only" not in {m._id for m in dense.matches} and len(dense.matches) == 3
    for doc in ({"_id": "x", "category": "metadata only"}, {"_id": "x", "embedding": [1.0, 2.0]},
                {"_id": "x", "embedding": [1.0, 0, 0, 0], "content": 5}):
        with pytest.raises(ApiError) as exc:
            docs_index.documents.upsert(namespace=NS, documents=[doc])
        assert exc.value.status_code == 400
        if doc["_id"] == "x" and "category" in doc:
            assert "must carry at least one searchable schema field" in str(exc.value)


def test_usage_is_metered_in_the_log_and_the_ledger(docs_index, admin):
    since = admin.last_seq()
    r = docs_index.documents.search(namespace=NS, top_k=3, score_by=[TextQuery(query="rome", fields=["content"])],
                                    include_fields=["*"])
    assert r.usage.read_units == 1
    entry = admin.requests(index="docs", since=since)[-1]
    assert entry["operation"] == "search_documents" and entry["read_units"] == 0.25 and entry["namespace"] == NS
    ns = admin.ledger()["indexes"]["docs"]["namespaces"][NS]
    assert ns["record_count"] == 3 and ns["write_units"] >= 5 and ns["read_units"] >= 0.25


def test_limits_at_their_boundaries(server, docs_index):
    docs = [{"_id": f"d{i}", "content": "x", "embedding": [1.0, 0, 0, 0]} for i in range(1001)]
    assert _raw(server, "/namespaces/lim/documents/upsert", {"documents": docs[:1000]}).status_code == 202
    assert _raw(server, "/namespaces/lim/documents/upsert", {"documents": docs}).status_code == 400
    q = {"score_by": [{"type": "dense_vector", "field": "embedding", "values": [1, 0, 0, 0]}]}
    r = _raw(server, "/namespaces/lim/documents/search", {**q, "top_k": 10_000})
    assert r.status_code == 200 and len(r.json()["matches"]) == 1000
    assert _raw(server, "/namespaces/lim/documents/search", {**q, "top_k": 10_001}).status_code == 400
    big = {"_id": "big", "embedding": [1.0, 0, 0, 0], "blob": "a" * 40_949}  # {"blob":"…"} = 40,960 B
    assert _raw(server, "/namespaces/lim/documents/upsert", {"documents": [big]}).status_code == 202
    big["blob"] += "a"
    assert _raw(server, "/namespaces/lim/documents/upsert", {"documents": [big]}).status_code == 400
    # 2 MB counts the encoded request: pad a small body with JSON whitespace to the exact size
    body = orjson.dumps({"documents": [{"_id": "p", "embedding": [1.0, 0, 0, 0]}]})
    body += b" " * (2_000_000 - len(body))
    assert _raw(server, "/namespaces/lim/documents/upsert", body).status_code == 202
    r = _raw(server, "/namespaces/lim/documents/upsert", body + b" ")
    assert r.status_code == 413 and "exceeds the maximum supported size of 2MB" in r.json()["message"]


def test_batch_upsert_and_list_pagination(docs_index):
    docs = [{"_id": f"list-{i:03d}", "content": f"document {i}", "embedding": [0.1, 0.2, 0.3, i / 7 + 0.1]}
            for i in range(120)]
    result = docs_index.documents.batch_upsert(namespace="bulk", documents=docs, batch_size=50, show_progress=False)
    assert (result.successful_item_count, result.failed_item_count, result.total_batch_count) == (120, 0, 3)
    pages = list(docs_index.documents.list(namespace="bulk", prefix="list-", limit=50).pages())
    assert [len(p.items) for p in pages] == [50, 50, 20]
    assert [d.id for p in pages for d in p.items] == sorted(d["_id"] for d in docs)


def test_documents_survive_a_restart(tmp_path):
    from pinecone import Pinecone
    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        idx = pc.index(host=pc.indexes.create(name="docs", schema=SCHEMA, deployment=DEPLOYMENT).host)
        idx.documents.upsert(namespace=NS, documents=DOCS)
        idx.documents.delete(namespace=NS, ids=["doc-3"])
    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        idx = pc.index(host=pc.indexes.describe("docs").host)
        assert [d.id for d in idx.documents.list(namespace=NS)] == ["doc-1", "doc-2"]
        r = idx.documents.search(namespace=NS, top_k=5, score_by=[TextQuery(query="learning", fields=["content"])])
        assert {m.id for m in r.matches} == {"doc-1", "doc-2"}
        srv.backend.journal.snapshot()  # type: ignore[union-attr]
    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        idx = pc.index(host=pc.indexes.describe("docs").host)
        assert sorted(idx.documents.fetch(namespace=NS, filter={"content": {"$match_any": "rome learning"}})
                      .documents) == ["doc-1", "doc-2"]


# ---------------------------------------------------------------------------------------- properties

WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "state-of-the-art", "Alpha", "BETA"])


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in re.split(r"[^0-9A-Za-z]+", text) if t]


def _fresh_text_index(pc, name: str):
    """A one-text-field document index reused across hypothesis examples, its namespace "p" emptied."""
    if name not in [m.name for m in pc.indexes.list()]:
        pc.indexes.create(name=name, schema={"fields": {"t": {"type": "string", "full_text_search": {}}}},
                          deployment=DEPLOYMENT)
    idx = pc.index(host=pc.indexes.describe(name).host)
    idx.documents.delete(namespace="p", delete_all=True)
    return idx


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(WORDS, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=12),
       query=st.lists(WORDS, min_size=1, max_size=3).map(" ".join))
def test_text_match_filters_follow_the_analyzer(pc, texts, query):
    idx = _fresh_text_index(pc, "prop")
    idx.documents.upsert(namespace="p", documents=[{"_id": f"d{i}", "t": t} for i, t in enumerate(texts)])
    q = _tokens(query)
    docs = {f"d{i}": _tokens(t) for i, t in enumerate(texts)}

    def fetched(op):
        return set(idx.documents.fetch(namespace="p", filter={"t": {op: query}}, limit=100).documents)

    assert fetched("$match_all") == {d for d, toks in docs.items() if set(q) <= set(toks)}
    assert fetched("$match_any") == {d for d, toks in docs.items() if set(q) & set(toks)}
    assert fetched("$match_phrase") == {d for d, toks in docs.items()
                                        if any(toks[i:i + len(q)] == q for i in range(len(toks)))}
    hits = idx.documents.search(namespace="p", top_k=100, score_by=[TextQuery(query=query, fields=["t"])]).matches
    assert {m.id for m in hits} == fetched("$match_any")
    assert [m.score for m in hits] == sorted((m.score for m in hits), reverse=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.sets(st.text(string.ascii_lowercase + "-", min_size=1, max_size=6), min_size=0, max_size=40),
       limit=st.integers(1, 100))
def test_fetch_by_filter_pages_cover_every_match(pc, ids, limit):
    idx = _fresh_text_index(pc, "pages")
    if ids:
        idx.documents.upsert(namespace="p", documents=[{"_id": i, "t": "x", "k": len(i) % 2} for i in ids])
    seen: list[str] = []
    token = None
    while True:
        page = idx.documents.fetch(namespace="p", filter={"k": {"$eq": 1}}, limit=limit, pagination_token=token)
        assert len(page.documents) <= limit
        seen += list(page.documents)
        if page.pagination is None:
            break
        token = page.pagination.next
    assert seen == sorted(i for i in ids if len(i) % 2 == 1)


def test_a_backup_of_a_document_index_restores_its_documents(pc, docs_index):
    # SDK 10.2's test_backups_2026_07 backs up and restores a document index but reads no data back
    backup = pc.backups.create(index_name="docs", name="docs-bk")
    assert (backup.record_count, backup.namespace_count) == (3, 1)
    pc.create_index_from_backup(name="docs-restored", backup_id=backup.backup_id)
    restored = pc.index(host=pc.indexes.describe("docs-restored").host)
    assert set(pc.indexes.describe("docs-restored").schema.fields) == set(SCHEMA["fields"])
    assert set(restored.documents.fetch(namespace=NS, ids=["doc-1", "doc-2", "doc-3"]).documents) == {
        "doc-1", "doc-2", "doc-3"}
    hits = restored.documents.search(namespace=NS, top_k=1, score_by=[TextQuery(fields=["content"], query="rome")])
    assert [m._id for m in hits.matches] == ["doc-3"]
    # the copy is independent: a write to the source after the backup is not in the restore
    docs_index.documents.delete(namespace=NS, ids=["doc-1"])
    assert "doc-1" in restored.documents.fetch(namespace=NS, ids=["doc-1"]).documents
    with pytest.raises(ApiError) as exc:  # and it stays a document index
        restored.upsert(vectors=[("v", [1.0, 0.0, 0.0, 0.0])])
    assert exc.value.status_code == 400
    restored.close()


def test_text_search_sees_every_write_since_the_last_read(pc):
    # writes are committed to tantivy when the text index is next read, not per request
    model = pc.indexes.create(name="lazy", schema={"fields": {"t": {"type": "string", "full_text_search": {}}}},
                              deployment=DEPLOYMENT)
    idx = pc.index(host=model.host)
    idx.documents.upsert(namespace="n", documents=[{"_id": "a", "t": "rome"}, {"_id": "b", "t": "rome paris"}])
    idx.documents.upsert(namespace="n", documents=[{"_id": "a", "t": "paris"}])  # replaces a
    idx.documents.delete(namespace="n", ids=["b"])

    def hits(q: str) -> list[str]:
        return [m._id for m in idx.documents.search(namespace="n", top_k=5,
                                                    score_by=[TextQuery(fields=["t"], query=q)]).matches]

    assert (hits("rome"), hits("paris")) == ([], ["a"])
    idx.documents.upsert(namespace="n", documents=[{"_id": "c", "t": "rome"}])
    assert set(idx.documents.fetch(namespace="n", filter={"t": {"$match_any": "rome"}}).documents) == {"c"}
    idx.documents.delete(namespace="n", delete_all=True)
    assert hits("rome") == []
    idx.close()
