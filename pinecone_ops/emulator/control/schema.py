"""2026-07 index schemas: which API an index is served by, and the field rules of a document index.

A schema made only of the reserved ``_values`` (``dense_vector``) and/or ``_sparse_values``
(``sparse_vector``) is a classic **vector index**, read and written through the Vectors API; any
other schema makes a **document index**, served by the Documents API (db_control 2026-07
``CreateIndexSchema``). An index stays on the API it was created with.

Document-index fields (``CreateIndexSchemaField``): ``dense_vector`` (dimension 1–20,000, metric),
``sparse_vector``, and ``string`` with a ``full_text_search`` object. Metadata is never declared:
``float`` / ``boolean`` / ``string_list`` / a bare ``string`` are refused. Missing or unknown
members are the body-deserialisation 422; rule violations are 400.
"""
from __future__ import annotations

from typing import Any

from pinecone_ops.emulator.exceptions import HOSTED_MODELS, InvalidArgument, Unprocessable
from pinecone_ops.emulator.storage.fields import LANGUAGES

DENSE_FIELD = "_values"
SPARSE_FIELD = "_sparse_values"
METRICS = ("cosine", "euclidean", "dotproduct")
MAX_DIMENSION = 20_000
MAX_FTS_FIELDS = 100
MAX_FIELD_NAME_BYTES = 64
MAX_DESCRIPTION_BYTES = 256

#: Languages with a built-in stop-word list (the others refuse ``stop_words: true``).
STOP_WORD_LANGUAGES = frozenset({"da", "nl", "en", "fi", "fr", "de", "hu", "it", "no", "pt", "ru", "es", "sv"})
_METADATA_TYPES = ("float", "number", "integer", "boolean", "string_list")
_FTS_KEYS = ("language", "stemming", "stop_words", "ngram")
_NGRAM_KEYS = ("min_gram", "max_gram", "prefix_only")


def _deserialize(message: str) -> Unprocessable:
    return Unprocessable(f"Failed to deserialize the JSON body into the target type: {message}")


def is_vector_schema(fields: dict[str, Any]) -> bool:
    """Whether a schema is the reserved-fields-only form that makes a classic vector index."""
    return bool(fields) and all(name in (DENSE_FIELD, SPARSE_FIELD) for name in fields)


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name:
        raise InvalidArgument("Schema field names must be non-empty strings")
    if len(name.encode()) > MAX_FIELD_NAME_BYTES:
        raise InvalidArgument(f"Schema field name {name[:20]!r}… exceeds {MAX_FIELD_NAME_BYTES} bytes")
    if name.startswith("$"):
        raise InvalidArgument(f"Schema field name {name!r} must not start with '$', which introduces a filter operator")
    if name.startswith("_"):
        raise InvalidArgument(
            f"Schema field name {name!r} is reserved: names starting with '_' are reserved "
            f"('{DENSE_FIELD}' and '{SPARSE_FIELD}' only as the whole schema, which makes a vector index)")


def _check_keys(name: str, spec: dict, allowed: tuple[str, ...]) -> None:
    for key in spec:
        if key not in allowed:
            raise _deserialize(f"fields.{name}: unknown field `{key}`, expected one of "
                               + ", ".join(f"`{k}`" for k in allowed))


def _check_description(name: str, spec: dict) -> dict[str, Any]:
    desc = spec.get("description")
    if desc is not None and (not isinstance(desc, str) or len(desc.encode()) > MAX_DESCRIPTION_BYTES):
        raise InvalidArgument(f"Field {name}: description must be a string of at most {MAX_DESCRIPTION_BYTES} bytes")
    return {"description": desc}


def _dense(name: str, spec: dict) -> dict[str, Any]:
    _check_keys(name, spec, ("type", "dimension", "metric", "description"))
    if "dimension" not in spec:
        raise _deserialize(f"fields.{name}: missing field `dimension`")
    dim, metric = spec["dimension"], spec.get("metric", "cosine")
    if not isinstance(dim, int) or isinstance(dim, bool) or not 1 <= dim <= MAX_DIMENSION:
        raise InvalidArgument(f"Field {name}: dimension must be an integer between 1 and {MAX_DIMENSION}, got {dim!r}")
    if metric not in METRICS:
        raise InvalidArgument(f"Field {name}: metric must be one of {', '.join(METRICS)}, got {metric!r}")
    return {"type": "dense_vector", "dimension": dim, "metric": metric, **_check_description(name, spec)}


def _sparse(name: str, spec: dict) -> dict[str, Any]:
    _check_keys(name, spec, ("type", "description", "metric"))
    if spec.get("metric", "dotproduct") != "dotproduct":
        raise InvalidArgument(f"Field {name}: sparse_vector fields have no configurable metric (dotproduct)")
    return {"type": "sparse_vector", **_check_description(name, spec)}


