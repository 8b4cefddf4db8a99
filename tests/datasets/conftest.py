"""Shared fixtures for the dataset tests: the shipped films, loaded once per session."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pinecone_ops import datasets as ds

MOVIES_DIR = Path(__file__).resolve().parents[2] / "datasets" / "movies"


@pytest.fixture(scope="session")
def movies_dir() -> Path:
    return MOVIES_DIR


@pytest.fixture(scope="session")
def movies() -> pd.DataFrame:
    return ds.load_movies()


@pytest.fixture(scope="session")
def vectors() -> np.ndarray:
    return ds.movie_vectors()


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((MOVIES_DIR / ds.MANIFEST_FILE).read_text())


@pytest.fixture(scope="session")
def build_module():
    """datasets/movies/build.py as a module (its heavy imports are lazy, so this needs no torch)."""
    spec = importlib.util.spec_from_file_location("movies_build", MOVIES_DIR / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
