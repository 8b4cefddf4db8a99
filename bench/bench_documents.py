"""Benchmark of the Documents API against in-process floors, in one run (issue 13's targets).

* full-text search over the 25,000 films' titles through the SDK vs the same query run in process
  against tantivy directly (same analyzer: the emulator's ``analysis.analyzer``);
* dense search on a document index through the SDK vs the in-process numpy floor;
* document upserts through the SDK vs the in-process JSON-decode floor (orjson).

The server runs as a separate ``pinecone-ops serve`` process (as in bench_emulator.py).
``.venv/bin/python bench/bench_documents.py [--queries 200]``. Ratios are reported, never asserted.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import orjson
import tantivy
from bench_emulator import pct, start_server  # the script's own folder is on sys.path

from pinecone_ops import datasets
from pinecone_ops.emulator.storage import analysis

DEPLOYMENT = {"deployment_type": "managed", "cloud": "aws", "region": "us-east-1"}
SCHEMA = {"fields": {"title": {"type": "string", "full_text_search": {}},
                     "embedding": {"type": "dense_vector", "dimension": 384, "metric": "cosine"}}}
NS = "films"


def timed(fn, items) -> list[float]:
    out = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    from pinecone import DenseVectorQuery, Pinecone, TextQuery

    df = datasets.load_movies()
    vecs = datasets.movie_vectors()
    docs = [{"_id": r["id"], "title": r["title"], "embedding": vecs[i].tolist(), "year": int(r["year"])}
            for i, r in enumerate(df[["id", "title", "year"]].to_dict("records"))]
    rng = np.random.default_rng(0)
    words = [w for t in df["title"].head(2000) for w in t.split() if len(w) > 3 and w.isalpha()]
    text_queries = [str(rng.choice(words)) for _ in range(args.queries)]
    qvecs = vecs[rng.integers(0, len(vecs), args.queries)] + 0.01

    # ---- in-process floors
    batches = [docs[i:i + 200] for i in range(0, len(docs), 200)]
    bodies = [orjson.dumps({"documents": b}) for b in batches]
    t = time.perf_counter()
    for body in bodies:
        orjson.loads(body)
    decode_rate = len(docs) / (time.perf_counter() - t)

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", tokenizer_name="pinecone_title")
    sb.add_text_field("_id", stored=True, tokenizer_name="raw")
    tindex = tantivy.Index(sb.build())
    tindex.register_tokenizer("pinecone_title", analysis.analyzer({}))
    writer = tindex.writer()
    for d in docs:
        writer.add_document(tantivy.Document(title=d["title"], _id=d["_id"]))
    writer.commit()
    tindex.reload()
    searcher = tindex.searcher()
    fts_floor = timed(lambda q: [searcher.doc(a)["_id"] for _, a in searcher.search(
        tindex.parse_query(q, ["title"]), 10).hits], text_queries)
    matrix = vecs.astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1)

    def numpy_top10(q):
        s = matrix @ q / (norms * np.linalg.norm(q))
        top = np.argpartition(-s, 10)[:10]
        return top[np.argsort(-s[top])]
    dense_floor = timed(numpy_top10, qvecs)

    # ---- through the SDK, server in its own process
    proc, url = start_server()
    try:
        pc = Pinecone(api_key="bench", host=url)
        model = pc.indexes.create(name="films", schema=SCHEMA, deployment=DEPLOYMENT)
        idx = pc.index(host=model.host)
        t = time.perf_counter()
        for b in batches:
            idx.documents.upsert(namespace=NS, documents=b)
        sdk_rate = len(docs) / (time.perf_counter() - t)
        fts_sdk = timed(lambda q: idx.documents.search(namespace=NS, top_k=10,
                                                       score_by=[TextQuery(fields=["title"], query=q)]), text_queries)
        dense_sdk = timed(lambda q: idx.documents.search(namespace=NS, top_k=10, score_by=[
            DenseVectorQuery(field="embedding", values=q.tolist())]), qvecs)
    finally:
        proc.terminate()
        proc.wait(30)

    def p(xs):
        return f"{pct(xs, 50):8.2f} / {pct(xs, 95):8.2f}"
    print(f"workload: {len(docs):,} films (title full-text + 384-d embedding), {args.queries} queries, top_k 10\n")
    print(f"{'':40s}p50 / p95 ms")
    print(f"{'tantivy in process (title)':40s}{p(fts_floor)}")
    print(f"{'local Pinecone via SDK, text search':40s}{p(fts_sdk)}")
    print(f"{'numpy floor, dense':40s}{p(dense_floor)}")
    print(f"{'local Pinecone via SDK, dense search':40s}{p(dense_sdk)}")
    print(f"\nupsert via SDK (batches of 200): {sdk_rate:,.0f} documents/s; JSON decode floor (orjson) "
          f"{decode_rate:,.0f} documents/s\n")
    print("ratios (targets in brackets)")
    print(f"  text search p50 / tantivy p50       {pct(fts_sdk, 50) / pct(fts_floor, 50):6.2f}  [≤ 2]")
    print(f"  dense search p50 / numpy floor p50  {pct(dense_sdk, 50) / pct(dense_floor, 50):6.2f}  [≤ 1.2]")
    print(f"  SDK upsert rate / JSON decode rate  {sdk_rate / decode_rate:6.2f}  [≥ 0.5]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
