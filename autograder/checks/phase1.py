"""Hidden checks for phase 1 (Introduction).

Every check calls the learner's function or reads the learner's answer; none depends on how it is
spelled (``pc.indexes.describe`` or ``pc.describe_index``, ``model.deployment`` or ``model.spec``:
SDK 10 answers both with the same ``IndexModel``).
"""
from __future__ import annotations

import math

from autograder.checks.common import (
    client,
    close,
    expect,
    kernel_import,
    kernel_new,
    log_available,
    ops,
    student_client,
    watch,
)

OPTIONS = {"serverless", "dedicated-read-nodes", "byoc", "self-hosted"}
MIN_RU = 0.25             # every query costs at least this many read units
RATE_LIMIT_RU_S = 2000    # on-demand query read units per second per index
NAMESPACE_QPS = 100       # on-demand query requests per second per namespace
STEADY_DRN_RU_S = 20      # steady load above which two b1 read nodes cost less than on-demand RUs


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# ---- Exercise 1: predictions ---------------------------------------------------------------------

QUERY_RU = {
    "top_k=10 on a 4 GB namespace": (4, "a query costs 1 RU per GB of the namespace it searches"),
    "top_k=1000 on the same 4 GB namespace": (4, "top_k does not change a query's read units; only the "
                                              "size of the namespace searched does"),
    "top_k=10 on a 0.1 GB namespace": (0.25, "every query costs at least 0.25 RU, however small the namespace"),
    "top_k=10 on a 4 GB namespace of an index holding 40 GB in 10 namespaces": (
        4, "only the namespace the query searches counts, not the rest of the index"),
}


def check_query_ru(answers) -> None:
    expect(isinstance(answers, dict), "QUERY_RU must be a dict from each query to its read units")
    missing = [k for k in QUERY_RU if k not in answers]
    expect(not missing, f"QUERY_RU has no answer for {missing}: keep the four keys as given")
    for key, (want, why) in QUERY_RU.items():
        got = answers[key]
        expect(_number(got), f"QUERY_RU[{key!r}] should be a number of read units, got {got!r}")
        expect(close(got, want), f"QUERY_RU[{key!r}] = {got!r} is not right: {why}.")


# ---- Exercise 2: read load -----------------------------------------------------------------------

def _ru_s(w) -> float:
    return w.qps * max(MIN_RU, w.namespace_gb)


def check_read_units_per_second(read_units_per_second, Workload) -> None:
    W = Workload
    cases = [W("a", qps=10, namespace_gb=3), W("b", qps=7, namespace_gb=0.25), W("c", qps=40, namespace_gb=0.1),
             W("d", qps=3, namespace_gb=0.0), W("e", qps=0, namespace_gb=12), W("f", qps=2.5, namespace_gb=0.26),
             W("g", qps=120, namespace_gb=1.5, namespaces=9, steady=True, own_cloud_account=True)]
    for w in cases:
        got = read_units_per_second(w)
        expect(_number(got), f"read_units_per_second({w.name!r}) should return a number, got {got!r}")
        want = _ru_s(w)
        hint = (" (each query costs at least 0.25 RU, however small the namespace)"
                if w.namespace_gb < MIN_RU else "")
        expect(close(got, want), f"read_units_per_second for qps={w.qps:g}, namespace_gb={w.namespace_gb:g} "
               f"should be {want:g} RU/s, got {got!r}{hint}")


# ---- Exercise 3: deployment rules ----------------------------------------------------------------

