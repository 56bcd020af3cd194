"""Parsed sources → the Site: languages, translation groups, URLs, links, replies, talks.

Cheap compared with parsing, so it runs in full on every build; every problem found is collected
so that one build reports all of them.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import replace

from .captions import Chapter
from .config import Config
from .discover import Source
from .errors import SiteError, SiteWarning
from .markdown import slugify
from .model import KINDS, Page, Reply, Site, TagLink, TranslationLink, text_digest
from .model import digest as make_digest
from .parse import Meta, Parsed, ParsedCaptions, ParsedMarkdown, ParsedReply
from .talks import add_talk_pages, by_key, standalone_talk
from .urls import file_url, page_path, tag_dir, url_of


def assemble(
    config: Config,
    sources: list[Source],
    parsed: dict[str, Parsed],
    drafts: bool = False,
    history: dict[str, dict] | None = None,
) -> tuple[Site, list[SiteError]]:
    """Build the Site. `parsed` maps source rel → parse result (sources that failed are absent)."""
    errors: list[SiteError] = []
    warnings: list[SiteWarning] = []
    pages: list[Page] = []
    page_by_rel: dict[str, Page] = {}
    hidden: set[str] = set()  # drafts and private pages: linking to them is an error
    static_urls = {s.rel: file_url(config, s.rel) for s in sources if s.kind == "static"}
    siblings = by_key(sources)
    for source in sources:
        result = parsed.get(source.rel)
        if isinstance(result, ParsedCaptions):
            warnings.extend(result.track.warnings)
            result = standalone_talk(source, result, siblings[source.key])
        if not isinstance(result, ParsedMarkdown):
            continue
        display = f"content/{source.rel}"
        meta = result.meta
        try:
            lang = _language_of(source, meta, config, display)
        except SiteError as error:
            errors.append(error)
            continue
        if meta.private or (meta.draft and not drafts):
            hidden.add(source.rel)
            continue
        if not meta.title:
            errors.append(SiteError(display, 1, "missing title: add 'title:' to the front matter"))
            continue
        page_by_rel[source.rel] = _make_page(config, source, result, meta, lang, display)
        pages.append(page_by_rel[source.rel])

    url_for_rel = {rel: page.url for rel, page in page_by_rel.items()} | static_urls
    for rel, page in page_by_rel.items():
        result = parsed[rel]
        if isinstance(result, ParsedMarkdown) and result.rendered.refs:
            page.body_links = _link_urls(page, result, url_for_rel, hidden, errors)
        if isinstance(result, ParsedMarkdown):
            page.video = _resolve_media(page, rel, "video", result.meta, static_urls, errors)
            page.poster = _resolve_media(page, rel, "poster", result.meta, static_urls, errors)

    talk_statics = add_talk_pages(config, sources, parsed, pages, page_by_rel, errors)
    _check_unique_outputs(pages, sources, errors)
    groups = _group_translations(pages, config, errors)
    _attach_replies(sources, parsed, page_by_rel, errors)
    for page in pages:
        found = (history or {}).get(page.source_rel)
        if found:
            page.last_modified = found.get("last_modified")
            page.history = tuple(found.get("history", ()))

    by_lang: dict[str, list[Page]] = {lang.code: [] for lang in config.languages}
    tags: dict[str, dict[str, list[Page]]] = {
        lang.code: defaultdict(list) for lang in config.languages
    }
    for page in sorted(pages, key=lambda p: p.sort_key):
        if page.kind in ("post", "note", "talk"):
            by_lang[page.lang].append(page)
        for tag in page.tags:
            tags[page.lang][tag.id].append(page)
    statics = [(s.rel, str(s.path)) for s in sources if s.kind == "static"] + talk_statics
    site = Site(
        config=config,
        pages=sorted(pages, key=lambda p: p.id),
        by_lang=by_lang,
        groups=groups,
        tags={lang: dict(sorted(t.items())) for lang, t in tags.items()},
        statics=sorted(statics),
        drafts=drafts,
        warnings=warnings,
    )
    finalize_digests(site)
    return site, errors


def _link_urls(
    page: Page,
    result: ParsedMarkdown,
    url_for_rel: dict[str, str],
    hidden: set[str],
    errors: list[SiteError],
) -> tuple[str, ...]:
    """The URL of each link to another page, in the order of its placeholder in the body."""
    urls = []
    for ref in result.rendered.refs:
        target = url_for_rel.get(ref.target)
        if target is None:
            why = "a draft or private page" if ref.target in hidden else "a missing file"
            errors.append(SiteError(page.source_rel, ref.line, f"link to {why}: {ref.target}"))
            target = "#"
        urls.append(target + ref.fragment)
    return tuple(urls)


def _resolve_media(
    page: Page, rel: str, key: str, meta: Meta, static_urls: dict[str, str], errors: list[SiteError]
) -> str | None:
    """A relative `video:`/`poster:` is a file beside the Markdown, like a relative link."""
    value = getattr(page, key)
    if not value or value.startswith("/") or "://" in value:
        return value
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), value))
    if target not in static_urls:
        errors.append(
            SiteError(page.source_rel, meta.line_of(key), f"{key}: no file {target} in content/")
        )
        return None
    return static_urls[target]


def _language_of(source: Source, meta: Meta, config: Config, display: str) -> str:
    codes = config.language_codes
    if meta.lang and meta.lang not in codes:
        raise SiteError(
            display,
            meta.line_of("lang"),
            f"unknown language '{meta.lang}' (configured: {', '.join(codes)})",
        )
    if source.lang and meta.lang and source.lang != meta.lang:
        raise SiteError(
            display,
            meta.line_of("lang"),
            f"lang: '{meta.lang}' contradicts the file name's '.{source.lang}'",
        )
    return source.lang or meta.lang or config.default_language


def _make_page(
    config: Config, source: Source, result: ParsedMarkdown, meta: Meta, lang: str, display: str
) -> Page:
    kind = KINDS.get(source.section) or ("post" if meta.date else "page")
    slug = meta.slug or posixpath.basename(source.key)
    slug = slugify(slug) if meta.slug is None else meta.slug.strip("/")
    out_dir = page_path(config, lang, source.section, slug)
    summary = meta.summary or truncate(result.rendered.first_paragraph, config.summary_length)
    tag_links = tuple(tag_link(config, lang, tag) for tag in meta.tags)
    template = meta.template or f"{kind}.html"
    publish_source = meta.source if meta.source is not None else config.publish_sources
    page = Page(
        id=source.rel.rsplit(".", 1)[0],
        key=meta.translation_key or source.key,
        lang=lang,
        section=source.section,
        kind=kind,
        slug=slug,
        url=url_of(config, out_dir),
        output=f"{out_dir}/index.html",
        title=meta.title or "",
        date=meta.date,
        updated=meta.updated,
        source_rel=display,
        template=template,
        raw_body=result.rendered.html,
        raw_body_digest=result.rendered.html_digest,
        summary=summary,
        headings=result.rendered.headings,
        toc=meta.toc,
        words=result.rendered.words,
        tags=tag_links,
        authors=meta.authors or ((config.author,) if config.author else ()),
        contributors=meta.contributors,
        license=meta.license or config.license,
        status=meta.status,
        open_questions=meta.open_questions,
        aliases=meta.aliases,
        publish_source=publish_source,
        source_url=url_of(config, out_dir) + "index.md" if publish_source else None,
        video=meta.video,
        poster=meta.poster,
        chapters=tuple(Chapter(start, title) for start, title in meta.chapters),
        speakers=meta.speakers,
        draft=meta.draft,
        extra=dict(meta.extra),
    )
    return page


_TAG_LINKS: dict[tuple[str, str, str], TagLink] = {}


def tag_link(config: Config, lang: str, tag: str) -> TagLink:
    """A tag's label and URL in one language (shared by every page carrying the tag)."""
    key = (config.raw_digest, lang, tag)  # raw_digest covers labels, base_url and prefixes
    found = _TAG_LINKS.get(key)
    if found is None:
        label = config.tag_labels.get(tag, {}).get(lang, tag)
        found = _TAG_LINKS[key] = TagLink(tag, label, url_of(config, tag_dir(config, lang, tag)))
    return found


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


