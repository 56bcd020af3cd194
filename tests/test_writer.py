"""The writer: atomic files, identical bytes untouched, staging swaps, paths kept inside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssg.writer import StagingWriter, _make_folder, safe_join, write_file, write_incremental


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "a//b", "..", "a/"])
def test_paths_that_escape_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(ValueError):
        safe_join(tmp_path, rel)


def test_identical_bytes_are_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "a/index.html"
    assert write_file(path, b"one")
    stamp = path.stat().st_mtime_ns
    assert not write_file(path, b"one")
    assert path.stat().st_mtime_ns == stamp
    assert write_file(path, b"two") and path.read_bytes() == b"two"


def test_staging_swap_and_abort(tmp_path: Path) -> None:
    out = tmp_path / "public"
    out.mkdir()
    (out / "old.html").write_text("old")
    writer = StagingWriter(out)
    writer.write("new/index.html", b"new")
    assert (out / "old.html").exists()  # nothing visible until the commit
    writer.commit()
    assert not (out / "old.html").exists() and (out / "new/index.html").read_bytes() == b"new"
    aborted = StagingWriter(out)
    aborted.write("x.html", b"x")
    aborted.abort()
    assert not (out / "x.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no staging folders left behind


def test_incremental_writes_and_prunes_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "gone/deep").mkdir(parents=True)
    (tmp_path / "gone/deep/index.html").write_text("x")
    changed = write_incremental(tmp_path, {"kept/index.html": b"k"}, ["gone/deep/index.html"])
    assert changed == ["kept/index.html", "gone/deep/index.html"]
    assert not (tmp_path / "gone").exists()


def test_a_changed_file_is_overwritten_in_place(tmp_path: Path) -> None:
    """No new inode (creating one costs far more than writing over the old file)."""
    path = tmp_path / "a/index.html"
    write_file(path, b"a longer first version")
    inode = path.stat().st_ino
    assert write_file(path, b"short")
    assert path.read_bytes() == b"short" and path.stat().st_ino == inode
    assert write_file(path, b"a much longer second version than before")
    assert path.read_bytes() == b"a much longer second version than before"
    assert path.stat().st_ino == inode


def test_links_and_read_only_files_are_replaced_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "public"
    backup = tmp_path / "backup.html"
    write_file(out / "linked.html", b"old")
    os.link(out / "linked.html", backup)  # e.g. a snapshot made with cp -al
    assert write_file(out / "linked.html", b"new")
    assert backup.read_bytes() == b"old" and (out / "linked.html").read_bytes() == b"new"
    target = tmp_path / "elsewhere.html"
    target.write_bytes(b"not ours")
    (out / "link.html").symlink_to(target)
    assert write_file(out / "link.html", b"ours")
    assert target.read_bytes() == b"not ours" and not (out / "link.html").is_symlink()
    locked = out / "locked.html"
    write_file(locked, b"old")
    locked.chmod(0o444)
    assert write_file(locked, b"new") and locked.read_bytes() == b"new"


def test_staging_folders_are_made_as_makedirs_would(tmp_path):
    """Made with one mkdir where the parent exists, the parents too where not; an existing
    folder is fine, a file in the way is an error."""
    _make_folder(str(tmp_path / "a/b/c"))
    _make_folder(str(tmp_path / "a/b/d"))
    _make_folder(str(tmp_path / "a/b/d"))
    assert sorted(p.name for p in (tmp_path / "a/b").iterdir()) == ["c", "d"]
    (tmp_path / "a/file").write_text("x")
    with pytest.raises(FileExistsError):
        _make_folder(str(tmp_path / "a/file"))
