"""Template digests: what a template's outputs depend on, and broken templates."""

from __future__ import annotations

import jinja2
import pytest

from ssg.errors import SiteError
from ssg.templates import TemplateDigests


def _digests(templates: dict[str, str]) -> TemplateDigests:
    return TemplateDigests(jinja2.Environment(loader=jinja2.DictLoader(templates)))


def test_a_digest_covers_the_templates_it_pulls_in() -> None:
    base = {"page.html": "{% extends 'base.html' %}", "base.html": "{% include 'nav.html' %}"}
    before = _digests({**base, "nav.html": "<nav>", "other.html": "x"})
    after_nav = _digests({**base, "nav.html": "<nav class=x>", "other.html": "x"})
    after_other = _digests({**base, "nav.html": "<nav>", "other.html": "y"})
    assert before.digest("page.html") != after_nav.digest("page.html")
    assert before.digest("page.html") == after_other.digest("page.html")


def test_a_broken_template_fails_every_time_it_is_asked_for() -> None:
    """The build works digests out early and ignores failures there; planning asks again and
    must get the same error, not a half-filled table."""
    digests = _digests({"page.html": "{% include 'nav.html' %}", "nav.html": "{% if %}"})
    for _ in range(2):
        with pytest.raises(SiteError, match="template error"):
            digests.digest("page.html")
