"""Read one built file (an HTML page, a feed) once and keep only what `aloud check` needs.

A single pass with html.parser gives tag balance, ids, links and head metadata, so a large
output folder is parsed exactly once per file. The balance check follows the HTML spec's
optional end tags (`</p>`, `</li>`, `</td>`, ...) so valid hand-written layouts are not flagged,
but reports what browsers would silently repair: unclosed elements, stray or mis-nested end tags,
`<div/>`, duplicate attributes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID = _words("area base br col embed hr img input link meta source track wbr param keygen")
# End tags the spec lets authors leave out; closing their parent (or EOF) closes them.
OPTIONAL_END = _words(
    "html head body p li dt dd option optgroup rt rp tr td th thead tbody tfoot colgroup caption"
)
# Start tags that close an open <p> (html.spec.whatwg.org, "p" end tag omission).
P_CLOSERS = _words(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer"
    " form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre search section table ul"
    " li dt dd"
)
_TABLE_PARTS = _words("td th tr thead tbody tfoot caption colgroup")
# Start tag -> open elements it closes implicitly (repeatedly, from the top of the stack).
CLOSES: dict[str, frozenset[str]] = {
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "option": frozenset({"option"}),
    "optgroup": frozenset({"option", "optgroup"}),
    "tr": frozenset({"td", "th", "tr"}),
    "td": frozenset({"td", "th"}),
    "th": frozenset({"td", "th"}),
    "thead": _TABLE_PARTS,
    "tbody": _TABLE_PARTS,
    "tfoot": _TABLE_PARTS,
    "rt": frozenset({"rt", "rp"}),
    "rp": frozenset({"rt", "rp"}),
    "body": frozenset({"head"}),
}
FOREIGN = frozenset({"svg", "math"})
# <link rel> values whose target is loaded by the page (so a miss is a missing asset).
ASSET_RELS = _words(
    "stylesheet icon apple-touch-icon mask-icon manifest preload modulepreload prefetch"
)
URL_ATTRS = _words("id href xlink:href src poster srcset name")  # the ones we look at
SKIP_RELS = frozenset({"preconnect", "dns-prefetch"})  # origins, not documents
FEED_ROOTS = frozenset(
    {"rss", "{http://www.w3.org/2005/Atom}feed", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"}
)
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_REFRESH = re.compile(r"^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.I | re.S)


class Link(NamedTuple):
    """One URL found in a page, with where it came from (a tuple: cheap to make and pickle)."""

    tag: str
    attr: str  # href, src, srcset, poster, refresh
    value: str
    line: int  # line in the HTML file
    asset: bool  # loaded by the page (img, css, ...) rather than navigated to


@dataclass
class PageInfo:
    """Everything the checks need from one HTML file (picklable, no parser state)."""

    ids: set[str] = field(default_factory=set)  # id attributes and <a name>
    links: list[Link] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (HTML line, message)
    duplicate_ids: dict[str, list[int]] = field(default_factory=dict)
    title: str | None = None  # None: no <title>; "": empty
    has_description: bool = False
    redirect: bool = False
    base_href: str | None = None


def parse_srcset(value: str) -> list[str]:
    """URLs of a srcset, per the spec: a URL runs to whitespace; trailing commas end it."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if not url:
            break
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip descriptors up to the next comma outside parentheses
            depth = 0
            while i < n and (value[i] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
        if url:
            urls.append(url)
    return urls


def refresh_target(content: str) -> str | None:
    """The URL of a `<meta http-equiv=refresh content="0; url=...">`, if it names one."""
    m = _REFRESH.match(content)
    url = m.group(1).strip().strip("'\"").strip() if m else ""
    return url or None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.info = PageInfo()
        self.stack: list[tuple[str, int]] = []
        self.orphans: list[tuple[str, int, str, int]] = []  # tag, line, cut by, at line
        self.foreign = 0
        self.in_title = False
        self.id_lines: dict[str, list[int]] = {}

    # -- tags ---------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if attrs:
            self._attributes(tag, attrs, line)
        if tag in VOID:
            return
        stack = self.stack
        if not self.foreign:
            if tag in P_CLOSERS and stack and stack[-1][0] == "p":
                stack.pop()
            closes = CLOSES.get(tag)
            while closes and stack and stack[-1][0] in closes:
                stack.pop()
            if tag == "title" and self.info.title is None:
                self.in_title = True
                self.info.title = ""
        if tag in FOREIGN:
            self.foreign += 1
        stack.append((tag, line))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if attrs:
            self._attributes(tag, attrs, line)
        if not self.foreign and tag not in VOID:
            self.info.problems.append(
                (line, f"<{tag}/> is not self-closing in HTML; write <{tag}></{tag}>")
            )

    def handle_endtag(self, tag: str) -> None:
        self.in_title = False
        stack = self.stack
        if stack and stack[-1][0] == tag and tag not in FOREIGN:  # the common, balanced case
            stack.pop()
            return
        line = self.getpos()[0]
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == tag:
                break
        else:
            for j in range(len(self.orphans) - 1, -1, -1):
                o_tag, o_line, cut_by, cut_line = self.orphans[j]
                if o_tag == tag:
                    del self.orphans[j]
                    self.info.problems.append(
                        (
                            line,
                            f"mis-nested tags: <{tag}> (line {o_line}) was still open when"
                            f" </{cut_by}> closed at line {cut_line}",
                        )
                    )
                    return
            self.info.problems.append((line, f"stray end tag </{tag}>"))
            return
        for open_tag, open_line in stack[i + 1 :]:
            if open_tag not in OPTIONAL_END:
                self.orphans.append((open_tag, open_line, tag, line))
        for open_tag, _ in stack[i:]:
            if open_tag in FOREIGN:
                self.foreign -= 1
        del stack[i:]

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.info.title = (self.info.title or "") + data

    def finish(self) -> PageInfo:
        """Flush the parser and turn what is still open into problems."""
        self.close()
        info = self.info
        for tag, line, cut_by, cut_line in self.orphans:
            info.problems.append(
                (line, f"unclosed <{tag}> (cut off by </{cut_by}> at line {cut_line})")
            )
        for tag, line in self.stack:
            if tag not in OPTIONAL_END:
                info.problems.append((line, f"unclosed <{tag}>"))
        info.problems.sort()
        info.duplicate_ids = {k: v for k, v in self.id_lines.items() if len(v) > 1}
        if info.title is not None:
            info.title = info.title.strip()
        return info

    # -- attributes ---------------------------------------------------------------------------
    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]], line: int) -> None:
        info = self.info
        if len(attrs) > 1 and len({name for name, _ in attrs}) < len(attrs):
            attrs = self._dedupe(tag, attrs, line)
        add = info.links.append
        for name, value in attrs:
            if value is None or name not in URL_ATTRS:
                continue
            if name == "id":
                info.ids.add(value)
                self.id_lines.setdefault(value, []).append(line)
            elif name == "href" or name == "xlink:href":
                if tag == "base":
                    info.base_href = info.base_href or value
                    continue
                if tag == "link":
                    rel = set((dict(attrs).get("rel") or "").lower().split())
                    if rel & SKIP_RELS:
                        continue
                    asset = bool(rel & ASSET_RELS)
                else:
                    asset = tag in ("use", "image", "feimage")
                add(Link(tag, "href", value, line, asset))
            elif name == "src" or name == "poster":
                add(Link(tag, name, value, line, True))
            elif name == "srcset":
                for url in parse_srcset(value):
                    add(Link(tag, "srcset", url, line, True))
            elif tag == "a":  # name
                info.ids.add(value)
        if tag == "meta":
            self._meta(attrs, line)

    def _dedupe(
        self, tag: str, attrs: list[tuple[str, str | None]], line: int
    ) -> list[tuple[str, str | None]]:
        """Report repeated attributes and keep the first, as browsers do."""
        seen: dict[str, str | None] = {}
        for name, value in attrs:
            if name in seen:
                self.info.problems.append((line, f'duplicate attribute "{name}" on <{tag}>'))
            else:
                seen[name] = value
        return list(seen.items())

    def _meta(self, attrs: list[tuple[str, str | None]], line: int) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("name", "").lower() == "description" and a.get("content", "").strip():
            self.info.has_description = True
        if a.get("http-equiv", "").lower() == "refresh":
            self.info.redirect = True
            target = refresh_target(a.get("content", ""))
            if target:
                self.info.links.append(Link("meta", "refresh", target, line, False))


