"""Namespace aliases (2026-07 data plane, ``/namespace-aliases`` on an index's host): create, list,
describe, repoint, delete, and how every other data-plane call treats an alias name.

An alias is a repointable name for a namespace of the same index (either API: vector or document
index). **Reads** (query, fetch, fetch_by_metadata, list; documents search, fetch, list) through an
alias are served from its target and answer with the target's name as ``namespace``; **writes**
never go through an alias, as Pinecone's spec and docs say: an upsert to an alias name is 409
``NAME_IN_USE_BY_ALIAS``, a vector update / delete 400 ``WRITE_TO_ALIAS``, a document update /
delete 412. Aliases and namespaces share one name space: a namespace cannot be created under an
alias's name, nor an alias under a namespace's; a namespace that aliases point at cannot be
deleted until they are repointed or deleted. Every refusal carries Pinecone's ``reason`` in
``details[0]`` (``exceptions.PineconeError.details``). Alias changes take no LSN (they are not
data) and are live for every reader when the call returns, lagging replica included (it shares
the primary's alias table).
"""
from __future__ import annotations

import re
import time
from typing import Any

import orjson

from pinecone_ops.emulator import pagination
from pinecone_ops.emulator.exceptions import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PineconeError,
)
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import DEFAULT_NAMESPACE, Index, NamespaceAlias, canonical_namespace

#: Printable ASCII without space and ``/ ? # % & = \\ ; +`` (the spec's pattern), 1–512 characters.
_ALIAS_NAME = re.compile(r"[\x21\x22\x24\x27-\x2A\x2C-\x2E\x30-\x3A\x3C\x3E\x40-\x5B\x5D-\x7E]{1,512}")
_RESERVED = ("__default__", ".", "..")
MAX_NAME_LENGTH = 512
#: Aliases per index. Pinecone documents a limit (``ALIASES_PER_INDEX_EXCEEDED``) but not its value.
MAX_ALIASES_PER_INDEX = 1000
MAX_LIST_LIMIT = 100
FIRST_VERSION = "2026-07"
_LIST_PARAMS = {"limit", "paginationToken", "prefix", "target_namespace"}


def _bad(message: str, reason: str, **metadata: str) -> InvalidArgument:
    return InvalidArgument(message, reason=reason, metadata=metadata)


def _iso(t: float) -> str:
    ms = int(round(t * 1000)) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{ms:03d}Z"


def describe(alias: NamespaceAlias) -> dict[str, str]:
    return {"name": alias.name, "target_namespace": alias.target,
            "created_at": _iso(alias.created_at), "updated_at": _iso(alias.updated_at)}


# ---------------------------------------------------------------------------- checks

def check_version(version: str) -> None:
    if version < FIRST_VERSION:
        raise _bad(f"Namespace aliases need API version {FIRST_VERSION} or later (this request used {version}); "
                   f"send X-Pinecone-Api-Version: {FIRST_VERSION}. Reading through an alias works on any version.",
                   "API_VERSION_TOO_OLD")


def check_alias_name(name: Any) -> str:
    if not isinstance(name, str) or not _ALIAS_NAME.fullmatch(name) or name in _RESERVED:
        raise _bad(f"Invalid alias name {name!r}: an alias name is 1-{MAX_NAME_LENGTH} characters of printable "
                   "ASCII without space and / ? # % & = \\ ; +, and cannot be __default__, . or ..",
                   "ALIAS_NAME_INVALID")
    return name


def namespace_exists(idx: Index, name: str) -> bool:
    """Whether ``name`` (canonical) is a namespace of the index (the default one always is on a
    vector index)."""
    if idx.config.api == "documents":
        return name in idx.documents
    return name == DEFAULT_NAMESPACE or name in idx.namespaces


def _check_target(idx: Index, body: dict) -> str:
    raw = body.get("target_namespace")
    if raw is None or raw == "":
        raise _bad("target_namespace is required: the namespace the alias resolves to (use __default__ for the "
                   "default namespace)", "TARGET_NAMESPACE_REQUIRED")
    if not isinstance(raw, str):
        raise _bad("target_namespace must be a string", "NAMESPACE_INVALID")
    if len(raw) > MAX_NAME_LENGTH:
        raise _bad(f"target_namespace is {len(raw)} characters long; a namespace name has at most "
                   f"{MAX_NAME_LENGTH}", "NAMESPACE_TOO_LONG")
    if not raw.isascii() or "\x00" in raw:
        raise _bad("target_namespace must be ASCII without the null character", "NAMESPACE_INVALID")
    target = canonical_namespace(raw)
    if target in idx.aliases:
        raise _bad(f"target_namespace {target} is itself an alias (of {idx.aliases[target].target}); an alias "
                   "must point at a namespace: use that namespace as the target", "TARGET_IS_ALIAS")
    if not namespace_exists(idx, target):
        raise _bad(f"Target namespace {target} not found in index {idx.name}: write to it (or create it) before "
                   "pointing an alias at it", "TARGET_NAMESPACE_NOT_FOUND")
    return target


