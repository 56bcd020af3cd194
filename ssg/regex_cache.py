"""Regular expressions compiled once per installation, not once in every process.

`re` compiles a pattern in Python (parse it, optimise it, emit the code its C matcher runs) and
then hands that code to the matcher (`_sre.compile`). Every build process did all of it again
for the same patterns: the Pygments lexers of the languages a site highlights (159 patterns for
Python, JavaScript and Bash, 45-52 ms in each of the two processes of a cold build), and
markdown-it's, Jinja2's, Babel's and PyYAML's as they are imported (about 25 ms more per
process, part of it before the parse worker is forked, with the other core idle).

The code depends only on the pattern, its flags and the interpreter, so it is kept like Aloud's
bytecode, beside it (`ssg/__pycache__/regex-<tag>.marshal`, the tag naming the interpreter and
its regular-expression engine): a pattern found there goes straight to `_sre.compile`, which
validates the code it is given; anything else is compiled as `re` always does. What a command's
processes compiled that the file did not hold is added when the command ends (workers report
theirs with their results, see `parallel.py`). A damaged or foreign file is ignored, an
installation that cannot be written does without, and nothing here changes what any pattern
matches: the same function produced the code, in an earlier process.

CPython only, and only where `re` has the shape this relies on (3.11 to 3.13 do); elsewhere
`install` does nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import time
from typing import Any

try:  # CPython's internals, checked before use
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another interpreter
    _compiler = None  # type: ignore[assignment]

_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")
_MAGIC = b"aloud-regex-1\n"
_LIMIT = 8192  # entries kept at most: patterns made from a site's data must not pile up
# Compiling time that is worth rewriting the file for. Some libraries build a pattern from a
# set, whose order changes with every process (Babel's plural rules): those few are new in
# every command and take well under a millisecond, a lexer's take tens.
_WORTH_SAVING = 0.005

# (pattern, flags) -> (flags, code, groups, groupindex, indexgroup), as `_sre.compile` takes them
_Entry = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]
_known: dict[tuple[str | bytes, int], _Entry] | None = None  # None: not read yet
_learnt: dict[tuple[str | bytes, int], _Entry] = {}  # compiled here, not in the file
_learnt_seconds = [0.0]  # what compiling them took
_original = None


def _tag() -> str:
    parts = (
        sys.version,
        sys.implementation.cache_tag,
        _sre.MAGIC,
        _sre.CODESIZE,
        sys.maxunicode,
        getattr(_compiler, "__file__", ""),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def _path() -> str:
    return os.path.join(_FOLDER, f"regex-{_tag()}.marshal")


def supported() -> bool:
    return (
        sys.implementation.name == "cpython"
        and _compiler is not None
        and all(hasattr(_compiler, name) for name in ("compile", "_code", "SRE_FLAG_DEBUG"))
        and hasattr(_parser, "parse")
        and hasattr(_sre, "compile")
    )


def install() -> None:
    """Route `re`'s compiling through the installation's table, for this process and the
    processes it forks."""
    global _original
    if _original is not None or not supported():
        return
    _original = _compiler.compile
    _compiler.compile = _compile
    os.register_at_fork(after_in_child=_forget_learnt)  # a worker reports only its own


def _forget_learnt() -> None:
    _learnt.clear()
    _learnt_seconds[0] = 0.0


def uninstall() -> None:
    """Back to `re`'s own compiling (tests)."""
    global _original, _known
    if _original is not None:
        _compiler.compile = _original
        _original = None
    _known = None
    _forget_learnt()


def _compile(pattern: Any, flags: int = 0) -> Any:
    """`re._compiler.compile`, taking the code from the table when it holds the pattern."""
    if not isinstance(pattern, (str, bytes)) or flags & _compiler.SRE_FLAG_DEBUG:
        return _original(pattern, flags)  # a parsed pattern (re.Scanner), or asked to print
    key = (pattern, int(flags))
    known = _known if _known is not None else _read()
    entry = known.get(key) or _learnt.get(key)
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)
        except Exception:  # noqa: BLE001 - not code this engine accepts: compile it anew
            known.pop(key, None)
    started = time.perf_counter()
    entry = _entry(pattern, flags)
    compiled = _sre.compile(pattern, *entry)
    _learnt[key] = entry
    _learnt_seconds[0] += time.perf_counter() - started
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


def _read() -> dict[tuple[str | bytes, int], _Entry]:
    global _known
    _known = {}
    try:
        with open(_path(), "rb") as handle:
            raw = handle.read()
    except OSError:
        return _known
    header = len(_MAGIC) + 32
    if not raw.startswith(_MAGIC) or len(raw) < header:
        return _known
    payload = memoryview(raw)[header:]
    if hashlib.blake2b(payload, digest_size=32).digest() != raw[len(_MAGIC) : header]:
        return _known
    try:
        table = marshal.loads(payload)
    except Exception:  # noqa: BLE001 - damaged after all: ignore it
        return _known
    if isinstance(table, dict):
        _known = table
    return _known


Learnt = tuple[dict[tuple[str | bytes, int], _Entry], float]


def learnt() -> Learnt | None:
    """What this process compiled that the table did not hold and the time it took, handed
    over once (a worker sends it with its results); None when nothing."""
    if not _learnt:
        return None
    entries = (dict(_learnt), _learnt_seconds[0])
    _forget_learnt()
    return entries


def adopt(entries: Learnt | None) -> None:
    """What a worker learnt, to be saved by this process."""
    if entries and _original is not None:
        _learnt.update(entries[0])
        _learnt_seconds[0] += entries[1]


def save() -> None:
    """Add what this command's processes compiled to the installation's table (at its end),
    if compiling it took long enough to be worth rewriting the file."""
    if not _learnt or _learnt_seconds[0] < _WORTH_SAVING:
        return
    known = _known if _known is not None else _read()
    table = {**known, **_learnt} if len(known) + len(_learnt) <= _LIMIT else dict(_learnt)
    _forget_learnt()
    try:
        payload = marshal.dumps(table)
    except ValueError:  # an object marshal cannot write: keep the file as it is
        return
    target = _path()
    temp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(_FOLDER, exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(_MAGIC)
            handle.write(hashlib.blake2b(payload, digest_size=32).digest())
            handle.write(payload)
        os.replace(temp, target)  # another process saving at once: one of the two is kept
    except OSError:  # a read-only installation does without
        with contextlib.suppress(OSError):
            os.unlink(temp)
