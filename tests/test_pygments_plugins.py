"""Pygments' plugin lookup without importing importlib.metadata first (ssg/pygments_plugins.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_fresh(code: str) -> str:
    """`code` in a new interpreter (nothing imported yet), its output."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_pygments_loads_without_importlib_metadata_and_still_finds_plugins() -> None:
    output = run_fresh(
        """
        import sys
        from ssg.pygments_plugins import lazy_plugin_lookup
        lazy_plugin_lookup()
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_by_name
        import pygments.plugin
        print("imported:", "importlib.metadata" in sys.modules)
        print("lexer:", get_lexer_by_name("python").name)
        print("same module:", sys.modules["pygments.plugin"] is pygments.plugin)
        groups = pygments.plugin.iter_entry_points(pygments.plugin.LEXER_ENTRY_POINT)
        print("plugins asked:", "importlib.metadata" in sys.modules, type(groups).__name__)
        """
    )
    assert output.splitlines() == [
        "imported: False",
        "lexer: Python",
        "same module: True",
        "plugins asked: True EntryPoints",
    ]


def test_the_lookup_answers_as_pygments_own_module() -> None:
    code = """
        import sys
        {install}
        import pygments.plugin as plugin
        names = sorted(n for n in vars(plugin) if not n.startswith("__"))
        print(names)
        print(sorted(name for name, _ in plugin.find_plugin_formatters()))
        print(plugin.__file__.endswith("pygments/plugin.py"))
        """
    lazy = run_fresh(
        code.format(
            install="from ssg.pygments_plugins import lazy_plugin_lookup; lazy_plugin_lookup()"
        )
    )
    eager = run_fresh(code.format(install=""))
    assert lazy == eager