def _expected(w) -> tuple[str, str]:
    """(answer, reason) under the rules taught in the notebook, first match wins."""
    ru_s = _ru_s(w)
    if w.on_premises:
        return "self-hosted", "rule 1: it must run on premises, and Pinecone (even BYOC) runs only in a public cloud"
    if w.own_cloud_account:
        return "byoc", "rule 2: the data must stay in the company's own cloud account; that is what BYOC is for"
    if w.namespaces > 1:
        return "serverless", (f"rule 3: the queries spread over {w.namespaces} namespaces, and a dedicated-read-node "
                              "index serves a single namespace")
    if ru_s >= RATE_LIMIT_RU_S:
        return "dedicated-read-nodes", (f"rule 4: {ru_s:g} RU/s reaches on-demand's 2,000 RU/s per index "
                                        "(remember the 0.25 RU minimum per query)")
    if w.qps >= NAMESPACE_QPS:
        return "dedicated-read-nodes", (f"rule 4: {w.qps:g} queries/s on one namespace reaches on-demand's "
                                        "100 requests/s per namespace, whatever the read units")
    if w.steady and ru_s >= STEADY_DRN_RU_S:
        return "dedicated-read-nodes", (f"rule 5: steady traffic at {ru_s:g} RU/s (≥ 20, counting the 0.25 RU "
                                        "minimum per query)")
    return "serverless", (f"rule 6: {ru_s:g} RU/s at {w.qps:g} queries/s on one namespace"
                          f"{', steady' if w.steady else ', spiky'} forces nothing else")


def scenarios(Workload) -> list:
    """Workloads the learner has not seen: every rule boundary, the 0.25 RU minimum, every rule order."""
    W = Workload
    return [
        W("air-gapped lab", qps=5, namespace_gb=2, on_premises=True),
        W("on premises AND own account", qps=500, namespace_gb=50, own_cloud_account=True, on_premises=True),
        W("on premises, many tenants", qps=500, namespace_gb=1, namespaces=30, on_premises=True),
        W("health data, own account", qps=1, namespace_gb=1, own_cloud_account=True),
        W("own account, many tenants, busy", qps=400, namespace_gb=5, namespaces=12, own_cloud_account=True,
          steady=True),
        W("multi-tenant, far over the RU limit", qps=300, namespace_gb=20, namespaces=2),
        W("multi-tenant, steady", qps=50, namespace_gb=2, namespaces=3, steady=True),
        W("exactly 2,000 RU/s, spiky", qps=80, namespace_gb=25),
        W("just under 2,000 RU/s, spiky", qps=79.96, namespace_gb=25),
        W("exactly 100 QPS, tiny namespace", qps=100, namespace_gb=0.01),
        W("just under 100 QPS, spiky", qps=99.5, namespace_gb=0.01),
        W("just under 100 QPS, steady", qps=99.5, namespace_gb=0.01, steady=True),
        W("steady at exactly 20 RU/s", qps=2, namespace_gb=10, steady=True),
        W("steady just below 20 RU/s", qps=1.99, namespace_gb=10, steady=True),
        W("steady, 20 RU/s only through the minimum", qps=80, namespace_gb=0.1, steady=True),
        W("spiky at 500 RU/s", qps=50, namespace_gb=10),
        W("steady small app", qps=3, namespace_gb=0.5, steady=True),
        W("weekend prototype", qps=0.1, namespace_gb=0.02),
    ]


def check_choose_deployment(choose_deployment, Workload) -> None:
    """Every unseen scenario gets the option the rules give."""
    for w in scenarios(Workload):
        got = choose_deployment(w)
        expect(got in OPTIONS, f"choose_deployment returned {got!r}; answer with one of {sorted(OPTIONS)}")
        want, why = _expected(w)
        facts = (f"qps={w.qps:g}, namespace_gb={w.namespace_gb:g}, namespaces={w.namespaces}, steady={w.steady}, "
                 f"own_cloud_account={w.own_cloud_account}, on_premises={w.on_premises}")
        expect(got == want, f"For a workload with {facts} you answered {got!r}, but {why}.")


# ---- Exercise 4: concept check -------------------------------------------------------------------

STATEMENTS = {
    "a dedicated-read-node index can serve one namespace per tenant": (
        False, "a dedicated-read-node index serves a single namespace"),
    "BYOC lets Pinecone run in the company's own data centre": (
        False, "BYOC runs in the company's own AWS/GCP/Azure account; there is no on-premises Pinecone"),
    "a team that signs up for Standard today can create a pod index": (
        False, "organisations created since 2025-08-18 on Standard/Enterprise cannot create pod indexes"),
    "on-demand serverless accepts about 100 queries per second on one namespace unless Pinecone raises it": (
        True, "queries are limited to 100 requests per second per namespace (raisable on request)"),
    "asking for top_k=1000 instead of top_k=10 multiplies a query's read units by 100": (
        False, "read units depend on the namespace size, not on top_k"),
}


