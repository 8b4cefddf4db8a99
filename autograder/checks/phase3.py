"""Hidden checks for phase 3 (Architecture and concepts), on document indexes.

Filters are graded by the documents they select on the checker's own index of films the notebook
never loaded plus hand-made edge cases; tenant functions by the namespaces they create and the read
units the request log meters; waiting by the requests it sends under a consistency lag the check
sets itself (the kernel's admin is locked while a check runs). Under the grader the learner's
functions receive an index made in their kernel (:func:`student_client`) and only data.
"""
from __future__ import annotations

import json
import math
import os
import string
import time
import zlib

from autograder.checks.common import (
    admin,
    client,
    error_name,
    expect,
    fresh_name,
    log_available,
    property_test_imports,
    raises,
    set_options,
    student_client,
    watch,
)

DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}


def _doc_index(pc, prefix: str, dimension: int = 4):
    """A fresh document index of the checker's: a dense ``embedding`` and a full-text ``title``."""
    name = fresh_name(prefix)
    pc.indexes.create(name=name, deployment=DEPLOYMENT, schema={"fields": {
        "embedding": {"type": "dense_vector", "dimension": dimension, "metric": "cosine"},
        "title": {"type": "string", "full_text_search": {}}}})
    return name, pc.index(name)


def _no_lag() -> None:
    """The checker's own fixtures are read back at once: no consistency lag while a check builds them."""
    set_options(consistency_lag_ms=0)


def _their_index(name: str):
    """Index ``name`` as an object of the learner's kernel, for their functions."""
    return student_client().index(name)


def _check_facts(label: str, answers, truth: dict) -> None:
    expect(isinstance(answers, dict), f"{label} must be a dict from each statement to True or False")
    missing = [k for k in truth if k not in answers]
    expect(not missing, f"{label} has no answer for {missing}: keep the statements as given")
    wrong = []
    for key, (value, why) in truth.items():
        expect(isinstance(answers[key], bool), f"answer {key!r} with True or False, not {answers[key]!r}")
        if answers[key] is not value:
            wrong.append(f"{key!r} is {value}: {why}.")
    expect(not wrong, " ".join(wrong))


# ------------------------------------------------------------------------------------ concepts

ARCH_FACTS = {
    "a document is visible to search as soon as upsert returns": (
        False, "writes are acknowledged once in the request log and become visible to reads later (eventual "
        "consistency); compare the write's lsn_committed with a read's is_reconciled()"),
    "a metadata filter lowers the read units a query costs": (
        False, "a query costs 1 RU per GB of the namespace it searches (at least 0.25); a filter narrows the "
        "results, not the data searched"),
    "top_k=1000 costs more read units than top_k=10": (
        False, "top_k does not change RU; only the namespace size does"),
    "every write gets a log sequence number (LSN)": (
        True, "the request log numbers every write; reads report how far they have reconciled"),
    "a new Standard organisation can create pod-based indexes with API 2026-07": (
        False, "API 2026-07 refuses to create pod indexes; pods are legacy (no new pods since 2025-08-18 for "
        "new Standard/Enterprise organisations)"),
}

LIMITS_FACTS = {
    "one query can search two namespaces": (
        False, "a query names one index and one namespace; fan out with one query per namespace "
        "(query_namespaces does it for vector indexes) and merge"),
    "a query can join documents of two indexes on a shared key": (
        False, "Pinecone has no joins: denormalise what a query needs into the documents it searches"),
    "on-demand serverless serves 150 queries/s on one namespace without a limit increase": (
        False, "queries are limited to 100 requests/s per namespace (429 beyond); spread the load over "
        "namespaces, ask for a higher limit, or use dedicated read capacity"),
    "the 100 requests/s limit counts each namespace separately": (
        True, "the limit is per namespace, so 150 QPS spread over three tenants' namespaces fits"),
    "a RateLimitError tells you how long to wait before retrying": (
        True, "a 429 carries Retry-After, exposed as RateLimitError.retry_after; retry with backoff"),
}


def check_arch_facts(answers) -> None:
    _check_facts("ARCH_FACTS", answers, ARCH_FACTS)


def check_limits_facts(answers) -> None:
    _check_facts("LIMITS_FACTS", answers, LIMITS_FACTS)


