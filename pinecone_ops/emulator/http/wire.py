"""Starlette ⇄ the request pipeline: a request becomes a :class:`~pinecone_ops.emulator.calls.Call`,
an :class:`~pinecone_ops.emulator.pipeline.Outcome` becomes Pinecone's response bytes.

Error bodies follow the plane (reference/pinecone-api.md §1.4): control plane
``{"error": {"code", "message"}, "status"}``, data plane ``{"code", "message", "details"}``
(rpcStatus), admin ``{"error": message}``; 401 is ``text/plain`` everywhere.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from pinecone_ops.emulator import catalogue, pipeline
from pinecone_ops.emulator.calls import Call, api_version
from pinecone_ops.emulator.exceptions import InvalidArgument, NotFound, PayloadTooLarge, PineconeError
from pinecone_ops.emulator.metering import RequestRecord, key_hash
from pinecone_ops.emulator.state import Backend

logger = logging.getLogger(__name__)
_DUMP_OPTS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
#: Bodies are refused past this many bytes *while they stream in*, before any parsing, so a 50 MB
#: body costs at most this much memory. The largest valid request is a 2 MB (billable) upsert of
#: 20,000-d vectors, ≈ 5.5 × that as JSON text (a float is ≈ 20 characters, billed 4 bytes).
MAX_BODY_BYTES = 16 * 1024 * 1024
Endpoint = Callable[[Request], Awaitable[Response]]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body, option=_DUMP_OPTS), status_code=status,
                    media_type="application/json", headers=headers)


def error_response(exc: PineconeError, plane: str, headers: dict[str, str]) -> Response:
    headers = {**headers, **exc.headers}
    if exc.status == 401:
        return Response(exc.message, status_code=401, media_type="text/plain", headers=headers)
    if plane == "admin":
        body: Any = {"error": exc.message}
    elif plane == "control":
        body = exc.control_body()
    else:
        body = exc.data_body()
    return json_response(body, exc.status, headers)


def render(outcome: pipeline.Outcome) -> Response:
    if outcome.error is not None:
        return error_response(outcome.error, outcome.plane, outcome.headers)
    result = outcome.result
    assert result is not None
    if result.body is None:
        return Response(status_code=result.status, headers=outcome.headers)
    return json_response(result.body, result.status, outcome.headers)


def _too_large(size: int | str) -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body of {size} bytes exceeds the local Pinecone's limit of {MAX_BODY_BYTES} "
                           "bytes; split the request into smaller batches (an upsert is limited to 2MB of records "
                           "anyway)")


async def read_body(request: Request) -> bytes:
    """The body, refused with a 413 as soon as it is known to be too large: from Content-Length
    before reading a byte, else while the chunks stream in (what ``request.body()`` does, capped)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(declared)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large(f"more than {MAX_BODY_BYTES}")
        chunks.append(chunk)
    return b"".join(chunks)


async def to_call(request: Request, operation: str, backend: Backend) -> Call:
    """Everything the pipeline needs of a request, read once (the listener's channel is the
    app's ``state.channel``)."""
    headers = request.headers
    api_key = headers.get("api-key")
    qp = request.query_params
    call = Call(operation=operation, method=request.method, path=dict(request.path_params),
                query={k: qp.getlist(k) for k in qp}, raw=await read_body(request), api_key=api_key,
                admin_key=headers.get("x-pinecone-ops-admin-key"),
                api_version=api_version(headers.get("x-pinecone-api-version")), now=backend.clock(),
                request_id=uuid.uuid4().hex, channel=getattr(request.app.state, "channel", "host"))
    call.record = RequestRecord(operation=operation, api_key=key_hash(api_key), time=call.now,
                                api_version=headers.get("x-pinecone-api-version"), request_id=call.request_id)
    return call


def endpoint(backend: Backend, operation: str) -> Endpoint:
    """The Starlette endpoint of one catalogue operation."""

    plane = catalogue.get(operation).plane

    async def run(request: Request) -> Response:
        try:
            call = await to_call(request, operation, backend)
        except PayloadTooLarge as exc:
            return error_response(exc, plane, {"x-pinecone-request-id": uuid.uuid4().hex, "connection": "close"})
        except ClientDisconnect:
            # Not a server error: the client went away before its body arrived, and nothing was done.
            logger.warning("local Pinecone: the client disconnected before sending the whole body of %s %s; "
                           "the request was dropped", request.method, request.url.path)
            return Response(status_code=400)  # nobody reads it
        return render(pipeline.handle(backend, call))

    return run


def route(backend: Backend, path: str, method: str, operation: str) -> Route:
    return Route(path, endpoint(backend, operation), methods=[method])


async def unrouted(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in Pinecone's error shape, not Starlette's plain text."""
    status = getattr(exc, "status_code", 404)
    path = request.url.path
    err = (NotFound if status == 404 else InvalidArgument)(f"{request.method} {path} is not a Pinecone API route")
    err.status = status
    plane = "vectors" if path.startswith("/index/") else "control"
    return error_response(err, plane, {"x-pinecone-request-id": uuid.uuid4().hex})
