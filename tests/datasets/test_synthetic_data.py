"""Seeded synthetic generators: deterministic per seed, shaped as asked, Pinecone-valid."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pinecone._internal.vector_factory import VectorFactory

from pinecone_ops import datasets as ds
from pinecone_ops.pricing.units import metadata_bytes

FAST = settings(max_examples=40, deadline=None)

sizes = st.integers(min_value=0, max_value=60)
dims = st.integers(min_value=1, max_value=64)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@FAST
@given(n=sizes, dim=dims, seed=seeds, normalize=st.booleans())
def test_vectors_shape_dtype_norm_and_determinism(n, dim, seed, normalize):
    a = ds.synthetic_vectors(n, dim, seed=seed, normalize=normalize)
    b = ds.synthetic_vectors(n, dim, seed=seed, normalize=normalize)
    assert a.vectors.shape == (n, dim) and a.vectors.dtype == np.float32
    assert len(a) == n and len(set(a.ids)) == n
    assert np.array_equal(a.vectors, b.vectors) and a.ids == b.ids
    if normalize and n:
        np.testing.assert_allclose(np.linalg.norm(a.vectors, axis=1), 1.0, rtol=1e-5)
    assert all("metadata" not in r for r in a.records())


@FAST
@given(seed=seeds)
def test_different_seeds_give_different_vectors(seed):
    a = ds.synthetic_vectors(5, 8, seed=seed)
    b = ds.synthetic_vectors(5, 8, seed=seed + 1)
    assert not np.array_equal(a.vectors, b.vectors)


@FAST
@given(n=st.integers(1, 80), cardinality=st.integers(1, 120), extra=st.integers(0, 3000), seed=seeds)
def test_metadata_exact_size_and_cardinality(n, cardinality, extra, seed):
    width = len(str(cardinality - 1))
    minimum = len('{"category":"cat-"}') + width + len(',"pad":""')
    data = ds.synthetic_vectors(n, 4, seed=seed, metadata_bytes=minimum + extra, cardinality=cardinality)
    assert all(metadata_bytes(m) == minimum + extra for m in data.metadata)
    assert len({m["category"] for m in data.metadata}) == min(n, cardinality)
    again = ds.synthetic_vectors(n, 4, seed=seed, metadata_bytes=minimum + extra, cardinality=cardinality)
    assert again.metadata == data.metadata
    for rec in data.records():
        VectorFactory.build(rec)


def test_metadata_too_small_names_the_minimum():
    with pytest.raises(ValueError, match="at least 29"):
        ds.synthetic_vectors(3, 4, metadata_bytes=10, cardinality=10)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=-1, dim=4), "n must be"),
    (dict(n=1, dim=0), "dim must be between 1 and 20,000"),
    (dict(n=1, dim=20_001), "dim must be between"),
    (dict(n=1, dim=4, cardinality=0, metadata_bytes=100), "cardinality"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ds.synthetic_vectors(**kwargs)


@FAST
@given(n_tenants=st.integers(1, 200), extra=st.integers(0, 5000), skew=st.floats(0, 3))
def test_tenant_sizes_exact_ordered_and_skewed(n_tenants, extra, skew):
    total = n_tenants + extra
    s = ds.tenant_sizes(n_tenants, total, skew=skew)
    assert len(s) == n_tenants and sum(s) == total and min(s) >= 1
    assert s == sorted(s, reverse=True)
    if skew == 0:
        assert max(s) - min(s) <= 1
    steeper = ds.tenant_sizes(n_tenants, total, skew=skew + 0.5)
    assert steeper[0] >= s[0] - 1  # more skew never shrinks the biggest tenant (beyond rounding)


def test_tenant_skew_is_real():
    s = ds.tenant_sizes(100, 100_000, skew=1.0)
    assert s[0] > 50 * s[-1]  # one whale, a long tail
    assert sum(s[:10]) > 0.5 * 100_000


@FAST
@given(n_tenants=st.integers(1, 12), extra=st.integers(0, 60), dim=st.integers(1, 16), seed=seeds,
       skew=st.floats(0, 2))
def test_tenant_records_shape_and_determinism(n_tenants, extra, dim, seed, skew):
    total = n_tenants + extra
    data = ds.tenant_records(n_tenants, total, dim, seed=seed, skew=skew)
    assert list(map(len, data.values())) == ds.tenant_sizes(n_tenants, total, skew=skew)
    ids = [r["id"] for recs in data.values() for r in recs]
    assert len(ids) == len(set(ids)) == total
    for tenant, recs in data.items():
        assert all(r["metadata"] == {"tenant": tenant} and len(r["values"]) == dim for r in recs)
    assert ds.tenant_records(n_tenants, total, dim, seed=seed, skew=skew) == data


def test_tenant_metadata_padding_and_errors():
    data = ds.tenant_records(3, 10, 4, metadata_bytes=200)
    assert {metadata_bytes(r["metadata"]) for recs in data.values() for r in recs} == {200}
    with pytest.raises(ValueError, match="at least n_tenants"):
        ds.tenant_records(5, 4, 8)
    with pytest.raises(ValueError, match="skew"):
        ds.tenant_sizes(3, 10, skew=-1)
