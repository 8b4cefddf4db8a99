"""Hidden checks for phase 3 (Architecture and concepts)."""
from __future__ import annotations

import json
import math
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

# Edge cases the films alone might not contain: boundaries, list fields, missing fields.
EDGE = [
    ("e-drama-1990", {"genres": ["Drama"], "year": 1990, "rating": 7.0, "votes": 10}),
    ("e-drama-1999", {"genres": ["Drama", "Crime"], "year": 1999, "rating": 6.0, "votes": 10, "mpaa": "R"}),
    ("e-drama-2000", {"genres": ["Drama"], "year": 2000, "rating": 6.0, "votes": 10}),
    ("e-drama-1989", {"genres": ["Comedy", "Drama"], "year": 1989, "rating": 8.5, "votes": 10}),
    ("e-comedy-8", {"genres": ["Comedy"], "year": 1995, "rating": 8.0, "votes": 20_000, "mpaa": "PG"}),
    ("e-anim-799", {"genres": ["Animation"], "year": 2001, "rating": 7.99, "votes": 10_000, "mpaa": "PG"}),
    ("e-anim-drama-9", {"genres": ["Animation", "Drama"], "year": 1993, "rating": 9.0, "votes": 10_001,
                        "mpaa": "PG-13"}),
    ("e-votes-10000", {"genres": ["Family"], "year": 2005, "rating": 5.0, "votes": 10_000, "mpaa": "PG"}),
    ("e-votes-r", {"genres": ["Action"], "year": 2005, "rating": 5.0, "votes": 50_000, "mpaa": "R"}),
    ("e-no-mpaa", {"genres": ["Action", "Comedy"], "year": 2005, "rating": 5.0, "votes": 50_000}),
    ("e-action-comedy-romance", {"genres": ["Comedy", "Romance", "Action"], "year": 1980, "rating": 6.5,
                                 "votes": 12_000, "mpaa": "PG-13"}),
    ("e-no-genres", {"year": 1995, "rating": 9.5, "votes": 99_999, "mpaa": "PG"}),
]


