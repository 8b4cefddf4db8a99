"""The last guard before feedback is published: a page holding a solution, hidden-test or mark-scheme
line, in any encoding a student could use, is withheld (autograder/pipeline/leaks.py).

Pages are real nbconvert HTML (what nbgrader's feedback is made with); attacks are written the ways a
student would write them."""
from __future__ import annotations

import base64
import codecs
import json
import quopri
import urllib.parse
import zlib

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import minicourse
from autograder.pipeline.leaks import MIN_LEN, Secret, compact, find, page_leaks, publish, secret_lines
from conftest import REPO

HIDDEN = 'assert add(-7, 11) == 4, "add must handle negative numbers"'
SCHEME = "SECRET-RUBRIC-42: full marks if they mention pi r squared"
SOLUTION = "return math.pi * r * r"


def _mini() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """The mini course's source and a release made from it the way nbgrader makes one."""
    src = minicourse.source_notebook()
    rel = nbformat.from_dict(json.loads(json.dumps(src)))
    rel.cells[2].source = "def add(a, b):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    rel.cells[3].source = 'assert add(1, 2) == 3, "add(1, 2) should be 3"'
    rel.cells[4].source = "def area(r):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    rel.cells[5].source = 'assert math.isclose(area(1), math.pi), "area(1) should be pi"'
    rel.cells[6].source = "Explain your choice of formula."
    return src, rel


SECRETS = secret_lines(*_mini(), notebook="mini")
_EXPORTER = HTMLExporter()


def page(*outputs: str, html_output: str | None = None) -> str:
    """A real feedback-like page: a code cell whose stream output is each of ``outputs``."""
    cells = [new_markdown_cell("# Mini assignment"),
             new_code_cell("def add(a, b):\n    return a + b",
                           outputs=[new_output("stream", name="stdout", text=o) for o in outputs])]
    if html_output is not None:
        cells.append(new_code_cell("display(HTML(x))", outputs=[
            new_output("display_data", data={"text/html": html_output, "text/plain": "<HTML>"})]))
    body, _ = _EXPORTER.from_notebook_node(new_notebook(cells=cells))
    return body


def test_secret_lines_are_what_the_release_does_not_show_with_their_kind():
    got = {s.line: s.kind for s in SECRETS}
    assert got == {HIDDEN: "hidden test", SCHEME: "mark scheme", SOLUTION: "solution",
                   "assert math.isclose(area(2.5), 19.634954084936208), \"area must square the radius\"":
                   "hidden test"}
    # `return a + b` is 9 characters without whitespace: too short to be a secret; markers never are
    assert all(len(s.key) >= MIN_LEN and "BEGIN" not in s.line for s in SECRETS)


@given(st.integers(min_value=1, max_value=3 * MIN_LEN))
def test_the_minimum_length_is_exact_and_counts_no_whitespace(n):
    body = ("x" * n)
    spaced = " ".join(body)                              # whitespace never counts
    src = new_notebook(cells=[new_code_cell(f"### BEGIN SOLUTION\n{spaced}\n### END SOLUTION",
                                            metadata={"nbgrader": {"solution": True}})])
    rel = new_notebook(cells=[new_code_cell("# YOUR CODE HERE")])
    got = secret_lines(src, rel)
    assert [s.key for s in got] == ([body] if n >= MIN_LEN else [])


def test_short_lines_never_trigger_whatever_the_encoding():
    short = ["pass", ")", "return a + b", "x" * (MIN_LEN - 1)]
    src = new_notebook(cells=[new_code_cell("\n".join(short), metadata={"nbgrader": {"solution": True}})])
    secrets = secret_lines(src, new_notebook(cells=[]))
    assert secrets == []
    text = "\n".join(short + [enc for s in short for enc in _encodings(s).values()])
    assert find(page(text), SECRETS) == []


