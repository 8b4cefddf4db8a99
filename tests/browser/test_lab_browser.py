"""End to end in a real browser: `pinecone-ops lab` on a course copy, driven by headless chromium.

Student mode: open the cost phase's release notebook (solution cells filled from source/, as a
learner who did the work has them) or, until it is released, examples/welcome.ipynb; Run All; wait
until every code cell has run and the kernel is idle; no cell may end in a traceback; a plot image
is rendered; moving a slider of the cost calculator changes the bill total it shows. Then the
document-index lab (release/phase2, solved the same way) in its own server: Run All without a
traceback, the films table rendered, the semantic-vs-keyword comparison each finding the film the
other misses, and recommend()'s lists for Toy Story. Instructor mode: the formgrader opens in a
Lab tab and lists the course's assignments.

Waits are on states (kernel idle indicator, execution counts, elements visible, text changed), with
generous timeouts for a busy 2-core machine; there are no fixed sleeps. Screenshots go to
artifacts/browser/.
"""
from __future__ import annotations

import ast
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


def _run_all(page, notebook: str, shot: str) -> None:
    """Run → Run All Cells; wait until every non-empty code cell has run and the kernel is idle;
    fail with every traceback a cell shows."""
    _menu(page, "Run").get_by_text("Run All Cells", exact=True).click()
    try:
        page.wait_for_function(ALL_CELLS_RAN, timeout=RUN_ALL_MS, polling=1000)
    except PlaywrightTimeout:
        screenshot(page, f"{shot}-run-all-timeout")
        pytest.fail(f"Run All of {notebook} did not finish in {RUN_ALL_MS // 1000} s: "
                    f"{page.evaluate(PROMPTS)}")
    screenshot(page, f"{shot}-after-run-all")
    tracebacks = page.evaluate(TRACEBACKS)
    assert not tracebacks, f"{notebook} raised in Lab:\n" + "\n---\n".join(tracebacks)


def _output(page, text: str):
    """The (first) rendered output that contains ``text``, scrolled into view."""
    out = page.locator(".jp-OutputArea-output", has_text=text).first
    expect(out).to_be_visible()
    out.scroll_into_view_if_needed()
    return out


def _search_lists(text: str) -> dict[str, dict[str, list[str]]]:
    """Parse the phase 2 comparison cell's output: {query: {"semantic": [...], "keyword": [...]}}."""
    lists: dict[str, dict[str, list[str]]] = {}
    query = None
    for line in text.splitlines():
        if line.startswith("== "):
            query = line[3:].strip()
            lists[query] = {}
        elif query and (m := re.match(r"\s*(semantic|keyword):\s*(\[.*\])\s*$", line)):
            lists[query][m.group(1)] = ast.literal_eval(m.group(2))
    return lists


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

    _run_all(page, course_copy.notebook, "student")

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


def test_student_runs_the_phase2_document_index_lab(lab, page, course_copy):
    if course_copy.phase2 is None:
        pytest.skip("release/phase2/phase2.ipynb is not released (or phase 5 is not, and the test "
                    "runs the example notebook only)")
    assert course_copy.phase2_solved_cells > 0, "no solution cell of phase 2 was filled from source/"
    server = lab()
    _open_notebook(page, server, course_copy.phase2)
    _run_all(page, course_copy.phase2, "student-phase2")

    # The films table (a pandas DataFrame rendered as HTML) and the index built and loaded.
    table = page.locator(".jp-RenderedHTMLCommon table", has_text="The Shawshank Redemption").first
    expect(table).to_be_visible()
    expect(_output(page, "films ready: True")).to_contain_text("'project': 'movie-recs'")
    expect(_output(page, "documents listed:")).to_contain_text("documents listed: 2000")
    expect(_output(page, "christmas comedies ->")).to_contain_text("Christmas Vacation")

    # Which search finds it: the semantic and keyword top 10 side by side, each finding the film
    # the other misses (the lesson of section 8, and the answers the hidden test expects).
    comparison = _output(page, "== a classic Disney cartoon")
    lists = _search_lists(comparison.inner_text())
    disney, new_york = lists.get("a classic Disney cartoon"), lists.get("a film set in New York City")
    assert disney and new_york and all(len(v) == 10 for q in (disney, new_york) for v in q.values()) \
        and all(set(q) == {"semantic", "keyword"} for q in (disney, new_york)), \
        f"the comparison does not show two top-10 lists per query: {comparison.inner_text()}"
    assert "Cinderella" in disney["semantic"] and "Cinderella" not in disney["keyword"], disney
    home_alone = "Home Alone 2: Lost in New York"
    assert home_alone in new_york["keyword"] and home_alone not in new_york["semantic"], new_york
    screenshot(page, "student-phase2-search-comparison")

    # recommend(): more like Toy Story, then narrowed by genre, year and a description phrase.
    recs = _output(page, "Because you watched Toy Story").inner_text()
    plain, _, narrowed = recs.partition("...comedies since 2000 described as a big-budget production:")
    plain_titles = [t.strip() for t in plain.splitlines()[1:] if t.strip()]
    narrowed_titles = [t.strip() for t in narrowed.splitlines() if t.strip()]
    assert len(plain_titles) == 5 and "Toy Story 2" in plain_titles and "Toy Story" not in plain_titles, recs
    assert len(narrowed_titles) == 5 and "Shrek" in narrowed_titles, recs
    screenshot(page, "student-phase2-recommend")
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
