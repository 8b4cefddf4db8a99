"""Shared helpers for the hidden checks: assertions that teach, the request log, fresh names, and
the student's kernel.

Under the grader, checks run in the checker process, not in the student's kernel
(``autograder/checker``): the student's functions and objects arrive as handles, and whatever they
return arrives as plain data (numbers, strings, lists, tuples, dicts, sets, NumPy arrays, pandas
frames) or as another handle. So a check:

- passes the student's functions only data, or objects made *in the kernel*:
  :func:`student_client` (a Pinecone client there), :func:`kernel_new` (any library object there,
  e.g. a test double from ``pinecone_ops.testing``); never a local function, lambda or SDK object;
- changes the kernel's environment with :func:`kernel_env`, not ``os.environ``;
- asks the type of a result with :func:`kind`/:func:`is_kind`, not ``isinstance`` on a class;
- uses :func:`client` and :func:`admin` for its own fixtures and for the truth (they talk to the
  notebook's local Pinecone directly, outside the kernel).

Run inside a kernel (``nbgrader validate`` of the source notebook) the same helpers act locally.
"""
from __future__ import annotations

import contextlib
import itertools
import math
import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from autograder.checker import channel as _channel
from pinecone_ops.kernel_bridge import type_name


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


def student_client():
    """A Pinecone client in the student's kernel, for the student's functions to use (under the
    grader a handle; in the kernel itself, the same as :func:`client`)."""
    ch = _channel.current()
    return client() if ch is None else ch.call("pinecone_ops:connect")


def kernel_import(path: str) -> Any:
    """``module:attr`` as the student's kernel imports it (a handle), or here when the check runs
    in the kernel itself; e.g. a class to pass to :func:`kernel_new`."""
    ch = _channel.current()
    if ch is not None:
        return ch.imported(path)
    import importlib

    module, _, attrs = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in filter(None, attrs.split(".")):
        target = getattr(target, part)
    return target


def kernel_new(path: str, *args: Any, **kwargs: Any) -> Any:
    """``module:attr`` called in the student's kernel with data arguments (a handle to the result
    unless it is data); called here when the check runs in the kernel itself."""
    ch = _channel.current()
    if ch is not None:
        return ch.call(path, *args, **kwargs)
    return kernel_import(path)(*args, **kwargs)


@contextlib.contextmanager
def kernel_env(name: str, value: str | None) -> Iterator[None]:
    """Set (``None``: remove) an environment variable of the student's kernel for the block."""
    ch = _channel.current()
    if ch is None:
        with env_var(name, value):
            yield
        return
    old = ch.call("pinecone_ops.kernel_bridge:set_env", name, value)
    try:
        yield
    finally:
        ch.call("pinecone_ops.kernel_bridge:set_env", name, old)


def notebook_key(*objs: Any) -> tuple:
    """A key for work a check caches between the test cells of one graded notebook: the
    notebook's own local Pinecone (the grader starts one per notebook, so no other learner's
    cache entry matches) and each object's identity *in the kernel* (a handle is new in every
    cell; the object it stands for is not)."""
    ch = _channel.current()
    ids = tuple(ch.call("builtins:id", o) if ch is not None and isinstance(o, _channel.Handle) else id(o)
                for o in objs)
    return (os.environ.get("PINECONE_OPS_HOST"), os.environ.get("PINECONE_OPS_ADMIN_KEY"), *ids)


def error_name(exc: BaseException) -> str:
    """The name of an exception's class as the learner knows it (``ValueError``, ``NotFoundError``),
    also for one raised in the kernel (which arrives here as a ``Kernel…`` stand-in)."""
    if isinstance(exc, _channel.KernelError):
        return exc.kernel_type.rsplit(".", 1)[-1]
    return type(exc).__name__


def kind(obj: Any) -> str:
    """``module.Qualname`` of ``obj``'s type (for an object in the student's kernel, as it reports)."""
    return obj.kernel_type if isinstance(obj, _channel.Handle) else type_name(obj)


def is_kind(obj: Any, *names: str) -> bool:
    """True when ``obj``'s type (or, for a local object, a base class) is one of ``names``
    (``module.Qualname``), e.g. ``is_kind(fig, "matplotlib.figure.Figure")``."""
    if isinstance(obj, _channel.Handle):
        return obj.kernel_type in names
    return any(f"{c.__module__}.{c.__qualname__}" in names for c in type(obj).__mro__)


#: Admin clients by the server the environment selects: the grader serves each notebook from a
#: fresh local Pinecone of its own (``PINECONE_OPS_HOST``/``PINECONE_OPS_ADMIN_KEY`` change).
_ADMIN: dict[tuple, Any] = {}


def admin():
    """The local Pinecone's admin client, or None when the backend has no admin API (real Pinecone)."""
    where = tuple(os.environ.get(k) for k in ("PINECONE_OPS_BACKEND", "PINECONE_OPS_HOST", "PINECONE_OPS_ADMIN_KEY"))
    if where not in _ADMIN:
        try:
            from pinecone_ops import admin as _admin

            adm = _admin()
            adm.requests(since=2**62)  # reachable?
        except Exception:  # real Pinecone: no admin API
            adm = None
        for stale in list(_ADMIN):   # an earlier notebook's server is gone
            old = _ADMIN.pop(stale)
            if old is not None:
                with contextlib.suppress(Exception):
                    old.close()
        _ADMIN[where] = adm
    return _ADMIN[where]


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
