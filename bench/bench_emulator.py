"""Benchmark the local Pinecone through the official SDK against in-process numpy floors.

Workload (performance-anchors.md): N random L2-normalised float32 vectors (default 100,000 × 384,
cosine), metadata {genre: 1 of 20, year 1950–2024, rating 0–10}; Q single queries, top_k 10,
unfiltered and with a ≈5 % selective filter (one genre). The server runs as a separate process
(`pinecone-ops serve`) so its resident memory can be measured on its own.

Prints figures and ratios measured in the same run; asserts nothing about speed.

    .venv/bin/python bench/bench_emulator.py [--n 100000] [--dim 384] [--queries 200]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import orjson
import psutil

GENRES = [f"genre-{i:02d}" for i in range(20)]


def make_data(n: int, dim: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(n, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    genre = rng.integers(0, len(GENRES), size=n)
    year = rng.integers(1950, 2025, size=n)
    rating = np.round(rng.uniform(0, 10, size=n), 1)
    queries = rng.normal(size=(1000, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return data, genre, year, rating, queries


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs), p))


def start_server() -> tuple[subprocess.Popen, str]:
    exe = Path(sys.executable).with_name("pinecone-ops")
    proc = subprocess.Popen([str(exe), "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # "Local Pinecone listening on http://127.0.0.1:PORT"
    return proc, line.split()[-1]


def numpy_floor(data, codes, queries, top_k, genre_code):
    """Brute force in process: unfiltered mat-vec + argpartition; filtered = mask, then scan."""
    plain, filtered = [], []
    for q in queries:
        t = time.perf_counter()
        s = data @ q
        top = np.argpartition(-s, top_k)[:top_k]
        top[np.argsort(-s[top])]
        plain.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        rows = np.flatnonzero(codes == genre_code)
        s = data[rows] @ q
        top = np.argpartition(-s, top_k)[:top_k]
        rows[top[np.argsort(-s[top])]]
        filtered.append((time.perf_counter() - t) * 1000)
    return plain, filtered


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    from pinecone import Pinecone, ServerlessSpec
    from threadpoolctl import threadpool_info

    n, dim, top_k = args.n, args.dim, 10
    data, genre, year, rating, queries = make_data(n, dim)
    queries = queries[: args.queries]
    blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    print(f"workload: {n:,} × {dim} cosine, {len(queries)} queries, top_k {top_k}; BLAS: {'; '.join(blas) or '?'}")

    proc, url = start_server()
    server = psutil.Process(proc.pid)
    try:
        rss_empty = server.memory_info().rss
        pc = Pinecone(api_key="pclocal", host=url)
        pc.create_index(name="bench", dimension=dim, metric="cosine",
                        spec=ServerlessSpec(cloud="aws", region="us-east-1"))
        idx = pc.Index(host=pc.describe_index("bench").host)

        # ---- HTTP round trip through the SDK on a tiny index (delayed-ACK stalls would show here)
        pc.create_index(name="tiny", dimension=dim, metric="cosine", spec=ServerlessSpec(cloud="aws", region="us-east-1"))
        tiny = pc.Index(host=pc.describe_index("tiny").host)
        tiny.upsert(vectors=[(f"t{i}", data[i].tolist()) for i in range(10)])
        small_q = queries[0].tolist()
        rtt = []
        for _ in range(300):
            t0 = time.perf_counter()
            tiny.query(vector=small_q, top_k=3)
            rtt.append((time.perf_counter() - t0) * 1000)

        # ---- upsert through the SDK
        ids = [f"v{i}" for i in range(n)]
        batches = []
        for s in range(0, n, args.batch):
            batches.append([{"id": ids[i], "values": data[i].tolist(),
                             "metadata": {"genre": GENRES[genre[i]], "year": int(year[i]), "rating": float(rating[i])}}
                            for i in range(s, min(n, s + args.batch))])
        t = time.perf_counter()
        for b in batches:
            idx.upsert(vectors=b)
        upsert_s = time.perf_counter() - t
        sdk_rate = n / upsert_s
        log = orjson.loads(psutil_get(url + "/_ops/requests?index=bench"))["requests"]
        server_ms = sum(e["latency_ms"] for e in log if e["operation"] == "upsert")
        server_rate = n / (server_ms / 1000)

        # ---- JSON decoding floor: the same request bodies, orjson → numpy, in process
        bodies = [orjson.dumps({"vectors": [{**v, "values": v["values"]} for v in b]}) for b in batches[:20]]
        decoded = sum(len(b) for b in batches[:20])
        t = time.perf_counter()
        for body in bodies:
            vecs = orjson.loads(body)["vectors"]
            np.asarray([v["values"] for v in vecs], dtype=np.float32)
        decode_rate = decoded / (time.perf_counter() - t)

        # ---- the same bodies through the emulator's own code in process (decode + validate + store),
        # i.e. the server without HTTP transfer
        from pinecone_ops.emulator import control, dataplane
        from pinecone_ops.emulator.metering import RequestRecord
        from pinecone_ops.emulator.models import Backend

        local = Backend()
        lidx = control.create_index(local, name="inproc", dimension=dim, metric="cosine", vector_type="dense",
                                    deployment={"deployment_type": "managed"}, schema_fields={})
        t = time.perf_counter()
        for body in bodies:
            dataplane.upsert(local, lidx, orjson.loads(body), RequestRecord("upsert"))
        inproc_rate = decoded / (time.perf_counter() - t)
        del local, lidx

        rss_loaded = server.memory_info().rss
        md_bytes = sum(len(orjson.dumps(v["metadata"])) for b in batches for v in b)
        raw = n * dim * 4 + md_bytes

        # ---- queries through the SDK
        def run(filt):
            lat, results = [], []
            for q in queries:
                ql = q.tolist()
                t0 = time.perf_counter()
                res = idx.query(vector=ql, top_k=top_k, filter=filt)
                lat.append((time.perf_counter() - t0) * 1000)
                results.append([m.id for m in res.matches])
            return lat, results

        run(None)  # warm-up (connections, caches)
        plain, plain_ids = run(None)
        g = 3
        filt_lat, filt_ids = run({"genre": GENRES[g]})
        floor_plain, floor_filt = numpy_floor(data, genre, queries, top_k, g)

        # exactness: the emulator's top-k equals brute force
        agree = 0
        for q, got in zip(queries[:20], plain_ids[:20]):
            s = data @ q
            want = [f"v{i}" for i in np.argsort(-s)[:top_k]]
            agree += got == want
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    p = lambda xs: f"{pct(xs, 50):7.2f} / {pct(xs, 95):7.2f}"  # noqa: E731
    print(f"\n{'':38s}{'p50 / p95 ms':>18s}")
    print(f"{'numpy floor, unfiltered':38s}{p(floor_plain)}")
    print(f"{'local Pinecone via SDK, unfiltered':38s}{p(plain)}")
    print(f"{'numpy floor, genre filter (≈5 %)':38s}{p(floor_filt)}")
    print(f"{'local Pinecone via SDK, genre filter':38s}{p(filt_lat)}")
    print(f"{'SDK round trip, 10-vector index':38s}{p(rtt[50:])}")
    print(f"\nupsert via SDK (batches of {args.batch}): {sdk_rate:,.0f} vectors/s end to end; "
          f"server incl. body transfer {server_rate:,.0f} vectors/s;\n  emulator code in process (decode + validate + "
          f"store) {inproc_rate:,.0f} vectors/s; JSON decode floor (orjson → numpy) {decode_rate:,.0f} vectors/s")
    print(f"server RSS: {rss_empty / 1e6:,.0f} MB empty → {rss_loaded / 1e6:,.0f} MB loaded "
          f"(+{(rss_loaded - rss_empty) / 1e6:,.0f} MB); raw float32 + metadata = {raw / 1e6:,.0f} MB")
    print(f"exact top-{top_k} agreement with brute force: {agree}/20 queries")
    print("\nratios (targets in brackets)")
    print(f"  unfiltered p50 / numpy floor p50      {pct(plain, 50) / pct(floor_plain, 50):5.2f}  [≤ 1.5]")
    print(f"  filtered p50 / unfiltered p50         {pct(filt_lat, 50) / pct(plain, 50):5.2f}  [< 1]")
    print(f"  in-process upsert / JSON decode rate  {inproc_rate / decode_rate:5.2f}  [≈ 1: decoding-bound]")
    print(f"  server upsert rate / JSON decode rate {server_rate / decode_rate:5.2f}")
    print(f"  SDK upsert rate / JSON decode rate    {sdk_rate / decode_rate:5.2f}")
    print(f"  RSS growth / raw bytes                {(rss_loaded - rss_empty) / raw:5.2f}  [< 2]")
    print(f"  RSS total / raw bytes                 {rss_loaded / raw:5.2f}")
    return 0


def psutil_get(url: str) -> bytes:
    import httpx

    return httpx.get(url, timeout=60).content


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
