"""The inline fast path must give exactly markdown-it's tokens, and must really be taken."""

from __future__ import annotations

import random

import pytest
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from test_markdown_dispatch import (
    TRICKY,
    _percent_rule,
    outcome,
    samples,
    stock_author,
    stock_reader,
)

from ssg import markdown_inline, markdown_rules, markdown_tokens
from ssg.markdown import author_markdown, reader_markdown, render_markdown

# Prose the fast path takes, and its edges: where markdown-it keeps empty text tokens, where
# flanking depends on punctuation or Unicode, where a link or code span is not what it seems.
PROSE = [
    "**a**",
    "**`c`**",
    "x **`c` y** z",
    "*a `b`*",
    "[*a* b](x.md)",
    "[**a**](b) *c*",
    "**a *b* c**",
    "*a **b** c*",
    "*a*b",
    "a*b*",
    "2*3*4",
    "*(a)*",
    "(*a*)",
    "«*a*»",
    "*a*—b",
    "a\u00a0*b*\u00a0c",
    "*a*\n*b*",
    "a *\nb*",
    "a  \nb",
    "a \nb",
    "a   \n   b",
    "`a`  \nb",
    "**a** \nb",
    "a\t\n\tb",
    "`` a ` b ``",
    "` `",
    "`  a  `",
    "`a\nb`",
    "`open",
    "word! [x](y)",
    "x ! [y](z)",
    "end with *star",
    "star* at start",
    "[a](javascript:alert)",
    "[a](ä)",
    "[a](h%20t)",
    "[a](x.md#part)",
    "[a] (b)",
    "[a](b) [c](d)",
    "a ] b",
    "- *item* one\n- **item** [two](t.md)",
    "# *Heading* `code`",
    "| *a* | `b` |\n|---|---|\n| [c](d) | **e** |",
    "> quoted *text*\n> more",
]


def prose_snippets(count: int, seed: int = 20261121) -> list[str]:
    """Random prose built from the pieces the fast path handles, and a few it gives up on."""
    rng = random.Random(seed)
    words = ["word", "a", "Ünï", "é", "1", "x2", "日本"]
    punctuation = [*".,!?:;()\"'-]#$%}", "—", "«", "»"]
    spaces = [" ", " ", "\u00a0", "\t", "  ", "\n", " \n", "  \n", "   \n  ", "\n "]
    targets = ["x.md", "../posts/p-1.md", "https://e.org/a?b=c", "ä", "javascript:x", "#f", "x)y"]

    def inline(depth: int, in_link: bool = False) -> str:
        out = []
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            if roll < 0.35:
                out.append(rng.choice(words))
            elif roll < 0.5:
                out.append(" " if in_link else rng.choice(spaces))
            elif roll < 0.6:
                out.append(rng.choice(punctuation))
            elif roll < 0.72 and depth < 3:
                marker = rng.choice(["*", "**"])
                out.append(marker + inline(depth + 1, in_link) + marker)
            elif roll < 0.8:
                ticks = ["`", "`", "``"]
                code = rng.choice(["c", " c ", "a*b", "x`y", " ", "_u_", "\\"])
                out.append(rng.choice(ticks) + code + rng.choice(ticks))
            elif roll < 0.88 and not in_link and depth < 3:
                out.append(f"[{inline(depth + 1, True)}]({rng.choice(targets)})")
            elif roll < 0.92:
                out.append(rng.choice(["*", "**", "***", "[", "!", "!["]))
            else:
                out.append(rng.choice(words))
        return "".join(out)

    prefixes = ["", "", "", "# ", "- ", "> ", "1. ", "| a |\n|---|\n| "]
    return [rng.choice(prefixes) + inline(0) for _ in range(count)]


def with_fast_path(make) -> object:  # noqa: ANN001 - stock_author or stock_reader
    """A stock parser with only the fast path (it needs our emphasis rule beside it)."""
    md = make(RendererHTML)
    assert markdown_rules.install(md)
    assert markdown_inline.install(md)
    return md


