"""Phase 5 fake students: answers that are correct but written differently, and typical mistakes."""

# Correct, written differently from the reference: invoice-style rounding, integer ceiling, lists
# instead of NumPy, batch_size= upserts and one fetch per lookup.
ALT = {
    "monthly_bill": '''
def monthly_bill(storage_gb, read_units, write_units, egress_gb=0.0, plan="standard"):
    try:
        p = PLANS[plan]
    except KeyError:
        raise ValueError(f"no plan {plan}; plans: {', '.join(PLANS)}") from None
    if p["billing"] != "usage":
        return p["flat_month"] if p["billing"] == "flat" else 0
    lines = [storage_gb * p["storage_gb_month"], read_units * p["ru_per_million"] / 1_000_000,
             write_units * p["wu_per_million"] / 1_000_000]
    extra = egress_gb - p["egress_allowance_gb"]
    if extra > 0:
        lines.append(extra * p["egress_per_gb"])
    total = sum(round(x, 2) for x in lines)     # as an invoice does: each line to the cent
    return total if total > p["minimum_month"] else p["minimum_month"]
''',
    "pod_bill": '''
import re as _re

def billable_minutes(minutes):
    return int(-(-minutes // 15) * 15)

def pod_bill(pod_type, shards, replicas, minutes, hourly_price_x1):
    m = _re.fullmatch(r"(s1|p1|p2)\\.x(1|2|4|8)", pod_type)
    if not m:
        raise ValueError("bad pod type " + pod_type)
    per_minute = hourly_price_x1 / 60
    return int(m.group(2)) * shards * replicas * per_minute * billable_minutes(minutes)
''',
    "break_even": '''
SECONDS_PER_MONTH = 730 * 3600

def break_even_qps(namespace_gb, drn_monthly, ru_price=16.0):
    monthly_per_qps = SECONDS_PER_MONTH * ru_price * (namespace_gb if namespace_gb > 0.25 else 0.25) / 1e6
    return drn_monthly / monthly_per_qps

def plot_crossover(namespace_gb, drn_monthly, max_qps):
    xs = [max_qps * i / 50 for i in range(51)]
    per_qps = drn_monthly / break_even_qps(namespace_gb, drn_monthly)
    fig = plt.figure()
    ax = fig.add_subplot()
    ax.plot(xs, [x * per_qps for x in xs], label="on-demand")
    ax.plot(xs, [drn_monthly] * len(xs), label="dedicated")
    ax.axvline(x=break_even_qps(namespace_gb, drn_monthly))
    return fig
''',
    "load_records": '''
def load_records(index, records):
    tenants = sorted({r["metadata"]["tenant"] for r in records})
    for t in tenants:
        index.upsert(vectors=[r for r in records if r["metadata"]["tenant"] == t], namespace=t, batch_size=100)
''',
    "answer_questions": '''
def answer_questions(index, questions):
    return [[m.id for m in index.query(vector=v, top_k=5, namespace=t, include_metadata=False).matches]
            for t, v in questions]
''',
    "look_up_records": '''
def look_up_records(index, lookups):
    found = {}
    for t, rid in lookups:                       # one fetch per lookup: 1 RU each, still far below a query
        found[rid] = dict(index.fetch(ids=[rid], namespace=t).vectors[rid].metadata)
    return found
''',
}

# Typical mistakes, one per exercise: no plan minimum; rounding minutes to the nearest 15; no 0.25 RU
# floor (and no break-even marker); "optimising" by dropping include_values, which RU do not depend on.
MISTAKES = {
    "monthly_bill": '''
def monthly_bill(storage_gb, read_units, write_units, egress_gb=0.0, plan="standard"):
    p = PLANS[plan]
    return (storage_gb * p["storage_gb_month"] + read_units / 1e6 * p["ru_per_million"]
            + write_units / 1e6 * p["wu_per_million"]
            + max(0, egress_gb - p["egress_allowance_gb"]) * p["egress_per_gb"])
''',
    "pod_bill": '''
def billable_minutes(minutes):
    return 15 * round(minutes / 15)

def pod_bill(pod_type, shards, replicas, minutes, hourly_price_x1):
    size = int(pod_type[-1])
    return shards * size * replicas * billable_minutes(minutes) * hourly_price_x1 / 60
''',
    "break_even": '''
SECONDS_PER_MONTH = 730 * 3600

def break_even_qps(namespace_gb, drn_monthly, ru_price=16.0):
    return drn_monthly / (SECONDS_PER_MONTH * namespace_gb * ru_price / 1e6)

def plot_crossover(namespace_gb, drn_monthly, max_qps):
    fig, ax = plt.subplots()
    q = np.linspace(0, max_qps, 20)
    ax.plot(q, q * SECONDS_PER_MONTH * namespace_gb * 16 / 1e6, label="on-demand")
    ax.plot(q, 0 * q + drn_monthly, label="dedicated")
    return fig
''',
    # Step 1 batched and written once, but into one shared namespace; steps 2-3 then filter it
    # (dropping include_values, which read units do not depend on): writes pass, reads do not.
    "load_records": '''
def load_records(index, records):
    for start in range(0, len(records), 1000):
        index.upsert(vectors=records[start:start + 1000], namespace="shared")
''',
    "answer_questions": '''
def answer_questions(index, questions):
    answers = []
    for tenant, vector in questions:
        res = index.query(vector=vector, top_k=5, namespace="shared", filter={"tenant": {"$eq": tenant}})
        answers.append([m.id for m in res.matches])
    return answers
''',
    "look_up_records": '''
def look_up_records(index, lookups):
    found = {}
    for tenant, record_id in lookups:
        res = index.query(id=record_id, top_k=1, namespace="shared", filter={"tenant": {"$eq": tenant}},
                          include_metadata=True)
        found[record_id] = dict(res.matches[0].metadata)
    return found
''',
}

# Per-tenant namespaces and fetch, but still a draft then a final upsert per record: the reads pass,
# the writes (and so the total) do not.
HALF_WAY = {
    "load_records": '''
def load_records(index, records):
    for record in records:
        draft = {"id": record["id"], "values": record["values"], "metadata": {**record["metadata"], "status": "draft"}}
        index.upsert(vectors=[draft], namespace=record["metadata"]["tenant"])
        index.upsert(vectors=[record], namespace=record["metadata"]["tenant"])
''',
    "answer_questions": '''
def answer_questions(index, questions):
    return [[m.id for m in index.query(vector=v, top_k=5, namespace=t).matches] for t, v in questions]
''',
    "look_up_records": '''
def look_up_records(index, lookups):
    found = {}
    for t, rid in lookups:
        found[rid] = dict(index.fetch(ids=[rid], namespace=t).vectors[rid].metadata)
    return found
''',
}

# Steps 1 and 2 right, step 3 fetches from the shared namespace (the step-1 records are not there):
# the lookups raise, so nothing of the rewrite scores.
WRONG_NAMESPACE_FETCH = {
    "load_records": ALT["load_records"],
    "answer_questions": ALT["answer_questions"],
    "look_up_records": '''
def look_up_records(index, lookups):
    res = index.fetch(ids=[rid for _, rid in lookups], namespace="shared")
    return {rid: dict(res.vectors[rid].metadata) for _, rid in lookups}
''',
}
