"""Real-Pinecone mode for a class sharing one project: index names prefixed per learner.

In cloud mode (``PINECONE_OPS_BACKEND=pinecone``) :func:`pinecone_ops.connect` returns a
:class:`LearnerPinecone`: an official ``pinecone.Pinecone`` whose control plane puts this learner's
prefix (``po-<learner>-``) in front of every index and collection name it sends, and takes it off
the names it returns. The learner's code stays Pinecone's documented calls::

    pc.indexes.create(name="films", ...)   # creates "po-alice-films" in the project
    pc.index("films")                      # its data plane
    [i.name for i in pc.indexes.list()]    # ["films"]: only this learner's indexes, prefix removed

:meth:`LearnerPinecone.cleanup` deletes this learner's indexes and collections, and nothing else.
The learner comes from ``PINECONE_OPS_LEARNER``, else ``JUPYTERHUB_USER``, else the login name.
"""
from __future__ import annotations

import getpass
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pinecone.models.backups.list import BackupList
    from pinecone.models.collections.list import CollectionList
    from pinecone.models.pagination import Page, Paginator

from pinecone import Pinecone

# SDK-10-only modules (pinecone.errors, pinecone.models.*, msgspec) are imported where they are used,
# so that the name mapping and connection.backend_name() import under SDK 9 too (scripts/test-sdk9).

#: Pinecone's limit on index and collection names.
MAX_NAME_LENGTH = 45
#: Marks the course's indexes, so a cleanup can never touch a project's other indexes.
COURSE_MARK = "po"
#: Longest learner slug; the prefix ``po-<slug>-`` is then at most 20 characters.
MAX_SLUG_LENGTH = 16
_SLUG_HASH = 6
_VALID_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_EXACT_SLUG = re.compile(rf"^[a-z0-9]{{1,{MAX_SLUG_LENGTH}}}$")


def _value_error(message: str) -> Exception:
    """The SDK's own error for a name it would refuse client-side."""
    from pinecone.errors import PineconeValueError

    return PineconeValueError(message)


def learner_id(environ: Mapping[str, str] | None = None) -> str:
    """Who is learning: ``PINECONE_OPS_LEARNER``, else ``JUPYTERHUB_USER``, else the login name."""
    env = os.environ if environ is None else environ
    for var in ("PINECONE_OPS_LEARNER", "JUPYTERHUB_USER"):
        value = env.get(var, "").strip()
        if value:
            return value
    try:
        return getpass.getuser()
    except (KeyError, OSError) as exc:  # no login name (some containers)
        raise RuntimeError("Cloud mode prefixes index names per learner, but no learner is known: "
                           "set PINECONE_OPS_LEARNER to a short name, e.g. your user name.") from exc


def learner_slug(learner: str) -> str:
    """The learner's part of the prefix: lowercase letters and digits only, at most 16.

    An id that already is one (``alice``, ``student7``) is kept as it is. Any other is cleaned
    and ends in 6 hex digits of its SHA-256, so ``Alice.B`` and ``alice_b`` stay apart.
    """
    if not learner:
        raise ValueError("the learner id is empty: set PINECONE_OPS_LEARNER to a short name")
    if _EXACT_SLUG.match(learner):
        return learner
    cleaned = re.sub(r"[^a-z0-9]", "", learner.lower())[: MAX_SLUG_LENGTH - _SLUG_HASH]
    return cleaned + hashlib.sha256(learner.encode()).hexdigest()[:_SLUG_HASH]


def learner_prefix(learner: str) -> str:
    """``po-<slug>-``: the slug has no ``-``, so no learner's prefix begins another's."""
    return f"{COURSE_MARK}-{learner_slug(learner)}-"


@dataclass(frozen=True)
class NameMap:
    """The two-way mapping between a learner's index names and the project's."""

    prefix: str

    @property
    def max_length(self) -> int:
        """The longest name a learner may use (45 minus the prefix)."""
        return MAX_NAME_LENGTH - len(self.prefix)

    def to_cloud(self, name: str) -> str:
        """``films`` → ``po-alice-films``; refuses names Pinecone would refuse, or too long with the prefix."""
        if not isinstance(name, str) or not _VALID_NAME.match(name):
            raise _value_error(
                f"Invalid name {name!r}: index and collection names are lowercase letters, digits "
                "and '-', and cannot start or end with '-'.")
        if len(name) > self.max_length:
            raise _value_error(
                f"Name {name!r} is {len(name)} characters; in cloud mode your names get the prefix "
                f"{self.prefix!r} and Pinecone allows {MAX_NAME_LENGTH} in all, so yours may have at "
                f"most {self.max_length}.")
        return self.prefix + name

    def from_cloud(self, name: str) -> str | None:
        """``po-alice-films`` → ``films``; ``None`` for a name that is not this learner's."""
        if name.startswith(self.prefix) and len(name) > len(self.prefix):
            return name[len(self.prefix):]
        return None

    def show(self, model: Any, attr: str = "name") -> Any:
        """A copy of an SDK model with its ``attr`` name unprefixed (others' names untouched)."""
        import msgspec

        value = getattr(model, attr, None)
        mine = self.from_cloud(value) if isinstance(value, str) else None
        return model if mine is None else msgspec.structs.replace(model, **{attr: mine})


