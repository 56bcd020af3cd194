"""Livestream captions (WebVTT, SubRip) read into cues, chapters and transcript paragraphs.

Why our own parser instead of webvtt-py 0.6.0 / srt 3.5.3 (measured on shared/fixtures):
webvtt-py drops the first cue of bom_note_style_region.vtt (`00:01:39`, no milliseconds), returns
no cues at all for a file whose timestamps lack milliseconds, silently drops a cue with a bad
timestamp (no warning, no line), keeps one voice per cue and reports no line numbers. `srt` reads
the 2-digit fraction `,08` as 8 ms (it is 80 ms), swallows a malformed cue into the previous cue's
text, and refuses CR-only files. We need line numbers for every message, so a small tolerant
line scanner (WebVTT spec block rules, relaxed timestamps) is both shorter and more correct.

Tolerated: BOMs, UTF-16, CRLF/CR, whitespace-only lines between blocks, header text after WEBVTT,
NOTE/STYLE/REGION blocks (and stray header lines before the first cue), numeric ids, a timing
line straight after cue text (YouTube), timestamps like `0:0:0.210`, `00:01:39`, `.04`, `,500`,
and junk or settings after the timing. Unusable cues are skipped with a SiteWarning.

Chapter convention (WebVTT only): a cue is a chapter, not speech, when its id starts with
"chapter" (`chapter-1`, `Chapter 2`), when its text is `CHAPTER: Title` (upper case, optional
number: `CHAPTER 3: Title`), or when the header says `Kind: chapters` (a chapters track).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ssg.caption_text import (
    Segment,
    clean_cue,
    drop_repeated_lines,
    is_rolling,
    normalise_space,
    plain_text,
)
from ssg.errors import SiteError, SiteWarning

_TS = r"(?:(\d{1,6}):)?(\d{1,6}):(\d{1,2})(?:[.,](\d{1,9}))?"
_TIMING = re.compile(rf"\s*{_TS}[ \t]*-->[ \t]*{_TS}(?:[ \t].*)?")
_TIMESTAMP = re.compile(rf"{_TS}|(\d{{1,9}})(?:[.,](\d{{1,9}}))?")
_CHAPTER_TEXT = re.compile(r"CHAPTER(?:\s+\d+)?\s*:\s*(\S.*)")
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'”’)\]»]*)$")
_WARN_LIMIT = 20  # per kind, so a broken 5,000-cue file does not bury the build output
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"", "UTF-8"),
)
_Raw = tuple[int, int, str, float, float, list[str]]  # line, end_line, id, start, end, text lines


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    html: str
    speaker: str | None
    turn: bool
    line: int
    end_line: int


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str


@dataclass(frozen=True)
class CaptionTrack:
    path: str
    format: str
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]
    warnings: tuple[SiteWarning, ...]
    duration: float


@dataclass(frozen=True)
class Paragraph:
    start: float
    end: float
    speaker: str | None
    html: str
    text: str
    line: int
    end_line: int
    turn: bool = False  # starts a new speaker turn (lets templates mark anonymous `>>` turns)


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float | None:
    """Seconds from timestamp parts; None when out of range (`00:75:00`, `00:00:61`)."""
    if int(s) > 59 or (h is not None and int(m) > 59):
        return None
    value = int(h or 0) * 3600 + int(m) * 60 + int(s)
    return value + (int(frac) / 10 ** len(frac) if frac else 0.0)


def parse_timestamp(value: str | int | float) -> float:
    """Seconds from "12:34", "1:02:03", "754", "00:12:34.500" (front matter chapter times too)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)  # YAML 1.1 reads an unquoted 12:34 as the integer 754
    m = _TIMESTAMP.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is not None:
        if m.group(5) is not None:
            frac = m.group(6) or "0"
            return int(m.group(5)) + int(frac) / 10 ** len(frac)
        seconds = _seconds(*m.group(1, 2, 3, 4))
        if seconds is not None:
            return seconds
    raise ValueError(f"not a timestamp: {value!r} (expected e.g. 12:34, 1:02:03 or 754)")


