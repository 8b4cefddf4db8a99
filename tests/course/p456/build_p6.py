import sys; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
from nbbuild import NB
nb = NB("phase6")

nb.md("""
# Phase 6 — Production operations ★ Lab: migrate between indexes with zero downtime

Running Pinecone in production is a handful of habits: watch the numbers, keep a way back, never
take readers down, keep keys out of code, and read errors for what they say. Each exercise here runs
against the local Pinecone with the matching fault switched on — rate limits, for instance — and is
graded by what the server saw.

| you will | graded by |
|---|---|
| `latency_report()` and a latency histogram | unseen latency samples, against NumPy's percentiles |
| `health_report()` that flags nearly full pod indexes | fresh indexes the grader builds, their reported fullness |
| `with_retries()`: exponential backoff + jitter, honouring `Retry-After` | real 429s from the local Pinecone, and injected errors |
| `backup_and_restore()` | the restored index's contents, record by record |
| ★ `migrate()` while a reader queries throughout | zero failed reads, identical contents, the request log's order |
| `find_leaked_keys()` | notebooks you have not seen |
| fix four broken snippets | what the local Pinecone answered |
""")

nb.code("""
# Setup: this notebook's own fresh local Pinecone, and the libraries it uses.
import json, math, random, re, threading, time
import numpy as np
import pandas as pd
import matplotlib
import matplotlib.pyplot as plt
from pinecone import Pinecone, ServerlessSpec
from pinecone.exceptions import PineconeApiException
import pinecone_ops
from pinecone_ops import course

pc = course.start("phase6")
admin = pinecone_ops.admin()   # the local Pinecone's request log and fault switches
from pinecone_ops.datasets import records as film_records

FILMS = film_records(600)          # real films: title, year, genres, ... and 384-d embeddings
DIM = len(FILMS[0]["values"])


def fresh_index(name, dimension=DIM, metric="cosine"):
    \"\"\"A new, empty serverless index called `name` (an old one of that name is removed).\"\"\"
    if pc.has_index(name):
        pc.configure_index(name, deletion_protection="disabled")
        pc.delete_index(name)
    pc.create_index(name=name, dimension=dimension, metric=metric,
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    return pc.Index(name=name)
""", locked_id="setup")

nb.md("""
## 1. Monitoring: what to watch

| signal | where it comes from | alert when |
|---|---|---|
| record counts per namespace | `index.describe_index_stats()` | a count drops unexpectedly (a bad delete) or stalls (a broken pipeline) |
| `index_fullness` (pods only) | `describe_index_stats()` | ≥ 0.8–0.9: an upsert into a full pod index fails; size up (x1 → x2) before then |
| query latency p50 / p95 / p99 | your client's timings (or Pinecone's Prometheus metrics) | p99 grows: larger namespaces, heavy filters, cold caches |
| read / write units | `usage.read_units` on responses; the console's usage page | the monthly projection passes your budget (spend alerts notify, they never cap) |
| 429s | exceptions in your client | sustained throttling: batch, spread load, or move reads to dedicated nodes |

Averages hide the pain: one slow query in twenty is invisible in the mean and obvious at p95.

### Exercise 1 — a latency report and its histogram (2 points)

`latency_report(latencies_ms)` returns `{"count", "p50", "p95", "p99", "mean", "max"}` with
percentiles computed like `np.percentile` (linear interpolation). `plot_latency(latencies_ms)`
returns a `Figure` with a histogram of the samples and a vertical line at the p95.
""")

nb.solution("latency", """
def latency_report(latencies_ms):
    \"\"\"Summary statistics of latency samples in milliseconds.\"\"\"
    ### BEGIN SOLUTION
    a = np.asarray(latencies_ms, dtype=float)
    if a.size == 0:
        raise ValueError("no latency samples")
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"count": int(a.size), "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "mean": float(a.mean()), "max": float(a.max())}
    ### END SOLUTION


def plot_latency(latencies_ms):
    \"\"\"Histogram of latencies with the p95 marked.\"\"\"
    ### BEGIN SOLUTION
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(latencies_ms, bins=30, color="#4c72b0")
    p95 = latency_report(latencies_ms)["p95"]
    ax.axvline(p95, color="crimson", linestyle="--", label=f"p95 = {p95:.1f} ms")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("queries")
    ax.legend()
    return fig
    ### END SOLUTION
""")

