"""Phase 6 fake students: correct answers written differently, and one typical mistake per exercise."""

ALT = {
    "latency": '''
def latency_report(latencies_ms):
    s = sorted(float(x) for x in latencies_ms)
    n = len(s)

    def pct(p):
        k = (n - 1) * p / 100
        lo, hi = math.floor(k), math.ceil(k)
        return s[lo] + (s[hi] - s[lo]) * (k - lo)

    return {"count": n, "p50": pct(50), "p95": pct(95), "p99": pct(99), "mean": sum(s) / n, "max": s[-1]}

def plot_latency(latencies_ms):
    fig = plt.figure(figsize=(6, 3))
    ax = fig.add_subplot(1, 1, 1)
    ax.hist(latencies_ms, bins=40)
    ax.axvline(latency_report(latencies_ms)["p95"], color="k")
    return fig
''',
    "health": '''
def health_report(pc, threshold=0.8):
    rows = []
    for name in sorted(pc.list_indexes().names()):
        described = pc.describe_index(name)
        stats = pc.Index(host=described.host).describe_index_stats()
        is_pod = hasattr(described.deployment, "pod_type") and described.deployment.pod_type is not None
        full = stats.index_fullness or 0.0
        rows.append(dict(name=name, kind="pod" if is_pod else "serverless",
                         records=sum(ns.vector_count for ns in stats.namespaces.values()),
                         fullness=full, alert=bool(is_pod and full >= threshold)))
    return rows
''',
    "retries": '''
RETRYABLE = {429, 500, 502, 503, 504}

def with_retries(fn, max_attempts=6, base_delay=0.1, max_delay=5.0, sleep=time.sleep):
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            attempt += 1
            if getattr(exc, "status_code", None) not in RETRYABLE or attempt >= max_attempts:
                raise
            ceiling = min(max_delay, base_delay * (2 ** (attempt - 1)))
            wait = random.random() * ceiling
            floor = getattr(exc, "retry_after", None) or 0
            sleep(wait if wait > floor else floor)
''',
    "backup": '''
def backup_and_restore(pc, index_name, restored_name):
    backup = pc.create_backup(index_name=index_name, backup_name="safety-copy")
    for _ in range(600):
        if str(pc.describe_backup(backup_id=backup.backup_id).status).lower() == "ready":
            break
        time.sleep(0.1)
    pc.create_index_from_backup(backup_id=backup.backup_id, name=restored_name)
    for _ in range(600):
        if pc.has_index(restored_name) and pc.describe_index(restored_name).status.ready:
            break
        time.sleep(0.1)
    return backup.backup_id
''',
    "migrate": '''
def migrate(pc, source, target, router):
    src_model = pc.describe_index(source)
    pc.create_index(name=target, dimension=src_model.dimension, metric=src_model.metric,
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    src, dst = pc.Index(name=source), pc.Index(name=target)
    expected = {ns: s.vector_count for ns, s in src.describe_index_stats().namespaces.items()}
    for ns in expected:
        token = None
        while True:
            page = src.list_paginated(namespace=ns, limit=100, pagination_token=token)
            ids = [v.id for v in page.vectors]
            if ids:
                got = src.fetch(ids=ids, namespace=ns).vectors
                dst.upsert(namespace=ns, vectors=[(i, list(v.values), dict(v.metadata or {})) for i, v in got.items()])
            token = page.pagination.next if page.pagination else None
            if not token:
                break
    actual = {ns: s.vector_count for ns, s in dst.describe_index_stats().namespaces.items()}
    assert actual == expected, f"counts differ: {actual} vs {expected}"
    for ns in expected:
        ids = [v.id for v in src.list_paginated(namespace=ns, limit=10).vectors]
        a, b = src.fetch(ids=ids, namespace=ns).vectors, dst.fetch(ids=ids, namespace=ns).vectors
        assert all(list(a[i].values) == list(b[i].values) and a[i].metadata == b[i].metadata for i in ids)
    router.switch(target)
    time.sleep(1.0)
    pc.delete_index(source)
''',
    "scanner": '''
import nbformat as _nbf

KEY = re.compile(r"pcsk_\\w{20,}")
LEGACY = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.I)

def _strings(cell):
    out = [cell.source]
    for o in cell.get("outputs", []):
        out.append(o.get("text", ""))
        out.extend(v if isinstance(v, str) else json.dumps(v) for v in o.get("data", {}).values())
    return ["".join(s) if isinstance(s, list) else s for s in out]

def find_leaked_keys(path):
    nb = _nbf.read(path, as_version=4)
    hits = []
    for n, cell in enumerate(nb.cells):
        lines = [line for s in _strings(cell) for line in s.split("\\n")]
        if any(KEY.search(l) or (LEGACY.search(l) and re.search("api_key|pinecone", l, re.I)) for l in lines):
            hits.append(n)
    return hits
''',
    "snippets": '''
def snippet_404():
    index = pc.Index(host=pc.describe_index("films-troubleshoot").host)
    result = index.query(vector=FILMS[0]["values"], top_k=5, namespace="films")
    return [m.id for m in result.matches]


def snippet_dimension():
    vector = [float(x) for x in FILMS[1]["values"]]
    return troubleshoot.upsert(vectors=[{"id": "note-1", "values": vector, "metadata": {"kind": "note"}}],
                               namespace="films").upserted_count


def snippet_metadata():
    metadata = {k: v for k, v in {"title": "Untitled draft", "year": None}.items() if v is not None}
    return troubleshoot.upsert(vectors=[{"id": "note-2", "values": FILMS[2]["values"], "metadata": metadata}],
                               namespace="films").upserted_count


def snippet_filter():
    flt = {"$or": [{"genres": "Drama"}, {"genres": {"$eq": "Comedy"}}]}
    result = troubleshoot.query(vector=FILMS[0]["values"], top_k=3, namespace="films", filter=flt)
    return [m.id for m in result.matches]
''',
}

