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


def test_the_timed_cold_builds_run_without_the_memory_sampler(monkeypatch, tmp_path) -> None:
    """The sampler reads /proc every 20 ms on the cores the build uses (+0.47 s per 1,000-post
    cold build, 8 pairs): timed builds run alone, and one more cold build gives the memory."""
    import run
    from procs import RunResult

    sampled: list[bool] = []

    def fake_run(cmd, cwd, timeout, memory=False):  # noqa: ANN001, ANN202
        sampled.append(memory)
        return RunResult(True, 3.0 if memory else 2.0, 0, 200.0 if memory else 0.0, "", 150.0)

    monkeypatch.setattr(run, "run_timed", fake_run)
    monkeypatch.setattr(run, "measure_floor", lambda site, n: {"floor_s": 1.6, "cores": 2})
    monkeypatch.setattr(run, "measure_parallel_floor", lambda site: 1.8)
    monkeypatch.setattr(run, "clean", lambda site: None)
    monkeypatch.setattr(run, "tree_size", lambda path: (0, 0))
    monkeypatch.setattr(run, "touch_content", lambda site: None)
    res: dict = {"errors": []}
    assert run.bench_builds(tmp_path, 3, 1, 60.0, res)
    assert sampled[:4] == [False, False, False, True]
    assert res["cold_runs_s"] == [2.0, 2.0, 2.0] and res["ratio"] == 2.0 / 1.6
    assert res["peak_mib"] == 200.0 and res["peak_pss_mib"] == 150.0


def test_a_run_waits_for_the_disk_after_the_last_run_deleted_its_outputs(
    monkeypatch, tmp_path
) -> None:
    import run

    assert run.settle_wait(1000.0, None) == 0.0
    assert run.settle_wait(1000.0, 1000.0 - 60, settle=240) == 180.0
    assert run.settle_wait(1000.0, 1000.0 - 300, settle=240) == 0.0
    assert run.settle_wait(1000.0, 1000.0 + 5000, settle=240) == 240.0  # a clock set back
    monkeypatch.setattr(run, "TRASH", tmp_path / "trash")
    monkeypatch.setattr(run, "EMPTIED", tmp_path / "trash-emptied")
    run.empty_trash()
    assert not run.EMPTIED.exists()  # nothing was deleted: nothing to wait for
    (run.TRASH / "site-1000-1").mkdir(parents=True)
    run.empty_trash()
    assert not run.TRASH.exists() and float(run.EMPTIED.read_text()) > 0
    slept: list[float] = []
    monkeypatch.setattr(run.time, "sleep", slept.append)
    run.wait_for_the_disk()
    assert len(slept) == 1 and 0 < slept[0] <= run.SETTLE_S
