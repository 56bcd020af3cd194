"""Caption reading: real-world files from shared/fixtures, small inline snippets, and fuzzing.

Cue counts below were checked by reading each file by hand (see the comments).
"""

from __future__ import annotations

import hashlib
import html
import pickle
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssg.captions import (
    CaptionTrack,
    Chapter,
    Cue,
    Paragraph,
    format_timestamp,
    make_paragraphs,
    parse_captions,
    parse_timestamp,
    read_captions,
    transcript_text,
)
from ssg.errors import SiteError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
LOCAL = Path(__file__).resolve().parent / "fixtures" / "captions"
needs_shared = pytest.mark.skipif(
    not (SHARED / "vtt").is_dir(), reason=f"shared caption fixtures not found at {SHARED}"
)

# file -> number of Cue objects, counted by hand:
EXPECTED_CUES = {
    "vtt/bom_note_style_region.vtt": 6,  # 6 cues, one without id; NOTE/STYLE/Region skipped
    "vtt/ms_teams_voice_short_timestamps.vtt": 2,
    "vtt/netflix_chicas_del_cable.es.vtt": 865,
    "vtt/note_comments_header_text.sv.vtt": 3,
    "vtt/voice_spans_cycle-collector-talk.vtt": 16,  # 15 cues, one has two voices -> split
    "vtt/youtube_autogen_rolling.en.vtt": 3,  # 4 cues, the last repeats the third exactly
    "vtt/zoom_GMT20240124-202901_Recording.cc.crlf.vtt": 100,
    "vtt/zoom_GMT20240124-202901_Recording.transcript.vtt": 102,
    "srt/bom-cr-only-line-endings.srt": 3,
    "srt/capability_tester.bom-crlf-tags.srt": 35,  # 37 cues, 2 zero-length ones skipped
    "srt/monsters-win.crlf.zh-en.srt": 3,
    "srt/styles2.fr.font-italic.srt": 6,
    "srt/utf16le-bom.srt": 6,
}


def read(rel: str) -> CaptionTrack:
    return read_captions(SHARED / rel, rel)


def tags(markup: str) -> set[str]:
    return set(re.findall(r"</?[^>]*>", markup))


def assert_safe(cue_html: str, text: str) -> None:
    """html is escaped text plus <em> only, and says the same as text."""
    assert tags(cue_html) <= {"<em>", "</em>"}
    assert html.unescape(re.sub(r"</?em>", "", cue_html)) == text


# --- every real file ---------------------------------------------------------------------------


@needs_shared
def test_fixture_list_is_complete() -> None:
    found = {f"{p.parent.name}/{p.name}" for d in ("vtt", "srt") for p in (SHARED / d).iterdir()}
    assert found == set(EXPECTED_CUES)


