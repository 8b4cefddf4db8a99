"""Documents API rules on one document index: upsert, search, fetch, update, delete, list.

Each takes the rule context (the backend, or a replica's shadow), the index, the namespace from
the path, the decoded snake_case body and the :class:`RequestRecord` it fills in (parameters,
RU/WU), and returns the response body (2026-07 data-plane spec, ``/namespaces/{ns}/documents/…``).
Limits reuse the Vectors API's (``vectors/validation.py``); metering uses ``pricing/units.py``.
"""
from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np
import tantivy

from pinecone_ops.emulator import pagination
from pinecone_ops.emulator.documents.filters import Predicate, compile_filter
from pinecone_ops.emulator.exceptions import InvalidArgument
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import Index, RuleContext
from pinecone_ops.emulator.storage import analysis
from pinecone_ops.emulator.storage import fields as field_kinds
from pinecone_ops.emulator.storage.documents import ID_FIELD, DocumentNamespace
from pinecone_ops.emulator.vectors import validation
from pinecone_ops.pricing import units

MAX_QUERY_BYTES = 10_000
MAX_FETCH_LIMIT = 10_000
MAX_CLAUSES = 100
_TEXT_CLAUSES = ("text", "query_string")


def charge(ctx: RuleContext, idx: Index, ns: str, rec: RequestRecord, *, ru: float = 0.0, wu: float = 0.0) -> None:
    rec.read_units += ru
    rec.write_units += wu
    ctx.ledger.charge(idx.name, ns, read_units=ru, write_units=wu)


def _usage(ru: float, payload: Any) -> dict[str, int]:
    # read_units is an int32 on the wire (the 0.25 RU search minimum shows as 1; the ledger is exact).
    return {"read_units": int(math.ceil(ru)), "egress_bytes": units.egress_bytes(payload)}


def namespace_name(raw: Any, rec: RequestRecord) -> str:
    ns = validation.check_namespace(raw)
    if not ns:
        raise InvalidArgument("namespace must be a non-empty string")
    rec.namespace = ns
    return ns


# ---------------------------------------------------------------------------------------- documents

_NUMBER_TYPES = frozenset({int, float})

def _dense_value(rid: str, name: str, value: Any, spec: dict[str, Any]) -> list[float]:
    dim = spec["dimension"]
    if not isinstance(value, list) or not set(map(type, value)) <= _NUMBER_TYPES:  # map/set run in C
        raise InvalidArgument(f"Document {rid}: field {name} must be an array of {dim} numbers")
    if len(value) != dim:
        raise InvalidArgument(f"Document {rid}: field {name} has dimension {len(value)}; the index field "
                              f"{name} has dimension {dim}")
    arr = np.asarray(value, dtype=np.float32)
    if not np.isfinite(arr).all():
        raise InvalidArgument(f"Document {rid}: field {name} must contain finite numbers")
    if spec["metric"] == "cosine" and not arr.any():
        raise InvalidArgument(f"Document {rid}: field {name} must contain at least one non-zero value "
                              "(cosine similarity is undefined for a zero vector)")
    return arr.tolist()  # float32 values as Python floats, as stored and returned


def _sparse_value(rid: str, name: str, value: Any) -> dict[str, list]:
    if not isinstance(value, dict):
        raise InvalidArgument(f"Document {rid}: field {name} must be an object with indices and values")
    ind, val = validation.check_sparse(value, rid)
    return {"indices": [int(i) for i in ind], "values": [float(v) for v in val]}


