"""Putting bytes on disk without ever leaving a half-built site.

- A full build writes a staging folder beside the output and swaps it in only when every output
  rendered (`StagingWriter`).
- An incremental build has already rendered every dirty output in memory when it gets here;
  each file then goes through a temp file and `os.replace`, identical bytes are not rewritten, and
  files no longer planned are pruned (`write_incremental`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


def safe_join(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that could escape root (an alias like "../../etc").

    Checked on the path's parts rather than with `resolve()`, which costs a system call per
    folder level for every file written; output folders hold no symlinks we did not make.
    """
    parts = rel.replace("\\", "/").split("/")
    if (
        rel.startswith("/")
        or any(part in ("..", "") for part in parts[:-1])
        or parts[-1] in ("", "..")
    ):
        raise ValueError(f"output path escapes the output folder: {rel}")
    return root / rel


def write_file(path: Path, data: bytes) -> bool:
    """Atomically replace `path` with `data`; False (and no write) when the bytes are the same."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".aloud-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


class StagingWriter:
    """Writes a complete new output folder next to the old one, then swaps it in."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{output_dir.name}.staging-", dir=output_dir.parent)
        )
        self._folders = {str(self.staging)}  # made by this process (each worker has its own)

    def write(self, rel: str, data: bytes) -> None:
        """Write one file; its folder is made once, not asked for again for every file in it."""
        target = str(safe_join(self.staging, rel))
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        with open(target, "wb") as handle:
            handle.write(data)

    def commit(self) -> None:
        """Swap the staging folder in; the old output is removed only after the swap."""
        old = None
        if self.output_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.output_dir.name}.old-", dir=self.output_dir.parent)
            )
            old.rmdir()
            os.replace(self.output_dir, old)
        os.chmod(self.staging, 0o755)
        os.replace(self.staging, self.output_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def write_incremental(
    output_dir: Path, files: dict[str, bytes], deleted: Iterable[str]
) -> list[str]:
    """Write changed files and delete stale ones; returns the paths whose bytes actually changed."""
    changed = []
    for rel, data in sorted(files.items()):
        if write_file(safe_join(output_dir, rel), data):
            changed.append(rel)
    for rel in sorted(deleted):
        path = safe_join(output_dir, rel)
        if path.is_file():
            path.unlink()
            changed.append(rel)
            _remove_empty_parents(path.parent, output_dir)
    return changed


def _remove_empty_parents(folder: Path, root: Path) -> None:
    root = root.resolve()
    folder = folder.resolve()
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
