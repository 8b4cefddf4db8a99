"""The last guard before feedback is published: hidden lines are found and scrubbed."""
from __future__ import annotations

import html

from autograder.pipeline.leaks import leaks, scrub, secret_lines

SOURCE = ['assert add(1, 2) == 3, "add(1, 2) should be 3"\n### BEGIN HIDDEN TESTS\n'
          'assert add(-7, 11) == 4, "add must handle negative numbers"\n### END HIDDEN TESTS',
          "Explain.\n=== BEGIN MARK SCHEME ===\nfull marks if they mention pi r squared\n"
          "=== END MARK SCHEME ==="]
RELEASE = 'assert add(1, 2) == 3, "add(1, 2) should be 3"\nExplain.'


def test_secret_lines_are_hidden_tests_and_mark_schemes_not_shown_in_the_release():
    secrets = secret_lines(SOURCE, RELEASE)
    assert secrets == {'assert add(-7, 11) == 4, "add must handle negative numbers"',
                       "full marks if they mention pi r squared"}


def test_leaks_are_found_raw_or_escaped_and_scrubbed():
    secrets = secret_lines(SOURCE, RELEASE)
    line = 'assert add(-7, 11) == 4, "add must handle negative numbers"'
    page = f"<pre>{html.escape(line)}</pre><p>AssertionError: add must handle negative numbers</p>"
    assert leaks(page, secrets) == [line]
    clean = scrub(page, secrets)
    assert leaks(clean, secrets) == [] and "[hidden]" in clean
    assert "AssertionError: add must handle negative numbers" in clean   # the message stays
