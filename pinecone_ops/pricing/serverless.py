"""The monthly bill of a serverless (on-demand) index: storage, reads, writes, egress, backups,
fees and plan minimums, itemised like Pinecone's invoice (reference §1, §5.4).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TypedDict

from pinecone_ops.pricing import units
from pinecone_ops.pricing.bill import Bill, LineItem, cents, money, priced_line
from pinecone_ops.pricing.pricebook import Edition, Figure, Plan, PricebookError, load_pricebook

MILLION = 1_000_000


def namespace_bytes(records: int, dimension: int, metadata_bytes: int = 0, id_bytes: int = 8,
                    sparse_nnz: int = 0) -> int:
    """Billable bytes of ``records`` records: N × (ID + metadata + 4·dims + 8·nnz)."""
    return int(records) * units.record_bytes(id_bytes, dimension, metadata_bytes, sparse_nnz)


def namespace_gb(records: int, dimension: int, metadata_bytes: int = 0, id_bytes: int = 8,
                 sparse_nnz: int = 0) -> float:
    """Namespace (or index) size in decimal GB; e.g. 1M × 1536-d × 1 KB metadata → 7.152."""
    return namespace_bytes(records, dimension, metadata_bytes, id_bytes, sparse_nnz) / units.GB


def max_batch_size(record_size: int) -> int:
    """Most records of ``record_size`` bytes one upsert can carry: min(1,000, 2 MB ÷ size)."""
    limits = load_pricebook().limits
    return int(min(limits["max_upsert_records"].value, limits["max_upsert_bytes"].value // max(1, record_size)))


def check_batch(batch_size: int, record_size: int) -> None:
    """Raise ValueError unless a batch fits Pinecone's upsert limits (1,000 records, 2 MB)."""
    fit = max_batch_size(record_size)
    if batch_size < 1 or batch_size > fit:
        max_records = int(load_pricebook().limits["max_upsert_records"].value)
        why = (f"over Pinecone's limit of {max_records:,} records per upsert" if batch_size > max_records else
               f"{batch_size * record_size:,} B, over Pinecone's 2 MB upsert limit" if batch_size > 1 else
               "not a batch")
        raise ValueError(f"a batch of {batch_size} records of {record_size:,} B is {why}; "
                         f"use a batch size between 1 and {max(1, fit)}")


def batched_write_units(rules: units.MeteringRules, count: int, batch_size: int, record_size: int,
                        overwrite_fraction: float = 0.0, kind: str = "upsert") -> float:
    """WU to write (or delete) ``count`` records in batches of ``batch_size``, the last one partial.

    ``overwrite_fraction`` of each upsert batch replaces existing records of the same size, which
    Pinecone also charges for (1 WU per KB of the existing record).
    """
    def one(n: int) -> float:
        payload = n * record_size
        if kind == "delete":
            return units.delete_write_units_for(rules, payload)
        return units.upsert_write_units_for(rules, payload, round(payload * overwrite_fraction))

    full, rest = divmod(int(count), int(batch_size))
    return full * one(batch_size) + (one(rest) if rest else 0)


class BillOptions(TypedDict, total=False):
    """Keyword arguments of :func:`serverless_bill` that callers pass to several bills alike."""

    id_bytes: int
    upserts_per_month: int
    batch_size: int
    plan: str
    edition: str | dt.date | Edition | None


def _require(plan: Plan, key: str, edition: Edition, what: str) -> Figure:
    """The plan's figure for ``key``; raises naming an edition or plan that prices it when absent."""
    fig = plan.get(key)
    if fig is not None:
        return fig
    book = load_pricebook()
    first = next((ed for ed in book.editions if plan.name in ed.plans and ed.plans[plan.name].get(key)), None)
    if first is None:
        raise PricebookError(f"{what} is not available on the {plan.label} plan; choose standard or enterprise "
                             "or set it to 0")
    raise PricebookError(f"{what} has no price for the {plan.label} plan in the {edition.id} edition; "
                         f"use an edition from {first.id} on, or set it to 0")


