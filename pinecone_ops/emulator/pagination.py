"""Pagination tokens, one scheme for every listing: an opaque, URL-safe token that carries the sort
key of the last item returned (and, for listings whose page size sticks, the limit)."""
from __future__ import annotations

import base64
from typing import Any

import orjson

from pinecone_ops.emulator.exceptions import InvalidArgument


def encode(after: Any, limit: int | None = None) -> str:
    """The token of the page that follows the item whose sort key is ``after``."""
    state: dict[str, Any] = {"after": after}
    if limit is not None:
        state["limit"] = limit
    return base64.urlsafe_b64encode(orjson.dumps(state)).decode()


def decode(token: Any) -> tuple[Any, int | None]:
    """``(after, limit)`` of a token; ``(None, None)`` for no token; Pinecone's 400 for a bad one."""
    if token is None or token == "":
        return None, None
    try:
        state = orjson.loads(base64.urlsafe_b64decode(str(token).encode()))
        after, limit = state["after"], state.get("limit")
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise InvalidArgument("Invalid pagination token") from None
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
        raise InvalidArgument("Invalid pagination token")
    return after, limit


def after_key(token: Any) -> str:
    """The id (or name) a token says the next page starts after; ``""`` for no token."""
    after, _ = decode(token)
    if after is None:
        return ""
    if not isinstance(after, str):
        raise InvalidArgument("Invalid pagination token")
    return after
