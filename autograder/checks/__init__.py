"""Hidden checks, one module per phase. Each ``check_*`` raises AssertionError with a message
written for the learner (it is what the redacted feedback shows) and returns None."""
