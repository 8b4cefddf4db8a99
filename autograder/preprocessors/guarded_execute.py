"""nbgrader's Execute preprocessor with the guards batch grading needs (runs inside the child).

- writes the index of each cell it starts to ``progress_file``, so when the kernel dies or the
  notebook's wall clock runs out the parent knows which cell did it;
- ``skip_cells`` (index -> reason): cells that crashed a previous attempt get an error output with
  the reason instead of running again, so the rest of the notebook still earns its marks;
- caps the output a cell may keep (``max_output_bytes``) while it arrives, so a cell printing
  megabytes costs neither the grader's memory nor a huge feedback page.
"""
from __future__ import annotations

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Dict, Integer, Unicode

LIMIT_ENAME = "GradingLimit"


def _size(msg: dict) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())


class GuardedExecute(Execute):
    """Execute with a progress trail, crash skipping and an output cap."""

    progress_file = Unicode("", help="File that receives the index of every started cell.").tag(config=True)
    skip_cells = Dict(help="Cell index (as str) -> reason; those cells are not run.").tag(config=True)
    max_output_bytes = Integer(256 * 1024, help="Output kept per cell; -1 keeps all.").tag(config=True)

    def _mark(self, text: str) -> None:
        if self.progress_file:
            with open(self.progress_file, "a") as fh:
                fh.write(text + "\n")

    def preprocess_cell(self, cell, resources, index):  # nbconvert API
        if cell.cell_type != "code":
            return cell, resources
        reason = self.skip_cells.get(str(index))
        if reason:
            cell.outputs = [NotebookNode(output_type="error", ename=LIMIT_ENAME, evalue=reason,
                                         traceback=[f"{LIMIT_ENAME}: {reason}"])]
            cell.execution_count = None
            return cell, resources
        self._mark(str(index))
        self._kept = 0
        self._dropped = 0
        cell, resources = super().preprocess_cell(cell, resources, index)
        if self._dropped:
            cell.outputs.append(NotebookNode(
                output_type="stream", name="stdout",
                text=f"\n[grader] {self._dropped:,} more characters of output were dropped "
                     f"(limit {self.max_output_bytes // 1024} kB per cell).\n"))
            self._mark(f"truncated {index} {self._dropped}")
        return cell, resources

    def output(self, outs, msg, display_id, cell_index):  # nbclient API
        if self.max_output_bytes >= 0 and msg.get("msg_type") in ("stream", "display_data",
                                                                  "execute_result"):
            size = _size(msg)
            if self._kept + size > self.max_output_bytes:
                if msg["msg_type"] == "execute_result":   # the value nbgrader scores: keep, shortened
                    return super().output(outs, msg, display_id, cell_index)
                self._dropped += size
                return None
            self._kept += size
        return super().output(outs, msg, display_id, cell_index)

    def preprocess(self, nb, resources=None, km=None):
        self._kept = self._dropped = 0
        out = super().preprocess(nb, resources, km)
        self._mark("done")
        return out
