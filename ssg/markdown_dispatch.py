"""Markdown parsing that tries only the rules that can match where it stands.

markdown-it's parsers, at every position, call each rule in turn until one accepts: inline, a
dozen rules at every punctuation mark of the prose (`-`, `:`, `*`...); block, fourteen rules at
the start of every paragraph and list item. Nearly every rule starts by looking at one character
and giving up. Here each parser gets a table from that character to the rules that can accept
it, in their original order, so the others are never called. Output is token for token the
same: checked against a stock parser on the CommonMark spec's 652 examples, markdown-it-py's
fixtures and 20,000 random snippets while writing this; the tests compare on tricky cases, the
sample site and 3,000 random snippets.
Measured on the benchmark's 1,000-post site in one process: Markdown alone 2.29 -> 1.98 s
(-14%), reading + front matter + Markdown + Pygments 2.83 -> 2.61 s (-8%).

A rule this module does not know (a plugin) could match anywhere, so a parser with one keeps
markdown-it's own loop: never wrong, at worst not faster. The tables describe the rules as they
were at `install`; a parser changed afterwards (a rule enabled, a plugin used) notices, because
markdown-it then compiles a new rule list, and goes back to its own loop.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block.lheading import lheading as stock_lheading
from markdown_it.rules_block.paragraph import paragraph as stock_paragraph
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_inline.state_inline import StateInline

from .markdown_lists import stock_list, tight_list
from .markdown_tokens import push_paragraph

_DIGITS = "0123456789"

# Inline rule name -> the characters it can start at ("text" is handled by the loop itself).
INLINE_STARTS: dict[str, str] = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "_*",
    "link": "[",
    "image": "!",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}

# Block rule name -> the first non-blank characters of a line it can start at; None: any line
# (indented code, and the rules that decide by the lines that follow: table, lheading, deflist).
BLOCK_STARTS: dict[str, str | None] = {
    "table": None,
    "code": None,
    "attr": "{",
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+" + _DIGITS,
    "footnote_def": "[",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
    "lheading": None,
    "deflist": None,
    "paragraph": None,
}


# The same for a rule asked whether a line ends the paragraph above it (always in validation
# mode): a definition list then only checks the line itself for its marker.
TERMINATOR_STARTS: dict[str, str | None] = {**BLOCK_STARTS, "deflist": ":~"}


def install(md: MarkdownIt) -> bool:
    """Give `md`'s inline and block parsers dispatch tables; False if either kept its loop."""
    inline = _install_inline(md)
    _install_paragraph(md)  # before the block table: it changes the rules the table lists
    block = _install_block(md)
    return inline and block


def _enabled(ruler) -> list[tuple[str, Callable]]:  # noqa: ANN001 - markdown-it's Ruler
    return [(rule.name, rule.fn) for rule in ruler.__rules__ if rule.enabled]


def _install_inline(md: MarkdownIt) -> bool:
    rules = _enabled(md.inline.ruler)
    if (
        not rules
        or rules[0][0] != "text"
        or any(name not in INLINE_STARTS for name, _ in rules[1:])
    ):
        return False
    terminator_re = md.inline.terminator_re
    compiled = md.inline.ruler.getRules("")  # a new list whenever the rules change
    by_char: dict[str, list[Callable]] = {}
    for name, rule in rules[1:]:
        for char in INLINE_STARTS[name]:
            if not terminator_re.match(char):
                return False  # `text` would take it first: only the stock loop gets that right
            by_char.setdefault(char, []).append(rule)

    def tokenize(self, state: StateInline) -> None:  # noqa: ANN001
        """markdown-it's ParserInline.tokenize with its `text` rule inlined, trying only the
        rules listed for the character at the current position."""
        if self.ruler.getRules("") is not compiled or self.terminator_re is not terminator_re:
            return ParserInline.tokenize(self, state)  # changed since install
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        src = state.src
        search = terminator_re.search
        rules_at = by_char.get
        while state.pos < end:
            pos = state.pos
            char = src[pos]
            candidates = rules_at(char) if state.level < max_nesting else ()
            if candidates is None:
                # Plain text up to the next terminator (the `text` rule), or a terminator
                # that no rule takes, kept as text.
                found = search(src, pos)
                stop = found.start() if found else end
                if stop == pos:
                    state.append_pending(char)
                    state.pos = pos + 1
                else:
                    state.append_pending(src[pos:stop])
                    state.pos = stop
                    if stop >= end:
                        break
                continue
            for rule in candidates:
                if rule(state, False):
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
            else:
                state.append_pending(char)
                state.pos += 1
                continue
            if state.pos >= end:
                break
        if state.pending:
            state.pushPending()

    md.inline.tokenize = types.MethodType(tokenize, md.inline)
    return True


