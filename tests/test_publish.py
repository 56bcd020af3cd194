"""Tests for ssg.publish: folder, rsync and git targets against local destinations only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import write_tree

from ssg.errors import SiteError
from ssg.publish import PublishTarget, parse_targets, plan, publish

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync not installed")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No user/system git config, so the tests see the same git everywhere (no identity)."""
    empty = tmp_path_factory.mktemp("gitconfig") / "config"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("NAME", "EMAIL"):
        for who in ("AUTHOR", "COMMITTER"):
            monkeypatch.delenv(f"GIT_{who}_{var}", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    return empty


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_tree(root, files, dedent=False)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write(
        site / "public",
        {
            "index.html": "<h1>Home</h1>",
            "posts/hello/index.html": "hello",
            "assets/style.css": "body{}",
            "notes/space name é.html": "unicode",
        },
    )
    return site


# --- configuration ------------------------------------------------------------------------------


def test_parse_targets_all_types(tmp_path: Path) -> None:
    raw = {
        "backup": {"type": "folder", "path": "../site-copy"},
        "server": {"type": "rsync", "destination": "me@example.org:/var/www/blog/"},
        "local": {"type": "rsync", "destination": "out/", "options": ["--chmod=F644,D755"]},
        "pages": {"type": "git", "repository": "git@codeberg.org:me/pages.git", "branch": "pages"},
        "repo": {"type": "git", "repository": "bare.git", "message": "Publish {commit} {date}"},
    }
    targets = parse_targets(raw, tmp_path / "site")
    assert targets["backup"] == PublishTarget("backup", "folder", path=(tmp_path / "site-copy"))
    assert targets["server"].destination == "me@example.org:/var/www/blog/"
    assert targets["local"].destination == f"{tmp_path / 'site' / 'out'}/"
    assert targets["local"].options == ("--chmod=F644,D755",)
    assert targets["pages"].repository == "git@codeberg.org:me/pages.git"
    assert targets["pages"].branch == "pages"
    assert targets["repo"].repository == str(tmp_path / "site" / "bare.git")
    assert targets["repo"].branch == "gh-pages"
    assert targets["repo"].message == "Publish {commit} {date}"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"type": "rsync", "destination": 5}, "publish.t.destination: expected a string"),
        ({"type": "rsync", "destination": "x", "options": "-v"}, "publish.t.options: expected a"),
        ({"type": "rsync", "destination": "x", "options": ["/etc"]}, "publish.t.options: '/etc'"),
        ({"type": "rsync", "destination": "--rsh=x"}, "publish.t.destination: must not start"),
        ({"type": "rsync"}, "publish.t.destination: required"),
        ({"type": "folder", "path": "x", "destination": "y"}, "publish.t.destination: unknown key"),
        ({"type": "folder", "path": ""}, "publish.t.path: must not be empty"),
        ({"type": "ftp"}, "publish.t.type: unknown type 'ftp'"),
        ({"path": "x"}, "publish.t.type: required"),
        ({"type": "git", "repository": "r", "branch": "-x"}, "publish.t.branch: '-x' is not"),
        ({"type": "git", "repository": "r", "branch": "a b"}, "publish.t.branch"),
        ({"type": "git", "repository": "r", "message": "{sha}"}, "publish.t.message: bad place"),
        ({"type": "git", "repository": "r", "message": "{"}, "publish.t.message: bad place"),
        ({"type": "git", "repository": "--upload-pack=x"}, "publish.t.repository: must not"),
        ("folder", "publish.t: expected a table"),
    ],
)
def test_parse_targets_errors(tmp_path: Path, table: object, expected: str) -> None:
    with pytest.raises(SiteError) as caught:
        parse_targets({"t": table}, tmp_path)
    assert caught.value.path == "site.toml"
    assert caught.value.message.startswith(expected)


