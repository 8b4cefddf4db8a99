"""Hidden checks for phase 6 (Production operations).

Operations are re-run by these checks on fresh indexes with faults switched on where the topic needs
them, and judged by what the local Pinecone saw (request log) and by the data left behind.
"""
from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from autograder.checks.common import (
    admin,
    client,
    close,
    error_name,
    expect,
    fresh_name,
    is_kind,
    kernel_new,
    log_available,
    notebook_key,
    set_options,
    student_client,
)

FIGURE = "matplotlib.figure.Figure"
#: Test doubles the checks build in the learner's kernel (they cannot send it functions).
TESTING = "pinecone_ops.testing"

# -- monitoring -------------------------------------------------------------------------------------

def check_latency(latency_report: Callable, plot_latency: Callable) -> None:
    """Percentiles on unseen samples (odd, even, single, heavy-tailed) equal NumPy's; the plot marks p95."""
    rng = np.random.default_rng(6)
    samples = [[42.0], [5.0, 1.0], list(rng.lognormal(3, 0.6, 101)), list(rng.lognormal(2, 1.2, 1000)),
               [float(x) for x in rng.integers(1, 50, 37)]]
    for s in samples:
        got = latency_report(list(s))
        p50, p95, p99 = np.percentile(s, [50, 95, 99])
        want = {"count": len(s), "p50": p50, "p95": p95, "p99": p99, "mean": float(np.mean(s)), "max": max(s)}
        for key, value in want.items():
            expect(key in got and close(got[key], value, rel=1e-9, abs_=1e-9),
                   f"latency_report on {len(s)} samples: {key} should be {value:.4f}, got {got.get(key)!r}. "
                   "Use linear interpolation between ranks, as np.percentile does.")
    s = list(rng.lognormal(3, 0.5, 300))
    fig = plot_latency(s)
    try:
        # fig, its axes and lines are objects of the learner's kernel: asked for data, never run here
        expect(is_kind(fig, FIGURE), "plot_latency must return the matplotlib Figure it drew")
        ax = fig.axes[0]
        expect(len(ax.patches) >= 5, "plot_latency should draw a histogram (ax.hist)")
        p95 = float(np.percentile(s, 95))
        marks = [line for line in ax.get_lines() if len(set(map(float, line.get_xdata()))) == 1]
        expect(any(close(float(line.get_xdata()[0]), p95, rel=1e-6) for line in marks),
               f"mark the p95 ({p95:.2f} ms) with a vertical line (ax.axvline)")
    finally:
        if is_kind(fig, FIGURE):
            kernel_new("matplotlib.pyplot:close", fig)


def _pod_index(pc, name: str, dimension: int) -> None:
    from pinecone_ops.course import create_legacy_pod_index

    create_legacy_pod_index(pc, name, dimension)


def check_health(health_report: Callable) -> None:
    """Two pod indexes either side of a threshold and a serverless one: alerts only where due."""
    from pinecone import ServerlessSpec

    pc = client()
    names = [fresh_name("grade-full"), fresh_name("grade-roomy"), fresh_name("grade-sl")]
    try:
        dim = 8
        _pod_index(pc, names[0], dim)
        _pod_index(pc, names[1], dim)
        pc.create_index(name=names[2], dimension=dim, metric="cosine",
                        spec=ServerlessSpec(cloud="aws", region="us-east-1"))
        rng = np.random.default_rng(7)
        for name, n in zip(names, (900, 90, 500), strict=True):
            idx = pc.Index(name=name)
            vecs = rng.standard_normal((n, dim)).round(5)
            for start in range(0, n, 300):
                idx.upsert(vectors=[(f"r{i}", vecs[i].tolist()) for i in range(start, min(n, start + 300))])
        full = {name: float(pc.Index(name=name).describe_index_stats().index_fullness or 0.0) for name in names}
        expect(full[names[0]] > full[names[1]] > 0,
               "grader setup: the local Pinecone reports no pod fullness (ask your instructor)")
        threshold = (full[names[0]] + full[names[1]]) / 2
        rows = {row["name"]: row for row in health_report(student_client(), threshold=threshold)}
        for name, n, kind, alert in zip(names, (900, 90, 500), ("pod", "pod", "serverless"), (True, False, False),
                                        strict=True):
            expect(name in rows, f"health_report left out the index {name!r}: report every index in the project")
            row = rows[name]
            expect(row.get("kind") == kind, f"{name}: kind should be {kind!r}, got {row.get('kind')!r}")
            expect(row.get("records") == n, f"{name}: records should be {n}, got {row.get('records')!r}")
            expect(close(row.get("fullness", -1), full[name], rel=1e-9),
                   f"{name}: fullness should be {full[name]:.6f} (index_fullness), got {row.get('fullness')!r}")
            expect(row.get("alert") is alert,
                   f"{name}: alert should be {alert} at threshold {threshold:.6f} (fullness {full[name]:.6f}, "
                   f"{kind}); only pod indexes at or above the threshold alert")
        expect(list(rows) == sorted(rows), "health_report should be sorted by index name")
    finally:
        for name in names:
            if pc.has_index(name):
                pc.delete_index(name)


