"""Regular expressions compiled once per installation, not once in every process.

`re` compiles a pattern in Python (parse it, optimise it, emit the code its C matcher runs) and
then hands that code to the matcher (`_sre.compile`). Every build process did all of it again
for the same patterns: the Pygments lexers of the languages a site highlights (159 patterns for
Python, JavaScript and Bash, 45-52 ms in each of the two processes of a cold build), and
markdown-it's, Jinja2's, Babel's and PyYAML's as they are imported (about 25 ms more per
process, part of it before the parse worker is forked, with the other core idle).

The code depends only on the pattern, its flags and the interpreter, so it is kept in a table
beside Aloud's bytecode (`compiled_tables.py`): a pattern found there goes straight to
`_sre.compile`, which validates the code it is given; anything else is compiled as `re` always
does. Workers report what they compiled with their results (`parallel.py`), and the command
saves it at its end. Nothing here changes what any pattern matches: the same function produced
the code, in an earlier process.

Only where `re._compiler.compile` is the function this was written against (CPython 3.11 to
3.13, whose source is the same); elsewhere `install` does nothing.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from .compiled_tables import Table, fingerprint, interpreter_tag

try:  # CPython's internals, checked before use
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another interpreter
    _compiler = None  # type: ignore[assignment]

# `re._compiler.compile` of CPython 3.11, 3.12 and 3.13 (the same source, compiled by each)
_KNOWN_COMPILE = {"8d621bfcecebcaf7", "6589ff9dc4f58bb4", "c7d74f17beef76e4"}

# (pattern, flags) -> (flags, code, groups, groupindex, indexgroup), as `_sre.compile` takes them
_Entry = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]
_table: Table | None = None
_original = None


def supported() -> bool:
    return (
        sys.implementation.name == "cpython"
        and _compiler is not None
        and fingerprint(_compiler.compile) in _KNOWN_COMPILE
    )


def install() -> None:
    """Route `re`'s compiling through the installation's table, for this process and the
    processes it forks."""
    global _original, _table
    if _original is not None or not supported():
        return
    _table = Table("regex", interpreter_tag(_sre.MAGIC, _sre.CODESIZE, sys.maxunicode))
    _original = _compiler.compile
    _compiler.compile = _compile
    os.register_at_fork(after_in_child=_forget_in_child)  # a worker reports only its own


def _forget_in_child() -> None:
    if _table is not None:
        _table.forget_learnt()


def uninstall() -> None:
    """Back to `re`'s own compiling (tests)."""
    global _original, _table
    if _original is not None:
        _compiler.compile = _original
        _original = None
    _table = None


def _compile(pattern: Any, flags: int = 0) -> Any:
    """`re._compiler.compile`, taking the code from the table when it holds the pattern."""
    table = _table
    if table is None or not isinstance(pattern, (str, bytes)) or flags & _compiler.SRE_FLAG_DEBUG:
        return _original(pattern, flags)  # a parsed pattern (re.Scanner), or asked to print
    key = (pattern, int(flags))
    entry = table.lookup(key)
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)
        except Exception:  # noqa: BLE001 - not code this engine accepts: compile it anew
            table.drop(key)
    started = time.perf_counter()
    entry = _entry(pattern, flags)
    compiled = _sre.compile(pattern, *entry)
    table.learn(key, entry, time.perf_counter() - started)
    return compiled


def _entry(pattern: str | bytes, flags: int) -> _Entry:
    """What `re._compiler.compile` passes to `_sre.compile`, worked out the same way."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        [int(op) for op in code],  # opcodes are int subclasses, which marshal does not take
        parsed.state.groups - 1,
        dict(groupindex),
        tuple(indexgroup),
    )


def learnt() -> tuple[dict[Any, Any], float] | None:
    """What this process compiled that the table did not hold and the time it took, handed
    over once (a worker sends it with its results); None when nothing."""
    return _table.take_learnt() if _table is not None else None


def adopt(taken: tuple[dict[Any, Any], float] | None) -> None:
    """What a worker compiled, to be saved by this process."""
    if _table is not None:
        _table.adopt(taken)


def save() -> None:
    """Add what this command's processes compiled to the installation's table (at its end)."""
    if _table is not None:
        _table.save()
