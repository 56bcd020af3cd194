"""File content digests, remembered per process so unchanged files are not read twice.

Dirtiness is always decided by content digests; (size, mtime) only saves re-reading a file this
process already hashed. Paths a watcher reports are forgotten first, so a same-size save within
one mtime tick is still read.
"""

from __future__ import annotations

from pathlib import Path

from .fastpath import file_digest

Signature = tuple[int, int]


class DigestMemo:
    def __init__(self) -> None:
        self._known: dict[str, tuple[Signature, str]] = {}

    def digest(self, path: Path, key: str | None = None) -> str:
        """The digest of `path` (remembered under `key`, default the path); may raise OSError."""
        key = key or str(path)
        stat = path.stat()
        signature = (stat.st_size, stat.st_mtime_ns)
        known = self._known.get(key)
        if known is None or known[0] != signature:
            known = self._known[key] = (signature, file_digest(path.read_bytes()))
        return known[1]

    def remember(self, path: Path, key: str, digest: str) -> None:
        """Record a digest computed elsewhere (a quick rebuild already read the file)."""
        stat = path.stat()
        self._known[key] = ((stat.st_size, stat.st_mtime_ns), digest)

    def known(self, key: str) -> str | None:
        """The digest last computed under `key`, without looking at the file again."""
        known = self._known.get(key)
        return known[1] if known is not None else None

    def forget(self, key: str) -> None:
        self._known.pop(key, None)
