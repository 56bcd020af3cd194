"""The persistent build cache in `.aloud/`: parse results by content digest, and output keys.

Two files: `parsed.pickle` (parse results; the bulk, shared by every output folder, written by
a forked process while the site is assembled, or else while the workers render) and
`state-<folder>.pickle` (each output's key, written after a build succeeded; small). Deleting
either is always safe (the next build redoes that work). A file written by another Aloud
version, for another output folder, or damaged on disk is detected by its header and checksum
and ignored, never trusted. Parse results are kept only for the code and
libraries that made them (`toolchain.py`); output keys include them through the global digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import os
import pickle
import tempfile
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, aside
from .collector import no_collections
from .config import Config
from .toolchain import toolchain

if TYPE_CHECKING:
    from .fastpath import FileStamp

MAGIC = b"ALOUD-CACHE-2\n"


class BuildCache:
    """In memory during a build; loaded from and saved to `state_dir` when one is given."""

    def __init__(self, state_dir: Path | None, output_dir: Path) -> None:
        self.state_dir = state_dir
        self.output_dir = str(output_dir.resolve())
        self._parsed: dict[str, tuple[str, Any]] = {}
        self._keys: dict[str, str] = {}
        self._stamps: dict[str, FileStamp] = {}
        self._loaded = False
        self._parsed_dirty = False
        self._keys_dirty = False
        self._saving_pid: int | None = None  # a forked process writing the parse results

    @property
    def path(self) -> Path:
        """One state file per output folder, so `serve --drafts` does not spoil public/'s."""
        assert self.state_dir is not None
        tag = hashlib.blake2b(self.output_dir.encode(), digest_size=4).hexdigest()
        return self.state_dir / f"state-{tag}.pickle"

    @property
    def writing_path(self) -> Path:
        """Present from the start of writing the output until its keys are saved."""
        return self.path.with_name(self.path.stem.replace("state-", "writing-"))

    @property
    def parsed_path(self) -> Path:
        assert self.state_dir is not None
        return self.state_dir / "parsed.pickle"

    # -- persistence ---------------------------------------------------------------------
    def load(self, config: Config) -> None:
        if self._loaded or self.state_dir is None:
            self._loaded = True
            return
        self._loaded = True
        with no_collections():
            parsed = read_cache_file(self.parsed_path)
        if parsed and parsed[0] == _parsed_header():
            entries = {}
            for record in parsed[1:]:
                if not (isinstance(record, tuple) and len(record) == 3):
                    break  # not ours after all: use none of it
                rel, digest, result = record
                entries[rel] = (digest, result)
            else:
                self._parsed = entries
        records = read_cache_file(self.path)
        state = records[0] if records else None
        if not isinstance(state, dict) or state.get("version") != __version__:
            return
        keys = state.get("keys")
        same_output = state.get("output_dir") == self.output_dir and Path(self.output_dir).is_dir()
        if same_output and isinstance(keys, dict):
            self._keys = _distrust_unsaved_writes(keys, self.writing_path)
            stamps = state.get("stamps")
            self._stamps = stamps if isinstance(stamps, dict) else {}

    def save_parsed_aside(self) -> None:
        """Start writing the parse results in a forked process, which pickles them while this
        one assembles and plans the site (serial work, one core idle): 0.1 s of a 1,000-post
        cold build's main process, 1 s at 10,000, moved off the critical path (`aside.py`).
        If no child can be forked, or it fails, `save_parsed` writes them here as before."""
        if self.state_dir is None or not self._parsed_dirty or self._saving_pid is not None:
            return
        pid = aside.start(self.save_parsed)
        if pid is not None:
            self._saving_pid = pid
            self._parsed_dirty = False

    def await_saving_aside(self) -> None:
        """Wait for the process writing the parse results; if it failed, they are to be written
        here. A build waits before forking its render workers."""
        pid, self._saving_pid = self._saving_pid, None
        if pid is not None and not aside.succeeded(pid):
            self._parsed_dirty = True

    def save_parsed(self) -> None:
        """Write the parse results if they changed (a build calls this while workers render)."""
        self.await_saving_aside()
        if self.state_dir is None or not self._parsed_dirty:
            return
        entries = ((rel, digest, result) for rel, (digest, result) in self._parsed.items())
        write_cache_file(self.parsed_path, itertools.chain([_parsed_header()], entries))
        self._parsed_dirty = False

    def save(self) -> None:
        self.save_parsed()
        if self.state_dir is None:
            return
        if self._keys_dirty:
            payload = {
                "version": __version__,
                "output_dir": self.output_dir,
                "keys": self._keys,
                "stamps": self._stamps,
            }
            write_cache_file(self.path, [payload])
            self._keys_dirty = False
        self.writing_path.unlink(missing_ok=True)  # the keys saved describe the output again

    @contextlib.contextmanager
    def writing(self, paths: Collection[str] | None = None) -> Iterator[None]:
        """Around writing the output: `paths` are about to change (None: all of it may).

        Until the keys of what was written are saved, `writing-*` lists those paths: their
        recorded keys no longer describe the files (a quick rebuild in watch mode does not save
        keys at all, and a build can be killed between writing and saving). The next load
        forgets those keys, so those outputs are rendered and compared again; without this, a
        page edited in watch mode and reverted before the next build would keep the edit. A
        write that fails in this process forgets the keys at once, for the same reason."""
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            listed = "*\n" if paths is None else "".join(f"{path}\n" for path in paths)
            with open(self.writing_path, "a", encoding="utf-8") as marker:
                marker.write(listed)
        try:
            yield
        except BaseException:
            self.forget_outputs()
            raise

    def has_parsed(self) -> bool:
        """Whether any parse result is known (if not, nothing is worth checking against)."""
        return bool(self._parsed)

    # -- parse results -------------------------------------------------------------------
    def parsed(self, rel: str, digest: str) -> Any | None:
        entry = self._parsed.get(rel)
        if entry is not None and entry[0] == digest:
            return entry[1]
        return None

    def results(self) -> Iterator[Any]:
        """Every parse result held, whether or not its source is still the same."""
        return (result for _digest, result in self._parsed.values())

    def store_parsed(self, rel: str, result: Any) -> None:
        self._parsed[rel] = (result.digest, result)
        self._parsed_dirty = True

    def retain_parsed(self, rels: set[str]) -> None:
        for rel in set(self._parsed) - rels:
            del self._parsed[rel]
            self._parsed_dirty = True

    # -- output keys ---------------------------------------------------------------------
    def output_keys(self) -> dict[str, str]:
        return dict(self._keys)

    def set_output_keys(self, keys: dict[str, str]) -> None:
        if keys != self._keys:
            self._keys = keys
            self._keys_dirty = True

    def output_stamps(self) -> dict[str, FileStamp]:
        """What each output file looked like when this Aloud last wrote or checked it."""
        return self._stamps

    def set_output_stamps(self, stamps: dict[str, FileStamp]) -> None:
        if stamps != self._stamps:
            self._stamps = stamps
            self._keys_dirty = True

    def forget_outputs(self) -> None:
        self._keys = {}
        self._stamps = {}
        self._keys_dirty = True