@needs_shared
def test_fixtures_are_byte_for_byte_originals() -> None:
    """BOMs and CR/CRLF are the point of these files: fail if an editor normalised them."""
    for line in (SHARED / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        if name.startswith(("vtt/", "srt/")):
            assert hashlib.sha256((SHARED / name).read_bytes()).hexdigest() == digest, name


@needs_shared
@pytest.mark.parametrize("rel", sorted(EXPECTED_CUES))
def test_every_fixture_reads_with_exact_cue_count(rel: str) -> None:
    track = read(rel)
    assert len(track.cues) == EXPECTED_CUES[rel]
    assert track.format == rel[:3]
    assert track.path == rel
    assert track.duration == max(c.end for c in track.cues)
    previous = -1.0
    for cue in track.cues:
        assert cue.text and cue.end > cue.start >= previous
        assert 1 <= cue.line <= cue.end_line
        assert_safe(cue.html, cue.text)
        assert "-->" not in cue.text
        previous = cue.start
    paragraphs = make_paragraphs(track.cues)
    assert " ".join(p.text for p in paragraphs) == " ".join(c.text for c in track.cues)
    assert pickle.loads(pickle.dumps(track)) == track  # builds may parse in worker processes


@needs_shared
def test_bom_note_style_region_vtt() -> None:
    track = read("vtt/bom_note_style_region.vtt")
    first, second = track.cues[:2]
    assert (first.start, first.end, first.text) == (99.0, 101.04, "(deep rumbling)")  # `00:01:39`
    assert (first.line, first.end_line) == (29, 30)
    assert (second.start, second.end) == (124.08, 127.12)  # `.08` is 80 ms
    assert (second.speaker, second.text) == ("MAN", "How did we end up here?")
    assert track.cues[2].text == "This place is horrible."  # the cue without an id
    assert track.cues[-1].text == "(computer playing electronic melody)"
    everything = " ".join(c.text for c in track.cues)
    for leaked in ("NOTE", "color", "Region", "background", "}", "region:"):
        assert leaked not in everything
    assert track.warnings == ()


@needs_shared
def test_utf16_srt_matches_its_vtt_twin() -> None:
    """Same astisub example as SubRip in UTF-16LE with mixed `,`/`.` and X1: coordinates."""
    srt, vtt = read("srt/utf16le-bom.srt"), read("vtt/bom_note_style_region.vtt")
    assert [(c.start, c.end, c.text) for c in srt.cues] == [
        (c.start, c.end, c.text) for c in vtt.cues
    ]
    assert srt.cues[1].line == 6
    assert "X1" not in " ".join(c.text for c in srt.cues)


@needs_shared
def test_cr_only_srt() -> None:
    track = read("srt/bom-cr-only-line-endings.srt")
    assert [c.start for c in track.cues] == [0.0, 3.767, 10.733]
    assert [c.line for c in track.cues] == [2, 7, 12]
    assert "You don’t often find 632 pieces of gum" in track.cues[1].text
    assert track.cues[2].text == "at a busy bus stop or anywhere else for that matter."


@needs_shared
def test_crlf_srt_with_junk_after_timing() -> None:
    track = read("srt/monsters-win.crlf.zh-en.srt")
    assert (track.cues[0].start, track.cues[0].end) == (1897.894, 1899.928)
    assert track.cues[0].text == "我有个点子 OK, look, I think I have a plan here."
    assert all("gibson" not in c.text and "\r" not in c.text for c in track.cues)


@needs_shared
def test_font_and_bare_less_than_srt() -> None:
    track = read("srt/styles2.fr.font-italic.srt")
    cue = track.cues[2]
    assert cue.text == "Some italic and normal coloured text. By the way, 2 < 3 !"
    assert cue.html == "<em>Some italic</em> and normal coloured text. By the way, 2 &lt; 3 !"
    assert track.cues[-1].text == "-Euh, là-bas, au chêne."  # no trailing newline in the file
    assert all("font" not in c.html for c in track.cues)


@needs_shared
def test_capability_tester_markup_is_stripped() -> None:
    track = read("srt/capability_tester.bom-crlf-tags.srt")
    everything = " ".join(c.text for c in track.cues)
    assert "Don't show this text" not in everything  # hidden zero-length first cue
    assert "{\\" not in everything and not re.search(r"<[A-Za-z/]", everything)
    assert "2<3,5>1,4<6" in everything  # text that merely looks like tags stays text
    assert [(w.line, "zero length" in w.message) for w in track.warnings[:2]] == [
        (2, True),
        (15, True),
    ]
    assert "overlaps" in track.warnings[2].message
    by_line = {c.line: c for c in track.cues}
    assert by_line[34].html.startswith("This line should be bold <em>This line should be italics")
    assert by_line[68].text.endswith("This text should be at the top and horizontally centered")


@needs_shared
def test_voice_spans() -> None:
    track = read("vtt/voice_spans_cycle-collector-talk.vtt")
    assert {c.speaker for c in track.cues} == {"Kyle Huey", "Chris Pearce"}
    a, b = track.cues[1], track.cues[2]  # one cue, two closed voices
    assert (a.start, a.speaker, a.text, a.turn) == (
        4.0,
        "Chris Pearce",
        "Okay, we're good now.",
        True,
    )
    assert (b.start, b.speaker, b.turn) == (4.0, "Kyle Huey", True)
    assert b.html == "Oh, now we&#x27;re good? <em>Laughter</em>"
    assert track.cues[0].text.startswith("Not ready yet?")  # unclosed voice, leading space
    assert track.cues[3].turn is False  # Kyle again, same turn
    assert all("<u>" not in c.html and "<b>" not in c.html for c in track.cues)
    paragraphs = make_paragraphs(track.cues)
    assert [p.speaker for p in paragraphs[:3]] == ["Kyle Huey", "Chris Pearce", "Kyle Huey"]


@needs_shared
def test_teams_short_timestamps_and_voices() -> None:
    track = read("vtt/ms_teams_voice_short_timestamps.vtt")
    assert [(c.start, c.end, c.speaker) for c in track.cues] == [
        (0.0, 0.57, "Yuri Bakulin"),
        (0.21, 1.13, "Adrian Petrescu"),
    ]
    assert [(w.line, "overlaps" in w.message) for w in track.warnings] == [(6, True)]


@needs_shared
def test_zoom_transcript_speakers_and_merging() -> None:
    track = read("vtt/zoom_GMT20240124-202901_Recording.transcript.vtt")
    names = {"Srijani Ghosh", "Conor Healy", "Dr. Melissa Ko", "Ryan Sloan", "Shreeharsh Kelkar"}
    assert {c.speaker for c in track.cues} == names | {None}
    hmm = next(c for c in track.cues if c.text == "Hmm.")  # cue 48 has no prefix
    assert (hmm.speaker, hmm.line) == (None, 192)
    assert track.cues[7].text.startswith("and I'll just do a little bit")
    assert all(not c.text.startswith(tuple(names)) for c in track.cues)
    paragraphs = make_paragraphs(track.cues)
    assert len(paragraphs) < len(track.cues) // 2
    assert [p.speaker for p in paragraphs[:4]] == [
        "Srijani Ghosh",
        "Conor Healy",
        "Srijani Ghosh",
        "Conor Healy",
    ]
    assert paragraphs[2].text == "Hello! Hello! Hello! Why are you so dark? So"
    assert (paragraphs[2].line, paragraphs[2].end_line) == (12, 17)
    for before, after in zip(paragraphs, paragraphs[1:], strict=False):
        assert (
            after.speaker != before.speaker
            or after.start - before.end > 2.0
            or (len(before.text) + len(after.text) > 600)
        )


@needs_shared
def test_zoom_cc_crlf_has_no_speakers() -> None:
    track = read("vtt/zoom_GMT20240124-202901_Recording.cc.crlf.vtt")
    assert all(c.speaker is None and c.start == int(c.start) for c in track.cues)
    assert track.cues[0].text == "This doesn't."


@needs_shared
def test_youtube_rolling_autogen() -> None:
    track = read("vtt/youtube_autogen_rolling.en.vtt")
    assert [c.text for c in track.cues] == ["yeah", "what", "this will happen is I'm telling"]
    assert [c.line for c in track.cues] == [12, 16, 19]  # the 3rd timing line follows text
    paragraphs = make_paragraphs(track.cues)
    assert [p.text for p in paragraphs] == ["yeah what this will happen is I'm telling"]
    assert_no_repeated_sentence(paragraphs)


@needs_shared
def test_netflix_size_italics_and_no_false_speaker() -> None:
    track = read("vtt/netflix_chicas_del_cable.es.vtt")
    assert track.cues[0].html == "[Alba] <em>En 1928,</em>"
    assert track.cues[1].html == "<em>las mujeres éramos algo así como adornos</em>"
    assert track.duration == 3148.6
    digo = next(c for c in track.cues if "Le doy un abrazo" in c.text)
    assert (digo.speaker, digo.text) == (None, 'Digo: "Le doy un abrazo al estirado".')
    assert not any("Segment" in c.text for c in track.cues)


@needs_shared
def test_swedish_header_text_and_notes() -> None:
    track = read("vtt/note_comments_header_text.sv.vtt")
    assert [c.text for c in track.cues] == [
        "- Ta en kopp varmt te. - Det är inte varmt.",
        "- Har en kopp te. - Det smakar som te.",
        "- Ta en kopp",
    ]
    assert track.cues[0].start == 135.0


def assert_no_repeated_sentence(paragraphs: Sequence[Paragraph]) -> None:
    sentences = [
        s.strip().lower()
        for p in paragraphs
        for s in re.split(r"(?<=[.!?])\s+|\s*>>\s*", p.text)
        if s.strip()
    ]
    assert len(sentences) == len(set(sentences)), sentences


# --- our own small fixtures --------------------------------------------------------------------


def test_rolling_fixture_keeps_each_line_once() -> None:
    track = read_captions(LOCAL / "rolling_autogen.vtt")
    assert [(c.text, c.turn) for c in track.cues] == [
        ("welcome back to the stream", False),
        ("today we build a parser", False),
        ("can you hear me", True),
        ("yes loud and clear", True),
    ]
    paragraphs = make_paragraphs(track.cues)
    assert [p.text for p in paragraphs] == [
        "welcome back to the stream today we build a parser",
        "can you hear me",
        "yes loud and clear",
    ]
    assert [p.turn for p in paragraphs] == [False, True, True]
    assert_no_repeated_sentence(paragraphs)


def test_chapters_fixture() -> None:
    track = read_captions(LOCAL / "chapters.vtt", "talks/chapters.vtt")
    assert track.chapters == (
        Chapter(0.0, "Welcome"),
        Chapter(60.0, "The analytical engine"),
        Chapter(120.0, "Questions & answers"),
    )
    ada, charles = "Ada Lovelace", "Charles Babbage"
    assert [(c.speaker, c.turn) for c in track.cues] == [
        (ada, True),
        (None, False),  # no voice span: Ada's turn goes on
        (ada, False),
        (charles, True),
        (ada, True),
    ]
    assert [p.speaker for p in make_paragraphs(track.cues)] == [ada, ada, charles, ada]
    assert not any("CHAPTER" in c.text or c.text == "Welcome" for c in track.cues)
    assert track.warnings == ()  # zero-length chapter markers are fine


def test_chapters_track_kind_header() -> None:
    text = (
        "WEBVTT\nKind: chapters\n\n00:00.000 --> 01:00.000\nIntro\n\n01:00.000 --> 02:00.000\nDemo"
    )
    track = parse_captions(text, "vtt", "ch.vtt")
    assert track.chapters == (Chapter(0.0, "Intro"), Chapter(60.0, "Demo"))
    assert track.cues == () and track.duration == 120.0


def test_broken_fixture_warns_with_lines_and_keeps_the_rest() -> None:
    track = read_captions(LOCAL / "broken.vtt", "broken.vtt")
    assert [c.text for c in track.cues] == ["first good cue", "overlapping cue", "last good cue"]
    got = [(w.path, w.line, w.message.split(";")[0]) for w in track.warnings]
    assert got == [
        ("broken.vtt", 8, "malformed cue timing '00:00:0x.000 --> 00:00:05.000'"),
        ("broken.vtt", 12, "cue at 0:06 has zero length"),
        ("broken.vtt", 16, "empty cue"),
        ("broken.vtt", 20, "cue overlaps an earlier cue"),
        ("broken.vtt", 23, "text outside any cue (no timing line)"),
        ("broken.vtt", 26, "cue at 0:12 ends before it starts"),
    ]
    assert str(track.warnings[0]).startswith("warning: broken.vtt:8: malformed cue timing")


def test_sloppy_srt_fixture() -> None:
    track = read_captions(LOCAL / "sloppy.srt")
    assert [(c.start, c.end, c.line, c.end_line) for c in track.cues] == [
        (1.5, 2.25, 2, 3),  # `,5` is half a second, `,25` a quarter
        (3.0, 4.0, 5, 6),  # no blank line before this cue's id
        (5.0, 6.0, 9, 10),  # `-->` without spaces, coordinates after
    ]
    assert track.cues[0].speaker == "Zoe Quinn"
    assert track.cues[1].html == "<em>no blank line before this cue</em>"
    assert track.cues[2].text == "ASS code and a forced break"


# --- timestamps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("12:34", 754.0),
        ("1:02:03", 3723.0),
        ("754", 754.0),
        ("00:12:34.500", 754.5),
        ("00:12:34,5", 754.5),
        ("0:0:0.210", 0.21),
        ("00:01:39", 99.0),
        ("00:02:04.08", 124.08),
        (" 0:05 ", 5.0),
        ("754.25", 754.25),
        (754, 754.0),  # YAML 1.1 reads an unquoted 12:34 as 754
    ],
)
def test_parse_timestamp(value: str, seconds: float) -> None:
    assert parse_timestamp(value) == pytest.approx(seconds)
    assert isinstance(parse_timestamp(value), float)


