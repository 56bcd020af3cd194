"""The Site → every Output to produce, each with a key that changes exactly when its bytes may.

Templates only see what is put into their context here: listings get `Card`s, tag pages and
archives get `Link`s, a page gets itself and its translations' links. An output's key is the digest
of those values plus its template closure and the site-wide inputs, so "what does this output
depend on?" is answered by construction instead of being guessed afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import __version__
from .assemble import alias_output
from .config import Config
from .feeds import feed_urls_for
from .model import Output, Page, Site, TagLink, TranslationLink, digest
from .templates import TemplateDigests
from .toolchain import toolchain
from .urls import join, lang_dir, lang_root, tag_dir, url_of


class Card:
    """A listing's live, read-only view of a page, limited to what `Page.card_digest` covers.

    Live (not a copy) so that a page patched in place by a quick rebuild shows its new summary in
    every listing; limited so that a listing template cannot come to depend on a page's body
    without its key knowing.
    """

    __slots__ = ("page", "other_lang")
    FIELDS = frozenset(
        {"id", "url", "title", "date", "updated", "summary", "tags", "lang", "kind", "status"}
        | {"reading_minutes", "reply_count", "authors"}
    )

    def __init__(self, page: Page, other_lang: bool) -> None:
        self.page = page
        self.other_lang = other_lang  # shown in a listing of another language

    def __getattr__(self, name: str) -> Any:
        if name in Card.FIELDS:
            return getattr(self.page, name)
        raise AttributeError(f"a listing card has no '{name}' (cards show: {sorted(Card.FIELDS)})")

    @property
    def identity(self) -> tuple[str, bool]:
        return (self.page.card_digest, self.other_lang)


@dataclass(frozen=True)
class Link:
    """What a tag page or archive shows of a page."""

    url: str
    title: str
    date: dt.datetime | None
    lang: str
    kind: str
    other_lang: bool


def card(page: Page, lang: str) -> Card:
    return Card(page, page.lang != lang)


def _identities(pages: list[Page], lang: str) -> tuple[tuple[str, bool], ...]:
    """What a list of links shows, by the pages' link digests (cheaper than hashing Links)."""
    return tuple((p.link_digest, p.lang != lang) for p in pages)


def link(page: Page, lang: str) -> Link:
    return Link(page.url, page.title, page.date, page.lang, page.kind, page.lang != lang)


def _links_in(lang: str) -> Callable[[Page], Link]:
    """link(page, lang), made once per page: a page is in its language's archive, its authors'
    pages and the page of each of its tags (at 10,000 posts, 144,000 links for 30,000 pages)."""
    made: dict[int, Link] = {}  # by id(): pages live as long as the plan that shows them

    def link_of(page: Page) -> Link:
        found = made.get(id(page))
        if found is None:
            found = made[id(page)] = link(page, lang)
        return found

    return link_of


@dataclass
class Planner:
    site: Site
    templates: TemplateDigests
    global_digest: str

    @property
    def config(self) -> Config:
        return self.site.config

    def key(self, kind: str, template: str | None, *parts: Any) -> str:
        template_digest = self.templates.digest(template) if template else ""
        return digest(kind, template_digest, self.global_digest, parts)


def global_digest(config: Config, catalogs_digest: str, drafts: bool) -> str:
    """Inputs every output depends on: a change here rebuilds everything (Aloud's code and the
    libraries it renders with too)."""
    return digest(config.raw_digest, __version__, toolchain(), catalogs_digest, drafts)


def listing_pages(site: Site, lang: str) -> list[Page]:
    """Dated pages shown in `lang`'s listings: its own, plus untranslated ones if configured."""
    own = site.by_lang[lang]
    if site.config.untranslated != "show":
        return own
    others = [
        p
        for code, pages in site.by_lang.items()
        if code != lang
        for p in pages
        if not any(t.lang == lang for t in p.translations) and _first_of_group(site, p)
    ]
    return sorted([*own, *others], key=lambda p: p.sort_key)


def _first_of_group(site: Site, page: Page) -> bool:
    """Show an untranslated group once: in the first of its languages (default language first)."""
    members = site.groups[page.key]
    return members[0] is page