# -- retries ----------------------------------------------------------------------------------------
# The learner's with_retries runs in their kernel: the failing functions and the recording sleep are
# test doubles built there (pinecone_ops.testing), the SDK errors they raise described as data.

def _api_error(status: int, message: str) -> dict:
    return {"kind": "PineconeApiException", "message": message, "status_code": status}


def _rate_limit(message: str, retry_after: float) -> dict:
    return {"kind": "RateLimitException", "message": message, "retry_after": retry_after}


def _scripted(errors: list[dict], result: str = "done"):
    """A function of the learner's kernel that raises ``errors`` one per call and then returns
    ``result`` (``.calls`` counts), and a recorder to pass as ``sleep`` (``.waits``)."""
    return kernel_new(f"{TESTING}:Scripted", errors, result), kernel_new(f"{TESTING}:Recorder")


def check_retries(with_retries: Callable) -> None:
    """Injected errors (backoff shape, jitter, Retry-After, what is not retried) and real 429s."""
    # 5xx without Retry-After: bounded exponential waits, jittered.
    runs = []
    for _ in range(6):
        fn, sleep = _scripted([_api_error(503, "unavailable") for _ in range(4)])
        got = with_retries(fn, max_attempts=6, base_delay=0.2, max_delay=1.0, sleep=sleep.append)
        calls, waits = fn.calls, list(sleep.waits)
        expect(got == "done" and calls == 5, "with_retries should return fn()'s result once it succeeds "
               f"(after 4 failures it made {calls} calls)")
        expect(len(waits) == 4, f"4 failures should mean 4 waits, you slept {len(waits)} times")
        for attempt, w in enumerate(waits):
            bound = min(1.0, 0.2 * 2 ** attempt)
            expect(0 <= w <= bound + 1e-9, f"wait {attempt + 1} was {w:.3f}s; with base_delay=0.2 and max_delay=1.0 "
                   f"it must lie in [0, {bound:.2f}] (full jitter: uniform(0, min(max_delay, base × 2^attempt)))")
        runs.append(tuple(waits))
    expect(len(set(runs)) > 1, "the waits were identical on every run: add random jitter")

    # Retry-After is a floor.
    fn, sleep = _scripted([_rate_limit("slow down", 2.5), _rate_limit("slow down", 0.7)])
    with_retries(fn, max_attempts=5, base_delay=0.01, max_delay=0.05, sleep=sleep.append)
    waits = list(sleep.waits)
    expect(len(waits) == 2 and waits[0] >= 2.5 and waits[1] >= 0.7,
           f"after 429s with Retry-After 2.5 and 0.7 you waited {waits}: wait at least what the server asks")

    # Not retried: client errors.
    for status, err in ((404, {"kind": "NotFoundException", "message": "no such index"}),
                        (400, _api_error(400, "bad dimension"))):
        fn, sleep = _scripted([err])
        out = kernel_new(f"{TESTING}:outcome", with_retries, fn, sleep=sleep.append)
        calls, waits = fn.calls, list(sleep.waits)
        caught = None if out["raised"] is None else fn.index_of(out["raised"])
        expect(caught == 0 and calls == 1 and not waits,
               f"a {status} will fail again: raise it at once without retrying (you made {calls} "
               f"calls and slept {len(waits)} times)")

    # Giving up: the last error re-raised after max_attempts calls.
    fn, sleep = _scripted([_api_error(500, "down") for _ in range(10)])
    out = kernel_new(f"{TESTING}:outcome", with_retries, fn, max_attempts=3, base_delay=0.01, sleep=sleep.append)
    calls = fn.calls
    caught = None if out["raised"] is None else fn.index_of(out["raised"])
    expect(calls == 3 and caught == 2,
           f"with max_attempts=3 make exactly 3 calls and re-raise the last error (you made {calls})")

    _check_live_rate_limit(with_retries)


