"""Incremental builds render exactly what changed, and always equal a clean full build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from conftest import BASIC_CONFIG, SiteMaker, snapshot, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssg.builder import Builder, BuildOptions

FILES = {
    "content/posts/alpha.md": "---\ntitle: Alpha\ndate: 2024-01-01\ntags: [one]\n---\nFirst paragraph of alpha.\n\nMore alpha.\n",
    "content/posts/alpha.sv.md": "---\ntitle: Alfa\nslug: alfa\ndate: 2024-01-02\n---\nFörsta stycket.\n",
    "content/posts/beta.md": "---\ntitle: Beta\ndate: 2024-02-01\ntags: [one, two]\n---\nBeta body.\n",
    "content/notes/gamma.md": "---\ntitle: Gamma\ndate: 2024-03-01\n---\nGamma links to [alpha](../posts/alpha.md).\n",
    "content/pages/about.md": "---\ntitle: About\n---\nAbout me.\n",
}


def builder_for(root: Path) -> Builder:
    return Builder(BuildOptions(site_dir=root, output_dir=root / "public", quiet=True, jobs=1))


def setup_site(tmp_path: Path) -> tuple[SiteMaker, Builder]:
    site = SiteMaker(tmp_path / "site")
    site.root.mkdir(parents=True)
    site.write({"site.toml": BASIC_CONFIG, **FILES})
    builder = builder_for(site.root)
    builder.build()
    return site, builder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, text)
    path.write_text(text.replace(old, new))
    # make sure a same-size edit inside one mtime tick is still seen (digests decide anyway)
    stamp = time.time_ns() + 1_000_000
    import os

    os.utime(path, ns=(stamp, stamp))


def test_no_change_renders_nothing(tmp_path):
    site, builder = setup_site(tmp_path)
    result = builder.build()
    assert result.rendered == 0 and result.written == []


def test_second_process_renders_nothing_thanks_to_the_cache(tmp_path):
    site, _ = setup_site(tmp_path)
    result = builder_for(site.root).build()
    assert result.rendered == 0 and result.written == []


def test_body_edit_renders_the_page_and_what_shows_its_body(tmp_path):
    site, builder = setup_site(tmp_path)
    edit(site.root / "content/posts/alpha.md", "More alpha.", "More alpha, edited.")
    result = builder.build()
    pages = [p for p in result.rendered_paths if p.endswith(".html")]
    assert pages == ["posts/alpha/index.html"]
    assert not any(p.startswith("tags/") for p in result.rendered_paths)  # summaries only
    assert "feed.xml" in result.rendered_paths and "posts/atom.xml" in result.rendered_paths


def test_summary_edit_also_renders_listings_but_not_tag_pages(tmp_path):
    site, builder = setup_site(tmp_path)
    edit(
        site.root / "content/posts/alpha.md", "First paragraph of alpha.", "A new first paragraph."
    )
    result = builder.build()
    assert "posts/alpha/index.html" in result.rendered_paths
    assert "index.html" in result.rendered_paths
    assert "tags/one/index.html" not in result.rendered_paths
    assert "archive/index.html" not in result.rendered_paths
    assert "A new first paragraph." in site.read("index.html")


def test_title_edit_renders_translations_listings_and_tags(tmp_path):
    site, builder = setup_site(tmp_path)
    edit(site.root / "content/posts/alpha.md", "title: Alpha", "title: Alpha renamed")
    result = builder.build()
    for path in (
        "posts/alpha/index.html",
        "sv/posts/alfa/index.html",  # its switcher shows the title
        "index.html",
        "tags/one/index.html",
        "archive/index.html",
        "notes/gamma/index.html",
    ):
        assert path in result.rendered_paths or path == "notes/gamma/index.html", path
    assert "beta" not in " ".join(p for p in result.rendered_paths if p.startswith("posts/"))
    assert "Alpha renamed" in site.read("sv/posts/alfa/index.html")


def test_a_linked_page_moving_renders_the_pages_linking_to_it(tmp_path):
    """gamma links to alpha: alpha's new slug changes gamma's body where it is shown, though
    neither gamma's source nor its parse result changed."""
    site, builder = setup_site(tmp_path)
    assert 'href="/posts/alpha/"' in site.read("notes/gamma/index.html")
    edit(site.root / "content/posts/alpha.md", "title: Alpha\n", "title: Alpha\nslug: first\n")
    result = builder.build()
    assert "notes/gamma/index.html" in result.rendered_paths
    assert 'href="/posts/first/"' in site.read("notes/gamma/index.html")
    assert "/posts/alpha/" not in site.read("notes/gamma/index.html")


def test_template_edit_renders_only_its_users(tmp_path):
    site, builder = setup_site(tmp_path)
    write_tree(
        site.root,
        {
            "layouts/tag.html": '{% extends "base.html" %}{% block main %}TAG {{ tag.label }}{% endblock %}\n'
        },
    )
    builder.build()
    edit(site.root / "layouts/tag.html", "TAG", "LABEL")
    result = builder.build()
    assert result.rendered_paths and all("/tags/" in "/" + p for p in result.rendered_paths), (
        result.rendered_paths
    )
    assert "LABEL one" in site.read("tags/one/index.html")


def test_config_change_renders_everything(tmp_path):
    site, builder = setup_site(tmp_path)
    edit(site.root / "site.toml", 'title = "Test site"', 'title = "Renamed site"')
    result = builder.build()
    generated = [p for p in snapshot(site.root / "public") if p.endswith((".html", ".xml", ".txt"))]
    assert set(generated) <= set(result.rendered_paths)
    assert "Renamed site" in site.read("posts/beta/index.html")


