"""Maintainer tool for Aloud's built-in UI catalogs: keep `i18n/*.po` in step with the layouts.

    python -m ssg.catalogs update [LANG ...]
        Extract every translatable string from layouts/ (plural pairs and contexts included, plus
        the DYNAMIC_MESSAGES the layouts translate through a variable) into `i18n/messages.pot`,
        then merge it into each `i18n/<lang>.po`: new strings are added untranslated, strings
        the layouts no longer use are dropped, and a string that changed slightly keeps its old
        translation marked fuzzy for review. Naming a LANG creates `i18n/<LANG>.po` if needed.

    python -m ssg.catalogs check
        Exit 1 and list, per language, strings that are missing, untranslated, fuzzy or whose
        placeholders differ from the English; also when messages.pot is out of date. English is
        the source language: an empty msgstr there means "as the msgid", not "untranslated".

Both take `--root DIR` (default: Aloud's own folder, which holds layouts/ and i18n/).
Output is deterministic (fixed creation date, sorted messages, no line numbers), so running
`update` twice changes nothing and layout edits that only move lines do not touch the catalogs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from . import __version__
from .template_strings import _KEYWORDS, DYNAMIC_MESSAGES

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "en"
TEMPLATE_NAME = "messages.pot"
# A fixed date keeps `update` byte-for-byte reproducible; the real history is in git.
FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
TEMPLATE_SUFFIXES = (".html", ".xml", ".xsl", ".txt")
_GENERATED_BY = re.compile(rb'^"Generated-By: [^"\n]*"\n', re.MULTILINE)
_DYNAMIC_NOTES = {
    "post": "Kind of page, shown on cards: a blog post (noun).",
    "note": "Kind of page, shown on cards: a short note (noun).",
    "page": "Kind of page, shown on cards: an undated page such as 'About' (noun).",
    "talk": "Kind of page, shown on cards: a livestream or recorded talk with transcript (noun).",
    "seedling": "Work-in-progress stage of a page: just started, rough.",
    "growing": "Work-in-progress stage of a page: being developed.",
    "evergreen": "Work-in-progress stage of a page: finished and kept up to date.",
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]?\d*(?:\.\d+)?([diouxXeEfFgGcrs])")


# -- extraction ----------------------------------------------------------------------------------
def extract_template(layouts: Path, root: Path | None = None) -> Catalog:
    """Every UI string the layouts use, as a POT catalog (locations relative to `root`)."""
    root = root or layouts.parent
    template = _new_catalog(None)  # fuzzy header: a template is never a finished translation
    for path in sorted(layouts.rglob("*")):
        if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
            continue
        location = path.relative_to(root).as_posix()
        with path.open("rb") as handle:
            options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
            for lineno, message, comments, context in extract(
                "jinja2.ext.babel_extract",
                handle,
                keywords=_KEYWORDS,
                comment_tags=("Translators:",),
                options=options,
                strip_comment_tags=True,
            ):
                if not message or not (message[0] if isinstance(message, tuple) else message):
                    continue
                template.add(
                    message,
                    locations=[(location, lineno)],
                    auto_comments=comments,
                    context=context,
                )
    for message_id in DYNAMIC_MESSAGES:
        note = _DYNAMIC_NOTES.get(message_id, "Translated through a variable in the layouts.")
        template.add(message_id, auto_comments=[note])
    return template


def _new_catalog(lang: str | None) -> Catalog:
    name = _english_name(lang) if lang else ""
    comment = (
        f"# {name} UI strings for Aloud.\n" if lang else "# Translation template for Aloud.\n"
    ) + (
        "# This file is distributed under the same license as Aloud (MIT).\n"
        "# Refresh with `python -m ssg.catalogs update` (never edit messages.pot).\n#"
    )
    catalog = Catalog(
        locale=lang,
        header_comment=comment,
        project="Aloud",
        version=__version__,
        copyright_holder="Aloud contributors",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        last_translator="Aloud contributors",
        language_team=name or "LANGUAGE",
        fuzzy=lang is None,
    )
    catalog.msgid_bugs_address = ""  # Babel would write the placeholder EMAIL@ADDRESS
    return catalog


def _english_name(lang: str) -> str:
    try:
        return Locale.parse(lang.replace("-", "_")).english_name or lang
    except (UnknownLocaleError, ValueError):
        return lang


# -- reading and writing -------------------------------------------------------------------------
def render(catalog: Catalog) -> bytes:
    """The .po/.pot text: sorted, no line numbers, previous msgids shown for fuzzy entries."""
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=True,
        include_lineno=False,
    )
    # Babel stamps its own version into the header: without it, the files stay the same bytes
    # whichever Babel wrote them, so a Babel release neither churns them nor fails `check`.
    return _GENERATED_BY.sub(b"", buffer.getvalue())


def load(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def catalog_paths(i18n: Path) -> list[Path]:
    return sorted(p for p in i18n.glob("*.po") if p.is_file())


# -- update --------------------------------------------------------------------------------------
def update(root: Path = ROOT, new_languages: Iterable[str] = ()) -> list[str]:
    """Write messages.pot and merge it into every catalog; returns one line per file changed."""
    i18n = root / "i18n"
    i18n.mkdir(exist_ok=True)
    template = extract_template(root / "layouts", root)
    changed = []
    if _write_if_changed(i18n / TEMPLATE_NAME, render(template)):
        changed.append(f"wrote i18n/{TEMPLATE_NAME} ({len(template)} strings)")
    paths = {p.stem: p for p in catalog_paths(i18n)}
    for lang in new_languages:
        paths.setdefault(lang, i18n / f"{lang}.po")
    for lang, path in sorted(paths.items()):
        catalog = load(path, lang) if path.is_file() else _new_catalog(lang)
        catalog.update(template, update_creation_date=True)
        catalog.fuzzy = False
        if _write_if_changed(path, render(catalog)):
            changed.append(f"updated i18n/{path.name}")
    return changed


# -- check ---------------------------------------------------------------------------------------
def placeholders(text: str) -> set[tuple[str, str]]:
    """Named placeholders with their conversion: {("num", "d"), ("language", "s")}."""
    return set(_PLACEHOLDER.findall(text))


def placeholder_problems(message: Message) -> list[str]:
    """Placeholders in msgstr that differ from msgid's (an unknown one breaks rendering).

    A plural form may drop the number ("one comment" in Arabic), but every form must use only
    the msgid's placeholders, and a plain string must keep them all.
    """
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    wanted = set().union(*(placeholders(i) for i in ids))
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    problems = []
    for index, text in enumerate(strings):
        if not text:
            continue
        found = placeholders(text)
        label = f"msgstr[{index}]" if isinstance(message.id, tuple) else "msgstr"
        if found - wanted:
            names = ", ".join(sorted(f"%({n}){c}" for n, c in found - wanted))
            problems.append(f"{label} has {names}, not in msgid")
        lost = wanted - found
        needed = lost if not isinstance(message.id, tuple) else lost - {("num", "d")}
        if needed:
            names = ", ".join(sorted(f"%({n}){c}" for n, c in needed))
            problems.append(f"{label} lacks {names}")
    return problems


def _untranslated(message: Message) -> bool:
    if isinstance(message.string, tuple | list):
        return not message.string or not all(message.string)
    return not message.string


def catalog_problems(catalog: Catalog, template: Catalog, lang: str) -> list[str]:
    """Lines describing what is missing, fuzzy or broken in one language's catalog."""
    problems = []
    for wanted in sorted(template, key=_sort_key):
        if not wanted.id:
            continue
        have = catalog.get(wanted.id, wanted.context)
        label = _label(wanted)
        if have is None:
            problems.append(f"missing: {label}")
        elif have.fuzzy:
            problems.append(f"fuzzy: {label}")
        elif isinstance(wanted.id, tuple) != isinstance(have.id, tuple):
            problems.append(f"plural mismatch: {label}")
        elif _untranslated(have) and lang != SOURCE_LANGUAGE:
            problems.append(f"untranslated: {label}")
        elif isinstance(have.string, tuple) and len(have.string) != catalog.num_plurals:
            problems.append(f"needs {catalog.num_plurals} plural forms: {label}")
        else:
            problems.extend(f"placeholders: {label}: {p}" for p in placeholder_problems(have))
    return problems


