"""The whole loop in Chromium: save Markdown → page updates; broken file → overlay; CSS → restyled."""

from __future__ import annotations

from typing import Any

import pytest
from serving import Running, save

POST = "---\ntitle: Hello\ndate: 2024-01-01\n---\nFirst version.\n"
CSS = "body { background: rgb(255, 255, 255); }\n"


@pytest.mark.browser
def test_edit_error_fix_and_css(make_site, browser_page: Any) -> None:
    layout = (
        '{% extends "post.html" %}{% block head %}{{ super() }}'
        '<link rel="stylesheet" href="{{ config.base_path }}assets/extra.css">{% endblock %}\n'
    )
    site = make_site(
        {"content/notes/hello.md": POST, "assets/extra.css": CSS, "layouts/note.html": layout}
    )
    running = Running(site.root, "serve")
    page = browser_page
    try:
        page.goto(running.url + "/notes/hello/")
        page.wait_for_function("window.__aloud && window.__aloud.connected")
        page.evaluate("window.__marker = 'same page'")
        assert page.locator(".content").inner_text().strip() == "First version."

        save(site.root / "content/notes/hello.md", POST.replace("First", "Second"))
        page.wait_for_function(
            "document.querySelector('.content') && "
            "document.querySelector('.content').innerText.includes('Second version.')"
        )

        save(site.root / "content/notes/hello.md", "---\ntitle: [broken\n---\n")
        overlay = page.get_by_role("alert")
        overlay.wait_for()
        assert "content/notes/hello.md" in overlay.inner_text()
        assert "invalid front matter" in overlay.inner_text()
        assert "Second version." in page.locator(".content").inner_text()  # last good build

        save(site.root / "content/notes/hello.md", POST.replace("First", "Third"))
        page.wait_for_function(
            "document.querySelector('.content') && "
            "document.querySelector('.content').innerText.includes('Third version.')"
        )
        assert page.get_by_role("alert").count() == 0

        page.evaluate("window.__marker = 'kept'")
        save(site.root / "assets/extra.css", CSS.replace("255, 255, 255", "10, 20, 30"))
        page.wait_for_function(
            "getComputedStyle(document.body).backgroundColor === 'rgb(10, 20, 30)'"
        )
        assert page.evaluate("window.__marker") == "kept"  # swapped in place, no reload
    finally:
        running.stop()