def _check_unique_outputs(
    pages: list[Page], sources: list[Source], errors: list[SiteError]
) -> None:
    """Two sources claiming one output path is an error naming both (Pelican's rule)."""
    claimed: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: p.source_rel):
        for path in (page.output, *(alias_output(a) for a in page.aliases)):
            if path in claimed and claimed[path] != page.source_rel:
                errors.append(
                    SiteError(
                        page.source_rel,
                        None,
                        f"output {path} is also produced by {claimed[path]}: "
                        "give one a different slug",
                    )
                )
            claimed.setdefault(path, page.source_rel)
    for source in sources:
        if source.kind == "static" and source.rel in claimed:
            errors.append(
                SiteError(
                    f"content/{source.rel}", None, f"file collides with {claimed[source.rel]}"
                )
            )


def alias_output(alias: str) -> str:
    """The file an old URL maps to: "/2019/03/old.html" as is, "/old/path/" as a folder."""
    path = alias.strip("/")
    if not path.endswith((".html", ".htm")):
        path = f"{path}/index.html" if path else "index.html"
    return path


def _group_translations(
    pages: list[Page], config: Config, errors: list[SiteError]
) -> dict[str, list[Page]]:
    groups: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        groups[page.key].append(page)
    order = {code: index for index, code in enumerate(config.language_codes)}
    names = {lang.code: lang.name for lang in config.languages}
    for key, members in groups.items():
        members.sort(key=lambda p: order[p.lang])
        seen: dict[str, Page] = {}
        for page in members:
            if page.lang in seen:
                errors.append(
                    SiteError(
                        page.source_rel,
                        None,
                        f"two '{page.lang}' versions of '{key}': also {seen[page.lang].source_rel}",
                    )
                )
            seen[page.lang] = page
        for page in members:
            page.translations = tuple(
                TranslationLink(p.lang, names[p.lang], p.url, p.title)
                for p in members
                if p is not page
            )
            page.missing_languages = tuple(c for c in config.language_codes if c not in seen)
    return dict(sorted(groups.items()))


