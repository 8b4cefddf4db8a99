"""Child process: autograde one submission in its scratch course, then write its feedback.

Run by the worker under limits (``python -m autograder.pipeline.child RESULT_JSON``, cwd = the
scratch course); everything it learns goes to RESULT_JSON, which the parent reads.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path


def _wait_for_port(host: str, port: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _cell_errors(nb_path: Path) -> dict[str, str]:
    """grade_id -> 'ExcName: message' for grade cells whose output holds an error."""
    import nbformat
    from nbgrader import utils

    errors: dict[str, str] = {}
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and utils.is_grade(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors[cell.metadata.nbgrader["grade_id"]] = f"{out.ename}: {out.evalue}"[:500]
    return errors


def _grades(root: Path, assignment: str, student: str) -> dict[str, list[dict]]:
    from nbgrader.api import Gradebook

    out: dict[str, list[dict]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        sub = gb.find_submission(assignment, student)
        for nb in sub.notebooks:
            out[nb.name] = [{"name": g.name, "max_score": g.max_score, "auto_score": g.auto_score,
                             "needs_manual_grade": bool(g.needs_manual_grade),
                             "cell_type": g.cell_type}
                            for g in nb.grades]
    return out


def main(result_path: str) -> int:
    """Grade, then feedback; always writes the result file it can."""
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    root = Path.cwd()
    job = json.loads((root / "job.json").read_text())
    result: dict = {"autograde_ok": False, "feedback_ok": False}
    host = os.environ.get("PINECONE_OPS_HOST", "")
    if job.get("server_port"):
        result["server_ready"] = _wait_for_port("127.0.0.1", job["server_port"])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    api = NbGraderAPI(config=config)
    a, s = job["assignment"], job["student"]
    res = api.autograde(a, s, force=True, create=True)
    result["autograde_ok"] = bool(res.get("success"))
    result["log"] = (res.get("log") or "")[-4000:]
    result["error"] = (res.get("error") or "")[-4000:]
    if result["autograde_ok"]:
        result["grades"] = _grades(root, a, s)
        result["errors"] = {p.stem: _cell_errors(p)
                            for p in sorted((root / "autograded" / s / a).glob("*.ipynb"))}
        fb = api.generate_feedback(a, s, force=True)
        result["feedback_ok"] = bool(fb.get("success"))
        if not result["feedback_ok"]:
            result["feedback_error"] = (fb.get("error") or fb.get("log") or "")[-2000:]
    result["host"] = host
    Path(result_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
