"""A request to the local Pinecone without HTTP: :class:`Call` in, :class:`Result` out.

The HTTP layer turns a Starlette request into a ``Call`` and a ``Result`` (or a
:class:`~pinecone_ops.emulator.exceptions.PineconeError`) into a response; everything between —
the request pipeline, the operations, the journal that replays them — sees only these.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from pinecone_ops.emulator.exceptions import InvalidArgument
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import Backend, Index, canonical_namespace

#: The newest API version (``X-Pinecone-Api-Version``); a request without the header gets it.
LATEST = "2026-07"
_NO_BODY = object()
#: The planes served under an index's host (API-key roles, lag and LSN headers treat them alike).
DATA_PLANES = ("vectors", "documents")


def api_version(header: str | None) -> str:
    return (header or "").strip() or LATEST


def is_legacy(version: str) -> bool:
    """Whether responses use the 2025-style IndexModel (everything before 2026-07)."""
    return version < LATEST


@dataclass
class Call:
    """One request, as data: operation, path and query parameters, body, key, version, time."""

    operation: str
    method: str = "GET"
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, list[str]] = field(default_factory=dict)
    raw: bytes = b""
    api_key: str | None = None
    #: ``X-Pinecone-Ops-Admin-Key``: the admin API's credential (``faults/keys.py``).
    admin_key: str | None = field(default=None, repr=False)
    api_version: str = LATEST
    now: float = 0.0
    request_id: str = ""
    #: Which listener the call came in on: ``"host"`` (loopback TCP: the SDK, the grader) or
    #: ``"sandbox"`` (the Unix socket a sandboxed student kernel reaches; ``faults/keys.py``).
    channel: str = "host"
    record: RequestRecord = field(default_factory=lambda: RequestRecord(operation=""))
    #: The index a data-plane read is served from (a lagging replica under consistency lag).
    view: Index | None = None
    _body: Any = field(default=_NO_BODY, repr=False)

    def __post_init__(self) -> None:
        if not self.record.operation:
            self.record.operation = self.operation

    # -------------------------------------------------------------- arguments
    def arg(self, name: str, default: str | None = None) -> str | None:
        """Query parameter ``name`` (the last one, when it is repeated)."""
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self) -> dict[str, str]:
        """All query parameters, one value each."""
        return {k: v[-1] for k, v in self.query.items() if v}

    def json(self) -> Any:
        """The decoded body (``{}`` when empty); a body that is not JSON is Pinecone's 400."""
        if self._body is _NO_BODY:
            if not self.raw:
                self._body = {}
            else:
                try:
                    self._body = orjson.loads(self.raw)
                except orjson.JSONDecodeError as exc:
                    raise InvalidArgument(f"Failed to parse the JSON body: {exc}") from None
        return self._body

    def object(self) -> dict:
        """The body, which must be a JSON object."""
        body = self.json()
        if not isinstance(body, dict):
            raise InvalidArgument("The request body must be a JSON object")
        return body

    def namespace(self) -> str:
        """The namespace a data-plane request addresses (path, query or body), leniently: for
        the rate limiter, before the operation validates anything."""
        if "namespace" in self.path:
            return canonical_namespace(self.path["namespace"])
        if self.raw:
            try:
                body = self.json()
            except InvalidArgument:
                return canonical_namespace(None)
            ns = body.get("namespace") if isinstance(body, dict) else None
            return canonical_namespace(ns if isinstance(ns, str) else None)
        return canonical_namespace(self.arg("namespace"))

    @property
    def index_name(self) -> str | None:
        return self.path.get("index_name")

    # -------------------------------------------------------------- what a call creates
    def new_id(self, tag: str) -> str:
        """An id for something this call creates, the same every time the call is replayed."""
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self.request_id}:{tag}"))

    def journal_entry(self) -> dict[str, Any]:
        """What the journal keeps of a call to repeat it after a restart."""
        return {"op": self.operation, "method": self.method, "path": self.path, "query": self.query, "raw": self.raw,
                "version": self.api_version, "now": self.now, "request_id": self.request_id}

    @classmethod
    def from_journal(cls, entry: dict[str, Any]) -> Call:
        return cls(operation=entry["op"], method=entry["method"], path=entry["path"], query=entry["query"],
                   raw=entry["raw"], api_version=entry["version"], now=entry["now"], request_id=entry["request_id"])


@dataclass
class Result:
    """A successful answer: a JSON body (``None``: an empty body) and its status."""

    body: Any = None
    status: int = 200


Run = Callable[[Backend, Call], Result]
OnIndex = Callable[[Any, Index, Call], Any]


@dataclass(frozen=True)
class Operation:
    """One entry of the operations catalogue (``catalogue.py``)."""

    name: str
    #: "control", "vectors", "documents" or "admin".
    plane: str
    #: Whether it changes state (API-key roles: a viewer key may not call it; replication).
    write: bool
    #: Whether the journal keeps it (a write that must survive a restart).
    journaled: bool
    run: Run
    #: Data-plane operations: the rule applied to one index (also what a lagging replica repeats).
    on_index: OnIndex | None = None

    @property
    def data_plane(self) -> bool:
        """An index's data (the Vectors or the Documents API, under the index's host)."""
        return self.plane in DATA_PLANES

    @property
    def pinecone_api(self) -> bool:
        """A Pinecone API call (authenticated, rate limited, logged) rather than an admin one."""
        return self.plane != "admin"
