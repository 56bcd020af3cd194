"""The output as static hosts see it: nginx under a subpath, crawled with zero 404s; publish targets."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import REPO, snapshot
from serving import free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def require(binary: str | None, name: str) -> str:
    if binary:
        return binary
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is missing (CI=true: .ci/run should have installed it)")
    pytest.skip(f"{name} is not installed (apt-get install {name})")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "poster") and value:
                self.links.append(value)


def build_sample(tmp_path: Path, base_url: str) -> Path:
    out = tmp_path / "public"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "-s",
            str(REPO),
            "-o",
            str(out),
            "--base-url",
            base_url,
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.nginx
def test_nginx_subpath_crawl_has_no_404(tmp_path):
    nginx = require(NGINX, "nginx")
    port = free_port()
    out = build_sample(tmp_path, f"http://127.0.0.1:{port}/blog/")
    root = tmp_path / "www"
    root.mkdir()
    (root / "blog").symlink_to(out)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
user root;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
  include /etc/nginx/mime.types;
  types {{ application/feed+json json; text/vtt vtt; }}
  access_log off;
  client_body_temp_path {tmp_path}/body;
  proxy_temp_path {tmp_path}/proxy;
  fastcgi_temp_path {tmp_path}/fastcgi;
  uwsgi_temp_path {tmp_path}/uwsgi;
  scgi_temp_path {tmp_path}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    disable_symlinks off;
    location /blog/ {{ error_page 404 /blog/404.html; }}
  }}
}}
"""
    )
    process = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}/blog/"
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        seen: set[str] = set()
        queue = [base, base + "sitemap.xml", base + "robots.txt"]
        failures = []
        while queue and len(seen) < 2000:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read()
                    ctype = response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                failures.append((url, error.code))
                continue
            if "html" in ctype:
                parser = Links()
                parser.feed(body.decode("utf-8"))
                links = parser.links
            elif url.endswith(".xml"):
                links = re.findall(rb"<(?:loc|link)>([^<]+)</", body)
                links = [link.decode() for link in links] + re.findall(
                    r'href="([^"]+)"', body.decode()
                )
            else:
                links = []
            for link in links:
                absolute = urljoin(url, link).split("#")[0]
                if urlsplit(absolute).netloc == f"127.0.0.1:{port}" and absolute.startswith(base):
                    queue.append(absolute)
        assert not failures, failures
        assert len(seen) > 60
        status = urllib.request.Request(base + "no/such/page/")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(status, timeout=5)
        assert info.value.code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_publish_to_bare_git_and_rsync_via_cli(tmp_path):
    require(shutil.which("rsync"), "rsync")
    require(shutil.which("git"), "git")
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--bare", "-q", str(bare)], check=True)
    config = (REPO / "site.toml").read_text() + (
        f'\n[publish.pages]\ntype = "git"\nrepository = "{bare}"\nbranch = "pages"\n'
        f'\n[publish.mirror]\ntype = "rsync"\ndestination = "{tmp_path / "mirror"}/"\n'
    )
    (site / "site.toml").write_text(config)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    run = [sys.executable, str(REPO / "build.py"), "publish", "-s", str(site), "-q"]
    dry = subprocess.run([*run, "--dry-run"], capture_output=True, text=True, env=env)
    assert dry.returncode == 0, dry.stderr
    assert not (tmp_path / "mirror").exists() or not any((tmp_path / "mirror").iterdir())
    proc = subprocess.run(run, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert snapshot(tmp_path / "mirror") == snapshot(site / "public")
    listed = subprocess.run(
        ["git", "--git-dir", str(bare), "ls-tree", "-r", "--name-only", "pages"],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(listed) == sorted(snapshot(site / "public"))


def test_publish_refuses_a_broken_site(tmp_path):
    site = tmp_path / "site"
    (site / "content/notes").mkdir(parents=True)
    (site / "content/notes/a.md").write_text('---\ntitle: A\n---\n<a href="/missing/">x</a>\n')
    (site / "site.toml").write_text(
        'title = "T"\nbase_url = "https://e.org/"\ndefault_language = "en"\n[languages.en]\nname = "English"\n'
        f'[publish.copy]\ntype = "folder"\npath = "{tmp_path / "copy"}"\n'
    )
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "publish", "-s", str(site), "-q"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "not publishing" in proc.stderr and "/missing/" in proc.stderr
    assert not (tmp_path / "copy").exists()


def test_aliases_make_redirect_pages_and_redirects_file(tmp_path):
    out = build_sample(tmp_path, "https://example.org/blog/")
    page = (out / "2019/03/why-i-teach-out-loud.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/blog/posts/why-i-teach-out-loud/">' in page
    assert (
        '<link rel="canonical" href="https://example.org/blog/posts/why-i-teach-out-loud/">' in page
    )
    assert (
        "/blog/2019/03/why-i-teach-out-loud.html /blog/posts/why-i-teach-out-loud/ 301"
        in (out / "_redirects").read_text()
    )
    assert (out / ".nojekyll").exists() and (out / "404.html").exists()


def test_check_reports_build_warnings_and_json(make_site):
    site = make_site(
        {
            "content/posts/undated.md": "---\ntitle: No date\n---\nText.\n",
            "content/notes/a.md": '---\ntitle: A\ndate: 2024-01-01\n---\n<a href="/nowhere/">x</a>\n',
        }
    )
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "check",
            "-s",
            str(site.root),
            "-q",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    import json

    findings = json.loads(proc.stdout)
    codes = {(f["code"], f["severity"]) for f in findings}
    assert ("broken-link", "error") in codes
    assert ("build-warning", "warning") in codes
    broken = next(f for f in findings if f["code"] == "broken-link")
    assert broken["source"] == "content/notes/a.md" and broken["line"] == 5
