"""Feeds: small sites built in tmp_path, their RSS, Atom and JSON feeds read back the way feed
readers read them (feedparser, the RFC 4287 RELAX NG schema, the JSON Feed 1.1 rules).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import feedparser
import pytest
from conftest import a_page
from conftest import write_tree as write
from lxml import etree

from ssg.builder import Builder, BuildOptions, BuildResult
from ssg.config import load_config
from ssg.errors import SiteWarning
from ssg.feed_content import absolutize
from ssg.feed_strings import translator
from ssg.feeds import entry_id, feed_urls_for
from ssg.routes import feed_urls

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO.parent / "shared" / "fixtures" / "schemas" / "atom.rng"
ATOM = "{http://www.w3.org/2005/Atom}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA = b"ID3" + bytes(1231)  # 1234 bytes of "audio"

CONFIG = """
title = "Test site"
description = "A site for testing feeds."
base_url = "https://example.org/blog/"
default_language = "en"
author = "ann"
license = "CC-BY-4.0"

[languages.en]
name = "English"

[languages.nl]
name = "Nederlands"
title = "Testsite"

[languages.sv]
name = "Svenska"

[authors.ann]
name = "Ann Example"
email = "ann@example.org"

[authors.bo]
name = "Bo Writer"
links = [{ name = "Web", url = "https://bo.example/" }]

[tags]
tools = { nl = "gereedschap", sv = "verktyg" }
"""

HARMONY = """
---
title: Harmony, not balance
date: 2013-08-12T09:00:00+02:00
updated: 2013-09-01T10:00:00+02:00
tags: [tools, teaching]
authors: [ann, bo]
contributors: [Carl Plain]
license: CC-BY-SA-4.0
summary: Why harmony <beats> balance & more.
---
The first paragraph.

