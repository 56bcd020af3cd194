"""The persistent cache and the no-change fast path: always safe, never trusted when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from conftest import REPO, snapshot

from ssg import cli, fastpath, toolchain
from ssg import parse as parse_module
from ssg.builder import Builder
from ssg.cache import read_cache_file
from ssg.digests import DigestMemo

POST = "---\ntitle: Hello\ndate: 2024-01-01\n---\nBody text.\n"


def spy_on_parsing(monkeypatch) -> list[str]:
    """The sources parsed from now on (by `rel`), in order."""
    parses: list[str] = []
    real_parse = parse_module.read_and_parse
    monkeypatch.setattr(
        "ssg.parallel.read_and_parse",
        lambda source: parses.append(source.rel) or real_parse(source),
    )
    return parses


def run(site_root, *args):
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "-s", str(site_root), *args],
        capture_output=True,
        text=True,
    )


def test_unchanged_site_skips_the_build(make_site):
    site = make_site({"content/notes/a.md": POST})
    assert run(site.root).returncode == 0
    second = run(site.root)
    assert second.returncode == 0 and "nothing changed" in second.stderr


def test_any_change_falls_through(make_site):
    site = make_site({"content/notes/a.md": POST})
    run(site.root)
    (site.root / "content/notes/a.md").write_text(POST.replace("Body", "New"))
    result = run(site.root)
    assert "nothing changed" not in result.stderr
    assert "New text." in site.read("notes/a/index.html")
    run(site.root)
    (site.root / "public/notes/a/index.html").unlink()  # a damaged output is rebuilt
    result = run(site.root)
    assert "nothing changed" not in result.stderr and site.exists("notes/a/index.html")
    assert "nothing changed" not in run(site.root, "--drafts").stderr  # other options, other build


def test_fast_path_records_every_planned_output(make_site):
    """The record lists every file the build wrote, and an output whose size changed sends
    the next build through the real one."""
    site = make_site({"content/notes/a.md": POST})
    assert run(site.root).returncode == 0
    [state_file] = (site.root / ".aloud").glob("fast-*.json")
    recorded = {rel for rel, *_stamp in json.loads(state_file.read_text())["files"]}
    on_disk = {
        str(p.relative_to(site.root / "public"))
        for p in (site.root / "public").rglob("*")
        if p.is_file()
    }
    assert recorded == on_disk and "notes/a/index.html" in recorded
    page = site.root / "public/notes/a/index.html"
    page.write_text(page.read_text() + "<!-- edited by hand -->")
    assert "nothing changed" not in run(site.root).stderr


def test_an_output_edited_by_hand_is_put_right_by_the_next_build(make_site):
    """Edited (even keeping its size), replaced or truncated: the next build notices that the
    file is not as it left it, renders that output again and writes it if it differs."""
    site = make_site({"content/notes/a.md": POST})
    assert run(site.root).returncode == 0
    page = site.root / "public/notes/a/index.html"
    built = page.read_bytes()
    for damage in ("same size", "shorter", "replaced", "touched"):
        if damage == "same size":
            page.write_bytes(built.replace(b"Body text.", b"Bodx text."))
        elif damage == "shorter":
            page.write_bytes(built[:100])
        elif damage == "replaced":  # a new file in its place, size and times copied
            info = page.stat()
            copy = page.with_name("copy.html")
            copy.write_bytes(built.replace(b"Body text.", b"Bodx text."))
            os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))
            os.replace(copy, page)
        else:
            os.utime(page, ns=(1, 1))  # the same bytes, an older mtime: checked, not rewritten
        result = run(site.root)
        assert result.returncode == 0, result.stderr
        assert "nothing changed" not in result.stderr, damage
        assert page.read_bytes() == built, damage
        assert "nothing changed" in run(site.root).stderr, damage  # and trusted again after


def test_same_size_edit_with_restored_mtime_is_seen(make_site):
    site = make_site({"content/notes/a.md": POST})
    run(site.root)
    path = site.root / "content/notes/a.md"
    stat = path.stat()
    time.sleep(0.01)
    path.write_text(POST.replace("Body", "Bodx"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # like rsync -t or cp -p
    run(site.root)
    assert "Bodx text." in site.read("notes/a/index.html")  # ctime changed, so not skipped


def _rewrite_same_bytes(path):
    """What git checkout, `git stash pop` or a sync tool does: the same bytes in a new file."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)
    os.utime(path, ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))