def nav_links(site: Site, lang: str) -> tuple[TranslationLink, ...]:
    """The menu: undated pages (about, now) in this language."""
    return tuple(
        TranslationLink(p.lang, "", p.url, p.title)
        for p in site.pages
        if p.kind == "page" and p.lang == lang and not p.extra.get("hide_from_menu")
    )


def plan(site: Site, templates: TemplateDigests, global_key: str) -> list[Output]:
    planner = Planner(site, templates, global_key)
    outputs: list[Output] = []
    config = site.config
    nav = {lang.code: nav_links(site, lang.code) for lang in config.languages}
    # Keys hold the menu's digest, made once per language: the menu's links in every page's
    # key were 5,000 dataclass reprs at 1,000 posts, in planning, with the other core idle.
    nav_ids = {code: digest(links) for code, links in nav.items()}
    homes = {lang.code: lang_root(config, lang.code) for lang in config.languages}
    for page in site.pages:
        base = _base_context(config, page.lang, nav[page.lang], homes, page.translations)
        section_feeds = feed_urls_for(config, page.lang, section=page.section) if page.date else {}
        context = {**base, "page": page, "section_feeds": section_feeds}
        outputs.append(
            Output(
                page.output,
                "page",
                planner.key("page", page.template, page.full_digest, nav_ids[page.lang]),
                page.template,
                context,
                page.source_rel,
            )
        )
        outputs.extend(_page_extras(planner, page, base))
    for lang in config.languages:
        outputs.extend(_listings(planner, lang.code, nav[lang.code], homes))
    outputs.append(_sitemap(planner))
    robots_key = planner.key("robots", None)
    outputs.append(Output("robots.txt", "robots", robots_key))
    return outputs


def _base_context(
    config: Config, lang: str, nav: tuple, homes: dict[str, str], translations: tuple
) -> dict[str, Any]:
    language = config.language(lang)
    switcher = {t.lang: t for t in translations}
    alternates = [
        switcher.get(other.code) or TranslationLink(other.code, other.name, homes[other.code], "")
        for other in config.languages
        if other.code != lang
    ]
    return {
        "lang": lang,
        "language": language,
        "nav": nav,
        "home_url": homes[lang],
        "switcher": alternates,
        "feeds": feed_urls(config, lang),
    }


def feed_urls(config: Config, lang: str) -> dict[str, str]:
    root = lang_root(config, lang)
    return {"rss": root + "feed.xml", "atom": root + "atom.xml", "json": root + "feed.json"}


def _page_extras(planner: Planner, page: Page, base: dict) -> list[Output]:
    outputs = []
    folder = page.output.rsplit("/", 1)[0]
    if page.source_url:
        source_file = planner.config.site_dir / page.source_rel
        outputs.append(
            Output(
                f"{folder}/index.md",
                "copy",
                planner.key("copy", None, page.source_rel),
                copy_from=str(source_file),
                source=page.source_rel,
            )
        )
    if page.transcript:
        outputs.append(
            Output(
                f"{folder}/transcript.txt",
                "transcript",
                planner.key("transcript", None, page.title, page.transcript),
                None,
                {"page": page},
                page.source_rel,
            )
        )
    for alias in page.aliases:
        outputs.append(
            Output(
                alias_output(alias),
                "redirect",
                planner.key("redirect", "redirect.html", page.url),
                "redirect.html",
                {**base, "target": page.url, "title": page.title},
                page.source_rel,
            )
        )
    return outputs


