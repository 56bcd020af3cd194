"""Aloud benchmark: the one command.

    python benchmarks/run.py [--sizes 1000,5000,10000] [--repeat N] [--timeout 900]

For each size N it generates (or reuses) benchmarks/out/site-N with generate.py, then treats
Aloud as a black box through its CLI (`python build.py build -s SITE --quiet`, from the repo
root) and measures:

- floor: reading + front matter + Markdown/Pygments rendering of every .md in one process,
  divided by os.cpu_count() (see floor.py), measured just before each cold build; the ratio is
  the median of each cold build over its own floor run;
- parallel floor: the same work split over one forked process per core, all at once, also
  measured before each cold build; "cold / par." is the median of each cold build over it;
- cold: full build after deleting SITE/.aloud and SITE/public (median of --repeat, default 3),
  timed with nothing else running; then one more, untimed, for the peak summed RSS and PSS of
  the build's process tree (sampled every 20 ms);
- warm: full build again with nothing changed (median of --repeat, default 5);
- touched: every file under SITE/content touched (new mtime and ctime, same bytes), then a full
  build (median of --repeat, default 5), as after `git stash` and `pop` or a sync tool;
- edit: `build.py watch` running; append a marker sentence to one post (temp file + os.replace)
  and poll the post's output page every 1 ms until the marker is there (median, ms);
- template: SITE/layouts/post.html = the repo's layouts/post.html plus a comment; full build;
- output: size and file count of SITE/public.

A missing or failing builder is reported ("n/a" plus its error) and the run goes on. Results:
a table on stdout, benchmarks/out/results.json and benchmarks/results-latest.md.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from floor import measure_floor, measure_parallel_floor, split_front_matter  # noqa: E402
from generate import CODE_LANGS, DIRTY, ensure_site, read_stamp  # noqa: E402
from procs import RunResult, Watcher, run_timed, tree_size, wait_for_bytes  # noqa: E402

COLUMNS = ["N", "floor s", "cold s", "ratio", "par. floor s", "cold / par.",
           "cold CPU user/sys s", "warm s", "touched s", "edit ms", "template s", "peak MiB",
           "peak PSS MiB", "output MiB/files"]  # fmt: skip


BUILDER = "build.py"  # --builder replaces it, e.g. with a stub to test this harness


def build_cmd(site: Path, command: str = "build") -> list[str]:
    return [sys.executable, BUILDER, command, "-s", str(site), "--quiet"]


@contextlib.contextmanager
def dirty(site: Path) -> Iterator[None]:
    """Mark the site as edited while sources are being changed, so it is regenerated if the
    run dies before they are restored."""
    (site / DIRTY).write_text("benchmark edits in progress\n")
    try:
        yield
    finally:
        (site / DIRTY).unlink(missing_ok=True)


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def report_failure(what: str, r: RunResult) -> str:
    """Print a failed run's error and return a one-line note for the results."""
    print(f"  {what} failed (exit {r.returncode}, {r.seconds:.2f} s):")
    print("    " + "\n    ".join(r.output_tail.strip().splitlines()[-15:]))
    last = r.output_tail.strip().splitlines()[-1:] or ["no output"]
    return f"{what}: exit {r.returncode}: {last[0][:200]}"


TRASH = OUT / "trash"  # earlier outputs, deleted when the whole run is over


def clean(site: Path) -> None:
    """Make the next build cold: no cache, no output folder.

    The old output is moved aside, not deleted: on a filesystem like this machine's (ext4
    without a journal), every file created within minutes of deleting thousands of others in
    the same place makes the kernel step over each recently deleted inode. Deleting public/
    just before each cold build made the three cold builds' kernel time grow run after run
    (1,000 posts: 0.55, 1.37, 1.98 s; 10,000: 5.2, 8.2, 12.7 s): a cost of this harness, not
    of the builder, which gets the same empty folder either way."""
    shutil.rmtree(site / ".aloud", ignore_errors=True)
    output = site / "public"
    if output.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.replace(output, TRASH / f"{site.name}-{time.time_ns()}")


