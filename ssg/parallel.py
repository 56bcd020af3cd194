"""Using both cores: parse and render in forked worker processes, merged deterministically.

Workers are forked after the parent has built everything they need (sources, environment,
outputs), so nothing large is pickled on the way in; only results come back. The bytes of each
output do not depend on which process rendered it, so a parallel build equals a serial one.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from . import regex_cache
from .collector import (
    frozen_for_fork,
    join_before_exit,
    keep_for_the_build,
    responsive_helper_threads,
)
from .config import Config
from .discover import Source
from .errors import BuildFailed, SiteError
from .model import Output
from .parse import Parsed, read_and_parse
from .progress import Progress

if TYPE_CHECKING:
    import jinja2

    from .fastpath import FileStamp

_shared: dict[str, Any] = {}

T = TypeVar("T")


def _in_workers(
    function: Callable,
    chunks: list[range],
    jobs: int,
    meanwhile: Callable[[], None] | None,
    wait_for_exit: bool = True,
) -> Iterator:
    """Results of `function` per chunk, as they complete: `jobs - 1` forked workers and this
    process all take the next chunk nobody has started, in the list's order.

    The parent working too saves a process: a forked worker's resident memory counts the pages it
    shares with its parent, so on two cores one worker instead of two keeps the build's summed
    memory near twice the parent's rather than three times. A chunk is the parent's only if
    cancelling its future succeeds, i.e. no worker has started it, so no chunk runs twice.
    ProcessPoolExecutor rather than multiprocessing.Pool: if a worker dies or a result cannot be
    sent back, the executor raises BrokenProcessPool, where a Pool would wait forever.

    Without `wait_for_exit`, the last result returns without waiting for the workers to exit
    (6-11 ms at 1,000 posts, the kernel freeing a worker's memory): the executor's thread
    reaps them while this process goes on, and the `aloud` command joins it before `os._exit`
    (`join_before_exit`). Not before forking again (parse results are written aside by a
    forked process, which needs no other thread alive).
    """
    context = multiprocessing.get_context("fork")
    workers = max(1, jobs - 1)
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        with frozen_for_fork(), responsive_helper_threads():
            futures = [executor.submit(_in_worker, function, chunk) for chunk in chunks]
            pending = set(futures)
            # Futures as they finish (appended by the executor's thread), so taking the workers'
            # results costs nothing per chunk: scanning every future after each chunk took 57 ms
            # of the main process at 10,000 posts (374 chunks).
            finished: deque[Future] = deque()
            for future in futures:
                future.add_done_callback(finished.append)
            try:
                if meanwhile is not None:
                    meanwhile()  # the workers have started; their chunks do not wait for this
                for chunk, future in zip(chunks, futures, strict=True):
                    if future.cancel():  # nobody has started it: this process's
                        pending.discard(future)
                        yield function(chunk)
                    while finished:
                        done = finished.popleft()
                        if done in pending:  # not one this process cancelled and did itself
                            pending.discard(done)
                            yield _from_worker(done)
                for future in as_completed(pending):
                    yield _from_worker(future)
            except BrokenProcessPool as exc:
                raise SiteError(None, None, f"a build worker died ({exc}); try --jobs 1") from None
            finally:
                for future in futures:
                    future.cancel()
    finally:  # also when forking a worker failed: the executor's thread ends with it
        # The thread that tells the workers to exit and reaps them (shutdown forgets it).
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=wait_for_exit)
        if not wait_for_exit and manager is not None:
            join_before_exit(manager)  # at the latest before os._exit


def _in_worker(function: Callable[[range], T], chunk: range) -> tuple[T, Any]:
    """A chunk's result, with the regular expressions the worker compiled that the
    installation's table did not hold (see regex_cache.py): the parent saves them."""
    return function(chunk), regex_cache.learnt()


def _from_worker(future: Future) -> Any:
    result, learnt = future.result()
    regex_cache.adopt(learnt)
    return result


def _chunks(count: int, jobs: int) -> list[range]:
    """Consecutive chunks that shrink towards the end of the list (guided scheduling).

    Everyone takes from the front, so whoever is slower or starts later (the parent does other
    work first, `meanwhile`) simply takes fewer chunks, and the last chunks are small enough
    for all to finish together. Big chunks at the start keep the per-chunk overhead low.
    (Measured: with the parent taking from the back of the list instead, the meeting point
    moved into big chunks whenever the parent started late, and the worker parsed on alone for
    0.11 s at the end of a 1,000-post build.)
    """
    chunks = []
    start = 0
    left = count
    while left > 0:
        size = max(1, min(64, left // (jobs * 4)))
        chunks.append(range(start, start + size))
        start += size
        left -= size
    return chunks


# Rough cost of one output by kind or template, relative to a post page (measured on the
# benchmark site): rendered first, so the last chunks are cheap ones.
_COST = {"archive.html": 80, "author.html": 40, "sitemap": 30, "talk.html": 10}
_COST_BY_PREFIX = {"feed-": 6}


def _cost(output: Output) -> int:
    for prefix, cost in _COST_BY_PREFIX.items():
        if output.kind.startswith(prefix):
            return cost
    return _COST.get(output.template or output.kind, 1)


def costliest_first(outputs: Sequence[Output]) -> list[Output]:
    """A stable order by estimated cost, so the order of equal outputs stays deterministic."""
    return sorted(outputs, key=lambda output: -_cost(output))


def _parse_chunk(indices: range) -> list[tuple[str, Parsed | SiteError]]:
    sources: Sequence[Source] = _shared["sources"]
    return [_parse_one(sources[i]) for i in indices]


def _parse_one(source: Source) -> tuple[str, Parsed | SiteError]:
    try:
        return source.rel, read_and_parse(source)
    except SiteError as error:
        return source.rel, error


def parse_many(
    sources: Sequence[Source],
    jobs: int,
    progress: Progress,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[dict[str, Parsed], list[SiteError]]:
    """Parse every source. `meanwhile` is other work for this process while workers parse:
    serial work moved there costs the build half as much on two cores."""
    results: dict[str, Parsed] = {}
    errors: list[SiteError] = []

    def collect(items: list[tuple[str, Parsed | SiteError]]) -> None:
        for rel, item in items:
            if isinstance(item, SiteError):
                errors.append(item)
            else:
                results[rel] = item
        # The results live until the build ends: frozen, they are not scanned by the collections
        # their own numbers would trigger (one of 50,000 young objects, 15 ms, at 1,000 posts).
        keep_for_the_build()
        progress.step("parse", len(results) + len(errors), len(sources))

    if jobs <= 1 or len(sources) < 2:
        if meanwhile is not None:
            meanwhile()
        for source in sources:
            collect([_parse_one(source)])
        return results, errors
    _shared["sources"] = sources
    try:
        for items in _in_workers(_parse_chunk, _chunks(len(sources), jobs), jobs, meanwhile):
            collect(items)
    finally:
        _shared.clear()
    return results, errors


def _render_chunk(indices: range) -> list[tuple[str, bytes | SiteError | FileStamp | None]]:
    env, config, outputs = _shared["env"], _shared["config"], _shared["outputs"]
    results = [_render_one(env, config, outputs[i]) for i in indices]
    direct = _shared.get("direct")
    if direct is None:
        return results
    # A cold build: write into the staging folder here and send back only the paths and the
    # files' stamps, so the parent neither unpickles every page nor spends its core on writing.
    written: list[tuple[str, bytes | SiteError | FileStamp | None]] = []
    for path, item in results:
        if isinstance(item, bytes):
            written.append((path, direct(path, item)))
        else:
            written.append((path, item))
    return written


def _render_one(
    env: jinja2.Environment, config: Config, output: Output
) -> tuple[str, bytes | SiteError]:
    from .render import render_output

    try:
        return output.path, render_output(env, config, output)
    except SiteError as error:
        return output.path, error
    except OSError as error:
        return output.path, SiteError(output.source or output.path, None, f"cannot read: {error}")


def render_many(
    env: jinja2.Environment,
    config: Config,
    outputs: Sequence[Output],
    jobs: int,
    progress: Progress,
    sink: Callable[[str, bytes], FileStamp | None],
    direct: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, FileStamp]:
    """Render every output; `sink(path, bytes)` receives results and may return the stamp of
    the file it wrote, and the stamps are returned by path. All errors raise together.

    With `direct`, worker processes call `sink` themselves (it must write to disk, e.g. a
    staging folder that is thrown away if anything fails)."""
    errors: list[SiteError] = []
    stamps: dict[str, FileStamp] = {}
    done = 0

    def collect(items: list[tuple[str, bytes | SiteError | FileStamp | None]]) -> None:
        nonlocal done
        for path, item in items:
            if isinstance(item, SiteError):
                errors.append(item)
            elif not errors:
                stamp = sink(path, item) if isinstance(item, bytes) else item
                if stamp is not None:
                    stamps[path] = stamp
            done += 1
        progress.step("render", done, len(outputs))

    if jobs <= 1 or len(outputs) < 2:
        if meanwhile is not None:
            meanwhile()
        for output in outputs:
            collect([_render_one(env, config, output)])
    else:
        outputs = costliest_first(outputs)
        _shared.update(env=env, config=config, outputs=outputs, direct=sink if direct else None)
        try:
            chunks = _chunks(len(outputs), jobs)
            for items in _in_workers(_render_chunk, chunks, jobs, meanwhile, wait_for_exit=False):
                collect(items)
        finally:
            _shared.clear()
    if errors:
        unique = {str(e): e for e in errors}
        raise BuildFailed([unique[k] for k in sorted(unique)])
    return stamps
