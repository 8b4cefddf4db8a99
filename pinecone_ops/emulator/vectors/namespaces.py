"""Namespace operations of the vector data plane: list, describe, create, delete."""
from __future__ import annotations

from typing import Any

from pinecone_ops.emulator import pagination
from pinecone_ops.emulator.exceptions import AlreadyExists, InvalidArgument, NotFound
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import DEFAULT_NAMESPACE, Index, RuleContext, canonical_namespace
from pinecone_ops.emulator.storage.store import NamespaceStore
from pinecone_ops.emulator.vectors import aliases, validation
from pinecone_ops.emulator.vectors.records import charge, check_write
from pinecone_ops.pricing import units


def _ns_description(name: str, ns: NamespaceStore) -> dict:
    # record_count is a string-encoded int64 on the wire (protobuf JSON mapping).
    return {"name": name, "record_count": str(ns.n)}


def list_namespaces(ctx: RuleContext, idx: Index, params: dict, rec: RequestRecord) -> dict:
    prefix = params.get("prefix") or ""
    try:
        limit = int(params.get("limit") or 100)
    except ValueError:
        raise InvalidArgument("limit must be an integer") from None
    if not 1 <= limit <= validation.MAX_LIST_LIMIT:
        raise InvalidArgument(f"limit must be between 1 and {validation.MAX_LIST_LIMIT}, got {limit}")
    after = pagination.after_key(params.get("paginationToken"))
    rec.params.update(limit=limit)
    with idx.lock:
        names = sorted(n for n in idx.namespaces if n.startswith(prefix) and n > after)
        page = [_ns_description(n, idx.namespaces[n]) for n in names[:limit]]
        total = sum(1 for n in idx.namespaces if n.startswith(prefix))
    out: dict[str, Any] = {"namespaces": page, "total_count": total}
    if len(names) > limit:
        out["pagination"] = {"next": pagination.encode(page[-1]["name"])}
    return out


def describe_namespace(ctx: RuleContext, idx: Index, name: str, rec: RequestRecord) -> dict:
    rec.namespace = canonical_namespace(name)
    aliases.check_namespace_operation(idx, name)
    with idx.lock:
        ns = idx.namespace(name)
        if ns is None:
            if canonical_namespace(name) == DEFAULT_NAMESPACE:
                return {"name": DEFAULT_NAMESPACE, "record_count": "0"}
            raise NotFound(f"Namespace {name} not found")
        return _ns_description(canonical_namespace(name), ns)


def create_namespace(ctx: RuleContext, idx: Index, body: dict, rec: RequestRecord) -> dict:
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidArgument("name is required to create a namespace")
    validation.check_namespace(name)
    rec.namespace = canonical_namespace(name)
    with idx.lock:
        aliases.check_create_namespace(idx, name)
        if idx.namespace(name) is not None:
            raise AlreadyExists(f"Namespace {name} already exists")
        check_write(ctx, idx, name, [], 0)  # plan quota on namespaces
        ns = idx.namespace(name, create=True)
        assert ns is not None
        return _ns_description(canonical_namespace(name), ns)


def delete_namespace(ctx: RuleContext, idx: Index, name: str, rec: RequestRecord) -> dict:
    rec.namespace = canonical_namespace(name)
    aliases.check_namespace_operation(idx, name)
    with idx.lock:
        if idx.namespace(name) is None:
            raise NotFound(f"Namespace {name} not found")
        aliases.check_not_targeted(idx, name)
        del idx.namespaces[canonical_namespace(name)]
        idx.lsn += 1
    charge(ctx, idx, name, rec, wu=units.delete_all_write_units())
    return {}
