"""Phase 2's hidden checks in-process (seconds, no nbgrader): the facts they are built on hold.

The graded behaviour of every check (solution, alternatives, typical mistakes) is tested through
real nbgrader in tests/course/test_phase2.py; here, what those checks assume about the data and
the local Pinecone: the which-search pairs are real, the probe namespace separates the mistakes the
checks name, and ``course.upsert_bytes`` is the body the SDK sends.
"""
from __future__ import annotations

import pytest

from autograder.checks import phase2 as P
from autograder.checks.common import watch
from pinecone_ops import course, datasets

pytestmark = pytest.mark.slow  # loads 2,000 films into a local Pinecone (a few seconds)

N = 2_000


@pytest.fixture(scope="module")
def lab():
    pc = course.start("phase2", show=False)
    docs, vecs = P.film_docs(0, N)
    name = P.fresh_name("films-facts")
    pc.indexes.create(name=name, schema=P.SCHEMA, deployment=P.DEPLOYMENT)
    index = pc.index(name)
    for start in range(0, N, 200):
        index.documents.upsert(namespace=P.NAMESPACE, documents=docs[start:start + 200])
    assert P.wait_for_count(index, N) == N
    yield pc, index, docs
    pc.indexes.delete(name)


def test_upsert_bytes_is_the_body_the_sdk_sends(lab):
    """One byte over the limit is a 413 from the server; exactly at it is accepted."""
    from pinecone.errors.exceptions import PayloadTooLargeError

    _, index, docs = lab
    batch = [dict(d, _id=f"probe-{i}") for i, d in enumerate(docs[:230])]
    size = course.upsert_bytes(batch)
    assert 1_900_000 < size < 2_000_000, size
    pad = 2_000_000 - size
    batch[0] = dict(batch[0], title=batch[0]["title"] + "x" * pad)
    assert course.upsert_bytes(batch) == 2_000_000
    with watch() as log:
        index.documents.upsert(namespace="probe", documents=batch)
    assert [e["status"] for e in log if e["operation"] == "upsert_documents"] == [202]
    batch[0] = dict(batch[0], title=batch[0]["title"] + "x")
    with pytest.raises(PayloadTooLargeError):
        index.documents.upsert(namespace="probe", documents=batch)


def test_the_which_search_examples_are_real(lab):
    """The pairs FINDS names hold on the notebook's films: top 10 of each search, measured."""
    _, index, docs = lab
    title = {d["_id"]: d["title"] for d in docs}
    qv = dict(zip(datasets.query_texts(), datasets.query_vectors(), strict=True))

    def both(q):
        dense = [title[i] for i in P._ids(P._search(
            index, [{"type": "dense_vector", "field": "embedding", "values": qv[q].tolist()}], 10))]
        kw = [title[i] for i in P._ids(P._search(index, [{"type": "text", "fields": ["title"], "query": q}], 10))]
        return dense, kw

    dense, kw = both("a classic Disney cartoon")
    assert {"Cinderella", "Peter Pan"} <= set(dense) and not {"Cinderella", "Peter Pan"} & set(kw), (dense, kw)
    dense, kw = both("a film set in New York City")
    assert "Home Alone 2: Lost in New York" in kw[:5] and "Home Alone 2: Lost in New York" not in dense, (dense, kw)
    assert set(P.FINDS.values()) == {"semantic", "keyword"}


def test_the_probes_separate_the_mistakes_the_checks_name():
    """Each wrong query string or filter the checks describe selects other probe films than the truth."""
    P.reference()
    index = P.client().index(P.reference().name)

    def query(q):
        return set(P._ids(P._search(index, [{"type": "query_string", "query": q}], 100, namespace=P.PROBES)))

    truth = query(P.TRUTH_QUERY)
    assert {"probe-0", "probe-2", "probe-5"} == truth, truth          # the phrase, Trek, Trek at the start
    assert query('title:(star wars OR trek) AND NOT title:lego') != truth
    assert query('title:"star wars" OR title:trek') != truth
    for name, wrong in (("DRAMA_1990S", {"genres": "Drama", "year": {"$gt": 1990, "$lt": 1999}}),
                        ("DRAMA_1990S", {"genres": {"$in": ["Drama"]}, "year": {"$gte": 1990, "$lte": 2000}}),
                        ("TITLE_PHRASE", {"title": {"$match_all": "the return"}})):
        assert P._selected(index, wrong, P.PROBES) != P._selected(index, P.FILTER_TRUTH[name], P.PROBES), wrong