def _ngram(name: str, ngram: Any) -> dict[str, Any]:
    if not isinstance(ngram, dict):
        raise _deserialize(f"fields.{name}.full_text_search.ngram: expected an object")
    _check_keys(f"{name}.full_text_search.ngram", ngram, _NGRAM_KEYS)
    for key in ("min_gram", "max_gram"):
        if key not in ngram:
            raise _deserialize(f"fields.{name}.full_text_search.ngram: missing field `{key}`")
    lo, hi, prefix = ngram["min_gram"], ngram["max_gram"], ngram.get("prefix_only", False)
    for v in (lo, hi):
        if not isinstance(v, int) or isinstance(v, bool):
            raise _deserialize(f"fields.{name}.full_text_search.ngram: min_gram and max_gram must be integers")
    if not 1 <= lo <= hi <= 10:
        raise InvalidArgument(f"Field {name}: ngram needs 1 <= min_gram <= max_gram <= 10, got {lo} and {hi}")
    if not isinstance(prefix, bool):
        raise _deserialize(f"fields.{name}.full_text_search.ngram.prefix_only: expected a boolean")
    return {"min_gram": lo, "max_gram": hi, "prefix_only": prefix}


def _full_text(name: str, fts: Any) -> dict[str, Any]:
    if not isinstance(fts, dict):
        raise _deserialize(f"fields.{name}.full_text_search: expected an object")
    _check_keys(f"{name}.full_text_search", fts, _FTS_KEYS)
    stemming, stop_words = fts.get("stemming", False), fts.get("stop_words", False)
    for key, v in (("stemming", stemming), ("stop_words", stop_words)):
        if not isinstance(v, bool):
            raise _deserialize(f"fields.{name}.full_text_search.{key}: expected a boolean")
    if "ngram" in fts:
        if stemming or stop_words:
            raise InvalidArgument(f"Field {name}: ngram cannot be combined with stemming or stop_words")
        if "language" in fts:
            raise InvalidArgument(f"Field {name}: ngram replaces language-based analysis; remove language")
        return {"language": "en", "stemming": False, "stop_words": False, "ngram": _ngram(name, fts["ngram"])}
    language = fts.get("language", "en")
    if language not in LANGUAGES:
        raise InvalidArgument(f"Field {name}: unsupported language {language!r}; supported: {', '.join(LANGUAGES)}")
    if stop_words and not stemming:
        raise InvalidArgument(f"Field {name}: stop_words requires stemming: true")
    if stop_words and language not in STOP_WORD_LANGUAGES:
        raise InvalidArgument(f"Field {name}: language {language!r} has no built-in stop word list; "
                              "set stop_words: false")
    return {"language": language, "stemming": stemming, "stop_words": stop_words}


def _string(name: str, spec: dict) -> dict[str, Any]:
    if "embed" in spec or "sparse_embed" in spec:
        raise InvalidArgument(f"Field {name}: integrated embedding (embed / sparse_embed) {HOSTED_MODELS}")
    if spec.get("filterable"):
        raise InvalidArgument(f"Field {name}: the schema only accepts fields used for search; metadata used for "
                              "filtering is not declared (upsert it with the documents and it is indexed "
                              "automatically)")
    _check_keys(name, spec, ("type", "full_text_search", "description", "filterable"))
    if "full_text_search" not in spec:
        raise _deserialize(f"fields.{name}: missing field `full_text_search` (a string field without it is "
                           "metadata, which is not declared in the schema)")
    return {"type": "string", "full_text_search": _full_text(name, spec["full_text_search"]),
            **_check_description(name, spec)}


def _field(name: str, spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise _deserialize(f"fields.{name}: expected an object")
    kind = spec.get("type")
    if kind == "dense_vector":
        return _dense(name, spec)
    if kind == "sparse_vector":
        return _sparse(name, spec)
    if kind == "string":
        return _string(name, spec)
    if kind in _METADATA_TYPES:
        raise InvalidArgument(f"Field {name}: {kind} is a metadata type and is not declared in the schema; "
                              "the schema only accepts fields used for search. Upsert the values with the "
                              "documents and they are indexed for filtering automatically")
    if kind == "semantic_text":
        raise InvalidArgument(f"Field {name}: semantic_text (integrated embedding) {HOSTED_MODELS}")
    raise _deserialize(f"fields.{name}: unknown variant `{kind}`, expected one of `dense_vector`, "
                       "`sparse_vector`, `string`")


def validate_document_schema(fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The normalised fields of a document-index schema (as describe shows them), or the error."""
    out: dict[str, dict[str, Any]] = {}
    for name, spec in fields.items():
        _check_name(name)
        out[name] = _field(name, spec)
    kinds = [f["type"] for f in out.values()]
    if kinds.count("dense_vector") > 1 or kinds.count("sparse_vector") > 1:
        raise InvalidArgument("An index may declare at most one dense_vector and one sparse_vector field")
    if kinds.count("string") > MAX_FTS_FIELDS:
        raise InvalidArgument(f"An index may declare at most {MAX_FTS_FIELDS} full_text_search fields")
    return out
