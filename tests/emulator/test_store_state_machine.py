"""Stateful property test: any sequence of upserts, updates and deletes leaves the emulator's
namespace (matrix rows, id map, metadata columns, sizes) equal to a plain dict model."""
from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pinecone_ops.emulator.control import indexes
from pinecone_ops.emulator.metering import RequestRecord
from pinecone_ops.emulator.state import Backend
from pinecone_ops.emulator.storage import filters
from pinecone_ops.emulator.vectors import records
from pinecone_ops.pricing import units

IDS = [f"id{i}" for i in range(12)]
DIM = 3
md_value = st.one_of(st.sampled_from(["a", "b", "c"]), st.integers(0, 3).map(float), st.booleans(),
                     st.lists(st.sampled_from(["a", "b", "c"]), max_size=2, unique=True))
metadata = st.dictionaries(st.sampled_from(["f", "g", "h"]), md_value, max_size=3)
vector = st.lists(st.integers(1, 5).map(float), min_size=DIM, max_size=DIM)
simple_filter = st.one_of(
    st.builds(lambda k, v: {k: v}, st.sampled_from(["f", "g", "h"]), st.sampled_from(["a", "b", 1.0, True])),
    st.builds(lambda k, vs: {k: {"$in": vs}}, st.sampled_from(["f", "g"]),
              st.lists(st.sampled_from(["a", "c", 2.0]), max_size=2)),
    st.builds(lambda k: {k: {"$exists": True}}, st.sampled_from(["f", "g", "h"])),
    st.builds(lambda k, v: {k: {"$ne": v}}, st.sampled_from(["f", "g"]), st.sampled_from(["a", 0.0])),
)


class NamespaceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.backend = Backend()
        self.idx = indexes.create_index(self.backend, name="sm", dimension=DIM, metric="dotproduct",
                                        vector_type="dense", deployment={"deployment_type": "managed"},
                                        schema_fields={})
        self.model: dict[str, tuple[list[float], dict]] = {}

    def _call(self, fn, body):
        return fn(self.backend, self.idx, {"namespace": "n", **body}, RequestRecord("op"))

    @rule(batch=st.lists(st.tuples(st.sampled_from(IDS), vector, metadata), min_size=1, max_size=6))
    def upsert(self, batch):
        self._call(records.upsert, {"vectors": [
            {"id": i, "values": v, **({"metadata": m} if m else {})} for i, v, m in batch]})
        for i, v, m in batch:
            self.model[i] = (v, dict(m))

    @rule(rid=st.sampled_from(IDS), md=metadata, values=st.one_of(st.none(), vector))
    def update(self, rid, md, values):
        body = {"id": rid, **({"setMetadata": md} if md else {}), **({"values": values} if values else {})}
        self._call(records.update, body)
        if rid in self.model:
            old_v, old_md = self.model[rid]
            self.model[rid] = (values or old_v, {**old_md, **md})

    @rule(ids=st.lists(st.sampled_from(IDS), min_size=1, max_size=4))
    def delete_ids(self, ids):
        if self.idx.namespace("n") is None:
            return
        self._call(records.delete, {"ids": ids})
        for i in ids:
            self.model.pop(i, None)

    @rule(filt=simple_filter)
    def delete_by_filter(self, filt):
        if self.idx.namespace("n") is None:
            return
        self._call(records.delete, {"filter": filt})
        for i in [i for i, (_, m) in self.model.items() if filters.matches(filt, m)]:
            del self.model[i]

    @rule(filt=simple_filter)
    def filtered_query_matches_model(self, filt):
        res = self._call(records.query, {"topK": 100, "vector": [1.0] * DIM, "filter": filt})
        assert {m["id"] for m in res["matches"]} == {i for i, (_, m) in self.model.items() if filters.matches(filt, m)}

    @invariant()
    def store_equals_model(self):
        ns = self.idx.namespace("n")
        if ns is None:
            assert not self.model
            return
        assert ns.n == len(self.model) == len(ns.ids) == len(ns.row_of)
        assert sorted(ns.ids) == sorted(self.model) and ns.sorted_ids() == sorted(self.model)
        total = 0
        for rid, (v, m) in self.model.items():
            row = ns.row_of[rid]
            assert ns.ids[row] == rid
            np.testing.assert_array_equal(ns.values[row], np.asarray(v, dtype=np.float32))
            assert ns.norms[row] == np.float32(np.linalg.norm(np.asarray(v, dtype=np.float32)))
            assert (ns.meta[row] or {}) == m
            size = units.record_bytes(len(rid), DIM, units.metadata_bytes(m))
            assert ns.sizes[row] == size
            total += size
        assert ns.total_bytes == total


NamespaceMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestNamespaceMachine = NamespaceMachine.TestCase
