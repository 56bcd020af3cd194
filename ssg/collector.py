"""Interpreter settings for a build: garbage-collector thresholds and the GIL switch interval.

Fewer collections, none of them in copied memory: a cold build allocates millions of
short-lived objects (Markdown tokens, template frames) and almost no reference cycles, yet
CPython's default thresholds run a collection every 700 allocations: measured on the
1,000-post benchmark, 1,400 collections took 0.38 s of an 8 s single-process build, against
0.05 s with the thresholds below. Before forking workers, `gc.freeze()` moves the parent's
objects out of the collector's sight, so a worker's collection does not touch (and so copy)
every page of memory it shares with the parent.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BUILD_THRESHOLDS = (50_000, 20, 100)

# Whether `keep_for_the_build` has frozen the heap during the build now running.
_frozen_by_a_build = False

# What a one-shot command keeps until `os._exit` (see `keep_until_exit`); None elsewhere.
_kept_until_exit: list[object] | None = None


def exit_without_teardown() -> None:
    """Declare that this process ends with `os._exit` (the `aloud` command does, but for
    serve and watch). Its imports and what follows the build run with the build's collector
    thresholds too: 33 collections while importing and 7 after the build took 18 ms of a
    1,000-post cold build, all of it serial, to free next to nothing."""
    global _kept_until_exit
    _kept_until_exit = []
    gc.set_threshold(*BUILD_THRESHOLDS)


# Threads the `aloud` command joins before `os._exit` (see `join_before_exit`).
_to_join: list[threading.Thread] = []


def join_before_exit(thread: threading.Thread) -> None:
    """A thread the process must not leave behind by ending with `os._exit`, which runs no
    atexit handler: a process pool left to shut down on its own (its manager thread tells the
    workers to exit and reaps them) must be joined, or a worker not yet told waits on its queue
    forever, holding the command's stdout and stderr open. Threads that have ended are dropped
    here, so a server that builds all day keeps only the live ones."""
    _to_join[:] = [known for known in _to_join if known.is_alive()]
    _to_join.append(thread)


def join_pending() -> None:
    """Join what `join_before_exit` was given (`cli.run`, just before `os._exit`)."""
    while _to_join:
        _to_join.pop().join()


def keep_until_exit(*objects: object) -> None:
    """Objects a one-shot command is done with, kept alive rather than freed one by one: the
    site, its outputs and the builder's caches took 15 ms of a 1,000-post cold build to free
    after the last file was written, with one core idle. In a process that lives on (watch,
    serve, tests calling `cli.main`) they are freed as usual."""
    if _kept_until_exit is not None:
        _kept_until_exit.extend(objects)


@contextmanager
def fewer_collections(settle: bool = False) -> Iterator[None]:
    """Raise the collector's thresholds for the duration of a build, then restore them.

    With `settle` (a process that lives on: watch, serve), collect once at the end. With few
    full collections during the build, CPython's heuristic would otherwise run one over the
    whole kept site at the next save: the first watch-mode edit at 10,000 posts took 200-700 ms
    instead of 30. Here it costs a fraction of the full build it follows.
    """
    global _frozen_by_a_build
    previous = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.unfreeze()  # what `keep_for_the_build` froze
        _frozen_by_a_build = False
        gc.set_threshold(*previous)
        if settle:
            gc.collect()


def keep_for_the_build() -> None:
    """What is alive now (loaded cache, parse results, the assembled site) lives until the build
    ends: stop the collector from scanning it again at every collection of the older
    generations (10,000 posts, a template edit: 12 collections of the middle generation took
    0.5 s, most of it going over the same site again). Called inside `fewer_collections`,
    which unfreezes when the build is over; acyclic garbage is still freed at once."""
    global _frozen_by_a_build
    gc.freeze()
    _frozen_by_a_build = True


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Freeze the parent's objects while workers run; unfreeze after (watch mode lives on),
    unless a build froze them already (it unfreezes them when it ends). Known from a flag, not
    from `gc.get_freeze_count()`, which walks every frozen object: 10-12 ms before the render
    workers of a 1,000-post build could be forked, with the other core idle."""
    frozen_before = _frozen_by_a_build
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


@contextmanager
def responsive_helper_threads(interval: float = 0.001) -> Iterator[None]:
    """A shorter GIL switch interval while this process works beside its workers.

    The executor's helper thread hands the next chunk to a worker and takes its results; while
    the main thread parses or renders, that thread waits for the GIL up to the switch interval
    (5 ms by default) each time, and the worker may sit idle meanwhile.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@contextmanager
def no_collections() -> Iterator[None]:
    """No collection at all while loading a cache: unpickling creates millions of objects and
    no cycles, yet would trigger collection after collection over them (10,000 posts: loading
    the parse cache took 1.0 s with the build's thresholds, 0.6 s without collections)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
