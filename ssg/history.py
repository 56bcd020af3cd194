"""Page history from git: the last commit date of each source and its change list.

One `git log` call for the whole content folder; without git, or outside a repository, the build
simply goes on without history.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from .config import Config
from .discover import Source
from .fastpath import head_signature  # noqa: F401 - re-exported for the builder


def git_history(config: Config, sources: list[Source], limit: int = 10) -> dict[str, dict]:
    site_dir = config.site_dir
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=site_dir,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if top.returncode != 0:
        return {}
    root = Path(top.stdout.strip()).resolve()
    content = (site_dir / "content").resolve()
    try:
        log = subprocess.run(
            [
                "git",
                "log",
                "--format=%x00%H%x09%aI%x09%s",
                "--name-only",
                "--no-renames",
                "--",
                str(content),
            ],
            cwd=site_dir,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    try:
        prefix = content.relative_to(root).as_posix()
    except ValueError:
        return {}
    # git names files by their path under the repository, symlinks unresolved: the content
    # folder's path there plus each source's path under it (resolving every source instead
    # cost eight system calls a file).
    prefix = "" if prefix == "." else prefix + "/"
    wanted = {
        f"{prefix}{source.rel}": f"content/{source.rel}"
        for source in sources
        if source.kind == "markdown"
    }
    history: dict[str, dict] = {}
    commit_url = config.repository.get("url", "").rstrip("/")
    for block in log.stdout.split("\x00")[1:]:
        header, _, files = block.partition("\n")
        sha, stamp, subject = (header.split("\t", 2) + ["", ""])[:3]
        when = dt.datetime.fromisoformat(stamp)
        for name in files.split("\n"):
            display = wanted.get(name.strip())
            if not display:
                continue
            entry = history.setdefault(display, {"last_modified": when, "history": []})
            if len(entry["history"]) < limit:
                url = f"{commit_url}/commit/{sha}" if commit_url else ""
                entry["history"].append((when.date().isoformat(), subject, url))
    return history
