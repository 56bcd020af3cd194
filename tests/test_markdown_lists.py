"""Tight lists of one-line items made the short way must be token for token markdown-it's."""

from __future__ import annotations

import random

import pytest
from test_markdown_dispatch import outcome, sped_up, stock_author, stock_reader

from ssg import markdown_lists
from ssg.markdown import author_markdown

# The short way, and every way out of it to markdown-it's rule.
LISTS = [
    "- a\n- b",
    "- a b\n- c d\n",
    "* one\n* two\n\npara",
    "+ x\n+ y\n\n\n\nafter",
    "1. a\n2. b\n3. c",
    "1. a\n1. b",
    "3. a\n4. b",
    "0. zero\n1. one",
    "1) a\n2) b",
    "123456789. nine digits",
    "1234567890. ten digits",
    "- a\n+ b",
    "1. a\n2) b",
    "- a\n1. b",
    "- a\n\n- b",
    "- a\n\n\n- b",
    "- a\n\n+ b",
    "- a\n\n1. b",
    "1. a\n\n- b",
    "1. a\n\n2) b",
    "1. a\n\n2. b",
    "- a\n\n  continued",
    "- a\n\n continued less",
    "- a\n\n    code?",
    "- a\n  continued",
    "- a\nlazy",
    "- a\n---",
    "- a\n***",
    "- a\n- - -",
    "* a\n* * *",
    "- a\n# h",
    "- a\n> q",
    "- a\n```\ncode\n```",
    "- a\n=",
    "- **b** c\n- *d* e",
    "- ***x*** y",
    "- * x",
    "- ** x",
    "- *",
    "- _u_ v\n- __w__",
    "- ___",
    "- `x` y\n- ``z``",
    "- ```\n- x",
    "- ~~s~~",
    "- ~~~",
    "- [l](u) x\n- [m](v)",
    "- [a]: /u\n- b",
    "- [^1]: n\n- b",
    "- [^1](x)",
    "- [ ] task\n- [x] done",
    "- [y] not a task",
    "- [a [b]](c)",
    "- 2024 was\n- 2024. no",
    "- 1) nested",
    "- 7",
    "- # h\n- > q\n- <div>",
    "- <b>x</b> y",
    "- {.cls}",
    "- : d",
    "- 'q' \"r\" (p) «x» ¿y? ¡z!",
    "- Ünïcödé\n- ١٢ digits",
    "- a | b\n- |---|",
    "- trailing  \n- back\\",
    "-  two spaces\n- b",
    "-\ttab",
    "- a\n-\tb",
    "-\n- b",
    "- \n- b",
    "  - indented\n  - list",
    "   - three\n   - spaces",
    "    - four is code",
    "- a\n - b",
    " - a\n- b",
    "\t- tab indent",
    " \t- mixed",
    "> - a\n> - b",
    "> - a\n- b",
    "- a\n  - nested\n- b",
    "[^1]: note\n\n- a\n- b",
    "[^1]: - a\n    - b",
    "Term\n: - a\n  - b",
    "para\n- a\n- b",
    "para\n1. a\n2. b",
    "para\n2. a",
    "# H\n- a\n- b\n# I",
    "{.cls}\n- a\n- b",
    "- a\n- b\n{.cls}",
    "<div>\n- a\n</div>",
]

MARKERS = ["-", "*", "+", "1.", "2.", "10.", "1)", "0.", "-", "*"]
TEXTS = ["word", "Two words", "*em* x", "**b** y", "`c` z", "[l](u) w", "2024 was", "(p) q"]
ODD = ["# h", "> q", "- y", "1. z", "[a]: /u", "[ ] t", "```", "---", "***", "<d>", "", "{.c}"]
AFTER = ["", "Para", "  indented", "    code", "---", "# H", "> q", "```", "| a |", ": d", "  - n"]


def random_lists(seed: int, count: int) -> list[str]:
    """Lists mostly of the short way's shape, with a perturbation here and there."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(1, 3)):
            indent = rng.choice(["", "", "", " ", "   "])
            marker = rng.choice(MARKERS)
            for _ in range(rng.randint(1, 5)):
                odd = rng.random() < 0.03
                lines.append(
                    (rng.choice(["", " ", "    ", "\t"]) if odd else indent)
                    + (rng.choice(MARKERS) if rng.random() < 0.03 else marker)
                    + (rng.choice(["  ", "\t", ""]) if rng.random() < 0.02 else " ")
                    + (rng.choice(ODD) if rng.random() < 0.05 else rng.choice(TEXTS))
                    + rng.choice(["", " more *text*", "  ", " [l](u)"])
                )
            lines.extend([""] * rng.choice([0, 1, 1, 2]))
            if rng.random() < 0.4:
                lines.append(rng.choice(AFTER))
        text = "\n".join(lines)
        if rng.random() < 0.1:
            text = "\n".join("> " + line for line in text.split("\n"))
        found.append(text + rng.choice(["", "\n"]))
    return found


@pytest.mark.parametrize("make", [stock_author, stock_reader])
def test_lists_parse_as_markdown_it_parses_them(make) -> None:
    stock, fast = make(), sped_up(make)
    for text in [*LISTS, *random_lists(20261202, 3000)]:
        assert outcome(fast, text) == outcome(stock, text), text


def test_random_lists_go_both_ways(monkeypatch) -> None:
    """Many take the short way (else the comparison above would test markdown-it against
    itself) and many do not (else the way out would go untested)."""
    taken = []
    real = markdown_lists._tight_items

    def spy(*args):  # noqa: ANN002
        found = real(*args)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(markdown_lists, "_tight_items", spy)
    md = sped_up(stock_author)
    for text in random_lists(20261202, 300):
        md.parse(text)
    assert sum(taken) > 150 and len(taken) - sum(taken) > 150


def test_the_site_parser_takes_the_short_way(monkeypatch) -> None:
    """The dispatch table really holds the short way: a wrong answer from it shows."""
    text = "- # not a heading\n- b\n"
    assert "<h1" in author_markdown().render(text)
    monkeypatch.setattr(markdown_lists, "_starts_a_paragraph", lambda text: True)
    assert author_markdown().render(text) == "<ul>\n<li># not a heading</li>\n<li>b</li>\n</ul>\n"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Word", True),
        ("été", True),
        ("(aside)", True),
        ("2024 was", True),
        ("2024. no", False),
        ("1) no", False),
        ("7", True),
        ("*em*", True),
        ("**strong**", True),
        ("* item", False),
        ("***", False),
        ("_x_", True),
        ("`code`", True),
        ("```", False),
        ("[link](target)", True),
        ("[label]: /url", False),
        ("[ ] task", False),
        ("# heading", False),
        ("> quote", False),
        ("<div>", False),
        ("{.attrs}", False),
        (": term", False),
        ("~~gone~~", False),
    ],
)
def test_what_can_only_start_a_paragraph(text: str, answer: bool) -> None:
    assert markdown_lists._starts_a_paragraph(text) is answer