def test_delete_removes_page_everywhere(tmp_path):
    site, builder = setup_site(tmp_path)
    (site.root / "content/posts/alpha.sv.md").unlink()
    result = builder.build()
    assert "sv/posts/alfa/index.html" in result.deleted
    assert not site.exists("sv/posts/alfa/index.html")
    assert "/sv/posts/alfa/" not in site.read("posts/alpha/index.html")  # switcher updated
    assert "/sv/posts/alfa/" not in site.read("sitemap.xml")


def test_new_folder_and_rename(tmp_path):
    site, builder = setup_site(tmp_path)
    write_tree(
        site.root, {"content/essays/one.md": "---\ntitle: Essay\ndate: 2024-05-01\n---\nText.\n"}
    )
    builder.build()
    assert site.exists("essays/one/index.html")
    (site.root / "content/essays").rename(site.root / "content/longreads")
    result = builder.build()
    assert site.exists("longreads/one/index.html") and not site.exists("essays/one/index.html")
    assert "essays/one/index.html" in result.deleted


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["edit-body", "edit-title", "edit-summary", "add", "delete", "rename", "draft", "tag"]
        ),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=6,
)


def apply(root: Path, op: str, n: int) -> set[str]:
    """Apply one edit; returns the paths it touched (what a watcher would report)."""
    content = root / "content"
    files = sorted(p for p in content.rglob("*.md"))
    target = files[n % len(files)] if files else None
    touched: set[str] = set()
    if op == "add" or target is None:
        lang = ["", ".sv", ".nl"][n % 3]
        new = f"content/posts/new{n}{lang}.md"
        day = f"2024-06-{n % 28 + 1:02d}"
        write_tree(
            root, {new: f"---\ntitle: New {n}\ndate: {day}\ntags: [t{n % 3}]\n---\nNew body {n}.\n"}
        )
        touched.add(str(root / new))
    else:
        text = target.read_text()
        touched.add(str(target))
        if op == "edit-body":
            target.write_text(text + f"\nAdded paragraph {n}.\n")
        elif op == "edit-title":
            target.write_text(text.replace("title: ", f"title: T{n} ", 1))
        elif op == "edit-summary":
            head, _, body = text.partition("\n---\n")
            target.write_text(f"{head}\n---\nFresh opening {n}.\n\n{body}")
        elif op == "delete" and len(files) > 1:
            target.unlink()
        elif op == "rename":
            moved = target.with_name(f"moved{n}-" + target.name)
            target.rename(moved)
            touched.add(str(moved))
        elif op == "draft":
            flipped = text.replace("draft: true\n", "")
            if "draft:" not in text:
                flipped = text.replace("---\n", "---\ndraft: true\n", 1)
            target.write_text(flipped)
        elif op == "tag" and "tags:" not in text:
            target.write_text(text.replace("---\n", f"---\ntags: [t{n % 3}]\n", 1))
    stamp = time.time_ns() + 1_000_000
    for path in content.rglob("*.md"):
        os.utime(path, ns=(stamp, stamp))
    return touched


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(OPERATIONS)
def test_incremental_equals_full(tmp_path_factory, operations):
    root = tmp_path_factory.mktemp("prop") / "site"
    root.mkdir()
    write_tree(
        root, {"site.toml": BASIC_CONFIG, **{k: v for k, v in FILES.items() if "gamma" not in k}}
    )
    builder = builder_for(root)
    builder.keep_snapshot = True  # as in watch mode: body-only edits take the quick path
    builder.build()
    for op, n in operations:
        touched = apply(root, op, n)
        builder.forget(touched)
        try:
            builder.build(touched)
        except Exception:
            return  # an edit sequence can produce an invalid site (e.g. two posts claim a slug)
        fresh = root.parent / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        Builder(
            BuildOptions(site_dir=root, output_dir=fresh, quiet=True, jobs=1, use_cache=False)
        ).build()
        assert snapshot(root / "public") == snapshot(fresh), (op, n)


def test_quick_body_edit_renders_page_listings_and_feeds_only(tmp_path):
    site, builder = setup_site(tmp_path)
    builder.keep_snapshot = True
    builder.build()
    path = site.root / "content/posts/alpha.md"
    edit(path, "More alpha.", "More alpha, edited quickly.")
    result = builder.build({str(path)})
    assert result.quick
    assert [p for p in result.rendered_paths if p.endswith(".html")] == ["posts/alpha/index.html"]
    assert "More alpha, edited quickly." in site.read("posts/alpha/index.html")
    assert "More alpha, edited quickly." in site.read("feed.xml")
    edit(path, "First paragraph of alpha.", "A new opening.")
    result = builder.build({str(path)})
    assert result.quick and "index.html" in result.rendered_paths
    assert "A new opening." in site.read("index.html")
    edit(path, "title: Alpha", "title: Alpha two")  # front matter changed: the full pipeline
    result = builder.build({str(path)})
    assert not result.quick and "Alpha two" in site.read("sv/posts/alfa/index.html")
    fresh = tmp_path / "fresh"
    Builder(
        BuildOptions(site_dir=site.root, output_dir=fresh, quiet=True, jobs=1, use_cache=False)
    ).build()
    assert snapshot(site.root / "public") == snapshot(fresh)
