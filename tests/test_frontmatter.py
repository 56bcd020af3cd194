import datetime as dt

import pytest

from ssg.errors import SiteError
from ssg.frontmatter import parse_date, split_front_matter


def test_split_and_key_lines():
    fm = split_front_matter("---\ntitle: Hej\ntags: [a, b]\n---\nBody\n", "x.md")
    assert fm.data == {"title": "Hej", "tags": ["a", "b"]}
    assert fm.body == "Body\n"
    assert fm.body_line == 5
    assert fm.key_lines == {"title": 2, "tags": 3}


def test_no_front_matter_is_all_body():
    fm = split_front_matter("# Just text\n", "x.md")
    assert fm.data == {} and fm.body == "# Just text\n"


def test_broken_yaml_names_the_line():
    with pytest.raises(SiteError) as info:
        split_front_matter("---\ntitle: ok\ntags: [a, b\ndate: 2024-01-01\n---\n", "posts/x.md")
    assert str(info.value).startswith("posts/x.md:")
    assert "invalid front matter" in str(info.value)
    assert info.value.line in (3, 4, 5)


def test_unclosed_front_matter():
    with pytest.raises(SiteError, match="not closed"):
        split_front_matter("---\ntitle: x\n", "x.md")


def test_dates_are_kept_as_text_then_parsed_with_offsets():
    fm = split_front_matter("---\ndate: 2024-05-12T09:30:00+02:00\n---\n", "x.md")
    value = parse_date(fm.data["date"], "date", "x.md", 2)
    assert value == dt.datetime(2024, 5, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert parse_date("2013-08-12", "date", "x.md", 2).tzinfo is not None


def test_bad_date_names_key_and_line():
    fm = split_front_matter("---\ntitle: x\ndate: 2024-02-30\n---\n", "x.md")
    with pytest.raises(SiteError) as info:
        parse_date(fm.data["date"], "date", "x.md", fm.key_lines["date"])
    assert str(info.value) == "x.md:3: date: '2024-02-30' is not an ISO 8601 date (like 2024-03-05)"
