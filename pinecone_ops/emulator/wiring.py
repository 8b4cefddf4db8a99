"""Wire the control-plane rules into a backend: pod capacity and plan quotas on writes, the
teaching faults, durability (with a data dir) and the extra HTTP routes."""
from __future__ import annotations

from pinecone_ops.emulator import control_routes  # noqa: F401  (importing it registers the routes)
from pinecone_ops.emulator import faults, plans, pods
from pinecone_ops.emulator.models import Backend, Index


def install(backend: Backend) -> None:
    """Called once per server, before its app is built."""

    def capacity(idx: Index, namespace: str, ids: list[str], nbytes: int) -> None:
        pods.check_capacity(idx, namespace, ids, float(backend.options["meter_scale"]))

    backend.write_checks.append(capacity)
    backend.write_checks.append(plans.make_write_check(backend))

    def forget() -> None:
        for attr in ("collections", "backups", "restore_jobs"):
            getattr(backend, attr, {}).clear()

    backend.reset_hooks.append(forget)
    faults.install(backend)
    if backend.data_dir:
        from pinecone_ops.emulator import persistence

        persistence.install(backend)
