"""A real `pinecone-ops hub` for the class test: its own Unix users, home and ports, removed after.

Skipped (with the reason) only where the hub cannot run here: not root, no useradd, no
configurable-http-proxy, no chromium, or the machine refuses to create users.
"""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hubkit import CHROMIUM, CHROMIUM_ARGS, READY_TIMEOUT_S, REPO, Hub, command

from pinecone_ops.commands import hub as hub_command
from pinecone_ops.ports import free_port


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    reason = hub_command.unavailable_reason()
    if reason:
        pytest.skip(f"the JupyterHub class test cannot run here: {reason}")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: run scripts/install-browser-deps")
    tag = secrets.token_hex(3)
    instructor, prefix = f"pco{tag}i", f"pco{tag}s"
    home = Path(f"/srv/pinecone-ops-hub-test-{tag}")
    port = free_port()
    log = tmp_path_factory.mktemp("hub") / "hub.out"
    cmd = [*command(), "hub", "--home", str(home), "--port", str(port), "--instructor", instructor,
           "--student-prefix", prefix, "--students", "2", "--course", str(REPO)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINECONE_OPS_", "JUPYTER"))}
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    started = Hub(proc, log, home, port, instructor, [f"{prefix}1", f"{prefix}2"])
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while "JupyterHub is ready" not in started.output():
            if proc.poll() is not None:
                if "cannot create Unix user" in started.output():
                    pytest.skip(f"this machine refuses to create users: {started.output()[-500:]}")
                pytest.fail(f"`pinecone-ops hub` exited with {proc.returncode}:\n{started.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the hub was not ready in {READY_TIMEOUT_S:.0f} s:\n{started.output()}")
            time.sleep(0.5)  # polling interval while the hub sets up
        started.passwords = dict(re.findall(r"log in as\s+(\S+)\s+password (\S+)", started.output()))
        yield started
    finally:
        started.stop()
        subprocess.run([*command(), "hub", "--remove", "--home", str(home), "--instructor", instructor,
                        "--student-prefix", prefix, "--students", "2"], capture_output=True, check=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
