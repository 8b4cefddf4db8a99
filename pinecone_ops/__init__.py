"""Pinecone Operations: a local Pinecone, cost models and course tooling.

The one call most notebooks need is :func:`connect`, which returns an official
``pinecone.Pinecone`` client bound to a local Pinecone (or to real Pinecone on
explicit opt-in).
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["connect", "cleanup_cloud", "__version__"]


def __getattr__(name: str):
    # Lazy so that `import pinecone_ops` stays cheap (the CLI, pricing, widgets).
    if name in {"connect", "local_server", "admin", "cleanup_cloud"}:
        from pinecone_ops import connection

        return getattr(connection, name)
    raise AttributeError(name)
