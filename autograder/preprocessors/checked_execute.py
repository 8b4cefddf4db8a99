"""Execute with the grade decided outside the student's kernel (the autograde pipeline's Execute).

For every notebook: a fresh local Pinecone in *this* process (the student's kernel reaches it only
through its sandbox listener, the checker directly), and the kernel in its own environment —
inside a bubblewrap sandbox unless ``sandbox`` is ``"off"``.

For every test cell: the kernel runs only the visible part (the student's feedback shows its
output); the hidden block runs here, in the checker (:mod:`autograder.checker.hidden`), with the
admin API locked for the kernel. The checker's verdict is the cell's score: a failed check adds
an error output (nbgrader then gives 0); a passed check removes the kernel's own errors (they are
kept as text), so nothing the kernel does to its visible test changes the points.
"""
from __future__ import annotations

import ast
import contextlib
import json
import os
import time
from collections.abc import Iterator
from typing import Any

from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from traitlets import Enum, Unicode

from autograder.checker.channel import ChannelError, KernelChannel, KernelTimeout
from autograder.checker.hidden import Verdict, run_hidden, split_hidden
from autograder.checker.kernel import CheckedKernelManager
from autograder.checker.sandbox import Sandbox
from autograder.preprocessors.guarded_execute import GuardedExecute

CHECK_ENAME = "HiddenTestFailed"


class CheckedExecute(GuardedExecute):
    """GuardedExecute + a local Pinecone per notebook + the checker outside the kernel."""

    sandbox = Enum(["require", "auto", "off"], default_value="auto",
                   help="Run the kernel in a bubblewrap sandbox: require (refuse without it), auto "
                        "(when bwrap works here), off (unsafe for a hostile class).").tag(config=True)
    verdict_file = Unicode("", help="Append each check's verdict here as JSON lines.").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", CheckedKernelManager)
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------------ one notebook
    def preprocess(self, nb, resources=None, km=None):
        with self._notebook_world() as (box, kernel_env):
            self._box, self._kernel_env = box, kernel_env
            try:
                return super().preprocess(nb, resources, km)
            finally:
                self._box = None

    @contextlib.contextmanager
    def _notebook_world(self) -> Iterator[tuple[Sandbox | None, dict[str, str]]]:
        """The notebook's own local Pinecone (here) and its sandbox; the checker's env points at it."""
        from pinecone_ops.emulator.server import LocalPinecone

        box = self._make_sandbox()
        server = LocalPinecone(sandbox_socket=str(box.pinecone_socket) if box else None).start()
        saved = {k: os.environ.get(k) for k in ("PINECONE_OPS_HOST", "PINECONE_OPS_ADMIN_KEY", "PINECONE_OPS_BACKEND")}
        os.environ.update(PINECONE_OPS_HOST=server.url, PINECONE_OPS_ADMIN_KEY=server.admin_key)
        os.environ.pop("PINECONE_OPS_BACKEND", None)
        self._admin_url = server.url
        try:
            if box:
                env = box.kernel_env()
            else:  # no sandbox: the kernel reaches the server over loopback (and could reach the rest)
                env = {k: v for k, v in os.environ.items()
                       if k not in ("PINECONE_OPS_ADMIN_KEY", "PYTHONPATH", "PINECONE_API_KEY")}
                env["PINECONE_OPS_HOST"] = server.url
            env.update({k: v for k, v in os.environ.items() if k.startswith("PINECONE_OPS_JOB")})
            yield box, env
        finally:
            server.stop()
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            if box:
                box.close()

    def _make_sandbox(self) -> Sandbox | None:
        from autograder.checker.sandbox import SandboxUnavailable, missing_tools

        if self.sandbox == "off" or (self.sandbox == "auto" and missing_tools()):
            return None
        try:
            return Sandbox.create()
        except SandboxUnavailable:
            if self.sandbox == "require":
                raise
            return None

    def create_kernel_manager(self):  # nbclient API
        km = super().create_kernel_manager()
        if isinstance(km, CheckedKernelManager):
            km.sandbox = self._box
            km.kernel_env = self._kernel_env
        return km

    # ------------------------------------------------------------------ one cell
    def preprocess_cell(self, cell, resources, index):
        hidden = None
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            visible, hidden = split_hidden(cell.source)
            if hidden is None:      # a test cell with visible asserts only: the checker runs them
                hidden = visible
            full, cell.source = cell.source, visible
        if hidden is None or str(index) in self.skip_cells:
            return super().preprocess_cell(cell, resources, index)
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = full
        verdict = self._check(hidden, cell, index)
        _apply(cell, verdict)
        self._record(cell, index, verdict)
        return cell, resources

    def _check(self, hidden: str, cell, index: int) -> Verdict:
        channel = KernelChannel(self._send, timeout=float(self.timeout or 60))
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", index)
        with self._admin_locked():
            return run_hidden(hidden, channel, label=f"<hidden test {gid}>")

    @contextlib.contextmanager
    def _admin_locked(self) -> Iterator[None]:
        from pinecone_ops.connection import Admin

        admin = Admin(self._admin_url, timeout=10)
        try:
            admin.lock(True)
            yield
        finally:
            with contextlib.suppress(Exception):
                admin.lock(False)
            admin.close()

    def _record(self, cell, index: int, verdict: Verdict) -> None:
        if self.verdict_file:
            with open(self.verdict_file, "a") as fh:
                fh.write(json.dumps({"cell": index, "grade_id": cell.metadata.get("nbgrader", {}).get("grade_id"),
                                     "passed": verdict.passed, "ename": verdict.ename, "evalue": verdict.evalue,
                                     "internal": verdict.internal, "seconds": verdict.seconds}) + "\n")

    # ------------------------------------------------------------------ the channel
    def _send(self, request: str, timeout: float) -> str:
        return run_sync(self._async_send)(request, timeout)

    async def _async_send(self, request: str, timeout: float) -> str:
        assert self.kc is not None and self.km is not None
        expr = f"__import__('pinecone_ops.kernel_bridge', fromlist=['answer']).answer({request!r})"
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"r": expr},
                                 allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                with contextlib.suppress(Exception):
                    await self.km.interrupt_kernel()
                raise KernelTimeout(f"your code did not answer within {timeout:.0f} s (the grader interrupted it)")
            if not await self.km.is_alive():
                raise ChannelError("the kernel died")
            try:
                msg = await self.kc.get_shell_msg(timeout=min(remaining, 1.0))
            except Exception:  # noqa: BLE001 - queue.Empty: poll again
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                break
        result = (msg.get("content", {}).get("user_expressions") or {}).get("r") or {}
        if result.get("status") != "ok":
            raise ChannelError(f"{result.get('ename', 'error')}: {result.get('evalue', '')}"[:500])
        text = (result.get("data") or {}).get("text/plain")
        try:
            value = ast.literal_eval(text) if isinstance(text, str) else None
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = None
        if not isinstance(value, str):
            raise ChannelError("the kernel's answer was not text")
        return value


