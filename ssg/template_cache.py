"""What a build learns from the layouts, kept in the build cache (`.aloud/templates-*/`), so a
build that has a cache reads again only the layouts that changed.

A build parses every layout three times: to compile it, to find what it extends and includes
(its digest covers those), and to list its UI strings (missing translations are reported). On
the benchmark's 1,000-post site that was 0.15–0.25 s of each build with a cache, serial when
nothing needs parsing. Compiled code goes to Jinja2's own `FileSystemBytecodeCache`, which checks
each file against the layout's source (a changed layout is compiled again) and throws away one it
cannot read; references and strings go to `facts.json`, by digest of the layout's source.
Neither checks the code that produced them: ours (`template_codegen`, `template_runtime`, the
environment's options in `templates`, extraction in `template_strings`), Jinja2's and Babel's.
So the folder is named by a digest of those, and folders of other versions are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import babel
import jinja2

_GENERATING_MODULES = (
    "template_codegen.py",
    "template_runtime.py",
    "templates.py",
    "template_strings.py",
)


def code_tag() -> str:
    """A digest of everything that decides what a layout compiles to, besides its source."""
    hasher = hashlib.blake2b(digest_size=8)
    hasher.update(f"{jinja2.__version__}\0{babel.__version__}\0{sys.version}\0".encode())
    package = Path(__file__).resolve().parent
    for name in _GENERATING_MODULES:
        hasher.update((package / name).read_bytes())
    return hasher.hexdigest()


class _CompiledLayouts(jinja2.FileSystemBytecodeCache):
    """Jinja2's cache, taking a file it cannot read for a missing one: Jinja2 checks the
    header and the code but lets a damaged checksum raise (UnpicklingError), failing the build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - whatever is wrong with it, compile again
            bucket.reset()


@dataclass
class LayoutFacts:
    """Per layout source digest: the templates it references (None: a dynamic include, so
    any) and the msgids of its UI strings. Without a `path` nothing is kept."""

    path: Path | None = None
    references: dict[str, list[str] | None] = field(default_factory=dict)
    messages: dict[str, list[str]] = field(default_factory=dict)
    changed: bool = False

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        temp = self.path.with_name(f".facts-{os.getpid()}.tmp")
        payload = {"references": self.references, "messages": self.messages}
        temp.write_text(json.dumps(payload, sort_keys=True), encoding="utf-8")
        os.replace(temp, self.path)
        self.changed = False


def source_key(source: str | bytes) -> str:
    data = source.encode() if isinstance(source, str) else source
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class LayoutCache:
    compiled: jinja2.BytecodeCache | None
    facts: LayoutFacts


def layout_cache(state_dir: Path | None) -> LayoutCache:
    """The layout cache in `state_dir`; one that keeps nothing without a build cache."""
    if state_dir is None:
        return LayoutCache(None, LayoutFacts())
    folder = state_dir / f"templates-{code_tag()}"
    if not folder.is_dir():
        if state_dir.is_dir():
            for stale in state_dir.glob("templates-*"):
                shutil.rmtree(stale, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    return LayoutCache(_CompiledLayouts(str(folder)), _read_facts(folder / "facts.json"))


def _read_facts(path: Path) -> LayoutFacts:
    """The facts saved in `path`; none (all worked out again) if it is missing or not ours."""
    facts = LayoutFacts(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        references, messages = payload["references"], payload["messages"]
    except (OSError, ValueError, TypeError, KeyError):
        return facts
    if _valid_references(references) and _valid_messages(messages):
        facts.references, facts.messages = references, messages
    return facts


def _valid_references(value: object) -> bool:
    return isinstance(value, dict) and all(
        refs is None or (isinstance(refs, list) and all(isinstance(r, str) for r in refs))
        for refs in value.values()
    )


def _valid_messages(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(ids, list) and all(isinstance(m, str) for m in ids) for ids in value.values()
    )