MISTAKES = {
    # nearest rank instead of interpolation; no p95 marker
    "latency": '''
def latency_report(latencies_ms):
    s = sorted(latencies_ms)
    n = len(s)
    return {"count": n, "p50": s[n // 2], "p95": s[min(n - 1, int(0.95 * n))], "p99": s[min(n - 1, int(0.99 * n))],
            "mean": sum(s) / n, "max": s[-1]}

def plot_latency(latencies_ms):
    fig, ax = plt.subplots()
    ax.hist(latencies_ms, bins=30)
    return fig
''',
    # a hard-coded 90 % alert that ignores the threshold
    "health": '''
def health_report(pc, threshold=0.8):
    report = []
    for model in pc.list_indexes():
        stats = pc.Index(name=model.name).describe_index_stats()
        kind = "pod" if getattr(model.deployment, "pod_type", None) else "serverless"
        report.append({"name": model.name, "kind": kind, "records": stats.total_vector_count,
                       "fullness": stats.index_fullness, "alert": stats.index_fullness > 0.9})
    return sorted(report, key=lambda r: r["name"])
''',
    # retries everything, with no jitter
    "retries": '''
def with_retries(fn, max_attempts=6, base_delay=0.1, max_delay=5.0, sleep=time.sleep):
    for attempt in range(max_attempts):
        try:
            return fn()
        except Exception as exc:
            if attempt == max_attempts - 1:
                raise
            sleep(max(min(max_delay, base_delay * 2 ** attempt), getattr(exc, "retry_after", None) or 0))
''',
    # "restores" by copying the records, not from the backup
    "backup": '''
def backup_and_restore(pc, index_name, restored_name):
    backup = pc.create_backup(index_name=index_name, backup_name="copy")
    d = pc.describe_index(index_name)
    pc.create_index(name=restored_name, dimension=d.dimension, metric=d.metric,
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    src, dst = pc.Index(name=index_name), pc.Index(name=restored_name)
    for ns in src.describe_index_stats().namespaces:
        for page in src.list(namespace=ns):
            got = src.fetch(ids=[v.id for v in page.vectors], namespace=ns).vectors
            dst.upsert(namespace=ns, vectors=[{"id": k, "values": list(v.values), "metadata": dict(v.metadata or {})}
                                              for k, v in got.items()])
    return backup.backup_id
''',
    # copies correctly but retires the old index before switching readers, without verifying
    "migrate": '''
def migrate(pc, source, target, router):
    d = pc.describe_index(source)
    pc.create_index(name=target, dimension=d.dimension, metric=d.metric,
                    spec=ServerlessSpec(cloud="aws", region="us-east-1"))
    old, new = pc.Index(name=source), pc.Index(name=target)
    for ns in old.describe_index_stats().namespaces:
        for page in old.list(namespace=ns):
            got = old.fetch(ids=[v.id for v in page.vectors], namespace=ns).vectors
            new.upsert(namespace=ns, vectors=[{"id": k, "values": list(v.values), "metadata": dict(v.metadata or {})}
                                              for k, v in got.items()])
    pc.delete_index(source)
    time.sleep(0.3)
    router.switch(target)
''',
    # looks at cell sources only, never at outputs
    "scanner": '''
def find_leaked_keys(path):
    with open(path) as f:
        cells = json.load(f)["cells"]
    pattern = re.compile(r"pcsk_[A-Za-z0-9_]{20,}")
    found = []
    for i, cell in enumerate(cells):
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if pattern.search(src):
            found.append(i)
    return found
''',
    # fixes three, but the filter still asks for Drama only
    "snippets": '''
def snippet_404():
    index = pc.Index(name="films-troubleshoot")
    result = index.query(vector=FILMS[0]["values"], top_k=5, namespace="films")
    return [m.id for m in result.matches]


def snippet_dimension():
    vector = FILMS[1]["values"]
    return troubleshoot.upsert(vectors=[{"id": "note-1", "values": vector, "metadata": {"kind": "note"}}],
                               namespace="films").upserted_count


def snippet_metadata():
    metadata = {"title": "Untitled draft", "year": 0}
    return troubleshoot.upsert(vectors=[{"id": "note-2", "values": FILMS[2]["values"], "metadata": metadata}],
                               namespace="films").upserted_count


def snippet_filter():
    flt = {"genres": {"$in": ["Drama"]}}
    result = troubleshoot.query(vector=FILMS[0]["values"], top_k=3, namespace="films", filter=flt)
    return [m.id for m in result.matches]
''',
}
