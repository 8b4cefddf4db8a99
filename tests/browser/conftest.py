"""Fixtures for the JupyterLab tests (helpers in labkit.py): a course copy, `pinecone-ops lab` on it,
and Debian's chromium driven by Playwright.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from labkit import CHROMIUM, CHROMIUM_ARGS, CourseCopy, LabServer, make_course_copy, start_lab


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> CourseCopy:
    return make_course_copy(tmp_path_factory.mktemp("course"))


@pytest.fixture
def lab(course_copy: CourseCopy, tmp_path: Path) -> Iterator[Callable[..., LabServer]]:
    """``lab(instructor=False, ignore_sigint=False)`` starts a server; every server is stopped at teardown."""
    started: list[LabServer] = []

    def start(instructor: bool = False, ignore_sigint: bool = False) -> LabServer:
        server = start_lab(course_copy.root, instructor=instructor, scratch=tmp_path,
                           ignore_sigint=ignore_sigint)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.interrupt()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: run scripts/install-browser-deps "
                    "(apt-get install chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    context.close()
