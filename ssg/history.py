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


def head_signature(site_dir: Path) -> str | None:
    """What HEAD points at, read from .git without a subprocess (cheap enough for every rebuild)."""
    for folder in (site_dir, *site_dir.parents):
        git = folder / ".git"
        if git.is_dir():
            try:
                head = (git / "HEAD").read_text().strip()
                if head.startswith("ref: "):
                    ref = git / head[5:]
                    value = ref.read_text().strip() if ref.is_file() else (git / "packed-refs").read_text()
                    return f"{head}:{value}"
                return head
            except OSError:
                return None
        if git.is_file():  # a worktree or submodule: let git decide each time
            return None
    return ""


def git_history(config: Config, sources: list[Source], limit: int = 10) -> dict[str, dict]:
    site_dir = config.site_dir
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=site_dir, capture_output=True, text=True,
            timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if top.returncode != 0:
        return {}
    root = Path(top.stdout.strip()).resolve()
    content = (site_dir / "content").resolve()
    try:
        log = subprocess.run(
            ["git", "log", "--format=%x00%H%x09%aI%x09%s", "--name-only", "--no-renames", "--", str(content)],
            cwd=site_dir, capture_output=True, text=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    wanted = {}
    for source in sources:
        if source.kind == "markdown":
            try:
                wanted[(source.path.resolve()).relative_to(root).as_posix()] = f"content/{source.rel}"
            except ValueError:
                continue
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
