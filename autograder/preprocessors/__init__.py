"""nbgrader/nbconvert preprocessors, one class per module, named in configs by dotted path.

- ``redact_tracebacks.RedactForStudents``: feedback shows grade-cell errors as ``ExcName: message``.
- ``guarded_execute.GuardedExecute``: Execute with a progress trail, crash skipping, an output cap.

No imports here: nbgrader_config.py reads :data:`FEEDBACK` and must never fail to load.
"""
from __future__ import annotations

#: The feedback chain: no hidden-test source, no mark schemes, no tracebacks quoting hidden
#: asserts. The course config uses it, and the pipeline forces it whatever a course config says.
FEEDBACK = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "autograder.preprocessors.redact_tracebacks.RedactForStudents",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
