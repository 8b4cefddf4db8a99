"""connect(), admin(), backend_name() and the `pinecone-ops serve` command, over real HTTP."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pinecone_ops import connection

VENV_BIN = Path(sys.executable).parent


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PINECONE_OPS_HOST", "PINECONE_OPS_BACKEND", "PINECONE_API_KEY")}
    env.update(extra)
    return env


def test_connect_embedded_in_fresh_process():
    code = (
        "import pinecone_ops as po\n"
        "from pinecone import ServerlessSpec\n"
        "pc = po.connect()\n"
        "pc.create_index(name='m', dimension=2, spec=ServerlessSpec(cloud='aws', region='us-east-1'))\n"
        "pc.Index(name='m').upsert(vectors=[('a', [1.0, 2.0])])\n"
        "assert po.connect() is not pc and po.local_server() is po.local_server()\n"
        "print(po.connection.backend_name())\n"
        "print(len(po.admin().requests(index='m')))\n"
        "print(po.local_server().backend.get_index('m').record_count())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(), timeout=60)
    assert out.returncode == 0, out.stderr
    name, n_requests, n_records = out.stdout.split("\n")[:3]
    assert name.startswith("local Pinecone (embedded, http://127.0.0.1:")
    assert int(n_requests) >= 2 and n_records == "1"


def test_cloud_needs_explicit_key(monkeypatch):
    monkeypatch.setenv("PINECONE_OPS_BACKEND", "pinecone")
    monkeypatch.delenv("PINECONE_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="PINECONE_API_KEY is not set"):
        connection.connect()
    assert connection.backend_name().startswith("Pinecone cloud (your index names are prefixed 'po-")
    with pytest.raises(RuntimeError, match="admin\\(\\) needs the local Pinecone"):
        connection.admin()


def test_standalone_host_env(monkeypatch, server, pc):
    monkeypatch.delenv("PINECONE_OPS_BACKEND", raising=False)
    monkeypatch.setenv("PINECONE_OPS_HOST", server.url.replace("http://", ""))
    client = connection.connect()
    assert client.list_indexes().names() == []
    assert connection.backend_name() == f"local Pinecone (standalone, {server.url})"
    assert connection.admin().url == server.url


def test_admin_options_and_errors(admin, pc):
    assert admin.set_options(meter_scale=1000)["meter_scale"] == 1000.0
    with pytest.raises(RuntimeError, match="unknown option 'nope'"):
        admin.set_options(nope=1)
    with pytest.raises(RuntimeError, match="positive"):
        admin.set_options(meter_scale=-1)
    assert admin.health()["status"] == "ok"


def test_serve_command_prints_url_and_stops_on_sigterm():
    proc = subprocess.Popen([str(VENV_BIN / "pinecone-ops"), "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_clean_env())
    try:
        line = proc.stdout.readline()
        assert line.startswith("Local Pinecone listening on http://127.0.0.1:")
        url = line.split()[-1]
        from pinecone import Pinecone

        pc = Pinecone(api_key="pclocal", host=url)
        assert pc.list_indexes().names() == []
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_reports_busy_port(server):
    port = server.url.rsplit(":", 1)[1]
    out = subprocess.run([str(VENV_BIN / "pinecone-ops"), "serve", "--port", port], capture_output=True,
                         text=True, env=_clean_env(), timeout=30)
    assert out.returncode == 1 and "pick another --port" in out.stdout
