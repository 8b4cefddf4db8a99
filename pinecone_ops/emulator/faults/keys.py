"""API keys with roles: with keys configured (option ``api_keys``), an unknown key gets 401
(text/plain) and a key whose roles do not allow the operation 403 (a ``DataPlaneViewer`` key
writing). Without keys, any non-empty key is accepted with every permission; no key is 401."""
from __future__ import annotations

from pinecone_ops.emulator.calls import Call, Operation
from pinecone_ops.emulator.exceptions import PermissionDenied, Unauthenticated
from pinecone_ops.emulator.options import ROLES
from pinecone_ops.emulator.state import Backend


def authenticate(backend: Backend, op: Operation, call: Call) -> None:
    """401 for a missing or unknown key, 403 when the key's roles do not allow ``op``."""
    if not call.api_key:
        raise Unauthenticated("Invalid API key")
    keys = backend.options["api_keys"]
    if not keys:
        return
    roles = keys.get(call.api_key)
    if roles is None:
        raise Unauthenticated("Invalid API key")
    plane = "control" if op.plane == "control" else "data"
    access = "write" if op.write else "read"
    if not any(f"{plane}:{access}" in ROLES[r] for r in roles):
        resource = "vectors" if plane == "data" else "indexes"
        raise PermissionDenied(f"Access denied: Permission {plane}::{resource}::{access} is "
                               f"required (this API key has role {', '.join(roles)})")