nb.code("""
films = fresh_index("films-monitor")
films.upsert(vectors=FILMS)
latencies = []
for record in FILMS[:150]:
    start = time.perf_counter()
    films.query(vector=record["values"], top_k=10)
    latencies.append((time.perf_counter() - start) * 1000)
fig = plot_latency(latencies)
pd.Series(latency_report(latencies)).round(2)
""")

nb.test("test_latency", 2, """
_r = latency_report([10, 20, 30, 40, 1000])
assert _r["count"] == 5 and _r["p50"] == 30 and _r["max"] == 1000
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_latency
check_latency(latency_report, plot_latency)
### END HIDDEN TESTS
""")

nb.md("""
### Exercise 2 — a health report (2 points)

`health_report(pc, threshold=0.8)` returns one dict per index in the project, sorted by name:
`{"name", "kind": "pod" | "serverless", "records": total records, "fullness": index_fullness,
"alert": bool}`. `alert` is True only for a **pod** index whose fullness is at or above
`threshold` (serverless indexes report fullness 0 and never fill up).
""")

nb.solution("health", """
def health_report(pc, threshold=0.8):
    \"\"\"Records, fullness and a fullness alert for every index in the project.\"\"\"
    ### BEGIN SOLUTION
    report = []
    for model in pc.list_indexes():
        stats = pc.Index(name=model.name).describe_index_stats()
        kind = "pod" if getattr(model.deployment, "pod_type", None) else "serverless"
        fullness = float(stats.index_fullness or 0.0)
        report.append({"name": model.name, "kind": kind, "records": stats.total_vector_count,
                       "fullness": fullness, "alert": kind == "pod" and fullness >= threshold})
    return sorted(report, key=lambda row: row["name"])
    ### END SOLUTION
""")

nb.code("""
pd.DataFrame(health_report(pc))
""")

nb.test("test_health", 2, """
assert any(row["name"] == "films-monitor" and row["records"] == len(FILMS) for row in health_report(pc))
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_health
check_health(health_report)
### END HIDDEN TESTS
""")

nb.md("""
## 2. Rate limits: back off, with jitter, and listen to `Retry-After`

Serverless indexes limit request rates (e.g. 100 queries/s per namespace, 2,000 read units/s per
index). Over the limit, Pinecone answers **429 Too Many Requests**, often with a `Retry-After` header
saying how many seconds to wait. The right response:

1. retry only what can succeed later: **429** and **5xx** (500, 502, 503, 504) — never 400, 401,
   403 or 404, which will fail again;
2. wait **exponentially longer** each time (`base × 2^attempt`, capped), with **full jitter** (a random
   wait between 0 and that bound) so a crowd of clients does not retry in lockstep;
3. if the server said `Retry-After`, wait **at least** that long;
4. give up after a fixed number of attempts and re-raise the last error.

The SDK already retries 429 and 5xx a few times on its own (3 retries by default, honouring
`Retry-After`; `Pinecone(retry_config=RetryConfig(...))` tunes it for the control plane). When a burst
outlasts that budget, the SDK raises `RateLimitException` (its `retry_after` attribute holds the
parsed header) — and your own wrapper is the next line of defence. A fleet of workers hitting one
namespace at once is exactly that situation.

### Exercise 3 — `with_retries` (3 points)

`with_retries(fn, max_attempts=6, base_delay=0.1, max_delay=5.0, sleep=time.sleep)` calls `fn()` and
returns its result, retrying as above; it waits only through `sleep(seconds)` (tests pass their own).
""")

nb.solution("retries", """
def with_retries(fn, max_attempts=6, base_delay=0.1, max_delay=5.0, sleep=time.sleep):
    \"\"\"Call fn(), retrying 429 and 5xx with capped exponential backoff, full jitter and Retry-After.\"\"\"
    ### BEGIN SOLUTION
    for attempt in range(max_attempts):
        try:
            return fn()
        except PineconeApiException as exc:
            status = getattr(exc, "status_code", None)
            retryable = status == 429 or (status is not None and 500 <= status < 600)
            if not retryable or attempt == max_attempts - 1:
                raise
            delay = random.uniform(0, min(max_delay, base_delay * 2 ** attempt))
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                delay = max(delay, float(retry_after))
            sleep(delay)
    ### END SOLUTION
""")

