"""The plainest front matter, read without a YAML parser; anything else goes to the parser.

Most front matter is a handful of `key: value` lines: a title, a date, a slug, `tags: [a, b]`.
Even libyaml's C loader spends 30 µs on such a block in a tight loop and 100 µs inside a
build's parse (building and resolving nodes in Python), and a cold build of 1,000 posts reads
1,771 of them: in one process 182 ms, 63 ms with this reader; cold builds 0.14 s faster.
`simple_mapping` reads exactly that shape (one line per key, a plain, single- or double-quoted
scalar or a one-line flow list of plain scalars) and gives the same dict the loader would; at
the first line it is not sure about it returns None, and the caller asks the loader, which also
reports errors with lines.

"Sure" is narrow on purpose: no indentation, tabs, anchors, tags, escapes, comments after a
value, block or multi-line scalars, nested collections, empty values or characters that are not
printable. A plain scalar that the loader would resolve to anything but a string (a number,
`yes`, `null`, `.inf`, `1:30`) is checked with the loader's resolver table, so the answer is
the same by construction. tests/test_simple_yaml.py compares with the loader on the sample
site, tricky cases and thousands of random lines.

The table is a copy (`IMPLICIT_RESOLVERS`; a test checks it against PyYAML's) rather than read
from PyYAML, so that a build whose front matter is all plain never imports PyYAML: 15 ms of the
serial start of every build, before the parse workers fork.
"""

from __future__ import annotations

import re
from typing import Any

# A key of letters, digits, '_' and '-', then ':' and spaces and a value, or ':' alone.
_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?\Z")
# First characters after which a plain scalar is not plain (YAML 1.1 indicators).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_SPECIAL = frozenset(",[]{}#:'\"")

# YAML 1.1's implicit resolvers as PyYAML's `Resolver` registers them (yaml/resolver.py), in
# its order, less timestamps (front matter keeps dates as text, see frontmatter.py): a tag, its
# pattern, its flags and the first characters it is tried on ("" is the empty scalar).
_RESOLVER_SOURCE: tuple[tuple[str, str, re.RegexFlag, str | tuple[str, ...]], ...] = (
    (
        "tag:yaml.org,2002:bool",
        r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
        re.X,
        "yYnNtTfFoO",
    ),
    (
        "tag:yaml.org,2002:float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
        re.X,
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
        re.X,
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", re.NOFLAG, "<"),
    (
        "tag:yaml.org,2002:null",
        r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
        re.X,
        ("~", "n", "N", ""),
    ),
    ("tag:yaml.org,2002:value", r"^(?:=)$", re.NOFLAG, "="),
    ("tag:yaml.org,2002:yaml", r"^(?:!|&|\*)$", re.NOFLAG, "!&*"),
)


def _resolver_table() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """First character -> [(tag, compiled pattern)], the shape of `yaml_implicit_resolvers`."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, flags, firsts in _RESOLVER_SOURCE:
        compiled = re.compile(pattern, flags)
        for first in firsts:
            table.setdefault(first, []).append((tag, compiled))
    return table


IMPLICIT_RESOLVERS: dict[Any, list] = _resolver_table()


def simple_mapping(
    lines: list[str], resolvers: dict[Any, list] = IMPLICIT_RESOLVERS
) -> dict[str, Any] | None:
    """The mapping these front matter lines hold, or None if the YAML loader must decide.

    `resolvers` has the shape of a loader's `yaml_implicit_resolvers`: a plain scalar any of
    them matches is not a string, so the loader decides it."""
    data: dict[str, Any] = {}
    for line in lines:
        if not line or line[0] == "#":
            if "\t" in line or not line.isprintable():
                return None
            continue  # a blank line or a comment of its own
        match = _LINE.match(line)
        if match is None:
            return None
        key, raw = match.groups()
        if raw is None or not _is_string(key, resolvers):
            return None  # an empty value is null or a nested block
        value = _scalar_or_list(raw.rstrip(" "), resolvers)
        if value is None:
            return None
        data[key] = value
    return data


def _scalar_or_list(raw: str, resolvers: dict[Any, list]) -> str | list[str] | None:
    if not raw or not raw.isprintable():
        return None
    first = raw[0]
    if first in "\"'":
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != first or first in inner or "\\" in inner:
            return None
        return inner
    if first == "[":
        return _flow_list(raw, resolvers)
    if first in _INDICATORS or ": " in raw or " #" in raw or raw[-1] == ":":
        return None
    return raw if _is_string(raw, resolvers) else None


def _flow_list(raw: str, resolvers: dict[Any, list]) -> list[str] | None:
    if raw[-1] != "]":
        return None
    inner = raw[1:-1]
    if not inner.strip(" "):
        return []
    items = []
    for part in inner.split(","):
        item = part.strip(" ")
        if (
            not item
            or item[0] in _INDICATORS
            or any(char in _FLOW_SPECIAL for char in item)
            or not _is_string(item, resolvers)
        ):
            return None
        items.append(item)
    return items


def _is_string(plain: str, resolvers: dict[Any, list]) -> bool:
    """A plain scalar that the loader's implicit resolvers leave a string."""
    candidates = resolvers.get(plain[0], []) + resolvers.get(None, [])
    return not any(regexp.match(plain) for _tag, regexp in candidates)
