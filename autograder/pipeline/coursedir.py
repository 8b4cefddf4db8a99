"""The course layer: the course's config, the grader's environment, nbgrader runs, scratch courses.

Everything that grades (the class pipeline, the course API in ``autograder/course.py`` and through
it the course tests) goes through this module, so instructors and tests grade the same way:

- :func:`assignments` is the one assignment list (``ASSIGNMENTS`` in nbgrader_config.py);
- :func:`child_env` is the one environment nbgrader and its kernels run in;
- :func:`build_template` makes, once per assignment (``nbgrader generate_assignment`` in a scratch
  copy), the gradebook with the assignment's cells and the release notebooks;
- :func:`make_scratch` is the one scratch course a submission (or a batch of them) is graded in.

The course's own ``release/`` and gradebook are never touched.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .gradebook import describe_assignment
from .records import Template

CONFIG = "nbgrader_config.py"
#: the checkout that holds autograder/ (may differ from the course being graded, e.g. in tests)
CHECKOUT = Path(__file__).resolve().parents[2]


class CourseError(RuntimeError):
    """The course or an assignment cannot be graded; the message says what to do."""


def find_course(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds nbgrader_config.py and source/."""
    for folder in [start, *start.resolve().parents]:
        if (folder / CONFIG).is_file() and (folder / "source").is_dir():
            return folder
    raise CourseError(f"no nbgrader course (nbgrader_config.py + source/) at or above {start}; "
                      "run from the course checkout or pass --course DIR")


def _config_assignments(course: Path) -> list[str] | None:
    """``ASSIGNMENTS = [...]`` of the course config, read without running the config."""
    try:
        tree = ast.parse((course / CONFIG).read_text())
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "ASSIGNMENTS":
            return [str(a) for a in ast.literal_eval(value)]
    return None


def assignments(course: Path) -> list[str]:
    """The one assignment list: ``ASSIGNMENTS`` of the course config, in course order, keeping
    those that have a source notebook."""
    listed = _config_assignments(course)
    if listed is None:
        raise CourseError(f"{course / CONFIG} does not list its assignments; add e.g. "
                          'ASSIGNMENTS = ["phase1", "phase2"] (the assignment ids, in course order)')
    return [a for a in listed if any((course / "source" / a).glob("*.ipynb"))]


def notebooks(course: Path, assignment: str) -> list[str]:
    """Notebook names (without .ipynb) of one assignment's source."""
    return sorted(p.stem for p in (course / "source" / assignment).glob("*.ipynb"))


def course_pattern(course: Path) -> str | None:
    """The course config's ``FileNameCollectorPlugin.named_regexp`` (nbgrader's own LMS key)."""
    from traitlets.config.loader import PyFileConfigLoader

    try:
        cfg = PyFileConfigLoader(CONFIG, path=str(course)).load_config()
    except Exception:  # a broken config is reported by nbgrader itself later
        return None
    plugin = cfg.get("FileNameCollectorPlugin", {})
    return plugin.get("named_regexp") or None


def child_env(course: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment nbgrader and its kernels run in, for instructors and tests alike.

    The course root and the checkout go on PYTHONPATH (hidden tests import ``autograder.checks``),
    the venv's bin on PATH (nbgrader shells out to ``alembic``); real-Pinecone credentials and a
    standalone server's address and admin key are removed, so grading never reaches (or bills) a real project and
    every kernel starts from the same backend choice; BLAS threads are pinned so N workers use N
    cores; hashing is seeded so runs repeat.
    """
    env = {k: v for k, v in os.environ.items()
           if k not in ("PINECONE_API_KEY", "PINECONE_OPS_BACKEND", "PINECONE_OPS_HOST", "PINECONE_OPS_ADMIN_KEY")}
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(filter(None, [
        str(course), str(CHECKOUT), env.get("PYTHONPATH", "")])))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONHASHSEED"] = "0"
    env.update(extra or {})
    return env


def nbgrader(args: list[str], cwd: Path, course: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader <args>`` in ``cwd`` in :func:`child_env`; raise with its output when ``check``
    and it fails."""
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=child_env(course),
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise CourseError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                          f"{(proc.stdout + proc.stderr)[-3000:]}")
    return proc


def wrapper_config(course: Path, root: Path, overrides: str = "") -> str:
    """A scratch nbgrader_config.py: the course's config, then the pipeline's settings."""
    return f"""# generated by autograder.pipeline: the course config, then grading overrides
import sys
sys.path.insert(0, {str(course)!r})
c = get_config()
load_subconfig({str(course / CONFIG)!r})
c.CourseDirectory.root = {str(root)!r}
c.CourseDirectory.db_url = {"sqlite:///" + str(root / "gradebook.db")!r}
c.Exchange.root = {str(root / "exchange")!r}
{overrides}"""


def _fingerprint(course: Path, assignment: str) -> str:
    h = hashlib.sha256((course / CONFIG).read_bytes())
    for p in sorted((course / "source" / assignment).rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(course)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def build_template(course: Path, assignment: str, cache: Path) -> Template:
    """Generate (or reuse, when source and config are unchanged) the template of ``assignment``."""
    src = course / "source" / assignment
    if not src.is_dir():
        raise CourseError(f"no assignment {assignment!r} in {course / 'source'}; "
                          f"known: {', '.join(_config_assignments(course) or []) or 'none'}")
    root = cache / "template" / assignment
    stamp = root / "fingerprint"
    meta = root / "template.json"
    fingerprint = _fingerprint(course, assignment)
    if not (stamp.is_file() and stamp.read_text() == fingerprint and meta.is_file()):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        shutil.copytree(src, root / "source" / assignment)
        (root / CONFIG).write_text(wrapper_config(course, root))
        proc = nbgrader(["generate_assignment", assignment, "--force"], root, course, check=False)
        if proc.returncode != 0 or not (root / "gradebook.db").is_file():
            raise CourseError(f"nbgrader generate_assignment {assignment} failed:\n"
                              f"{(proc.stdout + proc.stderr)[-3000:]}")
        meta.write_text(json.dumps(describe_assignment(root / "gradebook.db", assignment)))
        stamp.write_text(fingerprint)
    info = json.loads(meta.read_text())
    return Template(assignment, root, info["notebooks"], info["max_score"], info["cells"])


def make_scratch(template: Template, course: Path, root: Path,
                 submissions: dict[str, dict[str, bytes]]) -> None:
    """A fresh scratch course: the course config wrapped for ``root``, the template's source and a
    copy of its gradebook, and ``submissions`` (student -> notebook name -> bytes) in submitted/."""
    shutil.rmtree(root, ignore_errors=True)
    a = template.assignment
    shutil.copytree(template.root / "source" / a, root / "source" / a)
    shutil.copy2(template.gradebook, root / "gradebook.db")
    (root / CONFIG).write_text(wrapper_config(course, root))
    for student, files in submissions.items():
        sub = root / "submitted" / student / a
        sub.mkdir(parents=True)
        for name, data in files.items():
            (sub / f"{name}.ipynb").write_bytes(data)
