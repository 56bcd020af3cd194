"""A FeedSpec → RSS 2.0, Atom 1.0 or JSON Feed 1.1 bytes.

The XML is written as text (`feed_xml`), byte for byte what feedgen 1.0 wrote through lxml
with `pretty=True` before (`tests/test_feeds.py` compares the two), plus what feedgen could
not express: Podcasting 2.0 elements, dc:creator for authors without an email, per-entry licence
links and languages, and the rel, type and hreflang of entry links that feedgen 1.0 dropped
(lkiesow/python-feedgen#135). "Updated" dates come from the entries and the generator has no
version, so an unchanged site gives identical bytes.

A post is an entry of several feeds (its language's, its section's, one per tag), so each
entry's text is made once per process and format and reused (`_entry_text`), JSON included.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from .config import Config
from .feed_content import entry_html
from .feed_model import FeedSpec, Item
from .feed_strings import section_label
from .feed_xml import INDENT, XML_DECLARATION, attribute, leaf, namespaces, person, rfc2822
from .openness import license_name, license_url

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "Aloud"  # without a version, so upgrading Aloud alone does not change feeds
RSS_DOCS = "http://www.rssboard.org/rss-specification"


def feed_title(spec: FeedSpec, config: Config, translate: Callable[[str], str]) -> str:
    site_title = _site_title(config, spec.lang)
    if spec.scope == "tag":
        return f"{site_title} · {spec.label}"
    if spec.scope == "section":
        return f"{site_title} · {section_label(spec.name, translate)}"
    if spec.scope == "all":
        return f"{site_title} · {translate('All languages')}"
    return site_title


def _site_title(config: Config, lang: str | None) -> str:
    return (config.language(lang).title if lang else None) or config.title


def _description(config: Config, lang: str | None, title: str) -> str:
    language = config.language(lang) if lang else None
    return (language.description if language else None) or config.description or title


def _people(config: Config, ids: tuple[str, ...]) -> list[dict[str, str]]:
    """Author ids from site.toml → {name, email, uri}; unknown ids are plain names."""
    people = []
    for person_id in ids:
        author = config.author_by_id(person_id)
        if author is None:
            people.append({"name": person_id})
            continue
        person = {"name": author.name}
        if author.email:
            person["email"] = author.email
        if author.links:
            person["uri"] = author.links[0][1]
        people.append(person)
    return people


def _site_authors(config: Config) -> list[dict[str, str]]:
    if config.author:
        return _people(config, (config.author,))
    return [{"name": config.title}]


def _license(spdx: str) -> tuple[str, str]:
    return (license_name(spdx), license_url(spdx)) if spdx else ("", "")


def _has_podcast(spec: FeedSpec) -> bool:
    return any(item.transcripts or item.chapters_url for item in spec.items)


def _stylesheet(spec: FeedSpec) -> str:
    return f'<?xml-stylesheet type="text/xsl" href="{html.escape(spec.stylesheet)}"?>\n'


def _links(depth: int, links: list[list[tuple[str, str]]]) -> str:
    return "".join(leaf(depth, "link", None, pairs) for pairs in links)


def atom_bytes(spec: FeedSpec, config: Config, translate: Callable[[str], str]) -> bytes:
    title = feed_title(spec, config, translate)
    declared = namespaces({"podcast": PODCAST_NS} if _has_podcast(spec) else {})
    lang = f' xml:lang="{attribute(spec.lang)}"' if spec.lang else ""
    name, url = _license(config.license)
    links = [[("href", spec.atom), ("rel", "self"), ("type", "application/atom+xml")]]
    if url:
        links.append([("href", url), ("rel", "license"), ("type", "text/html")])
    links.append([("href", spec.home), ("rel", "alternate"), ("type", "text/html")])
    parts = [
        XML_DECLARATION,
        _stylesheet(spec),
        f'<feed{declared} xmlns="{ATOM_NS}"{lang}>\n',
        leaf(1, "id", spec.atom),  # the feed's own address: as permanent as a subscription
        leaf(1, "title", title),
        leaf(1, "updated", spec.updated.isoformat()),
        *(person(1, "author", who) for who in _site_authors(config) if who.get("name")),
        _links(1, links),
        leaf(1, "generator", GENERATOR),
    ]
    if name:
        parts.append(leaf(1, "rights", f"{name} {url}".strip()))
    description = _description(config, spec.lang, title)
    if description:
        parts.append(leaf(1, "subtitle", description))
    parts.extend(_entry_text(spec, config, item, translate, "atom") for item in spec.items)
    parts.append("</feed>\n")
    return "".join(parts).encode()


def rss_bytes(spec: FeedSpec, config: Config, translate: Callable[[str], str]) -> bytes:
    title = feed_title(spec, config, translate)
    declared = {"podcast": PODCAST_NS} if _has_podcast(spec) else {}
    declared.update(dc=DC_NS, atom=ATOM_NS, content=CONTENT_NS)
    name, url = _license(config.license)
    self_link = [("href", spec.rss), ("rel", "self"), ("type", "application/rss+xml")]
    parts = [
        XML_DECLARATION,
        _stylesheet(spec),
        f'<rss{namespaces(declared)} version="2.0">\n',
        f"{INDENT}<channel>\n",
        leaf(2, "title", title),
        leaf(2, "link", spec.home),
        leaf(2, "description", _description(config, spec.lang, title)),
        leaf(2, "atom:link", None, self_link),
    ]
    if name:
        parts.append(leaf(2, "copyright", f"{name} {url}".strip()))
    parts.append(leaf(2, "docs", RSS_DOCS))
    parts.append(leaf(2, "generator", GENERATOR))
    if spec.lang:
        parts.append(leaf(2, "language", spec.lang))
    parts.append(leaf(2, "lastBuildDate", rfc2822(spec.updated)))
    parts.extend(_entry_text(spec, config, item, translate, "rss") for item in spec.items)
    parts.append(f"{INDENT}</channel>\n</rss>\n")
    return "".join(parts).encode()


# Entries' text made in this process, keyed by format, the Item (one per page and build), what
# its page holds (a quick rebuild patches the page in place and updates its digests) and how
# the feed shows it; the Item and translator are kept in the value, so an id() is never reused
# while cached. A new full build brings a new Config and new Items: the old entries are dropped.
_entries: dict[tuple, tuple[Item, Callable[[str], str], str]] = {}
_entries_made_for: list[Config] = []
_ENTRIES_KEPT = 40_000


def _entry_text(
    spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str], fmt: str
) -> str:
    """The text of `item` as `spec` shows it in `fmt`, made on first use."""
    if not _entries_made_for or _entries_made_for[0] is not config or len(_entries) > _ENTRIES_KEPT:
        _entries.clear()
        _entries_made_for[:] = [config]
    page = item.page
    shown = (page.content_digest, page.card_digest)
    key = (fmt, id(item), id(translate), spec.full_content, spec.lang is None, shown)
    cached = _entries.get(key)
    if cached is not None and cached[0] is item and cached[1] is translate:
        return cached[2]
    made = _ENTRY_WRITERS[fmt](spec, config, item, translate)
    _entries[key] = (item, translate, made)
    return made


def _atom_entry(spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str]) -> str:
    page = item.page
    assert page.date is not None
    authors = _people(config, page.authors) or _site_authors(config)
    parts = [
        leaf(2, "id", item.id),
        leaf(2, "title", page.title),
        leaf(2, "updated", item.updated.isoformat()),
        *(person(2, "author", who) for who in authors if who.get("name")),
    ]
    if spec.full_content:
        parts.append(leaf(2, "content", entry_html(item, translate) or None, [("type", "html")]))
    link = [("href", item.url), ("rel", "alternate"), ("type", "text/html")]
    if page.lang:
        link.append(("hreflang", page.lang))
    links = [link]
    if item.enclosure:
        enclosure = item.enclosure
        link = [("href", enclosure.url), ("rel", "enclosure")]
        if enclosure.type:
            link.append(("type", enclosure.type))
        links.append([*link, ("length", str(enclosure.length))])
    parts.append(_links(2, links))
    if page.summary:  # plain text; both RSS <description> and this Atom summary are HTML
        parts.append(leaf(2, "summary", html.escape(page.summary, quote=False), [("type", "html")]))
    for tag in page.tags:
        category = [("term", tag.id)]
        scheme = _tags_scheme(config, tag.url)
        if scheme:
            category.append(("scheme", scheme))
        if tag.label:
            category.append(("label", tag.label))
        parts.append(leaf(2, "category", None, category))
    parts.extend(
        person(2, "contributor", who)
        for who in _people(config, page.contributors)
        if who.get("name")
    )
    parts.append(leaf(2, "published", page.date.isoformat()))
    name, url = _license(page.license)
    if name:
        parts.append(leaf(2, "rights", f"{name} {url}".strip()))
    if url:
        parts.append(
            leaf(2, "link", None, [("rel", "license"), ("type", "text/html"), ("href", url)])
        )
    parts.append(_podcast(2, item))
    lang = f' xml:lang="{attribute(page.lang)}"' if spec.lang is None and page.lang else ""
    return f"{INDENT}<entry{lang}>\n{''.join(parts)}{INDENT}</entry>\n"


def _rss_item(spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str]) -> str:
    page = item.page
    assert page.date is not None
    parts = [leaf(3, "title", page.title), leaf(3, "link", item.url)]
    summary = html.escape(page.summary, quote=False) if page.summary else None
    content = entry_html(item, translate) if spec.full_content else None
    if summary is not None:
        parts.append(leaf(3, "description", summary))
        if content is not None:
            parts.append(leaf(3, "content:encoded", content))
    elif content is not None:
        parts.append(leaf(3, "description", content))
    authors = _people(config, page.authors) or _site_authors(config)
    for who in authors:
        if who.get("email"):
            shown = f"{who['email']} ({who['name']})" if who.get("name") else who["email"]
            parts.append(leaf(3, "author", shown))
    parts.append(leaf(3, "guid", item.id, [("isPermaLink", "false")]))
    for tag in page.tags:
        scheme = _tags_scheme(config, tag.url)
        parts.append(leaf(3, "category", tag.label, [("domain", scheme)] if scheme else None))
    if item.enclosure:
        enclosure = item.enclosure
        pairs = [("url", enclosure.url), ("length", str(enclosure.length))]
        parts.append(leaf(3, "enclosure", None, [*pairs, ("type", enclosure.type)]))
    parts.append(leaf(3, "pubDate", rfc2822(page.date)))
    parts.extend(leaf(3, "dc:creator", who["name"]) for who in authors if not who.get("email"))
    name, url = _license(page.license)
    if name:
        parts.append(leaf(3, "dc:rights", " ".join((name, url)).strip()))
    if spec.lang is None and page.lang:
        parts.append(leaf(3, "dc:language", page.lang))
    parts.append(_podcast(3, item))
    pad = INDENT * 2
    return f"{pad}<item>\n{''.join(parts)}{pad}</item>\n"


def _podcast(depth: int, item: Item) -> str:
    """Podcasting 2.0: the published caption files (time-coded, hence "captions") and the
    chapters file."""
    parts = []
    for link in item.transcripts:
        pairs = [("url", link.url), ("type", link.type), ("language", link.lang)]
        parts.append(leaf(depth, "podcast:transcript", None, [*pairs, ("rel", "captions")]))
    if item.chapters_url:
        pairs = [("url", item.chapters_url), ("type", "application/json+chapters")]
        parts.append(leaf(depth, "podcast:chapters", None, pairs))
    return "".join(parts)


def _tags_scheme(config: Config, tag_url: str) -> str:
    """The tag index the tag's page is in: "https://example.org/blog/sv/tags/"."""
    return config.origin + tag_url.rstrip("/").rsplit("/", 1)[0] + "/"


