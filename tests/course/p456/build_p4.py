import sys; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
from nbbuild import NB
nb = NB("phase4")

nb.md("""
# Phase 4 — Index management ★ Lab: size an index for 1M vectors and cost it

You will choose the right kind of index for an embedding model, size it three ways — serverless,
legacy pods and dedicated read nodes — operate a legacy pod index the way Pinecone lets you (and
refuses to), and finish with the lab: a costed recommendation for **one million vectors**.

| you will | graded by |
|---|---|
| `namespace_gb()` — what serverless stores and meters | hidden tests on unseen shapes, against the kit's sizing model |
| `pods_needed()`, `replicas_for_qps()` | the kit's capacity and throughput tables on unseen inputs |
| `drn_shards()`, `drn_replicas()` | the kit's dedicated-read-node model |
| a sizing calculator over your own `size_plan()` | (the function is graded, not the widget) |
| scale a legacy pod index, including the changes that must fail | what the local Pinecone did: its request log and final state |
| the 1M-vector cost report | the kit's cost models on unseen workloads |
""")

nb.code("""
# Setup: this notebook's own fresh local Pinecone, and the libraries it uses.
import math, random, time
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from pinecone import ServerlessSpec
from pinecone.exceptions import PineconeApiException
import pinecone_ops
from pinecone_ops import course
from pinecone_ops.pricing.pricebook import load_pricebook

pc = course.start("phase4")
admin = pinecone_ops.admin()   # the local Pinecone's request log (not part of Pinecone's API)
BOOK = load_pricebook()
""", locked_id="setup")

nb.md("""
## 1. Index types and metrics

An index stores one kind of vector and compares vectors with one metric, both fixed at creation.

| vector type | what it holds | metric | typical source |
|---|---|---|---|
| **dense** | a fixed-length float vector (1–20,000 dims) | cosine, euclidean or dotproduct | sentence/image embedding models (all-MiniLM-L6-v2: 384-d; OpenAI text-embedding-3-small: 1536-d) |
| **sparse** | up to 2,048 non-zero (index, value) pairs | dotproduct only | lexical models (BM25, SPLADE, pinecone-sparse-english-v0) |
| **hybrid** | dense + sparse in one record | dotproduct | semantic + keyword search in one query |

| metric | score | pick it when |
|---|---|---|
| cosine | cos θ, higher is closer | the model's docs say cosine, or you don't know; norm is ignored |
| dotproduct | a · b, higher is closer | vectors are normalised (then equal to cosine, slightly cheaper), or hybrid/sparse |
| euclidean | squared distance, **lower** is closer | the model was trained for L2 distance (some image models) |

The rule: **use the metric the embedding model was trained with**. The course's films use
all-MiniLM-L6-v2, whose vectors are unit length, so cosine and dotproduct rank them identically.

## 2. Sizing serverless: there is nothing to provision, but size still matters

A serverless index has no pods and no capacity limit. Its size drives storage cost and — because a
query costs 1 RU per GB of the **namespace** it reads (minimum 0.25) — the price of every query:

`record bytes = id bytes + metadata bytes + 4 × dimensions + 8 × sparse non-zeros`

`namespace GB = records × record bytes / 10⁹` (decimal GB, as Pinecone bills)

| records | dims | metadata | GB | RU per query |
|---|---|---|---|---|
| 500,000 | 768 | 500 B | 1.79 | 1.79 |
| 1,000,000 | 1536 | 1,000 B | 7.152 | 7.152 |
| 10,000,000 | 1536 | 1,000 B | 71.52 | 71.52 |

Throughput has a ceiling too: on-demand queries are limited to **2,000 RU per second per index**, so a
10 GB namespace tops out near 200 QPS. Past that, or for steady heavy traffic, you move reads to
dedicated read nodes (section 4).

### Exercise 1 — namespace size (2 points)
""")