def _encodings(line: str) -> dict[str, str]:
    """One line as students could print it, by the label the guard gives it."""
    data = line.encode()
    b64 = base64.b64encode(data).decode()
    return {
        "plain text": line,
        "reversed": line[::-1],
        "rot13": codecs.encode(line, "rot13"),
        "base64": b64,
        "base64 of the reversed line": base64.b64encode(line[::-1].encode()).decode(),
        "base64 of the rot13 line": base64.b64encode(codecs.encode(line, "rot13").encode()).decode(),
        "reversed base64": b64[::-1],
        "hex": data.hex(),
        "reversed hex": data.hex()[::-1],
        "base32": base64.b32encode(data).decode(),
        "url-encoded": urllib.parse.quote(line, safe=""),
    }


@pytest.mark.parametrize("label", list(_encodings(HIDDEN)))
def test_each_encoding_of_a_hidden_line_is_found_and_named(label):
    hits = find(page("your score:", _encodings(HIDDEN)[label]), SECRETS)
    assert [(h.secret.line, h.encoding) for h in hits] == [(HIDDEN, label)]


SPELLINGS = {
    # the same line, other spellings of the same encodings
    "urlsafe base64": lambda s: base64.urlsafe_b64encode(s.encode()).decode(),
    "base64 wrapped at 76": lambda s: base64.encodebytes((s * 3).encode()).decode(),
    "base64 in 5-character prints": lambda s: "\n".join(
        base64.b64encode(s.encode()).decode()[i:i + 5] for i in range(0, 200, 5)),
    "base64 as a list of literals": lambda s: repr([base64.b64encode(s.encode()).decode()[i:i + 7]
                                                    for i in range(0, 200, 7)]),
    "bytes repr": lambda s: repr(base64.b64encode(s.encode())),
    "zlib then base64": lambda s: base64.b64encode(zlib.compress(s.encode())).decode(),
    "HEX upper": lambda s: s.encode().hex().upper(),
    "hex with spaces": lambda s: s.encode().hex(" "),
    "hex with colons": lambda s: s.encode().hex(":"),
    "\\x escapes": lambda s: "".join(f"\\x{c:02x}" for c in s.encode()),
    "0x list": lambda s: ", ".join(f"0x{c:02x}" for c in s.encode()),
    "\\u escapes": lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
    "quoted-printable": lambda s: quopri.encodestring(s.encode()).decode(),
    "html entities": lambda s: "".join(f"&#{ord(c)};" for c in s),
    "split over lines": lambda s: "\n".join(s[i:i + 6] for i in range(0, len(s), 6)),
    "re-indented": lambda s: "        " + s.replace(" ", "   "),
    "percent-encoded plus": lambda s: urllib.parse.quote_plus(s),
    "json dump": lambda s: json.dumps({"cell": s}),
}


@pytest.mark.parametrize("spelling", list(SPELLINGS))
@pytest.mark.parametrize("line", [HIDDEN, SCHEME, SOLUTION])
def test_every_spelling_of_every_kind_of_line_is_found(spelling, line):
    text = SPELLINGS[spelling](line)
    found = [h.secret.line for h in find(page(text), SECRETS)]
    assert line in found, (spelling, text[:80])


def test_a_leak_inside_html_output_attributes_or_comments_is_found():
    b64 = base64.b64encode(HIDDEN.encode()).decode()
    for markup in (f'<div title="{b64}">ok</div>', f"<!-- {HIDDEN[::-1]} -->",
                   f'<img src="data:text/plain;base64,{b64}">'):
        assert [h.secret.line for h in find(page("fine", html_output=markup), SECRETS)] == [HIDDEN], markup


def _source_file() -> str:
    return nbformat.writes(minicourse.source_notebook())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.text(min_size=0, max_size=40), wrap=st.sampled_from([0, 60, 64, 76]),
       urlsafe=st.booleans())
