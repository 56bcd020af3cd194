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
from .model import Page
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


def entry_html(item: Item, translate: Callable[[str], str]) -> str:
    """The full content of an entry: its body; for talks also chapters and the transcript."""
    page = item.page
    parts = []
    if page.body:
        if page.description_lang:
            parts.append(f'<div lang="{html.escape(page.description_lang)}">{page.body}</div>')
        else:
            parts.append(page.body)
    if page.chapters:
        parts.append(f"<h2>{html.escape(translate('Chapters'))}</h2>")
        parts.append("<ol>" + "".join(_chapter(c) for c in page.chapters) + "</ol>")
    transcript = page.transcript
    if transcript and transcript.paragraphs:
        parts.append(f'<section lang="{html.escape(transcript.lang)}">')
        parts.append(f"<h2>{html.escape(translate('Transcript'))}</h2>")
        for paragraph in transcript.paragraphs:
            speaker = ""
            if paragraph.speaker:
                speaker = f"<strong>{html.escape(paragraph.speaker)}:</strong> "
            parts.append(f"<p>{_time_link(paragraph.start)} {speaker}{paragraph.html}</p>")
        parts.append("</section>")
    return absolutize("\n".join(parts), item.url)


def _time_link(start: float) -> str:
    return f'<a href="#t={int(start)}">{format_timestamp(start)}</a>'


def _chapter(chapter: Chapter) -> str:
    return f"<li>{_time_link(chapter.start)} {html.escape(chapter.title)}</li>"


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
