"""Vector data-plane operations on one index: upsert, update, delete, query, fetch, list, stats.

Each function takes the rule context (the backend, or a replica's shadow), the index, the decoded
camelCase request and a :class:`RequestRecord` it fills in (namespace, parameters, RU/WU), and
returns the response dict.
Response floats are numpy float32 values so the wire shows what Pinecone stores (``0.1``, not
``0.10000000149011612``).
"""
from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np

from pinecone_ops.emulator import pagination
from pinecone_ops.emulator.control import pods, quotas
from pinecone_ops.emulator.exceptions import InvalidArgument, NotFound
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import DEFAULT_NAMESPACE, Backend, Index, RuleContext, canonical_namespace
from pinecone_ops.emulator.storage import filters
from pinecone_ops.emulator.storage.store import NamespaceStore
from pinecone_ops.emulator.vectors import aliases, validation
from pinecone_ops.pricing import units


def _usage(read_units: float) -> dict[str, int]:
    # The wire field is an integer (OpenAPI `Usage.readUnits: int64`; the SDK decodes an int):
    # fractional RU (the 0.25 query minimum) are billed exactly in the ledger, shown rounded up here.
    return {"readUnits": int(math.ceil(read_units))}


def charge(ctx: RuleContext, idx: Index, ns: str, rec: RequestRecord, *, ru: float = 0.0, wu: float = 0.0) -> None:
    """Bill RU/WU to the request (its log entry) and to the ledger."""
    rec.read_units += ru
    rec.write_units += wu
    ctx.ledger.charge(idx.name, canonical_namespace(ns), read_units=ru, write_units=wu)


def _namespace_arg(body: dict, rec: RequestRecord, idx: Index | None = None, use: str = "read") -> str:
    """The namespace a call names; a read through an alias gets the alias's target, a write to an
    alias is refused (``aliases.py``)."""
    ns = validation.check_namespace(body.get("namespace"))
    if idx is not None and idx.aliases:
        if use == "read":
            resolved = aliases.resolve(idx, ns)
            if resolved != ns:
                rec.params["alias"] = canonical_namespace(ns)
                ns = resolved
        elif use == "upsert":
            aliases.check_upsert(idx, ns)
        else:
            aliases.check_change(idx, ns)
    rec.namespace = canonical_namespace(ns)
    return ns


def _parse_filter(filt: Any, *, required_message: str | None = None) -> filters.Node | None:
    if filt is None:
        return None
    if required_message and isinstance(filt, dict) and not filt:
        raise InvalidArgument(required_message)
    node = filters.parse(filt)
    return None if node == ("all",) else node


def check_write(ctx: RuleContext, idx: Index, namespace: str, ids: list[str], nbytes: int) -> None:
    """Pod capacity and plan quotas, inside the index lock, before a write changes anything."""
    if isinstance(ctx, Backend) and ctx.enforces_quotas:
        pods.check_capacity(idx, namespace, ids, ctx.meter_scale)
        quotas.check_write(ctx, idx, namespace, nbytes)


def _scaled_bytes(ctx: RuleContext, ns: NamespaceStore | None) -> int:
    return int((ns.total_bytes if ns else 0) * ctx.meter_scale)


# ---------------------------------------------------------------------------------------- writes

