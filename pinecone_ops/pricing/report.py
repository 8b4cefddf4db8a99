"""Plain-text and HTML renderings of bills and sizing options (shared by the CLI and the widgets)."""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from decimal import Decimal

from pinecone_ops.pricing.bill import Bill, LineItem, money
from pinecone_ops.pricing.pricebook import Edition
from pinecone_ops.pricing.sizing import Option

UNIT_PER = {"RU": "/M", "WU": "/M"}


def text_table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> str:
    """A fixed-width table; columns whose index is in ``right`` are right-aligned."""
    cells = [list(map(str, headers))] + [list(map(str, r)) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        cols = enumerate(zip(row, widths, strict=True))
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in cols).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def quantity(item: LineItem) -> str:
    q = item.quantity
    text = f"{q:,.0f}" if float(q).is_integer() else f"{q:,.3f}".rstrip("0")
    return f"{text} {item.unit}"


def unit_price(item: LineItem) -> str:
    if item.unit_price is None:
        return ""
    flag = "*" if item.figure is not None and item.figure.uncertain else ""
    per = UNIT_PER.get(item.unit, f"/{item.unit}")
    price: Decimal = item.unit_price
    shown = f"${price:,.2f}" if price == price.quantize(Decimal("0.01")) else f"${price:,}"
    return f"{shown}{per}{flag}" if item.key not in ("plan_fee", "credits", "minimum") else ""


def edition_line(edition: Edition, plan_label: str) -> str:
    """The line shown above every price: plan, edition date, region."""
    return f"{plan_label} plan, {edition.label} (aws us-east-1, USD)"


def bill_text(bill: Bill) -> str:
    """The bill as a table, with the edition date and flags for soft figures."""
    rows = [(i.label, quantity(i) if i.key not in ("plan_fee", "credits", "minimum") else "", unit_price(i),
             money(i.amount)) for i in bill.items]
    rows.append(("Total", "", "", money(bill.total)))
    out = [text_table(("Item", "Quantity", "Unit price", "Amount"), rows, right=(1, 2, 3))]
    if any(i.figure is not None and i.figure.uncertain for i in bill.items):
        soft = sorted({f"{i.label}: {i.figure.status} ({i.figure.note or i.figure.source})"
                       for i in bill.items if i.figure is not None and i.figure.uncertain})
        out.append("* " + "\n* ".join(soft))
    out += [f"warning: {w}" for w in bill.warnings]
    out += [f"note: {n}" for n in bill.notes]
    return "\n".join(out)


def bill_html(bill: Bill) -> str:
    """The bill as an HTML table (for the cost widget)."""
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(i.label)}</td><td style='text-align:right'>{esc(quantity(i))}</td>"
        f"<td style='text-align:right'>{esc(unit_price(i))}</td>"
        f"<td style='text-align:right'>{esc(money(i.amount))}</td></tr>" for i in bill.items)
    warn = "".join(f"<div style='color:#b00'>{esc(w)}</div>" for w in bill.warnings)
    return (f"<table class='pco-bill'><thead><tr><th>Item</th><th>Quantity</th><th>Unit price</th>"
            f"<th>Amount</th></tr></thead><tbody>{rows}</tbody></table>{warn}"
            f"<div style='font-size:smaller'>{esc(edition_line(bill.edition, bill.plan_label))}; "
            "* marks reported or uncertain figures</div>")


def options_rows(options: Sequence[Option]) -> list[tuple[str, str, str, str]]:
    """Rows of (option, configuration, monthly, notes) for a sizing table."""
    rows = []
    for o in options:
        c = o.config
        if o.kind == "serverless":
            conf = f"{c['size_gb']:,} GB, {c['ru_per_query']:,} RU/query"
        elif o.kind == "drn":
            conf = f"{_n(c['shards'], 'shard')} × {_n(c['replicas'], 'replica')}"
        else:
            conf = f"{_n(c['pods'], 'pod')} × {_n(c['replicas'], 'replica')}"
        rows.append((o.name + ("" if o.feasible else " (over limit)"), conf, money(Decimal(str(o.monthly))),
                     "; ".join(o.notes)))
    return rows


def _n(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def options_html(options: Sequence[Option]) -> str:
    """Sizing options as an HTML table (for the sizing widget)."""
    esc = html.escape
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in options_rows(options))
    return ("<table class='pco-sizing'><thead><tr><th>Option</th><th>Configuration</th><th>Monthly</th>"
            f"<th>Notes</th></tr></thead><tbody>{body}</tbody></table>")
