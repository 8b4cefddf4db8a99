"""Control plane through the official SDK: pod indexes, configure, tags, deletion protection, shapes."""
from __future__ import annotations

from importlib.metadata import version

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinecone_ops.pricing.pods import pod_capacity

LEGACY = "2025-10"

SDK10 = pytest.mark.skipif(int(version("pinecone").split(".")[0]) < 10,
                           reason="SDK 10.x models (deployment/schema); the 9.x equivalents are in test_sdk9.py")


def legacy_post(server, path, body, version=LEGACY):
    return httpx.post(f"{server.url}{path}", json=body,
                      headers={"Api-Key": "pclocal", "X-Pinecone-Api-Version": version})


def make_pod(server, name="pod1", pod_type="p1.x1", dimension=4, **pod):
    spec = {"environment": "us-east-1-aws", "pod_type": pod_type, **pod}
    r = legacy_post(server, "/indexes", {"name": name, "dimension": dimension, "metric": "cosine",
                                         "spec": {"pod": spec}})
    assert r.status_code == 201, r.text
    return r.json()


@SDK10
def test_pod_index_in_both_shapes(server, pc):
    created = make_pod(server, shards=2, replicas=2, pods=4)
    assert created["spec"]["pod"] == {"environment": "us-east-1-aws", "pod_type": "p1.x1", "pods": 4,
                                      "replicas": 2, "shards": 2}
    d = pc.describe_index("pod1")  # SDK 10 parses the 2026-07 shape
    assert (type(d.deployment).__name__, d.deployment.pod_type, d.deployment.replicas, d.deployment.shards) == \
        ("PodDeployment", "p1.x1", 2, 2)
    assert d.status.ready and d.dimension == 4 and d.metric == "cosine"


@SDK10
def test_sdk10_cannot_create_pod_index(pc):
    from pinecone import ApiError, PodSpec

    with pytest.raises(ApiError) as err:
        pc.create_index(name="p", dimension=4, metric="cosine",
                        spec=PodSpec(environment="us-east-1-aws", pod_type="p1.x1"))
    assert err.value.status_code == 400 and "not supported on this API version" in str(err.value)


@pytest.mark.parametrize("spec,status", [
    ({"environment": "us-east-1-aws", "pod_type": "p3.x1"}, 400),
    ({"environment": "us-east-1-aws", "pod_type": "p1.x3"}, 400),
    ({"environment": "mars-1-aws", "pod_type": "p1.x1"}, 404),
    ({"environment": "us-east-1-aws", "pod_type": "p1.x1", "pods": 3, "replicas": 2, "shards": 1}, 400),
    ({"environment": "us-east-1-aws", "pod_type": "p1.x1", "replicas": 0}, 400),
])
def test_bad_pod_specs(server, pc, spec, status):
    r = legacy_post(server, "/indexes", {"name": "bad", "dimension": 4, "metric": "cosine", "spec": {"pod": spec}})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] in ("INVALID_ARGUMENT", "NOT_FOUND")
    assert not pc.has_index("bad")


@SDK10
def test_configure_replicas_and_size(server, pc):
    from pinecone import ApiError

    make_pod(server)
    d = pc.configure_index("pod1", replicas=3, pod_type="p1.x2")
    assert (d.deployment.pod_type, d.deployment.replicas) == ("p1.x2", 3)
    d = pc.configure_index("pod1", replicas=1)
    assert (d.deployment.pod_type, d.deployment.replicas) == ("p1.x2", 1)
    for refused in ("p1.x1", "s1.x2", "p2.x4"):
        with pytest.raises(ApiError) as err:
            pc.configure_index("pod1", pod_type=refused)
        assert err.value.status_code == 400
    assert pc.describe_index("pod1").deployment.pod_type == "p1.x2", "a refused change changes nothing"
    legacy = httpx.patch(f"{server.url}/indexes/pod1", json={"spec": {"pod": {"pod_type": "p1.x8"}}},
                         headers={"Api-Key": "k", "X-Pinecone-Api-Version": LEGACY})
    assert legacy.status_code == 202 and legacy.json()["spec"]["pod"]["pod_type"] == "p1.x8"


