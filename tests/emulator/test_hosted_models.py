"""Features that run Pinecone's hosted models (integrated embedding, Pinecone Inference, integrated
search): what a learner gets from the local Pinecone instead, through the official SDK 10 over HTTP.

These are the SDK 10.2 integration tests that cannot pass locally (docs/emulator.md, "The SDK's own
integration tests"): each call fails at once with the feature's name and the fix, never with a
404 that reads as a typo or a hang."""
from __future__ import annotations

import pytest

from tests.conftest import SDK_MAJOR

if SDK_MAJOR < 10:
    pytest.skip("SDK 10's surface (pc.indexes.create_for_model, errors with status_code)", allow_module_level=True)

from pinecone import ApiError, ServiceError

HOSTED = "needs Pinecone's hosted models, which the local Pinecone does not have"
EMBED = {"model": "llama-text-embed-v2", "field_map": {"text": "chunk_text"}, "metric": "cosine"}


def _refusal(call) -> ApiError:
    with pytest.raises(ApiError) as exc:
        call()
    return exc.value


def test_integrated_embedding_indexes_are_refused_with_the_fix(pc):
    # SDK 10.2: test_create_integrated_dense_index_becomes_ready, test_create_index_for_model_shim_creates_index
    for create in (lambda: pc.indexes.create_for_model(name="films", cloud="aws", region="us-east-1", embed=EMBED),
                   lambda: pc.create_index_for_model(name="films", cloud="aws", region="us-east-1", embed=EMBED),
                   lambda: pc.indexes.create(name="films", schema={"fields": {
                       "chunk_text": {"type": "semantic_text", "model": "multilingual-e5-large"}}}),
                   lambda: pc.indexes.create(name="films", schema={"fields": {
                       "chunk_text": {"type": "string", "full_text_search": {}, "embed": {"model": "m"}}}})):
        err = _refusal(create)
        assert err.status_code == 400 and HOSTED in str(err) and "embed client-side" in str(err)
    assert not pc.indexes.exists("films")


def test_pinecone_inference_answers_501_naming_the_feature(pc):
    calls = {"pc.inference.embed": lambda: pc.inference.embed(model="multilingual-e5-large", inputs=["a film"]),
             "pc.inference.rerank": lambda: pc.inference.rerank(model="bge-reranker-v2-m3", query="q",
                                                                documents=["a", "b"]),
             "pc.inference.list_models": lambda: pc.inference.list_models()}
    for name, call in calls.items():
        err = _refusal(call)
        assert isinstance(err, ServiceError) and err.status_code == 501, name
        assert name in str(err) and HOSTED in str(err), str(err)


def test_integrated_records_upsert_and_search_answer_501(pc, make_index):
    idx = make_index(name="films", dimension=3)
    for call in (lambda: idx.upsert_records(namespace="n", records=[{"_id": "a", "chunk_text": "a film"}]),
                 lambda: idx.search(namespace="n", query={"inputs": {"text": "a film"}, "top_k": 3})):
        err = _refusal(call)
        assert err.status_code == 501 and "Integrated inference" in str(err) and HOSTED in str(err)
    # the index itself is untouched and still serves the Vectors API
    assert idx.upsert(vectors=[("a", [1.0, 2.0, 3.0])]).upserted_count == 1


def test_bulk_import_answers_501_with_the_alternative(make_index):
    idx = make_index(name="films", dimension=3)
    err = _refusal(lambda: idx.start_import(uri="s3://bucket/films/"))
    assert err.status_code == 501 and "object storage" in str(err) and "batch_size" in str(err)