def serverless_bill(
    records: int,
    dimension: int,
    metadata_bytes: int = 0,
    *,
    id_bytes: int = 8,
    sparse_nnz: int = 0,
    namespaces: int = 1,
    queries_per_month: float = 0,
    top_k: int = 10,
    include_payload: bool = False,
    fetches_per_month: float = 0,
    records_per_fetch: int = 1,
    lists_per_month: float = 0,
    upserts_per_month: int = 0,
    batch_size: int = 100,
    overwrite_fraction: float = 0.0,
    deletes_per_month: int = 0,
    egress_gb: float = 0.0,
    backup_gb: float = 0.0,
    restore_gb: float = 0.0,
    import_gb: float = 0.0,
    plan: str = "standard",
    edition: str | dt.date | Edition | None = None,
    ru_rounding: str = "none",
    extra_lines: Sequence[LineItem] = (),
) -> Bill:
    """Monthly bill of one serverless index, itemised, under a plan and price-book edition.

    Records are spread evenly over ``namespaces``; each query is charged for the size of the
    namespace it searches (the multitenancy lever). Upserts and deletes are sent in batches of
    ``batch_size``. Line items are rounded to the cent and the total is their sum, as on an
    invoice. Below the plan minimum a "minimum usage" line makes up the difference.
    ``extra_lines`` are other usage lines billed under the same plan (dedicated read nodes).
    """
    _validate(records, dimension, metadata_bytes, id_bytes, namespaces, overwrite_fraction, ru_rounding,
              queries_per_month, fetches_per_month, lists_per_month, upserts_per_month, deletes_per_month,
              egress_gb, backup_gb, restore_gb, import_gb)
    ed = load_pricebook().edition(edition)
    pl = ed.plan(plan)
    rules = ed.metering
    rsize = units.record_bytes(id_bytes, dimension, metadata_bytes, sparse_nnz)
    if upserts_per_month or deletes_per_month:
        check_batch(batch_size, rsize)

    total_bytes = records * rsize
    ns_records = math.ceil(records / namespaces)
    ru_query = units.query_read_units_for(
        rules, ns_records * rsize, records=ns_records, dimension=dimension, top_k=top_k,
        include_payload=include_payload, rounding=ru_rounding)
    ru = (queries_per_month * ru_query
          + fetches_per_month * units.fetch_read_units(records_per_fetch)
          + lists_per_month * units.list_read_units())
    wu = (batched_write_units(rules, upserts_per_month, batch_size, rsize, overwrite_fraction)
          + batched_write_units(rules, deletes_per_month, batch_size, rsize, kind="delete"))
    storage_gb = total_bytes / units.GB
    q = {"record_bytes": rsize, "storage_gb": storage_gb, "namespace_gb": ns_records * rsize / units.GB,
         "ru_per_query": ru_query, "read_units": _tidy(ru), "write_units": _tidy(wu), "egress_gb": egress_gb}

    items = [
        priced_line("storage", "Storage", _tidy(storage_gb), "GB-month", pl.figure("storage_gb_month")),
        priced_line("reads", "Read units", _tidy(ru), "RU", pl.figure("ru_per_million"), per=MILLION),
        priced_line("writes", "Write units", _tidy(wu), "WU", pl.figure("wu_per_million"), per=MILLION),
    ]
    notes: list[str] = []
    if pl.get("egress_per_gb") is not None:
        allowance = float(pl.amount("egress_allowance_gb", "0"))
        items.append(priced_line("egress", f"Egress beyond {allowance:g} GB", max(0.0, egress_gb - allowance),
                                 "GB", pl.figure("egress_per_gb")))
    elif egress_gb and pl.billing == "usage":
        notes.append(f"Egress is not priced in the {ed.id} edition (no source); it is left out.")
    for key, label, qty, price_key in (("backups", "Backup storage", backup_gb, "backup_gb_month"),
                                       ("restores", "Restores", restore_gb, "restore_per_gb"),
                                       ("imports", "Import from object storage", import_gb, "import_per_gb")):
        if qty:
            items.append(priced_line(key, label, qty, "GB", _require(pl, price_key, ed, label)))
    warnings = _cap_warnings(pl, storage_gb, ru, wu, egress_gb)
    items += extra_lines
    items += _plan_lines(pl, sum((i.amount for i in items), Decimal("0.00")))
    return Bill(ed, pl.name, pl.label, tuple(items), q, tuple(warnings), tuple(notes) + ed.notes)


