"""Self-test of the floor's parallel measurement: python -m pytest benchmarks/test_floor.py -q"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from floor import measure_parallel_floor, render_all, shares  # noqa: E402


def make_site(root: Path, count: int) -> Path:
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    for i in range(count):
        body = f"# Heading {i}\n\nSome *text*.\n\n```python\nx = {i}\n```\n"
        text = f"---\ntitle: Post {i}\n---\n{body}"
        (posts / f"p{i}.md").write_text(text, encoding="utf-8")
    return root


def test_shares_hold_every_file_once() -> None:
    paths = [Path(f"{i}.md") for i in range(7)]
    parts = shares(paths, 3)
    assert len(parts) == 3
    assert sorted(p for part in parts for p in part) == sorted(paths)
    assert [len(part) for part in parts] == [3, 2, 2]


def test_parallel_floor_runs_on_a_small_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, 5)
    assert render_all(site)[0] == 5
    assert measure_parallel_floor(site, 2) > 0


def test_a_failing_share_fails_the_measurement(tmp_path: Path) -> None:
    site = make_site(tmp_path, 4)
    (site / "content" / "posts" / "broken.md").write_text("---\ntitle: [unclosed\n---\nx\n")
    with pytest.raises(RuntimeError, match="failed"):
        measure_parallel_floor(site, 2)
