"""The local Pinecone: a real HTTP server the official ``pinecone`` SDK talks to.

Layout by plane (docs/architecture.md has the map): ``state`` (everything the server holds),
``control/`` and ``vectors/`` (each plane's rules, operations and route table), ``admin`` (``/_ops``),
``catalogue`` (every operation), ``pipeline`` (the ordered stages every call passes), ``faults/``
(teaching faults), ``journal`` (durability), ``http/`` (Starlette, nothing else imports it),
``server`` (``LocalPinecone``).
"""
from __future__ import annotations

__all__ = ["LocalPinecone"]


def __getattr__(name: str):
    if name == "LocalPinecone":
        from pinecone_ops.emulator.server import LocalPinecone

        return LocalPinecone
    raise AttributeError(name)