QUERY_RU = {
    "a 0.1 GB namespace, top_k=10": 0.25,
    "a 0.1 GB namespace, top_k=1000": 0.25,
    "a 3 GB namespace, with a metadata filter that keeps 1% of it": 3.0,
    "one tenant's 2 GB namespace in an index of 50 such tenants": 2.0,
    "one shared 100 GB namespace of 50 tenants, filtered to one tenant": 100.0,
}


def check_query_ru(answers) -> None:
    """The RU of each query: 1 RU per GB of the namespace searched, at least 0.25; top_k and filters free."""
    expect(isinstance(answers, dict), "QUERY_RU must be a dict from each query to its read units")
    missing = [k for k in QUERY_RU if k not in answers]
    expect(not missing, f"QUERY_RU has no answer for {missing}: keep the five queries as given")
    wrong = []
    for key, want in QUERY_RU.items():
        got = answers[key]
        expect(isinstance(got, (int, float)) and not isinstance(got, bool),
               f"answer {key!r} with a number of read units, not {got!r}")
        if not math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-9):
            wrong.append(key)
    expect(not wrong, f"{len(wrong)} of {len(QUERY_RU)} wrong, e.g. {wrong[0]!r}: a query costs 1 RU per GB of "
           "the namespace it searches, at least 0.25 RU; top_k and filters do not change it" if wrong else "")


# ------------------------------------------------------------------------------------ filters

REFERENCE = {
    "dramas_1990s": {"genres": "Drama", "year": {"$gte": 1990, "$lte": 1999}},
    "comedy_or_animation_8plus": {"$and": [{"genres": {"$in": ["Comedy", "Animation"]}},
                                           {"rating": {"$gte": 8}}]},
    "popular_family": {"votes": {"$gt": 10_000}, "mpaa": {"$in": ["PG", "PG-13"]}},
    "action_comedies": {"$and": [{"genres": "Action"}, {"genres": "Comedy"}]},
    "has_mpaa": {"mpaa": {"$exists": True}},
}
ENGLISH = {
    "dramas_1990s": "dramas released 1990 to 1999 inclusive",
    "comedy_or_animation_8plus": "comedies or animations rated 8 or more",
    "popular_family": "films with more than 10,000 votes rated PG or PG-13",
    "action_comedies": "films that are both Action and Comedy",
    "has_mpaa": "films that have an MPAA rating",
}
TEXT_REFERENCE = {
    "love_or_war": {"title": {"$match_any": "love war"}},
    "star_and_wars": {"title": {"$match_all": "star wars"}},
    "drama_love": {"$and": [{"genres": "Drama"}, {"title": {"$match_any": "love"}}]},
}
TEXT_ENGLISH = {
    "love_or_war": "titles containing the word love or the word war",
    "star_and_wars": "titles containing both words star and wars, in any order",
    "drama_love": "dramas whose title contains the word love",
}

