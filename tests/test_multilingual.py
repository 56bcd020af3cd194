"""Multilingual sites: prefixes, translated slugs and tags, untranslated content, RTL, dates, catalogs."""

from __future__ import annotations

import re

import pytest

CONFIG = """
title = "Samen leren"
base_url = "https://example.org/"
default_language = "nl"
untranslated = "{untranslated}"

[languages.nl]
name = "Nederlands"

[languages.en]
name = "English"
prefix = "english"
date_format = "d MMM y"

[languages.sv]
name = "Svenska"
title = "Lära tillsammans"

[languages.ar]
name = "العربية"

[tags]
open-education = {{ en = "open education", sv = "öppen utbildning", ar = "التعليم المفتوح" }}
"""

FILES = {
    "content/posts/leren.md": "---\ntitle: Leren in het openbaar\ndate: 2013-08-12\ntags: [open-education]\n---\nTekst.\n",
    "content/posts/leren.en.md": "---\ntitle: Learning in public\nslug: learning\ndate: 2013-08-12\ntags: [open-education]\n---\nText.\n",
    "content/posts/leren.ar.md": "---\ntitle: التعلم علنًا\nslug: altaallum\ndate: 2013-08-12\n---\nنص.\n",
    "content/posts/alleen-nl.md": "---\ntitle: Alleen in het Nederlands\ndate: 2014-01-01\n---\nTekst.\n",
    "content/notes/quote.en.md": "---\ntitle: A quote\ndate: 2014-02-01\n---\n{lang=sv}\n> Det här är svenska.\n",
    "content/pages/over.md": "---\ntitle: Over mij\ntranslation_key: about\n---\nIk.\n",
    "content/pages/about.en.md": "---\ntitle: About me\ntranslation_key: about\nslug: about\n---\nMe.\n",
}


def build(make_site, untranslated="show"):
    site = make_site(FILES, CONFIG.format(untranslated=untranslated))
    site.build()
    return site


def test_prefixes_and_translated_slugs(make_site):
    site = build(make_site)
    assert site.exists("posts/leren/index.html")  # default language at the root
    assert site.exists("english/posts/learning/index.html")  # a configured prefix
    assert site.exists("ar/posts/altaallum/index.html")
    assert site.exists("english/about/index.html") and site.exists("over/index.html")
    about = site.read("over/index.html")
    assert (
        'hreflang="en" href="https://example.org/english/about/"' in about
    )  # joined by translation_key


def test_rtl_language(make_site):
    site = build(make_site)
    page = site.read("ar/posts/altaallum/index.html")
    assert '<html lang="ar" dir="rtl">' in page
    assert '<html lang="nl" dir="ltr">' in site.read("posts/leren/index.html")


def test_translated_tag_labels_and_urls(make_site):
    site = build(make_site)
    assert "open education" in site.read("english/tags/open-education/index.html")
    en_post = site.read("english/posts/learning/index.html")
    assert '<a href="/english/tags/open-education/" rel="tag">open education</a>' in en_post


def test_dates_per_language_and_configurable_format(make_site):
    site = build(make_site)
    assert ">12 augustus 2013</time>" in site.read("posts/leren/index.html")
    assert ">12 Aug 2013</time>" in site.read("english/posts/learning/index.html")  # date_format
    assert "2013</time>" in site.read("ar/posts/altaallum/index.html")


def test_untranslated_shown_marked_with_language(make_site):
    site = build(make_site, "show")
    home = site.read("english/index.html")
    match = re.search(r'<article class="card card-post" lang="nl">.*?</article>', home, re.S)
    assert match and "Alleen in het Nederlands" in match.group(0)
    assert "in Nederlands" in match.group(0)


def test_untranslated_hidden(make_site):
    site = build(make_site, "hide")
    assert "Alleen in het Nederlands" not in site.read("english/index.html")
    assert "Alleen in het Nederlands" in site.read("index.html")


def test_block_language_attribute(make_site):
    site = build(make_site)
    assert '<blockquote lang="sv">' in site.read("english/notes/quote/index.html")


def test_per_language_pages_and_ui_strings(make_site):
    site = build(make_site)
    for prefix in ("", "english/", "sv/", "ar/"):
        for page in ("index.html", "404.html", "archive/index.html", "tags/index.html"):
            assert site.exists(prefix + page), prefix + page
    assert "Archief" in site.read("archive/index.html")
    assert "Arkiv" in site.read("sv/archive/index.html")
    assert "<title>Lära tillsammans</title>" in site.read("sv/index.html")  # per-language title


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("posts/leren/index.html", "1 minuut leestijd"),
        ("english/posts/learning/index.html", "1 minute read"),
    ],
)
def test_reading_time_plural(make_site, path, expected):
    site = build(make_site)
    assert expected in site.read(path)
