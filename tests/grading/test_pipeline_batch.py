"""One batch through the real pipeline (real nbgrader, real kernels): the mini course's reference
submissions (correct, different, partly wrong, every hostile case) graded together, then resume,
``--student`` regrade, feedback secrecy, gradebook, CSV and histogram.
"""
from __future__ import annotations

import csv
import json
import resource

import nbformat
import pytest

import minicourse
from autograder.pipeline import GradeOptions, grade_class
from autograder.pipeline.coursedir import build_template
from autograder.reference_submissions import build

pytestmark = pytest.mark.slow

MEMORY_MB = 2048
VARIANTS = {
    "ref-different": ({"add": "def add(a, b):\n    return sum((a, b))",
                       "area": "def area(r):\n    return r ** 2 * math.pi"}, 5.0),
    "ref-partly-wrong": ({"area": "def area(r):\n    return 2 * math.pi * r"}, 2.0),
    "ref-slow-function": ({"area": "def area(r):\n    while True:\n        pass"}, 2.0),
    # nbgrader scores any stderr as 0; the course's IgnorePattern keeps a warning from doing that
    "ref-warns": ({"add": "import warnings\ndef add(a, b):\n    warnings.warn('old API')\n"
                          "    return a + b"}, 5.0),
}
PROBE = ("import os, sys, resource\n"
         "print('RLIMIT_AS', resource.getrlimit(resource.RLIMIT_AS)[0])\n"
         "print('HOST', os.environ.get('PINECONE_OPS_HOST'))\n"
         "print('KEY', os.environ.get('PINECONE_API_KEY'))\n"
         "from pinecone_ops import connection\n"
         "print('INDEXES', connection.connect().list_indexes().names())\n"
         "print('EMBEDDED', connection._embedded is not None)")


