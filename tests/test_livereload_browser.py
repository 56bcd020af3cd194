"""The live-reload client in headless Chromium against a real PreviewServer.

Run: `python -m pytest tests/test_livereload_browser.py -q` (needs /usr/bin/chromium; skipped
without it unless CI=true). Select or skip all browser tests with `-m browser` / `-m "not browser"`.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ssg.server import PreviewServer

pytestmark = pytest.mark.browser

WAIT = 10_000  # ms: generous for a loaded CI machine, still bounded
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{base}assets/site.css"></head>
<body><h1 id="title">{title}</h1></body></html>"""


def write_page(root: Path, rel: str, title: str, base: str = "/") -> None:
    path = root / rel / "index.html" if not rel.endswith(".html") else root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(title=title, base=base), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    write_page(root, "posts/x", "Old title")
    write_page(root, "posts/y", "Other page")
    write_page(root, "404.html", "Not found")
    (root / "assets").mkdir()
    (root / "assets/site.css").write_text("h1 { color: rgb(255, 0, 0) }")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    with PreviewServer(site, port=0) as preview:
        yield preview


def open_page(page: Any, server: PreviewServer, path: str) -> None:
    """Navigate and wait until the event stream is open, so no notification is sent too early."""
    page.goto(f"http://127.0.0.1:{server.port}{path}")
    page.wait_for_function("window.__aloud && window.__aloud.connected", timeout=WAIT)
    page.evaluate("window.marker = 'still the same document'")


def same_document(page: Any) -> bool:
    return page.evaluate("window.marker") == "still the same document"


def test_edited_page_reloads_with_the_new_text(
    browser_page: Any, server: PreviewServer, site: Path
) -> None:
    from playwright.sync_api import expect

    open_page(browser_page, server, "/posts/x/")
    write_page(site, "posts/x", "New title")
    server.notify_reload(["/posts/x/"])
    expect(browser_page.locator("#title")).to_have_text("New title", timeout=WAIT)
    assert not same_document(browser_page)


@pytest.mark.parametrize("listed", ["/posts/x", "/posts/x/index.html", "*"])
def test_url_forms_are_normalised(
    browser_page: Any, server: PreviewServer, site: Path, listed: str
) -> None:
    from playwright.sync_api import expect

    open_page(browser_page, server, "/posts/x/")
    write_page(site, "posts/x", "Edited")
    server.notify_reload([listed])
    expect(browser_page.locator("#title")).to_have_text("Edited", timeout=WAIT)


def test_unlisted_page_does_not_reload(browser_page: Any, server: PreviewServer) -> None:
    from playwright.sync_api import expect

    open_page(browser_page, server, "/posts/y/")
    server.notify_reload(["/posts/x/", "/posts/y/other/", "/posts/"])
    # Events arrive in order: once the overlay from a later event shows, the reload was handled.
    server.notify_error("sync point")
    expect(browser_page.get_by_role("alert")).to_contain_text("sync point", timeout=WAIT)
    assert same_document(browser_page)


def test_error_overlay_shows_text_and_goes_away(
    browser_page: Any, server: PreviewServer, site: Path
) -> None:
    from playwright.sync_api import expect

    open_page(browser_page, server, "/posts/x/")
    message = "content/posts/x.md:3: bad <b>date</b>\nlayouts/post.html:9: unknown filter"
    server.notify_error(message)
    overlay = browser_page.get_by_role("alert")
    expect(overlay).to_be_visible(timeout=WAIT)
    expect(overlay).to_contain_text("content/posts/x.md:3: bad <b>date</b>")
    expect(overlay).to_contain_text("layouts/post.html:9: unknown filter")
    assert overlay.locator("b").count() == 0  # text, not markup
    font = overlay.locator("pre").evaluate("e => getComputedStyle(e).fontFamily")
    assert "monospace" in font
    assert same_document(browser_page)  # the last good page stays put underneath

    browser_page.reload()  # a page opened while the build is broken gets the error at once
    browser_page.wait_for_function("window.__aloud && window.__aloud.connected", timeout=WAIT)
    expect(browser_page.get_by_role("alert")).to_contain_text("bad <b>date</b>", timeout=WAIT)

    write_page(site, "posts/x", "Fixed")
    server.notify_ok()
    expect(browser_page.get_by_role("alert")).to_have_count(0, timeout=WAIT)
    server.notify_reload(["/posts/x/"])
    expect(browser_page.locator("#title")).to_have_text("Fixed", timeout=WAIT)
    expect(browser_page.get_by_role("alert")).to_have_count(0)


