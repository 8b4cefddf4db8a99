"""The grader's data-only channel to a student's kernel: the wire format, and the kernel's end.

The grader's checker runs outside the student's kernel. It asks the kernel for a name, calls a
function there or reads an attribute of an object there, one request at a time; the kernel answers
with **data**: ``None``, bools, numbers, strings, lists, tuples, dicts, sets, bytes, NumPy arrays
and pandas frames, rebuilt by the checker as its own plain objects. Anything else stays in the
kernel and crosses as a *handle* (a number), which the checker can only pass back or ask about.
Nothing that carries behaviour crosses: a ``str`` subclass whose ``__eq__`` is always true arrives
as a plain ``str``.

The kernel's end (:func:`answer`) is ordinary library code in the student's process; a student can
replace it, and that changes nothing, because whatever it sends is decoded here as data.
:func:`decode` is written for hostile input: it accepts only the tags below and bounded sizes.

Wire values: JSON scalars (finite floats), JSON arrays (lists), and objects tagged by ``"$"``:
``float`` (nan/inf), ``tuple``, ``dict`` (str keys), ``pairs`` (other keys), ``set``,
``frozenset``, ``bytes``, ``ndarray``, ``dataframe``, ``series``, ``module``, ``handle``
(kernel → checker) and ``ref`` (a handle sent back).
"""
from __future__ import annotations

import base64
import itertools
import json
import math
import sys
from collections.abc import Callable
from typing import Any

#: Bounds on one encoded value (nodes, nesting) and on one reply's text.
MAX_NODES = 2_000_000
MAX_DEPTH = 64
MAX_REPLY_CHARS = 256 * 1024 * 1024
#: Most elements one ``iter`` request returns.
MAX_ITEMS = 200_000

_SIMPLE_DTYPE_KINDS = set("biufUS")


class WireError(ValueError):
    """A value that does not follow the wire format (from a broken or hostile kernel)."""


def type_name(obj: Any) -> str:
    cls = type(obj)
    return f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', cls.__name__)}"