def _install_block(md: MarkdownIt) -> bool:
    rules = _enabled(md.block.ruler)
    if not rules or any(name not in BLOCK_STARTS for name, _ in rules):
        return False
    # Lists of one-line items the short way (`markdown_lists`): only through this table, which
    # is used only while the rules are these, so the ruler itself keeps markdown-it's rule.
    rules = [(name, tight_list if rule is stock_list else rule) for name, rule in rules]

    def can_start(name: str, char: str) -> bool:
        starts = BLOCK_STARTS[name]
        return starts is None or char in starts

    chars = sorted({c for name, _ in rules for c in BLOCK_STARTS[name] or ""})
    by_char = {char: [rule for name, rule in rules if can_start(name, char)] for char in chars}
    anywhere = [rule for name, rule in rules if BLOCK_STARTS[name] is None]
    compiled = md.block.ruler.getRules("")  # a new list whenever the rules change

    def tokenize(self, state, start_line: int, end_line: int) -> None:  # noqa: ANN001
        """markdown-it's ParserBlock.tokenize, trying only the rules listed for the first
        non-blank character of the line."""
        if self.ruler.getRules("") is not compiled:
            return ParserBlock.tokenize(self, state, start_line, end_line)  # changed since install
        line = start_line
        max_nesting = state.md.options.maxNesting
        has_empty_lines = False
        src = state.src
        rules_at = by_char.get
        while line < end_line:
            state.line = line = state.skipEmptyLines(line)
            if line >= end_line:
                break
            if state.sCount[line] < state.blkIndent:
                break  # the end of a nested block (blockquote, list)
            if state.level >= max_nesting:
                state.line = end_line
                break
            start = state.bMarks[line] + state.tShift[line]
            candidates = rules_at(src[start], anywhere) if start < len(src) else anywhere
            for rule in candidates:
                if rule(state, line, end_line, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            else:
                raise RuntimeError("none of the block rules matched")
            state.tight = not has_empty_lines
            line = state.line
            if (line - 1) < end_line and state.isEmpty(line - 1):
                has_empty_lines = True
            if line < end_line and state.isEmpty(line):
                has_empty_lines = True
                line += 1
                state.line = line

    md.block.tokenize = types.MethodType(tokenize, md.block)
    return True


def _install_paragraph(md: MarkdownIt) -> bool:
    """Paragraphs that ask only the rules that can end them at each line.

    markdown-it's paragraph rule asks each of nine rules (list, quote, fence...) about every
    line after the first, and its setext-heading rule, tried at the start of every paragraph,
    walks the same lines asking them again, only to find no `===`/`---` underline. Here the
    paragraph asks the rules listed for the line's first character, and the heading rule first
    looks for a line that could be an underline at all. Token for token the same (see the tests).
    Left alone if either rule is not markdown-it's own or a terminating rule is unknown.
    Measured on the benchmark's posts hard-wrapped at 78 columns, in one process: Markdown
    -22% and -30% in two interleaved runs (1.82 -> 1.46 s, 2.14 -> 1.49 s); on one-line
    paragraphs, as the benchmark writes them, within noise (+-2%).
    """
    ruler = md.block.ruler
    rules = {rule.name: rule for rule in ruler.__rules__}
    terminators = [rule for rule in ruler.__rules__ if rule.enabled and "paragraph" in rule.alt]
    if (
        "paragraph" not in rules
        or rules["paragraph"].fn is not stock_paragraph
        or any(rule.name not in TERMINATOR_STARTS for rule in terminators)
    ):
        return False
    if [rule.fn for rule in terminators] != ruler.getRules("paragraph"):
        return False  # not how this markdown-it compiles its chains: keep its rule
    anywhere = [rule.fn for rule in terminators if TERMINATOR_STARTS[rule.name] is None]
    by_char: dict[str, list[Callable]] = {}
    for char in sorted({c for rule in terminators for c in TERMINATOR_STARTS[rule.name] or ""}):
        by_char[char] = [
            rule.fn
            for rule in terminators
            if TERMINATOR_STARTS[rule.name] is None or char in TERMINATOR_STARTS[rule.name]
        ]
    compiled: list[list[Callable]] = []  # the chain as compiled once both rules are in
    paragraph_rule = _dispatching_paragraph(by_char, anywhere, compiled)
    ruler.at("paragraph", paragraph_rule, {"alt": list(rules["paragraph"].alt)})
    if "lheading" in rules and rules["lheading"].fn is stock_lheading:
        ruler.at("lheading", _underlined_heading, {"alt": list(rules["lheading"].alt)})
    compiled.append(ruler.getRules("paragraph"))  # a new list whenever the rules change
    return True


def _dispatching_paragraph(
    by_char: dict[str, list[Callable]], anywhere: list[Callable], compiled: list[list[Callable]]
) -> Callable:
    rules_at = by_char.get

    def paragraph(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        """markdown-it's paragraph rule, asking only the terminators listed for each line."""
        if state.md.block.ruler.getRules("paragraph") is not compiled[0]:
            return stock_paragraph(state, start_line, end_line, silent)  # changed since install
        next_line = start_line + 1
        end_line = state.lineMax
        old_parent_type = state.parentType
        state.parentType = "paragraph"
        src, b_marks, t_shift, e_marks = state.src, state.bMarks, state.tShift, state.eMarks
        s_count = state.sCount
        while next_line < end_line:
            start = b_marks[next_line] + t_shift[next_line]
            if start >= e_marks[next_line]:
                break  # an empty line
            # Indented as code, or a blockquote's lazy line: a continuation either way.
            if s_count[next_line] - state.blkIndent > 3 or s_count[next_line] < 0:
                next_line += 1
                continue
            for rule in rules_at(src[start], anywhere):
                if rule(state, next_line, end_line, True):
                    break
            else:
                next_line += 1
                continue
            break
        content = mdTrim(state.getLines(start_line, next_line, state.blkIndent, False))
        state.line = next_line
        push_paragraph(state, content, start_line, next_line)
        state.parentType = old_parent_type
        return True

    return paragraph


def _underlined_heading(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's setext-heading rule, skipped when no line before the next empty one starts
    with `=` or `-`: it could only fail, after asking every terminator about every line."""
    src, b_marks, t_shift, e_marks = state.src, state.bMarks, state.tShift, state.eMarks
    line = start_line + 1
    while line < end_line:
        start = b_marks[line] + t_shift[line]
        if start >= e_marks[line]:
            break
        if src[start] in "=-":
            return stock_lheading(state, start_line, end_line, silent)
        line += 1
    if not state.is_code_block(start_line):
        state.parentType = "paragraph"  # what markdown-it's rule leaves behind when it fails
    return False
