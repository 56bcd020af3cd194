"""Tables of what Python compiles anew in every process, kept beside Aloud's own bytecode.

Python keeps a module's bytecode in `__pycache__`, but not what it compiles while running: the
code of regular expressions (`regex_cache`) and the methods `@dataclass` writes for each class
(`dataclass_cache`). Every `aloud` command compiled the same ones again. A `Table` keeps them in
`ssg/__pycache__/<name>-<tag>.marshal`, the tag naming the interpreter that compiled them, with
a checksum: a damaged or foreign file is ignored, and an installation that cannot be written
does without. What a command compiled that its table did not hold is added at its end, when
compiling it took long enough to be worth rewriting the file.

Each user replaces one function of the standard library with an equivalent that looks in its
table first, and only where that function is the one it was written against: `fingerprint`
names a function by its code, and an interpreter whose function differs keeps its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")
_MAGIC = b"aloud-table-1\n"
_HEADER = len(_MAGIC) + 32
_LIMIT = 8192  # entries kept at most: patterns made from a site's data must not pile up
# Compiling time that is worth rewriting a file for. Some libraries build a pattern from a set,
# whose order changes with every process (Babel's plural rules): those few are new in every
# command and take well under a millisecond; a lexer's take tens.
WORTH_SAVING = 0.005


def fingerprint(function: Callable[..., Any]) -> str:
    """A function's identity by its code: its bytecode, constants and names."""
    return hashlib.blake2b(_code_bytes(function.__code__), digest_size=8).hexdigest()


def _code_bytes(code: CodeType) -> bytes:
    parts = [code.co_code, repr((code.co_names, code.co_varnames)).encode()]
    for constant in code.co_consts:  # a nested function's code by its own bytes, not its repr
        is_code = isinstance(constant, CodeType)
        parts.append(_code_bytes(constant) if is_code else repr(constant).encode())
    return b"\0".join(parts)


def interpreter_tag(*more: object) -> str:
    """What compiled code depends on besides its source: this interpreter (and `more`)."""
    parts = (sys.version, sys.implementation.cache_tag, *more)
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


@dataclass
class Table:
    """One kind of compiled thing, by key: what the file held, and what this process added."""

    name: str
    tag: str
    known: dict[Any, Any] | None = None  # None: the file is not read yet
    learnt: dict[Any, Any] = field(default_factory=dict)
    learnt_seconds: float = 0.0  # what compiling `learnt` took

    def path(self) -> str:
        return os.path.join(FOLDER, f"{self.name}-{self.tag}.marshal")

    def lookup(self, key: Any) -> Any:
        if self.known is None:
            self.known = self._read()
        found = self.known.get(key)
        return found if found is not None else self.learnt.get(key)

    def drop(self, key: Any) -> None:
        """An entry that turned out unusable (see the users)."""
        if self.known is not None:
            self.known.pop(key, None)
        self.learnt.pop(key, None)

    def learn(self, key: Any, entry: Any, seconds: float) -> None:
        self.learnt[key] = entry
        self.learnt_seconds += seconds

    def forget_learnt(self) -> None:
        self.learnt = {}
        self.learnt_seconds = 0.0

    def take_learnt(self) -> tuple[dict[Any, Any], float] | None:
        """What this process added, handed over once (a worker sends it to its parent)."""
        if not self.learnt:
            return None
        taken = (self.learnt, self.learnt_seconds)
        self.forget_learnt()
        return taken

    def adopt(self, taken: tuple[dict[Any, Any], float] | None) -> None:
        if taken:
            self.learnt.update(taken[0])
            self.learnt_seconds += taken[1]

    def save(self) -> None:
        """Add what was learnt to the file, if compiling it took long enough to be worth it."""
        if not self.learnt or self.learnt_seconds < WORTH_SAVING:
            return
        known = self.known if self.known is not None else self._read()
        fits = len(known) + len(self.learnt) <= _LIMIT
        table = {**known, **self.learnt} if fits else dict(self.learnt)
        self.known = table
        self.forget_learnt()
        try:
            payload = marshal.dumps(table)
        except ValueError:  # something marshal cannot write: keep the file as it is
            return
        target = self.path()
        temp = f"{target}.{os.getpid()}.tmp"
        try:
            os.makedirs(FOLDER, exist_ok=True)
            with open(temp, "wb") as handle:
                handle.write(_MAGIC)
                handle.write(hashlib.blake2b(payload, digest_size=32).digest())
                handle.write(payload)
            os.replace(temp, target)  # two processes saving at once: one of them is kept
        except OSError:  # a read-only installation does without
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def _read(self) -> dict[Any, Any]:
        try:
            with open(self.path(), "rb") as handle:
                raw = handle.read()
        except OSError:
            return {}
        if not raw.startswith(_MAGIC) or len(raw) < _HEADER:
            return {}
        payload = memoryview(raw)[_HEADER:]
        if hashlib.blake2b(payload, digest_size=32).digest() != raw[len(_MAGIC) : _HEADER]:
            return {}
        try:
            table = marshal.loads(payload)
        except Exception:  # noqa: BLE001 - damaged after all: ignore it
            return {}
        return table if isinstance(table, dict) else {}
