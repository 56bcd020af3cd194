"""The UI strings the layouts use, so missing translations can be reported."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract

from .template_cache import LayoutFacts, source_key

# Strings the layouts translate through a variable (`_(page.kind)`), which extraction cannot see.
DYNAMIC_MESSAGES = (
    *("post", "note", "page", "talk", "seedling", "growing", "evergreen"),
    *("Posts", "Notes", "Talks", "All languages"),  # feed titles and section names
)
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def template_message_ids(dirs: list[Path], facts: LayoutFacts | None = None) -> list[str]:
    """Singular msgids of every translatable string in the templates, sorted and unique;
    `facts` remembers each layout's by its source digest."""
    facts = facts or LayoutFacts()
    found: set[str] = set(DYNAMIC_MESSAGES)
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".html", ".xml", ".xsl", ".txt") or not path.is_file():
                continue
            data = path.read_bytes()
            key = source_key(data)
            if key not in facts.messages:
                facts.messages[key] = _message_ids(data)
                facts.changed = True
            found.update(facts.messages[key])
    return sorted(m for m in found if m)


def _message_ids(data: bytes) -> list[str]:
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    found = []
    for _line, message, _comments, _context in extract(
        "jinja2.ext.babel_extract", io.BytesIO(data), keywords=_KEYWORDS, options=options
    ):
        found.append(message[0] if isinstance(message, tuple | list) else message)
    return found
