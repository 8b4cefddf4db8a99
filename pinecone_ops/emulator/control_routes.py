"""HTTP routes of the control plane beyond the base ones: version-aware create, configure,
collections, backups, restore jobs, and the admin API for per-index fault options.

Registered with :func:`responses.register_routes`; they go before the built-in routes, so the
create route here (which knows the API version: 2026-07 refuses pod indexes) replaces the base one.
"""
from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pinecone_ops.emulator import backups, collections, control, faults, shapes
from pinecone_ops.emulator.exceptions import InvalidArgument, Unprocessable
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.models import Backend, Index
from pinecone_ops.emulator.responses import endpoint, json_response, read_json, register_routes


def _version(request: Request) -> str:
    return shapes.api_version(request.headers.get("x-pinecone-api-version"))


async def _body(request: Request, *, required: tuple[str, ...] = ()) -> dict:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise InvalidArgument("The request body must be a JSON object")
    for key in required:
        if key not in body:
            raise Unprocessable(f"Failed to deserialize the JSON body into the target type: missing field `{key}`")
    return body


def _empty(status: int, rec: RequestRecord) -> Response:
    return Response(status_code=status, headers={"x-pinecone-request-id": rec.request_id or ""})


def routes(backend: Backend) -> list[Route]:
    def render(idx: Index, request: Request) -> dict:
        return shapes.render_index(idx.config, backend.index_host(idx.name), _version(request))

    async def create_index(request: Request, rec: RequestRecord) -> Any:
        kwargs = shapes.parse_create(await read_json(request))
        rec.index = kwargs["name"] if isinstance(kwargs["name"], str) else None
        rec.params.update(dimension=kwargs["dimension"], metric=kwargs["metric"],
                          vector_type=kwargs["vector_type"],
                          deployment_type=kwargs["deployment"].get("deployment_type"))
        idx = control.create_index(backend, version=_version(request), **kwargs)
        return render(idx, request)

    async def configure_index(request: Request, rec: RequestRecord) -> Any:
        kwargs = shapes.parse_configure(await read_json(request))
        rec.params.update({k: v for k, v in kwargs.items() if k != "tags"})
        idx = control.configure_index(backend, request.path_params["index_name"], **kwargs)
        status = 202 if shapes.is_legacy(_version(request)) else 200
        return json_response(render(idx, request), status, {"x-pinecone-request-id": rec.request_id or ""})

    # collections
    async def create_collection(request: Request, rec: RequestRecord) -> Any:
        body = await _body(request, required=("name", "source"))
        rec.index = body["source"] if isinstance(body["source"], str) else None
        col = collections.create(backend, body["name"], body["source"])
        rec.params["collection"] = col.name
        return shapes.render_collection(col)

    async def list_collections(request: Request, rec: RequestRecord) -> Any:
        return {"collections": [shapes.render_collection(c) for c in collections.list_all(backend)]}

    async def describe_collection(request: Request, rec: RequestRecord) -> Any:
        return shapes.render_collection(collections.get(backend, request.path_params["collection_name"]))

    async def delete_collection(request: Request, rec: RequestRecord) -> Any:
        collections.delete(backend, request.path_params["collection_name"])
        return _empty(202, rec)

    # backups and restores
    async def create_backup(request: Request, rec: RequestRecord) -> Any:
        body = await _body(request)
        b = backups.create(backend, request.path_params["index_name"], name=body.get("name"),
                           description=body.get("description"))
        rec.params["backup_id"] = b.backup_id
        status = 201 if shapes.is_legacy(_version(request)) else 200
        return json_response(shapes.render_backup(b, _version(request)), status,
                             {"x-pinecone-request-id": rec.request_id or ""})

    def _list(items: list, request: Request, render_one) -> dict:
        qp = request.query_params
        page, nxt = backups.paginate(items, qp.get("limit"), qp.get("paginationToken"))
        out: dict[str, Any] = {"data": [render_one(x) for x in page]}
        if nxt:
            out["pagination"] = {"next": nxt}
        return out

    async def list_index_backups(request: Request, rec: RequestRecord) -> Any:
        include = request.query_params.get("include_deleted", "false").lower() == "true"
        name = request.path_params["index_name"]
        if backend.get_index(name) is None and not include:
            raise control.NotFound(f"Index {name} not found.")
        items = backups.list_backups(backend, name, include_deleted=include)
        return _list(items, request, lambda b: shapes.render_backup(b, _version(request)))

    async def list_all_backups(request: Request, rec: RequestRecord) -> Any:
        if "include_deleted" in request.query_params:
            raise InvalidArgument("include_deleted is only supported when listing the backups of one index")
        return _list(backups.list_backups(backend), request, lambda b: shapes.render_backup(b, _version(request)))

    async def describe_backup(request: Request, rec: RequestRecord) -> Any:
        return shapes.render_backup(backups.get(backend, request.path_params["backup_id"]), _version(request))

    async def delete_backup(request: Request, rec: RequestRecord) -> Any:
        backups.delete(backend, request.path_params["backup_id"])
        return _empty(202, rec)

    async def restore_backup(request: Request, rec: RequestRecord) -> Any:
        body = await _body(request, required=("name",))
        idx, job = backups.restore(backend, request.path_params["backup_id"], name=body["name"],
                                   tags=body.get("tags"), deletion_protection=body.get("deletion_protection"),
                                   read_capacity=body.get("read_capacity"))
        rec.index = idx.name
        rec.params["restore_job_id"] = job.restore_job_id
        return json_response({"restore_job_id": job.restore_job_id, "index_id": job.target_index_id}, 202,
                             {"x-pinecone-request-id": rec.request_id or ""})

    async def list_restore_jobs(request: Request, rec: RequestRecord) -> Any:
        return _list(backups.list_jobs(backend), request, shapes.render_restore_job)

    async def describe_restore_job(request: Request, rec: RequestRecord) -> Any:
        return shapes.render_restore_job(backups.get_job(backend, request.path_params["job_id"]))

    async def create_for_model(request: Request, rec: RequestRecord) -> Any:
        raise InvalidArgument("Integrated embedding (create_index_for_model) needs Pinecone's hosted models, which "
                              "the local Pinecone does not have: create a dense index and embed client-side.")

    c = "control"
    return [
        Route("/indexes", endpoint(backend, c, "create_index", create_index, status=201), methods=["POST"]),
        Route("/indexes/create-for-model", endpoint(backend, c, "create_index_for_model", create_for_model),
              methods=["POST"]),
        Route("/indexes/{index_name}", endpoint(backend, c, "configure_index", configure_index), methods=["PATCH"]),
        Route("/collections", endpoint(backend, c, "create_collection", create_collection, status=201),
              methods=["POST"]),
        Route("/collections", endpoint(backend, c, "list_collections", list_collections), methods=["GET"]),
        Route("/collections/{collection_name}", endpoint(backend, c, "describe_collection", describe_collection),
              methods=["GET"]),
        Route("/collections/{collection_name}", endpoint(backend, c, "delete_collection", delete_collection),
              methods=["DELETE"]),
        Route("/indexes/{index_name}/backups", endpoint(backend, c, "create_backup", create_backup),
              methods=["POST"]),
        Route("/indexes/{index_name}/backups", endpoint(backend, c, "list_backups", list_index_backups),
              methods=["GET"]),
        Route("/backups", endpoint(backend, c, "list_backups", list_all_backups), methods=["GET"]),
        Route("/backups/{backup_id}", endpoint(backend, c, "describe_backup", describe_backup), methods=["GET"]),
        Route("/backups/{backup_id}", endpoint(backend, c, "delete_backup", delete_backup), methods=["DELETE"]),
        Route("/backups/{backup_id}/create-index",
              endpoint(backend, c, "create_index_from_backup", restore_backup), methods=["POST"]),
        Route("/restore-jobs", endpoint(backend, c, "list_restore_jobs", list_restore_jobs), methods=["GET"]),
        Route("/restore-jobs/{job_id}", endpoint(backend, c, "describe_restore_job", describe_restore_job),
              methods=["GET"]),
    ] + admin_routes(backend)


def admin_routes(backend: Backend) -> list[Route]:
    """``/_ops/indexes/{name}/options``: per-index faults (GET, PATCH; DELETE clears them)."""

    async def index_options(request: Request) -> Response:
        name = request.path_params["index_name"]
        if request.method == "PATCH":
            try:
                body = orjson.loads(await request.body() or b"{}")
                if not isinstance(body, dict):
                    raise ValueError('options must be a JSON object, e.g. {"consistency_lag_ms": 500}')
                return json_response(faults.set_index_options(backend, name, **body))
            except (KeyError, ValueError, TypeError, orjson.JSONDecodeError) as exc:
                return json_response({"error": str(exc).strip("\"'")}, 400)
        if request.method == "DELETE":
            return json_response(faults.clear_index_options(backend, name))
        return json_response(faults.index_options(backend, name))

    return [Route("/_ops/indexes/{index_name}/options", index_options, methods=["GET", "PATCH", "DELETE"])]


register_routes(routes)
