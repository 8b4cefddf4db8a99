"""Plan quotas (Starter / Standard / Enterprise) with Pinecone's status codes."""
from __future__ import annotations

import pytest

from pinecone_ops.emulator.control.quotas import PLAN_QUOTAS
from tests.emulator.test_control_pods import legacy_post


def _serverless(pc, name, cloud="aws", region="us-east-1"):
    from pinecone import ServerlessSpec

    pc.create_index(name=name, dimension=2, spec=ServerlessSpec(cloud=cloud, region=region))


@pytest.mark.parametrize("plan", ["starter", "standard"])
def test_indexes_per_project(admin, pc, plan):
    from pinecone import ForbiddenError

    admin.set_options(plan=plan)
    limit = PLAN_QUOTAS[plan].serverless_indexes
    for i in range(limit):
        _serverless(pc, f"i{i}")
    with pytest.raises(ForbiddenError) as err:
        _serverless(pc, "one-too-many")
    assert "Increase your quota or upgrade to create more indexes." in str(err.value)
    pc.delete_index("i0")
    _serverless(pc, "one-too-many")  # room again


def test_starter_single_region_and_no_pods(server, admin, pc):
    from pinecone import ForbiddenError

    admin.set_options(plan="starter")
    with pytest.raises(ForbiddenError) as err:
        _serverless(pc, "eu", cloud="aws", region="eu-west-1")
    assert "us-east-1" in str(err.value)
    r = legacy_post(server, "/indexes", {"name": "pod", "dimension": 2, "metric": "cosine",
                                         "spec": {"pod": {"environment": "us-east-1-aws", "pod_type": "p1.x1"}}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "QUOTA_EXCEEDED"
    admin.set_options(plan="standard")
    _serverless(pc, "eu", cloud="aws", region="eu-west-1")


def test_namespaces_per_index(admin, pc, make_index):
    from pinecone import ForbiddenError

    admin.set_options(plan="starter")
    idx = make_index("tenants")
    limit = PLAN_QUOTAS["starter"].namespaces_per_index
    for i in range(limit):
        idx.upsert(vectors=[("a", [1, 0, 0, 0])], namespace=f"t{i}")
    idx.upsert(vectors=[("b", [1, 0, 0, 0])], namespace="t0")  # existing namespaces keep working
    with pytest.raises(ForbiddenError) as err:
        idx.upsert(vectors=[("a", [1, 0, 0, 0])], namespace="overflow")
    assert err.value.body["code"] == 8 and "max namespaces" in err.value.body["message"]
    with pytest.raises(ForbiddenError):
        idx.create_namespace(name="overflow")
    assert len(idx.describe_index_stats().namespaces) == limit


def test_starter_storage_cap(admin, pc, make_index):
    from pinecone import ForbiddenError

    admin.set_options(plan="starter", meter_scale=1e8)  # each byte counts as 100 MB
    idx = make_index("big")
    idx.upsert(vectors=[("a", [1, 0, 0, 0])])  # 17 B → 1.7 GB
    with pytest.raises(ForbiddenError) as err:
        idx.upsert(vectors=[("b", [1, 0, 0, 0])])
    assert "max storage" in err.value.body["message"]
    assert idx.describe_index_stats().total_vector_count == 1
    admin.set_options(plan="enterprise")
    idx.upsert(vectors=[("b", [1, 0, 0, 0])])


def test_backups_not_on_starter(admin, pc, make_index):
    from pinecone import ForbiddenError

    make_index("bk")
    admin.set_options(plan="starter")
    with pytest.raises(ForbiddenError):
        pc.create_backup(index_name="bk")