def _listings(planner: Planner, lang: str, nav: tuple, homes: dict[str, str]) -> list[Output]:
    site, config = planner.site, planner.config
    outputs: list[Output] = []
    home_links = tuple(
        TranslationLink(code, config.language(code).name, url, "")
        for code, url in homes.items()
        if code != lang
    )
    base = _base_context(config, lang, nav, homes, home_links)
    nav_id = digest(nav)
    entries = listing_pages(site, lang)
    size = config.paginate
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]
    root_dir = lang_dir(config, lang)
    for number, chunk in enumerate(chunks, 1):
        folder = root_dir if number == 1 else join(root_dir, "page", str(number))
        pager = {
            "number": number,
            "total": len(chunks),
            "prev": None
            if number == 1
            else url_of(
                config, root_dir if number == 2 else join(root_dir, "page", str(number - 1))
            ),
            "next": None
            if number == len(chunks)
            else url_of(config, join(root_dir, "page", str(number + 1))),
        }
        cards = tuple(card(p, lang) for p in chunk)
        context = {**base, "entries": cards, "pager": pager, "is_home": number == 1}
        outputs.append(
            Output(
                join(folder, "index.html"),
                "listing",
                planner.key(
                    "listing", "index.html", tuple(c.identity for c in cards), pager, nav_id
                ),
                "index.html",
                context,
            )
        )
    link_of = _links_in(lang)
    tagged = _tag_members(site, lang, entries)
    tag_index = tuple(
        (_tag_link(config, lang, tag), len(members)) for tag, members in tagged.items()
    )
    outputs.append(
        Output(
            join(root_dir, "tags", "index.html"),
            "tags",
            planner.key("tags", "tags.html", tag_index, nav_id),
            "tags.html",
            {**base, "tags": tag_index},
        )
    )
    for tag, members in tagged.items():
        links = tuple(link_of(p) for p in members)
        tag_link = _tag_link(config, lang, tag)
        outputs.append(
            Output(
                join(tag_dir(config, lang, tag), "index.html"),
                "tag",
                planner.key("tag", "tag.html", tag_link, _identities(members, lang), nav_id),
                "tag.html",
                {
                    **base,
                    "tag": tag_link,
                    "entries": links,
                    "tag_feeds": feed_urls_for(config, lang, tag=tag),
                },
            )
        )
    years: dict[int, list[Link]] = {}
    for page in entries:
        if page.date:
            years.setdefault(page.date.year, []).append(link_of(page))
    archive = tuple((year, tuple(items)) for year, items in sorted(years.items(), reverse=True))
    outputs.append(
        Output(
            join(root_dir, "archive", "index.html"),
            "archive",
            planner.key(
                "archive", "archive.html", _identities([p for p in entries if p.date], lang), nav_id
            ),
            "archive.html",
            {**base, "years": archive},
        )
    )
    outputs.append(
        Output(
            join(root_dir, "404.html"),
            "404",
            planner.key("404", "404.html", nav_id),
            "404.html",
            base,
        )
    )
    outputs.extend(_author_pages(planner, lang, base, nav_id, entries, link_of))
    return outputs


def _author_pages(
    planner: Planner,
    lang: str,
    base: dict,
    nav_id: str,
    entries: list[Page],
    link_of: Callable[[Page], Link],
) -> list[Output]:
    """One page per author per language: bio in that language, links, and what they wrote."""
    config = planner.config
    outputs = []
    for author in config.authors:
        pages = [p for p in entries if author.id in p.authors or author.id in p.contributors]
        wrote = tuple(link_of(p) for p in pages)
        bio = (
            author.bio.get(lang)
            or author.bio.get(config.default_language)
            or author.bio.get("*", "")
        )
        folder = join(lang_dir(config, lang), "authors", author.id)
        outputs.append(
            Output(
                join(folder, "index.html"),
                "author",
                planner.key("author", "author.html", author, bio, _identities(pages, lang), nav_id),
                "author.html",
                {**base, "author": author, "bio": bio, "entries": wrote},
            )
        )
    return outputs


def _tag_link(config: Config, lang: str, tag: str) -> TagLink:
    return TagLink(
        tag,
        config.tag_labels.get(tag, {}).get(lang, tag),
        url_of(config, tag_dir(config, lang, tag)),
    )


def _tag_members(site: Site, lang: str, entries: list[Page]) -> dict[str, list[Page]]:
    tagged: dict[str, list[Page]] = {}
    undated = [p for p in site.pages if p.lang == lang and p.kind == "page"]
    for page in [*entries, *undated]:
        for tag in page.tags:
            tagged.setdefault(tag.id, []).append(page)
    return dict(sorted(tagged.items()))


def _sitemap(planner: Planner) -> Output:
    entries = tuple(
        (p.url, p.updated or p.date, tuple((t.lang, t.url) for t in p.translations), p.lang)
        for p in planner.site.pages
    )
    return Output(
        "sitemap.xml", "sitemap", planner.key("sitemap", None, entries), None, {"entries": entries}
    )
