"""One namespace of a document index: the documents as JSON, their dense and sparse vectors as
numpy arrays, and a tantivy index (BM25, positions for phrases) over the full-text fields.

The tantivy index lives in memory and is rebuilt from the documents when a namespace is copied
or unpickled (snapshots, lagging replicas), so the documents are the only state that matters.
Writes go to a tantivy writer that is committed when the text index is next read
(:meth:`DocumentNamespace.searcher`), not once per request: a writer, a commit, a merge and a reader
reload cost ≈ 30 ms, which made a bulk load of 200-document batches ten times slower than decoding
it. A writer holds ≈ 7 MB and 6 threads, so at most ``MAX_PENDING_WRITERS`` namespaces (process-wide)
keep one open; past that a write commits at once, as before. Callers hold the index's lock for
writes and reads alike, so a read always sees every write.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np
import tantivy

from pinecone_ops.emulator.storage import analysis
from pinecone_ops.emulator.storage import fields as field_kinds

ID_FIELD = "_id"
_WRITER_HEAP = 15_000_000
#: Namespaces that may hold an uncommitted writer at once (the rest commit every write).
MAX_PENDING_WRITERS = 4
_PENDING: weakref.WeakSet[DocumentNamespace] = weakref.WeakSet()
_PENDING_LOCK = threading.Lock()


class DocumentNamespace:
    """The documents of one namespace and the indexes that search them."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self._reset(fields)

    def _reset(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self.docs: dict[str, dict[str, Any]] = {}
        self.sizes: dict[str, int] = {}
        self.dense: dict[str, np.ndarray] = {}
        self.sparse: dict[str, dict[int, float]] = {}
        self.total_bytes = 0
        self._matrix: tuple[list[str], np.ndarray, np.ndarray] | None = None
        self._build_text_index()

    # -------------------------------------------------------------- pickling: documents only
    def __getstate__(self) -> dict[str, Any]:
        return {"fields": self.fields, "docs": self.docs, "sizes": self.sizes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._reset(state["fields"])
        self.put_many([(rid, doc, state["sizes"][rid]) for rid, doc in state["docs"].items()])

    # -------------------------------------------------------------- the tantivy index
    def _build_text_index(self) -> None:
        self.text_fields = field_kinds.text_fields(self.fields)
        self.analyzers = {name: analysis.analyzer(fts) for name, fts in self.text_fields.items()}
        self.tindex: tantivy.Index | None = None
        self._tantivy_writer: tantivy.IndexWriter | None = None
        if not self.text_fields:
            return
        builder = tantivy.SchemaBuilder()
        builder.add_text_field(ID_FIELD, stored=True, tokenizer_name="raw")
        for name in self.text_fields:
            builder.add_text_field(name, stored=False, tokenizer_name=analysis.tokenizer_name(name),
                                   index_option="position")
        self.tindex = tantivy.Index(builder.build())
        for name, an in self.analyzers.items():
            self.tindex.register_tokenizer(analysis.tokenizer_name(name), an)

    def searcher(self) -> tantivy.Searcher | None:
        """A searcher that sees every write so far (committing the pending ones first)."""
        if self.tindex is None:
            return None
        self._flush()
        return self.tindex.searcher()

    def _flush(self) -> None:
        """Commit the pending writes, make them searchable and close the writer."""
        writer, self._tantivy_writer = self._tantivy_writer, None
        with _PENDING_LOCK:
            _PENDING.discard(self)
        if writer is not None and self.tindex is not None:
            writer.commit()
            writer.wait_merging_threads()
            self.tindex.reload()

    @property
    def n(self) -> int:
        return len(self.docs)

    # -------------------------------------------------------------- writes
    def put_many(self, items: list[tuple[str, dict[str, Any], int]]) -> int:
        """Insert or replace documents; returns the bytes of the documents replaced."""
        replaced = 0
        writer = self._writer()
        for rid, doc, size in items:
            old = self.sizes.get(rid)
            if old is not None:
                replaced += old
                self.total_bytes -= old
                if writer is not None:
                    writer.delete_documents_by_term(ID_FIELD, rid)
            self.docs[rid] = doc
            self.sizes[rid] = size
            self.total_bytes += size
            self._index_vectors(rid, doc)
            if writer is not None:
                text = {f: doc[f] for f in self.text_fields if isinstance(doc.get(f), str)}
                writer.add_document(tantivy.Document(**{ID_FIELD: rid}, **text))
        self._commit(writer)
        return replaced

    def remove_many(self, ids: list[str]) -> int:
        """Delete documents (missing ids are skipped); returns the bytes freed."""
        freed = 0
        writer = self._writer()
        for rid in ids:
            size = self.sizes.pop(rid, None)
            if size is None:
                continue
            freed += size
            self.total_bytes -= size
            del self.docs[rid]
            self.dense.pop(rid, None)
            self.sparse.pop(rid, None)
            if writer is not None:
                writer.delete_documents_by_term(ID_FIELD, rid)
        self._commit(writer)
        return freed

    def _writer(self) -> tantivy.IndexWriter | None:
        self._matrix = None
        if self.tindex is not None and self._tantivy_writer is None:
            self._tantivy_writer = self.tindex.writer(_WRITER_HEAP, 1)
        return self._tantivy_writer

    def _commit(self, writer: tantivy.IndexWriter | None) -> None:
        """Leave the writes pending for :meth:`searcher`, or commit now when too many are."""
        if writer is None:
            return
        with _PENDING_LOCK:
            keep = self in _PENDING or len(_PENDING) < MAX_PENDING_WRITERS
            if keep:
                _PENDING.add(self)
        if not keep:
            self._flush()

    def _index_vectors(self, rid: str, doc: dict[str, Any]) -> None:
        self.dense.pop(rid, None)
        self.sparse.pop(rid, None)
        for name, f in self.fields.items():
            value = doc.get(name)
            if value is None:
                continue
            if f["type"] == "dense_vector":
                self.dense[rid] = np.asarray(value, dtype=np.float32)
            elif f["type"] == "sparse_vector":
                self.sparse[rid] = dict(zip(value["indices"], value["values"], strict=True))

    # -------------------------------------------------------------- reads
    def matrix(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Ids, dense vectors and their L2 norms for the documents that have one (cached until the
        next write, so a search is one mat-vec)."""
        if self._matrix is None:
            ids = list(self.dense)
            dim = next(iter(self.dense.values())).shape[0] if ids else 0
            mat = np.stack([self.dense[i] for i in ids]) if ids else np.zeros((0, dim), dtype=np.float32)
            self._matrix = (ids, mat, np.linalg.norm(mat, axis=1))
        return self._matrix