@pytest.fixture(scope="module")
def batch(mini_course, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    subs = tmp_path_factory.mktemp("subs")
    template = build_template(mini_course, "mini", out / ".grading")
    src, rel = template.source("mini"), template.release("mini")
    cases = build.cases("mini", src, rel)
    good = build.solved(nbformat.read(src, as_version=4), nbformat.read(rel, as_version=4))
    for student, (answers, expected) in VARIANTS.items():
        nb = minicourse.student_notebook(good, answers)
        cases.append(build.Case(student, "mini.ipynb", nbformat.writes(nb), expected))
    probe = minicourse.add_cell_after(good, "add", PROBE)
    cases.append(build.Case("ref-probe", "mini.ipynb", nbformat.writes(probe), "max"))
    by_student = build.write(cases, "mini", subs)
    opts = GradeOptions(course=mini_course, out=out, workers=2, cell_timeout=5,
                        notebook_timeout=120, memory_mb=MEMORY_MB, progress=False)
    results = grade_class("mini", subs, opts)
    return {"results": {r.student: r for r in results}, "cases": by_student, "opts": opts,
            "subs": subs, "template": template}


def test_every_reference_submission_gets_its_expected_score(batch):
    cells = batch["template"].cells
    got = {s: (r.score, r.status) for s, r in batch["results"].items()}
    want = {s: (build.expected_score(c, cells), c.status) for s, c in batch["cases"].items()}
    assert got == want, {s: batch["results"][s].reasons for s in got if got[s] != want.get(s)}


def test_hostile_cases_say_why(batch):
    for student, case in batch["cases"].items():
        reasons = " | ".join(batch["results"][student].reasons)
        if case.reason:
            assert case.reason in reasons, (student, reasons)
    slow = batch["results"]["ref-slow-function"]
    # the hidden check's call into the looping function is interrupted at the per-cell limit
    assert any(c["name"] == "test_area" and c["error"].startswith("TimeoutError: your code did not answer within 5 s")
               for c in slow.cells), slow.cells


def test_tamper_report_lists_cell_and_line(batch):
    for student, case in batch["cases"].items():
        assert bool(batch["results"][student].tamper) == case.tamper or student == "ref-kernel-kill", student
    patched = batch["results"]["ref-monkeypatch"].tamper
    assert [(t["kind"], t["line"]) for t in patched] == [("monkeypatch", 2)]
    assert "math.isclose" in patched[0]["text"] and patched[0]["cell"] > 0
    kinds = {t["kind"] for t in batch["results"]["ref-edited-test"].tamper}
    assert kinds == {"locked cell changed"}
    assert {t["kind"] for t in batch["results"]["ref-deleted-test"].tamper} == {"locked cell deleted"}


def test_kernel_runs_under_limits_next_to_a_separate_server(batch):
    out = batch["opts"].out
    nb = nbformat.read(out / "autograded" / "ref-probe" / "mini" / "mini.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert f"RLIMIT_AS {MEMORY_MB * 1024 * 1024}" in text
    assert "KEY None" in text                       # real-Pinecone credentials never reach a kernel
    host = next(line for line in text.splitlines() if line.startswith("HOST "))
    assert host.startswith("HOST http://127.0.0.1:")
    # the SDK in the kernel reached the separate server; no server runs inside the kernel
    assert "INDEXES []" in text and "EMBEDDED False" in text
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != MEMORY_MB * 1024 * 1024  # parent unlimited


def test_feedback_never_shows_hidden_tests_mark_schemes_or_their_tracebacks(batch):
    out = batch["opts"].out
    pages = sorted((out / "feedback").glob("*/mini/mini.html"))
    graded = [s for s, r in batch["results"].items() if r.status == "graded"]
    assert len(pages) == len(graded)
    for page in pages:
        text = page.read_text()
        # ref-quoted-markers wrote nbgrader's marker lines in its own cells: those it gets back
        quoted = ("BEGIN HIDDEN TESTS", "MARK SCHEME") if "ref-quoted-markers" in str(page) else ()
        for marker in minicourse.HIDDEN_MARKERS:
            assert marker in quoted or marker not in text, (page, marker)
    wrong = (out / "feedback" / "ref-partly-wrong" / "mini" / "mini.html").read_text()
    assert "AssertionError: area(1) should be pi" in wrong        # the learner's message is there
    assert "Score: 0.0 / 3.0" in wrong and "Score: 2.0 / 2.0" in wrong   # per exercise


def test_outputs_csv_gradebook_histogram_report(batch):
    from nbgrader.api import Gradebook

    out = batch["opts"].out
    with open(out / "grading" / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["student_id"]: float(r["score"]) for r in rows} == {
        s: r.score for s, r in batch["results"].items()}
    assert {r["student_id"] for r in rows if r["review"]} >= {"ref-monkeypatch", "ref-invalid-json"}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for s, r in batch["results"].items():
            if r.status == "graded":
                assert gb.find_submission("mini", s).code_score == r.score
    png = out / "grading" / "histogram-mini.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "ref-monkeypatch" in (out / "grading" / "report.md").read_text()


def test_resume_skips_finished_and_student_flag_regrades_one(batch):
    opts, subs = batch["opts"], batch["subs"]
    before = {s: r.seconds for s, r in batch["results"].items()}
    nb = nbformat.read(subs / "ref-correct" / "mini" / "mini.ipynb", as_version=4)
    minicourse.write_student(subs, "late-comer", nb)
    again = {r.student: r for r in grade_class("mini", subs, opts)}
    assert again["late-comer"].score == 5.0
    assert {s: again[s].seconds for s in before} == before     # nobody else was regraded
    opts.students = ("ref-partly-wrong",)
    try:
        only = grade_class("mini", subs, opts)
    finally:
        opts.students = ()
    assert [r.student for r in only] == ["ref-partly-wrong"] and only[0].score == 2.0
    with open(opts.out / "grading" / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(before) + 1                           # the CSV keeps the whole class
    state = json.loads((opts.out / "grading" / "state.json").read_text())["results"]
    assert state["mini/ref-correct"]["seconds"] == before["ref-correct"]
