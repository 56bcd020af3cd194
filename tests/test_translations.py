"""`aloud translations`: missing and outdated translations per language, from a real build.

The site below has: a post whose Dutch translation predates the English update (outdated) while
the Swedish one was updated after it; an English-only post; a Swedish-only note; a note written
in Dutch first (no English, so the earliest-dated version is the original) whose Swedish
translation fell behind; and undated pages, which are never outdated.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG

from ssg.builder import Builder, BuildOptions
from ssg.model import Site
from ssg.translations import (
    MissingTranslation,
    OutdatedTranslation,
    TranslationStatus,
    original_of,
    report,
    status,
)

REPO = Path(__file__).resolve().parents[1]

SITE = {
    "site.toml": BASIC_CONFIG,
    "content/posts/hello.md": (
        "---\ntitle: Hello\ndate: 2024-01-10\nupdated: 2024-03-01\n---\nHi.\n"
    ),
    "content/posts/hello.nl.md": "---\ntitle: Hallo\ndate: 2024-01-12\n---\nHoi.\n",
    "content/posts/hello.sv.md": (
        "---\ntitle: Hej\ndate: 2024-01-11\nupdated: 2024-03-05\n---\nHej.\n"
    ),
    "content/posts/only-en.md": "---\ntitle: Only in English\ndate: 2024-02-01\n---\nText.\n",
    "content/notes/hej.sv.md": "---\ntitle: Hej hej\ndate: 2024-02-10\n---\nText.\n",
    "content/notes/groet.nl.md": (
        "---\ntitle: Groet\ndate: 2024-04-01\nupdated: 2024-05-01\n---\nText.\n"
    ),
    "content/notes/groet.sv.md": "---\ntitle: Hälsning\ndate: 2024-04-03\n---\nText.\n",
    "content/pages/about.md": "---\ntitle: About\nupdated: 2024-06-01\n---\nText.\n",
    "content/pages/about.nl.md": "---\ntitle: Over\n---\nText.\n",
    "content/pages/about.sv.md": "---\ntitle: Om\n---\nText.\n",
}

EXPECTED_REPORT = """\
Translations: 5 page groups in 3 languages (default: English)

English (en): 2 missing, 0 outdated
  Missing (the original to translate from):
    content/notes/groet.nl.md  “Groet”
    content/notes/hej.sv.md  “Hej hej”

Nederlands (nl): 2 missing, 1 outdated
  Missing (the original to translate from):
    content/notes/hej.sv.md  “Hej hej”
    content/posts/only-en.md  “Only in English”
  Outdated (the original changed after the translation):
    content/posts/hello.nl.md  “Hallo”  2024-01-12
      original content/posts/hello.md  changed 2024-03-01

Svenska (sv): 1 missing, 1 outdated
  Missing (the original to translate from):
    content/posts/only-en.md  “Only in English”
  Outdated (the original changed after the translation):
    content/notes/groet.sv.md  “Hälsning”  2024-04-03
      original content/notes/groet.nl.md  changed 2024-05-01

In all: 5 missing, 2 outdated.
"""


def day(year: int, month: int, date: int) -> dt.datetime:
    return dt.datetime(year, month, date, tzinfo=dt.UTC)


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def build(site_dir: Path, output_dir: Path) -> Site:
    options = BuildOptions(site_dir=site_dir, output_dir=output_dir, use_cache=False, quiet=True)
    result = Builder(options).build()
    assert result.site is not None
    return result.site


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", SITE)


@pytest.fixture
def site(site_dir: Path, tmp_path: Path) -> Site:
    return build(site_dir, tmp_path / "out")


def test_status_lists_missing_and_outdated_per_language(site: Site) -> None:
    state = status(site)
    assert isinstance(state, TranslationStatus)
    assert state.default_language == "en"
    assert state.languages == ("en", "nl", "sv")
    assert state.groups == 5
    assert not state.complete
    assert state.missing == {
        "en": [
            MissingTranslation("notes/groet", "content/notes/groet.nl.md", "Groet", "nl"),
            MissingTranslation("notes/hej", "content/notes/hej.sv.md", "Hej hej", "sv"),
        ],
        "nl": [
            MissingTranslation("notes/hej", "content/notes/hej.sv.md", "Hej hej", "sv"),
            MissingTranslation(
                "posts/only-en", "content/posts/only-en.md", "Only in English", "en"
            ),
        ],
        "sv": [
            MissingTranslation(
                "posts/only-en", "content/posts/only-en.md", "Only in English", "en"
            ),
        ],
    }
    assert state.outdated == {
        "en": [],
        "nl": [
            OutdatedTranslation(
                "posts/hello",
                "content/posts/hello.nl.md",
                "Hallo",
                day(2024, 1, 12),
                "content/posts/hello.md",
                "Hello",
                "en",
                day(2024, 3, 1),
            )
        ],
        "sv": [
            OutdatedTranslation(
                "notes/groet",
                "content/notes/groet.sv.md",
                "Hälsning",
                day(2024, 4, 3),
                "content/notes/groet.nl.md",
                "Groet",
                "nl",
                day(2024, 5, 1),
            )
        ],
    }


def test_status_as_dict_is_json_ready(site: Site) -> None:
    data = status(site).as_dict()
    assert list(data["languages"]) == ["en", "nl", "sv"]
    outdated = data["languages"]["nl"]["outdated"][0]
    assert outdated["changed"] == "2024-01-12T00:00:00+00:00"
    assert outdated["original_source"] == "content/posts/hello.md"
    assert data["languages"]["sv"]["missing"][0]["source"] == "content/posts/only-en.md"


def test_report_text(site: Site) -> None:
    assert report(site) == EXPECTED_REPORT


def test_report_when_everything_is_translated(tmp_path: Path) -> None:
    files = {k: v for k, v in SITE.items() if k == "site.toml" or "/pages/" in k}
    site = build(write_site(tmp_path / "site", files), tmp_path / "out")
    assert status(site).complete
    assert report(site) == (
        "Translations: 1 page group in 3 languages (default: English)\n\n"
        "English (en): complete and up to date\n\n"
        "Nederlands (nl): complete and up to date\n\n"
        "Svenska (sv): complete and up to date\n\n"
        "Every page is translated and up to date.\n"
    )


def test_report_shows_times_when_changes_fall_on_the_same_day(tmp_path: Path) -> None:
    files = {
        "site.toml": SITE["site.toml"],
        "content/posts/a.md": (
            "---\ntitle: A\ndate: 2024-01-01\nupdated: 2024-02-01T18:00:00Z\n---\n"
        ),
        "content/posts/a.nl.md": "---\ntitle: B\ndate: 2024-02-01T09:30:00Z\n---\n",
        "content/posts/a.sv.md": "---\ntitle: C\ndate: 2024-02-01T18:00:00Z\n---\n",
    }
    text = report(build(write_site(tmp_path / "site", files), tmp_path / "out"))
    assert "    content/posts/a.nl.md  “B”  2024-02-01 09:30\n" in text
    assert "      original content/posts/a.md  changed 2024-02-01 18:00\n" in text
    assert "a.sv.md" not in text  # as new as the original: up to date


def test_original_is_default_language_else_earliest_dated(site: Site) -> None:
    assert original_of(site.groups["posts/hello"], "en").lang == "en"
    assert original_of(site.groups["notes/groet"], "en").lang == "nl"
    assert original_of(site.groups["pages/about"], "fi").source_rel == "content/pages/about.md"


def test_translations_command(site_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "build.py", "translations", "-s", str(site_dir), "-q", "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == EXPECTED_REPORT
