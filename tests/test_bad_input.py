"""Every kind of bad input: one clear line naming file and line, exit 1, public/ untouched."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import BASIC_CONFIG, REPO, snapshot

from ssg.errors import BuildFailed

GOOD = {"content/notes/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nHello\n"}

CASES = {
    "broken yaml": (
        {"content/notes/b.md": "---\ntitle: [unclosed\ndate: 2020-01-01\n---\n"},
        r"content/notes/b\.md:\d+: invalid front matter",
    ),
    "bad date": (
        {"content/notes/b.md": "---\ntitle: B\ndate: 2020-13-45\n---\n"},
        r"content/notes/b\.md:3: date: '2020-13-45' is not an ISO 8601 date",
    ),
    "unknown language in front matter": (
        {"content/notes/b.md": "---\ntitle: B\nlang: fr\ndate: 2020-01-01\n---\n"},
        r"content/notes/b\.md:3: unknown language 'fr'",
    ),
    "unknown language in file name": (
        {"content/notes/b.fr.md": "---\ntitle: B\n---\n"},
        r"content/notes/b\.fr\.md: unknown language 'fr'",
    ),
    "missing title": (
        {"content/notes/b.md": "---\ndate: 2020-01-01\n---\nText\n"},
        r"content/notes/b\.md:1: missing title",
    ),
    "not utf-8": (
        {"content/notes/b.md": b"---\ntitle: B\n---\ncaf\xe9\n"},
        r"content/notes/b\.md:4: not UTF-8 text",
    ),
    "missing template": (
        {"content/notes/b.md": "---\ntitle: B\ntemplate: nope.html\n---\n"},
        r"missing template 'nope\.html'",
    ),
    "link to a missing page": (
        {"content/notes/b.md": "---\ntitle: B\n---\n\nSee [x](gone.md).\n"},
        r"content/notes/b\.md:5: link to a missing file: notes/gone\.md",
    ),
    "duplicate url": (
        {"content/notes/b.md": "---\ntitle: B\nslug: a\n---\n"},
        r"output notes/a/index\.html is also produced by content/notes/",
    ),
    "broken catalog": (
        {"i18n/en.po": 'msgid "Archive"\nmsgstr "Old posts"\nmsgid\n'},
        r"i18n/en\.po(:\d+)?: invalid \.po catalog",
    ),
    "broken template": (
        {"content/notes/b.md": "---\ntitle: B\n---\n", "layouts/note.html": "{% if %}\n"},
        r"note\.html:1: template error",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_and_public_survives(make_site, name):
    files, pattern = CASES[name]
    site = make_site(GOOD)
    site.build()
    before = snapshot(site.root / "public")
    site.write(files)
    with pytest.raises(BuildFailed) as info:
        site.build()
    messages = [str(e) for e in info.value.errors]
    assert any(__import__("re").search(pattern, m) for m in messages), messages
    assert snapshot(site.root / "public") == before


def test_all_errors_reported_together(make_site):
    site = make_site(
        {
            "content/notes/a.md": "---\ntitle: A\ndate: nope\n---\n",
            "content/notes/b.md": "---\ntitle: [x\n---\n",
            "content/notes/c.md": "---\ndate: 2020-01-01\n---\n",
        }
    )
    with pytest.raises(BuildFailed) as info:
        site.build()
    assert len(info.value.errors) == 3


def test_broken_catalog_reported_with_the_sources_errors(make_site):
    """Catalogs load while the sources parse: an error in each still comes out together."""
    site = make_site(
        {
            "content/notes/a.md": "---\ntitle: A\ndate: nope\n---\n",
            "i18n/en.po": 'msgid "Archive"\nmsgstr "Old posts"\nmsgid\n',
        }
    )
    with pytest.raises(BuildFailed) as info:
        site.build()
    assert sorted(str(e.path).split("/")[-1] for e in info.value.errors) == ["a.md", "en.po"]


def test_a_date_format_that_cannot_write_a_date_names_site_toml(make_site):
    """Not one error per page that shows a date, deep in a template: one, at the setting."""
    config = BASIC_CONFIG.replace(
        '[languages.nl]\nname = "Nederlands"\n',
        ('[languages.nl]\nname = "Nederlands"\ndate_format = "d MMMM y zzzz x"\n'),
    )
    assert "date_format" in config
    site = make_site(GOOD, config=config)
    with pytest.raises(BuildFailed) as info:
        site.build()
    messages = [str(e) for e in info.value.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{site.root / 'site.toml'}:11: languages.nl.date_format: ")
    assert "cannot write a date" in messages[0]


def test_cli_prints_one_line_per_error_and_exits_1(make_site):
    site = make_site({"content/notes/b.md": "---\ntitle: B\ndate: 2020-13-45\n---\n"})
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "-s", str(site.root)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert (
        lines[0]
        == "error: content/notes/b.md:3: date: '2020-13-45' is not an ISO 8601 date (like 2024-03-05)"
    )
    assert "public/ was left unchanged" in lines[-1]
    debug = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "-s", str(site.root), "--debug"],
        capture_output=True,
        text=True,
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr
