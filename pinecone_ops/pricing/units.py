"""Pinecone's serverless metering formulas: record size, read units (RU), write units (WU).

These are the *current* formulas (from 2025-07-01, see
../shared/reference/pinecone-pricing-and-sizing.md §1.4-1.6). Units are decimal: 1 KB = 1,000 B,
1 GB = 10**9 B. The local Pinecone meters every request with these functions, and the cost
models use them too, so there is exactly one definition of each formula.
"""
from __future__ import annotations

import json
import math
from typing import Any, Mapping

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
    return len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def record_bytes(id_bytes: int, dimension: int = 0, metadata: int = 0, sparse_nnz: int = 0) -> int:
    """Billable size of one record: ID + metadata + 4 B per dense value + 8 B per sparse entry."""
    return int(id_bytes) + int(metadata) + 4 * int(dimension) + 8 * int(sparse_nnz)


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
