"""Self-test of the benchmark site generator: python -m pytest benchmarks/test_generate.py -q"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
from corpus import TAGS  # noqa: E402

N = 30
LINK = re.compile(r"\]\(([^)\s]+\.md)\)")
MARKUP = {"##", "###", "-", "*", "1.", ">"}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    fm, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(fm), body


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "site"
    generate.generate(N, out)
    return out


def test_deterministic(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate.generate(N, again)
    assert tree(site) == tree(again)
    assert len(tree(site)) > N


def test_site_toml(site: Path) -> None:
    assert (site / "site.toml").read_text(encoding="utf-8") == generate.SITE_TOML
    assert 'base_url = "https://bench.example/"' in generate.SITE_TOML


def test_translation_ratio(site: Path) -> None:
    posts = site / "content" / "posts"
    english = sorted(posts.glob("post-?????.md"))
    dutch = sorted(posts.glob("*.nl.md"))
    swedish = sorted(posts.glob("*.sv.md"))
    assert len(english) == N
    assert [p.name.split(".")[0] for p in dutch] == [p.name.split(".")[0] for p in swedish]
    assert 0.28 <= len(dutch) / N <= 0.4
    for p in dutch + swedish:
        assert (posts / (p.name.split(".")[0] + ".md")).exists()
        fm, _ = split(p)
        assert re.fullmatch(r"[a-z0-9-]+", fm["slug"])
    slugs = [split(p)[0]["slug"] for p in dutch]
    assert len(set(slugs)) == len(slugs)


def test_posts_are_realistic(site: Path) -> None:
    posts = sorted((site / "content" / "posts").glob("*.md"))
    for p in posts:
        fm, body = split(p)
        i = int(p.name[5:10])
        assert isinstance(fm["title"], str) and fm["title"]
        assert isinstance(fm["date"], datetime) and fm["date"].utcoffset() is not None
        assert 1 <= len(fm["tags"]) <= 4 and set(fm["tags"]) <= set(TAGS)
        assert "\n## " in "\n" + body
        assert re.search(r"^(- |\* |1\. )", body, re.M)
        assert ("```" in body) == (i % 5 == 0)
        prose = re.sub(r"```.*?```|^\[\^1\]: .*$", "", body, flags=re.S | re.M)
        words = [w for w in prose.split() if w not in MARKUP]
        assert 300 <= len(words) <= 960, (p.name, len(words))
        for href in LINK.findall(body):
            assert (p.parent / href).resolve().is_file(), (p.name, href)
    bodies = "".join(split(p)[1] for p in posts)
    for marker in ("\n> ", "*", "```python", "```js", "```bash", "[^1]"):
        assert marker in bodies


def test_each_post_has_its_own_code_block_shared_by_its_translations(site: Path) -> None:
    posts = site / "content" / "posts"
    fence = re.compile(r"^```\w+\n.*?^```", re.S | re.M)
    blocks = {}
    for english in sorted(posts.glob("post-?????.md")):
        found = fence.findall(english.read_text(encoding="utf-8"))
        if found:
            blocks[english.stem] = found
            for translation in posts.glob(f"{english.stem}.*.md"):
                assert fence.findall(translation.read_text(encoding="utf-8")) == found
    every = [block for found in blocks.values() for block in found]
    assert len(every) == N // 5 and len(set(every)) == len(every)


def test_notes_and_talks(site: Path) -> None:
    content = site / "content"
    assert len(list((content / "notes").glob("*.md"))) == N // 10
    talks = sorted((content / "talks").glob("*.md"))
    assert len(talks) == 3
    for talk in talks:
        fm, body = split(talk)
        assert fm["speakers"] and fm["video"].startswith("https://") and fm["chapters"]
        assert all(re.fullmatch(r"\d\d:\d\d", c["time"]) for c in fm["chapters"])
        for href in LINK.findall(body):
            assert (talk.parent / href).resolve().is_file()
        vtt = talk.with_suffix(".vtt").read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT\n\n")
        assert 180 <= vtt.count(" --> ") <= 220
        assert vtt.count("<v ") == vtt.count(" --> ")


def test_ensure_site_reuses(site: Path) -> None:
    assert generate.ensure_site(N, site) is False
    (site / generate.DIRTY).write_text("x")
    assert generate.ensure_site(N, site) is True
    assert not (site / generate.DIRTY).exists()
