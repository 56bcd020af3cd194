"""`aloud check`: inspect a built output folder and blame each problem on its source file.

The build already knows what it wrote; this module looks at the result the way a browser and a
feed reader would (links, anchors, assets, markup, feeds, titles), because that is what readers
see. Each HTML file is parsed once (check_html) and every lookup after that is a set lookup, so
thousands of pages check in seconds.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from ssg import __version__
from ssg.check_html import PageInfo, json_feed_problems, parse_page, xml_problems

DEFAULT_PORTS = {"http": 80, "https": 443}
PARALLEL_MIN = 300  # pages; below this, starting worker processes costs more than it saves
_DIGITS = re.compile(r"(\d+)")
_PLACEHOLDER_HOST = "aloud.invalid"  # stands in when base_url has no host


@dataclass(frozen=True)
class Finding:
    """One problem in the output, located in the source that made the page when we can."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    url: str
    source: str | None
    line: int | None

    def __str__(self) -> str:
        where = self.source if self.source is not None else self.url
        if self.source is not None and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity}: {self.message} ({self.code})"


def locate_line(source_text: str, needles: Sequence[str]) -> int | None:
    """1-based line of the first needle (in order of preference) found in the source, else None."""
    for needle in needles:
        if needle:
            pos = source_text.find(needle)
            if pos >= 0:
                return source_text.count("\n", 0, pos) + 1
    return None


