"""Durability: with --data-dir every acknowledged write, index, collection and backup survives
``kill -9`` of a real ``pinecone-ops serve`` process; a torn journal tail is dropped, not applied."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from pinecone_ops.emulator.server import LocalPinecone
from tests.emulator.test_control_pods import SDK10

LEGACY = {"Api-Key": "k", "X-Pinecone-Api-Version": "2025-10"}
DIM = 8


def start_serve(data_dir: Path | None, *extra: str) -> tuple[subprocess.Popen, str]:
    """A real ``pinecone-ops serve`` on a free port; returns the process and its URL."""
    where = ["--data-dir", str(data_dir)] if data_dir else []
    proc = subprocess.Popen([sys.executable, "-m", "pinecone_ops.cli", "serve", "--port", "0", *where, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise AssertionError(f"serve did not start: {line}{proc.stdout.read()}")
    return proc, line.rsplit(" ", 1)[-1].strip()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)
    proc.stdout.close()


def vector(i: int) -> list[float]:
    return [float(i), float(i % 7), 1.0, 0.5, float(-i), 0.25, 3.0, float(i % 3)]


def test_kill_9_mid_stream_keeps_every_acknowledged_write(tmp_path):
    proc, url = start_serve(tmp_path)
    acked: list[int] = []  # batch numbers whose upsert answered 200
    stop_writer = threading.Event()
    try:
        r = httpx.post(f"{url}/indexes", headers={"Api-Key": "k"}, json={
            "name": "dur", "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": DIM,
                                                            "metric": "euclidean"}}}})
        assert r.status_code == 201
        host = r.json()["host"]

        def writer() -> None:
            with httpx.Client(headers={"Api-Key": "k"}, timeout=5) as http:
                batch = 0
                while not stop_writer.is_set():
                    body = {"vectors": [{"id": f"b{batch}-{j}", "values": vector(batch * 10 + j),
                                         "metadata": {"batch": batch}} for j in range(10)], "namespace": "ns"}
                    try:
                        resp = http.post(f"{host}/vectors/upsert", json=body)
                    except httpx.HTTPError:
                        return  # the server died mid-request: not acknowledged
                    if resp.status_code == 200:
                        acked.append(batch)
                    batch += 1

        t = threading.Thread(target=writer)
        t.start()
        deadline = time.monotonic() + 30
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # while the writer is still sending
        t.join(10)
    finally:
        stop_writer.set()
        stop(proc)
    assert len(acked) >= 40, "the writer should have had many acknowledged batches before the kill"

    proc2, url2 = start_serve(tmp_path)
    try:
        from pinecone import Pinecone

        pc = Pinecone(api_key="k", host=url2)
        idx = pc.Index(name="dur")
        stats = idx.describe_index_stats()
        total = stats.namespaces["ns"].vector_count
        last = max(acked)
        # Every acknowledged batch is there, value for value; at most the one in flight is extra.
        assert len(acked) * 10 <= total <= (last + 2) * 10
        for batch in range(0, last + 1, 1):
            ids = [f"b{batch}-{j}" for j in range(10)]
            got = idx.fetch(ids=ids, namespace="ns").vectors
            assert len(got) in (0, 10), f"batch {batch} was half-written: {len(got)} of 10"
            if batch in acked:
                assert len(got) == 10, f"acknowledged batch {batch} was lost"
                for j in range(10):
                    assert got[f"b{batch}-{j}"].values == vector(batch * 10 + j)
                    assert got[f"b{batch}-{j}"].metadata == {"batch": batch}
        # The restarted server keeps working and journalling.
        idx.upsert(vectors=[("after", vector(1))], namespace="ns")
    finally:
        stop(proc2)


@SDK10
def test_indexes_collections_backups_survive(tmp_path):
    proc, url = start_serve(tmp_path)
    try:
        from pinecone import Pinecone

        pc = Pinecone(api_key="k", host=url)
        assert httpx.post(f"{url}/indexes", headers=LEGACY, json={
            "name": "pods", "dimension": 4, "metric": "cosine",
            "spec": {"pod": {"environment": "us-east-1-aws", "pod_type": "p1.x1"}}}).status_code == 201
        pc.Index(name="pods").upsert(vectors=[("p", [1, 0, 0, 0], {"k": "v"})])
        pc.configure_index("pods", replicas=2, pod_type="p1.x2", tags={"env": "prod"})
        pc.create_collection(name="snap", source="pods")
        pc.create_index(name="sl", dimension=4, spec={"serverless": {"cloud": "aws", "region": "us-east-1"}},
                        deletion_protection="enabled")
        pc.Index(name="sl").upsert(vectors=[("s", [0, 1, 0, 0])], namespace="a")
        bk = pc.create_backup(index_name="sl", backup_name="bk")
        pc.Index(name="sl").delete(ids=["s"], namespace="a")
        pc.create_index_from_backup(backup_id=bk.backup_id, name="back")
        pc.create_index(name="temp", dimension=2, spec={"serverless": {"cloud": "aws", "region": "us-east-1"}})
        pc.delete_index("temp")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        stop(proc)
    proc, url = start_serve(tmp_path)
    try:
        from pinecone import Pinecone

        pc = Pinecone(api_key="k", host=url)
        assert sorted(pc.list_indexes().names()) == ["back", "pods", "sl"]
        d = pc.describe_index("pods")
        assert (d.deployment.pod_type, d.deployment.replicas, d.tags) == ("p1.x2", 2, {"env": "prod"})
        assert pc.describe_index("sl").deletion_protection == "enabled"
        assert pc.describe_collection("snap").vector_count == 1
        assert pc.describe_backup(backup_id=bk.backup_id).record_count == 1
        assert pc.Index(name="back").fetch(ids=["s"], namespace="a").vectors["s"].values == [0, 1, 0, 0]
        assert pc.Index(name="sl").fetch(ids=["s"], namespace="a").vectors == {}
        assert pc.Index(name="pods").fetch(ids=["p"]).vectors["p"].metadata == {"k": "v"}
        assert [j.target_index_name for j in pc.list_restore_jobs()] == ["back"]
    finally:
        stop(proc)


def test_torn_tail_and_snapshot(tmp_path):
    from pinecone import Pinecone

    from pinecone_ops.emulator.journal import JOURNAL

    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        pc.create_index(name="t", dimension=2, spec={"serverless": {"cloud": "aws", "region": "us-east-1"}})
        pc.Index(name="t").upsert(vectors=[("a", [1.0, 2.0])])
        srv.backend.journal.snapshot()  # compaction: state in snapshot.pkl, journal emptied
        pc.Index(name="t").upsert(vectors=[("b", [3.0, 4.0])])
        journal = tmp_path / JOURNAL
        assert journal.stat().st_size > 0
    with open(journal, "ab") as fh:  # a record cut short by a crash
        fh.write(b"\x40\x00\x00\x00\x01\x02\x03\x04partial")
    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        got = pc.Index(name="t").fetch(ids=["a", "b"]).vectors
        assert {k: v.values for k, v in got.items()} == {"a": [1.0, 2.0], "b": [3.0, 4.0]}
        pc.Index(name="t").upsert(vectors=[("c", [5.0, 6.0])])
    with LocalPinecone(data_dir=str(tmp_path)) as srv:
        pc = Pinecone(api_key="k", host=srv.url)
        assert pc.Index(name="t").describe_index_stats().total_vector_count == 3


def test_memory_only_without_data_dir(tmp_path):
    from pinecone import Pinecone

    with LocalPinecone() as srv:
        Pinecone(api_key="k", host=srv.url).create_index(
            name="m", dimension=2, spec={"serverless": {"cloud": "aws", "region": "us-east-1"}})
        assert srv.backend.journal is None
    with LocalPinecone() as srv:
        assert not Pinecone(api_key="k", host=srv.url).has_index("m")