def _get(idx: Index, name: str) -> NamespaceAlias:
    alias = idx.aliases.get(name)
    if alias is None:
        raise NotFound(f"Namespace alias {name} not found in index {idx.name}", reason="ALIAS_NOT_FOUND")
    return alias


# ---------------------------------------------------------------------------- the alias operations

def create(idx: Index, body: dict, version: str, now: float, rec: RequestRecord) -> dict:
    check_version(version)
    name = check_alias_name(body.get("name"))
    rec.params["alias"] = name
    with idx.lock:
        existing = idx.aliases.get(name)
        if existing is not None:
            raise AlreadyExists(f"Namespace alias {name} already exists (it points at {existing.target}); repoint "
                                "it with PATCH /namespace-aliases/{alias_name}", reason="ALIAS_ALREADY_EXISTS",
                                metadata={"target_namespace": existing.target})
        if namespace_exists(idx, name) and name != DEFAULT_NAMESPACE:
            raise AlreadyExists(f"{name} is the name of a namespace of index {idx.name}; an alias needs a name no "
                                "namespace uses", reason="NAME_IN_USE_BY_NAMESPACE")
        target = _check_target(idx, body)
        if len(idx.aliases) >= MAX_ALIASES_PER_INDEX:
            raise _bad(f"Index {idx.name} already has {MAX_ALIASES_PER_INDEX} namespace aliases, the most it can "
                       "have; delete one first", "ALIASES_PER_INDEX_EXCEEDED")
        alias = idx.aliases[name] = NamespaceAlias(name, target, now, now)
        rec.namespace = target
        return describe(alias)


def repoint(idx: Index, name: str, body: dict, version: str, now: float, rec: RequestRecord) -> dict:
    check_version(version)
    check_alias_name(name)
    rec.params["alias"] = name
    with idx.lock:
        alias = _get(idx, name)
        target = _check_target(idx, body)
        alias.target, alias.updated_at = target, now
        rec.namespace = target
        return describe(alias)


def describe_alias(idx: Index, name: str, version: str, rec: RequestRecord) -> dict:
    check_version(version)
    check_alias_name(name)
    rec.params["alias"] = name
    with idx.lock:
        return describe(_get(idx, name))


def delete(idx: Index, name: str, version: str, rec: RequestRecord) -> dict:
    check_version(version)
    check_alias_name(name)
    rec.params["alias"] = name
    with idx.lock:
        _get(idx, name)
        del idx.aliases[name]
    return {}


def _list_token(token: str | None, prefix: str | None, target: str | None) -> str:
    """The name to list after; a token carries its filters, which a request may repeat, not change."""
    if not token:
        return ""
    try:
        after = pagination.after_key(token)
    except InvalidArgument:
        after = ""
    try:
        carried = orjson.loads(after) if after.startswith("[") else None
    except orjson.JSONDecodeError:
        carried = None
    if not (isinstance(carried, list) and len(carried) == 3 and isinstance(carried[0], str)):
        raise _bad("Invalid pagination token: pass the pagination.next of a GET /namespace-aliases response",
                   "INVALID_PAGINATION_TOKEN")
    last, had_prefix, had_target = carried
    for given, had, kind in ((prefix, had_prefix, "PREFIX"), (target, had_target, "TARGET")):
        if given is not None and had is None:
            raise _bad(f"A {kind.lower()} filter cannot be added in the middle of a listing; start again without "
                       "a paginationToken", f"LIST_INVALID_TOKEN_WITH_NEW_{kind}")
        if given is not None and given != had:
            raise _bad(f"The {kind.lower()} filter differs from the one this paginationToken was made with; repeat "
                       "it unchanged or leave it out", f"LIST_INVALID_TOKEN_WITH_{kind}")
    return str(last)


