"""The real course's reference submissions (autograder/reference_submissions/<phase>.toml plus every
generic hostile case) graded together in one batch by the real pipeline, each with its expected
score. Skips phases whose source or reference file has not landed.
"""
from __future__ import annotations

import nbformat
import pytest

from autograder.pipeline import GradeOptions, grade_class
from autograder.pipeline.coursedir import build_template
from autograder.pipeline.leaks import page_leaks, secret_lines
from autograder.reference_submissions import build
from conftest import REPO

pytestmark = pytest.mark.slow
PHASES = sorted(p.stem for p in (REPO / "autograder" / "reference_submissions").glob("phase*.toml"))


@pytest.mark.parametrize("phase", PHASES)
def test_reference_submissions_score_as_expected(phase, tmp_path):
    source = REPO / "source" / phase / f"{phase}.ipynb"
    if not source.is_file():
        pytest.skip(f"{phase} has no source notebook yet")
    out, subs = tmp_path / "out", tmp_path / "subs"
    template = build_template(REPO, phase, out / ".grading")
    cases = build.write(build.cases(phase, source, template.release(phase)), phase, subs)
    opts = GradeOptions(course=REPO, out=out, workers=2, cell_timeout=20, notebook_timeout=240,
                        progress=False)
    results = {r.student: r for r in grade_class(phase, subs, opts)}
    got = {s: (r.score, r.status, bool(r.tamper)) for s, r in results.items()}
    want = {s: (build.expected_score(c, template.cells), c.status,
                c.tamper or s == "ref-kernel-kill") for s, c in cases.items()}
    assert got == want, {s: results[s].reasons for s in got if got[s] != want[s]}
    for s, c in cases.items():
        if c.reason:
            assert c.reason in " | ".join(results[s].reasons), s
    # feedback: no solution, hidden-test or mark-scheme line in any encoding (beyond the student's own
    # lines), no check import, and the preprocessors alone were enough (no page had to be withheld)
    secrets = secret_lines(nbformat.read(source, as_version=4),
                           nbformat.read(template.release(phase), as_version=4), phase)
    assert secrets                                   # else this check would prove nothing
    pages = sorted((out / "feedback").glob(f"*/{phase}/*.html"))
    assert len(pages) == sum(r.status == "graded" for r in results.values())
    for page in pages:
        text = page.read_text()
        own = [p.read_bytes() for p in (out / "submitted" / page.parts[-3] / phase).glob("*.ipynb")]
        assert page_leaks(text, secrets, own) == [] and "autograder.checks" not in text, page
    assert not [s for s, r in results.items() if any("withheld" in x for x in r.review + r.reasons)]