def test_css_is_swapped_without_a_reload(
    browser_page: Any, server: PreviewServer, site: Path
) -> None:
    open_page(browser_page, server, "/posts/x/")
    color = "getComputedStyle(document.getElementById('title')).color"
    assert browser_page.evaluate(color) == "rgb(255, 0, 0)"
    (site / "assets/site.css").write_text("h1 { color: rgb(0, 0, 255) }")
    server.notify_css(["/assets/site.css"])
    browser_page.wait_for_function(f"{color} === 'rgb(0, 0, 255)'", timeout=WAIT)
    assert same_document(browser_page)
    browser_page.wait_for_function(
        "document.querySelectorAll('link[rel=stylesheet]').length === 1", timeout=WAIT
    )


def test_unrelated_css_change_leaves_the_page_alone(
    browser_page: Any, server: PreviewServer
) -> None:
    open_page(browser_page, server, "/posts/x/")
    href = browser_page.evaluate("document.querySelector('link').href")
    server.notify_css(["/assets/other.css"])
    server.notify_error("sync point")
    browser_page.get_by_role("alert").wait_for(timeout=WAIT)
    assert browser_page.evaluate("document.querySelector('link').href") == href
    assert same_document(browser_page)


def test_reconnects_and_reloads_once_after_a_server_restart(
    browser_page: Any, server: PreviewServer, site: Path
) -> None:
    from playwright.sync_api import expect

    open_page(browser_page, server, "/posts/x/")
    port = server.port
    server.shutdown()
    write_page(site, "posts/x", "Built while you were away")
    with PreviewServer(site, port=port) as restarted:
        expect(browser_page.locator("#title")).to_have_text(
            "Built while you were away", timeout=WAIT
        )
        browser_page.wait_for_function("window.__aloud && window.__aloud.connected", timeout=WAIT)
        browser_page.evaluate("window.marker = 'still the same document'")
        restarted.notify_error("sync point")  # handled by this document: no reload loop
        expect(browser_page.get_by_role("alert")).to_be_visible(timeout=WAIT)
        assert same_document(browser_page)
        restarted.notify_ok()
        write_page(site, "posts/x", "First build after restart")
        restarted.notify_reload(["/posts/x/"])
        expect(browser_page.locator("#title")).to_have_text(
            "First build after restart", timeout=WAIT
        )


def test_base_path_and_banner(browser_page: Any, site: Path) -> None:
    from playwright.sync_api import expect

    write_page(site, "posts/x", "Under a base path", base="/blog/")
    with PreviewServer(site, port=0, base_path="/blog/", banner="Draft preview") as server:
        browser_page.goto(f"http://127.0.0.1:{server.port}/")
        assert browser_page.url == f"http://127.0.0.1:{server.port}/blog/"
        open_page(browser_page, server, "/blog/posts/x")  # slash redirect
        assert browser_page.url.endswith("/blog/posts/x/")
        expect(browser_page.locator("#aloud-banner")).to_have_text("Draft preview")
        expect(browser_page.locator("#aloud-banner")).to_be_visible()
        color = "getComputedStyle(document.getElementById('title')).color"
        assert browser_page.evaluate(color) == "rgb(255, 0, 0)"
        write_page(site, "posts/x", "Edited under a base path", base="/blog/")
        server.notify_reload(["/blog/posts/x/"])
        expect(browser_page.locator("#title")).to_have_text(
            "Edited under a base path", timeout=WAIT
        )


def test_keeps_trying_when_something_else_answered_meanwhile(
    browser_page: Any, server: PreviewServer, site: Path
) -> None:
    """A 404 from another program on the port makes EventSource give up; the client must not."""
    from playwright.sync_api import expect

    open_page(browser_page, server, "/posts/x/")
    port = server.port
    server.shutdown()
    asked = threading.Semaphore(0)

    class Stranger(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(404)
            asked.release()

        def log_message(self, *args: object) -> None:
            pass

    stranger = http.server.HTTPServer(("127.0.0.1", port), Stranger)
    threading.Thread(target=stranger.serve_forever, daemon=True).start()
    try:
        for _ in range(2):  # asked, refused, and asked again by the client's own retry
            assert asked.acquire(timeout=WAIT / 1000)
    finally:
        stranger.shutdown()
        stranger.server_close()
    write_page(site, "posts/x", "Back again")
    with PreviewServer(site, port=port):
        expect(browser_page.locator("#title")).to_have_text("Back again", timeout=WAIT)