def check_statements(answers) -> None:
    expect(isinstance(answers, dict), "STATEMENTS must be a dict from each statement to True or False")
    missing = [k for k in STATEMENTS if k not in answers]
    expect(not missing, f"STATEMENTS has no answer for {missing}: keep the five statements as given")
    for key, (truth, why) in STATEMENTS.items():
        expect(isinstance(answers[key], bool), f"answer {key!r} with True or False, not {answers[key]!r}")
        expect(answers[key] is truth, f"{key!r} is {truth}: {why}.")


# ---- Exercise 5: mutable settings ----------------------------------------------------------------

MUTABLE = {
    "name": (False, "an index is addressed by its name and host; to rename, create a new index and migrate"),
    "dimension": (False, "every stored vector has exactly that many values; a new dimension means a new index "
                  "and re-embedding"),
    "metric": (False, "the metric is baked into how the index scores and organises vectors; create a new index"),
    "vector_type": (False, "dense and sparse indexes store different structures; create a new index"),
    "cloud_region": (False, "data does not move between clouds or regions in place; back up or migrate into a "
                     "new index there"),
    "deletion_protection": (True, "pc.indexes.configure(name, deletion_protection='enabled'/'disabled') changes it"),
    "tags": (True, "pc.indexes.configure(name, tags={...}) adds or changes tags; a value of '' removes one"),
    "read_capacity": (True, "pc.indexes.configure(name, read_capacity=...) switches between on-demand and "
                      "dedicated read nodes"),
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


# ---- Exercises 6–8: the inherited project --------------------------------------------------------

FACT_KEYS = {"name", "kind", "dimension", "metric", "protected", "env"}
ROW_KEYS = FACT_KEYS | {"records"}
_WRITE_OPS = ("create", "delete", "configure", "upsert", "update", "import", "restore", "backup", "collection")
_HINTS = {
    "records": " (count every namespace: describe_index_stats().total_vector_count)",
    "env": " (None when the index has no env tag; tags itself may be None)",
    "protected": " (a bool: deletion_protection == 'enabled')",
    "kind": " ('serverless', 'pod' or 'byoc', from the index's deployment)",
    "dimension": " (of the dense field _values: model.schema.fields['_values'].dimension)",
    "metric": " (of the dense field _values)",
}


def _same(got, want) -> bool:
    if isinstance(want, bool) or want is None:
        return got is want
    return got == want


def _compare(where: str, row, want: dict) -> None:
    expect(isinstance(row, dict), f"{where}: expected a dict, got {type(row).__name__}")
    lacking = sorted(set(want) - set(row))
    expect(not lacking, f"{where} lacks the key(s) {lacking}")
    for key, value in want.items():
        expect(_same(row[key], value), f"{where}: {key} should be {value!r}, got {row[key]!r}{_HINTS.get(key, '')}")


def _plan_facts(plan) -> dict:
    return {"name": plan.name, "kind": plan.kind, "dimension": plan.dimension, "metric": plan.metric,
            "protected": plan.protected, "env": plan.tags.get("env")}


def synthetic_models() -> list[tuple[object, dict]]:
    """IndexModels no project here has: BYOC, untagged-but-protected, a pod index tagged staging."""
    index_model = kernel_import("pinecone.models.indexes.index:IndexModel")

    def model(name, dim, metric, deployment, protection, tags):
        # built in the student's kernel: the learner's function receives a real IndexModel there
        body = {"name": name, "status": {"ready": True, "state": "Ready"}, "host": f"{name}.example",
                "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": dim, "metric": metric}}},
                "deployment": deployment, "deletion_protection": protection, "tags": tags}
        return kernel_new("msgspec:convert", body, index_model)

    return [
        (model("vault-byoc", 1024, "dotproduct", {"deployment_type": "byoc", "environment": "aws-us-east-1-b921"},
               "enabled", {"env": "prod", "team": "risk"}),
         {"name": "vault-byoc", "kind": "byoc", "dimension": 1024, "metric": "dotproduct", "protected": True,
          "env": "prod"}),
        (model("locked-untagged", 16, "euclidean",
               {"deployment_type": "managed", "cloud": "gcp", "region": "europe-west4"}, "enabled", None),
         {"name": "locked-untagged", "kind": "serverless", "dimension": 16, "metric": "euclidean",
          "protected": True, "env": None}),
        (model("pods-staging", 768, "cosine", {"deployment_type": "pod", "environment": "us-east-1-aws",
                                               "pod_type": "s1.x2", "replicas": 2, "shards": 1},
               "disabled", {"owner": "kim", "env": "staging"}),
         {"name": "pods-staging", "kind": "pod", "dimension": 768, "metric": "cosine", "protected": False,
          "env": "staging"}),
    ]