# Edge cases the films alone might not contain: boundaries, list fields, missing fields, and
# titles that separate the text-match operators (order, punctuation, case, word vs. part of a word).
EDGE = [
    ("e-drama-1990", "Edge One", {"genres": ["Drama"], "year": 1990, "rating": 7.0, "votes": 10}),
    ("e-drama-1999", "Edge Two", {"genres": ["Drama", "Crime"], "year": 1999, "rating": 6.0, "votes": 10,
                                  "mpaa": "R"}),
    ("e-drama-2000", "Edge Three", {"genres": ["Drama"], "year": 2000, "rating": 6.0, "votes": 10}),
    ("e-drama-1989", "Edge Four", {"genres": ["Comedy", "Drama"], "year": 1989, "rating": 8.5, "votes": 10}),
    ("e-comedy-8", "Edge Five", {"genres": ["Comedy"], "year": 1995, "rating": 8.0, "votes": 20_000, "mpaa": "PG"}),
    ("e-anim-799", "Edge Six", {"genres": ["Animation"], "year": 2001, "rating": 7.99, "votes": 10_000,
                                "mpaa": "PG"}),
    ("e-anim-drama-9", "Edge Seven", {"genres": ["Animation", "Drama"], "year": 1993, "rating": 9.0,
                                      "votes": 10_001, "mpaa": "PG-13"}),
    ("e-votes-10000", "Edge Eight", {"genres": ["Family"], "year": 2005, "rating": 5.0, "votes": 10_000,
                                     "mpaa": "PG"}),
    ("e-votes-r", "Edge Nine", {"genres": ["Action"], "year": 2005, "rating": 5.0, "votes": 50_000, "mpaa": "R"}),
    ("e-no-mpaa", "Edge Ten", {"genres": ["Action", "Comedy"], "year": 2005, "rating": 5.0, "votes": 50_000}),
    ("e-action-comedy-romance", "Edge Eleven", {"genres": ["Comedy", "Romance", "Action"], "year": 1980,
                                                "rating": 6.5, "votes": 12_000, "mpaa": "PG-13"}),
    ("e-no-genres", "Edge Twelve", {"year": 1995, "rating": 9.5, "votes": 99_999, "mpaa": "PG"}),
    ("e-t-wars-star", "Wars of the Star Kings", {"genres": ["Action"], "year": 2010}),
    ("e-t-starwars", "Starwars Parody", {"genres": ["Comedy"], "year": 2011}),
    ("e-t-star-war", "Star War Minus One", {"genres": ["Action"], "year": 2012}),
    ("e-t-love-actually", "Love, Actually Again", {"genres": ["Comedy"], "year": 2013}),
    ("e-t-lovely", "Lovely Bones Revisited", {"genres": ["Drama"], "year": 2014}),
    ("e-t-shouting", "LOVE AND WAR IN CAPITALS", {"genres": ["Drama"], "year": 2015}),
    ("e-t-love-drama", "A Love Too Late", {"genres": ["Drama", "Romance"], "year": 2016}),
    ("e-t-war-comedy", "War Games Redux", {"genres": ["Comedy"], "year": 2017}),
    ("e-t-warlove", "Warlove Heart", {"genres": ["Drama"], "year": 2018}),
]

_FILTER_INDEX: dict = {}


def _filter_index(films: int = 600):
    """The checker's index of edge cases and films the notebook never loaded (built once per server)."""
    from pinecone_ops import datasets

    pc = client()
    key = (os.environ.get("PINECONE_OPS_HOST"), os.environ.get("PINECONE_OPS_ADMIN_KEY"))
    if key in _FILTER_INDEX and pc.indexes.exists(_FILTER_INDEX[key][0]):
        return _FILTER_INDEX[key]
    _no_lag()
    name, index = _doc_index(pc, "chk-filters")
    df = datasets.load_movies().iloc[3_000:3_000 + films]
    docs = [{"_id": rid, "embedding": [1.0, 0.5, 0.25, 0.125], "title": title, **meta} for rid, title, meta in EDGE]
    for row in df.to_dict("records"):
        meta = datasets.movie_metadata(row, ("year", "rating", "votes", "genres", "mpaa"))
        docs.append({"_id": row["id"], "embedding": [0.5, 1.0, 0.25, 0.125], "title": str(row["title"]), **meta})
    for start in range(0, len(docs), 200):
        index.documents.upsert(namespace="films", documents=docs[start:start + 200])
    _FILTER_INDEX[key] = (name, index, len(docs))
    return _FILTER_INDEX[key]