@pytest.mark.parametrize(
    "value", ["", "abc", "12:", ":30", "1:75:00", "00:00:61", "-5", "1e3", "nan"]
)
def test_parse_timestamp_rejects_garbage(value: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (5, "0:05"), (4.999, "0:04"), (754, "12:34"), (3723.9, "1:02:03"), (-1, "0:00")],
)
def test_format_timestamp(seconds: float, shown: str) -> None:
    assert format_timestamp(seconds) == shown


@given(st.floats(min_value=0, max_value=10**6))
def test_timestamp_round_trip(seconds: float) -> None:
    assert parse_timestamp(format_timestamp(seconds)) == int(seconds)


# --- decoding and sniffing ---------------------------------------------------------------------

SRT = (
    "1\n00:00:01,000 --> 00:00:02,500\nHello there\n\n2\n00:00:03,000 --> 00:00:04,000\nGöteborg\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode(),
        lambda t: b"\xef\xbb\xbf" + t.encode(),
        lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
        lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        lambda t: t.replace("\n", "\r\n").encode(),
        lambda t: t.replace("\n", "\r").encode(),
        lambda t: t.rstrip("\n").encode(),
        lambda t: t.replace("\n\n", "\n  \t\n\n").encode(),
    ],
    ids=["utf8", "utf8-bom", "utf16le", "utf16be", "crlf", "cr", "no-final-newline", "ws-lines"],
)
def test_encodings_and_line_endings(tmp_path: Path, encode: Callable[[str], bytes]) -> None:
    path = tmp_path / "talk.srt"
    path.write_bytes(encode(SRT))
    track = read_captions(path)
    assert [(c.start, c.end, c.text, c.line) for c in track.cues] == [
        (1.0, 2.5, "Hello there", 2),
        (3.0, 4.0, "Göteborg", 6 if b"  \t" not in path.read_bytes() else 7),
    ]
    assert track.warnings == ()


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.vtt"
    path.write_bytes(b"WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nna\xefve\r\n")
    with pytest.raises(SiteError) as info:
        read_captions(path, "talks/bad.vtt")
    assert (info.value.path, info.value.line) == ("talks/bad.vtt", 4)
    assert "not valid UTF-8" in info.value.message


