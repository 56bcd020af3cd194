"""Shared fixtures: temporary sites written from inline file trees."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ssg import compiled_tables, template_cache
from ssg.builder import Builder, BuildOptions, BuildResult
from ssg.model import Page

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

BASIC_CONFIG = """
title = "Test site"
base_url = "https://example.org/"
default_language = "en"
author = "ann"

[languages.en]
name = "English"

[languages.nl]
name = "Nederlands"

[languages.sv]
name = "Svenska"

[authors.ann]
name = "Ann Example"
"""


def write_tree(root: Path, files: dict[str, str | bytes], dedent: bool = True) -> Path:
    """Write a file tree; text is dedented (so tests can indent it inline) unless told not to."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = textwrap.dedent(content).lstrip("\n") if dedent else content
            path.write_text(text, encoding="utf-8")
    return root


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` as a user would run it."""
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True
    )


class SiteMaker:
    """Writes a site into a temporary folder and builds it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str | bytes]) -> None:
        write_tree(self.root, files)

    def options(self, **changes) -> BuildOptions:
        values = {
            "site_dir": self.root,
            "output_dir": self.root / "public",
            "quiet": True,
            "jobs": 1,
        }
        values.update(changes)
        return BuildOptions(**values)

    def build(self, **changes) -> BuildResult:
        return Builder(self.options(**changes)).build()

    def read(self, rel: str) -> str:
        return (self.root / "public" / rel).read_text(encoding="utf-8")

    def exists(self, rel: str) -> bool:
        return (self.root / "public" / rel).exists()


@pytest.fixture(scope="session")
def shared_layouts_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("installation-pycache")


@pytest.fixture(autouse=True)
def _shared_layouts_of_this_run(shared_layouts_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in tests keep what they learn from the built-in layouts in a folder of this test
    run, not in the installation's `ssg/__pycache__` (see ssg/template_cache.py)."""
    monkeypatch.setattr(template_cache, "SHARED_ROOT", shared_layouts_root)


@pytest.fixture
def installed_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Any], Path]]:
    """`installed_table(cache)` installs `regex_cache` or `dataclass_cache` with its table in a
    folder of the test's own, saving whatever it learns; uninstalled when the test ends."""
    monkeypatch.setattr(compiled_tables, "FOLDER", str(tmp_path))
    monkeypatch.setattr(compiled_tables, "WORTH_SAVING", 0.0)
    installed: list[Any] = []

    def install(cache: Any) -> Path:
        cache.uninstall()
        cache.install()
        installed.append(cache)
        return tmp_path

    yield install
    for cache in installed:
        cache.uninstall()


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., SiteMaker]:
    def make(files: dict[str, str | bytes] | None = None, config: str = BASIC_CONFIG) -> SiteMaker:
        site = SiteMaker(tmp_path / "site")
        site.root.mkdir(parents=True, exist_ok=True)
        site.write({"site.toml": config, **(files or {})})
        return site

    return make


def a_page(**fields: Any) -> Page:
    """A Page with plausible values for the fields it requires, overridden by `fields`."""
    values: dict[str, Any] = {
        "id": "posts/hello",
        "key": "posts/hello",
        "lang": "en",
        "section": "posts",
        "kind": "post",
        "slug": "hello",
        "url": "/posts/hello/",
        "output": "posts/hello/index.html",
        "title": "Hello",
        "date": None,
        "updated": None,
        "source_rel": "content/posts/hello.md",
        "template": "post.html",
    }
    return Page(**{**values, **fields})


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, for byte-for-byte comparisons of builds."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Browser fixtures are defined once here: imported into several modules, a "session" fixture
# would start one Playwright per module, and the second would refuse to run.
from browser import browser_page, chromium_browser  # noqa: E402, F401
