"""Skip a build whose inputs have not changed at all, before importing anything heavy.

Importing Jinja2, markdown-it, Pygments and Babel alone costs a few hundred milliseconds,
more than a whole no-change build should take. So `aloud build` first asks this stdlib-only
module whether anything could have changed: it compares the stat data of every input (size,
mtime, ctime and inode, as git's index does; ctime cannot be forged by `cp -p` or rsync), the
build options, Aloud's own files and the git HEAD against what the last successful build recorded,
and checks that every output it wrote is still there as it left it (size, mtime and inode).

A content file whose stat data changed but whose bytes did not (`touch`, `git stash` and `pop`,
checking out another branch and back, a sync tool rewriting a folder) is read and compared with
the digest of the bytes the last build used: equal bytes are no change, and the record takes the
new stat data, so the next check is by stat data alone again. Any other difference, however
small, falls through to the real build, which decides by content digests and renders again any
output file that was edited or replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# What a file looked like right after Aloud wrote it: (size, mtime in ns, inode). A build
# renders again any output whose file no longer looks like this (edited by hand, replaced,
# truncated by a failed copy), as make and rsync notice changed files; this module skips a build
# only if every output still does.
FileStamp = tuple[int, int, int]


def stamp_of(path: str) -> FileStamp | None:
    """The stamp of the file at `path` now; None if there is no regular file there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _builtin_root() -> Path:
    """Aloud's own layouts/, assets/ and i18n/: beside the package in a clone or an editable
    install, else under <prefix>/share/aloud where a wheel puts them."""
    import sys

    clone = PACKAGE_DIR.parent
    if (clone / "layouts").is_dir():
        return clone
    return Path(sys.prefix) / "share" / "aloud"


BUILTIN_ROOT = _builtin_root()
_INPUT_DIRS = ("content", "layouts", "assets", "i18n")


def file_digest(data: bytes) -> str:
    """The content digest of a file's bytes: the one the build keys parse results by, kept here
    so that checking a touched file needs nothing but the standard library."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


Stat = tuple[int, int, int, int]  # size, mtime, ctime (ns), inode


@dataclass(frozen=True)
class InputScan:
    """Everything a build reads, by stat data (no file is opened)."""

    signature: str  # all of it: options, git HEAD, every input file's stat data
    frame: str  # all of it but the stat data of the files under content/ (their names are in it)
    content: dict[str, Stat]  # file under content/ (posix, relative) -> its stat data


def _input_folders(site_dir: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(root, folder, sorted file names) of every folder a build reads from, site.toml's last."""
    roots = [site_dir / name for name in _INPUT_DIRS] + [
        BUILTIN_ROOT / name for name in _INPUT_DIRS[1:]
    ]
    roots.append(PACKAGE_DIR)
    for root in map(str, roots):
        for dirpath, dirnames, filenames in os.walk(root):
            # __pycache__ appears when the build imports Aloud: not an input
            dirnames[:] = sorted(name for name in dirnames if name != "__pycache__")
            yield root, dirpath, sorted(filenames)
    if (site_dir / "site.toml").exists():
        yield str(site_dir), str(site_dir), ["site.toml"]


def scan_inputs(site_dir: Path, options: dict) -> InputScan:
    """Stat every input once (about 10 ms at 1,000 posts, 100 ms at 10,000); lines are hashed
    a folder at a time, which keeps the Python work per file to a few operations."""
    everything = hashlib.blake2b(digest_size=16)
    frame = hashlib.blake2b(digest_size=16)
    for hasher in (everything, frame):
        hasher.update(json.dumps(options, sort_keys=True).encode())
    content: dict[str, Stat] = {}
    content_root = str(site_dir / "content")
    for root, dirpath, filenames in _input_folders(site_dir):
        in_content = root == content_root
        lines = [f"{dirpath}/\n"]
        frame_lines = lines.copy()
        folder = dirpath[len(root) + 1 :].replace(os.sep, "/")
        folder = folder + "/" if folder else ""
        prefix = dirpath + os.sep
        for name in filenames:
            if name.endswith((".pyc", ".swp", "~")):
                continue
            path = prefix + name
            info = os.stat(path)
            found = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            line = f"{path}\0{found[0]}\0{found[1]}\0{found[2]}\0{found[3]}\n"
            lines.append(line)
            if in_content:
                frame_lines.append(path + "\n")
                content[folder + name] = found
            else:
                frame_lines.append(line)
        everything.update("".join(lines).encode())
        frame.update("".join(frame_lines).encode())
    head = str(_git_head(site_dir)).encode()
    everything.update(head)
    frame.update(head)
    return InputScan(everything.hexdigest(), frame.hexdigest(), content)


def head_signature(site_dir: Path) -> str | None:
    """What HEAD points at, read from .git without a subprocess ("" outside a repository)."""
    for folder in (site_dir, *site_dir.parents):
        git = folder / ".git"
        if git.is_dir():
            try:
                head = (git / "HEAD").read_text().strip()
                if head.startswith("ref: "):
                    ref = git / head[5:]
                    value = (
                        ref.read_text().strip()
                        if ref.is_file()
                        else (git / "packed-refs").read_text()
                    )
                    return f"{head}:{value}"
                return head
            except OSError:
                return None
        if git.is_file():  # a worktree or submodule: let git decide each time
            return None
    return ""