def format_timestamp(seconds: float) -> str:
    """ "0:05", "12:34", "1:02:03" (rounded down, like a player's clock and `t=` links)."""
    total = max(0, int(seconds)) if math.isfinite(seconds) else 0
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def read_captions(path: Path, display_path: str | None = None) -> CaptionTrack:
    """Read and decode a caption file, then parse it (format from the extension, or sniffed)."""
    shown = display_path if display_path is not None else str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise SiteError(shown, None, f"cannot read caption file: {e.strerror or e}") from e
    suffix = Path(path).suffix.lower().lstrip(".")
    return parse_captions(_decode(data, shown), suffix if suffix in ("vtt", "srt") else "", shown)


def _line_of(prefix: str) -> int:
    return prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _decode(data: bytes, shown: str) -> str:
    """UTF-8 (BOM optional) or UTF-16/32 with a BOM; anything else is an error naming the line."""
    bom, codec = next((b, c) for b, c in _BOMS if data.startswith(b))
    body = data[len(bom) :]
    if codec == "UTF-8" and b"\0" in body:
        line = _line_of(body[: body.index(b"\0")].decode(codec, errors="replace"))
        raise SiteError(shown, line, "binary data or UTF-16 without a byte order mark")
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as e:
        line = _line_of(body[: e.start].decode(codec, errors="replace"))
        raise SiteError(
            shown, line, f"caption file is not valid {codec} (byte {e.start})"
        ) from None
    return text


class _Warnings:
    def __init__(self, path: str) -> None:
        self.path, self.items, self.kinds = path, list[SiteWarning](), Counter[str]()

    def add(self, kind: str, line: int, message: str) -> None:
        self.kinds[kind] += 1
        if self.kinds[kind] <= _WARN_LIMIT:
            self.items.append(SiteWarning(self.path, line, message))

    def done(self) -> tuple[SiteWarning, ...]:
        for kind, n in self.kinds.items():
            if n > _WARN_LIMIT:
                more = f"{n - _WARN_LIMIT} more warnings like this ({kind})"
                self.items.append(SiteWarning(self.path, None, more))
        return tuple(sorted(self.items, key=lambda w: w.line or 1 << 60))  # file order


def _blocks(lines: list[str], first: int, fmt: str) -> list[tuple[int, list[str]]]:
    """Blocks as (line number, lines), split at empty lines. Whitespace-only lines separate
    blocks when they come between them (Netflix) but are text inside one (YouTube's " " lines).
    A timing line after text starts a new block (the WebVTT rule YouTube downloads rely on),
    taking the line before it as its id if that looks like one."""
    blocks: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    start = first
    for n in range(first, len(lines)):
        line = lines[n]
        if not line or (not cur and not line.strip()):
            if cur:
                blocks.append((start + 1, cur))
            cur = []
            continue
        if "-->" in line and cur and (len(cur) > 1 or "-->" in cur[0]):
            carry = any("-->" in x for x in cur[:-1]) and (
                (fmt == "srt" and cur[-1].strip().isdigit()) or not cur[-2].strip()
            )
            blocks.append((start + 1, cur[:-1] if carry else cur))
            cur, start = ([cur[-1]], n - 1) if carry else ([], n)
        if not cur:
            start = n
        cur.append(line)
    if cur:
        blocks.append((start + 1, cur))
    return blocks


