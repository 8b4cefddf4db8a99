"""The shipped films: integrity, shapes, Pinecone-ready records, stable ids, the loaders' errors."""
from __future__ import annotations

import hashlib
import math
import re

import numpy as np
import pandas as pd
import pytest
from pinecone._internal.vector_factory import VectorFactory  # the SDK's own client-side record check

from pinecone_ops import datasets as ds
from pinecone_ops.pricing.units import metadata_bytes

PINECONE_METADATA_LIMIT = 40_960  # bytes, the server's own figure
PINECONE_ID_LIMIT = 512


def test_files_match_the_manifest(manifest, movies, movies_dir):
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256((movies_dir / name).read_bytes()).hexdigest() == digest, name
    assert manifest["rows"] == len(movies)
    assert manifest["dimension"] == ds.DIMENSION
    assert manifest["model"] == ds.MODEL_NAME


def test_committed_data_stays_small(movies_dir):
    total = sum((movies_dir / n).stat().st_size for n in ds.DATA_FILES)
    assert total < 25_000_000


def test_table_columns_and_types(movies):
    assert tuple(movies.columns) == ds.MOVIE_COLUMNS
    assert 20_000 <= len(movies) <= 30_000
    for col in ("year", "length", "votes"):
        assert pd.api.types.is_integer_dtype(movies[col]), col
    assert pd.api.types.is_float_dtype(movies["rating"])
    assert movies["rating"].between(1, 10).all()
    assert str(movies["budget"].dtype) == "Int64"
    assert all(isinstance(g, list) and all(isinstance(x, str) for x in g) for g in movies["genres"])
    assert movies[["id", "title", "imdb_title", "year", "length", "rating", "votes", "text"]].notna().all().all()
    # Most-voted first, so records(limit=k) is the k best-known films.
    assert movies["votes"].is_monotonic_decreasing


def test_vectors_are_unit_float32_and_row_aligned(movies, vectors):
    assert vectors.shape == (len(movies), ds.DIMENSION)
    assert vectors.dtype == np.float32
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    q = ds.query_vectors()
    assert q.shape == (len(ds.query_texts()), ds.DIMENSION) and q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)


def test_callers_get_their_own_copy(vectors):
    mine = ds.movie_vectors()
    mine[:] = 0
    assert np.array_equal(ds.movie_vectors(), vectors)


def test_ids_unique_and_stable(movies):
    assert movies["id"].is_unique
    assert movies["id"].str.fullmatch(r"movie-\d+").all()
    # ids are the ggplot2movies source row, so they do not move when the subset or order changes
    by_title = dict(zip(zip(movies["title"], movies["year"], strict=True), movies["id"], strict=True))
    assert by_title[("The Matrix", 1999)] == "movie-32710"
    assert by_title[("The Shawshank Redemption", 1994)] == "movie-46269"
    assert by_title[("The Lord of the Rings: The Fellowship of the Ring", 2001)] == "movie-30658"
    assert [r["id"] for r in ds.records(limit=5)] == movies["id"].head(5).tolist()


def test_titles_read_the_way_people_type_them(movies, build_module):
    assert (movies["title"] == movies["imdb_title"].map(build_module.display_title)).all()
    assert build_module.display_title("Matrix, The") == "The Matrix"
    assert build_module.display_title("Crazy, Stupid") == "Crazy, Stupid"
    assert build_module.display_title("Professionnel, Le") == "Le Professionnel"


def _check_metadata(md: dict) -> None:
    assert metadata_bytes(md) <= PINECONE_METADATA_LIMIT
    for key, value in md.items():
        assert isinstance(key, str) and key and not key.startswith("$")
        assert value is not None
        if isinstance(value, list):
            assert value and all(isinstance(x, str) for x in value)
        else:
            assert isinstance(value, (str, int, float, bool))
            assert not (isinstance(value, float) and not math.isfinite(value))


def test_every_films_metadata_is_pinecone_valid(movies):
    for row in movies.to_dict("records"):
        _check_metadata(ds.movie_metadata(row))


def test_records_are_what_upsert_takes():
    recs = ds.records(limit=2_000)
    assert len(recs) == 2_000
    for rec in recs:
        assert set(rec) <= {"id", "values", "metadata"}
        assert rec["id"].isascii() and 0 < len(rec["id"]) <= PINECONE_ID_LIMIT and "\x00" not in rec["id"]
        assert len(rec["values"]) == ds.DIMENSION and all(type(v) is float for v in rec["values"][:3])
        _check_metadata(rec["metadata"])
        VectorFactory.build(rec)  # raises on anything the SDK (and the server) would refuse


def test_missing_values_are_left_out_not_null(movies):
    recs = ds.records()
    assert sum("mpaa" in r["metadata"] for r in recs) == movies["mpaa"].notna().sum()
    assert sum("budget" in r["metadata"] for r in recs) == movies["budget"].notna().sum()
    no_genre = {i for i, g in zip(movies["id"], movies["genres"], strict=True) if not g}
    assert no_genre  # the source really has films without a genre flag
    assert {r["id"] for r in recs if "genres" not in r["metadata"]} == no_genre
    assert all(type(r["metadata"]["year"]) is int and type(r["metadata"]["rating"]) is float for r in recs)


def test_records_field_selection():
    (rec,) = ds.records(limit=1, fields=("title", "genres"))
    assert set(rec["metadata"]) <= {"title", "genres"} and rec["metadata"]["title"]
    (bare,) = ds.records(limit=1, fields=())
    assert "metadata" not in bare
    assert ds.records(limit=0) == []
    with pytest.raises(ValueError, match="unknown metadata field.*'popularity'"):
        ds.records(limit=1, fields=("popularity",))


def test_query_set(movies):
    q = ds.load_queries()
    assert 45 <= len(q) <= 60 and q["query"].is_unique
    assert set(q["genre"]) - {""} <= {g for gs in movies["genres"] for g in gs}
    assert "a funny animated film for kids" in ds.query_texts()


def test_env_override_and_missing_data_error(tmp_path, monkeypatch, movies_dir):
    (tmp_path / "movies").symlink_to(movies_dir)
    monkeypatch.setenv(ds.ENV_VAR, str(tmp_path))
    assert ds.data_dir() == tmp_path
    assert len(ds.load_queries()) > 0
    monkeypatch.setenv(ds.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(ds.DatasetNotFoundError, match=re.escape(ds.ENV_VAR)):
        ds.load_movies()
