"""Dates in a CLDR pattern, as Babel writes them, with each field worked out once.

Babel formats a date by walking its pattern with a `DateTimeFormat`, field by field, in Python:
4–6 µs per date in a tight loop, about 20 µs inside a build. A cold build at 1,000 posts shows
~3,300 distinct dates, and each render process formats the dates of the pages it renders, so
together the two processes formatted ~6,000 (0.10–0.14 CPU-seconds; 0.06–0.08 with this).

Yet a date pattern's fields each depend on one part of the date: `d` on the day, `M`/`L` on the
month, `y` on the year, `E`/`e`/`c` on the weekday. `formatter` asks Babel for each field's
text once per value of that part (a representative date with that day, month, year or weekday)
and fills Babel's own `%`-template of the pattern with them, which is exactly how
`DateTimePattern.apply` fills it. A pattern with any other field (week numbers, quarters, eras,
week years...) is left to Babel whole. tests/test_dates.py compares with Babel's `format_date`
over years of days in many locales and patterns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from babel import Locale
from babel.dates import DateTimeFormat, get_date_format, parse_pattern
from babel.dates import format_date as babel_format_date

_FIELD = re.compile(r"%\((\w+)\)s")
_NAMED = ("full", "long", "medium", "short")

# The part of a date a field depends on, and a date with that part: (part, representative).
_Part = tuple[Callable[[dt.date], int], Callable[[int], dt.date]]
_MONTH: _Part = (lambda day: day.month, lambda value: dt.date(2000, value, 1))
_WEEKDAY: _Part = (lambda day: day.weekday(), lambda value: dt.date(2000, 1, 3 + value))  # a Monday
_PARTS: dict[str, _Part] = {
    "d": (lambda day: day.day, lambda value: dt.date(2000, 1, value)),
    "M": _MONTH,
    "L": _MONTH,
    "y": (lambda day: day.year, lambda value: dt.date(value, 1, 1)),
    "E": _WEEKDAY,
    "e": _WEEKDAY,
    "c": _WEEKDAY,
}


def formatter(fmt: str, locale: Locale) -> Callable[[dt.date], str]:
    """A function giving Babel's `format_date(day, fmt, locale)`: fmt is a format name or a
    CLDR pattern. Make one per format and locale and keep it: it keeps the fields' texts."""
    pattern = parse_pattern(get_date_format(fmt, locale=locale) if fmt in _NAMED else fmt)
    fields = _FIELD.findall(pattern.format)
    if any(name[0] not in _PARTS for name in fields):
        return lambda day: babel_format_date(day, format=fmt, locale=locale)
    template = pattern.format
    parts = [(name, _PARTS[name[0]][0], _PARTS[name[0]][1]) for name in fields]
    texts: dict[tuple[str, int], str] = {}  # (field, value of its part) -> Babel's text

    def format_day(day: dt.date) -> str:
        values = {}
        for name, part, representative in parts:
            key = (name, part(day))
            text = texts.get(key)
            if text is None:
                text = texts[key] = DateTimeFormat(representative(key[1]), locale)[name]
            values[name] = text
        return template % values

    return format_day
