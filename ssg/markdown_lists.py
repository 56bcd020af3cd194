"""Tight lists of one-line items, made without markdown-it's general list machinery.

For each item, markdown-it's list rule saves and changes six fields of the parser's state, runs
the whole block parser on the item (whose paragraph rule asks the list rule again whether the
next line ends it), restores the state, and then asks the fence, quote and rule rules whether
the next line ends the list. For the commonest list in prose, one line per item with nothing
nested and no blank line between items, all of that ends in the same few tokens: the list, and
in each item one hidden paragraph holding the item's line. `tight_list` recognises exactly that
shape and makes those tokens. Anything else goes to markdown-it's rule, which decides as
always: a blank line between items, a line that is not an item of the same list, an item whose
text starts with something a block rule could take (`#`, `>`, `<`, a fence, another marker, a
`[...]:` definition, a task box...), indentation that differs between items, tabs, more than
one space after the marker, lists inside quotes, items or footnotes.

Lists were a fifth of Markdown parsing on the benchmark's 1,000-post site (0.20 of 0.93-0.97 s
in one process), and 2,916 of its 3,038 lists have this shape. Parsing and rendering every body
there, this parser and one without it side by side in one process, 16 alternating rounds: 0.76
-> 0.63 s (medians; the same parser against itself differs by 0.04 s). Token for token the same
as markdown-it: tests/test_markdown_lists.py compares on tricky cases and random lists,
tests/test_markdown_dispatch.py on the sample site (400,000 random documents agreed while
writing it). Used only through the block dispatch table (`markdown_dispatch`), which exists only
while the block rules are the ones it was made for, so markdown-it's ruler keeps its own list
rule for everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block.list import list_block as stock_list
from markdown_it.rules_block.state_block import StateBlock

from .markdown_tokens import push_paragraph

# One item: up to three spaces, a marker, one space, and text that can only start a paragraph
# (checked further by `_starts_a_paragraph`).
_ITEM = re.compile(r" {0,3}(?:([-+*])|([0-9]{1,9})([.)])) (?=[^ \t])")
# A line that markdown-it would take for an item of some list: its bullet or its delimiter.
_ANY_ITEM = re.compile(r"[ \t]*(?:([-+*])|[0-9]{1,9}([.)]))(?:[ \t]|$)")
# Text that would be an item of a list nested in this one.
_NESTED_ORDERED = re.compile(r"[0-9]{1,9}[.)](?:[ \t]|$)")
# `[text](target)...`: a link, never a reference or footnote definition (`[x]:`) or a task box.
_LINK_FIRST = re.compile(r"\[[^\[\]\n]*\]\(")
# Punctuation that no block rule starts at.
_OPENING_PUNCTUATION = "\"'(“‘«¿¡"


def _starts_a_paragraph(text: str) -> bool:
    """Whether a line of this text, as an item's only line, is certainly a paragraph."""
    first = text[0]
    if first.isalpha() or first in _OPENING_PUNCTUATION:
        return True
    if first.isdigit():
        return _NESTED_ORDERED.match(text) is None
    if first in "*_":  # emphasis, never a rule (`***`) or a nested item (`* x`)
        second = text[1:2]
        return second.isalnum() or (second == first and text[2:3].isalnum())
    if first == "`":
        return not text.startswith("```")
    if first == "[":
        return _LINK_FIRST.match(text) is not None
    return False


def tight_list(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's list rule, answered directly for a tight list of one-line items at the top
    level of the document."""
    if (
        silent
        or state.level != 0  # only at the top level (`parentType` would not say)
        or state.blkIndent != 0
        or state.listIndent != -1
        or end_line != state.lineMax
        or state.md.options.get("tasklists", False)
    ):
        return stock_list(state, start_line, end_line, silent)
    found = _tight_items(state, start_line, end_line)
    if found is None:
        return stock_list(state, start_line, end_line, silent)
    lines, starts, numbers = found.lines, found.starts, found.numbers
    end, ordered, marker = found.end, found.ordered, found.marker
    tokens = state.tokens
    if ordered:
        token = state.push("ordered_list_open", "ol", 1)
        if int(numbers[0]) != 1:
            token.attrs = {"start": int(numbers[0])}
    else:
        token = state.push("bullet_list_open", "ul", 1)
    token.map = [start_line, end]
    token.markup = marker
    src, e_marks = state.src, state.eMarks
    last = len(lines) - 1
    for index, line in enumerate(lines):
        token = state.push("list_item_open", "li", 1)
        token.markup = marker
        token.map = [line, line + 1 if index < last else end]
        if ordered:
            token.info = numbers[index]
        push_paragraph(state, mdTrim(src[starts[index] : e_marks[line]]), line, line + 1)
        tokens[-3].hidden = tokens[-1].hidden = True
        state.push("list_item_close", "li", -1).markup = marker
    if ordered:
        token = state.push("ordered_list_close", "ol", -1)
    else:
        token = state.push("bullet_list_close", "ul", -1)
    token.markup = marker
    state.line = end
    return True


@dataclass(slots=True)
class TightList:
    """What `tight_list` needs to know of a list of the simple shape."""

    ordered: bool
    marker: str  # the bullet, or the delimiter after the numbers
    end: int = 0  # the line after the list (after the blank lines that end it)
    lines: list[int] = field(default_factory=list)  # each item's line
    starts: list[int] = field(default_factory=list)  # where each item's text starts in src
    numbers: list[str] = field(default_factory=list)  # each item's number ("" for bullets)


def _tight_items(state: StateBlock, start_line: int, end_line: int) -> TightList | None:
    """The list starting at `start_line`; None unless it has the simple shape."""
    src, b_marks, e_marks, s_count, t_shift = (
        state.src,
        state.bMarks,
        state.eMarks,
        state.sCount,
        state.tShift,
    )
    indent = s_count[start_line]
    if indent != t_shift[start_line]:
        return None  # a tab in the indentation
    first = _ITEM.match(src, b_marks[start_line], e_marks[start_line])
    if first is None:
        return None
    ordered = first.group(2) is not None
    found = TightList(ordered, first.group(3) if ordered else first.group(1))
    line = start_line
    while True:
        item = _ITEM.match(src, b_marks[line], e_marks[line]) if line != start_line else first
        if (
            item is None
            or s_count[line] != indent
            or t_shift[line] != indent
            or (item.group(2) is not None) != ordered
            or (item.group(3) if ordered else item.group(1)) != found.marker
            or not _starts_a_paragraph(src[item.end() : e_marks[line]])
        ):
            return None
        found.lines.append(line)
        found.starts.append(item.end())
        found.numbers.append(item.group(2) or "")
        line += 1
        if line >= end_line:
            found.end = end_line
            return found
        if state.isEmpty(line):
            break
    # A blank line ends the list unless what follows may belong to it (a continuation of the
    # last item, or another item, which would make the list loose): those go to markdown-it.
    # An item of another kind of list (another bullet, numbers after bullets) starts a new one.
    after = state.skipEmptyLines(line)
    if after < end_line:
        if s_count[after] > indent:
            return None
        other = _ANY_ITEM.match(src, b_marks[after], e_marks[after])
        if other is not None and other.group(2 if ordered else 1) == found.marker:
            return None
    found.end = after
    return found