def _attach_replies(sources, parsed, page_by_rel, errors) -> None:
    replies_by_page: dict[str, list[ParsedReply]] = defaultdict(list)
    for source in sources:
        result = parsed.get(source.rel)
        if source.kind != "reply" or not isinstance(result, ParsedReply):
            continue
        folder = posixpath.dirname(source.rel)
        owner = folder.removesuffix(".replies") + ".md"
        if owner not in page_by_rel:
            continue  # replies of a draft or private page stay unpublished with it
        replies_by_page[owner].append(result)
    for owner, items in replies_by_page.items():
        page = page_by_rel[owner]
        items.sort(key=lambda r: (r.date, r.rel))
        stems = {posixpath.splitext(posixpath.basename(r.rel))[0]: r for r in items}
        children: dict[str, list[Reply]] = defaultdict(list)
        roots: list[ParsedReply] = []
        for item in items:
            parent = item.in_reply_to
            if parent and parent in stems and stems[parent].in_reply_to is None:
                children[parent].append(_reply(item))
            else:
                if parent and parent not in stems:
                    errors.append(
                        SiteError(f"content/{item.rel}", None, f"in_reply_to: no reply '{parent}'")
                    )
                roots.append(item)
        page.replies = tuple(
            replace(_reply(r), children=tuple(children.get(_stem(r), ()))) for r in roots
        )
        page.reply_count = len(items)


def _stem(reply: ParsedReply) -> str:
    return posixpath.splitext(posixpath.basename(reply.rel))[0]


def _reply(item: ParsedReply) -> Reply:
    return Reply(_stem(item), item.author, item.date, item.url, item.html)


def finalize_digests(site: Site) -> None:
    """The dependency identities: each digest covers exactly what one kind of view shows."""
    for page in site.pages:
        page_digests(page)


def page_digests(page: Page) -> None:
    """Set one page's digests (also used when a quick rebuild patches a page in place)."""
    page.link_digest = make_digest(page.lang, page.url, page.title, page.date, page.kind)
    # Digests name what a view shows by the cheapest value that changes with it: a tag by its id
    # (its label and URL come from the config, in every output key through the global digest),
    # and the headings not at all (they are the body's, whose digest is in content_digest).
    # Dataclass reprs were most of planning's digest time (the menu's: see routes.plan).
    page.card_digest = make_digest(
        page.link_digest,
        page.summary,
        tuple(tag.id for tag in page.tags),
        page.status,
        page.reading_minutes,
        page.reply_count,
        page.authors,
        page.updated,
    )
    page.content_digest = make_digest(
        page.card_digest,
        # Hashed where it was parsed (on every core, and cached); a Page made by hand has none.
        page.raw_body_digest or text_digest(page.raw_body),
        page.body_links,
        page.transcript,
        page.license,
        page.contributors,
        page.video,
        page.chapters,
        page.last_modified,
    )
    page.full_digest = make_digest(
        page.content_digest,
        page.translations,
        page.missing_languages,
        page.replies,
        page.toc,
        page.open_questions,
        page.source_url,
        page.caption_tracks,
        page.history,
        page.speakers,
        page.poster,
        page.description_lang,
        page.aliases,
        sorted(page.extra.items(), key=lambda kv: kv[0]).__repr__(),
        page.template,
        page.draft,
    )