def _selected(index, flt, n) -> set[str]:
    res = index.documents.search(namespace="films", top_k=n, filter=flt,
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": [1.0] * 4}])
    return {m.id for m in res.matches}


def _grade_filters(label: str, answers, reference: dict, english: dict) -> float:
    expect(isinstance(answers, dict), f"{label} must be a dict of filter dicts")
    name, index, n = _filter_index()
    score = 0.0
    for key, ref in reference.items():
        flt = answers.get(key)
        if not isinstance(flt, dict) or not flt:
            print(f"✗ {key}: no filter given")
            continue
        want = _selected(index, ref, n)
        try:
            got = _selected(index, flt, n)
        except Exception as exc:  # Pinecone rejected the filter
            print(f"✗ {key}: Pinecone rejected the filter: {str(exc)[:240]}")
            continue
        if got == want:
            score += 1
            print(f"✓ {key}")
        else:
            print(f"✗ {key} ({english[key]}): selects {len(got)} films, should select {len(want)}"
                  + (f"; {len(got - want)} it should not" if got - want else "")
                  + (f"; misses {len(want - got)}" if want - got else ""))
    return score


def check_filters(FILTERS) -> float:
    """One point per metadata filter that selects exactly the documents the requirement describes."""
    return _grade_filters("FILTERS", FILTERS, REFERENCE, ENGLISH)


def check_text_filters(TEXT_FILTERS) -> float:
    """One point per text-match filter (or mixed filter) that selects exactly the right documents."""
    return _grade_filters("TEXT_FILTERS", TEXT_FILTERS, TEXT_REFERENCE, TEXT_ENGLISH)


# ------------------------------------------------------------------------------------ validator

DIM = 3  # the validator's dimension


def _valid_cases() -> list[tuple[str, dict]]:
    base = {"id": "film-1", "values": [0.1, 0.2, 0.3]}
    meta_40k = {"text": "x" * (40_960 - len('{"text":""}'))}
    return [
        ("a plain record", base),
        ("integer values", {"id": "film-2", "values": [1, 0, 2]}),
        ("all metadata types", {**base, "metadata": {"genre": "drama", "year": 1994, "rating": 8.5,
                                                      "tags": ["a", "b"], "classic": True}}),
        ("empty metadata", {**base, "metadata": {}}),
        ("a 512-character id", {**base, "id": "i" * 512}),
        ("metadata of exactly 40,960 bytes", {**base, "metadata": meta_40k}),
        ("an id with punctuation", {**base, "id": "user#42/doc-7:chunk_3"}),
    ]


def _invalid_cases() -> list[tuple[str, dict]]:
    base = {"id": "film-1", "values": [0.1, 0.2, 0.3]}
    return [
        ("an empty id", {**base, "id": ""}),
        ("a non-string id", {**base, "id": 42}),
        ("a 513-character id", {**base, "id": "i" * 513}),
        ("a non-ASCII id", {**base, "id": "fïlm-1"}),
        ("an id with a NUL character", {**base, "id": "film\x001"}),
        ("too few values", {**base, "values": [0.1, 0.2]}),
        ("too many values", {**base, "values": [0.1, 0.2, 0.3, 0.4]}),
        ("a NaN value", {**base, "values": [0.1, float("nan"), 0.3]}),
        ("an infinite value", {**base, "values": [0.1, float("inf"), 0.3]}),
        ("a string among the values", {**base, "values": [0.1, "0.2", 0.3]}),
        ("no values at all", {"id": "film-1"}),
        ("a null metadata value", {**base, "metadata": {"mpaa": None}}),
        ("nested metadata", {**base, "metadata": {"cast": {"lead": "A"}}}),
        ("a list of numbers in metadata", {**base, "metadata": {"scores": [1, 2]}}),
        ("a metadata key starting with $", {**base, "metadata": {"$year": 1994}}),
        ("metadata that is not a dict", {**base, "metadata": ["drama"]}),
        ("metadata of 40,961 bytes", {**base, "metadata": {"text": "x" * (40_961 - len('{"text":""}'))}}),
        ("a NaN metadata number", {**base, "metadata": {"rating": float("nan")}}),
    ]


def check_validate_record(validate_record) -> None:
    """Accepts what Pinecone accepts, raises ValueError for what it rejects (+ a property test)."""
    HealthCheck, given, settings, st = property_test_imports()

    for what, rec in _valid_cases():
        exc = raises(validate_record, rec, DIM)
        expect(exc is None, f"validate_record rejected a valid record ({what}) with {exc!r}")
    for what, rec in _invalid_cases():
        exc = raises(validate_record, rec, DIM)
        expect(exc is not None, f"validate_record accepted {what}; Pinecone would reject it")
        expect(isinstance(exc, ValueError), f"for {what}, raise ValueError (got {error_name(exc)}: {exc})")

    ascii_id = st.text(alphabet=string.ascii_letters + string.digits + "-_#:", min_size=1, max_size=40)
    scalar = st.one_of(st.text(max_size=20), st.integers(-10**6, 10**6), st.booleans(),
                       st.floats(allow_nan=False, allow_infinity=False, width=32))
    value = st.one_of(scalar, st.lists(st.text(max_size=10), max_size=4))
    meta = st.dictionaries(st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=10), value, max_size=6)
    vec = st.lists(st.floats(-1, 1, allow_nan=False), min_size=DIM, max_size=DIM)

    @settings(max_examples=80, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(rid=ascii_id, values=vec, metadata=meta)
    def valid_records_pass(rid, values, metadata):
        rec = {"id": rid, "values": values, "metadata": metadata}
        exc = raises(validate_record, rec, DIM)
        expect(exc is None, f"validate_record rejected a valid record {json.dumps(rec)[:200]} with {exc!r}")

    valid_records_pass()


# ------------------------------------------------------------------------------------ tenants

TENANTS = {"acme": 300, "globex": 40, "initech": 6}
TDIM = 8         # the tenants' embeddings


def _tenant_docs(tenant: str, n: int) -> list[dict]:
    out = []
    for i in range(n):
        h = zlib.crc32(f"{tenant}{i}".encode())
        angle = (h % 100_003) / 100_003 * math.pi
        out.append({"_id": f"{tenant}-doc-{i}",
                    "embedding": [math.cos(angle), math.sin(angle), 0.1 * (i % 7), 0.3, 0.2,
                                  0.1 + (h % 997) / 9970, 0.05, 0.01],
                    "title": f"document {i} of {tenant}", "tenant": tenant})
    return out


def _ledger_namespaces(index_name: str) -> dict:
    adm = admin()
    if adm is None or not hasattr(adm, "ledger"):
        return {}
    report = adm.ledger()
    return ((report or {}).get("indexes", {}).get(index_name) or {}).get("namespaces", {})


def _searches(log) -> list[dict]:
    return [e for e in log if "search" in str(e.get("operation", "")) or e.get("operation") == "query"]


def check_tenants(upsert_tenant, search_tenant) -> None:
    """Isolation by namespace: only the tenant's documents, and a search costs what the tenant's own data costs."""
    pc = client()
    _no_lag()
    name, _ = _doc_index(pc, "chk-tenants", TDIM)
    index = _their_index(name)
    # Meter the classroom-sized data as if it were production-sized.
    scaled = set_options(meter_scale=250_000.0)
    try:
        for tenant, n in TENANTS.items():
            upsert_tenant(index, tenant, _tenant_docs(tenant, n))
        q = _tenant_docs("globex", 1)[0]["embedding"]
        for tenant, n in TENANTS.items():
            with watch(index=name) as log:
                ids = list(search_tenant(index, tenant, q, top_k=10))
            expect(ids, f"search_tenant(index, {tenant!r}, ...) returned nothing")
            leaked = [i for i in ids if not str(i).startswith(f"{tenant}-")]
            expect(not leaked, f"search_tenant for {tenant!r} returned {len(leaked)} other tenants' documents")
            expect(len(ids) == min(10, n),
                   f"search_tenant for {tenant!r} with top_k=10 should return {min(10, n)} ids, got {len(ids)}")
            if scaled and log_available():
                searches = _searches(log)
                expect(len(searches) == 1, f"search_tenant made {len(searches)} searches; one does it")
                own = _ledger_namespaces(name).get(tenant, {}).get("storage_bytes")
                expect(own, f"there is no namespace named {tenant!r}: give each tenant its own namespace "
                       f"(namespace={tenant!r} in upsert and search)")
                want = max(0.25, own / 1e9)
                got = float(searches[0].get("read_units", 0))
                expect(got <= want * 1.01 + 1e-9, f"a search for {tenant!r} cost {got:.2f} RU but {tenant}'s own "
                       f"data costs {want:.2f} RU to search: your search covered other tenants' data too. Filters "
                       "do not reduce serverless cost; a namespace per tenant does")
    finally:
        if scaled:
            set_options(meter_scale=1.0)
        pc.indexes.delete(name)


def check_search_all_tenants(search_all_tenants) -> None:
    """No joins: one search per tenant namespace, merged by score into the overall top k."""
    pc = client()
    _no_lag()
    name, mine = _doc_index(pc, "chk-fanout", TDIM)
    index = _their_index(name)
    try:
        sizes = {"umbrella": 25, "cyberdyne": 12, "tyrell": 3}
        for tenant, n in sizes.items():
            mine.documents.upsert(namespace=tenant, documents=_tenant_docs(tenant, n))
        for qt, k, tenants in (("cyberdyne", 7, list(sizes)), ("tyrell", 12, ["tyrell", "umbrella"]),
                               ("umbrella", 50, list(sizes)), ("tyrell", 2, ["cyberdyne"])):
            q = _tenant_docs(qt, 2)[1]["embedding"]
            scored = []
            for t in tenants:
                res = mine.documents.search(namespace=t, top_k=k, score_by=[
                    {"type": "dense_vector", "field": "embedding", "values": q}])
                scored += [(m.score, m.id) for m in res.matches]
            want = [i for _, i in sorted(scored, key=lambda p: -p[0])[:k]]
            with watch(index=name) as log:
                got = list(search_all_tenants(index, list(tenants), q, k))
            expect([str(g) for g in got] == want,
                   f"search_all_tenants over {len(tenants)} tenant(s) with k={k}: got {len(got)} ids, "
                   + ("the right ids in the wrong order: merge by score, best first" if sorted(map(str, got)) ==
                      sorted(want) else "not the overall best k: search each tenant's namespace for its top k "
                      "and keep the k best scores of all"))
            if log_available():
                searches = _searches(log)
                spaces = sorted(str(e.get("namespace")) for e in searches)
                expect(spaces == sorted(tenants), f"search_all_tenants over {len(tenants)} tenant(s) made "
                       f"{len(searches)} searches; make exactly one per tenant namespace")
    finally:
        pc.indexes.delete(name)


# ------------------------------------------------------------------------------------ waiting

def check_wait_until_visible(wait_until_visible) -> None:
    """Times out cleanly on ids that never appear, waits through lag that arrives in steps, without busy-spinning."""
    pc = client()
    _no_lag()
    name, index = _doc_index(pc, "chk-wait")
    theirs = _their_index(name)
    try:
        t0 = time.monotonic()
        with watch(index=name) as log:
            exc = raises(wait_until_visible, theirs, ["never-written-1", "never-written-2"], namespace="fresh",
                         timeout=1.5)
        elapsed = time.monotonic() - t0
        expect(exc is not None and error_name(exc) == "TimeoutError",
               f"waiting for ids that never appear must raise TimeoutError after `timeout` seconds; got {exc!r}")
        expect(elapsed >= 1.0, f"wait_until_visible gave up after {elapsed:.2f} s although timeout was 1.5 s")
        expect(elapsed < 10, f"wait_until_visible took {elapsed:.1f} s with timeout=1.5 s")
        if log_available():
            expect(len(log) <= 25, f"wait_until_visible made {len(log)} requests in 1.5 s: that is busy-spinning. "
                   "Sleep between polls and back off (e.g. double the pause each time)")
        lagged = set_options(consistency_lag_ms=1_000)
        try:
            ids = [f"lag-{i}" for i in range(30)]
            docs = [{"_id": i, "embedding": [1.0, 0.5, 0.25, float(k + 1)], "title": f"news {k}"}
                    for k, i in enumerate(ids)]
            index.documents.upsert(namespace="fresh", documents=docs[:15])
            time.sleep(0.5)                       # the second half becomes visible half a second later
            index.documents.upsert(namespace="fresh", documents=docs[15:])
            with watch(index=name) as log:
                exc = raises(wait_until_visible, theirs, ids, namespace="fresh", timeout=15)
            expect(exc is None, f"wait_until_visible raised {exc!r} while the documents were on their way")
            seen = index.documents.fetch(namespace="fresh", ids=ids).documents
            expect(len(seen) == len(ids), f"wait_until_visible returned before every id was visible "
                   f"({len(seen)}/{len(ids)} fetchable): wait for all of them")
            if lagged and log_available():
                expect(len(log) <= 25, f"wait_until_visible made {len(log)} requests to wait about a second: "
                       "back off between polls")
        finally:
            if lagged:
                set_options(consistency_lag_ms=0)
    finally:
        pc.indexes.delete(name)