nb.solution("namespace_gb", """
def namespace_gb(records, dimension, metadata_bytes=0, id_bytes=8, sparse_nnz=0):
    \"\"\"Decimal GB that `records` records of this shape occupy (what serverless meters).\"\"\"
    ### BEGIN SOLUTION
    return records * (id_bytes + metadata_bytes + 4 * dimension + 8 * sparse_nnz) / 1e9
    ### END SOLUTION
""")

nb.test("test_namespace_gb", 2, """
assert abs(namespace_gb(1_000_000, 1536, 1000) - 7.152) < 1e-9
assert abs(namespace_gb(500_000, 768, 500) - 1.79) < 1e-9
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_namespace_gb
check_namespace_gb(namespace_gb)
### END HIDDEN TESTS
""")

nb.md("""
## 3. Legacy pods: capacity, shards and replicas

Pod-based indexes are **legacy**: Standard and Enterprise customers who signed up on or after
2025-08-18 cannot create them, and API 2026-07 (SDK 10.x) refuses to create one. Existing pod indexes
still run and still need sizing and scaling, so here is how they work.

A pod is a fixed slice of memory. **Shards** (the base pods) split the data; **replicas** copy every
shard for throughput and availability; `pods = shards × replicas`. Pod **type** chooses the trade-off,
pod **size** (x1, x2, x4, x8) multiplies both capacity and price.

Estimated maximum vectors per **x1** pod (Pinecone's sizing guide, 2022–2023):
""")

nb.code("""
cap = BOOK.raw["pods"]["capacity_x1"]
qps = BOOK.raw["pods"]["qps_per_replica"]
capacity = pd.DataFrame({f: cap[f] for f in ("p1", "p2", "s1")}, index=cap["dimensions"]).rename_axis("dims")
throughput = pd.DataFrame({f: qps[f] for f in ("p1", "p2", "s1")}, index=qps["top_k"]).rename_axis("top_k ≤")
display(capacity.style.format("{:,}").set_caption("vectors per x1 pod"))
display(throughput.style.set_caption("QPS per replica (1M × 768-d baseline)"))
""", locked_id="pod_tables")

nb.md("""
Between the tabulated dimensions the kit interpolates: capacity × dimension (a pod's "dimension
budget") varies linearly between table rows and stays constant beyond them, so capacity falls as
1/dimension. `pod_capacity(pod_type, dimension)` below gives you that model; a size multiplies it.

* **pods needed** = ⌈ records / (capacity of one pod × max fullness) ⌉, at least 1 (no fractional pods).
  Pinecone advises growing at about 90 % fullness, so planners often pass `max_fullness=0.9`.
* **replicas for a QPS target** = ⌈ QPS / QPS per replica ⌉, at least 1. QPS per replica comes from
  the throughput table for the smallest tabulated `top_k` ≥ yours (beyond 1,000 use the last column).
  Replicas add throughput, never capacity.

### Exercise 2 — pods and replicas (3 points)
""")

nb.code("""
from pinecone_ops.pricing.pods import pod_capacity   # the kit's capacity model (given)

pd.DataFrame({t: [pod_capacity(t, d) for d in (384, 768, 1536, 3072)] for t in ("p1.x1", "p1.x2", "s1.x1")},
             index=[384, 768, 1536, 3072]).rename_axis("dims")
""", locked_id="capacity_helper")

nb.solution("pods_replicas", """
def pods_needed(records, dimension, pod_type="p1.x1", max_fullness=1.0):
    \"\"\"Base pods (shards) of `pod_type` to hold `records`, none fuller than `max_fullness`.\"\"\"
    ### BEGIN SOLUTION
    usable = pod_capacity(pod_type, dimension) * max_fullness
    return max(1, math.ceil(records / usable - 1e-9))
    ### END SOLUTION


def replicas_for_qps(qps, pod_type="p1.x1", top_k=10):
    \"\"\"Replicas of `pod_type` to serve `qps` queries per second at this `top_k`.\"\"\"
    ### BEGIN SOLUTION
    family = pod_type.split(".")[0]
    table = BOOK.raw["pods"]["qps_per_replica"]
    per_replica = next((q for k, q in zip(table["top_k"], table[family]) if top_k <= k), table[family][-1])
    return max(1, math.ceil(qps / per_replica - 1e-9))
    ### END SOLUTION
""")

