"""The control plane through SDK 9.x (API 2025-10: dimension / metric / spec), the same ground the
10.x tests cover with 10.x models. Runs only under pinecone 9.x: ``scripts/test-sdk9``."""
from __future__ import annotations

from importlib.metadata import version

import pytest

pytestmark = pytest.mark.skipif(int(version("pinecone").split(".")[0]) != 9,
                                reason="SDK 9.x only: run scripts/test-sdk9 (a second venv, .venv-sdk9)")


def test_requests_carry_2025_10(pc, admin, make_index):
    since = admin.last_seq()
    make_index("v9")
    assert {r["api_version"] for r in admin.requests(since=since)} == {"2025-10"}


def test_pod_index_lifecycle(pc):
    from pinecone import ApiError, ForbiddenError, PodSpec

    pc.create_index(name="pods", dimension=4, metric="cosine",
                    spec=PodSpec(environment="us-east-1-aws", pod_type="p1.x1", pods=2, replicas=2, shards=1))
    d = pc.describe_index("pods")
    assert (d.dimension, d.metric, d.spec.pod.pod_type, d.spec.pod.replicas, d.spec.pod.pods) == \
        (4, "cosine", "p1.x1", 2, 2)
    pc.configure_index("pods", replicas=3, pod_type="p1.x2", deletion_protection="enabled", tags={"env": "prod"})
    d = pc.describe_index("pods")
    assert (d.spec.pod.pod_type, d.spec.pod.replicas, d.deletion_protection, d.tags) == \
        ("p1.x2", 3, "enabled", {"env": "prod"})
    for refused in ("p1.x1", "s1.x2"):
        with pytest.raises(ApiError) as err:
            pc.configure_index("pods", pod_type=refused)
        assert err.value.status_code == 400
    with pytest.raises(ForbiddenError):
        pc.delete_index("pods")
    pc.configure_index("pods", deletion_protection="disabled", tags={"env": ""})
    assert not pc.describe_index("pods").tags
    pc.delete_index("pods")
    assert not pc.has_index("pods")


def test_collection_to_new_pod_type(pc):
    from pinecone import PodSpec

    pc.create_index(name="old", dimension=4, metric="cosine",
                    spec=PodSpec(environment="us-east-1-aws", pod_type="p1.x1"))
    pc.Index(name="old").upsert(vectors=[(f"v{i}", [1.0, i, 0, 0]) for i in range(12)])
    pc.create_collection(name="snap", source="old")
    assert pc.describe_collection("snap").vector_count == 12
    pc.create_index(name="new", dimension=4, metric="cosine",
                    spec=PodSpec(environment="us-east-1-aws", pod_type="s1.x1", shards=2, source_collection="snap"))
    assert pc.describe_index("new").spec.pod.pod_type == "s1.x1"
    assert pc.Index(name="new").describe_index_stats().total_vector_count == 12
    pc.delete_collection("snap")
    assert [c for c in pc.list_collections()] == []


def test_backup_and_restore(pc, make_index):
    make_index("src").upsert(vectors=[("a", [1, 0, 0, 0])], namespace="n")
    b = pc.create_backup(index_name="src", backup_name="bk", description="d")
    assert (b.source_index_name, b.record_count, b.dimension) == ("src", 1, 4)
    assert [x.backup_id for x in pc.list_backups(index_name="src")] == [b.backup_id]
    pc.create_index_from_backup(backup_id=b.backup_id, name="copy")
    assert pc.Index(name="copy").fetch(ids=["a"], namespace="n").vectors["a"].values == [1.0, 0.0, 0.0, 0.0]
    job = list(pc.list_restore_jobs())[0]
    assert pc.describe_restore_job(job_id=job.restore_job_id).status == "Completed"
    pc.delete_backup(backup_id=b.backup_id)
    assert list(pc.list_backups()) == []


def test_sparse_and_regions(pc):
    from pinecone import NotFoundError, ServerlessSpec

    pc.create_index(name="sp", metric="dotproduct", vector_type="sparse",
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    d = pc.describe_index("sp")
    assert (d.vector_type, d.metric, d.dimension) == ("sparse", "dotproduct", None)
    with pytest.raises(NotFoundError):
        pc.create_index(name="x", dimension=2, spec=ServerlessSpec(cloud="gcp", region="us-east-1"))
