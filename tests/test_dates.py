"""Dates formatted field by field give exactly Babel's format_date."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from babel import Locale
from babel.dates import format_date as babel_format_date

from ssg.config import Language
from ssg.dates import formatter
from ssg.i18n import format_date

LOCALES = ["en_GB", "en_US", "nl", "sv", "de", "fr", "ar", "fa", "he", "ja", "ru", "hi", "th"]
FORMATS = [
    *("full", "long", "medium", "short"),
    *("d MMMM y", "EEEE d MMM yy", "dd.MM.yyyy", "MMM d, ''yy", "LLLL y", "EEEEE d", "c e"),
    *("'week' w, y", "QQQ y", "G y", "Y-ww", "'100%' d"),  # partly left to Babel whole
]


def days() -> list[dt.date]:
    rng = random.Random(20261202)
    weekly = [dt.date(2012, 1, 1) + dt.timedelta(days=i) for i in range(0, 366 * 4, 5)]
    scattered = [
        dt.date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28)) for _ in range(60)
    ]
    return [*weekly, dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 24), *scattered]


@pytest.mark.parametrize("code", LOCALES)
def test_every_day_reads_as_babel_writes_it(code):
    locale = Locale.parse(code)
    for fmt in FORMATS:
        format_day = formatter(fmt, locale)
        for day in days():
            assert format_day(day) == babel_format_date(day, format=fmt, locale=locale), (fmt, day)


def test_site_dates_use_it_with_the_languages_locale():
    dutch = Language(code="nl", name="Nederlands", locale="nl")
    assert format_date(dt.datetime(2013, 8, 12, 23, 30), dutch) == "12 augustus 2013"
    english = Language(code="en", name="English")
    assert format_date(dt.date(2013, 8, 12), english) == "12 August 2013"  # en_GB's order
    assert format_date(dt.date(2013, 8, 12), english, "EEEE d MMM") == "Monday 12 Aug"


def test_the_date_filter_remembers_dates_per_zone_and_language(tmp_path):
    """The `date` filter keeps what it wrote; two equal instants in two time zones can fall on
    two days, and the same date reads differently in another language."""
    from ssg.config import Config
    from ssg.templates import _filters

    config = Config(
        site_dir=tmp_path,
        title="T",
        base_url="https://example.org/",
        default_language="en",
        languages=(Language(code="en", name="English"), Language(code="nl", name="Nederlands")),
    )
    date = _filters(config)["date"]
    late = dt.datetime(2013, 8, 12, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    early = late.astimezone(dt.timezone(dt.timedelta(hours=2)))  # the same instant, next day
    assert late == early
    assert date({"lang": "en"}, late) == "12 August 2013"
    assert date({"lang": "en"}, early) == "13 August 2013"
    assert date({"lang": "nl"}, late) == "12 augustus 2013"
    assert date({"lang": "en"}, late) == "12 August 2013"
    assert date({"lang": "en"}, None) == ""
