"""End to end in a real browser: `pinecone-ops lab` on a course copy, driven by headless chromium.

Student mode: open the cost phase's release notebook (solution cells filled from source/, as a
learner who did the work has them) or, until it is released, examples/welcome.ipynb; Run All; wait
until every code cell has run and the kernel is idle; no cell may end in a traceback; a plot image
is rendered; moving a slider of the cost calculator changes the bill total it shows. Instructor
mode: the formgrader opens in a Lab tab and lists the course's assignments.

Waits are on states (kernel idle indicator, execution counts, elements visible, text changed), with
generous timeouts for a busy 2-core machine; there are no fixed sleeps. Screenshots go to
artifacts/browser/.
"""
from __future__ import annotations

import importlib.util
import re
import warnings

import pytest
from labkit import course_assignments, screenshot
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1200)]

#: Generous state waits (ms): first kernel start, a whole notebook, widget round-trips.
KERNEL_MS = 240_000
RUN_ALL_MS = 600_000
WIDGET_MS = 120_000

#: Kernel state and the prompt of every non-empty code cell of the visible notebook. Empty cells
#: (e.g. a test cell whose tests are all hidden) are never executed by JupyterLab, so they are left out.
PROMPTS = """() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => p.offsetParent !== null);
  if (!panel) return {status: null, prompts: []};
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-CodeCell')]
    .filter(c => (c.querySelector('.cm-content')?.textContent ?? '').trim() !== '')
    .map(c => c.querySelector('.jp-InputPrompt')?.textContent.trim() ?? '');
  return {status: indicator ? indicator.dataset.status : null, prompts};
}"""

#: True when the kernel is idle and every non-empty code cell shows an execution count.
ALL_CELLS_RAN = f"""() => {{
  const s = ({PROMPTS})();
  return s.status === 'idle' && s.prompts.length > 0 && s.prompts.every(t => /^\\[\\d+\\]:$/.test(t));
}}"""

#: Text of every output that shows a traceback (errors render as stderr-typed text in Lab).
TRACEBACKS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(o => o.textContent).filter(t => /Traceback|Error:/.test(t)).map(t => t.slice(-600))"""


def _menu(page, title: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=title).first.click()
    menu = page.locator(".lm-Menu").last
    expect(menu).to_be_visible()
    return menu


def _open_notebook(page, server, notebook: str) -> None:
    """Open the notebook and wait until its kernel is started and idle.

    The status bar's kernel item ("Python 3 (ipykernel) | Idle") is the signal: the toolbar's
    execution indicator already reads idle while the kernel is still initialising, and cells sent
    then can be run before the widget manager is connected to the kernel.
    """
    page.goto(server.url(f"lab/tree/{notebook}"))
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=KERNEL_MS)
    _wait_kernel_idle(page)


def _wait_kernel_idle(page) -> None:
    expect(page.locator(".jp-StatusBar-Widget").get_by_role(
        "button", name=re.compile(r"\| Idle$"))).to_be_visible(timeout=KERNEL_MS)


def _drag_right(page, handle, pixels: int = 120) -> None:
    """Drag a slider handle with the mouse, as a person would."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    assert box, "slider handle is not rendered"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=12)
    page.mouse.up()


