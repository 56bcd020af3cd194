"""A faster, equivalent version of markdown-it's hottest inline rule: emphasis delimiters.

Every `*` and `_` of the prose goes through markdown-it's `emphasis.tokenize`, which asks
`StateInline.scanDelims` for a `Scanned` tuple; that classifies the characters on either side
with a Unicode category lookup each time and pushes the marker through the generic
`StateInline.push`. On the benchmark's 1,000-post site this was a fifth of all inline parsing.
Here the same decisions (CommonMark's left- and right-flanking rules) are made inline, with the
character classes memoised, and the same tokens and delimiters are appended. Output is token for
token the same as markdown-it's (tests/test_markdown_dispatch.py compares on tricky cases, the
sample site and 3,000 random snippets). Measured: Markdown parsing of that site 1.50 -> 1.34 s
in one process (-11%).
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_core.normalize import NEWLINES_RE
from markdown_it.rules_core.normalize import normalize as stock_normalize
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline import emphasis as stock_emphasis
from markdown_it.rules_inline.state_inline import Delimiter, StateInline
from markdown_it.token import Token

# The start and end of the inline content count as whitespace (as in scanDelims).
_EDGE = (False, True)
_classes: dict[str, tuple[bool, bool]] = {}


def _character_class(char: str) -> tuple[bool, bool]:
    """(punctuation, whitespace) as markdown-it's scanDelims decides them, memoised."""
    found = _classes.get(char)
    if found is None:
        code = ord(char)
        found = (isMdAsciiPunct(code) or isPunctChar(char), isWhiteSpace(code))
        if len(_classes) < 4096:  # prose uses few distinct characters; bound it anyway
            _classes[char] = found
    return found


def flanking(src: str, start: int, end: int, maximum: int) -> tuple[bool, bool, bool, bool]:
    """Whether the delimiter run src[start:end] is left- and right-flanking, and whether the
    characters before and after it are punctuation (scanDelims: the character before is read
    even at the start of a link's text; past `maximum` counts as whitespace)."""
    last_punct, last_white = _character_class(src[start - 1]) if start > 0 else _EDGE
    next_punct, next_white = _character_class(src[end]) if end < maximum else _EDGE
    left = not (next_white or (next_punct and not (last_white or last_punct)))
    right = not (last_white or (last_punct and not (next_white or next_punct)))
    return left, right, last_punct, next_punct


def emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's `emphasis.tokenize`: one text token and one delimiter per marker."""
    if silent:
        return False
    src = state.src
    start = state.pos
    marker = src[start]
    if marker != "*" and marker != "_":
        return False
    maximum = state.posMax
    pos = start + 1
    while pos < maximum and src[pos] == marker:
        pos += 1
    count = pos - start
    left, right, last_punct, next_punct = flanking(src, start, pos, maximum)
    if marker == "*":
        can_open, can_close = left, right
    else:  # `_` cannot open or close inside a word
        can_open = left and (not right or last_punct)
        can_close = right and (not left or next_punct)
    code = ord(marker)
    tokens = state.tokens
    tokens_meta = state.tokens_meta
    delimiters = state.delimiters
    for _ in range(count):
        # state.push("text", "", 0) for a token that neither opens nor closes
        if state.pending:
            state.pushPending()
        token = Token("text", "", 0)
        token.content = marker
        token.level = state.pendingLevel = state.level
        tokens.append(token)
        tokens_meta.append(None)
        delimiters.append(Delimiter(code, count, len(tokens) - 1, -1, can_open, can_close))
    state.pos = pos
    return True


def install(md: MarkdownIt) -> bool:
    """Use `emphasis` in `md` if its emphasis rule is still markdown-it's own; False if not.

    Call before `markdown_dispatch.install`: changing a rule afterwards sends the dispatching
    parser back to markdown-it's loop."""
    for rule in md.inline.ruler.__rules__:
        if rule.name == "emphasis":
            if rule.fn is not stock_emphasis.tokenize:
                return False
            md.inline.ruler.at("emphasis", emphasis)
            return True
    return False


def normalize(state: StateCore) -> None:
    """markdown-it's `normalize` core rule without its regular expressions' work on text that
    has nothing to change: its newline pattern matches, and replaces, every single `\n` of
    every page (5% of all Markdown parsing), and sources arrive with `\r` already gone."""
    src = state.src
    if "\r" in src:
        src = NEWLINES_RE.sub("\n", src)
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


def install_normalize(md: MarkdownIt) -> bool:
    """Use `normalize` in `md` if its rule is still markdown-it's own; False if not."""
    for rule in md.core.ruler.__rules__:
        if rule.name == "normalize" and rule.fn is stock_normalize:
            md.core.ruler.at("normalize", normalize)
            return True
    return False


# Core rules that only ever change a page holding one of these strings; elsewhere they walk
# every token for nothing (on the benchmark site, 7% of all Markdown parsing together).
# - text_join turns `text_special` tokens (made only by the escape and entity rules, for `\`
#   and `&`) into text and joins adjacent text tokens, which inline parsing's fragments_join
#   has already joined.
# - the task-list rule looks for an inline token starting `[ ]`, `[x]` or `[X]`, which can
#   only come from those characters in the source.
_GUARDS = {
    ("text_join", "markdown_it.rules_core.text_join"): ("\\", "&"),
    ("github-tasklists", "mdit_py_plugins.tasklists"): ("[ ]", "[x]", "[X]"),
}


# Inline rules known not to make `text_special` tokens, besides markdown-it's own escape and
# entity rules (which make them only for `\` and `&`).
_KNOWN_INLINE_MODULES = ("markdown_it.rules_inline.", "mdit_py_plugins.footnote.", __name__)


def install_guards(md: MarkdownIt) -> list[str]:
    """Skip the core rules of `_GUARDS` on pages without their strings; the names guarded.

    Only while every inline rule is markdown-it's, the footnote plugin's or ours, and inline
    parsing ends with markdown-it's fragments_join: a plugin's inline rule could make tokens
    that text_join must see."""
    inline = [rule_module(rule.fn) or "" for rule in md.inline.ruler.__rules__ if rule.enabled]
    if not all(module.startswith(_KNOWN_INLINE_MODULES) for module in inline):
        return []
    post = [(rule.name, rule_module(rule.fn)) for rule in md.inline.ruler2.__rules__]
    if ("fragments_join", "markdown_it.rules_inline.fragments_join") not in post:
        return []
    guarded = []
    for rule in md.core.ruler.__rules__:
        needles = _GUARDS.get((rule.name, rule_module(rule.fn)))
        if needles is not None and rule.enabled:
            md.core.ruler.at(rule.name, _guarded(rule.fn, needles))
            guarded.append(rule.name)
    return guarded


def _guarded(rule: Callable[[StateCore], None], needles: tuple[str, ...]) -> Callable:
    def guarded(state: StateCore) -> None:
        src = state.src
        for needle in needles:
            if needle in src:
                rule(state)
                return

    guarded.__module__ = __name__
    guarded.__qualname__ = f"guarded {getattr(rule, '__name__', rule)}"
    return guarded


def rule_module(function: object) -> str | None:
    """Where a rule comes from (a functools.partial counts as the function it wraps)."""
    return getattr(getattr(function, "func", function), "__module__", None)
