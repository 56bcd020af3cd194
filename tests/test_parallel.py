"""Unit tests for how work is split across workers and how the collector is tuned for a build."""

from __future__ import annotations

import gc
import subprocess
import sys

from ssg import builder
from ssg.collector import (
    BUILD_THRESHOLDS,
    fewer_collections,
    frozen_for_fork,
    keep_for_the_build,
    no_collections,
)
from ssg.model import Output
from ssg.parallel import _chunks, costliest_first


def test_chunks_cover_every_index_once_and_shrink_towards_the_end():
    for count in (0, 1, 7, 100, 2657):
        chunks = _chunks(count, 2)
        covered = [i for chunk in chunks for i in chunk]
        assert covered == list(range(count))
        sizes = [len(chunk) for chunk in chunks]
        assert sizes == sorted(sizes, reverse=True)  # whoever finishes last has a small one
        assert all(size <= 64 for size in sizes)
    sizes = [len(chunk) for chunk in _chunks(2657, 2)]
    assert sizes[0] == 64 and sizes[-1] == 1 and sum(size <= 8 for size in sizes) >= 8


def test_costliest_first_is_stable():
    outputs = [
        Output("a/index.html", "page", "k1", template="post.html"),
        Output("feed.xml", "feed-rss", "k2"),
        Output("b/index.html", "page", "k3", template="post.html"),
        Output("archive/index.html", "page", "k4", template="archive.html"),
        Output("c/index.html", "page", "k5", template="post.html"),
    ]
    ordered = [o.path for o in costliest_first(outputs)]
    assert ordered == [
        "archive/index.html",
        "feed.xml",
        "a/index.html",
        "b/index.html",
        "c/index.html",
    ]


def test_fewer_collections_restores_thresholds():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == BUILD_THRESHOLDS
    assert gc.get_threshold() == before


def test_no_collections_restores_the_collector_as_it_was():
    assert gc.isenabled()
    try:
        with no_collections():
            assert not gc.isenabled()
            raise RuntimeError("damaged cache")
    except RuntimeError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with no_collections():
            pass
        assert not gc.isenabled()  # whoever disabled it keeps it disabled
    finally:
        gc.enable()


def test_what_a_build_keeps_is_frozen_until_the_build_ends():
    with fewer_collections():
        keep_for_the_build()
        kept = gc.get_freeze_count()
        assert kept > 0
        with frozen_for_fork():
            pass
        assert gc.get_freeze_count() >= kept  # the workers' end does not unfreeze the build's
    assert gc.get_freeze_count() == 0


def test_a_build_leaves_nothing_frozen(make_site):
    site = make_site({"content/notes/a.md": "---\ntitle: A\n---\nText.\n"})
    site.build()
    assert gc.get_freeze_count() == 0


