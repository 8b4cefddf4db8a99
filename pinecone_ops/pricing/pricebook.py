"""Load the dated price book (``pinecone_ops/data/pricebook.toml``) into typed, immutable objects.

Each edition inherits the tables of the edition before it and overrides what changed (see the
file's header). ``edition(None)`` is the newest edition, the default everywhere; ``edition(date)``
is the edition in effect on that date.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from pinecone_ops.pricing.units import MeteringRules, QueryRuTable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "pricebook.toml"
#: Statuses that mean "take this figure with care" (shown flagged wherever a price is shown).
SOFT_STATUSES = frozenset({"reported", "illustrative", "uncertain", "assumption"})


class PricebookError(ValueError):
    """A price book lookup that cannot be answered; the message names the fix."""


@dataclass(frozen=True)
class Figure:
    """One number with its provenance."""

    name: str
    value: float
    date: str
    plan: str
    region: str
    source: str
    status: str
    note: str = ""

    @property
    def uncertain(self) -> bool:
        """True unless Pinecone documents the figure in a dated primary source."""
        return self.status in SOFT_STATUSES

    @property
    def decimal(self) -> Decimal:
        return Decimal(str(self.value))

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("value", "date", "plan", "region", "source", "status", "note")}


def _figure(name: str, raw: Any) -> Figure:
    if not isinstance(raw, Mapping) or "value" not in raw:
        raise PricebookError(f"price book figure {name!r} must be a table with value, date, plan, region, source")
    missing = [k for k in ("date", "plan", "region", "source", "status") if k not in raw]
    if missing:
        raise PricebookError(f"price book figure {name!r} lacks {', '.join(missing)}")
    return Figure(name, raw["value"], str(raw["date"]), raw["plan"], raw["region"], raw["source"],
                  raw["status"], raw.get("note", ""))


@dataclass(frozen=True)
class Plan:
    """A plan's prices, fees and caps in one edition."""

    name: str
    label: str
    billing: str  # "usage", "free" (caps, nothing billed) or "flat" (fixed fee, usage blocked at caps)
    figures: Mapping[str, Figure]

    def get(self, key: str) -> Figure | None:
        return self.figures.get(key)

    def figure(self, key: str) -> Figure:
        """The figure for ``key``; raises when this edition does not price it on this plan."""
        fig = self.figures.get(key)
        if fig is None:
            raise PricebookError(f"the {self.label} plan has no {key!r} figure in this edition")
        return fig

    def amount(self, key: str, default: str | None = None) -> Decimal:
        """The figure's value as Decimal, or ``default``; raises when neither exists."""
        if key not in self.figures and default is not None:
            return Decimal(default)
        return self.figure(key).decimal


@dataclass(frozen=True)
class Edition:
    """The pricing model in effect from ``effective``."""

    id: str
    effective: dt.date
    name: str
    summary: str
    notes: tuple[str, ...]
    approximate: bool
    verified: dt.date | None
    metering: MeteringRules
    metering_figures: Mapping[str, Figure]
    plans: Mapping[str, Plan]

    @property
    def label(self) -> str:
        """How an edition is shown next to every price, e.g. ``prices of 2026-05-06 (verified 2026-11-04)``."""
        text = f"prices of {self.id}{' (approx.)' if self.approximate else ''}"
        return f"{text}, verified {self.verified.isoformat()}" if self.verified else text

    def plan(self, name: str) -> Plan:
        key = name.strip().lower()
        if key not in self.plans:
            raise PricebookError(
                f"plan {name!r} is not priced in the {self.id} edition; "
                f"choose one of: {', '.join(self.plans)} (or another --edition)")
        return self.plans[key]


@dataclass(frozen=True)
class PriceBook:
    """All editions plus the edition-independent tables (limits, pods, DRN)."""

    path: Path
    editions: tuple[Edition, ...]  # oldest first
    sources: Mapping[str, str]
    month_hours: Figure
    rate_limits: Mapping[str, Figure]
    limits: Mapping[str, Figure]
    raw: Mapping[str, Any]  # pods / drn tables, read by pods.py and drn.py

    @property
    def current(self) -> Edition:
        return self.editions[-1]

    def edition(self, when: str | dt.date | Edition | None = None) -> Edition:
        """The edition with that id, or in effect on that date (``None``: the current one)."""
        if when is None:
            return self.current
        if isinstance(when, Edition):
            return when
        if isinstance(when, str):
            for ed in self.editions:
                if ed.id == when.strip():
                    return ed
            try:
                when = dt.date.fromisoformat(when.strip())
            except ValueError:
                raise PricebookError(
                    f"edition {when!r} is not a date; give YYYY-MM-DD, e.g. one of: {self._ids()}") from None
        eligible = [ed for ed in self.editions if ed.effective <= when]
        if not eligible:
            raise PricebookError(
                f"no price-book edition is in effect on {when.isoformat()} (serverless launched 2024-01-09); "
                f"use a date on or after {self.editions[0].id}: {self._ids()}")
        return eligible[-1]

    def _ids(self) -> str:
        return ", ".join(ed.id for ed in self.editions)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, val in over.items():
        if isinstance(val, Mapping) and isinstance(out.get(key), Mapping) and "value" not in val:
            out[key] = _merge(out[key], val)
        else:
            out[key] = val
    return out