def test_utf16_without_bom_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nobom.srt"
    path.write_bytes(SRT.encode("utf-16-le"))
    with pytest.raises(SiteError, match="byte order mark"):
        read_captions(path)
    with pytest.raises(SiteError, match="cannot read"):
        read_captions(tmp_path / "missing.vtt")


def test_format_sniffing(tmp_path: Path) -> None:
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n&lt;hi&gt;\n"
    (tmp_path / "misnamed.srt").write_text(vtt)
    (tmp_path / "captions.txt").write_text(SRT)
    assert read_captions(tmp_path / "misnamed.srt").format == "vtt"
    assert read_captions(tmp_path / "misnamed.srt").cues[0].text == "<hi>"
    assert read_captions(tmp_path / "captions.txt").format == "srt"
    no_header = parse_captions(SRT, "vtt", "x.vtt")
    assert len(no_header.cues) == 2
    assert [w.line for w in no_header.warnings] == [1]


def test_empty_and_not_captions() -> None:
    for text in ("", "\n\n", "WEBVTT\n", "\ufeffWEBVTT - nothing yet\n\nNOTE later\n"):
        track = parse_captions(text, "vtt", "e.vtt")
        assert track.cues == () and track.duration == 0.0
        assert [(w.line, w.message) for w in track.warnings] == [(1, "caption file has no cues")]
    with pytest.raises(SiteError, match="not a caption file"):
        parse_captions("# Just some Markdown\n\nHello.\n", "srt", "x.srt")
    with pytest.raises(SiteError, match="not a caption file") as info:
        parse_captions("<html>\n<!-- a\nb -->\n</html>\n", "", "x.html")
    assert info.value.line == 3


