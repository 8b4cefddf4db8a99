"""Runtime helpers the course notebooks import (learner-visible; no grading logic here).

The first cell of every notebook is::

    from pinecone_ops import course
    pc = course.start("phase2")

which starts this kernel's own fresh local Pinecone (or uses the backend the environment selects),
puts a key and the control-plane host into the environment the official SDK reads, and shows a
banner naming the backend.
"""
from __future__ import annotations

from pinecone_ops.course.legacy import create_legacy_pod_index
from pinecone_ops.course.runtime import (
    LOCAL_API_KEY,
    MissingApiKeyError,
    backend_label,
    banner,
    record_bytes,
    require_api_key,
    set_server_options,
    start,
    upsert_bytes,
)

__all__ = [
    "create_legacy_pod_index",
    "LOCAL_API_KEY",
    "MissingApiKeyError",
    "backend_label",
    "banner",
    "record_bytes",
    "require_api_key",
    "set_server_options",
    "start",
    "upsert_bytes",
]
