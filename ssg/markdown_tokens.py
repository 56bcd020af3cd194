"""Making markdown-it Tokens at under half the cost of `Token(...)` (0.38 against 0.92 µs).

`Token` is a slotted dataclass: its generated `__init__` takes every field by keyword and then
`__post_init__` turns a list of attrs into a dict. Parsing the benchmark's 1,000-post site makes
about 390,000 tokens, 260,000 of them on the inline fast path (markdown_inline.py), where making
them through that constructor was a seventh of Markdown parsing. `new_token` fills the same
slots directly. It is used only while Token's fields are the ones it fills (checked at import);
otherwise it is the plain constructor, so a markdown-it release that changes Token is slower at
worst, never wrong.

markdown-it's own `StateBlock.push` is left alone: a state switched to a subclass with a faster
`push` made block parsing slower overall (measured: +0.12 s), as Python's specialised attribute
lookups in markdown-it's rules then miss on every state. Our paragraph rule (a third of all block
tokens) makes its three tokens with `push_paragraph` instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

# Token's fields as `new_token` fills them.
_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content")
_FIELDS += ("markup", "info", "meta", "block", "hidden")

_allocate = Token.__new__


def fields_known() -> bool:
    """Whether Token is still the slotted dataclass `new_token` was written against."""
    names = tuple(field.name for field in dataclasses.fields(Token))
    return names == _FIELDS and "__slots__" in vars(Token)


_FIELDS_KNOWN = fields_known()


def new_token(
    type: str,  # noqa: A002 - Token's own name for it
    tag: str,
    nesting: int,
    level: int,
    content: str = "",
    markup: str = "",
    attrs: dict[str, Any] | None = None,
) -> Token:
    """Token(type, tag, nesting, attrs=attrs or {}, level=level, content=..., markup=...)."""
    if not _FIELDS_KNOWN:
        return Token(
            type,
            tag,
            nesting,  # type: ignore[arg-type]
            attrs={} if attrs is None else attrs,
            level=level,
            content=content,
            markup=markup,
        )
    token = _allocate(Token)
    token.type = type
    token.tag = tag
    token.nesting = nesting  # type: ignore[assignment]
    token.attrs = {} if attrs is None else attrs
    token.map = None
    token.level = level
    token.children = None
    token.content = content
    token.markup = markup
    token.info = ""
    token.meta = {}
    token.block = False
    token.hidden = False
    return token


def push_paragraph(state: StateBlock, content: str, start_line: int, end_line: int) -> None:
    """The three tokens of a paragraph, as three `state.push` calls make them (a third of all
    block tokens: the Token constructor was a quarter of the paragraph rule's time)."""
    if not _FIELDS_KNOWN:
        token = state.push("paragraph_open", "p", 1)
        token.map = [start_line, end_line]
        token = state.push("inline", "", 0)
        token.content = content
        token.map = [start_line, end_line]
        token.children = []
        state.push("paragraph_close", "p", -1)
        return
    level = state.level
    opening = new_token("paragraph_open", "p", 1, level)
    opening.map = [start_line, end_line]
    opening.block = True
    inline = new_token("inline", "", 0, level + 1, content)
    inline.map = [start_line, end_line]
    inline.children = []
    inline.block = True
    closing = new_token("paragraph_close", "p", -1, level)
    closing.block = True
    state.tokens += (opening, inline, closing)
