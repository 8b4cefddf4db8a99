"""Document filters: the metadata filter language (``vectors/filters.py``) on metadata fields,
plus the text-match operators on ``full_text_search`` fields, which tantivy answers with the
field's own analyzer (``$match_phrase``: the words as a contiguous phrase; ``$match_all``: every
word; ``$match_any``: at least one).

A data field (a vector field, or a full-text field) refuses the comparison operators; a metadata
field refuses the text-match operators (SDK 10 ``documents.search`` docstring). Delete and update
filters refuse text-match operators altogether.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tantivy

from pinecone_ops.emulator.exceptions import InvalidArgument
from pinecone_ops.emulator.storage import filters as metadata_filters
from pinecone_ops.emulator.storage.documents import ID_FIELD, DocumentNamespace

MATCH_OPS = ("$match_phrase", "$match_all", "$match_any")
#: Deeper filters are refused (a 400, never a RecursionError); the same cap as the Vectors API's.
MAX_DEPTH = metadata_filters.MAX_DEPTH

Predicate = Callable[[str, dict[str, Any]], bool]


def _bad(message: str) -> InvalidArgument:
    return InvalidArgument(f"Invalid filter: {message}")


def compile_filter(filt: Any, ns: DocumentNamespace | None, fields: dict[str, Any], *,
                   text_match: bool = True) -> Predicate:
    """A predicate over ``(id, document)``; raises Pinecone's 400 for an invalid filter."""
    return _compile(filt, ns, fields, text_match, 0)


def _compile(filt: Any, ns: DocumentNamespace | None, fields: dict[str, Any], text_match: bool,
             depth: int) -> Predicate:
    if depth > MAX_DEPTH:
        raise _bad(f"filters may nest at most {MAX_DEPTH} levels")
    if not isinstance(filt, dict):
        raise _bad(f"a filter must be a JSON object, got {type(filt).__name__}")
    preds: list[Predicate] = []
    for key, value in filt.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise _bad(f"{key} must be a non-empty array of filters")
            subs = [_compile(v, ns, fields, text_match, depth + 1) for v in value]
            preds.append(_all(subs) if key == "$and" else _any(subs))
        elif key.startswith("$"):
            raise _bad(f"unknown top-level operator {key}; only $and and $or are allowed at the top level")
        elif key in fields:
            preds.append(_data_field(key, value, ns, fields[key], text_match))
        else:
            preds.append(_metadata_field(key, value))
    return _all(preds)


def _all(preds: list[Predicate]) -> Predicate:
    return lambda rid, doc: all(p(rid, doc) for p in preds)


def _any(preds: list[Predicate]) -> Predicate:
    return lambda rid, doc: any(p(rid, doc) for p in preds)


def _metadata_field(key: str, value: Any) -> Predicate:
    if isinstance(value, dict) and any(op in MATCH_OPS for op in value):
        raise _bad(f"{key} is a metadata field: text-match operators ({', '.join(MATCH_OPS)}) apply only to "
                   "full_text_search fields")
    sub = {key: value}
    metadata_filters.parse(sub)  # validation, with the Vectors API's messages
    return lambda rid, doc: metadata_filters.matches(sub, doc)


def _data_field(key: str, value: Any, ns: DocumentNamespace | None, spec: dict[str, Any],
                text_match: bool) -> Predicate:
    if spec["type"] != "string":
        raise _bad(f"{key} is a {spec['type']} field: vector fields cannot be filtered")
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in MATCH_OPS:
        raise _bad(f"{key} is a full_text_search field: it takes one of {', '.join(MATCH_OPS)}, "
                   "not comparison operators")
    if not text_match:
        raise _bad("text-match operators are not supported in delete or update filters")
    op, text = next(iter(value.items()))
    if not isinstance(text, str) or not text.strip():
        raise _bad(f"{op} on field {key} needs a non-empty string")
    matched = _text_matches(ns, key, op, text)
    return lambda rid, doc: rid in matched


def _text_matches(ns: DocumentNamespace | None, field: str, op: str, text: str) -> set[str]:
    searcher = None if ns is None else ns.searcher()
    if ns is None or ns.tindex is None or searcher is None or not ns.docs:
        return set()
    tokens: list[str | tuple[int, str]] = list(ns.analyzers[field].analyze(text))
    if not tokens:
        return set()
    schema = ns.tindex.schema
    query: tantivy.Query
    if op == "$match_phrase" and len(tokens) > 1:
        query = tantivy.Query.phrase_query(schema, field, tokens)
    else:
        occur = tantivy.Occur.Should if op == "$match_any" else tantivy.Occur.Must
        query = tantivy.Query.boolean_query([(occur, tantivy.Query.term_query(schema, field, t)) for t in tokens
                                           if isinstance(t, str)])
    hits = searcher.search(query, limit=max(1, ns.n)).hits
    return {searcher.doc(address)[ID_FIELD][0] for _, address in hits}
