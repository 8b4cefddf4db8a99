"""Phase 4 fake students: correct answers written differently, and one typical mistake per exercise."""

ALT = {
    "namespace_gb": '''
def namespace_gb(records, dimension, metadata_bytes=0, id_bytes=8, sparse_nnz=0):
    per_record = id_bytes + metadata_bytes + dimension * 4 + sparse_nnz * 8
    return per_record * records / 1_000_000_000
''',
    "pods_replicas": '''
import bisect

def pods_needed(records, dimension, pod_type="p1.x1", max_fullness=1.0):
    per_pod = pod_capacity(pod_type, dimension) * max_fullness
    return max(1, math.ceil(round(records / per_pod, 9)))

QPS = {"p1": [30, 25, 20], "p2": [150, 50, 20], "s1": [10, 10, 10]}

def replicas_for_qps(qps, pod_type="p1.x1", top_k=10):
    column = min(bisect.bisect_left([10, 250, 1000], top_k), 2)
    return max(1, -(-qps // QPS[pod_type[:2]][column]))
''',
    "drn": '''
def drn_shards(size_gb, target_fullness=TARGET_FULLNESS):
    usable = SHARD_GB * target_fullness
    shards = int(size_gb // usable)
    return max(1, shards + (1 if size_gb - shards * usable > 1e-9 else 0))

def drn_replicas(qps, qps_per_replica=B1_QPS, ha=False):
    n = max(1, math.ceil(round(qps / qps_per_replica, 9)))
    return n + 1 if ha else n
''',
    "pod_ops": '''
def scale_for_launch(pc, name):
    pod_type = pc.describe_index(name).deployment.pod_type
    steps = ["x1", "x2", "x4", "x8"]
    family, size = pod_type.split(".")
    pc.configure_index(name, replicas=3)
    pc.configure_index(name, pod_type=family + "." + steps[steps.index(size) + 1])
    return pc.describe_index(name)

def refused_changes(pc, name):
    family, size = pc.describe_index(name).deployment.pod_type.split(".")
    out = {}
    for key, target in {"shrink": family + ".x1",
                        "change_type": ("p2" if family == "s1" else "s1") + "." + size}.items():
        try:
            pc.configure_index(name, pod_type=target)
        except Exception as err:
            out[key] = getattr(err, "status_code", None)
    return out

def protect(pc, name):
    from pinecone.exceptions import ForbiddenException
    pc.configure_index(name, deletion_protection="enabled")
    try:
        pc.delete_index(name)
        return None
    except ForbiddenException as err:
        return err.status_code

def after_launch(pc, name):
    pc.configure_index(name, replicas=1)
    return int(pc.describe_index(name).deployment.replicas)
''',
    "cost_report": '''
def cost_report(records, dimension, metadata_bytes, qps, top_k=10):
    month_queries = qps * 730 * 60 * 60
    options = {"serverless": float(serverless_bill(records, dimension, metadata_bytes,
                                                   queries_per_month=month_queries).total),
               "drn": float(drn_bill(records, dimension, metadata_bytes, qps=qps).total)}
    pods = sorted((float(pod_cost(t, pods=pods_needed(records, dimension, t),
                                  replicas=replicas_for_qps(qps, t, top_k)).total), t)
                  for t in ("s1.x1", "p2.x1", "p1.x1"))
    cheapest_pod, pod_type = pods[0]
    return {**options, "pods": cheapest_pod, "pod_type": pod_type, "recommended": min(options, key=options.get)}
''',
}

MISTAKES = {
    # binary gigabytes instead of Pinecone's decimal ones
    "namespace_gb": '''
def namespace_gb(records, dimension, metadata_bytes=0, id_bytes=8, sparse_nnz=0):
    return records * (id_bytes + metadata_bytes + 4 * dimension + 8 * sparse_nnz) / 1024 ** 3
''',
    # "one more than the quotient" instead of the ceiling
    "pods_replicas": '''
def pods_needed(records, dimension, pod_type="p1.x1", max_fullness=1.0):
    return int(records / (pod_capacity(pod_type, dimension) * max_fullness)) + 1

def replicas_for_qps(qps, pod_type="p1.x1", top_k=10):
    per = {"p1": 30, "p2": 150, "s1": 10}[pod_type[:2]]
    return qps // per + 1
''',
    # 250 GB per shard, forgetting the 70-80 % fullness target; HA ignored
    "drn": '''
def drn_shards(size_gb, target_fullness=TARGET_FULLNESS):
    return max(1, math.ceil(size_gb / 250))

def drn_replicas(qps, qps_per_replica=B1_QPS, ha=False):
    return max(1, math.ceil(qps / qps_per_replica))
''',
    # replicas only; refusals not caught; delete without protection; 0 replicas (refused by Pinecone)
    "pod_ops": '''
def scale_for_launch(pc, name):
    pc.configure_index(name, replicas=3)
    return pc.describe_index(name)

def refused_changes(pc, name):
    pc.configure_index(name, pod_type="p1.x1")
    pc.configure_index(name, pod_type="s1.x2")
    return {"shrink": 200, "change_type": 200}

def protect(pc, name):
    try:
        pc.delete_index(name)
    except Exception as err:
        return err.status_code
    pc.configure_index(name, deletion_protection="enabled")
    return 403

def after_launch(pc, name):
    pc.configure_index(name, replicas=0)
    return 0
''',
    # recommends legacy pods when they are cheapest
    "cost_report": '''
def cost_report(records, dimension, metadata_bytes, qps, top_k=10):
    serverless = float(serverless_bill(records, dimension, metadata_bytes,
                                       queries_per_month=qps * SECONDS_PER_MONTH).total)
    pods = {t: float(pod_cost(t, pods=pods_needed(records, dimension, t),
                              replicas=replicas_for_qps(qps, t, top_k)).total)
            for t in ("p1.x1", "p2.x1", "s1.x1")}
    pod_type = min(pods, key=pods.get)
    drn = float(drn_bill(records, dimension, metadata_bytes, qps=qps).total)
    costs = {"serverless": serverless, "pods": pods[pod_type], "drn": drn}
    return {**costs, "pod_type": pod_type, "recommended": min(costs, key=costs.get)}
''',
}
