"""Typed errors of the local Pinecone, each carrying Pinecone's HTTP status, code and message.

Two wire shapes exist on real Pinecone (reference/pinecone-api.md §1.4):

* control plane: ``{"error": {"code": "NOT_FOUND", "message": "..."}, "status": 404}``
* data plane (gRPC-gateway ``rpcStatus``): ``{"code": 5, "message": "...", "details": []}``

and 401 is ``text/plain``. The SDK maps the HTTP status to its exception class, so keeping the
status right is what makes ``pinecone.NotFoundError`` & co. appear exactly as against Pinecone.
Models raise these; only the HTTP layer turns them into bytes.
"""
from __future__ import annotations

#: gRPC status codes used in data-plane bodies.
GRPC_CODES = {
    "OK": 0,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}


class PineconeError(Exception):
    """Base: an error Pinecone itself would answer with."""

    status: int = 500
    code: str = "INTERNAL"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None, reason: str | None = None,
                 metadata: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: A machine-readable cause (``details[0].reason``, google.rpc.ErrorInfo), as the 2026-07
        #: namespace-alias errors carry; ``metadata`` goes with it.
        self.reason = reason
        self.metadata = dict(metadata or {})
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})

    def control_body(self) -> dict:
        """Control-plane error body."""
        return {"error": {"code": self.code, "message": self.message}, "status": self.status}

    def data_body(self) -> dict:
        """Data-plane (rpcStatus) error body."""
        return {"code": GRPC_CODES.get(self.code, 2), "message": self.message, "details": self.details()}

    def details(self) -> list[dict]:
        if self.reason is None:
            return []
        return [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": self.reason,
                 "domain": "pinecone.io", "metadata": self.metadata}]


class InvalidArgument(PineconeError):
    status, code = 400, "INVALID_ARGUMENT"


class NotFound(PineconeError):
    status, code = 404, "NOT_FOUND"


class AlreadyExists(PineconeError):
    status, code = 409, "ALREADY_EXISTS"


class Forbidden(PineconeError):
    status, code = 403, "FORBIDDEN"


class QuotaExceeded(PineconeError):
    status, code = 403, "QUOTA_EXCEEDED"


class FailedPrecondition(PineconeError):
    status, code = 412, "FAILED_PRECONDITION"


class Unprocessable(PineconeError):
    status, code = 422, "UNPROCESSABLE_ENTITY"


class PayloadTooLarge(PineconeError):
    status, code = 413, "OUT_OF_RANGE"


class RateLimited(PineconeError):
    status, code = 429, "RESOURCE_EXHAUSTED"


class Unauthenticated(PineconeError):
    """401: Pinecone answers it as text/plain before the request reaches the API."""

    status, code = 401, "UNAUTHENTICATED"


class Unimplemented(PineconeError):
    status, code = 501, "UNIMPLEMENTED"


#: The one explanation of every feature that runs Pinecone's hosted models (inference, integrated
#: embedding, reranking), which a local server cannot have; each refusal names its feature first.
HOSTED_MODELS = ("needs Pinecone's hosted models, which the local Pinecone does not have: embed "
                 "client-side into a dense_vector or sparse_vector field (pinecone_ops.datasets ships "
                 "embedded films and queries), or run against real Pinecone (PINECONE_OPS_BACKEND=pinecone)")


class DataQuotaExceeded(QuotaExceeded):
    """403 QUOTA_EXCEEDED on the data plane (rpcStatus code 8, RESOURCE_EXHAUSTED)."""

    def data_body(self) -> dict:
        return {"code": 8, "message": self.message, "details": self.details()}


class IndexFull(PineconeError):
    """An upsert into a full pod index (403; data-plane code RESOURCE_EXHAUSTED)."""

    status, code = 403, "RESOURCE_EXHAUSTED"


class Locked(PineconeError):
    """423: the grader holds the admin lock (``/_ops`` from a sandboxed kernel; not a Pinecone API)."""

    status, code = 423, "LOCKED"


class PermissionDenied(PineconeError):
    """403 for a key whose roles do not allow the operation (data plane: rpc code 7)."""

    status, code = 403, "FORBIDDEN"

    def data_body(self) -> dict:
        return {"code": 7, "message": self.message, "details": self.details()}


class NotReady(PineconeError):
    """503: the index is still Initializing (the "index not ready" teaching fault)."""

    status, code = 503, "UNAVAILABLE"