def test_dimension_and_metric_never_change(server, make_index):
    make_index("fixed")
    for body in ({"dimension": 8}, {"metric": "euclidean"}):
        r = httpx.patch(f"{server.url}/indexes/fixed", json=body, headers={"Api-Key": "k"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "UNPROCESSABLE_ENTITY"
    r = httpx.patch(f"{server.url}/indexes/fixed",
                    json={"schema": {"fields": {"_values": {"type": "dense_vector", "dimension": 8}}}},
                    headers={"Api-Key": "k"})
    assert r.status_code == 400


def test_serverless_has_no_replicas(pc, make_index):
    from pinecone import ApiError

    make_index("sl")
    with pytest.raises(ApiError) as err:
        pc.configure_index("sl", replicas=2)
    assert err.value.status_code == 400


@SDK10
def test_tags_add_change_remove(pc, make_index):
    make_index("t", tags={"env": "dev", "team": "a"})
    assert pc.configure_index("t", tags={"env": "prod", "owner": "me"}).tags == \
        {"env": "prod", "team": "a", "owner": "me"}
    assert pc.configure_index("t", tags={"team": ""}).tags == {"env": "prod", "owner": "me"}
    assert pc.describe_index("t").tags == {"env": "prod", "owner": "me"}


def test_deletion_protection(pc, make_index):
    from pinecone import ForbiddenError

    make_index("keep", deletion_protection="enabled")
    with pytest.raises(ForbiddenError) as err:
        pc.delete_index("keep")
    assert err.value.body["error"]["message"] == ("Deletion protection is enabled for this index. "
                                                  "Disable deletion protection before retrying.")
    pc.configure_index("keep", deletion_protection="disabled")
    pc.delete_index("keep")
    assert not pc.has_index("keep")


@SDK10
def test_serverless_regions(pc):
    from pinecone import NotFoundError, ServerlessSpec

    pc.create_index(name="gcp", dimension=3, metric="euclidean",
                    spec=ServerlessSpec(cloud="gcp", region="europe-west4"))
    assert pc.describe_index("gcp").deployment.region == "europe-west4"
    with pytest.raises(NotFoundError) as err:
        pc.create_index(name="nowhere", dimension=3, spec=ServerlessSpec(cloud="aws", region="us-west1"))
    assert str(err.value).startswith("[404 NOT_FOUND] Resource cloud: aws region: us-west1 not found.")


@pytest.mark.parametrize("version", ["2025-01", "2025-04", "2025-10", "2026-04"])
def test_2025_body_under_older_headers(server, pc, version):
    r = legacy_post(server, "/indexes", {"name": f"v{version[-2:]}", "dimension": 3, "metric": "dotproduct",
                                         "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}}, version)
    assert r.status_code == 201 and r.json()["dimension"] == 3 and "schema" not in r.json()
    listed = httpx.get(f"{server.url}/indexes", headers={"Api-Key": "k", "X-Pinecone-Api-Version": version}).json()
    assert all("spec" in i and "deployment" not in i for i in listed["indexes"])


def test_missing_header_answers_2026_shape(server, make_index):
    make_index("nohdr")
    body = httpx.get(f"{server.url}/indexes/nohdr", headers={"Api-Key": "k"}).json()
    assert body["schema"]["fields"]["_values"]["dimension"] == 4 and body["deployment"]["deployment_type"] == "managed"


def test_pod_fullness_and_overfill(server, pc, admin):
    from pinecone import ForbiddenError

    make_pod(server, dimension=4)
    cap = pod_capacity("p1.x1", 4)
    admin.set_options(meter_scale=cap / 10)  # each record counts as cap/10: ten fill the pod
    idx = pc.Index(name="pod1")
    idx.upsert(vectors=[(f"a{i}", [1.0, 0, 0, i]) for i in range(8)])
    assert idx.describe_index_stats().index_fullness == pytest.approx(0.8)
    idx.upsert(vectors=[(f"a{i}", [0.5, 0, 0, i]) for i in range(8)])  # overwrites add nothing
    with pytest.raises(ForbiddenError) as err:
        idx.upsert(vectors=[(f"b{i}", [1.0, 0, 0, i]) for i in range(3)])
    assert "Index is full" in str(err.value)
    assert idx.describe_index_stats().total_vector_count == 8, "a refused upsert writes nothing"
    pc.configure_index("pod1", pod_type="p1.x2")  # doubles capacity
    idx.upsert(vectors=[(f"b{i}", [1.0, 0, 0, i]) for i in range(3)])
    assert idx.describe_index_stats().index_fullness == pytest.approx(11 / 20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="abcXYZ0-_.9 ", min_size=0, max_size=50))
def test_index_name_rule(pc, name):
    import re

    from pinecone import ApiError, PineconeValueError

    valid = re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?", name) is not None
    try:
        pc.create_index(name=name, dimension=2, spec={"serverless": {"cloud": "aws", "region": "us-east-1"}},
                        timeout=-1)
        created = True
    except (ApiError, PineconeValueError):
        created = False
    assert created == valid
    if created:
        pc.delete_index(name)


@pytest.mark.parametrize("dimension,ok", [(1, True), (20_000, True), (20_001, False), (0, False)])
def test_dimension_range(server, pc, dimension, ok):
    r = legacy_post(server, "/indexes", {"name": "dims", "dimension": dimension, "metric": "cosine",
                                         "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}})
    assert (r.status_code == 201) == ok, r.text


@SDK10
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["p1", "p2", "s1"]), st.sampled_from(["x1", "x2", "x4", "x8"]),
                          st.integers(1, 5)), min_size=1, max_size=6))
def test_configure_agrees_with_the_sizing_model(server, pc, admin, changes):
    """Every configure is accepted exactly when the kit's pod_change model says Pinecone allows it."""
    from pinecone import ApiError

    from pinecone_ops.pricing.pods import PodSpec as Plan
    from pinecone_ops.pricing.pods import pod_change

    admin.reset()
    make_pod(server, "prop", pod_type="p1.x1")
    state = Plan("p1.x1", pods=1, replicas=1)
    for family, size, replicas in changes:
        wanted = Plan(f"{family}.{size}", pods=1, replicas=replicas)
        allowed, _ = pod_change(state, wanted)
        try:
            d = pc.configure_index("prop", pod_type=wanted.pod_type, replicas=replicas)
            accepted = True
        except ApiError as exc:
            assert exc.status_code == 400
            accepted = False
        assert accepted == allowed, (state, wanted)
        if accepted:
            state = wanted
            assert (d.deployment.pod_type, d.deployment.replicas) == (wanted.pod_type, replicas)
        d = pc.describe_index("prop")
        assert (d.deployment.pod_type, d.deployment.replicas) == (state.pod_type, state.replicas)
