"""How the preview server and the builder take turns (requests wait while a build commits),
and how build events are framed for browsers (server-sent events)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CommitGate:
    """A readers/writer lock: requests share it, a commit excludes them (writers go first)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writers = 0  # waiting or active
        self._writing = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: self._writers == 0)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers += 1
            self._cond.wait_for(lambda: self._readers == 0 and not self._writing)
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._writers -= 1
                self._cond.notify_all()


def sse(event: str, data: str) -> bytes:
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "".join(f"data: {line}\n" for line in lines)
    return f"event: {event}\n{body}\n".encode()