def list_aliases(idx: Index, params: dict[str, str], version: str, rec: RequestRecord) -> dict:
    check_version(version)
    unknown = sorted(set(params) - _LIST_PARAMS)
    if unknown:
        raise InvalidArgument(f"Unknown query parameter {unknown[0]}; known: {', '.join(sorted(_LIST_PARAMS))}")
    try:
        limit = int(params.get("limit") or MAX_LIST_LIMIT)
    except ValueError:
        raise _bad("limit must be an integer between 1 and 100", "LIST_INVALID_LIMIT") from None
    if not 1 <= limit <= MAX_LIST_LIMIT:
        raise _bad(f"limit must be between 1 and {MAX_LIST_LIMIT}, got {limit}", "LIST_INVALID_LIMIT")
    prefix, target = params.get("prefix"), params.get("target_namespace")
    if prefix is not None:
        if len(prefix) > MAX_NAME_LENGTH:
            raise _bad(f"prefix must be at most {MAX_NAME_LENGTH} characters", "PREFIX_TOO_LONG")
        if not prefix.isascii():
            raise _bad("prefix must be ASCII", "PREFIX_MUST_BE_ASCII")
        if "\x00" in prefix:
            raise _bad("prefix must not contain the null character", "PREFIX_MUST_NOT_CONTAIN_NULL_CHARACTER")
    if target == "":
        raise _bad("target_namespace is present but empty; use __default__ for the default namespace",
                   "TARGET_FILTER_EMPTY")
    after = _list_token(params.get("paginationToken"), prefix, target)
    rec.params.update(limit=limit)
    with idx.lock:
        matching = sorted((a for a in idx.aliases.values()
                           if a.name.startswith(prefix or "") and (target is None or a.target == target)),
                          key=lambda a: a.name)
        rest = [a for a in matching if a.name > after]
        page = [describe(a) for a in rest[:limit]]
    out: dict[str, Any] = {"namespace_aliases": page, "total_count": len(matching)}
    if len(rest) > limit:
        out["pagination"] = {"next": pagination.encode(orjson.dumps([page[-1]["name"], prefix, target]).decode())}
    return out


# ---------------------------------------------------------------------------- every other data-plane call

def resolve(idx: Index, namespace: str) -> str:
    """A read's namespace: an alias's target, else the name itself (a deleted alias is a namespace
    that does not exist: empty results)."""
    alias = idx.aliases.get(canonical_namespace(namespace)) if idx.aliases else None
    return namespace if alias is None else alias.target


def _write_message(idx: Index, namespace: str) -> str:
    alias = idx.aliases[canonical_namespace(namespace)]
    return (f"{alias.name} is a namespace alias (of {alias.target}) in index {idx.name}, and writes cannot address "
            f"an alias: write to the namespace {alias.target} directly")


def check_upsert(idx: Index, namespace: str) -> None:
    """An upsert to an alias name: 409 NAME_IN_USE_BY_ALIAS (the namespace cannot be created)."""
    if idx.aliases and canonical_namespace(namespace) in idx.aliases:
        raise AlreadyExists(_write_message(idx, namespace), reason="NAME_IN_USE_BY_ALIAS")


def check_change(idx: Index, namespace: str, *, documents: bool = False) -> None:
    """An update or delete through an alias: 400 WRITE_TO_ALIAS (Vectors API) or 412 (Documents API)."""
    if idx.aliases and canonical_namespace(namespace) in idx.aliases:
        error: PineconeError = (FailedPrecondition if documents else InvalidArgument)(
            _write_message(idx, namespace), reason="WRITE_TO_ALIAS")
        raise error


def check_namespace_operation(idx: Index, namespace: str) -> None:
    """describe / delete namespace on an alias name: 400 NAMESPACE_OPERATION_ON_ALIAS."""
    name = canonical_namespace(namespace)
    if idx.aliases and name in idx.aliases:
        raise _bad(f"{name} is a namespace alias (of {idx.aliases[name].target}), not a namespace: describe it with "
                   f"GET /namespace-aliases/{name}", "NAMESPACE_OPERATION_ON_ALIAS")


def check_not_targeted(idx: Index, namespace: str) -> None:
    """Deleting a namespace aliases point at: 400 NAMESPACE_TARGETED_BY_ALIAS."""
    name = canonical_namespace(namespace)
    pointing = sorted(a.name for a in idx.aliases.values() if a.target == name)
    if pointing:
        raise _bad(f"Namespace {name} is the target of the alias(es) {', '.join(pointing)}; repoint or delete them "
                   "before deleting the namespace", "NAMESPACE_TARGETED_BY_ALIAS")


def check_create_namespace(idx: Index, namespace: str) -> None:
    name = canonical_namespace(namespace)
    if idx.aliases and name in idx.aliases:
        raise AlreadyExists(f"{name} is the name of a namespace alias (of {idx.aliases[name].target}); a namespace "
                            "needs a name no alias uses", reason="NAME_IN_USE_BY_ALIAS")
