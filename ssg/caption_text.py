"""Cue text cleaning for `ssg.captions`: markup out, speakers found, safe HTML in.

Caption text is third-party markup (WebVTT cue tags, SubRip's HTML-ish tags, ASS override codes,
YouTube word timings). A transcript page wants readable text, so the rule is simple and strict:
every tag-like thing is removed, `<i>` becomes `<em>`, and all text is escaped. A `<` that does not
start a tag (`2 < 3 !`, `2<3,5>1`) is text. Speakers come from `<v Name>` voice spans, a short
`Name:` prefix at the start of the cue, and `>>` turn markers (speaker unknown, new turn).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A tag: `<name ...>`/`</name>` with a name starting with a letter (`v`, `c.colorE5E5E5`, `font`),
# or a WebVTT timestamp tag `<00:05:04.199>`. Anything else containing `<` stays text.
_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][\w.\-]*)(?:[ \t]+(?P<annot>[^<>\n]*))?[ \t]*/?>"
    r"|<\d+(?::\d+){1,2}(?:[.,]\d+)?>"
)
_ASS_OVERRIDE = re.compile(r"\{\\[^{}\n]*\}")  # {\an8}, {\i1}: SubRip/ASS positioning codes
_INLINE_TS = re.compile(r"<\d+(?::\d+){1,2}(?:[.,]\d+)?>")  # YouTube word timings
_TURN = re.compile(r"(?:^|(?<=\s))>>(?!>)")  # broadcast-caption speaker change
_WORD = r"[^\W\d_][\w.'’\-]*"
_SPEAKER = re.compile(
    rf"^\s*(?P<name>{_WORD}(?:[ \t]+{_WORD}){{0,3}}(?:[ \t]+\d{{1,2}})?):(?:\s+|$)"
)
_PARTICLES = {"van", "von", "de", "da", "di", "du", "del", "der", "den", "la", "le", "bin", "ibn"}
# Single words that start a cue with a colon but are not people ("Note: ...", "So: ...").
_NOT_SPEAKERS = {
    "note", "nb", "ps", "p.s", "warning", "caution", "update", "edit", "example", "tip", "hint",
    "important", "fyi", "todo", "question", "answer", "chapter", "step", "source", "via", "re",
    "subject", "http", "https", "so", "and", "but", "or", "well", "yes", "no", "okay", "ok", "now",
    "then", "here", "there", "this", "that", "what", "why", "how", "remember", "also", "plus",
}  # fmt: skip
_EM, _END_EM = object(), object()  # markers in a segment's parts list


@dataclass(frozen=True)
class Segment:
    """One speaker's part of a cue (a cue with two voices gives two segments)."""

    speaker: str | None
    turn: bool  # an explicit `>>` turn marker started this segment
    text: str
    html: str
    labelled: bool = False  # speaker came from a `Name:` prefix (the caller may put it back)

    def unlabel(self) -> Segment:
        """The segment with its `Name:` prefix returned to the text (it was not a speaker)."""
        if not self.labelled or self.speaker is None:
            return self
        name = self.speaker + ":"
        text, markup = f"{name} {self.text}", f"{html.escape(name)} {self.html}"
        return Segment(None, self.turn, text, markup)


def normalise_space(text: str) -> str:
    """Collapse every whitespace run (newlines, tabs, no-break spaces) to one space."""
    return " ".join(text.split())


def _prepare(raw: str, fmt: str) -> str:
    raw = _ASS_OVERRIDE.sub("", raw)
    if fmt == "srt":  # ASS escapes that SubRip players honour: forced/soft break, hard space
        raw = raw.replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ")
    return raw


def _decode(text: str, fmt: str) -> str:
    # WebVTT escapes `&`, `<`, `>` as entities; SubRip text is literal.
    return html.unescape(text) if fmt == "vtt" else text


def plain_text(lines: Sequence[str], fmt: str) -> str:
    """Cue lines as plain text, all markup removed (for titles and duplicate detection)."""
    raw = _prepare("\n".join(lines), fmt)
    return normalise_space(_decode(_TAG.sub("", raw), fmt))


class _Builder:
    """Collects text and <em> markers per segment while walking a cue's tokens."""

    def __init__(self) -> None:
        self.segments: list[tuple[str | None, bool, list[object]]] = []
        self.new(None, False)

    def new(self, speaker: str | None, turn: bool) -> None:
        self.speaker, self.turn, self.parts = speaker, turn, []
        self.segments.append((speaker, turn, self.parts))

    def has_text(self) -> bool:
        return any(isinstance(p, str) and p.strip() for p in self.parts)

    def voice(self, name: str) -> None:
        if not self.has_text():
            self.segments[-1] = (name, self.turn, self.parts)
            self.speaker = name
        elif name != self.speaker:
            self.new(name, False)

    def text(self, text: str) -> None:
        pieces = _TURN.split(text)
        self.parts.append(pieces[0])
        for piece in pieces[1:]:
            if self.has_text():
                self.new(None, True)
            else:
                self.segments[-1] = (self.segments[-1][0], True, self.parts)
            self.parts.append(piece)


