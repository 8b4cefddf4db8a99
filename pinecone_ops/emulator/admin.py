"""The admin plane (``/_ops/…``): the request log, the ledger, reset and options, for graders and
instructors. The SDK never calls it; its calls are not logged or rate limited."""
from __future__ import annotations

from pinecone_ops.emulator.calls import Call, Operation, Result, Run
from pinecone_ops.emulator.exceptions import InvalidArgument
from pinecone_ops.emulator.metering import key_hash
from pinecone_ops.emulator.state import Backend


def health(backend: Backend, call: Call) -> Result:
    return Result({"status": "ok", "indexes": len(backend.indexes), "url": backend.base_url})


def requests(backend: Backend, call: Call) -> Result:
    try:
        since = int(call.arg("since") or 0)
    except ValueError:
        raise InvalidArgument(
            "since must be an integer sequence number (the 'seq' of the last entry you saw)") from None
    index = call.arg("index") or None
    return Result({"requests": backend.log.entries(index=index, since=since), "last_seq": backend.log.last_seq})


def ledger(backend: Backend, call: Call) -> Result:
    return Result(backend.ledger_report())


def reset(backend: Backend, call: Call) -> Result:
    backend.reset()
    return Result({"status": "reset"})


def _shown(options: dict) -> dict:
    """Options as ``/_ops/options`` shows them: API keys only as their 10-hex tags (the request
    log's ``api_key``), never in clear."""
    return {**options, "api_keys": {key_hash(k): roles for k, roles in options["api_keys"].items()}}


def get_options(backend: Backend, call: Call) -> Result:
    return Result(_shown(backend.options))


def _options_body(call: Call, example: str) -> dict:
    try:
        body = call.json()
    except InvalidArgument as exc:
        raise InvalidArgument(f"options must be a JSON object: {exc.message}") from None
    if not isinstance(body, dict):
        raise InvalidArgument(f"options must be a JSON object, e.g. {example}")
    return body


def _option_error(exc: Exception) -> InvalidArgument:
    return InvalidArgument(str(exc).strip("\"'"))


def set_options(backend: Backend, call: Call) -> Result:
    body = _options_body(call, '{"meter_scale": 1000}')
    try:
        return Result(_shown(backend.set_options(**body)))
    except (KeyError, ValueError, TypeError) as exc:
        raise _option_error(exc) from None


def get_index_options(backend: Backend, call: Call) -> Result:
    return Result(backend.index_options(call.path["index_name"]))


def set_index_options(backend: Backend, call: Call) -> Result:
    body = _options_body(call, '{"consistency_lag_ms": 500}')
    try:
        return Result(backend.set_index_options(call.path["index_name"], **body))
    except (KeyError, ValueError, TypeError) as exc:
        raise _option_error(exc) from None


def clear_index_options(backend: Backend, call: Call) -> Result:
    return Result(backend.clear_index_options(call.path["index_name"]))


def lock(backend: Backend, call: Call) -> Result:
    """Lock or unlock ``/_ops`` for the sandbox listener (``{"locked": true|false}``)."""
    body = _options_body(call, '{"locked": true}')
    locked = body.get("locked")
    if set(body) != {"locked"} or not isinstance(locked, bool):
        raise InvalidArgument('the body must be {"locked": true} or {"locked": false}')
    backend.admin_locked = locked
    return Result({"locked": locked})


def _op(run: Run, *, journaled: bool = False) -> Operation:
    return Operation(name=run.__name__, plane="admin", write=journaled, journaled=journaled, run=run)


#: The admin plane's route table: (method, path, operation).
URLS: list[tuple[str, str, str]] = [
    ("GET", "/_ops/health", "health"),
    ("GET", "/_ops/requests", "requests"),
    ("GET", "/_ops/ledger", "ledger"),
    ("POST", "/_ops/reset", "reset"),
    ("POST", "/_ops/lock", "lock"),
    ("GET", "/_ops/options", "get_options"),
    ("PATCH", "/_ops/options", "set_options"),
    ("GET", "/_ops/indexes/{index_name}/options", "get_index_options"),
    ("PATCH", "/_ops/indexes/{index_name}/options", "set_index_options"),
    ("DELETE", "/_ops/indexes/{index_name}/options", "clear_index_options"),
]

OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    _op(health), _op(requests), _op(ledger), _op(reset, journaled=True), _op(lock), _op(get_options), _op(set_options),
    _op(get_index_options), _op(set_index_options), _op(clear_index_options),
)}