def test_student_runs_the_notebook_and_the_widgets_respond(lab, page, course_copy):
    server = lab()
    _open_notebook(page, server, course_copy.notebook)
    # Rooted in the student's folder: the notebook's own folder or file is in the file browser.
    expect(page.locator(".jp-DirListing-itemText", has_text=course_copy.notebook.split("/")[0])
           .first).to_be_visible(timeout=KERNEL_MS)

    # Student mode UI: the Assignment List is there, the instructor tools are not.
    menu = _menu(page, "Nbgrader")
    expect(menu.get_by_text("Assignment List", exact=True)).to_be_visible()
    expect(menu.get_by_text("Formgrader", exact=True)).to_have_count(0)
    expect(menu.get_by_text("Create assignment", exact=True)).to_have_count(0)
    screenshot(page, "student-nbgrader-menu")
    page.keyboard.press("Escape")
    expect(page.locator(".jp-SideBar.jp-mod-right").get_by_text("Create Assignment")).to_have_count(0)

    _menu(page, "Run").get_by_text("Run All Cells", exact=True).click()
    try:
        page.wait_for_function(ALL_CELLS_RAN, timeout=RUN_ALL_MS, polling=1000)
    except PlaywrightTimeout:
        screenshot(page, "student-run-all-timeout")
        pytest.fail(f"Run All did not finish in {RUN_ALL_MS // 1000} s: {page.evaluate(PROMPTS)}")
    screenshot(page, "student-after-run-all")
    tracebacks = page.evaluate(TRACEBACKS)
    assert not tracebacks, f"{course_copy.notebook} raised in Lab:\n" + "\n---\n".join(tracebacks)

    # A plot was drawn: an inline PNG that actually decoded.
    image = page.locator('.jp-OutputArea-output img[src^="data:image/png"]').first
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    has_widgets = importlib.util.find_spec("pinecone_ops.widgets") is not None
    if course_copy.kind == "phase5" or has_widgets:
        # The cost calculator: move its first slider (records, up) and the bill total must change.
        calculator = page.locator(".pco-cost-calculator").first
        expect(calculator).to_be_visible(timeout=WIDGET_MS)
        total = calculator.locator(".pco-bill-total")
        try:
            expect(total).to_contain_text("$", timeout=WIDGET_MS)
        except AssertionError:
            calculator.scroll_into_view_if_needed()
            screenshot(page, "student-cost-calculator-no-total")
            pytest.fail("the cost calculator shows no total; its error output: "
                        f"{calculator.locator('.pco-error').all_inner_texts()}")
        before = total.inner_text()
        _drag_right(page, calculator.locator(".noUi-handle").first)
        expect(total).not_to_have_text(before, timeout=WIDGET_MS)
        assert "$" in total.inner_text()
        _wait_kernel_idle(page)  # let the chart redraw before the screenshot
        total.scroll_into_view_if_needed()
        screenshot(page, "student-cost-calculator-moved")
    else:
        warnings.warn("pinecone_ops.widgets is not installed yet: checked the example slider only",
                      stacklevel=1)
    if course_copy.kind == "example":
        label = page.locator(".pco-example-label").first
        expect(label).to_contain_text("GB", timeout=WIDGET_MS)
        before = label.inner_text()
        _drag_right(page, page.locator(".jp-OutputArea-output", has=label).locator(".noUi-handle").first)
        expect(label).not_to_have_text(before, timeout=WIDGET_MS)
        screenshot(page, "student-example-slider-moved")
    if course_copy.kind != "phase5":
        warnings.warn("release/phase5/phase5.ipynb does not exist yet: the browser test ran "
                      "examples/welcome.ipynb instead", stacklevel=1)
    assert server.interrupt() == 0


def test_instructor_opens_the_formgrader_and_sees_the_assignments(lab, page, course_copy):
    server = lab(instructor=True)
    page.goto(server.url("lab"))
    expect(page.locator(".jp-LabShell")).to_be_visible(timeout=KERNEL_MS)
    # Rooted at the course root: source/ is in the file browser.
    expect(page.locator(".jp-DirListing-itemText", has_text="source").first).to_be_visible(
        timeout=KERNEL_MS)
    expect(page.locator(".jp-SideBar.jp-mod-right").get_by_text("Create Assignment")).to_be_visible(
        timeout=KERNEL_MS)

    _menu(page, "Nbgrader").get_by_text("Formgrader", exact=True).click()
    frame = page.frame_locator('iframe[src*="formgrader"]')
    expect(frame.get_by_text("Manage Assignments").first).to_be_visible(timeout=KERNEL_MS)

    declared = course_assignments()
    present = [a for a in declared if (course_copy.root / "source" / a).is_dir()]
    if len(present) < len(declared):
        warnings.warn(f"only {present} of {declared} have a source/ folder yet; asserting on those",
                      stacklevel=1)
    assert present, "the course has no assignment in source/ yet"
    for name in present:
        expect(frame.locator(f'td.name[data-order="{name}"]')).to_be_visible(timeout=WIDGET_MS)
    screenshot(page, "instructor-formgrader")
    assert server.interrupt() == 0
