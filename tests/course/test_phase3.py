"""Phase 3 graded by real nbgrader: solution, blank, different correct solutions, typical mistakes.

The students are written from the notebook's instructions (the tables of requirements and the
exercise texts), not from its solution cells."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASE = "phase3"

ALTERNATIVE = {
    "arch_facts": '''
ARCH_FACTS = dict.fromkeys([
    "a document is visible to search as soon as upsert returns",
    "a metadata filter lowers the read units a query costs",
    "top_k=1000 costs more read units than top_k=10",
    "a new Standard organisation can create pod-based indexes with API 2026-07",
], False)
ARCH_FACTS["every write gets a log sequence number (LSN)"] = True
''',
    "query_ru": '''
def ru(gb):
    return max(0.25, gb)

QUERY_RU = {
    "a 0.1 GB namespace, top_k=10": ru(0.1),
    "a 0.1 GB namespace, top_k=1000": ru(0.1),
    "a 3 GB namespace, with a metadata filter that keeps 1% of it": ru(3.0),
    "one tenant's 2 GB namespace in an index of 50 such tenants": ru(2.0),
    "one shared 100 GB namespace of 50 tenants, filtered to one tenant": ru(50 * 2.0),
}
''',
    "filters": '''
FILTERS = {
    "dramas_1990s": {"genres": {"$eq": "Drama"}, "year": {"$gt": 1989, "$lt": 2000}},
    "comedy_or_animation_8plus": {"$or": [{"genres": "Comedy", "rating": {"$gte": 8}},
                                          {"genres": "Animation", "rating": {"$gte": 8.0}}]},
    "popular_family": {"$or": [{"mpaa": "PG", "votes": {"$gte": 10001}}, {"mpaa": "PG-13", "votes": {"$gt": 10000}}]},
    "action_comedies": {"genres": {"$in": ["Action"]}, "$and": [{"genres": {"$in": ["Comedy"]}}]},
    "has_mpaa": {"mpaa": {"$in": ["G", "PG", "PG-13", "R", "NC-17"]}},
}
''',

    "text_filters": '''
TEXT_FILTERS = {
    "love_or_war": {"$or": [{"title": {"$match_phrase": "love"}}, {"title": {"$match_any": "war"}}]},
    "star_and_wars": {"$and": [{"title": {"$match_any": "wars"}}, {"title": {"$match_phrase": "star"}}]},
    "drama_love": {"genres": "Drama", "title": {"$match_all": "love"}},
}
''',
    "validate_record": '''
import json, math

ALLOWED = (str, int, float, bool)

def _number(v):
    return type(v) in (int, float) and math.isfinite(v)

def validate_record(record, dimension):
    problems = []
    rid = record.get("id")
    if not (isinstance(rid, str) and 0 < len(rid) <= 512 and all(0 < ord(ch) < 128 for ch in rid)):
        problems.append("bad id")
    vals = record.get("values")
    if not isinstance(vals, list) or len(vals) != dimension or not all(_number(v) for v in vals):
        problems.append("bad values")
    meta = record.get("metadata", {})
    if not isinstance(meta, dict):
        problems.append("metadata must be an object")
    else:
        for k, v in meta.items():
            ok = (isinstance(v, list) and all(type(x) is str for x in v)) or type(v) in (str, bool) or _number(v)
            if k.startswith("$") or not ok:
                problems.append(f"bad metadata {k}")
        if len(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()) > 40960:
            problems.append("metadata over 40 KB")
    if problems:
        raise ValueError("; ".join(problems))
''',

    "tenants": '''
def upsert_tenant(index, tenant, documents):
    index.documents.batch_upsert(namespace=tenant, documents=documents, batch_size=100)


def search_tenant(index, tenant, vector, top_k=10):
    res = index.documents.search(namespace=tenant, top_k=top_k, include_fields=["tenant"],
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": list(vector)}])
    return [m.id for m in res.matches]
''',
    "search_all_tenants": '''
import heapq

def search_all_tenants(index, tenants, vector, k):
    pool = []
    for t in tenants:
        res = index.documents.search(namespace=t, top_k=k + 5,
                                     score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
        pool.extend(res.matches)
    return [m.id for m in heapq.nlargest(k, pool, key=lambda m: m.score)]
''',
    "limits_facts": '''
LIMITS_FACTS = {k: False for k in [
    "one query can search two namespaces",
    "a query can join documents of two indexes on a shared key",
    "on-demand serverless serves 150 queries/s on one namespace without a limit increase"]}
LIMITS_FACTS.update({"the 100 requests/s limit counts each namespace separately": True,
                     "a RateLimitError tells you how long to wait before retrying": True})
''',
    "wait_until_visible": '''
import time

def wait_until_visible(index, ids, namespace, timeout=10.0):
    start, attempt = time.time(), 0
    while True:
        got = index.documents.fetch(namespace=namespace, ids=list(ids)).documents
        if all(i in got for i in ids):
            return True
        if time.time() - start >= timeout:
            raise TimeoutError("documents not visible yet")
        attempt += 1
        time.sleep(min(0.1 * 1.5 ** attempt, 0.8, max(0.0, timeout - (time.time() - start))))
''',
}

MISTAKES = {
    # read-your-writes, filters that cost less, top_k that costs more, pods still creatable.
    "arch_facts": '''
ARCH_FACTS = {
    "a document is visible to search as soon as upsert returns": True,
    "a metadata filter lowers the read units a query costs": True,
    "top_k=1000 costs more read units than top_k=10": True,
    "every write gets a log sequence number (LSN)": True,
    "a new Standard organisation can create pod-based indexes with API 2026-07": True,
}
''',
    # a filter that keeps 1% costs 1% (and top_k scales the cost).
    "query_ru": '''
QUERY_RU = {
    "a 0.1 GB namespace, top_k=10": 0.25,
    "a 0.1 GB namespace, top_k=1000": 2.5,
    "a 3 GB namespace, with a metadata filter that keeps 1% of it": 0.03,
    "one tenant's 2 GB namespace in an index of 50 such tenants": 2,
    "one shared 100 GB namespace of 50 tenants, filtered to one tenant": 2,
}
''',
    "filters": '''
FILTERS = {
    "dramas_1990s": {"genres": "Drama", "year": {"$gte": 1990, "$lt": 1999}},
    "comedy_or_animation_8plus": {"$or": [{"genres": "Comedy"}, {"genres": "Animation"}], "rating": {"$gt": 8}},
    "popular_family": {"votes": {"$gte": 10000}, "mpaa": {"$in": ["PG", "PG-13"]}},
    "action_comedies": {"genres": {"$in": ["Action", "Comedy"]}},
    "has_mpaa": {"mpaa": {"$exists": True}},
}
''',

    # $match_all for "either word", a phrase for "any order", $eq on a full-text field (refused).
    "text_filters": '''
TEXT_FILTERS = {
    "love_or_war": {"title": {"$match_all": "love war"}},
    "star_and_wars": {"title": {"$match_phrase": "star wars"}},
    "drama_love": {"genres": "Drama", "title": {"$eq": "love"}},
}
''',
    "validate_record": '''
def validate_record(record, dimension):
    if not record.get("id"):
        raise ValueError("id required")
    if len(record.get("values", [])) != dimension:
        raise ValueError("wrong dimension")
    for k, v in (record.get("metadata") or {}).items():
        if v is None:
            raise ValueError(f"{k} is null")
''',

    "tenants": '''
def upsert_tenant(index, tenant, documents):
    tagged = [{**d, "tenant": tenant} for d in documents]
    index.documents.upsert(namespace="all", documents=tagged)        # one shared namespace


def search_tenant(index, tenant, vector, top_k=10):
    res = index.documents.search(namespace="all", top_k=top_k, filter={"tenant": tenant},
                                 score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
    return [m.id for m in res.matches]
''',
    # each tenant's results one after the other, not merged by score.
    "search_all_tenants": '''
def search_all_tenants(index, tenants, vector, k):
    out = []
    for t in tenants:
        res = index.documents.search(namespace=t, top_k=k,
                                     score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
        out += [m.id for m in res.matches]
    return out[:k]
''',
    # a query per index with joins, 150 QPS on one namespace is fine.
    "limits_facts": '''
LIMITS_FACTS = {
    "one query can search two namespaces": False,
    "a query can join documents of two indexes on a shared key": False,
    "on-demand serverless serves 150 queries/s on one namespace without a limit increase": True,
    "the 100 requests/s limit counts each namespace separately": True,
    "a RateLimitError tells you how long to wait before retrying": True,
}
''',
    "wait_until_visible": '''
import time

def wait_until_visible(index, ids, namespace, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:                 # busy-spins
        if len(index.documents.fetch(namespace=namespace, ids=ids).documents) == len(ids):
            return
    raise TimeoutError("not visible")
''',
}

MISTAKES2 = {
    # no 0.25 RU floor.
    "query_ru": '''
QUERY_RU = {
    "a 0.1 GB namespace, top_k=10": 0.1,
    "a 0.1 GB namespace, top_k=1000": 0.1,
    "a 3 GB namespace, with a metadata filter that keeps 1% of it": 3,
    "one tenant's 2 GB namespace in an index of 50 such tenants": 2,
    "one shared 100 GB namespace of 50 tenants, filtered to one tenant": 100,
}
''',
    # "wars" is not "war" without stemming: $match_any "love war wars" lets Star Wars in.
    "text_filters": '''
TEXT_FILTERS = {
    "love_or_war": {"title": {"$match_any": "love war wars"}},
    "star_and_wars": {"title": {"$match_all": "star wars"}},
    "drama_love": {"$and": [{"genres": "Drama"}, {"title": {"$match_any": "love"}}]},
}
''',
    # the best result of each tenant only.
    "search_all_tenants": '''
def search_all_tenants(index, tenants, vector, k):
    best = []
    for t in tenants:
        res = index.documents.search(namespace=t, top_k=1,
                                     score_by=[{"type": "dense_vector", "field": "embedding", "values": vector}])
        best += [(m.score, m.id) for m in res.matches]
    return [i for _, i in sorted(best, reverse=True)][:k]
''',
    # returns as soon as any of the ids is visible.
    "wait_until_visible": '''
import time

def wait_until_visible(index, ids, namespace, timeout=10.0):
    deadline, pause = time.monotonic() + timeout, 0.05
    while time.monotonic() < deadline:
        if index.documents.fetch(namespace=namespace, ids=list(ids)).documents:
            return
        time.sleep(pause)
        pause = min(2 * pause, 1.0)
    raise TimeoutError("not visible")
''',
}


class TestPhase3(PhaseContract):
    PHASE = PHASE
    STUDENTS = {"alternative": ALTERNATIVE, "mistakes": MISTAKES, "mistakes2": MISTAKES2}
    MAX_TOTAL = 22

    def test_typical_mistakes_lose_their_points(self, run):
        s = run.scores("mistakes")
        # filters: partial credit, 1 point per filter; only has_mpaa is right. Everything else: 0.
        assert s == {"test_arch_facts": 0, "test_query_ru": 0, "test_filters": 1, "test_text_filters": 0,
                     "test_validate_record": 0, "test_tenants": 0, "test_search_all_tenants": 0,
                     "test_limits_facts": 0, "test_wait_until_visible": 0}, s

    def test_more_mistakes_lose_exactly_their_points(self, run):
        s = run.scores("mistakes2")
        assert s == {"test_arch_facts": 1, "test_query_ru": 0, "test_filters": 5, "test_text_filters": 2,
                     "test_validate_record": 3, "test_tenants": 3, "test_search_all_tenants": 0,
                     "test_limits_facts": 1, "test_wait_until_visible": 0}, s
