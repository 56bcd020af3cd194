"""The plain front matter reader gives the YAML loader's answer, or leaves the answer to it."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ssg.frontmatter import split_front_matter, yaml_loader
from ssg.simple_yaml import IMPLICIT_RESOLVERS, simple_mapping

RESOLVERS = yaml_loader().yaml_implicit_resolvers
SAMPLE_CONTENT = Path(__file__).resolve().parent.parent / "content"


def loader_mapping(lines: list[str]):
    data = yaml.load("\n".join(lines), Loader=yaml_loader())  # noqa: S506 - a safe loader
    return {} if data is None else data


def agrees(lines: list[str]) -> bool:
    """True if the plain reader answered (and then with the loader's answer)."""
    found = simple_mapping(lines, RESOLVERS)
    if found is not None:
        assert found == loader_mapping(lines), lines
    return found is not None


def test_the_copied_resolver_table_is_the_loaders():
    """Same tags, patterns, flags and first characters, in the same order: what PyYAML would
    resolve to a non-string, the plain reader leaves to the loader without importing it."""

    def shape(table):
        return {
            first: [(tag, regexp.pattern, regexp.flags) for tag, regexp in resolvers]
            for first, resolvers in table.items()
        }

    assert shape(IMPLICIT_RESOLVERS) == shape(RESOLVERS)
    assert list(IMPLICIT_RESOLVERS) == list(RESOLVERS)


def test_plain_front_matter_needs_no_yaml_import():
    """A build of plain front matter never imports PyYAML (its import was 15 ms of each start)."""
    code = (
        "import sys\n"
        "from ssg.frontmatter import split_front_matter\n"
        "fm = split_front_matter('---\\ntitle: Hi\\ntags: [a, b]\\n---\\nBody\\n', 'a.md')\n"
        "assert fm.data == {'title': 'Hi', 'tags': ['a', 'b']}, fm.data\n"
        "assert 'yaml' not in sys.modules\n"
        "split_front_matter('---\\nchapters:\\n  - a\\n---\\n', 'b.md')\n"
        "assert 'yaml' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "lines",
    [
        ["title: Hello, world"],
        ["title: Betänketid", "slug: betanketid", "date: 2023-11-08T18:10:00+01:00"],
        ['title: "Open Les #12: planning lessons in the open"'],
        ["title: 'Quoted: with a colon'", 'summary: He said "hi" and left.'],
        ["tags: [working-out-loud, open-education, classroom]", "empty: []", "spaced: [ ]"],
        ["url: https://example.org/a#b", "lang: sv", "status: seedling"],
        ["", "# a comment of its own", "title: x", ""],
        ["title: first", "title: second"],  # the last one wins, as with the loader
        ["date: 2024-02-30"],  # a bad date stays text; parse_date reports it
        ["title: C# in the classroom", "note: 50% done"],
    ],
)
def test_plain_front_matter_is_read_as_the_loader_reads_it(lines):
    assert agrees(lines)


@pytest.mark.parametrize(
    "lines",
    [
        ["draft: true"],
        ["draft: yes"],
        ["on: x"],  # a key the loader reads as True
        ["count: 12"],
        ["time: 1:30"],  # sexagesimal, YAML 1.1
        ["ratio: .5"],
        ["nothing: ~"],
        ["nothing: null"],
        ["nothing:"],
        ["aliases:", "  - /old/"],
        ["title: a: b"],
        ["title: a # comment"],
        ["title: ends with:"],
        ["title: -dash"],
        ["title: &anchor x"],
        ["title: !tag x"],
        ["title: |"],
        ['title: "escaped \\" quote"'],
        ["title: 'it''s'"],
        ["tags: [1, 2]"],
        ["tags: [a, b,]"],
        ["tags: [a, [b]]"],
        ["tags: [a: b]"],
        ["tags: {a: b}"],
        ["title:\tx"],
        ["title: non\xa0breaking"],
        ["  title: indented"],
        ["title: two", "  lines"],
        ["%YAML 1.1"],
        ["just a scalar"],
        ["title: x\r"],
    ],
)
def test_anything_else_is_left_to_the_loader(lines):
    assert simple_mapping(lines, RESOLVERS) is None


def test_the_sample_sites_front_matter_is_read_as_the_loader_reads_it():
    fast = 0
    files = sorted(SAMPLE_CONTENT.rglob("*.md"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        lines = text.split("\n---\n", 1)[0].split("\n")[1:]
        fast += agrees(lines)
    assert fast > len(files) // 2  # most real front matter takes the plain path


def test_random_lines_agree_with_the_loader():
    rng = random.Random(20261202)
    keys = ["title", "on", "yes", "n", "tags", "a-b", "_x", "date", "1", "null"]
    words = [*"abcxyzäöé AZ09", "word", " ", "open data", ",", ".", "#", ":"]
    tricky = [
        *":#[]{},'\"-!&*|>%@`?~.\t\\",
        "\xa0",
        ": ",
        " #",
        "yes",
        "no",
        "true",
        "null",
        "1",
        "0x1f",
        "1_000",
        ".inf",
        "2024-01-01",
        "1:30",
    ]
    fast = 0
    trials = 4000
    for _ in range(trials):
        lines = []
        for _ in range(rng.randint(1, 3)):
            value = "".join(
                rng.choice(words if rng.random() < 0.9 else tricky)
                for _ in range(rng.randint(0, 6))
            )
            if rng.random() < 0.3:
                value = "[" + ", ".join(value.split(",")) + "]"
            elif rng.random() < 0.2:
                quote = rng.choice("\"'")
                value = quote + value + quote
            lines.append(f"{rng.choice(keys)}:{rng.choice([' ', '  ', ''])}{value}")
        try:
            loader_mapping(lines)
        except yaml.YAMLError:
            assert simple_mapping(lines, RESOLVERS) is None, lines
            continue
        fast += agrees(lines)
    assert fast > trials // 10  # the comparison exercised the plain path often


def test_split_front_matter_takes_either_path_with_the_same_result():
    plain = split_front_matter("---\ntitle: Hej\ntags: [a, b]\n---\nBody\n", "x.md")
    loaded = split_front_matter("---\ntitle: Hej\ntags:\n  - a\n  - b\n---\nBody\n", "x.md")
    assert plain.data == loaded.data == {"title": "Hej", "tags": ["a", "b"]}
    assert (plain.body, plain.body_line) == ("Body\n", 5)
    assert (loaded.body, loaded.body_line) == ("Body\n", 7)