def json_bytes(spec: FeedSpec, config: Config, translate: Callable[[str], str]) -> bytes:
    """JSON Feed 1.1 (jsonfeed.org/version/1.1)."""
    title = feed_title(spec, config, translate)
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": spec.home,
        "feed_url": spec.json,
        "description": _description(config, spec.lang, title),
        "authors": [_json_person(p) for p in _site_authors(config)],
    }
    if spec.lang:
        feed["language"] = spec.lang
    # The items last, each encoded once per process (`_entry_text`): the same bytes as dumping
    # the whole feed at once, since the encoding is compact.
    items = ",".join(_entry_text(spec, config, item, translate, "json") for item in spec.items)
    return f'{_json(feed)[:-1]},"items":[{items}]}}\n'.encode()


def _json(value: Any) -> str:
    """Compact: an indented dump takes Python's pure-Python encoder instead of the C one, four
    times slower (57 against 15 ms for the 1,000-post benchmark's 131 feeds), and is 14%
    bigger for every reader that polls it; browsers' JSON viewers indent it for people."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_item_text(
    spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str]
) -> str:
    return _json(_json_item(spec, config, item, translate))


def _json_person(person: dict[str, str]) -> dict[str, str]:
    return {"name": person["name"], **({"url": person["uri"]} if "uri" in person else {})}


def _json_item(
    spec: FeedSpec, config: Config, item: Item, translate: Callable[[str], str]
) -> dict[str, Any]:
    page = item.page
    assert page.date is not None
    data: dict[str, Any] = {"id": item.id, "url": item.url, "title": page.title}
    if spec.full_content:
        data["content_html"] = entry_html(item, translate)
    else:
        data["content_text"] = page.summary or page.title
    if page.summary:
        data["summary"] = page.summary
    data["date_published"] = page.date.isoformat()
    data["date_modified"] = item.updated.isoformat()
    authors = _people(config, page.authors) or _site_authors(config)
    data["authors"] = [_json_person(p) for p in authors]
    if page.tags:
        data["tags"] = [tag.label for tag in page.tags]
    data["language"] = page.lang
    if item.enclosure:
        enclosure = item.enclosure
        attachment: dict[str, Any] = {"url": enclosure.url, "mime_type": enclosure.type}
        if enclosure.length:
            attachment["size_in_bytes"] = enclosure.length
        data["attachments"] = [attachment]
    return data


_ENTRY_WRITERS = {"atom": _atom_entry, "rss": _rss_item, "json": _json_item_text}