def _filter_index(pc, films: int = 600):
    from pinecone import ServerlessSpec

    from pinecone_ops import datasets

    name = fresh_name("chk-filters")
    pc.create_index(name=name, dimension=4, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    index = pc.Index(host=pc.describe_index(name).host)
    df = datasets.load_movies().iloc[3_000:3_000 + films]  # films the notebook never showed
    recs = [(rid, [1.0, 0.5, 0.25, 0.125], meta) for rid, meta in EDGE]
    recs += [(row["id"], [0.5, 1.0, 0.25, 0.125], datasets.movie_metadata(row, ("year", "rating", "votes",
                                                                              "genres", "mpaa")))
             for row in df.to_dict("records")]
    for start in range(0, len(recs), 500):
        index.upsert(vectors=recs[start:start + 500])
    return name, index, len(recs)


def _selected(index, flt, n) -> set[str]:
    res = index.query(vector=[1.0, 1.0, 1.0, 1.0], top_k=n, filter=flt)
    return {m.id for m in res.matches}


def check_filters(FILTERS) -> float:
    """One point per filter that selects exactly the records the requirement describes.

    Returns the points earned (nbgrader partial credit) and prints what is wrong."""
    expect(isinstance(FILTERS, dict), "FILTERS must be a dict of filter dicts")
    pc = client()
    name, index, n = _filter_index(pc)
    score = 0.0
    try:
        for key, ref in REFERENCE.items():
            flt = FILTERS.get(key)
            if not isinstance(flt, dict):
                print(f"✗ {key}: no filter given")
                continue
            want = _selected(index, ref, n)
            try:
                got = _selected(index, flt, n)
            except Exception as exc:  # Pinecone rejected the filter
                print(f"✗ {key}: Pinecone rejected the filter: {exc}")
                continue
            if got == want:
                score += 1
                print(f"✓ {key}")
            else:
                extra, missing = sorted(got - want)[:3], sorted(want - got)[:3]
                print(f"✗ {key} ({ENGLISH[key]}): selects {len(got)} records, should select {len(want)}"
                      + (f"; wrongly includes e.g. {extra}" if extra else "")
                      + (f"; misses e.g. {missing}" if missing else ""))
    finally:
        pc.delete_index(name)
    return score


# ------------------------------------------------------------------------------------ validator

DIM = 3


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


def _tenant_records(tenant: str, n: int) -> list[dict]:
    out = []
    for i in range(n):
        angle = (zlib.crc32(f"{tenant}{i}".encode()) % 1000) / 1000 * math.pi
        out.append({"id": f"{tenant}-doc-{i}", "values": [math.cos(angle), math.sin(angle), 0.1 * (i % 7), 0.3,
                                                            0.2, 0.1, 0.05, 0.01],
                    "metadata": {"tenant": tenant, "title": f"document {i} of {tenant}"}})
    return out


def _ledger_namespaces(index_name: str) -> dict:
    adm = admin()
    if adm is None or not hasattr(adm, "ledger"):
        return {}
    report = adm.ledger()
    return ((report or {}).get("indexes", {}).get(index_name) or {}).get("namespaces", {})


def _their_index(name: str):
    """Index ``name`` as an object of the learner's kernel, for their functions (its host as the
    kernel sees it: the grader's own address is not theirs)."""
    theirs = student_client()
    return theirs.Index(host=theirs.describe_index(name).host)


def check_tenants(upsert_tenant, search_tenant) -> None:
    """Isolation by namespace: only the tenant's records, and a query costs what the tenant's own data costs."""
    from pinecone import ServerlessSpec

    pc = client()
    name = fresh_name("chk-tenants")
    pc.create_index(name=name, dimension=8, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    index = _their_index(name)
    # Meter the classroom-sized data as if it were production-sized: globex's ~4 KB become ~1 GB.
    scaled = set_options(meter_scale=250_000.0)
    try:
        for tenant, n in TENANTS.items():
            upsert_tenant(index, tenant, _tenant_records(tenant, n))
        q = _tenant_records("globex", 1)[0]["values"]
        for tenant, n in TENANTS.items():
            with watch(index=name) as log:
                ids = list(search_tenant(index, tenant, q, top_k=10))
            expect(ids, f"search_tenant(index, {tenant!r}, ...) returned nothing")
            leaked = [i for i in ids if not str(i).startswith(f"{tenant}-")]
            expect(not leaked, f"search_tenant for {tenant!r} returned other tenants' records: {leaked[:3]}")
            expect(len(ids) == min(10, n),
                   f"search_tenant for {tenant!r} should return {min(10, n)} ids, got {len(ids)}")
            if scaled and log_available():
                queries = [e for e in log if e.get("operation") == "query"]
                expect(len(queries) == 1, f"search_tenant made {len(queries)} queries; one does it")
                entry = queries[0]
                own = _ledger_namespaces(name).get(tenant, {}).get("storage_bytes")
                expect(own, f"there is no namespace named {tenant!r}: give each tenant its own namespace "
                       f"(namespace={tenant!r} in upsert and query)")
                want = max(0.25, own / 1e9)
                got = float(entry.get("read_units", 0))
                expect(got <= want * 1.01 + 1e-9, f"a query for {tenant!r} cost {got:.2f} RU but {tenant}'s own data "
                       f"costs {want:.2f} RU to search: your query searched other tenants' data too. Filters do "
                       "not reduce serverless cost; a namespace per tenant does")
    finally:
        if scaled:
            set_options(meter_scale=1.0)
        pc.delete_index(name)


# ------------------------------------------------------------------------------------ waiting

def check_wait_until_visible(wait_until_visible) -> None:
    """Times out cleanly on ids that never appear, and waits through lag, without busy-spinning."""
    from pinecone import ServerlessSpec

    pc = client()
    name = fresh_name("chk-wait")
    pc.create_index(name=name, dimension=4, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    index, theirs = pc.Index(host=pc.describe_index(name).host), _their_index(name)
    try:
        t0 = time.monotonic()
        with watch(index=name) as log:
            exc = raises(wait_until_visible, theirs, ["never-written-1", "never-written-2"], namespace="", timeout=1.5)
        elapsed = time.monotonic() - t0
        expect(isinstance(exc, TimeoutError), f"waiting for ids that never appear must raise TimeoutError after "
               f"`timeout` seconds; got {exc!r}")
        expect(elapsed >= 1.0, f"wait_until_visible gave up after {elapsed:.2f} s although timeout was 1.5 s")
        expect(elapsed < 10, f"wait_until_visible took {elapsed:.1f} s with timeout=1.5 s")
        if log_available():
            expect(len(log) <= 25, f"wait_until_visible made {len(log)} requests in 1.5 s: that is busy-spinning. "
                   "Sleep between polls and back off (e.g. double the pause each time)")
        lagged = set_options(consistency_lag_ms=1_200)
        try:
            ids = [f"lag-{i}" for i in range(30)]
            index.upsert(vectors=[(i, [1.0, 0.5, 0.25, float(k + 1)]) for k, i in enumerate(ids)], namespace="fresh")
            with watch(index=name) as log:
                exc = raises(wait_until_visible, theirs, ids, namespace="fresh", timeout=15)
            expect(exc is None, f"wait_until_visible raised {exc!r} while the records were on their way")
            seen = index.fetch(ids=ids, namespace="fresh").vectors
            expect(len(seen) == len(ids), f"wait_until_visible returned before all records were visible "
                   f"({len(seen)}/{len(ids)} fetchable)")
            if lagged and log_available():
                expect(len(log) <= 25, f"wait_until_visible made {len(log)} requests to wait about a second: "
                       "back off between polls")
        finally:
            if lagged:
                set_options(consistency_lag_ms=0)
    finally:
        pc.delete_index(name)
