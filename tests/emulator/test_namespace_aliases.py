"""Namespace aliases (2026-07 data plane, ``/namespace-aliases``). SDK 10 has no alias methods, so
aliases are managed over raw HTTP (httpx, as Pinecone's docs do with curl); reads and writes
through an alias go through the official SDK."""
from __future__ import annotations

from importlib.metadata import version

import httpx
import pytest
from pinecone.exceptions import PineconeApiException

from pinecone_ops.emulator.server import LocalPinecone

SDK10 = int(version("pinecone").split(".")[0]) >= 10
H = {"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2026-07"}


def _alias(url: str, index: str, method: str, path: str = "", **kwargs) -> httpx.Response:
    headers = {**H, **kwargs.pop("headers", {})}
    return httpx.request(method, f"{url}/index/{index}/namespace-aliases{path}", headers=headers, timeout=30,
                         **kwargs)


def _status(exc: pytest.ExceptionInfo) -> tuple[int, str]:
    """(status, body text) of an SDK error, SDK 10 (``status_code``) or 9 (``status``)."""
    err = exc.value
    return getattr(err, "status_code", None) or err.status, str(err.body)


def _reason(resp: httpx.Response) -> str:
    body = resp.json()
    assert isinstance(body["code"], int) and isinstance(body["message"], str)
    return body["details"][0]["reason"]


@pytest.fixture
def movies(make_index):
    idx = make_index("movies", dimension=2, metric="euclidean")
    idx.upsert(vectors=[("a", [1.0, 0.0], {"v": 1})], namespace="films_v1")
    idx.upsert(vectors=[("b", [0.0, 1.0], {"v": 2})], namespace="films_v2")
    return idx


def test_zero_downtime_cut_over(server, movies):
    """What a course teaches: readers use the alias; the new data goes into a fresh namespace
    directly; one PATCH moves every reader; writes never address the alias."""
    created = _alias(server.url, "movies", "POST", json={"name": "films", "target_namespace": "films_v1"})
    assert created.status_code == 200
    body = created.json()
    assert body["name"] == "films" and body["target_namespace"] == "films_v1"
    assert body["created_at"] == body["updated_at"] and body["created_at"].endswith("Z")

    res = movies.query(vector=[1.0, 0.0], top_k=5, namespace="films", include_metadata=True)
    assert [m.id for m in res.matches] == ["a"] and res.namespace == "films_v1"
    assert list(movies.fetch(ids=["a"], namespace="films").vectors) == ["a"]
    listed = movies.list_paginated(namespace="films")
    assert [v.id for v in listed.vectors] == ["a"] and listed.namespace == "films_v1"

    # writes through the alias are refused with Pinecone's reasons; the ingest target is the namespace
    with pytest.raises(PineconeApiException) as exc:
        movies.upsert(vectors=[("x", [1.0, 1.0])], namespace="films")
    status, body = _status(exc)
    assert status == 409 and "NAME_IN_USE_BY_ALIAS" in body and "write to the namespace films_v1 directly" in body
    with pytest.raises(PineconeApiException) as exc:
        movies.delete(ids=["a"], namespace="films")
    assert _status(exc)[0] == 400 and "WRITE_TO_ALIAS" in _status(exc)[1]
    with pytest.raises(PineconeApiException) as exc:
        movies.update(id="a", set_metadata={"v": 9}, namespace="films")
    assert _status(exc)[0] == 400 and "WRITE_TO_ALIAS" in _status(exc)[1]
    movies.upsert(vectors=[("c", [0.0, 0.9])], namespace="films_v2")  # load the new version directly

    repointed = _alias(server.url, "movies", "PATCH", "/films", json={"target_namespace": "films_v2"})
    assert repointed.status_code == 200 and repointed.json()["target_namespace"] == "films_v2"
    assert repointed.json()["updated_at"] >= repointed.json()["created_at"]
    res = movies.query(vector=[0.0, 1.0], top_k=5, namespace="films")
    assert sorted(m.id for m in res.matches) == ["b", "c"] and res.namespace == "films_v2"

    deleted = _alias(server.url, "movies", "DELETE", "/films")
    assert deleted.status_code == 200 and deleted.json() == {}
    # a deleted alias reads as a namespace that does not exist: empty, not an error
    assert movies.query(vector=[0.0, 1.0], top_k=5, namespace="films").matches == []
    assert _alias(server.url, "movies", "DELETE", "/films").status_code == 404