def _git_head(site_dir: Path) -> str | None:
    return head_signature(site_dir)


def _state_path(site_dir: Path, output_dir: Path) -> Path:
    tag = hashlib.blake2b(str(output_dir.resolve()).encode(), digest_size=4).hexdigest()
    return site_dir / ".aloud" / f"fast-{tag}.json"


def _content_path(state_path: Path) -> Path:
    """The content files' stat data and digests: read only when some stat data changed."""
    return state_path.with_name(state_path.name.replace("fast-", "content-", 1))


def _write_json(path: Path, value: object) -> str:
    """Write atomically; returns the text's digest (the main record names its content record)."""
    text = json.dumps(value, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(text)
    os.replace(temp, path)
    return file_digest(text.encode())


def _write_state(
    path: Path, scan: InputScan, files: list, warnings: list[str], content: dict[str, list]
) -> None:
    """The content record first, then the main record naming it by digest: a build killed
    between the two leaves a main record that does not match and is not trusted."""
    content_digest = _write_json(_content_path(path), {"frame": scan.frame, "content": content})
    state = {
        "inputs": scan.signature,
        "frame": scan.frame,
        "content_digest": content_digest,
        "files": files,
        "warnings": warnings,
    }
    _write_json(path, state)


def record(
    site_dir: Path,
    output_dir: Path,
    scan: InputScan,
    warnings: list[str],
    stamps: dict[str, FileStamp | None],
    digests: dict[str, str],
) -> None:
    """After a successful build: remember the inputs as scanned before it, the digest of each
    content file as the build read it (`digests`, by path relative to content/), and the stamp
    of each output it planned, as the build recorded it (a missing one is taken from the disk).

    Only the build's own outputs: walking public/ to find them took 100 ms at 1,000 posts (a
    directory per page). Files the build did not plan are none of its business, as for a real
    build. The digests are those of the bytes the build used, never read again here: a file
    changed during the build and changed back afterwards must not look unchanged."""
    files = []
    for rel, known in stamps.items():
        found = known or stamp_of(os.path.join(output_dir, rel))
        if found is None:
            return  # gone already: record nothing, so the next build is a real one
        files.append([rel, *found])
    content = {rel: [*found, digests.get(rel)] for rel, found in scan.content.items()}
    _write_state(_state_path(site_dir, output_dir), scan, files, warnings, content)


def forget(site_dir: Path, output_dir: Path) -> None:
    path = _state_path(site_dir, output_dir)
    path.unlink(missing_ok=True)
    _content_path(path).unlink(missing_ok=True)


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _same_bytes(site_dir: Path, state_path: Path, state: dict, scan: InputScan) -> dict | None:
    """The content record updated to the new stat data, if only content files' stat data
    changed and each of those files still has the bytes the last build read; else None."""
    if state.get("frame") != scan.frame:
        return None  # options, HEAD, layouts, Aloud, or the set of content files changed
    path = _content_path(state_path)
    try:
        text = path.read_text()
    except OSError:
        return None
    if file_digest(text.encode()) != state.get("content_digest"):
        return None
    try:
        recorded = json.loads(text)["content"]
        content_root = site_dir / "content"
        updated = {}
        for rel, found in scan.content.items():
            *known, digest = recorded[rel]
            if tuple(known) != found:
                if digest is None:  # a file the build did not read (ignored, private)
                    return None
                data = (content_root / rel).read_bytes()
                if file_digest(data) != digest:
                    return None
            updated[rel] = [*found, digest]
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return updated


def _outputs_intact(output_dir: Path, files: list) -> bool:
    try:
        for rel, *stamp in files:
            found = stamp_of(os.path.join(output_dir, rel))
            if found is None or stamp != list(found):
                return False
    except (OSError, TypeError, ValueError):
        return False
    return True


def unchanged(
    site_dir: Path, output_dir: Path, options: dict
) -> tuple[bool, InputScan, list[str], int]:
    """(nothing to do?, the inputs as scanned, warnings of that build, number of files)."""
    scan = scan_inputs(site_dir, options)
    state_path = _state_path(site_dir, output_dir)
    state = _read_json(state_path)
    if state is None:
        return False, scan, [], 0
    verified = None
    if state.get("inputs") != scan.signature:
        verified = _same_bytes(site_dir, state_path, state, scan)
        if verified is None:
            return False, scan, [], 0
    files = state.get("files", [])
    warnings = state.get("warnings", [])
    if not isinstance(files, list) or not _outputs_intact(output_dir, files):
        return False, scan, [], 0
    if verified is not None:  # the same bytes under new stat data: check by stat next time
        with contextlib.suppress(OSError):  # else they are compared again next time
            _write_state(state_path, scan, files, list(warnings), verified)
    return True, scan, list(warnings), len(files)