def check_index_facts(index_facts) -> None:
    """index_facts on every index of the notebook's project (as SDK 10 describes it) and on unseen models."""
    from pinecone_ops.course.projects import build_project

    pc, theirs = client(), student_client()
    for plan in build_project(pc):       # the notebook's project; already there, so nothing is created
        _compare(f"index_facts for {plan.name!r}", index_facts(theirs.indexes.describe(plan.name)),
                 _plan_facts(plan))
    for model, want in synthetic_models():
        _compare(f"index_facts for an index like {want['name']!r} ({want['kind']})", index_facts(model), want)


def check_inventory(inventory) -> None:
    """inventory(pc) on a project variant the learner has not seen, read-only."""
    from pinecone_ops.course.projects import LEGACY_POD, build_project, drop_project, plan_project

    pc = client()
    plans = build_project(pc, seed=7, prefix="audit-")
    try:
        theirs = student_client()
        with watch() as log:
            rows = inventory(theirs)
        expect(isinstance(rows, list) and all(isinstance(r, dict) for r in rows),
               "inventory(pc) must return a list of dicts, one per index")
        names = sorted(m.name for m in pc.indexes.list())
        got = sorted(str(r.get("name")) for r in rows)
        expect(got == names, f"inventory(pc) must list every index in the project once: the project has "
               f"{len(names)} indexes, you returned {len(got)} rows ({got})")
        if log_available():
            writes = [o for o in ops(log) if any(w in o.lower() for w in _WRITE_OPS)]
            expect(not writes,
                   f"inventory(pc) must only read (list/describe/stats), but it called {sorted(set(writes))}")
        shown = [p for p in plan_project(0) + [LEGACY_POD] if p.name in names]  # the notebook's project
        for plan in plans + shown:
            row = next(r for r in rows if r.get("name") == plan.name)
            _compare(f"inventory row {plan.name!r}", row, {**_plan_facts(plan), "records": plan.records})
    finally:
        drop_project(pc, plans)


def check_cleanup_candidates(cleanup_candidates) -> None:
    """The rule on rows the learner has not seen, including untagged and protected dev indexes."""
    def row(name, protected, env):
        return {"name": name, "kind": "serverless", "dimension": 8, "metric": "cosine", "protected": protected,
                "env": env, "records": 0}

    rows = [row("zeta-dev", False, "dev"), row("alpha-none", False, None), row("prod-open", False, "prod"),
            row("stage-open", False, "staging"), row("dev-locked", True, "dev"), row("beta-qa", False, "qa"),
            row("gamma-none-locked", True, None)]
    got = cleanup_candidates(rows)
    want = ["alpha-none", "beta-qa", "zeta-dev"]
    expect(list(got) == want, f"on {len(rows)} rows (unprotected dev, qa and untagged indexes among them) "
           f"cleanup_candidates returned {got!r}: it should return the sorted names of every index that is "
           "unprotected and not tagged env=prod or env=staging")
    expect(list(cleanup_candidates([])) == [], "cleanup_candidates([]) should be []")