def test_describe_list_and_pagination(server, movies):
    for name, target in (("b1", "films_v1"), ("a2", "films_v2"), ("a1", "films_v1"), ("d", "__default__")):
        assert _alias(server.url, "movies", "POST", json={"name": name, "target_namespace": target}).status_code == 200
    got = _alias(server.url, "movies", "GET", "/a1")
    assert got.status_code == 200 and got.json()["target_namespace"] == "films_v1"
    assert _alias(server.url, "movies", "GET", "/zz").status_code == 404

    listed = _alias(server.url, "movies", "GET").json()
    assert [a["name"] for a in listed["namespace_aliases"]] == ["a1", "a2", "b1", "d"] and listed["total_count"] == 4
    assert "pagination" not in listed
    by_target = _alias(server.url, "movies", "GET", params={"target_namespace": "films_v1"}).json()
    assert [a["name"] for a in by_target["namespace_aliases"]] == ["a1", "b1"]
    page1 = _alias(server.url, "movies", "GET", params={"prefix": "a", "limit": 1}).json()
    assert [a["name"] for a in page1["namespace_aliases"]] == ["a1"] and page1["total_count"] == 2
    token = page1["pagination"]["next"]
    page2 = _alias(server.url, "movies", "GET", params={"prefix": "a", "paginationToken": token}).json()
    assert [a["name"] for a in page2["namespace_aliases"]] == ["a2"] and "pagination" not in page2
    changed = _alias(server.url, "movies", "GET", params={"prefix": "b", "paginationToken": token})
    assert changed.status_code == 400 and _reason(changed) == "LIST_INVALID_TOKEN_WITH_PREFIX"
    added = _alias(server.url, "movies", "GET", params={"target_namespace": "x", "paginationToken": token})
    assert _reason(added) == "LIST_INVALID_TOKEN_WITH_NEW_TARGET"
    for params, reason in (({"limit": 0}, "LIST_INVALID_LIMIT"), ({"limit": 101}, "LIST_INVALID_LIMIT"),
                           ({"target_namespace": ""}, "TARGET_FILTER_EMPTY"),
                           ({"paginationToken": "bm9wZQ"}, "INVALID_PAGINATION_TOKEN")):
        resp = _alias(server.url, "movies", "GET", params=params)
        assert resp.status_code == 400 and _reason(resp) == reason, params
    assert _alias(server.url, "movies", "GET", params={"bogus": "1"}).status_code == 400
    # the default namespace works as a target through the SDK's "" / __default__
    movies.upsert(vectors=[("z", [1.0, 1.0])])
    assert [m.id for m in movies.query(vector=[1.0, 1.0], top_k=3, namespace="d").matches] == ["z"]


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"name": "ok", "target_namespace": ""}, 400, "TARGET_NAMESPACE_REQUIRED"),
    ({"name": "ok"}, 400, "TARGET_NAMESPACE_REQUIRED"),
    ({"name": "ok", "target_namespace": "n" * 513}, 400, "NAMESPACE_TOO_LONG"),
    ({"name": "ok", "target_namespace": "é"}, 400, "NAMESPACE_INVALID"),
    ({"name": "ok", "target_namespace": "missing"}, 400, "TARGET_NAMESPACE_NOT_FOUND"),
    ({"name": "ok", "target_namespace": "films"}, 400, "TARGET_IS_ALIAS"),
    ({"name": "a b", "target_namespace": "films_v1"}, 400, "ALIAS_NAME_INVALID"),
    ({"name": "a/b", "target_namespace": "films_v1"}, 400, "ALIAS_NAME_INVALID"),
    ({"name": "__default__", "target_namespace": "films_v1"}, 400, "ALIAS_NAME_INVALID"),
    ({"name": "..", "target_namespace": "films_v1"}, 400, "ALIAS_NAME_INVALID"),
    ({"name": "x" * 513, "target_namespace": "films_v1"}, 400, "ALIAS_NAME_INVALID"),
    ({"name": "films", "target_namespace": "films_v2"}, 409, "ALIAS_ALREADY_EXISTS"),
    ({"name": "films_v2", "target_namespace": "films_v1"}, 409, "NAME_IN_USE_BY_NAMESPACE"),
])
def test_create_refusals(server, movies, body, status, reason):
    assert _alias(server.url, "movies", "POST", json={"name": "films", "target_namespace": "films_v1"}).is_success
    resp = _alias(server.url, "movies", "POST", json=body)
    assert (resp.status_code, _reason(resp)) == (status, reason), resp.text
    if reason == "ALIAS_ALREADY_EXISTS":  # a retry can tell its earlier call committed
        assert resp.json()["details"][0]["metadata"] == {"target_namespace": "films_v1"}
    listed = _alias(server.url, "movies", "GET").json()
    assert [a["name"] for a in listed["namespace_aliases"]] == ["films"]  # nothing else was created


