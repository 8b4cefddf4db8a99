"""Pinecone's limits and errors: status code, data-plane body shape and the SDK exception class.

Where SDK 10 validates an input itself before sending (it raises ``PineconeValueError``), the same
request is sent raw with httpx so the server's own check is tested too (curl users, other SDKs).
"""
from __future__ import annotations

from importlib.metadata import version

import httpx
import pytest
from pinecone import ApiError, NotFoundError, PineconeValueError

SDK_MAJOR = int(version("pinecone").split(".")[0])

HEADERS = {"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2026-07"}


def raw(idx, path: str, body: dict | None = None, method: str = "POST", params=None) -> httpx.Response:
    return httpx.request(method, idx.host + path, json=body, params=params, headers=HEADERS)


def assert_data_error(r: httpx.Response, status: int, grpc: int, fragment: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == grpc and body["details"] == []
    assert fragment in body["message"]


@pytest.fixture
def idx(make_index):
    i = make_index("lim", dimension=4, metric="cosine")
    i.upsert(vectors=[("a", [1, 2, 3, 4], {"g": "x"})])
    return i


def test_dimension_mismatch(idx):
    with pytest.raises(ApiError) as e:
        idx.upsert(vectors=[("b", [1, 2, 3])])
    assert e.value.status_code == 400
    assert str(e.value).startswith("[400] Vector dimension 3 does not match the dimension of the index 4")
    with pytest.raises(ApiError, match="dimension 5 does not match"):
        idx.query(vector=[1, 2, 3, 4, 5], top_k=1)


@pytest.mark.parametrize("rid,fragment", [("x" * 513, "maximum length of 512"), ("é", "ASCII"),
                                          ("", "must not be empty"), ("a\x00b", "null character")])
def test_bad_ids_rejected_by_server(idx, rid, fragment):
    r = raw(idx, "/vectors/upsert", {"vectors": [{"id": rid, "values": [1, 1, 1, 1]}]})
    assert_data_error(r, 400, 3, fragment)


def test_long_id_through_sdk(idx):
    with pytest.raises(ApiError, match="maximum length of 512") as e:
        idx.upsert(vectors=[("x" * 513, [1, 1, 1, 1])])
    assert e.value.status_code == 400


@pytest.mark.parametrize("metadata,fragment", [
    ({"nested": {"a": 1}}, "nested object"),
    ({"nums": [1, 2]}, "list of strings"),
    ({"$bad": "x"}, "must not start with '$'"),
    ({"big": "x" * 41_000}, "which exceeds the limit of 40960 bytes per vector"),
])
def test_bad_metadata(idx, metadata, fragment):
    r = raw(idx, "/vectors/upsert", {"vectors": [{"id": "m", "values": [1, 1, 1, 1], "metadata": metadata}]})
    assert_data_error(r, 400, 3, fragment)
    assert idx.fetch(ids=["m"]).vectors == {}  # nothing half-written


def test_upsert_record_count_and_size_limits(make_index):
    small = make_index("cnt", dimension=2)
    r = raw(small, "/vectors/upsert", {"vectors": [{"id": f"v{i}", "values": [1, 1]} for i in range(1001)]})
    assert_data_error(r, 400, 3, "maximum is 1000")
    assert small.upsert(vectors=[(f"v{i}", [1, 1]) for i in range(1000)]).upserted_count == 1000
    wide = make_index("wide", dimension=768)
    # 600 × (768·4 B + ~4 B id) ≈ 1.85 MB fits; 700 ≈ 2.15 MB does not (billable bytes, not JSON text)
    assert wide.upsert(vectors=[(f"w{i}", [0.1] * 768) for i in range(600)]).upserted_count == 600
    with pytest.raises(ApiError, match="exceeds the maximum supported size of 2MB") as e:
        wide.upsert(vectors=[(f"w{i}", [0.1] * 768) for i in range(700)])
    assert e.value.status_code == 400
    assert wide.describe_index_stats().total_vector_count == 600


def test_top_k_and_id_counts(idx):
    assert_data_error(raw(idx, "/query", {"topK": 10_001, "vector": [1, 1, 1, 1]}), 400, 3, "10000")
    assert_data_error(raw(idx, "/query", {"topK": 0, "vector": [1, 1, 1, 1]}), 400, 3, "positive")
    assert_data_error(raw(idx, "/query", {"vector": [1, 1, 1, 1]}), 400, 3, "topK is required")
    # SDK 10 refuses top_k > 10,000 before sending; SDK 9 sends it and raises the server's 400.
    with pytest.raises(PineconeValueError if SDK_MAJOR >= 10 else ApiError, match="10000|10,000"):
        idx.query(vector=[1, 1, 1, 1], top_k=10_001)
    assert idx.query(vector=[1, 1, 1, 1], top_k=10_000).matches[0].id == "a"
    many = [f"id{i}" for i in range(1001)]
    r = raw(idx, "/vectors/fetch", method="GET", params=[("ids", i) for i in many])
    assert_data_error(r, 400, 3, "more than 1000 ids")
    assert_data_error(raw(idx, "/vectors/delete", {"ids": many}), 400, 3, "more than 1000 ids")
    assert_data_error(raw(idx, "/vectors/list", method="GET", params={"limit": 101}), 400, 3, "between 1 and 100")


def test_in_operator_value_limit(idx):
    ok = {"g": {"$in": [f"v{i}" for i in range(10_000)] + []}}
    assert idx.query(vector=[1, 1, 1, 1], top_k=1, filter=ok).matches == []
    with pytest.raises(ApiError, match="maximum is 10000") as e:
        idx.query(vector=[1, 1, 1, 1], top_k=1, filter={"g": {"$nin": [f"v{i}" for i in range(10_001)]}})
    assert e.value.status_code == 400


@pytest.mark.parametrize("sparse,fragment", [
    ({"indices": [1, 2], "values": [0.5]}, "same length"),
    ({"indices": [3, 3], "values": [0.5, 0.5]}, "duplicate indices"),
    ({"indices": [-1], "values": [0.5]}, "between 0 and 4294967295"),
    ({"indices": [1], "values": [1e300]}, "finite"),  # overflows float32: refused, never stored as inf
])
def test_sparse_validation(make_index, sparse, fragment):
    hy = make_index("hyb", dimension=2, hybrid=True)
    r = raw(hy, "/vectors/upsert", {"vectors": [{"id": "s", "values": [1, 1], "sparseValues": sparse}]})
    assert_data_error(r, 400, 3, fragment)


def test_sparse_values_need_dotproduct(idx):
    with pytest.raises(ApiError, match="Index configuration does not support sparse values"):
        idx.upsert(vectors=[{"id": "s", "values": [1, 1, 1, 1], "sparse_values": {"indices": [1], "values": [1.0]}}])


@pytest.mark.parametrize("bad", [
    {"g": ["comedy", "drama"]},
    {"g": {"$eq": ["comedy"]}},
    {"g": {"$in": "drama"}},
    {"g": {"$gt": "a"}},
    {"g": {"$exists": 1}},
    {"g": {"$regex": "x"}},
    {"$not": {"g": "x"}},
    {"$and": []},
    {"$or": {"g": "x"}},
    {"g": None},
    {"g": {}},
])
def test_invalid_filters_are_400(idx, bad):
    with pytest.raises(ApiError) as e:
        idx.query(vector=[1, 1, 1, 1], top_k=1, filter=bad)
    assert e.value.status_code == 400 and "Invalid filter" in str(e.value)


def test_list_filter_is_rejected_in_pinecones_words(idx):
    r = raw(idx, "/query", {"topK": 1, "vector": [1, 1, 1, 1], "filter": []})
    assert_data_error(r, 400, 3, "Proto field is not repeating, cannot start list")


def test_empty_filters_on_writes_rejected(idx):
    assert_data_error(raw(idx, "/vectors/delete", {"filter": {}}), 400, 3, "Delete with empty metadata filter")
    assert_data_error(raw(idx, "/vectors/update", {"filter": {}, "setMetadata": {"a": "b"}}), 400, 3,
                      "Update with empty metadata filter")
    assert_data_error(raw(idx, "/vectors/fetch_by_metadata", {"filter": {}}), 400, 3, "Empty filter provided")
    assert_data_error(raw(idx, "/vectors/delete", {"ids": ["a"], "deleteAll": True}), 400, 3, "Exactly one of")


def test_stats_filter_rejected_on_serverless(idx):
    with pytest.raises(ApiError, match="do not support describing index stats with metadata filtering"):
        idx.describe_index_stats(filter={"g": "x"})


def test_deleted_index_and_bad_json(pc, idx):
    pc.delete_index("lim")
    with pytest.raises(NotFoundError):
        idx.query(vector=[1, 1, 1, 1], top_k=1)
    r = httpx.post(idx.host + "/query", content=b"{not json", headers=HEADERS)
    assert r.status_code in (400, 404) and "code" in r.json()


def test_bad_json_body(idx):
    r = httpx.post(idx.host + "/query", content=b"{not json", headers=HEADERS)
    assert_data_error(r, 400, 3, "Failed to parse the JSON body")
    assert_data_error(raw(idx, "/vectors/upsert", {"vectors": "nope"}), 400, 3, "non-empty array")


def test_unknown_routes_answer_in_pinecone_shape(server, pc, idx):
    r = httpx.get(server.url + "/no/such/route", headers=HEADERS)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    r = httpx.put(server.url + "/indexes", headers=HEADERS)
    assert r.status_code == 405 and r.json()["status"] == 405
    r = httpx.post(idx.host + "/records/namespaces/ns/search", json={}, headers=HEADERS)
    assert r.status_code == 501 and r.json()["code"] == 12  # integrated inference is not emulated
