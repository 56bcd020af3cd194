"""The preview server over a real socket (port 0) against a temporary folder of files."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssg.server import PreviewServer

SCRIPT = '<script src="/_aloud/livereload.js" defer></script>'
PAGE = "<!doctype html><html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    write(
        root,
        {
            "index.html": PAGE.format("Home"),
            "posts/x/index.html": PAGE.format("Post X"),
            "404.html": PAGE.format("Not here"),
            "sv/index.html": PAGE.format("Hem"),
            "sv/404.html": PAGE.format("Finns inte"),
            "assets/site.css": "h1 { color: red }",
            "assets/app.js": "console.log(1)",
            "assets/font.woff2": b"wOF2",
            "assets/font.woff": b"wOFF",
            "assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "assets/photo.jpg": b"\xff\xd8\xff",
            "assets/photo.png": b"\x89PNG",
            "media/talk.mp3": b"ID3" + bytes(100),
            "media/talk.mp4": bytes(range(256)) * 4,
            "feed.xml": "<rss/>",
            "atom.xml": "<feed/>",
            "feed.xsl": "<xsl:stylesheet/>",
            "feed.json": "{}",
            "talks/t/captions.vtt": "WEBVTT\n",
            "talks/t/captions.srt": "1\n00:00:01,000 --> 00:00:02,000\nHi\n",
            "robots.txt": "User-agent: *\n",
            "posts/x/index.md": "# Post X\n",
            "sv/inlägg/första/index.html": PAGE.format("Första"),
        },
    )
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    with PreviewServer(site, port=0) as preview:
        yield preview


def get(
    server: PreviewServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def raw_request(server: PreviewServer, target: str) -> tuple[int, bytes]:
    """Send the request line byte for byte (http.client would not, but a browser could)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


class EventStream:
    """Reads server-sent events with http.client, as a browser's EventSource would."""

    def __init__(self, port: int, path: str = "/_aloud/events") -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.conn.request("GET", path)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        assert self.next_block() == ["retry: 1000"]  # the server has subscribed us by now

    def next_block(self) -> list[str]:
        lines: list[str] = []
        while True:
            line = self.response.readline()
            if not line:
                raise EOFError("stream closed")
            line = line.decode().rstrip("\n")
            if line == "":
                if lines:
                    return lines
                continue
            lines.append(line)

    def next_event(self) -> tuple[str, str]:
        while True:
            block = self.next_block()
            if block[0].startswith(":"):
                continue  # heartbeat
            event = block[0].removeprefix("event: ")
            return event, "\n".join(line.removeprefix("data: ") for line in block[1:])

    def close(self) -> None:
        self.response.close()  # the response owns the socket once the server said "close"
        self.conn.close()


# -- serving like a static host -----------------------------------------------------------------


def test_binds_loopback_on_a_free_port(server: PreviewServer) -> None:
    assert server.port != 0
    assert server._httpd is not None
    assert server._httpd.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"


def test_pretty_urls(server: PreviewServer) -> None:
    response, body = get(server, "/posts/x/")
    assert response.status == 200
    assert b"<h1>Post X</h1>" in body
    response, body = get(server, "/posts/x/index.html")
    assert response.status == 200 and b"Post X" in body
    response, body = get(server, "/")
    assert b"<h1>Home</h1>" in body


def test_non_ascii_paths(server: PreviewServer) -> None:
    response, body = get(server, "/sv/inl%C3%A4gg/f%C3%B6rsta/")
    assert response.status == 200 and "Första".encode() in body
    response, _ = get(server, "/sv/inl%C3%A4gg/f%C3%B6rsta")
    assert response.getheader("Location") == "/sv/inl%C3%A4gg/f%C3%B6rsta/"


def test_folder_without_slash_redirects(server: PreviewServer) -> None:
    response, _ = get(server, "/posts/x?utm=1")
    assert response.status == 301
    assert response.getheader("Location") == "/posts/x/?utm=1"
    response, _ = get(server, "/posts/nope")
    assert response.status == 404


