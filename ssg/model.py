"""Plain data: what a page is, what the assembled site is, what an output is. No I/O here.

Templates see these objects, and an output's dependency key is built from the digests of exactly the
objects its template is given (see routes.py), so the digests below are the dependency record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .refs import resolve_refs

if TYPE_CHECKING:
    from .captions import Chapter, Paragraph
    from .markdown import Heading

KINDS = {"posts": "post", "notes": "note", "pages": "page", "talks": "talk"}


def digest(*parts: Any) -> str:
    """A short, stable digest of values' reprs (dataclasses, tuples, strings, datetimes)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def text_digest(text: str) -> str:
    """digest() for one long string, without building its repr first."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class TranslationLink:
    """What a language switcher needs of a translation, and nothing more."""

    lang: str
    lang_name: str
    url: str
    title: str


@dataclass(frozen=True)
class TagLink:
    id: str
    label: str
    url: str


@dataclass(frozen=True)
class Reply:
    id: str  # file stem
    author: str
    date: dt.datetime
    url: str | None
    html: str  # sanitised
    children: tuple[Reply, ...] = ()


@dataclass(frozen=True)
class Transcript:
    lang: str
    paragraphs: tuple[Paragraph, ...]
    caption_url: str  # the published caption file
    caption_rel: str  # its path in content/ (for "suggest a correction")
    caption_format: str  # "vtt" | "srt"
    text_url: str  # plain-text download
    duration: float
    anchors: tuple[str, ...] = ()  # unique "t=754" ids, parallel to paragraphs

    def anchor_at(self, seconds: float) -> str:
        """The id of the paragraph being spoken at `seconds` (for chapter links)."""
        found = self.anchors[0] if self.anchors else f"t={int(seconds)}"
        for paragraph, anchor in zip(self.paragraphs, self.anchors, strict=True):
            if paragraph.start > seconds + 0.5:
                break
            found = anchor
        return found


@dataclass(frozen=True)
class CaptionTrackLink:
    """A caption file offered as a <track> on self-hosted video."""

    lang: str
    label: str
    url: str


@dataclass
class Page:
    """One published page in one language. Built by assemble.py, read by templates."""

    id: str  # source path without extension: "posts/hello.sv"
    key: str  # translation group
    lang: str
    section: str
    kind: str  # post | note | page | talk
    slug: str
    url: str  # root-relative, with the base path: "/blog/sv/posts/hej/"
    output: str  # file in the output folder: "sv/posts/hej/index.html"
    title: str
    date: dt.datetime | None
    updated: dt.datetime | None
    source_rel: str  # "content/posts/hello.sv.md" (relative to the site folder)
    template: str
    # The rendered Markdown with `aloud-ref:N` for each link to another page, and the URL each
    # N stands for: `body` joins them when it is shown. Resolved in assemble, every body was a
    # second copy of the parse result's HTML in the parent process when workers forked.
    raw_body: str = ""
    raw_body_digest: str = ""  # text_digest(raw_body), from the parse result
    body_links: tuple[str, ...] = ()
    summary: str = ""
    headings: tuple[Heading, ...] = ()
    toc: bool = False
    words: int = 0
    draft: bool = False
    tags: tuple[TagLink, ...] = ()
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    license: str = ""
    status: str | None = None
    open_questions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    publish_source: bool = False
    source_url: str | None = None  # published Markdown source, when enabled
    video: str | None = None
    poster: str | None = None
    chapters: tuple[Chapter, ...] = ()
    speakers: tuple[str, ...] = ()
    transcript: Transcript | None = None
    caption_tracks: tuple[CaptionTrackLink, ...] = ()
    description_lang: str | None = None  # set when the body is in another language than the page
    replies: tuple[Reply, ...] = ()
    reply_count: int = 0
    translations: tuple[TranslationLink, ...] = ()  # the other languages' versions
    missing_languages: tuple[str, ...] = ()
    last_modified: dt.datetime | None = None  # from git, when available
    history: tuple[tuple[str, str, str], ...] = ()  # (date, message, url)
    extra: dict[str, Any] = field(default_factory=dict)
    # Digests, filled by assemble.finalize(): the dependency identities of this page.
    link_digest: str = ""  # lang, url, title, date: what switchers, tag pages, archives show
    card_digest: str = ""  # + summary, tags, status: what listings show
    content_digest: str = ""  # + body, transcript: what feeds show
    full_digest: str = ""  # everything the page's own output shows

    @property
    def body(self) -> str:
        """The page's HTML, its links to other pages resolved (made where it is shown)."""
        return resolve_refs(self.raw_body, self.body_links)

    @property
    def link(self) -> TranslationLink:
        return TranslationLink(self.lang, "", self.url, self.title)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 220))

    @cached_property
    def sort_key(self) -> tuple:
        """Newest first, ties broken by id so listing order never depends on the file system.

        Kept once made (a page's date and id never change): planning sorts each language's
        pages several times, 66,000 keys at 10,000 posts."""
        stamp = self.date.timestamp() if self.date else 0.0
        return (-stamp, self.id)


@dataclass(frozen=True)
class Output:
    """One file to produce. `key` changes exactly when the file's bytes may change."""

    path: str  # relative to the output folder, posix
    kind: str  # page | listing | tag | archive | feed | sitemap | static | asset | ...
    key: str
    template: str | None = None
    context: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    source: str | None = None  # source file that caused it (for messages)
    copy_from: str | None = None  # static files: absolute path to copy


@dataclass
class Site:
    """The assembled site: every page by language, and the collections templates iterate."""

    config: Any  # Config (typed loosely to avoid an import cycle in templates)
    pages: list[Page]
    by_lang: dict[str, list[Page]]  # dated pages (posts, notes, talks) newest first, per language
    groups: dict[str, list[Page]]  # translation key -> pages
    tags: dict[str, dict[str, list[Page]]]  # lang -> tag -> pages
    statics: list[tuple[str, str]]  # (output path, absolute source path) of files copied as is
    drafts: bool = False
    warnings: list[Any] = field(default_factory=list)
