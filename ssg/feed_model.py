"""Plain data: what one feed shows, decided when planning (feeds.py), written when rendering.

Everything a feed's bytes depend on is in a `FeedSpec` (plus the config and the UI strings, which
are global inputs), so its output key can be computed from it without rendering anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Page

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # "updated" of a feed with no entries: stable


@dataclass(frozen=True)
class Enclosure:
    """A media file attached to an entry (RSS <enclosure>, Atom rel="enclosure")."""

    url: str  # absolute
    length: int  # bytes; 0 when the file is not ours and its size is unknown
    type: str  # MIME type


@dataclass(frozen=True)
class TranscriptLink:
    """A published caption file, for Podcasting 2.0 <podcast:transcript>."""

    url: str  # absolute
    type: str  # text/vtt | application/x-subrip
    lang: str


@dataclass(frozen=True)
class Item:
    """One entry of a feed: a page plus what planning decided about it."""

    page: Page
    id: str  # permanent tag: URI (see feeds.entry_id)
    url: str  # absolute page URL
    enclosure: Enclosure | None = None
    transcripts: tuple[TranscriptLink, ...] = ()
    chapters_url: str | None = None  # absolute URL of the Podcasting 2.0 chapters file

    @property
    def updated(self) -> dt.datetime:
        """The entry's last meaningful change (front matter `updated`, else its date)."""
        page = self.page
        assert page.date is not None
        return page.updated or page.date


@dataclass(frozen=True)
class FeedSpec:
    """One feed family (RSS, Atom and JSON share it): its scope, addresses and entries."""

    scope: str  # "lang" | "tag" | "section" | "all"
    lang: str | None  # None for the all-languages feed
    name: str  # tag id or section folder; "" otherwise
    label: str  # tag label in `lang`; "" otherwise
    folder: str  # output folder of the three files
    rss: str  # absolute feed URLs
    atom: str
    json: str
    home: str  # absolute URL of the matching HTML page
    stylesheet: str  # root-relative URL of the XSLT stylesheet
    ui_lang: str  # language of the feed's own texts (titles, headings, the XSLT page)
    full_content: bool
    items: tuple[Item, ...]

    @property
    def updated(self) -> dt.datetime:
        """The newest entry's change, so an unchanged site gives byte-identical feeds."""
        return max((item.updated for item in self.items), default=EPOCH)
