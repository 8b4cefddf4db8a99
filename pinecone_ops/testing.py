"""Test doubles the course's grader builds in a learner's kernel: a grading helper, not course
material (nothing in the notebooks uses it).

The grader's hidden checks run outside the learner's kernel and can send it only data
(:mod:`pinecone_ops.kernel_bridge`). When a check must hand a learner's function something that
*behaves* (a function that fails as scripted, a ``sleep`` that records its waits, a reader that
queries during a migration), it builds one of these in the kernel from data
(``autograder.checks.common.kernel_new("pinecone_ops.testing:Scripted", ...)``) and reads back
what happened, as data, through the handle it gets.
"""
from __future__ import annotations

import threading
import time
from typing import Any

#: The SDK exceptions a script may raise, by the names ``pinecone.exceptions`` gives them.
SDK_ERRORS = ("PineconeApiException", "RateLimitException", "NotFoundException", "ServiceException",
              "UnauthorizedException", "ForbiddenException", "PineconeException")


def sdk_error(kind: str, message: str = "", status_code: int | None = None,
              retry_after: float | None = None) -> Exception:
    """An exception of ``pinecone.exceptions.<kind>``, described as data, e.g.
    ``sdk_error("PineconeApiException", "unavailable", 503)`` or
    ``sdk_error("RateLimitException", "slow down", retry_after=2.5)``."""
    import pinecone.exceptions as errors

    if kind not in SDK_ERRORS:
        raise ValueError(f"unknown SDK error {kind!r}; one of {', '.join(SDK_ERRORS)}")
    cls = getattr(errors, kind)
    kwargs: dict[str, Any] = {}
    if status_code is not None:
        kwargs["status_code"] = status_code
    if retry_after is not None:
        kwargs["retry_after"] = retry_after
    return cls(message, **kwargs) if message else cls(**kwargs)


class Scripted:
    """A callable that raises the scripted SDK errors (``sdk_error`` keyword dicts) one per call,
    in order, then returns ``result``. ``calls`` counts its calls; :meth:`index_of` tells which
    scripted error an exception is (the very object, not an equal one)."""

    def __init__(self, errors: list[dict[str, Any]], result: Any = "done") -> None:
        self.errors = [sdk_error(**spec) for spec in errors]
        self._pending = list(self.errors)
        self.result = result
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self._pending:
            raise self._pending.pop(0)
        return self.result

    def index_of(self, exc: Any) -> int | None:
        """The position of ``exc`` among the scripted errors, or None when it is none of them."""
        return next((i for i, err in enumerate(self.errors) if err is exc), None)


class Recorder:
    """Stands in for ``time.sleep``: records every wait it is asked for (``waits``; call it or its
    ``append``), and really sleeps at most ``cap`` seconds of each (0: never). Thread-safe."""

    def __init__(self, cap: float = 0.0) -> None:
        self.cap = float(cap)
        self.waits: list[Any] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: Any) -> None:
        with self._lock:
            self.waits.append(seconds)
        if self.cap > 0:
            time.sleep(max(0.0, min(float(seconds), self.cap)))

    append = __call__


def outcome(fn: Any, /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """``fn(*args, **kwargs)`` as data: ``{"returned": value, "raised": None}``, or the exception
    it raised (the object itself, for :meth:`Scripted.index_of`) with its type name and message."""
    try:
        value = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported to the check
        return {"returned": None, "raised": exc, "type": type(exc).__name__, "message": str(exc)[:500]}
    return {"returned": value, "raised": None, "type": None, "message": None}


def burst(with_retries: Any, call: Any, *, workers: int = 4, repeat: int = 3, sleep_cap: float = 5.0,
          join_timeout: float = 50.0) -> dict[str, Any]:
    """``workers`` threads each calling ``with_retries(call, sleep=...)`` ``repeat`` times with a
    recording sleep; returns how many calls were answered, the failures and every wait."""
    sleep = Recorder(cap=sleep_cap)
    answered: list[Any] = []
    failures: list[str] = []

    def worker() -> None:
        try:
            for _ in range(repeat):
                answered.append(with_retries(call, sleep=sleep))
        except Exception as exc:  # noqa: BLE001 - reported to the check
            failures.append(f"{type(exc).__name__}: {exc}"[:160])

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + join_timeout
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    return {"answered": len(answered), "failures": list(failures), "waits": list(sleep.waits),
            "unfinished": sum(t.is_alive() for t in threads)}


class Router:
    """The migration's router, as the phase 6 notebook defines it (``name``, ``switch(name)``,
    ``index()``), that also records *when* it switched (``switched_at``, ``time.time()``: the
    clock of the local Pinecone's request log) instead of reading the admin API."""

    def __init__(self, pc: Any, name: str) -> None:
        self._pc, self._name, self._lock = pc, name, threading.Lock()
        self.switched_at: float | None = None
        self.switches = 0

    @property
    def name(self) -> str:
        with self._lock:
            return self._name

    def switch(self, name: str) -> None:
        with self._lock:
            self._name = name
            self.switched_at = time.time()
            self.switches += 1

    def index(self) -> Any:
        return self._pc.Index(name=self.name)


def run_with_reader(migrate: Any, pc: Any, source: str, target: str, probe: list[float],
                    namespace: str = "classics") -> dict[str, Any]:
    """``migrate(pc, source, target, router)`` while a thread queries ``namespace`` through the
    router; returns the router's final name, when it switched, the reads (``ok``, ``failed``,
    ``errors``) and what ``migrate`` raised (``None``, or ``{"type", "message"}``)."""
    router, stop = Router(pc, source), threading.Event()
    stats: dict[str, Any] = {"ok": 0, "failed": 0, "errors": []}

    def reader() -> None:
        while not stop.is_set():
            try:
                router.index().query(vector=probe, top_k=3, namespace=namespace)
                stats["ok"] += 1
            except Exception as exc:  # noqa: BLE001 - a failed read is what is counted
                stats["failed"] += 1
                stats["errors"].append(repr(exc)[:200])
            time.sleep(0.005)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    error = None
    try:
        migrate(pc, source, target, router)
    except Exception as exc:  # noqa: BLE001 - reported to the check
        error = {"type": type(exc).__name__, "message": str(exc)[:500]}
    finally:
        time.sleep(0.05)
        stop.set()
        thread.join(timeout=10)
    return {"router": router.name, "switched_at": router.switched_at, "switches": router.switches,
            "stats": {"ok": stats["ok"], "failed": stats["failed"], "errors": list(stats["errors"][:20])},
            "error": error}


def write_file(name: str, text: str) -> str:
    """Write ``text`` to a new file ``name`` in a fresh temporary folder of this process; its path."""
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(prefix="grader-"), os.path.basename(name))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