def test_parse_targets_error_points_at_the_line(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(
        'title = "x"\n\n[publish.server]\ntype = "rsync"\ndestination = 3\n'
    )
    with pytest.raises(SiteError) as caught:
        parse_targets({"server": {"type": "rsync", "destination": 3}}, tmp_path)
    assert str(caught.value) == "site.toml:5: publish.server.destination: expected a string"


def test_parse_targets_rejects_non_table(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="publish: expected a table"):
        parse_targets(["x"], tmp_path)  # type: ignore[arg-type]


# --- folder -------------------------------------------------------------------------------------


def folder_target(path: Path) -> PublishTarget:
    return PublishTarget("backup", "folder", path=path)


def test_folder_copies_everything_first_time(site: Path, tmp_path: Path) -> None:
    target = folder_target(tmp_path / "copy")
    result = publish(target, site / "public", log=lambda _: None)
    assert tree(tmp_path / "copy") == tree(site / "public")
    assert result.added == tuple(sorted(tree(site / "public")))
    assert (result.changed, result.deleted, result.unchanged) == ((), (), 0)


def test_folder_copies_only_changed_and_deletes_stale(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    target = folder_target(copy)
    publish(target, site / "public", log=lambda _: None)
    untouched = copy / "assets" / "style.css"
    untouched_inode = untouched.stat().st_ino
    (site / "public" / "posts" / "hello" / "index.html").unlink()
    (site / "public" / "posts" / "hello").rmdir()
    (site / "public" / "posts").rmdir()
    write(site / "public", {"index.html": "<h1>New</h1>", "about/index.html": "about"})
    # A fresh build rewrites every file: new mtimes must not cause copies.
    (site / "public" / "assets" / "style.css").write_text("body{}")
    lines: list[str] = []
    result = publish(target, site / "public", log=lines.append)
    assert result.added == ("about/index.html",)
    assert result.changed == ("index.html",)
    assert result.deleted == ("posts/hello/index.html",)
    assert result.unchanged == 2
    assert tree(copy) == tree(site / "public")
    assert not (copy / "posts").exists()  # emptied folders go too
    assert untouched.stat().st_ino == untouched_inode
    assert "1 added, 1 changed, 1 deleted, 2 unchanged" in lines[-1]


def test_folder_same_size_different_bytes_is_changed(site: Path, tmp_path: Path) -> None:
    target = folder_target(tmp_path / "copy")
    publish(target, site / "public", log=lambda _: None)
    (site / "public" / "index.html").write_text("<h1>Hame</h1>")
    assert plan(target, site / "public").changed == ("index.html",)


def test_folder_unchanged_reports_nothing(site: Path, tmp_path: Path) -> None:
    target = folder_target(tmp_path / "copy")
    publish(target, site / "public", log=lambda _: None)
    lines: list[str] = []
    result = publish(target, site / "public", log=lines.append)
    assert result.empty and result.unchanged == 4
    assert "nothing changed" in lines[-1]


def test_folder_dry_run_writes_nothing(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    write(copy, {"stale.txt": "old"})
    lines: list[str] = []
    result = publish(folder_target(copy), site / "public", dry_run=True, log=lines.append)
    assert tree(copy) == {"stale.txt": b"old"}
    assert result.deleted == ("stale.txt",)
    assert len(result.added) == 4
    assert "  - stale.txt" in lines and "  + index.html" in lines
    assert "would publish" in lines[-1]


def test_folder_file_and_folder_swap_places(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    write(copy, {"index.html/old.txt": "x", "assets": "was a file"})
    publish(folder_target(copy), site / "public", log=lambda _: None)
    assert tree(copy) == tree(site / "public")


def test_folder_symlink_in_target_never_leads_outside(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"style.css": "precious", "other.txt": "precious"})
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "assets").symlink_to(outside, target_is_directory=True)
    (copy / "gone").symlink_to(outside, target_is_directory=True)
    publish(folder_target(copy), site / "public", log=lambda _: None)
    assert tree(outside) == {"style.css": b"precious", "other.txt": b"precious"}
    assert not (copy / "assets").is_symlink() and not (copy / "gone").exists()
    assert tree(copy) == tree(site / "public")


@pytest.mark.parametrize("where", ["public", "public/sub", ".", ".."])
def test_folder_refuses_overlap_with_public(site: Path, where: str) -> None:
    before = tree(site)
    with pytest.raises(SiteError, match="refusing to publish"):
        publish(folder_target((site / where).resolve()), site / "public", log=lambda _: None)
    assert tree(site) == before


def test_folder_refuses_home_and_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    public = tmp_path / "site" / "public"
    public.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    for folder in (tmp_path / "home", Path("/")):
        with pytest.raises(SiteError, match="refusing"):
            plan(folder_target(folder), public)  # plan never writes, even if the guard broke


def test_folder_refuses_overlap_through_relative_config(site: Path) -> None:
    target = parse_targets({"b": {"type": "folder", "path": "public/../public"}}, site)["b"]
    with pytest.raises(SiteError, match="overlaps"):
        plan(target, site / "public")


def test_missing_public_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="nothing to publish"):
        publish(folder_target(tmp_path / "copy"), tmp_path / "public", log=lambda _: None)


# --- rsync --------------------------------------------------------------------------------------


def rsync_target(destination: str, *options: str) -> PublishTarget:
    return PublishTarget("server", "rsync", destination=destination, options=options)


@needs_rsync
def test_rsync_dry_run_then_real_run(site: Path, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    write(dest, {"stale.html": "old", "old/deep.html": "old", "index.html": "<h1>Old!</h1>"})
    target = rsync_target(f"{dest}/")
    lines: list[str] = []
    dry = publish(target, site / "public", dry_run=True, log=lines.append)
    assert dry.added == ("assets/style.css", "notes/space name é.html", "posts/hello/index.html")
    assert dry.changed == ("index.html",)
    assert dry.deleted == ("old/deep.html", "stale.html")
    assert dry.unchanged == 0
    assert tree(dest)["stale.html"] == b"old"  # dry run wrote nothing
    assert "  + notes/space name é.html" in lines
    real = publish(target, site / "public", log=lambda _: None)
    assert (real.added, real.changed, real.deleted) == (dry.added, dry.changed, dry.deleted)
    assert tree(dest) == tree(site / "public")
    again = plan(target, site / "public")
    assert again.empty and again.unchanged == 4


@needs_rsync
def test_rsync_ignores_mtime_only_differences(site: Path, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    target = rsync_target(str(dest))
    publish(target, site / "public", log=lambda _: None)
    (site / "public" / "index.html").write_text("<h1>Home</h1>")  # same bytes, new mtime
    result = plan(target, site / "public")
    assert result.empty and result.unchanged == 4


@needs_rsync
def test_rsync_passes_options(site: Path, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    publish(rsync_target(str(dest), "--exclude=assets/"), site / "public", log=lambda _: None)
    assert "assets/style.css" not in tree(dest)
    assert "index.html" in tree(dest)


@needs_rsync
def test_rsync_failure_reports_stderr(site: Path, tmp_path: Path) -> None:
    target = rsync_target(str(tmp_path / "missing" / "deeper" / "www"))
    with pytest.raises(SiteError) as caught:
        publish(target, site / "public", log=lambda _: None)
    message = str(caught.value)
    assert message.startswith("site: publish.server: rsync failed:") and "\n" not in message
    assert "rsync error" in message


def test_rsync_missing_binary(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(SiteError, match="rsync is not installed"):
        publish(rsync_target(str(tmp_path / "www")), site / "public", log=lambda _: None)


def test_rsync_refuses_local_destination_inside_public(site: Path) -> None:
    with pytest.raises(SiteError, match="refusing"):
        plan(rsync_target(str(site / "public" / "copy")), site / "public")


# --- git ----------------------------------------------------------------------------------------


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    bare = tmp_path / "pages.git"
    git("init", "-q", "--bare", str(bare))
    return bare


def git_target(bare: Path, **kwargs: str) -> PublishTarget:
    return PublishTarget("pages", "git", repository=str(bare), **kwargs)


def ls_tree(bare: Path, branch: str = "gh-pages") -> list[str]:
    return git("--git-dir", str(bare), "ls-tree", "-r", "-z", "--name-only", branch).split("\0")[
        :-1
    ]


def commits(bare: Path, branch: str = "gh-pages") -> list[str]:
    return git("--git-dir", str(bare), "log", "--format=%an <%ae>|%s", branch).splitlines()


@needs_git
def test_git_publish_creates_branch_and_mirrors(site: Path, bare: Path) -> None:
    lines: list[str] = []
    result = publish(git_target(bare), site / "public", log=lines.append)
    assert sorted(ls_tree(bare)) == sorted(tree(site / "public"))
    assert len(result.added) == 4 and result.unchanged == 0
    [commit] = commits(bare)
    assert commit.startswith("Aloud <aloud@localhost>|Publish site from uncommitted on ")
    assert ".nojekyll" not in ls_tree(bare)

    (site / "public" / "posts" / "hello" / "index.html").unlink()
    write(site / "public", {".nojekyll": "", "index.html": "changed"})
    second = publish(git_target(bare), site / "public", log=lambda _: None)
    assert second.deleted == ("posts/hello/index.html",)
    assert second.added == (".nojekyll",) and second.changed == ("index.html",)
    assert second.unchanged == 2
    assert sorted(ls_tree(bare)) == sorted(tree(site / "public"))
    assert len(commits(bare)) == 2

    lines.clear()
    third = publish(git_target(bare), site / "public", log=lines.append)
    assert third.empty and third.unchanged == 4
    assert len(commits(bare)) == 2
    assert "nothing changed" in lines[-1]


@needs_git
def test_git_dry_run_does_not_push(site: Path, bare: Path) -> None:
    lines: list[str] = []
    result = publish(git_target(bare), site / "public", dry_run=True, log=lines.append)
    assert len(result.added) == 4
    assert "  + index.html" in lines
    assert git("--git-dir", str(bare), "branch", "--list") == ""
    publish(git_target(bare), site / "public", log=lambda _: None)
    (site / "public" / "index.html").write_text("new")
    assert plan(git_target(bare), site / "public").changed == ("index.html",)
    assert len(commits(bare)) == 1


@needs_git
def test_git_keeps_other_branches_and_uses_custom_message(site: Path, bare: Path) -> None:
    source = site
    git("init", "-q", str(source))
    write(source, {"site.toml": 'title = "x"\n'})
    git("add", "site.toml", cwd=source)
    git("-c", "user.name=T", "-c", "user.email=t@t", "commit", "-qm", "src", cwd=source)
    sha = git("rev-parse", "--short", "HEAD", cwd=source).strip()
    publish(git_target(bare, branch="main"), site / "public", log=lambda _: None)
    target = git_target(bare, branch="pages", message="Deploy {commit} ({date})")
    publish(target, site / "public", source_dir=source, log=lambda _: None)
    [commit] = commits(bare, "pages")
    assert commit.startswith(f"Aloud <aloud@localhost>|Deploy {sha} (")
    assert len(commits(bare, "main")) == 1


@needs_git
def test_git_uses_configured_identity(site: Path, bare: Path, hermetic_git: Path) -> None:
    hermetic_git.write_text("[user]\n\tname = Ada\n\temail = ada@example.org\n")
    publish(git_target(bare), site / "public", log=lambda _: None)
    assert commits(bare)[0].startswith("Ada <ada@example.org>|")


@needs_git
def test_git_publishes_ignored_looking_files(site: Path, bare: Path) -> None:
    write(site / "public", {".gitignore": "*.css\n", "debug.log": "kept"})
    publish(git_target(bare), site / "public", log=lambda _: None)
    assert sorted(ls_tree(bare)) == sorted(tree(site / "public"))


@needs_git
def test_git_missing_repository_is_a_one_line_error(site: Path, tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        publish(git_target(tmp_path / "nope.git"), site / "public", log=lambda _: None)
    message = str(caught.value)
    assert message.startswith("site: publish.pages: git ls-remote failed:")
    assert "\n" not in message
