"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 per language, per tag, per section and (optionally)
for all languages, each RSS/Atom feed styled for browsers by an XSLT page in its language.

Addresses (`feed_urls_for` is the one place they are decided; `<root>` is a language's root,
"/blog/" or "/blog/sv/"): `<root>feed.xml` (RSS), `<root>atom.xml`, `<root>feed.json`; per tag
`<root>tags/<tag-slug>/feed.xml|atom.xml|feed.json`; per section `<root><section>/feed.xml|...`;
all languages `/<base path>all/feed.xml|...`. Stylesheets: `/<base path>assets/feed.<lang>.xsl`.
Talks with chapters also publish `<page folder>/chapters.json` (Podcasting 2.0 chapters).

Entry ids never depend on a title or slug, so they survive renames and rebuilds. The rule:
    tag:<host>,<date>:<base path without slashes>/<translation key>/<lang>
where <host> is base_url's host name, <date> the page's `date` as YYYY-MM-DD (in its own time
zone), <translation key> the group key (the source path without language suffix and extension,
e.g. "posts/hello", or front matter `translation_key`), percent-encoded; the base-path segment is
left out for sites at the root: `tag:example.org,2024-03-05:posts/hello/sv`. Moving a file changes
its key: keep `translation_key:` set to the old key to keep its ids. A feed's id (Atom) is its own
absolute address.

Which pages: dated posts, notes and talks (and pages of other dated sections) of the feed's
language, newest first, ties broken by entry id, at most `feeds.entries` (default 20; 0: all).
Drafts (even when previewing with --drafts) and private pages never appear. A post, note or talk
without a date is left out of every feed with a warning naming its file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import jinja2

from .config import Config
from .errors import SiteError, SiteWarning
from .feed_content import chapters_json, find_enclosure, static_files, transcript_links
from .feed_formats import atom_bytes, json_bytes, rss_bytes
from .feed_model import FeedSpec, Item
from .feed_strings import STRINGS_DIGEST, render_stylesheet, translator
from .model import Output, Page, Site, digest
from .templates import TemplateDigests
from .urls import absolute, join, lang_dir, tag_dir, url_of

FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
ALL_LANGUAGES_FOLDER = "all"
STYLESHEET = "feed.xsl"  # the Jinja template in layouts/


@dataclass(frozen=True)
class FeedSettings:
    """`[feeds]` in site.toml, with defaults."""

    entries: int = 20
    full_content: bool = True  # language, section and all-languages feeds
    # Tag feeds carry summaries by default: every tag of every language in three formats with
    # full posts was three quarters of a 1,000-post site's output (47 of 68 MB) and a third of
    # its rendering time, repeating what the language feed already carries in full.
    tag_full_content: bool = False
    all_languages: bool = False
    per_tag: bool = True
    per_section: bool = True

    @classmethod
    def of(cls, config: Config) -> FeedSettings:
        """The settings of `config`, made once per Config (asked for every feed and entry)."""
        if not _settings_made or _settings_made[0][0] is not config:
            fields = cls.__dataclass_fields__
            settings = cls(**{k: v for k, v in config.feeds.items() if k in fields})
            _settings_made[:] = [(config, settings)]  # one build's config at a time
        return _settings_made[0][1]


# The last Config asked about and its FeedSettings.
_settings_made: list[tuple[Config, FeedSettings]] = []


def feed_folder(
    config: Config, lang: str | None, tag: str | None = None, section: str | None = None
) -> str:
    """The output folder of a feed family ("", "sv", "sv/tags/x", "sv/posts", "all")."""
    if lang is None:
        return ALL_LANGUAGES_FOLDER
    if tag is not None:
        return tag_dir(config, lang, tag)
    if section is not None:
        return join(lang_dir(config, lang), section)
    return lang_dir(config, lang)


