"""XML text for feeds, written as strings: exactly what lxml writes with `pretty_print`.

Feeds used to be lxml trees built through feedgen: its setters check every field and each field
is an element, which made feeds 30% of rendering's CPU at 1,000 posts. Here an entry is
formatted once per process and format, and a feed is its head, its entries' text and a closing
tag. `tests/test_feeds.py` compares the bytes with feedgen's for a site that uses every field.
"""

from __future__ import annotations

import datetime as dt
import re

XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
INDENT = "  "

# What XML 1.0 does not allow in a document at all (lxml refuses such strings): C0 controls
# but tab, newline and carriage return, lone surrogates and the two non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def text(value: str) -> str:
    """Character data, escaped as libxml2 escapes it."""
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;") if "\r" in value else value


def attribute(value: str) -> str:
    """An attribute value (in double quotes), escaped as libxml2 escapes it."""
    value = text(value).replace('"', "&quot;")
    if "\n" in value or "\t" in value:
        value = value.replace("\n", "&#10;").replace("\t", "&#9;")
    return value


def attributes(pairs: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{attribute(value)}"' for name, value in pairs)


def leaf(
    depth: int, name: str, value: str | None, pairs: list[tuple[str, str]] | None = None
) -> str:
    """One element with its text on its own line; None is an empty element (and "" is not:
    lxml writes `<name></name>` for it)."""
    attrs = attributes(pairs) if pairs else ""
    if value is None:
        return f"{INDENT * depth}<{name}{attrs}/>\n"
    return f"{INDENT * depth}<{name}{attrs}>{text(value)}</{name}>\n"


def person(depth: int, name: str, who: dict[str, str]) -> str:
    """An Atom person construct (author, contributor): name, then email and uri if known."""
    inner = leaf(depth + 1, "name", who["name"])
    if who.get("email"):
        inner += leaf(depth + 1, "email", who["email"])
    if who.get("uri"):
        inner += leaf(depth + 1, "uri", who["uri"])
    pad = INDENT * depth
    return f"{pad}<{name}>\n{inner}{pad}</{name}>\n"


def rfc2822(moment: dt.datetime) -> str:
    """RSS dates in English whatever the locale (feedgen switched the process's locale)."""
    day = _DAYS[moment.weekday()]
    month = _MONTHS[moment.month - 1]
    return f"{day}, {moment:%d} {month} {moment:%Y %H:%M:%S %z}"


def namespaces(declared: dict[str, str]) -> str:
    return "".join(f' xmlns:{prefix}="{attribute(uri)}"' for prefix, uri in declared.items())
