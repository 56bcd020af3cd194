"""The markdown-it-py setup: CommonMark + the extensions our writers use, Pygments, anchors, links.

Rendering is pure and depends only on the Markdown text, so its result can be cached by digest.
Links to other files cannot be resolved here (the target's URL is only known once the whole site
is assembled), so they are emitted as `aloud-ref:N` placeholders and listed in `Rendered.refs`.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from posixpath import dirname, normpath
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter

from . import markdown_dispatch, markdown_inline, markdown_rules
from .lexers import find_lexer
from .markdown_render import FastRendererHTML
from .markdown_tokens import new_token
from .model import text_digest
from .refs import REF_PREFIX

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Ref:
    """A link or image pointing at another file of the site, to be resolved to a URL later."""

    target: str  # path relative to content/, e.g. "notes/idea.md"
    fragment: str  # "" or "#heading"
    line: int  # line in the source file


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str  # may contain aloud-ref:N placeholders
    html_digest: str  # text_digest(html), made where it is parsed (on every core) and cached
    refs: tuple[Ref, ...]
    headings: tuple[Heading, ...]
    first_paragraph: str  # plain text, for automatic summaries
    words: int
    code_blocks: tuple[tuple[str, str], ...] = ()  # (block_key, highlighted HTML) of each block


def slugify(text: str) -> str:
    """Unicode-aware, stable ids: "Över ön – åter!" → "över-ön-åter"."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "section"


# Highlighted code blocks by `block_key`, from the parse results the last build kept (see
# `remember_blocks`): a page whose text changed takes its unchanged blocks from here.
_known_blocks: dict[str, str] = {}
# The blocks the page being rendered highlights, in this thread (see `render_markdown`).
_recording = threading.local()


def block_key(code: str, lang: str) -> str:
    return hashlib.blake2b(f"{lang}\0{code}".encode(), digest_size=16).hexdigest()


def remember_blocks(results: Iterable[Rendered]) -> None:
    """Make the highlighted blocks of these results (a build's cached parse results, made by
    this very code and these libraries: the cache is keyed by both) the known ones. Pygments
    takes about 0.6 ms for a 15-line block; a tutorial with forty of them is worth not
    highlighting again for a typo fixed in its prose."""
    _known_blocks.clear()
    for rendered in results:
        _known_blocks.update(rendered.code_blocks)


def _highlight(code: str, lang: str, _attrs: str) -> str:
    key = block_key(code, lang)
    found = _known_blocks.get(key)
    if found is None:
        found = _highlighted(code, lang)
    blocks = getattr(_recording, "blocks", None)
    if found and blocks is not None:
        blocks.append((key, found))
    return found


@lru_cache(maxsize=512)
def _highlighted(code: str, lang: str) -> str:
    """A fenced block's highlighted HTML, memoised: a post and its translations usually carry
    the same code blocks, and Pygments takes about 0.6 ms for a 15-line block."""
    lexer = find_lexer(lang) if lang else None
    if lexer is None:
        return ""  # markdown-it then escapes the code itself
    body = highlight(code, lexer, _formatter())
    css_lang = html.escape(lang, quote=True)
    return f'<pre class="highlight"><code class="language-{css_lang}">{body}</code></pre>\n'


_CODE_LANGUAGE = re.compile(r'<pre class="highlight"><code class="language-([^"]+)">')


def warm_highlighters(bodies: Iterable[str]) -> None:
    """Make the lexers of every language highlighted in `bodies` ready in this process.

    Watch mode calls this after its first build: a lexer compiles its regular expressions on
    first use (about 50 ms for Python's), which otherwise lands on the first save of a post with
    such a code block, when the build that highlighted it ran in a worker or came from the cache.
    """
    languages = {html.unescape(lang) for body in bodies for lang in _CODE_LANGUAGE.findall(body)}
    for lang in sorted(languages):
        lexer = find_lexer(lang)
        if lexer is not None:
            highlight("", lexer, _formatter())


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    """One formatter for every block: making one builds its style's class table (0.16 ms, a
    fifth of highlighting a block), and formatting keeps no state between calls."""
    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=1)
