"""RU / WU metering, the usage ledger, meter_scale and the request log — read the way graders do (admin())."""
from __future__ import annotations

import pytest
from pinecone import ApiError

DIM = 256  # 4 B × 256 = 1,024 B of values per record


def _ids(n: int) -> list[str]:
    return [f"v{i}" for i in range(n)]  # 2-byte ids for n ≤ 10


def test_write_units_follow_pinecones_formulas(make_index, admin):
    idx = make_index("wu", dimension=DIM)
    since = admin.last_seq()
    idx.upsert(vectors=[(i, [0.5] * DIM) for i in _ids(10)], namespace="t")      # 10 × 1,026 B
    idx.upsert(vectors=[(i, [0.5] * DIM) for i in _ids(10)], namespace="t")      # same again: + overwritten
    idx.upsert(vectors=[("v0", [0.5] * DIM, {"g": "abc"})], namespace="t")      # 1,026 + 11 B md, overwrites 1,026
    idx.update(id="v1", set_metadata={"k": "v"}, namespace="t")                   # new 1,026+9, old 1,026
    idx.delete(ids=["v2", "v3", "zz"], namespace="t")                             # 2 × 1,026 B deleted
    idx.delete(delete_all=True, namespace="t")
    log = [e for e in admin.requests(index="wu", since=since) if e["namespace"] == "t"]
    assert [e["operation"] for e in log] == ["upsert", "upsert", "upsert", "update", "delete", "delete"]
    assert [e["write_units"] for e in log] == [11, 21, 5, 5, 5, 5]
    assert log[0]["params"]["records"] == 10 and log[0]["params"]["request_bytes"] == 10_260
    ledger = admin.ledger()["indexes"]["wu"]["namespaces"]["t"]
    assert ledger["write_units"] == 52 and ledger["record_count"] == 0


def test_read_units_and_namespace_size(make_index, admin):
    idx = make_index("ru", dimension=DIM)
    idx.upsert(vectors=[(i, [0.5] * DIM) for i in _ids(10)], namespace="big")
    idx.upsert(vectors=[("v0", [0.5] * DIM)], namespace="small")
    since = admin.last_seq()
    q = idx.query(vector=[0.5] * DIM, top_k=3, namespace="big", filter={"x": {"$exists": False}}, include_metadata=True)
    assert q.usage.read_units == 1  # the wire carries whole units; the ledger keeps 0.25
    idx.query(vector=[0.5] * DIM, top_k=3, namespace="small")
    f = idx.fetch(ids=_ids(10) + ["v0", "missing"], namespace="big")
    assert f.usage.read_units == 1 and len(f.vectors) == 10
    assert idx.list_paginated(namespace="big").usage.read_units == 1
    log = admin.requests(index="ru", since=since)
    assert [e["operation"] for e in log] == ["query", "query", "fetch", "list"]
    big, small = log[0], log[1]
    assert big["read_units"] == 0.25 and big["namespace_bytes"] == 10_260
    assert small["namespace_bytes"] == 1_026
    assert big["params"] == {"top_k": 3, "has_filter": True, "include_values": False, "include_metadata": True,
                             "by_id": False, "sparse": False, "matches": 3}
    assert log[2]["read_units"] == 1 and log[2]["params"]["ids"] == 12 and log[3]["read_units"] == 1
    usage = admin.ledger()
    assert usage["indexes"]["ru"]["namespaces"]["big"]["read_units"] == 0.25 + 1 + 1
    assert usage["indexes"]["ru"]["namespaces"]["big"]["storage_bytes"] == 10_260
    assert usage["totals"]["record_count"] == 11


def test_meter_scale_multiplies_namespace_size(make_index, admin):
    idx = make_index("scale", dimension=DIM)
    idx.upsert(vectors=[(i, [0.5] * DIM) for i in _ids(10)])
    admin.set_options(meter_scale=1_000_000)  # 10,260 B metered as 10.26 GB
    since = admin.last_seq()
    res = idx.query(vector=[0.5] * DIM, top_k=1)
    assert res.usage.read_units == 11
    entry = admin.requests(index="scale", since=since)[0]
    assert entry["read_units"] == pytest.approx(10.26) and entry["namespace_bytes"] == 10_260_000_000
    assert admin.ledger()["indexes"]["scale"]["storage_bytes"] == 10_260_000_000
    idx.upsert(vectors=[("v0", [0.5] * DIM)])  # write units are not scaled
    assert admin.requests(index="scale", since=since)[-1]["write_units"] == 5


def test_log_records_errors_keys_and_control_plane(make_index, admin, server):
    from pinecone import Pinecone

    since = admin.last_seq()
    idx = make_index("logged", dimension=2)
    with pytest.raises(ApiError):
        idx.upsert(vectors=[("a", [1, 2, 3])])
    other = Pinecone(api_key="student-b-secret", host=server.url).Index(host=idx.host)
    other.query(vector=[1, 0], top_k=1)
    entries = admin.requests(since=since)
    ops = [e["operation"] for e in entries]
    assert ops[:2] == ["create_index", "describe_index"] and ops[-2:] == ["upsert", "query"]
    failed = entries[-2]
    assert failed["status"] == 400 and failed["write_units"] == 0
    keys = {e["api_key"] for e in entries}
    assert len(keys) == 2 and all(k and "secret" not in k and "pclocal" not in k for k in keys)
    assert all(e["latency_ms"] >= 0 and e["seq"] > since and e["request_id"] for e in entries)
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert admin.requests(index="nothing-here", since=since) == []


def test_reset_drops_state_but_keeps_sequence(make_index, admin, pc):
    make_index("gone", dimension=2)
    seq = admin.last_seq()
    admin.reset()
    assert admin.requests() == [] and admin.ledger()["indexes"] == {}
    assert pc.list_indexes().names() == []
    assert admin.requests()[0]["seq"] > seq
