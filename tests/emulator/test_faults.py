"""Teaching faults through the official SDK: not-ready indexes, consistency lag with truthful LSN
headers, per-namespace rate limits with Retry-After, API keys with roles. Off by default."""
from __future__ import annotations

import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinecone_ops.emulator.metering import key_hash
from tests.emulator.test_control_pods import SDK10


def _wait(predicate, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_faults_are_off_by_default(admin, pc, make_index):
    opts = admin.options()
    assert (opts["plan"], opts["index_init_ms"], opts["consistency_lag_ms"], opts["rate_limit_rps"],
            opts["api_keys"]) == ("standard", 0, 0, 0, {})
    idx = make_index("plain")
    up = idx.upsert(vectors=[("a", [1, 0, 0, 0])])
    assert idx.fetch(ids=["a"]).vectors, "writes are visible at once without the lag fault"
    assert up.response_info.lsn_committed is not None


def test_index_not_ready_for_n_ms(server, admin, pc):
    from pinecone import ServerlessSpec

    admin.set_options(index_init_ms=400)
    pc.create_index(name="slow", dimension=2, spec=ServerlessSpec(cloud="aws", region="us-east-1"), timeout=-1)
    first = pc.describe_index("slow")
    assert (first.status.ready, first.status.state) == (False, "Initializing")
    # Raw HTTP: the SDK's data-plane client would retry the 503 with back-off on its own.
    r = httpx.post(f"{first.host}/vectors/upsert", json={"vectors": [{"id": "a", "values": [1.0, 0.0]}]},
                   headers={"Api-Key": "pclocal"})
    assert r.status_code == 503 and r.json()["code"] == 14 and "not ready" in r.json()["message"]
    _wait(lambda: pc.describe_index("slow").status.ready, "the index to become ready")
    assert pc.describe_index("slow").status.state == "Ready"
    pc.Index(host=first.host).upsert(vectors=[("a", [1.0, 0.0])])


def test_sdk_create_waits_for_ready(admin, pc):
    from pinecone import ServerlessSpec

    admin.set_options(index_init_ms=200)
    since = admin.last_seq()
    pc.create_index(name="waited", dimension=2, spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    assert pc.describe_index("waited").status.ready
    polls = [r for r in admin.requests(index="waited", since=since) if r["operation"] == "describe_index"]
    assert len(polls) >= 2, "the SDK polled describe_index until the index was ready"


@SDK10
def test_pod_scaling_states_under_the_not_ready_fault(server, admin, pc):
    from tests.emulator.test_control_pods import make_pod

    make_pod(server, "scaling")
    admin.set_index_options("scaling", index_init_ms=300)
    d = pc.configure_index("scaling", pod_type="p1.x2")
    assert (d.status.state, d.status.ready) == ("ScalingUpPodSize", True), "pods keep serving while they scale"
    pc.Index(name="scaling").upsert(vectors=[("a", [1, 0, 0, 0])])
    _wait(lambda: pc.describe_index("scaling").status.state == "Ready", "scaling to finish")
    assert pc.configure_index("scaling", replicas=3).status.state == "ScalingUp"
    _wait(lambda: pc.describe_index("scaling").status.state == "Ready", "scaling to finish")
    assert pc.configure_index("scaling", replicas=1).status.state == "ScalingDown"


def test_per_index_override_beats_server_option(admin, pc):
    from pinecone import ServerlessSpec

    admin.set_options(index_init_ms=60_000)
    admin.set_index_options("quick", index_init_ms=0)
    pc.create_index(name="quick", dimension=2, spec=ServerlessSpec(cloud="aws", region="us-east-1"))  # polls
    assert pc.describe_index("quick").status.ready
    pc.create_index(name="stuck", dimension=2, spec=ServerlessSpec(cloud="aws", region="us-east-1"), timeout=-1)
    assert pc.describe_index("stuck").status.state == "Initializing"
    assert admin.index_options("quick")["index_init_ms"] == 0
    assert admin.index_options("stuck")["index_init_ms"] == 60_000


def test_consistency_lag_and_lsn_headers(admin, pc, make_index):
    idx = make_index("lagging")
    admin.set_index_options("lagging", consistency_lag_ms=300)
    up = idx.upsert(vectors=[("a", [1, 0, 0, 0]), ("b", [0, 1, 0, 0])], namespace="ns")
    committed = up.response_info.lsn_committed
    first = idx.fetch(ids=["a", "b"], namespace="ns")
    if first.response_info.lsn_reconciled < committed:  # not yet reconciled: the write is invisible
        assert first.vectors == {}
    # A careful client waits until the index has reconciled its write, then reads.
    _wait(lambda: idx.fetch(ids=["a"], namespace="ns").response_info.lsn_reconciled >= committed,
          "the write to be reconciled")
    assert set(idx.fetch(ids=["a", "b"], namespace="ns").vectors) == {"a", "b"}
    assert [m.id for m in idx.query(vector=[1, 0, 0, 0], top_k=1, namespace="ns").matches] == ["a"]
    # Deletes lag too; writes keep their order.
    idx.delete(ids=["a"], namespace="ns")
    idx.upsert(vectors=[("c", [0, 0, 1, 0])], namespace="ns")
    _wait(lambda: idx.describe_index_stats().namespaces.get("ns") is not None
          and idx.describe_index_stats().namespaces["ns"].vector_count == 2
          and idx.list_paginated(namespace="ns").vectors and
          [v.id for v in idx.list_paginated(namespace="ns").vectors] == ["b", "c"], "delete then upsert to show")


def test_lag_hides_writes_until_reconciled(admin, pc, make_index):
    idx = make_index("hidden")
    admin.set_options(consistency_lag_ms=60_000)  # server-wide, long enough to be sure
    up = idx.upsert(vectors=[("a", [1, 0, 0, 0])])
    got = idx.fetch(ids=["a"])
    assert got.vectors == {}
    assert got.response_info.lsn_reconciled < up.response_info.lsn_committed
    assert idx.describe_index_stats().total_vector_count == 0
    assert idx.query(vector=[1, 0, 0, 0], top_k=1).matches == []
    admin.set_options(consistency_lag_ms=0)  # switching the fault off makes everything visible
    assert set(idx.fetch(ids=["a"]).vectors) == {"a"}


def test_rate_limit_429_with_retry_after(server, admin, pc, make_index):
    idx = make_index("busy")
    idx.upsert(vectors=[("a", [1, 0, 0, 0])], namespace="hot")
    host = pc.describe_index("busy").host
    admin.set_index_options("busy", rate_limit_rps=2)
    since = admin.last_seq()
    body = {"vector": [1, 0, 0, 0], "topK": 1, "namespace": "hot"}
    with httpx.Client(headers={"Api-Key": "pclocal"}) as http:
        answers = [http.post(f"{host}/query", json=body) for _ in range(6)]
        other = http.post(f"{host}/query", json={**body, "namespace": "cold"})
        fetched = http.get(f"{host}/vectors/fetch", params={"ids": "a", "namespace": "hot"})
    refused = [r for r in answers if r.status_code == 429]
    assert refused, "more than 2 requests/s on one namespace must be refused"
    for r in refused:
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["code"] == 8 and "per second per namespace" in r.json()["message"]
    assert other.status_code == 200, "other namespaces have their own budget"
    assert fetched.status_code == 200, "and so does each operation"
    statuses = [r["status"] for r in admin.requests(index="busy", since=since) if r["operation"] == "query"]
    assert statuses.count(429) == len(refused), "refused requests are in the request log"


def test_sdk_honours_retry_after(admin, pc, make_index):
    """The SDK's data-plane client waits Retry-After and gets through (what phase 6 teaches)."""
    idx = make_index("polite")
    admin.set_index_options("polite", rate_limit_rps=1)
    since = admin.last_seq()
    for i in range(3):
        idx.upsert(vectors=[(f"v{i}", [1, 0, 0, i])])
    assert idx.describe_index_stats().total_vector_count == 3
    statuses = [r["status"] for r in admin.requests(index="polite", since=since) if r["operation"] == "upsert"]
    assert 429 in statuses and statuses.count(200) == 3


def test_api_keys_and_roles(server, admin, pc, make_index):
    from pinecone import ForbiddenError, Pinecone, RetryConfig, ServerlessSpec, UnauthorizedError

    make_index("secure")
    admin.set_options(api_keys={"admin": "ProjectEditor", "reader": "DataPlaneViewer",
                                "ops": "ControlPlaneEditor", "both": ["ControlPlaneViewer", "DataPlaneEditor"]})

    def client(key):
        return Pinecone(api_key=key, host=server.url, retry_config=RetryConfig(max_retries=0))

    raw = httpx.get(f"{server.url}/indexes", headers={"Api-Key": "stolen"})
    assert raw.status_code == 401 and raw.headers["content-type"].startswith("text/plain")
    with pytest.raises(UnauthorizedError):
        client("pclocal").list_indexes()
    host = client("admin").describe_index("secure").host
    reader = client("reader").Index(host=host)
    assert reader.query(vector=[1, 0, 0, 0], top_k=1).matches == []
    with pytest.raises(ForbiddenError) as err:
        reader.upsert(vectors=[("a", [1, 0, 0, 0])])
    assert err.value.body["code"] == 7 and "Permission" in err.value.body["message"]
    with pytest.raises(ForbiddenError):
        client("reader").describe_index("secure")  # a data-plane key cannot use the control plane
    ops = client("ops")
    ops.create_index(name="made-by-ops", dimension=2, spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    with pytest.raises(ForbiddenError):
        ops.Index(host=host).upsert(vectors=[("a", [1, 0, 0, 0])])
    both = client("both")
    both.Index(host=host).upsert(vectors=[("a", [1, 0, 0, 0])])
    assert both.describe_index("secure").name == "secure"
    with pytest.raises(ForbiddenError):
        both.delete_index("made-by-ops")
    client("admin").delete_index("made-by-ops")


def test_bad_option_values_name_the_fix(admin, pc):
    for bad, word in (({"plan": "gold"}, "plan must be one of"), ({"rate_limit_rps": -1}, "≥ 0"),
                      ({"api_keys": {"k": "Root"}}, "unknown role")):
        with pytest.raises(RuntimeError, match=word):
            admin.set_options(**bad)
    with pytest.raises(RuntimeError, match="unknown per-index option"):
        admin.set_index_options("x", plan="starter")


def test_serve_flags_switch_faults_on():
    from tests.emulator.test_durability import start_serve, stop

    proc, url = start_serve(None, "--plan", "starter", "--index-init-ms", "250", "--consistency-lag-ms", "100",
                            "--rate-limit-rps", "7", "--api-key", "a=ProjectEditor",
                            "--api-key", "b=ControlPlaneViewer,DataPlaneEditor", "--admin-key", "adm-secret")
    try:
        opts = httpx.get(f"{url}/_ops/options", headers={"X-Pinecone-Ops-Admin-Key": "adm-secret"}).json()
        assert (opts["plan"], opts["index_init_ms"], opts["consistency_lag_ms"], opts["rate_limit_rps"]) == \
            ("starter", 250, 100, 7)
        # keys only as their request-log tags, never in clear
        assert opts["api_keys"] == {key_hash("a"): ["ProjectEditor"],
                                    key_hash("b"): ["ControlPlaneViewer", "DataPlaneEditor"]}
        assert httpx.get(f"{url}/_ops/options", headers={"Api-Key": "a"}).status_code == 401
        assert httpx.get(f"{url}/indexes", headers={"Api-Key": "pclocal"}).status_code == 401
        assert httpx.get(f"{url}/indexes", headers={"Api-Key": "b"}).status_code == 200
    finally:
        stop(proc)


_ops = st.lists(st.one_of(
    st.tuples(st.just("upsert"), st.lists(st.integers(0, 9), min_size=1, max_size=4), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.lists(st.integers(0, 9), min_size=1, max_size=3), st.just(0)),
    st.tuples(st.just("tag"), st.lists(st.integers(0, 9), min_size=1, max_size=1), st.integers(0, 3)),
    st.tuples(st.just("delete_all"), st.just([0]), st.just(0)),
), min_size=1, max_size=8)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_lagging_reads_converge_to_the_primary(admin, pc, make_index, ops):
    """Under lag, once reconciled ≥ committed, reads equal those of an index without lag."""
    admin.reset()
    twin, lagged = make_index("twin"), make_index("lagged")
    admin.set_index_options("lagged", consistency_lag_ms=30)
    from pinecone import NotFoundError

    for op, ids, n in ops:
        outcomes = []
        for idx in (twin, lagged):
            try:
                _apply(idx, op, ids, n)
            except NotFoundError:  # deleting from a namespace that does not exist (yet)
                outcomes.append("404")
                continue
            outcomes.append("ok")
        assert outcomes[0] == outcomes[1], "writes are judged on the primary, lag or not"
    def caught_up() -> bool:
        info = lagged.list_paginated(namespace="ns").response_info  # every response carries both LSNs
        return info.lsn_reconciled >= info.lsn_committed

    _wait(caught_up, "the lagging index to reconcile")

    def seen(idx):
        ids = [v.id for v in idx.list_paginated(namespace="ns").vectors]
        got = idx.fetch(ids=ids, namespace="ns").vectors if ids else {}
        return {k: (list(v.values), v.metadata) for k, v in got.items()}

    assert seen(lagged) == seen(twin)


def _apply(idx, op, ids, n):
    if op == "upsert":
        return idx.upsert(vectors=[(f"v{i}", [1.0, i, n, 0], {"n": n}) for i in ids], namespace="ns")
    if op == "delete":
        return idx.delete(ids=[f"v{i}" for i in ids], namespace="ns")
    if op == "tag":
        return idx.update(id=f"v{ids[0]}", set_metadata={"tag": n}, namespace="ns")
    return idx.delete(delete_all=True, namespace="ns")


def test_pinecone_namespace_rate_limit_preset(admin, pc, make_index):
    from pinecone import RateLimitError  # noqa: PLC0415 - SDK 9 and 10 both export it

    assert admin.set_options(rate_limit_rps="pinecone")["rate_limit_rps"] == 100
    idx = make_index("qps", dimension=2)
    idx.upsert(vectors=[("a", [1.0, 2.0])], namespace="hot")
    start_seq = admin.last_seq()
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    def one(_: int) -> Exception | None:
        try:
            idx.query(vector=[1.0, 2.0], top_k=1, namespace="hot")
        except RateLimitError as exc:
            return exc
        return None

    with ThreadPoolExecutor(8) as pool:  # ≈ 150 QPS on one namespace, the workload Pinecone refuses
        refused = next((r for r in pool.map(one, range(300)) if r is not None), None)
    if refused is None:
        pytest.skip("this machine did not reach 100 queries/s through the SDK")
    assert "Pinecone's documented default for on-demand serverless indexes" in str(refused)
    log = [e for e in admin.requests(index="qps", since=start_seq) if e["operation"] == "query"]
    first_429 = next(i for i, e in enumerate(log) if e["status"] == 429)
    t = log[first_429]["time"]
    in_window = [e for e in log[:first_429] if e["status"] == 200 and e["time"] > t - 1.0]
    assert len(in_window) >= 99  # refused only once ~100 were accepted in the last second (timestamps ±ms)
    idx.query(vector=[1.0, 2.0], top_k=1, namespace="cold")  # another namespace has its own budget
