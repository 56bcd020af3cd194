"""The Jinja2 environment: site layouts over built-in ones, i18n, filters, template digests.

A template's digest covers everything it pulls in through extends/include/import, so an output's
key changes exactly when a template it uses changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta as jinja_meta
from jinja2 import pass_context
from markupsafe import Markup

from .captions import format_timestamp
from .config import Config
from .errors import SiteError
from .i18n import Catalogs, format_date, format_number
from .openness import filters as openness_filters
from .template_cache import LayoutFacts, source_key
from .template_runtime import SiteEnvironment, template_class
from .urls import absolute
from .video import video_info, video_time_url


def layout_dirs(site_dir: Path, builtin_root: Path) -> list[Path]:
    """The site's own layouts first, then Aloud's: a site may override any single template."""
    return [d for d in (site_dir / "layouts", builtin_root / "layouts") if d.is_dir()]


def make_environment(
    config: Config,
    dirs: list[Path],
    catalogs: Catalogs,
    bytecode_cache: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """The layouts' environment; `bytecode_cache` keeps compiled layouts between builds (see
    template_cache.py: the options below are part of what names that cache)."""
    env = SiteEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=bytecode_cache,
    )
    env.template_class = template_class()  # see template_runtime.py: same bytes, less time

    @pass_context
    def gettext(context: Any, message: str) -> str:
        return catalogs.gettext(context["lang"], message)

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
        return catalogs.ngettext(context["lang"], singular, plural, n)

    @pass_context
    def pgettext(context: Any, ctx: str, message: str) -> str:
        return catalogs.pgettext(context["lang"], ctx, message)

    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)  # type: ignore[attr-defined]
    env.globals["gettext"] = env.globals["_"] = _memoized_gettext(catalogs)
    wrappers = [env.globals[name] for name in ("_", "ngettext", "pgettext")]
    env.direct_calls([*wrappers, gettext, ngettext, pgettext])
    env.filters.update(_filters(config))
    env.filters.update(openness_filters(config))
    env.filters["video_info"] = video_info
    env.filters["video_time_url"] = video_time_url
    env.globals.update({"config": config, "languages": config.languages})
    return env


def _memoized_gettext(catalogs: Catalogs) -> Callable[..., str]:
    """`_()` and `gettext()` in templates, as Jinja2's newstyle gettext behaves (the message is
    always a %-format: "%%" gives "%"; variables are escaped), with each language's message
    looked up and made Markup once. A page calls it about 25 times through four layers of
    Jinja2 calls (the `_` alias, the newstyle wrapper, the context gettext, the catalog)."""
    formats: dict[tuple[str, str], Markup] = {}
    plain: dict[tuple[str, str], Markup] = {}  # formatted with no variables ("%%" -> "%")

    @pass_context
    def gettext(context: Any, message: str, **variables: Any) -> str:
        lang = context["lang"]
        if not context.eval_ctx.autoescape:
            return catalogs.gettext(lang, message) % variables
        key = (lang, message)
        if not variables and key in plain:
            return plain[key]
        text = formats.get(key)
        if text is None:
            text = formats[key] = Markup(catalogs.gettext(lang, message))
        if variables:
            return text % variables
        plain[key] = text % variables
        return plain[key]

    return gettext


def _filters(config: Config) -> dict[str, Callable]:
    # Every listing, tag page, archive and feed page shows the same dates again: a date shown
    # once in a language is a dictionary lookup after that (15,000 calls at 1,000 posts).
    shown_dates: dict[tuple, str] = {}

    @pass_context
    def date_filter(context: Any, value: dt.datetime | None, fmt: str | None = None) -> str:
        # With its time zone: equal instants in two zones can fall on two days.
        key = (value, getattr(value, "tzinfo", None), context["lang"], fmt)
        found = shown_dates.get(key)
        if found is None:
            if len(shown_dates) > 100_000:
                shown_dates.clear()
            found = shown_dates[key] = format_date(value, config.language(key[2]), fmt)
        return found

    @pass_context
    def number_filter(context: Any, value: float) -> str:
        return format_number(value, config.language(context["lang"]))

    def iso(value: dt.datetime | None) -> str:
        return value.isoformat() if value else ""

    def to_json(value: Any) -> Markup:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    return {
        "date": date_filter,
        "number": number_filter,
        "iso": iso,
        "absolute": lambda url: absolute(config, url),
        "timestamp": format_timestamp,
        "tojson_safe": to_json,
        "lang_name": lambda code: config.language(code).name,
        "seconds": lambda value: int(value),
    }


class TemplateDigests:
    """Digest of a template together with every template it references, computed once each."""

    def __init__(self, env: jinja2.Environment, facts: LayoutFacts | None = None) -> None:
        self.env = env
        self.facts = facts or LayoutFacts()
        self._own: dict[str, str] = {}
        self._refs: dict[str, tuple[str, ...] | None] = {}
        self._closure: dict[str, str] = {}

    def _load(self, name: str) -> None:
        if name in self._own:
            return
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            raise SiteError(None, None, f"missing template '{name}'") from None
        key = source_key(source)
        if key in self.facts.references:  # parsed by an earlier build
            known = self.facts.references[key]
            self._refs[name] = None if known is None else tuple(known)
        else:
            try:
                listed = list(jinja_meta.find_referenced_templates(self.env.parse(source)))
            except jinja2.TemplateSyntaxError as exc:
                raise SiteError(filename, exc.lineno, f"template error: {exc.message}") from None
            # A dynamic include (None) could pull in anything: depend on every template.
            self._refs[name] = None if None in listed else tuple(sorted(set(listed)))
            refs = self._refs[name]
            self.facts.references[key] = None if refs is None else list(refs)
            self.facts.changed = True
        # Last: a template is known only once all of it is (a broken one fails again next time).
        self._own[name] = hashlib.sha256(f"{filename}\0{source}".encode()).hexdigest()

    def digest(self, name: str) -> str:
        if name in self._closure:
            return self._closure[name]
        seen: set[str] = set()
        stack = [name]
        everything = False
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            self._load(current)
            refs = self._refs[current]
            if refs is None:
                everything = True
                continue
            stack.extend(refs)
        if everything:
            seen |= set(self.env.list_templates(extensions=["html", "xml", "txt", "xsl", "json"]))
            for other in seen:
                self._load(other)
        joined = "\0".join(f"{n}:{self._own[n]}" for n in sorted(seen))
        self._closure[name] = hashlib.sha256(joined.encode()).hexdigest()[:24]
        return self._closure[name]
