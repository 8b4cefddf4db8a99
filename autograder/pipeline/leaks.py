"""The last-line leak guard: no feedback page is published that holds a secret line, in any encoding.

nbgrader's feedback renders the autograded notebook, which holds the hidden tests, mark schemes and
tracebacks that quote them (jupyter/nbgrader#917, #1363). The pipeline renders feedback with
``autograder.preprocessors.FEEDBACK`` whatever the course config says (the redaction itself is
``autograder/preprocessors/redact_tracebacks.py``); this module is the check after it.

A **secret line** is a line of an assignment's source notebook that its release does not show
(solutions, hidden tests, mark schemes), at least :data:`MIN_LEN` characters long once its
whitespace is removed. Lines are compared without whitespace, so re-indenting or re-wrapping a line
does not hide it. A page is searched (its ``<body>``, tags and their attributes apart from the text,
HTML entities decoded) for every secret line

- as plain text, reversed, in rot13, or both;
- inside every decoded base64 (standard and URL-safe; also zlib/gzip-compressed), base32 and hex
  run, at every alignment, so a line is found inside the encoding of a larger text (a whole
  notebook base64-encoded) and inside a blob wrapped over several lines or printed in pieces;
- in the page URL-decoded, quoted-printable-decoded, and with ``\\uXXXX``/``\\xXX`` escapes decoded;
- and, for base64 and hex, in the decoding of the reversed run (a reversed encoding).

A line the student's own submission already holds (in any of these forms) is no leak: a student who
writes a line the reference solution also has sees their own line. A page with a hit is
**withheld**: :func:`publish` keeps it for the instructor and returns a note naming the page, the
kind of line and the encoding. Limits: an encoding outside this list (a cipher, base85, a split
with other characters in between) is not recognised.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import html
import json
import quopri
import re
import shutil
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_plus

from nbformat import NotebookNode

#: shortest secret line, in characters without whitespace: ``return a + b`` (9) is no secret,
#: ``return math.pi * r * r`` (17) is. Shorter lines are too common to mean anything.
MIN_LEN = 12
_WS = re.compile(r"\s+")
_MARKER = re.compile(r"^\s*(?:#+|=+)?\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)\b")
_REGION = {"SOLUTION": "solution", "HIDDEN TESTS": "hidden test", "MARK SCHEME": "mark scheme"}
_TAG = re.compile(r"<[^>]*>")
_B64 = re.compile(r"[A-Za-z0-9+/_-]{16,}")
_B32 = re.compile(r"[A-Z2-7]{16,}")
_HEX = re.compile(r"(?:(?:\\x|0x)?[0-9a-fA-F][:,.\-]?){16,}")
_HEX_PREFIX = re.compile(r"\\x|0x")
_LITERAL_JOIN = re.compile(r"""['"]\s*[+,]?\s*b?['"]|\\n""")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))", re.S)
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}
_ROT13 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")
_SEP = "\x00"   # between decoded runs: never inside a secret line


@dataclass(frozen=True)
class Secret:
    """One line students must not see: ``key`` is the line without whitespace (what is searched)."""

    key: str
    line: str
    kind: str         # solution | hidden test | mark scheme | source
    notebook: str = ""


@dataclass(frozen=True)
class Hit:
    """A secret line found in a text, and how it was encoded there."""

    secret: Secret
    encoding: str     # e.g. "plain text", "base64", "hex", "reversed", "rot13", "reversed base64"


def compact(text: str) -> str:
    """``text`` without whitespace (the form lines are compared in)."""
    return _WS.sub("", text)