See [the note](../notes/idea.md#why), [top](#fn1) and ![a circle](circle.svg).

<img src="/blog/posts/circle.svg" srcset="circle.svg 1x, /blog/posts/circle.svg 2x" alt="">
<a href="https://elsewhere.example/x?a=1&amp;b=2">out</a> <a href="mailto:ann@example.org">mail</a>

Closing words here.
"""

SITE = {
    "content/posts/harmony.md": HARMONY,
    "content/posts/harmony.nl.md": """
        ---
        title: Harmonie, geen balans
        slug: harmonie
        date: 2013-08-12T09:00:00+02:00
        tags: [tools]
        ---
        Eerste alinea.
    """,
    "content/posts/harmony.sv.md": """
        ---
        title: Harmoni, inte balans
        slug: harmoni
        date: 2013-08-12T09:00:00+02:00
        ---
        Första stycket.
    """,
    "content/posts/circle.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "content/notes/idea.md": """
        ---
        title: An idea
        date: 2013-09-01
        ---
        ## Why
        Because.
    """,
    "content/notes/same-b.md": "---\ntitle: Same time B\ndate: 2014-01-01T12:00:00Z\n---\nB.\n",
    "content/notes/same-a.md": "---\ntitle: Same time A\ndate: 2014-01-01T13:00+01:00\n---\nA.\n",
    "content/posts/undated.md": "---\ntitle: No date here\n---\nForgot the date.\n",
    "content/posts/draft.md": "---\ntitle: Secret draft\ndate: 2015-01-01\ndraft: true\n---\n",
    "content/posts/hidden.md": "---\ntitle: Hidden one\ndate: 2015-01-01\nprivate: true\n---\n",
    "content/private/journal.md": "---\ntitle: Journal\ndate: 2015-01-02\n---\nNo.\n",
    "content/pages/about.md": "---\ntitle: About\n---\nMe.\n",
    "content/talks/open-lesson.md": """
        ---
        title: Open lesson planning
        date: 2015-03-04T19:30:00+01:00
        tags: [tools]
        video: open-lesson.mp3
        chapters:
          - {time: "0:00", title: "Welcome"}
          - {time: "0:05", title: "The rule"}
        ---
        What we talked about.
    """,
    "content/talks/open-lesson.mp3": MEDIA,
    "content/talks/open-lesson.vtt": """
        WEBVTT

        00:00:01.000 --> 00:00:04.000
        <v Ann>Hello and welcome to the talk.

        00:00:05.000 --> 00:00:09.000
        <v Bo>Thanks, glad to be here & talking.
    """,
    "content/talks/open-lesson.sv.vtt": """
        WEBVTT

        00:00:01.000 --> 00:00:04.000
        <v Ann>Hej och välkommen.
    """,
}

FEED_FOLDERS = {
    "en": ("", "posts/", "notes/", "talks/", "tags/tools/", "tags/teaching/"),
    "nl": ("nl/", "nl/posts/", "nl/tags/tools/"),  # the untranslated talk shows tag "tools" in nl
    "sv": ("sv/", "sv/posts/", "sv/talks/", "sv/tags/tools/"),
}
ALL_FEEDS = [
    f"{folder}{name}"
    for folders in FEED_FOLDERS.values()
    for folder in folders
    for name in ("feed.xml", "atom.xml", "feed.json")
]


def options(root: Path, output: str = "public", **changes) -> BuildOptions:
    values = {"site_dir": root, "output_dir": root / output, "use_cache": False, "quiet": True}
    # an absolute `output` stays absolute: Path("/x") joined to anything is "/x"
    return BuildOptions(**{**values, "jobs": 1, **changes})


def build(root: Path, output: str = "public", **changes) -> BuildResult:
    return Builder(options(root, output, **changes)).build()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root, {"site.toml": CONFIG, **SITE})
    return root


@pytest.fixture
def built(site: Path) -> Path:
    build(site)
    return site / "public"


def read_feed(public: Path, rel: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((public / rel).read_bytes())
    assert parsed.bozo == 0, f"{rel}: {parsed.get('bozo_exception')}"
    return parsed


def titles(public: Path, rel: str) -> list[str]:
    if rel.endswith(".json"):
        return [item["title"] for item in json.loads((public / rel).read_text("utf-8"))["items"]]
    return [entry.title for entry in read_feed(public, rel).entries]


def atom_schema() -> etree.RelaxNG:
    if not SCHEMA.is_file():
        reason = f"RFC 4287 RELAX NG schema not found at {SCHEMA}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
        pytest.skip(reason)
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def json_feed_problems(feed: dict) -> list[str]:
    """The JSON Feed 1.1 rules readers rely on (jsonfeed.org/version/1.1)."""
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title")
    for key in ("home_page_url", "feed_url"):
        if not str(feed.get(key, "")).startswith("https://"):
            problems.append(key)
    if not isinstance(feed.get("items"), list):
        return [*problems, "items"]
    for item in feed["items"]:
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item id {item!r:.60}")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"item content {item.get('id')}")
        for key in ("date_published", "date_modified"):
            if key in item and dt.datetime.fromisoformat(item[key]).tzinfo is None:
                problems.append(f"{key} without a time zone")
        if not all(isinstance(a.get("name"), str) for a in item.get("authors", [])):
            problems.append("author name")
    return problems


# -- formats, scope, validity ----------------------------------------------------------------------
def assert_valid_feeds(public: Path) -> int:
    """Every feed file under `public/` read as readers read it; returns how many there are."""
    schema = atom_schema()
    found = sorted(p for p in public.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json"))
    for path in found:
        rel = path.relative_to(public).as_posix()
        if rel.endswith(".json"):
            assert json_feed_problems(json.loads(path.read_text("utf-8"))) == [], rel
            continue
        parsed = read_feed(public, rel)
        assert parsed.version == ("atom10" if rel.endswith("atom.xml") else "rss20"), rel
        if rel.endswith("atom.xml"):
            doc = etree.parse(str(path))
            assert schema.validate(doc), f"{rel}: {schema.error_log}"
            # The two Schematron rules of RFC 4287 that RELAX NG cannot express:
            root = doc.getroot()
            has_feed_author = root.find(f"{ATOM}author") is not None
            for entry in root.iter(f"{ATOM}entry"):
                assert has_feed_author or entry.find(f"{ATOM}author") is not None
                alternates = [
                    (link.get("type"), link.get("hreflang"))
                    for link in entry.findall(f"{ATOM}link")
                    if link.get("rel", "alternate") == "alternate"
                ]
                assert len(alternates) == len(set(alternates)), rel
    return len(found)


def test_every_feed_is_valid_in_every_format(built: Path) -> None:
    for rel in ALL_FEEDS:
        assert (built / rel).is_file(), rel
    assert assert_valid_feeds(built) == len(ALL_FEEDS)  # and no others


def test_every_feed_of_the_bundled_sample_site_is_valid(tmp_path: Path) -> None:
    build(REPO, output=str(tmp_path / "public"), state_dir=tmp_path / "state")
    assert assert_valid_feeds(tmp_path / "public") > 30


def test_one_feed_per_language_with_only_its_entries(built: Path) -> None:
    assert titles(built, "feed.xml") == [
        "Open lesson planning",
        "Same time A",  # same instant as B: ties are broken by entry id
        "Same time B",
        "An idea",
        "Harmony, not balance",
    ]
    assert titles(built, "nl/atom.xml") == ["Harmonie, geen balans"]
    assert titles(built, "sv/feed.json") == ["Open lesson planning", "Harmoni, inte balans"]
    assert read_feed(built, "nl/feed.xml").feed.language == "nl"
    assert etree.parse(str(built / "sv/atom.xml")).getroot().get(XML_LANG) == "sv"
    json_feed = (built / "nl/feed.json").read_text("utf-8")
    assert json.loads(json_feed)["language"] == "nl"
    assert json_feed.count("\n") == 1 and '","' in json_feed  # compact: the C encoder's
    assert read_feed(built, "nl/feed.xml").feed.title == "Testsite"


def test_per_section_and_per_tag_feeds(built: Path) -> None:
    assert titles(built, "posts/feed.xml") == ["Harmony, not balance"]
    assert titles(built, "notes/atom.xml") == ["Same time A", "Same time B", "An idea"]
    assert titles(built, "talks/feed.json") == ["Open lesson planning"]
    assert titles(built, "tags/tools/feed.xml") == ["Open lesson planning", "Harmony, not balance"]
    assert titles(built, "nl/tags/tools/atom.xml") == ["Harmonie, geen balans"]
    assert read_feed(built, "nl/tags/tools/feed.xml").feed.title == "Testsite · gereedschap"
    assert read_feed(built, "sv/posts/feed.xml").feed.title.endswith("· Inlägg")
    assert not (built / "nl/notes/feed.xml").exists()  # no Dutch notes: no section feed
    assert not (built / "all/feed.xml").exists()  # all_languages is off by default


def test_feed_urls_for_is_where_the_addresses_are_decided(site: Path, built: Path) -> None:
    config = load_config(site)
    for lang in ("en", "nl", "sv"):
        assert feed_urls_for(config, lang) == feed_urls(config, lang)
    assert feed_urls_for(config, "sv", tag="tools") == {
        "rss": "/blog/sv/tags/tools/feed.xml",
        "atom": "/blog/sv/tags/tools/atom.xml",
        "json": "/blog/sv/tags/tools/feed.json",
    }
    assert feed_urls_for(config, "en", section="posts")["atom"] == "/blog/posts/atom.xml"
    assert feed_urls_for(config, None) == {}  # the all-languages feed is off
    for urls in (
        feed_urls_for(config, "sv", tag="tools"),
        feed_urls_for(config, "en", section="notes"),
    ):
        for url in urls.values():
            assert (built / url.removeprefix("/blog/")).is_file()
    # autodiscovery: every HTML page advertises its language's feeds
    page = (built / "sv/posts/harmoni/index.html").read_text("utf-8")
    for kind, url in feed_urls(config, "sv").items():
        assert f'href="{url}"' in page, kind


def test_all_languages_feed_marks_each_entry_with_its_language(site: Path) -> None:
    config = (site / "site.toml").read_text("utf-8")
    (site / "site.toml").write_text(config + "\n[feeds]\nall_languages = true\n", "utf-8")
    build(site)
    public = site / "public"
    assert feed_urls_for(load_config(site), None)["rss"] == "/blog/all/feed.xml"
    assert len(titles(public, "all/feed.xml")) == 8  # 5 English, 1 Dutch, 2 Swedish
    root = etree.parse(str(public / "all/atom.xml")).getroot()
    assert root.get(XML_LANG) is None
    langs = {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in root.iter(f"{ATOM}entry")}
    assert langs["Harmonie, geen balans"] == "nl" and langs["An idea"] == "en"
    items = json.loads((public / "all/feed.json").read_text("utf-8"))["items"]
    assert {item["language"] for item in items} == {"en", "nl", "sv"}
    assert atom_schema().validate(root.getroottree())


def test_entry_count_and_summary_only_are_configurable(site: Path) -> None:
    config = (site / "site.toml").read_text("utf-8")
    extra = "\n[feeds]\nentries = 2\nfull_content = false\nper_tag = false\nper_section = false\n"
    (site / "site.toml").write_text(config + extra, "utf-8")
    build(site)
    public = site / "public"
    assert titles(public, "feed.xml") == ["Open lesson planning", "Same time A"]
    rss = (public / "feed.xml").read_text("utf-8")
    assert "content:encoded" not in rss and "Hello and welcome" not in rss
    atom = etree.parse(str(public / "atom.xml")).getroot()
    assert atom.find(f"{ATOM}entry/{ATOM}content") is None
    assert atom_schema().validate(atom.getroottree())
    items = json.loads((public / "feed.json").read_text("utf-8"))["items"]
    assert all("content_html" not in item and item["content_text"] for item in items)
    assert not (public / "tags/tools/feed.xml").exists()
    assert not (public / "posts/feed.xml").exists()
    assert feed_urls_for(load_config(site), "en", tag="tools") == {}


# -- content ---------------------------------------------------------------------------------------
def test_entry_content_is_complete_with_absolute_links_under_the_subpath(built: Path) -> None:
    entry = next(e for e in read_feed(built, "atom.xml").entries if e.title.startswith("Harmony"))
    atom = etree.parse(str(built / "atom.xml")).getroot()
    body = next(  # as written (feedparser's sanitizer would drop srcset)
        e.findtext(f"{ATOM}content")
        for e in atom.iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title").startswith("Harmony")
    )
    assert "Closing words here." in body
    links = re.findall(r'(?:href|src)="([^"]*)"', body)
    links += [u for s in re.findall(r'srcset="([^"]*)"', body) for u in s.split(", ")]
    assert links and all(
        url.startswith(("https://example.org/blog/", "https://elsewhere.example/", "mailto:"))
        for url in links
    ), links
    assert 'href="https://example.org/blog/notes/idea/#why"' in body
    assert 'href="https://example.org/blog/posts/harmony/#fn1"' in body
    assert 'src="https://example.org/blog/posts/circle.svg"' in body
    assert "https://example.org/blog/posts/circle.svg 2x" in body
    assert "https://elsewhere.example/x?a=1&amp;b=2" in body
    assert entry.summary == "Why harmony &lt;beats&gt; balance &amp; more."  # text shown as HTML
    json_item = json.loads((built / "feed.json").read_text("utf-8"))["items"][-1]
    assert json_item["summary"] == "Why harmony <beats> balance & more."
    assert 'href="https://example.org/blog/notes/idea/#why"' in json_item["content_html"]


def test_absolutize_rewrites_url_attributes_only() -> None:
    page = "https://example.org/blog/posts/hi/"
    body = (
        "<p><a href=/blog/x/ title='see href=/y'>x</a> <video poster='p.jpg' src=\"#t\"></video>"
        '<code>&lt;a href="/z"&gt;</code> <img data-src="/d.png" src="data:,AA"></p>'
    )
    assert absolutize(body, page) == (
        "<p><a href=\"https://example.org/blog/x/\" title='see href=/y'>x</a> "
        '<video poster="https://example.org/blog/posts/hi/p.jpg" '
        'src="https://example.org/blog/posts/hi/#t"></video>'
        '<code>&lt;a href="/z"&gt;</code> <img data-src="/d.png" src="data:,AA"></p>'
    )


def test_entry_metadata(built: Path) -> None:
    parsed = read_feed(built, "atom.xml")
    entry = next(e for e in parsed.entries if e.title.startswith("Harmony"))
    assert [a.name for a in entry.authors] == ["Ann Example", "Bo Writer"]
    assert entry.authors[1].href == "https://bo.example/"
    assert [c.name for c in entry.contributors] == ["Carl Plain"]
    assert [t.term for t in entry.tags] == ["tools", "teaching"]
    assert entry.published == "2013-08-12T09:00:00+02:00"
    assert entry.updated == "2013-09-01T10:00:00+02:00"
    assert entry.rights.startswith("CC BY-SA 4.0")
    assert entry.link == "https://example.org/blog/posts/harmony/"
    # the feed's own date is the newest entry's, with its time zone
    assert parsed.feed.updated == "2015-03-04T19:30:00+01:00"
    rss = read_feed(built, "feed.xml")
    item = next(e for e in rss.entries if e.title.startswith("Harmony"))
    assert item.published == "Mon, 12 Aug 2013 09:00:00 +0200"
    assert [t.term for t in item.tags] == ["tools", "teaching"]
    assert rss.feed.updated == "Wed, 04 Mar 2015 19:30:00 +0100"  # lastBuildDate
    dc_creators = etree.parse(str(built / "feed.xml")).findall(
        ".//item/{http://purl.org/dc/elements/1.1/}creator"
    )
    assert "Bo Writer" in [c.text for c in dc_creators]  # RSS <author> needs an email; Bo has none
    assert "ann@example.org (Ann Example)" in (built / "feed.xml").read_text("utf-8")
    sv_talk = read_feed(built, "sv/atom.xml").entries[0]
    assert [(t.term, t.label) for t in sv_talk.tags] == [("tools", "verktyg")]
    assert sv_talk.tags[0].scheme == "https://example.org/blog/sv/tags/"
    assert [t.term for t in read_feed(built, "sv/feed.xml").entries[0].tags] == ["verktyg"]


def test_talk_is_a_podcast_entry(built: Path) -> None:
    rss = etree.parse(str(built / "talks/feed.xml"))
    item = rss.find(".//item")
    enclosure = item.find("enclosure")
    assert enclosure.attrib == {
        "url": "https://example.org/blog/talks/open-lesson.mp3",
        "length": "1234",
        "type": "audio/mpeg",
    }
    transcripts = [t.attrib for t in item.findall(f"{PODCAST}transcript")]
    assert transcripts[0] == {
        "url": "https://example.org/blog/talks/open-lesson/open-lesson.vtt",
        "type": "text/vtt",
        "language": "en",
        "rel": "captions",
    }
    assert transcripts[1]["language"] == "sv"
    chapters = item.find(f"{PODCAST}chapters")
    assert chapters.get("url") == "https://example.org/blog/talks/open-lesson/chapters.json"
    assert chapters.get("type") == "application/json+chapters"
    published = json.loads((built / "talks/open-lesson/chapters.json").read_text("utf-8"))
    assert published["version"] == "1.2.0"
    assert published["chapters"] == [
        {"startTime": 0, "title": "Welcome"},
        {"startTime": 5, "title": "The rule"},
    ]
    parsed = read_feed(built, "talks/feed.xml")
    content = parsed.entries[0].content[0].value
    assert "What we talked about." in content and "glad to be here &amp; talking" in content
    assert 'href="https://example.org/blog/talks/open-lesson/#t=5"' in content
    atom = read_feed(built, "talks/atom.xml").entries[0]
    assert [(e.href, e.length, e.type) for e in atom.enclosures] == [
        ("https://example.org/blog/talks/open-lesson.mp3", "1234", "audio/mpeg")
    ]
    json_item = json.loads((built / "talks/feed.json").read_text("utf-8"))["items"][0]
    assert json_item["attachments"] == [
        {
            "url": "https://example.org/blog/talks/open-lesson.mp3",
            "mime_type": "audio/mpeg",
            "size_in_bytes": 1234,
        }
    ]
    # the Swedish caption file makes a Swedish talk page: its feed entry has the Swedish transcript
    sv = read_feed(built, "sv/talks/feed.xml").entries[0].content[0].value
    assert "Hej och välkommen." in sv and "Transkription" in sv


# -- stability -------------------------------------------------------------------------------------
def test_entry_id_rule(site: Path) -> None:
    config = load_config(site)
    page = a_page(
        id="posts/hello.sv",
        lang="sv",
        slug="hej",
        url="/blog/sv/posts/hej/",
        output="sv/posts/hej/index.html",
        title="Hej",
        date=dt.datetime(2024, 3, 5, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        source_rel="content/posts/hello.sv.md",
    )
    assert entry_id(config, page) == "tag:example.org,2024-03-05:blog/posts/hello/sv"


def test_ids_survive_a_title_and_slug_change(site: Path) -> None:
    build(site)
    before = {e.link: e.id for e in read_feed(site / "public", "atom.xml").entries}
    assert before["https://example.org/blog/posts/harmony/"] == (
        "tag:example.org,2013-08-12:blog/posts/harmony/en"
    )
    assert len(set(before.values())) == len(before)
    renamed = HARMONY.replace("title: Harmony, not balance", "title: Harmony\nslug: harmony-2")
    write(site, {"content/posts/harmony.md": renamed})
    build(site)
    after = {e.link: e.id for e in read_feed(site / "public", "atom.xml").entries}
    assert after["https://example.org/blog/posts/harmony-2/"] == (
        "tag:example.org,2013-08-12:blog/posts/harmony/en"
    )
    assert sorted(after.values()) == sorted(before.values())


FEEDGEN_CONFIGS = {
    "default": "",
    "all languages, tags in full": "[feeds]\nall_languages = true\ntag_full_content = true\n",
    "summaries only": "[feeds]\nfull_content = false\n",
}


@pytest.mark.parametrize("extra", FEEDGEN_CONFIGS.values(), ids=list(FEEDGEN_CONFIGS))
def test_feeds_are_byte_for_byte_what_feedgen_writes(
    site: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    """The text writer (ssg/feed_xml.py) against feedgen + lxml, the writer it replaced, on a
    site with emails, links, contributors, licences, translated tags, an enclosure, captions,
    chapters, entries with and without summaries, and characters XML must escape."""
    import feedgen_reference

    import ssg.feeds

    config = (site / "site.toml").read_text("utf-8")
    odd = 'title: "Quotes \\"here\\" & <angles>\\tand a tab\\r\\nand a break"'
    write(
        site,
        {
            "site.toml": config.replace('"gereedschap"', '"gereedschap & <meer>"') + extra,
            "content/notes/odd.md": f"---\n{odd}\ndate: 2016-01-01\nsummary: '\"a\" & b'\n---\n"
            'Body with <b>tags</b> &amp; "quotes" and a\ttab.\n',
        },
    )
    build(site, "text")
    monkeypatch.setattr(ssg.feeds, "rss_bytes", feedgen_reference.rss_bytes)
    monkeypatch.setattr(ssg.feeds, "atom_bytes", feedgen_reference.atom_bytes)
    build(site, "feedgen")
    names = sorted(
        str(path.relative_to(site / "feedgen")) for path in (site / "feedgen").rglob("*.xml")
    )
    feeds = [name for name in names if name.endswith(("feed.xml", "atom.xml"))]
    assert len(feeds) >= 20 and "notes/atom.xml" in feeds
    assert b"&lt;angles&gt;" in (site / "feedgen/notes/atom.xml").read_bytes()
    if "all_languages" in extra:
        assert b'xml:lang="nl"' in (site / "feedgen/all/atom.xml").read_bytes()
    for name in feeds:
        assert (site / "text" / name).read_bytes() == (site / "feedgen" / name).read_bytes(), name


def test_characters_xml_does_not_allow_are_left_out() -> None:
    """lxml refused such text (the build failed on a stray control character); now it is
    dropped, and what XML allows is escaped as libxml2 escapes it."""
    from ssg.feed_xml import attribute, leaf, text

    assert text("a\x00b\x0bc\x1fd\ufffe") == "abcd"
    assert text("<a href='x'>&amp;</a>\r") == "&lt;a href='x'&gt;&amp;amp;&lt;/a&gt;&#13;"
    assert attribute('say "hi"\n\tnow') == "say &quot;hi&quot;&#10;&#9;now"
    assert leaf(1, "x", "") == "  <x></x>\n" and leaf(1, "x", None) == "  <x/>\n"


def test_two_builds_give_byte_identical_feeds(site: Path) -> None:
    build(site, "one")
    time.sleep(1.1)  # a "now" timestamp anywhere would differ
    build(site, "two")
    names = [*ALL_FEEDS, "assets/feed.en.xsl", "talks/open-lesson/chapters.json"]
    for rel in names:
        assert (site / "one" / rel).read_bytes() == (site / "two" / rel).read_bytes(), rel


def test_feeds_are_rendered_again_exactly_when_what_they_show_changes(site: Path) -> None:
    builder = Builder(options(site))
    builder.build()
    assert builder.build().rendered == 0
    write(site, {"content/posts/harmony.md": HARMONY.replace("Closing words", "Final words")})
    changed = set(builder.build().written)
    assert {"feed.xml", "atom.xml", "feed.json", "posts/feed.xml"} <= changed
    assert not {p for p in changed if p.startswith(("nl/", "sv/", "notes/", "talks/", "tags/"))}
    # summaries only: a body edit that leaves the card alone changes no feed
    config = (site / "site.toml").read_text("utf-8")
    (site / "site.toml").write_text(config + "\n[feeds]\nfull_content = false\n", "utf-8")
    builder.build()
    write(site, {"content/posts/harmony.md": HARMONY.replace("Closing words", "Other words")})
    result = builder.build()
    assert result.rendered == 1 and result.written == ["posts/harmony/index.html"]


def _harmony_entries(public: Path, names: list[str]) -> list[bytes]:
    """The Atom <entry> of the harmony post in each feed, serialised on its own."""
    entries = []
    for name in names:
        root = etree.parse(str(public / name)).getroot()
        for entry in root.iter("{http://www.w3.org/2005/Atom}entry"):
            if "harmony" in entry.findtext("{http://www.w3.org/2005/Atom}id", ""):
                entries.append(etree.tostring(entry, method="c14n", exclusive=True))
    return entries


def test_an_entry_shared_by_several_feeds_is_built_once_and_follows_edits(site: Path) -> None:
    """Each entry's XML is made once per build and reused by every feed that shows it."""
    config = (site / "site.toml").read_text("utf-8")
    (site / "site.toml").write_text(config + "\n[feeds]\ntag_full_content = true\n", "utf-8")
    names = ["atom.xml", "posts/atom.xml", "tags/tools/atom.xml", "tags/teaching/atom.xml"]
    builder = Builder(options(site))
    builder.build()
    entries = _harmony_entries(site / "public", names)
    assert len(entries) == 4 and len(set(entries)) == 1
    assert b"Closing words" in entries[0]
    # the same process builds again after an edit: no feed may keep the old entry
    write(site, {"content/posts/harmony.md": HARMONY.replace("Closing words", "Final words")})
    builder.build()
    entries = _harmony_entries(site / "public", names)
    assert len(set(entries)) == 1 and b"Final words" in entries[0]
    assert not any(b"Closing words" in entry for entry in entries)


def test_tag_feeds_carry_summaries_unless_configured(site: Path) -> None:
    build(site)
    built = site / "public"
    tag_entry = read_feed(built, "tags/tools/atom.xml").entries[0]
    language_entry = next(
        e for e in read_feed(built, "atom.xml").entries if e.link == tag_entry.link
    )
    assert "content" not in tag_entry and tag_entry.summary
    assert language_entry.content[0].value
    tag_json = json.loads((built / "tags/tools/feed.json").read_text("utf-8"))
    assert all("content_html" not in item and item["content_text"] for item in tag_json["items"])
    config = (site / "site.toml").read_text("utf-8")
    (site / "site.toml").write_text(config + "\n[feeds]\ntag_full_content = true\n", "utf-8")
    build(site, "full")
    tag_entry = read_feed(site / "full", "tags/tools/atom.xml").entries[0]
    assert tag_entry.content[0].value == language_entry.content[0].value


# -- bad input ---------------------------------------------------------------------------------
def test_undated_post_is_left_out_with_a_warning(site: Path) -> None:
    result = build(site)
    found = [w for w in result.warnings if "left out of feeds" in w.message]
    assert found == [
        SiteWarning(
            "content/posts/undated.md",
            None,
            "no date: this post is left out of feeds (add 'date:')",
        )
    ]
    for rel in ALL_FEEDS:
        assert "No date here" not in (site / "public" / rel).read_text("utf-8"), rel


@pytest.mark.parametrize("drafts", [False, True])
def test_drafts_and_private_pages_never_appear(site: Path, drafts: bool) -> None:
    build(site, drafts=drafts)
    public = site / "public"
    feeds = [p for p in public.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json")]
    assert len(feeds) >= len(ALL_FEEDS)
    for path in feeds:
        text = path.read_text("utf-8")
        for secret in ("Secret draft", "Hidden one", "Journal"):
            assert secret not in text, (path, secret)


def test_a_feed_without_entries_is_still_valid(tmp_path: Path) -> None:
    root = tmp_path / "site"
    config = CONFIG.replace(
        'base_url = "https://example.org/blog/"', 'base_url = "https://example.org/"'
    )
    write(root, {"site.toml": config, "content/pages/about.md": "---\ntitle: About\n---\nMe.\n"})
    build(root)
    public = root / "public"
    for lang in ("", "nl/"):
        assert read_feed(public, f"{lang}feed.xml").entries == []
        atom = read_feed(public, f"{lang}atom.xml")
        assert atom.entries == [] and atom.feed.updated == "1970-01-01T00:00:00+00:00"
        assert atom_schema().validate(etree.parse(str(public / f"{lang}atom.xml")))
        feed = json.loads((public / f"{lang}feed.json").read_text("utf-8"))
        assert feed["items"] == [] and json_feed_problems(feed) == []
    assert not (public / "posts/feed.xml").exists()


# -- readable in a browser -------------------------------------------------------------------------
def test_browsers_get_a_styled_explanation_and_readers_plain_xml(built: Path) -> None:
    rss = (built / "sv/feed.xml").read_text("utf-8")
    assert (
        rss.splitlines()[1] == '<?xml-stylesheet type="text/xsl" href="/blog/assets/feed.sv.xsl"?>'
    )
    assert read_feed(built, "sv/feed.xml").entries  # readers are not disturbed by it
    for rel in ("sv/feed.xml", "sv/atom.xml"):
        stylesheet = etree.XSLT(etree.parse(str(built / "assets/feed.sv.xsl")))
        page = str(stylesheet(etree.parse(str(built / rel))))
        assert '<html lang="sv"' in page
        assert "Det här är ett webbflöde" in page
        assert "https://example.org/blog/sv/" in page  # the address to copy or the site link
        assert "Harmoni, inte balans" in page and "Open lesson planning" in page
        assert "2013-08-12" in page
        assert "Poddappar" in page  # it has an enclosure, so podcast apps are mentioned


def test_feed_page_is_in_the_feed_language(tmp_path: Path) -> None:
    root = tmp_path / "site"
    languages = "".join(
        f'\n[languages.{code}]\nname = "{name}"\n'
        for code, name in [
            ("en", "English"),
            ("nl", "Nederlands"),
            ("sv", "Svenska"),
            ("de", "Deutsch"),
            ("fr", "Français"),
        ]
    )
    config = 'title = "T"\nbase_url = "https://example.org/"\ndefault_language = "en"\n' + languages
    write(
        root,
        {
            "site.toml": config,
            "content/posts/a.de.md": "---\ntitle: Hallo\ndate: 2020-01-01\n---\nHi.\n",
        },
    )
    builder = Builder(options(root))
    builder.build()
    assert builder.env is not None
    public = root / "public"
    seen = set()
    for lang in ("en", "nl", "sv", "de", "fr"):
        translate = translator(builder.env, lang)
        explanation = translate("This is a web feed")
        assert lang == "en" or explanation != "This is a web feed", lang
        stylesheet = etree.XSLT(etree.parse(str(public / f"assets/feed.{lang}.xsl")))
        prefix = "" if lang == "en" else f"{lang}/"
        for name in ("feed.xml", "atom.xml"):
            page = str(stylesheet(etree.parse(str(public / f"{prefix}{name}"))))
            assert f'<html lang="{lang}"' in page and explanation in page
            assert ("Hallo" in page) == (lang == "de")
            if lang != "de":
                assert translate("Nothing here yet.") in page
        seen.add(explanation)
    assert len(seen) == 5


def test_a_site_catalog_overrides_the_built_in_feed_strings(site: Path) -> None:
    write(
        site,
        {
            "i18n/nl.po": """
                msgid ""
                msgstr ""
                "Content-Type: text/plain; charset=UTF-8\\n"

                msgid "This is a web feed"
                msgstr "Hier volg je ons"
            """
        },
    )
    build(site)
    xsl = (site / "public/assets/feed.nl.xsl").read_text("utf-8")
    assert "Hier volg je ons" in xsl and "Dit is een webfeed" not in xsl
    assert "Zo abonneer je je" in xsl  # the rest still comes from the built-in table
