"""Subprocess helpers for run.py: timed runs with process-tree memory sampling, and a watcher.

Every child is started in its own session (process group), so a pool of workers can be sampled
and, on timeout or at the end, signalled through that group only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY_S = 0.020


@dataclass
class RunResult:
    """Outcome of one timed subprocess."""

    ok: bool
    seconds: float
    returncode: int | None
    peak_mib: float
    output_tail: str
    peak_pss_mib: float = 0.0  # proportional: pages shared by forked workers counted once
    user_s: float = 0.0  # CPU time of the process and the workers it waited for
    sys_s: float = 0.0  # kernel time of the same: system calls, page faults, file creation


def _children_map() -> dict[int, list[int]]:
    """ppid -> [pid] for every process visible in /proc."""
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _tree_sum_kib(pid: int, file: str, field: bytes) -> int:
    """Sum of one /proc/<pid>/<file> field (KiB) over pid and all its descendants (0 if gone)."""
    kids = _children_map()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/{file}", "rb") as f:
                for line in f:
                    if line.startswith(field):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def tree_rss_kib(pid: int) -> int:
    """Summed VmRSS: pages shared copy-on-write with forked workers count once per process."""
    return _tree_sum_kib(pid, "status", b"VmRSS:")


def tree_pss_kib(pid: int) -> int:
    """Summed Pss: what the tree really occupies, since a page shared copy-on-write by a parent
    and its forked workers is split between them, not repeated."""
    return _tree_sum_kib(pid, "smaps_rollup", b"Pss:")


class TreeSampler(threading.Thread):
    """Samples the tree's summed RSS every 20 ms until stopped; keeps the maximum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.peak_pss_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            self.peak_pss_kib = max(self.peak_pss_kib, tree_pss_kib(self.pid))
            self._stop_event.wait(SAMPLE_EVERY_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _kill_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_timed(cmd: list[str], cwd: Path, timeout: float, memory: bool = False) -> RunResult:
    """Wall time of cmd; with memory=True also the peak summed RSS of its process tree."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(
                cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                env=child_env(),
            )  # fmt: skip
        except OSError as e:
            return RunResult(False, 0.0, None, 0.0, f"cannot start {cmd[0]}: {e}")
        sampler = TreeSampler(proc.pid) if memory else None
        if sampler:
            sampler.start()
        timer = threading.Timer(timeout, _kill_group, (proc.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        _kill_group(proc.pid, signal.SIGKILL)  # stray workers, if any
        peak_kib = pss_kib = 0
        if sampler:
            sampler.stop()
            peak_kib = max(sampler.peak_kib, usage.ru_maxrss)  # ru_maxrss: KiB on Linux
            pss_kib = sampler.peak_pss_kib
        out.seek(0)
        tail = out.read().decode("utf-8", "replace")[-3000:]
    timed_out = seconds >= timeout
    if timed_out:
        tail += f"\n[timed out after {timeout:.0f} s]"
    ok = proc.returncode == 0 and not timed_out
    return RunResult(
        ok, seconds, proc.returncode, peak_kib / 1024, tail, pss_kib / 1024,
        usage.ru_utime, usage.ru_stime,
    )  # fmt: skip


class Watcher:
    """A long-running `watch` subprocess whose output lines are collected by a thread."""

    def __init__(self, cmd: list[str], cwd: Path, ready_word: str = "watching") -> None:
        self.ready_word = ready_word.lower()
        self.ready = threading.Event()
        self.lines: deque[str] = deque(maxlen=60)
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace", bufsize=1, start_new_session=True, env=child_env(),
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if self.ready_word in line.lower():
                self.ready.set()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float) -> bool:
        """True once a line containing the ready word was printed; False on timeout/exit."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready.wait(0.05):
                return True
            if not self.alive():
                self._reader.join(1)
                return self.ready.is_set()
        return False

    def tail(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        """Ctrl-C first (like a user), then SIGTERM, then SIGKILL; all to its own group."""
        for sig, grace in ((signal.SIGINT, 10.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if not self.alive():
                break
            _kill_group(self.proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(grace)
        _kill_group(self.proc.pid, signal.SIGKILL)  # leftover workers
        self._reader.join(2)


def wait_for_bytes(path: Path, needle: bytes, start: float, timeout: float) -> float | None:
    """Poll path every 1 ms until it contains needle; seconds since start, or None on timeout."""
    while True:
        try:
            if needle in path.read_bytes():
                return time.perf_counter() - start
        except OSError:
            pass
        if time.perf_counter() - start > timeout:
            return None
        time.sleep(0.001)


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under folder, not following symlinks."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
                files += 1
    return total, files