def secret_lines(source: NotebookNode, release: NotebookNode, notebook: str = "",
                 min_len: int = MIN_LEN) -> list[Secret]:
    """Lines of ``source`` that ``release`` does not show, each with the kind of region it is in.

    nbgrader's own markers (``### BEGIN SOLUTION`` …) are public and never secret; a leading ``#``
    is dropped, so a comment is found without it too."""
    shown = compact("\n".join(c.source for c in release.cells))
    found: dict[str, Secret] = {}
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        base = "solution" if meta.get("solution") else "source"
        region = base
        for raw in cell.source.splitlines():
            marker = _MARKER.match(raw)
            if marker:
                region = _REGION[marker.group(2)] if marker.group(1) == "BEGIN" else base
                continue
            line = raw.strip().lstrip("#").strip()
            key = compact(line)
            if len(key) >= min_len and key not in shown and key not in found:
                found[key] = Secret(key, line, region, notebook)
    return list(found.values())


def _padded(decode, chunk: str, quantum: int) -> bytes | None:
    """``decode`` of ``chunk``, its last partial quantum padded (or trimmed until it decodes)."""
    for cut in range(quantum):
        part = chunk[: len(chunk) - cut] if cut else chunk
        if not part:
            return None
        try:
            return decode(part + "=" * (-len(part) % quantum))
        except (binascii.Error, ValueError):
            continue
    return None


_PACKED = re.compile(rb"\x78[\x01\x5e\x9c\xda]|\x1f\x8b\x08")


def _unpacked(data: bytes, most: int = 32) -> Iterator[bytes]:
    """Every zlib or gzip stream inside ``data`` decompressed, as far as it goes (the first ``most``
    stream headers; a blob may start with other bytes before it)."""
    for n, m in enumerate(_PACKED.finditer(data)):
        if n >= most:
            return
        wbits = 31 if m.group(0).startswith(b"\x1f") else 15
        with contextlib.suppress(zlib.error):
            out = zlib.decompressobj(wbits).decompress(data[m.start():], 1 << 24)
            if out:
                yield out


def _b64_decodings(run: str) -> Iterator[bytes]:
    std = run.replace("-", "+").replace("_", "/")
    for start in range(4):
        data = _padded(binascii.a2b_base64, std[start:], 4)
        if data:
            yield data
            yield from _unpacked(data)


def _b32_decodings(run: str) -> Iterator[bytes]:
    for start in range(8):
        data = _padded(base64.b32decode, run[start:], 8)
        if data:
            yield data