def _natural(text: str) -> tuple[str | int, ...]:
    """Sort "x.html:9:" before "x.html:10:"."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def _sort_key(f: Finding) -> tuple[object, ...]:
    return (f.url, f.line or 0, f.severity, f.code, _natural(f.message), f.source or "")


def format_text(findings: Sequence[Finding]) -> str:
    """Findings grouped by page, one `file:line: severity: message (code)` line each."""
    out: list[str] = []
    current = None
    unique = sorted(set(findings), key=_sort_key)
    for f in unique:
        if f.url != current:
            if current is not None:
                out.append("")
            out.append(f.url)
            current = f.url
        out.append(f"  {f}")
    errors = sum(f.severity == "error" for f in unique)
    warnings = len(unique) - errors
    if out:
        out.append("")
    out.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(out)


def format_json(findings: Sequence[Finding]) -> str:
    """A sorted JSON list of findings, stable across runs so it can be diffed or asserted on."""
    return json.dumps([asdict(f) for f in sorted(set(findings), key=_sort_key)], indent=2)


def _origin(scheme: str, netloc: str) -> str:
    """host[:port] with the default port dropped, so example.org and example.org:443 match."""
    parts = urlsplit(f"{scheme}://{netloc}")
    host = parts.hostname or ""
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        host += f":{parts.port}"
    return host


class _Checker:
    """State for one run: the file set, parsed pages, resolution cache and the findings."""

    def __init__(
        self, public: Path, base_url: str, sources: Mapping[str, Path], site_dir: Path | None
    ) -> None:
        if not public.is_dir():  # an empty result must mean "no problems", never "no site"
            raise FileNotFoundError(f"no output folder at {public}")
        base = urlsplit(base_url)
        self.public = public
        self.scheme = base.scheme.lower() or "https"
        self.host = _origin(self.scheme, base.netloc) or _PLACEHOLDER_HOST
        self.base_path = "/" + base.path.strip("/") + "/" if base.path.strip("/") else "/"
        self.sources, self.site_dir = sources, site_dir
        self.files: set[str] = set()
        for dirpath, _dirs, names in os.walk(public):
            rel_dir = Path(dirpath).relative_to(public).as_posix()
            prefix = "" if rel_dir == "." else rel_dir + "/"
            self.files.update(prefix + n for n in names)
        self.pages: dict[str, PageInfo] = {}
        self.cache: dict[tuple[str, str], tuple] = {}
        self.findings: list[Finding] = []
        self.texts: dict[Path, str] = {}
        self.shown: dict[Path, str] = {}
        self.externals: dict[str, list[tuple[str, str]]] = {}  # url -> [(page url, value)]

    # -- locating -----------------------------------------------------------------------------
    def url_of(self, rel: str) -> str:
        if rel == "index.html" or rel.endswith("/index.html"):
            return self.base_path + rel[: -len("index.html")]
        return self.base_path + rel

    def display(self, path: Path) -> str:
        """Source path relative to its site folder (site_dir, or the nearest site.toml)."""
        shown = self.shown.get(path)
        if shown is None:
            roots = [self.site_dir] if self.site_dir else []
            roots += [p for p in path.parents if (p / "site.toml").is_file()][:1]
            rel = next((path.relative_to(r) for r in roots if path.is_relative_to(r)), path)
            shown = self.shown[path] = rel.as_posix()
        return shown

    def emit(
        self, severity: str, code: str, msg: str, url: str, needles: Sequence[str] = ()
    ) -> None:
        src_path = self.sources.get(url)
        source = line = None
        if src_path is not None:
            src_path = Path(src_path)
            source = self.display(src_path)
            if needles:
                if src_path not in self.texts:
                    try:
                        self.texts[src_path] = src_path.read_text(
                            encoding="utf-8", errors="replace"
                        )
                    except OSError:
                        self.texts[src_path] = ""
                line = locate_line(self.texts[src_path], needles)
        self.findings.append(Finding(severity, code, msg, url, source, line))

    # -- links --------------------------------------------------------------------------------
    def resolve(self, value: str, base: str) -> tuple:
        """Classify a URL: ignore / javascript / malformed / external / outside / internal."""
        independent = value.startswith("/") or ":" in value.split("/", 1)[0]
        key = ("" if independent else base, value)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._resolve(value, base)
        return hit

    def _resolve(self, value: str, base: str) -> tuple:
        try:
            scheme = urlsplit(value).scheme.lower()
            if scheme == "javascript":
                return ("javascript",)
            if scheme not in ("", "http", "https"):
                return ("ignore",)  # mailto:, tel:, data:, and other protocols
            parts = urlsplit(urljoin(base, value))
            host = _origin(parts.scheme, parts.netloc)
        except ValueError:
            return ("malformed",)
        if host != self.host:
            return ("external", parts._replace(fragment="").geturl())
        path = unquote(parts.path) or "/"
        if path + "/" == self.base_path:
            path = self.base_path
        if not path.startswith(self.base_path):
            return ("outside", path)
        rel = path[len(self.base_path) :]
        if rel == "" or rel.endswith("/"):
            target = rel + "index.html"
        elif rel not in self.files and rel + "/index.html" in self.files:
            target = rel + "/index.html"
        else:
            target = rel
        return ("internal", path, target if target in self.files else None, parts.fragment)

    def check_links(self, rel: str, info: PageInfo) -> None:
        url = self.url_of(rel)
        base = f"{self.scheme}://{self.host}{quote(url, safe='/%')}"
        if info.base_href:
            base = urljoin(base, info.base_href)
        for link in info.links:
            value = link.value.strip()
            if not value:
                continue
            if value.startswith("#"):
                self.check_anchor(url, rel, value, value[1:], rel, [])
                continue
            res = self.resolve(value, base)
            kind = res[0]
            code = "missing-asset" if link.asset else "broken-link"
            if kind == "javascript":
                what = f"<{link.tag} {link.attr}>"
                self.emit(
                    "error", "broken-link", f"javascript: URL in {what}", url, ["javascript:"]
                )
            elif kind == "malformed":
                self.emit("error", code, f"malformed URL {value}", url, [value])
            elif kind == "external":
                self.externals.setdefault(res[1], []).append((url, value))
            elif kind == "outside":
                msg = f"link to {value} is outside the site's base path {self.base_path}"
                self.emit("error", code, msg, url, self.needles(value, res[1]))
            elif kind == "internal":
                _, path, target, fragment = res
                if target is None:
                    what = "missing asset" if link.asset else "broken link to"
                    msg = f"{what} {value}" + (f" ({path})" if path != value else "")
                    self.emit("error", code, msg, url, self.needles(value, path))
                elif fragment:
                    needles = self.needles(value, path)
                    self.check_anchor(url, rel, value, fragment, target, needles)

    def check_anchor(
        self, url: str, rel: str, value: str, fragment: str, target: str, needles: list[str]
    ) -> None:
        """A fragment must name an id in the target page (non-HTML targets are not checked)."""
        info = self.pages.get(target)
        if info is None:
            return
        name = unquote(fragment)
        if fragment in info.ids or name in info.ids or name.lower() == "top" or name[:3] == ":~:":
            return
        where = "this page" if target == rel else self.url_of(target)
        msg = f'link to {value}: no id "{name}" in {where}'
        self.emit("error", "missing-anchor", msg, url, [value, "#" + fragment, *needles])

    def needles(self, value: str, path: str) -> list[str]:
        """Ways the source may have written this target: as built, without base, by file name."""
        out = [value, value.split("#", 1)[0].split("?", 1)[0]]
        if path.startswith(self.base_path):
            out.append("/" + path[len(self.base_path) :])
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if len(last) >= 3:
            out += [last + ".md", last]
        return out

    # -- per-page checks ----------------------------------------------------------------------
    def check_page(self, rel: str, info: PageInfo) -> None:
        url = self.url_of(rel)
        shown = f"{self.public.name}/{rel}"
        for html_line, problem in info.problems:
            self.emit("error", "malformed-html", f"{shown}:{html_line}: {problem}", url)
        for ident, lines in sorted(info.duplicate_ids.items()):
            at = ", ".join(map(str, lines))
            msg = f'{shown}:{lines[0]}: duplicate id "{ident}" (lines {at})'
            self.emit("error", "duplicate-id", msg, url, [f"{{#{ident}}}", f'id="{ident}"'])
        if not info.title:
            msg = "page has no <title>" if info.title is None else "page has an empty <title>"
            self.emit("error", "missing-title", msg, url, ["title:"])
        if not info.has_description and not info.redirect:
            self.emit(
                "warning", "missing-description", 'page has no <meta name="description">', url
            )
        self.check_links(rel, info)

    # -- feeds --------------------------------------------------------------------------------
    def check_xml(self, rel: str) -> None:
        """Every XML file must parse; RSS/Atom must also satisfy feedparser (bozo == 0)."""
        url, shown = self.url_of(rel), f"{self.public.name}/{rel}"
        for line, problem in xml_problems((self.public / rel).read_bytes()):
            where = f"{shown}:{line}" if line else shown
            self.emit("error", "invalid-feed", f"{where}: {problem}", url)

    def check_json_feed(self, rel: str) -> None:
        """JSON Feed 1.1: version, title, items; each item an id and content_html/content_text."""
        url, shown = self.url_of(rel), f"{self.public.name}/{rel}"
        try:
            feed = json.loads((self.public / rel).read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            self.emit("error", "invalid-feed", f"{shown}:{e.lineno}: not valid JSON: {e.msg}", url)
            return
        except UnicodeDecodeError as e:
            self.emit("error", "invalid-feed", f"{shown}: not UTF-8: {e.reason}", url)
            return
        for problem in json_feed_problems(feed):
            self.emit("error", "invalid-feed", f"{shown}: {problem}", url)

    # -- external -----------------------------------------------------------------------------
    def check_external(
        self, limit: int, timeout: float, probe: Callable[[str, float], str | None]
    ) -> None:
        urls = list(self.externals)
        todo = urls[: max(limit, 0)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda u: probe(u, timeout), todo))
        for ext, problem in zip(todo, results, strict=True):
            if problem is not None:
                for url, value in dict.fromkeys(self.externals[ext]):
                    self.emit("warning", "external-link", f"{ext}: {problem}", url, [value, ext])
        if len(urls) > len(todo):
            msg = f"{len(urls) - len(todo)} more external links not checked (limit {limit})"
            self.findings.append(
                Finding("warning", "external-link", msg, self.base_path, None, None)
            )


def probe_url(url: str, timeout: float) -> str | None:
    """HEAD, then GET if the server refuses HEAD; None if reachable, else what went wrong."""
    headers = {"User-Agent": f"aloud-check/{__version__}"}
    problem = None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            problem = f"HTTP {e.code}"
            continue
        except (urllib.error.URLError, OSError, ValueError) as e:
            return str(getattr(e, "reason", e)) or type(e).__name__
        if status < 400:
            return None
        problem = f"HTTP {status}"
    return problem


def parse_pages(paths: Sequence[Path]) -> list[PageInfo]:
    """Parse every page once; html.parser is the bottleneck, so big sites use all cores."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if len(paths) >= PARALLEL_MIN and workers > 1:
        # forkserver, not fork: the caller (e.g. `aloud serve`) may have threads running.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
        try:
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                chunk = max(16, len(paths) // (workers * 4))
                return list(pool.map(parse_page, paths, chunksize=chunk))
        except Exception:  # no usable process pool here; a real parse error recurs below
            pass
    return [parse_page(path) for path in paths]


def check_output(
    public_dir: Path,
    base_url: str,
    sources: Mapping[str, Path] | None = None,
    *,
    site_dir: Path | None = None,
    external: bool = False,
    external_limit: int = 200,
    timeout: float = 5.0,
) -> list[Finding]:
    """Check a built output folder; findings are sorted and deduplicated."""
    checker = _Checker(Path(public_dir), base_url, sources or {}, site_dir)
    html = sorted(rel for rel in checker.files if rel.endswith((".html", ".htm")))
    checker.pages = dict(
        zip(html, parse_pages([checker.public / rel for rel in html]), strict=True)
    )
    for rel, info in checker.pages.items():
        checker.check_page(rel, info)
    for rel in sorted(checker.files):
        if rel.endswith(".xml"):
            checker.check_xml(rel)
        elif rel == "feed.json" or rel.endswith("/feed.json"):
            checker.check_json_feed(rel)
    if external:
        checker.check_external(external_limit, timeout, probe_url)
    return sorted(set(checker.findings), key=_sort_key)