nb.test("test_pods_replicas", 3, """
assert pods_needed(1_000_000, 1536, "p1.x1") == 2
assert pods_needed(1_000_000, 1536, "p1.x2") == 1
assert replicas_for_qps(150, "p1.x1", top_k=10) == 5
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_pods_replicas
check_pods_replicas(pods_needed, replicas_for_qps)
### END HIDDEN TESTS
""")

nb.md("""
## 4. Dedicated read nodes (DRN): the current answer for big or busy indexes

Since 2025-12 (GA 2026-04) a serverless index can serve reads from **dedicated read nodes**:
provisioned hardware billed per node-hour, with **no read units** and no read rate limits. Storage
and writes stay on the serverless meter.

| concept | rule |
|---|---|
| shard | holds up to 250 GB; keep shards 70–80 % full: `shards = ⌈ GB / (250 × 0.75) ⌉`, at least 1 |
| replica | serves a share of the QPS: `replicas = ⌈ QPS / QPS per replica ⌉`, at least 1 (+1 for high availability) |
| nodes | shards × replicas, each billed at the node rate (b1 ≈ $336.42 / month in Pinecone's example) |
| QPS per replica | **not published**: Pinecone says measure it with a load test; the kit assumes 100 for b1 |

### Exercise 3 — DRN shards and replicas (2 points)
""")

nb.code("""
DRN = BOOK.raw["drn"]
SHARD_GB = DRN["shard_gb"]["value"]                 # 250
TARGET_FULLNESS = DRN["target_fullness"]["value"]   # 0.75
B1_QPS = DRN["qps_per_replica"]["b1"]["value"]      # 100 (an assumption: load-test yours)
B1_MONTH = DRN["node_month"]["b1"]["value"]         # 336.42 (illustrative)
SHARD_GB, TARGET_FULLNESS, B1_QPS, B1_MONTH
""", locked_id="drn_figures")

nb.solution("drn", """
def drn_shards(size_gb, target_fullness=TARGET_FULLNESS):
    \"\"\"Shards of 250 GB for an index of `size_gb`, each at most `target_fullness` full.\"\"\"
    ### BEGIN SOLUTION
    return max(1, math.ceil(size_gb / (SHARD_GB * target_fullness) - 1e-9))
    ### END SOLUTION


def drn_replicas(qps, qps_per_replica=B1_QPS, ha=False):
    \"\"\"Replicas to serve `qps`; one more when `ha` (high availability).\"\"\"
    ### BEGIN SOLUTION
    return max(1, math.ceil(qps / qps_per_replica - 1e-9)) + (1 if ha else 0)
    ### END SOLUTION
""")

nb.test("test_drn", 2, """
assert drn_shards(400) == 3, "400 GB at 75 % of 250 GB per shard needs 3 shards, not 2"
assert drn_replicas(150) == 2 and drn_replicas(150, ha=True) == 3
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_drn
check_drn(drn_shards, drn_replicas)
### END HIDDEN TESTS
""")

nb.md("""
## 5. A sizing calculator over your functions

`size_plan()` below puts your three answers together for one workload, one row per option. The kit's
`sizing_calculator` draws sliders (records, dimensions, metadata, QPS, top_k) and shows whatever your
function returns — so when you fix a function above, the calculator is fixed too. It is not graded
itself; the functions are.
""")

