"""Pinecone's serverless metering formulas: record size, read units (RU), write units (WU).

These are the *current* formulas (from 2025-07-01, see
../shared/reference/pinecone-pricing-and-sizing.md §1.4-1.6). Units are decimal: 1 KB = 1,000 B,
1 GB = 10**9 B. The local Pinecone meters every request with these functions, and the cost
models use them too, so there is exactly one definition of each formula.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

KB = 1_000
GB = 1_000_000_000

#: Minimum RU charged for one query (current formula).
QUERY_MIN_RU = 0.25
#: Minimum WU charged for one write request (current formula; it was 1 before 2025-07-01).
WRITE_MIN_WU = 5
#: WU charged for deleteAll / deleting a namespace (current formula).
DELETE_ALL_WU = 5
#: Records per RU when fetching.
FETCH_RECORDS_PER_RU = 10
#: IDs returned by one list call (one RU).
LIST_PAGE_IDS = 100


def metadata_bytes(metadata: Mapping[str, Any] | None) -> int:
    """Bytes of a record's metadata as Pinecone counts them (compact JSON, UTF-8)."""
    if not metadata:
        return 0
    # Fast path (the local Pinecone sizes every upserted record): for flat metadata orjson writes the
    # same bytes as compact json.dumps, except floats json writes with an exponent (1e-05) or
    # non-finite ones; anything else takes the json path below.
    if type(metadata) is dict and all(_orjson_safe(v) for v in metadata.values()):
        try:
            return len(orjson.dumps(metadata))
        except TypeError:  # non-str keys, ints beyond 64 bits
            pass
    return len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _orjson_safe(v: Any) -> bool:
    t = type(v)
    if t is float:
        return math.isfinite(v) and "e" not in repr(v)
    if t is list:
        return all(type(x) is str for x in v)
    return t is str or t is bool or t is int


def record_bytes(id_bytes: int, dimension: int = 0, metadata: int = 0, sparse_nnz: int = 0) -> int:
    """Billable size of one record: ID + metadata + 4 B per dense value + 8 B per sparse entry."""
    return int(id_bytes) + int(metadata) + 4 * int(dimension) + 8 * int(sparse_nnz)


def document_bytes(id_bytes: int, fields_json_bytes: int, dimension: int = 0, sparse_nnz: int = 0) -> int:
    """Billable size of one document (Documents API, 2026-07): its id, its non-vector fields as
    compact JSON (text and metadata), 4 B per dense value and 8 B per sparse entry — the record
    formula with the document's text counted like metadata. Added 2026-12-05; Pinecone publishes no
    separate document-size formula, so the record one is applied."""
    return record_bytes(id_bytes, dimension, fields_json_bytes, sparse_nnz)


def egress_bytes(payload: Any) -> int:
    """``usage.egress_bytes`` of a Documents API read (2026-07 spec: "the billed egress for this
    response, in bytes, measured on the encoded response payload"): the compact JSON of what the
    response returns (the matches or the documents), without the envelope. Added 2026-12-05."""
    return len(orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY))


def query_read_units(namespace_bytes: float, *, minimum: float = QUERY_MIN_RU) -> float:
    """RU for one query: 1 RU per GB of the *namespace* queried, at least 0.25.

    top_k, include_values and include_metadata do not change the cost.
    """
    return max(minimum, namespace_bytes / GB)


def fetch_read_units(records_returned: int) -> int:
    """RU for a fetch: 1 RU per 10 records returned (missing or duplicate IDs are free), min 1."""
    return max(1, math.ceil(records_returned / FETCH_RECORDS_PER_RU))


def list_read_units() -> int:
    """RU for one list call (up to 100 IDs)."""
    return 1


def upsert_write_units(request_bytes: int, overwritten_bytes: int = 0, *, minimum: int = WRITE_MIN_WU) -> int:
    """WU for one upsert request: 1 WU per KB written, plus 1 per KB of records overwritten, min 5."""
    return max(minimum, math.ceil((request_bytes + overwritten_bytes) / KB))


def update_write_units(new_bytes: int, old_bytes: int, *, minimum: int = WRITE_MIN_WU) -> int:
    """WU for an update: 1 WU per KB of (new record + existing record), min 5."""
    return max(minimum, math.ceil((new_bytes + old_bytes) / KB))


def delete_write_units(deleted_bytes: int, *, minimum: int = WRITE_MIN_WU) -> int:
    """WU for a delete by IDs or filter: 1 WU per KB deleted (missing IDs free), min 5."""
    return max(minimum, math.ceil(deleted_bytes / KB))


def delete_all_write_units() -> int:
    """WU for deleteAll or deleting a namespace."""
    return DELETE_ALL_WU


