"""Child process: autograde one submission in its scratch course, then write its feedback.

Run by a worker thread under limits as ``python -m autograder.pipeline.child --serve``
(``warm.py``): it reads one job per line on stdin (``{"root", "result", "token"}``: a scratch course
and where its report goes), grades it and prints the token, for as long as stdin is open.
Everything it learns goes to the job's report, which the parent reads.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def _cell_errors(nb_path: Path) -> list[dict[str, Any]]:
    """Every code cell whose output holds an error: number, grade id, grade?, 'ExcName: message'."""
    import nbformat
    from nbgrader import utils

    errors = []
    nb = nbformat.read(nb_path, as_version=4)
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append({"cell": number, "grade": bool(utils.is_grade(cell)),
                               "grade_id": cell.metadata.get("nbgrader", {}).get("grade_id"),
                               "error": f"{out.ename}: {out.evalue}"[:500]})
                break
    return errors


def main(result_path: str, root: Path) -> int:
    """Grade, then feedback; always writes the result file it can."""
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.pipeline.gradebook import submission_grades

    job = json.loads((root / "job.json").read_text())
    result: dict[str, Any] = {"autograde_ok": False, "feedback_ok": False}
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    api = NbGraderAPI(config=config)
    a, s = job["assignment"], job["student"]
    started = time.monotonic()
    res = api.autograde(a, s, force=True, create=True)
    result["seconds"] = {"autograde": round(time.monotonic() - started, 2)}
    result["autograde_ok"] = bool(res.get("success"))
    result["log"] = (res.get("log") or "")[-4000:]
    result["error"] = (res.get("error") or "")[-4000:]
    if result["autograde_ok"]:
        result["grades"] = submission_grades(root / "gradebook.db", a, s)
        result["errors"] = {p.stem: _cell_errors(p)
                            for p in sorted((root / "autograded" / s / a).glob("*.ipynb"))}
        started = time.monotonic()
        fb = api.generate_feedback(a, s, force=True)
        result["seconds"]["feedback"] = round(time.monotonic() - started, 2)
        result["feedback_ok"] = bool(fb.get("success"))
        if not result["feedback_ok"]:
            result["feedback_error"] = (fb.get("error") or fb.get("log") or "")[-2000:]
    Path(result_path).write_text(json.dumps(result))
    return 0


def serve() -> int:
    """Grade jobs from stdin until it closes (a warm worker: nbgrader is imported once)."""
    import os

    for line in sys.stdin:
        job = json.loads(line)
        root = Path(job["root"])
        os.chdir(root)
        try:
            main(job["result"], root)
        except Exception as exc:  # noqa: BLE001 - one job's failure is reported, the next job runs
            Path(job["result"]).write_text(json.dumps({"autograde_ok": False, "error": repr(exc)[-2000:]}))
        print(job["token"], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
