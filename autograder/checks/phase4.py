"""Hidden checks for phase 4 (Index management).

Sizing functions are judged on unseen inputs against the kit's models (``pinecone_ops.pricing``);
pod operations are run by these checks on a fresh legacy pod index and judged by what the local
Pinecone did: its request log and the index's final state.
"""
from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator

from autograder.checks.common import (
    client,
    close,
    error_name,
    expect,
    fresh_name,
    log_available,
    student_client,
    watch,
)

SECONDS_PER_MONTH = 730 * 3600


def check_namespace_gb(namespace_gb: Callable) -> None:
    """Dense, sparse and hybrid shapes, ids of other lengths, against the kit's size model."""
    from pinecone_ops.pricing.serverless import namespace_gb as model

    rng = random.Random(4)
    cases = [(1, 3, 0, 8, 0), (0, 1536, 1000, 8, 0), (250_000, 384, 40_000, 8, 0), (1_000_000, 0, 200, 12, 50),
             (3_000_000, 1024, 64, 36, 120), (10_000_000, 1536, 1000, 8, 0)]
    cases += [(rng.randrange(1, 50_000_000), rng.choice([128, 384, 768, 1536, 3072]), rng.randrange(0, 4000),
               rng.randrange(1, 64), rng.choice([0, 0, 100, 2048])) for _ in range(8)]
    for records, dim, meta, id_bytes, nnz in cases:
        want = model(records, dim, meta, id_bytes, nnz)
        got = namespace_gb(records, dim, metadata_bytes=meta, id_bytes=id_bytes, sparse_nnz=nnz)
        expect(close(got, want, rel=1e-9, abs_=1e-12),
               f"namespace_gb({records:,}, {dim}, metadata_bytes={meta}, id_bytes={id_bytes}, sparse_nnz={nnz}) "
               f"should be {want:.6f} GB, got {got!r}. A record is id + metadata + 4 B per dimension + 8 B per "
               "sparse value, and a GB is 10^9 bytes.")


def check_pods_replicas(pods_needed: Callable, replicas_for_qps: Callable) -> None:
    """Pods and replicas on unseen shapes, sizes, fullness targets and top_k values."""
    from pinecone_ops.pricing import pods as model

    for records, dim, pod_type, fullness in [
        (1, 384, "p1.x1", 1.0), (500_000, 1536, "p1.x1", 1.0), (500_001, 1536, "p1.x1", 1.0),
        (100_000_000, 2048, "p1.x1", 1.0), (100_000_000, 2048, "s1.x1", 1.0), (3_000_000, 768, "p2.x4", 1.0),
        (9_000_000, 1024, "s1.x2", 0.9), (2_000_000, 900, "p1.x8", 0.9), (40_000_000, 3072, "p2.x2", 0.8),
        (0, 768, "s1.x1", 1.0)]:
        want = model.pods_needed(records, dim, pod_type, fullness)
        got = pods_needed(records, dim, pod_type, max_fullness=fullness)
        expect(got == want, f"pods_needed({records:,}, {dim}, {pod_type!r}, max_fullness={fullness}) should be "
               f"{want}, got {got!r}. Divide by one pod's capacity (pod_capacity) × max fullness and round up; "
               "an index has at least one pod.")
    for qps, pod_type, top_k in [(1, "p1.x1", 10), (30, "p1.x1", 10), (31, "p1.x1", 10), (150, "p2.x1", 10),
                                 (151, "p2.x1", 10), (100, "p2.x1", 11), (100, "p1.x4", 250), (45, "s1.x1", 1000),
                                 (45, "s1.x1", 5000), (0, "p1.x1", 10), (999, "p2.x8", 251)]:
        want = model.replicas_for_qps(qps, pod_type, top_k)
        got = replicas_for_qps(qps, pod_type, top_k=top_k)
        expect(got == want, f"replicas_for_qps({qps}, {pod_type!r}, top_k={top_k}) should be {want}, got {got!r}. "
               "Use the QPS column for the smallest tabulated top_k that is at least yours; pod size does not "
               "change QPS per replica; at least one replica.")


