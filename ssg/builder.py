"""A build: config → discover → parse (cached) → assemble → plan → render dirty → commit.

`Builder` keeps what one build learned (parse results, output keys, template digests) so the next
build — in watch mode, or the next `aloud build` through the persistent cache — renders only the
outputs whose keys changed. The rule that guards it: an incremental build gives the same bytes as
a full build.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .assemble import assemble
from .cache import BuildCache
from .collector import fewer_collections, keep_for_the_build, keep_until_exit
from .config import Config, load_config
from .digests import DigestMemo
from .discover import Source, discover
from .errors import BuildFailed, SiteError, SiteWarning
from .fastpath import BUILTIN_ROOT  # one definition for clones and wheel installs
from .markdown import remember_blocks
from .model import Output, Site
from .parallel import parse_many, render_many
from .parse import Parsed, ParsedMarkdown
from .progress import PhaseTimer, Progress

if TYPE_CHECKING:
    import jinja2

    from .fastpath import FileStamp
    from .i18n import Catalogs
    from .quick import Snapshot
    from .template_cache import LayoutFacts
    from .templates import TemplateDigests

# What only the phases after parsing use. Imported while the workers parse, not on the way to
# forking them (0.13 s of serial start-up at every cold build); the forked render workers then
# inherit them all, `ssg.render` included, instead of each importing it.
LATER_PHASE_MODULES = (
    "babel",
    "jinja2",
    "ssg.assets",
    "ssg.feeds",
    "ssg.hosting",
    "ssg.i18n",
    "ssg.quick",
    "ssg.render",
    "ssg.routes",
    "ssg.template_cache",
    "ssg.template_strings",
    "ssg.templates",
    "ssg.writer",
)

T = TypeVar("T")

# Below these counts, forking workers costs more than it saves.
PARALLEL_PARSE_FROM = 64
PARALLEL_RENDER_FROM = 200


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output_dir: Path
    drafts: bool = False
    base_url: str | None = None
    jobs: int = 0  # 0: one per core
    quiet: bool = False
    use_cache: bool = True
    state_dir: Path | None = None  # default: site_dir/.aloud


@dataclass
class BuildResult:
    planned: int = 0
    output_paths: list[str] = field(default_factory=list)  # every output this build planned
    rendered: int = 0
    rendered_paths: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # output paths whose bytes changed
    deleted: list[str] = field(default_factory=list)
    warnings: list[SiteWarning] = field(default_factory=list)
    seconds: float = 0.0
    site: Site | None = None
    changed_urls: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # phase -> seconds
    quick: bool = False  # a body-only rebuild (see quick.py)
    stamps: dict[str, FileStamp] = field(default_factory=dict)  # planned outputs, as written
    # Content files (relative to content/) -> digest of the bytes this build read
    source_digests: dict[str, str] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return self.planned - len([w for w in self.written if w not in self.deleted])


class Builder:
    """Builds a site repeatedly, each time doing only the work its inputs require."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        state_dir = options.state_dir or options.site_dir / ".aloud"
        self.cache = (
            BuildCache(state_dir, options.output_dir)
            if options.use_cache
            else BuildCache(None, options.output_dir)
        )
        self.digests = DigestMemo()  # content sources by rel; static and theme files by path
        self.env: jinja2.Environment | None = None
        self.env_inputs: str = ""
        self.catalogs: Catalogs | None = None
        self._template_dirs_unread: list[Path] | None = None  # see _note_template_ids
        self.template_digests: TemplateDigests | None = None
        self.layout_facts: LayoutFacts | None = None  # what the layouts reference and translate
        self.parallel_ok = True
        self.keep_snapshot = False  # watch mode keeps the last site for quick rebuilds
        self.snapshot: Snapshot | None = None
        self._history_cache: dict[str, dict] = {}
        self._history_signature: tuple | None = None
        # The preview server passes its `committing` here, so requests wait while files change.
        self.commit_guard: Callable[[], AbstractContextManager[Any]] = nullcontext

    # -- inputs ----------------------------------------------------------------------------
    def _config(self) -> Config:
        config = load_config(self.options.site_dir)
        if self.options.base_url:
            url = (
                self.options.base_url
                if self.options.base_url.endswith("/")
                else self.options.base_url + "/"
            )
            config = replace(config, base_url=url, raw_digest=config.raw_digest + url)
        return config

    def _environment(self, config: Config) -> tuple[jinja2.Environment, Catalogs, TemplateDigests]:
        """Rebuilt only when a layout, catalog or the config changed."""
        from .i18n import load_catalogs
        from .template_cache import layout_cache
        from .templates import TemplateDigests, layout_dirs, make_environment

        dirs = layout_dirs(self.options.site_dir, BUILTIN_ROOT)
        i18n_dirs = [
            d for d in (BUILTIN_ROOT / "i18n", self.options.site_dir / "i18n") if d.is_dir()
        ]
        fingerprint = _tree_fingerprint([*dirs, *i18n_dirs]) + config.raw_digest
        if self.env is None or fingerprint != self.env_inputs:
            self.catalogs = load_catalogs(config, i18n_dirs)
            self._template_dirs_unread = dirs
            layouts = layout_cache(self.cache.state_dir, BUILTIN_ROOT / "layouts")
            self.layout_facts = layouts.facts
            self.env = make_environment(config, dirs, self.catalogs, layouts.compiled)
            self.template_digests = TemplateDigests(self.env, layouts.facts)
            self.env_inputs = fingerprint
        assert self.catalogs is not None and self.template_digests is not None
        return self.env, self.catalogs, self.template_digests

    def _note_template_ids(self) -> None:
        """Tell the catalogs which strings the layouts use, once per environment."""
        from .template_strings import template_message_ids

        if self._template_dirs_unread is not None and self.catalogs is not None:
            ids = template_message_ids(self._template_dirs_unread, self.layout_facts)
            self.catalogs.note_template_ids(ids)
            self._template_dirs_unread = None

    def _read_digests(self, sources: list[Source]) -> dict[str, str]:
        """Content digests of the sources (see digests.py for when a file is read again)."""
        result = {}
        for source in sources:
            try:
                result[source.rel] = self.digests.digest(source.path, source.rel)
            except FileNotFoundError:
                continue
        return result

    def forget(self, paths: set[str]) -> None:
        """Paths the watcher saw change: re-read them even if size and mtime look the same."""
        content = str((self.options.site_dir / "content").resolve())
        for path in paths:
            resolved = os.path.abspath(path)
            if resolved.startswith(content + os.sep):
                self.digests.forget(os.path.relpath(resolved, content).replace(os.sep, "/"))

    def build(self, changed: set[str] | None = None) -> BuildResult:
        """Build; `changed` (paths a watcher saw change) allows a quick body-only rebuild."""
        if changed and self.snapshot is not None:
            from .quick import rebuild

            quick = rebuild(self, changed)
            if quick is not None:
                return quick
        return self._full()

    def _full(self) -> BuildResult:
        with fewer_collections(settle=self.keep_snapshot):
            try:
                return self._full_build()
            except BaseException:
                # A build that fails after parsing still has its parse results written aside:
                # wait for that process, so that none outlives the command that started it.
                self.cache.await_saving_aside()
                raise

    def _full_build(self) -> BuildResult:
        started = time.perf_counter()
        timer = PhaseTimer()
        progress = Progress(quiet=self.options.quiet)
        config = self._config()
        timer.lap("config")
        content_dir = self.options.site_dir / "content"
        if not content_dir.is_dir():
            raise BuildFailed([SiteError(content_dir, None, "no content/ folder")])
        sources, errors = discover(content_dir, config.language_codes, config.private_folders)
        self.cache.load(config)
        keep_for_the_build()
        # With no parse result to compare against, every source is parsed anyway, and parsing
        # yields its digest: reading every file first would only read it twice.
        digests = self._read_digests(sources) if self.cache.has_parsed() else None
        timer.lap("discover")
        history: Future[dict[str, dict]] | None = None
        environment: tuple[jinja2.Environment, Catalogs, TemplateDigests] | None = None

        def meanwhile() -> None:
            """Work that needs no parse result, done while the workers parse (on two cores,
            serial work moved here costs the build half as much)."""
            from .i18n import prepare_date_formats

            nonlocal history, environment
            # Git runs in its own processes: this one parses while a thread waits for them.
            history = _in_thread(lambda: self._history(config, sources))
            for module in LATER_PHASE_MODULES:
                importlib.import_module(module)
            # A broken catalog or date format is reported with the sources' errors.
            try:
                environment = self._environment(config)  # catalogs and templates
                prepare_date_formats(config)
            except SiteError as error:
                errors.append(error)
            else:
                _prepare_templates(environment[0], environment[2])
                self._note_template_ids()
                if self.layout_facts is not None:
                    self.layout_facts.save()

        parsed, parse_errors = self._parse(sources, digests, progress, meanwhile)
        errors.extend(parse_errors)
        assert history is not None  # meanwhile() always runs
        history_by_file = history.result()
        self.cache.save_parsed_aside()
        timer.lap("parse")
        keep_for_the_build()
        site, assemble_errors = assemble(
            config, sources, parsed, self.options.drafts, history_by_file
        )
        errors.extend(assemble_errors)
        timer.lap("assemble")
        if errors:
            raise BuildFailed(_sorted_errors(errors))
        assert environment is not None  # else its error was raised just above
        env, catalogs, template_digests = environment
        warnings = [*site.warnings, *catalogs.warnings()]
        from .assets import asset_outputs
        from .feeds import plan_feeds
        from .hosting import host_outputs
        from .routes import global_digest, plan

        key = global_digest(config, catalogs.digest, self.options.drafts)
        try:
            outputs = plan(site, template_digests, key)
            outputs.extend(plan_feeds(site, template_digests, key, warnings))
            outputs.extend(
                asset_outputs(config, self.options.site_dir, BUILTIN_ROOT, key, self.digests)
            )
            outputs.extend(self._static_outputs(site, key))
            outputs.extend(host_outputs(site, key))
        except SiteError as error:
            raise BuildFailed([error]) from None
        _check_collisions(outputs)
        timer.lap("plan")
        keep_for_the_build()
        self.snapshot = None
        result = self._render_and_commit(config, env, outputs, progress, timer)
        result.warnings = warnings
        result.site = site
        result.source_digests = self._source_digests(sources, parsed)
        if self.keep_snapshot:
            from .quick import make_snapshot

            self.snapshot = make_snapshot(site, outputs, parsed)
        self.cache.save()
        timer.lap("save cache")
        result.seconds = time.perf_counter() - started
        result.timings = timer.laps
        progress.done(result)
        keep_until_exit(outputs)
        return result

    def _source_digests(self, sources: list[Source], parsed: dict[str, Parsed]) -> dict[str, str]:
        """What the no-change fast path compares a touched file with: the bytes this build
        used (parsed, or copied by digest), never a later read."""
        result = {}
        for source in sources:
            if source.rel in parsed:
                result[source.rel] = parsed[source.rel].digest
            elif source.kind == "static":
                digest = self.digests.known(str(source.path))
                if digest is not None:
                    result[source.rel] = digest
        return result

    def _static_outputs(self, site: Site, key: str) -> list[Output]:
        """Copies of content files, keyed by their content digests."""
        from .model import digest

        outputs = []
        for out, source_path in site.statics:
            data_digest = self.digests.digest(Path(source_path))
            outputs.append(
                Output(out, "copy", digest("copy", key, data_digest), copy_from=source_path)
            )
        return outputs

    def _parse(
        self,
        sources: list[Source],
        digests: dict[str, str] | None,
        progress: Progress,
        meanwhile: Callable[[], None],
    ) -> tuple[dict[str, Parsed], list[SiteError]]:
        """Parse what the cache does not have; `digests` None: parse every source."""
        parsed: dict[str, Parsed] = {}
        todo = []
        for source in sources:
            if source.kind == "static":
                continue
            if digests is None:
                todo.append(source)
                continue
            if source.rel not in digests:
                continue  # gone since discovery
            cached = self.cache.parsed(source.rel, digests[source.rel])
            if cached is not None:
                parsed[source.rel] = cached
            else:
                todo.append(source)
        if todo and self.cache.has_parsed():  # the code blocks of the sources' last versions
            held = self.cache.results()
            remember_blocks(r.rendered for r in held if isinstance(r, ParsedMarkdown))
        jobs = self._jobs(len(todo), threshold=PARALLEL_PARSE_FROM)
        results, errors = parse_many(todo, jobs, progress, meanwhile)
        for rel, result in results.items():
            parsed[rel] = result
            self.cache.store_parsed(rel, result)
        if digests is not None:  # else the cache held nothing to prune
            self.cache.retain_parsed(set(digests))
        return parsed, errors

    def _history(self, config: Config, sources: list[Source]) -> dict[str, dict]:
        """Git dates and change lists; recomputed only when HEAD moved or files appeared."""
        from .history import git_history, head_signature

        if not config.repository.get("history", True):
            return {}
        signature = (head_signature(config.site_dir), len(sources))
        if signature[0] == "":
            return {}  # not a git repository
        if signature[0] is None or signature != self._history_signature:
            self._history_cache = git_history(config, sources)
            self._history_signature = signature
        return self._history_cache

    def _jobs(self, count: int, threshold: int) -> int:
        if not self.parallel_ok or count < threshold:
            return 1
        return self.options.jobs or os.cpu_count() or 1

    def _render_and_commit(
        self,
        config: Config,
        env: jinja2.Environment,
        outputs: list[Output],
        progress: Progress,
        timer: PhaseTimer,
    ) -> BuildResult:
        from .fastpath import stamp_of
        from .writer import StagingWriter, write_incremental

        output_dir = self.options.output_dir
        previous = self.cache.output_keys()
        fresh = not previous or not output_dir.is_dir()
        planned = {o.path: o for o in outputs}
        stamps = self.cache.output_stamps()
        folder = str(output_dir)

        def untouched(path: str) -> bool:
            """The file is there and still as this Aloud left it (not edited or replaced)."""
            found = stamp_of(os.path.join(folder, path))
            return found is not None and found == stamps.get(path)

        dirty = [
            o for o in outputs if fresh or previous.get(o.path) != o.key or not untouched(o.path)
        ]
        jobs = self._jobs(len(dirty), threshold=PARALLEL_RENDER_FROM)
        result = BuildResult(
            planned=len(outputs),
            output_paths=sorted(planned),
            rendered=len(dirty),
            rendered_paths=sorted(o.path for o in dirty),
        )

        def render(
            sink: Callable[[str, bytes], FileStamp | None], direct: bool
        ) -> dict[str, FileStamp]:
            self.cache.await_saving_aside()
            written = render_many(
                env, config, dirty, jobs, progress, sink, direct, meanwhile=self.cache.save_parsed
            )
            timer.lap("render")
            return written

        if fresh:
            writer = StagingWriter(output_dir)
            try:
                new_stamps = render(writer.write, direct=True)
            except BaseException:
                writer.abort()
                raise
            with self.commit_guard(), self.cache.writing():
                writer.commit()
            result.written = list(result.output_paths)
        else:
            rendered: dict[str, bytes] = {}
            render(rendered.__setitem__, direct=False)
            deleted = sorted(set(previous) - set(planned))
            with self.commit_guard(), self.cache.writing([*rendered, *deleted]):
                changed = write_incremental(output_dir, rendered, deleted)
            result.deleted = deleted
            result.written = changed
            new_stamps = {p: s for p, s in stamps.items() if p in planned and p not in rendered}
            for path in rendered:  # rewritten, or checked and found right as it is
                found = stamp_of(os.path.join(folder, path))
                if found is not None:
                    new_stamps[path] = found
        self.cache.set_output_keys({o.path: o.key for o in outputs})
        self.cache.set_output_stamps(new_stamps)
        result.stamps = new_stamps
        result.changed_urls = sorted({url_of_output(config, p) for p in result.written})
        timer.lap("write")
        return result