class _LearnerIndexes:
    """``pc.indexes`` with every index name prefixed on the way out and unprefixed on the way back."""

    def __init__(self, raw: Any, names: NameMap) -> None:
        self._raw, self._names = raw, names

    def __repr__(self) -> str:
        return f"Indexes(prefix={self._names.prefix!r})"

    def create(self, *, name: str | None = None, **kwargs: Any) -> Any:
        return self._names.show(self._raw.create(name=self._names.to_cloud(name or ""), **kwargs))

    def create_for_model(self, *, name: str, **kwargs: Any) -> Any:
        return self._names.show(self._raw.create_for_model(name=self._names.to_cloud(name), **kwargs))

    def describe(self, name: str) -> Any:
        return self._names.show(self._raw.describe(self._names.to_cloud(name)))

    def exists(self, name: str) -> bool:
        return bool(self._raw.exists(self._names.to_cloud(name)))

    def delete(self, name: str, **kwargs: Any) -> None:
        self._raw.delete(self._names.to_cloud(name), **kwargs)

    def configure(self, name: str, **kwargs: Any) -> Any:
        return self._names.show(self._raw.configure(self._names.to_cloud(name), **kwargs))

    def list(self, *, limit: int | None = None, pagination_token: str | None = None) -> Paginator[Any]:
        """This learner's indexes only, names without the prefix."""
        from pinecone.models.pagination import Page, Paginator

        def fetch_page(token: str | None) -> Page[Any]:
            mine = [self._names.show(m) for m in self._raw.list(pagination_token=token)
                    if self._names.from_cloud(m.name) is not None]
            return Page(items=mine, pagination_token=None)

        return Paginator(fetch_page=fetch_page, initial_token=pagination_token, limit=limit)

    def create_backup(self, index_name: str, **kwargs: Any) -> Any:
        return self._names.show(self._raw.create_backup(self._names.to_cloud(index_name), **kwargs),
                                "source_index_name")

    def list_backups(self, index_name: str, **kwargs: Any) -> Any:
        backups = self._raw.list_backups(self._names.to_cloud(index_name), **kwargs)
        return _mapped(backups, lambda b: self._names.show(b, "source_index_name"))

    def describe_backup(self, backup_id: str) -> Any:
        return self._names.show(self._raw.describe_backup(backup_id), "source_index_name")


def _mapped(paginator: Any, fn: Callable[[Any], Any]) -> Paginator[Any]:
    """A paginator over ``paginator``'s pages with ``fn`` applied to each item."""
    from pinecone.models.pagination import Page, Paginator

    pages = iter(paginator.pages())

    def fetch_page(token: str | None) -> Page[Any]:
        page = next(pages, None)
        if page is None:
            return Page(items=[], pagination_token=None)
        return Page(items=[fn(item) for item in page.items], pagination_token=page.pagination_token)

    return Paginator(fetch_page=fetch_page)


class _LearnerCollections:
    """``pc.collections`` with collection and source-index names prefixed."""

    def __init__(self, raw: Any, names: NameMap) -> None:
        self._raw, self._names = raw, names

    def create(self, *, name: str, source: str) -> Any:
        return self._names.show(self._raw.create(name=self._names.to_cloud(name),
                                                 source=self._names.to_cloud(source)))

    def list(self) -> CollectionList:
        """This learner's collections only, names without the prefix."""
        from pinecone.models.collections.list import CollectionList

        return CollectionList([self._names.show(c) for c in self._raw.list()
                               if self._names.from_cloud(c.name) is not None])

    def describe(self, name: str) -> Any:
        return self._names.show(self._raw.describe(self._names.to_cloud(name)))

    def delete(self, name: str) -> None:
        self._raw.delete(self._names.to_cloud(name))


