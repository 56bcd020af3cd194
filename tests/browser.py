"""Headless Chromium for browser tests, shared by every `@pytest.mark.browser` test module.

A test module imports both fixtures (pytest finds fixtures by name in the module):
`from browser import browser_page, chromium_browser  # noqa: F401`.
Without /usr/bin/chromium (or Playwright) the tests are skipped locally, but fail when CI=true:
a CI run that silently skips its browser tests proves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One Chromium process for the whole session; pages get fresh contexts."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser: Any) -> Iterator[Any]:
    """A Playwright `Page` in its own context (no cache or storage shared between tests)."""
    context = chromium_browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
