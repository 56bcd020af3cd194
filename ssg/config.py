"""`site.toml` into frozen dataclasses, validated with errors that name the offending key.

The config is a global dependency of every output, so it carries a fingerprint: when it changes,
everything is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import SiteError

CONFIG_NAME = "site.toml"

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "dv", "ckb", "sd", "ug"})


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # endonym, e.g. "Svenska"
    title: str | None = None
    description: str | None = None
    prefix: str = ""  # URL folder ("" for the root)
    rtl: bool = False
    date_format: str = "long"  # Babel format name or CLDR pattern
    locale: str = ""  # Babel locale id; defaults to code


@dataclass(frozen=True)
class Author:
    id: str
    name: str
    bio: dict[str, str] = field(default_factory=dict)  # per language
    avatar: str | None = None
    email: str | None = None
    links: tuple[tuple[str, str, bool], ...] = ()  # (label, url, rel_me)


@dataclass(frozen=True)
class Config:
    """The whole site configuration. Paths are absolute."""

    site_dir: Path
    title: str
    base_url: str  # always ends with "/"
    default_language: str
    languages: tuple[Language, ...]
    description: str = ""
    author: str | None = None
    authors: tuple[Author, ...] = ()
    license: str = "CC-BY-4.0"
    paginate: int = 10
    summary_length: int = 300
    untranslated: str = "show"  # "show" (marked with their language) or "hide"
    private_folders: tuple[str, ...] = ("private",)
    tag_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # tag -> lang -> label
    statuses: tuple[str, ...] = ("seedling", "growing", "evergreen")
    feeds: dict[str, Any] = field(default_factory=dict)
    repository: dict[str, Any] = field(default_factory=dict)
    replies: dict[str, Any] = field(default_factory=dict)
    share: tuple[str, ...] = ()
    publish: dict[str, Any] = field(default_factory=dict)
    host: dict[str, Any] = field(default_factory=dict)
    publish_sources: bool = False
    transcript: dict[str, Any] = field(default_factory=dict)
    raw_digest: str = ""

    # Worked out once per Config (a frozen one: `dataclasses.replace` makes a new one): they are
    # asked for in every page's template and every feed entry's categories.
    @cached_property
    def base_path(self) -> str:
        """The path part of base_url: "/" or "/blog/"."""
        return urlsplit(self.base_url).path or "/"

    @cached_property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def language(self, code: str) -> Language:
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    @cached_property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    def author_by_id(self, author_id: str) -> Author | None:
        for author in self.authors:
            if author.id == author_id:
                return author
        return None


# key -> (type(s), required)
_TOP_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "title": (str, True),
    "base_url": (str, True),
    "default_language": (str, True),
    "languages": (dict, True),
    "description": (str, False),
    "author": (str, False),
    "authors": (dict, False),
    "license": (str, False),
    "paginate": (int, False),
    "summary_length": (int, False),
    "untranslated": (str, False),
    "private_folders": (list, False),
    "tags": (dict, False),
    "statuses": (list, False),
    "feeds": (dict, False),
    "repository": (dict, False),
    "replies": (dict, False),
    "share": (list, False),
    "publish": (dict, False),
    "host": (dict, False),
    "publish_sources": (bool, False),
    "transcript": (dict, False),
}
_LANGUAGE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "title": str,
    "description": str,
    "prefix": str,
    "rtl": bool,
    "date_format": str,
    "locale": str,
}
_AUTHOR_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "bio": (str, dict),
    "avatar": str,
    "email": str,
    "links": list,
}
_SUBTABLE_KEYS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "feeds": {
        "entries": int,
        "full_content": bool,
        "tag_full_content": bool,
        "all_languages": bool,
        "per_tag": bool,
        "per_section": bool,
    },
    "repository": {
        "url": str,
        "edit_url": str,
        "new_url": str,
        "lines_url": str,
        "history": bool,
    },
    "replies": {"mailto": str, "url": str, "webmention": str},
    "host": {
        "cname": str,
        "nojekyll": bool,
        "redirects": bool,
        "headers": dict,
    },
    "transcript": {"gap": (int, float), "max_chars": int},
}


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", bool: "true or false", dict: "a table"}
    names |= {list: "a list", float: "a number"}
    if isinstance(expected, tuple):
        return " or ".join(names[t] for t in expected)
    return names[expected]


def _check_type(value: Any, expected: type | tuple[type, ...], key: str, path: Path) -> None:
    # bool is an int subclass in Python; a `paginate = true` must still be refused.
    types = expected if isinstance(expected, tuple) else (expected,)
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if not ok:
        raise SiteError(path, None, f"{key}: expected {_type_name(expected)}, got {value!r}")


def _check_keys(table: dict, allowed: dict, prefix: str, path: Path) -> None:
    for key, value in table.items():
        full = f"{prefix}{key}"
        if key not in allowed:
            raise SiteError(path, key_line(path, key), f"unknown key '{full}'")
        _check_type(value, allowed[key], full, path)


def key_line(path: Path, key: str, table: str | None = None) -> int | None:
    """Best-effort line number of a key (in `[table]`, if given), so errors point at it."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    inside = table is None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if table is not None and stripped.startswith("["):
            inside = stripped == f"[{table}]"
        elif inside and (stripped.startswith(f"{key} ") or stripped.startswith(f"{key}=")):
            return number
    return None


def load_config(site_dir: Path) -> Config:
    """Read and validate `site_dir/site.toml`."""
    path = site_dir / CONFIG_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SiteError(path, None, "no site.toml found (is this a site folder?)") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SiteError(path, None, f"not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc).split(" (at line")[0]
        if line is None and "(at line " in str(exc):
            line = int(str(exc).split("(at line ")[1].split(",")[0])
        elif line is None and "end of document" in str(exc):
            line = data.count(b"\n") or 1
        raise SiteError(path, line, f"invalid TOML: {message}") from None
    return config_from_dict(raw, site_dir, path, data)


def config_from_dict(raw: dict, site_dir: Path, path: Path, data: bytes = b"") -> Config:
    _check_keys(raw, {key: kind for key, (kind, _) in _TOP_KEYS.items()}, "", path)
    for key, (_, required) in _TOP_KEYS.items():
        if required and key not in raw:
            raise SiteError(path, None, f"missing required key '{key}'")
    for table, allowed in _SUBTABLE_KEYS.items():
        if table in raw:
            _check_keys(raw[table], allowed, f"{table}.", path)

    base_url = raw["base_url"]
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SiteError(
            path, key_line(path, "base_url"), f"base_url: not an http(s) URL: {base_url!r}"
        )
    if not base_url.endswith("/"):
        base_url += "/"

    languages = _languages(raw["languages"], raw["default_language"], path)
    authors = _authors(raw.get("authors", {}), path)
    author = raw.get("author")
    if author is not None and not any(a.id == author for a in authors):
        authors = (*authors, Author(id=author, name=author))

    untranslated = raw.get("untranslated", "show")
    if untranslated not in ("show", "hide"):
        raise SiteError(
            path, key_line(path, "untranslated"), "untranslated: expected 'show' or 'hide'"
        )
    paginate = raw.get("paginate", 10)
    if paginate < 1:
        raise SiteError(path, key_line(path, "paginate"), "paginate: must be at least 1")

    tag_labels: dict[str, dict[str, str]] = {}
    for tag, labels in raw.get("tags", {}).items():
        _check_type(labels, dict, f"tags.{tag}", path)
        for code, label in labels.items():
            if code not in {lang.code for lang in languages}:
                raise SiteError(path, None, f"tags.{tag}.{code}: unknown language '{code}'")
            _check_type(label, str, f"tags.{tag}.{code}", path)
        tag_labels[tag] = dict(labels)

    for key in ("private_folders", "statuses", "share"):
        for item in raw.get(key, []):
            _check_type(item, str, f"{key}[]", path)

    digest_source = data or json.dumps(raw, sort_keys=True, default=str).encode()
    return Config(
        site_dir=site_dir,
        title=raw["title"],
        base_url=base_url,
        default_language=raw["default_language"],
        languages=languages,
        description=raw.get("description", ""),
        author=author,
        authors=authors,
        license=raw.get("license", "CC-BY-4.0"),
        paginate=paginate,
        summary_length=raw.get("summary_length", 300),
        untranslated=untranslated,
        private_folders=tuple(raw.get("private_folders", ["private"])),
        tag_labels=tag_labels,
        statuses=tuple(raw.get("statuses", ["seedling", "growing", "evergreen"])),
        feeds=dict(raw.get("feeds", {})),
        repository=dict(raw.get("repository", {})),
        replies=dict(raw.get("replies", {})),
        share=tuple(raw.get("share", [])),
        publish=dict(raw.get("publish", {})),
        host=dict(raw.get("host", {})),
        publish_sources=raw.get("publish_sources", False),
        transcript=dict(raw.get("transcript", {})),
        raw_digest=hashlib.sha256(digest_source).hexdigest(),
    )


def _languages(table: dict, default: str, path: Path) -> tuple[Language, ...]:
    if default not in table:
        raise SiteError(
            path,
            key_line(path, "default_language"),
            f"default_language: '{default}' has no [languages.{default}] table",
        )
    languages = []
    prefixes: dict[str, str] = {}
    # The default language comes first so that it owns the root and is the x-default.
    for code in sorted(table, key=lambda c: (c != default, list(table).index(c))):
        entry = table[code]
        _check_type(entry, dict, f"languages.{code}", path)
        _check_keys(entry, _LANGUAGE_KEYS, f"languages.{code}.", path)
        if "name" not in entry:
            raise SiteError(path, None, f"languages.{code}: missing required key 'name'")
        prefix = entry.get("prefix", "" if code == default else code).strip("/")
        if prefix in prefixes:
            raise SiteError(
                path,
                None,
                f"languages.{code}.prefix: '{prefix}' is already used by {prefixes[prefix]}",
            )
        prefixes[prefix] = code
        languages.append(
            Language(
                code=code,
                name=entry["name"],
                title=entry.get("title"),
                description=entry.get("description"),
                prefix=prefix,
                rtl=entry.get("rtl", code.split("-")[0] in RTL_LANGUAGES),
                date_format=entry.get("date_format", "long"),
                locale=entry.get("locale", code.replace("-", "_")),
            )
        )
    return tuple(languages)


def _authors(table: dict, path: Path) -> tuple[Author, ...]:
    authors = []
    for author_id, entry in table.items():
        _check_type(entry, dict, f"authors.{author_id}", path)
        _check_keys(entry, _AUTHOR_KEYS, f"authors.{author_id}.", path)
        if "name" not in entry:
            raise SiteError(path, None, f"authors.{author_id}: missing required key 'name'")
        bio = entry.get("bio", {})
        if isinstance(bio, str):
            bio = {"*": bio}
        links = []
        for index, link in enumerate(entry.get("links", [])):
            key = f"authors.{author_id}.links[{index}]"
            _check_type(link, dict, key, path)
            if not isinstance(link.get("url"), str):
                raise SiteError(path, None, f"{key}.url: expected a string")
            links.append(
                (str(link.get("name", link["url"])), link["url"], bool(link.get("me", True)))
            )
        authors.append(
            Author(
                id=author_id,
                name=entry["name"],
                bio=dict(bio),
                avatar=entry.get("avatar"),
                email=entry.get("email"),
                links=tuple(links),
            )
        )
    return tuple(authors)
