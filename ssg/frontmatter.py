"""YAML front matter between `---` lines, with line numbers for every error.

libyaml's CSafeLoader is used when present: front matter parsing is a large share of a cold build
and the C loader is about seven times faster than the pure-Python one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import SiteError

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that leaves timestamps as text.

    PyYAML turns `2024-02-30` into a ValueError without a line; we parse dates ourselves so a bad
    date is reported with its key and line.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    key_lines: dict[str, int]  # top-level key -> 1-based line in the file


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Separate and parse the front matter; a file without one has empty data."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        return FrontMatter({}, text, 1, {})
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return FrontMatter({}, text, 1, {})
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        raise SiteError(path, 1, "front matter is not closed: add a line with '---' after it")
    yaml_text = "\n".join(lines[1:index])
    try:
        data = yaml.load(yaml_text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SiteError(path, line, f"invalid front matter: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SiteError(path, 2, "front matter must be a mapping of keys to values")
    key_lines = {}
    for number, line in enumerate(lines[1:index], 2):
        if line and not line[0].isspace() and ":" in line:
            key_lines.setdefault(line.split(":", 1)[0].strip(), number)
    body = "\n".join(lines[index + 1 :])
    return FrontMatter({str(k): v for k, v in data.items()}, body, index + 2, key_lines)


def parse_date(value: Any, key: str, path: str, line: int | None) -> dt.datetime | None:
    """ISO 8601 date or datetime into an aware datetime (dates and naive times become UTC).

    Aware datetimes keep their offset so `<time datetime>` shows what the author wrote.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            result = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise SiteError(
                path, line, f"{key}: {value!r} is not an ISO 8601 date (like 2024-03-05)"
            ) from None
    else:
        raise SiteError(path, line, f"{key}: expected a date, got {value!r}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=dt.UTC)
    return result