def test_missing_page_gets_the_sites_404_with_status(server: PreviewServer) -> None:
    response, body = get(server, "/no/such/page/")
    assert response.status == 404
    assert b"Not here" in body and SCRIPT.encode() in body
    assert response.getheader("Cache-Control") == "no-store"


def test_missing_page_under_a_language_gets_that_languages_404(server: PreviewServer) -> None:
    response, body = get(server, "/sv/inlagg/nope/")
    assert response.status == 404
    assert b"Finns inte" in body


def test_plain_404_without_a_404_page(site: Path) -> None:
    (site / "404.html").unlink()
    with PreviewServer(site, port=0) as server:
        response, body = get(server, "/nope")
    assert response.status == 404
    assert response.getheader("Content-Type") == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/posts/x/", "text/html; charset=utf-8"),
        ("/assets/site.css", "text/css; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/feed.xsl", "application/xml; charset=utf-8"),
        ("/feed.json", "application/feed+json"),
        ("/talks/t/captions.vtt", "text/vtt; charset=utf-8"),
        ("/talks/t/captions.srt", "application/x-subrip"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/posts/x/index.md", "text/plain; charset=utf-8"),
        ("/assets/font.woff2", "font/woff2"),
        ("/assets/font.woff", "font/woff"),
        ("/assets/logo.svg", "image/svg+xml"),
        ("/assets/photo.jpg", "image/jpeg"),
        ("/assets/photo.png", "image/png"),
        ("/media/talk.mp3", "audio/mpeg"),
        ("/media/talk.mp4", "video/mp4"),
        ("/_aloud/livereload.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types(server: PreviewServer, path: str, expected: str) -> None:
    response, _ = get(server, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == expected
    assert response.getheader("Cache-Control") == "no-store"


def test_head_sends_headers_only(server: PreviewServer) -> None:
    _, full = get(server, "/posts/x/")
    response, body = get(server, "/posts/x/", method="HEAD")
    assert response.status == 200
    assert body == b""
    assert int(response.getheader("Content-Length")) == len(full)
    response, body = get(server, "/assets/site.css", method="HEAD")
    assert body == b"" and response.getheader("Content-Length") == "17"


def test_byte_ranges_for_media_seeking(server: PreviewServer) -> None:
    response, body = get(server, "/media/talk.mp4", headers={"Range": "bytes=10-19"})
    assert response.status == 206
    assert response.getheader("Content-Range") == "bytes 10-19/1024"
    assert body == bytes(range(10, 20))
    response, body = get(server, "/media/talk.mp4", headers={"Range": "bytes=-4"})
    assert body == bytes(range(252, 256))
    response, _ = get(server, "/media/talk.mp4", headers={"Range": "bytes=5000-"})
    assert response.status == 416


def test_keeps_the_connection_alive_between_requests(server: PreviewServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    for path in ("/", "/assets/site.css", "/nope", "/posts/x"):
        conn.request("GET", path)
        conn.getresponse().read()
    conn.close()


# -- refusing to leave the folder ---------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/posts/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/posts/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "http://127.0.0.1/../secret.txt",
        "/%00",
        "/%ff%fe",
    ],
)
def test_traversal_is_refused(server: PreviewServer, target: str) -> None:
    status, data = raw_request(server, target)
    assert status in (400, 403, 404)
    assert b"TOP SECRET" not in data and b"root:" not in data


def test_symlinks_pointing_outside_are_refused(site: Path, server: PreviewServer) -> None:
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "leakdir").symlink_to(site.parent)
    for target in ("/leak.txt", "/leakdir/secret.txt"):
        status, data = raw_request(server, target)
        assert status in (403, 404)
        assert b"TOP SECRET" not in data


def test_symlinks_inside_the_folder_are_fine(site: Path, server: PreviewServer) -> None:
    (site / "alias.css").symlink_to(site / "assets" / "site.css")
    response, body = get(server, "/alias.css")
    assert response.status == 200 and body == b"h1 { color: red }"


def test_unexpected_host_header_is_refused(server: PreviewServer) -> None:
    """A page on evil.example rebinding its name to 127.0.0.1 must not read the preview."""
    response, _ = get(server, "/", headers={"Host": "evil.example"})
    assert response.status == 403
    response, _ = get(server, "/", headers={"Host": f"localhost:{server.port}"})
    assert response.status == 200


# -- injection ----------------------------------------------------------------------------------


def test_script_is_injected_into_html_only_and_not_on_disk(
    site: Path, server: PreviewServer
) -> None:
    on_disk = (site / "posts/x/index.html").read_bytes()
    response, body = get(server, "/posts/x/")
    assert body.count(SCRIPT.encode()) == 1
    assert body.index(SCRIPT.encode()) < body.index(b"</head>")
    assert int(response.getheader("Content-Length")) == len(body)
    assert body.replace(SCRIPT.encode(), b"") == on_disk
    assert (site / "posts/x/index.html").read_bytes() == on_disk
    for path in ("/assets/site.css", "/feed.xml", "/assets/app.js", "/posts/x/index.md"):
        _, other = get(server, path)
        assert b"livereload" not in other


def test_injection_without_a_head(site: Path, server: PreviewServer) -> None:
    write(site, {"bare/index.html": "<p>Just a fragment</p>"})
    _, body = get(server, "/bare/")
    assert body == b"<p>Just a fragment</p>" + SCRIPT.encode()


def test_banner_is_injected_escaped(site: Path) -> None:
    with PreviewServer(site, port=0, banner="Draft preview — <drafts> shown") as server:
        _, body = get(server, "/posts/x/")
    text = body.decode()
    assert 'id="aloud-banner"' in text and "position:fixed" in text
    assert "Draft preview — &lt;drafts&gt; shown" in text
    assert text.index("<body>") < text.index("aloud-banner") < text.index("<h1>")


# -- base path ----------------------------------------------------------------------------------


def test_base_path(site: Path) -> None:
    with PreviewServer(site, port=0, base_path="blog") as server:
        assert server.base_path == "/blog/"
        for target in ("/", "/blog"):
            response, _ = get(server, target)
            assert response.status == 302
            assert response.getheader("Location") == "/blog/"
        response, body = get(server, "/blog/posts/x/")
        assert response.status == 200
        assert b'<script src="/blog/_aloud/livereload.js" defer></script>' in body
        response, _ = get(server, "/blog/posts/x")
        assert response.getheader("Location") == "/blog/posts/x/"
        response, body = get(server, "/posts/x/")
        assert response.status == 404 and b"Not here" in body
        response, body = get(server, "/blog/sv/nope/")
        assert response.status == 404 and b"Finns inte" in body
        for path in ("/blog/_aloud/livereload.js", "/_aloud/livereload.js"):
            response, body = get(server, path)
            assert response.status == 200 and b"EventSource" in body
        stream = EventStream(server.port, "/blog/_aloud/events")
        server.notify_reload(["/blog/posts/x/"])
        assert stream.next_event() == ("reload", '["/blog/posts/x/"]')
        stream.close()


def test_set_root_switches_folders(site: Path, server: PreviewServer, tmp_path: Path) -> None:
    other = tmp_path / "next-build"
    write(other, {"posts/x/index.html": PAGE.format("Post X, revised")})
    server.set_root(other)
    _, body = get(server, "/posts/x/")
    assert b"Post X, revised" in body


# -- events -------------------------------------------------------------------------------------


def test_events_are_delivered(server: PreviewServer) -> None:
    first, second = EventStream(server.port), EventStream(server.port)
    server.notify_reload(["/posts/x/", "/"])
    server.notify_css(["/assets/site.css"])
    server.notify_error("content/posts/x.md:3: bad date\nlayouts/post.html:9: unknown filter")
    server.notify_ok()
    for stream in (first, second):
        event, data = stream.next_event()
        assert event == "reload" and json.loads(data) == ["/", "/posts/x/"]
        event, data = stream.next_event()
        assert event == "css" and json.loads(data) == ["/assets/site.css"]
        assert stream.next_event() == (
            "error",
            "content/posts/x.md:3: bad date\nlayouts/post.html:9: unknown filter",
        )
        assert stream.next_event() == ("ok", "")
        stream.close()


def test_a_new_client_gets_the_last_error_at_once(server: PreviewServer) -> None:
    server.notify_error("content/a.md:1: broken")
    stream = EventStream(server.port)
    assert stream.next_event() == ("error", "content/a.md:1: broken")
    stream.close()
    server.notify_ok()
    stream = EventStream(server.port)
    server.notify_reload(["*"])
    assert stream.next_event() == ("reload", '["*"]')  # no stale error first
    stream.close()


def test_heartbeats_keep_the_stream_alive(server: PreviewServer) -> None:
    server.heartbeat_seconds = 0.05
    stream = EventStream(server.port)
    assert stream.next_block()[0].startswith(":")
    stream.close()
    deadline = time.monotonic() + 5
    while server._clients and time.monotonic() < deadline:
        time.sleep(0.02)  # the next heartbeat finds the closed socket
    assert not server._clients


def test_shutdown_with_an_open_event_stream_is_quick(site: Path) -> None:
    server = PreviewServer(site, port=0)
    server.start()
    stream = EventStream(server.port)
    started = time.monotonic()
    server.shutdown()
    assert time.monotonic() - started < 2
    with pytest.raises((EOFError, OSError)):
        stream.next_block()
    stream.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


def test_shutdown_twice_is_harmless(site: Path) -> None:
    server = PreviewServer(site, port=0)
    server.start()
    server.shutdown()
    server.shutdown()


def test_serve_forever_until_interrupt_returns_after_shutdown(site: Path) -> None:
    server = PreviewServer(site, port=0)
    server.start()
    threading.Timer(0.2, server.shutdown).start()
    started = time.monotonic()
    server.serve_forever_until_interrupt()
    assert time.monotonic() - started < 3


def test_ctrl_c_shuts_down_cleanly(site: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from ssg.server import PreviewServer\n"
        "s = PreviewServer(Path(sys.argv[1]), port=0); s.start(); print(s.port, flush=True)\n"
        "s.serve_forever_until_interrupt(); print('stopped', flush=True)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(site)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    stream = EventStream(port)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=5) == 0
    assert process.stdout.read().strip() == "stopped"
    with pytest.raises((EOFError, OSError)):
        stream.next_block()
    stream.close()


# -- committing ---------------------------------------------------------------------------------


def test_committing_holds_requests_until_the_build_is_written(
    site: Path, server: PreviewServer
) -> None:
    results: list[bytes] = []
    with server.committing():
        (site / "posts/x/index.html").write_text(PAGE.format("Half"))
        worker = threading.Thread(target=lambda: results.append(get(server, "/posts/x/")[1]))
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive() and not results  # the request is waiting
        (site / "posts/x/index.html").write_text(PAGE.format("Whole"))
    worker.join(timeout=5)
    assert results and b"Whole" in results[0]


def test_committing_waits_for_requests_in_flight(site: Path, server: PreviewServer) -> None:
    """A commit starts only once no request is reading; requests after it wait for it."""
    entered = threading.Event()
    with server._gate.reading():

        def commit() -> None:
            with server.committing():
                entered.set()

        committer = threading.Thread(target=commit)
        committer.start()
        assert not entered.wait(0.3)
    assert entered.wait(5)
    committer.join(5)


def test_events_bypass_the_commit_gate(server: PreviewServer) -> None:
    """Pages must still be told about errors while a build holds the gate."""
    with server.committing():
        stream = EventStream(server.port)
        server.notify_error("x.md:1: oops")
        assert stream.next_event() == ("error", "x.md:1: oops")
        stream.close()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_root_may_be_a_symlink_swapped_between_builds(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "build-2"
    write(other, {"posts/x/index.html": PAGE.format("Build two")})
    link = tmp_path / "current"
    link.symlink_to(site)
    with PreviewServer(link, port=0) as server:
        _, body = get(server, "/posts/x/")
        assert b"Post X" in body
        (tmp_path / "next").symlink_to(other)
        os.replace(tmp_path / "next", link)
        _, body = get(server, "/posts/x/")
        assert b"Build two" in body