def check_drn(drn_shards: Callable, drn_replicas: Callable) -> None:
    """DRN shards at the 75 % target and replicas with and without HA, against the kit's model."""
    from pinecone_ops.pricing import drn as model

    for gb, fullness in [(0.001, 0.75), (187.5, 0.75), (187.6, 0.75), (400, 0.75), (1000, 0.75), (400, 0.8),
                         (5000, 0.7)]:
        want = model.drn_shards(gb, fullness)
        got = drn_shards(gb, target_fullness=fullness)
        expect(got == want, f"drn_shards({gb}, target_fullness={fullness}) should be {want}, got {got!r}: "
               "shards = ceil(GB / (250 × target fullness)), at least 1.")
    for qps, per, ha in [(1, 100, False), (100, 100, False), (101, 100, False), (101, 100, True), (0, 100, True),
                         (950, 400, False)]:
        want = model.drn_replicas(qps, qps_per_replica=per, ha=ha)
        got = drn_replicas(qps, qps_per_replica=per, ha=ha)
        expect(got == want, f"drn_replicas({qps}, qps_per_replica={per}, ha={ha}) should be {want}, got {got!r}.")


# -- pod operations on a fresh legacy pod index ---------------------------------------------------

@contextlib.contextmanager
def _pod_index(make_legacy_pod_index: Callable, **configure) -> Iterator[str]:
    """A fresh p1.x1 legacy pod index (configured with ``configure``), deleted afterwards.

    The learner's functions get a client of their own kernel (``student_client()``); the check's
    own ``client()`` sets up and reads the truth."""
    name = make_legacy_pod_index(fresh_name("grade-pods"), "p1.x1")
    pc = client()
    try:
        if configure:
            pc.configure_index(name, **configure)
        yield name
    finally:
        if pc.has_index(name):
            pc.configure_index(name, deletion_protection="disabled")
            pc.delete_index(name)


def _configures(log: list[dict]) -> list[dict]:
    return [e for e in log if e.get("operation") in {"configure_index", "configure"}]


def check_scale_for_launch(scale_for_launch: Callable, make_legacy_pod_index: Callable) -> None:
    """3 replicas and x2, done in place with configure calls that succeeded."""
    with _pod_index(make_legacy_pod_index) as name:
        pc, theirs = client(), student_client()
        with watch(name) as log:
            scale_for_launch(theirs, name)
        dep = pc.describe_index(name).deployment
        expect(dep.pod_type == "p1.x2", f"after scale_for_launch a p1.x1 index should be p1.x2, it is {dep.pod_type}")
        expect(dep.replicas == 3, f"after scale_for_launch the index should have 3 replicas, it has {dep.replicas}")
        if log_available():
            expect(not [e for e in log if e.get("operation") in {"delete_index", "create_index"}],
                   "scale in place with configure_index: no index may be deleted or created")
            ok = [e for e in _configures(log) if int(e.get("status", 0)) < 300]
            expect(ok, "the request log shows no successful configure_index call")


def check_refused_changes(refused_changes: Callable, make_legacy_pod_index: Callable) -> None:
    """Both refusals attempted, caught, reported with their status codes; the index unchanged."""
    with _pod_index(make_legacy_pod_index, pod_type="p1.x2") as name:
        pc, theirs = client(), student_client()
        with watch(name) as log:
            try:
                got = refused_changes(theirs, name)
            except Exception as exc:  # the learner must catch it
                raise AssertionError(f"refused_changes let a {error_name(exc)} escape: catch the refusal and "
                                     "return its status code") from None
        expect(isinstance(got, dict) and set(got) >= {"shrink", "change_type"},
               "refused_changes should return {'shrink': status, 'change_type': status}")
        dep = pc.describe_index(name).deployment
        expect(dep.pod_type == "p1.x2",
               f"a refused change must leave the index as it was (p1.x2), it is {dep.pod_type}")
        if log_available():
            failed = [e for e in _configures(log) if int(e.get("status", 0)) >= 400]
            sent = [str(((e.get("params") or {}).get("deployment") or {}).get("pod_type", "")) for e in failed]
            expect(any(s == "p1.x1" for s in sent), "the request log shows no refused attempt to shrink to p1.x1")
            expect(any(s.startswith(("s1", "p2")) for s in sent),
                   "the request log shows no refused attempt to change the pod type")
            statuses = sorted({int(e["status"]) for e in failed})
            for key in ("shrink", "change_type"):
                expect(got[key] in statuses, f"{key!r}: you returned {got[key]!r}, but Pinecone answered "
                       f"{statuses}: return the exception's status_code")


