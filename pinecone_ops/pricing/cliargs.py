"""Argument types and shared options for the ``cost`` and ``size`` sub-commands.

Bad values fail with argparse's usage error and a message that names the fix.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import Any

_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "g": 1_000_000_000}


def count(text: str) -> int:
    """A non-negative whole number: ``1000000``, ``1_000_000``, ``1e6``, ``1M``, ``100k``."""
    m = re.fullmatch(r"\s*([0-9][0-9_,]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kmbg]?)\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count; write e.g. 1000000, 1e6, 1M or 100k")
    value = float(m.group(1).replace("_", "").replace(",", "")) * _SUFFIX[m.group(2)]
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(value)


def positive_count(text: str) -> int:
    value = count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def amount(text: str) -> float:
    """A non-negative number (GB, QPS, dollars)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write e.g. 12.5") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def dims(text: str) -> int:
    value = count(text)
    if not 1 <= value <= 20_000:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..20000 (Pinecone's maximum dense dimension); "
                                         "use e.g. --dims 1536")
    return value


def price_override(text: str) -> tuple[str, float]:
    """``p1=0.1`` or ``p1.x2=0.2`` ($/hour)."""
    key, sep, val = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} should look like p1=0.096 (dollars per pod-hour)")
    return key.strip().lower(), amount(val)


def add_workload(p: argparse.ArgumentParser, metadata_required: bool = False) -> None:
    """--records, --dims, --metadata-bytes, --id-bytes."""
    p.add_argument("--records", type=count, required=True, metavar="N", help="records in the index (1M, 1e6 ...)")
    p.add_argument("--dims", type=dims, required=True, metavar="D", help="dense dimensions")
    p.add_argument("--metadata-bytes", type=count, required=metadata_required, default=0, metavar="B",
                   help="metadata bytes per record (compact JSON)")
    p.add_argument("--id-bytes", type=positive_count, default=8, metavar="B", help="ID bytes per record (default 8)")


def add_pricing(p: argparse.ArgumentParser) -> None:
    """--plan, --edition, --json."""
    p.add_argument("--plan", default="standard", choices=["starter", "builder", "standard", "enterprise"],
                   help="Pinecone plan (default standard)")
    p.add_argument("--edition", metavar="DATE",
                   help="price-book edition in effect on DATE (YYYY-MM-DD); default: the current edition")
    add_json(p)


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace, body: Callable[[argparse.Namespace], tuple[Any, str]]) -> int:
    """Call ``body``; print its JSON or text; turn model errors into a usage error naming the fix."""
    try:
        data, text = body(args)
    except ValueError as exc:  # includes PricebookError
        args._parser.error(str(exc))
    if args.json:
        json.dump(data, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)
    return 0