def upsert(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg(body, rec, idx, "upsert")
    vectors = body.get("vectors")
    if not isinstance(vectors, list) or not vectors:
        raise InvalidArgument("vectors must be a non-empty array")
    rec.params["records"] = len(vectors)
    if len(vectors) > validation.MAX_UPSERT_RECORDS:
        raise InvalidArgument(
            f"Upsert request contains {len(vectors)} vectors; "
            f"the maximum is {validation.MAX_UPSERT_RECORDS} per request")
    cfg = idx.config
    dim = cfg.dimension or 0
    ids: list[str] = []
    dense_rows: list[Any] = []
    sparse: list[tuple[np.ndarray, np.ndarray] | None] = []
    metas: list[dict | None] = []
    sizes: list[int] = []
    for v in vectors:
        if not isinstance(v, dict):
            raise InvalidArgument("Each vector must be a JSON object")
        rid = validation.check_id(v.get("id"))
        values = v.get("values")
        sv = v.get("sparseValues")
        if cfg.vector_type == "sparse":
            if values:
                raise InvalidArgument(f"Sparse index does not support dense values (vector {rid})")
            if sv is None:
                raise InvalidArgument(f"Sparse vector {rid} must have sparse values")
        elif values is None:
            raise InvalidArgument(f"Vector {rid} is missing dense values: dense index of dimension {dim}")
        sp = None
        if sv is not None:
            if not cfg.accepts_sparse:
                raise validation.sparse_refused(cfg.metric)
            sp = validation.check_sparse(sv, rid)
            if cfg.vector_type == "sparse" and len(sp[0]) == 0:
                raise InvalidArgument(f"Sparse vector {rid} must contain at least one value")
        md, md_bytes = validation.check_metadata(v.get("metadata"), rid)
        ids.append(rid)
        dense_rows.append(values)
        sparse.append(sp)
        metas.append(md)
        sizes.append(units.record_bytes(len(rid), dim, md_bytes, 0 if sp is None else len(sp[0])))
    total = sum(sizes)
    if total > validation.MAX_UPSERT_BYTES:
        raise InvalidArgument(
            f"Request size {total / 1e6:.1f}MB exceeds the maximum supported size of 2MB")
    matrix = validation.dense_matrix(dense_rows, dim, ids) if dim else None
    with idx.lock:
        check_write(ctx, idx, ns_name, ids, total)
        ns = idx.namespace(ns_name, create=True)
        assert ns is not None
        overwritten = ns.upsert(ids, matrix, sparse, metas, sizes)
        idx.lsn += 1
    wu = units.upsert_write_units(total, overwritten)
    charge(ctx, idx, ns_name, rec, wu=wu)
    rec.params["request_bytes"] = total
    return {"upsertedCount": len(ids)}


def update(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg(body, rec, idx, "change")
    rid = body.get("id")
    filt = body.get("filter")
    values, sv, set_md = body.get("values"), body.get("sparseValues"), body.get("setMetadata")
    if (rid is None) == (filt is None):
        raise InvalidArgument("Exactly one of id or filter must be provided to update")
    if set_md is not None:
        set_md, _ = validation.check_metadata(set_md, str(rid or "matched by filter"))
    cfg = idx.config
    if rid is None:
        rec.params["by_filter"] = True
        if values is not None or sv is not None:
            raise InvalidArgument("Updating values by metadata filter is not supported; only setMetadata is allowed")
        node = _parse_filter(filt, required_message="Update with empty metadata filter is not allowed")
        dry = bool(body.get("dryRun"))
        rec.params["dry_run"] = dry
        with idx.lock:
            ns = idx.namespace(ns_name)
            rows = [] if ns is None else ns.selected_rows(node)
            new = old = 0
            if not dry and ns is not None and set_md:
                for row in rows:
                    n, o = _update_row(ns, row, cfg.dimension or 0, None, False, set_md)
                    new, old = new + n, old + o
                if rows:
                    idx.lsn += 1
        if new or old:
            charge(ctx, idx, ns_name, rec, wu=units.update_write_units(new, old))
        return {"matchedRecords": len(rows)}
    rid = validation.check_id(rid)
    rec.params["by_id"] = True
    dense = None
    if values is not None:
        if cfg.vector_type == "sparse":
            raise InvalidArgument("Sparse index does not support dense values")
        dense = validation.dense_matrix([values], cfg.dimension or 0, [rid])[0]
    sp: Any = False
    if sv is not None:
        if not cfg.accepts_sparse:
            raise validation.sparse_refused(cfg.metric)
        sp = validation.check_sparse(sv, rid)
    with idx.lock:
        ns = idx.namespace(ns_name)
        found = None if ns is None else ns.row_of.get(rid)
        if ns is None or found is None:
            # Pinecone: updating a missing id affects nothing and still answers 200.
            return {}
        new, old = _update_row(ns, found, cfg.dimension or 0, dense, sp, set_md)
        idx.lsn += 1
    charge(ctx, idx, ns_name, rec, wu=units.update_write_units(new, old))
    return {}


def _update_row(ns: NamespaceStore, row: int, dim: int, dense: np.ndarray | None, sp: Any,
                set_md: dict | None) -> tuple[int, int]:
    """Apply an update to one row; returns the new and the old record bytes (what WU are charged on)."""
    old = int(ns.sizes[row])
    meta: Any = False
    md_dict = ns.meta[row]
    if set_md:
        meta = {**(md_dict or {}), **set_md}
        md_dict = meta
    sparse_now = ns.sparse[row] if sp is False else sp
    new = units.record_bytes(len(ns.ids[row]), dim, units.metadata_bytes(md_dict),
                             0 if sparse_now is None else len(sparse_now[0]))
    ns.set_values(row, dense, sp, meta, new)
    return new, old


def delete(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg(body, rec, idx, "change")
    ids, delete_all, filt = body.get("ids"), bool(body.get("deleteAll")), body.get("filter")
    given = sum(x for x in (ids is not None, delete_all, filt is not None))
    if given != 1:
        raise InvalidArgument("Exactly one of ids, deleteAll or filter must be provided to delete")
    node = None
    if ids is not None:
        ids = validation.check_ids(ids, "delete")
        rec.params["ids"] = len(ids)
    elif filt is not None:
        node = _parse_filter(filt, required_message="Delete with empty metadata filter is not allowed")
        rec.params["has_filter"] = True
    else:
        rec.params["delete_all"] = True
    with idx.lock:
        ns = idx.namespace(ns_name)
        if ns is None and canonical_namespace(ns_name) != DEFAULT_NAMESPACE:
            raise NotFound("Namespace not found")
        if delete_all:
            # Empties the namespace but keeps it (delete_namespace removes it).
            if ns is not None:
                idx.namespaces[canonical_namespace(ns_name)] = NamespaceStore(ns.dimension)
            idx.lsn += 1
            freed = None
        elif ns is None:
            freed = 0  # the default namespace always exists, even when empty
        else:
            if node is not None:
                ids = [ns.ids[r] for r in ns.selected_rows(node)]
            freed = ns.delete(ids or [])
            idx.lsn += 1
    wu = units.delete_all_write_units() if freed is None else units.delete_write_units(freed)
    charge(ctx, idx, ns_name, rec, wu=wu)
    return {}


# ---------------------------------------------------------------------------------------- reads

def query(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg(body, rec, idx, "read")
    top_k = validation.check_top_k(body.get("topK"))
    inc_values = validation.check_flag(body, "includeValues")
    inc_meta = validation.check_flag(body, "includeMetadata")
    vector, sv, qid = body.get("vector"), body.get("sparseVector"), body.get("id")
    node = _parse_filter(body.get("filter"))
    rec.params.update(top_k=top_k, has_filter=node is not None, include_values=inc_values,
                      include_metadata=inc_meta, by_id=qid is not None,
                      sparse=sv is not None)
    cfg = idx.config
    if qid is not None and (vector is not None or sv is not None):
        raise InvalidArgument("Cannot provide both id and vector or sparse vector in a query")
    if qid is None and vector is None and sv is None:
        raise InvalidArgument("No query provided: give a vector, a sparse vector or an id")
    dim = cfg.dimension or 0
    q = None
    qs = None
    if vector is not None:
        if cfg.vector_type == "sparse":
            raise InvalidArgument("Sparse index does not support dense query vectors; use sparseVector")
        q = validation.dense_matrix([vector], dim, ["query"], allow_zero=cfg.metric != "cosine")[0]
    if sv is not None:
        if not cfg.accepts_sparse:
            raise validation.sparse_refused(cfg.metric)
        qs = validation.check_sparse(sv)
    if cfg.vector_type == "sparse" and qid is None and qs is None:
        raise InvalidArgument("Sparse index queries need a sparse vector")
    if cfg.vector_type == "dense" and qid is None and q is None:
        raise InvalidArgument(f"Dense index queries need a dense vector of dimension {dim}")
    matches: list[dict] = []
    with idx.lock:
        ns = idx.namespace(ns_name)
        ns_bytes = _scaled_bytes(ctx, ns)
        if ns is not None and ns.n:
            if qid is not None:
                q, qs = _stored_vectors(ns, validation.check_id(qid))  # (None, None): a missing id finds nothing
            if q is not None or qs is not None:
                matches = _search(ns, cfg.metric, q, qs, node, top_k, inc_values, inc_meta)
    ru = units.query_read_units(ns_bytes)
    rec.namespace_bytes = ns_bytes
    charge(ctx, idx, ns_name, rec, ru=ru)
    rec.params["matches"] = len(matches)
    return {"matches": matches, "namespace": ns_name, "usage": _usage(ru)}


def _stored_vectors(ns: NamespaceStore, rid: str) -> tuple[np.ndarray | None, Any]:
    """Dense and sparse values of a stored record, to query by its id."""
    row = ns.row_of.get(rid)
    if row is None:
        return None, None
    return (ns.values[row].copy() if ns.dimension else None), ns.sparse[row]


def _search(ns: NamespaceStore, metric: str, q: np.ndarray | None, qs: Any, node: Any, top_k: int,
            inc_values: bool, inc_meta: bool) -> list[dict]:
    rows = ns.select(node)
    if rows is not None and not len(rows):
        return []
    scores = None
    if q is not None:
        scores = ns.dense_scores(q, metric, rows)
    if qs is not None and len(qs[0]):
        sp = ns.sparse_scores(qs[0], qs[1], rows)
        scores = sp if scores is None else scores + sp
    if scores is None:
        return []
    ascending = metric == "euclidean"
    key = scores if ascending else -scores
    k = min(top_k, len(key))
    if k < len(key):
        part = np.argpartition(key, k - 1)[:k]
        order = part[np.argsort(key[part], kind="stable")]
    else:
        order = np.argsort(key, kind="stable")
    out = []
    for pos in order.tolist():
        row = pos if rows is None else int(rows[pos])
        m = ns.record(row, values=inc_values, metadata=inc_meta)
        m["score"] = scores[pos]
        if not inc_values:
            m["values"] = []
        out.append(m)
    return out


def fetch(ctx: RuleContext, idx: Index, ids: list[str], namespace: str | None, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg({"namespace": namespace}, rec, idx, "read")
    if not ids:
        raise InvalidArgument("ids must contain at least one id")
    ids = validation.check_ids(ids, "fetch")
    rec.params["ids"] = len(ids)
    vectors: dict[str, Any] = {}
    with idx.lock:
        ns = idx.namespace(ns_name)
        if ns is not None:
            for rid in ids:
                row = ns.row_of.get(rid)
                if row is not None and rid not in vectors:
                    vectors[rid] = ns.record(row)
    ru = units.fetch_read_units(len(vectors))
    charge(ctx, idx, ns_name, rec, ru=ru)
    rec.params["found"] = len(vectors)
    return {"vectors": vectors, "namespace": ns_name, "usage": _usage(ru)}


def fetch_by_metadata(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg(body, rec, idx, "read")
    node = _parse_filter(body.get("filter"), required_message="Empty filter provided for fetch by metadata request")
    limit = body.get("limit", 100)
    most = validation.MAX_FETCH_BY_METADATA_LIMIT
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= most:
        raise InvalidArgument(f"limit must be between 1 and {most}")
    after = pagination.after_key(body.get("paginationToken"))
    rec.params.update(has_filter=node is not None, limit=limit)
    vectors: dict[str, Any] = {}
    more = False
    with idx.lock:
        ns = idx.namespace(ns_name)
        if ns is not None:
            picked = sorted(ns.ids[r] for r in ns.selected_rows(node))
            picked = [i for i in picked if i > after] if after else picked
            more = len(picked) > limit
            for rid in picked[:limit]:
                vectors[rid] = ns.record(ns.row_of[rid])
    ru = units.fetch_read_units(len(vectors))
    charge(ctx, idx, ns_name, rec, ru=ru)
    out: dict[str, Any] = {"vectors": vectors, "namespace": ns_name, "usage": _usage(ru)}
    if more:
        out["pagination"] = {"next": pagination.encode(next(reversed(vectors)))}
    return out


def list_ids(ctx: RuleContext, idx: Index, params: dict, rec: RequestRecord) -> dict:
    ns_name = _namespace_arg({"namespace": params.get("namespace")}, rec, idx, "read")
    prefix = params.get("prefix") or ""
    raw_limit = params.get("limit")
    try:
        limit = 100 if raw_limit in (None, "") else int(raw_limit)
    except ValueError:
        raise InvalidArgument("limit must be an integer") from None
    if not 1 <= limit <= validation.MAX_LIST_LIMIT:
        raise InvalidArgument(f"limit must be between 1 and {validation.MAX_LIST_LIMIT}, got {limit}")
    after = pagination.after_key(params.get("paginationToken"))
    rec.params.update(limit=limit, prefix=bool(prefix))
    with idx.lock:
        ns = idx.namespace(ns_name)
        ids = ns.sorted_ids() if ns is not None else []
        start = 0
        if prefix or after:
            start = bisect.bisect_right(ids, after) if after and after >= prefix else bisect.bisect_left(ids, prefix)
        page: list[str] = []
        more = False
        for rid in ids[start:]:
            if not rid.startswith(prefix):
                break
            if len(page) == limit:
                more = True
                break
            page.append(rid)
    ru = float(units.list_read_units())
    charge(ctx, idx, ns_name, rec, ru=ru)
    out: dict[str, Any] = {"vectors": [{"id": i} for i in page], "namespace": ns_name, "usage": _usage(ru)}
    if more:
        out["pagination"] = {"next": pagination.encode(page[-1])}
    return out


def describe_index_stats(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    cfg = idx.config
    if body.get("filter") is not None and not cfg.is_pod:
        raise InvalidArgument(
            "Serverless and starter indexes do not support describing index stats with metadata filtering.")
    node = _parse_filter(body.get("filter")) if body.get("filter") is not None else None
    with idx.lock:
        namespaces = {}
        total = 0
        for name, ns in sorted(idx.namespaces.items()):
            count = ns.n if node is None else int(filters.evaluate(node, ns).sum())
            namespaces[name] = {"vectorCount": count}
            total += count
        fullness = pods.fullness(idx, ctx.meter_scale) if cfg.is_pod else 0.0
    out: dict[str, Any] = {
        "namespaces": namespaces,
        "indexFullness": fullness,
        "totalVectorCount": total,
        "metric": cfg.metric,
        "vectorType": cfg.vector_type,
    }
    if cfg.dimension:
        out["dimension"] = cfg.dimension
    return out
