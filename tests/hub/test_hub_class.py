"""A whole class on a real JupyterHub, in a real browser: release, fetch, work, validate, submit,
collect, grade, feedback.

`pinecone-ops hub` (conftest) runs JupyterHub + configurable-http-proxy with PAM login, one Unix
user per person and nbgrader's exchange with its JupyterHub auth. The instructor's steps are the
commands they type in a terminal of their own server (run here as that Unix user); the students'
steps are clicks and keystrokes in headless chromium. Screenshots of each step: artifacts/hub/.
"""
from __future__ import annotations

import json
import re
import socket
import time

import psutil
import pytest
from hubkit import ARTIFACTS, Hub
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.hub, pytest.mark.timeout(1500)]

SPAWN_MS = 240_000
KERNEL_MS = 240_000
VALIDATE_MS = 600_000

#: Two students, two different pieces of work (cell found by its first line, replaced whole).
ANSWERS = {
    0: ("QUERY_RU = {", 'QUERY_RU = {\n    "top_k=10 on a 4 GB namespace": 4,\n'
        '    "top_k=1000 on the same 4 GB namespace": 4,\n    "top_k=10 on a 0.1 GB namespace": 0.25,\n'
        '    "top_k=10 on a 4 GB namespace of an index holding 40 GB in 10 namespaces": 4,\n}\n'),
    1: ("CAN_CHANGE = {", 'CAN_CHANGE = {\n    "name": False, "dimension": False, "metric": False,'
        ' "vector_type": False, "cloud_region": False,\n    "deletion_protection": True, "tags": True,'
        ' "read_capacity": True,\n    "pod_replicas": True, "pod_size_up": True, "pod_size_down": False,'
        ' "pod_type": False, "pod_shards": False,\n}\n'),
}
#: What each earns: query_ru's test is 1 point, can_change's 2; every other exercise is blank.
EXPECTED_SCORE = {0: 1.0, 1: 2.0}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def instructor(hub: Hub, script: str) -> str:
    result = hub.as_user(hub.instructor, f"cd ~/pinecone-ops && {script}")
    assert result.returncode == 0, f"{script}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout + result.stderr


def log_in(context, hub: Hub, name: str):
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    # spawn-pending, then the user's own JupyterLab (the server runs as their Unix user)
    page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=SPAWN_MS)
    expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=SPAWN_MS)
    return page


def open_menu(page, title: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=title).first.click()
    menu = page.locator(".lm-Menu").last
    expect(menu).to_be_visible()
    return menu


def assignment_list(page):
    menu = open_menu(page, "Nbgrader")
    items = [t for t in menu.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    assert items == ["Assignment List"], f"a student's Nbgrader menu shows {items}"
    menu.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    panel = page.locator("#assignments")
    expect(panel).to_be_visible()
    return panel


def row(panel, section: str, assignment: str):
    return panel.locator(f"#{section}_assignments_list .list_item", has_text=assignment).first


def wait_kernel_idle(page) -> None:
    expect(page.locator(".jp-StatusBar-Widget").get_by_role(
        "button", name=re.compile(r"\| Idle$"))).to_be_visible(timeout=KERNEL_MS)


def answer(page, first_line: str, text: str) -> None:
    """Click into the cell that starts with ``first_line``, replace its code, as a person types."""
    cell = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text=first_line)).first
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)  # polling interval while the server writes the file
    return bool(condition())


