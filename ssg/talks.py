"""Talks: caption files joined to their talk pages, and one page per caption language.

`talks/x.md` (in Swedish, say) with `talks/x.vtt` (Swedish captions) and `talks/x.en.vtt` yields the
Swedish page with its transcript and an English page with the English transcript: readers who
arrive in English get a page in English, with the talk's description marked as Swedish.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from .captions import make_paragraphs
from .config import Config
from .discover import Source
from .errors import SiteError
from .model import CaptionTrackLink, Page, Transcript, text_digest
from .parse import Meta, Parsed, ParsedCaptions, ParsedMarkdown
from .urls import file_url, page_path, url_of

_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[-_ ]?(.*)$")


def by_key(sources: list[Source]) -> dict[str, list[Source]]:
    """Sources grouped by key (a talk's Markdown and caption files share one), in order: found
    once, not by scanning every source for every caption file."""
    grouped: dict[str, list[Source]] = {}
    for source in sources:
        grouped.setdefault(source.key, []).append(source)
    return grouped


def standalone_talk(
    source: Source, result: ParsedCaptions, siblings: list[Source]
) -> Parsed | None:
    """A caption file with no Markdown beside it (among `siblings`, the sources with its key)
    becomes a talk; title from the file name."""
    if any(s.kind == "markdown" for s in siblings):
        return None
    captions = sorted(
        (s for s in siblings if s.kind == "captions"), key=lambda s: (s.lang is not None, s.rel)
    )
    if captions[0].rel != source.rel:
        return None
    from .frontmatter import parse_date
    from .markdown import Rendered

    name = posixpath.basename(source.key)
    date = None
    match = _DATE_PREFIX.match(name)
    if match:
        date = parse_date(match.group(1), "date", f"content/{source.rel}", None)
        name = match.group(2) or name
    title = re.sub(r"[-_]+", " ", name).strip().capitalize()
    slug = name if match else posixpath.basename(source.key)
    meta = Meta(title=title, date=date, slug=slug)
    return ParsedMarkdown(
        source.rel, result.digest, meta, Rendered("", text_digest(""), (), (), "", 0)
    )


def add_talk_pages(
    config: Config,
    sources: list[Source],
    parsed: dict[str, Parsed],
    pages: list[Page],
    page_by_rel: dict[str, Page],
    errors: list[SiteError],
) -> list[tuple[str, str]]:
    """Attach transcripts, add pages for caption-only languages; returns caption files to copy."""
    statics: list[tuple[str, str]] = []
    gap = float(config.transcript.get("gap", 2.0))
    max_chars = int(config.transcript.get("max_chars", 600))
    captions_by_key: dict[str, list[Source]] = {}
    for source in sources:
        if source.kind == "captions" and isinstance(parsed.get(source.rel), ParsedCaptions):
            captions_by_key.setdefault(source.key, []).append(source)
    grouped = by_key(sources)
    for key, caption_sources in sorted(captions_by_key.items()):
        owners = [page_by_rel[s.rel] for s in grouped[key] if s.rel in page_by_rel]
        if not owners:
            continue  # the talk is a draft or private: its captions stay unpublished too
        primary = next(
            (page_by_rel[s.rel] for s in grouped[key] if s.lang is None and s.rel in page_by_rel),
            owners[0],
        )
        tracks: list[CaptionTrackLink] = []
        with_transcript: list[Page] = []
        for caption in sorted(caption_sources, key=lambda s: s.rel):
            lang = caption.lang or primary.lang
            if lang not in config.language_codes:
                continue
            page = next((p for p in owners if p.lang == lang), None)
            if page is None:
                page = _translation_page(config, primary, lang)
                pages.append(page)
                owners.append(page)
            track = parsed[caption.rel].track  # type: ignore[union-attr]
            folder = page.output.rsplit("/", 1)[0]
            caption_out = f"{folder}/{posixpath.basename(caption.rel)}"
            statics.append((caption_out, str(caption.path)))
            paragraphs = make_paragraphs(track.cues, gap=gap, max_chars=max_chars)
            page.transcript = Transcript(
                lang=lang,
                paragraphs=tuple(paragraphs),
                caption_url=file_url(config, caption_out),
                caption_rel=f"content/{caption.rel}",
                caption_format=track.format,
                text_url=page.url + "transcript.txt",
                duration=track.duration,
                anchors=paragraph_anchors(paragraphs),
            )
            if not page.chapters and track.chapters:
                page.chapters = track.chapters
            if not page.speakers:
                page.speakers = tuple(dict.fromkeys(p.speaker for p in paragraphs if p.speaker))
            tracks.append(
                CaptionTrackLink(lang, config.language(lang).name, file_url(config, caption_out))
            )
            with_transcript.append(page)
        for page in owners:
            page.caption_tracks = tuple(tracks)
    return statics


def paragraph_anchors(paragraphs: list) -> tuple[str, ...]:
    """`t=754` for each paragraph; two starting in one second get `t=754.6` (ids stay unique)."""
    anchors: list[str] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        anchor = f"t={int(paragraph.start)}"
        if anchor in seen:
            anchor = f"t={paragraph.start:.1f}"
            while anchor in seen:
                anchor += "0"
        seen.add(anchor)
        anchors.append(anchor)
    return tuple(anchors)


def _translation_page(config: Config, primary: Page, lang: str) -> Page:
    """A page in `lang` for a talk whose captions exist in `lang` but whose text does not."""
    out_dir = page_path(config, lang, primary.section, primary.slug)
    return replace(
        primary,
        id=f"{primary.id}@{lang}",
        lang=lang,
        url=url_of(config, out_dir),
        output=f"{out_dir}/index.html",
        description_lang=primary.lang,
        tags=tuple(_tag_link(config, lang, t.id) for t in primary.tags),
        transcript=None,
        source_url=None,
        publish_source=False,
        aliases=(),
        replies=(),
        reply_count=0,
    )


def _tag_link(config: Config, lang: str, tag: str):
    from .assemble import tag_link  # assemble imports this module

    return tag_link(config, lang, tag)
