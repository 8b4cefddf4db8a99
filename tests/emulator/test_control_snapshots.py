"""Collections (pod snapshots → new pod index of another type or size) and serverless backups,
restores and restore jobs, through the official SDK (10.x) and the 2025-10 wire shape."""
from __future__ import annotations

import httpx
import pytest

from tests.emulator.test_control_pods import SDK10, legacy_post, make_pod


@SDK10
def test_collection_changes_pod_type_and_shards(server, pc):
    make_pod(server, "old", pod_type="p1.x1")
    pc.Index(name="old").upsert(vectors=[(f"v{i}", [1.0, i, 0, 0], {"i": i}) for i in range(20)], namespace="n")
    col = pc.create_collection(name="snap", source="old")
    assert (col.name, col.status, col.environment, col.dimension, col.vector_count) == \
        ("snap", "Ready", "us-east-1-aws", 4, 20)
    assert [c.name for c in pc.list_collections()] == ["snap"]
    assert pc.describe_collection("snap").vector_count == 20
    # The 2025-10 create body takes spec.pod.source_collection (SDK 10 cannot send it).
    r = legacy_post(server, "/indexes", {"name": "new", "dimension": 4, "metric": "cosine", "spec": {"pod": {
        "environment": "us-east-1-aws", "pod_type": "s1.x2", "shards": 2, "source_collection": "snap"}}})
    assert r.status_code == 201 and r.json()["spec"]["pod"]["source_collection"] == "snap"
    new = pc.describe_index("new")
    assert (new.deployment.pod_type, new.deployment.shards, new.source_collection) == ("s1.x2", 2, "snap")
    got = pc.Index(name="new").fetch(ids=["v3"], namespace="n").vectors["v3"]
    assert got.metadata == {"i": 3} and got.values == [1.0, 3.0, 0.0, 0.0]
    # The collection is a snapshot: later writes to the source do not reach it.
    pc.Index(name="old").upsert(vectors=[("late", [1, 1, 1, 1])], namespace="n")
    assert pc.describe_collection("snap").vector_count == 20
    pc.delete_collection("snap")
    assert not [c for c in pc.list_collections()]


def test_collection_errors(server, pc, make_index):
    from pinecone import ApiError, ConflictError, NotFoundError

    make_index("sl")
    with pytest.raises(ApiError) as err:
        pc.create_collection(name="c1", source="sl")
    assert err.value.status_code == 400 and "pod-based" in str(err.value)
    with pytest.raises(NotFoundError):
        pc.create_collection(name="c1", source="missing")
    make_pod(server, "p")
    pc.create_collection(name="c1", source="p")
    with pytest.raises(ConflictError):
        pc.create_collection(name="c1", source="p")
    with pytest.raises(NotFoundError) as err:
        pc.describe_collection("nope")
    assert "Collection nope not found." in str(err.value)
    r = legacy_post(server, "/indexes", {"name": "x", "dimension": 8, "metric": "cosine", "spec": {"pod": {
        "environment": "us-east-1-aws", "pod_type": "p1.x1", "source_collection": "c1"}}})
    assert r.status_code == 400 and "dimension" in r.json()["error"]["message"]
    r = httpx.post(f"{server.url}/indexes", headers={"Api-Key": "k"}, json={
        "name": "x", "dimension": 4, "metric": "cosine",
        "spec": {"pod": {"environment": "us-east-1-aws", "pod_type": "p1.x1", "source_collection": "c1"}}})
    assert r.status_code == 400, "API 2026-07 creates no index from a collection"


