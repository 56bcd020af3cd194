"""Templates print through `escape_output`, with exactly the bytes markupsafe's escape gives."""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe
import pytest

from ssg.template_runtime import (
    OutputTemplate,
    SiteContext,
    SiteEnvironment,
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


# Every construct whose printed values Jinja2 buffers or wraps (blocks, set blocks, macros with
# caller, filter blocks, includes, loops, autoescape switched off and on again), and every way a
# template calls a function or makes a context: calls in loops and blocks that set variables
# (Jinja2 then derives a context), imports with and without context, a callable object.
TEMPLATES = {
    "base.html": (
        "<title>{% block title %}{{ title }}{% endblock %}</title>"
        "{% block main %}{% endblock %}{{ t('end') }}"
    ),
    "page.html": """{% extends "base.html" %}
{% import "macros.html" as plain %}{% from "macros.html" import shout with context %}
{% block title %}{{ title }} · {{ site }} {{ t("title") }}{% endblock %}
{% block main %}
{% set lang = "nl" %}{{ t("in block") }}
{% set caption %}<i>{{ title }}</i> {{ count }}{% endset %}
{% macro card(item) %}<li data-x="{{ item }}">{{ caller() }} {{ t("card") }}</li>{% endmacro %}
<ul>{% for item in items %}{% call card(item) %}{{ item|upper }} {{ loop.index }}{% endcall %}{% endfor %}</ul>
{% for item in items %}{% set lang = item %}{{ t("loop") }}{{ t("n", n=loop.index) }}{% endfor %}
{% for item in items %}{{ t("plain loop") }}{{ other(item) }}{{ obj("x") }}{% endfor %}
{{ caption }}|{{ caption|length }}|{{ caption ~ title }}
{% filter upper %}{{ title }} & {{ safe }}{% endfilter %}
{% include "part.html" %}{{ plain.hello(title) }}{{ shout(title) }}
{% autoescape false %}{{ title }}{% endautoescape %}{% autoescape true %}{{ title }}{% endautoescape %}
{{ title|e }}{{ safe|safe }}{{ none }}{{ count + 1 }}{{ items|join(", ") }}
{% endblock %}""",
    "part.html": "<p>{{ title }} {{ safe }} {{ t('part') }}</p>",
    "macros.html": (
        "{% macro hello(x) %}<b>{{ x }}</b>{{ t('macro') }}{% endmacro %}"
        "{% macro shout(x) %}{{ x|upper }} {{ lang }}{{ t('shout') }}{% endmacro %}"
    ),
}


@jinja2.pass_context
def _translate(context: Any, message: str, **variables: Any) -> str:
    return f"[{context.get('lang')}:{message}{variables or ''}]"


class _Callable:
    @jinja2.pass_context
    def __call__(self, context: Any, message: str) -> str:
        return f"<{context.get('lang')}:{message}>"


def _environment(ours: bool) -> jinja2.Environment:
    options: dict[str, Any] = {"loader": jinja2.DictLoader(TEMPLATES), "autoescape": True}
    env = SiteEnvironment(**options) if ours else jinja2.Environment(**options)
    env.template_class = OutputTemplate if ours else jinja2.Template
    env.globals.update(t=_translate, other=lambda x: f"({x})", obj=_Callable())
    if ours:
        assert isinstance(env, SiteEnvironment)
        env.direct_calls([_translate, env.globals["other"], env.globals["obj"]])
    return env


CONTEXT = {
    "title": "Tom & Jerry's <show>",
    "site": 'Het "open" blog',
    "items": ["<a>", "b&c", markupsafe.Markup("<b>d</b>")],
    "safe": markupsafe.Markup("<span>ok</span>"),
    "count": 3,
    "none": None,
    "lang": "en",
}


def test_templates_render_the_same_bytes_as_with_jinja2s_own_runtime() -> None:
    ours = _environment(ours=True).get_template("page.html").render(CONTEXT)
    assert ours == _environment(ours=False).get_template("page.html").render(CONTEXT)
    assert "Tom &amp; Jerry&#39;s &lt;show&gt;" in ours  # the comparison saw real escaping
    assert "[nl:in block]" in ours and "[b&amp;c:loop]" in ours  # and derived contexts
    assert "TOM &amp; JERRY&#39;S &lt;SHOW&gt; en[en:shout]" in ours  # and an import with context


def test_only_plain_pass_context_functions_are_called_directly() -> None:
    env = _environment(ours=True)
    assert env.context_class.direct == frozenset([_translate])  # type: ignore[attr-defined]
    other = _environment(ours=True)
    other.direct_calls([])
    assert env.context_class.direct == frozenset([_translate])  # one environment's own list


def test_a_context_works_out_its_globals_keys_when_asked() -> None:
    env = _environment(ours=True)
    template = env.get_template("page.html")
    context = template.new_context({"x": 1})
    assert isinstance(context, SiteContext)
    assert context.globals_keys == set(template.globals)
    context.globals_keys = {"only"}
    assert context.globals_keys == {"only"}


def test_get_template_remembers_plain_lookups_only_without_auto_reload() -> None:
    env = _environment(ours=True)
    first = env.get_template("part.html", "page.html")
    assert env.get_template("part.html", "page.html") is first
    assert env.get_template("part.html", globals={"extra": 1}).globals["extra"] == 1
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("missing.html")
    reloading = SiteEnvironment(loader=jinja2.DictLoader(TEMPLATES), auto_reload=True)
    reloading.get_template("part.html")
    assert not reloading._templates


@pytest.mark.skipif(not _installable(), reason="this Jinja2 or markupsafe cannot take the swap")
def test_the_site_environment_uses_our_runtime(make_site: Any) -> None:
    from ssg.config import load_config
    from ssg.i18n import load_catalogs
    from ssg.templates import make_environment

    site = make_site({"layouts/x.html": "{{ value }} {{ _('Tags') }}"})
    config = load_config(site.root)
    env = make_environment(config, [site.root / "layouts"], load_catalogs(config, []))
    assert isinstance(env, SiteEnvironment)
    assert template_class() is OutputTemplate
    template = env.get_template("x.html")
    assert printed_escape(template) is escape_output
    assert printed_escape(env.from_string("{{ value }}")) is escape_output
    assert env.globals["_"] in env.context_class.direct  # type: ignore[attr-defined]
    assert template.render(value="<&>", lang="en") == "&lt;&amp;&gt; Tags"
