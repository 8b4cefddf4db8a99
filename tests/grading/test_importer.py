"""Importing submissions: folders, LMS zips, file-name patterns, broken and misnamed notebooks."""
from __future__ import annotations

import json
import re
import zipfile

import nbformat
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook

from autograder.lms import DEFAULT_PATTERN
from autograder.pipeline.importer import _norm, collect, extract_zip, forget_unknown_ids, safe_id, unpaste

NAMES = {"phase1": ["phase1"], "phase2": ["phase2"]}
NB = nbformat.writes(new_notebook(cells=[new_code_cell("x = 1")]))


def _write(root, rel, text=NB):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_folder_layout_and_all_assignments(tmp_path):
    _write(tmp_path, "alice/phase1/phase1.ipynb")
    _write(tmp_path, "alice/phase2/phase2.ipynb")
    _write(tmp_path, "bob/phase1/phase1.ipynb")
    _write(tmp_path, "bob/phase1/.ipynb_checkpoints/phase1-checkpoint.ipynb")
    jobs, unmapped = collect(tmp_path, ["phase1", "phase2"], NAMES, DEFAULT_PATTERN)
    assert [(j.student, j.assignment) for j in jobs] == [
        ("alice", "phase1"), ("alice", "phase2"), ("bob", "phase1")]
    assert unmapped == [] and all(j.invalid is None and not j.problems for j in jobs)


def test_lms_zip_with_canvas_names_and_a_wrong_name(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice_1234_5678_phase1.ipynb", NB)
        zf.writestr("bob_LATE_99_100_phase1.ipynb", NB)
        zf.writestr("carol_7_Phase1 (1).ipynb", NB)
        zf.writestr("../evil_1_phase1.ipynb", NB)          # zip-slip: never extracted
        zf.writestr("readme.txt", "hello")
    root = extract_zip(archive, tmp_path / "x")
    assert not (tmp_path / "evil_1_phase1.ipynb").exists()
    jobs, unmapped = collect(root, ["phase1"], NAMES, DEFAULT_PATTERN)
    by = {j.student: j for j in jobs}
    assert sorted(by) == ["alice", "bob", "carol"]
    assert by["carol"].notebooks.keys() == {"phase1"}
    assert "wrong file name: 'Phase1 (1).ipynb' graded as 'phase1.ipynb'" in by["carol"].problems


def test_the_course_config_pattern_reads_canvas_names(tmp_path):
    from autograder.course import ROOT
    from autograder.pipeline.coursedir import course_pattern

    pattern = course_pattern(ROOT)
    assert pattern, "nbgrader_config.py must set FileNameCollectorPlugin.named_regexp"
    for name, student in [("alice_phase1.ipynb", "alice"), ("alice_1234_5678_phase1.ipynb", "alice"),
                          ("bob_LATE_99_100_phase2.ipynb", "bob"), ("c.d-e_7_phase6.ipynb", "c.d-e")]:
        match = re.match(pattern, name)
        assert match and match["student_id"] == student, (name, pattern)
    assert not re.match(pattern, "alice_1234_notes.ipynb")


def test_invalid_json_is_an_invalid_submission_with_the_parser_message(tmp_path):
    _write(tmp_path, "dave/phase1/phase1.ipynb", NB[: len(NB) // 2])
    _write(tmp_path, "erin/phase1/phase1.ipynb", json.dumps({"hello": "world"}))
    jobs, _ = collect(tmp_path, ["phase1"], NAMES, DEFAULT_PATTERN)
    assert all(j.invalid and "not a valid notebook" in j.invalid for j in jobs), jobs


def test_unmatched_files_are_reported_not_guessed(tmp_path):
    _write(tmp_path, "notes.ipynb")
    _write(tmp_path, "frank/phase1/homework.ipynb")
    _write(tmp_path, "frank/phase1/other.ipynb")
    jobs, unmapped = collect(tmp_path, ["phase1"], NAMES, DEFAULT_PATTERN)
    assert unmapped == ["notes.ipynb"]
    assert jobs[0].invalid.startswith("no notebook matches phase1.ipynb")


def test_digest_changes_with_content(tmp_path):
    _write(tmp_path, "gina/phase1/phase1.ipynb")
    first = collect(tmp_path, ["phase1"], NAMES, DEFAULT_PATTERN)[0][0].digest
    _write(tmp_path, "gina/phase1/phase1.ipynb", NB.replace("x = 1", "x = 2"))
    assert collect(tmp_path, ["phase1"], NAMES, DEFAULT_PATTERN)[0][0].digest != first


@settings(deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_safe_id_is_a_path_safe_folder_name(raw):
    sid = safe_id(raw)
    assert sid and re.fullmatch(r"[A-Za-z0-9_.\-]+", sid) and sid not in (".", "..")


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["phase1", "Phase1", "PHASE1"]), st.sampled_from(["", " (1)", " (12)", "-Copy1"]))
def test_mangled_names_normalise_to_the_expected_one(stem, suffix):
    assert _norm(f"{stem}{suffix}.ipynb") == _norm("phase1.ipynb")


def test_a_pasted_graded_cell_is_graded_once_with_a_note(tmp_path):
    answer = new_code_cell("def f():\n    return 1", metadata={"nbgrader": {"grade_id": "f", "solution": True}})
    pasted = new_code_cell("def f():\n    return 2", metadata={"nbgrader": {"grade_id": "f", "solution": True}})
    test = new_code_cell("assert f() == 2", metadata={"nbgrader": {"grade_id": "test_f", "grade": True}})
    _write(tmp_path, "alice/phase1/phase1.ipynb", nbformat.writes(new_notebook(cells=[answer, pasted, test])))
    (job,), _ = collect(tmp_path, ["phase1"], NAMES, DEFAULT_PATTERN)
    cells = json.loads(job.notebooks["phase1"])["cells"]
    assert [c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells] == ["f", None, "test_f"]
    assert ["".join(c["source"]) for c in cells] == ["def f():\n    return 1", "def f():\n    return 2",
                                                     "assert f() == 2"]
    assert job.problems == ["cell 2 is a pasted copy of graded cell 'f': it runs as ordinary code, and the "
                            "first 'f' cell is the one graded"]


def test_a_notebook_without_copies_is_left_byte_for_byte():
    data = nbformat.writes(new_notebook(cells=[new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "a"}})]))
    assert unpaste(data.encode()) == (data.encode(), [])


