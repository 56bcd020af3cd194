"""A fast path for the inline Markdown of ordinary prose, token for token the same as markdown-it.

Half of all Markdown parsing is inline parsing: markdown-it walks each paragraph with a state
object, pushes every `*` as a token of its own with a delimiter record, matches the delimiters
afterwards (`balance_pairs`, `emphasis`), merges the text fragments back together
(`fragments_join`) and renumbers the levels. Most prose needs none of that generality: plain
text, `*em*` and `**strong**` that open before a word and close after one, `` `code` ``,
`[text](target)` and line breaks. This module parses exactly that subset in one pass, producing
the tokens markdown-it's machinery would end with, and gives up (raises GiveUp; markdown-it then
parses the paragraph) at the first thing outside it: a backslash, `&`, `<`, `_`, `~`, `^`, an
image, a `*` run that could both open and close or is left unmatched, a run of three, a link with
a title, angle brackets or anything unusual inside its brackets, a code span over several lines.

Equivalence rests on CommonMark's own rules: a delimiter run that can only open or only close,
matched strictly innermost first with a run of the same length, is paired exactly as the
delimiter algorithm pairs it (the "multiple of 3" rule only concerns runs that can do both), and
inside a link's brackets emphasis is matched on its own, as markdown-it does. tests/
test_markdown_inline.py compares the tokens with markdown-it's on tricky cases, the sample site
and thousands of random snippets, with the fast path on and off.

The fast path is used only while the parser's inline rules are the ones it was written against
(markdown-it's, the footnote and strikethrough rules, which start at characters it gives up on,
and our equivalent emphasis rule); a plugin rule switches it off.

A paragraph's tokens are made only to be rendered and scanned for text and links, so where the
caller asks (`render_markdown`), the same pass writes a paragraph's HTML and text directly
(`Prose`): rendering the benchmark's 1,000-post bodies in one process took 1.00 -> 0.86 s.
Headings, table cells and terms keep their tokens, which plugins read.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.parser_inline import ParserInline
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import inline as stock_inline
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from . import markdown_rules
from .markdown_render import FastRendererHTML
from .markdown_rules import flanking, rule_module
from .markdown_tokens import new_token as _token

_fast_render_inline = FastRendererHTML.renderInline

# Where the fast path has something to decide: everything else is plain text.
_SPECIAL = re.compile(r"[\n*`\[!\\&<_~^]")
# `[text](target)`: the text has nothing that could end it early or start another rule, the
# target no space, control character, bracket, escape or entity.
_LINK = re.compile(r"\[([^\[\]`!\\&<_~^\n]+)\]\(([^\s()<>\\&\x00-\x1f\x7f]+)\)")

# The rules the fast path knows, by name and module: each either is reproduced here or can only
# start at a character the fast path gives up on.
_KNOWN_INLINE = {
    "text": "markdown_it.rules_inline.text",
    "newline": "markdown_it.rules_inline.newline",
    "escape": "markdown_it.rules_inline.escape",
    "backticks": "markdown_it.rules_inline.backticks",
    "strikethrough": "markdown_it.rules_inline.strikethrough",
    "emphasis": markdown_rules.__name__,
    "link": "markdown_it.rules_inline.link",
    "image": "markdown_it.rules_inline.image",
    "footnote_inline": "mdit_py_plugins.footnote.index",
    "footnote_ref": "mdit_py_plugins.footnote.index",
    "autolink": "markdown_it.rules_inline.autolink",
    "html_inline": "markdown_it.rules_inline.html_inline",
    "entity": "markdown_it.rules_inline.entity",
}
_KNOWN_POST = {
    "balance_pairs": "markdown_it.rules_inline.balance_pairs",
    "strikethrough": "markdown_it.rules_inline.strikethrough",
    "emphasis": "markdown_it.rules_inline.emphasis",
    "fragments_join": "markdown_it.rules_inline.fragments_join",
}


class GiveUp(Exception):
    """Something outside the fast path's subset: markdown-it parses this inline content."""