def test_a_line_inside_the_base64_of_a_larger_text_is_found_at_any_offset(prefix, wrap, urlsafe):
    """The whole source notebook, after any prefix (so at any alignment), base64-encoded: every
    secret line is in it."""
    data = (prefix + _source_file()).encode()
    blob = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
    if wrap:
        blob = "\n".join(blob[i:i + wrap] for i in range(0, len(blob), wrap))
    assert {h.secret.line for h in find(page(blob), SECRETS)} == {s.line for s in SECRETS}


@settings(max_examples=60, deadline=None)
@given(line=st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=MIN_LEN, max_size=80),
       before=st.text(max_size=30), after=st.text(max_size=30),
       encode=st.sampled_from(list(_encodings("x"))))
def test_any_secret_line_is_found_in_any_encoding_inside_any_text(line, before, after, encode):
    secret = Secret(compact(line), line, "hidden test")
    text = f"{before} {_encodings(line)[encode]} {after}"
    assert [h.secret for h in find(page(text), [secret])] == [secret]


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=0, max_size=4000))
def test_random_binary_outputs_and_the_release_raise_nothing(blob):
    """Images (base64 PNG bytes) and ordinary output never look like a leak."""
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + blob).decode()
    assert find(page("ok", html_output=f'<img src="data:image/png;base64,{png}">'), SECRETS) == []


@pytest.mark.parametrize("phase", sorted(p.name for p in (REPO / "release").glob("phase*")))
def test_the_real_release_rendered_as_feedback_holds_no_secret(phase):
    src = REPO / "source" / phase / f"{phase}.ipynb"
    if not src.is_file():
        pytest.skip(f"{phase} has no source")
    rel = nbformat.read(REPO / "release" / phase / f"{phase}.ipynb", as_version=4)
    secrets = secret_lines(nbformat.read(src, as_version=4), rel, phase)
    assert len(secrets) > 20
    body, _ = _EXPORTER.from_notebook_node(rel)
    assert find(body, secrets) == []
    # and the whole source, base64-encoded into that page, gives every one of them away
    leaked = body.replace("</body>", f"<pre>{base64.b64encode(src.read_bytes()).decode()}</pre></body>")
    assert {h.secret.key for h in find(leaked, secrets)} == {s.key for s in secrets}


def test_a_line_the_student_wrote_themselves_is_no_leak():
    own = nbformat.writes(new_notebook(cells=[new_code_cell(f"def area(r):\n    {SOLUTION}")]))
    shown = page(f"def area(r):\n    {SOLUTION}")
    assert [h.secret.line for h in find(shown, SECRETS)] == [SOLUTION]
    assert page_leaks(shown, SECRETS, [own.encode()]) == []
    # but a hidden line next to it is still one
    both = page(SOLUTION, base64.b64encode(HIDDEN.encode()).decode())
    assert [h.secret.line for h in page_leaks(both, SECRETS, [own.encode()])] == [HIDDEN]


def test_publish_withholds_a_leaking_page_and_says_why(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "a.html").write_text(page("all good"))
    (scratch / "b.html").write_text(page(codecs.encode(SCHEME, "rot13")))
    dest, withheld = tmp_path / "out" / "feedback", tmp_path / "out" / "grading" / "withheld"
    shown, notes = publish(sorted(scratch.glob("*.html")), dest, withheld, SECRETS, root=tmp_path / "out")
    assert shown == [dest / "a.html"] and sorted(p.name for p in dest.iterdir()) == ["a.html"]
    assert (withheld / "b.html").read_text() == (scratch / "b.html").read_text()
    assert len(notes) == 1 and "b.html withheld" in notes[0] and "mark scheme" in notes[0]
    assert "(rot13)" in notes[0] and "grading/withheld/b.html" in notes[0]
    # a regrade without the leak publishes it and leaves nothing withheld
    (scratch / "b.html").write_text(page("fixed"))
    shown, notes = publish(sorted(scratch.glob("*.html")), dest, withheld, SECRETS, root=tmp_path / "out")
    assert [p.name for p in shown] == ["a.html", "b.html"] and notes == [] and not withheld.exists()
