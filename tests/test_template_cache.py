"""The layout cache: a build with a cache reads again only the layouts that changed, and a
damaged or foreign cache changes nothing but the time."""

from __future__ import annotations

import shutil

import jinja2
import pytest
from conftest import BASIC_CONFIG, SiteMaker, snapshot

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


def test_a_second_build_reads_only_the_layout_that_changed(
    make_site, counted, monkeypatch, tmp_path
):
    monkeypatch.setattr(template_cache, "SHARED_ROOT", tmp_path / "nothing-learnt-yet")
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


def _built_in(counted: dict[str, list[str]]) -> dict[str, list[str]]:
    """What a build compiled or parsed, less the site's own `nav.html` and `page.html` (and
    templates made from strings, which no cache keeps)."""
    own = ("nav.html", "page.html", NAV[:20], PAGE[:20], None)
    return {kind: [x for x in seen if x not in own] for kind, seen in counted.items()}


def test_a_new_site_compiles_only_its_own_layouts(make_site, counted, tmp_path, monkeypatch):
    """What one site learnt from the built-in layouts serves every other site's first build."""
    monkeypatch.setattr(template_cache, "SHARED_ROOT", tmp_path / "pycache")
    files = {"content/posts/a.md": POST, "content/pages/about.md": ABOUT}
    first = make_site(files)
    first.build()
    assert "post.html" in counted["compiled"]
    [shared] = (tmp_path / "pycache").glob("layouts-*")
    assert list(shared.glob("*.cache")) and (shared / "facts.json").is_file()

    for seen in counted.values():
        seen.clear()
    second = SiteMaker(tmp_path / "second")
    second.root.mkdir()
    second.write({"site.toml": BASIC_CONFIG, **files, "layouts/page.html": PAGE})
    second.write({"layouts/nav.html": NAV})
    second.build()
    assert _built_in(counted) == {"compiled": [], "parsed": [], "strings": []}
    assert sorted(filter(None, counted["compiled"])) == ["nav.html", "page.html"]
    mine = snapshot(second.root / "public")

    shutil.rmtree(second.root / "public")
    shutil.rmtree(second.root / ".aloud")
    second.build(use_cache=False)  # compiles everything afresh, keeps nothing
    assert snapshot(second.root / "public") == mine
    assert "<nav>Home</nav>\nMINE" in second.read("about/index.html")


def test_a_site_layout_is_never_taken_for_the_built_in_one(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(template_cache, "SHARED_ROOT", tmp_path / "pycache")
    make_site({"content/pages/about.md": ABOUT}).build()  # the built-in page.html, compiled
    other = SiteMaker(tmp_path / "other")
    other.root.mkdir()
    other.write({"site.toml": BASIC_CONFIG, "content/pages/about.md": ABOUT})
    other.write({"layouts/page.html": "OWN {{ page.title }}\n"})
    other.build()
    assert other.read("about/index.html") == "OWN About\n"


def test_a_damaged_or_unwritable_shared_record_changes_nothing(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(template_cache, "SHARED_ROOT", tmp_path / "pycache")
    site = make_site({"content/posts/a.md": POST, "layouts/nav.html": NAV})
    site.build()
    clean = snapshot(site.root / "public")
    [shared] = (tmp_path / "pycache").glob("layouts-*")
    for path in shared.glob("*.cache"):
        path.write_bytes(path.read_bytes()[:40] + b"\x00garbage")
    (shared / "facts.json").write_text('{"references": {"x": 3}, "messages": []}')
    shutil.rmtree(site.root / ".aloud")
    site.build()
    assert snapshot(site.root / "public") == clean

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(template_cache, "SHARED_ROOT", blocker)  # nothing can be made under it
    shutil.rmtree(site.root / ".aloud")
    site.build()
    assert snapshot(site.root / "public") == clean


def test_no_cache_leaves_no_shared_record(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(template_cache, "SHARED_ROOT", tmp_path / "pycache")
    make_site({"content/posts/a.md": POST}).build(use_cache=False)
    assert not (tmp_path / "pycache").exists()
