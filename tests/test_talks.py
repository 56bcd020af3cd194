"""Talk pages: captions joined to talks, transcripts, time anchors, players, translations, scaffolding."""

from __future__ import annotations

import re
import struct
import wave
from pathlib import Path

import pytest
from conftest import run_cli

from ssg.errors import BuildFailed

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Maren>Welcome to the open lesson. We plan in public.

00:00:04.500 --> 00:00:08.000
<v Maren>Everything we write is visible to the students.

00:00:08.200 --> 00:00:11.000
<v Joost>And to their parents, which surprised us.

00:00:20.000 --> 00:00:24.000
<v Joost>After the break: <i>what went wrong</i> & what we learned <script>x</script>.
"""
VTT_SV = VTT.replace(
    "Welcome to the open lesson. We plan in public.", "Välkommen till den öppna lektionen."
)

TALK = """---
title: Open lesson planning
date: 2025-10-08T19:00:00+02:00
tags: [livestream]
video: https://www.youtube.com/watch?v=abcdefghijk
chapters:
  - {time: "0:00", title: Welcome}
  - {time: "0:20", title: What went wrong}
---
We talk about planning lessons in public.
"""


def test_talk_page_transcript_and_anchors(make_site):
    site = make_site({"content/talks/open.md": TALK, "content/talks/open.vtt": VTT})
    site.build()
    html = site.read("talks/open/index.html")
    # paragraphs, not cues: the first two cues (same speaker, short pause) merge
    paragraphs = re.findall(r'<div class="transcript-paragraph" id="(t=[\d.]+)"', html)
    assert paragraphs == ["t=1", "t=8", "t=20"]
    assert "Welcome to the open lesson. We plan in public. Everything we write" in html
    assert '<span class="speaker">Joost:</span>' in html
    # escaped caption markup; italics kept as emphasis
    assert "<em>what went wrong</em> &amp; what we learned x." in html  # unknown tags dropped
    assert "<script>x</script>" not in html
    # time links: the platform's own URL without JavaScript, data-seek for the script
    assert 'href="https://www.youtube.com/watch?v=abcdefghijk&amp;t=20s" data-seek="20.0"' in html
    # chapters outline links to the paragraphs
    assert re.search(r'<a href="#t=20" data-seek="20.0">0:20</a> What went wrong', html)
    # no third-party request on load: the embed URL is only a data attribute, nocookie
    assert "<iframe" not in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/abcdefghijk' in html
    assert site.read("talks/open/transcript.txt").startswith("Open lesson planning\n")
    assert "[0:20] Joost: After the break" in site.read("talks/open/transcript.txt")
    assert site.read("talks/open/open.vtt") == VTT


def test_translated_captions_make_a_translated_page(make_site):
    site = make_site(
        {
            "content/talks/open.md": TALK,
            "content/talks/open.vtt": VTT,
            "content/talks/open.sv.vtt": VTT_SV,
        }
    )
    site.build()
    sv = site.read("sv/talks/open/index.html")
    assert '<html lang="sv"' in sv
    assert "Välkommen till den öppna lektionen." in sv
    assert '<section class="transcript" aria-labelledby="transcript-title" lang="sv">' in sv
    assert '<div class="content" lang="en">' in sv  # the description stays English, marked as such
    assert 'hreflang="sv" href="https://example.org/sv/talks/open/"' in site.read(
        "talks/open/index.html"
    )
    assert "/sv/talks/open/" in site.read("sv/index.html")  # listed like any other page


def test_caption_file_alone_is_a_talk(make_site):
    site = make_site(
        {
            "content/talks/2024-05-01-neighbourhood-chat.nl.srt": "1\n00:00:01,000 --> 00:00:03,000\n>> Hallo allemaal.\n\n2\n00:00:03,500 --> 00:00:05,000\n>> Dag!\n"
        }
    )
    site.build()
    html = site.read("nl/talks/neighbourhood-chat/index.html")
    assert "<h1>Neighbourhood chat</h1>" in html
    assert "Hallo allemaal." in html and "Dag!" in html
    assert '<time datetime="2024-05-01' in html


def make_wav(path: Path, seconds: int = 30) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(struct.pack("B", 128) * 8000 * seconds)


def test_self_hosted_media_gets_tracks(make_site, tmp_path):
    site = make_site(
        {
            "content/talks/open.md": TALK.replace(
                "https://www.youtube.com/watch?v=abcdefghijk", "open.wav"
            ),
            "content/talks/open.vtt": VTT,
            "content/talks/open.sv.vtt": VTT_SV,
        }
    )
    make_wav(site.root / "content/talks/open.wav")
    site.build()
    html = site.read("talks/open/index.html")
    assert '<video controls preload="metadata" src="/talks/open.wav"' in html
    assert (
        '<track kind="captions" srclang="en" label="English" src="/talks/open/open.vtt" default>'
        in html
    )
    assert (
        '<track kind="captions" srclang="sv" label="Svenska" src="/sv/talks/open/open.sv.vtt">'
        in html
    )
    assert 'href="/talks/open.wav#t=20"' in html


def test_broken_captions_never_crash(make_site):
    site = make_site(
        {
            "content/talks/a.md": TALK,
            "content/talks/a.vtt": "WEBVTT\n\n00:00:01.000 --> nonsense\nBad cue\n\n00:00:02.000 --> 00:00:03.000\nGood cue\n",
        }
    )
    result = site.build()
    assert "Good cue" in site.read("talks/a/index.html")
    assert any("content/talks/a.vtt" in str(w) for w in result.warnings)


def test_undecodable_captions_are_a_clear_error(make_site):
    site = make_site(
        {
            "content/talks/a.md": TALK,
            "content/talks/a.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ncaf\xe9\n",
        }
    )
    with pytest.raises(BuildFailed) as info:
        site.build()
    assert any("content/talks/a.vtt" in str(e) for e in info.value.errors)


def test_new_talk_scaffold(make_site, tmp_path):
    site = make_site({"content/notes/x.md": "---\ntitle: X\n---\n"})
    captions = tmp_path / "stream.sv.vtt"
    captions.write_text(VTT)
    proc = run_cli(
        "new",
        "talk",
        str(captions),
        "--video",
        "https://youtu.be/abcdefghijk",
        "--lang",
        "sv",
        "-s",
        str(site.root),
    )
    assert proc.returncode == 0, proc.stderr
    created = Path(proc.stdout.strip())
    text = created.read_text()
    assert created.name == "stream.sv.md"
    assert 'title: "Stream"' in text and "lang: sv" in text and 'duration: "0:24"' in text
    assert 'video: "https://youtu.be/abcdefghijk"' in text and "date: " in text
    assert (site.root / "content/talks/stream.vtt").read_text() == VTT
    site.build()
    assert "Welcome to the open lesson" in site.read("sv/talks/stream/index.html")


def test_new_post_scaffold(make_site):
    site = make_site({})
    proc = run_cli(
        "new",
        "post",
        "Åtta tankar om lärande",
        "--lang",
        "sv",
        "-s",
        str(site.root),
    )
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip())
    assert path == site.root / "content/posts/åtta-tankar-om-lärande.sv.md"
    text = path.read_text()
    assert (
        'title: "Åtta tankar om lärande"' in text and "lang: sv" in text and "draft: true" in text
    )
    again = run_cli(
        "new",
        "post",
        "Åtta tankar om lärande",
        "--lang",
        "sv",
        "-s",
        str(site.root),
    )
    assert again.returncode == 1 and "already exists" in again.stderr
