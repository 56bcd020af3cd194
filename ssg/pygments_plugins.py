"""Pygments' plugin lookup, with `importlib.metadata` imported only when a plugin is asked for.

`pygments.lexers` and `pygments.formatters` import `pygments.plugin`, whose first line imports
`importlib.metadata` (and with it `email`, `zipfile`, `csv`, ...): 15-20 ms of every build's
serial start, before the parse worker is forked, for plugin lexers that a build asks for only
when a fenced block names a language Pygments does not know (`lexers.find_lexer`).

`lazy_plugin_lookup` loads Pygments' own `plugin.py` under its own name with that one import
replaced by a function that imports `importlib.metadata` on its first call; everything else in
the module is Pygments' code as installed. Where the line is not found exactly once (another
version of Pygments), or the module is already imported, Pygments is left as it is.
"""

from __future__ import annotations

import importlib.util
import os
import sys

_EAGER = b"from importlib.metadata import entry_points\n"
_LAZY = b"""def entry_points(*args, **kwargs):
    from importlib.metadata import entry_points
    return entry_points(*args, **kwargs)
"""


def lazy_plugin_lookup() -> None:
    """Make `pygments.plugin` import `importlib.metadata` when first used; before importing
    `pygments.lexers` or `pygments.formatters`."""
    if "pygments.plugin" in sys.modules:
        return
    spec = importlib.util.find_spec("pygments.plugin")
    if spec is None or spec.origin is None or not os.path.isfile(spec.origin):
        return
    try:
        with open(spec.origin, "rb") as handle:
            source = handle.read()
    except OSError:
        return
    if source.count(_EAGER) != 1:
        return
    code = compile(source.replace(_EAGER, _LAZY), spec.origin, "exec", dont_inherit=True)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        exec(code, module.__dict__)  # noqa: S102 - Pygments' own module, one import made lazy
    except BaseException:
        del sys.modules[spec.name]
        raise
    import pygments

    pygments.plugin = module  # type: ignore[attr-defined]  # as an import would set it
