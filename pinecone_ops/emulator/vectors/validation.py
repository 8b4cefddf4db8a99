"""Pinecone's data-plane limits and record validation (reference/pinecone-api.md §5).

Every check raises :class:`InvalidArgument` (HTTP 400, gRPC code 3), the way Pinecone answers.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from pinecone_ops.emulator.exceptions import InvalidArgument
from pinecone_ops.pricing import units

MAX_UPSERT_RECORDS = 1_000
#: Upsert size limit, on the records' billable bytes (not JSON text): Pinecone's batch-fit table
#: (559 records × (768·4 + 500) B, 245 × (1536·4 + 2000) B) fits exactly under 2,000,000 B.
MAX_UPSERT_BYTES = 2_000_000
MAX_METADATA_BYTES = 40_960
MAX_ID_LENGTH = 512
MAX_TOP_K = 10_000
MAX_IDS_PER_REQUEST = 1_000
MAX_LIST_LIMIT = 100
MAX_FETCH_BY_METADATA_LIMIT = 10_000
MAX_SPARSE_NNZ = 2_048
MAX_NAMESPACE_LENGTH = 512


def check_id(rid: Any, what: str = "Vector ID") -> str:
    """A record id: 1–512 ASCII characters, no NUL."""
    if not isinstance(rid, str):
        raise InvalidArgument(f"{what} must be a string")
    if not rid:
        raise InvalidArgument(f"{what} must not be empty")
    if len(rid) > MAX_ID_LENGTH:
        raise InvalidArgument(f"{what} exceeds the maximum length of {MAX_ID_LENGTH} characters: length {len(rid)}")
    if not rid.isascii() or "\x00" in rid:
        raise InvalidArgument(f"{what} must be ASCII and must not contain the null character: {rid!r}")
    return rid


def check_namespace(name: Any) -> str:
    """A namespace name ('' = default): ≤ 512 ASCII characters, no NUL."""
    if name is None:
        return ""
    if not isinstance(name, str):
        raise InvalidArgument("Namespace must be a string")
    if len(name) > MAX_NAMESPACE_LENGTH or not name.isascii() or "\x00" in name:
        raise InvalidArgument(
            f"Namespace name must be at most {MAX_NAMESPACE_LENGTH} ASCII characters without the null character")
    return name


def check_metadata(md: Any, rid: str) -> tuple[dict | None, int]:
    """Validate record metadata; returns (stored form, billable bytes). Numbers become floats.

    Hot path of every upsert: dispatches on exact types (JSON decoding only makes these).
    """
    if md is None:
        return None, 0
    if type(md) is not dict:
        raise InvalidArgument(f"Metadata of vector {rid} must be a JSON object")
    out: dict[str, Any] = {}
    dropped = False
    for key, v in md.items():
        if key[:1] == "$":
            raise InvalidArgument(f"Metadata key {key!r} of vector {rid} must not start with '$'")
        t = type(v)
        if t is str or t is bool:
            out[key] = v
        elif t is int or t is float:
            if not math.isfinite(v):
                raise InvalidArgument(f"Metadata value for key {key!r} of vector {rid} must be a finite number")
            out[key] = float(v)
        elif t is list:
            if not all(type(s) is str for s in v):
                raise InvalidArgument(
                    f"Metadata value for key {key!r} of vector {rid} must be a list of strings; "
                    "lists may only contain strings")
            out[key] = v
        elif v is None:  # Pinecone drops null values silently (SDK 10 documents it): the key is not stored
            dropped = True
        else:
            raise InvalidArgument(
                f"Metadata value for key {key!r} of vector {rid} must be a string, number, boolean or list of strings, "
                "not a nested object")
    if not out:
        return None, 0
    size = units.metadata_bytes({k: v for k, v in md.items() if v is not None} if dropped else md)
    if size > MAX_METADATA_BYTES:
        raise InvalidArgument(
            f"metadata size is {size} bytes, which exceeds the limit of {MAX_METADATA_BYTES} bytes per vector")
    return out, size


def check_sparse(sv: Any, rid: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sparse values: equal-length indices (unique uint32) and values, ≤ 2048 entries."""
    where = f" of vector {rid}" if rid else ""
    if not isinstance(sv, dict) or "indices" not in sv or "values" not in sv:
        raise InvalidArgument(f"Sparse values{where} must have 'indices' and 'values'")
    ind, val = sv["indices"], sv["values"]
    if not isinstance(ind, list) or not isinstance(val, list):
        raise InvalidArgument(f"Sparse indices and values{where} must be arrays")
    if len(ind) != len(val):
        raise InvalidArgument(
            f"Sparse vector{where} has {len(ind)} indices and {len(val)} values; they must have the same length")
    if len(ind) > MAX_SPARSE_NNZ:
        raise InvalidArgument(f"Sparse vector{where} has {len(ind)} non-zero values; the maximum is {MAX_SPARSE_NNZ}")
    if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < 2**32 for i in ind):
        raise InvalidArgument(f"Sparse indices{where} must be integers between 0 and 4294967295")
    if len(set(ind)) != len(ind):
        raise InvalidArgument(f"Sparse vector{where} contains duplicate indices")
    try:
        with np.errstate(over="ignore"):  # out-of-range values become inf and are refused below
            values = np.asarray(val, dtype=np.float32)
    except (TypeError, ValueError):
        raise InvalidArgument(f"Sparse values{where} must be numbers") from None
    if not np.isfinite(values).all():
        raise InvalidArgument(f"Sparse values{where} must be finite numbers")
    return np.asarray(ind, dtype=np.int64), values


