"""The layout cache: a build with a cache reads again only the layouts that changed, and a
damaged or foreign cache changes nothing but the time."""

from __future__ import annotations

import shutil

import jinja2
import pytest

from ssg import template_cache, template_strings
from ssg.template_cache import layout_cache
from ssg.template_strings import template_message_ids
from ssg.templates import TemplateDigests

POST = "---\ntitle: A\ndate: 2024-01-01\n---\nBody text.\n"
ABOUT = "---\ntitle: About\n---\nAbout me.\n"
NAV = '<nav>{{ _("Home") }}</nav>\n'
PAGE = '{% extends "base.html" %}{% block main %}{% include "nav.html" %}MINE{% endblock %}'


@pytest.fixture
def counted(monkeypatch) -> dict[str, list[str]]:
    """Which layouts each build compiled, parsed for references and read for UI strings."""
    seen: dict[str, list[str]] = {"compiled": [], "parsed": [], "strings": []}
    compile_ = jinja2.Environment.compile
    parse = jinja2.Environment.parse
    message_ids = template_strings._message_ids

    def compile_spy(self, source, name=None, filename=None, raw=False, defer_init=False):  # noqa: ANN001, ANN202
        seen["compiled"].append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    def parse_spy(self, source, name=None, filename=None):  # noqa: ANN001, ANN202
        seen["parsed"].append(source[:20])
        return parse(self, source, name, filename)

    def ids_spy(data: bytes) -> list[str]:
        seen["strings"].append(data[:20].decode())
        return message_ids(data)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_spy)
    monkeypatch.setattr(jinja2.Environment, "parse", parse_spy)
    monkeypatch.setattr("ssg.template_strings._message_ids", ids_spy)
    return seen


def test_a_second_build_reads_only_the_layout_that_changed(make_site, counted):
    site = make_site({"content/posts/a.md": POST, "content/pages/about.md": ABOUT})
    site.write({"layouts/page.html": PAGE, "layouts/nav.html": NAV})
    site.build()
    assert "nav.html" in counted["compiled"] and "post.html" in counted["compiled"]
    assert counted["parsed"] and counted["strings"]
    for seen in counted.values():
        seen.clear()
    site.build()  # a new Builder, as a new process would be
    assert counted == {"compiled": [], "parsed": [], "strings": []}

    (site.root / "layouts/nav.html").write_text(NAV.replace("<nav>", "<nav class=x>"))
    result = site.build()
    assert counted["compiled"] == ["nav.html"]
    # parsed for its references and, by Babel, for its strings; no other layout at all
    assert {source[:13] for source in counted["parsed"]} == {"<nav class=x>"}
    assert len(counted["strings"]) == 1
    assert "<nav class=x>Home</nav>" in site.read("about/index.html")
    assert result.written == ["about/index.html"]


def test_a_changed_reference_is_seen_from_the_new_source(make_site):
    """References are kept by source digest: a layout that starts including another layout
    makes its pages depend on that one."""
    site = make_site({"content/pages/a.md": "---\ntitle: A\n---\nBody.\n"})
    site.write(
        {"layouts/page.html": PAGE.replace('{% include "nav.html" %}', ""), "layouts/nav.html": NAV}
    )
    site.build()
    site.write({"layouts/page.html": PAGE})
    site.build()
    assert "<nav>Home</nav>" in site.read("a/index.html")
    (site.root / "layouts/nav.html").write_text("<nav>Changed</nav>\n")
    result = site.build()
    assert "a/index.html" in result.written and "Changed" in site.read("a/index.html")


def test_a_damaged_layout_cache_is_ignored(make_site):
    site = make_site({"content/posts/a.md": POST, "layouts/nav.html": NAV})
    site.build()
    clean = site.read("posts/a/index.html")
    [folder] = (site.root / ".aloud").glob("templates-*")
    for path in folder.glob("*.cache"):
        path.write_bytes(path.read_bytes()[:40] + b"\x00garbage")
    (folder / "facts.json").write_text('{"references": {"x": 3}, "messages": []}')
    (site.root / "public").rename(site.root / "old-public")
    site.build()
    assert site.read("posts/a/index.html") == clean
    (folder / "facts.json").write_text("not json")
    site.build()
    assert site.read("posts/a/index.html") == clean


def test_the_cache_of_other_code_is_removed_and_none_is_kept_without_a_cache(
    make_site, monkeypatch
):
    site = make_site({"content/posts/a.md": POST})
    site.build()
    [first] = (site.root / ".aloud").glob("templates-*")
    monkeypatch.setattr(template_cache, "code_tag", lambda: "another-version")
    site.build()
    assert [p.name for p in (site.root / ".aloud").glob("templates-*")] == [
        "templates-another-version"
    ]
    assert not first.exists()

    shutil.rmtree(site.root / ".aloud")
    site.build(use_cache=False)
    assert not (site.root / ".aloud").exists()


def test_remembered_facts_equal_worked_out_ones(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "page.html").write_text(PAGE)
    (layouts / "nav.html").write_text(NAV)
    (layouts / "base.html").write_text("{% block main %}{% endblock %}{{ _('Skip') }}")
    state = tmp_path / "state"
    first = layout_cache(state).facts
    ids = template_message_ids([layouts], first)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(layouts)))
    digests = TemplateDigests(env, first)
    digest = digests.digest("page.html")
    first.save()
    again = layout_cache(state).facts
    assert again.references and again.messages and not again.changed
    assert template_message_ids([layouts], again) == ids == template_message_ids([layouts])
    assert (
        TemplateDigests(env, again).digest("page.html")
        == digest
        == TemplateDigests(env).digest("page.html")
    )
    assert not again.changed