nb.code("""
def size_plan(records, dimension, metadata_bytes=0, qps=10, top_k=10):
    \"\"\"One row per option (serverless, p1 and s1 pods, DRN) for one workload, from your functions.\"\"\"
    gb = namespace_gb(records, dimension, metadata_bytes)
    rows = [{"option": "serverless (on-demand)", "GB": round(gb, 3), "RU per query": round(max(0.25, gb), 3),
             "shards": "-", "replicas": "-"}]
    for pod_type in ("p1.x1", "s1.x1"):
        rows.append({"option": f"{pod_type} pods (legacy)", "GB": round(gb, 3), "RU per query": "-",
                     "shards": pods_needed(records, dimension, pod_type),
                     "replicas": replicas_for_qps(qps, pod_type, top_k)})
    rows.append({"option": "dedicated read nodes (b1)", "GB": round(gb, 3), "RU per query": 0,
                 "shards": drn_shards(gb), "replicas": drn_replicas(qps)})
    return rows


from pinecone_ops.widgets import sizing_calculator
sizing_calculator(size_fn=size_plan)
""")

nb.md("""
## 6. Scaling a legacy pod index: what Pinecone allows, and what it refuses

| change | in place? | how |
|---|---|---|
| replicas up or down | **yes**, no downtime | `pc.configure_index(name, replicas=n)` |
| pod size up (x1 → x2 → x4 → x8) | **yes**, ~10–15 min, capacity and price double per step | `pc.configure_index(name, pod_type="p1.x2")` |
| pod size **down** | **no** (400) | collection → new index, or migrate to serverless |
| pod **type** (s1 ↔ p1 ↔ p2) | **no** (400) | collection → new index (API ≤ 2025-10), or migrate to serverless |
| number of shards | **no** | collection → new index |
| deletion protection, tags | yes | `pc.configure_index(name, deletion_protection="enabled")` |
| dimension, metric | **never** | a new index and re-embedding |

A **collection** is a static snapshot of a pod index: `pc.create_collection(name=..., source=index)`.
On API 2025-10 you could create a new pod index from it with another type or more shards; API 2026-07
no longer creates indexes from collections, so today the way off an undersized pod index is a
migration to serverless (phase 6).

Your company still runs a legacy pod index. The next cell creates one the way an SDK 9.x client did
(API version 2025-10), with 1,000 of the course's films in it.
""")

nb.code("""
import httpx
from pinecone_ops.datasets import records as film_records

FILMS = film_records(1000)          # real films: title, year, genres, ... and 384-d embeddings


def make_legacy_pod_index(name, pod_type="p1.x1"):
    \"\"\"Create a pod index through API 2025-10 (what SDK 9.x sent) and fill it with films.\"\"\"
    if pc.has_index(name):
        pc.configure_index(name, deletion_protection="disabled")
        pc.delete_index(name)
    body = {"name": name, "dimension": len(FILMS[0]["values"]), "metric": "cosine",
            "spec": {"pod": {"environment": "us-east-1-aws", "pod_type": pod_type,
                             "pods": 1, "replicas": 1, "shards": 1}}}
    reply = httpx.post(f"{pc.config.host}/indexes", json=body,
                       headers={"Api-Key": pc.config.api_key, "X-Pinecone-Api-Version": "2025-10"})
    reply.raise_for_status()
    while not pc.describe_index(name).status.ready:
        time.sleep(0.2)
    index = pc.Index(name=name)
    for start in range(0, len(FILMS), 200):
        index.upsert(vectors=FILMS[start:start + 200])
    return name


LEGACY = make_legacy_pod_index("catalog-legacy")
pc.describe_index(LEGACY).deployment
""", locked_id="legacy_index")

nb.md("""
### Exercise 4 — operate the pod index (7 points)

Write four functions; each takes the client and an index name, so the hidden tests can run them on
a fresh pod index of their own. Handle refusals by catching the SDK's exception
(`pinecone.exceptions.PineconeApiException` is the base class; its `.status_code` says what happened).

1. `scale_for_launch(pc, name)` — launch day: **3 replicas** and the **next pod size up** (p1.x1 →
   p1.x2), in place. Return `pc.describe_index(name)`. (2 points)
2. `refused_changes(pc, name)` — try to shrink the pod size back to x1, then try to change the pod
   type to `s1` (same size). Both must be refused. Return a dict
   `{"shrink": <status code>, "change_type": <status code>}`; don't let an exception escape. (2 points)
3. `protect(pc, name)` — enable deletion protection, then prove it works: try to delete the index,
   catch the refusal, and return its status code. The index must still exist. (2 points)
4. `after_launch(pc, name)` — traffic is back to normal: scale down to **1 replica** (allowed) and
   return the replica count `describe_index` now reports. (1 point)
""")

