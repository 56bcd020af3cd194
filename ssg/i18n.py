"""UI strings from gettext `.po` catalogs (compiled in memory with Babel), plurals, dates, numbers.

Catalogs are `.po` files because that is what translators already use (Weblate, Poedit, ...).
Built-in catalogs live in Aloud's `i18n/`; a site's own `i18n/<lang>.po` adds a language or
overrides single strings. A string missing from a catalog falls back to English (the msgid).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from .config import CONFIG_NAME, Config, Language, key_line
from .dates import formatter
from .errors import SiteError, SiteWarning


@dataclass
class Catalogs:
    """Per-language translations plus what was found missing, for warnings and `aloud check`."""

    translations: dict[str, Translations]
    missing: dict[str, list[str]] = field(default_factory=dict)  # lang -> msgids
    fuzzy: dict[str, list[str]] = field(default_factory=dict)
    digest: str = ""
    translated: dict[str, set[str]] = field(default_factory=dict)  # lang -> msgids

    def note_template_ids(self, template_ids: list[str]) -> None:
        """What the layouts ask for, to tell which strings are missing per language. Separate
        from loading: extracting them from every template takes a build 40 ms, which it can
        spend while its workers parse (the strings matter only for the warnings at the end)."""
        self.missing = {
            lang: [m for m in template_ids if m not in done]
            for lang, done in self.translated.items()
        }

    def gettext(self, lang: str, message: str) -> str:
        return self.translations[lang].gettext(message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        return self.translations[lang].ngettext(singular, plural, n)

    def pgettext(self, lang: str, context: str, message: str) -> str:
        return self.translations[lang].pgettext(context, message)

    def warnings(self) -> list[SiteWarning]:
        found = []
        for lang, ids in sorted(self.missing.items()):
            if ids:
                sample = ", ".join(repr(i) for i in ids[:3])
                more = f" and {len(ids) - 3} more" if len(ids) > 3 else ""
                found.append(
                    SiteWarning(
                        f"i18n/{lang}.po",
                        None,
                        f"{len(ids)} UI strings untranslated, shown in English: {sample}{more}",
                    )
                )
        return found


def babel_locale(language: Language) -> Locale:
    return _locale(language.locale or language.code)


@lru_cache(maxsize=256)
def _locale(code: str) -> Locale:
    """One Locale per code: Babel formats a date about 4x faster given a Locale than given its
    name, which it parses again every time (3,300 dates of a 1,000-post site: 96 -> 38 ms)."""
    if code == "en":
        code = "en_GB"  # day-month-year, as the rest of Europe writes dates
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def read_catalog(path: Path, lang: str) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=lang if _known(lang) else None, abort_invalid=True)
    except Exception as exc:  # babel raises several types for broken files
        line = getattr(exc, "lineno", None)
        raise SiteError(path, line, f"invalid .po catalog: {exc}") from None


def _known(lang: str) -> bool:
    try:
        Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def load_catalogs(
    config: Config, search_dirs: list[Path], template_ids: list[str] | None = None
) -> Catalogs:
    """Merge catalogs (later dirs override earlier ones) and compile each language in memory.
    Without `template_ids`, nothing is missing until `note_template_ids` is called."""
    translations: dict[str, Translations] = {}
    translated: dict[str, set[str]] = {}
    fuzzy: dict[str, list[str]] = {}
    hasher = hashlib.sha256()
    for language in config.languages:
        merged: Catalog | None = None
        for folder in search_dirs:
            path = folder / f"{language.code}.po"
            if not path.is_file():
                continue
            hasher.update(path.read_bytes())
            catalog = read_catalog(path, language.code)
            if merged is None:
                merged = catalog
            else:
                for message in catalog:
                    if message.id and _translated(message):
                        # Catalog.__setitem__ keeps an existing msgstr: remove it so the site wins.
                        merged.delete(message.id, message.context)
                        merged[message.id] = message
        buffer = io.BytesIO()
        if merged is not None:
            write_mo(buffer, merged)
            buffer.seek(0)
            translations[language.code] = Translations(buffer)
        else:
            translations[language.code] = Translations()
        if language.code != "en":
            translated[language.code] = (
                {_key(m.id) for m in merged if m.id and _translated(m)} if merged else set()
            )
            fuzzy[language.code] = (
                sorted(_key(m.id) for m in merged if m.fuzzy and m.id) if merged else []
            )
    catalogs = Catalogs(translations, {}, fuzzy, hasher.hexdigest(), translated)
    if template_ids is not None:
        catalogs.note_template_ids(template_ids)
    return catalogs


def _key(message_id: str | tuple) -> str:
    """A plural message by its singular msgid, which is how template_message_ids lists it."""
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def _translated(message: Message) -> bool:
    """Every form filled in (a plural's msgstr is a tuple, truthy even when all empty)."""
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(forms) and all(forms) and not message.fuzzy


def format_date(
    value: dt.datetime | dt.date | None, language: Language, fmt: str | None = None
) -> str:
    """ "12 August 2013", "12 augustus 2013", "12 augusti 2013" (format from site.toml)."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _format_day(day, fmt or language.date_format, language.locale, language.code)


@lru_cache(maxsize=65536)
def _format_day(day: dt.date, fmt: str, locale: str, code: str) -> str:
    """Memoized: a listing, an archive and a feed show the same dates over and over, and Babel
    formatting was a tenth of a cold build's rendering time (and see dates.py)."""
    return _date_formatter(fmt, locale or code)(day)


@lru_cache(maxsize=256)
def _date_formatter(fmt: str, locale_code: str) -> Callable[[dt.date], str]:
    return formatter(fmt, _locale(locale_code))


def prepare_date_formats(config: Config) -> None:
    """Each language's date format made now, with its month and weekday names: Babel loads a
    locale's data on first use (~25 ms for en_GB, nl and sv), and work done while the workers
    parse is inherited by the render workers instead of being done again in each. A format
    that cannot write a date is a SiteError naming site.toml, not an error in every page."""
    for language in config.languages:
        fmt = language.date_format
        try:
            format_day = _date_formatter(fmt, language.locale or language.code)
            for month in range(1, 13):
                format_day(dt.date(2000, month, 1))
            for day in range(3, 10):  # 2000-01-03 to 2000-01-09: Monday to Sunday
                format_day(dt.date(2000, 1, day))
        except Exception as exc:  # noqa: BLE001 - Babel raises several kinds for such patterns
            path = config.site_dir / CONFIG_NAME
            raise SiteError(
                path,
                key_line(path, "date_format", f"languages.{language.code}"),
                f"languages.{language.code}.date_format: {fmt!r} cannot write a date "
                f"({type(exc).__name__}: {exc}); use full, long, medium, short or a CLDR "
                "date pattern such as 'd MMMM y'",
            ) from None


def format_number(value: float | int, language: Language) -> str:
    return format_decimal(value, locale=babel_locale(language))
