"""Where every URL is decided: pages, tags, listings, feeds, static files.

URLs are root-relative and carry the base path ("/blog/sv/posts/hej/"), so the output is correct
under a subpath; `absolute()` adds the origin for feeds and sitemaps.
"""

from __future__ import annotations

from urllib.parse import quote

from .config import Config
from .markdown import slugify


def lang_root(config: Config, lang: str) -> str:
    """ "/blog/" for the default language, "/blog/sv/" for others."""
    prefix = config.language(lang).prefix
    return config.base_path + (f"{prefix}/" if prefix else "")


def page_path(config: Config, lang: str, section: str, slug: str) -> str:
    """Output folder of a page relative to the output root, e.g. "sv/posts/hej"."""
    prefix = config.language(lang).prefix
    parts = [prefix] if prefix else []
    if section and section != "pages":
        parts.append(section)
    parts.append(slug)
    return "/".join(parts)


def url_of(config: Config, output_dir: str) -> str:
    """The URL of an output folder ("sv/posts/hej" → "/blog/sv/posts/hej/")."""
    if not output_dir:
        return config.base_path
    return config.base_path + quote(output_dir) + "/"


def file_url(config: Config, output_file: str) -> str:
    return config.base_path + quote(output_file)


def lang_dir(config: Config, lang: str) -> str:
    return config.language(lang).prefix


def join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p and p.strip("/"))


def tag_dir(config: Config, lang: str, tag: str) -> str:
    return join(lang_dir(config, lang), "tags", slugify(tag))


def absolute(config: Config, url: str) -> str:
    """Root-relative URL → absolute URL on the site's origin."""
    if url.startswith(("http://", "https://")):
        return url
    return config.origin + url
