"""Money and invoices: line items rounded to the cent, totals that add up like an invoice."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pinecone_ops.pricing.pricebook import Edition, Figure

CENT = Decimal("0.01")


def to_decimal(x: float | int | Decimal) -> Decimal:
    """Exact decimal of a quantity; floats go through repr so 0.1 stays 0.1."""
    return x if isinstance(x, Decimal) else Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def cents(x: float | int | Decimal) -> Decimal:
    """Round to the cent, half up, as invoices do."""
    return to_decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def money(x: Decimal) -> str:
    """``$1,234.56`` (negative amounts as ``-$15.00``)."""
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


@dataclass(frozen=True)
class LineItem:
    """One invoice line: quantity × unit price, rounded to the cent."""

    key: str
    label: str
    quantity: float
    unit: str
    unit_price: Decimal | None
    amount: Decimal
    figure: Figure | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "quantity": self.quantity, "unit": self.unit,
            "unit_price": None if self.unit_price is None else float(self.unit_price),
            "amount": float(self.amount),
            "price_source": None if self.figure is None else self.figure.to_dict(),
        }


def priced_line(key: str, label: str, quantity: float, unit: str, figure: Figure, per: int = 1) -> LineItem:
    """A line priced at ``figure`` per ``per`` units (e.g. per 1,000,000 RU)."""
    unit_price = figure.decimal
    amount = cents(to_decimal(quantity) * unit_price / per)
    return LineItem(key, label, quantity, unit, unit_price, amount, figure)


@dataclass(frozen=True)
class Bill:
    """A monthly bill: line items, their sum, and the edition and plan that priced it."""

    edition: Edition
    plan: str
    plan_label: str
    items: tuple[LineItem, ...]
    quantities: dict[str, float]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0.00"))

    @property
    def usage(self) -> Decimal:
        """The metered usage lines only (before fees, credits and minimums)."""
        return sum((i.amount for i in self.items if i.key in USAGE_KEYS), Decimal("0.00"))

    def amount(self, key: str) -> Decimal:
        """The amount of line ``key`` (0 when the bill has no such line)."""
        return next((i.amount for i in self.items if i.key == key), Decimal("0.00"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "edition": self.edition.id, "edition_label": self.edition.label, "plan": self.plan,
            "items": [i.to_dict() for i in self.items], "usage": float(self.usage),
            "total": float(self.total), "quantities": self.quantities,
            "warnings": list(self.warnings), "notes": list(self.notes),
        }


USAGE_KEYS = frozenset({"storage", "reads", "writes", "egress", "backups", "restores", "imports", "nodes"})
