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

Aloud's built-in layouts are part of the installation, like its Python modules, so what is
learnt from them is also kept beside Aloud's own bytecode (`ssg/__pycache__/layouts-*/`) and
shared by every site: a site's first build, or any build without `.aloud/`, then compiles only
the layouts the site has of its own (on the benchmark's 1,000-post site, 0.17 s of a cold
build's work). Nothing there is site-specific: compiled code is looked up by the layout's file
name and checked against its source, facts by the source's digest. Where that folder cannot be
written (a read-only installation), builds simply do without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import babel
import jinja2

from .fastpath import PACKAGE_DIR
from .toolchain import files_digest

_GENERATING_MODULES = (
    "template_codegen.py",
    "template_runtime.py",
    "templates.py",
    "template_strings.py",
)


@lru_cache(maxsize=1)
def code_tag() -> str:
    """A digest of everything that decides what a layout compiles to, besides its source."""
    versions = f"{jinja2.__version__}\0{babel.__version__}\0{sys.version}"
    return files_digest([PACKAGE_DIR / name for name in _GENERATING_MODULES], versions, size=8)


# Where the installation keeps what it learnt from its built-in layouts (see the docstring).
SHARED_ROOT = Path(__file__).resolve().parent / "__pycache__"


class _CompiledLayouts(jinja2.FileSystemBytecodeCache):
    """Jinja2's cache, taking a file it cannot read for a missing one: Jinja2 checks the
    header and the code but lets a damaged checksum raise (UnpicklingError), failing the build.

    With `shared`, a built-in layout not compiled in this folder is looked up there, and one
    compiled here is also left there."""

    def __init__(self, directory: str, shared: SharedLayouts | None = None) -> None:
        super().__init__(directory)
        self.shared = shared
        self._compiled_for_shared: set[str] = set()  # bucket keys to leave in `shared`

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - whatever is wrong with it, compile again
            bucket.reset()

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        bucket = super().get_bucket(environment, name, filename, source)
        if bucket.code is None and self.shared is not None and self.shared.holds(filename):
            self.shared.compiled.load_bytecode(bucket)
            if bucket.code is None:
                self._compiled_for_shared.add(bucket.key)
        return bucket

    def set_bucket(self, bucket: jinja2.bccache.Bucket) -> None:
        super().set_bucket(bucket)
        if self.shared is not None and bucket.key in self._compiled_for_shared:
            self._compiled_for_shared.discard(bucket.key)
            if self.shared.make_folder():
                with suppress(OSError):
                    self.shared.compiled.set_bucket(bucket)


@dataclass
class SharedLayouts:
    """The installation's record of its built-in layouts (`layouts`), in `folder`."""

    folder: Path
    layouts: Path

    def __post_init__(self) -> None:
        self.compiled = _CompiledLayouts(str(self.folder))

    def holds(self, filename: str | None) -> bool:
        """Whether `filename` is one of the built-in layouts."""
        return filename is not None and Path(filename).is_relative_to(self.layouts)

    def source_keys(self) -> set[str]:
        """The source digests of the built-in layouts as they are now."""
        return {source_key(path.read_bytes()) for path in self.layouts.rglob("*") if path.is_file()}

    def make_folder(self) -> bool:
        """Make the folder, removing those of other versions; False if it cannot be made."""
        if self.folder.is_dir():
            return True
        try:
            for stale in self.folder.parent.glob("layouts-*"):
                shutil.rmtree(stale, ignore_errors=True)
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return True


@dataclass
class LayoutFacts:
    """Per layout source digest: the templates it references (None: a dynamic include, so
    any) and the msgids of its UI strings. Without a `path` nothing is kept."""

    path: Path | None = None
    references: dict[str, list[str] | None] = field(default_factory=dict)
    messages: dict[str, list[str]] = field(default_factory=dict)
    changed: bool = False
    shared: SharedLayouts | None = None
    shared_payload: dict = field(default_factory=dict)  # as read from the shared folder

    def save(self) -> None:
        learnt = self.changed
        if self.path is not None and self.changed:
            _write_json(self.path, {"references": self.references, "messages": self.messages})
            self.changed = False
        if self.shared is None or (self.shared_payload and not learnt):
            return
        keys = self.shared.source_keys()
        payload = {
            "references": {k: v for k, v in self.references.items() if k in keys},
            "messages": {k: v for k, v in self.messages.items() if k in keys},
        }
        if payload != self.shared_payload and self.shared.make_folder():
            with suppress(OSError):
                _write_json(self.shared.folder / "facts.json", payload)
                self.shared_payload = payload


def _write_json(path: Path, payload: dict) -> None:
    temp = path.with_name(f".facts-{os.getpid()}.tmp")
    temp.write_text(json.dumps(payload, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)


def source_key(source: str | bytes) -> str:
    data = source.encode() if isinstance(source, str) else source
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class LayoutCache:
    compiled: jinja2.BytecodeCache | None
    facts: LayoutFacts


def layout_cache(state_dir: Path | None, builtin_layouts: Path | None = None) -> LayoutCache:
    """The layout cache in `state_dir`, sharing what is learnt from `builtin_layouts` with
    other sites (see the docstring); one that keeps nothing without a build cache."""
    if state_dir is None:
        return LayoutCache(None, LayoutFacts())
    folder = state_dir / f"templates-{code_tag()}"
    if not folder.is_dir():
        if state_dir.is_dir():
            for stale in state_dir.glob("templates-*"):
                shutil.rmtree(stale, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    shared = None
    if builtin_layouts is not None and builtin_layouts.is_dir():
        shared = SharedLayouts(SHARED_ROOT / f"layouts-{code_tag()}", builtin_layouts.resolve())
    facts = LayoutFacts(folder / "facts.json", shared=shared)
    if shared is not None:
        facts.shared_payload = _read_facts(shared.folder / "facts.json")
    site_payload = _read_facts(folder / "facts.json")
    for name in ("references", "messages"):  # the site's own record wins
        setattr(facts, name, {**facts.shared_payload.get(name, {}), **site_payload.get(name, {})})
    return LayoutCache(_CompiledLayouts(str(folder), shared), facts)


def _read_facts(path: Path) -> dict:
    """The facts saved in `path`; none (all worked out again) if it is missing or not ours."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        references, messages = payload["references"], payload["messages"]
    except (OSError, ValueError, TypeError, KeyError):
        return {}
    if _valid_references(references) and _valid_messages(messages):
        return {"references": references, "messages": messages}
    return {}


def _valid_references(value: object) -> bool:
    return isinstance(value, dict) and all(
        refs is None or (isinstance(refs, list) and all(isinstance(r, str) for r in refs))
        for refs in value.values()
    )


def _valid_messages(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(ids, list) and all(isinstance(m, str) for m in ids) for ids in value.values()
    )
