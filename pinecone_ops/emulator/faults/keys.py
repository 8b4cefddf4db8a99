"""API keys with roles: with keys configured (option ``api_keys``), an unknown key gets 401
(text/plain) and a key whose roles do not allow the operation 403 (a ``DataPlaneViewer`` key
writing). Without keys, any non-empty key is accepted with every permission; no key is 401."""
from __future__ import annotations

import hmac

from pinecone_ops.emulator.calls import Call, Operation
from pinecone_ops.emulator.exceptions import Locked, PermissionDenied, Unauthenticated
from pinecone_ops.emulator.options import ROLES
from pinecone_ops.emulator.state import Backend

ADMIN_HEADER = "X-Pinecone-Ops-Admin-Key"


def authenticate_admin(backend: Backend, op: Operation, call: Call) -> None:
    """``/_ops`` (the request log, the ledger, reset, options) once API keys are on: only the
    server's admin key (header ``X-Pinecone-Ops-Admin-Key``) opens it; no data-plane key does.
    ``/_ops/health`` stays open (it says nothing but "ok").

    From the sandbox listener (the Unix socket only a sandboxed student kernel reaches), ``/_ops``
    needs no key, ``/_ops/lock`` is always refused, and everything else while the grader holds
    the lock."""
    if call.channel == "sandbox":
        # The sandbox listener is that kernel's own teaching admin: no key, but the grader's lock.
        if op.name != "health" and (backend.admin_locked or op.name == "lock"):
            raise Locked("The admin API (/_ops) is locked while the grader checks this notebook; "
                         "it opens again when the check is done.")
        return
    if not backend.options["api_keys"] or op.name == "health":
        return
    key = backend.admin_key
    if not key or not call.admin_key or not hmac.compare_digest(call.admin_key.encode(), key.encode()):
        raise Unauthenticated(
            f"The admin API (/_ops) needs this server's admin key in the {ADMIN_HEADER} header while API keys "
            "are on; Pinecone API keys do not grant it. pinecone_ops.admin() sends it for a server in the same "
            "process, and otherwise reads PINECONE_OPS_ADMIN_KEY (pinecone-ops serve --admin-key KEY).")


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