class _LearnerBackups:
    """``pc.backups``: ``index_name`` prefixed; a project-wide list keeps this learner's backups only."""

    def __init__(self, raw: Any, names: NameMap) -> None:
        self._raw, self._names = raw, names

    def _show(self, backup: Any) -> Any:
        return self._names.show(backup, "source_index_name")

    def create(self, *, index_name: str, **kwargs: Any) -> Any:
        return self._show(self._raw.create(index_name=self._names.to_cloud(index_name), **kwargs))

    def list(self, *, index_name: str | None = None, **kwargs: Any) -> BackupList:
        from pinecone.models.backups.list import BackupList

        cloud = None if index_name is None else self._names.to_cloud(index_name)
        page = self._raw.list(index_name=cloud, **kwargs)
        mine = [self._show(b) for b in page if self._names.from_cloud(b.source_index_name) is not None]
        return BackupList(mine, pagination=page.pagination)

    def describe(self, *, backup_id: str) -> Any:
        return self._show(self._raw.describe(backup_id=backup_id))

    def get(self, *, backup_id: str) -> Any:
        return self.describe(backup_id=backup_id)

    def delete(self, *, backup_id: str) -> None:
        self._raw.delete(backup_id=backup_id)


@dataclass
class CleanupReport:
    """What :meth:`LearnerPinecone.cleanup` deleted, and what it left and why."""

    prefix: str
    deleted: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    collections_deleted: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"cleanup of {self.prefix}*: deleted {len(self.deleted)} index(es)"
                 + (f" ({', '.join(self.deleted)})" if self.deleted else "")
                 + f" and {len(self.collections_deleted)} collection(s)"]
        for name in self.protected:
            lines.append(f"  kept {name!r}: deletion protection is enabled. To delete it, run "
                         f"pc.indexes.configure({name!r}, deletion_protection='disabled') and clean up again.")
        return "\n".join(lines)


class LearnerPinecone(Pinecone):
    """An official ``Pinecone`` client whose index and collection names are this learner's own.

    Names are prefixed on ``pc.indexes``, ``pc.index``/``pc.Index``, ``pc.collections``,
    ``pc.backups`` and the SDK's deprecated flat methods (which go through them). Not covered:
    restore jobs, backup schedules and assistants (passed through unchanged).
    """

    def __init__(self, *, learner: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.learner = learner or learner_id()
        self.names = NameMap(learner_prefix(self.learner))
        self._learner_indexes = _LearnerIndexes(super().indexes, self.names)
        self._learner_collections = _LearnerCollections(super().collections, self.names)
        self._learner_backups = _LearnerBackups(super().backups, self.names)

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", index_prefix={self.names.prefix!r})"

    @property
    def indexes(self) -> Any:
        return self._learner_indexes

    @property
    def collections(self) -> Any:
        return self._learner_collections

    @property
    def backups(self) -> Any:
        return self._learner_backups

    def index(self, name: str = "", *, host: str = "", grpc: bool = False,
              pool_threads: int | None = None) -> Any:
        """``pc.index("films")``: the data plane of this learner's ``films``."""
        if name and not host:
            host = self._learner_indexes.describe(name).host
            if host is None:
                raise _value_error(f"Index {name!r} has no host yet; wait until it is Ready.")
        return super().index(host=host, grpc=grpc, pool_threads=pool_threads)

    def create_index_from_backup(self, *, name: str, backup_id: str, timeout: int | None = None,
                                 **kwargs: Any) -> Any:
        """Restore ``backup_id`` into this learner's ``name`` (the SDK's shim posts the name itself)."""
        response = super().create_index_from_backup(name=self.names.to_cloud(name), backup_id=backup_id,
                                                    timeout=-1, **kwargs)
        if timeout == -1:
            return response
        from pinecone._internal.indexes_helpers import poll_index_until_ready

        raw = super().indexes
        model = poll_index_until_ready(raw.describe, self.names.to_cloud(name),
                                       timeout if timeout is not None else 300)
        return self.names.show(model)

    def cleanup(self) -> CleanupReport:
        """Delete this learner's indexes and collections (names starting with the prefix), nothing else.

        An index with deletion protection is kept and named in the report with the call that lifts it.
        Backups are kept (they are restorable copies; delete them with ``pc.backups.delete``).
        """
        from pinecone.errors import NotFoundError

        report = CleanupReport(self.names.prefix)
        raw_indexes, raw_collections = super().indexes, super().collections
        for model in list(raw_indexes.list()):
            mine = self.names.from_cloud(model.name)
            if mine is None:
                continue
            if str(getattr(model, "deletion_protection", "disabled")) == "enabled":
                report.protected.append(mine)
                continue
            try:
                raw_indexes.delete(model.name)
            except NotFoundError:
                continue
            report.deleted.append(mine)
        for collection in raw_collections.list():
            mine = self.names.from_cloud(collection.name)
            if mine is not None:
                raw_collections.delete(collection.name)
                report.collections_deleted.append(mine)
        return report
