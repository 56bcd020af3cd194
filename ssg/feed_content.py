"""What an entry carries into a feed: its HTML with absolute links, media and caption files.

A feed is read far from the site, so every link in it must be absolute: root-relative links
(`/blog/x/`), fragments (`#fn1`) and page-relative paths are resolved against the page's absolute
URL, which includes the base path. Talks add their transcript to the content, and a self-hosted
media file becomes an enclosure with its real size, so a series of talks is also a podcast.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .captions import Chapter, format_timestamp
from .config import Config
from .feed_model import Enclosure, Item, TranscriptLink
from .model import Page, Transcript
from .urls import absolute, file_url
from .video import video_info

MEDIA_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
}
CAPTION_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip"}
CHAPTERS_VERSION = "1.2.0"  # Podcasting 2.0 JSON chapters format

# One attribute, its value in any of HTML's three quoting styles (a value may hold ">" or "=").
_ATTR = r"""(\s+)([^\s"'>/=]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+))?"""
_TAG = re.compile(rf"<(?P<name>[a-zA-Z][^\s/>]*)(?P<attributes>(?:{_ATTR})*)(?P<end>\s*/?>)")
_ATTR_RE = re.compile(_ATTR)
_URL_ATTRS = {"href", "src", "srcset", "poster"}


def absolutize(body: str, page_url: str) -> str:
    """Make every href/src/srcset/poster in `body` absolute against the absolute `page_url`."""

    def attribute(match: re.Match[str]) -> str:
        space, name, equals, raw = match.groups()
        if raw is None or name.lower() not in _URL_ATTRS:
            return match.group(0)
        value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        if name.lower() == "srcset":
            resolved = ", ".join(_srcset_candidate(part, page_url) for part in value.split(","))
        else:
            resolved = _resolve(value, page_url)
        return f'{space}{name}{equals}"{html.escape(resolved, quote=True)}"'

    def tag(match: re.Match[str]) -> str:
        attributes = _ATTR_RE.sub(attribute, match["attributes"])
        return f"<{match['name']}{attributes}{match['end']}"

    return _TAG.sub(tag, body)


def _resolve(value: str, page_url: str) -> str:
    value = value.strip()
    if not value or value.startswith("data:"):
        return value
    return urljoin(page_url, value)


def _srcset_candidate(part: str, page_url: str) -> str:
    pieces = part.strip().split(None, 1)
    if not pieces:
        return ""
    return " ".join([_resolve(pieces[0], page_url), *pieces[1:]])


_ENTRY_MEMO: dict[tuple, str] = {}


def entry_html(item: Item, translate: Callable[[str], str]) -> str:
    """The full content of an entry, memoized: a post appears in its language's feed, its
    section's and each of its tags', each in three formats, and making its links absolute is
    most of a feed's cost."""
    page = item.page
    key = (
        page.content_digest,
        page.description_lang,
        item.url,
        translate("Chapters"),
        translate("Transcript"),
    )
    found = _ENTRY_MEMO.get(key)
    if found is None:
        if len(_ENTRY_MEMO) > 20_000:
            _ENTRY_MEMO.clear()
        found = _ENTRY_MEMO[key] = _entry_html(item, translate)
    return found


def _entry_html(item: Item, translate: Callable[[str], str]) -> str:
    page = item.page
    parts = []
    body = page.body
    if body:
        if page.description_lang:
            parts.append(f'<div lang="{html.escape(page.description_lang)}">{body}</div>')
        else:
            parts.append(body)
    if page.chapters:
        parts.append(f"<h2>{html.escape(translate('Chapters'))}</h2>")
        parts.append(
            "<ol>" + "".join(_chapter(c, page.transcript) for c in page.chapters) + "</ol>"
        )
    transcript = page.transcript
    if transcript and transcript.paragraphs:
        parts.append(f'<section lang="{html.escape(transcript.lang)}">')
        parts.append(f"<h2>{html.escape(translate('Transcript'))}</h2>")
        anchors = transcript.anchors or tuple(f"t={int(p.start)}" for p in transcript.paragraphs)
        for paragraph, anchor in zip(transcript.paragraphs, anchors, strict=True):
            speaker = ""
            if paragraph.speaker:
                speaker = f"<strong>{html.escape(paragraph.speaker)}:</strong> "
            link = _time_link(paragraph.start, anchor)
            parts.append(f"<p>{link} {speaker}{paragraph.html}</p>")
        parts.append("</section>")
    return absolutize("\n".join(parts), item.url)


def _time_link(start: float, anchor: str) -> str:
    return f'<a href="#{anchor}">{format_timestamp(start)}</a>'


def _chapter(chapter: Chapter, transcript: Transcript | None) -> str:
    anchor = transcript.anchor_at(chapter.start) if transcript else f"t={int(chapter.start)}"
    return f"<li>{_time_link(chapter.start, anchor)} {html.escape(chapter.title)}</li>"


def static_files(config: Config, statics: list) -> dict[str, str]:
    """Published URL → source file of every copied file (for enclosure sizes)."""
    return {file_url(config, entry[0]): entry[1] for entry in statics}


def find_enclosure(
    config: Config, video: str | None, page_url: str, files: dict[str, str]
) -> Enclosure | None:
    """A media file (`video:`) as an enclosure: its size when we publish it, else 0 (unknown)."""
    media = video_info(video, page_url)
    if media is None or media.provider != "file":
        return None
    path = urlsplit(media.src).path
    media_type = MEDIA_TYPES.get(posixpath.splitext(path)[1].lower())
    if media_type is None:
        return None
    local = media.src
    if local.startswith(config.origin + "/"):
        local = local[len(config.origin) :]
    source = files.get(local)
    length = Path(source).stat().st_size if source else 0
    return Enclosure(absolute(config, media.src), length, media_type)


def transcript_links(config: Config, item_page: Page) -> tuple[TranscriptLink, ...]:
    """The page's own caption file first, then the translated ones."""
    transcript = item_page.transcript
    links: list[TranscriptLink] = []
    if transcript:
        links.append(_caption_link(config, transcript.caption_url, transcript.lang))
    for track in item_page.caption_tracks:
        link = _caption_link(config, track.url, track.lang)
        if link.type and all(existing.url != link.url for existing in links):
            links.append(link)
    return tuple(link for link in links if link.type)


def _caption_link(config: Config, url: str, lang: str) -> TranscriptLink:
    extension = posixpath.splitext(urlsplit(url).path)[1].lower()
    return TranscriptLink(absolute(config, url), CAPTION_TYPES.get(extension, ""), lang)


def chapters_json(title: str, chapters: tuple[Chapter, ...]) -> bytes:
    """A Podcasting 2.0 JSON chapters file (podcastindex.org/namespace/1.0#chapters)."""
    data = {
        "version": CHAPTERS_VERSION,
        "title": title,
        "chapters": [
            {"startTime": _number(chapter.start), "title": chapter.title} for chapter in chapters
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 3)