nb.code("""
# A burst: 4 workers x 3 queries against a limit of 2 requests/s per namespace.
admin.set_options(rate_limit_rps=2)      # a teaching fault of the local Pinecone
waits, answers = [], []


def recorded_sleep(seconds):
    waits.append(round(seconds, 2))
    time.sleep(seconds)


def worker():
    for _ in range(3):
        answers.append(with_retries(lambda: films.query(vector=FILMS[0]["values"], top_k=1), sleep=recorded_sleep))


start = admin.last_seq()
workers = [threading.Thread(target=worker) for _ in range(4)]
for t in workers:
    t.start()
for t in workers:
    t.join()
admin.set_options(rate_limit_rps=0)
throttled = [e for e in admin.requests(index="films-monitor", since=start) if e["status"] == 429]
print(f"{len(answers)} of 12 queries answered; the server sent {len(throttled)} 429s; "
      f"the SDK absorbed some, your wrapper waited {waits}")
""")

nb.test("test_retries", 3, """
assert len(answers) == 12 and all(a.matches for a in answers), "every query of the burst must be answered"
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_retries
check_retries(with_retries)
### END HIDDEN TESTS
""")

nb.md("""
## 3. Backups and restore

| index kind | how to keep a copy | how to get it back |
|---|---|---|
| serverless | **backup**: `pc.create_backup(index_name=..., backup_name=...)` ($0.10 / GB-month) | `pc.create_index_from_backup(backup_id=..., name=...)` ($0.15 / GB restored), a new index |
| pod (legacy) | **collection**: `pc.create_collection(name=..., source=index)` | a new pod index from it (API ≤ 2025-10 only) |

A backup is only a backup once you have restored it: check the copy, record by record.
Both are asynchronous: poll the backup's `status` until `"Ready"`, then wait for the restored index
to be ready (`pc.describe_index(name).status.ready`). Poll with a short sleep, not a busy loop.

### Exercise 4 — backup → restore (2 points)

`backup_and_restore(pc, index_name, restored_name)` backs `index_name` up, waits for the backup to be
ready, restores it into a new index `restored_name`, waits until that index is ready, and returns
the backup id.
""")

nb.solution("backup", """
def backup_and_restore(pc, index_name, restored_name):
    \"\"\"Back up `index_name`, restore the backup as `restored_name`; return the backup id.\"\"\"
    ### BEGIN SOLUTION
    backup = pc.create_backup(index_name=index_name, backup_name=f"{index_name}-backup")
    while pc.describe_backup(backup_id=backup.backup_id).status != "Ready":
        time.sleep(0.2)
    pc.create_index_from_backup(backup_id=backup.backup_id, name=restored_name)
    while not pc.describe_index(restored_name).status.ready:
        time.sleep(0.2)
    return backup.backup_id
    ### END SOLUTION
""")

nb.code("""
def contents(index):
    \"\"\"Every record of every namespace: {namespace: {id: (values, metadata)}}.\"\"\"
    out = {}
    for ns in index.describe_index_stats().namespaces:
        ids = [item.id for page in index.list(namespace=ns) for item in page.vectors]
        records = {}
        for start in range(0, len(ids), 1000):
            fetched = index.fetch(ids=ids[start:start + 1000], namespace=ns).vectors
            records.update({k: (list(v.values), dict(v.metadata or {})) for k, v in fetched.items()})
        out[ns] = records
    return out


backup_id = backup_and_restore(pc, "films-monitor", "films-restored")
print("backup", backup_id, "restored equal:", contents(pc.Index(name="films-restored")) == contents(films))
""", locked_id="contents_helper")

nb.test("test_backup", 2, """
assert contents(pc.Index(name="films-restored")) == contents(films)
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_backup
check_backup(backup_and_restore, contents)
### END HIDDEN TESTS
""")

nb.md("""
## 4. ★ Lab: migrate between indexes with zero downtime

You must move `films-v1` to a new index `films-v2` (say, to leave a legacy pod index, change the
metric's index settings, or change region) **while the application keeps querying**. Readers don't
hard-code an index name: they ask a `Router`, which you switch in one atomic step.

The safe order — and the one the grader reads from the request log:

1. create the target with the same dimension and metric;
2. copy every namespace: `list` ids (pages of ≤ 100), `fetch` in batches (≤ 1,000 ids),
   `upsert` in batches (≤ 1,000 records and 2 MB);
3. **verify**: record counts per namespace equal (`describe_index_stats` on both), and a sample of
   records fetched from both is identical;
4. **switch** the router to the target, then give in-flight reads a moment to **drain** (a reader
   that looked up the old name just before the switch is still talking to it);
5. only then **delete** the old index.

Writes arriving during a migration need dual writes or a replay from your source of truth; this lab
keeps the source read-only while it runs.
""")