# When `empty_trash` last deleted outputs, and how long the next run waits after that: on this
# machine's disk, files created in the minutes after many were deleted cost many times the
# kernel time (see benchmarks/README.md). Runs started two minutes after another run's end
# measured 1,000-post cold builds with 0.94-1.31 s of kernel time against 0.38-0.62 s, and
# ratios of 1.45 and 1.68 against 1.12-1.22 a few minutes later (2026-12-03).
EMPTIED = OUT / "trash-emptied"
SETTLE_S = 240.0


def empty_trash() -> None:
    if TRASH.exists():
        shutil.rmtree(TRASH, ignore_errors=True)
        EMPTIED.write_text(f"{time.time()}\n", encoding="utf-8")


def settle_wait(now: float, emptied_at: float | None, settle: float = SETTLE_S) -> float:
    """Seconds to wait before timing anything, the last deletion having been at `emptied_at`."""
    if emptied_at is None:
        return 0.0
    return max(0.0, min(settle, emptied_at + settle - now))


def wait_for_the_disk() -> None:
    """Sleep until SETTLE_S after the last run deleted its outputs, saying why."""
    try:
        emptied_at = float(EMPTIED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    wait = settle_wait(time.time(), emptied_at)
    if wait > 0:
        print(
            f"waiting {wait:.0f} s: the last run deleted its outputs {SETTLE_S - wait:.0f} s ago, "
            "and creating files soon after deleting many costs this disk many times the kernel "
            "time (benchmarks/README.md); --no-wait skips this",
            flush=True,
        )
        time.sleep(wait)


def bench_builds(site: Path, cold_n: int, warm_n: int, timeout: float, res: dict) -> bool:
    """Floor and cold builds in turn, one more cold build for memory, then warm builds; False if
    the builder does not work. Each cold build is paired with a floor run just before it, and
    the ratio is the median of the pairs' ratios: on a shared machine whose speed drifts by tens
    of percent within minutes, a floor measured once, before every cold build, skewed the ratio.
    The parallel floor (the floor's work in one forked process per core, all at once) is
    measured in each pair too: what a perfectly parallel builder takes on the machine as it is
    at that moment, whose two busy cores do less than twice one's work, and less on a slow hour.

    The timed cold builds run alone, like the floor: the memory sampler reads /proc every 20 ms
    (every process's stat, and smaps_rollup, which walks the build's page tables), on the same
    two cores the build uses. Peak memory comes from one more cold build, sampled, not timed.
    """
    cold, peaks, pss, floors, ratios, cpu = [], [], [], [], [], []
    parallel_floors: list[float] = []
    parallel_ratios: list[float] = []
    for _ in range(cold_n):
        floor = measure_floor(site, 1)
        floors.append(floor["floor_s"])
        parallel_floors.append(measure_parallel_floor(site))
        clean(site)
        r = run_timed(build_cmd(site), REPO, timeout)
        if not r.ok:
            res["errors"].append(report_failure("cold build", r))
            return False
        cold.append(r.seconds)
        ratios.append(r.seconds / floor["floor_s"])
        parallel_ratios.append(r.seconds / parallel_floors[-1])
        cpu.append((r.user_s, r.sys_s))
    clean(site)
    r = run_timed(build_cmd(site), REPO, timeout, memory=True)
    if not r.ok:
        res["errors"].append(report_failure("cold build (memory)", r))
        return False
    peaks.append(r.peak_mib)
    pss.append(r.peak_pss_mib)
    res["floor"] = {**floor, "runs_s": [f * floor["cores"] for f in floors]}
    res["floor_runs_s"], res["floor_s"] = floors, median(floors)
    res["cold_runs_s"], res["cold_s"] = cold, median(cold)
    res["ratio_runs"], res["ratio"] = ratios, median(ratios)
    res["parallel_floor_runs_s"] = parallel_floors
    res["parallel_floor_s"] = median(parallel_floors)
    res["parallel_ratio_runs"], res["parallel_ratio"] = parallel_ratios, median(parallel_ratios)
    res["cold_cpu_runs_s"] = cpu
    res["cold_user_s"] = median([user for user, _ in cpu])
    res["cold_sys_s"] = median([system for _, system in cpu])
    res["peak_mib"] = max(peaks)
    res["peak_pss_mib"] = max(pss)
    size, files = tree_size(site / "public")
    res["output_mib"], res["output_files"] = size / 2**20, files
    warm = timed_builds(site, warm_n, timeout, res, "warm build")
    res["warm_runs_s"], res["warm_s"] = warm, median(warm)
    if len(warm) > 1 and warm[0] > 3 * (res["warm_s"] or 0) + 0.5:
        res["errors"].append(
            f"warm: the first no-change build after a cold one took {warm[0]:.2f} s"
        )
    touched = timed_builds(site, warm_n, timeout, res, "touched build", before=touch_content)
    res["touched_runs_s"], res["touched_s"] = touched, median(touched)
    return True


def timed_builds(
    site: Path,
    n: int,
    timeout: float,
    res: dict,
    what: str,
    before: Callable[[Path], object] | None = None,
) -> list[float]:
    """Seconds of up to n full builds, each after `before(site)`; stops at a failing one."""
    seconds = []
    for _ in range(n):
        if before is not None:
            before(site)
        r = run_timed(build_cmd(site), REPO, timeout)
        if not r.ok:
            res["errors"].append(report_failure(what, r))
            break
        seconds.append(r.seconds)
    return seconds


def touch_content(site: Path) -> int:
    """New mtime and ctime for every content file, bytes unchanged (what `git stash` and
    `pop` or a sync tool leaves); returns how many."""
    count = 0
    for path in (site / "content").rglob("*"):
        if path.is_file():
            os.utime(path)
            count += 1
    return count


def bench_template(site: Path, n: int, timeout: float, res: dict) -> None:
    """Full (warm) builds after each edit of an overriding layouts/post.html."""
    source = REPO / "layouts" / "post.html"
    if not source.is_file():
        res["errors"].append("template: layouts/post.html does not exist yet")
        return
    layouts = site / "layouts"
    created = not layouts.exists()
    override = layouts / "post.html"
    layouts.mkdir(exist_ok=True)
    original = source.read_text(encoding="utf-8")
    block = "{% block main %}"
    if block not in original:
        res["errors"].append(f"template: layouts/post.html has no {block}")
        return
    times: list[float] = []
    try:
        for k in range(n):
            # Inside a block, so every post page really changes and is written (text after the
            # last endblock of a child template is never rendered).
            comment = f"<!-- bench template edit {time.time_ns()}-{k} -->"
            override.write_text(original.replace(block, f"{block}\n{comment}", 1))
            r = run_timed(build_cmd(site), REPO, timeout)
            if not r.ok:
                res["errors"].append(report_failure("template build", r))
                break
            times.append(r.seconds)
    finally:
        override.unlink(missing_ok=True)
        if created:
            shutil.rmtree(layouts, ignore_errors=True)
    res["template_runs_s"], res["template_s"] = times, median(times)
    run_timed(build_cmd(site), REPO, timeout)  # back to the plain site, untimed


def atomic_write(path: Path, text: str) -> None:
    """Write like an editor: a temp file beside it, then rename over."""
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def edit_target(site: Path, n: int) -> tuple[Path, Path]:
    """A post in the middle of the site and the output page it should land in."""
    post = site / "content" / "posts" / f"post-{max(n // 2, 1):05d}.md"
    fm, _ = split_front_matter(post.read_text(encoding="utf-8"))
    slug = (yaml.safe_load(fm) or {}).get("slug") or post.stem
    return post, site / "public" / "posts" / str(slug) / "index.html"


def bench_edit(site: Path, n: int, edits: int, ready_timeout: float, res: dict) -> None:
    """Median edit-to-written time of a one-post body edit in watch mode."""
    post, page = edit_target(site, n)
    watcher = Watcher(build_cmd(site, "watch"), REPO)
    original = post.read_text(encoding="utf-8")
    times: list[float] = []
    try:
        if not watcher.wait_ready(ready_timeout):
            state = "exited" if not watcher.alive() else f"no 'watching' in {ready_timeout:.0f} s"
            print(f"  watch: {state}:\n    " + watcher.tail().replace("\n", "\n    ")[-2000:])
            res["errors"].append(f"edit: watcher {state}")
            return
        time.sleep(0.5)  # let the file watcher settle after announcing itself
        text = original
        for k in range(edits):
            marker = f"Benchmark marker {time.time_ns()}-{k}."
            text = text.rstrip("\n") + f"\n\n{marker}\n"
            start = time.perf_counter()
            atomic_write(post, text)
            took = wait_for_bytes(page, marker.encode(), start, timeout=60)
            if took is None:
                res["errors"].append(f"edit: {page.relative_to(site)} lacked the marker after 60 s")
                break
            times.append(took * 1000)
            time.sleep(min(max(0.5, took), 10.0))  # let the rest of that rebuild finish
    finally:
        atomic_write(post, original)
        if times:  # wait (bounded) for the restored page so public/ matches the sources
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and b"Benchmark marker" in _read(page):
                time.sleep(0.05)
        watcher.stop()
    res["edit_runs_ms"], res["edit_ms"] = times, median(times)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    site = OUT / f"site-{n}"
    print(f"== N={n}: {site.relative_to(REPO)}")
    t0 = time.perf_counter()
    made = ensure_site(n, site)
    print(f"  site {'generated' if made else 'reused'} ({time.perf_counter() - t0:.1f} s)")
    res: dict[str, Any] = {"n": n, "site": read_stamp(site), "aloud": aloud_version(), "errors": []}
    cold_n = args.repeat or 3
    other_n = args.repeat or 5
    if not bench_builds(site, cold_n, other_n, args.timeout, res):
        res["errors"].append("warm, template, edit: skipped (no working build)")
        return res
    print(f"  floor {res['floor_s']:.2f} s (median; {res['floor']['cores']} cores)")
    print(
        f"  cold {res['cold_s']:.2f} s, {res['ratio']:.2f} x floor (median of paired runs), "
        f"peak {res['peak_mib']:.0f} MiB"
    )
    print(
        f"  parallel floor {res['parallel_floor_s']:.2f} s (median), "
        f"cold {res['parallel_ratio']:.2f} x parallel floor"
    )
    print(f"  warm {fmt(res.get('warm_s'), 2, ' s')}, touched {fmt(res.get('touched_s'), 2, ' s')}")
    with dirty(site):
        bench_template(site, other_n, args.timeout, res)
        print(f"  template {fmt(res.get('template_s'), 2, ' s')}")
        bench_edit(site, n, other_n, max(120.0, 3 * res["cold_s"]), res)
        print(f"  edit {fmt(res.get('edit_ms'), 0, ' ms')}")
    return res


def fmt(x: float | None, digits: int, unit: str = "") -> str:
    return "n/a" if x is None else f"{x:.{digits}f}{unit}"


def row(r: dict[str, Any]) -> list[str]:
    out = "n/a"
    if r.get("output_files") is not None:
        out = f"{r['output_mib']:.1f} / {r['output_files']}"
    cpu = f"{fmt(r.get('cold_user_s'), 2)} / {fmt(r.get('cold_sys_s'), 2)}"
    return [
        str(r["n"]), fmt(r.get("floor_s"), 2), fmt(r.get("cold_s"), 2), fmt(r.get("ratio"), 2),
        fmt(r.get("parallel_floor_s"), 2), fmt(r.get("parallel_ratio"), 2),
        cpu, fmt(r.get("warm_s"), 2), fmt(r.get("touched_s"), 2), fmt(r.get("edit_ms"), 0),
        fmt(r.get("template_s"), 2),
        fmt(r.get("peak_mib"), 0), fmt(r.get("peak_pss_mib"), 0), out,
    ]  # fmt: skip


def text_table(results: list[dict[str, Any]]) -> str:
    rows = [COLUMNS] + [row(r) for r in results]
    widths = [max(len(x[i]) for x in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(x, widths, strict=True)) for x in rows)


def markdown_table(results: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row(r)) + " |" for r in results]
    return "\n".join(lines)


