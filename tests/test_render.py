"""Parts of ssg/render.py not covered by whole builds."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from ssg.config import load_config
from ssg.render import sitemap_xml

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_sitemap_escapes_what_xml_needs_escaped(tmp_path: Path) -> None:
    """Its text and attributes are escaped with the feeds' escaping (ssg/feed_xml.py): any
    URL, even one with characters URL-quoting leaves alone, reads back as it was."""
    (tmp_path / "site.toml").write_text(
        'title = "T"\nbase_url = "https://example.org/a&b<c>/"\ndefault_language = "en"\n'
        '[languages.en]\nname = "English"\n[languages.sv]\nname = "Svenska"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    day = dt.datetime(2024, 5, 17, tzinfo=dt.UTC)
    entries = (("/a&b<c>/x/", day, (("sv", '/a&b<c>/sv/"x"/'),), "en"),)
    root = ET.fromstring(sitemap_xml(config, entries))
    (url,) = root.findall(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}loc") == "https://example.org/a&b<c>/x/"
    assert url.findtext(f"{SITEMAP}lastmod") == "2024-05-17"
    links = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
    assert links == {
        "en": "https://example.org/a&b<c>/x/",
        "sv": 'https://example.org/a&b<c>/sv/"x"/',
    }