nb.code("""
class Router:
    \"\"\"The one place readers learn which index to query; switch() is atomic.\"\"\"

    def __init__(self, pc, name):
        self._pc, self._name, self._lock = pc, name, threading.Lock()
        self.switched_at_seq = None

    @property
    def name(self):
        with self._lock:
            return self._name

    def switch(self, name):
        with self._lock:
            self._name = name
            self.switched_at_seq = max((e["seq"] for e in admin.requests()), default=0)

    def index(self):
        return self._pc.Index(name=self.name)


def run_with_reader(migrate_fn, source, target, probe):
    \"\"\"Run migrate_fn(pc, source, target, router) while a thread queries through the router.\"\"\"
    router, stop = Router(pc, source), threading.Event()
    stats = {"ok": 0, "failed": 0, "errors": []}

    def reader():
        while not stop.is_set():
            try:
                router.index().query(vector=probe, top_k=3, namespace="classics")
                stats["ok"] += 1
            except Exception as exc:          # a failed read is what we are counting
                stats["failed"] += 1
                stats["errors"].append(repr(exc)[:200])
            time.sleep(0.005)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        migrate_fn(pc, source, target, router)
    finally:
        time.sleep(0.05)
        stop.set()
        thread.join(timeout=10)
    return router, stats


def make_source(name):
    \"\"\"A source index with films in two namespaces.\"\"\"
    index = fresh_index(name)
    index.upsert(vectors=FILMS[:350], namespace="classics")
    index.upsert(vectors=FILMS[350:], namespace="recent")
    return index


source_before = contents(make_source("films-v1"))
""", locked_id="migration_harness")

nb.md("""
### Exercise 5 — `migrate(pc, source, target, router)` (5 points)

Points: the reader never fails (1), the target holds exactly the source's records in every
namespace (2), verification → switch → delete happen in that order, as the request log shows (2).
""")

nb.solution("migrate", """
def migrate(pc, source, target, router):
    \"\"\"Copy `source` into a new index `target`, verify, switch the router, then delete `source`.\"\"\"
    ### BEGIN SOLUTION
    old = pc.Index(name=source)
    described = pc.describe_index(source)
    if not pc.has_index(target):
        pc.create_index(name=target, dimension=described.dimension, metric=described.metric,
                        spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    new = pc.Index(name=target)
    namespaces = old.describe_index_stats().namespaces
    for ns in namespaces:
        for page in old.list(namespace=ns):
            fetched = old.fetch(ids=[item.id for item in page.vectors], namespace=ns).vectors
            batch = [{"id": k, "values": list(v.values), **({"metadata": dict(v.metadata)} if v.metadata else {})}
                     for k, v in fetched.items()]
            new.upsert(vectors=batch, namespace=ns)
    new_counts = new.describe_index_stats().namespaces
    for ns, summary in namespaces.items():
        if new_counts.get(ns) is None or new_counts[ns].vector_count != summary.vector_count:
            raise RuntimeError(f"namespace {ns!r}: counts differ after the copy; not switching")
        sample = [item.id for item in old.list_paginated(namespace=ns, limit=20).vectors]
        a = old.fetch(ids=sample, namespace=ns).vectors
        b = new.fetch(ids=sample, namespace=ns).vectors
        if {k: (list(v.values), v.metadata) for k, v in a.items()} != {k: (list(v.values), v.metadata) for k, v in b.items()}:
            raise RuntimeError(f"namespace {ns!r}: sampled records differ; not switching")
    router.switch(target)
    time.sleep(0.5)          # drain: let reads that picked the old name before the switch finish
    pc.delete_index(source)
    ### END SOLUTION
""")

nb.code("""
router, reads = run_with_reader(migrate, "films-v1", "films-v2", FILMS[0]["values"])
print(f"reads during the migration: {reads['ok']} ok, {reads['failed']} failed; router -> {router.name}")
print("contents identical:", contents(pc.Index(name="films-v2")) == source_before,
      "| old index gone:", not pc.has_index("films-v1"))
""")

nb.test("test_migration_reads", 1, """
assert reads["failed"] == 0 and reads["ok"] > 0, reads["errors"][:3]
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_migration
check_migration(migrate, run_with_reader, make_source, contents, part="reads")
### END HIDDEN TESTS
""")