def test_both_site_parsers_take_the_fast_path() -> None:
    for md in (author_markdown(), reader_markdown()):
        assert md.inline.parse.__func__.__module__ == "ssg.markdown_inline"


@pytest.mark.parametrize("make", [stock_author, stock_reader])
def test_same_tokens_and_html_as_markdown_it(make) -> None:  # noqa: ANN001
    stock, fast = make(), with_fast_path(make)
    for text in [*PROSE, *samples(), *prose_snippets(3000)]:
        assert outcome(fast, text) == outcome(stock, text), text


def test_the_site_parser_is_the_same_with_and_without_the_fast_path() -> None:
    md = author_markdown()
    fast = md.inline.parse
    texts = [*PROSE, *TRICKY, *prose_snippets(1000, seed=7)]
    with_it = [outcome(md, text) for text in texts]
    del md.inline.parse  # markdown-it's own ParserInline.parse again
    try:
        without = [outcome(md, text) for text in texts]
    finally:
        md.inline.parse = fast
    assert with_it == without


def test_ordinary_prose_is_taken_and_the_rest_left_to_markdown_it() -> None:
    """Without this the comparisons above would pass with a fast path that always gives up."""
    md = author_markdown()
    taken = [
        "Plain words, and punctuation!",
        "a *b* **c** `d` [e *f*](g.md)\nnext  \nline",
        "(*a*) «**b**» *c*.",
    ]
    for text in taken:
        assert markdown_inline.parse_prose(text, md)
    left = ["_a_", "a\\*", "&amp;", "<b>", "~~s~~", "x^[n]", "![i](j)", "***a***", "*a", "2*3"]
    left += ["[a](b 'title')", "[a]", "[a](<b>)", "`a", "a*b*c*"]
    for text in left:
        with pytest.raises(markdown_inline.GiveUp):
            markdown_inline.parse_prose(text, md)
    share = _share_taken(md, prose_snippets(500, seed=3))
    assert share > 0.3, share


def _share_taken(md, texts: list[str]) -> float:  # noqa: ANN001
    taken = tried = 0
    for text in texts:
        for token in md.parse(text):
            if token.type == "inline":
                tried += 1
                try:
                    markdown_inline.parse_prose(token.content, md)
                    taken += 1
                except markdown_inline.GiveUp:
                    pass
    return taken / tried


def _tokens_only(_src: str, _md: object) -> None:
    raise markdown_inline.GiveUp


def test_paragraphs_as_prose_render_as_their_tokens_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTML, links to other pages, headings, summary text and word count: all the same when
    paragraphs skip their tokens (`prose_html`) as when they are made."""
    links = '[a](other.md) [b](../x.md#f) [c](https://e.org/?q="1") [d](#top) [e](p%C3%A4.md)'
    texts = [*PROSE, *TRICKY, *samples(), *prose_snippets(3000, seed=11), links]
    texts += ["\n\n".join(prose_snippets(6, seed=n)) for n in range(300)]
    with_prose = [_rendered(text) for text in texts]
    monkeypatch.setattr(markdown_inline, "prose_html", _tokens_only)
    without = [_rendered(text) for text in texts]
    for text, a, b in zip(texts, with_prose, without, strict=True):
        assert a == b, text


def _rendered(text: str) -> object:
    try:
        return render_markdown(text, "posts/p.md", 3)
    except Exception as exc:  # the same failure counts as the same outcome
        return repr(exc)


def test_ordinary_paragraphs_are_taken_as_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without this the comparison above would pass with prose never taken."""
    taken = []
    real = markdown_inline.prose_html

    def spy(src: str, md: object) -> markdown_inline.Prose:
        prose = real(src, md)
        taken.append(src)
        return prose

    monkeypatch.setattr(markdown_inline, "prose_html", spy)
    text = "# A *heading*\n\nSome *prose* [x](y.md).\n\n- item **b**\n- [ ] task\n\n| a |\n|---|\n| c |"
    rendered = render_markdown(text, "p.md")
    assert taken == ["Some *prose* [x](y.md).", "item **b**"]
    assert rendered.headings[0].id == "a-heading"  # a heading keeps its tokens for anchors
    assert 'type="checkbox"' in rendered.html  # the task list rule still sees its item
    assert rendered.refs[0].target == "y.md"
    taken.clear()
    reader_markdown().render("Some *prose*.")  # replies: their links are rewritten by token
    assert taken == []