def sparse_refused(metric: str) -> InvalidArgument:
    """Sparse values sent to a dense-only index (a dotproduct one created under API 2026-07 without
    a sparse field is dense-only too)."""
    hint = ("; this dotproduct index has no sparse field: hybrid indexes declare '_sparse_values' "
            "({'type': 'sparse_vector'}) next to '_values' in their schema") if metric == "dotproduct" else ""
    return InvalidArgument("Index configuration does not support sparse values" + hint)


def dimension_mismatch(got: int, want: int) -> InvalidArgument:
    return InvalidArgument(f"Vector dimension {got} does not match the dimension of the index {want}")


_NUMBER_TYPES = frozenset({int, float})


def _only_numbers(rows: list[Any]) -> bool:
    """Whether every row is a list of JSON numbers: numpy would silently turn ``"1"`` and ``true``
    into floats. ``set.update(map(type, row))`` runs in C (≈ the cost of the float32 conversion)."""
    seen: set[type] = set()
    for row in rows:
        if type(row) is not list:
            return False
        seen.update(map(type, row))
    return seen <= _NUMBER_TYPES


def dense_matrix(rows: list[Any], dimension: int, ids: list[str], *, allow_zero: bool = False,
                 what: str = "vector") -> np.ndarray:
    """Dense values of a batch as a float32 matrix, with Pinecone's error for the first bad row.

    All-zero rows are refused unless ``allow_zero`` (a query on a euclidean or dotproduct index:
    only cosine, which divides by the norm, has no answer for a zero vector)."""
    try:
        if _only_numbers(rows):
            with np.errstate(over="ignore"):  # out-of-range values become inf and are refused below
                mat = np.asarray(rows, dtype=np.float32)
            if mat.ndim == 2 and mat.shape[1] == dimension:
                bad = ~np.isfinite(mat).all(axis=1)
                if not allow_zero:
                    bad |= ~mat.any(axis=1)
                if not bad.any():
                    return mat
    except (TypeError, ValueError):
        pass
    for rid, row in zip(ids, rows, strict=True):
        if not isinstance(row, list) or not all(type(x) in _NUMBER_TYPES for x in row):
            raise InvalidArgument(f"Values of {what} {rid} must be an array of numbers")
        if len(row) != dimension:
            raise dimension_mismatch(len(row), dimension)
        with np.errstate(over="ignore"):
            arr = np.asarray(row, dtype=np.float32)
        if not np.isfinite(arr).all():
            raise InvalidArgument(f"Values of {what} {rid} must be finite numbers")
        if not allow_zero and not arr.any():
            raise InvalidArgument(f"Dense {what} {rid} must contain at least one non-zero value")
    raise InvalidArgument("Invalid dense values")  # pragma: no cover - loop above always finds it


def check_flag(body: dict, name: str) -> bool:
    """An optional boolean request field (``includeMetadata``, ``includeValues``): Pinecone refuses
    ``"yes"`` or ``1`` with a 400 rather than guessing."""
    value = body.get(name)
    if value is None:
        return False
    if type(value) is not bool:
        raise InvalidArgument(f"Invalid value for {name}: expected a boolean (true or false), got {value!r}")
    return value


def check_top_k(top_k: Any) -> int:
    if top_k is None:
        raise InvalidArgument("topK is required and must be a positive integer")
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
        raise InvalidArgument(f"topK must be a positive integer, got {top_k!r}")
    if top_k > MAX_TOP_K:
        raise InvalidArgument(f"topK must be less than or equal to {MAX_TOP_K}, got {top_k}")
    return top_k


def check_ids(ids: Any, op: str) -> list[str]:
    if not isinstance(ids, list):
        raise InvalidArgument("ids must be an array of strings")
    if len(ids) > MAX_IDS_PER_REQUEST:
        raise InvalidArgument(f"Cannot {op} more than {MAX_IDS_PER_REQUEST} ids in one request, got {len(ids)}")
    return [check_id(i) for i in ids]
