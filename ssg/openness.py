"""Open and co-creative links: licences, edit/translate/correct in the repository, replies, sharing.

All are plain links built from URL templates in site.toml, so GitHub, GitLab, Codeberg and
Forgejo all work, and no third-party script is ever loaded.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from .config import Config
from .urls import absolute

LICENSES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-NC-4.0": ("CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": ("CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-ND-4.0": ("CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "MIT": ("MIT License", "https://spdx.org/licenses/MIT.html"),
    "Apache-2.0": ("Apache License 2.0", "https://spdx.org/licenses/Apache-2.0.html"),
    "GPL-3.0-or-later": ("GNU GPL 3.0 or later", "https://spdx.org/licenses/GPL-3.0-or-later.html"),
}
SHARE_LABELS = {"email": "Email", "mastodon": "Mastodon", "linkedin": "LinkedIn"}


def license_name(spdx: str) -> str:
    if spdx == "all-rights-reserved":
        return "© All rights reserved"
    return LICENSES.get(spdx, (spdx, ""))[0]


def license_url(spdx: str) -> str:
    if spdx in LICENSES:
        return LICENSES[spdx][1]
    if spdx and spdx != "all-rights-reserved":
        return f"https://spdx.org/licenses/{quote(spdx)}.html"
    return ""


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def filters(config: Config) -> dict[str, Callable[..., Any]]:
    repo = config.repository

    def edit_url(source_rel: str) -> str:
        template = repo.get("edit_url", "")
        return _fill(template, path=quote(source_rel)) if template else ""

    def lines_url(source_rel: str, start: int, end: int) -> str:
        template = repo.get("lines_url", "")
        return (
            _fill(template, path=quote(source_rel), start=str(start), end=str(end))
            if template
            else ""
        )

    def translation_url(page: Any, lang: str) -> str:
        template = repo.get("new_url", "")
        if not template:
            return ""
        folder, name = posixpath.split(page.source_rel)
        stem = name.rsplit(".", 1)[0]
        if stem.endswith(f".{page.lang}"):
            stem = stem[: -len(page.lang) - 1]
        filename = f"{stem}.md" if lang == config.default_language else f"{stem}.{lang}.md"
        return _fill(
            template, folder=quote(folder), filename=quote(filename), path=quote(page.source_rel)
        )

    def reply_url(page: Any) -> str:
        replies = config.replies
        page_url = absolute(config, page.url)
        if replies.get("url"):
            return _fill(replies["url"], title=quote(page.title), url=quote(page_url, safe=""))
        if replies.get("mailto"):
            subject = quote(f"Re: {page.title}")
            return f"mailto:{replies['mailto']}?subject={subject}"
        return ""

    def share_url(page: Any, service: str) -> str:
        url = quote(absolute(config, page.url), safe="")
        title = quote(page.title)
        if service == "email":
            return f"mailto:?subject={title}&body={url}"
        if service == "mastodon":
            return f"https://toot.kytta.dev/?text={title}%20{url}"
        if service == "linkedin":
            return f"https://www.linkedin.com/sharing/share-offsite/?url={url}"
        return ""

    return {
        "license_name": license_name,
        "license_url": license_url,
        "edit_url": edit_url,
        "lines_url": lines_url,
        "translation_url": translation_url,
        "reply_url": reply_url,
        "share_url": share_url,
        "share_label": lambda service: SHARE_LABELS.get(service, service),
    }