def _apply(cell: NotebookNode, verdict: Verdict) -> None:
    """The checker's verdict as the test cell's outputs, and nothing of the kernel's that nbgrader
    would score.

    nbgrader scores a code cell by its outputs, in order: an error or any stderr is 0, the first
    ``execute_result`` that reads as a number is partial credit. Those could come from the kernel
    (a forged message from a background thread, a warning on stderr), so the kernel's outputs are
    kept only as what nbgrader does not score — text on stdout and ``display_data`` — and the
    checker's verdict is appended: an error when the check failed, its number when a passing
    hidden block ends in one (partial credit).
    """
    kept = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "error":
            kept.append(NotebookNode(output_type="stream", name="stdout",
                                     text=f"[your kernel] {out.get('ename')}: {out.get('evalue')}\n"))
        elif kind == "stream":
            kept.append(NotebookNode(output_type="stream", name="stdout", text=out.get("text", "")))
        elif kind == "execute_result":
            kept.append(NotebookNode(output_type="display_data", data=out.get("data", {}),
                                     metadata=out.get("metadata", {})))
        else:
            kept.append(out)
    if verdict.printed:   # what the check printed to explain itself (the leak guard reads it too)
        kept.append(NotebookNode(output_type="stream", name="stdout", text=verdict.printed))
    if not verdict.passed:
        ename = verdict.ename or CHECK_ENAME
        kept.append(NotebookNode(output_type="error", ename=ename, evalue=verdict.evalue,
                                 traceback=[f"{ename}: {verdict.evalue}"]))
    elif verdict.value is not None:
        kept.append(NotebookNode(output_type="execute_result", execution_count=cell.get("execution_count"),
                                 data={"text/plain": repr(verdict.value)}, metadata={}))
    cell.outputs = kept