nb.test("test_migration_contents", 2, """
assert contents(pc.Index(name="films-v2")) == source_before
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_migration
check_migration(migrate, run_with_reader, make_source, contents, part="contents")
### END HIDDEN TESTS
""")

nb.test("test_migration_order", 2, """
assert not pc.has_index("films-v1") and router.name == "films-v2"
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_migration
check_migration(migrate, run_with_reader, make_source, contents, part="order")
### END HIDDEN TESTS
""")

nb.md("""
## 5. Security

| practice | why |
|---|---|
| keys come from the environment (`os.environ["PINECONE_API_KEY"]`), never from code or notebooks | notebooks get committed, shared and rendered; a key in an output cell leaks as surely as one in code |
| one key per environment and service, with the **least role** it needs | a read-only data-plane key gets **403** on writes; a leaked reader key cannot delete your data |
| rotate keys, revoke unused ones | a key is shown once at creation and valid until revoked |
| deletion protection on production indexes | `delete_index` answers **403** until someone disables it on purpose |
| scan before you commit | a pre-commit hook that finds `pcsk_…` strings saves a rotation at 2 a.m. |

Pinecone API keys today start with `pcsk_` followed by a long run of letters, digits and
underscores; keys from before 2024 were UUIDs (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).

Least privilege, on the local Pinecone: give the application's reader its own key with the
`DataPlaneViewer` role. It can query; a write is refused with **403**; an unknown key gets **401**.
""")

nb.code("""
from pinecone.exceptions import ForbiddenException, UnauthorizedException

my_key = pc.config.api_key
admin.set_options(api_keys={my_key: "ProjectEditor", "reader-key-demo": "DataPlaneViewer"})
try:
    reader = Pinecone(api_key="reader-key-demo", host=pc.config.host).Index(host=pc.describe_index("films-monitor").host)
    print("reader query:", [m.id for m in reader.query(vector=FILMS[0]["values"], top_k=2).matches])
    try:
        reader.upsert(vectors=[{"id": "x", "values": FILMS[0]["values"]}])
    except ForbiddenException as e:
        print("reader upsert:", e.status_code, "-", e)
    try:
        Pinecone(api_key="not-a-key", host=pc.config.host).list_indexes()
    except UnauthorizedException as e:
        print("unknown key:", e.status_code)
finally:
    admin.set_options(api_keys={})     # back to the open local server
""")

nb.md("""
### Exercise 6 — a leaked-key scanner (2 points)

`find_leaked_keys(path)` reads a notebook file (JSON) and returns a sorted list of the cell indexes
(0-based) whose source **or outputs** contain a key: `pcsk_` followed by at least 20 characters from
`[A-Za-z0-9_]`, or a UUID-shaped key on a line that also mentions `api_key` or `PINECONE`
(case-insensitive). Placeholders like `"YOUR_API_KEY"` and `os.environ[...]` are not keys. Outputs
can hold text as a string or a list of strings, in `text` (streams) or under `data` (results).
""")

nb.solution("scanner", """
def find_leaked_keys(path):
    \"\"\"Indexes of the cells of notebook `path` whose source or outputs contain an API key.\"\"\"
    ### BEGIN SOLUTION
    pcsk = re.compile(r"pcsk_[A-Za-z0-9_]{20,}")
    uuid = re.compile(r"\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b")
    context = re.compile(r"api_key|pinecone", re.IGNORECASE)

    def flat(value):
        return "".join(value) if isinstance(value, list) else str(value)

    def texts(cell):
        yield flat(cell.get("source", ""))
        for output in cell.get("outputs", []) or []:
            if "text" in output:
                yield flat(output["text"])
            for value in (output.get("data") or {}).values():
                yield json.dumps(value) if isinstance(value, dict) else flat(value)

    def leaks(text):
        return bool(pcsk.search(text)) or any(uuid.search(line) and context.search(line)
                                              for line in text.splitlines())

    with open(path, encoding="utf-8") as f:
        notebook = json.load(f)
    return sorted(i for i, cell in enumerate(notebook["cells"]) if any(leaks(t) for t in texts(cell)))
    ### END SOLUTION
""")


nb.test("test_scanner", 2, """
import nbformat, tempfile, os
_nb = nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_code_cell('pc = Pinecone(api_key=os.environ["PINECONE_API_KEY"])'),
    nbformat.v4.new_code_cell('pc = Pinecone(api_key="pcsk_' + "Ab3" * 20 + '")')])
_path = os.path.join(tempfile.mkdtemp(), "leaky.ipynb")
nbformat.write(_nb, _path)
assert find_leaked_keys(_path) == [1]
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_scanner
check_scanner(find_leaked_keys)
### END HIDDEN TESTS
""")

