"""Jinja2's code generator, yielding a page in a few large pieces instead of hundreds of small ones.

Jinja2 compiles a template into a generator that yields every piece of output on its own: each
run of text, each `{{ value }}`. Each piece then travels up through every generator above it
(an included partial, its block, the child template that extends the base), and `render` joins
them all at the end. A post page of the built-in layouts was 167 such pieces, each resumed
through two to four generator frames.

`JoinedOutput` generates the same code with two changes, both for the plain (not async, not
buffered) case Jinja2 uses for page rendering:

- a run of text and values between two tags becomes one `yield concat((...))` instead of one
  `yield` per item (Jinja2 does the same itself when it writes into a buffer, as in macros);
- an included template and a block are joined where they are called, `yield concat(gen)`,
  so their pieces no longer travel through the frames above them one at a time.

The page is the same string: the same values are evaluated in the same order and joined in the
same order. Only `Template.generate()`/`stream()` see fewer, larger pieces. Every printed item
keeps its own line in the generated code, so an error in a template still names its line.
`Environment.code_generator_class` is Jinja2's documented hook for this; the methods below
follow Jinja2 3.1's `visit_Output`, `visit_Block` and `visit_Include` and otherwise defer to
them. tests/test_template_codegen.py renders the same templates with both generators.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame


class JoinedOutput(CodeGenerator):
    """A CodeGenerator whose templates yield fewer, larger pieces (see the module docstring)."""

    def _joins(self, frame: Frame) -> bool:
        return frame.buffer is None and not self.environment.is_async

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if not self._joins(frame) or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        if frame.require_output_check:
            if self.has_known_extends:  # a child template prints nothing outside its blocks
                return
            self.writeline("if parent_template is None:")
            self.indent()
        finalize = self._make_finalize()
        body = _output_body(self, node, frame, finalize)
        if len(body) == 1:
            item = body[0]
            if isinstance(item, list):
                self.writeline("yield " + self._output_const_repr(item))
            else:
                self.writeline("yield ", item)
                self._print(item, frame, finalize)
        else:
            self.writeline("yield concat((")
            self.indent()
            for item in body:
                if isinstance(item, list):
                    self.writeline(self._output_const_repr(item) + ",")
                else:
                    self.newline(item)  # its own line: tracebacks keep the template's line
                    self._print(item, frame, finalize)
                    self.write(",")
            self.outdent()
            self.writeline("))")
        if frame.require_output_check:
            self.outdent()

    def _print(self, item: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self._output_child_pre(item, frame, finalize)
        self.visit(item, frame)
        self._output_child_post(item, frame, finalize)

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        super().writeline(_joined(x), node, extra)


def _joined(line: str) -> str:
    """The lines Jinja2 writes to pass on a block's, a parent template's or an included
    template's pieces one by one, rewritten to pass them on joined.

    Jinja2 writes the first two only when it is not async and not buffering, and the include as
    `gen = template.root_render_func(...)`, `try:`, `for event in gen:`, `yield event` (or
    `buffer.append(event)`), `finally: gen.close()`: looping over the joined string once keeps
    the rest, and closing the generator on an error, Jinja2's own."""
    if line.startswith("yield from context.blocks[") or line == _YIELD_PARENT:
        return "yield concat(" + line[len("yield from ") :] + ")"
    if line == "for event in gen:":
        return "for event in (concat(gen),):"
    return line


_YIELD_PARENT = "yield from parent_template.root_render_func(context)"


def _output_body(
    generator: CodeGenerator, node: nodes.Output, frame: Frame, finalize: Any
) -> list[list[Any] | nodes.Expr]:
    """Jinja2's split of an Output node: runs of constants (joined at compile time) and
    expressions evaluated when the template renders."""
    body: list[list[Any] | nodes.Expr] = []
    for child in node.nodes:
        try:
            if not (finalize.const or isinstance(child, nodes.TemplateData)):
                raise nodes.Impossible()
            const = generator._output_child_to_const(child, frame, finalize)
        except (nodes.Impossible, Exception):  # evaluated at render time, as Jinja2 does
            body.append(child)
            continue
        if body and isinstance(body[-1], list):
            body[-1].append(const)
        else:
            body.append([const])
    return body