def test_repoint_refusals_keep_the_target_and_old_api_versions(server, movies):
    _alias(server.url, "movies", "POST", json={"name": "films", "target_namespace": "films_v1"})
    bad = _alias(server.url, "movies", "PATCH", "/films", json={"target_namespace": "nope"})
    assert bad.status_code == 400 and _reason(bad) == "TARGET_NAMESPACE_NOT_FOUND"
    assert _alias(server.url, "movies", "GET", "/films").json()["target_namespace"] == "films_v1"
    assert _alias(server.url, "movies", "PATCH", "/ghost", json={"target_namespace": "films_v2"}).status_code == 404
    old = _alias(server.url, "movies", "GET", headers={"X-Pinecone-Api-Version": "2025-10"})
    assert old.status_code == 400 and _reason(old) == "API_VERSION_TOO_OLD"
    # reading through an alias works on any API version (the docs say so): SDK 9 style header
    q = httpx.post(f"{server.url}/index/movies/query", headers={**H, "X-Pinecone-Api-Version": "2025-10"},
                   json={"vector": [1.0, 0.0], "topK": 3, "namespace": "films"})
    assert q.status_code == 200 and [m["id"] for m in q.json()["matches"]] == ["a"]


def test_namespace_endpoints_and_aliases_share_one_name_space(server, movies):
    _alias(server.url, "movies", "POST", json={"name": "films", "target_namespace": "films_v1"})
    with pytest.raises(PineconeApiException) as exc:
        movies.describe_namespace(namespace="films")
    assert _status(exc)[0] == 400 and "NAMESPACE_OPERATION_ON_ALIAS" in _status(exc)[1]
    with pytest.raises(PineconeApiException) as exc:
        movies.delete_namespace(namespace="films")
    assert _status(exc)[0] == 400 and "NAMESPACE_OPERATION_ON_ALIAS" in _status(exc)[1]
    with pytest.raises(PineconeApiException) as exc:
        movies.delete_namespace(namespace="films_v1")
    assert _status(exc)[0] == 400 and "NAMESPACE_TARGETED_BY_ALIAS" in _status(exc)[1]
    created = httpx.post(f"{server.url}/index/movies/namespaces", headers=H, json={"name": "films"})
    assert created.status_code == 409 and _reason(created) == "NAME_IN_USE_BY_ALIAS"
    assert "films" not in {ns.name for ns in movies.list_namespaces_paginated().namespaces}
    _alias(server.url, "movies", "PATCH", "/films", json={"target_namespace": "films_v2"})
    movies.delete_namespace(namespace="films_v1")  # no alias points at it any more


@pytest.mark.skipif(not SDK10, reason="the Documents API (index.documents) is new in SDK 10")
def test_documents_through_an_alias(server, pc):
    from pinecone import TextQuery
    schema = {"fields": {"title": {"type": "string", "full_text_search": {}}}}
    model = pc.indexes.create(name="docs", schema=schema,
                              deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"})
    idx = pc.index(host=model.host)
    idx.documents.upsert(namespace="v1", documents=[{"_id": "d1", "title": "Roman holiday"}])
    idx.documents.upsert(namespace="v2", documents=[{"_id": "d2", "title": "Roman empire"}])
    assert _alias(server.url, "docs", "POST", json={"name": "live", "target_namespace": "v1"}).status_code == 200
    assert _alias(server.url, "docs", "POST", json={"name": "x", "target_namespace": "nope"}).status_code == 400

    def search() -> list[str]:
        res = idx.documents.search(namespace="live", top_k=5, score_by=[TextQuery(field="title", query="roman")])
        return [m.id for m in res.matches]

    assert search() == ["d1"]
    assert list(idx.documents.fetch(namespace="live", ids=["d1"]).documents) == ["d1"]
    with pytest.raises(PineconeApiException) as exc:
        idx.documents.upsert(namespace="live", documents=[{"_id": "d3", "title": "x"}])
    assert _status(exc)[0] == 409
    for call in (lambda: idx.documents.delete(namespace="live", ids=["d1"]),
                 lambda: idx.documents.update(namespace="live", documents=[{"_id": "d1", "title": "y"}])):
        with pytest.raises(PineconeApiException) as exc:
            call()
        assert _status(exc)[0] == 412 and "WRITE_TO_ALIAS" in _status(exc)[1]
    _alias(server.url, "docs", "PATCH", "/live", json={"target_namespace": "v2"})
    assert search() == ["d2"]
    idx.close()


def test_aliases_are_journaled_logged_and_keyed(tmp_path):
    from pinecone import Pinecone

    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        pc.create_index(name="t", dimension=2, metric="euclidean",
                        spec={"serverless": {"cloud": "aws", "region": "us-east-1"}})
        pc.Index(name="t").upsert(vectors=[("a", [1.0, 2.0])], namespace="v1")
        pc.Index(name="t").upsert(vectors=[("b", [3.0, 4.0])], namespace="v2")
        assert _alias(srv.url, "t", "POST", json={"name": "one", "target_namespace": "v1"}).is_success
        srv.backend.journal.snapshot()  # "one" in the snapshot, the rest in the journal
        assert _alias(srv.url, "t", "POST", json={"name": "live", "target_namespace": "v1"}).is_success
        assert _alias(srv.url, "t", "PATCH", "/live", json={"target_namespace": "v2"}).is_success
        assert _alias(srv.url, "t", "POST", json={"name": "gone", "target_namespace": "v2"}).is_success
        assert _alias(srv.url, "t", "DELETE", "/gone").is_success
        before = _alias(srv.url, "t", "GET").json()
    with LocalPinecone(data_dir=str(tmp_path), api_keys={"reader": "DataPlaneViewer"}) as srv:
        after = _alias(srv.url, "t", "GET", headers={"Api-Key": "reader"}).json()
        assert after == before and [a["name"] for a in after["namespace_aliases"]] == ["live", "one"]
        reader = Pinecone(api_key="reader", host=srv.url).Index(host=f"{srv.url}/index/t")
        res = reader.query(vector=[3.0, 4.0], top_k=1, namespace="live")
        assert [m.id for m in res.matches] == ["b"]
        denied = _alias(srv.url, "t", "POST", headers={"Api-Key": "reader"},
                        json={"name": "w", "target_namespace": "v1"})
        assert denied.status_code == 403
        assert _alias(srv.url, "t", "GET", headers={"Api-Key": "nobody"}).status_code == 401


def test_request_log_shows_alias_operations(server, movies, admin):
    since = admin.last_seq()
    _alias(server.url, "movies", "POST", json={"name": "films", "target_namespace": "films_v1"})
    movies.query(vector=[1.0, 0.0], top_k=1, namespace="films")
    entries = admin.requests(index="movies", since=since)
    assert [e["operation"] for e in entries] == ["create_namespace_alias", "query"]
    assert entries[0]["params"]["alias"] == "films" and entries[0]["status"] == 200
    assert entries[1]["namespace"] == "films_v1" and entries[1]["params"]["alias"] == "films"


def test_aliases_under_consistency_lag_are_live_at_once(server, movies, admin):
    admin.set_options(consistency_lag_ms=60_000)
    movies.upsert(vectors=[("late", [5.0, 5.0])], namespace="films_v2")  # starts the lagging replica
    assert _alias(server.url, "movies", "POST", json={"name": "films", "target_namespace": "films_v2"}).is_success
    res = movies.query(vector=[0.0, 1.0], top_k=5, namespace="films")
    assert res.namespace == "films_v2" and [m.id for m in res.matches] == ["b"]  # alias live, the write not yet
