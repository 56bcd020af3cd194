"""Integration: build temporary sites and the bundled sample site, assert on the output files."""

from __future__ import annotations

import re
import shutil

from conftest import REPO, snapshot

from ssg.builder import Builder, BuildOptions

TRILINGUAL = {
    "content/posts/harmony.md": """
        ---
        title: Harmony, not balance
        date: 2013-08-12
        tags: [working-out-loud]
        ---
        The first paragraph becomes the summary.

        See [the note](../notes/idea.md#why) and ![a circle](circle.svg).
    """,
    "content/posts/harmony.nl.md": """
        ---
        title: Harmonie, geen balans
        slug: harmonie
        date: 2013-08-12
        ---
        Eerste alinea.
    """,
    "content/posts/harmony.sv.md": """
        ---
        title: Harmoni, inte balans
        slug: harmoni
        date: 2013-08-12
        ---
        Första stycket.
    """,
    "content/posts/circle.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "content/posts/only-english.md": """
        ---
        title: Only in English
        date: 2014-01-02T10:00:00+01:00
        summary: A hand-written summary.
        ---
        Body.
    """,
    "content/posts/draft.md": """
        ---
        title: Secret draft
        date: 2015-01-01
        draft: true
        ---
        Not yet.
    """,
    "content/notes/idea.md": """
        ---
        title: An idea
        date: 2013-09-01
        ---
        ## Why
        Because.
    """,
    "content/pages/about.md": """
        ---
        title: About
        ---
        Me.
    """,
    "content/pages/about.sv.md": """
        ---
        title: Om mig
        slug: om-mig
        ---
        Jag.
    """,
}


def test_trilingual_site(make_site):
    site = make_site(TRILINGUAL)
    site.build()
    page = site.read("posts/harmony/index.html")
    assert '<html lang="en" dir="ltr">' in page
    # hreflang for every translation plus x-default (the default language's version)
    for lang, url in (
        ("en", "/posts/harmony/"),
        ("nl", "/nl/posts/harmonie/"),
        ("sv", "/sv/posts/harmoni/"),
    ):
        assert f'<link rel="alternate" hreflang="{lang}" href="https://example.org{url}">' in page
    assert (
        '<link rel="alternate" hreflang="x-default" href="https://example.org/posts/harmony/">'
        in page
    )
    # the switcher links the translations
    assert 'href="/nl/posts/harmonie/" hreflang="nl"' in page
    # dates by Babel in each language, inside <time datetime>
    assert '<time datetime="2013-08-12T00:00:00+00:00">12 August 2013</time>' in page
    assert ">12 augustus 2013</time>" in site.read("nl/posts/harmonie/index.html")
    assert ">12 augusti 2013</time>" in site.read("sv/posts/harmoni/index.html")
    # links between Markdown files and relative images are resolved
    assert 'href="/notes/idea/#why"' in page
    assert 'src="/posts/circle.svg"' in page and site.exists("posts/circle.svg")
    # drafts are left out
    assert not site.exists("posts/draft/index.html")
    assert "Secret draft" not in site.read("index.html")


def test_untranslated_page_switcher_goes_to_the_other_home(make_site):
    site = make_site(TRILINGUAL)
    site.build()
    page = site.read("posts/only-english/index.html")
    assert 'href="/nl/" hreflang="nl"' in page
    assert 'hreflang="x-default"' not in page  # no translations: no alternates


def test_listings_tags_archive_sitemap(make_site):
    site = make_site(TRILINGUAL)
    site.build()
    home = site.read("index.html")
    assert home.index("Only in English") < home.index("Harmony, not balance")  # newest first
    assert "The first paragraph becomes the summary." in home
    # untranslated posts are shown in other languages' listings, marked with their language
    sv_home = site.read("sv/index.html")
    assert re.search(
        r'<article class="card card-post" lang="en">\s*<h2><a href="/posts/only-english/">', sv_home
    )
    assert "Only in English" in sv_home
    assert "working-out-loud" in site.read("tags/working-out-loud/index.html") or site.exists(
        "tags/working-out-loud/index.html"
    )
    assert "2013" in site.read("archive/index.html")
    sitemap = site.read("sitemap.xml")
    assert "<loc>https://example.org/sv/posts/harmoni/</loc>" in sitemap
    assert 'hreflang="nl" href="https://example.org/nl/posts/harmonie/"' in sitemap
    assert "Sitemap: https://example.org/sitemap.xml" in site.read("robots.txt")
    assert site.exists("404.html") and site.exists("sv/404.html")


def test_drafts_flag_includes_drafts(make_site):
    site = make_site(TRILINGUAL)
    site.build(drafts=True)
    assert "Secret draft" in site.read("posts/draft/index.html")


def test_subpath_base_url(make_site):
    config = (REPO / "tests" / "conftest.py").read_text()
    del config
    from conftest import BASIC_CONFIG

    site = make_site(
        TRILINGUAL, BASIC_CONFIG.replace("https://example.org/", "https://example.org/blog/")
    )
    site.build()
    page = site.read("posts/harmony/index.html")
    assert 'href="/blog/notes/idea/#why"' in page
    assert 'href="/blog/assets/style.css"' in page
    assert 'href="/blog/nl/posts/harmonie/"' in page
    # every root-relative URL in every page starts with the base path
    for path in (site.root / "public").rglob("*.html"):
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', path.read_text()):
            assert url.startswith("/blog/"), (path, url)


def test_two_builds_are_byte_identical(make_site, tmp_path):
    site = make_site(TRILINGUAL)
    site.build(use_cache=False)
    first = snapshot(site.root / "public")
    shutil.rmtree(site.root / "public")
    site.build(use_cache=False)
    assert snapshot(site.root / "public") == first


def test_parallel_build_equals_serial(make_site, monkeypatch):
    monkeypatch.setattr("ssg.builder.PARALLEL_PARSE_FROM", 1)
    monkeypatch.setattr("ssg.builder.PARALLEL_RENDER_FROM", 1)
    site = make_site(TRILINGUAL)
    site.build(use_cache=False, jobs=1)
    serial = snapshot(site.root / "public")
    import multiprocessing

    pools = []
    real = multiprocessing.get_context
    monkeypatch.setattr(
        "ssg.parallel.multiprocessing.get_context", lambda kind: pools.append(kind) or real(kind)
    )
    import os

    import ssg.parallel

    pids_file = site.root / "pids.txt"
    real_render_one = ssg.parallel._render_one

    def recording_render_one(env, config, output):
        with open(pids_file, "a") as handle:  # shared by the parent and its forked worker
            handle.write(f"{os.getpid()}\n")
        return real_render_one(env, config, output)

    monkeypatch.setattr("ssg.parallel._render_one", recording_render_one)
    Builder(site.options(use_cache=False, jobs=2, output_dir=site.root / "par")).build()
    assert pools == ["fork", "fork"]  # parsing and rendering both ran in worker processes
    renderers = set(pids_file.read_text().split())
    assert str(os.getpid()) in renderers and len(renderers) == 2  # the parent and one worker
    assert snapshot(site.root / "par") == serial
    import time

    deadline = time.monotonic() + 10  # the build does not wait for its render worker to exit,
    while multiprocessing.active_children() and time.monotonic() < deadline:  # but it does exit
        time.sleep(0.01)
    assert multiprocessing.active_children() == []


def test_site_without_layouts_uses_builtin(make_site):
    site = make_site({"content/notes/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nHi\n"})
    assert not (site.root / "layouts").exists()
    site.build()
    assert "assets/style.css" in site.read("notes/a/index.html")
    assert site.exists("assets/style.css") and site.exists("assets/pygments.css")


def test_site_layout_overrides_one_template(make_site):
    site = make_site(
        {
            "content/notes/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nHi\n",
            "layouts/404.html": "custom 404 for {{ lang }}\n",
        }
    )
    site.build()
    assert site.read("404.html") == "custom 404 for en\n"
    assert "<article" in site.read("notes/a/index.html")


def test_sample_site_builds(tmp_path):
    out = tmp_path / "public"
    result = Builder(
        BuildOptions(site_dir=REPO, output_dir=out, quiet=True, use_cache=False)
    ).build()
    assert result.planned > 50
    html = (out / "posts/circle-of-five/index.html").read_text()
    assert '<blockquote lang="nl">' in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html  # a reader's reply, neutralised
    assert 'href="javascript' not in html
    assert "ALOUD-CANARY-7f3a" not in "".join(
        p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file()
    )
    sv_talk = (out / "sv/talks/open-lesson-planning/index.html").read_text()
    assert 'lang="sv"' in sv_talk


def test_parallel_errors_are_reported_not_hung(make_site, monkeypatch):
    monkeypatch.setattr("ssg.builder.PARALLEL_PARSE_FROM", 1)
    monkeypatch.setattr("ssg.builder.PARALLEL_RENDER_FROM", 1)
    files = dict(TRILINGUAL)
    files["content/notes/broken.md"] = "---\ntitle: B\ndate: 2020-13-45\n---\n"
    files["content/notes/odd.md"] = "---\ntitle: O\ntemplate: nope.html\n---\n"
    site = make_site(files)
    import pytest

    from ssg.errors import BuildFailed

    with pytest.raises(BuildFailed) as info:
        site.build(jobs=2, use_cache=False)
    assert any("2020-13-45" in str(e) for e in info.value.errors)
    del files["content/notes/broken.md"]
    (site.root / "content/notes/broken.md").unlink()
    with pytest.raises(BuildFailed) as info:
        site.build(jobs=2, use_cache=False)
    assert any("nope.html" in str(e) for e in info.value.errors)
