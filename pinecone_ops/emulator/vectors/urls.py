"""The vector data plane's route table, under an index's host: (method, path, operation).

The SDK string-concatenates these paths onto the ``host`` that describe_index returns,
``{server}/index/{name}``; anything else under that prefix is ``unsupported`` (501).
"""

PREFIX = "/index/{index_name}"

URLS: list[tuple[str, str, str]] = [
    ("POST", "/vectors/upsert", "upsert"),
    ("POST", "/query", "query"),
    ("GET", "/vectors/fetch", "fetch"),
    ("POST", "/vectors/fetch_by_metadata", "fetch_by_metadata"),
    ("POST", "/vectors/update", "update"),
    ("POST", "/vectors/delete", "delete"),
    ("GET", "/vectors/list", "list"),
    ("POST", "/describe_index_stats", "describe_index_stats"),
    ("GET", "/describe_index_stats", "describe_index_stats"),
    ("GET", "/namespaces", "list_namespaces"),
    ("POST", "/namespaces", "create_namespace"),
    # ``:path``: a namespace may contain "/" (sent as %2F, decoded before routing), as on upsert.
    ("GET", "/namespaces/{namespace:path}", "describe_namespace"),
    ("DELETE", "/namespaces/{namespace:path}", "delete_namespace"),
    # Namespace aliases (2026-07; on vector and document indexes alike: ``aliases.py``).
    ("GET", "/namespace-aliases", "list_namespace_aliases"),
    ("POST", "/namespace-aliases", "create_namespace_alias"),
    ("GET", "/namespace-aliases/{alias_name}", "describe_namespace_alias"),
    ("PATCH", "/namespace-aliases/{alias_name}", "repoint_namespace_alias"),
    ("DELETE", "/namespace-aliases/{alias_name}", "delete_namespace_alias"),
]
#: Matched last: every other path and method under the prefix.
FALLBACK = ("/{rest:path}", "unsupported")