def _sort_key(message: Message) -> tuple[str, str]:
    first = message.id[0] if isinstance(message.id, tuple) else message.id
    return (first, message.context or "")


def _label(message: Message) -> str:
    text = repr(message.id[0] if isinstance(message.id, tuple) else message.id)
    return f"{text} (context {message.context!r})" if message.context else text


def check(root: Path = ROOT) -> list[str]:
    """Every problem, one line each, grouped by file; empty when all catalogs are complete."""
    i18n = root / "i18n"
    template = extract_template(root / "layouts", root)
    lines = []
    pot = i18n / TEMPLATE_NAME
    if not pot.is_file() or pot.read_bytes() != render(template):
        lines.append(f"i18n/{TEMPLATE_NAME}: out of date; run `python -m ssg.catalogs update`")
    for path in catalog_paths(i18n):
        catalog = load(path, path.stem)
        problems = catalog_problems(catalog, template, path.stem)
        if problems:
            lines.append(f"i18n/{path.name}: {len(problems)} to fix")
            lines.extend(f"  {p}" for p in problems)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ssg.catalogs", description="Keep Aloud's UI catalogs in step."
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="folder with layouts/ and i18n/")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="extract messages.pot and merge it into i18n/*.po")
    up.add_argument("languages", nargs="*", metavar="LANG", help="also create i18n/LANG.po")
    sub.add_parser("check", help="exit 1 if any catalog has missing or fuzzy entries")
    args = parser.parse_args(argv)
    if args.command == "update":
        for line in update(args.root, args.languages):
            print(line)
        return 0
    lines = check(args.root)
    for line in lines:
        print(line)
    if not lines:
        print(f"all {len(catalog_paths(args.root / 'i18n'))} catalogs complete")
    return 1 if lines else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