def check_protect(protect: Callable, make_legacy_pod_index: Callable) -> None:
    """Protection enabled before a delete that Pinecone refused with 403; the index survives."""
    with _pod_index(make_legacy_pod_index) as name:
        pc, theirs = client(), student_client()
        with watch(name) as log:
            try:
                got = protect(theirs, name)
            except Exception as exc:
                raise AssertionError(f"protect let a {error_name(exc)} escape: catch the refused delete") from None
        expect(pc.has_index(name), "the index was deleted: enable deletion protection before trying to delete")
        expect(pc.describe_index(name).deletion_protection == "enabled", "deletion protection is not enabled")
        expect(got == 403, f"protect should return the refused delete's status code (403), got {got!r}")
        if log_available():
            deletes = [e for e in log if e.get("operation") == "delete_index"]
            expect(deletes and all(int(e.get("status", 0)) == 403 for e in deletes),
                   "the request log should show your delete attempt refused with 403")


def check_after_launch(after_launch: Callable, make_legacy_pod_index: Callable) -> None:
    """Replicas scaled down to 1 in place, and the reported count returned."""
    with _pod_index(make_legacy_pod_index, replicas=4) as name:
        pc = client()
        got = after_launch(student_client(), name)
        dep = pc.describe_index(name).deployment
        expect(dep.replicas == 1, f"after_launch should leave 1 replica, the index has {dep.replicas}")
        expect(got == 1, f"after_launch should return the replica count describe_index reports (1), got {got!r}")


# -- the 1M-vector report -------------------------------------------------------------------------

def expected_report(records: int, dimension: int, metadata_bytes: int, qps: float, top_k: int = 10) -> dict:
    """The report the kit's models give (the notebook describes exactly this composition)."""
    from pinecone_ops.pricing.drn import drn_bill
    from pinecone_ops.pricing.pods import pod_cost, pods_needed, replicas_for_qps
    from pinecone_ops.pricing.serverless import serverless_bill

    serverless = float(serverless_bill(records, dimension, metadata_bytes,
                                       queries_per_month=qps * SECONDS_PER_MONTH).total)
    pods = {f"{f}.x1": float(pod_cost(f"{f}.x1", pods=pods_needed(records, dimension, f"{f}.x1"),
                                      replicas=replicas_for_qps(qps, f"{f}.x1", top_k)).total)
            for f in ("p1", "p2", "s1")}
    pod_type = min(pods, key=pods.get)
    drn = float(drn_bill(records, dimension, metadata_bytes, qps=qps).total)
    return {"serverless": serverless, "pods": pods[pod_type], "drn": drn, "pod_type": pod_type,
            "recommended": "serverless" if serverless <= drn else "drn"}


def check_cost_report(cost_report: Callable) -> None:
    """Unseen workloads on both sides of the serverless/DRN crossover."""
    for args in [(1_000_000, 1536, 1000, 150, 10), (1_000_000, 1536, 1000, 1, 10), (1_000_000, 768, 200, 40, 100),
                 (20_000_000, 384, 500, 600, 10), (50_000, 1536, 2000, 0.2, 10), (5_000_000, 1024, 0, 25, 1000)]:
        want = expected_report(*args)
        got = cost_report(*args[:4], top_k=args[4])
        call = f"cost_report({args[0]:,}, {args[1]}, {args[2]}, qps={args[3]}, top_k={args[4]})"
        expect(isinstance(got, dict), f"{call} should return a dict")
        for key in ("serverless", "pods", "drn"):
            expect(key in got and close(got[key], want[key], rel=1e-6, abs_=0.02),
                   f"{call}[{key!r}] should be ${want[key]:,.2f} a month, got {got.get(key)!r}")
        expect(got.get("pod_type") == want["pod_type"],
               f"{call}: the cheapest pod family is {want['pod_type']}, you chose {got.get('pod_type')!r}")
        expect(got.get("recommended") == want["recommended"],
               f"{call}: recommend {want['recommended']!r} (the cheaper of serverless and DRN; pods are closed "
               f"to new customers), you recommended {got.get('recommended')!r}")
