"""Self-test of the interleaved comparison: python -m pytest benchmarks/test_compare.py -q"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import Build, differences, order, spread, tree_digest  # noqa: E402


def test_each_version_goes_first_in_every_other_pair() -> None:
    firsts = [order(pair)[0] for pair in range(6)]
    assert firsts == ["base", "new"] * 3
    assert all(sorted(order(pair)) == ["base", "new"] for pair in range(6))


def test_differences_are_new_minus_base_per_pair() -> None:
    pairs = [
        (Build(2.0, 4.0), Build(1.8, 3.9)),
        (Build(2.4, 4.4), Build(2.3, 4.1)),
        (Build(2.2, 4.0), Build(2.3, 4.0)),
    ]
    wall, cpu = differences(pairs)
    assert wall.median == pytest.approx(-0.1)
    assert wall.low <= wall.median <= wall.high
    assert wall.low == pytest.approx(-0.15) and wall.high == pytest.approx(0.0)
    assert cpu.median == pytest.approx(-0.1)


def test_one_value_has_no_spread() -> None:
    assert spread([0.25]) == spread([0.25, 0.25])
    assert str(spread([0.25])) == "+0.250 (quartiles +0.250 to +0.250)"


def test_tree_digest_sees_names_and_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_bytes(b"<p>one</p>")
    first = tree_digest(tmp_path)
    assert tree_digest(tmp_path) == first
    (tmp_path / "a" / "index.html").write_bytes(b"<p>two</p>")
    changed = tree_digest(tmp_path)
    assert changed != first
    (tmp_path / "a" / "index.html").rename(tmp_path / "a" / "other.html")
    assert tree_digest(tmp_path) not in (first, changed)