def parse_captions(text: str, fmt: str, path: str) -> CaptionTrack:
    """Parse caption text; `fmt` is "vtt" or "srt" ("" or anything else: sniff the content)."""
    lines = text.removeprefix("\ufeff").replace("\0", "\ufffd")
    lines = lines.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    warn = _Warnings(path)
    top = next((i for i, x in enumerate(lines) if x.strip()), 0)  # tolerate leading blank lines
    is_vtt = lines[top].startswith("WEBVTT") and lines[top][6:7] in ("", " ", "\t")
    if is_vtt:
        fmt = "vtt"  # whatever the extension said
    elif fmt == "vtt" and text.strip():
        warn.add("header", 1, 'WebVTT file does not start with "WEBVTT"')
    elif fmt != "vtt":
        fmt = "srt"
    header_end = top
    if is_vtt:
        while header_end < len(lines) and lines[header_end].strip():
            if header_end > top and "-->" in lines[header_end]:
                break
            header_end += 1
    header = [x.split(":", 1) for x in lines[top + 1 : header_end] if ":" in x]
    chapter_track = any(k.strip().lower() == "kind" and v.strip() == "chapters" for k, v in header)

    raw: list[_Raw] = []
    bad_timing: int | None = None
    for lineno, block in _blocks(lines, header_end, fmt):
        t = 0 if "-->" in block[0] else 1 if len(block) > 1 and "-->" in block[1] else -1
        if t < 0:
            if fmt == "vtt" and (not raw or re.match(r"(NOTE|STYLE|REGION)(\s|$)", block[0])):
                continue  # comments, style sheets, old `Region:` lines, CSS after a blank line
            warn.add("orphan", lineno, "text outside any cue (no timing line); ignored")
            continue
        m = _TIMING.fullmatch(block[t])
        start = _seconds(*m.group(1, 2, 3, 4)) if m else None
        end = _seconds(*m.group(5, 6, 7, 8)) if m else None
        if start is None or end is None:
            bad_timing = bad_timing or lineno + t
            warn.add(
                "timing", lineno + t, f"malformed cue timing {block[t].strip()[:60]!r}; skipped"
            )
            continue
        ident = block[0].strip() if t else ""
        last = max(i for i, x in enumerate(block) if x.strip() or i == t)
        raw.append((lineno + t, lineno + last, ident, start, end, block[t + 1 : last + 1]))

    if not raw and not is_vtt and text.strip():
        if bad_timing is not None:
            raise SiteError(path, bad_timing, "not a caption file: no valid cue timing line")
        raise SiteError(path, 1, "not a caption file: no WEBVTT header and no cue timings")
    if not raw:
        warn.add("empty", 1, "caption file has no cues")
    return _build(raw, fmt, path, warn, chapter_track)


def _build(
    raw: list[_Raw], fmt: str, path: str, warn: _Warnings, chapter_track: bool
) -> CaptionTrack:
    """Cues and chapters from (line, end_line, id, start, end, lines) tuples."""
    rolling = is_rolling([c[5] for c in raw], fmt)
    cues: list[Cue] = []
    chapters: list[Chapter] = []
    pending_turn = False
    duration = 0.0
    kept: list[tuple[int, int, float, float, list[Segment]]] = []
    labels: Counter[str | None] = Counter()
    for i, (line, end_line, ident, start, end, text_lines) in enumerate(raw):
        title = plain_text(text_lines, fmt)
        marked = _CHAPTER_TEXT.fullmatch(title)
        if fmt == "vtt" and (chapter_track or ident.lower().startswith("chapter") or marked):
            title = marked.group(1).strip() if marked else title
            if title:
                chapters.append(Chapter(start, title))
                duration = max(duration, end)
            else:
                warn.add("chapter", line, "chapter cue without a title; ignored")
            continue
        if end <= start:
            kind = "has zero length" if end == start else "ends before it starts"
            warn.add("length", line, f"cue at {format_timestamp(start)} {kind}; skipped")
            continue
        if rolling and i:
            text_lines = drop_repeated_lines(raw[i - 1][5], text_lines, fmt)
            if not any(plain_text([x], fmt) for x in text_lines):
                continue  # a pure repeat of the previous cue: nothing new was said
        segments = clean_cue(text_lines, fmt)
        if not any(s.text or s.turn for s in segments):  # a bare `>>` is a turn, not empty
            warn.add("empty", line, "empty cue; skipped")
        kept.append((line, end_line, start, end, segments))
        duration = max(duration, end) if any(s.text for s in segments) else duration
        labels.update(s.speaker for s in segments if s.labelled)

    for line, end_line, start, end, segments in kept:
        for seg in segments:
            if seg.labelled and not _is_label(seg.speaker or "", labels):
                seg = seg.unlabel()
            if not seg.text:
                pending_turn = pending_turn or seg.turn
                continue
            turn = seg.turn or pending_turn
            cues.append(Cue(start, end, seg.text, seg.html, seg.speaker, turn, line, end_line))
            pending_turn = False

    if raw and not cues and not chapters:
        warn.add("empty", 1, "caption file has no usable cues")
    pairs = list(zip(cues, cues[1:], strict=False))
    early = [c for p, c in pairs if c.start < p.start]
    if early:
        warn.add("order", early[0].line, "cue starts before the previous one; cues sorted by time")
    ordered = sorted(cues, key=lambda c: c.start)
    overlaps, reach, last = [], 0.0, 0
    for c in ordered:  # against every earlier cue still showing, but not its own voice split
        if c.start < reach and c.line != last:
            overlaps.append(c)
        reach, last = max(reach, c.end), c.line
    if overlaps:
        more = f" ({len(overlaps) - 1} more overlaps)" if len(overlaps) > 1 else ""
        warn.add("overlap", overlaps[0].line, f"cue overlaps an earlier cue{more}")
    return CaptionTrack(
        path=path,
        format=fmt,
        cues=tuple(_mark_turns(ordered)),
        chapters=tuple(sorted(chapters, key=lambda c: c.start)),
        warnings=warn.done(),
        duration=duration,
    )