def _check_live_rate_limit(with_retries: Callable) -> None:
    """A burst of workers against a real rate limit: every call answered, every wait ≥ Retry-After."""
    from pinecone import ServerlessSpec

    if not log_available():
        return
    pc = client()
    name = fresh_name("grade-429")
    pc.create_index(name=name, dimension=4, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    try:
        idx = pc.Index(name=name)
        idx.upsert(vectors=[("a", [0.1, 0.2, 0.3, 0.4])])
        # the query each worker retries, as a function of the learner's kernel
        query = kernel_new("functools:partial", student_client().Index(name=name).query,
                           vector=[0.1, 0.2, 0.3, 0.4], top_k=1)
        expect(set_options(rate_limit_rps=2), "grader setup: the local Pinecone cannot switch rate limits on")
        start = admin().last_seq()
        try:
            # 4 threads in the kernel, 3 calls each; their sleep records every wait (and sleeps ≤ 5 s)
            burst = kernel_new(f"{TESTING}:burst", with_retries, query, workers=4, repeat=3, sleep_cap=5.0,
                               join_timeout=50.0)
        finally:
            set_options(rate_limit_rps=0)
        throttled = [e for e in admin().requests(index=name, since=start) if int(e.get("status", 0)) == 429]
        expect(throttled, "grader setup: the burst was never throttled")
        failures, answered, waits = burst["failures"], burst["answered"], burst["waits"]
        expect(not failures and answered == 12,
               f"under a rate limit of 2 requests/s, {12 - answered} of 12 queries failed, e.g. {failures[:1]}: "
               "retry 429s (with backoff and Retry-After) until max_attempts")
        expect(all(w >= 1 for w in waits), f"the server's 429s carried Retry-After ≥ 1 s, but you waited {waits}")
    finally:
        set_options(rate_limit_rps=0)
        pc.delete_index(name)


# -- backup and restore -----------------------------------------------------------------------------

def check_backup(backup_and_restore: Callable, contents: Callable) -> None:
    """A fresh two-namespace index backed up and restored: equal record by record, via a backup."""
    from pinecone import ServerlessSpec

    pc = client()
    src, dst = fresh_name("grade-bk"), fresh_name("grade-rs")
    pc.create_index(name=src, dimension=6, metric="euclidean", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    try:
        idx = pc.Index(name=src)
        rng = np.random.default_rng(8)
        for ns in ("alpha", "beta"):
            idx.upsert(namespace=ns, vectors=[{"id": f"{ns}-{i}", "values": rng.standard_normal(6).round(4).tolist(),
                                               "metadata": {"n": i, "tag": ns}} for i in range(40)])
        theirs = student_client()   # the learner's functions run in their kernel, on its client
        want = contents(theirs.Index(name=src))
        backup_id = backup_and_restore(theirs, src, dst)
        expect(pc.has_index(dst), f"no index {dst!r} after backup_and_restore")
        expect(pc.describe_index(dst).status.ready, "return only once the restored index is ready")
        got = contents(theirs.Index(name=dst))
        expect(got == want, "the restored index differs from the original (record ids, values or metadata)")
        expect(getattr(pc.describe_index(dst), "source_backup_id", backup_id) == backup_id,
               "return the id of the backup you restored from")
    finally:
        for name in (src, dst):
            if pc.has_index(name):
                pc.delete_index(name)


# -- migration --------------------------------------------------------------------------------------

_MIGRATIONS: dict[tuple, dict] = {}


def _migration(migrate, make_source, contents) -> dict:
    """One migration per notebook (its three test cells share it). The reader is the notebook's
    harness rebuilt in the kernel (``pinecone_ops.testing.run_with_reader``): the notebook's own
    Router reads the admin API, which is locked for the kernel while a check runs, so this one
    records the time of the switch (the request log's clock) instead."""
    key = notebook_key(migrate)
    if key not in _MIGRATIONS:
        pc, theirs = client(), student_client()
        src, dst = fresh_name("grade-v1"), fresh_name("grade-v2")
        before = contents(make_source(src))
        probe = next(iter(next(iter(before.values())).values()))[0]
        start = admin().last_seq() if log_available() else 0
        try:
            run = kernel_new(f"{TESTING}:run_with_reader", migrate, theirs, src, dst, probe)
        except Exception as exc:  # reported below
            run = {"router": None, "switched_at": None, "stats": {"ok": 0, "failed": 0, "errors": []},
                   "error": {"type": error_name(exc), "message": str(exc)}}
        after = contents(theirs.Index(name=dst)) if pc.has_index(dst) else None
        log = admin().requests(since=start) if log_available() else []
        _MIGRATIONS[key] = {"src": src, "dst": dst, "before": before, "after": after, "router": run["router"],
                            "switched_at": run["switched_at"], "stats": run["stats"], "error": run["error"],
                            "log": log, "src_exists": pc.has_index(src)}
        for name in (src, dst):
            if pc.has_index(name):
                pc.delete_index(name)
    return _MIGRATIONS[key]


def check_migration(migrate: Callable, run_with_reader: Callable, make_source: Callable, contents: Callable,
                    part: str) -> None:
    """One migration of a fresh source under a live reader, judged by ``part``: reads, contents or order.

    ``run_with_reader`` (the notebook's harness) is not used: its kernel-side twin is (see
    :func:`_migration`)."""
    m = _migration(migrate, make_source, contents)
    err = m["error"]
    expect(err is None, f"migrate raised {(err or {}).get('type')}: {(err or {}).get('message')}")
    if part == "reads":
        stats = m["stats"]
        expect(stats["ok"] > 0, "the reader made no successful query during the migration")
        expect(stats["failed"] == 0, f"{stats['failed']} reads failed during the migration, e.g. "
               f"{stats['errors'][:1]}: switch the router before deleting the old index")
        return
    if part == "contents":
        expect(m["after"] is not None, f"the target index {m['dst']!r} does not exist after migrate")
        for ns, records in m["before"].items():
            got = (m["after"] or {}).get(ns, {})
            expect(set(got) == set(records), f"namespace {ns!r}: the target has {len(got)} records, the source had "
                   f"{len(records)}; copy every namespace, every page of ids")
            bad = [i for i in records if got[i] != records[i]]
            expect(not bad, f"namespace {ns!r}: record {bad[:1]} differs (values or metadata) after the copy")
        expect(set(m["after"] or {}) == set(m["before"]), "the target has namespaces the source did not")
        return
    # part == "order": the request log must show copy → verify → switch → delete.
    expect(not m["src_exists"], "the old index still exists: retire it once the target is verified")
    expect(m["router"] == m["dst"], "switch the router to the target")
    if not log_available():
        return
    log = m["log"]

    def seq(e: dict) -> int:
        return int(e.get("seq", 0))

    dst_writes = [e for e in log if e.get("index") == m["dst"] and e.get("operation") == "upsert"]
    deletes = [e for e in log if e.get("operation") == "delete_index" and m["src"] in
               (e.get("index"), (e.get("params") or {}).get("name"))]
    expect(dst_writes, "the request log shows no upserts into the target")
    expect(deletes, "the request log shows no delete of the old index")
    last_write, delete_at = max(map(seq, dst_writes)), min(map(seq, deletes))
    checks = [seq(e) for e in log if e.get("operation") in {"describe_index_stats", "fetch"}
              and e.get("index") == m["dst"] and last_write < seq(e) < delete_at]
    expect(checks, "verify before you retire: after the last upsert, read the target back (describe_index_stats "
           "counts and a fetched sample) before deleting the old index")
    # the switch's time against the request log's (a request is logged when it arrives)
    switched = m["switched_at"]
    wrote_at = max(float(e.get("time", 0)) for e in dst_writes)
    deleted_at = min(float(e.get("time", 0)) for e in deletes)
    expect(switched is not None and wrote_at < switched < deleted_at,
           "the order must be copy → verify → switch readers → delete the old index")


# -- the key scanner --------------------------------------------------------------------------------

def _key(rng: random.Random, n: int = 64) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
    return "pcsk_" + "".join(rng.choice(alphabet) for _ in range(n))


def _uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def scanner_cases(seed: int = 66) -> list[tuple[dict, list[int]]]:
    """Unseen notebooks: keys in code, markdown, stream and result outputs; decoys that are not keys."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    rng = random.Random(seed)
    cells = [
        new_code_cell('import os\npc = Pinecone(api_key=os.environ["PINECONE_API_KEY"])'),        # 0 clean
        new_code_cell(f'PINECONE_API_KEY = "{_key(rng)}"'),                                       # 1 key
        new_markdown_cell(f"Use your key, e.g. `{_key(rng, 30)}` (oops)"),                        # 2 key in markdown
        new_code_cell('print(os.environ["PINECONE_API_KEY"])',
                      outputs=[new_output("stream", name="stdout", text=[_key(rng)[:40], "\n"])]),  # 3 key in output
        new_code_cell('api_key = "YOUR_API_KEY"  # placeholder'),                                  # 4 decoy
        new_code_cell(f'record_id = "{_uuid(rng)}"  # a UUID that is a record id'),               # 5 decoy
        new_code_cell(f'pc = Pinecone(api_key="{_uuid(rng)}")'),                                  # 6 legacy key
        new_code_cell("config", outputs=[new_output("execute_result", execution_count=1,
                      data={"text/plain": f"{{'pinecone_key': '{_uuid(rng)}'}}"})]),  # 7 legacy key in result
        new_code_cell('prefix = "pcsk_short"'),                                                    # 8 too short
        new_code_cell("x = 1", outputs=[new_output("stream", name="stderr",
                      text=f"warning: token {_key(rng, 25)} expired")]),                          # 9 key in stderr
    ]
    first = new_notebook(cells=cells)
    clean = new_notebook(cells=[new_markdown_cell("# nothing here"), new_code_cell("pc = Pinecone()")])
    return [(first, [1, 2, 3, 6, 7, 9]), (clean, [])]


def check_scanner(find_leaked_keys: Callable) -> None:
    """Findings on unseen notebooks equal the cells that really leak, decoys untouched."""
    import nbformat

    for i, (nb, want) in enumerate(scanner_cases()):
        # written where the learner's function can read it: in their kernel's own /tmp
        path = kernel_new(f"{TESTING}:write_file", f"unseen-{i}.ipynb", nbformat.writes(nb))
        got = find_leaked_keys(path)
        expect(list(got) == want, f"on an unseen notebook find_leaked_keys returned {list(got)}, the leaking "
               f"cells are {want}: look in code, markdown and every output (streams, results), and don't flag "
               "placeholders, short prefixes or UUIDs that are not next to api_key/PINECONE")


# -- troubleshooting ----------------------------------------------------------------------------------

def check_snippets(snippet_404: Callable, snippet_dimension: Callable, snippet_metadata: Callable,
                   snippet_filter: Callable, films: list) -> None:
    """Each fixed snippet returns the right thing, and the server accepted its request."""
    pc = client()
    idx = pc.Index(name="films-troubleshoot")
    q = films[0]["values"]
    got = snippet_404()
    want = [m.id for m in idx.query(vector=q, top_k=5, namespace="films").matches]
    expect(got == want, f"snippet_404 should return the 5 nearest ids {want}, got {got!r}")
    expect(snippet_dimension() == 1, "snippet_dimension should upsert one record and return 1")
    rec = idx.fetch(ids=["note-1"], namespace="films").vectors.get("note-1")
    expect(rec is not None and np.allclose(rec.values, films[1]["values"], atol=1e-6),
           "note-1 should hold the full vector of FILMS[1] (all of its dimensions)")
    expect(snippet_metadata() == 1, "snippet_metadata should upsert one record and return 1")
    rec = idx.fetch(ids=["note-2"], namespace="films").vectors.get("note-2")
    expect(rec is not None and dict(rec.metadata or {}).get("title") == "Untitled draft"
           and "year" not in dict(rec.metadata or {}),
           "note-2 should keep its title and have no year at all (omit unknown fields; null is not allowed)")
    flt = {"genres": {"$in": ["Drama", "Comedy"]}}
    want = [m.id for m in idx.query(vector=q, top_k=3, namespace="films", filter=flt).matches]
    got = snippet_filter()
    expect(got == want, f"snippet_filter should return {want} (genres include Drama or Comedy), got {got!r}")