def feed_urls_for(
    config: Config, lang: str | None, tag: str | None = None, section: str | None = None
) -> dict[str, str]:
    """Root-relative addresses {"rss", "atom", "json"} of a feed family; lang None: all languages.

    Returns {} when site.toml turns that family off. Per-language feeds always exist; a tag feed
    exists for every tag page, a section feed for every section with entries in that language.
    """
    settings = FeedSettings.of(config)
    off = (
        (lang is None and not settings.all_languages)
        or (tag is not None and not settings.per_tag)
        or (section is not None and not settings.per_section)
    )
    if off:
        return {}
    base = url_of(config, feed_folder(config, lang, tag, section))
    return {fmt: base + name for fmt, name in FILES.items()}


def entry_id(config: Config, page: Page) -> str:
    """The permanent id of an entry (see the module docstring for the rule)."""
    assert page.date is not None
    host, prefix = _id_authority(config.base_url, config.base_path)
    specific = quote(f"{prefix}/{page.key}" if prefix else page.key, safe="/-._~")
    return f"tag:{host},{page.date.date().isoformat()}:{specific}/{quote(page.lang, safe='-')}"


@functools.lru_cache(maxsize=8)
def _id_authority(base_url: str, base_path: str) -> tuple[str, str]:
    """The host and path prefix every entry id of a site shares (parsed once, not per entry)."""
    return (urlsplit(base_url).hostname or "localhost").lower(), base_path.strip("/")


# -- planning --------------------------------------------------------------------------------------
def plan_feeds(
    site: Site, templates: TemplateDigests, key: str, warnings: list[SiteWarning]
) -> list[Output]:
    """Every feed, stylesheet and chapters file, each keyed by exactly what it shows."""
    config = site.config
    settings = FeedSettings.of(config)
    items = _items_by_lang(site, warnings)
    specs: list[FeedSpec] = []
    for language in config.languages:
        lang = language.code
        own = items[lang]
        specs.append(_spec(config, settings, "lang", lang, "", own))
        if settings.per_section:
            for section in sorted({item.page.section for item in own}):
                members = [item for item in own if item.page.section == section]
                specs.append(_spec(config, settings, "section", lang, section, members))
        if settings.per_tag:
            by_tag: dict[str, list[Item]] = {}
            for item in own:  # one pass, keeping each tag's items in the feed's order
                for tag_link in item.page.tags:
                    by_tag.setdefault(tag_link.id, []).append(item)
            for tag in _tag_ids(site, lang):
                specs.append(_spec(config, settings, "tag", lang, tag, by_tag.get(tag, [])))
    if settings.all_languages:
        every = sorted((i for lang_items in items.values() for i in lang_items), key=_newest)
        specs.append(_spec(config, settings, "all", None, "", every))
    outputs: list[Output] = []
    for spec in specs:
        outputs.extend(_feed_outputs(spec, key))
    stylesheet_digest = templates.digest(STYLESHEET)
    for language in config.languages:
        outputs.append(
            Output(
                f"assets/feed.{language.code}.xsl",
                "feed-xsl",
                digest("feed-xsl", key, stylesheet_digest, STRINGS_DIGEST, language.code),
                STYLESHEET,
                {"lang": language.code},
            )
        )
    outputs.extend(_chapters_outputs(site, key))
    return outputs


def _items_by_lang(site: Site, warnings: list[SiteWarning]) -> dict[str, list[Item]]:
    config = site.config
    files = static_files(config, site.statics)
    warned: set[str] = set()
    result: dict[str, list[Item]] = {}
    for lang, pages in site.by_lang.items():
        items = []
        for page in pages:
            if page.draft:
                continue
            if page.date is None:
                if page.source_rel not in warned:
                    warned.add(page.source_rel)
                    message = f"no date: this {page.kind} is left out of feeds (add 'date:')"
                    warnings.append(SiteWarning(page.source_rel, None, message))
                continue
            items.append(_item(config, page, files))
        result[lang] = sorted(items, key=_newest)
    return result


def _item(config: Config, page: Page, files: dict[str, str]) -> Item:
    url = absolute(config, page.url)
    return Item(
        page=page,
        id=entry_id(config, page),
        url=url,
        enclosure=find_enclosure(config, page.video, page.url, files),
        transcripts=transcript_links(config, page),
        chapters_url=absolute(config, page.url + "chapters.json") if page.chapters else None,
    )