nb.solution("pod_ops", """
def scale_for_launch(pc, name):
    \"\"\"3 replicas and one pod size up, in place.\"\"\"
    ### BEGIN SOLUTION
    family, size = pc.describe_index(name).deployment.pod_type.split(".")
    bigger = {"x1": "x2", "x2": "x4", "x4": "x8"}[size]
    pc.configure_index(name, replicas=3, pod_type=f"{family}.{bigger}")
    return pc.describe_index(name)
    ### END SOLUTION


def refused_changes(pc, name):
    \"\"\"Try the two changes Pinecone refuses; return their status codes.\"\"\"
    ### BEGIN SOLUTION
    family, size = pc.describe_index(name).deployment.pod_type.split(".")
    other = "s1" if family != "s1" else "p1"
    statuses = {}
    for key, pod_type in (("shrink", f"{family}.x1"), ("change_type", f"{other}.{size}")):
        try:
            pc.configure_index(name, pod_type=pod_type)
            statuses[key] = 200
        except PineconeApiException as e:
            statuses[key] = e.status_code
    return statuses
    ### END SOLUTION


def protect(pc, name):
    \"\"\"Enable deletion protection and return the status code of the refused delete.\"\"\"
    ### BEGIN SOLUTION
    pc.configure_index(name, deletion_protection="enabled")
    try:
        pc.delete_index(name)
    except PineconeApiException as e:
        return e.status_code
    return 200
    ### END SOLUTION


def after_launch(pc, name):
    \"\"\"Back to one replica; return the replica count Pinecone reports.\"\"\"
    ### BEGIN SOLUTION
    pc.configure_index(name, replicas=1)
    return pc.describe_index(name).deployment.replicas
    ### END SOLUTION
""")

nb.code("""
described = scale_for_launch(pc, LEGACY)
print("after launch:", described.deployment.pod_type, described.deployment.replicas, "replicas")
print("refused:", refused_changes(pc, LEGACY))
print("delete while protected:", protect(pc, LEGACY))
print("replicas after launch:", after_launch(pc, LEGACY))
""")

nb.test("test_scale_for_launch", 2, """
assert described.deployment.pod_type == "p1.x2" and described.deployment.replicas == 3
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_scale_for_launch
check_scale_for_launch(scale_for_launch, make_legacy_pod_index)
### END HIDDEN TESTS
""")

nb.test("test_refused_changes", 2, """
assert pc.describe_index(LEGACY).deployment.pod_type == "p1.x2", "a refused change leaves the index as it was"
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_refused_changes
check_refused_changes(refused_changes, make_legacy_pod_index)
### END HIDDEN TESTS
""")

nb.test("test_protect", 2, """
assert pc.has_index(LEGACY), "the protected index must survive"
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_protect
check_protect(protect, make_legacy_pod_index)
### END HIDDEN TESTS
""")

nb.test("test_after_launch", 1, """
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_after_launch
check_after_launch(after_launch, make_legacy_pod_index)
### END HIDDEN TESTS
""")

