"""Jinja2's runtime, less the work our templates never need; the same bytes come out.

A post page is about a hundred printed values, eight included partials and twenty-five `_()`
calls. Measured per call on this machine, Jinja2 spends most of that time on bookkeeping:

- every `{{ value }}` is escaped by markupsafe's `escape`, which builds a `Markup` object
  (0.45 µs) that is only ever joined into the page, or into a buffer Jinja2 wraps in `Markup`
  itself. `escape_output` gives the same characters as a plain str (0.05 µs);
- every include and every page makes a `Context`, whose constructor copies the names of the
  template's globals into a set (2 of its 3.2 µs) for the sole benefit of `{% import %}`;
  `SiteContext` works that set out when an import asks for it;
- every call from a template goes through `Context.call` (1.3 µs), which looks up how the
  callable wants its context; `SiteContext` calls our own gettext functions, which want the
  context and nothing else, directly (0.1 µs) unless Jinja2 passes loop or block variables;
- every include asks `get_template` (1.3 µs: a lock, a weak reference and the LRU cache);
  `SiteEnvironment` remembers what it returned, as nothing reloads a template in our builds;
- every piece of output is yielded on its own through every generator above it;
  `SiteEnvironment` compiles templates with `JoinedOutput` (template_codegen.py), which joins
  them where they are made.

Rendering the 1,000-post benchmark site's 2,657 outputs in one process: 0.89 s with Jinja2's
own runtime, 0.69 s with `escape_output`; `SiteContext` and `SiteEnvironment` took a further 8%
(0.64 -> 0.59 s, medians of six interleaved runs). tests/test_template_runtime.py renders the
same templates with Jinja2's runtime and ours and compares the bytes.

Everything here rides on Jinja2 3.x internals (`Template._from_namespace`, what
`Context.__init__` sets, `_PassArg`). Without `_from_namespace` or markupsafe's C escaping,
`template_class` gives Jinja2's own Template; without `_PassArg`, nothing is called directly;
a change in what a Context holds fails the tests, which say which part broke.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context

from .template_codegen import JoinedOutput

try:
    from jinja2.utils import _PassArg
except ImportError:  # pragma: no cover - a Jinja2 that moved it: no direct calls then
    _PassArg = None

try:  # markupsafe >= 3.0: the C function behind `escape`, returning a plain str
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - pure-Python markupsafe or an older release
    _escape_inner = None


def escape_output(value: Any) -> str:
    """What markupsafe's `escape(value)` holds, as a plain string."""
    if type(value) is str:
        return _escape_inner(value)  # type: ignore[misc]
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))  # type: ignore[misc]


def _installable() -> bool:
    return _escape_inner is not None and hasattr(jinja2.Template, "_from_namespace")


class OutputTemplate(jinja2.Template):
    """A Jinja2 template whose printed values are escaped by `escape_output`."""

    @classmethod
    def _from_namespace(  # type: ignore[override]
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> jinja2.Template:
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = escape_output
        return super()._from_namespace(environment, namespace, globals)  # type: ignore[misc]


def template_class() -> type[jinja2.Template]:
    """OutputTemplate where this Jinja2 and markupsafe allow it, else Jinja2's own Template."""
    return OutputTemplate if _installable() else jinja2.Template


def printed_escape(template: jinja2.Template) -> Callable[[Any], Any]:
    """The escape function a compiled template prints with (for tests)."""
    return template.root_render_func.__globals__["escape"]


class SiteContext(Context):
    """A Jinja2 Context that defers `globals_keys` and calls our gettext functions directly."""

    # Functions that take the context as their first argument and nothing else from Jinja2
    # (they are marked @pass_context): set by `direct_calls`, per environment.
    direct: frozenset[Callable[..., Any]] = frozenset()

    def __init__(
        self,
        environment: jinja2.Environment,
        parent: dict[str, Any],
        name: str | None,
        blocks: dict[str, Callable[[Context], Any]],
        globals: MutableMapping[str, Any] | None = None,
    ) -> None:
        super().__init__(environment, parent, name, blocks)  # globals_keys: an empty set
        self._globals_for_keys = globals

    @property
    def globals_keys(self) -> set[str]:  # type: ignore[override]
        """The names of the template's globals, which only `{% import %}` asks for."""
        if self._globals_for_keys is not None:
            return set(self._globals_for_keys)
        return self.__dict__.get("_globals_keys", set())

    @globals_keys.setter
    def globals_keys(self, value: set[str]) -> None:
        self._globals_for_keys = None
        self.__dict__["_globals_keys"] = value

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if __obj in __self.direct and not (kwargs.get("_loop_vars") or kwargs.get("_block_vars")):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            try:
                return __obj(__self, *args, **kwargs)
            except StopIteration:
                pass  # Jinja2 makes that an Undefined: let it
        return Context.call(__self, __obj, *args, **kwargs)


def code_generator_for(jinja_version: str) -> type[CodeGenerator]:
    """`JoinedOutput` for the Jinja2 it follows (3.1), Jinja2's own generator for any other:
    a new Jinja2 may change what the methods it overrides must emit, and a page rendered a
    little slower is better than one rendered wrong."""
    return JoinedOutput if jinja_version.startswith("3.1.") else CodeGenerator


class SiteEnvironment(jinja2.Environment):
    """A Jinja2 Environment whose `get_template` remembers what it returned.

    Only while `auto_reload` is off (ours always is: the builder makes a new environment when a
    layout changes), and only for plain lookups by name; anything else asks Jinja2."""

    context_class = SiteContext
    code_generator_class = code_generator_for(jinja2.__version__)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._templates: dict[tuple[str, str | None], jinja2.Template] = {}
        self.context_class = type("SiteContext", (SiteContext,), {"direct": frozenset()})

    def direct_calls(self, functions: Iterable[Callable[..., Any]]) -> None:
        """Let templates call these functions without `Context.call`: only those marked
        @pass_context, which is all that `Context.call` would have looked up for them."""
        if _PassArg is None:
            return
        direct = {
            function
            for function in functions
            if isinstance(function, types.FunctionType)  # a callable object: Jinja2's way
            and getattr(function, "jinja_pass_arg", None) is _PassArg.context
        }
        self.context_class.direct = frozenset(direct)  # type: ignore[attr-defined]

    def get_template(  # type: ignore[override]
        self,
        name: str | jinja2.Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        if globals is not None or self.auto_reload or type(name) is not str:
            return super().get_template(name, parent, globals)
        key = (name, parent)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = super().get_template(name, parent)
        return template
