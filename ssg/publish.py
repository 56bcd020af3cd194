"""Deploy the built site (public/) to the targets configured under `[publish.*]` in site.toml.

Three target types: a local folder (mirrored by content digest, so mtimes from a fresh build don't
cause needless copies), rsync (local or remote), and a git branch (e.g. GitHub/Codeberg pages).
Every target can show its plan first; nothing here runs a shell.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ssg.errors import SiteError
from ssg.publish_targets import (  # noqa: F401 - parse_targets is part of this module's interface
    PublishPlan,
    PublishTarget,
    is_remote,
    parse_targets,
    render_message,
)

_IDENTITY = ("Aloud", "aloud@localhost")
Log = Callable[[str], None]
# One itemized rsync line: "YXcstpoguax path" or "*deleting   path".
_ITEMIZED = re.compile(r"^(?P<y>[<>ch.])(?P<x>[fdLDS])\S{9} (?P<path>.+)$")
_DELETING = re.compile(r"^\*deleting +(?P<path>.+)$")


def _error(target: PublishTarget, message: str) -> SiteError:
    return SiteError(None, None, f"publish.{target.name}: {message}")


def _scan(root: Path, skip_git: bool = False) -> tuple[set[str], set[str]]:
    """Relative posix paths of the non-folders and the real folders below root (no symlinks
    followed, so a link in a target can never lead a write or delete outside it)."""
    files, folders = set(), set()
    for dirpath, dirnames, filenames in os.walk(root):
        if skip_git and ".git" in dirnames:
            dirnames.remove(".git")
        base = Path(dirpath).relative_to(root)
        folders.add(base.as_posix())
        for entry in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            files.add((base / entry).as_posix())
    return files, folders


def _plan(
    target: PublishTarget, total: int, added: list, changed: list, deleted: list
) -> PublishPlan:
    """Sorted lists, so dry runs and logs read the same every time."""
    lists = (tuple(sorted(paths)) for paths in (added, changed, deleted))
    return PublishPlan(target, *lists, unchanged=total - len(added) - len(changed))


def _refuse_overlap(target: PublishTarget, folder: Path, public: Path) -> None:
    """Mirroring deletes files: a target overlapping public/ would destroy the build itself."""
    folder = folder.resolve()
    if folder in (Path.home().resolve(), Path(folder.anchor)):
        raise _error(target, f"refusing to publish to {folder}: mirroring would empty it")
    if folder == public or public in folder.parents or folder in public.parents:
        raise _error(target, f"refusing to publish to {folder}: it overlaps {public}")


def _run(target: PublishTarget, args: list[str], cwd: Path | None = None) -> str:
    """Run a tool; turn a missing binary or a failure into a one-line SiteError."""
    try:
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise _error(target, f"{args[0]} is not installed (not found on PATH)") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
        detail = fatal[0] if fatal else lines[-1] if lines else f"exit {done.returncode}"
        if detail.startswith("rsync error:") and len(lines) > 1:
            detail = f"{lines[-2]} ({detail})"
        words = [a for a in args[1:] if not a.startswith("-") and "=" not in a]
        tool = "rsync" if args[0] == "rsync" else f"git {words[0]}"
        raise _error(target, f"{tool} failed: {detail}")
    return done.stdout


def _describe(result: PublishPlan, dry_run: bool, log: Log) -> None:
    name = result.target.name
    if dry_run:
        for sign, paths in (("+", result.added), ("~", result.changed), ("-", result.deleted)):
            for path in paths:
                log(f"  {sign} {path}")
    if result.empty:
        log(f"{name}: nothing changed ({result.unchanged} files up to date)")
        return
    verb = "would publish" if dry_run else "published"
    log(
        f"{name}: {verb} {len(result.added)} added, {len(result.changed)} changed, "
        f"{len(result.deleted)} deleted, {result.unchanged} unchanged"
    )


# --- folder -------------------------------------------------------------------------------------


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk = fa.read(1 << 16)
            if chunk != fb.read(1 << 16):
                return False
            if not chunk:
                return True


def _folder_plan(target: PublishTarget, public: Path) -> PublishPlan:
    assert target.path is not None
    dest = target.path
    if dest.exists() and not dest.is_dir():
        raise _error(target, f"{dest} is not a folder")
    ours = _scan(public)[0]
    theirs, folders = _scan(dest) if dest.is_dir() else (set(), set())
    added, changed = [], []
    for rel in ours:
        there = dest / rel
        if Path(rel).parent.as_posix() not in folders or not os.path.lexists(there):
            added.append(rel)
        elif rel not in theirs or there.is_symlink() or not _same_bytes(public / rel, there):
            changed.append(rel)
    return _plan(target, len(ours), added, changed, list(theirs - ours))


def _folder_apply(result: PublishPlan, public: Path) -> None:
    """Delete first (so a file can become a folder and back), then copy via temp + rename."""
    dest = result.target.path
    assert dest is not None
    dest.mkdir(parents=True, exist_ok=True)
    for rel in result.deleted:
        (dest / rel).unlink()
    keep = {Path(dirpath).relative_to(public) for dirpath, _, _ in os.walk(public)}
    for dirpath, dirnames, _ in sorted(os.walk(dest), key=lambda w: -len(Path(w[0]).parts)):
        for name in dirnames:
            folder = Path(dirpath) / name
            if not folder.is_symlink() and folder.relative_to(dest) not in keep:
                folder.rmdir()  # emptied above: everything under it was not in public/
    for rel in sorted(keep):
        (dest / rel).mkdir(parents=True, exist_ok=True)
    for rel in result.added + result.changed:
        source, there = public / rel, dest / rel
        temporary = there.with_name(f".{there.name}.aloud-tmp")
        try:
            shutil.copyfile(source, temporary)
            shutil.copymode(source, temporary)
            os.replace(temporary, there)
        finally:
            temporary.unlink(missing_ok=True)


# --- rsync --------------------------------------------------------------------------------------


def _rsync(target: PublishTarget, public: Path, dry_run: bool) -> PublishPlan:
    assert target.destination is not None
    if not is_remote(target.destination):
        _refuse_overlap(target, Path(target.destination), public)
    args = ["rsync", "-a", "--delete", "--checksum", "--itemize-changes", "--8-bit-output"]
    if dry_run:
        args.append("--dry-run")
    output = _run(target, [*args, *target.options, f"{public}/", target.destination])
    added, changed, deleted = [], [], []
    for line in output.splitlines():
        if match := _DELETING.match(line):
            if not match["path"].endswith("/"):
                deleted.append(match["path"])
        elif (match := _ITEMIZED.match(line)) and match["x"] != "d":
            path = match["path"].split(" -> ")[0] if match["x"] == "L" else match["path"]
            if line[2:11] == "+" * 9:
                added.append(path)
            elif match["y"] != ".":
                changed.append(path)
    return _plan(target, len(_scan(public)[0]), added, changed, deleted)


# --- git ----------------------------------------------------------------------------------------


def _source_commit(target: PublishTarget, source_dir: Path | None) -> str:
    if source_dir is None:
        return "uncommitted"
    try:
        return _run(target, ["git", "rev-parse", "--short", "HEAD"], cwd=source_dir).strip()
    except SiteError:
        return "uncommitted"


def _git_stage(target: PublishTarget, public: Path, work: Path) -> PublishPlan:
    """Check the branch out into `work`, replace its tree with public/, stage, diff."""
    assert target.repository is not None
    ref = f"refs/heads/{target.branch}"
    if _run(target, ["git", "ls-remote", "--heads", target.repository, ref]).strip():
        clone = ["git", "clone", "-q", "--no-tags", "--single-branch", "--depth", "1"]
        _run(target, [*clone, "--branch", target.branch, "--", target.repository, str(work)])
    else:
        _run(target, ["git", "init", "-q", str(work)])
        _run(target, ["git", "symbolic-ref", "HEAD", ref], cwd=work)
        _run(target, ["git", "remote", "add", "origin", target.repository], cwd=work)
    for entry in work.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(
        public, work, symlinks=True, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git")
    )
    git = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false"]
    _run(target, [*git, "add", "--all", "--force", "."], cwd=work)  # force: public/.gitignore
    status = _run(target, [*git, "diff", "--cached", "--name-status", "-z", "--no-renames"], work)
    fields = status.split("\0")
    added, changed, deleted = [], [], []
    for code, path in zip(fields[0::2], fields[1::2], strict=False):
        {"A": added, "D": deleted}.get(code, changed).append(path)
    return _plan(target, len(_scan(public, skip_git=True)[0]), added, changed, deleted)


def _git_commit_push(result: PublishPlan, work: Path, source_dir: Path | None, log: Log) -> None:
    target = result.target
    commit = _source_commit(target, source_dir)
    date = datetime.date.today().isoformat()
    if target.message is None:
        message = f"Publish site from {commit} on {date}"
    else:
        message = render_message(target.message, commit, date)
    git = ["git"]
    try:
        for key in ("user.name", "user.email"):
            _run(target, ["git", "config", "--get", key], cwd=work)
    except SiteError:  # no identity configured: commit as Aloud rather than fail
        git += ["-c", f"user.name={_IDENTITY[0]}", "-c", f"user.email={_IDENTITY[1]}"]
    _run(target, [*git, "commit", "-q", "--no-verify", "-m", message], cwd=work)
    log(f"{target.name}: pushing {target.branch} to {target.repository}")
    _run(target, ["git", "push", "-q", "origin", f"HEAD:refs/heads/{target.branch}"], cwd=work)


def _git(
    target: PublishTarget, public: Path, dry_run: bool, source: Path | None, log: Log
) -> PublishPlan:
    with tempfile.TemporaryDirectory(prefix="aloud-publish-") as temporary:
        work = Path(temporary) / "work"
        result = _git_stage(target, public, work)
        if not dry_run and not result.empty:
            _git_commit_push(result, work, source, log)
    return result


# --- entry points -------------------------------------------------------------------------------


def plan(target: PublishTarget, public_dir: Path) -> PublishPlan:
    """What publishing would change, without writing to the target."""
    return publish(target, public_dir, dry_run=True, log=lambda _: None)


def publish(
    target: PublishTarget,
    public_dir: Path,
    *,
    dry_run: bool = False,
    source_dir: Path | None = None,
    log: Log = print,
) -> PublishPlan:
    """Deploy public/ to one target (or only report what would change) and return the plan."""
    if not public_dir.is_dir():
        raise _error(target, f"nothing to publish: {public_dir} does not exist (run aloud build)")
    public = public_dir.resolve()
    try:
        if target.type == "folder":
            assert target.path is not None
            _refuse_overlap(target, target.path, public)
            result = _folder_plan(target, public)
            if not dry_run and not result.empty:
                _folder_apply(result, public)
        elif target.type == "rsync":
            result = _rsync(target, public, dry_run)
        elif target.type == "git":
            result = _git(target, public, dry_run, source_dir, log)
        else:
            raise _error(target, f"unknown target type {target.type!r}")
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise _error(target, f"{error.strerror or error}{where}") from None
    _describe(result, dry_run, log)
    return result
