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
"""

from __future__ import annotations

import re
import types

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.token import Token

from . import markdown_rules
from .markdown_rules import flanking, rule_module
from .markdown_tokens import new_token as _token

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


def install(md: MarkdownIt) -> bool:
    """Let `md` parse ordinary prose on the fast path; False if its rules are not the known ones.

    Call after `markdown_rules.install`; like `markdown_dispatch`, the parser notices later rule
    changes (markdown-it compiles a new rule list) and goes back to markdown-it's own parse."""
    known = _only_known(md.inline.ruler, _KNOWN_INLINE)
    if not (known and _only_known(md.inline.ruler2, _KNOWN_POST)):
        return False
    compiled = md.inline.ruler.getRules("")
    compiled_post = md.inline.ruler2.getRules("")
    if not any(rule_module(rule) == markdown_rules.__name__ for rule in compiled):
        return False  # the `*` decisions below are those of our emphasis rule

    def parse(self, src: str, md: MarkdownIt, env: dict, tokens: list[Token]) -> list[Token]:  # noqa: ANN001
        if self.ruler.getRules("") is compiled and self.ruler2.getRules("") is compiled_post:
            try:
                tokens.extend(parse_prose(src, md))
                return tokens
            except GiveUp:
                pass
        return ParserInline.parse(self, src, md, env, tokens)

    md.inline.parse = types.MethodType(parse, md.inline)
    return True


def _only_known(ruler, known: dict[str, str]) -> bool:  # noqa: ANN001 - markdown-it's Ruler
    enabled = [rule for rule in ruler.__rules__ if rule.enabled]
    return all(known.get(rule.name) == rule_module(rule.fn) for rule in enabled)


def parse_prose(src: str, md: MarkdownIt) -> list[Token]:
    """The tokens markdown-it gives for `src`; raises GiveUp if it is outside the subset."""
    return _parse(src, 0, len(src), 0, md)


def _parse(src: str, start: int, end: int, level: int, md: MarkdownIt) -> list[Token]:
    """Tokens of src[start:end] at nesting `level` (link text is parsed with its own call,
    so emphasis never pairs across a link's brackets)."""
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
                _text(out, pending, level)
                pending = ""
            if left:
                if count == 2:
                    _text(out, "", level)  # markdown-it keeps the run's first `*` as empty text
                    out.append(_token("strong_open", "strong", 1, level, markup="**"))
                else:
                    out.append(_token("em_open", "em", 1, level, markup="*"))
                open_runs.append(count)
                level += 1
            else:
                if not open_runs or open_runs.pop() != count:
                    raise GiveUp  # unmatched, or a run of another length
                level -= 1
                if count == 2:
                    out.append(_token("strong_close", "strong", -1, level, markup="**"))
                    _text(out, "", level)
                else:
                    out.append(_token("em_close", "em", -1, level, markup="*"))
            pos = run_end
        elif char == "`":
            pos = _code_span(src, stop, end, level, out, pending)
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
                _text(out, pending, level)
                pending = ""
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
                _text(out, pending, level)
                pending = ""
            out.append(_token("link_open", "a", 1, level, attrs={"href": href}))
            out.extend(_parse(src, link.start(1), link.end(1), level + 1, md))
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
        _text(out, pending, level)
    return out


def _code_span(src: str, start: int, end: int, level: int, out: list[Token], pending: str) -> int:
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
        _text(out, pending, level)
    out.append(_token("code_inline", "code", 0, level, content, src[start:opener_end]))
    return closer_end


def _text(out: list[Token], text: str, level: int) -> None:
    """Append text, joined to a text token just before it (markdown-it's `fragments_join`)."""
    if out and out[-1].type == "text":
        out[-1].content += text
    else:
        out.append(_token("text", "", 0, level, text))
