"""Shared helpers for the hidden checks: assertions that teach, the request log, fresh names."""
from __future__ import annotations

import contextlib
import itertools
import math
import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any


def property_test_imports():
    """Import Hypothesis for a property check, with its on-disk caches kept out of the learner's folder.

    Hypothesis writes ``.hypothesis/`` into the working directory (a constants cache, even with
    ``database=None``); in a notebook folder that would be copied into release/ or left in a
    student's submission. Returns ``(HealthCheck, given, settings, strategies)``.
    """
    import tempfile

    from hypothesis import HealthCheck, given, settings, strategies
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "pinecone-ops-hypothesis"))
    return HealthCheck, given, settings, strategies


def expect(condition: Any, message: str) -> None:
    """Raise AssertionError(message) unless ``condition``; the message is what the learner reads."""
    if not condition:
        raise AssertionError(message)


def raises(fn, *args, **kwargs) -> BaseException | None:
    """Call ``fn``; return the exception it raised (None if it returned)."""
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # any exception counts as "refused"
        return exc
    return None


def close(a: float, b: float, rel: float = 1e-6, abs_: float = 1e-9) -> bool:
    """Float comparison used by numeric checks."""
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)


def fresh_name(prefix: str) -> str:
    """An index name no learner cell uses (lowercase, dashes, ≤ 45 chars)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"[:45]


def client():
    """The Pinecone client bound to this kernel's backend (the same server the notebook uses)."""
    from pinecone_ops import connect

    return connect()


_ADMIN: list = []


def admin():
    """The local Pinecone's admin client, or None when the backend has no admin API (real Pinecone)."""
    if not _ADMIN:
        try:
            from pinecone_ops import admin as _admin

            adm = _admin()
            adm.requests(since=2**62)  # reachable?
        except Exception:  # real Pinecone: no admin API
            adm = None
        _ADMIN.append(adm)
    return _ADMIN[0]


def last_seq() -> int:
    """Sequence number of the newest request-log entry (0 without an admin API)."""
    adm = admin()
    return 0 if adm is None else int(adm.last_seq())


def requests_since(seq: int, index: str | None = None) -> list[dict] | None:
    """Request-log entries after ``seq`` (optionally for one index); None without an admin API."""
    adm = admin()
    return None if adm is None else adm.requests(index=index, since=seq)


@contextlib.contextmanager
def watch(index: str | None = None) -> Iterator[list]:
    """Collect the request-log entries made inside the ``with`` block into the yielded list.

    The list stays empty when the backend has no request log, so callers check ``log_available()``
    before asserting on it.
    """
    start = last_seq()
    out: list = []
    try:
        yield out
    finally:
        got = requests_since(start, index)
        out.extend(got or [])


def log_available() -> bool:
    """True when the backend exposes a request log (the local Pinecone)."""
    return admin() is not None


def ops(entries: Iterable[dict]) -> list[str]:
    """Operation names of request-log entries, in order."""
    return [str(e.get("operation", "")) for e in entries]


def set_options(**kw) -> bool:
    """Switch local Pinecone options (e.g. teaching faults); False if unsupported."""
    adm = admin()
    if adm is None:
        return False
    try:
        adm.set_options(**kw)
    except Exception:  # option not known to this server version
        return False
    return True


def chunked(seq: list, n: int) -> Iterator[list]:
    """Consecutive slices of ``seq`` of length ``n``."""
    it = iter(seq)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def env_var(name: str, value: str | None):
    """Context manager setting (or removing, with None) an environment variable temporarily."""

    @contextlib.contextmanager
    def _cm():
        old = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
        try:
            yield
        finally:
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old

    return _cm()