def _newest(item: Item) -> tuple[float, str]:
    assert item.page.date is not None
    return (-item.page.date.timestamp(), item.id)


def _tag_ids(site: Site, lang: str) -> list[str]:
    """Tags that have a tag page in `lang` (so each tag page can link its feed)."""
    from .routes import listing_pages  # routes may one day import this module

    pages = [p for p in site.pages if p.lang == lang] + listing_pages(site, lang)
    return sorted({tag.id for page in pages for tag in page.tags})


def _spec(
    config: Config,
    settings: FeedSettings,
    scope: str,
    lang: str | None,
    name: str,
    items: list[Item],
) -> FeedSpec:
    tag = name if scope == "tag" else None
    section = name if scope == "section" else None
    folder = feed_folder(config, lang, tag, section)
    base = absolute(config, url_of(config, folder))
    ui_lang = lang or config.default_language
    if scope == "tag":
        home = base  # the tag page
    elif lang is None:
        home = config.base_url
    else:
        home = absolute(config, url_of(config, lang_dir(config, lang)))
    label = config.tag_labels.get(name, {}).get(lang or "", name) if tag else ""
    limit = settings.entries if settings.entries > 0 else None
    return FeedSpec(
        scope=scope,
        lang=lang,
        name=name,
        label=label,
        folder=folder,
        rss=base + FILES["rss"],
        atom=base + FILES["atom"],
        json=base + FILES["json"],
        home=home,
        stylesheet=f"{config.base_path}assets/feed.{ui_lang}.xsl",
        ui_lang=ui_lang,
        full_content=settings.tag_full_content if scope == "tag" else settings.full_content,
        items=tuple(items[:limit]),
    )


def _item_digest(item: Item, full_content: bool) -> str:
    """What a feed shows of an entry: the page's content (or card) digest plus the extras."""
    page = item.page
    shown = page.content_digest if full_content else page.card_digest
    extras = (page.key, page.section, page.license, page.contributors, page.description_lang)
    return digest(
        shown, item.id, item.url, item.enclosure, item.transcripts, item.chapters_url, extras
    )


def _feed_outputs(spec: FeedSpec, key: str) -> list[Output]:
    identity = (spec.scope, spec.lang, spec.name, spec.label, spec.home, spec.stylesheet)
    entries = tuple(_item_digest(item, spec.full_content) for item in spec.items)
    shown = digest(identity, spec.full_content, entries, STRINGS_DIGEST)
    return [
        Output(
            join(spec.folder, name),
            f"feed-{fmt}",
            digest("feed", fmt, key, shown),
            None,
            {"spec": spec},
        )
        for fmt, name in FILES.items()
    ]


def _chapters_outputs(site: Site, key: str) -> list[Output]:
    outputs = []
    for page in site.pages:
        if page.chapters:
            folder = page.output.rsplit("/", 1)[0]
            outputs.append(
                Output(
                    f"{folder}/chapters.json",
                    "feed-chapters",
                    digest("feed-chapters", key, page.title, page.chapters),
                    None,
                    {"title": page.title, "chapters": page.chapters},
                    page.source_rel,
                )
            )
    return outputs


# -- rendering -------------------------------------------------------------------------------------
def render_feed(env: jinja2.Environment, config: Config, output: Output) -> bytes:
    """One planned feed output → bytes (called by render.py for kinds starting with "feed")."""
    context = output.context or {}
    if output.kind == "feed-chapters":
        return chapters_json(context["title"], context["chapters"])
    if output.kind == "feed-xsl":
        try:
            return render_stylesheet(env, config, context["lang"])
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None)
            raise SiteError(STYLESHEET, line, f"template error: {exc}") from None
    spec: FeedSpec = context["spec"]
    translate = translator(env, spec.ui_lang)
    writers = {"feed-rss": rss_bytes, "feed-atom": atom_bytes, "feed-json": json_bytes}
    return writers[output.kind](spec, config, translate)
