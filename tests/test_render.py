"""Parts of ssg/render.py not covered by whole builds."""

from __future__ import annotations

import itertools
from xml.sax.saxutils import escape, quoteattr

from ssg.render import _escape, _quoteattr


def test_sitemap_escaping_is_what_saxutils_writes() -> None:
    """The sitemap's escaping replaced `xml.sax.saxutils` (see `_escape`): the same text for
    every string of up to three of the characters either treats specially."""
    characters = "a&<>\"'\n\r\té"
    for size in range(4):
        for letters in itertools.product(characters, repeat=size):
            value = "".join(letters)
            assert _escape(value) == escape(value)
            assert _quoteattr(value) == quoteattr(value)
