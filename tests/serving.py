"""Run `python build.py serve|watch` as a real process on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Running:
    def __init__(self, site: Path, command: str, *extra: str) -> None:
        self.port = free_port()
        args = [sys.executable, str(REPO / "build.py"), command, "-s", str(site), *extra]
        if command == "serve":
            args += ["--port", str(self.port)]
        self.log = site.parent / f"{command}-{self.port}.log"
        self.handle = self.log.open("w")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(args, stdout=self.handle, stderr=subprocess.STDOUT, env=env)
        self.wait_for(r"watching ")

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.output()):
                return
            if self.process.poll() is not None:
                raise AssertionError(f"process exited: {self.output()}")
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {pattern!r}: {self.output()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> int:
        self.process.send_signal(2)  # Ctrl-C
        try:
            return self.process.wait(timeout=10)
        finally:
            self.handle.close()


def save(path: Path, text: str) -> None:
    """Save like an editor does: write a temporary file, then rename it over the original."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