# The key of a parse's `env` that asks for paragraphs as `Prose` (see `install`).
PROSE = "aloud-prose"

# Core rules that may run around inline parsing while paragraphs are left without tokens: none
# of them reads or changes a paragraph's inline tokens (anchors read headings', the task-list
# rule a list item's first paragraph only when it starts `[ ]`, which the fast path gives up
# on; text_join only turns `\` and `&` tokens into text, and the fast path gives up on both).
_KNOWN_CORE = {
    "normalize": (markdown_rules.__name__, "markdown_it.rules_core.normalize"),
    "block": ("markdown_it.rules_core.block",),
    "attr": ("mdit_py_plugins.attrs.index",),
    "inline": (__name__,),
    "github-tasklists": (markdown_rules.__name__, "mdit_py_plugins.tasklists"),
    "footnote_tail": ("mdit_py_plugins.footnote.index",),
    "text_join": (markdown_rules.__name__, "markdown_it.rules_core.text_join"),
    "anchor": ("mdit_py_plugins.anchors.index",),
}
# Inline tokens whose HTML `prose_html` writes itself: the renderer must make them with its
# stock rules (`_tag` for the tags without one).
_STOCK_RENDER = ("text", "code_inline", "softbreak", "hardbreak", "html_inline")
_TAGS = ("em_open", "em_close", "strong_open", "strong_close", "link_open", "link_close")


def install(md: MarkdownIt) -> bool:
    """Let `md` parse ordinary prose on the fast path; False if its rules are not the known ones.

    Call after `markdown_rules.install`; like `markdown_dispatch`, the parser notices later rule
    changes (markdown-it compiles a new rule list) and goes back to markdown-it's own parse.
    A parse whose env has `PROSE` set gets the paragraphs the fast path takes as `Prose` in
    their inline token's meta, and no children: the caller makes their HTML (`render_markdown`
    does), while the rules around inline parsing and the renderer are the known ones."""
    known = _only_known(md.inline.ruler, _KNOWN_INLINE)
    if not (known and _only_known(md.inline.ruler2, _KNOWN_POST)):
        return False
    compiled = md.inline.ruler.getRules("")
    compiled_post = md.inline.ruler2.getRules("")
    if not any(rule_module(rule) == markdown_rules.__name__ for rule in compiled):
        return False  # the `*` decisions below are those of our emphasis rule

    def fast_path_on(inline: ParserInline) -> bool:
        return inline.ruler.getRules("") is compiled and inline.ruler2.getRules("") is compiled_post

    def parse(self, src: str, md: MarkdownIt, env: dict, tokens: list[Token]) -> list[Token]:  # noqa: ANN001
        if fast_path_on(self):
            try:
                tokens.extend(parse_prose(src, md))
                return tokens
            except GiveUp:
                pass
        return ParserInline.parse(self, src, md, env, tokens)

    md.inline.parse = types.MethodType(parse, md.inline)
    core = [rule for rule in md.core.ruler.__rules__ if rule.name == "inline"]
    if not core or core[0].fn is not stock_inline:
        return True  # someone else's inline core rule: no prose

    def inline(state: StateCore) -> None:
        """markdown-it's inline core rule; paragraphs as `Prose` when the env asks."""
        md = state.md
        prose = (
            bool(state.env.get(PROSE))
            and md.core.ruler.getRules("") is compiled_core
            and fast_path_on(md.inline)
            and _stock_renderer(md.renderer)
        )
        previous = None
        for token in state.tokens:
            if token.type == "inline":
                if prose and previous is not None and previous.type == "paragraph_open":
                    try:
                        token.meta[PROSE] = prose_html(token.content, md)
                        previous = token
                        continue
                    except GiveUp:
                        pass
                if token.children is None:
                    token.children = []
                md.inline.parse(token.content, md, state.env, token.children)
            previous = token

    md.core.ruler.at("inline", inline)
    compiled_core = md.core.ruler.getRules("")
    core_rules = [rule for rule in md.core.ruler.__rules__ if rule.enabled]
    if not all(rule_module(rule.fn) in _KNOWN_CORE.get(rule.name, ()) for rule in core_rules):
        compiled_core = None  # a rule that may read paragraphs' tokens: never prose
    return True


