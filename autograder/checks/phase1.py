"""Hidden checks for phase 1 (Introduction)."""
from __future__ import annotations

from autograder.checks.common import client, expect, log_available, ops, watch

OPTIONS = {"serverless", "dedicated-read-nodes", "byoc", "self-hosted"}
RATE_LIMIT_RU_S = 2000  # on-demand query read units per second per index
STEADY_DRN_RU_S = 20    # steady load above which two b1 read nodes cost less than on-demand RUs


def _expected(w) -> tuple[str, str]:
    """(answer, reason) under the rules taught in the notebook, first match wins."""
    ru_s = w.qps * max(0.25, w.namespace_gb)
    if w.on_premises:
        return "self-hosted", "it must run on premises; Pinecone (even BYOC) runs only in a public cloud"
    if w.own_cloud_account:
        return "byoc", "the data must stay in the company's own cloud account: that is what BYOC is for"
    if ru_s >= RATE_LIMIT_RU_S:
        return ("dedicated-read-nodes", f"{w.qps:g} QPS × {max(0.25, w.namespace_gb):g} RU per query = "
                f"{ru_s:g} RU/s, at or above on-demand's 2,000 RU/s per index: it would be rate-limited")
    if w.steady and ru_s >= STEADY_DRN_RU_S:
        return ("dedicated-read-nodes", f"steady traffic at {ru_s:g} RU/s (≥ 20): provisioned read nodes "
                "cost less than paying per read unit around the clock")
    return "serverless", "nothing forces another option, and serverless on-demand is the default"


def scenarios(Workload) -> list:
    """Workloads the learner has not seen: boundaries, the 0.25 RU minimum, rule order."""
    W = Workload
    return [
        W("air-gapped lab", qps=5, namespace_gb=2, on_premises=True),
        W("bank, own account AND on-prem", qps=500, namespace_gb=50, own_cloud_account=True, on_premises=True),
        W("health data in our AWS account", qps=1, namespace_gb=1, own_cloud_account=True),
        W("exactly at the rate limit", qps=200, namespace_gb=10),
        W("just under the rate limit, spiky", qps=199, namespace_gb=10),
        W("tiny namespace, huge QPS", qps=8000, namespace_gb=0.01),
        W("tiny namespace, big QPS below limit", qps=7999, namespace_gb=0.05),
        W("steady at exactly 20 RU/s", qps=2, namespace_gb=10, steady=True),
        W("steady just below 20 RU/s", qps=1.9, namespace_gb=10, steady=True),
        W("spiky at 100 RU/s", qps=10, namespace_gb=10, steady=False),
        W("steady small app", qps=3, namespace_gb=0.5, steady=True),
        W("steady min-RU app", qps=80, namespace_gb=0.1, steady=True),
        W("weekend prototype", qps=0.1, namespace_gb=0.02),
    ]


def check_choose_deployment(choose_deployment, Workload) -> None:
    """Every unseen scenario gets the option the rules give."""
    for w in scenarios(Workload):
        got = choose_deployment(w)
        expect(got in OPTIONS, f"choose_deployment({w.name!r}) returned {got!r}; answer with one of {sorted(OPTIONS)}")
        want, why = _expected(w)
        expect(got == want, f"For the workload {w.name!r} ({w}) the answer is {want!r}, not {got!r}: {why}.")


MUTABLE = {
    "name": (False, "an index is addressed by its name and host; to rename, create a new index and migrate"),
    "dimension": (False, "every stored vector has exactly that many values; a new dimension means a new index "
                  "and re-embedding"),
    "metric": (False, "the metric is baked into how the index scores and organises vectors; create a new index"),
    "vector_type": (False, "dense and sparse indexes store different structures; create a new index"),
    "cloud_region": (False, "data does not move between clouds or regions in place; back up or migrate into a "
                     "new index there"),
    "deletion_protection": (True, "configure_index(name, deletion_protection='enabled'/'disabled') changes it"),
    "tags": (True, "configure_index(name, tags={...}) adds or changes tags; a value of '' removes one"),
    "read_capacity": (True, "configure_index(name, read_capacity=...) switches between on-demand and dedicated "
                      "read nodes (one change per 10 minutes)"),
    "pod_replicas": (True, "replicas can go up and down in place on a pod index"),
    "pod_size_up": (True, "pod size can grow x1→x2→x4→x8 in place"),
    "pod_size_down": (False, "pod size can never shrink; move to a smaller index through a collection"),
    "pod_type": (False, "s1/p1/p2 cannot change in place: create a collection, then a new index from it"),
    "pod_shards": (False, "the number of base pods (shards) is fixed: a collection and a new index change it"),
}


