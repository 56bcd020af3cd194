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
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


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
    outputs: list[str],
) -> None:
    """After a successful build: remember the inputs and the stamp of each output it planned.

    Only the build's own outputs: stat-ing their known paths took 10 ms at 1,000 posts, where
    walking public/ to find them took 100 ms (a directory per page). Files the build did not
    plan are none of its business, as for a real build."""
    files = []
    for rel in outputs:
        try:
            info = os.stat(os.path.join(output_dir, rel))
            files.append([rel, info.st_size, info.st_mtime_ns, info.st_ino])
        except OSError:
            return  # gone already: record nothing, so the next build is a real one
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
            info = os.stat(os.path.join(output_dir, rel))
            if stamp != [info.st_size, info.st_mtime_ns, info.st_ino]:
                return False, signature, [], 0
    except (OSError, TypeError, ValueError):
        return False, signature, [], 0
    return True, signature, list(state.get("warnings", [])), len(files)