def _rules(metering: Mapping[str, Any], table: QueryRuTable) -> tuple[MeteringRules, dict[str, Figure]]:
    figs = {k: _figure(k, v) for k, v in metering.items() if isinstance(v, Mapping)}
    rules = MeteringRules(
        query_model=metering["query_model"],
        query_min_ru=figs["query_min_ru"].value,
        payload_ru_per_10_results=figs["payload_ru_per_10_results"].value,
        write_min_wu=figs["write_min_wu"].value,
        write_rounding=metering["write_rounding"],
        delete_all_wu=figs["delete_all_wu"].value,
        query_ru_table=table,
    )
    return rules, figs


def parse(data: Mapping[str, Any], path: Path = DEFAULT_PATH) -> PriceBook:
    """Build a PriceBook from the parsed TOML (validates every figure's provenance)."""
    t = data["query_ru_table_2024"]
    table = QueryRuTable(tuple(t["records"]), tuple(t["dimensions"]), tuple(tuple(r) for r in t["ru"]))
    editions: list[Edition] = []
    inherited: dict[str, Any] = {"metering": {}, "plans": {}}
    for raw in sorted(data["editions"], key=lambda e: e["effective"]):
        inherited = _merge(inherited, {k: raw.get(k, {}) for k in ("metering", "plans")})
        rules, mfigs = _rules(inherited["metering"], table)
        plans = {
            name: Plan(name, p.get("label", name.title()), p.get("billing", "usage"),
                       {k: _figure(k, v) for k, v in p.items() if isinstance(v, Mapping)})
            for name, p in inherited["plans"].items()
        }
        editions.append(Edition(
            id=raw["id"], effective=raw["effective"], name=raw["name"], summary=raw["summary"],
            notes=tuple(raw.get("notes", ())), approximate=bool(raw.get("effective_approximate", False)),
            verified=raw.get("verified"), metering=rules, metering_figures=mfigs, plans=plans))
    return PriceBook(
        path=path,
        editions=tuple(editions),
        sources=dict(data["sources"]),
        month_hours=_figure("month_hours", data["meta"]["month_hours"]),
        rate_limits={k: _figure(k, v) for k, v in data["rate_limits"].items()},
        limits={k: _figure(k, v) for k, v in data["limits"].items()},
        raw={"pods": data["pods"], "drn": data["drn"], "timeline": tuple(_timeline(data.get("timeline", ())))},
    )


def _timeline(entries: Any) -> list[dict[str, Any]]:
    """The dated price events, oldest first; each needs a date, an event, sources and a status."""
    out = []
    for e in entries:
        missing = [k for k in ("date", "event", "source", "status") if k not in e]
        if missing or e["status"] not in {"documented", *SOFT_STATUSES}:
            raise PricebookError(f"timeline entry {e.get('event', e)!r}: missing {missing} or bad status")
        out.append({"date": str(e["date"]), "approximate": bool(e.get("approximate", False)), "event": e["event"],
                    "source": e["source"], "status": e["status"], "note": e.get("note", "")})
    return sorted(out, key=lambda e: e["date"])


def price_timeline(path: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The price book's dated events (platform fee, minimums, the 2025-09-01 switch, ...), oldest first."""
    return [dict(e) for e in load_pricebook(path).raw["timeline"]]


@lru_cache(maxsize=8)
def _load(path: str) -> PriceBook:
    # Keyed by the path as given: the models call this on every computation, so no filesystem work here.
    with open(path, "rb") as fh:
        return parse(tomllib.load(fh), Path(path).resolve())


def load_pricebook(path: str | os.PathLike[str] | None = None) -> PriceBook:
    """The price book at ``path``, else ``$PINECONE_OPS_PRICEBOOK``, else the packaged one (cached)."""
    return _load(os.fspath(path or os.environ.get("PINECONE_OPS_PRICEBOOK") or DEFAULT_PATH))


def edition(when: str | dt.date | Edition | None = None) -> Edition:
    """Shortcut: ``load_pricebook().edition(when)``."""
    return load_pricebook().edition(when)
