"""What a static host does with a file, for the preview server: its content type, and the
live-reload script (and drafts banner) injected into HTML on the way out (never on disk)."""

from __future__ import annotations

import html
import mimetypes
import re
from pathlib import Path

PRIVATE = "_aloud/"  # the preview server's own paths, under "/" and under the base path

# Explicit types where mimetypes is missing, wrong or platform-dependent.
_UTF8 = "; charset=utf-8"
# fmt: off
CONTENT_TYPES = {
    ".html": "text/html" + _UTF8, ".htm": "text/html" + _UTF8, ".css": "text/css" + _UTF8,
    ".js": "text/javascript" + _UTF8, ".mjs": "text/javascript" + _UTF8,
    ".json": "application/json", ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml" + _UTF8, ".xsl": "application/xml" + _UTF8,
    ".vtt": "text/vtt" + _UTF8, ".srt": "application/x-subrip",
    ".txt": "text/plain" + _UTF8, ".md": "text/plain" + _UTF8,
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".opus": "audio/ogg",
    ".wav": "audio/wav", ".flac": "audio/flac", ".mp4": "video/mp4", ".m4v": "video/mp4",
    ".webm": "video/webm", ".ogv": "video/ogg", ".mov": "video/quicktime",
    ".pdf": "application/pdf", ".wasm": "application/wasm",
}
# fmt: on
HTML, PLAIN = CONTENT_TYPES[".html"], CONTENT_TYPES[".txt"]
NAMED_TYPES = {"feed.json": "application/feed+json"}


def content_type(path: Path) -> str:
    """The Content-Type a static host should send for this file."""
    if path.name in NAMED_TYPES:
        return NAMED_TYPES[path.name]
    suffix = path.suffix.lower()
    guessed = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
    return guessed or "application/octet-stream"


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def inject(body: bytes, base_path: str, banner: str | None) -> bytes:
    """Add the live-reload script before `</head>` and the banner (if any) after `<body>`."""
    script = f'<script src="{base_path}{PRIVATE}livereload.js" defer></script>'.encode()
    if banner:
        banner = (
            '<div id="aloud-banner" role="status" style="position:fixed;right:.5rem;'
            "bottom:.5rem;z-index:2147483646;padding:.3rem .7rem;border-radius:.3rem;"
            "background:#5b2a86;color:#fff;font:600 14px/1.4 system-ui,sans-serif;"
            f'pointer-events:none">{html.escape(banner)}</div>'
        ).encode()
        match = _BODY_START.search(body)
        at = match.end() if match else len(body)
        body = body[:at] + banner + body[at:]
    match = _HEAD_END.search(body) or _BODY_START.search(body)
    if match:
        return body[: match.start()] + script + body[match.start() :]
    return body + script
