"""Legacy pod indexes for the course: created the way SDK 8/9 created them (API 2025-10).

SDK 10 speaks API 2026-07, where Pinecone creates no pod indexes; existing pod indexes still show
up in its describe/list/configure calls. The course needs a few to teach capacity, scaling and
fullness, so it creates them with one raw 2025-10 request.
"""
from __future__ import annotations

import httpx


def create_legacy_pod_index(pc, name: str, dimension: int, *, metric: str = "cosine",
                            pod_type: str = "p1.x1", shards: int = 1, replicas: int = 1,
                            environment: str = "us-east-1-aws", tags: dict | None = None,
                            deletion_protection: str = "disabled") -> dict:
    """Create a pod index through API 2025-10 on the host ``pc`` talks to; return the index JSON.

    Raises ``RuntimeError`` with Pinecone's answer when the request is refused.
    """
    body = {"name": name, "dimension": dimension, "metric": metric,
            "spec": {"pod": {"environment": environment, "pod_type": pod_type,
                             "pods": shards * replicas, "replicas": replicas, "shards": shards}},
            "deletion_protection": deletion_protection}
    if tags:
        body["tags"] = tags
    reply = httpx.post(f"{pc.config.host}/indexes", json=body, timeout=30,
                       headers={"Api-Key": pc.config.api_key, "X-Pinecone-Api-Version": "2025-10"})
    if reply.status_code not in (200, 201, 202):
        raise RuntimeError(f"creating pod index {name!r} failed: [{reply.status_code}] {reply.text[:300]}")
    return reply.json()
