"""HTTP layer: a Starlette app translating Pinecone's wire JSON to calls on the models.

Routes
* control plane: ``/indexes`` … (shape per ``X-Pinecone-Api-Version``, see ``shapes``)
* data plane of index ``<name>``: under ``/index/<name>`` (its ``host``), e.g.
  ``POST /index/<name>/vectors/upsert`` — the SDK string-concatenates paths onto the host.
* admin (never called by the SDK): ``/_ops/health``, ``/_ops/requests``, ``/_ops/ledger``,
  ``/_ops/reset``, ``/_ops/options``.

Other modules add routes with :func:`register_routes` (a factory ``backend -> list[Route]``) and
per-request checks with ``Backend.request_hooks``; both are read when the app is built.
"""
from __future__ import annotations

import logging
import time
import uuid
from typing import Any, Awaitable, Callable

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pinecone_ops.emulator import control, dataplane, shapes
from pinecone_ops.emulator.exceptions import (InvalidArgument, NotFound, PineconeError, Unauthenticated,
                                              Unimplemented)
from pinecone_ops.emulator.metering import RequestRecord, key_hash
from pinecone_ops.emulator.models import Backend, Index

logger = logging.getLogger(__name__)
_DUMP_OPTS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
RouteFactory = Callable[[Backend], list[Route]]
_EXTRA_ROUTES: list[RouteFactory] = []


def register_routes(factory: RouteFactory) -> None:
    """Add routes (e.g. configure, collections, backups) to every app built afterwards."""
    if factory not in _EXTRA_ROUTES:
        _EXTRA_ROUTES.append(factory)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body, option=_DUMP_OPTS), status_code=status,
                    media_type="application/json", headers=headers)


def error_response(exc: PineconeError, plane: str, headers: dict[str, str]) -> Response:
    headers = {**headers, **exc.headers}
    if exc.status == 401:
        return Response(exc.message, status_code=401, media_type="text/plain", headers=headers)
    body = exc.control_body() if plane == "control" else exc.data_body()
    return json_response(body, exc.status, headers)


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidArgument(f"Failed to parse the JSON body: {exc}") from None


Handler = Callable[[Request, RequestRecord], Awaitable[Any]]


