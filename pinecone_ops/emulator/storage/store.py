"""One namespace's records, laid out for exact search (performance-anchors.md).

* Dense values: one float32 matrix grown geometrically, plus each row's L2 norm; a delete moves the
  last row into the hole, so the live rows are always ``[:n]`` and a query is one mat-vec.
* Sparse values: per-row arrays, plus a CSR copy built on demand for vectorised dot products.
* Metadata: the dicts (returned to clients) *and* numpy columns per field — numbers as float64
  (NaN = absent), booleans as int8 (-1 = absent), strings as int32 codes (-1 = absent), lists of
  strings as code → row sets — so a filter is a handful of vector comparisons and a query then
  scans only the matching rows.

Not thread-safe by itself: the owning index holds a lock around every call.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from pinecone_ops.emulator.storage import filters

_MIN_CAPACITY = 64


class _Field:
    """Columns of one metadata field (allocated lazily per value kind)."""

    __slots__ = ("num", "boo", "strc", "lists", "haslist")

    def __init__(self) -> None:
        self.num: np.ndarray | None = None
        self.boo: np.ndarray | None = None
        self.strc: np.ndarray | None = None
        self.lists: dict[int, set[int]] = {}
        self.haslist: np.ndarray | None = None

    def grow(self, cap: int) -> None:
        for name, fill in (("num", np.nan), ("boo", -1), ("strc", -1), ("haslist", False)):
            arr = getattr(self, name)
            if arr is not None and len(arr) < cap:
                new = np.full(cap, fill, dtype=arr.dtype)
                new[: len(arr)] = arr
                setattr(self, name, new)

    def column(self, name: str, cap: int) -> np.ndarray:
        arr = getattr(self, name)
        if arr is None:
            dtype, fill = {"num": (np.float64, np.nan), "boo": (np.int8, -1),
                           "strc": (np.int32, -1), "haslist": (np.bool_, False)}[name]
            arr = np.full(cap, fill, dtype=dtype)
            setattr(self, name, arr)
        return arr


class NamespaceStore:
    """Records of one namespace: ids, dense/sparse values, metadata, billable sizes."""

    def __init__(self, dimension: int) -> None:
        self.dimension = int(dimension)
        self.n = 0
        self._cap = _MIN_CAPACITY
        self.values = np.zeros((self._cap, self.dimension), dtype=np.float32)
        self.norms = np.zeros(self._cap, dtype=np.float32)
        self.sizes = np.zeros(self._cap, dtype=np.int64)
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.meta: list[dict | None] = []
        self.sparse: list[tuple[np.ndarray, np.ndarray] | None] = []
        self.total_bytes = 0
        self._fields: dict[str, _Field] = {}
        self._codes: dict[str, int] = {}
        self._csr: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._sorted_ids: list[str] | None = None

    # ------------------------------------------------------------------ writes
    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        if need <= self._cap:
            return
        cap = self._cap
        while cap < need:
            cap *= 2
        values = np.zeros((cap, self.dimension), dtype=np.float32)
        values[: self.n] = self.values[: self.n]
        self.values = values
        for name in ("norms", "sizes"):
            old = getattr(self, name)
            new = np.zeros(cap, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        for f in self._fields.values():
            f.grow(cap)
        self._cap = cap

    def upsert(self, ids: Sequence[str], values: np.ndarray | None,
               sparse: Sequence[tuple[np.ndarray, np.ndarray] | None],
               metas: Sequence[dict | None], sizes: Sequence[int]) -> int:
        """Insert or overwrite records; returns the bytes of the records overwritten.

        Duplicate ids in one batch: the last occurrence wins (overwritten bytes count what was
        stored before the batch).
        """
        last = {rid: i for i, rid in enumerate(ids)}
        if len(last) != len(ids):
            keep = sorted(last.values())
            ids, sparse = [ids[i] for i in keep], [sparse[i] for i in keep]
            metas, sizes = [metas[i] for i in keep], [sizes[i] for i in keep]
            values = None if values is None else values[keep]
        self._reserve(len(ids))
        rows = np.empty(len(ids), dtype=np.int64)
        overwritten = 0
        row_of, n_before = self.row_of, self.n
        for i, rid in enumerate(ids):
            row = row_of.get(rid)
            if row is None:
                row = row_of[rid] = self.n
                self.n += 1
                self.ids.append(rid)
                self.meta.append(None)
                self.sparse.append(sparse[i])
            else:
                overwritten += int(self.sizes[row])
                self._clear_meta(row, self.meta[row])
                self.meta[row] = None
                self.sparse[row] = sparse[i]
            rows[i] = row
        if self.n != n_before:
            self._sorted_ids = None
        size_arr = np.asarray(sizes, dtype=np.int64)
        self.sizes[rows] = size_arr
        self.total_bytes += int(size_arr.sum()) - overwritten
        self._set_metas(rows.tolist(), metas)
        if self.dimension:
            assert values is not None, "a dense namespace stores values with every record"
            self.values[rows] = values
            self.norms[rows] = np.linalg.norm(values, axis=1)
        if overwritten or any(s is not None for s in sparse):
            self._csr = None
        return overwritten

    def set_values(self, row: int, values: np.ndarray | None,
                   sparse: tuple[np.ndarray, np.ndarray] | None | bool, meta: dict | None | bool,
                   size: int) -> None:
        """Replace parts of one record (``False`` = leave that part unchanged)."""
        if values is not None:
            self.values[row] = values
            self.norms[row] = float(np.linalg.norm(values))
        if not isinstance(sparse, bool):
            self.sparse[row] = sparse
            self._csr = None
        if not isinstance(meta, bool):
            self._set_meta(row, meta)
        self.total_bytes += int(size) - int(self.sizes[row])
        self.sizes[row] = size

    def delete(self, ids: Iterable[str]) -> int:
        """Delete records by id (missing ids ignored); returns bytes deleted."""
        freed = 0
        for rid in ids:
            row = self.row_of.pop(rid, None)
            if row is None:
                continue
            freed += int(self.sizes[row])
            self._clear_meta(row, self.meta[row])
            last = self.n - 1
            if row != last:
                moved = self.ids[last]
                self.values[row] = self.values[last]
                self.norms[row] = self.norms[last]
                self.sizes[row] = self.sizes[last]
                self.sparse[row] = self.sparse[last]
                m = self.meta[last]
                self._clear_meta(last, m)
                self.meta[last] = None
                self.meta[row] = None
                self._set_meta(row, m)
                self.ids[row] = moved
                self.row_of[moved] = row
            self.ids.pop()
            self.meta.pop()
            self.sparse.pop()
            self.sizes[last] = 0
            self.n -= 1
        if freed:
            self.total_bytes -= freed
            self._csr = None
            self._sorted_ids = None
        return freed

    # ------------------------------------------------------------------ metadata columns
    def _code(self, s: str) -> int:
        code = self._codes.get(s)
        if code is None:
            code = self._codes[s] = len(self._codes)
        return code

    def _set_meta(self, row: int, meta: dict | None) -> None:
        self._clear_meta(row, self.meta[row])
        self.meta[row] = None
        self._set_metas([row], [meta])

    def _set_metas(self, rows: list[int], metas: Sequence[dict | None]) -> None:
        """Record metadata of rows whose columns are clear, one numpy assignment per field and kind
        (this is the hot loop of an upsert)."""
        codes = self._codes
        by_kind: dict[tuple[str, str], tuple[list[int], list[Any]]] = {}
        for row, meta in zip(rows, metas, strict=True):
            self.meta[row] = meta
            if not meta:
                continue
            for key, v in meta.items():
                t = type(v)
                if t is str:
                    code = codes.get(v)
                    if code is None:
                        code = codes[v] = len(codes)
                    kind, v = "strc", code
                elif t is float or t is int:
                    kind = "num"
                elif t is bool:
                    kind, v = "boo", 1 if v else 0
                else:  # list of strings
                    f = self._field(key)
                    for item in v:
                        f.lists.setdefault(self._code(item), set()).add(row)
                    kind, v = "haslist", True
                acc = by_kind.get((key, kind))
                if acc is None:
                    acc = by_kind[(key, kind)] = ([], [])
                acc[0].append(row)
                acc[1].append(v)
        for (key, kind), (where, vals) in by_kind.items():
            self._field(key).column(kind, self._cap)[where] = vals

    def _field(self, key: str) -> _Field:
        f = self._fields.get(key)
        if f is None:
            f = self._fields[key] = _Field()
        return f

    def _clear_meta(self, row: int, meta: dict | None) -> None:
        if not meta:
            return
        for key, v in meta.items():
            f = self._fields[key]
            # the record's own values made these columns, so column() finds them
            if isinstance(v, bool):
                f.column("boo", self._cap)[row] = -1
            elif isinstance(v, str):
                f.column("strc", self._cap)[row] = -1
            elif isinstance(v, list):
                f.column("haslist", self._cap)[row] = False
                for s in v:
                    f.lists[self._codes[s]].discard(row)
            else:
                f.column("num", self._cap)[row] = np.nan

    # ------------------------------------------------------------------ filters.ColumnSource
    def _zeros(self) -> np.ndarray:
        return np.zeros(self.n, dtype=bool)

    def eq_mask(self, field: str, value: Any) -> np.ndarray:
        f = self._fields.get(field)
        out = self._zeros()
        if f is None:
            return out
        if isinstance(value, bool):
            if f.boo is not None:
                out |= f.boo[: self.n] == int(value)
        elif isinstance(value, str):
            code = self._codes.get(value)
            if code is not None:
                if f.strc is not None:
                    out |= f.strc[: self.n] == code
                rows = f.lists.get(code)
                if rows:
                    out[np.fromiter(rows, dtype=np.int64, count=len(rows))] = True
        elif f.num is not None:
            out |= f.num[: self.n] == value
        return out

    def in_mask(self, field: str, values: Sequence[Any]) -> np.ndarray:
        f = self._fields.get(field)
        out = self._zeros()
        if f is None or not values:
            return out
        strs = [self._codes[v] for v in values if isinstance(v, str) and v in self._codes]
        nums = [v for v in values if not isinstance(v, str)]
        if strs:
            if f.strc is not None:
                out |= np.isin(f.strc[: self.n], strs)
            for code in strs:
                rows = f.lists.get(code)
                if rows:
                    out[np.fromiter(rows, dtype=np.int64, count=len(rows))] = True
        if nums and f.num is not None:
            out |= np.isin(f.num[: self.n], nums)
        return out

    def cmp_mask(self, field: str, op: str, value: float) -> np.ndarray:
        f = self._fields.get(field)
        if f is None or f.num is None:
            return self._zeros()
        col = f.num[: self.n]
        with np.errstate(invalid="ignore"):
            if op == "$gt":
                return col > value
            if op == "$gte":
                return col >= value
            if op == "$lt":
                return col < value
            return col <= value

    def exists_mask(self, field: str) -> np.ndarray:
        f = self._fields.get(field)
        out = self._zeros()
        if f is None:
            return out
        n = self.n
        if f.num is not None:
            out |= ~np.isnan(f.num[:n])
        if f.boo is not None:
            out |= f.boo[:n] >= 0
        if f.strc is not None:
            out |= f.strc[:n] >= 0
        if f.haslist is not None:
            out |= f.haslist[:n]
        return out

    # ------------------------------------------------------------------ reads
    def select(self, node: filters.Node | None) -> np.ndarray | None:
        """Rows a parsed filter selects (``None`` = all rows, no filter)."""
        if node is None:
            return None
        return np.flatnonzero(filters.evaluate(node, self))

    def selected_rows(self, node: filters.Node | None) -> list[int]:
        """Rows a parsed filter selects, as a list (every row when there is no filter)."""
        rows = self.select(node)
        return list(range(self.n)) if rows is None else rows.tolist()

    def dense_scores(self, q: np.ndarray, metric: str, rows: np.ndarray | None) -> np.ndarray:
        """Pinecone's score of every candidate row against a dense query vector."""
        # einsum's single-threaded SIMD loop, not BLAS: a mat-vec is memory-bound, and multi-threaded
        # OpenBLAS stalls (and spins, starving the clients) when cores are shared — measured 24 vs
        # 44 ms for 100k × 384 on a busy 2-core box, 2 vs 16 ms for a 5k-row filtered subset
        # (performance-anchors.md). It also leaves a notebook's own BLAS threading untouched.
        if rows is None:
            norms = self.norms[: self.n]
            dots = np.einsum("ij,j->i", self.values[: self.n], q)
        else:
            norms = self.norms[rows]
            dots = np.einsum("ij,j->i", self.values[rows], q)
        if metric == "dotproduct":
            return dots
        if metric == "cosine":
            qn = float(np.linalg.norm(q))
            denom = norms * qn
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(denom > 0, dots / denom, 0.0).astype(np.float32)
        # euclidean: Pinecone's score is the squared L2 distance (smaller = closer).
        return np.maximum(norms * norms - 2 * dots + float(q @ q), 0.0).astype(np.float32)

    def sparse_scores(self, indices: np.ndarray, values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Sparse dot product of every candidate row with a sparse query vector."""
        indptr, cols, data = self._sparse_csr()
        q = dict(zip(indices.tolist(), values.tolist(), strict=True))
        hit = np.isin(cols, indices)
        pos = np.flatnonzero(hit)
        weights = data[pos] * np.array([q[c] for c in cols[pos].tolist()], dtype=np.float64)
        owner = np.searchsorted(indptr, pos, side="right") - 1
        scores = np.bincount(owner, weights=weights, minlength=self.n).astype(np.float32)
        return scores if rows is None else scores[rows]

    def _sparse_csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._csr is None:
            lengths = [0 if s is None else len(s[0]) for s in self.sparse]
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(lengths, out=indptr[1:])
            parts = [s for s in self.sparse if s is not None]
            cols = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
            data = np.concatenate([p[1] for p in parts]).astype(np.float64) if parts else np.zeros(0)
            self._csr = (indptr, cols, data)
        return self._csr

    def sorted_ids(self) -> list[str]:
        """All ids in byte order (cached until the id set changes)."""
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.ids)
        return self._sorted_ids

    def record(self, row: int, *, values: bool = True, metadata: bool = True) -> dict:
        """Wire (camelCase) form of one record."""
        out: dict[str, Any] = {"id": self.ids[row]}
        if values:
            out["values"] = self.values[row].copy() if self.dimension else []
        sp = self.sparse[row]
        if values and sp is not None:
            out["sparseValues"] = {"indices": sp[0].copy(), "values": sp[1].copy()}
        md = self.meta[row]
        if metadata and md:
            out["metadata"] = dict(md)
        return out

    def metadata_of(self, row: int) -> Mapping[str, Any] | None:
        return self.meta[row]
