"""The benchmark's table: one cell per column, the parallel floor beside the floor."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import COLUMNS, markdown_table, row  # noqa: E402


def test_a_row_has_a_cell_per_column_with_the_parallel_floor() -> None:
    result = {
        "n": 1000, "floor_s": 1.634, "cold_s": 2.391, "ratio": 1.337,
        "parallel_floor_s": 1.81, "parallel_ratio": 1.205,
        "cold_user_s": 3.21, "cold_sys_s": 0.41, "warm_s": 0.08, "touched_s": 0.15,
        "edit_ms": 27.2, "template_s": 1.23, "peak_mib": 183.4, "peak_pss_mib": 142.0,
        "output_mib": 30.2, "output_files": 2657,
    }  # fmt: skip
    cells = dict(zip(COLUMNS, row(result), strict=True))
    assert cells["ratio"] == "1.34" and cells["par. floor s"] == "1.81"
    assert cells["cold / par."] == "1.21" and cells["output MiB/files"] == "30.2 / 2657"


def test_a_run_without_a_parallel_floor_says_so() -> None:
    table = markdown_table([{"n": 1000, "floor_s": 1.6, "cold_s": 2.4, "ratio": 1.5}])
    header, rule, line = table.splitlines()
    assert header.count("|") == rule.count("|") == line.count("|") == len(COLUMNS) + 1
    assert "| 1.50 | n/a | n/a |" in line