def _stock_renderer(renderer: RendererHTML) -> bool:
    """Whether `renderer` makes prose's tokens as `prose_html` writes them."""
    if type(renderer).renderInline not in (RendererHTML.renderInline, _fast_render_inline):
        return False
    rules = renderer.rules
    for kind in _STOCK_RENDER:
        rule = rules.get(kind)
        if getattr(rule, "__func__", None) is not getattr(RendererHTML, kind):
            return False
    return not any(kind in rules for kind in _TAGS)


def _only_known(ruler, known: dict[str, str]) -> bool:  # noqa: ANN001 - markdown-it's Ruler
    enabled = [rule for rule in ruler.__rules__ if rule.enabled]
    return all(known.get(rule.name) == rule_module(rule.fn) for rule in enabled)


def parse_prose(src: str, md: MarkdownIt) -> list[Token]:
    """The tokens markdown-it gives for `src`; raises GiveUp if it is outside the subset."""
    return _parse(src, 0, len(src), 0, md, None)


@dataclass(slots=True)
class Prose:
    """A paragraph's inline content as the HTML markdown-it's renderer would make of its
    tokens, without making them (see `prose_html`). `parts` joined is the HTML, except that
    the parts at `hrefs` hold link targets still to be escaped (or replaced by a reference to
    another page: `render_markdown` decides); `plain` is the text, as `markdown._scan` takes it
    from the tokens."""

    parts: list[str] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    hrefs: list[int] = field(default_factory=list)


def prose_html(src: str, md: MarkdownIt) -> Prose:
    """`src` as HTML and text; raises GiveUp if it is outside the subset. For paragraphs only:
    headings, table cells and terms keep their tokens (anchors and plugins read them)."""
    prose = Prose()
    _parse(src, 0, len(src), 0, md, prose)
    return prose