def url_of_output(config: Config, path: str) -> str:
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return config.base_path + path


def _in_thread(work: Callable[[], T]) -> Future[T]:
    """`work()` in a thread of its own, its result or exception in the future returned.

    For work that mostly waits on other processes (git): a thread started after the parse
    workers were forked, and joined before the render workers are, never sees a fork."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as error:  # noqa: BLE001 - handed to whoever asks for the result
            future.set_exception(error)

    threading.Thread(target=run, name="aloud-history", daemon=True).start()
    return future


def _prepare_templates(env: jinja2.Environment, digests: TemplateDigests) -> None:
    """Load every template once, so forked render workers inherit them compiled (about 0.1 s
    per process), and work out their digests, which planning needs (0.05 s, serial there).
    A broken template is left for planning or rendering to report, with the page it broke."""
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".xsl"))):
        try:
            env.get_template(name)
            digests.digest(name)
        except Exception:  # reported by the plan or the render that needs it
            continue


def _tree_fingerprint(dirs: list[Path]) -> str:
    parts = []
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return str(hash("\n".join(parts)))


def _check_collisions(outputs: list[Output]) -> None:
    seen: dict[str, Output] = {}
    errors = []
    for output in outputs:
        if output.path in seen:
            first = seen[output.path]
            errors.append(
                SiteError(
                    output.source or output.path,
                    None,
                    f"output {output.path} is also produced by {first.source or first.kind}",
                )
            )
        seen[output.path] = output
    if errors:
        raise BuildFailed(errors)


def _sorted_errors(errors: list[SiteError]) -> list[SiteError]:
    unique = {str(e): e for e in errors}
    return [unique[k] for k in sorted(unique)]
