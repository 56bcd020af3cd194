"""Self-test of the interleaved comparison: python -m pytest benchmarks/test_compare.py -q"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import (  # noqa: E402
    OUTSIDE,
    Build,
    differences,
    order,
    phase_differences,
    phases_of,
    spread,
    tree_digest,
)


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


def test_phases_are_read_from_the_debug_line_and_the_rest_is_outside() -> None:
    output = "warning: x\nphases: config 1 ms, parse 980 ms, save cache 7 ms\n"
    phases = phases_of(output, seconds=1.5)
    assert list(phases) == ["config", "parse", "save cache", OUTSIDE]
    assert phases["parse"] == pytest.approx(0.98)
    assert phases[OUTSIDE] == pytest.approx(1.5 - 0.988)
    assert phases_of("built 12 files\n", seconds=1.0) == {}


def test_phase_differences_cover_the_phases_both_versions_report() -> None:
    def build(parse: float, plan: float | None) -> Build:
        phases = {"parse": parse, **({"plan": plan} if plan is not None else {})}
        return Build(2.0, 4.0, phases)

    pairs = [(build(1.0, 0.2), build(0.9, 0.1)), (build(1.2, 0.3), build(1.0, None))]
    result = phase_differences(pairs)
    assert list(result) == ["parse"]  # the second new build did not report "plan"
    base, new, change = result["parse"]
    assert (base, new) == (pytest.approx(1.1), pytest.approx(0.95))
    assert change.median == pytest.approx(-0.15)