def _parsed_header() -> dict[str, str]:
    """Parse results hold what Aloud's code and its libraries made of each source's bytes
    (HTML, highlighted code, headings): they are kept only for the same code and libraries."""
    return {"version": __version__, "toolchain": toolchain()}


def _distrust_unsaved_writes(keys: dict[str, str], marker: Path) -> dict[str, str]:
    """The recorded keys, less those of outputs written since they were saved."""
    try:
        listed = marker.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return keys
    except (OSError, UnicodeDecodeError):
        return {}
    written = set(listed)
    if "*" in written:
        return {}
    return {path: ("" if path in written else key) for path, key in keys.items()}


class _HashingWriter:
    """A file that also hashes what is written to it (pickle writes frames of ~64 KiB)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.hasher = hashlib.blake2b(digest_size=32)

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return self.handle.write(data)


def read_cache_file(path: Path) -> list[Any] | None:
    """The records of a cache file, or None when missing, foreign or damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header = len(MAGIC) + 32
    if not raw.startswith(MAGIC) or len(raw) < header:
        return None
    checksum = raw[len(MAGIC) : header]
    if hashlib.blake2b(memoryview(raw)[header:], digest_size=32).digest() != checksum:
        return None
    stream = io.BytesIO(raw)  # shares the bytes object (a memoryview would be copied)
    stream.seek(header)
    records = []
    try:
        while stream.tell() < len(raw):
            records.append(pickle.load(stream))  # noqa: S301 - our own file, checksum verified
    except Exception:
        return None
    return records


def write_cache_file(path: Path, records: Iterable[Any]) -> None:
    """MAGIC, checksum, then one pickle per record, streamed: no copy of a large payload in
    memory, and each record's pickler remembers only that record's objects (one pickle of
    every parse result held a table of all of them while the render worker was alive)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            handle.write(bytes(32))  # the checksum, once known
            writer = _HashingWriter(handle)
            for record in records:
                pickle.dump(record, writer, protocol=pickle.HIGHEST_PROTOCOL)
            handle.seek(len(MAGIC))
            handle.write(writer.hasher.digest())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n")