def aloud_version() -> str:
    """Short commit of the builder, '+local' if its files have uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    local = git("status", "--porcelain", "--", "ssg", "layouts", "assets", "build.py").strip()
    return commit + ("+local" if local else "")


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def write_markdown(
    path: Path, info: dict[str, Any], results: list[dict[str, Any]], command: str
) -> None:
    notes = [f"- N={r['n']}: {e}" for r in results for e in r["errors"]]
    versions = "; ".join(f"{r['aloud']} (N={r['n']})" for r in results)
    text = [
        "# Latest benchmark results",
        "",
        f"Made by `{command}` (see [README.md](README.md) for what each column means).",
        "",
        f"- machine: {info['platform']}, {info['cpu']}, {info['cores']} cores",
        f"- Python {info['python']}, {info['date']}; Aloud at {versions}",
        "",
        markdown_table(results),
        "",
    ]
    if notes:
        text += ["Notes:", "", *notes, ""]
    path.write_text("\n".join(text), encoding="utf-8")


def compile_builder(repo: Path = REPO) -> None:
    """Byte-compile Aloud's package, as an installed copy is: pip compiles on install, and
    Python writes `__pycache__` on first import. Where PYTHONDONTWRITEBYTECODE is set (this
    machine's sandbox sets it) nothing would ever be written, and every build would compile
    Aloud's modules from source again: about 60 ms of CPU, half of it before the workers start.

    Then one build of a one-post site, so the installation holds its built-in layouts compiled
    (`ssg/__pycache__/layouts-*`, see ssg/template_cache.py), as any copy of Aloud does after
    its first build of any site; otherwise the first cold build measured would compile them
    and the others not. Its post highlights a line in each language the corpus uses, so the
    installation also holds those lexers' regular expressions compiled
    (`ssg/__pycache__/regex-*`, see ssg/regex_cache.py), as after a writer's first build with
    code in them."""
    compileall.compile_dir(repo / "ssg", quiet=1)
    site = OUT / "first-build"
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "posts").mkdir(parents=True)
    (site / "site.toml").write_text(
        'title = "First build"\nbase_url = "https://example.org/"\ndefault_language = "en"\n'
        '[languages.en]\nname = "English"\n'
    )
    code = "".join(f"\n```{lang}\nx\n```\n" for lang in CODE_LANGS)
    (site / "content" / "posts" / "hello.md").write_text(
        f"---\ntitle: Hello\ndate: 2024-01-01\n---\nFirst.\n{code}", encoding="utf-8"
    )
    result = subprocess.run(build_cmd(site), cwd=repo, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"a one-post build failed: {result.stderr.strip()[-300:]}")
    shutil.rmtree(site, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Aloud benchmark (see benchmarks/README.md)")
    ap.add_argument("--sizes", default="1000,5000,10000", help="comma-separated post counts")
    ap.add_argument("--repeat", type=int, help="runs per measure (default: 3 cold, 5 others)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per build")
    ap.add_argument("--builder", default=BUILDER, help="CLI script to run (tests of the harness)")
    ap.add_argument(
        "--no-wait", action="store_true", help="start at once, even right after another run"
    )
    args = ap.parse_args(argv)
    globals()["BUILDER"] = args.builder
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine()
    # Trash a run that died left behind is deleted at the end, with this run's: deleting it
    # now would make the cold builds' file creation pay for it (see `clean`; on 2026-11-22 a
    # run that began by deleting a few dozen experiment output trees spent 3.7 and 6.6 s in
    # the kernel in its 5,000- and 10,000-post cold builds, mostly creating files).
    compile_builder()
    if not args.no_wait:
        wait_for_the_disk()
    try:
        results = [bench_size(n, args) for n in sizes]
    finally:
        empty_trash()
    print()
    print(text_table(results))
    for r in results:
        for e in r["errors"]:
            print(f"  N={r['n']}: {e}")
    payload = {"machine": info, "repeat": args.repeat, "results": results}
    (OUT / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    write_markdown(HERE / "results-latest.md", info, results, command.strip())
    print(f"\nwrote {(OUT / 'results.json').relative_to(REPO)} and benchmarks/results-latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