def notebook_cells(path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


def test_a_class_on_jupyterhub_release_work_submit_grade_feedback(hub: Hub, browser):
    # 1. The instructor releases phase 1 into the exchange (from their course copy, with nbgrader).
    instructor(hub, "nbgrader generate_assignment phase1 --force && nbgrader release_assignment phase1")
    outbound = hub.home / "exchange" / "pinecone-ops" / "outbound" / "phase1" / "phase1.ipynb"
    assert outbound.is_file()

    students = {}
    for i, name in enumerate(hub.students):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = log_in(context, hub, name)
        students[name] = (context, page)
        # Student mode at the server: the formgrader is not even loaded for a student.
        formgrader = page.request.get(f"{hub.url}/user/{name}/formgrader/api/assignments")
        assert formgrader.status == 404, formgrader.status

        # 2. Fetch phase 1 from the Assignment List: only this course is offered.
        panel = assignment_list(page)
        released = row(panel, "released", "phase1")
        expect(released).to_be_visible(timeout=60_000)
        courses = page.request.get(f"{hub.url}/user/{name}/courses").json()
        assert courses == {"success": True, "value": ["pinecone-ops"]}, courses
        shot(page, f"{i + 1}-student{i + 1}-assignment-list")
        released.get_by_role("button", name="Fetch").click()
        fetched = row(panel, "fetched", "phase1")
        expect(fetched).to_be_visible(timeout=60_000)
        mine = hub.user_home(name) / "pinecone-ops" / "phase1" / "phase1.ipynb"
        assert mine.is_file() and mine.stat().st_uid == hub.user_home(name).stat().st_uid

        # 3. Work: open the notebook, answer one exercise (each student a different one), save.
        page.goto(f"{hub.url}/user/{name}/lab/tree/pinecone-ops/phase1/phase1.ipynb")
        expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=KERNEL_MS)
        wait_kernel_idle(page)
        first_line, text = ANSWERS[i]
        answer(page, first_line, text)
        saved = wait_for(lambda text=text, mine=mine: any(c.strip() == text.strip() for c in notebook_cells(mine)), 60)
        assert saved, f"the answer was not saved: {[c for c in notebook_cells(mine) if first_line in c]}"

        # 4. Validate (runs the whole notebook as the grader will, in the student's own kernel env).
        page.locator(".jp-NotebookPanel-toolbar").get_by_role("button", name="Validate").click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_contain_text("Validat", timeout=VALIDATE_MS)
        expect(dialog).to_contain_text("NotImplementedError", timeout=VALIDATE_MS)  # blank exercises
        shot(page, f"{i + 1}-student{i + 1}-validate")
        dialog.get_by_role("button", name="Ok").click()

        # 5. Submit from the Assignment List.
        panel = assignment_list(page)
        row(panel, "fetched", "phase1").get_by_role("button", name="Submit").click()
        expect(row(panel, "submitted", "phase1")).to_be_visible(timeout=120_000)
        shot(page, f"{i + 1}-student{i + 1}-submitted")

    # What a student cannot do: read another student's home, or list the exchange's inbound.
    a, b = hub.students
    peek = hub.as_user(a, f"ls {hub.user_home(b)} || exit 0; exit 1")
    assert peek.returncode == 0 and "Permission denied" in peek.stderr, peek
    inbound = hub.as_user(a, f"ls {hub.home}/exchange/pinecone-ops/inbound || exit 0; exit 1")
    assert inbound.returncode == 0 and "Permission denied" in inbound.stderr, inbound

    # 6. The instructor collects, grades with the course's grader, and releases feedback.
    out = instructor(hub, "nbgrader collect phase1")
    for name in hub.students:
        assert (hub.user_home(hub.instructor) / "pinecone-ops" / "submitted" / name / "phase1"
                / "phase1.ipynb").is_file(), out
    # the grader keeps each submission's timestamp.txt and submission_secret.txt beside its
    # feedback, which is what release_feedback names the feedback by
    instructor(hub, "pinecone-ops grade phase1 submitted --out . --workers 2 --quiet")
    instructor(hub, "nbgrader release_feedback phase1")

    # 7. Each student fetches their own feedback and sees their own score, nobody else's.
    for i, name in enumerate(hub.students):
        context, page = students[name]
        page.goto(f"{hub.url}/user/{name}/lab")
        panel = assignment_list(page)
        submitted = row(panel, "submitted", "phase1")
        expect(submitted).to_contain_text("feedback available to fetch", timeout=120_000)
        submitted.get_by_role("button", name="Fetch Feedback").click()
        expect(row(panel, "submitted", "phase1")).to_contain_text("view feedback", timeout=120_000)
        shot(page, f"{i + 5}-student{i + 1}-feedback-fetched")
        feedback = sorted((hub.user_home(name) / "pinecone-ops" / "phase1" / "feedback").rglob("phase1.html"))
        assert len(feedback) == 1, feedback
        relative = feedback[0].relative_to(hub.user_home(name))
        page.goto(f"{hub.url}/user/{name}/files/{relative}")
        heading = page.locator("h4", has_text="Score:").first
        expect(heading).to_be_visible()
        expected = EXPECTED_SCORE[i]
        assert f"(Score: {expected} / 10.0)" in heading.inner_text(), heading.inner_text()
        html = page.content()
        others = [s for s in hub.users if s != name]
        assert not any(other in html for other in others), "feedback names another user"
        shot(page, f"{i + 7}-student{i + 1}-feedback")
        context.close()
    assert EXPECTED_SCORE[0] != EXPECTED_SCORE[1]


def test_ctrl_c_stops_the_hub_every_server_and_the_proxy(hub: Hub):
    hub_pid = hub.proc.pid
    children = psutil.Process(hub_pid).children(recursive=True)
    assert any("configurable-http-proxy" in " ".join(p.cmdline()) for p in children), "no proxy"
    assert hub.stop() == 0, hub.output()[-3000:]
    assert "Stopped." in hub.output()
    gone, alive = psutil.wait_procs(children, timeout=60)
    assert not alive, [p.cmdline() for p in alive]
    left = [p.info for p in psutil.process_iter(["pid", "username", "cmdline"]) if p.info["username"] in hub.users]
    assert not left, f"processes of the class's users still running: {left}"
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", hub.port)) != 0, "something still listens on the hub's port"
