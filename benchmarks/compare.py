"""Compare the cold builds of two versions of Aloud, interleaved: is a change faster?

    python benchmarks/compare.py REV [--size 1000] [--pairs 8] [--timeout 900]

Builds the benchmark site (benchmarks/out/site-SIZE, generated if missing) cold with the
working tree's Aloud and with REV's (any git revision: HEAD, main~3, a commit id), checked out
in a temporary worktree that is removed at the end. The builds alternate, and so does which
version goes first in each pair: on this machine the second build of a pair runs while the
kernel still writes back the first one's files and was up to 0.3 s slower whichever code it
was, and the machine's speed drifts by tens of percent within minutes, so timing one version
after the other says more about the hour than about the code (see benchmarks/README.md).

Prints each pair, then the medians and the median of the per-pair differences (this tree minus
REV) with their quartiles, for wall time and CPU time, and whether both versions wrote the
same bytes. Then the same per build phase, as each build reports them with `--debug` (config,
discover, parse, assemble, plan, render, ...; "outside" is the rest of the wall time: the
interpreter, imports, the no-change check, exit): a change too small to show in a whole build
still shows in the phase it touches, and a change that moves work shows where it went.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_site  # noqa: E402
from procs import run_timed  # noqa: E402
from run import OUT, REPO, build_cmd, clean, compile_builder, empty_trash  # noqa: E402


@dataclass(frozen=True)
class Build:
    """One timed cold build."""

    seconds: float
    cpu_s: float  # user + kernel, of the build and its workers
    phases: dict[str, float] = field(default_factory=dict)  # phase -> seconds, from --debug


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of some numbers."""

    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:+.3f} (quartiles {self.low:+.3f} to {self.high:+.3f})"


def spread(values: list[float]) -> Spread:
    """Median and quartiles; with fewer than two values the quartiles are the median."""
    middle = statistics.median(values)
    if len(values) < 2:
        return Spread(middle, middle, middle)
    low, _, high = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(middle, low, high)


def differences(pairs: list[tuple[Build, Build]]) -> tuple[Spread, Spread]:
    """Per pair (base, new): new minus base, wall and CPU seconds."""
    wall = [new.seconds - base.seconds for base, new in pairs]
    cpu = [new.cpu_s - base.cpu_s for base, new in pairs]
    return spread(wall), spread(cpu)


_PHASES_LINE = re.compile(r"^phases: (.*)$", re.MULTILINE)
_PHASE = re.compile(r"([a-z][a-z ]*?) (\d+) ms")
OUTSIDE = "outside"


def phases_of(output: str, seconds: float) -> dict[str, float]:
    """The phases a build printed with --debug ("phases: config 1 ms, parse 980 ms, ..."), in
    seconds, plus OUTSIDE: the wall time not in any phase. {} if it printed none."""
    lines = _PHASES_LINE.findall(output)
    if not lines:
        return {}
    phases = {name: int(ms) / 1000 for name, ms in _PHASE.findall(lines[-1])}
    phases[OUTSIDE] = seconds - sum(phases.values())
    return phases


def phase_differences(pairs: list[tuple[Build, Build]]) -> dict[str, tuple[float, float, Spread]]:
    """Per phase both versions report: (median base, median new, spread of new minus base)."""
    names = [
        n for n in pairs[0][0].phases if all(n in b.phases and n in w.phases for b, w in pairs)
    ]
    result = {}
    for name in names:
        base = [b.phases[name] for b, _ in pairs]
        new = [w.phases[name] for _, w in pairs]
        change = spread([w - b for b, w in zip(base, new, strict=True)])
        result[name] = (statistics.median(base), statistics.median(new), change)
    return result


def order(pair: int) -> tuple[str, str]:
    """Which version builds first: alternating, so neither always pays for the other's writes."""
    return ("base", "new") if pair % 2 == 0 else ("new", "base")


def tree_digest(root: Path) -> str:
    """One digest of every file's path and bytes under root."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


@contextmanager
def worktree(revision: str) -> Iterator[Path]:
    """REV checked out in a temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="aloud-compare-"))
    tree = folder / "aloud"
    git = ["git", "-C", str(REPO)]
    add = [*git, "worktree", "add", "--detach", "--quiet", str(tree), revision]
    subprocess.run(add, check=True)
    try:
        yield tree
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def cold_build(repo: Path, site: Path, timeout: float) -> Build:
    clean(site)
    result = run_timed([*build_cmd(site), "--debug"], repo, timeout)
    if not result.ok:
        raise SystemExit(f"a build with {repo} failed:\n{result.output_tail.strip()[-600:]}")
    phases = phases_of(result.output_tail, result.seconds)
    return Build(result.seconds, result.user_s + result.sys_s, phases)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("revision", help="the git revision to compare the working tree with")
    ap.add_argument("--size", type=int, default=1000, help="posts in the benchmark site")
    ap.add_argument("--pairs", type=int, default=8, help="pairs of cold builds")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per build")
    args = ap.parse_args(argv)
    site = OUT / f"site-{args.size}"
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_site(args.size, site)
    with worktree(args.revision) as base_tree:
        trees = {"base": base_tree, "new": REPO}
        outputs = {}
        for name, tree in trees.items():
            compile_builder(tree)  # as run.py does: bytecode and built-in layouts compiled
            cold_build(tree, site, args.timeout)  # also warms the disk cache for both
            outputs[name] = tree_digest(site / "public")
        pairs: list[tuple[Build, Build]] = []
        try:
            for pair in range(args.pairs):
                builds = {name: cold_build(trees[name], site, args.timeout) for name in order(pair)}
                pairs.append((builds["base"], builds["new"]))
                base, new = pairs[-1]
                print(
                    f"pair {pair + 1:2d} ({' first, '.join(order(pair))} second): "
                    f"{args.revision} {base.seconds:.2f} s / {base.cpu_s:.2f} CPU-s, "
                    f"this tree {new.seconds:.2f} s / {new.cpu_s:.2f} CPU-s"
                )
        finally:
            empty_trash()
    wall, cpu = differences(pairs)
    print(
        f"\nmedian cold build: {args.revision} "
        f"{statistics.median(b.seconds for b, _ in pairs):.2f} s, "
        f"this tree {statistics.median(n.seconds for _, n in pairs):.2f} s"
    )
    print(f"this tree minus {args.revision}, per pair: wall {wall} s; CPU {cpu} s")
    same = "the same bytes" if outputs["base"] == outputs["new"] else "DIFFERENT output"
    print(f"output: {same} ({args.size} posts)")
    by_phase = phase_differences(pairs)
    if by_phase:
        print(f"\nper phase (medians, s): {args.revision} -> this tree; per-pair difference")
        for name, (base, new, change) in by_phase.items():
            print(f"  {name:12s} {base:6.3f} -> {new:6.3f}   {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
