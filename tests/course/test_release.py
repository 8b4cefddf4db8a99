"""release/ is exactly what nbgrader generates from source/, and hides what it must."""
from __future__ import annotations

import json

import pytest

from autograder import course
from autograder.pipeline.coursedir import assignments, build_template

pytestmark = pytest.mark.slow  # grades whole assignments with real nbgrader

PHASES = assignments(course.ROOT)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """release/<phase> as nbgrader generates it now, per phase (the grader's own templates)."""
    cache = tmp_path_factory.mktemp("templates")
    return {phase: build_template(course.ROOT, phase, cache).release_dir for phase in PHASES}


@pytest.mark.parametrize("phase", PHASES)
def test_release_equals_generated(generated, phase):
    committed = course.ROOT / "release" / phase
    built = generated[phase]
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in built.iterdir())
    for nb in built.glob("*.ipynb"):
        assert course.normalised(committed / nb.name) == course.normalised(nb), (
            f"release/{phase}/{nb.name} is stale: run scripts/build_release {phase} and commit")


@pytest.mark.parametrize("phase", PHASES)
def test_release_hides_solutions_and_checks(phase):
    text = (course.ROOT / "release" / phase / f"{phase}.ipynb").read_text()
    for secret in ("BEGIN HIDDEN TESTS", "autograder", "BEGIN SOLUTION", "### END"):
        assert secret not in text, secret
    nb = json.loads(text)
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("phase", PHASES)
def test_source_committed_without_outputs_and_with_nbgrader_metadata(phase):
    nb = json.loads((course.ROOT / "source" / phase / f"{phase}.ipynb").read_text())
    ids = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta:
            assert meta["schema_version"] == 3
            ids.append(meta["grade_id"])
            if meta.get("grade"):
                assert meta["locked"] and meta["points"] > 0
                assert "### BEGIN HIDDEN TESTS" in "".join(cell["source"]), f"{meta['grade_id']} has no hidden tests"
            if meta.get("solution"):
                assert "### BEGIN SOLUTION" in "".join(cell["source"])
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    text = json.dumps(nb)
    assert "course.start(" in text, "every notebook starts its own local Pinecone and shows the banner"
