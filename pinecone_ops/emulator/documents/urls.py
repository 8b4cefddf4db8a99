"""The Documents API's route table, under an index's host: (method, path, operation).

Paths are the 2026-07 data-plane spec's. The SDK percent-encodes the namespace as one path
segment (``/`` becomes ``%2F``), which the server decodes before routing, so the namespace is
matched as a path: ``it docs/1a2b`` reaches ``/namespaces/it docs/1a2b/documents/upsert``.
These routes come before the vector plane's catch-all ``unsupported``.
"""

PREFIX = "/index/{index_name}"

URLS: list[tuple[str, str, str]] = [
    ("POST", "/namespaces/{namespace:path}/documents/upsert", "upsert_documents"),
    ("POST", "/namespaces/{namespace:path}/documents/search", "search_documents"),
    ("POST", "/namespaces/{namespace:path}/documents/fetch", "fetch_documents"),
    ("POST", "/namespaces/{namespace:path}/documents/update", "update_documents"),
    ("POST", "/namespaces/{namespace:path}/documents/delete", "delete_documents"),
    ("POST", "/namespaces/{namespace:path}/documents/list", "list_documents"),
]