# ------------------------------------------------------------------------------------------- encode
class _Encoder:
    def __init__(self, handle: Callable[[Any], dict]) -> None:
        self.handle = handle
        self.nodes = 0

    def __call__(self, v: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError(f"the value is too large to send (over {MAX_NODES:,} parts or {MAX_DEPTH} levels deep)")
        if v is None or isinstance(v, bool):
            return None if v is None else bool(v)
        if isinstance(v, int):
            return int(v)
        if isinstance(v, float):
            f = float(v)
            return f if math.isfinite(f) else {"$": "float", "v": repr(f)}
        if isinstance(v, str):
            return str.__str__(v)
        if isinstance(v, (bytes, bytearray)):
            return {"$": "bytes", "v": base64.b64encode(bytes(v)).decode()}
        d = depth + 1
        if isinstance(v, list):
            return [self(x, d) for x in v]
        if isinstance(v, tuple):
            return {"$": "tuple", "v": [self(x, d) for x in v]}
        if isinstance(v, dict):
            if all(type(k) is str for k in v):
                return {"$": "dict", "v": {str(k): self(x, d) for k, x in v.items()}}
            return {"$": "pairs", "v": [[self(k, d), self(x, d)] for k, x in v.items()]}
        if isinstance(v, (set, frozenset)):
            return {"$": "frozenset" if isinstance(v, frozenset) else "set", "v": [self(x, d) for x in v]}
        special = self._library(v, d)
        return special if special is not None else self.handle(v)

    def _library(self, v: Any, d: int) -> Any:
        """NumPy and pandas values as data (only when the kernel has already imported them)."""
        np = sys.modules.get("numpy")
        if np is not None:
            if isinstance(v, np.generic) and v.dtype.kind in _SIMPLE_DTYPE_KINDS | {"?"}:
                return self(v.item(), d)
            if isinstance(v, np.ndarray) and v.dtype.kind in _SIMPLE_DTYPE_KINDS | {"b"}:
                return {"$": "ndarray", "dtype": v.dtype.str, "v": self(v.tolist(), d)}
        pd = sys.modules.get("pandas")
        if pd is not None:
            if isinstance(v, pd.DataFrame):
                split = v.to_dict(orient="split")
                return {"$": "dataframe", "columns": self(list(split["columns"]), d),
                        "index": self(list(split["index"]), d), "data": self(split["data"], d)}
            if isinstance(v, pd.Series):
                return {"$": "series", "index": self(list(v.index), d), "data": self(v.tolist(), d),
                        "name": self(v.name, d)}
        if type(v).__name__ == "module" and isinstance(getattr(v, "__name__", None), str):
            return {"$": "module", "name": v.__name__}
        return None


def encode(value: Any, handle: Callable[[Any], dict]) -> Any:
    """``value`` as wire data; ``handle(obj)`` gives the tag of anything that is not data."""
    return _Encoder(handle)(value)


# ------------------------------------------------------------------------------------------- decode
class _Decoder:
    def __init__(self, handle: Callable[[dict], Any]) -> None:
        self.handle = handle
        self.nodes = 0

    def __call__(self, v: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("the value is too large")
        if v is None or type(v) in (bool, int, float, str):
            return v
        if type(v) is list:
            return [self(x, depth + 1) for x in v]
        if type(v) is not dict or type(v.get("$")) is not str:
            raise WireError(f"not a wire value: {type(v).__name__}")
        tag = v["$"]
        if tag in ("module", "handle", "ref"):
            return self.handle(v)
        rebuild = _REBUILD.get(tag)
        if rebuild is None:
            raise WireError(f"unknown wire tag {tag!r}")
        return rebuild(self, v, v.get("v"), depth + 1)


def _float(dec: _Decoder, tag: dict, body: Any, d: int) -> float:
    if body not in ("nan", "inf", "-inf"):
        raise WireError("a float tag must hold nan, inf or -inf")
    return float(body)


def _dict(dec: _Decoder, tag: dict, body: Any, d: int) -> dict:
    if type(body) is not dict:
        raise WireError("a dict tag must hold an object")
    return {str(k): dec(x, d) for k, x in body.items()}


def _pairs(dec: _Decoder, tag: dict, body: Any, d: int) -> dict:
    out = {}
    for pair in _list(body):
        if type(pair) is not list or len(pair) != 2:
            raise WireError("pairs must be [key, value] lists")
        out[_hashable(dec(pair[0], d))] = dec(pair[1], d)
    return out


def _bytes(dec: _Decoder, tag: dict, body: Any, d: int) -> bytes:
    if type(body) is not str:
        raise WireError("bytes must be base64 text")
    return base64.b64decode(body, validate=True)


def _dataframe(dec: _Decoder, tag: dict, body: Any, d: int) -> Any:
    import pandas as pd

    return pd.DataFrame(dec(_list(tag.get("data")), d), index=dec(_list(tag.get("index")), d),
                        columns=dec(_list(tag.get("columns")), d))


def _series(dec: _Decoder, tag: dict, body: Any, d: int) -> Any:
    import pandas as pd

    return pd.Series(dec(_list(tag.get("data")), d), index=dec(_list(tag.get("index")), d),
                     name=_hashable(dec(tag.get("name"), d)))


_REBUILD: dict[str, Callable[[_Decoder, dict, Any, int], Any]] = {
    "float": _float,
    "tuple": lambda dec, tag, body, d: tuple(dec(x, d) for x in _list(body)),
    "dict": _dict,
    "pairs": _pairs,
    "set": lambda dec, tag, body, d: {_hashable(dec(x, d)) for x in _list(body)},
    "frozenset": lambda dec, tag, body, d: frozenset(_hashable(dec(x, d)) for x in _list(body)),
    "bytes": _bytes,
    "ndarray": lambda dec, tag, body, d: _ndarray(tag, dec(_list(body), d)),
    "dataframe": _dataframe,
    "series": _series,
}


def _list(v: Any) -> list:
    if type(v) is not list:
        raise WireError("expected a list")
    return v


def _hashable(v: Any) -> Any:
    try:
        hash(v)
    except TypeError:
        raise WireError("a set element or dict key must be hashable") from None
    return v


def _ndarray(tag: dict, values: list) -> Any:
    import numpy as np

    dtype_text = tag.get("dtype")
    if type(dtype_text) is not str or len(dtype_text) > 16:
        raise WireError("an ndarray needs a dtype")
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        raise WireError(f"unknown dtype {dtype_text!r}") from None
    if dtype.kind not in _SIMPLE_DTYPE_KINDS | {"b"}:
        raise WireError(f"dtype {dtype_text!r} is not plain data")
    return np.array(values, dtype=dtype)


def decode(data: Any, handle: Callable[[dict], Any]) -> Any:
    """Wire data as plain objects; ``handle(tag)`` turns a handle/module/ref tag into an object."""
    return _Decoder(handle)(data)


def loads(text: str) -> Any:
    """Parse one reply (bounded)."""
    if not isinstance(text, str) or len(text) > MAX_REPLY_CHARS:
        raise WireError("the reply is not text, or too long")
    return json.loads(text)


# ------------------------------------------------------------------------------- the kernel's end
_objects: dict[int, Any] = {}
_ids = itertools.count(1)


def _namespace() -> dict:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    return sys.modules["__main__"].__dict__


def _keep(obj: Any) -> dict:
    oid = next(_ids)
    _objects[oid] = obj
    return {"$": "handle", "id": oid, "type": type_name(obj), "callable": callable(obj)}


def _resolve(tag: dict) -> Any:
    kind = tag.get("$")
    if kind == "ref":
        try:
            return _objects[int(tag["id"])]
        except (KeyError, ValueError, TypeError):
            raise LookupError(f"no object #{tag.get('id')} in this kernel (it was released or never made)") from None
    if kind == "module":
        import importlib

        return importlib.import_module(str(tag["name"]))
    raise WireError(f"cannot send a {kind!r} tag to the kernel")


def _target(req: dict) -> Any:
    target = req.get("target")
    if isinstance(target, dict) and target.get("$") == "global":
        return _namespace()[target["name"]]
    if isinstance(target, dict) and target.get("$") == "import":
        import importlib

        module, _, attrs = str(target["path"]).partition(":")
        obj: Any = importlib.import_module(module)
        for part in filter(None, attrs.split(".")):
            obj = getattr(obj, part)
        return obj
    return decode(target, _resolve)


def _args(req: dict) -> tuple[list, dict]:
    args = decode(req.get("args", []), _resolve)
    kwargs = decode(req.get("kwargs", {"$": "dict", "v": {}}), _resolve)
    return list(args), dict(kwargs)


_OPS: dict[str, Callable[[Any, dict], Any]] = {
    "get": lambda obj, req: obj,
    "call": lambda obj, req: _call(obj, *_args(req)),
    "getattr": lambda obj, req: getattr(obj, str(req["name"])),
    "setattr": lambda obj, req: setattr(obj, str(req["name"]), decode(req["value"], _resolve)),
    "getitem": lambda obj, req: obj[decode(req["key"], _resolve)],
    "setitem": lambda obj, req: obj.__setitem__(decode(req["key"], _resolve), decode(req["value"], _resolve)),
    "iter": lambda obj, req: _items(obj),
    "len": lambda obj, req: len(obj),
    "bool": lambda obj, req: bool(obj),
    "str": lambda obj, req: str(obj),
    "repr": lambda obj, req: repr(obj),
    "float": lambda obj, req: float(obj),
    "int": lambda obj, req: int(obj),
    "contains": lambda obj, req: decode(req["value"], _resolve) in obj,
    "type": lambda obj, req: type_name(obj),
}


def _call(obj: Any, args: list, kwargs: dict) -> Any:
    return obj(*args, **kwargs)


def _items(obj: Any) -> list:
    items = list(itertools.islice(iter(obj), MAX_ITEMS + 1))
    if len(items) > MAX_ITEMS:
        raise OverflowError(f"more than {MAX_ITEMS:,} items to iterate over")
    return items


def _run(req: dict) -> Any:
    op = req.get("op")
    if op == "lookup":
        return _namespace().get(str(req["name"]), _MISSING)
    if op == "release":
        for oid in req.get("ids", []):
            _objects.pop(oid, None)
        return None
    run = _OPS.get(str(op))
    if run is None:
        raise WireError(f"unknown operation {op!r}")
    return run(_target(req), req)


def set_env(name: str, value: str | None) -> str | None:
    """Set (or with ``None`` remove) an environment variable of this kernel; returns the old value
    (the checker sets ``PINECONE_API_KEY`` here to test a learner's ``make_client``)."""
    import os

    old = os.environ.get(name)
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    return old


class _Missing:
    pass


_MISSING = _Missing()


def answer(request: str) -> str:
    """Serve one request of the checker (JSON text) and return the reply (JSON text)."""
    try:
        req = json.loads(request)
        value = _run(req)
        if value is _MISSING:
            return json.dumps({"missing": True})
        return json.dumps({"ok": encode(value, _keep)})
    except BaseException as exc:  # the student's code may raise anything, SystemExit included
        mro = [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__]
        return json.dumps({"raised": {"type": type_name(exc), "mro": mro, "message": str(exc)[:4000]}})
