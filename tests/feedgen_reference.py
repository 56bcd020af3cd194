"""The feed writer Aloud used until 2026-12-03: feedgen 1.0 building lxml trees.

Kept as the reference `ssg/feed_xml.py` is checked against (tests/test_feeds.py): the text
writer must give these bytes for every feed of a site that uses every field.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ssg.config import Config
from ssg.feed_content import entry_html
from ssg.feed_formats import (
    DC_NS,
    GENERATOR,
    PODCAST_NS,
    _description,
    _has_podcast,
    _license,
    _people,
    _site_authors,
    _tags_scheme,
    feed_title,
)
from ssg.feed_model import FeedSpec, Item

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class AloudFeedExtension(BaseExtension):
    """Declares the extra namespaces once, on the root element."""

    def __init__(self) -> None:
        self.namespaces: dict[str, str] = {}

    def extend_ns(self) -> dict[str, str]:
        return self.namespaces


class AloudEntryExtension(BaseEntryExtension):
    """Per-entry elements feedgen has no setter for."""

    def __init__(self) -> None:
        self.item: Item | None = None
        self.creators: list[str] = []  # RSS: names of authors without an email
        self.lang: str | None = None  # set in the all-languages feed
        self.license: tuple[str, str] = ("", "")  # (name, url)
        self.links: list[dict[str, str]] = []  # what FeedEntry.link() holds

    def _podcast(self, parent: Any) -> None:
        assert self.item is not None
        for link in self.item.transcripts:
            attributes = {"url": link.url, "type": link.type, "language": link.lang}
            attributes["rel"] = "captions"  # time-coded, as Podcasting 2.0 names caption files
            etree.SubElement(parent, f"{{{PODCAST_NS}}}transcript", attributes)
        if self.item.chapters_url:
            attributes = {"url": self.item.chapters_url, "type": "application/json+chapters"}
            etree.SubElement(parent, f"{{{PODCAST_NS}}}chapters", attributes)

    def extend_rss(self, item: Any) -> Any:
        for name in self.creators:
            etree.SubElement(item, f"{{{DC_NS}}}creator").text = name
        if self.license[0]:
            etree.SubElement(item, f"{{{DC_NS}}}rights").text = " ".join(self.license).strip()
        if self.lang:
            etree.SubElement(item, f"{{{DC_NS}}}language").text = self.lang
        self._podcast(item)
        return item

    def extend_atom(self, entry: Any) -> Any:
        # feedgen 1.0 writes entry links with their href only (lkiesow/python-feedgen#135):
        # put back rel, type, hreflang and length, in the order feedgen wrote the links.
        for element, link in zip(entry.findall("link"), self.links, strict=True):
            for name in ("rel", "type", "hreflang", "title", "length"):
                if link.get(name) and element.get(name) is None:
                    element.set(name, link[name])
        if self.lang:
            entry.attrib[XML_LANG] = self.lang
        if self.license[1]:
            attributes = {"rel": "license", "type": "text/html", "href": self.license[1]}
            etree.SubElement(entry, "link", attributes)
        self._podcast(entry)
        return entry


def _generator(
    spec: FeedSpec, config: Config, translate: Callable[[str], str], fmt: str
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("aloud", AloudFeedExtension, AloudEntryExtension)
    namespaces = {"podcast": PODCAST_NS} if _has_podcast(spec) else {}
    if fmt == "rss":
        namespaces["dc"] = DC_NS
    fg.aloud.namespaces = namespaces
    title = feed_title(spec, config, translate)
    fg.id(spec.atom)  # the feed's own address: as permanent as the address readers subscribe to
    fg.title(title)
    fg.description(_description(config, spec.lang, title))  # also the Atom subtitle
    if spec.lang:
        fg.language(spec.lang)
    fg.author(_site_authors(config))
    self_type = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    fg.link(href=getattr(spec, fmt), rel="self", type=self_type)
    name, url = _license(config.license)
    if url:
        fg.link(href=url, rel="license", type="text/html")
    fg.link(href=spec.home, rel="alternate", type="text/html")  # last: RSS uses the last link
    if name:
        fg.rights(f"{name} {url}".strip())
    fg.generator(GENERATOR)
    fg.updated(spec.updated)
    fg.lastBuildDate(spec.updated)
    for item in spec.items:
        fg.add_entry(_reused_entry(spec, config, item, translate), order="append")
    return fg


class _ReusedEntry(FeedEntry):
    """A FeedEntry that builds its Atom and RSS elements once.

    feedgen appends the element `atom_entry()`/`rss_entry()` returns to the feed being written;
    lxml moves an element that is in another tree, and a feed's tree is thrown away once
    serialised, so handing out the same element to each feed in turn is safe."""

    def __init__(self) -> None:
        super().__init__()
        self._elements: dict[str, Any] = {}

    def atom_entry(self, extensions: bool = True) -> Any:
        if "atom" not in self._elements:
            self._elements["atom"] = super().atom_entry(extensions)
        return self._elements["atom"]

    def rss_entry(self, extensions: bool = True) -> Any:
        if "rss" not in self._elements:
            self._elements["rss"] = super().rss_entry(extensions)
        return self._elements["rss"]


# Entries made in this process, keyed by the Item (one per page and build), what its page holds
# (a quick rebuild patches the page in place and updates its digests) and how the feed shows it;
# the Item and translator are kept in the value, so an id() is never reused while cached.
# A new full build brings a new Config and new Items: the old entries are dropped then.
_entries: dict[tuple, tuple[Item, Callable[[str], str], _ReusedEntry]] = {}
_entries_made_for: list[Config] = []
_ENTRIES_KEPT = 20_000


def _reused_entry(
    spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str]
) -> _ReusedEntry:
    """The entry for `item` as `spec` shows it, made on first use."""
    if not _entries_made_for or _entries_made_for[0] is not config or len(_entries) > _ENTRIES_KEPT:
        _entries.clear()
        _entries_made_for[:] = [config]
    page = item.page  # patched in place by a quick rebuild, its digests with it
    shown = (page.content_digest, page.card_digest)
    key = (id(item), id(translate), spec.full_content, spec.lang is None, shown)
    cached = _entries.get(key)
    if cached is not None and cached[0] is item and cached[1] is translate:
        return cached[2]
    entry = _new_entry(spec, config, item, translate)
    _entries[key] = (item, translate, entry)
    return entry


def _new_entry(
    spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str]
) -> _ReusedEntry:
    page = item.page
    assert page.date is not None
    entry = _ReusedEntry()
    entry.register_extension("aloud", AloudEntryExtension)
    entry.id(item.id)
    entry.title(page.title)
    entry.link(href=item.url, rel="alternate", type="text/html", hreflang=page.lang)
    authors = _people(config, page.authors) or _site_authors(config)
    entry.author(authors)
    contributors = _people(config, page.contributors)
    if contributors:
        entry.contributor(contributors)
    if spec.full_content:
        entry.content(entry_html(item, translate), type="html")
    if page.summary:  # plain text; both RSS <description> and this Atom summary are HTML
        entry.summary(html.escape(page.summary, quote=False), type="html")
    for tag in page.tags:
        entry.category(term=tag.id, label=tag.label, scheme=_tags_scheme(config, tag.url))
    entry.published(page.date)
    entry.updated(item.updated)
    name, url = _license(page.license)
    if name:
        entry.rights(f"{name} {url}".strip())
    if item.enclosure:
        enclosure = item.enclosure
        entry.enclosure(enclosure.url, str(enclosure.length), enclosure.type)
    extension: AloudEntryExtension = entry.aloud  # type: ignore[attr-defined]
    extension.item = item
    extension.creators = [a["name"] for a in authors if not a.get("email")]
    extension.lang = page.lang if spec.lang is None else None
    extension.license = (name, url)
    extension.links = list(entry.link())
    return entry


def _with_stylesheet(data: bytes, stylesheet: str) -> bytes:
    declaration, rest = data.split(b"\n", 1)
    instruction = f'<?xml-stylesheet type="text/xsl" href="{html.escape(stylesheet)}"?>'
    return declaration + b"\n" + instruction.encode() + b"\n" + rest


def rss_bytes(spec: FeedSpec, config: Config, translate: Callable[[str], str]) -> bytes:
    data = _generator(spec, config, translate, "rss").rss_str(pretty=True)
    return _with_stylesheet(data, spec.stylesheet)


def atom_bytes(spec: FeedSpec, config: Config, translate: Callable[[str], str]) -> bytes:
    data = _generator(spec, config, translate, "atom").atom_str(pretty=True)
    return _with_stylesheet(data, spec.stylesheet)
