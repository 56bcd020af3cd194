"""Which pages still need translating, and which translations fell behind their original.

`aloud translations` prints `report(site)`; `aloud check` and tests use `status(site)`, which
holds the same facts as plain data. A translation group's original is its default-language
version, or else its earliest-dated member (the language it was most likely written in first).
A translation is outdated when the original's `updated` (or `date`) is newer than the
translation's `updated` (or `date`); undated versions cannot be compared and are never outdated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .model import Page, Site


@dataclass(frozen=True)
class MissingTranslation:
    """A group with no version in some language, named by its original."""

    key: str  # translation group
    source: str  # the original's source file, relative to the site folder
    title: str
    lang: str  # the original's language


@dataclass(frozen=True)
class OutdatedTranslation:
    """A translation whose original changed after it."""

    key: str
    source: str  # the translation's source file
    title: str
    changed: dt.datetime  # the translation's updated or date
    original_source: str
    original_title: str
    original_lang: str
    original_changed: dt.datetime


@dataclass
class TranslationStatus:
    """Per language (every configured one, default first): what is missing and what is stale."""

    default_language: str
    languages: tuple[str, ...]
    groups: int
    missing: dict[str, list[MissingTranslation]] = field(default_factory=dict)
    outdated: dict[str, list[OutdatedTranslation]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not any(self.missing.values()) and not any(self.outdated.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings), e.g. for `aloud check --format json`."""
        return {
            "default_language": self.default_language,
            "groups": self.groups,
            "languages": {
                lang: {
                    "missing": [vars(m) for m in self.missing[lang]],
                    "outdated": [
                        {
                            **vars(o),
                            "changed": o.changed.isoformat(),
                            "original_changed": o.original_changed.isoformat(),
                        }
                        for o in self.outdated[lang]
                    ],
                }
                for lang in self.languages
            },
        }


def changed_at(page: Page) -> dt.datetime | None:
    """When a version last changed meaningfully, as its author says: `updated`, else `date`."""
    return page.updated or page.date


def original_of(members: list[Page], default_language: str) -> Page:
    """The default-language version, or else the earliest-dated one (undated last, then by id)."""
    for page in members:
        if page.lang == default_language:
            return page
    far_future = dt.datetime.max.replace(tzinfo=dt.UTC)
    return min(members, key=lambda p: (p.date is None, p.date or far_future, p.id))


def status(site: Site) -> TranslationStatus:
    """Missing and outdated translations per configured language, in a stable order."""
    config = site.config
    default = config.default_language
    codes = tuple(sorted(config.language_codes, key=lambda code: code != default))
    result = TranslationStatus(default, codes, len(site.groups))
    result.missing = {code: [] for code in codes}
    result.outdated = {code: [] for code in codes}
    for key, members in sorted(site.groups.items()):
        if not members:
            continue
        original = original_of(members, default)
        present = {page.lang: page for page in members}
        for code in codes:
            if code not in present:
                result.missing[code].append(
                    MissingTranslation(key, original.source_rel, original.title, original.lang)
                )
        base = changed_at(original)
        for page in members:
            mine = changed_at(page)
            if page is original or base is None or mine is None or mine >= base:
                continue
            result.outdated.setdefault(page.lang, []).append(
                OutdatedTranslation(
                    key,
                    page.source_rel,
                    page.title,
                    mine,
                    original.source_rel,
                    original.title,
                    original.lang,
                    base,
                )
            )
    for code in result.missing:
        result.missing[code].sort(key=lambda m: (m.source, m.key))
    for code in result.outdated:
        result.outdated[code].sort(key=lambda o: (o.source, o.key))
    return result


def report(site: Site) -> str:
    """The `aloud translations` text: one block per language, files and titles to act on."""
    state = status(site)
    config = site.config
    names = {lang.code: lang.name for lang in config.languages}
    count = len(state.languages)
    lines = [
        f"Translations: {_plural(state.groups, 'page group')} in {_plural(count, 'language')} "
        f"(default: {names.get(state.default_language, state.default_language)})",
    ]
    for code in state.languages:
        missing, outdated = state.missing[code], state.outdated.get(code, [])
        heading = f"{names.get(code, code)} ({code})"
        lines.append("")
        if not missing and not outdated:
            lines.append(f"{heading}: complete and up to date")
            continue
        lines.append(f"{heading}: {len(missing)} missing, {len(outdated)} outdated")
        if missing:
            lines.append("  Missing (the original to translate from):")
            lines.extend(f"    {m.source}  “{m.title}”" for m in missing)
        if outdated:
            lines.append("  Outdated (the original changed after the translation):")
            for item in outdated:
                mine, theirs = _stamps(item.changed, item.original_changed)
                lines.append(f"    {item.source}  “{item.title}”  {mine}")
                lines.append(f"      original {item.original_source}  changed {theirs}")
    lines.append("")
    total_missing = sum(len(v) for v in state.missing.values())
    total_outdated = sum(len(v) for v in state.outdated.values())
    if state.complete:
        lines.append("Every page is translated and up to date.")
    else:
        lines.append(f"In all: {total_missing} missing, {total_outdated} outdated.")
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _stamps(mine: dt.datetime, theirs: dt.datetime) -> tuple[str, str]:
    """Dates, or minutes too when both fall on the same day (else they would look equal)."""
    fmt = "%Y-%m-%d %H:%M" if mine.date() == theirs.date() else "%Y-%m-%d"
    return mine.strftime(fmt), theirs.strftime(fmt)