def check_fields(rid: str, fields: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Validate a document's fields (schema fields by their type, the rest as metadata); null
    metadata values are dropped, as Pinecone does."""
    out: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    for name, value in values.items():
        spec = fields.get(name)
        if spec is None:
            if name.startswith("_"):
                raise InvalidArgument(f"Document {rid}: field name {name!r} is reserved (names starting with '_')")
            if value is not None:
                metadata[name] = value
        elif spec["type"] == "dense_vector":
            out[name] = _dense_value(rid, name, value, spec)
        elif spec["type"] == "sparse_vector":
            out[name] = _sparse_value(rid, name, value)
        elif not isinstance(value, str):
            raise InvalidArgument(f"Document {rid}: field {name} is a full_text_search string field; "
                                  f"got {type(value).__name__}")
        else:
            out[name] = value
    md, _ = validation.check_metadata(metadata or None, rid)
    out.update(md or {})
    return out


def _size(rid: str, doc: dict[str, Any], fields: dict[str, Any]) -> int:
    dense = field_kinds.dense_field(fields)
    sparse = field_kinds.sparse_field(fields)
    plain = {k: v for k, v in doc.items() if k not in fields or fields[k]["type"] == "string"}
    nnz = len(doc[sparse]["indices"]) if sparse and sparse in doc else 0
    dim = dense[1]["dimension"] if dense and dense[0] in doc else 0
    return units.document_bytes(len(rid), units.metadata_bytes(plain), dim, nnz)


def _check_complete(rid: str, doc: dict[str, Any], fields: dict[str, Any]) -> None:
    # The spec: "Every document must carry at least one schema field"; no field type is required
    # (a dense_vector field is not: the SDK's own suite upserts text-only documents into an index
    # with one). A document without the dense field is found by text search, never by a dense one.
    if not any(name in doc for name in fields):
        raise InvalidArgument(f"Document {rid} must carry at least one searchable schema field: "
                              + ", ".join(sorted(fields)))


def upsert(ctx: RuleContext, idx: Index, ns_name: str, body: dict, rec: RequestRecord) -> dict:
    docs = body.get("documents")
    if not isinstance(docs, list) or not docs:
        raise InvalidArgument("documents must be a non-empty array")
    rec.params["documents"] = len(docs)
    if len(docs) > validation.MAX_UPSERT_RECORDS:
        raise InvalidArgument(f"Upsert request contains {len(docs)} documents; the maximum is "
                              f"{validation.MAX_UPSERT_RECORDS} per request")
    fields = idx.config.schema_fields
    items: dict[str, tuple[str, dict[str, Any], int]] = {}
    for raw in docs:
        if not isinstance(raw, dict):
            raise InvalidArgument("Each document must be a JSON object")
        rid = validation.check_id(raw.get(ID_FIELD), "Document _id")
        doc = check_fields(rid, fields, {k: v for k, v in raw.items() if k != ID_FIELD})
        _check_complete(rid, doc, fields)
        items[rid] = (rid, doc, _size(rid, doc, fields))  # duplicate ids: the last one wins
    total = sum(size for _, _, size in items.values())
    with idx.lock:
        ns = idx.document_namespace(ns_name, create=True)
        assert ns is not None
        overwritten = ns.put_many(list(items.values()))
        idx.lsn += 1
    charge(ctx, idx, ns_name, rec, wu=units.upsert_write_units(total, overwritten))
    rec.params["request_bytes"] = total
    return {"upserted_count": len(docs)}


# ---------------------------------------------------------------------------------------- search

def _select(doc: dict[str, Any], rid: str, include: Any, *, default_all: bool) -> dict[str, Any]:
    names: tuple[str, ...] | None
    if include is None or include == []:
        names = None if default_all else ()
    elif not isinstance(include, list) or not all(isinstance(f, str) for f in include):
        raise InvalidArgument("include_fields must be an array of field names")
    else:
        names = None if "*" in include else tuple(include)
    out: dict[str, Any] = {ID_FIELD: rid}
    if names is None:
        out.update(doc)
    else:
        out.update({k: doc[k] for k in names if k in doc})
    return out


def _clause_fields(clause: dict, kind: str) -> list[str]:
    field, fields = clause.get("field"), clause.get("fields")
    if field is not None and fields is not None:
        raise InvalidArgument(f"A {kind} clause takes either field or fields, not both")
    names = [field] if field is not None else fields
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise InvalidArgument(f"A {kind} clause needs field or fields naming the field(s) to score")
    if kind in ("dense_vector", "sparse_vector") and len(names) != 1:
        raise InvalidArgument(f"A {kind} clause scores exactly one field")
    return names


def _schema_field(fields: dict[str, Any], name: str, kind: str) -> None:
    spec = fields.get(name)
    want = "string" if kind == "text" else kind
    if spec is None or spec["type"] != want:
        have = sorted(n for n, f in fields.items() if f["type"] == want)
        label = "full_text_search string" if want == "string" else want
        raise InvalidArgument(f"Field {name!r} is not a {label} field of this index"
                              + (f" (its {label} fields: {', '.join(have)})" if have else ""))


def _query_text(clause: dict, kind: str) -> str:
    q = clause.get("query")
    if not isinstance(q, str) or not q.strip():
        raise InvalidArgument(f"A {kind} clause needs a non-empty query")
    if len(q.encode()) > MAX_QUERY_BYTES:
        raise InvalidArgument(f"A {kind} query may be at most 10 KB")
    return q.strip()


def _text_query(ns: DocumentNamespace, fields: dict[str, Any], clauses: list[dict]) -> tantivy.Query:
    assert ns.tindex is not None
    parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for clause in clauses:
        kind = clause["type"]
        query = _query_text(clause, kind)
        if kind == "text":
            for name in _clause_fields(clause, kind):
                _schema_field(fields, name, kind)
                parts += [(tantivy.Occur.Should, tantivy.Query.term_query(ns.tindex.schema, name, t))
                          for t in ns.analyzers[name].analyze(query)]
        else:
            if clause.get("field") is not None or clause.get("fields") is not None:
                raise InvalidArgument("A query_string clause takes no field or fields: scope terms with "
                                      "field qualifiers in the query (title:(...))")
            try:
                parsed = ns.tindex.parse_query(analysis.lucene_to_tantivy(query), list(ns.text_fields))
            except ValueError as exc:
                raise InvalidArgument(f"Invalid query_string {query!r}: {exc}") from None
            parts.append((tantivy.Occur.Should, parsed))
    return tantivy.Query.boolean_query(parts)


def _text_scores(ns: DocumentNamespace, fields: dict[str, Any], clauses: list[dict],
                 allowed: Predicate | None) -> list[tuple[float, str]]:
    for clause in clauses:  # validate even when there is nothing to search
        _query_text(clause, clause["type"])
        if clause["type"] == "text":
            for name in _clause_fields(clause, "text"):
                _schema_field(fields, name, "text")
    searcher = ns.searcher()
    if ns.tindex is None or searcher is None or not ns.docs:
        return []
    query = _text_query(ns, fields, clauses)
    out = []
    for score, address in searcher.search(query, limit=ns.n).hits:
        rid = searcher.doc(address)[ID_FIELD][0]
        if allowed is None or allowed(rid, ns.docs[rid]):
            out.append((-float(score), rid))
    return out


def _best(key: np.ndarray, ids: list[str], k: int) -> list[tuple[float, str]]:
    """The ``k`` smallest keys with their ids, in order, ties broken by id — what sorting every
    ``(key, id)`` pair gives, without sorting them all."""
    if k < len(key):
        kth = np.partition(key, k - 1)[k - 1]
        rows = np.flatnonzero(key <= kth).tolist()  # every tie at the k-th key, so the order is exact
    else:
        rows = range(len(key))
    return sorted((float(key[r]), ids[r]) for r in rows)[:k]


def _vector_scores(ns: DocumentNamespace, fields: dict[str, Any], clause: dict,
                   allowed: Predicate | None, top_k: int) -> list[tuple[float, str]]:
    """The best ``top_k`` ``(key, id)`` pairs of a dense or sparse clause (lower key = better)."""
    kind = clause["type"]
    (name,) = _clause_fields(clause, kind)
    _schema_field(fields, name, kind)
    spec = fields[name]
    if kind == "sparse_vector":
        sv = clause.get("sparse_values")
        if not isinstance(sv, dict):
            raise InvalidArgument("A sparse_vector clause needs sparse_values with indices and values")
        ind, val = validation.check_sparse(sv, "query")
        q = dict(zip(ind.tolist(), val.tolist(), strict=True))
        return sorted((-sum(w * q.get(i, 0.0) for i, w in vec.items()), rid) for rid, vec in ns.sparse.items()
                      if allowed is None or allowed(rid, ns.docs[rid]))[:top_k]
    values = clause.get("values")
    if not isinstance(values, list) or len(values) != spec["dimension"] \
            or not all(type(x) in (int, float) for x in values):
        raise InvalidArgument(f"A dense_vector clause on {name} needs values: an array of {spec['dimension']} numbers")
    qv = np.asarray(values, dtype=np.float32)
    if spec["metric"] == "cosine" and not qv.any():
        raise InvalidArgument("The query vector must contain at least one non-zero value for a cosine field")
    ids, mat, row_norms = ns.matrix()
    if allowed is not None:
        keep = [i for i, rid in enumerate(ids) if allowed(rid, ns.docs[rid])]
        ids, mat, row_norms = [ids[i] for i in keep], mat[keep], row_norms[keep]
    if not ids:
        return []
    key: np.ndarray
    if spec["metric"] == "euclidean":
        key = ((mat - qv) ** 2).sum(axis=1)  # squared L2, lower first (as the Vectors API)
    else:
        key = -(mat @ qv)
        if spec["metric"] == "cosine":
            norms = row_norms * np.linalg.norm(qv)
            key = key / np.where(norms == 0, 1, norms)
    return _best(key, ids, top_k)


def search(ctx: RuleContext, idx: Index, ns_name: str, body: dict, rec: RequestRecord) -> dict:
    clauses = body.get("score_by")
    if not isinstance(clauses, list) or not clauses or len(clauses) > MAX_CLAUSES:
        raise InvalidArgument(f"score_by must be an array of 1 to {MAX_CLAUSES} scoring clauses")
    for c in clauses:
        if not isinstance(c, dict) or c.get("type") not in ("dense_vector", "sparse_vector", *_TEXT_CLAUSES):
            raise InvalidArgument("Each score_by clause needs a type: dense_vector, sparse_vector, text or "
                                  "query_string")
    kinds = [c["type"] for c in clauses]
    if len(clauses) > 1 and any(k not in _TEXT_CLAUSES for k in kinds):
        raise InvalidArgument("'score_by' clauses of type 'text' and 'query_string' may be combined, but "
                              "'dense_vector' and 'sparse_vector' clauses must appear alone in 'score_by'")
    top_k = body.get("top_k")
    if not isinstance(top_k, int) or isinstance(top_k, bool) or not 1 <= top_k <= validation.MAX_TOP_K:
        raise InvalidArgument(f"top_k must be an integer between 1 and {validation.MAX_TOP_K}, got {top_k!r}")
    include = body.get("include_fields")
    fields = idx.config.schema_fields
    rec.params.update(top_k=top_k, clauses=kinds, has_filter=body.get("filter") is not None)
    with idx.lock:
        ns = idx.document_namespace(ns_name)
        filt = body.get("filter")
        allowed = None if filt is None or filt == {} else compile_filter(filt, ns, fields)
        empty = DocumentNamespace(fields) if ns is None else None
        target = ns or empty
        assert target is not None
        if kinds[0] in _TEXT_CLAUSES:
            scored = _text_scores(target, fields, clauses, allowed)
        else:
            scored = _vector_scores(target, fields, clauses[0], allowed, top_k)
        scored.sort()
        ascending = kinds[0] == "dense_vector" and fields[_clause_fields(clauses[0], kinds[0])[0]]["metric"] \
            == "euclidean"
        matches = [{**_select(target.docs[rid], rid, include, default_all=False),
                    "_score": key if ascending else -key} for key, rid in scored[:top_k]]
        ns_bytes = int((ns.total_bytes if ns else 0) * ctx.meter_scale)
    ru = units.query_read_units(ns_bytes)
    rec.namespace_bytes = ns_bytes
    charge(ctx, idx, ns_name, rec, ru=ru)
    rec.params["matches"] = len(matches)
    return {"matches": matches, "namespace": ns_name, "usage": _usage(ru, matches)}


# ---------------------------------------------------------------------------------------- fetch, list

def fetch(ctx: RuleContext, idx: Index, ns_name: str, body: dict, rec: RequestRecord) -> dict:
    ids, filt, token = body.get("ids"), body.get("filter"), body.get("pagination_token")
    if (ids is not None) == (filt is not None):
        raise InvalidArgument("Exactly one of ids or filter must be provided to fetch documents")
    if token is not None and filt is None:
        raise InvalidArgument("pagination_token is only valid together with filter")
    limit = body.get("limit", 100)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_FETCH_LIMIT:
        raise InvalidArgument(f"limit must be between 1 and {MAX_FETCH_LIMIT}")
    include = body.get("include_fields")
    fields = idx.config.schema_fields
    out_docs: dict[str, Any] = {}
    more = False
    with idx.lock:
        ns = idx.document_namespace(ns_name)
        if ids is not None:
            if not ids:
                raise InvalidArgument("ids must contain at least one id")
            ids = validation.check_ids(ids, "fetch")
            rec.params["ids"] = len(ids)
            for rid in ids:
                if ns is not None and rid in ns.docs:
                    out_docs[rid] = _select(ns.docs[rid], rid, include, default_all=True)
        else:
            if not isinstance(filt, dict) or not filt:
                raise InvalidArgument("filter must be a non-empty object")
            allowed = compile_filter(filt, ns, fields)
            after = pagination.after_key(token)
            rec.params.update(has_filter=True, limit=limit)
            stored = {} if ns is None else ns.docs
            picked = sorted(r for r, d in stored.items() if r > after and allowed(r, d))
            more = len(picked) > limit
            for rid in picked[:limit]:
                out_docs[rid] = _select(stored[rid], rid, include, default_all=True)
    ru = units.fetch_read_units(len(out_docs))
    charge(ctx, idx, ns_name, rec, ru=ru)
    rec.params["found"] = len(out_docs)
    out: dict[str, Any] = {"documents": out_docs, "namespace": ns_name, "usage": _usage(ru, out_docs)}
    if more:
        out["pagination"] = {"next": pagination.encode(next(reversed(out_docs)))}
    return out


def list_ids(ctx: RuleContext, idx: Index, ns_name: str, body: dict, rec: RequestRecord) -> dict:
    prefix = body.get("prefix") or ""
    limit = body.get("limit", 100)
    if not isinstance(prefix, str) or len(prefix) > validation.MAX_ID_LENGTH or not prefix.isascii():
        raise InvalidArgument("prefix must be an ASCII string of at most 512 characters")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= validation.MAX_LIST_LIMIT:
        raise InvalidArgument(f"limit must be between 1 and {validation.MAX_LIST_LIMIT}, got {limit!r}")
    after = pagination.after_key(body.get("pagination_token"))
    rec.params.update(limit=limit, prefix=bool(prefix))
    with idx.lock:
        ns = idx.document_namespace(ns_name)
        ids = sorted(ns.docs) if ns is not None else []
    start = bisect.bisect_right(ids, after) if after and after >= prefix else bisect.bisect_left(ids, prefix)
    page = [i for i in ids[start:start + limit + 1] if i.startswith(prefix)]
    more = len(page) > limit
    page = page[:limit]
    docs = [{ID_FIELD: i} for i in page]
    ru = float(units.list_read_units())
    charge(ctx, idx, ns_name, rec, ru=ru)
    out: dict[str, Any] = {"documents": docs, "namespace": ns_name, "usage": _usage(ru, docs)}
    if more:
        out["pagination"] = {"next": pagination.encode(page[-1])}
    return out


# ---------------------------------------------------------------------------------------- update, delete

def _patch(ns: DocumentNamespace, fields: dict[str, Any], rid: str, set_fields: dict[str, Any],
           remove: list[str]) -> tuple[str, dict[str, Any], int]:
    doc = {k: v for k, v in ns.docs[rid].items() if k not in remove}
    for name, value in set_fields.items():
        if value is None:
            doc.pop(name, None)
        else:
            doc[name] = value
    _check_complete(rid, doc, fields)
    return rid, doc, _size(rid, doc, fields)


def _check_remove(remove: Any, set_fields: dict[str, Any], fields: dict[str, Any]) -> list[str]:
    if remove is None:
        return []
    if not isinstance(remove, list) or not all(isinstance(f, str) for f in remove):
        raise InvalidArgument("remove_fields must be an array of field names")
    both = sorted(set(remove) & set(set_fields))
    if both:
        raise InvalidArgument(f"Field {both[0]} cannot be both set and removed")
    return remove


def _apply(ctx: RuleContext, idx: Index, ns_name: str, ns: DocumentNamespace,
           patches: list[tuple[str, dict[str, Any], int]], rec: RequestRecord) -> None:
    if not patches:
        return
    old = sum(ns.sizes[rid] for rid, _, _ in patches)
    ns.put_many(patches)
    idx.lsn += 1
    charge(ctx, idx, ns_name, rec, wu=units.update_write_units(sum(s for _, _, s in patches), old))


def update(ctx: RuleContext, idx: Index, ns_name: str, body: dict, rec: RequestRecord) -> dict:
    docs, filt = body.get("documents"), body.get("filter")
    set_fields, remove = body.get("set_fields") or {}, body.get("remove_fields") or []
    fields = idx.config.schema_fields
    if docs is not None and (filt is not None or set_fields or remove):
        raise InvalidArgument("documents is mutually exclusive with filter, set_fields and remove_fields")
    if docs is None and filt is None:
        raise InvalidArgument("Provide documents (per-id patches) or a filter with set_fields / remove_fields")
    if filt is not None:
        if not isinstance(filt, dict) or not filt:
            raise InvalidArgument("filter must be a non-empty object")
        if not isinstance(set_fields, dict) or not (set_fields or remove):
            raise InvalidArgument("A document update by filter must change something: give set_fields and/or "
                                  "remove_fields")
        new_fields = check_fields("matched by filter", fields, set_fields)
        remove = _check_remove(remove, set_fields, fields)
        rec.params["by_filter"] = True
        with idx.lock:
            ns = idx.document_namespace(ns_name)
            allowed = compile_filter(filt, ns, fields, text_match=False)
            rows = [] if ns is None else [r for r, d in ns.docs.items() if allowed(r, d)]
            if ns is not None:
                _apply(ctx, idx, ns_name, ns, [_patch(ns, fields, r, new_fields, remove) for r in rows], rec)
        return {"matched_records": len(rows)}
    if not isinstance(docs, list) or not docs or len(docs) > validation.MAX_UPSERT_RECORDS:
        raise InvalidArgument(f"documents must be an array of 1 to {validation.MAX_UPSERT_RECORDS} patches")
    planned = []
    for raw in docs:
        if not isinstance(raw, dict):
            raise InvalidArgument("Each document patch must be a JSON object")
        rid = validation.check_id(raw.get(ID_FIELD), "Document _id")
        values = {k: v for k, v in raw.items() if k not in (ID_FIELD, "_remove_fields")}
        planned.append((rid, check_fields(rid, fields, values), _check_remove(raw.get("_remove_fields"), values,
                                                                            fields)))
    rec.params["documents"] = len(planned)
    with idx.lock:
        ns = idx.document_namespace(ns_name)
        if ns is not None:  # a patch of a missing document is a no-op, as on Pinecone
            patches = [_patch(ns, fields, rid, vals, rm) for rid, vals, rm in planned if rid in ns.docs]
            _apply(ctx, idx, ns_name, ns, patches, rec)
    return {}


def delete(ctx: RuleContext, idx: Index, ns_name: str, body: dict, rec: RequestRecord) -> dict:
    ids, filt, delete_all = body.get("ids"), body.get("filter"), bool(body.get("delete_all"))
    if sum((ids is not None, filt is not None, delete_all)) != 1:
        raise InvalidArgument("Exactly one of ids, filter or delete_all must be provided to delete documents")
    fields = idx.config.schema_fields
    out: dict[str, Any] = {}
    with idx.lock:
        ns = idx.document_namespace(ns_name)
        if delete_all:
            rec.params["delete_all"] = True
            idx.documents.pop(ns_name, None)
            freed = None
        elif ids is not None:
            if not ids:
                raise InvalidArgument("ids must contain at least one id")
            ids = validation.check_ids(ids, "delete")
            rec.params["ids"] = len(ids)
            freed = 0 if ns is None else ns.remove_many(ids)
        else:
            if not isinstance(filt, dict) or not filt:
                raise InvalidArgument("filter must be a non-empty object")
            allowed = compile_filter(filt, ns, fields, text_match=False)
            rec.params["has_filter"] = True
            rows = [] if ns is None else [r for r, d in ns.docs.items() if allowed(r, d)]
            out["matched_records"] = len(rows)
            freed = 0 if ns is None else ns.remove_many(rows)
        idx.lsn += 1
    wu = units.delete_all_write_units() if freed is None else units.delete_write_units(freed)
    charge(ctx, idx, ns_name, rec, wu=wu)
    return out
