"""Names, tags and deletion protection: the checks every control-plane resource shares."""
from __future__ import annotations

import re
from typing import Any

from pinecone_ops.emulator.exceptions import InvalidArgument

_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$")
_TAG_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def validate_name(name: Any) -> str:
    """An index, collection or backup name: 1–45 lower-case alphanumerics or '-'."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InvalidArgument(
            "Resource name must be 1-45 characters long, start and end with an alphanumeric character, "
            "and consist only of lower case alphanumeric characters or '-'")
    return name


def _check_tags(tags: Any) -> dict[str, str]:
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise InvalidArgument("tags must be an object of string keys and string values")
    for k, v in tags.items():
        if not k or len(k) > 80 or not _TAG_KEY_RE.match(k):
            raise InvalidArgument(f"Invalid tag key {k!r}: 1-80 characters of letters, digits, '_' or '-'")
        if len(v) > 120:
            raise InvalidArgument(f"Invalid value for tag {k!r}: at most 120 characters")
    if len(tags) > 20:
        raise InvalidArgument("An index can have at most 20 tags")
    return tags


def validate_tags(tags: Any) -> dict[str, str] | None:
    """Tags given at creation (empty values dropped; ``None`` when there are none)."""
    if tags is None:
        return None
    return {k: v for k, v in _check_tags(tags).items() if v != ""} or None


def merge_tags(old: dict[str, str] | None, change: Any) -> dict[str, str] | None:
    """configure: add or change tags; a value of ``""`` removes that tag."""
    merged = dict(old or {})
    for k, v in _check_tags(change).items():
        if v == "":
            merged.pop(k, None)
        else:
            merged[k] = v
    return merged or None


def deletion_protection(value: Any) -> str:
    if value not in ("enabled", "disabled"):
        raise InvalidArgument(f"deletion_protection must be 'enabled' or 'disabled', got {value!r}")
    return value