def _hex_decodings(run: str) -> Iterator[bytes]:
    digits = re.sub(r"[^0-9a-fA-F]", "", _HEX_PREFIX.sub("", run))
    for start in range(2):
        chunk = digits[start:]
        yield bytes.fromhex(chunk[: len(chunk) // 2 * 2])


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _runs(text: str, pattern: re.Pattern[str], decode, reverse: bool = False) -> str:
    """Every decoding of every run of ``pattern`` in ``text`` (of each reversed run if ``reverse``)."""
    out = []
    for m in pattern.finditer(text):
        run = m.group(0)[::-1] if reverse else m.group(0)
        out += [_text(d) for d in decode(run)]
    return _SEP.join(out)


def _decodings(text: str) -> Iterator[tuple[str, str]]:
    """(encoding, decoded text) for every decoding tried on one view of a page."""
    yield "", text
    if "%" in text:
        yield "url-encoded", unquote_plus(text)
    if "&" in text:
        yield "HTML entities", html.unescape(text)
    if "=" in text:
        yield "quoted-printable", _text(quopri.decodestring(text.encode("utf-8", "replace")))
    joined = _LITERAL_JOIN.sub("", compact(text))   # blobs wrapped over lines or split into literals
    yield "base64", _runs(joined, _B64, _b64_decodings)
    yield "reversed base64", _runs(joined, _B64, _b64_decodings, reverse=True)
    yield "base32", _runs(joined, _B32, _b32_decodings)
    yield "hex", _runs(joined, _HEX, _hex_decodings)
    yield "reversed hex", _runs(joined, _HEX, _hex_decodings, reverse=True)


def _unescape(text: str) -> str:
    """Backslash escapes decoded (``\\"``, ``\\n``, ``\\u00e9``, ``\\x41``): JSON, a Python repr."""
    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else _ESCAPED.get(m.group(3), m.group(3))
    return _ESCAPE.sub(one, text)


def _label(encoding: str, transform: str) -> str:
    """How the line was written: ``base64``, ``rot13``, ``base64 of the reversed line``…"""
    enc, how = encoding.strip(), transform.strip()
    if enc and how:
        return f"{enc} of the {how} line"
    return enc or how or "plain text"


def _views(page: str) -> list[str]:
    """A page's text and, apart, its tags (attributes, comments), HTML entities decoded; the
    ``<body>`` only when there is one (the head is the exporter's template, the same for all)."""
    at = page.find("<body")
    body = page[at:] if at >= 0 else page
    return [html.unescape(_TAG.sub("", body)), html.unescape(" ".join(_TAG.findall(body)))]


def find(text: str, secrets: Iterable[Secret], html_page: bool = True) -> list[Hit]:
    """Every secret line found in ``text`` (an HTML page, or plain text), one hit per line."""
    secrets = list(secrets)
    hits: dict[str, Hit] = {}
    for view in (_views(text) if html_page else [text]):
        for encoding, decoded in _decodings(view):
            found_in = [(encoding, decoded)]
            if "\\" in decoded:
                found_in.append((f"{encoding} backslash-escaped", _unescape(decoded)))
            for label, plain in found_in:
                _search(compact(plain), label, secrets, hits)
            if len(hits) == len(secrets):
                return list(hits.values())
    return list(hits.values())


def _search(flat: str, encoding: str, secrets: list[Secret], hits: dict[str, Hit]) -> None:
    """Add to ``hits`` every secret line in ``flat``, as written, reversed, in rot13 or both."""
    rot13 = flat.translate(_ROT13)
    for how, hay in (("", flat), ("reversed", flat[::-1]), ("rot13", rot13), ("reversed rot13", rot13[::-1])):
        for s in secrets:
            if s.key not in hits and s.key in hay:
                hits[s.key] = Hit(s, _label(encoding, how))


def notebook_text(data: bytes) -> str:
    """A submitted notebook's cell sources and outputs as text (what the student already has)."""
    try:
        nb = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")
    parts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if isinstance(cell, dict):
            walk(cell.get("source", ""))
            walk(cell.get("outputs", []))
    return "\n".join(parts)


def page_leaks(page: str, secrets: Iterable[Secret], submitted: Iterable[bytes] = ()) -> list[Hit]:
    """Secret lines in a feedback page that the student's own submission does not already hold."""
    secrets = list(secrets)
    own = {h.secret.key for data in submitted for h in find(notebook_text(data), secrets, html_page=False)}
    return find(page, [s for s in secrets if s.key not in own])


def describe(page: str, hits: list[Hit], where: str) -> str:
    """The instructor's note for a withheld page."""
    shown = [f"{h.secret.kind} line {h.secret.line[:60]!r} ({h.encoding})" for h in hits[:3]]
    more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
    return (f"feedback {page} withheld, not published: it holds {'; '.join(shown)}{more}; "
            f"review it in {where}")


def publish(pages: Iterable[Path], dest: Path, withheld: Path, secrets: Iterable[Secret],
            submitted: Iterable[bytes] = (), root: Path | None = None) -> tuple[list[Path], list[str]]:
    """Copy each page without a leak into ``dest``; keep each page with one in ``withheld``.

    Returns the published paths and one note per withheld page (``root``: what its place is
    named relative to)."""
    secrets, submitted = list(secrets), list(submitted)
    published, notes = [], []
    dest.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(withheld, ignore_errors=True)     # a regrade starts from nothing withheld
    for page in pages:
        text = page.read_text(errors="replace")
        hits = page_leaks(text, secrets, submitted)
        if hits:
            withheld.mkdir(parents=True, exist_ok=True)
            (withheld / page.name).write_text(text)
            where = withheld / page.name
            notes.append(describe(page.name, hits, str(where.relative_to(root) if root else where)))
            continue
        (dest / page.name).write_text(text)
        published.append(dest / page.name)
    return published, notes
