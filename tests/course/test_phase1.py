"""Phase 1 graded by real nbgrader: solution, blank, a different correct solution, typical mistakes."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASE = "phase1"

ALTERNATIVE = {
    "choose_deployment": '''
def choose_deployment(w):
    load = w.qps * (w.namespace_gb if w.namespace_gb > 0.25 else 0.25)
    rules = [
        (lambda: w.on_premises, "self-hosted"),
        (lambda: w.own_cloud_account, "byoc"),
        (lambda: load >= 2_000 or (w.steady and load >= 20), "dedicated-read-nodes"),
    ]
    return next((answer for test, answer in rules if test()), "serverless")
''',
    "can_change": '''
ALL = ["name", "dimension", "metric", "vector_type", "cloud_region", "deletion_protection", "tags",
       "read_capacity", "pod_replicas", "pod_size_up", "pod_size_down", "pod_type", "pod_shards"]
YES = {"deletion_protection", "tags", "read_capacity", "pod_replicas", "pod_size_up"}
CAN_CHANGE = {key: key in YES for key in ALL}
''',
    "inventory": '''
def inventory(pc):
    out = []
    for d in pc.list_indexes():
        stats = pc.Index(name=d.name).describe_index_stats()
        tags = dict(d.tags) if d.tags else {}
        out.append(dict(name=d.name, dimension=int(d.dimension), metric=str(d.metric),
                        kind="serverless" if d.spec.serverless is not None else "pod",
                        protected=str(d.deletion_protection) == "enabled", env=tags.get("env", None),
                        records=sum(ns.vector_count for ns in stats.namespaces.values())))
    return out
''',
    "cleanup_candidates": '''
def cleanup_candidates(rows):
    keep = []
    for row in rows:
        if row["protected"]:
            continue
        if row["env"] == "prod" or row["env"] == "staging":
            continue
        keep.append(row["name"])
    keep.sort()
    return keep
''',
}

# Typical mistakes that pass the visible tests and must lose their points.
MISTAKES = {
    "choose_deployment": '''
def choose_deployment(w):
    load = w.qps * w.namespace_gb          # forgets the 0.25 RU minimum per query
    if w.on_premises:
        return "self-hosted"
    if w.own_cloud_account:
        return "byoc"
    if load >= 2000 or (w.steady and load >= 20):
        return "dedicated-read-nodes"
    return "serverless"
''',
    "can_change": '''
CAN_CHANGE = {"name": False, "dimension": False, "metric": False, "vector_type": False, "cloud_region": False,
              "deletion_protection": True, "tags": True, "read_capacity": True, "pod_replicas": True,
              "pod_size_up": True, "pod_size_down": True, "pod_type": False, "pod_shards": False}
''',
    "inventory": '''
def inventory(pc):
    rows = []
    for name in pc.list_indexes().names():
        d = pc.describe_index(name)
        stats = pc.Index(host=d.host).describe_index_stats()
        rows.append({"name": name, "kind": "serverless", "dimension": d.dimension, "metric": d.metric,
                     "protected": d.deletion_protection == "enabled", "env": (d.tags or {}).get("env"),
                     "records": stats.total_vector_count})
    return rows
''',
    "cleanup_candidates": '''
def cleanup_candidates(rows):
    return sorted(r["name"] for r in rows if not r["protected"])
''',
}
# A second mistake for the rule order: BYOC checked before on-premises.
MISTAKES_2 = {
    "choose_deployment": '''
def choose_deployment(w):
    load = w.qps * max(0.25, w.namespace_gb)
    if w.own_cloud_account:
        return "byoc"
    if w.on_premises:
        return "self-hosted"
    if load > 2000 or (w.steady and load > 20):
        return "dedicated-read-nodes"
    return "serverless"
''',
    "inventory": '''
def inventory(pc):
    rows = []
    for name in pc.list_indexes().names():
        d = pc.describe_index(name)
        stats = pc.Index(host=d.host).describe_index_stats()
        default = stats.namespaces.get("__default__")
        rows.append({"name": name, "kind": "pod" if d.spec.pod else "serverless", "dimension": d.dimension,
                     "metric": d.metric, "protected": d.deletion_protection == "enabled",
                     "env": (d.tags or {}).get("env"), "records": default.vector_count if default else 0})
    return rows
''',
}


class TestPhase1(PhaseContract):
    PHASE = PHASE
    STUDENTS = {"alternative": ALTERNATIVE, "mistakes": MISTAKES, "mistakes2": MISTAKES_2}
    FEEDBACK = True
    MAX_TOTAL = 9

    def test_typical_mistakes_lose_their_points(self, run):
        s = run.scores("mistakes")
        assert s == {"test_choose_deployment": 0, "test_can_change": 0, "test_inventory": 0,
                     "test_cleanup_candidates": 0}, s
        s2 = run.scores("mistakes2")
        assert s2["test_choose_deployment"] == 0 and s2["test_inventory"] == 0, s2
        assert s2["test_can_change"] == 2 and s2["test_cleanup_candidates"] == 1, s2

    def test_feedback_keeps_hidden_tests_hidden_but_teaches(self, run):
        html = (run.graded.course_dir / "feedback" / "mistakes" / PHASE / f"{PHASE}.html").read_text()
        for secret in ("HIDDEN TESTS", "autograder", "check_choose_deployment", "BEGIN SOLUTION"):
            assert secret not in html, secret
        # The learner sees the check's message (it explains the rule), not a traceback into it.
        assert "pod_size_down" in html and "cannot change after creation" in html
        assert "most recent call last" not in html and "ipython-input" not in html
