"""Finding a Pygments lexer without loading every plugin lexer for an unknown language."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pygments.lexer import RegexLexer
from pygments.token import Keyword

from ssg import lexers
from ssg.lexers import find_lexer


class ChantLexer(RegexLexer):
    name = "Chant"
    aliases = ["chant"]
    tokens = {"root": [(r"\w+", Keyword), (r"\s+", Keyword)]}


@dataclass
class FakeEntryPoint:
    """What importlib.metadata gives for a `pygments.lexers` plugin."""

    name: str
    target: object
    loads: list[str]

    def load(self) -> object:
        self.loads.append(self.name)
        if isinstance(self.target, Exception):
            raise self.target
        return self.target


@pytest.fixture
def plugins(monkeypatch):
    """Installed plugin lexers, and which of them were imported."""
    loads: list[str] = []
    installed = [
        FakeEntryPoint("heavy", ChantLexer, loads),  # an IPython: costly to import
        FakeEntryPoint("chant", ChantLexer, loads),
        FakeEntryPoint("broken", ImportError("no module"), loads),
    ]
    monkeypatch.setattr(lexers, "entry_points", lambda group: installed)
    find_lexer.cache_clear()
    yield loads
    find_lexer.cache_clear()


def test_pygments_own_languages_load_no_plugin(plugins):
    assert find_lexer("python").name == "Python"
    assert find_lexer("JS").name == "JavaScript"
    assert plugins == []


def test_an_unknown_language_loads_no_plugin(plugins, monkeypatch):
    import pygments.lexers

    def every_plugin():  # what get_lexer_by_name does for a name it does not know
        plugins.append("every plugin")
        return iter(())

    # pygments.lexers swaps its module object for a lazy one: patch the functions' own globals
    monkeypatch.setitem(
        pygments.lexers.get_lexer_by_name.__globals__, "find_plugin_lexers", every_plugin
    )
    assert find_lexer("mermaid") is None
    assert find_lexer("plaintext") is None
    assert plugins == []


def test_a_plugin_named_like_the_language_is_used(plugins):
    assert isinstance(find_lexer("chant"), ChantLexer)
    assert plugins == ["chant"]


def test_a_broken_plugin_leaves_the_block_plain(plugins):
    assert find_lexer("broken") is None
    assert plugins == ["broken"]


def test_a_plugin_named_like_the_language_but_not_answering_to_it_is_not_used(plugins):
    assert find_lexer("heavy") is None  # ChantLexer's aliases do not include "heavy"
