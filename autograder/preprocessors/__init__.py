"""nbgrader/nbconvert preprocessors, one class per module, named in configs by dotted path.

- ``redact_tracebacks.RedactForStudents``: feedback shows grade-cell errors as ``ExcName: message``.
- ``guarded_execute.GuardedExecute``: Execute with a progress trail, crash skipping, an output cap.
- ``checked_execute.CheckedExecute``: GuardedExecute with the kernel sandboxed and hidden tests run
  by the checker outside it.
- ``clear_hidden_tests``/``clear_mark_scheme``: nbgrader's clearing, only in the course's cells.

No imports here: nbgrader_config.py reads :data:`FEEDBACK` and must never fail to load.
"""
from __future__ import annotations

#: The feedback chain: no hidden-test source, no mark schemes, no tracebacks quoting hidden
#: asserts. The course config uses it, and the pipeline forces it whatever a course config says.
FEEDBACK = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.preprocessors.clear_hidden_tests.ClearHiddenTestsInTestCells",
    "autograder.preprocessors.clear_mark_scheme.ClearMarkSchemeInCourseCells",
    "autograder.preprocessors.redact_tracebacks.RedactForStudents",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
