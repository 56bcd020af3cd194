"""Templates print through `escape_output`, with exactly the bytes markupsafe's escape gives."""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe
import pytest

from ssg.template_output import (
    OutputTemplate,
    _installable,
    escape_output,
    printed_escape,
    template_class,
)


class _Html:
    def __html__(self) -> str:
        return "<b>trusted</b>"


class _Text(str):
    pass


class _Shown:
    def __str__(self) -> str:
        return "a < b & 'c' \"d\""


VALUES: list[Any] = [
    "",
    "plain",
    "<script>alert('x') & \"y\"</script>",
    "Ämnen — översättning <&>",
    markupsafe.Markup("<em>already safe</em>"),
    _Html(),
    _Text("<sub>class of str</sub>"),
    _Shown(),
    42,
    3.5,
    None,
    True,
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__ + repr(str(v))[:12])
def test_escape_output_holds_what_markupsafe_escape_holds(value: Any) -> None:
    assert escape_output(value) == str(markupsafe.escape(value))


# Every construct whose printed values Jinja2 buffers or wraps: blocks, set blocks, macros with
# caller, filter blocks, includes, loops, autoescape switched off and on again.
TEMPLATES = {
    "base.html": "<title>{% block title %}{{ title }}{% endblock %}</title>{% block main %}{% endblock %}",
    "page.html": """{% extends "base.html" %}
{% block title %}{{ title }} · {{ site }}{% endblock %}
{% block main %}
{% set caption %}<i>{{ title }}</i> {{ count }}{% endset %}
{% macro card(item) %}<li data-x="{{ item }}">{{ caller() }}</li>{% endmacro %}
<ul>{% for item in items %}{% call card(item) %}{{ item|upper }} {{ loop.index }}{% endcall %}{% endfor %}</ul>
{{ caption }}|{{ caption|length }}|{{ caption ~ title }}
{% filter upper %}{{ title }} & {{ safe }}{% endfilter %}
{% include "part.html" %}
{% autoescape false %}{{ title }}{% endautoescape %}{% autoescape true %}{{ title }}{% endautoescape %}
{{ title|e }}{{ safe|safe }}{{ none }}{{ count + 1 }}{{ items|join(", ") }}
{% endblock %}""",
    "part.html": "<p>{{ title }} {{ safe }}</p>",
}


def _render(template_class_: type[jinja2.Template], context: dict[str, Any]) -> str:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    env.template_class = template_class_
    return env.get_template("page.html").render(context)


def test_templates_render_the_same_bytes_as_with_jinja2s_own_escape() -> None:
    context = {
        "title": "Tom & Jerry's <show>",
        "site": 'Het "open" blog',
        "items": ["<a>", "b&c", markupsafe.Markup("<b>d</b>")],
        "safe": markupsafe.Markup("<span>ok</span>"),
        "count": 3,
        "none": None,
    }
    ours = _render(OutputTemplate, context)
    assert ours == _render(jinja2.Template, context)
    assert "Tom &amp; Jerry&#39;s &lt;show&gt;" in ours  # the check above compared real escaping


@pytest.mark.skipif(not _installable(), reason="this Jinja2 or markupsafe cannot take the swap")
def test_the_site_environment_prints_through_escape_output(make_site: Any) -> None:
    from ssg.config import load_config
    from ssg.i18n import load_catalogs
    from ssg.templates import make_environment

    site = make_site({"layouts/x.html": "{{ value }}"})
    config = load_config(site.root)
    layouts = site.root / "layouts"
    env = make_environment(config, [layouts], load_catalogs(config, []))
    assert template_class() is OutputTemplate
    template = env.get_template("x.html")
    assert printed_escape(template) is escape_output
    assert printed_escape(env.from_string("{{ value }}")) is escape_output
    assert template.render(value="<&>") == "&lt;&amp;&gt;"
