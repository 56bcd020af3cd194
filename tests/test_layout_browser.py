"""What only a browser shows: RTL mirroring, phone widths, dark mode."""

from __future__ import annotations

from typing import Any

import pytest
from serving import Running
from test_multilingual import CONFIG, FILES


@pytest.fixture
def running(make_site):
    site = make_site(FILES, CONFIG.format(untranslated="show"))
    server = Running(site.root, "serve")
    yield server
    server.stop()


@pytest.mark.browser
def test_rtl_layout_mirrors(running, browser_page: Any) -> None:
    page = browser_page
    page.goto(running.url + "/ar/posts/altaallum/")
    title = page.locator(".site-title").bounding_box()
    heading = page.locator("h1").bounding_box()
    page.goto(running.url + "/posts/leren/")
    ltr_title = page.locator(".site-title").bounding_box()
    ltr_heading = page.locator("h1").bounding_box()
    assert title["x"] > ltr_title["x"] + 200  # the site title sits on the right in Arabic
    assert heading["x"] + heading["width"] > ltr_heading["x"] + ltr_heading["width"] - 5


@pytest.mark.browser
def test_phone_width_has_no_horizontal_scroll(running, chromium_browser: Any) -> None:
    context = chromium_browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        for path in ("/", "/posts/leren/", "/ar/", "/english/archive/"):
            page.goto(running.url + path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    finally:
        context.close()


@pytest.mark.browser
def test_dark_mode_follows_the_system(running, chromium_browser: Any) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = chromium_browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(running.url + "/")
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours["light"] != colours["dark"]
    assert colours["dark"] == "rgb(21, 24, 28)"