def test_timing_variants_in_one_file() -> None:
    text = (
        "WEBVTT\n\n"
        "0:0:0.210 --> 0:0:1.130\na\n\n"
        "00:01:39 --> 00:01:41.04 region:bill\nb\n\n"
        "00:02:04,08-->00:02:07,12 X1:40 X2:600\nc\n\n"
        "02:10.000 --> 02:11.000 align:start position:0%\nd"
    )
    cues = parse_captions(text, "vtt", "t.vtt").cues
    assert [(c.start, c.end) for c in cues] == [
        (0.21, 1.13),
        (99.0, 101.04),
        (124.08, 127.12),
        (130.0, 131.0),
    ]


def test_out_of_order_cues_are_sorted_with_a_warning() -> None:
    text = "1\n00:00:05,000 --> 00:00:06,000\nlater\n\n2\n00:00:01,000 --> 00:00:02,000\nsooner\n"
    track = parse_captions(text, "srt", "o.srt")
    assert [c.text for c in track.cues] == ["sooner", "later"]
    assert [(w.line, "before the previous" in w.message) for w in track.warnings] == [(6, True)]


def test_warnings_are_capped_per_kind() -> None:
    text = "WEBVTT\n\n" + "".join(
        f"00:00:{i:02d}.000 --> 00:00:{i:02d}.000\nz\n\n" for i in range(50)
    )
    warnings = parse_captions(text, "vtt", "z.vtt").warnings
    assert len(warnings) == 22  # 20 zero-length, "30 more", and "no usable cues"
    assert any("30 more warnings" in w.message for w in warnings)


