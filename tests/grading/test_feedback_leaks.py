"""Students who try to read the hidden tests through their own feedback, graded by the real pipeline
(real nbgrader, real kernels) next to an honest student.

In the sandbox nothing leaks: the hidden tests never reach the kernel and the course is not there,
so every page is published and nobody is flagged. Without the sandbox (``--no-sandbox``) a cell can
read the instructor's notebook from disk: every page that would carry a hidden line, in whatever
encoding, is withheld and the submission flagged; nothing else changes."""
from __future__ import annotations

import csv

import nbformat
import pytest

import minicourse
from autograder.pipeline import GradeOptions, grade_class
from autograder.pipeline.coursedir import build_template
from autograder.pipeline.leaks import find, secret_lines
from autograder.reference_submissions import build

pytestmark = pytest.mark.slow

# the source notebook, at a path a student could guess ({root}: the course folder)
READ_SOURCE = ("import os\n"
               "def _source():\n"
               "    for root in [{root!r}] + os.environ.get('PYTHONPATH', '').split(os.pathsep):\n"
               "        path = os.path.join(root, 'source', 'mini', 'mini.ipynb')\n"
               "        if os.path.isfile(path):\n"
               "            return open(path, 'rb').read()\n"
               "    return b''\n")
# the cell that is running (a hidden test, when the grader calls the student's function)
RUNNING = "get_ipython().user_ns['In'][-1]"
ATTACKS = {
    # a function the hidden test calls prints the hidden test's own source, encoded
    "history-base64": ({"add": "import base64\ndef add(a, b):\n"
                               f"    print(base64.b64encode({RUNNING}.encode()).decode())\n"
                               "    return a + b"}, None, 5.0, "base64"),
    "history-rot13-reversed": ({"area": "import codecs\ndef area(r):\n"
                                        f"    print(codecs.encode({RUNNING}, 'rot13')[::-1])\n"
                                        "    return math.pi * r * r"}, None, 5.0, "reversed rot13"),
    # the message of an exception is what redacted feedback keeps: the student gives up the points
    "history-in-the-message": ({"add": "def add(a, b):\n"
                                       f"    raise ValueError({RUNNING}.encode().hex())"}, None, 3.0, "hex"),
    # a cell of the student's own reads the instructor's notebook from disk
    "file-hex-chunks": ({}, READ_SOURCE + "h = _source().hex()\n"
                                          "for i in range(0, len(h), 96):\n    print(h[i:i + 96])",
                        5.0, "hex"),
    "file-zlib-base64": ({}, READ_SOURCE + "import base64, zlib\n"
                                           "print(base64.b64encode(zlib.compress(_source())).decode())",
                         5.0, "base64"),
}


FILE_ATTACKS = [s for s in ATTACKS if s.startswith("file-")]
SANDBOX = [True, False]


@pytest.fixture(scope="module", params=SANDBOX, ids=["sandbox", "no-sandbox"])
def graded(request, mini_course, tmp_path_factory):
    if request.param:
        from autograder.checker import sandbox

        if sandbox.probe():
            pytest.skip(f"no sandbox here: {sandbox.probe()}")
    out, subs = tmp_path_factory.mktemp("out"), tmp_path_factory.mktemp("subs")
    template = build_template(mini_course, "mini", out / ".grading")
    src, rel = (nbformat.read(p, as_version=4) for p in (template.source("mini"), template.release("mini")))
    good = build.solved(src, rel)
    minicourse.write_student(subs, "honest", good)
    for student, (answers, cell, _, _) in ATTACKS.items():
        nb = minicourse.student_notebook(good, answers)
        cell = cell.replace("{root!r}", repr(str(mini_course))) if cell else cell
        minicourse.write_student(subs, student, minicourse.add_cell_after(nb, "add", cell) if cell else nb)
    opts = GradeOptions(course=mini_course, out=out, workers=2, cell_timeout=20, notebook_timeout=180,
                        progress=False, sandbox=request.param)
    results = {r.student: r for r in grade_class("mini", subs, opts)}
    return results, out, secret_lines(src, rel, "mini"), request.param


def _leaked(sandboxed: bool, student: str) -> bool:
    """Only a cell reading the course from disk leaks, and only without the sandbox (the hidden
    tests never reach the kernel, so a function printing the running cell prints its own)."""
    return not sandboxed and student in FILE_ATTACKS


def test_no_published_page_holds_a_hidden_line_in_any_encoding(graded):
    results, out, secrets, sandboxed = graded
    published = sorted((out / "feedback").glob("*/mini/*.html"))
    assert [p.parts[-3] for p in published] == sorted(["honest", *(s for s in ATTACKS if not _leaked(sandboxed, s))])
    hidden = [s for s in secrets if s.kind != "solution"]
    assert hidden
    for page in published:
        assert find(page.read_text(), hidden) == [], page


@pytest.mark.parametrize("student", list(ATTACKS))
def test_a_leaking_page_is_withheld_the_student_flagged_and_the_score_unchanged(graded, student):
    results, out, _, sandboxed = graded
    r = results[student]
    _, _, score, encoding = ATTACKS[student]
    assert (r.status, r.score) == ("graded", score)
    if not _leaked(sandboxed, student):
        assert r.review == [] and r.feedback == [f"feedback/{student}/mini/mini.html"], r.reasons
        return
    assert r.feedback == []
    assert len(r.review) == 1 and r.review[0] in r.reasons
    note = r.review[0]
    assert "mini.html withheld" in note and f"({encoding}" in note and "hidden test" in note, note
    assert (out / "grading" / "withheld" / "mini" / student / "mini.html").is_file()
    assert not (out / "feedback" / student / "mini" / "mini.html").exists()


def test_the_honest_student_is_published_and_not_flagged_and_the_csv_says_who_to_review(graded):
    results, out, _, sandboxed = graded
    honest = results["honest"]
    assert (honest.score, honest.review, honest.feedback) == (5.0, [], ["feedback/honest/mini/mini.html"])
    with open(out / "grading" / "grades.csv", newline="") as fh:
        review = {row["student_id"]: row["review"] for row in csv.DictReader(fh)}
    assert review == {"honest": "", **{s: "yes" if _leaked(sandboxed, s) else "" for s in ATTACKS}}
