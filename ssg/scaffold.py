"""`aloud new`: create a post, note, page or talk with its front matter filled in."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .captions import format_timestamp, read_captions
from .config import load_config
from .errors import SiteError
from .markdown import slugify

SECTIONS = {"post": "posts", "note": "notes", "page": "pages", "talk": "talks"}


def _yaml_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def create(
    site_dir: Path,
    kind: str,
    title_or_file: str,
    lang: str | None = None,
    video: str | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Write the new file and return its path; never overwrites an existing file."""
    config = load_config(site_dir)
    lang = lang or config.default_language
    if lang not in config.language_codes:
        raise SiteError(
            "--lang",
            None,
            f"unknown language '{lang}' (configured: {', '.join(config.language_codes)})",
        )
    now = now or dt.datetime.now().astimezone().replace(microsecond=0)
    folder = site_dir / "content" / SECTIONS[kind]
    suffix = "" if lang == config.default_language else f".{lang}"
    lines = ["---"]
    if kind == "talk":
        return _create_talk(site_dir, folder, Path(title_or_file), lang, suffix, video, title, now)
    slug = slugify(title_or_file)
    path = folder / f"{slug}{suffix}.md"
    lines.append(f"title: {_yaml_text(title_or_file)}")
    if kind != "page":
        lines.append(f"date: {now.isoformat()}")
    if suffix:
        lines.append(f"lang: {lang}")
    if kind == "post":
        lines.extend(["tags: []", "draft: true"])
    lines.extend(["---", "", ""])
    return _write_new(path, "\n".join(lines))


def _create_talk(site_dir, folder, captions, lang, suffix, video, title, now) -> Path:
    if not captions.is_file():
        raise SiteError(captions, None, "caption file not found")
    if captions.suffix.lower() not in (".vtt", ".srt"):
        raise SiteError(captions, None, "a talk needs a .vtt or .srt caption file")
    track = read_captions(captions, str(captions))
    if not track.cues:
        raise SiteError(captions, None, "the caption file has no cues")
    stem = captions.name.rsplit(".", 1)[0]
    base = slugify(stem.split(".")[0])
    folder.mkdir(parents=True, exist_ok=True)
    target_captions = folder / f"{base}{captions.suffix.lower()}"
    if captions.resolve() != target_captions.resolve():
        if target_captions.exists():
            raise SiteError(target_captions, None, "already exists; not overwritten")
        shutil.copyfile(captions, target_captions)
    name = title or stem.split(".")[0].replace("-", " ").replace("_", " ").strip().capitalize()
    lines = ["---", f"title: {_yaml_text(name)}", f"date: {now.isoformat()}"]
    if suffix:
        lines.append(f"lang: {lang}")
    lines.append(f'duration: "{format_timestamp(track.duration)}"')
    if video:
        lines.append(f"video: {_yaml_text(video)}")
    lines.extend(["tags: [livestream]", 'summary: ""', "---", "", ""])
    text = "\n".join(lines).replace('summary: ""\n', "")
    return _write_new(folder / f"{base}{suffix}.md", text)


def _write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise SiteError(path, None, "already exists; not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
