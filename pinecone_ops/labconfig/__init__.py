"""Jupyter configuration for the two ways `pinecone-ops lab` opens the course.

The modes are data (:data:`MODES`); :func:`write_launch_config` turns one into a per-launch config
directory under the course (``.pinecone-ops/lab/<mode>/``, gitignored) that the launcher puts first
on ``JUPYTER_CONFIG_PATH`` for this one JupyterLab process. Nothing is written to the user's global
Jupyter config, so a plain ``jupyter lab`` elsewhere is unaffected.

The directory holds:
  * ``labconfig/page_config.json``: lab plugins disabled *and locked* (JupyterLab >= 4.1 lets users
    re-enable a merely disabled plugin from the Plugin Manager);
  * ``nbgrader_config.py``: the exchange folder and course id for nbgrader's server extensions.

Disabling a UI plugin only hides a button; the real guard is turning the server extension off, which
the launcher does on the command line (``--ServerApp.jpserver_extensions``), see
:func:`server_extension_args`.
"""
from __future__ import annotations

import json
import os
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

#: Default course id when the course has no nbgrader_config.py (or it sets none).
DEFAULT_COURSE_ID = "pinecone-ops"

#: JupyterLab's news fetcher: it asks to call jupyter.org, pointless in an offline course.
_NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"


@dataclass(frozen=True)
class Mode:
    """What one launch mode shows and serves."""

    name: str
    #: Folder (relative to the course root) JupyterLab is rooted in; "" is the course root.
    root: str
    #: nbgrader server extensions switched off for this process (the real guard).
    server_extensions_off: tuple[str, ...] = ()
    #: JupyterLab plugins disabled and locked for this launch (hides the buttons).
    lab_plugins_off: tuple[str, ...] = ()
    summary: str = ""


MODES: dict[str, Mode] = {
    "student": Mode(
        name="student",
        root="release",
        server_extensions_off=(
            "nbgrader.server_extensions.formgrader",
            "nbgrader.server_extensions.course_list",
        ),
        lab_plugins_off=(
            "@jupyter/nbgrader:formgrader",
            "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list",
        ),
        summary="Assignment List and Validate on; formgrader, Create Assignment and Course List "
        "off (server and UI)",
    ),
    "instructor": Mode(
        name="instructor",
        root="",
        summary="formgrader, Create Assignment, Assignment List, Course List and Validate on",
    ),
}


@dataclass(frozen=True)
class CourseSettings:
    """What the launcher needs from the course's nbgrader_config.py."""

    course_id: str
    assignments: tuple[str, ...]
    exchange_root: str | None
    error: str | None = None  # the config raised: nbgrader would silently ignore it, we say so


def read_course_settings(course_root: Path) -> CourseSettings:
    """Run the course's nbgrader_config.py the way traitlets does and pick out what we need.

    The config may touch ``os.environ`` and ``sys.path`` (ours does, for grading); those side
    effects are undone so they never leak into the student's JupyterLab and kernels.
    """
    path = course_root / "nbgrader_config.py"
    if not path.is_file():
        return CourseSettings(DEFAULT_COURSE_ID, (), None)
    from traitlets.config import Config

    config = Config()
    saved_env, saved_path = dict(os.environ), list(sys.path)
    try:
        namespace = runpy.run_path(str(path), init_globals={"get_config": lambda: config})
    except BaseException as exc:  # any failure is reported, never fatal
        return CourseSettings(DEFAULT_COURSE_ID, (), None, f"{type(exc).__name__}: {exc}")
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
    course_id = config.CourseDirectory.get("course_id") or DEFAULT_COURSE_ID
    exchange = config.Exchange.get("root") or None
    assignments = tuple(str(a) for a in namespace.get("ASSIGNMENTS", ()) or ())
    return CourseSettings(str(course_id), assignments, exchange)


def server_extension_args(mode: Mode) -> list[str]:
    """Command-line flags that switch the mode's server extensions off for this process only.

    jupyter_server lets keys given on the command line win over the ``jupyter_server_config.d``
    files that ``pip install nbgrader`` wrote, so the extension is not even loaded.
    """
    return [f"--ServerApp.jpserver_extensions={name}=False" for name in mode.server_extensions_off]


def page_config(mode: Mode) -> dict:
    """The ``labconfig/page_config.json`` content for a mode."""
    off = {name: True for name in (*mode.lab_plugins_off, _NEWS_PLUGIN)}
    return {"disabledExtensions": dict(off), "lockedExtensions": dict(off)}


def nbgrader_config_text(course_id: str, exchange_root: Path) -> str:
    """nbgrader config read by the Assignment List / Validate / formgrader server extensions.

    The course's own nbgrader_config.py is loaded after this one where nbgrader looks in the
    current folder, so a course that sets these keys itself still wins.
    """
    return (
        "# Written by `pinecone-ops lab` for this launch only; regenerated every time.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.Exchange.root = {str(exchange_root)!r}\n"
    )


def write_launch_config(course_root: Path, mode: Mode, settings: CourseSettings) -> tuple[Path, Path]:
    """Write the per-launch config dir and create the exchange; return (config_dir, exchange)."""
    exchange = Path(settings.exchange_root) if settings.exchange_root else course_root / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    config_dir = course_root / ".pinecone-ops" / "lab" / mode.name
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    (config_dir / "labconfig" / "page_config.json").write_text(
        json.dumps(page_config(mode), indent=2) + "\n", encoding="utf-8"
    )
    (config_dir / "nbgrader_config.py").write_text(
        nbgrader_config_text(settings.course_id, exchange.resolve()), encoding="utf-8"
    )
    return config_dir, exchange
