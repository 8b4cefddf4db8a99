"""pinecone_ops.course: what every notebook's first cell does, and the helpers learners call."""
from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinecone_ops import course
from pinecone_ops.pricing import units


def test_require_api_key_names_the_variable_and_the_fix(monkeypatch):
    monkeypatch.delenv("PINECONE_API_KEY", raising=False)
    with pytest.raises(course.MissingApiKeyError) as exc:
        course.require_api_key()
    assert "PINECONE_API_KEY" in str(exc.value) and "export" in str(exc.value)
    monkeypatch.setenv("PINECONE_API_KEY", "  ")
    with pytest.raises(course.MissingApiKeyError):
        course.require_api_key()
    monkeypatch.setenv("PINECONE_API_KEY", " pcsk_abc ")
    assert course.require_api_key() == "pcsk_abc"


def test_banner_names_the_backend_and_warns_on_the_cloud():
    local = course.banner("phase1", "local Pinecone (embedded, http://127.0.0.1:1)")
    assert "phase1" in local and "local Pinecone" in local and "costs money" in local
    cloud = course.banner("phase1", "Pinecone cloud")
    assert "billed" in cloud


def test_start_binds_the_sdk_environment_to_the_local_pinecone(monkeypatch):
    monkeypatch.delenv("PINECONE_API_KEY", raising=False)
    monkeypatch.delenv("PINECONE_OPS_BACKEND", raising=False)
    monkeypatch.delenv("PINECONE_OPS_HOST", raising=False)
    pc = course.start("test", show=False)
    assert os.environ["PINECONE_API_KEY"] == course.LOCAL_API_KEY
    from pinecone import Pinecone

    plain = Pinecone()  # what learners write for real Pinecone reaches the local one
    assert plain.config.host == pc.config.host == os.environ["PINECONE_CONTROLLER_HOST"]
    assert plain.list_indexes().names() == pc.list_indexes().names()


@given(rid=st.text(min_size=1, max_size=20), dim=st.integers(0, 64),
       meta=st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=8), st.integers(), st.booleans()),
                            max_size=4),
       nnz=st.integers(0, 10))
def test_record_bytes_is_pinecones_formula(rid, dim, meta, nnz):
    rec = {"id": rid, "values": [0.5] * dim, "metadata": meta,
           "sparse_values": {"indices": list(range(nnz)), "values": [1.0] * nnz}}
    want = units.record_bytes(len(rid.encode()), dim, units.metadata_bytes(meta), nnz)
    assert course.record_bytes(rec) == want
    assert course.record_bytes((rid, [0.5] * dim, meta)) == want - 8 * nnz


def test_find_submissions_reads_both_folder_layouts(tmp_path):
    from autograder import course as course_api

    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "phase1.ipynb").write_text("{}")
    (tmp_path / "bob" / "phase1").mkdir(parents=True)
    (tmp_path / "bob" / "phase1" / "phase1.ipynb").write_text("{}")
    (tmp_path / "carol").mkdir()  # nothing submitted
    found = course_api.find_submissions("phase1", tmp_path)
    assert sorted(found) == ["alice", "bob"]
    assert found["bob"] == tmp_path / "bob" / "phase1" / "phase1.ipynb"
