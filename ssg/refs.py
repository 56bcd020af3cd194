"""Links between pages in rendered HTML: a placeholder per link until every page's URL is known.

Markdown is parsed before the site is assembled (and in other processes), so a link to another
source file is written as `aloud-ref:N`; the N-th URL of the page's link list replaces it when the
page's body is shown. Standard library only: the page model resolves bodies with it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

REF_PREFIX = "aloud-ref:"
_REF_RE = re.compile(r"aloud-ref:(\d+)")


def resolve_refs(body: str, urls: Sequence[str]) -> str:
    """Replace `aloud-ref:N` placeholders with the resolved URLs (already escaped-safe paths)."""
    if REF_PREFIX not in body:
        return body
    return _REF_RE.sub(lambda m: html.escape(urls[int(m.group(1))], quote=True), body)
