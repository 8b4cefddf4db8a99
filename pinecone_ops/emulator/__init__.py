"""The local Pinecone: a real HTTP server the official ``pinecone`` SDK talks to.

Layout (moto-style): ``exceptions`` (typed errors), ``models`` (backend state), ``store`` (one
namespace's vectors), ``filters`` (filter language), ``limits`` (Pinecone's limits), ``dataplane`` /
``control`` (rules), ``shapes`` (per-API-version wire shapes), ``metering`` (ledger and request log),
``responses`` (HTTP routes), ``server`` (``LocalPinecone``).
"""
from __future__ import annotations

__all__ = ["LocalPinecone"]


def __getattr__(name: str):
    if name == "LocalPinecone":
        from pinecone_ops.emulator.server import LocalPinecone

        return LocalPinecone
    raise AttributeError(name)
