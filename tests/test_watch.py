"""`aloud watch` and `aloud serve` as real processes: rebuilds, drafts, errors, shutdown."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from serving import Running, save

POST = "---\ntitle: Hello\ndate: 2024-01-01\n---\nFirst version.\n"


def wait_until(check, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_watch_rebuilds_on_save_and_survives_errors(make_site):
    site = make_site({"content/notes/hello.md": POST})
    running = Running(site.root, "watch")
    try:
        assert "First version." in site.read("notes/hello/index.html")
        save(site.root / "content/notes/hello.md", POST.replace("First", "Second"))
        wait_until(lambda: "Second version." in site.read("notes/hello/index.html"))
        save(site.root / "content/notes/hello.md", "---\ntitle: [broken\n---\n")
        running.wait_for(r"error: content/notes/hello\.md:\d+: invalid front matter")
        assert "Second version." in site.read("notes/hello/index.html")  # last good build stays
        save(site.root / "content/notes/hello.md", POST.replace("First", "Third"))
        wait_until(lambda: "Third version." in site.read("notes/hello/index.html"))
        (site.root / "content/notes/hello.md").unlink()
        wait_until(lambda: not site.exists("notes/hello/index.html"))
    finally:
        assert running.stop() == 0
    assert "Traceback" not in running.output()


def test_burst_of_saves_is_one_rebuild(make_site):
    site = make_site({"content/notes/hello.md": POST})
    running = Running(site.root, "watch")
    try:
        for index in range(5):
            save(site.root / "content/notes/hello.md", POST.replace("First", f"Version {index}"))
        wait_until(lambda: "Version 4" in site.read("notes/hello/index.html"))
        time.sleep(0.5)
        assert running.output().count("rebuilt in") <= 2
    finally:
        running.stop()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_drafts_preview_never_touches_public(make_site):
    site = make_site(
        {
            "content/notes/hello.md": POST,
            "content/notes/wip.md": "---\ntitle: Work in progress\ndate: 2024-02-01\ndraft: true\n---\nDraft text.\n",
        }
    )
    site.build()
    running = Running(site.root, "serve", "--drafts")
    try:
        status, body = fetch(running.url + "/notes/wip/")
        assert status == 200 and "Draft text." in body
        assert "Draft preview" in body  # the banner
        assert "/_aloud/livereload.js" in body  # injected when serving
        status, body = fetch(running.url + "/nope/")
        assert status == 404
    finally:
        assert running.stop() == 0
    assert not site.exists("notes/wip/index.html")
    assert "livereload" not in site.read("notes/hello/index.html")


def test_serve_binds_loopback_only(make_site):
    site = make_site({"content/notes/hello.md": POST})
    running = Running(site.root, "serve")
    try:
        assert f"at http://127.0.0.1:{running.port}/" in running.output()
    finally:
        running.stop()


def test_serve_on_a_busy_port_is_a_clear_error(make_site):
    import socket

    from conftest import run_cli

    site = make_site({"content/notes/hello.md": POST})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_cli("serve", "-s", str(site.root), "--port", str(port))
    assert proc.returncode == 1
    assert (
        proc.stderr.strip()
        == f"error: --port: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def test_watch_renders_one_of_each_kind_before_the_first_save(make_site, monkeypatch):
    """After a first build that had nothing to render, the first save must not pay for the
    renderers' imports and first renders; the warm-up writes nothing and survives a broken
    template."""
    from ssg import render
    from ssg.watch import Session

    site = make_site(
        {
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\ntags: [x]\n---\nText.\n",
            "content/posts/b.md": "---\ntitle: B\ndate: 2024-01-02\n---\nMore.\n",
        }
    )
    site.build()
    before = {p: p.stat().st_mtime_ns for p in (site.root / "public").rglob("*") if p.is_file()}
    rendered: list[str] = []
    original = render.render_output

    def counting(env, config, output):
        rendered.append(output.template or output.kind)
        if output.template == "post.html":
            raise RuntimeError("a broken template")
        return original(env, config, output)

    monkeypatch.setattr(render, "render_output", counting)
    session = Session(site.options())
    result = session.rebuild(first=True)
    assert result is not None and result.rendered == 0
    assert "post.html" in rendered and "feed-atom" in rendered
    assert len(rendered) == len(set(rendered))  # one of each kind
    after = {p: p.stat().st_mtime_ns for p in (site.root / "public").rglob("*") if p.is_file()}
    assert after == before