def check_can_change(CAN_CHANGE) -> None:
    """Every setting answered, and answered right; the message says why for the first wrong one."""
    expect(isinstance(CAN_CHANGE, dict), "CAN_CHANGE must be a dict mapping each setting to True or False")
    missing = sorted(set(MUTABLE) - set(CAN_CHANGE))
    expect(not missing, f"CAN_CHANGE has no answer for {missing}")
    wrong = [k for k, (truth, _) in MUTABLE.items() if CAN_CHANGE[k] is not truth]
    if wrong:
        k = wrong[0]
        truth, why = MUTABLE[k]
        more = f" ({len(wrong) - 1} other setting(s) are wrong too)" if len(wrong) > 1 else ""
        raise AssertionError(f"{k!r}: {'can' if truth else 'cannot'} change after creation: {why}.{more}")


ROW_KEYS = {"name", "kind", "dimension", "metric", "protected", "env", "records"}
_WRITE_OPS = ("create", "delete", "configure", "upsert", "update", "import", "restore", "backup", "collection")


def _row_for(rows, name):
    for r in rows:
        if r.get("name") == name:
            return r
    return None


def check_inventory(inventory) -> None:
    """inventory(pc) on a project variant the learner has not seen, read-only."""
    from pinecone_ops.course.projects import LEGACY_POD, build_project, drop_project, plan_project

    pc = client()
    plans = build_project(pc, seed=7, prefix="audit-")
    try:
        with watch() as log:
            rows = inventory(pc)
        expect(isinstance(rows, list) and all(isinstance(r, dict) for r in rows),
               "inventory(pc) must return a list of dicts, one per index")
        names = sorted(pc.list_indexes().names())
        got = sorted(r.get("name") for r in rows)
        expect(got == names, f"inventory(pc) must list every index in the project: list_indexes() has {names}, "
               f"you returned {got}")
        shown = [p for p in plan_project(0) + [LEGACY_POD] if p.name in names]  # the notebook's project
        for plan in plans + shown:
            row = _row_for(rows, plan.name)
            expect(set(row) >= ROW_KEYS, f"row {plan.name!r} lacks {sorted(ROW_KEYS - set(row))}")
            want = {"name": plan.name, "kind": plan.kind, "dimension": plan.dimension, "metric": plan.metric,
                    "protected": plan.protected, "env": plan.tags.get("env"), "records": plan.records}
            for key, value in want.items():
                got_v = row[key]
                ok = got_v is value if isinstance(value, bool) or value is None else got_v == value
                hint = {
                    "records": " (count every namespace: describe_index_stats().total_vector_count)",
                    "env": " (None when the index has no env tag)",
                    "protected": " (a bool: deletion_protection == 'enabled')",
                    "kind": " ('serverless' or 'pod', from the index's spec/deployment)",
                }.get(key, "")
                expect(ok, f"{plan.name!r}: {key} should be {value!r}, got {got_v!r}{hint}")
        if log_available():
            writes = [o for o in ops(log) if any(w in o.lower() for w in _WRITE_OPS)]
            expect(not writes, f"inventory(pc) must only read (describe/list/stats), but it called {writes}")
    finally:
        drop_project(pc, plans)


def check_cleanup_candidates(cleanup_candidates) -> None:
    """The rule on rows the learner has not seen, including untagged and protected dev indexes."""
    def row(name, protected, env):
        return {"name": name, "kind": "serverless", "dimension": 8, "metric": "cosine", "protected": protected,
                "env": env, "records": 0}

    rows = [row("zeta-dev", False, "dev"), row("alpha-none", False, None), row("prod-open", False, "prod"),
            row("stage-open", False, "staging"), row("dev-locked", True, "dev"), row("beta-qa", False, "qa")]
    got = cleanup_candidates(rows)
    want = ["alpha-none", "beta-qa", "zeta-dev"]
    expect(list(got) == want, f"cleanup_candidates should return {want} (sorted names; unprotected and not "
           f"tagged prod or staging), got {got!r}")
    expect(list(cleanup_candidates([])) == [], "cleanup_candidates([]) should be []")
