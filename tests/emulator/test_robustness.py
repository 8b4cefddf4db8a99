"""The local Pinecone as a hostile client meets it (issue 13 item 6): deep filters, namespaces
with "/", clients that vanish mid-upload, oversized bodies, idle connections, the admin API with
API keys on, two servers on one data dir. Real servers, real sockets, the official SDK."""
from __future__ import annotations

import errno
import logging
import socket
import time

import httpx
import pytest
from pinecone import ApiError

from pinecone_ops.connection import Admin
from pinecone_ops.emulator import server as server_module
from pinecone_ops.emulator.http.wire import MAX_BODY_BYTES
from pinecone_ops.emulator.server import LocalPinecone
from pinecone_ops.emulator.storage.filters import MAX_DEPTH

HEADERS = {"Api-Key": "pclocal", "X-Pinecone-Api-Version": "2026-07"}


def _nested(depth: int) -> dict:
    filt: dict = {"g": "x"}
    for _ in range(depth):
        filt = {"$and": [filt]}
    return filt


def _raw(url: str, request: bytes, *, wait: float = 5.0) -> bytes:
    """Send raw bytes to the server and read until it closes or answers."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < 20:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


# ------------------------------------------------------------------------- deep filters

def test_filter_depth_cap_on_the_vector_plane(make_index):
    idx = make_index("deep", dimension=2)
    idx.upsert(vectors=[("a", [1.0, 2.0], {"g": "x"})])
    assert [m.id for m in idx.query(vector=[1.0, 2.0], top_k=1, filter=_nested(MAX_DEPTH)).matches] == ["a"]
    with pytest.raises(ApiError) as e:
        idx.query(vector=[1.0, 2.0], top_k=1, filter=_nested(MAX_DEPTH + 1))
    assert e.value.status_code == 400 and f"nested more than {MAX_DEPTH} levels" in str(e.value)
    # 500 levels: the SDK's own encoder gives up first, so the body is written by hand.
    deep = '{"$and":[' * 500 + '{"g":"x"}' + "]}" * 500
    for path, body in (("/query", '{"vector":[1,2],"topK":1,"filter":%s}'), ("/vectors/delete", '{"filter":%s}')):
        r = httpx.post(idx.host + path, headers={**HEADERS, "Content-Type": "application/json"},
                       content=body % deep)
        assert r.status_code == 400 and r.json()["code"] == 3 and "nested more than" in r.json()["message"]


# ------------------------------------------------------------------------- namespaces with "/"

def test_namespace_with_slash_is_consistent(make_index):
    idx = make_index("slash", dimension=2)
    idx.upsert(vectors=[("a", [1.0, 2.0])], namespace="tenant/2026")
    assert idx.describe_namespace(namespace="tenant/2026").record_count == 1
    def names() -> list[str]:
        return [n["name"] for n in httpx.get(idx.host + "/namespaces", headers=HEADERS).json()["namespaces"]]

    assert "tenant/2026" in names()
    idx.delete_namespace(namespace="tenant/2026")
    assert "tenant/2026" not in names()
    with pytest.raises(Exception) as e:  # gone: 404, not the 501 of an unrouted path
        idx.describe_namespace(namespace="tenant/2026")
    assert getattr(e.value, "status_code", None) == 404 or getattr(e.value, "status", None) == 404


# ------------------------------------------------------------------------- bodies

def test_oversized_body_refused_from_content_length_before_reading(server, make_index):
    make_index("big", dimension=2)
    head = (f"POST /index/big/vectors/upsert HTTP/1.1\r\nHost: x\r\nApi-Key: pclocal\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50 * 1024 * 1024}\r\n\r\n").encode()
    reply = _raw(server.url, head)  # not one body byte sent: the answer cannot have waited for it
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    body = reply.split(b"\r\n\r\n", 1)[1]
    assert b'"code"' in body and b"exceeds the local Pinecone's limit" in body


def test_body_cap_boundary_while_streaming(server, make_index):
    make_index("cap", dimension=2)
    url = f"{server.url}/index/cap/vectors/upsert"

    def chunks(total: int):  # no Content-Length: the cap must hold while the body streams in
        sent = 0
        while sent < total:
            n = min(1 << 20, total - sent)
            sent += n
            yield b" " * n

    at_cap = httpx.post(url, headers=HEADERS, content=chunks(MAX_BODY_BYTES), timeout=30)
    assert at_cap.status_code == 400  # read whole, then parsed: whitespace is not a JSON object
    over = httpx.post(url, headers=HEADERS, content=chunks(MAX_BODY_BYTES + 1), timeout=30)
    assert over.status_code == 413 and over.json()["code"] == 11


def test_client_disconnecting_mid_upload_is_not_a_server_error(server, make_index, caplog):
    idx = make_index("gone", dimension=2)
    head = (b"POST /index/gone/vectors/upsert HTTP/1.1\r\nHost: x\r\nApi-Key: pclocal\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"vectors\": [")
    host, port = server.url.removeprefix("http://").split(":")
    with caplog.at_level(logging.WARNING):
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(head)
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while not any("disconnected" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert any("client disconnected before sending the whole body" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no 500 traceback
    idx.upsert(vectors=[("a", [1.0, 2.0])])  # the server carries on


# ------------------------------------------------------------------------- idle connections

def test_idle_and_slow_connections_are_closed(monkeypatch):
    monkeypatch.setattr(server_module, "HEADER_TIMEOUT_S", 0.3)
    with LocalPinecone() as srv:
        host, port = srv.url.removeprefix("http://").split(":")
        for first in (b"", b"GET /indexes HTTP/1.1\r\nHost: x\r\n"):  # idle; headers never finished
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                sock.sendall(first)
                start = time.monotonic()
                assert sock.recv(1024) == b""  # the server closed it
                assert time.monotonic() - start < 4
        assert httpx.get(f"{srv.url}/indexes", headers=HEADERS).status_code == 200  # prompt clients are fine


# ------------------------------------------------------------------------- the admin API

def test_admin_api_needs_its_own_key_when_api_keys_are_on():
    with LocalPinecone(api_keys={"editor": "ProjectEditor"}, admin_key="adm-1") as srv:
        ops = f"{srv.url}/_ops/options"
        assert httpx.get(ops).status_code == 401
        assert httpx.get(ops, headers={"Api-Key": "editor"}).status_code == 401  # a data-plane key is not enough
        assert httpx.post(f"{srv.url}/_ops/reset", headers={"X-Pinecone-Ops-Admin-Key": "wrong"}).status_code == 401
        assert httpx.get(f"{srv.url}/_ops/health").status_code == 200
        ok = httpx.get(ops, headers={"X-Pinecone-Ops-Admin-Key": "adm-1"})
        assert ok.status_code == 200 and "editor" not in ok.text and "adm-1" not in ok.text
        adm = Admin(srv.url)  # an in-process server: the client finds its key
        assert adm.requests() == [] and adm.set_options(plan="starter")["plan"] == "starter"
        with pytest.raises(RuntimeError, match="admin key"):
            Admin(srv.url, admin_key="wrong").ledger()
        assert Admin(srv.url, admin_key="adm-1").ledger()["totals"] is not None


def test_admin_api_open_without_api_keys(server):
    assert httpx.get(f"{server.url}/_ops/options").status_code == 200


# ------------------------------------------------------------------------- the data dir lock

def test_two_servers_cannot_open_one_data_dir(tmp_path):
    first = LocalPinecone(data_dir=str(tmp_path)).start()
    try:
        with pytest.raises(OSError) as e:
            LocalPinecone(data_dir=str(tmp_path))
        assert e.value.errno == errno.EBUSY and "is in use by another local Pinecone" in e.value.strerror
    finally:
        first.stop()
    LocalPinecone(data_dir=str(tmp_path)).start().stop()  # free again once the first has stopped
