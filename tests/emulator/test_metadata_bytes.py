"""The fast path of pricing.units.metadata_bytes (used on every upsert) counts exactly what
compact json.dumps counts, whatever the metadata holds."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pinecone_ops.pricing.units import metadata_bytes

scalar = st.one_of(st.text(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                   st.integers(min_value=2**64, max_value=2**70), st.none())
value = st.one_of(scalar, st.lists(st.text(), max_size=4), st.lists(scalar, max_size=3),
                  st.dictionaries(st.text(max_size=3), scalar, max_size=2))


def _reference(md) -> int:
    return len(json.dumps(md, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(max_size=8), value, max_size=6))
def test_fast_path_matches_json(md):
    assert metadata_bytes(md) == (_reference(md) if md else 0)


def test_known_float_spellings():
    for v in (1e-05, 1e16, 0.1, 2020.0, 1e21, -0.0, float("inf"), 5e-324):
        assert metadata_bytes({"x": v}) == _reference({"x": v})
    md = {"genre": ["comédie", "drama"], "n": 3}
    assert metadata_bytes(md) == _reference(md)
