"""Pinecone's metadata filter language: validation, compilation to numpy masks, reference evaluator.

Semantics (reference/pinecone-api.md §5, docs "Filter by metadata"):

* ``{"f": v}`` is ``{"f": {"$eq": v}}``; several fields at one level, or several operators on one
  field, are ANDed; ``$and`` / ``$or`` take non-empty arrays of filters.
* ``$eq`` / ``$ne``: string, number or boolean. ``$gt $gte $lt $lte``: numbers only.
  ``$in`` / ``$nin``: arrays of strings or numbers (≤ 10,000 values). ``$exists``: boolean.
* A list-of-strings field matches ``$eq v`` when it contains ``v`` and ``$in`` when any element is
  in the set, so a scalar string behaves exactly like a one-element list.
* ``$ne`` is "not ``$eq``" and ``$nin`` is "not ``$in``": a record lacking the field matches them
  (MongoDB semantics; Pinecone does not document this case — see docs/emulator.md).
* Numbers and booleans are different types: ``{"f": 1}`` does not match ``true``.

:func:`parse` validates and returns a small tree; :func:`evaluate` turns the tree into a boolean
mask using a :class:`ColumnSource` (the namespace store). :func:`matches` is a deliberately plain,
independent evaluator over one metadata dict, used by property tests as the oracle.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from pinecone_ops.emulator.exceptions import InvalidArgument

MAX_IN_VALUES = 10_000
#: Deeper ``$and`` / ``$or`` nesting is refused with a 400 (never a RecursionError 500); the
#: Documents API's filters share it.
MAX_DEPTH = 64
COMPARE_OPS = ("$gt", "$gte", "$lt", "$lte")
FIELD_OPS = ("$eq", "$ne", "$in", "$nin", "$exists", *COMPARE_OPS)

# Tree nodes: ("and", [nodes]) | ("or", [nodes]) | ("not", node) | ("all",)
#   | ("eq", field, value) | ("in", field, tuple(values)) | ("cmp", field, op, number)
#   | ("exists", field)
Node = tuple


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bad(message: str) -> InvalidArgument:
    return InvalidArgument(f"Invalid filter: {message}")


def parse(filt: Any, *, max_in: int = MAX_IN_VALUES, depth: int = 0) -> Node:
    """Validate a filter and return its tree; raise :class:`InvalidArgument` (HTTP 400) if invalid."""
    if depth > MAX_DEPTH:
        raise _bad(f"$and / $or are nested more than {MAX_DEPTH} levels deep")
    if not isinstance(filt, Mapping):
        if isinstance(filt, list):
            raise _bad("Proto field is not repeating, cannot start list")
        raise _bad(f"the filter must be a JSON object, got {type(filt).__name__}")
    clauses: list[Node] = []
    for key, value in filt.items():
        if not isinstance(key, str):
            raise _bad("field names must be strings")
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise _bad(f"{key} must be a non-empty array of filters")
            subs = [parse(v, max_in=max_in, depth=depth + 1) for v in value]
            clauses.append(("and" if key == "$and" else "or", subs))
        elif key.startswith("$"):
            raise _bad(f"unknown top-level operator {key}; only $and and $or are allowed at the top level")
        else:
            clauses.append(_parse_field(key, value, max_in))
    if not clauses:
        return ("all",)
    return clauses[0] if len(clauses) == 1 else ("and", clauses)


def _parse_field(field: str, value: Any, max_in: int) -> Node:
    if isinstance(value, Mapping):
        if not value:
            raise _bad(f"no operator given for field {field}")
        parts = [_parse_op(field, op, arg, max_in) for op, arg in value.items()]
        return parts[0] if len(parts) == 1 else ("and", parts)
    return _parse_op(field, "$eq", value, max_in)


def _parse_op(field: str, op: str, arg: Any, max_in: int) -> Node:
    if op in ("$eq", "$ne"):
        if not (isinstance(arg, (str, bool)) or _is_number(arg)):
            raise _bad(f"{op} on field {field} needs a string, number or boolean, got {_kind(arg)}")
        node: Node = ("eq", field, _norm(arg))
        return ("not", node) if op == "$ne" else node
    if op in COMPARE_OPS:
        if not _is_number(arg):
            raise _bad(f"{op} on field {field} needs a number, got {_kind(arg)}")
        return ("cmp", field, op, float(arg))
    if op in ("$in", "$nin"):
        if not isinstance(arg, list):
            raise _bad(f"{op} on field {field} needs an array, got {_kind(arg)}")
        if len(arg) > max_in:
            raise _bad(f"{op} on field {field} has {len(arg)} values; the maximum is {max_in}")
        for v in arg:
            if not (isinstance(v, str) or _is_number(v)):
                raise _bad(f"{op} on field {field} needs an array of strings or numbers, got {_kind(v)}")
        node = ("in", field, tuple(_norm(v) for v in arg))
        return ("not", node) if op == "$nin" else node
    if op == "$exists":
        if not isinstance(arg, bool):
            raise _bad(f"$exists on field {field} needs a boolean, got {_kind(arg)}")
        node = ("exists", field)
        return node if arg else ("not", node)
    raise _bad(f"unknown operator {op} on field {field}")


def _norm(v: Any) -> Any:
    # Pinecone stores every number as a 64-bit float.
    return float(v) if _is_number(v) else v


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(v), "number")


class ColumnSource(Protocol):
    """What :func:`evaluate` needs from a store: masks over its first ``n`` rows."""

    n: int

    def eq_mask(self, field: str, value: Any) -> np.ndarray: ...

    def in_mask(self, field: str, values: Sequence[Any]) -> np.ndarray: ...

    def cmp_mask(self, field: str, op: str, value: float) -> np.ndarray: ...

    def exists_mask(self, field: str) -> np.ndarray: ...


def evaluate(node: Node, src: ColumnSource) -> np.ndarray:
    """Boolean mask (length ``src.n``) of the rows a parsed filter selects."""
    kind = node[0]
    if kind == "eq":
        return src.eq_mask(node[1], node[2])
    if kind == "in":
        return src.in_mask(node[1], node[2])
    if kind == "cmp":
        return src.cmp_mask(node[1], node[2], node[3])
    if kind == "exists":
        return src.exists_mask(node[1])
    if kind == "not":
        return ~evaluate(node[1], src)
    if kind == "all":
        return np.ones(src.n, dtype=bool)
    masks = [evaluate(sub, src) for sub in node[1]]
    out = masks[0].copy()
    for m in masks[1:]:
        if kind == "and":
            out &= m
        else:
            out |= m
    return out


# --- the reference evaluator: plain Python over one record's metadata, independent of the above ---

def matches(filt: Mapping[str, Any], metadata: Mapping[str, Any] | None) -> bool:
    """Whether one record's metadata satisfies a (valid) filter. Slow and obvious on purpose."""
    md = metadata or {}
    for key, value in filt.items():
        if key == "$and":
            if not all(matches(f, md) for f in value):
                return False
        elif key == "$or":
            if not any(matches(f, md) for f in value):
                return False
        else:
            ops = value if isinstance(value, Mapping) else {"$eq": value}
            for op, arg in ops.items():
                if not _ref_op(md, key, op, arg):
                    return False
    return True


def _ref_values(md: Mapping[str, Any], field: str) -> list:
    if field not in md:
        return []
    v = md[field]
    return list(v) if isinstance(v, list) else [v]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    return float(a) == float(b)


def _ref_op(md: Mapping[str, Any], field: str, op: str, arg: Any) -> bool:
    vals = _ref_values(md, field)
    if op == "$eq":
        return any(_same(v, arg) for v in vals)
    if op == "$ne":
        return not any(_same(v, arg) for v in vals)
    if op == "$in":
        return any(_same(v, a) for v in vals for a in arg)
    if op == "$nin":
        return not any(_same(v, a) for v in vals for a in arg)
    if op == "$exists":
        return (field in md) == arg
    nums = [float(v) for v in vals if _is_number(v)]
    if op == "$gt":
        return any(v > arg for v in nums)
    if op == "$gte":
        return any(v >= arg for v in nums)
    if op == "$lt":
        return any(v < arg for v in nums)
    if op == "$lte":
        return any(v <= arg for v in nums)
    raise ValueError(op)
