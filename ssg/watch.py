"""Watch mode and the preview server: rebuild on change, incrementally, and reload the browser.

One builder thread is fed by a watchdog observer. Bursts of events (an editor's atomic save is a
create + modify + move) are merged until the files have been quiet for a moment, then one
incremental build runs. Only writes, creations, deletions and moves count: recent watchdog
versions also report reads, and a build reads its sources, so acting on those would loop forever.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .builder import BUILTIN_ROOT, Builder, BuildOptions, BuildResult
from .config import CONFIG_NAME
from .discover import is_ignored_name
from .errors import BuildFailed, SiteError
from .markdown import warm_highlighters

QUIET_SECONDS = 0.02  # an editor's save is a burst of events a few milliseconds apart
MAX_WAIT_SECONDS = 0.5
_WRITE_EVENTS = {"created", "modified", "deleted", "moved"}


class ChangeQueue(FileSystemEventHandler):
    """Collects relevant changed paths; `wait()` returns a merged batch after a quiet moment."""

    def __init__(self, ignored_roots: list[Path]) -> None:
        self.ignored = [str(p.resolve()) for p in ignored_roots]
        self.paths: set[str] = set()
        self.condition = threading.Condition()
        self.last_event = 0.0

    def relevant(self, path: str) -> bool:
        if not path:
            return False
        name = os.path.basename(path)
        if is_ignored_name(name):
            return False
        resolved = os.path.abspath(path)
        return not any(
            resolved == root or resolved.startswith(root + os.sep) for root in self.ignored
        )

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _WRITE_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own mtime: the file events inside it say what changed
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = [os.fsdecode(p) for p in paths if p and self.relevant(os.fsdecode(p))]
        if not found:
            return
        with self.condition:
            self.paths.update(found)
            self.last_event = time.monotonic()
            self.condition.notify_all()

    def wait(self, stop: threading.Event) -> set[str]:
        with self.condition:
            while not self.paths and not stop.is_set():
                self.condition.wait(0.2)
            first = time.monotonic()
            while not stop.is_set():
                quiet = time.monotonic() - self.last_event
                if quiet >= QUIET_SECONDS or time.monotonic() - first >= MAX_WAIT_SECONDS:
                    break
                self.condition.wait(QUIET_SECONDS - quiet)
            batch, self.paths = self.paths, set()
            return batch


def watched_dirs(site_dir: Path) -> list[Path]:
    dirs = [site_dir / name for name in ("content", "layouts", "assets", "i18n")]
    if site_dir.resolve() != BUILTIN_ROOT:
        dirs += [BUILTIN_ROOT / name for name in ("layouts", "assets", "i18n")]
    return [d for d in dirs if d.is_dir()]


def classify_changes(result: BuildResult, base_path: str) -> tuple[list[str], list[str]]:
    """(page URLs to reload, stylesheet URLs to swap). Other assets reload every page."""
    css = [base_path + p for p in result.written if p.endswith(".css")]
    others = [p for p in result.written if not p.endswith(".css")]
    if any(p.startswith("assets/") and not p.endswith(".css") for p in others):
        return ["*"], css
    return [u for u in result.changed_urls if not u.endswith(".css")], css


def format_errors(error: BaseException) -> str:
    errors = error.errors if isinstance(error, BuildFailed) else [error]
    return "\n".join(str(e) for e in errors)


def warm_renderers(builder: Builder) -> None:
    """Render, and throw away, one output of each template and feed kind in this process.

    When the first build had nothing to render (the output was up to date), the first save
    paid for importing the renderers and for every first render after it: 42 ms instead of
    8 ms in the 1,000-post benchmark. A broken template is left to the build that needs it."""
    from .render import render_output

    snapshot = builder.snapshot
    if snapshot is None or builder.env is None:
        return
    seen: set[str] = set()
    for output in snapshot.outputs.values():
        kind = output.template or output.kind
        if kind in seen or kind == "copy":
            continue
        seen.add(kind)
        try:
            render_output(builder.env, snapshot.config, output)
        except Exception:  # noqa: S112 - reported, with the page, by the build that renders it
            continue


class Session:
    """Builds, reports and notifies; shared by `watch` and `serve`."""

    def __init__(self, options: BuildOptions, server: Any = None) -> None:
        self.options = options
        self.server = server
        self.builder = Builder(options)
        self.builder.keep_snapshot = True
        if server is not None:
            self.builder.commit_guard = server.committing
        self.failed = False

    def rebuild(self, first: bool = False, changed: set[str] | None = None) -> BuildResult | None:
        started = time.perf_counter()
        if changed:
            self.builder.forget(changed)
        try:
            result = self.builder.build(changed)
        except (BuildFailed, SiteError) as error:
            message = format_errors(error)
            for line in message.splitlines():
                print(f"error: {line}", file=sys.stderr, flush=True)
            print("build failed; still serving the last good build", file=sys.stderr, flush=True)
            if self.server is not None:
                self.server.notify_error(message)
            self.failed = True
            return None
        if first and result.site is not None:
            warm_highlighters(page.raw_body for page in result.site.pages)
            warm_renderers(self.builder)
        for warning in result.warnings if first else []:
            print(warning, file=sys.stderr)
        if self.server is not None:
            if self.failed:
                self.server.notify_ok()
            pages, css = classify_changes(
                result, result.site.config.base_path if result.site else "/"
            )
            if css:
                self.server.notify_css(css)
            if pages or self.failed:
                self.server.notify_reload(pages or ["*"])
        self.failed = False
        if not first and not self.options.quiet:
            elapsed = (time.perf_counter() - started) * 1000
            print(
                f"rebuilt in {elapsed:.0f} ms: {result.rendered} rendered, "
                f"{len(result.written)} written, {len(result.deleted)} removed",
                flush=True,
            )
        return result


def watch(options: BuildOptions, serve_args: Any = None) -> int:
    """`aloud watch` (serve_args None) or `aloud serve`: build, then rebuild on every change."""
    server = None
    if serve_args is not None:
        from .server import PreviewServer

        if options.drafts:
            # Drafts never go near public/: the preview builds into its own folder.
            options = BuildOptions(
                **{**options.__dict__, "output_dir": options.site_dir / ".aloud" / "preview"}
            )
        banner = (
            "Draft preview: drafts are shown and this is not the published site"
            if options.drafts
            else None
        )
        base_path = _base_path(options)
        server = PreviewServer(
            options.output_dir, serve_args.host, serve_args.port, base_path, banner
        )
        try:
            server.start()  # bind first: a busy port should fail before anything is built
        except OSError as error:
            where = f"{serve_args.host}:{serve_args.port}"
            raise SiteError("--port", None, f"cannot listen on {where}: {error.strerror}") from None
    session = Session(options, server)
    session.rebuild(first=True)
    session.builder.parallel_ok = False  # threads run from here on: no more forking
    queue = ChangeQueue([options.output_dir, options.site_dir / ".aloud"])
    observer = Observer()
    for folder in watched_dirs(options.site_dir):
        observer.schedule(queue, str(folder), recursive=True)
    observer.schedule(
        _ConfigOnly(queue, options.site_dir / CONFIG_NAME), str(options.site_dir), recursive=False
    )
    observer.start()
    stop = threading.Event()
    worker = threading.Thread(
        target=_loop, args=(session, queue, stop), daemon=True, name="aloud-builder"
    )
    worker.start()
    names = ", ".join(str(d) for d in watched_dirs(options.site_dir))
    if server is not None:
        print(f"serving {options.output_dir} at {server.url}", flush=True)
    print(f"watching {names} and {CONFIG_NAME} (Ctrl-C to stop)", flush=True)
    try:
        if server is not None:
            server.serve_forever_until_interrupt()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        observer.stop()
        observer.join(timeout=5)
        worker.join(timeout=5)
        if server is not None:
            server.shutdown()
        session.builder.cache.save()
    print("stopped", flush=True)
    return 0


class _ConfigOnly(FileSystemEventHandler):
    """site.toml lives in the site folder itself; watch only it there, not public/ beside it."""

    def __init__(self, queue: ChangeQueue, config_path: Path) -> None:
        self.queue = queue
        self.name = config_path.name

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
        if any(os.path.basename(p) == self.name for p in paths if p):
            self.queue.on_any_event(event)


def _loop(session: Session, queue: ChangeQueue, stop: threading.Event) -> None:
    while not stop.is_set():
        changed = queue.wait(stop)
        if changed and not stop.is_set():
            session.rebuild(changed=changed)


def _base_path(options: BuildOptions) -> str:
    from .config import load_config

    try:
        config = load_config(options.site_dir)
    except SiteError:
        return "/"
    if options.base_url:
        from urllib.parse import urlsplit

        return urlsplit(options.base_url).path or "/"
    return config.base_path
