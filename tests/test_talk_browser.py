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


FAKE_YOUTUBE = """<!doctype html><html><body><p>fake player</p><script>
window.received = [];
window.addEventListener("message", function (event) {
  var data = JSON.parse(event.data);
  window.received.push(data);
  parent.postMessage(JSON.stringify({event: "received", func: data.func || data.event}), "*");
  if (data.func === "seekTo") {
    parent.postMessage(JSON.stringify({event: "infoDelivery", info: {currentTime: data.args[0] + 1}}), "*");
  }
});
</script></body></html>"""


@pytest.mark.browser
def test_youtube_player_is_seeked_through_its_api(make_site, browser_page: Any) -> None:
    site = make_site({"content/talks/open.md": TALK, "content/talks/open.vtt": VTT})
    running = Running(site.root, "serve")
    page = browser_page
    try:
        page.route(
            "**/*youtube-nocookie.com/**",
            lambda route: route.fulfill(body=FAKE_YOUTUBE, content_type="text/html"),
        )
        page.goto(running.url + "/talks/open/")
        page.evaluate(
            "window.fromPlayer = []; window.addEventListener('message', e => window.fromPlayer.push(e.data))"
        )
        page.click(".play")
        frame = page.wait_for_selector(".player iframe")
        page.wait_for_function("window.fromPlayer.some(m => m.includes('listening'))")
        page.click(".transcript-paragraph#t\\=20 a.timestamp")
        page.wait_for_function("window.fromPlayer.some(m => m.includes('seekTo'))")
        assert "start=" not in (frame.get_attribute("src") or "")  # seeked, not reloaded
        page.wait_for_function("document.getElementById('t=20').classList.contains('is-current')")
    finally:
        running.stop()
