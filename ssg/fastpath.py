"""Skip a build whose inputs have not changed at all, before importing anything heavy.

Importing Jinja2, markdown-it, Pygments, Babel and lxml alone costs a few hundred milliseconds,
more than a whole no-change build should take. So `aloud build` first asks this stdlib-only
module whether anything could have changed: it compares the stat data of every input (size,
mtime, ctime and inode, as git's index does; ctime cannot be forged by `cp -p` or rsync), the
build options, Aloud's own files and the git HEAD against what the last successful build recorded,
and checks that every output it wrote is still there as it left it (size, mtime and inode). Any
difference, however small, falls through to the real build, which decides by content digests
and renders again any output file that was edited or replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
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


def _stat_line(path: str) -> str:
    stat = os.stat(path)
    return f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\n"


def inputs_signature(site_dir: Path, options: dict) -> str:
    """A digest of everything a build reads, by stat data; cheap (no file is opened)."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(json.dumps(options, sort_keys=True).encode())
    roots = [site_dir / name for name in _INPUT_DIRS] + [
        BUILTIN_ROOT / name for name in _INPUT_DIRS[1:]
    ]
    roots.append(PACKAGE_DIR)
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            # __pycache__ appears when the build imports Aloud: not an input
            dirnames[:] = sorted(name for name in dirnames if name != "__pycache__")
            hasher.update(f"{dirpath}/\n".encode())
            for name in sorted(filenames):
                if not name.endswith((".pyc", ".swp", "~")):
                    hasher.update(_stat_line(os.path.join(dirpath, name)).encode())
    for name in ("site.toml",):
        path = site_dir / name
        if path.exists():
            hasher.update(_stat_line(str(path)).encode())
    hasher.update(str(_git_head(site_dir)).encode())
    return hasher.hexdigest()


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


def record(
    site_dir: Path,
    output_dir: Path,
    options: dict,
    signature: str,
    warnings: list[str],
    stamps: dict[str, FileStamp | None],
) -> None:
    """After a successful build: remember the inputs and the stamp of each output it planned,
    as the build recorded it (a missing one is taken from the disk).

    Only the build's own outputs: walking public/ to find them took 100 ms at 1,000 posts (a
    directory per page). Files the build did not plan are none of its business, as for a real
    build."""
    files = []
    for rel, known in stamps.items():
        found = known or stamp_of(os.path.join(output_dir, rel))
        if found is None:
            return  # gone already: record nothing, so the next build is a real one
        files.append([rel, *found])
    state = {"inputs": signature, "files": files, "warnings": warnings}
    path = _state_path(site_dir, output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(state))
    os.replace(temp, path)


def forget(site_dir: Path, output_dir: Path) -> None:
    _state_path(site_dir, output_dir).unlink(missing_ok=True)


def unchanged(site_dir: Path, output_dir: Path, options: dict) -> tuple[bool, str, list[str], int]:
    """(nothing to do?, the inputs' signature, warnings of that build, number of files)."""
    signature = inputs_signature(site_dir, options)
    try:
        state = json.loads(_state_path(site_dir, output_dir).read_text())
    except (OSError, ValueError):
        return False, signature, [], 0
    if not isinstance(state, dict) or state.get("inputs") != signature:
        return False, signature, [], 0
    files = state.get("files", [])
    try:
        for rel, *stamp in files:
            found = stamp_of(os.path.join(output_dir, rel))
            if found is None or stamp != list(found):
                return False, signature, [], 0
    except (OSError, TypeError, ValueError):
        return False, signature, [], 0
    return True, signature, list(state.get("warnings", [])), len(files)