nb.md("""
## 7. ★ Lab: one million vectors, three ways, with monthly costs

Your product team wants to index **1,000,000** documents embedded with a 1536-d model, ~1 KB of
metadata each, serving **150 QPS** at `top_k=10`. What does each option cost per month?

Use the kit's price models (given below; they read the dated price book, so a price change is a
one-line data change):

* **serverless (on-demand)**: `serverless_bill(records, dimension, metadata_bytes,
  queries_per_month=qps × 2,628,000).total` — storage + read units, floored at the $50 minimum;
* **pods (legacy)**: for each family p1, p2, s1 at size x1: `pod_cost(f"{family}.x1",
  pods=pods_needed(...), replicas=replicas_for_qps(...)).total` for a 730-hour month — take the
  cheapest family;
* **dedicated read nodes**: `drn_bill(records, dimension, metadata_bytes, qps=qps).total` — b1
  nodes + storage, floored at the minimum.

### Exercise 5 — the cost report (4 points)

Write `cost_report(records, dimension, metadata_bytes, qps, top_k=10)` returning a dict:

| key | value |
|---|---|
| `"serverless"`, `"pods"`, `"drn"` | monthly dollars (float) of each option |
| `"pod_type"` | the cheapest family's x1 type, e.g. `"p2.x1"` |
| `"recommended"` | `"serverless"` or `"drn"`, whichever is cheaper — pods are not offered to new customers, so never recommend them |
""")

nb.code("""
from pinecone_ops.pricing.serverless import serverless_bill
from pinecone_ops.pricing.pods import pod_cost
from pinecone_ops.pricing.drn import drn_bill

SECONDS_PER_MONTH = 730 * 3600
print(serverless_bill(1_000_000, 1536, 1000, queries_per_month=1_000_000).total)   # the docs' example
""", locked_id="cost_models")

nb.solution("cost_report", """
def cost_report(records, dimension, metadata_bytes, qps, top_k=10):
    \"\"\"Monthly cost of serverless, the cheapest legacy pod family and DRN, with a recommendation.\"\"\"
    ### BEGIN SOLUTION
    serverless = float(serverless_bill(records, dimension, metadata_bytes,
                                       queries_per_month=qps * SECONDS_PER_MONTH).total)
    pods = {}
    for family in ("p1", "p2", "s1"):
        pod_type = f"{family}.x1"
        pods[pod_type] = float(pod_cost(pod_type, pods=pods_needed(records, dimension, pod_type),
                                        replicas=replicas_for_qps(qps, pod_type, top_k)).total)
    pod_type = min(pods, key=pods.get)
    drn = float(drn_bill(records, dimension, metadata_bytes, qps=qps).total)
    return {"serverless": serverless, "pods": pods[pod_type], "drn": drn, "pod_type": pod_type,
            "recommended": "serverless" if serverless <= drn else "drn"}
    ### END SOLUTION
""")

nb.code("""
report = cost_report(1_000_000, 1536, 1000, qps=150)
costs = pd.Series({k: report[k] for k in ("serverless", "pods", "drn")}, name="$ / month")
ax = costs.plot.bar(rot=0, logy=True, figsize=(6, 3.5), title="1M × 1536-d, 150 QPS: monthly cost (log scale)")
ax.set_ylabel("$ / month")
report
""")

nb.md("""
Read the figure before you trust it. At 150 QPS each query reads a 7.15 GB namespace, so on-demand
reads cost ~1,070 RU/s — over half the per-index rate limit and about **$45,000 a month**. A few
dedicated read nodes serve the same traffic for a few hundred dollars; legacy pods would too, but new
customers cannot create them. At 1 QPS the answer flips: on-demand costs ~$300 and DRN still costs
its nodes. Try `cost_report(1_000_000, 1536, 1000, qps=1)`.
""")

nb.test("test_cost_report", 4, """
assert set(report) >= {"serverless", "pods", "drn", "pod_type", "recommended"}
assert report["recommended"] == "drn"
### BEGIN HIDDEN TESTS
from autograder.checks.phase4 import check_cost_report
check_cost_report(cost_report)
### END HIDDEN TESTS
""")

nb.md("""
## What to take away

* Pick the metric your embedding model was trained with; dimension and metric never change.
* Serverless needs no provisioning, but namespace size sets the price of every query.
* Pods are legacy: size up and replicas in place; size down, type and shards only through a new
  index. Deletion protection turns an accidental delete into a 403.
* For big, busy indexes, dedicated read nodes replace per-query billing with a node rate.
""")

nb.save(sys.argv[1])
