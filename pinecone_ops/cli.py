"""`pinecone-ops` console command: one sub-command per module in pinecone_ops.commands.

Each module in ``pinecone_ops/commands/`` exposes ``register(subparsers)`` which adds
its parser and sets ``func`` (called with the parsed args, returns an exit code).
"""
from __future__ import annotations

import argparse
import importlib
import sys

# Order is the order shown in --help.
COMMANDS = ["serve", "cost", "size", "grade", "lab", "hub"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pinecone-ops",
        description="Pinecone Operations course kit: local Pinecone, cost models, grading.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"pinecone_ops.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"pinecone_ops.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
