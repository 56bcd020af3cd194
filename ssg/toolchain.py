"""What a build's results depend on besides the site: Aloud's own code, Python, and the libraries
that parse and render. Standard library only, and nothing imported: the no-change check uses it
before any of those libraries is loaded.

Everything Aloud keeps between builds (parse results, output keys, the no-change record) is
keyed by these, so upgrading Pygments, pulling a new Aloud or switching Python never leaves
pages made by the old ones: the next build parses and renders again. Both are worked out once
per process: a process keeps running the code it loaded, whatever happens on disk since.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .fastpath import PACKAGE_DIR  # one definition: the no-change check scans it too

# Import names of what turns sources into pages: Markdown, highlighting, front matter,
# templates and their escaping, dates and translations (feeds are written by Aloud itself).
LIBRARIES = (
    "markdown_it",
    "mdit_py_plugins",
    "pygments",
    "yaml",
    "jinja2",
    "markupsafe",
    "babel",
)


def files_digest(paths: Iterable[Path], salt: str = "", size: int = 12) -> str:
    """A digest of these files' names and bytes, in the order given, and of `salt`."""
    hasher = hashlib.blake2b(salt.encode(), digest_size=size)
    for path in paths:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def aloud_code() -> str:
    """Aloud's own source: a changed parser or renderer must never leave its old results."""
    return files_digest([*sorted(PACKAGE_DIR.glob("*.py")), *sorted(PACKAGE_DIR.glob("*.js"))])


@lru_cache(maxsize=1)
def libraries() -> str:
    """Python's version and the installed libraries, by the stat data of each one's package
    file: installing another version (or the same one again) rewrites it. Finding and stating
    seven files takes well under a millisecond; asking importlib.metadata for their versions
    would read every installed package's metadata."""
    return library_stamp(LIBRARIES)


def library_stamp(names: tuple[str, ...]) -> str:
    parts = [sys.version]
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        try:
            info = os.stat(origin) if origin else None
        except OSError:
            info = None
        found = f"{origin}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}" if info else "-"
        parts.append(f"{name}={found}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def toolchain() -> str:
    """Aloud's code and the libraries, in one digest."""
    return f"{aloud_code()}-{libraries()}"