def _speaker_prefix(parts: list[object]) -> str | None:
    """Find and remove a conservative `Name:` prefix (Zoom/Teams/SDH style) from the parts."""
    for i, part in enumerate(parts):
        if not isinstance(part, str) or not part.strip():
            continue
        m = _SPEAKER.match(part)
        if m is None:
            return None
        name = normalise_space(m.group("name"))
        words = name.split()
        if len(name) > 40 or name.lower().rstrip(".") in _NOT_SPEAKERS:
            return None
        for n, word in enumerate(words):
            if not (word[0].isupper() or word.isdigit() or (n and word in _PARTICLES)):
                return None
        rest = part[m.end() :]
        if not (rest.strip() or any(isinstance(p, str) and p.strip() for p in parts[i + 1 :])):
            return None  # "MAN:" with nothing after it is the whole cue, not a label
        parts[i] = rest
        return name
    return None


def _render(parts: list[object]) -> tuple[str, str]:
    text: list[str] = []
    out: list[str] = []
    depth = 0
    for part in parts:
        if part is _EM:
            if depth == 0:
                out.append("<em>")
            depth += 1
        elif part is _END_EM:
            if depth == 1:
                out.append("</em>")
            depth = max(0, depth - 1)
        elif isinstance(part, str):
            text.append(part)
            out.append(html.escape(part))
    if depth:
        out.append("</em>")
    markup = "".join(out)
    markup = re.sub(r"<em>(\s+)", r"\1<em>", markup)  # keep spaces outside <em>
    markup = re.sub(r"(\s+)</em>", r"</em>\1", markup)
    markup = re.sub(r"<em></em>", "", markup)
    markup = re.sub(r"\s+", " ", markup).strip()
    markup = re.sub(r"</em>( ?)<em>", r"\1", markup)  # join italic lines into one span
    return normalise_space("".join(text)), markup


def clean_cue(lines: Sequence[str], fmt: str) -> list[Segment]:
    """Turn raw cue lines into speaker segments with plain text and safe HTML.

    Segments with no text are dropped, except that a bare `>>` is kept as an empty segment with
    turn=True, so the caller can carry the turn to the next text.
    """
    raw = _prepare("\n".join(lines), fmt)
    build = _Builder()
    pos = 0
    for m in _TAG.finditer(raw):
        build.text(_decode(raw[pos : m.start()], fmt))
        pos = m.end()
        name = (m.group("name") or "").split(".")[0].lower()
        if name == "v" and not m.group("close"):
            speaker = normalise_space(m.group("annot") or "")
            if speaker:
                build.voice(speaker)
        elif name == "i":
            build.parts.append(_END_EM if m.group("close") else _EM)
    build.text(_decode(raw[pos:], fmt))

    result: list[Segment] = []
    for speaker, turn, parts in build.segments:
        labelled = speaker is None
        if labelled:
            speaker = _speaker_prefix(parts)
        text, markup = _render(parts)
        if text or turn:
            result.append(Segment(speaker, turn, text, markup, labelled and speaker is not None))
    return result


def _keys(lines: Sequence[str], fmt: str) -> list[str]:
    return [k for k in (plain_text([x], fmt) for x in lines) if k]


def is_rolling(cues: Sequence[Sequence[str]], fmt: str) -> bool:
    """YouTube auto-captions (word timings, or most 2-line cues opening with the previous cue's
    last line) roll: each cue repeats the line before it."""
    if any(_INLINE_TS.search(x) for lines in cues for x in lines):
        return True
    multi = repeats = 0
    for prev, cue in zip(cues, cues[1:], strict=False):
        a, b = _keys(prev, fmt), _keys(cue, fmt)
        if len(b) > 1 and a:
            multi += 1
            repeats += b[0] == a[-1]
    return repeats >= 2 and repeats * 2 >= multi


def drop_repeated_lines(prev: Sequence[str], lines: Sequence[str], fmt: str) -> list[str]:
    """Remove the leading lines of a rolling cue that repeat the previous cue's trailing lines."""
    prev_keys = _keys(prev, fmt)
    keep = [x for x in lines if plain_text([x], fmt)]
    keys = _keys(keep, fmt)
    for k in range(min(len(prev_keys), len(keys)), 0, -1):
        if keys[:k] == prev_keys[-k:]:
            return keep[k:]
    return list(lines)
