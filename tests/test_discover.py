from pathlib import Path

import pytest

from ssg.discover import classify, discover, is_ignored_name, looks_like_language
from ssg.errors import SiteError

LANGS = ("en", "nl", "sv")


def test_language_suffix_and_key():
    source = classify("posts/hello.sv.md", Path("/c"), LANGS)
    assert (source.section, source.lang, source.key, source.kind) == (
        "posts",
        "sv",
        "posts/hello",
        "markdown",
    )
    plain = classify("posts/hello.md", Path("/c"), LANGS)
    assert plain.lang is None and plain.key == "posts/hello"


def test_dots_that_are_not_languages():
    source = classify("notes/v1.old.md", Path("/c"), LANGS)
    assert source.lang is None and source.key == "notes/v1.old"
    assert not looks_like_language("old")
    assert looks_like_language("fr")


def test_unknown_language_is_an_error():
    with pytest.raises(SiteError, match="unknown language 'fr'"):
        classify("posts/hello.fr.md", Path("/c"), LANGS)


def test_captions_replies_and_static():
    assert classify("talks/t.en.vtt", Path("/c"), LANGS).kind == "captions"
    assert classify("talks/t.en.vtt", Path("/c"), LANGS).key == "talks/t"
    assert classify("posts/a.replies/1.md", Path("/c"), LANGS).kind == "reply"
    assert classify("posts/pic.png", Path("/c"), LANGS).kind == "static"


def test_editor_files_ignored():
    for name in (".hello.md.swp", "hello.md~", "#hello.md#", ".#hello.md", "4913", "x.tmp"):
        assert is_ignored_name(name), name
    assert not is_ignored_name("hello.md")


def test_discover_skips_private_and_reports_all_errors(tmp_path):
    for rel in (
        "posts/a.md",
        "posts/b.fr.md",
        "private/secret.md",
        "notes/c.de.md",
        "posts/.a.md.swp",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    sources, errors = discover(tmp_path, LANGS, ("private",))
    assert [s.rel for s in sources] == ["posts/a.md"]
    assert len(errors) == 2
