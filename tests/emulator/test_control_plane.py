"""Serverless create / describe / list / delete through the official SDK, both API versions."""
from __future__ import annotations

import httpx
import pytest
from pinecone import ConflictError, ForbiddenError, NotFoundError, ServerlessSpec


def test_create_describe_list_delete(pc):
    pc.create_index(name="movies", dimension=8, metric="euclidean",
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"), tags={"env": "dev"})
    d = pc.describe_index("movies")
    assert (d.name, d.dimension, d.metric, d.vector_type) == ("movies", 8, "euclidean", "dense")
    assert d.host.startswith("http://127.0.0.1:") and d.host.endswith("/index/movies")
    assert d.status.ready and d.status.state == "Ready"
    assert d.deletion_protection == "disabled"
    assert d.tags == {"env": "dev"}
    assert pc.has_index("movies") and not pc.has_index("other")
    assert pc.list_indexes().names() == ["movies"]
    pc.delete_index("movies")
    assert pc.list_indexes().names() == []
    with pytest.raises(NotFoundError, match="Index movies not found"):
        pc.describe_index("movies")


def test_sparse_index(pc):
    pc.create_index(name="sp", vector_type="sparse", metric="dotproduct",
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    d = pc.describe_index("sp")
    assert d.vector_type == "sparse" and d.metric == "dotproduct" and d.dimension is None


def test_index_by_name_and_host(pc, make_index):
    make_index("a1", dimension=2)
    by_name = pc.Index(name="a1")
    by_host = pc.Index(host=pc.describe_index("a1").host)
    by_name.upsert(vectors=[("x", [1.0, 0.0])])
    assert by_host.fetch(ids=["x"]).vectors["x"].values == [1.0, 0.0]


def test_control_plane_errors(pc, make_index):
    make_index("dup")
    with pytest.raises(ConflictError) as e:
        make_index("dup")
    assert e.value.status_code == 409 and e.value.error_code == "ALREADY_EXISTS"
    with pytest.raises(NotFoundError, match="region: mars-1"):
        pc.create_index(name="r", dimension=2, spec=ServerlessSpec(cloud="aws", region="mars-1"))
    make_index("keep", deletion_protection="enabled")
    with pytest.raises(ForbiddenError, match="Deletion protection is enabled"):
        pc.delete_index("keep")
    with pytest.raises(NotFoundError):
        pc.delete_index("never")


def test_legacy_2025_10_shapes(server, pc):
    """SDK 8.x/9.x send 2025-10 bodies and expect dimension/metric/spec in responses."""
    h = {"Api-Key": "k", "X-Pinecone-Api-Version": "2025-10"}
    body = {"name": "old", "dimension": 3, "metric": "dotproduct", "vector_type": "dense",
            "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}, "deletion_protection": "disabled"}
    r = httpx.post(server.url + "/indexes", json=body, headers=h)
    assert r.status_code == 201
    got = r.json()
    assert got["dimension"] == 3 and got["metric"] == "dotproduct" and got["vector_type"] == "dense"
    assert got["spec"] == {"serverless": {"cloud": "aws", "region": "us-east-1",
                                          "read_capacity": {"mode": "OnDemand", "status": {"state": "Ready"}}}}
    assert got["status"] == {"ready": True, "state": "Ready"} and got["host"].startswith("http://")
    assert "schema" not in got
    listed = httpx.get(server.url + "/indexes", headers=h).json()["indexes"]
    assert [i["name"] for i in listed] == ["old"] and listed[0]["dimension"] == 3
    # the same index seen by SDK 10 (2026-07 shape)
    d = pc.describe_index("old")
    assert d.dimension == 3 and d.metric == "dotproduct"
    r = httpx.get(server.url + "/indexes/missing", headers=h)
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "NOT_FOUND", "message": "Index missing not found."}, "status": 404}


def test_missing_api_key_is_401_text(server, pc):
    r = httpx.get(server.url + "/indexes")
    assert r.status_code == 401 and r.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("field,value", [("name", "Bad_Name"), ("name", "-x"), ("name", "a" * 46),
                                         ("dimension", 20_001), ("dimension", 0), ("metric", "manhattan")])
def test_create_rejects_bad_settings_server_side(server, pc, field, value):
    """The SDK checks some of these itself; the server must too (curl, other SDKs)."""
    body = {"name": "ok",
            "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": 4, "metric": "cosine"}}},
            "deployment": {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}}
    if field == "name":
        body["name"] = value
    else:
        body["schema"]["fields"]["_values"][field] = value
    r = httpx.post(server.url + "/indexes", json=body, headers={"Api-Key": "k", "X-Pinecone-Api-Version": "2026-07"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "INVALID_ARGUMENT" and r.json()["status"] == 400