def test_frozen_for_fork_unfreezes_even_on_error():
    try:
        with frozen_for_fork():
            assert gc.get_freeze_count() > 0
            raise RuntimeError("worker failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_a_process_that_lives_on_collects_once_after_a_build(monkeypatch):
    collected = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    with fewer_collections():
        pass
    assert collected == []  # a one-off build exits without collecting
    with fewer_collections(settle=True):
        pass
    assert collected == [()]


def test_switch_interval_is_restored():
    import sys

    from ssg.collector import responsive_helper_threads

    before = sys.getswitchinterval()
    with responsive_helper_threads():
        assert sys.getswitchinterval() < before
    assert sys.getswitchinterval() == before


SPY_ON_THE_FORK = """
import sys
from ssg import builder, cli

real_parse_many = builder.parse_many

def parse_many(*args, **kwargs):
    later = [name for name in builder.LATER_PHASE_MODULES if name in sys.modules]
    print("loaded when parsing starts:", later)
    return real_parse_many(*args, **kwargs)

builder.parse_many = parse_many
cli.main(["build", "-s", sys.argv[1], "--quiet"])
"""


def test_parse_workers_fork_before_the_later_phases_are_imported(make_site):
    """Imports only planning and rendering need are done while the workers parse: on the way
    to the fork they were serial start-up time of every cold build."""
    site = make_site(
        {
            "content/notes/a.md": "---\ntitle: A\n---\nText.\n",
            "content/notes/a.nl.md": "---\ntitle: A\n---\nTekst.\n",  # a language suffix
        }
    )
    run = subprocess.run(
        [sys.executable, "-c", SPY_ON_THE_FORK, str(site.root)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "loaded when parsing starts: []" in run.stdout
    assert "jinja2" in builder.LATER_PHASE_MODULES


def test_a_one_shot_command_keeps_what_it_is_done_with_until_exit(make_site, monkeypatch):
    """The `aloud` command ends with os._exit: the builder, its result and the outputs stay
    alive until then instead of being freed one by one. A process that lives on frees them."""
    from ssg import cli, collector
    from ssg.builder import Builder, BuildResult

    site = make_site({"content/notes/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"})
    monkeypatch.setattr(collector, "_kept_until_exit", None)
    assert cli.main(["build", "-s", str(site.root), "--quiet", "--no-cache"]) == 0
    assert collector._kept_until_exit is None

    thresholds = gc.get_threshold()
    try:
        collector.exit_without_teardown()
        assert gc.get_threshold() == collector.BUILD_THRESHOLDS  # imports collect less too
        assert cli.main(["build", "-s", str(site.root), "--quiet", "--no-cache"]) == 0
        assert gc.get_threshold() == collector.BUILD_THRESHOLDS  # and so does the exit
    finally:
        gc.set_threshold(*thresholds)
    outputs, builder, result = collector._kept_until_exit
    assert isinstance(builder, Builder) and isinstance(result, BuildResult)
    assert {o.path for o in outputs} == set(result.output_paths)


SLOW_POOL_SHUTDOWN = """
import sys, time
from concurrent.futures import process
from ssg import builder, cli

builder.PARALLEL_RENDER_FROM = 1  # a small site rendered in two processes all the same
real_shutdown_workers = process._ExecutorManagerThread.shutdown_workers

def shutdown_workers(self):
    time.sleep(0.5)  # the render worker is told to exit only after this
    real_shutdown_workers(self)

process._ExecutorManagerThread.shutdown_workers = shutdown_workers
sys.argv = ["build.py", "build", "-s", sys.argv[1], "--quiet", "--jobs", "2", "--no-cache"]
cli.run()
"""


def test_the_command_does_not_leave_a_worker_behind(make_site):
    """`aloud` ends with os._exit, which skips the pools' atexit join, and the render pool is
    not waited for when rendering ends: a worker not yet told to exit by then would wait on its
    queue forever, holding the command's stdout and stderr open (a test that ran build.py hung
    on it). The command joins the pool before it exits."""
    site = make_site(
        {f"content/notes/n{i}.md": f"---\ntitle: N{i}\n---\nText.\n" for i in range(9)}
    )
    run = subprocess.run(
        [sys.executable, "-c", SLOW_POOL_SHUTDOWN, str(site.root)],
        capture_output=True,
        text=True,
        timeout=60,  # the pipes close when the last process holding them exits
    )
    assert run.returncode == 0, run.stderr
    assert (site.root / "public/notes/n8/index.html").is_file()


def test_only_one_shot_commands_keep_what_they_are_done_with(monkeypatch):
    """`serve` and `watch` build again on every save: kept until exit, each full rebuild's
    outputs would pile up for as long as they run. A build (the default command) keeps them."""
    import os

    import pytest

    from ssg import cli, collector

    def leave(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(cli, "main", lambda argv=None: 0)
    monkeypatch.setattr(os, "_exit", leave)
    thresholds = gc.get_threshold()
    try:
        for argv, kept in (
            (["watch", "-s", "x"], None),
            (["serve"], None),
            (["build"], []),
            ([], []),
        ):
            monkeypatch.setattr(collector, "_kept_until_exit", None)
            monkeypatch.setattr(sys, "argv", ["aloud", *argv])
            with pytest.raises(SystemExit):
                cli.run()
            assert collector._kept_until_exit == kept, argv
    finally:
        gc.set_threshold(*thresholds)  # a one-shot command raised them for the whole process


def test_threads_to_join_before_exit_do_not_pile_up(monkeypatch):
    """A server registers its render pool's thread at every full build: ended ones are dropped,
    and the command joins the rest before os._exit."""
    import threading

    from ssg import collector

    monkeypatch.setattr(collector, "_to_join", [])
    done = threading.Thread(target=lambda: None)
    done.start()
    done.join()
    release = threading.Event()
    first, second = (threading.Thread(target=release.wait) for _ in range(2))
    first.start()
    second.start()
    for thread in (done, first, second):
        collector.join_before_exit(thread)
    assert collector._to_join == [first, second]  # `done` dropped at the next registration
    release.set()
    collector.join_pending()
    assert collector._to_join == [] and not first.is_alive() and not second.is_alive()


def test_the_pool_is_shut_down_when_a_worker_cannot_be_forked(monkeypatch):
    """As the `with` statement did: a failed submit (fork refused) still shuts the pool down."""
    from concurrent.futures import ProcessPoolExecutor

    import pytest

    from ssg import parallel

    shut: list[bool] = []
    real_shutdown = ProcessPoolExecutor.shutdown

    def refuse(self, *args, **kwargs):
        raise OSError("cannot fork")

    def recording_shutdown(self, wait=True, **kwargs):
        shut.append(wait)
        return real_shutdown(self, wait, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse)
    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", recording_shutdown)
    with pytest.raises(OSError):
        list(parallel._in_workers(len, [range(2)], 2, None, wait_for_exit=False))
    assert shut == [False]