# --- speakers and markup -----------------------------------------------------------------------


def vtt_cues(*cue_texts: str) -> tuple[Cue, ...]:
    blocks = [f"00:{i:02d}.000 --> 00:{i:02d}.900\n{t}" for i, t in enumerate(cue_texts)]
    return parse_captions("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", "vtt", "s.vtt").cues


@pytest.mark.parametrize(
    ("cue_text", "speaker", "text"),
    [
        ("Dr. Melissa Ko: Can you zoom it?", "Dr. Melissa Ko", "Can you zoom it?"),
        ("J. R. R. Tolkien: hello", "J. R. R. Tolkien", "hello"),
        ("Ludwig van Beethoven: da da da", "Ludwig van Beethoven", "da da da"),
        ("SPEAKER 2: yes", "SPEAKER 2", "yes"),
        ("JOHN: hi", "JOHN", "hi"),  # SDH capitals are trusted once
        ("Note: this is recorded", None, "Note: this is recorded"),
        ("So: what now", None, "So: what now"),
        ("10:30 is when we start", None, "10:30 is when we start"),
        ("We meet at 10:30: ok", None, "We meet at 10:30: ok"),
        ("the host: lowercase", None, "the host: lowercase"),
        ("One Two Three Four Five: too long", None, "One Two Three Four Five: too long"),
        ("Alice:", None, "Alice:"),
        ("Mira: once only", None, "Mira: once only"),  # one capitalised word, used once
        ("Remember: Note: x", None, "Remember: Note: x"),
        ("<v Bob>Bob: hi</v>", "Bob", "Bob: hi"),  # a voice span wins; text untouched
    ],
)
def test_speaker_prefix_rule(cue_text: str, speaker: str | None, text: str) -> None:
    (cue,) = vtt_cues(cue_text)
    assert (cue.speaker, cue.text) == (speaker, text)


