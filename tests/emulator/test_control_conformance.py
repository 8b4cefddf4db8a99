"""Control-plane responses (indexes, pods, configure, collections, backups, restore jobs, errors)
validated against Pinecone's OpenAPI specs for both API versions. Skips without ../shared/specs."""
from __future__ import annotations

import httpx
import pytest

from tests.emulator.test_openapi_conformance import SPECS, check

pytestmark = pytest.mark.skipif(not SPECS.is_dir(), reason=f"Pinecone OpenAPI specs not found at {SPECS}")


@pytest.mark.parametrize("version", ["2026-07", "2025-10"])
def test_control_plane_conforms(server, pc, version):
    c = httpx.Client(base_url=server.url, headers={"Api-Key": "pclocal", "X-Pinecone-Api-Version": version})
    legacy = httpx.Client(base_url=server.url, headers={"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2025-10"})
    sl = {"name": "sl", "dimension": 4, "metric": "cosine", "tags": {"a": "b"},
          "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}}
    check(version, "control", "/indexes", "post", c.post("/indexes", json=sl)) if version == "2025-10" \
        else check(version, "control", "/indexes", "post", c.post("/indexes", json={
            "name": "sl",
            "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": 4, "metric": "cosine"}}},
            "deployment": {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}, "tags": {"a": "b"}}))
    assert legacy.post("/indexes", json={"name": "pod", "dimension": 4, "metric": "cosine", "spec": {
        "pod": {"environment": "us-east-1-aws", "pod_type": "p1.x1"}}}).status_code == 201
    httpx.post(f"{server.url}/index/pod/vectors/upsert", headers={"Api-Key": "k"},
               json={"vectors": [{"id": "a", "values": [1, 0, 0, 0]}]})
    check(version, "control", "/indexes", "get", c.get("/indexes"))
    check(version, "control", "/indexes/{index_name}", "get", c.get("/indexes/pod"))
    patch = {"deployment": {"replicas": 2}} if version == "2026-07" else {"spec": {"pod": {"replicas": 2}}}
    check(version, "control", "/indexes/{index_name}", "patch", c.patch("/indexes/pod", json=patch))
    check(version, "control", "/indexes/{index_name}", "patch", c.patch("/indexes/sl", json={"tags": {"a": ""}}))
    check(version, "control", "/collections", "post", c.post("/collections", json={"name": "col", "source": "pod"}))
    check(version, "control", "/collections", "get", c.get("/collections"))
    check(version, "control", "/collections/{collection_name}", "get", c.get("/collections/col"))
    b = c.post("/indexes/sl/backups", json={"name": "bk", "description": "d"})
    check(version, "control", "/indexes/{index_name}/backups", "post", b)
    bid = b.json()["backup_id"]
    check(version, "control", "/indexes/{index_name}/backups", "get", c.get("/indexes/sl/backups", params={"limit": 1}))
    check(version, "control", "/backups", "get", c.get("/backups"))
    check(version, "control", "/backups/{backup_id}", "get", c.get(f"/backups/{bid}"))
    r = c.post(f"/backups/{bid}/create-index", json={"name": "restored"})
    check(version, "control", "/backups/{backup_id}/create-index", "post", r)
    check(version, "control", "/restore-jobs", "get", c.get("/restore-jobs"))
    check(version, "control", "/restore-jobs/{job_id}", "get", c.get(f"/restore-jobs/{r.json()['restore_job_id']}"))
    # errors
    check(version, "control", "/indexes/{index_name}", "get", c.get("/indexes/nope"))
    check(version, "control", "/indexes", "post", c.post("/indexes", json=sl))  # 409 or shape-specific 400
    check(version, "control", "/collections/{collection_name}", "get", c.get("/collections/nope"))
    check(version, "control", "/backups/{backup_id}", "get", c.get("/backups/nope"))
    c.patch("/indexes/sl", json={"deletion_protection": "enabled"})
    check(version, "control", "/indexes/{index_name}", "delete", c.delete("/indexes/sl"))
    check(version, "control", "/collections/{collection_name}", "delete", c.delete("/collections/col"))
    check(version, "control", "/backups/{backup_id}", "delete", c.delete(f"/backups/{bid}"))
