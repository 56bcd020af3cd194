"""The methods `@dataclass` writes, compiled once per installation, not at every start.

For each class, `dataclasses` writes the source of `__init__`, `__repr__`, `__eq__` and the
rest as text and compiles it with `exec` (`dataclasses._create_fn`): the 35 data classes
imported before a build forks its parse worker took 31-37 ms of every build's serial start,
24-29 ms of it in `_create_fn`, compiling the same text as the last time. Here that function
is replaced by one that builds the same text and takes its compiled code from a table kept
beside Aloud's bytecode (`compiled_tables.py`), compiling only text it has not seen; the code
is what `exec` would have compiled from that text, so the methods are the same.

Only where `dataclasses._create_fn` is the function this was written against (CPython 3.11's);
elsewhere `install` does nothing. Installed by the `aloud` command, so classes defined before
it (the CLI's own imports) are made as usual.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from typing import Any

from .compiled_tables import Table, fingerprint, interpreter_tag

# `dataclasses._create_fn` of CPython 3.11
_KNOWN_CREATE_FN = {"508be6c9fee1a51b"}

_table: Table | None = None
_original = None


def supported() -> bool:
    create_fn = getattr(dataclasses, "_create_fn", None)
    return (
        sys.implementation.name == "cpython"
        and create_fn is not None
        and fingerprint(create_fn) in _KNOWN_CREATE_FN
    )


def install() -> None:
    global _original, _table
    if _original is not None or not supported():
        return
    _table = Table("dataclass", interpreter_tag())
    _original = dataclasses._create_fn
    dataclasses._create_fn = _create_fn  # type: ignore[attr-defined]


def uninstall() -> None:
    """Back to `dataclasses`' own (tests)."""
    global _original, _table
    if _original is not None:
        dataclasses._create_fn = _original  # type: ignore[attr-defined]
        _original = None
    _table = None


def _create_fn(
    name: str,
    args: list[str],
    body: list[str],
    *,
    globals: dict[str, Any] | None = None,  # noqa: A002 - the name dataclasses calls it by
    locals: dict[str, Any] | None = None,  # noqa: A002
    return_type: Any = dataclasses.MISSING,
) -> Any:
    """`dataclasses._create_fn` of CPython 3.11, its text compiled once per installation."""
    if locals is None:
        locals = {}  # noqa: A001
    return_annotation = ""
    if return_type is not dataclasses.MISSING:
        locals["_return_type"] = return_type
        return_annotation = "->_return_type"
    joined_args = ",".join(args)
    joined_body = "\n".join(f"  {line}" for line in body)
    text = f" def {name}({joined_args}){return_annotation}:\n{joined_body}"
    local_vars = ", ".join(locals.keys())
    text = f"def __create_fn__({local_vars}):\n{text}\n return {name}"
    table = _table
    code = table.lookup(text) if table is not None else None
    if code is None:
        started = time.perf_counter()
        # What `exec(text)` in dataclasses.py compiles: that module has no `__future__`
        # import to inherit, and this one has `annotations`, which would make the methods'
        # annotations strings.
        code = compile(text, "<string>", "exec", dont_inherit=True)
        if table is not None:
            table.learn(text, code, time.perf_counter() - started)
    namespace: dict[str, Any] = {}
    exec(code, globals, namespace)  # noqa: S102 - what dataclasses does, with the text it writes
    return namespace["__create_fn__"](**locals)


def save() -> None:
    """Add the methods this command compiled to the installation's table (at its end)."""
    if _table is not None:
        _table.save()