def test_single_word_speaker_used_twice_is_trusted() -> None:
    cues = vtt_cues("Mira: first", "Mira: second", "and then")
    assert [(c.speaker, c.text, c.turn) for c in cues] == [
        ("Mira", "first", True),
        ("Mira", "second", False),
        (None, "and then", False),
    ]


def test_voice_spans_closed_unclosed_and_repeated() -> None:
    (a, b) = vtt_cues("<v.loud Ann Lee>Hi <v Ben>Hey</v> you")
    assert [(c.speaker, c.text) for c in (a, b)] == [("Ann Lee", "Hi"), ("Ben", "Hey you")]
    (c,) = vtt_cues("<v Ann>one</v>\n<v Ann>two</v>")
    assert (c.speaker, c.text) == ("Ann", "one two")


def test_turn_markers() -> None:
    cues = vtt_cues(
        ">> welcome back", "still me\n>> me too", ">>", "after a bare marker", "&gt;&gt; JOHN: hi"
    )
    assert [(c.text, c.speaker, c.turn) for c in cues] == [
        ("welcome back", None, True),
        ("still me", None, False),
        ("me too", None, True),
        ("after a bare marker", None, True),
        ("hi", "JOHN", True),
    ]
    assert vtt_cues("a >>> b")[0].text == "a >>> b"
    assert vtt_cues("x>>y")[0].text == "x>>y"


@pytest.mark.parametrize(
    ("cue_text", "text", "markup"),
    [
        ("<b>bold</b> <u>under</u> <i>it</i>", "bold under it", "bold under <em>it</em>"),
        ("<c.yellow.bg_blue>class</c> <ruby>漢<rt>kan</rt></ruby>", "class 漢kan", "class 漢kan"),
        (
            "<lang en-GB>colour</lang> &amp; &lt;tag&gt; &nbsp;x",
            "colour & <tag> x",
            "colour &amp; &lt;tag&gt; x",
        ),
        ("{\\an8}top <font color=red>red</font>", "top red", "top red"),
        (
            "<i>open italic\nnever closed",
            "open italic never closed",
            "<em>open italic never closed</em>",
        ),
        ("<i>line one</i>\n<i>line two</i>", "line one line two", "<em>line one line two</em>"),
        ("</i>stray close <i></i>", "stray close", "stray close"),
        ("<script>alert(1)</script>", "alert(1)", "alert(1)"),
        ('"quotes" & <a href="x">link</a>', '"quotes" & link', "&quot;quotes&quot; &amp; link"),
        ("2 < 3 > 1", "2 < 3 > 1", "2 &lt; 3 &gt; 1"),
    ],
)
def test_markup_never_passes_through(cue_text: str, text: str, markup: str) -> None:
    (cue,) = vtt_cues(cue_text)
    assert (cue.text, cue.html) == (text, markup)
    assert_safe(cue.html, cue.text)


def test_srt_text_is_literal_and_ass_codes_go() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}AT&T &amp; co\\Nnext\\hline\n"
    (cue,) = parse_captions(text, "srt", "a.srt").cues
    assert cue.text == "AT&T &amp; co next line"
    assert cue.html == "AT&amp;T &amp;amp; co next line"


# --- paragraphs and the .txt transcript --------------------------------------------------------


