"""Fixtures shared by the whole suite (others add theirs in conftest files of their subfolders).

* ``server`` (session): a :class:`~pinecone_ops.emulator.server.LocalPinecone` on a free loopback
  port, real HTTP; ``server.url`` is its control-plane URL, ``server.backend`` its state.
* ``admin`` (session): :func:`pinecone_ops.connection.admin` client for that server (request log,
  ledger, reset, options) — what graders use.
* ``pc`` (function): the official ``pinecone.Pinecone`` client bound to ``server``, after dropping
  all state (indexes, ledger, log) and restoring default options. Retries are off, so a 429/5xx
  surfaces at once instead of after back-off.
* ``make_index`` (function): ``make_index(name="idx", dimension=4, metric="cosine",
  vector_type="dense", hybrid=False, **create_kwargs) -> pinecone Index`` creates a serverless index
  through the SDK and returns its data-plane client; ``hybrid=True`` makes a dotproduct index that
  takes sparse values too (2026-07: an explicit ``_sparse_values`` field; SDK 9: the 2025-10 sugar).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.metadata import version
from typing import Any

import pytest

from pinecone_ops.connection import Admin
from pinecone_ops.connection import admin as admin_client
from pinecone_ops.emulator.server import LocalPinecone
from pinecone_ops.emulator.state import DEFAULT_OPTIONS

API_KEY = "pclocal"
#: The installed SDK's major version (``scripts/test-sdk9`` runs this suite under 9.x).
SDK_MAJOR = int(version("pinecone").split(".")[0])


@pytest.fixture(scope="session")
def server() -> Iterator[LocalPinecone]:
    srv = LocalPinecone().start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def admin(server: LocalPinecone) -> Iterator[Admin]:
    client = admin_client(server.url)
    yield client
    client.close()


@pytest.fixture
def pc(server: LocalPinecone, admin: Admin) -> Iterator[Any]:
    from pinecone import Pinecone, RetryConfig

    admin.reset()
    admin.set_options(**DEFAULT_OPTIONS)
    client = Pinecone(api_key=API_KEY, host=server.url, retry_config=RetryConfig(max_retries=0))
    yield client
    client.close()


@pytest.fixture
def make_index(pc) -> Iterator[Callable[..., Any]]:
    from pinecone import ServerlessSpec

    def make(name: str = "idx", dimension: int | None = 4, metric: str = "cosine",
             vector_type: str = "dense", hybrid: bool = False, **kwargs: Any):
        kwargs.setdefault("spec", ServerlessSpec(cloud="aws", region="us-east-1"))
        if vector_type == "sparse":
            dimension, metric = None, "dotproduct"
        if hybrid and SDK_MAJOR >= 10:
            # API 2026-07: hybrid needs the sparse field declared; the dotproduct sugar alone is dense-only.
            pc.indexes.create(name=name, schema={"fields": {
                "_values": {"type": "dense_vector", "dimension": dimension, "metric": "dotproduct"},
                "_sparse_values": {"type": "sparse_vector"}}},
                deployment={"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"})
        else:  # SDK 9 (API 2025-10): every dense dotproduct index is hybrid
            pc.create_index(name=name, dimension=dimension, metric="dotproduct" if hybrid else metric,
                            vector_type=vector_type, **kwargs)
        index = pc.Index(host=pc.describe_index(name).host)
        made.append(index)
        return index

    made: list[Any] = []
    yield make
    for index in made:
        index.close()