def _is_label(name: str, labels: Counter[str | None]) -> bool:
    """Trust a `Name:` prefix with 2+ words, in capitals (SDH `MAN:`) or used twice; so a
    one-off capitalised word ("Digo: ..." in Spanish subtitles) stays text."""
    return len(name.split()) > 1 or name.isupper() or labels[name] > 1


def _mark_turns(cues: list[Cue]) -> list[Cue]:
    """A cue starts a turn on `>>` or when a named speaker differs from the current one."""
    current: str | None = None
    out = []
    for cue in cues:
        turn = cue.turn or (cue.speaker is not None and cue.speaker != current)
        if turn:
            current = cue.speaker
        out.append(cue if turn == cue.turn else Cue(**{**cue.__dict__, "turn": turn}))
    return out


def make_paragraphs(cues: Sequence[Cue], gap: float = 2.0, max_chars: int = 600) -> list[Paragraph]:
    """Merge cues into paragraphs: break at speaker turns, at pauses over `gap` seconds, and
    before `max_chars` (after the last cue that ends a sentence, when there is one)."""
    paragraphs: list[Paragraph] = []
    cur: list[Cue] = []
    speaker: str | None = None  # speaker of the current turn, inherited by later paragraphs

    def flush(part: list[Cue], turn: bool) -> None:
        first = part[0]  # `speaker` is still this paragraph's: a turn flushes before it changes
        paragraphs.append(
            Paragraph(
                start=first.start,
                end=max(c.end for c in part),
                speaker=speaker,
                html=" ".join(c.html for c in part),
                text=" ".join(c.text for c in part),
                line=first.line,
                end_line=max(c.end_line for c in part),
                turn=turn,
            )
        )

    cur_turn = False
    for cue in cues:
        turn = cue.turn or (cue.speaker is not None and cue.speaker != speaker)
        size = sum(len(c.text) + 1 for c in cur) + len(cue.text)
        if cur and (turn or cue.start - max(c.end for c in cur) > gap):
            flush(cur, cur_turn)
            cur, cur_turn = [], False
        elif cur and size > max_chars:
            ends = [i for i, c in enumerate(cur) if _SENTENCE_END.search(c.text)]
            cut = ends[-1] + 1 if ends else len(cur)
            flush(cur[:cut], cur_turn)
            cur, cur_turn = cur[cut:], False
            if cur and sum(len(c.text) + 1 for c in cur) + len(cue.text) > max_chars:
                flush(cur, False)
                cur = []
        if turn:
            speaker = cue.speaker
        cur_turn = cur_turn or (turn and not cur)
        cur.append(cue)
    if cur:
        flush(cur, cur_turn)
    return paragraphs


def transcript_text(paragraphs: Sequence[Paragraph], title: str) -> str:
    """Plain-text transcript for a .txt download: title, blank line, "[12:34] Speaker: text"."""
    out = [normalise_space(title), ""]
    for p in paragraphs:
        who = f"{p.speaker}: " if p.speaker else ""
        out += [f"[{format_timestamp(p.start)}] {who}{p.text}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