# --- Edition-aware variants ------------------------------------------------------------------
# The functions above are the current (2025-07-01) formulas and keep their defaults: the local
# Pinecone meters with them. The cost models bill older editions too, so the rules that changed
# (query model, minimums, WU rounding) are data, read from the price book into MeteringRules.

@dataclass(frozen=True)
class QueryRuTable:
    """The 2024 query-RU table: ``ru[i][j]`` for ``records[i]`` and ``dimensions[j]``."""

    records: tuple[int, ...]
    dimensions: tuple[int, ...]
    ru: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class MeteringRules:
    """The metering rules of one price-book edition (defaults: the current formulas)."""

    query_model: str = "per-gb"  # "per-gb" (from 2025-07-01) or "table-2024"
    query_min_ru: float = QUERY_MIN_RU
    payload_ru_per_10_results: float = 0  # 2024: include_metadata/values cost 1 RU per 10 results
    write_min_wu: float = WRITE_MIN_WU
    write_rounding: str = "ceil"  # "ceil" (whole WUs) or "none" (fractional, as shown before 2025-07)
    delete_all_wu: float = DELETE_ALL_WU
    query_ru_table: QueryRuTable | None = field(default=None, compare=False)


CURRENT_RULES = MeteringRules()


def _interp(x: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    """Piecewise-linear interpolation; constant below the table, last segment extended above it."""
    if x <= xs[0]:
        return ys[0]
    i = 0
    while i < len(xs) - 2 and x > xs[i + 1]:
        i += 1
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def table_query_read_units(table: QueryRuTable, records: int, dimension: int) -> float:
    """RU per query from the 2024 table, interpolated in log(records), log(dims) and log(RU).

    Pinecone published only the 3×3 table (about 500 B metadata), never the formula, so values
    between the rows are our log-log approximation of its sublinear growth; below the smallest
    row or column the edge value holds, above the largest the last segment's growth continues.
    """
    lr = math.log(max(1, records))
    ld = math.log(max(1, dimension))
    lrs = tuple(math.log(r) for r in table.records)
    lds = tuple(math.log(d) for d in table.dimensions)
    # Interpolate along dimensions within each records row, then across rows.
    per_row = tuple(_interp(ld, lds, tuple(math.log(v) for v in row)) for row in table.ru)
    return math.exp(_interp(lr, lrs, per_row))


def _round_quarter(ru: float) -> float:
    return math.ceil(ru * 4 - 1e-9) / 4


def query_read_units_for(
    rules: MeteringRules,
    namespace_bytes: float,
    *,
    records: int | None = None,
    dimension: int | None = None,
    top_k: int = 10,
    include_payload: bool = False,
    rounding: str = "none",
) -> float:
    """RU for one query under an edition's rules.

    ``per-gb``: ``max(minimum, GB)``; ``rounding="quarter"`` rounds up to 0.25 as one mid-2025 doc
    did. ``table-2024``: the 2024 table (needs ``records`` and ``dimension``), at least the
    minimum, plus the payload charge when metadata or values are returned.
    """
    if rules.query_model == "per-gb":
        ru = query_read_units(namespace_bytes, minimum=rules.query_min_ru)
        return _round_quarter(ru) if rounding == "quarter" else ru
    if rules.query_model == "table-2024":
        if rules.query_ru_table is None or records is None or dimension is None:
            raise ValueError("the 2024 query model needs the RU table, records and dimension")
        ru = max(rules.query_min_ru, table_query_read_units(rules.query_ru_table, records, dimension))
        if include_payload and rules.payload_ru_per_10_results:
            ru += rules.payload_ru_per_10_results * math.ceil(top_k / FETCH_RECORDS_PER_RU)
        return ru
    raise ValueError(f"unknown query model {rules.query_model!r}")


def _write_units(rules: MeteringRules, kilobytes: float) -> float:
    units = math.ceil(kilobytes - 1e-12) if rules.write_rounding == "ceil" else kilobytes
    return max(rules.write_min_wu, units)


def upsert_write_units_for(rules: MeteringRules, request_bytes: int, overwritten_bytes: int = 0) -> float:
    """WU for one upsert request under an edition's rules (overwrites add the existing bytes)."""
    return _write_units(rules, (request_bytes + overwritten_bytes) / KB)


def update_write_units_for(rules: MeteringRules, new_bytes: int, old_bytes: int) -> float:
    """WU for one update under an edition's rules: new + existing record bytes."""
    return _write_units(rules, (new_bytes + old_bytes) / KB)


def delete_write_units_for(rules: MeteringRules, deleted_bytes: int) -> float:
    """WU for one delete request under an edition's rules."""
    return _write_units(rules, deleted_bytes / KB)
