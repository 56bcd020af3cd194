"""The dispatching parsers, the faster emphasis rule and the faster renderer must produce exactly
what markdown-it's own produce."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from ssg import markdown_dispatch, markdown_inline, markdown_rules
from ssg.markdown import author_markdown, reader_markdown, slugify
from ssg.markdown_render import FastRendererHTML

REPO = Path(__file__).resolve().parent.parent

TRICKY = [
    "*a **b** c*",
    "***x***",
    "_a_b_",
    "a * b * c",
    "**a*",
    "*a [b*](c) d*",
    "[a [b] c](d)",
    "[a](<b c> 'd')",
    "![a *b*](c)",
    "[^1]\n\n[^1]: note",
    "x^[inline]",
    "[ref]\n\n[ref]: /url 'title'",
    "<http://a.b/c>",
    "<a@b.c>",
    "<span>x</span>",
    "&amp; &copy; &#35; &#x22; &nope;",
    "\\*not\\* \\[x\\]",
    "a  \nb",
    "a\\\nb",
    "`a`` b ``c`",
    "``` ``",
    "~~gone~~ ~x~",
    "- [ ] task\n- [x] done",
    "1. a\n2. b\n\n3) c",
    "* a\n\n  * b\n\n    > c",
    "> a\n> - b\n>   ```\n>   code\n>   ```",
    "Term\n: def\n~ other",
    "| a | b |\n|---|:-:|\n| `c|d` | *e* |",
    "Title\n===\n\nSub\n---",
    "# H {#id}\n\n{.cls}\npara",
    "    indented\n\ncode",
    "***\n---\n___",
    "<div>\n*x*\n</div>\n\n*y*",
    "[" * 40 + "x" + "]" * 40,
    "*" * 50 + "x",
    "<!-- c -->\n<?php ?>",
    "a - b : c = d + e @ f # g % h $ i } j {",
    "Ünïcödé *emphasis* — «quotes» – done",
    "```python\nprint('x')\n```",
    "~~~\n~~~~\n~~~",
    "Term\n: a\n~ b\n: c",
    "text\n___\nmore\n***\nand\n- - -",
    "a\nb\n- c\nd\n1. e\n2) f",
    "para\n> q\n# h\n<div>\n```\nx\n```",
    "a\n    b\n\tc\n===",
    "> a\nlazy\n---",
    "a\n| b |\n|---|\n| c |",
    "para\n[^1]: note\n[x]: /u",
    "- a\n\n      code in a list\n  - b\n\n        code deeper",
    ">     code in a quote\n>\tand a tab",
    "1. a\n\n\tcode after a tab\n\n    more",
]
ALPHABET = [
    *"ab *_`[]()!<>&#^~\\-+:=|{}.\n 1",
    *("**", "[^1]", "[^1]: x\n", "<a>", "&amp;", "```\n", "> ", "- ", "1. ", "    ", "\t"),
    *("---\n", "===\n", ": ", "~~", "![x](y)", "<http://a.b>", "{#id}\n", "\n\n", "[a]: /u\n"),
]


def stock_author(renderer_cls: type = RendererHTML) -> MarkdownIt:
    """The same configuration as ssg.markdown.author_markdown, without its speed-ups."""
    md = MarkdownIt("commonmark", {"html": True}, renderer_cls=renderer_cls)
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)
    md.use(attrs_block_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    return md


def stock_reader(renderer_cls: type = RendererHTML) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}, renderer_cls=renderer_cls)
    md.enable(["strikethrough"])
    md.disable(["image"])
    return md


def samples() -> list[str]:
    rng = random.Random(20261121)
    found = [*TRICKY]
    found += [p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*.md"))]
    for _ in range(3000):
        found.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 80))))
    return found


def outcome(md: MarkdownIt, text: str) -> tuple[str, list[dict]]:
    try:
        return md.render(text), [token.as_dict() for token in md.parse(text)]
    except Exception as exc:  # the same failure counts as the same outcome
        return repr(exc), []


def test_both_site_parsers_dispatch() -> None:
    """If a markdown-it upgrade adds a rule this module does not know, it falls back to the
    stock loop silently: this test makes that loud."""
    for md in (author_markdown(), reader_markdown()):
        assert md.inline.tokenize.__func__.__module__ == "ssg.markdown_dispatch"
        assert md.block.tokenize.__func__.__module__ == "ssg.markdown_dispatch"
        rules = {rule.name: rule.fn for rule in md.block.ruler.__rules__}
        assert rules["paragraph"].__module__ == "ssg.markdown_dispatch"
        assert rules["lheading"].__module__ == "ssg.markdown_dispatch"


def test_paragraphs_ask_only_the_terminators_listed_for_the_line(monkeypatch) -> None:
    """The table is really used (not markdown-it's loop): a wrong entry shows in the output."""
    text = "text\n___\n"
    assert sped_up(stock_author).render(text) == "<p>text</p>\n<hr />\n"
    monkeypatch.setitem(markdown_dispatch.TERMINATOR_STARTS, "hr", "*-")
    assert sped_up(stock_author).render(text) == "<p>text\n___</p>\n"


def test_hard_wrapped_paragraphs_parse_the_same() -> None:
    """Paragraphs of many lines are where the terminator table matters."""
    stock, fast = stock_author(), sped_up(stock_author)
    for path in sorted((REPO / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        wrapped = "\n".join(textwrap.fill(line, 30) for line in text.split("\n"))
        assert outcome(fast, wrapped) == outcome(stock, wrapped), path


def sped_up(make) -> MarkdownIt:  # noqa: ANN001 - stock_author or stock_reader
    """What ssg.markdown does to its parsers."""
    md = make(FastRendererHTML)
    assert markdown_rules.install(md)
    assert markdown_rules.install_normalize(md)
    assert markdown_rules.install_guards(md)
    assert markdown_inline.install(md)
    assert markdown_dispatch.install(md)
    return md


def test_both_site_parsers_use_the_faster_emphasis_and_renderer() -> None:
    for md in (author_markdown(), reader_markdown()):
        assert isinstance(md.renderer, FastRendererHTML)
        emphasis = [rule.fn for rule in md.inline.ruler.__rules__ if rule.name == "emphasis"]
        assert emphasis == [markdown_rules.emphasis]
        normalize = [rule.fn for rule in md.core.ruler.__rules__ if rule.name == "normalize"]
        assert normalize == [markdown_rules.normalize]


@pytest.mark.parametrize("make", [stock_author, stock_reader])
def test_same_tokens_and_html_as_markdown_it(make) -> None:
    stock, fast = make(), sped_up(make)
    for text in samples():
        assert outcome(fast, text) == outcome(stock, text), text


@pytest.mark.parametrize("part", ["dispatch", "emphasis", "renderer", "guards"])
def test_each_speed_up_alone_gives_the_same_html(part: str) -> None:
    """Differences could cancel out when all are on; each alone must match as well."""
    stock = stock_author()
    fast = stock_author(FastRendererHTML if part == "renderer" else RendererHTML)
    if part == "dispatch":
        assert markdown_dispatch.install(fast)
    elif part == "emphasis":
        assert markdown_rules.install(fast)
    elif part == "guards":
        assert markdown_rules.install_guards(fast) == ["github-tasklists", "text_join"]
    for text in samples()[:1500]:
        assert outcome(fast, text) == outcome(stock, text), text


def test_the_faster_normalize_changes_what_markdown_its_changes() -> None:
    stock, fast = stock_author(), stock_author()
    assert markdown_rules.install_normalize(fast)
    assert [r.fn for r in fast.core.ruler.__rules__ if r.name == "normalize"] == [
        markdown_rules.normalize
    ]
    for text in ("a\r\nb\rc\n\nd", "nul\0here\r\n", "\r\r\n\n", "plain\ntext\n", ""):
        assert outcome(fast, text) == outcome(stock, text), repr(text)
    assert "\ufffd" in fast.render("a\0b") and "\r" not in fast.render("a\r\nb\rc")


def test_guarded_rules_still_run_where_their_strings_are() -> None:
    stock, fast = stock_author(), stock_author()
    assert markdown_rules.install_guards(fast)
    for text in ("- [ ] a\n- [x] b\n- [X] c", "a \\* b &amp; c", "x&#35;y\\`z"):
        assert outcome(fast, text) == outcome(stock, text), text
    assert 'type="checkbox"' in fast.render("- [ ] task")
    assert fast.render("- [y] not a task") == stock.render("- [y] not a task")


def test_guards_need_markdown_its_fragments_join_and_known_inline_rules() -> None:
    md = stock_author()
    md.inline.ruler2.at("fragments_join", lambda state: None)
    assert markdown_rules.install_guards(md) == []
    md = stock_author()
    md.inline.ruler.push("plugin", lambda state, silent: False)
    assert markdown_rules.install_guards(md) == []


def test_both_site_parsers_guard_their_core_rules() -> None:
    for md, expected in ((author_markdown(), 2), (reader_markdown(), 1)):
        guarded = [r for r in md.core.ruler.__rules__ if r.fn.__module__ == markdown_rules.__name__]
        assert len(guarded) == expected + 1  # and normalize


def test_a_replaced_normalize_rule_is_left_alone() -> None:
    md = stock_author()
    md.core.ruler.at("normalize", lambda state: None)
    assert not markdown_rules.install_normalize(md)


def test_the_renderer_calls_rules_a_plugin_replaced() -> None:
    md = stock_author(FastRendererHTML)
    md.add_render_rule("text", lambda self, tokens, idx, options, env: tokens[idx].content.upper())
    md.add_render_rule("paragraph_open", lambda self, tokens, idx, options, env: "<p class=x>")
    assert md.render("a *b* & c") == "<p class=x>A <em>B</em> & C</p>\n"


def test_a_replaced_emphasis_rule_is_left_alone() -> None:
    md = stock_author()
    md.inline.ruler.at("emphasis", _percent_rule)
    assert not markdown_rules.install(md)


def test_an_unknown_rule_keeps_the_stock_loops() -> None:
    md = stock_author()
    md.inline.ruler.before("text", "percent", _percent_rule)  # before `text`: could match anywhere
    assert not markdown_dispatch.install(md)
    assert "PERCENT" in md.render("50% off")


@pytest.mark.parametrize("change", ["disable link", "disable heading", "add a rule"])
def test_a_parser_changed_after_install_goes_back_to_the_stock_loops(change: str) -> None:
    stock, fast = stock_author(), stock_author()
    assert markdown_dispatch.install(fast)
    for md in (stock, fast):
        if change == "add a rule":
            md.inline.ruler.before("text", "percent", _percent_rule)
        else:
            md.disable(change.split()[1])
    text = "# Head\n\n50% *off* and [more](more.md)\n"
    assert fast.render(text) == stock.render(text)
    if change == "add a rule":
        assert "PERCENT" in fast.render(text)


def _percent_rule(state, silent: bool) -> bool:  # noqa: ANN001 - markdown-it's StateInline
    if state.src[state.pos] != "%":
        return False
    if not silent:
        state.push("text", "", 0).content = "PERCENT"
    state.pos += 1
    return True
