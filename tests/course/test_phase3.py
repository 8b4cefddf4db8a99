"""Phase 3 graded by real nbgrader: solution, blank, a different correct solution, typical mistakes."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASE = "phase3"

ALTERNATIVE = {
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
def upsert_tenant(index, tenant, records):
    index.upsert(vectors=records, namespace=tenant, batch_size=200)


def search_tenant(index, tenant, vector, top_k=10):
    res = index.query(namespace=tenant, vector=list(vector), top_k=top_k, include_values=False)
    return [match.id for match in res.matches]
''',
    "wait_until_visible": '''
import time

def wait_until_visible(index, ids, namespace="", timeout=10.0):
    start, attempt = time.time(), 0
    while True:
        got = index.fetch(ids=list(ids), namespace=namespace).vectors
        if all(i in got for i in ids):
            return True
        if time.time() - start >= timeout:
            raise TimeoutError("records not visible yet")
        attempt += 1
        time.sleep(min(0.1 * 1.5 ** attempt, 0.8, max(0.0, timeout - (time.time() - start))))
''',
}

MISTAKES = {
    # $in with both genres selects either (not both); off-by-one bounds ($lt 1999, $gt 8, $gte 10,000).
    "filters": '''
FILTERS = {
    "dramas_1990s": {"genres": "Drama", "year": {"$gte": 1990, "$lt": 1999}},
    "comedy_or_animation_8plus": {"$or": [{"genres": "Comedy"}, {"genres": "Animation"}], "rating": {"$gt": 8}},
    "popular_family": {"votes": {"$gte": 10000}, "mpaa": {"$in": ["PG", "PG-13"]}},
    "action_comedies": {"genres": {"$in": ["Action", "Comedy"]}},
    "has_mpaa": {"mpaa": {"$exists": True}},
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
def upsert_tenant(index, tenant, records):
    tagged = [{**r, "metadata": {**r.get("metadata", {}), "tenant": tenant}} for r in records]
    index.upsert(vectors=tagged)                       # one shared namespace


def search_tenant(index, tenant, vector, top_k=10):
    res = index.query(vector=vector, top_k=top_k, filter={"tenant": tenant})
    return [m.id for m in res.matches]
''',
    "wait_until_visible": '''
import time

def wait_until_visible(index, ids, namespace="", timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:                 # busy-spins
        if len(index.fetch(ids=ids, namespace=namespace).vectors) == len(ids):
            return
    raise TimeoutError("not visible")
''',
}


class TestPhase3(PhaseContract):
    PHASE = PHASE
    STUDENTS = {"alternative": ALTERNATIVE, "mistakes": MISTAKES}
    MAX_TOTAL = 14

    def test_typical_mistakes_lose_their_points(self, run):
        s = run.scores("mistakes")
        # filters: partial credit, 1 point per filter; only has_mpaa is right.
        assert s == {"test_filters": 1, "test_validate_record": 0, "test_tenants": 0, "test_wait_until_visible": 0}, s