def test_nbgrader_collect_stamps_travel_with_the_submission(tmp_path):
    # nbgrader collect's layout: <student>/<assignment>/ with timestamp.txt and submission_secret.txt
    _write(tmp_path, "alice/phase1/phase1.ipynb")
    (tmp_path / "alice" / "phase1" / "timestamp.txt").write_text("2026-12-04 10:00:00.000000 UTC")
    (tmp_path / "alice" / "phase1" / "submission_secret.txt").write_text("s3cr3t")
    (tmp_path / "alice" / "phase1" / "notes.txt").write_text("not an exchange file")
    _write(tmp_path, "bob/phase1/phase1.ipynb")
    (tmp_path / "bob" / "phase1" / "timestamp.txt").write_text("x" * 4097)   # over the size bound
    jobs, _ = collect(tmp_path, ["phase1"], NAMES, DEFAULT_PATTERN)
    by = {j.student: j for j in jobs}
    assert by["alice"].stamps == {"timestamp.txt": b"2026-12-04 10:00:00.000000 UTC",
                                  "submission_secret.txt": b"s3cr3t"}
    assert by["bob"].stamps == {}


def test_cells_with_grade_ids_the_course_does_not_define_run_as_ordinary_code():
    nb = new_notebook(cells=[new_code_cell("a = 1"), new_code_cell("b = 2"), new_code_cell("c = 3")])
    nb.cells[0].metadata["nbgrader"] = {"grade_id": "known", "grade": True}
    nb.cells[1].metadata["nbgrader"] = {"grade_id": "renamed", "grade": True}
    nb.cells[2].metadata["nbgrader"] = {"grade": True}            # no id at all
    data = nbformat.writes(nb).encode()
    out, notes = forget_unknown_ids(data, {"known"})
    cells = json.loads(out)["cells"]
    assert "nbgrader" in cells[0]["metadata"] and "nbgrader" not in cells[1]["metadata"]
    assert "nbgrader" not in cells[2]["metadata"]
    assert len(notes) == 2 and "cell 2" in notes[0] and "'renamed'" in notes[0]
    assert forget_unknown_ids(data, {"known", "renamed", None}) == (data, [])   # nothing to change