def author_markdown() -> MarkdownIt:
    """The site author's Markdown: raw HTML allowed (it is their own site)."""
    md = MarkdownIt(
        "commonmark", {"html": True, "highlight": _highlight}, renderer_cls=FastRendererHTML
    )
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)
    md.use(attrs_block_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    markdown_rules.install(md)
    markdown_rules.install_normalize(md)
    markdown_rules.install_guards(md)
    markdown_inline.install(md)
    markdown_dispatch.install(md)
    return md


@lru_cache(maxsize=1)
def reader_markdown() -> MarkdownIt:
    """Third-party text (replies): no raw HTML, no images from elsewhere, links marked as UGC."""
    md = MarkdownIt("commonmark", {"html": False}, renderer_cls=FastRendererHTML)
    md.enable(["strikethrough"])
    md.disable(["image"])
    markdown_rules.install(md)
    markdown_rules.install_normalize(md)
    markdown_rules.install_guards(md)
    markdown_inline.install(md)
    markdown_dispatch.install(md)
    return md


def render_markdown(text: str, source_rel: str, first_line: int = 1) -> Rendered:
    """Render a page body. `source_rel` (e.g. "posts/a.md") anchors relative links."""
    md = author_markdown()
    env: dict = {markdown_inline.PROSE: True}  # ordinary paragraphs straight to HTML
    tokens = md.parse(text, env)
    refs: list[Ref] = []
    headings: list[Heading] = []
    first_paragraph = ""
    words = 0
    base_dir = dirname(source_rel)
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        prose = token.meta.get(markdown_inline.PROSE)
        if prose is None:
            plain, linked = _scan(token.children or [])
        else:
            plain, linked = "".join(prose.plain).strip(), []
        previous = tokens[index - 1] if index > 0 else None
        if previous is not None and previous.type == "heading_open":
            level, anchor = int(previous.tag[1]), str(previous.attrs.get("id", ""))
            headings.append(Heading(level, anchor, plain))
        elif (
            not first_paragraph
            and previous is not None
            and previous.type == "paragraph_open"
            and previous.level == 0
        ):
            first_paragraph = plain
        words += len(plain.split())
        line = first_line + (token.map[0] if token.map else 0)
        if prose is not None:
            token.children = [_prose_token(prose, base_dir, line, refs)]
            continue
        for child in linked:
            attr = "href" if child.type == "link_open" else "src"
            target = _local_target(str(child.attrs.get(attr, "")), base_dir)
            if target is not None:
                child.attrs[attr] = _new_ref(target, line, refs)
    _recording.blocks = blocks = []
    try:
        body = md.renderer.render(tokens, md.options, env)
    finally:
        _recording.blocks = None
    return Rendered(
        body, text_digest(body), tuple(refs), tuple(headings), first_paragraph, words, tuple(blocks)
    )


def _prose_token(prose: markdown_inline.Prose, base_dir: str, line: int, refs: list[Ref]) -> Token:
    """A paragraph's HTML as the one raw-HTML token the renderer copies out, its links to
    other files of the site made `aloud-ref:N` placeholders as `render_markdown` makes them
    in tokens."""
    parts = prose.parts
    for index in prose.hrefs:
        target = _local_target(parts[index], base_dir)
        if target is None:
            parts[index] = escapeHtml(parts[index])
        else:
            parts[index] = _new_ref(target, line, refs)
    return new_token("html_inline", "", 0, 0, "".join(parts))


def _new_ref(target: tuple[str, str], line: int, refs: list[Ref]) -> str:
    """The placeholder standing for a link to (path, fragment) until URLs are known."""
    refs.append(Ref(*target, line))
    return f"{REF_PREFIX}{len(refs) - 1}"


def render_reply(text: str) -> str:
    """Render a reader's reply safely: escaped HTML, unsafe URLs dropped, rel="nofollow ugc"."""
    md = reader_markdown()
    tokens = md.parse(text)
    for token in tokens:
        for child in _walk(token.children or []):
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                scheme = urlsplit(href).scheme.lower()
                if scheme not in ("", "http", "https", "mailto"):
                    child.attrs["href"] = "#"
                child.attrs["rel"] = "nofollow ugc"
    return md.renderer.render(tokens, md.options, {})


def _local_target(value: str, base_dir: str) -> tuple[str, str] | None:
    """A relative link to a file of the site → (path relative to content/, fragment)."""
    if not value or value.startswith(("#", "/", "//")) or _SCHEME_RE.match(value):
        return None
    path, _, fragment = value.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        return None
    resolved = normpath(f"{base_dir}/{path}" if base_dir else path)
    return resolved, f"#{fragment}" if fragment else ""


def _walk(tokens: list[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _scan(children: list[Token]) -> tuple[str, list[Token]]:
    """An inline token's plain text and its links and images, in one walk (this runs for every
    paragraph, heading and list item of every page)."""
    parts: list[str] = []
    linked: list[Token] = []
    _scan_into(children, parts, linked)
    return "".join(parts).strip(), linked


def _scan_into(children: list[Token], parts: list[str], linked: list[Token]) -> None:
    """The walk of `_walk`, by plain loops: a generator per token cost a fifth of it."""
    for child in children:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            parts.append(child.content)
        elif kind == "softbreak" or kind == "hardbreak":
            parts.append(" ")
        elif kind == "link_open" or kind == "image":
            linked.append(child)
        if child.children:
            _scan_into(child.children, parts, linked)


def pygments_css() -> str:
    """Light and dark syntax colours, switched by prefers-color-scheme."""
    light = HtmlFormatter(style="friendly").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    dark = "\n".join("  " + line for line in dark.splitlines())
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
