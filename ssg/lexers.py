"""The Pygments lexer for a fenced block's language, without importing every plugin to find it.

`pygments.lexers.get_lexer_by_name` looks through Pygments' own lexers and then, for a name it
does not know (```mermaid, ```plaintext, ```console-session), loads every plugin lexer installed
beside it to ask for its aliases. With IPython installed, as on many teachers' machines, that
imports IPython: measured 0.47 s and 735 modules, in every build process, for a block that is not
highlighted anyway. Here a name Pygments knows is looked up as before; for any other name only
plugin entry points named like the language are loaded (as IPython's `ipython`, `ipython3` are),
so a plugin lexer registered under a different name is not found.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name


def entry_points(group: str) -> Any:
    """The installed entry points of `group`; `importlib.metadata` is imported only here, for
    a language Pygments does not know (see pygments_plugins.py)."""
    from importlib.metadata import entry_points as installed

    return installed(group=group)


@lru_cache(maxsize=1)
def _builtin_aliases() -> frozenset[str]:
    return frozenset(
        alias for _, aliases, _, _ in get_all_lexers(plugins=False) for alias in aliases
    )


@lru_cache(maxsize=256)
def find_lexer(lang: str) -> Lexer | None:
    """One lexer per language name (a lexer keeps no state between `highlight` calls), or None
    for a language nobody highlights."""
    name = lang.strip().lower()
    if not name:
        return None
    if name in _builtin_aliases():
        return get_lexer_by_name(name)
    for entry in entry_points(group="pygments.lexers"):
        if entry.name.lower() != name:
            continue
        try:
            lexer_class = entry.load()
        except Exception:  # a broken plugin must not break the build: the block stays plain
            continue
        aliases = {alias.lower() for alias in getattr(lexer_class, "aliases", ())}
        if name in aliases and isinstance(lexer_class, type) and issubclass(lexer_class, Lexer):
            return lexer_class()
    return None
