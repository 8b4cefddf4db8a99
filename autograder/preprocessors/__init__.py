"""nbgrader/nbconvert preprocessors, one class per module, named in configs by dotted path.

- ``redact_tracebacks.RedactForStudents``: feedback shows grade-cell errors as ``ExcName: message``.
- ``guarded_execute.GuardedExecute``: Execute with a progress trail, crash skipping, an output cap.
"""
