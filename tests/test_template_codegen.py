"""Templates compiled by `JoinedOutput` give Jinja2's bytes, and its line numbers on errors."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.compiler import CodeGenerator

from ssg.template_codegen import JoinedOutput
from ssg.template_runtime import SiteEnvironment, code_generator_for

# Every place Jinja2 yields output: runs of text and values, blocks (scoped, required, called
# through self and super), a child template's text outside its blocks, an extends that only
# happens at render time, includes with and without context, missing and in loops, includes
# and blocks where Jinja2 buffers (set blocks, filter blocks, macros, call blocks, recursive
# loops), autoescape switches and whitespace control.
TEMPLATES = {
    "base.html": (
        "<title>{% block title %}{{ title }} &amp; co{% endblock %}</title>\n"
        "<h1>{{ self.title() }}</h1>{% block main required %}{% endblock %}\n"
        "{% for item in items %}{% block entry scoped %}[{{ item }}|{{ loop.index }}]"
        "{% endblock %}{% endfor %}\n"
        "{%- include 'part.html' -%}  {{ title|upper }}{{ t('end') }}"
    ),
    "page.html": """{% extends "base.html" %}
Text outside blocks is not shown {{ title }}
{% block title %}{{ super() }} · {{ site }}{% endblock %}
{% block entry %}<{{ item }}>{{ super() }}{% endblock %}
{% block main %}
{% set caption %}<i>{{ title }}</i>{% include "part.html" %}{% endset %}
{% macro card(item) %}<li data-x="{{ item }}">{{ caller() }}{% include "part.html" %}</li>{% endmacro %}
<ul>{% for item in items %}{% call card(item) %}{{ item|upper }} {{ loop.cycle('odd', 'even') }}{% endcall %}{% endfor %}</ul>
{{ caption }}|{{ caption|length }}
{% filter upper %}{{ title }} & {% include "part.html" %}{% endfilter %}
{% for item in items %}{% include "part.html" %}{{ item }}{% else %}none{% endfor %}
{% include "missing.html" ignore missing %}{% include "part.html" without context %}
{% include ["nothing.html", "part.html"] %}
{% for node in tree recursive %}<{{ node.name }}>{{ loop(node.children) }}{% endfor %}
{% autoescape false %}{{ title }}{% endautoescape %}{{ safe }}{{ none }}{{ count + 1 }}
{% raw %}{{ not a value }}{% endraw %}
{%- if count > 2 %} many {{ count }}{% elif count %}few{% else %}{{ 'none' }}{% endif -%}
{% endblock %}""",
    "dynamic.html": (
        "{% if parent %}{% extends parent %}{% endif %}"
        "Shown without a parent: {{ title }}{% block main %}main {{ count }}{% endblock %}"
    ),
    "part.html": "<p>{{ title }} {{ t('part') }}</p>",
    "broken.html": '{% extends "base.html" %}{% block main %}\nfine {{ title }}\n'
    "{{ count }} {{ items[10].name }}{{ title }}\n{% endblock %}",
}

CONTEXT: dict[str, Any] = {
    "title": "Tom & Jerry's <show>",
    "site": 'Het "open" blog',
    "items": ["<a>", "b&c"],
    "tree": [{"name": "a", "children": [{"name": "b&", "children": []}]}],
    "safe": jinja2.utils.markupsafe.Markup("<span>ok</span>"),
    "count": 3,
    "none": None,
}


def _environment(generator: type[CodeGenerator], **options: Any) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), **options)
    env.code_generator_class = generator
    env.globals["t"] = lambda message: f"[{message}]"
    return env


OPTIONS = [
    {"autoescape": True},
    {"autoescape": False},
    {"autoescape": True, "finalize": lambda value: "" if value is None else value},
    {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=["escape", "plain", "finalize", "trim"])
@pytest.mark.parametrize(
    ("name", "extra"),
    [("page.html", {}), ("dynamic.html", {}), ("dynamic.html", {"parent": "base.html"})],
)
def test_joined_output_renders_jinja2s_bytes(
    options: dict[str, Any], name: str, extra: dict[str, Any]
) -> None:
    context = {**CONTEXT, **extra}
    ours = _environment(JoinedOutput, **options).get_template(name)
    theirs = _environment(CodeGenerator, **options).get_template(name)
    expected = theirs.render(context)
    assert ours.render(context) == expected
    assert "".join(ours.generate(context)) == expected
    assert "Tom &amp; Jerry" in expected or not options["autoescape"]  # escaping was seen


def test_a_page_comes_out_in_a_few_pieces() -> None:
    pieces = list(
        _environment(JoinedOutput, autoescape=True).get_template("page.html").generate(CONTEXT)
    )
    theirs = list(
        _environment(CodeGenerator, autoescape=True).get_template("page.html").generate(CONTEXT)
    )
    assert len(pieces) == 1 and len(theirs) > 50


def test_an_error_names_the_same_template_line(tmp_path: Path) -> None:
    for name, source in TEMPLATES.items():
        (tmp_path / name).write_text(source, encoding="utf-8")

    def failing_line(generator: type[CodeGenerator]) -> tuple[str, int]:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), autoescape=True)
        env.code_generator_class = generator
        template = env.get_template("broken.html")
        with pytest.raises(jinja2.UndefinedError) as caught:
            template.render(CONTEXT)
        frames = traceback.extract_tb(caught.value.__traceback__)
        frame = [f for f in frames if f.filename.endswith(".html")][-1]
        return Path(frame.filename).name, frame.lineno

    assert failing_line(JoinedOutput) == failing_line(CodeGenerator) == ("broken.html", 3)


def test_the_site_environment_compiles_with_it() -> None:
    assert SiteEnvironment.code_generator_class is JoinedOutput
    source = SiteEnvironment(loader=jinja2.DictLoader(TEMPLATES)).compile(
        TEMPLATES["page.html"], raw=True
    )
    assert "yield concat((" in source and "for event in (concat(gen),):" in source


def test_async_templates_keep_jinja2s_code() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), enable_async=True)
    env.code_generator_class = JoinedOutput
    source = env.compile(TEMPLATES["page.html"], raw=True)
    assert "concat((" not in source and "(concat(gen),)" not in source


def test_another_jinja2_gets_its_own_code_generator() -> None:
    """The generator follows Jinja2 3.1's; any other version keeps Jinja2's own."""
    assert code_generator_for("3.1.6") is JoinedOutput
    for version in ("3.2.0", "4.0.0", "3.10.1"):
        assert code_generator_for(version) is CodeGenerator
