"""Open and co-creative publishing: licences, sources, edits, replies, work in progress, privacy."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import BASIC_CONFIG

OPEN_CONFIG = (
    """
publish_sources = false
share = ["email", "mastodon", "linkedin"]
"""
    + BASIC_CONFIG
    + """

[repository]
url = "https://codeberg.org/ann/site"
edit_url = "https://codeberg.org/ann/site/_edit/main/{path}"
new_url = "https://codeberg.org/ann/site/_new/main/{folder}?filename={filename}"
lines_url = "https://codeberg.org/ann/site/src/branch/main/{path}#L{start}-L{end}"

[replies]
mailto = "replies@example.org"
webmention = "https://webmention.example/ann"

[authors.bo]
name = "Bo Contributor"
bio = { en = "Translates.", sv = "Översätter." }
links = [{ name = "Mastodon", url = "https://social.example/@bo", me = true }]
"""
)

CANARY = "CANARY-8c1e-never-publish"

FILES = {
    "content/posts/garden.md": """
        ---
        title: A digital garden
        date: 2024-04-01
        license: CC-BY-SA-4.0
        status: seedling
        source: true
        contributors: [bo]
        open_questions:
          - What should stay private?
          - Who tends the garden?
        ---
        Thinking in public.
    """,
    "content/posts/garden.sv.md": """
        ---
        title: En digital trädgård
        date: 2024-04-02
        ---
        Att tänka offentligt.
    """,
    "content/posts/garden.replies/2024-04-02-ann.md": """
        ---
        author: Anna
        date: 2024-04-02T10:00:00+02:00
        url: https://anna.example/
        ---
        Lovely. <script>alert(1)</script> [click](javascript:alert(1)) [site](https://anna.example/)
    """,
    "content/posts/garden.replies/2024-04-03-bert.md": """
        ---
        author: Bert
        date: 2024-04-03
        in_reply_to: 2024-04-02-ann
        ---
        Agreed with Anna.
    """,
    "content/posts/garden.sv.replies/2024-04-04-cia.md": """
        ---
        author: Cia
        date: 2024-04-04
        ---
        Bra skrivet.
    """,
    "content/posts/secret.md": f"""
        ---
        title: Secret plans
        date: 2024-04-05
        private: true
        tags: [hidden-tag]
        ---
        {CANARY}
    """,
    "content/private/journal.md": f"---\ntitle: Journal\ndate: 2024-01-01\n---\n{CANARY}\n",
    "content/private/photo.txt": CANARY,
}


def build(make_site):
    site = make_site(FILES, OPEN_CONFIG)
    site.build()
    return site


def test_licence_shown_linked_and_in_json_ld(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert (
        '<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>'
        in page
    )
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["headline"] == "A digital garden" and data["inLanguage"] == "en"
    sv = (
        site.read("sv/posts/trädgård/index.html")
        if site.exists("sv/posts/trädgård/index.html")
        else site.read("sv/posts/garden/index.html")
    )
    assert (
        'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in sv
    )  # the site default


def test_markdown_source_published_and_linked(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert '<a href="/posts/garden/index.md" type="text/markdown">View source</a>' in page
    assert site.read("posts/garden/index.md").startswith("---\ntitle: A digital garden")
    assert not site.exists("sv/posts/garden/index.md")


def test_suggest_edit_and_translate_links(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert (
        'href="https://codeberg.org/ann/site/_edit/main/content/posts/garden.md">Suggest an edit</a>'
        in page
    )
    assert (
        'href="https://codeberg.org/ann/site/_new/main/content/posts?filename=garden.nl.md" hreflang="nl">Nederlands</a>'
        in page
    )


def test_replies_threaded_counted_and_sanitised(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert '<h2 id="replies-title">2 comments</h2>' in page
    assert page.index("Anna") < page.index("Bert")  # oldest first
    assert re.search(
        r'<ol class="reply-children">\s*<li class="reply" id="reply-2024-04-03-bert">', page
    )
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page  # left as inert text, never a link
    assert '<a href="https://anna.example/" rel="nofollow ugc">site</a>' in page
    assert 'href="mailto:replies@example.org?subject=Re%3A%20A%20digital%20garden"' in page
    assert '<link rel="webmention" href="https://webmention.example/ann">' in page
    sv = site.read("sv/posts/garden/index.html")
    assert "1 kommentar<" in sv
    assert "2 comments" in site.read("index.html")  # the count in listings


def test_work_in_progress_badges_and_questions(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert '<span class="status status-seedling">seedling</span>' in page
    assert "Help me think" in page and "<li>Who tends the garden?</li>" in page
    assert 'class="status status-seedling"' in site.read("index.html")


def test_authors_contributors_and_author_pages(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert 'rel="author">Ann Example</a>' in page
    assert '<a href="/authors/bo/">Bo Contributor</a>' in page
    bo = site.read("sv/authors/bo/index.html")
    assert "Översätter." in bo and 'rel="me"' in bo


def test_share_links_are_plain(make_site):
    site = build(make_site)
    page = site.read("posts/garden/index.html")
    assert (
        "mailto:?subject=A%20digital%20garden&amp;body=https%3A%2F%2Fexample.org%2Fposts%2Fgarden%2F"
        in page
    )
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" in page
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", page)
    assert all(src.startswith("/") for src in scripts)


def test_private_never_reaches_the_output(make_site):
    site = build(make_site)
    for path in (site.root / "public").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert CANARY.encode() not in data, path
            assert b"hidden-tag" not in data and b"Secret plans" not in data, path
    drafts = make_site(FILES, OPEN_CONFIG)
    drafts.build(drafts=True, output_dir=drafts.root / "preview")
    for path in (drafts.root / "preview").rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def test_history_from_git(make_site):
    site = make_site(FILES, OPEN_CONFIG)
    env = {
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@a",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@a",
        "GIT_AUTHOR_DATE": "2024-06-01T12:00:00+00:00",
        "GIT_COMMITTER_DATE": "2024-06-01T12:00:00+00:00",
        "PATH": "/usr/bin:/bin",
    }

    def run(*args: str) -> None:
        subprocess.run(["git", *args], cwd=site.root, env=env, check=True, capture_output=True)

    run("init", "-q")
    run("add", "-A")
    run("commit", "-qm", "Plant the garden")
    site.build()
    page = site.read("sv/posts/garden/index.html")
    assert (
        'Last changed <time datetime="2024-06-01T12:00:00+00:00">1 juni 2024</time>' in page
        or "1 juni 2024" in page
    )
    assert "Plant the garden" in page and "https://codeberg.org/ann/site/commit/" in page


def test_builds_without_git(make_site, monkeypatch):
    site = make_site(FILES, OPEN_CONFIG)
    monkeypatch.setenv("PATH", "/nonexistent")
    site.build()
    assert "Plant the garden" not in site.read("posts/garden/index.html")


def test_a_failure_reading_history_fails_the_build(make_site, monkeypatch):
    """History is read in a thread beside the parsing; what goes wrong there is not lost."""
    site = make_site(FILES, OPEN_CONFIG)

    def broken(*_args: object) -> dict:
        raise RuntimeError("git exploded")

    monkeypatch.setattr("ssg.history.head_signature", lambda _site_dir: None)
    monkeypatch.setattr("ssg.history.git_history", broken)
    with pytest.raises(RuntimeError, match="git exploded"):
        site.build()