nb.md("""
## 6. Troubleshooting: read the status code first

| status | SDK exception | usual cause | fix |
|---|---|---|---|
| 400 | `PineconeApiException` | vector dimension ≠ index dimension; null or nested metadata; bad filter (`$in` needs a list); top_k > 10,000 | fix the request; the message names the field |
| 401 | `UnauthorizedException` | missing, mistyped or revoked key | check `PINECONE_API_KEY` in the environment |
| 403 | `ForbiddenException` | key lacks the role; deletion protection; plan quota (`QUOTA_EXCEEDED`) | right key, disable protection on purpose, or upgrade |
| 404 | `NotFoundException` | wrong index or backup name, or it was deleted | `pc.list_indexes().names()` |
| 429 | `RateLimitException` | over a rate limit | back off (exercise 3), batch, spread load |
| 5xx | `ServiceException` | server side | retry with backoff |

### Exercise 7 — fix the snippets (4 points)

Each function below had one line that failed; the comment above the gap shows it and the error it
caused. Write the corrected line so the function returns what its docstring says. Don't catch and
hide the error: make the request right.
""")

nb.code("""
troubleshoot = fresh_index("films-troubleshoot")
troubleshoot.upsert(vectors=FILMS[:100], namespace="films")
""", locked_id="troubleshoot_index")

nb.solution("snippets", """
def snippet_404():
    \"\"\"The 5 ids nearest to FILMS[0] in the 'films' namespace of 'films-troubleshoot'.\"\"\"
    # This line fails with 404:   index = pc.Index(name="film-troubleshot")
    ### BEGIN SOLUTION
    index = pc.Index(name="films-troubleshoot")
    ### END SOLUTION
    result = index.query(vector=FILMS[0]["values"], top_k=5, namespace="films")
    return [m.id for m in result.matches]


def snippet_dimension():
    \"\"\"Upsert one record 'note-1' (the vector of FILMS[1]) with metadata {'kind': 'note'}; return the upserted count.\"\"\"
    # This line leads to a 400:   vector = FILMS[1]["values"][:100]
    ### BEGIN SOLUTION
    vector = FILMS[1]["values"]
    ### END SOLUTION
    return troubleshoot.upsert(vectors=[{"id": "note-1", "values": vector, "metadata": {"kind": "note"}}],
                               namespace="films").upserted_count


def snippet_metadata():
    \"\"\"Upsert 'note-2' (the vector of FILMS[2]) with a title and NO year (the year is unknown); return the count.\"\"\"
    # This line leads to a 400:   metadata = {"title": "Untitled draft", "year": None}
    ### BEGIN SOLUTION
    metadata = {"title": "Untitled draft"}
    ### END SOLUTION
    return troubleshoot.upsert(vectors=[{"id": "note-2", "values": FILMS[2]["values"], "metadata": metadata}],
                               namespace="films").upserted_count


def snippet_filter():
    \"\"\"The ids of the 3 nearest neighbours of FILMS[0] whose 'genres' include 'Drama' or 'Comedy'.\"\"\"
    # This line leads to a 400:   flt = {"genres": {"$in": "Drama"}}
    ### BEGIN SOLUTION
    flt = {"genres": {"$in": ["Drama", "Comedy"]}}
    ### END SOLUTION
    result = troubleshoot.query(vector=FILMS[0]["values"], top_k=3, namespace="films", filter=flt)
    return [m.id for m in result.matches]
""")

nb.test("test_snippets", 4, """
assert len(snippet_404()) == 5
### BEGIN HIDDEN TESTS
from autograder.checks.phase6 import check_snippets
check_snippets(snippet_404, snippet_dimension, snippet_metadata, snippet_filter, FILMS)
### END HIDDEN TESTS
""")

nb.md("""
## What to take away

* Watch counts, fullness, tail latency and units; alert on trends, not single points.
* Retry only what can succeed later, back off exponentially with jitter, and obey `Retry-After`.
* A backup you have not restored is a hope, not a backup.
* Zero downtime = copy, verify, switch, and only then delete — in that order, every time.
* Keys live in the environment, with the least role they need; scan notebooks before sharing them.
""")

nb.save(sys.argv[1])
