"""The installation's table of compiled regular expressions (ssg/regex_cache.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ssg import compiled_tables, parallel, regex_cache
from ssg.progress import Progress

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(?P<day>\d\d))?", 0),
    (r"^\s*#+\s+(.*?)\s*#*$", re.MULTILINE),
    (r"(?<=\bnot )[a-zà-ÿ]+", re.IGNORECASE),
    (r"<(?P<tag>[a-z]+)[^>]*>.*?</(?P=tag)>", re.DOTALL | re.IGNORECASE),
    (r"""\b(?:yes|no|on|off)\b  # a comment in verbose mode""", re.VERBOSE),
    (rb"\x00[\x01-\x7f]+\xff", 0),
    (r"[\u00a0\u202f ]+", 0),
    (r"(a|b)*?c{2,5}(?!d)", re.ASCII),
]
SAMPLES = [
    "2024-05-17 and 1999-12",
    "## A heading ##\n  # another",
    "it is not Café but not tea",
    "<p class=x>one\ntwo</p><b>bold</b>",
    "yes or no, on and off",
    "\u00a0 \u202f spaces",
    "ababcc abccc aaacccd",
]


@pytest.fixture
def table(installed_table: Callable[[Any], Path]) -> Iterator[Path]:
    """The table in a folder of the test's own; `re`'s own cache emptied before and after."""
    re.purge()
    yield installed_table(regex_cache)
    re.purge()


def behaviour(pattern: re.Pattern) -> tuple:
    """What a compiled pattern is and does, on every sample of its kind."""
    samples: list = SAMPLES
    if isinstance(pattern.pattern, bytes):
        samples = [*(s.encode("latin-1", "ignore") for s in SAMPLES), b"\x00abc\xff"]
    found = [[m.span() + m.groups() for m in pattern.finditer(s)] for s in samples]
    return (pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex), found)


def expected() -> list[tuple]:
    regex_cache.uninstall()
    re.purge()
    try:
        return [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    finally:
        re.purge()


def test_patterns_from_the_table_behave_as_re_compiles_them(table: Path) -> None:
    first = [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    learnt = regex_cache.learnt()
    assert learnt is not None and {(p, int(f)) for p, f in PATTERNS} <= set(learnt[0])
    regex_cache.adopt(learnt)
    regex_cache.save()
    assert len(list(table.glob("regex-*.marshal"))) == 1

    # As in the next process: the table read from the file, `re`'s cache empty.
    regex_cache.uninstall()
    re.purge()
    regex_cache.install()
    again = [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    assert regex_cache.learnt() is None  # every one came from the table
    assert first == again == expected()


def test_a_damaged_table_is_ignored(table: Path) -> None:
    for p, f in PATTERNS:
        re.compile(p, f)
    regex_cache.save()
    (path,) = table.glob("regex-*.marshal")
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 0xFF
    path.write_bytes(bytes(raw))
    regex_cache.uninstall()
    re.purge()
    regex_cache.install()
    ours = [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    learnt = regex_cache.learnt()
    assert learnt is not None and len(learnt[0]) >= len(PATTERNS)  # compiled anew
    assert ours == expected()


def test_code_the_engine_rejects_is_compiled_anew(table: Path) -> None:
    pattern = r"(?P<word>\w+) again"
    table = regex_cache._table
    assert table is not None and table.lookup((pattern, 0)) is None
    assert table.known is not None
    table.known[(pattern, 0)] = (32, [999, 1, 2], 0, {"word": 1}, (None, "word"))
    compiled = re.compile(pattern)
    assert compiled.match("hello again").group("word") == "hello"
    assert table.known.get((pattern, 0)) is None


def test_nothing_is_written_for_a_few_quick_patterns(
    table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled_tables, "WORTH_SAVING", 10.0)
    re.compile(r"only (this)? one")
    regex_cache.save()
    assert not list(table.glob("regex-*"))


def _compile_in_chunk(chunk: range) -> list[int]:
    re.compile(f"chunk {chunk.start} of the test, (word)+")
    return list(chunk)


def test_workers_hand_what_they_compiled_to_the_parent(table: Path) -> None:
    chunks = [range(i, i + 1) for i in range(12)]
    done = [
        item for items in parallel._in_workers(_compile_in_chunk, chunks, 2, None) for item in items
    ]
    assert sorted(done) == list(range(12))
    learnt = regex_cache.learnt()
    assert learnt is not None
    assert {f"chunk {i} of the test, (word)+" for i in range(12)} <= {p for p, _ in learnt[0]}


def test_a_parallel_parse_reports_the_lexers_it_compiled(
    tmp_path: Path, table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pygments.lexers import find_lexer_class_by_name

    from ssg.discover import Source
    from ssg.lexers import find_lexer

    ruby = find_lexer_class_by_name("ruby")
    if "_tokens" in ruby.__dict__:  # compiled by an earlier test: as in a fresh process
        monkeypatch.delattr(ruby, "_tokens")
    find_lexer.cache_clear()
    sources = []
    for i in range(8):
        path = tmp_path / f"post-{i}.md"
        path.write_text(f"---\ntitle: Post {i}\n---\n\n```ruby\nputs {i}\n```\n", "utf-8")
        sources.append(
            Source(path, f"posts/post-{i}.md", "posts", "en", f"posts/post-{i}", "markdown", ".md")
        )
    try:
        results, errors = parallel.parse_many(sources, 2, Progress(quiet=True))
    finally:
        find_lexer.cache_clear()  # its Ruby lexer needs the class's `_tokens`, put back below
    assert not errors and len(results) == 8
    learnt = regex_cache.learnt()
    assert learnt is not None and len(learnt[0]) > 20  # Ruby's lexer, wherever it was used


def test_the_command_keeps_what_it_compiled_and_uses_it_next_time(
    make_site, tmp_path: Path
) -> None:
    """`aloud build` in a fresh interpreter: its tables are written where the installation
    keeps them (here a folder of the test's own), and a second build adds nothing to them."""
    import subprocess
    import sys

    site = make_site(
        {
            "content/posts/code.md": "---\ntitle: Code\ndate: 2024-01-01\n---\n\n```python\nprint(1)\n```\n"
        }
    )
    folder = tmp_path / "tables"
    script = (
        "import sys; from ssg import compiled_tables; compiled_tables.FOLDER = sys.argv[1]; "
        "sys.argv = ['build.py', 'build', '-s', sys.argv[2], '--quiet', '--no-cache']; "
        "from ssg.cli import run; run()"
    )
    repo = Path(__file__).resolve().parent.parent

    def build() -> dict[str, bytes]:
        subprocess.run(
            [sys.executable, "-c", script, str(folder), str(site.root)], cwd=repo, check=True
        )
        return {path.name.split("-")[0]: path.read_bytes() for path in folder.glob("*.marshal")}

    first = build()
    assert sorted(first) == ["dataclass", "regex"]
    assert len(first["regex"]) > 50_000  # Python's lexer among them
    assert build() == first
