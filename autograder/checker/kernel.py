"""The kernel manager the checker uses: the student's kernel in a sandbox, with an environment of
its own, ZeroMQ over Unix sockets (the sandbox has no network), and interrupts as messages (a
signal would reach bubblewrap, not the kernel)."""
from __future__ import annotations

from typing import Any

from jupyter_client.manager import AsyncKernelManager

from autograder.checker.sandbox import Sandbox


class CheckedKernelManager(AsyncKernelManager):
    """``sandbox`` (set before start) wraps the kernel; ``kernel_env`` is its whole environment."""

    sandbox: Sandbox | None = None
    kernel_env: dict[str, str] | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.sandbox is not None:
            self.transport = "ipc"
            self.cache_ports = False
            self.ip = str(self.sandbox.ipc_dir / "k")
            self.connection_file = str(self.sandbox.ipc_dir / "kernel.json")
        if self.kernel_env is not None:
            kw["env"] = dict(self.kernel_env)
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        if self.kernel_env is not None:   # the kernelspec's env must not bring the grader's back
            kw["env"] = dict(self.kernel_env)
        if self.sandbox is not None:
            self.kernel_spec.interrupt_mode = "message"
            cmd = self.sandbox.wrap(cmd)
        return cmd, kw
