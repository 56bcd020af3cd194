"""The floor: the least work any builder of a site must do, spread over every core.

Usage: python benchmarks/floor.py SITE [--repeat 3]

Reads every `.md` under SITE/content, parses its YAML front matter (yaml.CSafeLoader, else
SafeLoader) and renders its body with markdown-it-py (commonmark + table + strikethrough,
footnote, deflist, tasklists, anchors), fenced code highlighted by Pygments' HtmlFormatter.
All in one process; floor = that time / os.cpu_count(). A builder that parallelises perfectly
and does nothing else (no templates, feeds, I/O of output) would take this long.

The same work is also timed split over os.cpu_count() forked processes running at once (the
"parallel floor"): what that perfect builder really takes on this machine, where two busy cores
may each run slower than one busy core alone (shared caches, memory bandwidth, the host). The
ratio single / parallel is the machine's scaling (2.0 would be perfect on two cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FORMATTER = HtmlFormatter(nowrap=True)


def highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments HTML for a fenced block; '' (markdown-it escapes it) for unknown languages."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    body = pygments_highlight(code, lexer, FORMATTER)
    return f'<pre class="highlight"><code class="language-{lang}">{body}</code></pre>'


def make_markdown() -> MarkdownIt:
    """The renderer configuration the floor assumes."""
    md = MarkdownIt("commonmark", {"highlight": highlight})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)
    md.use(anchors_plugin, max_level=3)
    return md


def split_front_matter(text: str) -> tuple[str, str]:
    """('yaml', 'body') for a file that starts with a --- block, else ('', text)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            return text[4 : end + 1], text[end + 5 :]
    return "", text


def sources_of(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("*.md"))


def render_all(site: Path, paths: list[Path] | None = None) -> tuple[int, int]:
    """Read, parse and render every .md source once; returns (files, html bytes)."""
    md = make_markdown()
    files = html_bytes = 0
    for path in sources_of(site) if paths is None else paths:
        text = path.read_text(encoding="utf-8")
        fm, body = split_front_matter(text)
        if fm:
            yaml.load(fm, Loader=LOADER)  # noqa: S506 - a safe loader
        html_bytes += len(md.render(body))
        files += 1
    return files, html_bytes


def measure_floor(site: Path, repeat: int = 3) -> dict[str, Any]:
    """Median single-process time over repeat runs, and that divided by the core count."""
    runs: list[float] = []
    files = html_bytes = 0
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        files, html_bytes = render_all(site)
        runs.append(time.perf_counter() - t0)
    cores = os.cpu_count() or 1
    single = statistics.median(runs)
    return {
        "files": files,
        "html_bytes": html_bytes,
        "cores": cores,
        "single_s": single,
        "runs_s": runs,
        "floor_s": single / cores,
        "yaml_loader": LOADER.__name__,
    }


def shares(paths: list[Path], workers: int) -> list[list[Path]]:
    """Every path in exactly one share, interleaved so that the shares cost about the same."""
    return [paths[i::workers] for i in range(workers)]


def measure_parallel_floor(site: Path, workers: int | None = None) -> float:
    """Wall time of the floor's work split over `workers` (default: the cores) forked processes
    started together: every file in one share (interleaved, so the shares cost about the same),
    each process making its own renderer as `render_all` does. Forking is in the time, as it is
    in a builder's; importing the libraries is not, as it is not in the floor."""
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    children = []
    for share in shares(sources_of(site), workers):
        pid = os.fork()
        if pid == 0:  # the child: its share, then out without running the parent's cleanup
            code = 0
            try:
                render_all(site, share)
            except BaseException:  # noqa: BLE001 - reported through the exit status
                code = 1
            os._exit(code)
        children.append(pid)
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    elapsed = time.perf_counter() - started
    if failed:
        raise RuntimeError(f"{len(failed)} parallel floor process(es) failed")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    r = measure_floor(args.site, args.repeat)
    print(
        f"{r['files']} files, single process {r['single_s']:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in r['runs_s'])}), {r['cores']} cores "
        f"-> floor {r['floor_s']:.2f} s [{r['yaml_loader']}]"
    )
    runs = [measure_parallel_floor(args.site) for _ in range(max(args.repeat, 1))]
    parallel = statistics.median(runs)
    print(
        f"parallel floor ({r['cores']} processes at once) {parallel:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in runs)}): scaling "
        f"{r['single_s'] / parallel:.2f} of {r['cores']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
