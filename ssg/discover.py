"""Walk content/ and classify every file: `name.<lang>.<ext>` → Source(section, lang, key, kind).

Discovery is cheap (names only, no reading), so it runs in full on every build and every change.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import SiteError

CAPTION_EXTENSIONS = (".vtt", ".srt")
REPLIES_SUFFIX = ".replies"
_LANG_SHAPE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_IGNORED = re.compile(r"(^\.|~$|^#.*#$|\.sw[a-p]$|\.tmp$|\.bak$|^4913$|\.crdownload$)")


@dataclass(frozen=True)
class Source:
    path: Path  # absolute
    rel: str  # posix path relative to content/, e.g. "posts/hello.sv.md"
    section: str  # first folder ("" for files at the top of content/)
    lang: str | None  # from the file name; None means "front matter or the default"
    key: str  # rel without language suffix and extension: "posts/hello"
    kind: str  # "markdown" | "captions" | "reply" | "static"
    ext: str  # ".md", ".vtt", ...


def is_ignored_name(name: str) -> bool:
    """Editor temporaries, swap and backup files, hidden files."""
    return bool(_IGNORED.search(name))


@lru_cache(maxsize=1024)
def looks_like_language(code: str) -> bool:
    """True when a file-name suffix is a real language code (so `notes.old.md` is not one)."""
    if not _LANG_SHAPE.match(code):
        return False
    from babel import localedata  # here, not at the top: off the way to forking the parsers

    return localedata.exists(code.replace("-", "_"))


def classify(rel: str, content_dir: Path, languages: tuple[str, ...]) -> Source:
    """Turn one relative path into a Source; raises SiteError for an unknown language suffix."""
    path = content_dir / rel
    parts = rel.split("/")
    name = parts[-1]
    section = parts[0] if len(parts) > 1 else ""
    stem, ext = os.path.splitext(name)
    ext = ext.lower()
    in_replies = len(parts) > 1 and parts[-2].endswith(REPLIES_SUFFIX)
    if ext == ".md":
        kind = "reply" if in_replies else "markdown"
    elif ext in CAPTION_EXTENSIONS:
        kind = "captions"
    else:
        return Source(path, rel, section, None, rel, "static", ext)
    lang = None
    base, dot, suffix = stem.rpartition(".")
    if dot and base and (suffix in languages or looks_like_language(suffix)):
        if suffix not in languages:
            raise SiteError(
                rel,
                None,
                f"unknown language '{suffix}' in the file name "
                f"(configured: {', '.join(languages)}); add [languages.{suffix}] to site.toml",
            )
        lang, stem = suffix, base
    key = "/".join([*parts[:-1], stem])
    return Source(path, rel, section, lang, key, kind, ext)


def discover(
    content_dir: Path, languages: tuple[str, ...], private_folders: tuple[str, ...] = ()
) -> tuple[list[Source], list[SiteError]]:
    """Every publishable file under content_dir, sorted by path for determinism."""
    sources: list[Source] = []
    errors: list[SiteError] = []
    private = tuple(folder.strip("/") + "/" for folder in private_folders)
    for dirpath, dirnames, filenames in os.walk(content_dir):
        rel_dir = os.path.relpath(dirpath, content_dir).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not (rel_dir + d + "/").startswith(private)
        )
        for name in sorted(filenames):
            if is_ignored_name(name):
                continue
            rel = rel_dir + name
            if rel.startswith(private):
                continue
            try:
                sources.append(classify(rel, content_dir, languages))
            except SiteError as error:
                errors.append(SiteError(Path("content") / rel, error.line, error.message))
    sources.sort(key=lambda s: s.rel)
    return sources, errors
