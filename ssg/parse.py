"""One source file → a pure, picklable parse result, cacheable by the file's digest.

Everything here depends only on the file's bytes (and Aloud's version), never on other files, so
results can be computed in worker processes and reused across builds from the cache.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from .captions import CaptionTrack, parse_timestamp, read_captions
from .discover import Source
from .errors import SiteError
from .fastpath import file_digest
from .frontmatter import FrontMatter, parse_date, split_front_matter
from .markdown import Rendered, render_markdown, render_reply


@dataclass(frozen=True)
class Meta:
    """Validated front matter. Unknown keys are kept in `extra` for custom templates."""

    title: str | None = None
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    draft: bool = False
    private: bool = False
    slug: str | None = None
    lang: str | None = None
    translation_key: str | None = None
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    license: str | None = None
    status: str | None = None
    open_questions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    toc: bool = False
    source: bool | None = None
    template: str | None = None
    video: str | None = None
    poster: str | None = None
    chapters: tuple[tuple[float, str], ...] = ()
    speakers: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()
    key_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str) -> int | None:
        return dict(self.key_lines).get(key)


@dataclass(frozen=True)
class ParsedMarkdown:
    rel: str
    digest: str
    meta: Meta
    rendered: Rendered


@dataclass(frozen=True)
class ParsedReply:
    rel: str
    digest: str
    author: str
    date: dt.datetime
    url: str | None
    in_reply_to: str | None
    html: str


@dataclass(frozen=True)
class ParsedCaptions:
    rel: str
    digest: str
    track: CaptionTrack


Parsed = ParsedMarkdown | ParsedReply | ParsedCaptions

_STR_KEYS = ("title", "summary", "slug", "lang", "translation_key", "license", "status")
_STR_KEYS += ("template", "video", "poster")
_LIST_KEYS = ("tags", "authors", "contributors", "open_questions", "aliases", "speakers")
_BOOL_KEYS = ("draft", "private", "toc", "source")
_KNOWN = {*_STR_KEYS, *_LIST_KEYS, *_BOOL_KEYS, "date", "updated", "chapters"}


def decode_text(data: bytes, display: str) -> str:
    """UTF-8 (with or without BOM) or a one-line error naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SiteError(display, line, "not UTF-8 text: save the file as UTF-8") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_source(source: Source, data: bytes, display: str) -> Parsed:
    """Parse one Markdown, reply or caption file. `display` is the path used in messages."""
    digest = file_digest(data)
    if source.kind == "captions":
        track = read_captions(source.path, display)
        return ParsedCaptions(source.rel, digest, track)
    text = decode_text(data, display)
    front = split_front_matter(text, display)
    if source.kind == "reply":
        return _parse_reply(source, front, display, digest)
    meta = parse_meta(front, display)
    rendered = render_markdown(front.body, source.rel, front.body_line)
    return ParsedMarkdown(source.rel, digest, meta, rendered)


def parse_meta(front: FrontMatter, display: str) -> Meta:
    data, lines = front.data, front.key_lines
    values: dict[str, Any] = {}
    for key in _STR_KEYS:
        if key in data and data[key] is not None:
            value = data[key]
            if isinstance(value, int | float) and key in ("title", "slug", "summary"):
                value = str(value)
            if not isinstance(value, str):
                raise SiteError(display, lines.get(key), f"{key}: expected text, got {value!r}")
            values[key] = value.strip()
    for key in _LIST_KEYS:
        if key in data and data[key] is not None:
            value = data[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(
                isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
            ):
                raise SiteError(display, lines.get(key), f"{key}: expected a list of text")
            values[key] = tuple(str(item).strip() for item in value)
    for key in _BOOL_KEYS:
        if key in data and data[key] is not None:
            if not isinstance(data[key], bool):
                raise SiteError(display, lines.get(key), f"{key}: expected true or false")
            values[key] = data[key]
    for key in ("date", "updated"):
        values[key] = parse_date(data.get(key), key, display, lines.get(key))
    if "chapters" in data:
        values["chapters"] = _chapters(data["chapters"], display, lines.get("chapters"))
    if "title" in values and not values["title"]:
        raise SiteError(display, lines.get("title"), "title: is empty")
    extra = tuple(sorted((k, v) for k, v in data.items() if k not in _KNOWN))
    return Meta(**values, extra=extra, key_lines=tuple(sorted(lines.items())))


def _chapters(value: Any, display: str, line: int | None) -> tuple[tuple[float, str], ...]:
    if not isinstance(value, list):
        raise SiteError(display, line, "chapters: expected a list of {time, title}")
    chapters = []
    for item in value:
        if not isinstance(item, dict) or "time" not in item or "title" not in item:
            raise SiteError(display, line, "chapters: each chapter needs 'time' and 'title'")
        try:
            start = parse_timestamp(str(item["time"]))
        except ValueError:
            raise SiteError(display, line, f"chapters: bad time {item['time']!r}") from None
        chapters.append((start, str(item["title"])))
    return tuple(sorted(chapters))


def _parse_reply(source: Source, front: FrontMatter, display: str, digest: str) -> ParsedReply:
    data, lines = front.data, front.key_lines
    author = data.get("author")
    if not isinstance(author, str) or not author.strip():
        raise SiteError(display, lines.get("author", 1), "reply: 'author' is required")
    date = parse_date(data.get("date"), "date", display, lines.get("date"))
    if date is None:
        raise SiteError(display, 1, "reply: 'date' is required")
    url = data.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        url = None  # only plain web links from third parties
    parent = data.get("in_reply_to")
    return ParsedReply(
        source.rel,
        digest,
        author.strip(),
        date,
        url,
        str(parent) if parent is not None else None,
        render_reply(front.body),
    )


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes in three system calls: `Path.read_bytes` opens a buffered file, which
    also asks for its size, whether it is a terminal and its position (17 against 8 µs a
    file; a cold build reads every source)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_and_parse(source: Source) -> Parsed:
    """Read a file and parse it (used by worker processes)."""
    display = f"content/{source.rel}"
    try:
        data = read_bytes(source.path)
    except OSError as exc:
        raise SiteError(display, None, f"cannot read: {exc.strerror}") from None
    return parse_source(source, data, display)