@SDK10
def test_backup_restore_roundtrip(pc, make_index):
    idx = make_index("src", tags={"team": "search"})
    idx.upsert(vectors=[("a", [1, 0, 0, 0], {"g": "x"}), ("b", [0, 1, 0, 0])], namespace="one")
    idx.upsert(vectors=[("c", [0, 0, 1, 0])], namespace="two")
    b = pc.create_backup(index_name="src", backup_name="nightly", description="before migration")
    assert (b.source_index_name, b.status, b.record_count, b.namespace_count, b.cloud, b.region) == \
        ("src", "Ready", 3, 2, "aws", "us-east-1")
    assert b.dense_dimension == 4 and b.name == "nightly" and b.description == "before migration"
    idx.delete(ids=["a"], namespace="one")  # later changes do not reach the backup
    assert [x.backup_id for x in pc.list_backups(index_name="src")] == [b.backup_id]
    assert pc.describe_backup(backup_id=b.backup_id).record_count == 3
    made = pc.create_index_from_backup(backup_id=b.backup_id, name="restored")  # 10.x: waits, returns the index
    assert made.name == "restored"
    restored = pc.describe_index("restored")
    assert restored.source_backup_id == b.backup_id and restored.status.ready and restored.tags == {"team": "search"}
    r = pc.Index(name="restored")
    assert set(r.fetch(ids=["a", "b"], namespace="one").vectors) == {"a", "b"}
    assert r.fetch(ids=["a"], namespace="one").vectors["a"].metadata == {"g": "x"}
    assert r.describe_index_stats().total_vector_count == 3
    jobs = pc.list_restore_jobs()
    assert [j.target_index_name for j in jobs] == ["restored"]
    rj = pc.describe_restore_job(job_id=list(jobs)[0].restore_job_id)
    assert (rj.status, rj.backup_id, rj.percent_complete) == ("Completed", b.backup_id, 100)


@SDK10
def test_backup_outlives_its_index_and_delete(pc, make_index):
    from pinecone import NotFoundError

    make_index("gone").upsert(vectors=[("a", [1, 0, 0, 0])])
    b = pc.create_backup(index_name="gone", backup_name="last")
    pc.delete_index("gone")
    assert pc.describe_backup(backup_id=b.backup_id).source_index_deleted_at is not None
    assert [x.name for x in pc.list_backups()] == ["last"]
    pc.create_index_from_backup(backup_id=b.backup_id, name="gone")  # the name is free again
    assert pc.Index(name="gone").fetch(ids=["a"]).vectors
    pc.delete_backup(backup_id=b.backup_id)
    with pytest.raises(NotFoundError):
        pc.describe_backup(backup_id=b.backup_id)
    with pytest.raises(NotFoundError):
        pc.create_backup(index_name="missing")


def test_backup_listing_pages(pc, make_index):
    make_index("many")
    ids = [pc.create_backup(index_name="many", backup_name=f"b{i}").backup_id for i in range(5)]
    first = pc.list_backups(index_name="many", limit=2)
    seen = [x.backup_id for x in first]
    token = first.pagination.next
    while token:
        page = pc.list_backups(index_name="many", pagination_token=token)
        seen += [x.backup_id for x in page]
        token = page.pagination.next if page.pagination else None
    assert seen == ids


def test_pods_have_no_backups_and_serverless_no_collections(server, pc):
    from pinecone import ApiError

    make_pod(server, "p")
    with pytest.raises(ApiError) as err:
        pc.create_backup(index_name="p")
    assert err.value.status_code == 400 and "collection" in str(err.value)


def test_legacy_backup_shapes(server, pc, make_index):
    make_index("lg")
    h = {"Api-Key": "k", "X-Pinecone-Api-Version": "2025-10"}
    r = httpx.post(f"{server.url}/indexes/lg/backups", json={"name": "b1"}, headers=h)
    assert r.status_code == 201 and r.json()["dimension"] == 4 and "schema" not in r.json()
    r2 = httpx.post(f"{server.url}/indexes/lg/backups", json={"name": "b2"}, headers={"Api-Key": "k"})
    assert r2.status_code == 200 and r2.json()["schema"]["fields"]["_values"]["dimension"] == 4
    bid = r.json()["backup_id"]
    restore = httpx.post(f"{server.url}/backups/{bid}/create-index", json={"name": "lg2"}, headers=h)
    assert restore.status_code == 202 and set(restore.json()) == {"restore_job_id", "index_id"}