def _tidy(x: float) -> float:
    """Drop float noise (7152000.000000001 → 7152000.0) before pricing."""
    return round(x, 6)


def _plan_lines(pl: Plan, usage: Decimal) -> list[LineItem]:
    """Fees, credits and the minimum-usage top-up that turn usage into the plan's bill."""
    lines: list[LineItem] = []
    if pl.billing == "flat":
        flat = pl.figure("flat_month")
        lines.append(LineItem("plan_fee", f"{pl.label} flat fee", 1, "month", flat.decimal, cents(flat.decimal), flat))
        return lines
    fee = pl.amount("platform_fee_month", "0")
    if fee:
        lines.append(LineItem("plan_fee", "Platform fee", 1, "month", fee, cents(fee), pl.get("platform_fee_month")))
        credit = min(pl.amount("included_credits_month", "0"), usage)
        if credit:
            lines.append(LineItem("credits", "Included usage credits", 1, "month", -credit, -cents(credit),
                                  pl.get("included_credits_month")))
    minimum = pl.amount("minimum_month", "0")
    if usage < minimum:
        lines.append(LineItem("minimum", f"Minimum usage (plan minimum {money(minimum)})", 1, "month",
                              minimum - usage, cents(minimum - usage), pl.get("minimum_month")))
    return lines


def _cap_warnings(pl: Plan, storage_gb: float, ru: float, wu: float, egress_gb: float) -> list[str]:
    """Free and flat plans block usage at their caps (429 / 403 QUOTA_EXCEEDED) instead of billing it."""
    out = []
    for key, used, what in (("cap_storage_gb", storage_gb, "GB of storage"), ("cap_ru_month", ru, "RU a month"),
                            ("cap_wu_month", wu, "WU a month"), ("cap_egress_gb", egress_gb, "GB of egress a month")):
        cap = pl.get(key)
        if cap is not None and used > cap.value:
            out.append(f"{used:,.2f} {what} is over the {pl.label} cap of {cap.value:,} {what}: "
                       "Pinecone blocks requests at the cap (429, or 403 QUOTA_EXCEEDED for storage); "
                       "choose a paid plan")
    return out


def _validate(records: int, dimension: int, metadata_bytes: int, id_bytes: int, namespaces: int,
              overwrite_fraction: float, ru_rounding: str, *non_negative: float) -> None:
    limits = load_pricebook().limits
    max_dim = int(limits["max_dimension"].value)
    if records < 0:
        raise ValueError(f"records must be 0 or more, got {records}")
    if not 0 <= dimension <= max_dim:
        raise ValueError(f"dimension {dimension} is outside 0..{max_dim:,} (Pinecone's maximum dense dimension)")
    if not 0 <= metadata_bytes <= limits["max_metadata_bytes"].value:
        raise ValueError(f"metadata of {metadata_bytes} B per record is outside 0..40,000 B "
                         "(Pinecone's 40 KB metadata limit)")
    if not 1 <= id_bytes <= limits["max_id_bytes"].value:
        raise ValueError(f"ID of {id_bytes} B is outside 1..512 B (Pinecone's ID length limit)")
    if namespaces < 1:
        raise ValueError("namespaces must be at least 1")
    if not 0 <= overwrite_fraction <= 1:
        raise ValueError("overwrite fraction must be between 0 and 1")
    if ru_rounding not in ("none", "quarter"):
        raise ValueError("RU rounding must be 'none' or 'quarter'")
    if any(v < 0 for v in non_negative):
        raise ValueError("monthly counts and GB figures must be 0 or more")
