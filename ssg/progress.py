"""A progress line on a terminal for long builds, and a one-line summary; quiet in CI."""

from __future__ import annotations

import os
import sys
import time
from typing import Any


class Progress:
    def __init__(self, quiet: bool = False, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.live = not quiet and self.stream.isatty() and not os.environ.get("CI")
        self.started = time.perf_counter()
        self._last = 0.0

    def step(self, phase: str, done: int, total: int) -> None:
        if not self.live or total < 200:
            return
        now = time.perf_counter()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        rate = done / max(now - self.started, 1e-6)
        self.stream.write(f"\r{phase}: {done}/{total} ({rate:,.0f}/s)\x1b[K")
        if done == total:
            self.stream.write("\r\x1b[K")
        self.stream.flush()

    def done(self, result: Any) -> None:
        if self.quiet:
            return
        written = len(result.written)
        self.stream.write(
            f"built {result.planned} files: {result.rendered} rendered, {written} written, "
            f"{result.planned - result.rendered} unchanged skipped, "
            f"{len(result.deleted)} removed in {result.seconds:.2f} s\n"
        )


def format_timings(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in timings.items())


class PhaseTimer:
    """Wall time per build phase, for the benchmark and `--debug`."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now
