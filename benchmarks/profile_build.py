"""Profile one cold, single-process build of site-N (default 1000) in-process.

Usage: python benchmarks/profile_build.py [--n 1000] [--top 30]

Generates (or reuses) benchmarks/out/site-N, deletes its .aloud/ and public/, then calls
`ssg.cli.main(["build", "-s", SITE, "--quiet", "--jobs", "1"])` under pyinstrument (cProfile if
pyinstrument is missing). Writes benchmarks/out/profile.txt (flat self-time list, then the call
tree) and prints the top entries.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
# This file is named like the stdlib's `profile` (which cProfile imports): keep benchmarks/ off
# the import path, and put the repo on it for `ssg`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(REPO))


def load_generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_call(site: Path) -> Callable[[], object]:
    """The in-process build; SystemExit is turned into its code."""
    from ssg.cli import main as aloud_main

    argv = ["build", "-s", str(site), "--quiet", "--jobs", "1"]

    def call() -> object:
        try:
            return aloud_main(argv)
        except SystemExit as e:
            return e.code

    return call


def with_pyinstrument(call: Callable[[], object], top: int) -> tuple[object, str, str]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        rc = call()
    finally:
        profiler.stop()
    flat = profiler.output_text(flat=True, show_all=False)
    tree = profiler.output_text(unicode=True, show_all=False)
    head = "\n".join(flat.splitlines()[: top + 6])
    return rc, head, f"== flat (self time) ==\n{flat}\n== call tree ==\n{tree}"


def with_cprofile(call: Callable[[], object], top: int) -> tuple[object, str, str]:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    rc = prof.runcall(call)
    parts = []
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(top)
        parts.append(f"== sorted by {key} ==\n{buf.getvalue()}")
    return rc, parts[0], "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="site size (posts)")
    ap.add_argument("--top", type=int, default=30, help="entries to print")
    args = ap.parse_args(argv)
    site = OUT / f"site-{args.n}"
    load_generate().ensure_site(args.n, site)
    shutil.rmtree(site / ".aloud", ignore_errors=True)
    shutil.rmtree(site / "public", ignore_errors=True)
    try:
        call = build_call(site)
    except ImportError as e:
        print(f"cannot import ssg.cli.main: {e}", file=sys.stderr)
        return 1
    try:
        import pyinstrument  # noqa: F401

        profile_with, tool = with_pyinstrument, "pyinstrument"
    except ImportError:
        profile_with, tool = with_cprofile, "cProfile"
    t0 = time.perf_counter()
    rc, head, report = profile_with(call, args.top)
    took = time.perf_counter() - t0
    header = f"cold build of {site.relative_to(REPO)} under {tool}: {took:.2f} s, exit {rc}\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "profile.txt").write_text(header + "\n" + report, encoding="utf-8")
    print(header)
    print(head)
    print(f"\nfull report: {(OUT / 'profile.txt').relative_to(REPO)}")
    return 0 if rc in (0, None) else 1


if __name__ == "__main__":
    sys.exit(main())
