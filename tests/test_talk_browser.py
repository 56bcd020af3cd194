"""In Chromium: clicking a transcript timestamp seeks the self-hosted <video> and highlights."""

from __future__ import annotations

from typing import Any

import pytest
from serving import Running
from test_talks import TALK, VTT, make_wav


@pytest.mark.browser
def test_timestamp_click_seeks_video(make_site, browser_page: Any) -> None:
    site = make_site(
        {
            "content/talks/open.md": TALK.replace(
                "https://www.youtube.com/watch?v=abcdefghijk", "open.wav"
            ),
            "content/talks/open.vtt": VTT,
        }
    )
    make_wav(site.root / "content/talks/open.wav")
    running = Running(site.root, "serve")
    page = browser_page
    try:
        page.goto(running.url + "/talks/open/")
        page.wait_for_function("document.querySelector('video').readyState >= 1")
        page.click(".transcript-paragraph#t\\=20 a.timestamp")
        page.wait_for_function("Math.abs(document.querySelector('video').currentTime - 20) < 1")
        page.wait_for_function("document.getElementById('t=20').classList.contains('is-current')")
        assert page.evaluate("location.hash") == "#t=20"
        page.click('.chapters a[data-seek="0.0"]')
        page.wait_for_function("document.querySelector('video').currentTime < 2")
    finally:
        running.stop()


@pytest.mark.browser
def test_youtube_is_not_loaded_until_clicked(make_site, browser_page: Any) -> None:
    site = make_site({"content/talks/open.md": TALK, "content/talks/open.vtt": VTT})
    running = Running(site.root, "serve")
    requests: list[str] = []
    page = browser_page
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(running.url + "/talks/open/")
        page.wait_for_load_state("networkidle")
        assert all(url.startswith(running.url) for url in requests), requests
        page.route(
            "**/*youtube-nocookie.com/**",
            lambda route: route.fulfill(body="<p>player</p>", content_type="text/html"),
        )
        page.click(".play")
        frame = page.wait_for_selector(".player iframe")
        assert frame.get_attribute("src").startswith(
            "https://www.youtube-nocookie.com/embed/abcdefghijk"
        )
    finally:
        running.stop()
