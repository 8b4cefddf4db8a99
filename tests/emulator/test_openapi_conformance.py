"""Responses (success and error) validated against Pinecone's official OpenAPI specs.

The specs live outside the repository (``../shared/specs``); without them these tests skip.
OpenAPI 3.0 schemas are turned into JSON Schema (``nullable`` → a ``null`` type) and checked with
jsonschema, following ``$ref``s into the spec document.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")
from referencing import Registry, Resource  # noqa: E402  (ships with jsonschema)
from referencing.jsonschema import DRAFT4  # noqa: E402

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
pytestmark = pytest.mark.skipif(not SPECS.is_dir(), reason=f"Pinecone OpenAPI specs not found at {SPECS}")


def _jsonschema(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _jsonschema(v) for k, v in node.items() if k not in ("example", "examples", "nullable")}
        if node.get("nullable") and "type" in node:
            out["type"] = [node["type"], "null"]
        if node.get("type") == "integer" and node.get("format") == "int64":
            # The data plane is a gRPC gateway: the protobuf JSON mapping may send int64 as a string
            # (namespace record_count is, on the wire); the SDK accepts both.
            out["type"] = ["integer", "string"]
        return out
    if isinstance(node, list):
        return [_jsonschema(v) for v in node]
    return node


@cache
def _spec(version: str, plane: str) -> tuple[dict, Registry]:
    text = (SPECS / version / f"db_{plane}_{version}.oas.yaml").read_text()
    doc = _jsonschema(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return doc, Registry().with_resource("urn:spec", Resource(contents=doc, specification=DRAFT4))


def check(version: str, plane: str, path: str, method: str, response: httpx.Response,
          undocumented_as: str | None = None) -> None:
    """Validate a response against its operation's schema for that status code.

    ``undocumented_as`` names the schema for a status the spec does not list for the operation
    (e.g. 404 for a missing namespace, which Pinecone answers but the spec omits).
    """
    doc, registry = _spec(version, plane)
    responses = doc["paths"][path][method]["responses"]
    entry = responses.get(str(response.status_code)) or responses.get("default")
    if entry is None and undocumented_as:
        entry = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{undocumented_as}"}}}}
    assert entry is not None, f"{method.upper()} {path} answered {response.status_code}, not in the spec"
    content = entry.get("content", {}).get("application/json")
    if content is None:
        return
    schema = {"$ref": "urn:spec#" + content["schema"]["$ref"].lstrip("#")} if "$ref" in content["schema"] \
        else content["schema"]
    jsonschema.Draft4Validator(schema, registry=registry).validate(response.json())


def _headers(version: str) -> dict[str, str]:
    return {"Api-Key": "pclocal", "X-Pinecone-Api-Version": version}


@pytest.mark.parametrize("version", ["2026-07", "2025-10"])
def test_data_plane_responses_conform(make_index, version):
    idx = make_index("conf", dimension=2, hybrid=True)
    h = _headers(version)
    c = httpx.Client(base_url=idx.host, headers=h)
    vec = {"id": "a", "values": [1, 2], "sparseValues": {"indices": [1], "values": [0.5]},
           "metadata": {"g": "x", "n": 2}}
    check(version, "data", "/vectors/upsert", "post",
          c.post("/vectors/upsert", json={"vectors": [vec], "namespace": "ns"}))
    check(version, "data", "/query", "post", c.post("/query", json={
        "topK": 2, "vector": [1, 1], "sparseVector": {"indices": [1], "values": [1.0]}, "namespace": "ns",
        "includeValues": True, "includeMetadata": True, "filter": {"g": "x"}}))
    check(version, "data", "/vectors/fetch", "get",
          c.get("/vectors/fetch", params={"ids": ["a", "b"], "namespace": "ns"}))
    check(version, "data", "/vectors/fetch_by_metadata", "post",
          c.post("/vectors/fetch_by_metadata", json={"filter": {"n": {"$gt": 1}}, "namespace": "ns", "limit": 5}))
    check(version, "data", "/vectors/update", "post",
          c.post("/vectors/update",
                 json={"filter": {"g": "x"}, "setMetadata": {"k": "v"}, "dryRun": True, "namespace": "ns"}))
    check(version, "data", "/vectors/update", "post",
          c.post("/vectors/update", json={"id": "a", "values": [2, 2], "namespace": "ns"}))
    check(version, "data", "/vectors/list", "get", c.get("/vectors/list", params={"namespace": "ns", "limit": 1}))
    check(version, "data", "/describe_index_stats", "post", c.post("/describe_index_stats", json={}))
    check(version, "data", "/namespaces", "get", c.get("/namespaces"))
    check(version, "data", "/namespaces", "post", c.post("/namespaces", json={"name": "made"}))
    check(version, "data", "/namespaces/{namespace}", "get", c.get("/namespaces/ns"))
    check(version, "data", "/namespaces/{namespace}", "delete", c.delete("/namespaces/made"))
    check(version, "data", "/vectors/delete", "post", c.post("/vectors/delete", json={"ids": ["a"], "namespace": "ns"}))
    # errors: rpcStatus bodies
    bad = c.post("/query", json={"topK": 1, "vector": [1, 2, 3]})
    assert bad.status_code == 400
    check(version, "data", "/query", "post", bad)
    missing = c.get("/namespaces/never")
    assert missing.status_code == 404
    check(version, "data", "/namespaces/{namespace}", "get", missing, undocumented_as="rpcStatus")


@pytest.mark.parametrize("version", ["2026-07", "2025-10"])
def test_control_plane_responses_conform(server, pc, version):
    c = httpx.Client(base_url=server.url, headers=_headers(version))
    if version == "2026-07":
        body = {"name": "ctl",
                "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": 3, "metric": "cosine"}}},
                "deployment": {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}, "tags": {"a": "b"}}
    else:
        body = {"name": "ctl", "dimension": 3, "metric": "cosine",
                "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}}
    created = c.post("/indexes", json=body)
    assert created.status_code == 201
    check(version, "control", "/indexes", "post", created)
    check(version, "control", "/indexes", "get", c.get("/indexes"))
    check(version, "control", "/indexes/{index_name}", "get", c.get("/indexes/ctl"))
    dup = c.post("/indexes", json=body)
    assert dup.status_code == 409
    check(version, "control", "/indexes", "post", dup)
    missing = c.get("/indexes/none")
    assert missing.status_code == 404
    check(version, "control", "/indexes/{index_name}", "get", missing)
    check(version, "control", "/indexes/{index_name}", "delete", c.delete("/indexes/ctl"))