def test_an_unknown_core_rule_or_renderer_rule_keeps_the_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    md = with_fast_path(stock_author)
    env = {markdown_inline.PROSE: True}
    [inline] = [t for t in md.parse("Some *prose*.", dict(env)) if t.type == "inline"]
    assert markdown_inline.PROSE in inline.meta and not inline.children
    md.add_render_rule("em_open", lambda *args: "<i>")
    [inline] = [t for t in md.parse("Some *prose*.", dict(env)) if t.type == "inline"]
    assert markdown_inline.PROSE not in inline.meta and inline.children
    md = with_fast_path(stock_author)
    md.core.ruler.push("shout", lambda state: None)
    [inline] = [t for t in md.parse("Some *prose*.", dict(env)) if t.type == "inline"]
    assert markdown_inline.PROSE not in inline.meta and inline.children


def test_an_unknown_inline_rule_keeps_markdown_its_parse() -> None:
    md = stock_author()
    assert markdown_rules.install(md)
    md.inline.ruler.before("text", "percent", _percent_rule)
    assert not markdown_inline.install(md)


def test_without_our_emphasis_rule_there_is_no_fast_path() -> None:
    assert not markdown_inline.install(stock_author())


def test_a_rule_added_after_install_is_obeyed() -> None:
    md = with_fast_path(stock_author)
    md.inline.ruler.before("text", "percent", _percent_rule)
    assert md.render("50% *off*") == "<p>50PERCENT <em>off</em></p>\n"


@pytest.mark.parametrize(
    ("args", "keywords"),
    [
        (("text", "", 0, 2, "some text"), {"level": 2, "content": "some text"}),
        (("strong_open", "strong", 1, 0, "", "**"), {"markup": "**"}),
        (("code_inline", "code", 0, 1, "x", "``"), {"level": 1, "content": "x", "markup": "``"}),
        (("link_open", "a", 1, 0, "", "", {"href": "/a/"}), {"attrs": {"href": "/a/"}}),
        (("softbreak", "br", 0, 3), {"level": 3}),
    ],
)
def test_tokens_made_directly_equal_tokens_made_by_markdown_it(
    args: tuple, keywords: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert markdown_tokens.fields_known()  # else the fast path silently uses Token()
    expected = Token(*args[:3], **keywords)
    made = markdown_tokens.new_token(*args)
    assert made == expected and made.as_dict() == expected.as_dict()
    other = markdown_tokens.new_token("text", "", 0, 0)
    assert made.attrs is not other.attrs and made.meta is not other.meta  # never shared
    monkeypatch.setattr(markdown_tokens, "_FIELDS_KNOWN", False)  # a Token it does not know
    assert markdown_tokens.new_token(*args) == expected


@pytest.mark.parametrize("fields_known", [True, False])
def test_paragraph_tokens_made_directly_equal_markdown_its(
    fields_known: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markdown_tokens, "_FIELDS_KNOWN", fields_known)
    stock, ours = stock_author(), author_markdown()
    for text in ["a\nb", "> q\n\n- x\n\n  y", "1. a\n\n   b\n2. c", *TRICKY]:
        expected = [token.as_dict() for token in stock.parse(text)]
        assert [token.as_dict() for token in ours.parse(text)] == expected, text