def _parse(
    src: str, start: int, end: int, level: int, md: MarkdownIt, prose: Prose | None
) -> list[Token]:
    """Tokens of src[start:end] at nesting `level` (link text is parsed with its own call,
    so emphasis never pairs across a link's brackets); with `prose`, its HTML and text go
    there instead, decision for decision the same."""
    out: list[Token] = []
    pending = ""  # text since the last token, as markdown-it's `state.pending`
    open_runs: list[int] = []  # lengths of the emphasis runs opened and not yet closed
    search = _SPECIAL.search
    pos = start
    while pos < end:
        found = search(src, pos, end)
        if found is None:
            pending += src[pos:end]
            break
        stop = found.start()
        if stop > pos:
            pending += src[pos:stop]
        char = src[stop]
        if char == "*":
            run_end = stop + 1
            while run_end < end and src[run_end] == "*":
                run_end += 1
            count = run_end - stop
            if count > 2:
                raise GiveUp
            left, right, _, _ = flanking(src, stop, run_end, end)
            if left == right:
                if left:
                    raise GiveUp  # could open and close: the delimiter algorithm decides
                pending += src[stop:run_end]  # neither: literal text
                pos = run_end
                continue
            if pending:
                _text(out, prose, pending, level)
                pending = ""
            if left:
                if prose is not None:
                    prose.parts.append("<strong>" if count == 2 else "<em>")
                elif count == 2:
                    _text(out, None, "", level)  # markdown-it keeps the first `*` as empty text
                    out.append(_token("strong_open", "strong", 1, level, markup="**"))
                else:
                    out.append(_token("em_open", "em", 1, level, markup="*"))
                open_runs.append(count)
                level += 1
            else:
                if not open_runs or open_runs.pop() != count:
                    raise GiveUp  # unmatched, or a run of another length
                level -= 1
                if prose is not None:
                    prose.parts.append("</strong>" if count == 2 else "</em>")
                elif count == 2:
                    out.append(_token("strong_close", "strong", -1, level, markup="**"))
                    _text(out, None, "", level)
                else:
                    out.append(_token("em_close", "em", -1, level, markup="*"))
            pos = run_end
        elif char == "`":
            pos = _code_span(src, stop, end, level, out, prose, pending)
            pending = ""
        elif char == "\n":
            if pending.endswith(" "):
                if pending.endswith("  "):
                    pending = pending.rstrip(" ")
                    kind = "hardbreak"
                else:
                    pending = pending[:-1]
                    kind = "softbreak"
            else:
                kind = "softbreak"
            if pending:
                _text(out, prose, pending, level)
                pending = ""
            if prose is not None:
                prose.parts.append(_break_html(kind, md.options))
                prose.plain.append(" ")
            else:
                out.append(_token(kind, "br", 0, level))
            pos = stop + 1
            while pos < end and (src[pos] == " " or src[pos] == "\t"):
                pos += 1
        elif char == "[":
            link = _LINK.match(src, stop, end)
            if link is None:
                raise GiveUp
            href = md.normalizeLink(link.group(2))
            if not md.validateLink(href):
                raise GiveUp
            if pending:
                _text(out, prose, pending, level)
                pending = ""
            if prose is not None:
                parts = prose.parts
                parts.append('<a href="')
                prose.hrefs.append(len(parts))
                parts.append(href)
                parts.append('">')
                _parse(src, link.start(1), link.end(1), level + 1, md, prose)
                parts.append("</a>")
            else:
                out.append(_token("link_open", "a", 1, level, attrs={"href": href}))
                out.extend(_parse(src, link.start(1), link.end(1), level + 1, md, None))
                out.append(_token("link_close", "a", -1, level))
            pos = link.end()
        elif char == "!" and not (stop + 1 < end and src[stop + 1] == "["):
            pending += "!"
            pos = stop + 1
        else:
            raise GiveUp
    if open_runs:
        raise GiveUp  # an opener left unmatched is text: markdown-it decides
    if pending:
        _text(out, prose, pending, level)
    return out


def _break_html(kind: str, options) -> str:  # noqa: ANN001 - markdown-it's OptionsDict
    """RendererHTML's `hardbreak` and `softbreak` rules."""
    if kind == "softbreak" and not options["breaks"]:
        return "\n"
    return "<br />\n" if options["xhtmlOut"] else "<br>\n"


def _code_span(
    src: str, start: int, end: int, level: int, out: list[Token], prose: Prose | None, pending: str
) -> int:
    """markdown-it's backtick rule for a span closed on the same line; returns where it ends."""
    opener_end = start + 1
    while opener_end < end and src[opener_end] == "`":
        opener_end += 1
    length = opener_end - start
    search_from = opener_end
    while True:
        closer = src.find("`", search_from, end)
        if closer == -1:
            raise GiveUp  # an unmatched run is text
        closer_end = closer + 1
        while closer_end < end and src[closer_end] == "`":
            closer_end += 1
        if closer_end - closer == length:
            break
        search_from = closer_end
    content = src[opener_end:closer]
    if "\n" in content:
        raise GiveUp
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]
    if pending:
        _text(out, prose, pending, level)
    if prose is not None:
        prose.parts.append(f"<code>{escapeHtml(content)}</code>")
        prose.plain.append(content)
    else:
        out.append(_token("code_inline", "code", 0, level, content, src[start:opener_end]))
    return closer_end


def _text(out: list[Token], prose: Prose | None, text: str, level: int) -> None:
    """Append text, joined to a text token just before it (markdown-it's `fragments_join`)."""
    if prose is not None:
        # `&` and `<` never get here (the fast path gives up on them): what html.escape
        # would change of the rest is `>` and `"`.
        prose.parts.append(text.replace(">", "&gt;").replace('"', "&quot;"))
        prose.plain.append(text)
    elif out and out[-1].type == "text":
        out[-1].content += text
    else:
        out.append(_token("text", "", 0, level, text))
