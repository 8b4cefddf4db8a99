"""`pinecone-ops lab` planning, without starting anything: modes, config files, environment."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from traitlets.config.loader import PyFileConfigLoader

from pinecone_ops.commands import lab
from pinecone_ops.labconfig import MODES, page_config, read_course_settings

NB = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def make_course(root: Path, *, released: bool = True, config: str | None = None) -> Path:
    (root / "source" / "phase1").mkdir(parents=True)
    (root / "release").mkdir()
    (root / "examples").mkdir()
    (root / "examples" / "welcome.ipynb").write_text(NB)
    if released:
        for name in ("phase2", "phase1"):
            (root / "release" / name).mkdir()
            (root / "release" / name / f"{name}.ipynb").write_text(NB)
    (root / "nbgrader_config.py").write_text(config if config is not None else (
        "c = get_config()\nc.CourseDirectory.course_id = 'ops-101'\n"
        "ASSIGNMENTS = ['phase1', 'phase2']\n"))
    return root


def plan(course: Path, mode: str = "student", **env: str) -> lab.Launch:
    return lab.plan_launch(course, MODES[mode], port=8899, open_browser=True,
                           env={"PATH": "/usr/bin", **env})


def arg(launch: lab.Launch, key: str) -> list[str]:
    return [a.split("=", 1)[1] for a in launch.argv if a.startswith(f"--{key}=")]


def test_student_mode_turns_instructor_tools_off_at_the_server_and_in_the_ui(tmp_path):
    course = make_course(tmp_path)
    launch = plan(course)
    assert arg(launch, "ServerApp.root_dir") == [str(course / "workspace")]
    assert set(arg(launch, "ServerApp.jpserver_extensions")) == {
        "nbgrader.server_extensions.formgrader=False", "nbgrader.server_extensions.course_list=False"}
    assert launch.start_file == course / "workspace" / "phase1" / "phase1.ipynb"  # course order
    # The printed URL opens that notebook, not the Launcher; Jupyter itself opens no browser.
    assert launch.start_url().startswith("http://127.0.0.1:8899/lab/tree/phase1/phase1.ipynb?token=")
    assert arg(launch, "ServerApp.open_browser") == ["False"]
    pages = json.loads((launch.config_dir / "labconfig" / "page_config.json").read_text())
    for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"):
        assert pages["disabledExtensions"][plugin] and pages["lockedExtensions"][plugin]
    assert "@jupyter/nbgrader:assignment-list" not in pages["disabledExtensions"]
    assert "@jupyter/nbgrader:validate-assignment" not in pages["disabledExtensions"]


def test_instructor_mode_keeps_every_tool_and_roots_at_the_course(tmp_path):
    course = make_course(tmp_path)
    launch = plan(course, "instructor")
    assert arg(launch, "ServerApp.root_dir") == [str(course)]
    assert arg(launch, "ServerApp.jpserver_extensions") == []
    pages = json.loads((launch.config_dir / "labconfig" / "page_config.json").read_text())
    assert not any(k.startswith("@jupyter/nbgrader") for k in pages["disabledExtensions"])


def test_config_is_per_launch_inside_the_course_and_first_on_the_jupyter_path(tmp_path):
    course = make_course(tmp_path)
    launch = plan(course, JUPYTER_CONFIG_PATH="/elsewhere")
    assert launch.config_dir.is_relative_to(course / ".pinecone-ops")
    assert launch.env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(launch.config_dir), "/elsewhere"]
    assert launch.env["PATH"].split(os.pathsep)[1:] == ["/usr/bin"]  # venv bin first (alembic)
    # The exchange is a folder inside the course, created; the course id comes from the config.
    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(launch.config_dir)).load_config()
    assert loaded.Exchange.root == str((course / "exchange").resolve())
    assert (course / "exchange").is_dir()
    assert loaded.CourseDirectory.course_id == "ops-101"


def test_token_travels_in_the_environment_not_on_the_command_line(tmp_path):
    launch = plan(make_course(tmp_path))
    assert len(launch.token) >= 32 and launch.env["JUPYTER_TOKEN"] == launch.token
    assert not any(launch.token in a for a in launch.argv)
    assert plan(tmp_path, JUPYTER_TOKEN="mine").token == "mine"


def test_local_pinecone_is_per_kernel_unless_the_user_chose_otherwise(tmp_path):
    course = make_course(tmp_path)
    launch = plan(course)
    assert "PINECONE_OPS_HOST" not in launch.env
    assert "each notebook starts its own fresh local Pinecone" in "\n".join(launch.messages)
    shared = plan(course, PINECONE_OPS_HOST="http://127.0.0.1:5080")
    assert shared.env["PINECONE_OPS_HOST"] == "http://127.0.0.1:5080"
    assert "shared local Pinecone" in "\n".join(shared.messages)
    real = plan(course, PINECONE_OPS_BACKEND="pinecone", PINECONE_API_KEY="pk-x")
    assert "REAL Pinecone" in "\n".join(real.messages)
    keyless = plan(course, PINECONE_OPS_BACKEND="pinecone")
    assert "PINECONE_API_KEY is not set" in "\n".join(keyless.messages)


def test_learners_work_on_their_own_copies_and_release_stays_as_shipped(tmp_path):
    course = make_course(tmp_path)
    shipped = (course / "release" / "phase1" / "phase1.ipynb").read_text()
    plan(course)
    mine = course / "workspace" / "phase1" / "phase1.ipynb"
    mine.write_text('{"my": "work"}')                       # the learner's work
    (course / "release" / "phase1" / "phase1.ipynb").write_text(NB.replace("[]", "[ ]"))  # a course update
    (course / "release" / "phase3").mkdir()                 # a new phase
    (course / "release" / "phase3" / "phase3.ipynb").write_text(NB)
    again = plan(course)
    assert mine.read_text() == '{"my": "work"}'             # never overwritten
    assert (course / "workspace" / "phase3" / "phase3.ipynb").is_file()
    notes = "\n".join(again.messages)
    assert "phase1 changed since you copied it" in notes and "rename workspace/phase1" in notes
    assert "phase2 changed" not in notes
    assert shipped != (course / "release" / "phase1" / "phase1.ipynb").read_text()
    assert "workspace/" in (Path(__file__).resolve().parents[2] / ".gitignore").read_text().split()


def test_student_mode_lists_the_released_phases_in_its_local_exchange(tmp_path):
    course = make_course(tmp_path)
    plan(course)
    outbound = course / "exchange" / "ops-101" / "outbound"
    assert sorted(p.name for p in outbound.iterdir()) == ["phase1", "phase2"]
    assert (outbound / "phase1" / "phase1.ipynb").read_text() == NB


def test_no_browser_is_reported_where_none_can_open(monkeypatch):
    assert not lab.browser_available({"PATH": "/usr/bin"}) or os.uname().sysname != "Linux"
    assert lab.browser_available({"BROWSER": "firefox"})
    monkeypatch.setattr(lab, "browser_available", lambda env=None: False)
    assert lab.open_in_browser("http://127.0.0.1:1/") is False


def test_without_released_notebooks_students_get_the_example(tmp_path):
    course = make_course(tmp_path, released=False)
    launch = plan(course)
    assert arg(launch, "ServerApp.root_dir") == [str(course / "examples")]
    assert launch.start_file == course / "examples" / "welcome.ipynb"
    assert any("release/ has no notebooks yet" in m for m in launch.messages)


def test_a_config_that_raises_is_reported_and_its_side_effects_undone(tmp_path):
    course = make_course(tmp_path, config="import os\nos.environ['LEAK'] = '1'\nraise ValueError('boom')\n")
    settings_ = read_course_settings(course)
    assert settings_.error == "ValueError: boom" and settings_.course_id == "pinecone-ops"
    assert "LEAK" not in os.environ
    assert any("raised ValueError: boom" in m for m in plan(course).messages)


def test_a_busy_port_is_refused_with_the_fix(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(SystemExit, match="--port N"):
            lab.choose_port(port)


def test_the_cli_lists_lab_with_its_options():
    from pinecone_ops.cli import build_parser

    args = build_parser().parse_args(["lab", "--instructor", "--port", "9000", "--no-browser",
                                      "--", "--ServerApp.ip=0.0.0.0"])
    assert args.instructor and args.port == 9000 and args.no_browser
    assert args.jupyter_args[-1] == "--ServerApp.ip=0.0.0.0"


def test_page_config_disables_exactly_what_it_locks():
    for mode in MODES.values():
        pages = page_config(mode)
        assert pages["disabledExtensions"] == pages["lockedExtensions"]


@settings(max_examples=25, deadline=None)
@given(depth=st.integers(min_value=0, max_value=5))
def test_the_course_is_found_from_any_folder_inside_it(tmp_path_factory, depth):
    course = make_course(tmp_path_factory.mktemp("c"))
    inner = course.joinpath(*[f"d{i}" for i in range(depth)])
    inner.mkdir(parents=True, exist_ok=True)
    assert lab.find_course_root(inner) == course
