"""The UI strings the layouts use, so missing translations can be reported."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract

# Strings the layouts translate through a variable (`_(page.kind)`), which extraction cannot see.
DYNAMIC_MESSAGES = (
    *("post", "note", "page", "talk", "seedling", "growing", "evergreen"),
    *("Posts", "Notes", "Talks", "All languages"),  # feed titles and section names
)
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def template_message_ids(dirs: list[Path]) -> list[str]:
    """Singular msgids of every translatable string in the templates, sorted and unique."""
    found: set[str] = set(DYNAMIC_MESSAGES)
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".html", ".xml", ".xsl", ".txt") or not path.is_file():
                continue
            with path.open("rb") as handle:
                options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
                for _line, message, _comments, _context in extract(
                    "jinja2.ext.babel_extract", handle, keywords=_KEYWORDS, options=options
                ):
                    found.add(message[0] if isinstance(message, tuple | list) else message)
    return sorted(m for m in found if m)
