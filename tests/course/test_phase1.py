"""Phase 1 graded by real nbgrader: solution, blank, a different correct solution, typical mistakes."""
from __future__ import annotations

import pytest

from tests.course.contract import PhaseContract

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASE = "phase1"
GRADE_CELLS = ("test_query_ru", "test_read_units_per_second", "test_choose_deployment", "test_statements",
               "test_can_change", "test_index_facts", "test_inventory", "test_cleanup_candidates")

# A correct solution written differently: rule tables, set-built dicts, the deprecated (but correct)
# SDK 10 spellings a learner copies from older docs, floats where we wrote ints.
ALTERNATIVE = {
    "query_ru": '''
PER_GB, FLOOR = 1.0, 0.25
QUERY_RU = {k: max(FLOOR, gb * PER_GB) for k, gb in [
    ("top_k=10 on a 4 GB namespace", 4.0), ("top_k=1000 on the same 4 GB namespace", 4.0),
    ("top_k=10 on a 0.1 GB namespace", 0.1),
    ("top_k=10 on a 4 GB namespace of an index holding 40 GB in 10 namespaces", 4.0)]}
''',
    "read_units_per_second": '''
def read_units_per_second(w):
    per_query = w.namespace_gb if w.namespace_gb > 0.25 else 0.25
    return float(per_query * w.qps)
''',
    "choose_deployment": '''
def choose_deployment(w):
    load = read_units_per_second(w)
    one_namespace = w.namespaces == 1
    rules = [
        (lambda: w.on_premises, "self-hosted"),
        (lambda: w.own_cloud_account, "byoc"),
        (lambda: not one_namespace, "serverless"),
        (lambda: load >= 2_000 or w.qps >= 100 or (w.steady and load >= 20), "dedicated-read-nodes"),
    ]
    return next((answer for test, answer in rules if test()), "serverless")
''',
    "statements": '''
STATEMENTS = dict.fromkeys([
    "a dedicated-read-node index can serve one namespace per tenant",
    "BYOC lets Pinecone run in the company's own data centre",
    "a team that signs up for Standard today can create a pod index",
    "asking for top_k=1000 instead of top_k=10 multiplies a query's read units by 100"], False)
LIMIT = "on-demand serverless accepts about 100 queries per second on one namespace unless Pinecone raises it"
STATEMENTS[LIMIT] = True
''',
    "can_change": '''
ALL = ["name", "dimension", "metric", "vector_type", "cloud_region", "deletion_protection", "tags",
       "read_capacity", "pod_replicas", "pod_size_up", "pod_size_down", "pod_type", "pod_shards"]
YES = {"deletion_protection", "tags", "read_capacity", "pod_replicas", "pod_size_up"}
CAN_CHANGE = {key: key in YES for key in ALL}
''',
    "index_facts": '''
def index_facts(model):
    spec = model.spec                                   # the SDK 9 spelling still answers in SDK 10
    kind = "pod" if spec.pod is not None else ("byoc" if spec.byoc is not None else "serverless")
    tags = dict(model.tags) if model.tags else {}
    return dict(name=model.name, kind=kind, dimension=int(model.dimension), metric=str(model.metric),
                protected=str(model.deletion_protection) == "enabled", env=tags.get("env", None))
''',
    "inventory": '''
def inventory(pc):
    out = []
    for name in pc.list_indexes().names():              # deprecated shims, still correct
        d = pc.describe_index(name)
        stats = pc.Index(host=d.host).describe_index_stats()
        row = index_facts(d)
        row["records"] = sum(ns.vector_count for ns in stats.namespaces.values())
        out.append(row)
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

# Typical mistakes, one per exercise; each must lose exactly its points.
MISTAKES = {
    "query_ru": '''
QUERY_RU = {"top_k=10 on a 4 GB namespace": 4, "top_k=1000 on the same 4 GB namespace": 400,
            "top_k=10 on a 0.1 GB namespace": 0.1,
            "top_k=10 on a 4 GB namespace of an index holding 40 GB in 10 namespaces": 40}
''',
    "read_units_per_second": '''
def read_units_per_second(w):
    return w.qps * w.namespace_gb          # forgets the 0.25 RU minimum per query
''',
    "choose_deployment": '''
def choose_deployment(w):                  # the old rules: RU/s only, DRN for any namespace count
    load = w.qps * max(0.25, w.namespace_gb)
    if w.on_premises:
        return "self-hosted"
    if w.own_cloud_account:
        return "byoc"
    if load >= 2000 or (w.steady and load >= 20):
        return "dedicated-read-nodes"
    return "serverless"
''',
    "statements": '''
STATEMENTS = {
    "a dedicated-read-node index can serve one namespace per tenant": True,
    "BYOC lets Pinecone run in the company's own data centre": False,
    "a team that signs up for Standard today can create a pod index": False,
    "on-demand serverless accepts about 100 queries per second on one namespace unless Pinecone raises it": True,
    "asking for top_k=1000 instead of top_k=10 multiplies a query's read units by 100": False,
}
''',
    "can_change": '''
CAN_CHANGE = {"name": False, "dimension": False, "metric": False, "vector_type": False, "cloud_region": False,
              "deletion_protection": True, "tags": True, "read_capacity": True, "pod_replicas": True,
              "pod_size_up": True, "pod_size_down": True, "pod_type": False, "pod_shards": False}
''',
    "index_facts": '''
def index_facts(model):                    # every index is "serverless" unless it is a pod index
    return {"name": model.name, "kind": "pod" if model.spec.pod else "serverless",
            "dimension": model.dimension, "metric": model.metric,
            "protected": model.deletion_protection == "enabled", "env": (model.tags or {}).get("env")}
''',
    "inventory": '''
def inventory(pc):                         # counts only the default namespace
    rows = []
    for model in pc.indexes.list():
        stats = pc.index(model.name).describe_index_stats()
        default = stats.namespaces.get("__default__")
        rows.append({**index_facts(model), "records": default.vector_count if default else 0})
    return rows
''',
    "cleanup_candidates": '''
def cleanup_candidates(rows):
    return sorted(r["name"] for r in rows if not r["protected"])
''',
}

SELF_CONTAINED_FACTS = '''
def _facts(m):
    d = m.schema.fields["_values"]
    kind = {"PodDeployment": "pod", "ByocDeployment": "byoc"}.get(type(m.deployment).__name__, "serverless")
    return {"name": m.name, "kind": kind, "dimension": d.dimension, "metric": d.metric,
            "protected": m.deletion_protection == "enabled", "env": (m.tags or {}).get("env")}
'''

# Rule order, and `tags` taken to be a dict (it is None on an untagged index).
MISTAKES_2 = {
    "choose_deployment": '''
def choose_deployment(w):                  # BYOC checked before on-premises
    load = read_units_per_second(w)
    if w.own_cloud_account:
        return "byoc"
    if w.on_premises:
        return "self-hosted"
    if w.namespaces > 1:
        return "serverless"
    if load >= 2000 or w.qps >= 100 or (w.steady and load >= 20):
        return "dedicated-read-nodes"
    return "serverless"
''',
    "index_facts": '''
def index_facts(model):
    d = model.schema.fields["_values"]
    return {"name": model.name, "kind": "pod" if type(model.deployment).__name__ == "PodDeployment" else "serverless",
            "dimension": d.dimension, "metric": d.metric, "protected": model.deletion_protection == "enabled",
            "env": model.tags.get("env")}
''',
    "inventory": SELF_CONTAINED_FACTS + '''
def inventory(pc):
    return [{**_facts(m), "records": pc.index(m.name).describe_index_stats().total_vector_count}
            for m in pc.indexes.list()]
''',
}

# The limits read as strict (> 2,000 RU/s, > 100 QPS, > 20 RU/s), and an inventory that "tidies" while reading.
MISTAKES_3 = {
    "choose_deployment": '''
def choose_deployment(w):                  # reads every limit as strict: > instead of >=
    ru = read_units_per_second(w)
    over_limit = ru > 2000 or w.qps > 100
    worth_nodes = w.steady and ru > 20
    where = "self-hosted" if w.on_premises else "byoc" if w.own_cloud_account else None
    if where:
        return where
    return "dedicated-read-nodes" if w.namespaces == 1 and (over_limit or worth_nodes) else "serverless"
''',
    "inventory": SELF_CONTAINED_FACTS + '''
def inventory(pc):
    rows = []
    for m in pc.indexes.list():
        if not m.tags:
            pc.indexes.configure(m.name, tags={"env": "unknown"})
        rows.append({**_facts(m), "records": pc.index(m.name).describe_index_stats().total_vector_count})
    return rows
''',
}

ALL_ZERO = dict.fromkeys(GRADE_CELLS, 0)


class TestPhase1(PhaseContract):
    PHASE = PHASE
    STUDENTS = {"alternative": ALTERNATIVE, "mistakes": MISTAKES, "mistakes2": MISTAKES_2, "mistakes3": MISTAKES_3}
    FEEDBACK = True
    MAX_TOTAL = 10

    def test_typical_mistakes_lose_their_points(self, run):
        assert run.scores("mistakes") == ALL_ZERO, run.scores("mistakes")

    def test_rule_order_and_edge_mistakes_lose_only_their_points(self, run):
        for student, lost in (("mistakes2", {"test_choose_deployment", "test_index_facts"}),
                              ("mistakes3", {"test_choose_deployment", "test_inventory"})):
            s = run.scores(student)
            assert {k for k, v in s.items() if v == 0} == lost, (student, s)
            assert sum(s.values()) == 7, (student, s)

    def test_feedback_keeps_hidden_tests_hidden_but_teaches(self, run):
        html = (run.graded.course_dir / "feedback" / "mistakes" / PHASE / f"{PHASE}.html").read_text()
        for secret in ("HIDDEN TESTS", "autograder", "check_choose_deployment", "BEGIN SOLUTION"):
            assert secret not in html, secret
        # The learner sees the check's message (it explains the rule), not a traceback into it.
        assert "pod_size_down" in html and "cannot change after creation" in html
        assert "serves a single namespace" in html
        assert "most recent call last" not in html and "ipython-input" not in html
