"""The checker's end of the data-only channel: :class:`KernelChannel` and the :class:`Handle`
proxies of objects that stay in the student's kernel.

A handle forwards only explicit operations (call, attribute, item, ``len``, iteration, ``bool``,
``str``, ``float``, ``int``, ``in``); every answer is decoded as plain data or another handle.
Comparison and hashing are the handle's own (identity): nothing the kernel defines runs here.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Callable, Iterator
from typing import Any

from pinecone_ops import kernel_bridge as wire

#: The channel of the notebook being graded, while its hidden checks run (None: the checks run
#: inside the kernel, as in ``nbgrader validate`` of the source notebook).
_current: contextvars.ContextVar[KernelChannel | None] = contextvars.ContextVar("kernel_channel", default=None)

Send = Callable[[str, float], str]


class ChannelError(RuntimeError):
    """The kernel did not answer (dead, hung past the time limit) or answered nonsense."""


class KernelTimeout(ChannelError):
    """The kernel did not answer within the time limit (the student's code was interrupted)."""


class KernelError(Exception):
    """An exception raised in the student's kernel, rebuilt here as data: its type's name, its
    message, and (as a subclass) the nearest built-in or ``pinecone`` exception class it derives
    from, so ``isinstance(exc, ValueError)`` keeps its meaning."""

    kernel_type = "builtins.Exception"
    message = ""

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:   # the base class's may read attributes the kernel never sent
        return f"{self.kernel_type.rsplit('.', 1)[-1]}({self.message!r})"


_ERROR_CLASSES: dict[str, type] = {}


def _base_class(path: str) -> type[BaseException] | None:
    module, _, name = path.rpartition(".")
    if module == "builtins":
        import builtins

        cls = getattr(builtins, name, None)
    elif module.split(".")[0] == "pinecone":
        import importlib

        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            cls = None
    else:
        return None
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls
    return None


def kernel_error(info: Any) -> KernelError:
    """A :class:`KernelError` from the kernel's description of an exception (hostile-safe)."""
    if not isinstance(info, dict):
        info = {}
    mro = [m for m in info.get("mro", []) if isinstance(m, str)][:64]
    base = next((b for b in map(_base_class, mro) if b is not None), Exception)
    cls = _ERROR_CLASSES.get(base.__qualname__ + base.__module__)
    if cls is None:
        cls = type(f"Kernel{base.__name__}", (KernelError, base), {"__init__": lambda self, *a: None})
        _ERROR_CLASSES[base.__qualname__ + base.__module__] = cls
    exc = cls.__new__(cls)
    exc.kernel_type = str(info.get("type", "builtins.Exception"))[:200]
    exc.message = str(info.get("message", ""))[:4000]
    exc.args = (exc.message,)
    return exc


class KernelChannel:
    """Requests to one student kernel; ``send(request_json, timeout) -> reply_json``."""

    def __init__(self, send: Send, timeout: float = 60.0) -> None:
        self._send = send
        self.timeout = timeout

    # ------------------------------------------------------------------ plumbing
    def request(self, op: str, **fields: Any) -> Any:
        text = self._send(json.dumps({"op": op, **fields}), self.timeout)
        try:
            reply = wire.loads(text)
        except (ValueError, wire.WireError) as exc:
            raise ChannelError(f"the kernel's answer was not readable: {exc}") from None
        if not isinstance(reply, dict):
            raise ChannelError("the kernel's answer was not readable")
        if "raised" in reply:
            raise kernel_error(reply["raised"])
        if reply.get("missing") is True:
            raise KeyError(fields.get("name"))
        if "ok" not in reply:
            raise ChannelError("the kernel's answer was not readable")
        try:
            return wire.decode(reply["ok"], self._from_tag)
        except wire.WireError as exc:
            raise ChannelError(f"the kernel sent a value that is not data: {exc}") from None

    def _from_tag(self, tag: dict) -> Any:
        kind = tag.get("$")
        if kind == "module":
            return _local_module(str(tag.get("name")), self)
        if kind == "handle" and type(tag.get("id")) is int:
            return Handle(self, tag["id"], str(tag.get("type", "?"))[:300], tag.get("callable") is True)
        raise wire.WireError(f"unexpected tag {kind!r} from the kernel")

    def encode(self, value: Any) -> Any:
        return wire.encode(value, self._to_tag)

    def _to_tag(self, value: Any) -> dict:
        if isinstance(value, Handle):
            if value._channel is not self:
                raise TypeError("a handle from another notebook's kernel cannot be sent here")
            return {"$": "ref", "id": value._id}
        if isinstance(value, RemoteModule):
            return {"$": "module", "name": value._name}
        raise TypeError(f"a hidden check cannot send a {wire.type_name(value)} to the student's kernel: only "
                        "data (numbers, strings, lists, dicts, arrays, frames) and objects that came from the "
                        "kernel cross the channel (see autograder/checks/common.py: kernel_new)")

    # ------------------------------------------------------------------ what checks use
    def lookup(self, name: str) -> Any:
        """The kernel's global ``name`` (data, a handle, or this process's copy of a module)."""
        return self.request("lookup", name=name)

    def imported(self, path: str) -> Any:
        """``module:attr.attr`` imported *in the kernel* (e.g. to build a client there)."""
        return self.request("get", target={"$": "import", "path": path})

    def call(self, target: Any, *args: Any, **kwargs: Any) -> Any:
        return self.request("call", target=self._target(target), args=self.encode(list(args)),
                            kwargs=self.encode(dict(kwargs)))

    def _target(self, target: Any) -> Any:
        if isinstance(target, str):
            return {"$": "import", "path": target}
        return self.encode(target)


class RemoteModule:
    """A module global of the kernel that this process cannot import: attributes come from the kernel."""

    def __init__(self, name: str, channel: KernelChannel) -> None:
        self._name = name
        self._channel = channel

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self._channel.request("getattr", target={"$": "module", "name": self._name}, name=attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r} in the student's kernel>"


def _local_module(name: str, channel: KernelChannel) -> Any:
    """The checker's own import of a module the kernel holds (the kernel's copy may be patched);
    a module only the kernel has (a student's file) stays remote."""
    import importlib
    import sys

    # The name comes from the kernel: import only what is already loaded here or one of the
    # libraries the course uses, never a module whose import could run a student's file.
    if name in sys.modules or name.split(".")[0] in LOCAL_PACKAGES:
        try:
            return importlib.import_module(name)
        except Exception:  # noqa: BLE001 - any failure to import here: use the kernel's
            pass
    return RemoteModule(name, channel)


#: Top-level packages a kernel's module global may resolve to in this process.
LOCAL_PACKAGES = frozenset({"pinecone_ops", "pinecone", "numpy", "pandas", "matplotlib", "math", "json",
                            "statistics", "collections", "itertools", "functools", "datetime", "time", "random",
                            "re", "os", "typing", "dataclasses"})


class Handle:
    """An object that stays in the student's kernel."""

    __slots__ = ("_channel", "_id", "_type", "_callable")

    def __init__(self, channel: KernelChannel, oid: int, type_: str, is_callable: bool) -> None:
        self._channel = channel
        self._id = oid
        self._type = type_
        self._callable = is_callable

    @property
    def kernel_type(self) -> str:
        """``module.Qualname`` of the object's type, as the kernel reports it."""
        return self._type

    def _ask(self, op: str, **fields: Any) -> Any:
        return self._channel.request(op, target={"$": "ref", "id": self._id}, **fields)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._channel.call(self, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in Handle.__slots__:
            object.__setattr__(self, name, value)
        else:
            self._ask("setattr", name=name, value=self._channel.encode(value))

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", key=self._channel.encode(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        self._ask("setitem", key=self._channel.encode(key), value=self._channel.encode(value))

    def __len__(self) -> int:
        n = self._ask("len")
        if type(n) is not int or n < 0:
            raise ChannelError("len() from the kernel was not a count")
        return n

    def __iter__(self) -> Iterator[Any]:
        items = self._ask("iter")
        if not isinstance(items, list):
            raise ChannelError("iteration in the kernel did not give a list")
        return iter(items)

    def __contains__(self, value: Any) -> bool:
        return self._ask("contains", value=self._channel.encode(value)) is True

    def __bool__(self) -> bool:
        return self._ask("bool") is True

    def __str__(self) -> str:
        s = self._ask("str")
        return s if isinstance(s, str) else repr(self)

    def __float__(self) -> float:
        v = self._ask("float")
        if type(v) is not float:
            raise ChannelError("float() from the kernel was not a number")
        return v

    def __int__(self) -> int:
        v = self._ask("int")
        if type(v) is not int:
            raise ChannelError("int() from the kernel was not an integer")
        return v

    __index__ = __int__

    def __repr__(self) -> str:
        return f"<{self._type} in the student's kernel>"

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return hash((id(self._channel), self._id))


def current() -> KernelChannel | None:
    """The channel of the notebook whose hidden checks are running here, if any."""
    return _current.get()


@contextlib.contextmanager
def active(channel: KernelChannel) -> Iterator[KernelChannel]:
    """Make ``channel`` the current one for the checks run inside the block."""
    token = _current.set(channel)
    try:
        yield channel
    finally:
        _current.reset(token)
