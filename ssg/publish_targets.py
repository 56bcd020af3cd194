"""The `[publish.*]` tables of site.toml: validated into PublishTarget records, so that a typo
fails with the key's name before anything is deployed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ssg.errors import SiteError

_KEYS = {
    "folder": {"type", "path"},
    "rsync": {"type", "destination", "options"},
    "git": {"type", "repository", "branch", "message"},
}
_REQUIRED = {"folder": "path", "rsync": "destination", "git": "repository"}


@dataclass(frozen=True)
class PublishTarget:
    name: str
    type: str  # "folder" | "rsync" | "git"
    path: Path | None = None
    destination: str | None = None
    options: tuple[str, ...] = ()
    repository: str | None = None
    branch: str = "gh-pages"
    message: str | None = None


@dataclass(frozen=True)
class PublishPlan:
    target: PublishTarget
    added: tuple[str, ...]  # relative posix paths
    changed: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.deleted)


# --- configuration ------------------------------------------------------------------------------


def _line_of(config: Path, name: str, key: str | None) -> int | None:
    """Best-effort line of `key` in `[publish.name]` (tomllib keeps no positions)."""
    try:
        lines = config.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    header = re.compile(rf"""^\s*\[\s*publish\s*\.\s*["']?{re.escape(name)}["']?\s*\]""")
    found = None
    for number, line in enumerate(lines, 1):
        if found is None:
            if header.match(line):
                found = number
                if key is None:
                    return found
        elif line.lstrip().startswith("["):
            break
        elif key and re.match(rf"""^\s*["']?{re.escape(key)}["']?\s*=""", line):
            return number
    return found


def is_remote(location: str) -> bool:
    """rsync/git treat `host:path`, `host::module` and `scheme://` as remote, like they do."""
    if "://" in location:
        return True
    colon, slash = location.find(":"), location.find("/")
    return colon > 0 and (slash == -1 or colon < slash)


def _local(location: str, site_dir: Path) -> str:
    """A relative local path is relative to the site folder, not the current directory."""
    if is_remote(location):
        return location
    resolved = str((site_dir / Path(location).expanduser()).resolve())
    return resolved + "/" if location.endswith("/") else resolved


def render_message(template: str, commit: str, date: str) -> str:
    return template.format_map({"commit": commit, "date": date})


def parse_targets(
    raw: dict, site_dir: Path, config_path: str = "site.toml"
) -> dict[str, PublishTarget]:
    """Validate `raw["publish"]` so a typo fails before anything is deployed."""

    def fail(name: str | None, key: str | None, message: str) -> SiteError:
        where = ".".join(p for p in ("publish", name, key) if p)
        line = _line_of(site_dir / config_path, name, key) if name else None
        return SiteError(config_path, line, f"{where}: {message}")

    if not isinstance(raw, dict):
        raise fail(None, None, "expected a table")
    targets: dict[str, PublishTarget] = {}
    for name, table in raw.items():
        if not isinstance(table, dict):
            raise fail(name, None, "expected a table")
        kind = table.get("type")
        if kind is None:
            raise fail(name, "type", "required (folder, rsync or git)")
        if kind not in _KEYS:
            raise fail(name, "type", f"unknown type {kind!r} (expected folder, rsync or git)")
        for key in sorted(set(table) - _KEYS[kind]):
            raise fail(name, key, f"unknown key for a {kind} target")
        for key, value in table.items():
            if key == "options":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise fail(name, key, "expected a list of strings")
                for option in value:
                    if not option.startswith("-"):
                        raise fail(name, key, f"{option!r} is not an option (use --name=value)")
            elif not isinstance(value, str):
                raise fail(name, key, "expected a string")
            elif not value.strip():
                raise fail(name, key, "must not be empty")
            elif key in ("destination", "repository") and value.startswith("-"):
                raise fail(name, key, "must not start with '-'")
        required = _REQUIRED[kind]
        if required not in table:
            raise fail(name, required, "required")
        if kind == "folder":
            path = (site_dir / Path(table["path"]).expanduser()).resolve()
            targets[name] = PublishTarget(name, kind, path=path)
        elif kind == "rsync":
            destination = _local(table["destination"], site_dir)
            options = tuple(table.get("options", ()))
            targets[name] = PublishTarget(name, kind, destination=destination, options=options)
        else:
            branch = table.get("branch", "gh-pages")
            if branch.startswith(("-", "/")) or re.search(r"\s|\.\.|[~^:?*\[\\]|/$", branch):
                raise fail(name, "branch", f"{branch!r} is not a valid branch name")
            message = table.get("message")
            if message is not None:
                try:
                    render_message(message, "abc1234", "2000-01-01")
                except (KeyError, ValueError, IndexError) as error:
                    hint = f"bad placeholder {error} (use {{commit}}, {{date}})"
                    raise fail(name, "message", hint) from None
            repository = _local(table["repository"], site_dir)
            targets[name] = PublishTarget(
                name, kind, repository=repository, branch=branch, message=message
            )
    return targets


# --- shared helpers -----------------------------------------------------------------------------
