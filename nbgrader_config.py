"""nbgrader configuration for the Pinecone Operations course (nbgrader 0.9.x).

Carries the fixes from ../shared/reference/nbgrader.md. Keep this file free of anything that can
raise: nbgrader logs an exception in its config and silently carries on with defaults
(tests/course/test_config.py lints it).
"""
import os
import sys

c = get_config()  # noqa: F821 (injected by traitlets)

_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = _ROOT
c.CourseDirectory.course_id = "pinecone-ops"
# never copy caches from source/<phase>/ into release/ or over submissions
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".hypothesis", ".pytest_cache"]
#: The six assignments, in course order (see docs/course.md). The one assignment list: the grader
#: and the course tests read it from here (autograder.pipeline.coursedir.assignments).
ASSIGNMENTS = ["phase1", "phase2", "phase3", "phase4", "phase5", "phase6"]

# Hidden tests do `from autograder.checks.phaseN import ...`: the kernel nbgrader starts inherits
# this process's environment, so putting the course root on PYTHONPATH here makes the
# instructor-only package importable while grading/validating, without ever copying it next to a
# notebook (it is not in source/<phase>/, hence not in release/ and not overwritten into
# submissions).
_pp = os.environ.get("PYTHONPATH", "")
if _ROOT not in _pp.split(os.pathsep):
    os.environ["PYTHONPATH"] = _ROOT + (os.pathsep + _pp if _pp else "")
os.environ.setdefault("PINECONE_OPS_COURSE_ROOT", _ROOT)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)  # so the preprocessors below import in this process too

# Per-cell limit. A whole notebook runs with solutions in well under a minute; 60 s per cell leaves
# room for a slow shared machine without letting an infinite loop cost much.
c.Execute.timeout = 60
# Saved widget state can hold solution outputs and bloats every autograded notebook.
c.Execute.store_widget_state = False

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A deleted grade/test cell comes back (and scores what it scores) instead of a NULL grade.
c.OverwriteCells.add_missing_cells = True

# Warnings and progress bars on stderr must not zero a correct answer (nbgrader scores any stderr
# as 0): e.g. a library's DeprecationWarning, or the SDK's tqdm bar for upsert(batch_size=...).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\b\w*Warning\b|\d+%\|"

# Student version: drop notebook-level metadata (saved widget state can leak solution outputs).
c.GenerateAssignment.preprocessors = [
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Autograde decides the grade outside the student's kernel: the kernel runs each test cell's visible
# part, the hidden block runs in the grader's process (autograder/preprocessors/checked_execute.py).
from nbgrader.converters import Autograde as _Autograde  # noqa: E402

c.Autograde.autograde_preprocessors = [
    "autograder.preprocessors.checked_execute.CheckedExecute" if _p.__name__ == "Execute" else _p
    for _p in _Autograde.class_traits()["autograde_preprocessors"].default()]

c.ClearMetadataPreprocessor.enabled = True
c.ClearMetadataPreprocessor.clear_cell_metadata = False
c.ClearMetadataPreprocessor.clear_notebook_metadata = True
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {"kernelspec", "language_info"}

# Feedback: no hidden-test source, no mark schemes, no tracebacks quoting hidden asserts
# (GetGrades, ClearHiddenTests, ClearMarkScheme, autograder's RedactForStudents, CSS; the same chain
# the grading pipeline forces). The check functions raise AssertionError with messages written for
# learners, so the redacted "AssertionError: <message>" line is the useful part.
from autograder import lms, preprocessors  # noqa: E402 (needs the course root on sys.path, set above)

c.GenerateFeedback.preprocessors = list(preprocessors.FEEDBACK)

# LMS zips: "<student>_<assignment>.ipynb" and Canvas's "<student>[_LATE]_<user id>_<submission id>_<assignment>.ipynb"
# -> submitted/<student>/<assignment>/<assignment>.ipynb (the student is the first token, never a number after it).
# The pattern is autograder/lms.py's (standard library only), for this course's notebooks.
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = lms.named_regexp(lms.notebooks(ASSIGNMENTS))
