"""Quick rebuilds in watch mode: a save that changed only a page's body.

The common save while writing changes a body and nothing else: not the front matter, not which
files it links to. Then the site's structure (URLs, translations, tags, collections) is exactly
what it was, and the outputs that can change are known in advance: the page itself, the listings
that show its card (if the summary or reading time changed) and the feeds that carry its content.
`Users` records those while a full build plans (the "what uses X?" question answered when the
answer is cheapest), so a quick rebuild patches the page in place and renders only them — the
same work at 100 pages or 10,000.

Anything else (a new or deleted file, a front-matter or link change, a talk, a template, the
config) goes through the full pipeline. Outputs rendered here get an empty key in the build state,
so the next full build renders them once more and finds the same bytes: quick rebuilds can only
make later builds do more work, never skip any.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .assemble import page_digests, truncate
from .config import Config
from .discover import classify
from .errors import BuildFailed, SiteError
from .model import Output, Page, Site
from .parallel import render_many
from .parse import Parsed, ParsedMarkdown, read_and_parse
from .progress import Progress
from .writer import write_incremental

if TYPE_CHECKING:
    from .builder import Builder, BuildResult


@dataclass
class Snapshot:
    """What the last full build knew, kept in memory between watch-mode rebuilds."""

    config: Config
    site: Site
    outputs: dict[str, Output]
    parsed: dict[str, Parsed]
    pages_by_rel: dict[str, Page]
    url_for_rel: dict[str, str]
    users: dict[str, list[str]] = field(default_factory=dict)  # page id -> listing/feed outputs


def index_users(outputs: list[Output]) -> dict[str, list[str]]:
    """For each page, the listings and feeds whose bytes show it."""
    users: dict[str, list[str]] = defaultdict(list)
    for output in outputs:
        context = output.context or {}
        if output.kind == "listing":
            for card in context.get("entries", ()):
                users[card.page.id].append(output.path)
        elif output.kind.startswith("feed-") and "spec" in context:
            for item in context["spec"].items:
                users[item.page.id].append(output.path)
    return dict(users)


def make_snapshot(site: Site, outputs: list[Output], parsed: dict[str, Parsed]) -> Snapshot:
    pages_by_rel = {page.source_rel.removeprefix("content/"): page for page in site.pages}
    url_for_rel = {rel: page.url for rel, page in pages_by_rel.items()}
    for out, _source in site.statics:
        url_for_rel.setdefault(out, site.config.base_path + out)
    return Snapshot(
        site.config,
        site,
        {o.path: o for o in outputs},
        dict(parsed),
        pages_by_rel,
        url_for_rel,
        index_users(outputs),
    )


def body_only_changes(
    snapshot: Snapshot, content_dir: Path, changed: set[str], parse
) -> dict[str, ParsedMarkdown] | None:
    """The new parse of each changed file if every change is body-only; else None."""
    result: dict[str, ParsedMarkdown] = {}
    content = str(content_dir.resolve())
    for path in changed:
        resolved = os.path.abspath(path)
        if not resolved.startswith(content + os.sep) or not os.path.isfile(resolved):
            return None
        rel = os.path.relpath(resolved, content).replace(os.sep, "/")
        page = snapshot.pages_by_rel.get(rel)
        old = snapshot.parsed.get(rel)
        if page is None or page.kind == "talk" or not isinstance(old, ParsedMarkdown):
            return None
        source = classify(rel, content_dir, snapshot.config.language_codes)
        if source.kind != "markdown":
            return None
        new = parse(source)
        if not isinstance(new, ParsedMarkdown) or new.meta != old.meta:
            return None
        if [(r.target, r.fragment) for r in new.rendered.refs] != [
            (r.target, r.fragment) for r in old.rendered.refs
        ]:
            return None
        result[rel] = new
    return result


def patch(snapshot: Snapshot, rel: str, new: ParsedMarkdown) -> list[Output]:
    """Update the page in place; return the outputs whose bytes may have changed."""
    page = snapshot.pages_by_rel[rel]
    before_card, before_content = page.card_digest, page.content_digest
    page.raw_body = new.rendered.html
    page.raw_body_digest = new.rendered.html_digest
    page.body_links = tuple(
        snapshot.url_for_rel.get(ref.target, "#") + ref.fragment for ref in new.rendered.refs
    )
    page.headings = new.rendered.headings
    page.words = new.rendered.words
    page.summary = new.meta.summary or truncate(
        new.rendered.first_paragraph, snapshot.config.summary_length
    )
    page_digests(page)
    snapshot.parsed[rel] = new
    dirty = [snapshot.outputs[page.output]]
    folder = page.output.rsplit("/", 1)[0]
    if page.source_url and f"{folder}/index.md" in snapshot.outputs:
        dirty.append(snapshot.outputs[f"{folder}/index.md"])
    for path in snapshot.users.get(page.id, ()):
        output = snapshot.outputs[path]
        shows_card = output.kind == "listing" and page.card_digest != before_card
        shows_content = output.kind.startswith("feed-") and page.content_digest != before_content
        if shows_card or shows_content:
            dirty.append(output)
    return dirty


def rebuild(builder: Builder, changed: set[str]) -> BuildResult | None:
    """A body-only rebuild for `Builder.build`; None when the full pipeline is needed."""
    started = time.perf_counter()
    snapshot = builder.snapshot
    assert snapshot is not None and builder.env is not None
    content_dir = builder.options.site_dir / "content"
    try:
        news = body_only_changes(snapshot, content_dir, changed, read_and_parse)
    except (SiteError, OSError):
        return None  # the full build reports it properly
    if not news:
        return None
    dirty: dict[str, Output] = {}
    for rel, new in news.items():
        for output in patch(snapshot, rel, new):
            dirty[output.path] = output
        builder.cache.store_parsed(rel, new)
        builder.digests.remember(content_dir / rel, rel, new.digest)
    rendered: dict[str, bytes] = {}
    try:
        render_many(
            builder.env,
            snapshot.config,
            list(dirty.values()),
            1,
            Progress(True),
            rendered.__setitem__,
        )
    except BuildFailed:
        builder.snapshot = None  # patched pages no longer match the disk: start over next time
        raise
    with builder.commit_guard(), builder.cache.writing(rendered):
        written = write_incremental(builder.options.output_dir, rendered, ())
    keys = builder.cache.output_keys()
    keys.update({path: "" for path in dirty})  # unknown: the next full build renders them again
    builder.cache.set_output_keys(keys)
    from .builder import BuildResult, url_of_output

    result = BuildResult(
        planned=len(snapshot.outputs),
        rendered=len(dirty),
        rendered_paths=sorted(dirty),
        written=written,
        site=snapshot.site,
        changed_urls=sorted({url_of_output(snapshot.config, p) for p in written}),
        quick=True,
    )
    result.seconds = time.perf_counter() - started
    return result
