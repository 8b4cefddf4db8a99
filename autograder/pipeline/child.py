"""Child process: autograde one submission in its scratch course, then write its feedback.

Run by the worker under limits (``python -m autograder.pipeline.child RESULT_JSON``, cwd = the
scratch course); everything it learns goes to RESULT_JSON, which the parent reads.
"""
from __future__ import annotations

import json
import sys
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


def main(result_path: str) -> int:
    """Grade, then feedback; always writes the result file it can."""
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.pipeline.gradebook import submission_grades

    root = Path.cwd()
    job = json.loads((root / "job.json").read_text())
    result: dict[str, Any] = {"autograde_ok": False, "feedback_ok": False}
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    api = NbGraderAPI(config=config)
    a, s = job["assignment"], job["student"]
    res = api.autograde(a, s, force=True, create=True)
    result["autograde_ok"] = bool(res.get("success"))
    result["log"] = (res.get("log") or "")[-4000:]
    result["error"] = (res.get("error") or "")[-4000:]
    if result["autograde_ok"]:
        result["grades"] = submission_grades(root / "gradebook.db", a, s)
        result["errors"] = {p.stem: _cell_errors(p)
                            for p in sorted((root / "autograded" / s / a).glob("*.ipynb"))}
        fb = api.generate_feedback(a, s, force=True)
        result["feedback_ok"] = bool(fb.get("success"))
        if not result["feedback_ok"]:
            result["feedback_error"] = (fb.get("error") or fb.get("log") or "")[-2000:]
    Path(result_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
