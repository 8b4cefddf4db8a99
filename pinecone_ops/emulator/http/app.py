"""The whole local Pinecone as one Starlette app: the admin and control planes at the root, the
vector and document data planes under each index's host (``/index/{index_name}``).

The vector routes are prefixed here rather than grouped under a Starlette ``Mount``: a Mount
matches the rest of the path with ``.*``, which stops at a newline, so a namespace name ending in
``\n`` (legal on Pinecone) would be routed to the wrong operation (found by the fuzz test)."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from pinecone_ops.emulator import admin
from pinecone_ops.emulator.control import urls as control_urls
from pinecone_ops.emulator.documents import urls as document_urls
from pinecone_ops.emulator.http.wire import endpoint, route, unrouted
from pinecone_ops.emulator.state import Backend
from pinecone_ops.emulator.vectors import urls as vector_urls

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _table(backend: Backend, urls: list[tuple[str, str, str]], prefix: str = "") -> list[BaseRoute]:
    return [route(backend, prefix + path, method, op) for method, path, op in urls]


def create_app(backend: Backend, channel: str = "host") -> Starlette:
    """The app for one listener; ``channel`` ("host" or "sandbox") goes on every call it makes."""
    fallback_path, fallback_op = vector_urls.FALLBACK
    vectors = _table(backend, vector_urls.URLS, vector_urls.PREFIX) + [
        Route(vector_urls.PREFIX + fallback_path, endpoint(backend, fallback_op), methods=_ALL_METHODS)]
    documents = _table(backend, document_urls.URLS, document_urls.PREFIX)
    # The documents routes come before the vector plane's catch-all (its FALLBACK, last in `vectors`).
    routes = _table(backend, admin.URLS) + _table(backend, control_urls.URLS) + documents + vectors
    app = Starlette(routes=routes, exception_handlers={404: unrouted, 405: unrouted})
    app.state.channel = channel
    return app
