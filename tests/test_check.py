"""Tests for `aloud check`'s output inspection: hand-built output folders, exact findings."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import write_tree

import ssg.check
from ssg.check import Finding, check_output, format_json, format_text, locate_line
from ssg.check_html import parse_html, parse_srcset, refresh_target

BASE = "https://example.org/blog/"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Blog</title><link>https://example.org/blog/</link>
<description>d</description>
<item><title>Hello</title><link>https://example.org/blog/posts/hello/</link>
<guid>https://example.org/blog/posts/hello/</guid></item></channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>https://example.org/blog/</id>
<updated>2024-05-01T00:00:00Z</updated>
<entry><title>Hello</title><id>https://example.org/blog/posts/hello/</id>
<updated>2024-05-01T00:00:00Z</updated></entry></feed>
"""
JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Blog",
    "items": [{"id": "https://example.org/blog/posts/hello/", "content_html": "<p>hi</p>"}],
}
SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.org/blog/</loc></url></urlset>
"""


def page(title: str = "T", body: str = "", head: str = "", desc: bool = True) -> str:
    """A minimal well-formed page: line 9 is the first body line when head is empty."""
    meta = '<meta name="description" content="d">' if desc else ""
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{meta}\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_tree(root, files, dedent=False)


def clean_files() -> dict[str, str | bytes]:
    head = (
        '<link rel="stylesheet" href="/blog/assets/site.css">\n'
        '<link rel="icon" href="assets/icon.png">\n'
        '<link rel="alternate" type="application/rss+xml" href="https://example.org/blog/feed.xml">\n'
        '<link rel="preconnect" href="https://fonts.example">\n'
        '<script src="/blog/assets/app.js"></script>\n'
    )
    home = (
        '<a href="posts/hello/">Hello</a> <a href="/blog/about/#team">team</a>\n'
        '<a href="https://example.org/blog/posts/hello/#intro">abs</a> <a href="feed.xml">rss</a>\n'
        '<a href="#top">top</a> <a href="mailto:a@example.org">m</a> <a href="tel:+4612">t</a>\n'
        '<img src="data:image/png;base64,AAAA" alt=""> <a href="https://other.example/x">ext</a>\n'
        '<a href="/blog">root without slash</a> <a href="?page=2">query</a> <a href="">self</a>'
    )
    hello = (
        '<p id="intro">One<p>Two\n<ul><li>a<li>b</ul>\n<dl><dt>x<dd>y</dl>\n'
        "<table><tr><td>1<td>2<tr><td>3</table>\n"
        '<video src="../../media/talk.mp4#t=10" poster="../../media/poster.jpg"></video>\n'
        '<img src="../../media/a.png" alt=""\n'
        ' srcset="../../media/a.png 1x, ../../media/a@2x.png 2x">\n'
        '<a href="../../talks/live/#t=754">at 12:34</a>\n'
        '<a href="../../files/My%20Notes.pdf">pdf</a>\n'
        '<svg><use href="#icon"/><symbol id="icon"><path d="M0 0"/></symbol></svg>\n'
        '<a href="../../">up</a> <a href="../../about">no slash</a>\n'
        '<a href="/blog/404.html">404</a>'
    )
    redirect = (
        '<!doctype html>\n<html><head><title>Redirect</title><meta http-equiv="refresh"'
        ' content="0; url=/blog/about/"></head><body></body></html>\n'
    )
    return {
        "index.html": page("Home", home, head),
        "posts/hello/index.html": page("Hello", hello),
        "about/index.html": page(
            "About", '<h2 id="team">Team</h2><a name="old">o</a><a href="#old">x</a>'
        ),
        "talks/live/index.html": page("Live", '<p id="t=754">12:34 hello</p>'),
        "old-url/index.html": redirect,
        "404.html": page("Not found", '<a href="/blog/">home</a>'),
        "files/My Notes.pdf": b"%PDF",
        "assets/site.css": "",
        "assets/icon.png": b"",
        "assets/app.js": "",
        "media/talk.mp4": b"",
        "media/poster.jpg": b"",
        "media/a.png": b"",
        "media/a@2x.png": b"",
        "feed.xml": RSS,
        "atom.xml": ATOM,
        "feed.json": json.dumps(JSON_FEED),
        "sitemap.xml": SITEMAP,
    }


def err(code: str, message: str, url: str, source: str | None = None, line: int | None = None):
    return Finding("error", code, message, url, source, line)


# -- whole-site checks ------------------------------------------------------------------------
def test_clean_site_with_base_path_has_no_findings(tmp_path: Path) -> None:
    assert check_output(write(tmp_path / "public", clean_files()), BASE) == []


def test_clean_site_at_the_root(tmp_path: Path) -> None:
    pub = write(
        tmp_path / "public",
        {
            "index.html": page("Home", '<a href="/about/#me">about</a> <a href="about/">a</a>'),
            "about/index.html": page(
                "About", '<p id="me">me</p><a href="https://example.org/">h</a>'
            ),
        },
    )
    assert check_output(pub, "https://example.org") == []
    assert check_output(pub, "https://example.org/") == []


def test_broken_links_are_located_in_the_source(tmp_path: Path) -> None:
    site = tmp_path / "site"
    src = (
        write(
            site,
            {
                "content/posts/x.md": "---\ntitle: X\n---\n\nSee [nope](/nope/).\n\n"
                "And [gone](../gone.md).\n\n"
                "[abs](https://example.org/blog/missing/) [out](/other/)\n"
            },
        )
        / "content/posts/x.md"
    )
    body = (
        '<a href="/blog/nope/">nope</a>\n<a href="../gone/">gone</a>\n'
        '<a href="https://example.org/blog/missing/">abs</a>\n<a href="/other/">outside</a>\n'
        '<a href="https://example.org/elsewhere/">same host</a>\n'
        '<a href="javascript:void(0)">js</a>'
    )
    pub = write(tmp_path / "public", {"posts/x/index.html": page("X", body)})
    url, source = "/blog/posts/x/", "content/posts/x.md"
    findings = check_output(pub, BASE, {url: src}, site_dir=site)
    assert findings == [
        err("broken-link", "javascript: URL in <a href>", url, source),
        err("broken-link", "link to https://example.org/elsewhere/ is outside the site's base"
            " path /blog/", url, source),
        err("broken-link", "broken link to /blog/nope/", url, source, 5),
        err("broken-link", "broken link to ../gone/ (/blog/posts/gone/)", url, source, 7),
        err("broken-link", "broken link to https://example.org/blog/missing/ (/blog/missing/)",
            url, source, 9),
        err("broken-link", "link to /other/ is outside the site's base path /blog/",
            url, source, 9),
    ]  # fmt: skip
    assert str(findings[2]) == (
        "content/posts/x.md:5: error: broken link to /blog/nope/ (broken-link)"
    )


def test_missing_output_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_output(tmp_path / "public", BASE)


def test_source_folder_found_from_site_toml(tmp_path: Path) -> None:
    src = write(tmp_path / "site", {"site.toml": "", "content/pages/a.md": "[x](/x/)\n"})
    pub = write(tmp_path / "public", {"a/index.html": page("A", '<a href="/x/">x</a>')})
    (finding,) = check_output(pub, "https://example.org/", {"/a/": src / "content/pages/a.md"})
    assert (finding.source, finding.line) == ("content/pages/a.md", 1)


def test_missing_anchors(tmp_path: Path) -> None:
    body = (
        '<p id="here">x</p>\n<a href="/blog/b/#nope">1</a> <a href="/blog/b/#there">2</a>\n'
        '<a href="#self-missing">3</a> <a href="#here">4</a>\n'
        '<a href="/blog/talk/#t=754">5</a> <a href="/blog/talk/#t=100">6</a>\n'
        '<a href="/blog/b/#caf%C3%A9">7</a> <a href="../b/#:~:text=hello">8</a>'
    )
    src = write(tmp_path, {"a.md": "intro\n[t](/talk/#t=754)\n"}) / "a.md"
    pub = write(
        tmp_path / "public",
        {
            "a/index.html": page("A", body),
            "b/index.html": page("B", '<h2 id="there">t</h2><h2 id="café">c</h2>'),
            "talk/index.html": page("Talk", '<p id="t=100">01:40</p>'),
        },
    )
    findings = check_output(pub, BASE, {"/blog/a/": src}, site_dir=tmp_path)
    assert findings == [
        err("missing-anchor", 'link to #self-missing: no id "self-missing" in this page',
            "/blog/a/", "a.md"),
        err("missing-anchor", 'link to /blog/b/#nope: no id "nope" in /blog/b/',
            "/blog/a/", "a.md"),
        err("missing-anchor", 'link to /blog/talk/#t=754: no id "t=754" in /blog/talk/',
            "/blog/a/", "a.md", 2),
    ]  # fmt: skip


def test_missing_assets(tmp_path: Path) -> None:
    head = (
        '<link rel="stylesheet" href="/blog/assets/nope.css">\n'
        '<link rel="icon" href="/blog/favicon.png">\n<script src="/blog/app.js"></script>\n'
    )
    body = (
        '<img src="img/x.png" alt="">\n'
        '<img src="/blog/ok.png" srcset="/blog/ok.png 1x, /blog/big.png 2x" alt="">\n'
        '<video src="/blog/ok.png" poster="poster.jpg"></video>\n'
        '<picture><source srcset="/blog/a.webp"><img src="/blog/ok.png" alt=""></picture>'
    )
    src = write(tmp_path, {"x.md": "---\ntitle: X\n---\n![x](img/x.png)\n"}) / "x.md"
    pub = write(tmp_path / "public", {"p/index.html": page("P", body, head), "ok.png": b""})
    url = "/blog/p/"
    findings = check_output(pub, BASE, {url: src}, site_dir=tmp_path)
    assert findings == [
        err("missing-asset", "missing asset /blog/a.webp", url, "x.md"),
        err("missing-asset", "missing asset /blog/app.js", url, "x.md"),
        err("missing-asset", "missing asset /blog/assets/nope.css", url, "x.md"),
        err("missing-asset", "missing asset /blog/big.png", url, "x.md"),
        err("missing-asset", "missing asset /blog/favicon.png", url, "x.md"),
        err("missing-asset", "missing asset poster.jpg (/blog/p/poster.jpg)", url, "x.md"),
        err("missing-asset", "missing asset img/x.png (/blog/p/img/x.png)", url, "x.md", 4),
    ]


def test_malformed_html_and_duplicate_ids(tmp_path: Path) -> None:
    html = (
        "<!doctype html>\n"
        '<html><head><title>M</title><meta name="description" content="d"></head>\n'
        "<body>\n"
        '<div class="a" class="b">\n'
        "<span>x</div>\n"
        "<b><i>y</b></i>\n"
        "</section>\n"
        "<div/>\n"
        '<p id="dup">1</p><p id="dup">2</p>\n'
        '<p id="dup">3</p><svg><circle r="1"/></svg>\n'
        "<article>\n"
        "</body></html>\n"
        "<main>\n"
    )
    pub = write(tmp_path / "public", {"m/index.html": html})
    f = "public/m/index.html"
    assert check_output(pub, BASE) == [
        err("duplicate-id", f'{f}:9: duplicate id "dup" (lines 9, 9, 10)', "/blog/m/"),
        err("malformed-html", f'{f}:4: duplicate attribute "class" on <div>', "/blog/m/"),
        err("malformed-html", f"{f}:5: unclosed <span> (cut off by </div> at line 5)", "/blog/m/"),
        err("malformed-html", f"{f}:6: mis-nested tags: <i> (line 6) was still open when </b>"
            " closed at line 6", "/blog/m/"),
        err("malformed-html", f"{f}:7: stray end tag </section>", "/blog/m/"),
        err("malformed-html", f"{f}:8: <div/> is not self-closing in HTML; write <div></div>",
            "/blog/m/"),
        err("malformed-html", f"{f}:11: unclosed <article> (cut off by </body> at line 12)",
            "/blog/m/"),
        err("malformed-html", f"{f}:13: unclosed <main>", "/blog/m/"),
    ]  # fmt: skip


def test_titles_and_descriptions(tmp_path: Path) -> None:
    redirect = '<!doctype html><title>R</title><meta http-equiv="refresh" content="0;url=/blog/">'
    pub = write(
        tmp_path / "public",
        {
            "index.html": page("Home"),
            "no-title/index.html": "<!doctype html><svg><title>icon</title></svg>"
            '<meta name="description" content="d">',
            "empty/index.html": page("  ", desc=False),
            "no-desc/index.html": page("D", desc=False),
            "blank-desc/index.html": page(
                "D", desc=False, head='<meta name="description" content=" ">\n'
            ),
            "moved/index.html": redirect,
            "gone/index.html": redirect.replace("url=/blog/", "url=/blog/nowhere/"),
        },
    )
    warn = 'page has no <meta name="description">'
    assert check_output(pub, BASE) == [
        Finding("warning", "missing-description", warn, "/blog/blank-desc/", None, None),
        err("missing-title", "page has an empty <title>", "/blog/empty/"),
        Finding("warning", "missing-description", warn, "/blog/empty/", None, None),
        err("broken-link", "broken link to /blog/nowhere/", "/blog/gone/"),
        Finding("warning", "missing-description", warn, "/blog/no-desc/", None, None),
        err("missing-title", "page has no <title>", "/blog/no-title/"),
    ]


def test_feeds(tmp_path: Path) -> None:
    bozo = '<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]><rss version="2.0"><channel><title>x&nbsp;'
    bad_json_feed = {
        "version": "https://jsonfeed.org/version/1",
        "items": [{"id": "a", "content_text": "ok"}, {"id": 3}, "x"],
    }
    pub = write(
        tmp_path / "public",
        {
            "index.html": page("Home"),
            "feed.xml": RSS,
            "atom.xml": ATOM,
            "feed.json": json.dumps(JSON_FEED),
            "sv/feed.xml": "<rss><channel>\n</rss>",
            "sv/atom.xml": bozo + "</title></channel></rss>",
            "sv/feed.json": json.dumps(bad_json_feed),
            "de/feed.json": '{"version":\n "x",}',
            "fr/feed.json": "[]",
        },
    )
    findings = check_output(pub, BASE)
    assert all(f.code == "invalid-feed" and f.severity == "error" for f in findings)
    got = [(f.url, f.message) for f in findings]
    assert got[0] == ("/blog/de/feed.json", "public/de/feed.json:2: not valid JSON: "
                      "Expecting property name enclosed in double quotes")  # fmt: skip
    assert got[1] == ("/blog/fr/feed.json", "public/fr/feed.json: top level must be an object")
    assert got[2][0] == "/blog/sv/atom.xml"
    assert got[2][1].startswith("public/sv/atom.xml: feedparser rejects it: ")
    assert got[3:7] == [
        ("/blog/sv/feed.json", 'public/sv/feed.json: "title" is missing or empty'),
        ("/blog/sv/feed.json", 'public/sv/feed.json: "version" must be'
         ' "https://jsonfeed.org/version/1.1", not \'https://jsonfeed.org/version/1\''),
        ("/blog/sv/feed.json", 'public/sv/feed.json: item 1 (3) has no "content_html" or'
         ' "content_text"'),
        ("/blog/sv/feed.json", 'public/sv/feed.json: item 1 has no string "id"'),
    ]  # fmt: skip
    assert got[7] == ("/blog/sv/feed.json", "public/sv/feed.json: item 2 is not an object")
    assert got[8][0] == "/blog/sv/feed.xml"
    assert got[8][1].startswith("public/sv/feed.xml:2: not well-formed XML: ")
    assert len(got) == 9


def test_each_page_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"p{i}/index.html": page("P", f'<a href="/blog/p{i + 1}/#x">n</a><i id="x"></i>')
             for i in range(50)}  # fmt: skip
    pub = write(tmp_path / "public", files)
    calls: list[Path] = []
    real = ssg.check.parse_page

    def counting(path: Path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(ssg.check, "parse_page", counting)
    findings = check_output(pub, BASE)
    assert [f.message for f in findings] == ["broken link to /blog/p50/#x (/blog/p50/)"]
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 50


def test_parallel_parsing_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        f"p{i}/index.html": page("P", f'<a href="/blog/p{i + 1}/">n</a><div>') for i in range(6)
    }
    pub = write(tmp_path / "public", files)
    serial = check_output(pub, BASE)
    monkeypatch.setattr(ssg.check, "PARALLEL_MIN", 2)
    assert check_output(pub, BASE) == serial
    assert len(serial) == 7


# -- external links ---------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    def _answer(self, head: bool) -> None:
        if self.path == "/nohead" and head:
            code = 405
        else:
            code = {"/ok": 200, "/nohead": 200, "/redirect": 301}.get(self.path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_external_links(tmp_path: Path, server: str) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}/x"
    links = ["/ok", "/nohead", "/redirect", "/missing", "/ok#frag"]
    body = "\n".join(f'<a href="{server}{p}">l</a>' for p in links) + f'\n<a href="{dead}">d</a>'
    src = write(tmp_path, {"a.md": f"x\n[m]({server}/missing)\n"}) / "a.md"
    pub = write(tmp_path / "public", {"a/index.html": page("A", body)})
    assert check_output(pub, BASE, {"/blog/a/": src}) == []  # off by default
    findings = check_output(
        pub, BASE, {"/blog/a/": src}, site_dir=tmp_path, external=True, timeout=2
    )
    assert [(f.severity, f.code, f.line) for f in findings] == [
        ("warning", "external-link", None),
        ("warning", "external-link", 2),
    ]
    assert findings[0].message.startswith(f"{dead}: ")
    assert "refused" in findings[0].message.lower()
    assert findings[1].message == f"{server}/missing: HTTP 404"

    limited = check_output(pub, BASE, external=True, external_limit=2, timeout=2)
    assert [f.message for f in limited] == ["3 more external links not checked (limit 2)"]
    assert limited[0].url == "/blog/"


# -- pieces -----------------------------------------------------------------------------------
def test_locate_line() -> None:
    text = "---\ntitle: A\n---\n\nSee [x](../other.md) and\n[y](/blog/other/).\n"
    assert locate_line(text, ["/blog/other/", "other.md"]) == 6
    assert locate_line(text, ["nothing", "", "other.md"]) == 5
    assert locate_line(text, ["---"]) == 1
    assert locate_line(text, ["absent"]) is None
    assert locate_line(text, []) is None
    assert locate_line("", [""]) is None


def test_finding_str_and_formats() -> None:
    a = err("broken-link", "broken link to /blog/nope/", "/blog/x/", "content/x.md", 12)
    b = err("missing-title", "page has no <title>", "/blog/tags/", None, None)
    c = Finding(
        "warning", "missing-description", "no description", "/blog/x/", "content/x.md", None
    )
    assert str(a) == "content/x.md:12: error: broken link to /blog/nope/ (broken-link)"
    assert str(b) == "/blog/tags/: error: page has no <title> (missing-title)"
    assert str(c) == "content/x.md: warning: no description (missing-description)"
    assert format_text([a, b, c]) == (
        "/blog/tags/\n"
        "  /blog/tags/: error: page has no <title> (missing-title)\n"
        "\n"
        "/blog/x/\n"
        "  content/x.md: warning: no description (missing-description)\n"
        "  content/x.md:12: error: broken link to /blog/nope/ (broken-link)\n"
        "\n"
        "2 errors, 1 warning"
    )
    assert format_text([]) == "0 errors, 0 warnings"
    data = json.loads(format_json([a, c, b]))
    assert [d["url"] for d in data] == ["/blog/tags/", "/blog/x/", "/blog/x/"]
    assert data[2] == {
        "severity": "error",
        "code": "broken-link",
        "message": "broken link to /blog/nope/",
        "url": "/blog/x/",
        "source": "content/x.md",
        "line": 12,
    }
    assert format_json([c, b, a]) == format_json([a, b, c])


def test_html_helpers() -> None:
    assert parse_srcset("a.png 1x, b.png 2x,c.png") == ["a.png", "b.png", "c.png"]
    assert parse_srcset("x(1).png 100w, data:a,b 2x") == ["x(1).png", "data:a,b"]
    assert refresh_target("0; url='/a/'") == "/a/"
    assert refresh_target("5;URL=/b/") == "/b/"
    assert refresh_target("3") is None
    info = parse_html('<title>A &amp; B</title><base href="/x/"><a name="n"></a><i id="i">')
    assert (info.title, info.base_href, info.ids) == ("A & B", "/x/", {"n", "i"})
    assert info.problems == [(1, "unclosed <i>")]
