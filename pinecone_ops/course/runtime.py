"""Notebook start-up: the backend banner, API-key checks and small shared helpers."""
from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from typing import Any

from pinecone_ops.connection import LOCAL_API_KEY
from pinecone_ops.pricing import units
from pinecone_ops.pricing.units import metadata_bytes

_HOW_TO_SET = (
    "Set it in the environment before starting Jupyter, never in the notebook:\n"
    "    export {var}=<your key>        # macOS / Linux\n"
    "    setx {var} <your key>          # Windows (new terminal afterwards)\n"
    "or put it in a .env file that is listed in .gitignore. Create keys in the Pinecone console "
    "under API Keys; a key is shown only once."
)


class MissingApiKeyError(RuntimeError):
    """Raised when the API key environment variable is missing or empty."""


def require_api_key(var: str = "PINECONE_API_KEY") -> str:
    """Return the API key from the environment, or fail with a message that says how to set it."""
    value = os.environ.get(var, "").strip()
    if not value:
        raise MissingApiKeyError(f"{var} is not set. " + _HOW_TO_SET.format(var=var))
    return value


def backend_label() -> str:
    """Human name of the Pinecone backend this kernel talks to."""
    try:
        from pinecone_ops import connection

        name = getattr(connection, "backend_name", None)
        if callable(name):
            return str(name())
    except ImportError:
        pass
    if os.environ.get("PINECONE_OPS_BACKEND") == "pinecone":
        return "Pinecone cloud"
    if os.environ.get("PINECONE_OPS_HOST"):
        return f"local Pinecone at {os.environ['PINECONE_OPS_HOST']}"
    return "local Pinecone (embedded in this kernel)"


def _is_local(backend: str) -> bool:
    return "local" in backend.lower()


def banner(phase: str, backend: str | None = None) -> str:
    """HTML banner shown at the top of each notebook."""
    import pinecone

    backend = backend or backend_label()
    local = _is_local(backend)
    colour = "#0b6e4f" if local else "#b00020"
    note = (
        "Nothing you do here costs money or touches a real project."
        if local
        else "You are on <b>real Pinecone</b>: calls are billed to your project."
    )
    return (
        f'<div style="border-left:6px solid {colour};padding:6px 12px;background:#f6f8fa">'
        f"<b>Pinecone Operations · {html.escape(phase)}</b><br>"
        f"Backend: <b>{html.escape(backend)}</b> · pinecone SDK {html.escape(pinecone.__version__)}"
        f"<br>{note}</div>"
    )


def start(phase: str, *, show: bool = True):
    """Connect this kernel to its Pinecone backend, show the banner, return a ``pinecone.Pinecone``.

    For the local backend the SDK's own environment variables are filled in
    (``PINECONE_API_KEY`` with a local key unless one is set, ``PINECONE_CONTROLLER_HOST`` with the
    local server), so ``Pinecone()`` written as for real Pinecone reaches the local one.
    """
    from pinecone_ops import connect

    pc = connect()
    backend = backend_label()
    if _is_local(backend):
        os.environ.setdefault("PINECONE_API_KEY", LOCAL_API_KEY)
        host = getattr(getattr(pc, "config", None), "host", None)
        if host:
            os.environ["PINECONE_CONTROLLER_HOST"] = str(host)
    if show:
        try:
            from IPython.display import HTML, display

            display(HTML(banner(phase, backend)))
        except ImportError:  # plain Python: print the text
            print(f"Pinecone Operations · {phase} · backend: {backend}")
    return pc


def set_server_options(**options) -> bool:
    """Switch options of the local Pinecone (e.g. ``consistency_lag_ms=800`` to see eventual
    consistency); returns False, changing nothing, on real Pinecone."""
    if not _is_local(backend_label()):
        return False
    from pinecone_ops import admin

    admin().set_options(**options)
    return True


def record_bytes(record: Mapping[str, Any] | tuple) -> int:
    """Bytes one record counts toward the 2 MB upsert limit: id + 4 B per value + metadata + 8 B per sparse entry.

    Accepts the dict form (``{"id", "values", "metadata"?, "sparse_values"?}``) or a tuple
    ``(id, values[, metadata])``.
    """
    if isinstance(record, tuple):
        rid, values, meta = (list(record) + [None])[:3]
        sparse = None
    else:
        rid, values = record["id"], record.get("values") or []
        meta, sparse = record.get("metadata"), record.get("sparse_values")
    nnz = len(sparse["indices"]) if sparse else 0
    return units.record_bytes(len(str(rid).encode("utf-8")), len(values), metadata_bytes(meta), nnz)


def upsert_bytes(documents: Sequence[Mapping[str, Any]]) -> int:
    """Bytes of the request body ``index.documents.upsert(documents=...)`` sends: ``{"documents": [...]}``
    encoded as compact JSON, as the SDK encodes it (orjson). This is what Pinecone's 2 MB limit on one
    upsert request counts. Raises ``TypeError`` for a value JSON cannot hold (numpy or pandas types),
    as the SDK does before sending."""
    import orjson

    return len(orjson.dumps({"documents": list(documents)}))