def cue(start: float, end: float, text: str, speaker: str | None = None, turn: bool = False) -> Cue:
    n = int(start * 10) + 1
    return Cue(start, end, text, html.escape(text), speaker, turn, n, n + 1)


def test_paragraphs_break_at_turns_and_gaps() -> None:
    cues = [
        cue(0, 1, "Hello.", "Ann", True),
        cue(1.5, 2, "Welcome."),
        cue(5, 6, "After a pause."),  # gap 3 s > 2 s
        cue(6, 7, "Hi Ann!", "Ben", True),
        cue(7, 8, "someone else", None, True),
    ]
    paragraphs = make_paragraphs(cues)
    assert [(p.speaker, p.text, p.turn) for p in paragraphs] == [
        ("Ann", "Hello. Welcome.", True),
        ("Ann", "After a pause.", False),  # same speaker carries over a pause
        ("Ben", "Hi Ann!", True),
        (None, "someone else", True),
    ]
    first = paragraphs[0]
    assert (first.start, first.end, first.line, first.end_line) == (0, 2, 1, 17)
    assert len(make_paragraphs(cues, gap=5.0)) == 3


def test_paragraphs_split_long_text_at_sentence_end() -> None:
    cues = [
        cue(0, 1, "a" * 40 + ".", "Ann", True),
        cue(1, 2, "b" * 40),
        cue(2, 3, "c" * 40),  # would exceed 100: break after the sentence in cue 1
        cue(3, 4, "d" * 40),
        cue(4, 5, "e" * 250),  # longer than max_chars alone: a paragraph of its own
    ]
    paragraphs = make_paragraphs(cues, max_chars=100)
    assert [[len(w) for w in p.text.split()] for p in paragraphs] == [[41], [40, 40], [40], [250]]
    assert all(p.speaker == "Ann" for p in paragraphs)
    assert all(len(p.text) <= 100 for p in paragraphs[:-1])


def test_paragraphs_without_sentence_end_break_before_the_cue() -> None:
    cues = [cue(i, i + 1, "word " * 9 + "w") for i in range(5)]  # 46 chars each
    paragraphs = make_paragraphs(cues, max_chars=120)
    assert [len(p.text) for p in paragraphs] == [93, 93, 46]
    assert make_paragraphs([]) == []


def test_transcript_text() -> None:
    cues = [
        cue(5, 6, "Hi <there>", "Ann", True),
        cue(754, 755, "Back", None, True),
        cue(3723, 3724, "Late", "Ben", True),
    ]
    got = transcript_text(make_paragraphs(cues), "My  talk")
    assert got == "My talk\n\n[0:05] Ann: Hi <there>\n\n[12:34] Back\n\n[1:02:03] Ben: Late\n"


# --- fuzzing -----------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "WEBVTT", "\n", "\n\n", "\r", "\r\n", " ", "\t", "-->", " --> ", "00:00:01.000",
        "0:0:2.5", "00:03", ",5", "1", "NOTE", "STYLE", "<v Ann>", "</v>", "<i>", "</i>", "<b",
        ">", ">>", "&amp;", "&", "{\\an8}", "\\N", "Bob Lee: ", "CHAPTER: ", "chapter-1",
        "Kind: chapters", "\ufeff", "\x00", "<00:00:01.500>", "<c.x>", "text", "é漢",
    ]
)  # fmt: skip


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(
    st.one_of(st.text(max_size=400), st.lists(PIECES, max_size=80).map("".join)),
    st.sampled_from(["vtt", "srt", ""]),
)
def test_parse_never_raises_anything_but_site_error(text: str, fmt: str) -> None:
    try:
        track = parse_captions(text, fmt, "fuzz")
    except SiteError:
        return
    for c in track.cues:
        assert c.text and c.end > c.start and 1 <= c.line <= c.end_line
        assert_safe(c.html, c.text)
    for p in make_paragraphs(track.cues, gap=1.0, max_chars=20):
        assert_safe(p.html, p.text)
    transcript_text(make_paragraphs(track.cues), "t")