def endpoint(backend: Backend, plane: str, operation: str, handler: Handler, *,
             status: int = 200) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with auth, error mapping, headers, metering and the request log."""

    async def run(request: Request) -> Response:
        start = time.perf_counter()
        api_key = request.headers.get("api-key")
        rec = RequestRecord(operation=operation, index=request.path_params.get("index_name"),
                            api_key=key_hash(api_key), time=backend.clock(),
                            api_version=request.headers.get("x-pinecone-api-version"),
                            request_id=uuid.uuid4().hex)
        headers = {"x-pinecone-request-id": rec.request_id}
        try:
            if not api_key:
                raise Unauthenticated("Invalid API key")
            for hook in backend.request_hooks:
                hook(rec, api_key)
            for ahook in backend.async_request_hooks:
                await ahook(rec, api_key, request)
            request.state.operation = operation
            result = await handler(request, rec)
            for commit in backend.commit_hooks:
                await commit(rec, request, result)
            if isinstance(result, Response):
                response = result
            else:
                response = json_response(result, status, headers)
        except PineconeError as exc:
            rec.status = exc.status
            response = error_response(exc, plane, headers)
        except Exception as exc:  # noqa: BLE001 - a bug must not look like a hung or dead server
            logger.exception("local Pinecone: unexpected error in %s", operation)
            response = error_response(PineconeError(f"Internal error in the local Pinecone: {exc!r}"), plane, headers)
        if plane == "data" and rec.index:
            idx = backend.get_index(rec.index)
            if idx is not None:
                committed, reconciled = backend.lsn_view(idx)
                response.headers["x-pinecone-lsn-committed"] = str(committed)
                response.headers["x-pinecone-lsn-reconciled"] = str(reconciled)
        rec.status = response.status_code
        rec.latency_ms = round((time.perf_counter() - start) * 1000, 3)
        backend.log.append(rec)
        return response

    return run


# ------------------------------------------------------------------------------ control plane

def control_routes(backend: Backend) -> list[Route]:
    def host(idx: Index) -> str:
        return backend.index_host(idx.name)

    async def list_indexes(request: Request, rec: RequestRecord) -> Any:
        version = shapes.api_version(request.headers.get("x-pinecone-api-version"))
        return {"indexes": [shapes.render_index(i.config, host(i), version) for i in control.list_indexes(backend)]}

    async def create_index(request: Request, rec: RequestRecord) -> Any:
        version = shapes.api_version(request.headers.get("x-pinecone-api-version"))
        kwargs = shapes.parse_create(await read_json(request))
        rec.index = kwargs["name"] if isinstance(kwargs["name"], str) else None
        rec.params.update(dimension=kwargs["dimension"], metric=kwargs["metric"],
                          vector_type=kwargs["vector_type"],
                          deployment_type=kwargs["deployment"].get("deployment_type"))
        idx = control.create_index(backend, **kwargs)
        return shapes.render_index(idx.config, host(idx), version)

    async def describe_index(request: Request, rec: RequestRecord) -> Any:
        version = shapes.api_version(request.headers.get("x-pinecone-api-version"))
        idx = control.describe_index(backend, request.path_params["index_name"])
        return shapes.render_index(idx.config, host(idx), version)

    async def delete_index(request: Request, rec: RequestRecord) -> Any:
        control.delete_index(backend, request.path_params["index_name"])
        return Response(status_code=202, headers={"x-pinecone-request-id": rec.request_id or ""})

    return [
        Route("/indexes", endpoint(backend, "control", "list_indexes", list_indexes), methods=["GET"]),
        Route("/indexes", endpoint(backend, "control", "create_index", create_index, status=201), methods=["POST"]),
        Route("/indexes/{index_name}", endpoint(backend, "control", "describe_index", describe_index), methods=["GET"]),
        Route("/indexes/{index_name}", endpoint(backend, "control", "delete_index", delete_index), methods=["DELETE"]),
    ]


# ------------------------------------------------------------------------------ data plane

def _index_of(backend: Backend, request: Request) -> Index:
    name = request.path_params["index_name"]
    idx = backend.get_index(name)
    if idx is None:
        raise NotFound(f"Index {name} not found")
    # Under the consistency-lag fault, reads see a lagging replica (faults.py).
    return backend.index_view(idx, getattr(request.state, "operation", ""))


def data_routes(backend: Backend) -> list[Route]:
    def body_op(fn: Callable[[Backend, Index, dict, RequestRecord], dict]) -> Handler:
        async def handler(request: Request, rec: RequestRecord) -> Any:
            idx = _index_of(backend, request)
            body = await read_json(request)
            if not isinstance(body, dict):
                raise InvalidArgument("The request body must be a JSON object")
            return fn(backend, idx, body, rec)
        return handler

    def query_op(fn: Callable[[Backend, Index, dict, RequestRecord], dict]) -> Handler:
        async def handler(request: Request, rec: RequestRecord) -> Any:
            return fn(backend, _index_of(backend, request), dict(request.query_params), rec)
        return handler

    async def fetch(request: Request, rec: RequestRecord) -> Any:
        idx = _index_of(backend, request)
        qp = request.query_params
        return dataplane.fetch(backend, idx, qp.getlist("ids"), qp.get("namespace"), rec)

    def ns_op(fn: Callable[[Backend, Index, str, RequestRecord], dict]) -> Handler:
        async def handler(request: Request, rec: RequestRecord) -> Any:
            return fn(backend, _index_of(backend, request), request.path_params["namespace"], rec)
        return handler

    async def unsupported(request: Request, rec: RequestRecord) -> Any:
        raise Unimplemented(f"{request.method} {request.url.path.split('/', 3)[-1]} is not supported by the local Pinecone")

    p = "/index/{index_name}"
    d = "data"
    return [
        Route(f"{p}/vectors/upsert", endpoint(backend, d, "upsert", body_op(dataplane.upsert)), methods=["POST"]),
        Route(f"{p}/query", endpoint(backend, d, "query", body_op(dataplane.query)), methods=["POST"]),
        Route(f"{p}/vectors/fetch", endpoint(backend, d, "fetch", fetch), methods=["GET"]),
        Route(f"{p}/vectors/fetch_by_metadata",
              endpoint(backend, d, "fetch_by_metadata", body_op(dataplane.fetch_by_metadata)), methods=["POST"]),
        Route(f"{p}/vectors/update", endpoint(backend, d, "update", body_op(dataplane.update)), methods=["POST"]),
        Route(f"{p}/vectors/delete", endpoint(backend, d, "delete", body_op(dataplane.delete)), methods=["POST"]),
        Route(f"{p}/vectors/list", endpoint(backend, d, "list", query_op(dataplane.list_ids)), methods=["GET"]),
        Route(f"{p}/describe_index_stats",
              endpoint(backend, d, "describe_index_stats", body_op(dataplane.describe_index_stats)),
              methods=["POST", "GET"]),
        Route(f"{p}/namespaces", endpoint(backend, d, "list_namespaces", query_op(dataplane.list_namespaces)),
              methods=["GET"]),
        Route(f"{p}/namespaces", endpoint(backend, d, "create_namespace", body_op(dataplane.create_namespace)), methods=["POST"]),
        Route(f"{p}/namespaces/{{namespace}}",
              endpoint(backend, d, "describe_namespace", ns_op(dataplane.describe_namespace)), methods=["GET"]),
        Route(f"{p}/namespaces/{{namespace}}",
              endpoint(backend, d, "delete_namespace", ns_op(dataplane.delete_namespace)), methods=["DELETE"]),
        Route(p + "/{rest:path}", endpoint(backend, d, "unsupported", unsupported),
              methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]


# ------------------------------------------------------------------------------ admin

def admin_routes(backend: Backend) -> list[Route]:
    def bad(message: str, status: int = 400) -> Response:
        return json_response({"error": message}, status)

    async def health(request: Request) -> Response:
        return json_response({"status": "ok", "indexes": len(backend.indexes), "url": backend.base_url})

    async def requests_(request: Request) -> Response:
        try:
            since = int(request.query_params.get("since") or 0)
        except ValueError:
            return bad("since must be an integer sequence number (the 'seq' of the last entry you saw)")
        index = request.query_params.get("index") or None
        return json_response({"requests": backend.log.entries(index=index, since=since),
                              "last_seq": backend.log.last_seq})

    async def ledger(request: Request) -> Response:
        return json_response(backend.ledger_report())

    async def reset(request: Request) -> Response:
        backend.reset()
        return json_response({"status": "reset"})

    async def options(request: Request) -> Response:
        if request.method == "GET":
            return json_response(backend.options)
        try:
            body = orjson.loads(await request.body() or b"{}")
        except orjson.JSONDecodeError as exc:
            return bad(f"options must be a JSON object: {exc}")
        if not isinstance(body, dict):
            return bad("options must be a JSON object, e.g. {\"meter_scale\": 1000}")
        try:
            return json_response(backend.set_options(**body))
        except (KeyError, ValueError, TypeError) as exc:
            return bad(str(exc).strip("\"'"))

    return [
        Route("/_ops/health", health, methods=["GET"]),
        Route("/_ops/requests", requests_, methods=["GET"]),
        Route("/_ops/ledger", ledger, methods=["GET"]),
        Route("/_ops/reset", reset, methods=["POST"]),
        Route("/_ops/options", options, methods=["GET", "PATCH"]),
    ]


def create_app(backend: Backend) -> Starlette:
    """The whole local Pinecone as one ASGI app."""
    routes = admin_routes(backend) + control_routes(backend) + data_routes(backend)
    for factory in _EXTRA_ROUTES:
        # Extra routes go first so they can also refine the built-in ones.
        routes = factory(backend) + routes
    return Starlette(routes=routes, exception_handlers={404: _unrouted, 405: _unrouted})


async def _unrouted(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in Pinecone's error shape, not Starlette's plain text."""
    status = getattr(exc, "status_code", 404)
    path = request.url.path
    err = (NotFound if status == 404 else InvalidArgument)(f"{request.method} {path} is not a Pinecone API route")
    err.status = status
    plane = "data" if path.startswith("/index/") else "control"
    return error_response(err, plane, {"x-pinecone-request-id": uuid.uuid4().hex})
