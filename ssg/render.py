"""One Output → its bytes. Pure given the environment: the same output gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .captions import transcript_text
from .config import Config
from .errors import SiteError
from .feed_xml import attribute, text
from .model import Output
from .urls import absolute


def render_output(env: jinja2.Environment, config: Config, output: Output) -> bytes:
    """Render; template problems become SiteErrors naming the template line and the page."""
    kind = output.kind
    if kind == "copy":
        return Path(output.copy_from or "").read_bytes()
    if kind == "text":
        return (output.context or {})["text"].encode()
    if kind == "pygments":
        from .markdown import pygments_css

        return pygments_css().encode()
    if kind == "robots":
        return robots_txt(config).encode()
    if kind == "sitemap":
        return sitemap_xml(config, (output.context or {})["entries"]).encode()
    if kind == "transcript":
        page = (output.context or {})["page"]
        return transcript_text(page.transcript.paragraphs, page.title).encode()
    if kind.startswith("feed"):
        from .feeds import render_feed

        return render_feed(env, config, output)
    return render_template(env, output).encode()


def render_template(env: jinja2.Environment, output: Output) -> str:
    assert output.template is not None
    try:
        template = env.get_template(output.template)
        return template.render(output.context or {})
    except jinja2.TemplateNotFound as exc:
        raise SiteError(
            output.source or output.path,
            None,
            f"missing template '{exc.name}' (needed for {output.path})",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise SiteError(
            exc.filename or exc.name, exc.lineno, f"template error: {exc.message}"
        ) from None
    except SiteError:
        raise
    except Exception as exc:  # an error inside a template: point at the template line
        line, name = _template_position(exc)
        raise SiteError(
            name or output.template,
            line,
            f"error rendering {output.path}: {type(exc).__name__}: {exc}",
        ) from exc


def _template_position(exc: BaseException) -> tuple[int | None, str | None]:
    tb = exc.__traceback__
    found: tuple[int | None, str | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml"):
            found = (tb.tb_lineno, filename)
        tb = tb.tb_next
    return found


def robots_txt(config: Config) -> str:
    sitemap = absolute(config, config.base_path + "sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n"


def sitemap_xml(config: Config, entries: tuple) -> str:
    """Every page with `xhtml:link` alternates for its translations (and itself), as Google asks."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url, stamp, translations, lang in sorted(entries, key=lambda e: e[0]):
        lines.append("  <url>")
        lines.append(f"    <loc>{text(absolute(config, url))}</loc>")
        if stamp is not None:
            lines.append(f"    <lastmod>{stamp.date().isoformat()}</lastmod>")
        if translations:
            for code, href in sorted([(lang, url), *translations]):
                lines.append(
                    f'    <xhtml:link rel="alternate" hreflang="{attribute(code)}" '
                    f'href="{attribute(absolute(config, href))}"/>'
                )
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
