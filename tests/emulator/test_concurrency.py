"""Many clients at once (threads and processes) never lose, duplicate or tear a write."""
from __future__ import annotations

import subprocess
import sys
import threading

DIM = 8
WRITER = """
import sys
from pinecone import Pinecone
host, writer = sys.argv[1], int(sys.argv[2])
idx = Pinecone(api_key="pclocal").Index(host=host)
for start in range(0, 150, 25):
    idx.upsert(namespace="p", vectors=[
        {"id": f"shared{i}", "values": [float(writer), float(i)] + [1.0] * 6, "metadata": {"writer": writer, "i": i}}
        for i in range(start, start + 25)] + [
        {"id": f"own{writer}-{i}", "values": [float(writer), float(i)] + [1.0] * 6,
         "metadata": {"writer": writer, "i": i}}
        for i in range(start, start + 25)])
print("ok")
"""


def _check_consistent(idx, namespace: str, expected_ids: set[str]) -> None:
    listed = [v.id for page in idx.list(namespace=namespace) for v in page.vectors]
    assert len(listed) == len(set(listed)) == len(expected_ids)  # nothing lost, nothing duplicated
    assert set(listed) == expected_ids
    for start in range(0, len(listed), 500):
        got = idx.fetch(ids=listed[start:start + 500], namespace=namespace).vectors
        for v in got.values():
            # a torn write would pair one writer's values with another's metadata
            assert v.values[0] == v.metadata["writer"] and v.values[1] == v.metadata["i"], v.id
    stats = idx.describe_index_stats()
    assert stats.namespaces[namespace].vector_count == len(expected_ids)


def test_threads_write_and_read_concurrently(make_index):
    idx = make_index("threads", dimension=DIM, metric="euclidean")
    errors: list[BaseException] = []
    writers = 6

    def write(w: int) -> None:
        try:
            for start in range(0, 120, 20):
                idx.upsert(namespace="t", vectors=[
                    {"id": key, "values": [float(w), float(i)] + [1.0] * 6, "metadata": {"writer": w, "i": i}}
                    for i in range(start, start + 20) for key in (f"shared{i}", f"own{w}-{i}")])
                idx.delete(ids=[f"own{w}-{start}"], namespace="t")
        except BaseException as exc:  # reported below
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(30):
                res = idx.query(vector=[1.0] * DIM, top_k=5, namespace="t", include_metadata=True,
                                filter={"i": {"$lt": 50}})
                assert all(m.metadata["i"] < 50 for m in res.matches)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)] + \
              [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    expected = {f"shared{i}" for i in range(120)} | {
        f"own{w}-{i}" for w in range(writers) for i in range(120) if i % 20 != 0}
    _check_consistent(idx, "t", expected)


def test_processes_write_concurrently(make_index):
    idx = make_index("procs", dimension=DIM)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, idx.host, str(w)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for w in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err
    expected = {f"shared{i}" for i in range(150)} | {f"own{w}-{i}" for w in range(3) for i in range(150)}
    _check_consistent(idx, "p", expected)