def parse_html(text: str) -> PageInfo:
    """Parse one page's markup."""
    parser = _PageParser()
    parser.feed(text)
    return parser.finish()


def parse_page(path: Path) -> PageInfo:
    """Parse one page from disk (undecodable bytes are replaced, not fatal)."""
    return parse_html(path.read_text(encoding="utf-8", errors="replace"))


# -- feeds ------------------------------------------------------------------------------------
def _xml_root(data: bytes) -> tuple[str | None, tuple[int | None, str] | None]:
    """Root tag, or the (line, message) of the well-formedness error (lxml, else the stdlib)."""
    try:
        from lxml import etree
    except ImportError:  # lxml is a test dependency; keep `aloud check` usable without it
        from xml.etree import ElementTree

        try:
            return ElementTree.fromstring(data).tag, None
        except ElementTree.ParseError as e:
            return None, (e.position[0], f"not well-formed XML: {e}")
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        return None, (e.lineno, f"not well-formed XML: {e.msg}")
    return root.tag, None


def xml_problems(data: bytes) -> list[tuple[int | None, str]]:
    """(line, message) for an XML file that does not parse, or an RSS/Atom feed feedparser flags."""
    tag, problem = _xml_root(data)
    if problem:
        return [problem]
    if tag not in FEED_ROOTS:
        return []
    try:
        import feedparser
    except ImportError:
        return []
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False)
    if parsed.get("bozo"):
        return [(None, f"feedparser rejects it: {parsed.get('bozo_exception')}")]
    return []


def json_feed_problems(feed: object) -> list[str]:
    """What keeps a parsed JSON document from being a JSON Feed 1.1 (empty list: it is one)."""
    if not isinstance(feed, dict):
        return ["top level must be an object"]
    problems = []
    if feed.get("version") != JSON_FEED_VERSION:
        problems.append(f'"version" must be "{JSON_FEED_VERSION}", not {feed.get("version")!r}')
    if not isinstance(feed.get("title"), str) or not feed["title"].strip():
        problems.append('"title" is missing or empty')
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, '"items" must be a list']
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"item {n} is not an object")
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f'item {n} has no string "id"')
        if not any(isinstance(item.get(k), str) for k in ("content_html", "content_text")):
            problems.append(
                f'item {n} ({item.get("id")!r}) has no "content_html" or "content_text"'
            )
    return problems