def test_touched_content_with_the_same_bytes_is_no_change(make_site):
    """New stat data but the bytes the last build read: skipped, and recorded anew, so the
    build after that is decided by stat data alone again."""
    site = make_site(
        {"content/notes/a.md": POST, "content/notes/b.md": POST, "content/img/x.png": b"\x89PNG"}
    )
    assert run(site.root).returncode == 0
    for rel in ("content/notes/a.md", "content/img/x.png"):
        _rewrite_same_bytes(site.root / rel)
    result = run(site.root)
    assert result.returncode == 0 and "nothing changed" in result.stderr, result.stderr
    [content_record] = (site.root / ".aloud").glob("content-*.json")
    recorded = json.loads(content_record.read_text())["content"]
    stat = (site.root / "content/notes/a.md").stat()
    assert recorded["notes/a.md"][:4] == [
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
        stat.st_ino,
    ]
    scan = fastpath.scan_inputs(site.root, {})
    assert scan.content["notes/a.md"] == tuple(recorded["notes/a.md"][:4])
    assert "nothing changed" in run(site.root).stderr


def test_touched_content_with_other_bytes_is_built(make_site):
    """Same size, old mtime, new bytes: read, found different, built."""
    site = make_site({"content/notes/a.md": POST, "content/notes/b.md": POST})
    run(site.root)
    path = site.root / "content/notes/a.md"
    info = path.stat()
    path.write_text(POST.replace("Body", "Bodx"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    result = run(site.root)
    assert "nothing changed" not in result.stderr
    assert "Bodx text." in site.read("notes/a/index.html")


def test_renamed_added_or_unread_files_are_not_judged_by_bytes(make_site):
    """Only the stat data of files the build read can be excused by their bytes: a rename, a
    new file, or a touched file the build skipped (an editor's backup) sends the build through."""
    site = make_site({"content/notes/a.md": POST, "content/notes/old.md.bak": "backup"})
    run(site.root)
    _rewrite_same_bytes(site.root / "content/notes/old.md.bak")
    assert "nothing changed" not in run(site.root).stderr
    os.rename(site.root / "content/notes/a.md", site.root / "content/notes/c.md")
    assert "nothing changed" not in run(site.root).stderr
    assert site.exists("notes/c/index.html") and not site.exists("notes/a/index.html")


def test_the_recorded_digest_is_that_of_the_bytes_the_build_read(make_site):
    """A file changed during a build and changed back afterwards must not look unchanged:
    the record keeps the digest the build used, not a later reading."""
    site = make_site({"content/notes/a.md": POST})
    run(site.root)
    output = site.root / "public"
    same, scan, warnings, _count = fastpath.unchanged(site.root, output, {"x": 1})
    assert not same  # other options
    [state_file] = (site.root / ".aloud").glob("fast-*.json")
    files = json.loads(state_file.read_text())["files"]
    stamps = {rel: tuple(stamp) for rel, *stamp in files}
    other = fastpath.file_digest(POST.replace("Body", "Bodx").encode())
    fastpath.record(site.root, output, scan, warnings, stamps, {"notes/a.md": other})
    assert fastpath.unchanged(site.root, output, {"x": 1})[0]  # stat data alike: trusted
    _rewrite_same_bytes(site.root / "content/notes/a.md")
    assert not fastpath.unchanged(site.root, output, {"x": 1})[0]  # bytes differ from the build's
    fastpath.record(site.root, output, scan, warnings, stamps, {"notes/a.md": None})
    assert not fastpath.unchanged(site.root, output, {"x": 1})[0]


def test_a_damaged_or_stale_content_record_is_not_trusted(make_site):
    site = make_site({"content/notes/a.md": POST})
    run(site.root)
    [content_record] = (site.root / ".aloud").glob("content-*.json")
    original = content_record.read_text()
    for damage in ("{not json", original.replace('"notes/a.md"', '"notes/b.md"'), None):
        if damage is None:
            content_record.unlink()
        else:
            content_record.write_text(damage)
        _rewrite_same_bytes(site.root / "content/notes/a.md")
        assert "nothing changed" not in run(site.root).stderr, damage
        _rewrite_same_bytes(site.root / "content/notes/a.md")
        assert "nothing changed" in run(site.root).stderr, damage  # recorded anew by that build
        original = content_record.read_text()


def test_corrupted_cache_is_ignored(make_site):
    site = make_site({"content/notes/a.md": POST})
    site.build()
    reference = snapshot(site.root / "public")
    damaged = [*(site.root / ".aloud").glob("state-*.pickle"), site.root / ".aloud/parsed.pickle"]
    assert len(damaged) == 2
    for path in damaged:
        data = bytearray(path.read_bytes())
        data[-10] ^= 0xFF
        path.write_bytes(bytes(data))
        assert read_cache_file(path) is None
    for path in (site.root / ".aloud").glob("fast-*.json"):
        path.write_text("{not json")
    assert run(site.root).returncode == 0
    assert snapshot(site.root / "public") == reference


def test_deleting_the_cache_is_safe(make_site):
    site = make_site({"content/notes/a.md": POST})
    site.build()
    reference = snapshot(site.root / "public")
    import shutil

    shutil.rmtree(site.root / ".aloud")
    site.build()
    assert snapshot(site.root / "public") == reference
    assert site.build().written == []  # and the rebuilt cache skips everything again


def test_cache_invalidated_by_content_template_config_and_version(make_site, monkeypatch):
    site = make_site({"content/notes/a.md": POST})
    site.build()
    assert Builder(site.options()).build().rendered == 0
    (site.root / "layouts").mkdir()
    (site.root / "layouts/404.html").write_text("custom\n")
    assert Builder(site.options()).build().rendered_paths == [
        "404.html",
        "nl/404.html",
        "sv/404.html",
    ]
    config = (site.root / "site.toml").read_text().replace("Test site", "Other")
    (site.root / "site.toml").write_text(config)
    assert "notes/a/index.html" in Builder(site.options()).build().rendered_paths
    import ssg

    monkeypatch.setattr(ssg, "__version__", "99.0")
    monkeypatch.setattr("ssg.cache.__version__", "99.0")
    monkeypatch.setattr("ssg.routes.__version__", "99.0")
    assert "notes/a/index.html" in Builder(site.options()).build().rendered_paths


CODE_POST = "---\ntitle: Code\ndate: 2024-01-01\n---\nSee:\n\n```python\nprint(1)\n```\n"


def test_parse_results_are_kept_only_for_the_same_code_and_libraries(make_site, monkeypatch):
    """A new Pygments, markdown-it or Aloud may make other HTML of the same bytes: the parse
    results and output keys of the old ones are not reused (the cache used to be keyed by
    Aloud's version number alone, which a git pull or a library upgrade does not change)."""
    site = make_site({"content/notes/a.md": CODE_POST})
    parses = spy_on_parsing(monkeypatch)
    site.build()
    assert parses == ["notes/a.md"]
    parses.clear()
    assert site.build().rendered == 0 and parses == []
    for changed in ("libraries", "aloud_code"):
        monkeypatch.setattr(f"ssg.toolchain.{changed}", lambda changed=changed: f"new {changed}")
        result = site.build()
        assert parses == ["notes/a.md"], changed
        assert "notes/a/index.html" in result.rendered_paths
        parses.clear()
        assert site.build().rendered == 0 and parses == []  # and kept for the new ones


def test_a_changed_page_keeps_its_unchanged_code_blocks(make_site, monkeypatch):
    """The parse cache is keyed by the whole file, so fixing a typo in a tutorial's prose
    parses it again; its code blocks come from the last build's result, not Pygments."""
    from ssg import markdown

    two_blocks = CODE_POST + "\nAnd:\n\n```js\nlet x = 1;\n```\n"
    site = make_site({"content/notes/a.md": two_blocks, "content/notes/b.md": POST})
    site.build()
    fresh = snapshot(site.root / "public")
    highlighted: list[str] = []
    real_highlight = markdown.highlight
    monkeypatch.setattr(
        markdown,
        "highlight",
        lambda code, *rest: highlighted.append(code) or real_highlight(code, *rest),
    )
    markdown._highlighted.cache_clear()  # as in a new process
    markdown._known_blocks.clear()
    (site.root / "content/notes/a.md").write_text(two_blocks.replace("See:", "Look:"))
    site.build()
    assert highlighted == []
    assert "Look:" in site.read("notes/a/index.html")
    assert snapshot(site.root / "public")["notes/a/index.html"] == fresh[
        "notes/a/index.html"
    ].replace(b"See:", b"Look:")
    (site.root / "content/notes/a.md").write_text(two_blocks + "\n```python\nprint(2)\n```\n")
    site.build()
    assert highlighted == ["print(2)\n"]  # only the new block


def test_the_no_change_check_covers_the_libraries(make_site, monkeypatch, capsys):
    site = make_site({"content/notes/a.md": POST})
    assert cli.main(["build", "-s", str(site.root)]) == 0
    assert cli.main(["build", "-s", str(site.root)]) == 0
    assert "nothing changed" in capsys.readouterr().err
    monkeypatch.setattr("ssg.toolchain.libraries", lambda: "Pygments upgraded")
    assert cli.main(["build", "-s", str(site.root)]) == 0
    assert "nothing changed" not in capsys.readouterr().err


def test_a_library_reinstalled_changes_its_stamp(tmp_path, monkeypatch):
    package = tmp_path / "aloud_fake_library"
    package.mkdir()
    (package / "__init__.py").write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    first = toolchain.library_stamp(("aloud_fake_library",))
    assert toolchain.library_stamp(("aloud_fake_library",)) == first
    (package / "__init__.py").unlink()
    (package / "__init__.py").write_text("VERSION = 2\n")  # as pip replaces a file
    assert toolchain.library_stamp(("aloud_fake_library",)) != first
    assert toolchain.library_stamp(("aloud_no_such_library",)) != first  # absent is a state too


def test_fast_signature_covers_aloud_itself(make_site):
    site = make_site({"content/notes/a.md": POST})
    first = fastpath.scan_inputs(site.root, {}).signature
    assert first == fastpath.scan_inputs(site.root, {}).signature
    assert first != fastpath.scan_inputs(site.root, {"drafts": True}).signature


def test_parse_results_are_shared_by_output_folders_and_read_once_when_cold(make_site, monkeypatch):
    site = make_site({"content/notes/a.md": POST, "content/notes/b.md": POST})
    reads: list[str] = []
    real_digest = DigestMemo.digest

    def counting_digest(self, path, key=None):
        reads.append(str(path))
        return real_digest(self, path, key)

    monkeypatch.setattr(DigestMemo, "digest", counting_digest)
    parses = spy_on_parsing(monkeypatch)
    site.build()
    assert sorted(parses) == ["notes/a.md", "notes/b.md"]
    assert not [p for p in reads if p.endswith(".md")]  # cold: parsing is the only read
    parses.clear()
    Builder(site.options(output_dir=site.root / "preview", drafts=True)).build()
    assert parses == []  # another output folder reuses the parse results
    assert [p for p in reads if p.endswith(".md")]  # warm: digests decide what to parse
    (site.root / ".aloud/parsed.pickle").unlink()
    site.build()
    assert sorted(parses) == ["notes/a.md", "notes/b.md"]  # deleting the parse cache is safe


def test_a_quick_rebuild_is_not_trusted_by_the_next_process(make_site):
    """Watch mode writes a page without saving its key; if the edit is reverted before the
    next build, that build must still put the reverted page back."""
    site = make_site({"content/notes/a.md": POST, "content/notes/b.md": POST})
    site.build()
    watching = Builder(site.options())
    watching.keep_snapshot = True
    watching.build()
    path = site.root / "content/notes/a.md"
    path.write_text(POST.replace("Body", "Edited"))
    assert watching.build({str(path)}).quick
    assert "Edited text." in site.read("notes/a/index.html")
    path.write_text(POST)  # reverted while nothing watches
    result = site.build()
    assert "Body text." in site.read("notes/a/index.html")
    assert "notes/b/index.html" not in result.rendered_paths  # only what was written is redone
    assert not list((site.root / ".aloud").glob("writing-*"))


def test_a_build_killed_while_writing_is_repaired_by_the_next(make_site):
    site = make_site({"content/notes/a.md": POST})
    site.build()
    page = site.root / "public/notes/a/index.html"
    page.write_bytes(page.read_bytes()[:40])  # torn
    state = next((site.root / ".aloud").glob("state-*.pickle"))
    marker = state.with_name(state.stem.replace("state-", "writing-"))
    marker.write_text("*\n")  # what a build killed while writing leaves
    result = site.build()
    assert result.rendered == result.planned and "Body text." in site.read("notes/a/index.html")
    assert not marker.exists()


def record_cache_writers(monkeypatch, log, fail_in_child=False) -> None:
    """Log which process writes each cache file (a forked child's list appends are lost, so
    to a file); with `fail_in_child`, a forked child's write fails."""
    from ssg import cache as cache_module

    real_write = cache_module.write_cache_file
    parent = os.getpid()

    def logging_write(path, records):
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {path.name}\n")
        if fail_in_child and os.getpid() != parent:
            raise OSError("disk full")
        real_write(path, records)

    monkeypatch.setattr(cache_module, "write_cache_file", logging_write)


def writers_of(log, name: str) -> set[int]:
    lines = log.read_text().splitlines() if log.exists() else []
    return {int(pid) for pid, file in (line.split() for line in lines) if file == name}


def test_parse_results_are_written_aside_while_the_site_is_assembled(make_site, monkeypatch):
    """A forked process writes parsed.pickle while this one assembles and plans; the next build
    reads every result from it."""
    site = make_site({"content/notes/a.md": POST, "content/notes/b.md": CODE_POST})
    log = site.root.parent / "writers.log"
    record_cache_writers(monkeypatch, log)
    site.build()
    [writer] = writers_of(log, "parsed.pickle")
    assert writer != os.getpid()
    parses = spy_on_parsing(monkeypatch)
    (site.root / "content/notes/c.md").write_text(POST)  # a real build, not the fast path
    site.build()
    assert parses == ["notes/c.md"]


def test_a_failed_aside_writer_leaves_the_parse_results_to_this_process(make_site, monkeypatch):
    site = make_site({"content/notes/a.md": POST, "content/notes/b.md": CODE_POST})
    log = site.root.parent / "writers.log"
    record_cache_writers(monkeypatch, log, fail_in_child=True)
    site.build()
    writers = writers_of(log, "parsed.pickle")
    assert len(writers) == 2 and os.getpid() in writers  # the child's try, then this process
    records = read_cache_file(site.root / ".aloud/parsed.pickle")
    assert records is not None and sorted(r[0] for r in records[1:]) == ["notes/a.md", "notes/b.md"]


def test_no_aside_writer_beside_other_threads(make_site, monkeypatch):
    """Watch mode and the server have threads of their own, which may hold a lock a forked
    child would wait on forever: there, the parse results are written in-process."""
    import threading

    site = make_site({"content/notes/a.md": POST})
    log = site.root.parent / "writers.log"
    record_cache_writers(monkeypatch, log)
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait)
    waiter.start()
    try:
        site.build()
    finally:
        stop.set()
        waiter.join()
    assert writers_of(log, "parsed.pickle") == {os.getpid()}


def test_a_failed_build_waits_for_its_aside_writer(make_site, monkeypatch):
    """Parsing succeeded, assembling failed: the parse results are still written, by a process
    that has ended by the time the build reports its error."""
    import pytest

    from ssg.errors import BuildFailed

    site = make_site(
        {
            "content/notes/a.md": POST,
            "content/notes/b.md": "---\ndate: 2024-01-01\n---\nNo title.\n",
        }
    )
    log = site.root.parent / "writers.log"
    record_cache_writers(monkeypatch, log)
    waited: list[int] = []
    real_waitpid = os.waitpid
    monkeypatch.setattr(
        "ssg.aside.os.waitpid", lambda pid, flags: waited.append(pid) or real_waitpid(pid, flags)
    )
    with pytest.raises(BuildFailed):
        site.build()
    [writer] = writers_of(log, "parsed.pickle")
    assert writer != os.getpid() and waited == [writer]
    assert read_cache_file(site.root / ".aloud/parsed.pickle") is not None
