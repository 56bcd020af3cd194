"""Video references of talks: which player, its privacy-friendly embed URL, and time links.

Third-party players are never loaded on page load: the page shows a local poster and only a
click swaps in the (nocookie) embed. Without JavaScript, time links go to the platform's own URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_HOSTS = (
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "www.youtube-nocookie.com",
)
_MEDIA_EXTENSIONS = (
    ".mp4",
    ".webm",
    ".ogv",
    ".ogg",
    ".mov",
    ".m4v",
    ".mp3",
    ".m4a",
    ".opus",
    ".wav",
    ".oga",
)


@dataclass(frozen=True)
class Media:
    provider: str  # youtube | vimeo | peertube | file
    label: str
    src: str  # file URL (provider == "file")
    embed: str  # iframe URL for click-to-load
    watch: str  # the platform page


def youtube_id(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in _YOUTUBE_HOSTS:
        return None
    if parts.netloc == "youtu.be":
        return parts.path.strip("/") or None
    if parts.path.startswith(("/embed/", "/live/", "/shorts/")):
        return parts.path.split("/")[2] or None
    return parse_qs(parts.query).get("v", [None])[0]


def video_info(video: str | None, page_url: str) -> Media | None:
    if not video:
        return None
    vid = youtube_id(video)
    if vid:
        return Media(
            "youtube",
            "YouTube",
            "",
            f"https://www.youtube-nocookie.com/embed/{vid}?autoplay=1&enablejsapi=1",
            f"https://www.youtube.com/watch?v={vid}",
        )
    parts = urlsplit(video)
    if parts.netloc.endswith("vimeo.com"):
        match = re.search(r"/(\d+)", parts.path)
        if match:
            return Media(
                "vimeo",
                "Vimeo",
                "",
                f"https://player.vimeo.com/video/{match.group(1)}?autoplay=1&dnt=1",
                f"https://vimeo.com/{match.group(1)}",
            )
    if "/videos/watch/" in parts.path or "/w/" in parts.path:
        vid = parts.path.rstrip("/").rsplit("/", 1)[-1]
        base = f"{parts.scheme}://{parts.netloc}"
        return Media("peertube", "PeerTube", "", f"{base}/videos/embed/{vid}?autoplay=1", video)
    if parts.scheme in ("", "http", "https") and parts.path.lower().endswith(_MEDIA_EXTENSIONS):
        src = video if parts.scheme or video.startswith("/") else page_url + video
        return Media("file", "", src, "", src)
    if parts.scheme in ("http", "https"):
        return Media("link", parts.netloc, "", "", video)
    return None


def video_time_url(video: str | None, seconds: int, page_url: str, anchor: str = "") -> str:
    """Where a time link goes without JavaScript: the platform's own time URL or our anchor."""
    media = video_info(video, page_url)
    if media is None or media.provider == "link":
        return f"#{anchor or f't={seconds}'}"
    if media.provider == "file":
        return f"{media.src}#t={seconds}"  # a media fragment: browsers start the file there
    if media.provider == "youtube":
        return f"{media.watch}&t={seconds}s"
    if media.provider == "vimeo":
        return f"{media.watch}#t={seconds}s"
    return f"{media.watch}?start={seconds}"
