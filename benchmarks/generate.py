"""Deterministic synthetic trilingual site for benchmarking Aloud.

Usage: python benchmarks/generate.py N OUT_DIR [--force]

Writes OUT_DIR/site.toml and OUT_DIR/content/: N English posts (about a third also in Dutch
and Swedish), N/10 notes and max(3, N/200) talks with WebVTT captions. Everything comes from
seeded random generators (no clock, no hash randomisation), so the same N always gives a
byte-identical tree. A stamp file records the generator version so callers can reuse a site.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CODE, SPEAKERS, TAGS, WORDS  # noqa: E402

SEED = 20240917
STAMP = ".bench-generator.json"
DIRTY = ".bench-dirty"
CODE_LANGS = ["python", "js", "bash"]
SEE = {"en": "see", "nl": "zie", "sv": "se"}
OFFSETS = [0, 60, 120, -300, -240, -420, 330, 540, 600, -180]  # minutes east of UTC
START = datetime(2013, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=365 * 11)

SITE_TOML = """title = "Benchmark"
base_url = "https://bench.example/"
default_language = "en"
author = "bench"
[languages.en]
name = "English"
[languages.nl]
name = "Nederlands"
[languages.sv]
name = "Svenska"
[authors.bench]
name = "Bench Author"
"""


def generator_id() -> str:
    """Hash of this generator's sources: any change invalidates generated sites."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("generate.py", "corpus.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def counts(n: int) -> dict[str, int]:
    """How many posts, notes and talks a site of size n has."""
    return {"posts": n, "notes": n // 10, "talks": max(3, n // 200)}


def translated_posts(n: int) -> list[bool]:
    """Index i (1-based) is True if post i has nl/sv translations: one in each block of 3."""
    flags = [False] * (n + 1)
    for block in range((n + 2) // 3):
        i = block * 3 + 1 + random.Random(f"{SEED}:tr:{block}").randrange(3)
        if i <= n:
            flags[i] = True
    return flags


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


def stamp(dt: datetime, rng: random.Random) -> str:
    """An ISO 8601 datetime with a (seeded) UTC offset."""
    tz = timezone(timedelta(minutes=rng.choice(OFFSETS)))
    return dt.astimezone(tz).isoformat(timespec="seconds")


def spread_date(i: int, total: int, rng: random.Random) -> datetime:
    """Item i of total, spread evenly over SPAN with a few hours of jitter."""
    frac = (i - 1) / max(total, 1)
    return START + SPAN * frac + timedelta(minutes=rng.randrange(-2000, 2000))


class Text:
    """Pseudo-prose in one language, driven by one seeded generator."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng = rng
        self.words = WORDS[lang]
        self.see = SEE[lang]

    def plain(self, k: int) -> list[str]:
        return [self.rng.choice(self.words) for _ in range(k)]

    def title(self, lo: int = 3, hi: int = 7) -> str:
        words = self.plain(self.rng.randint(lo, hi))
        return " ".join([words[0].capitalize(), *words[1:]])

    def sentence(self, k: int) -> str:
        out = []
        for n, w in enumerate(self.plain(k)):
            w = w.capitalize() if n == 0 else w
            r = self.rng.random()
            if r < 0.03:
                w = f"*{w}*"
            elif r < 0.05:
                w = f"**{w}**"
            elif r < 0.06:
                w = f"`{w}`"
            out.append(w)
        return " ".join(out) + self.rng.choice([".", ".", ".", "?", "!"])

    def paragraph(self, k: int, links: list[tuple[str, str]] | None = None) -> str:
        """About k words; consumes links (text, href) by inlining them."""
        sentences, left = [], k
        while left > 0:
            n = min(left, self.rng.randint(6, 18))
            s = self.sentence(max(n, 2))
            if links:
                text, href = links.pop()
                s = s[:-1] + f", {self.see} [{text}]({href})" + s[-1]
                n += len(text.split()) + 1
            sentences.append(s)
            left -= n
        return " ".join(sentences)


def post_body(
    rng: random.Random, text: Text, links: list[tuple[str, str]], code: str | None, i: int
) -> str:
    """Headings, paragraphs, a list, maybe a blockquote and footnote; 300-900 words total."""
    target = rng.randint(310, 870)
    blocks: list[str] = []
    words = 0

    def add(block: str) -> None:
        nonlocal words
        blocks.append(block)
        if not block.startswith("```"):
            words += sum(w not in ("##", "###", "-", "*", "1.", ">") for w in block.split())

    add(text.paragraph(rng.randint(40, 90), links))
    add("## " + text.title(2, 5))
    if code:
        add(text.paragraph(rng.randint(15, 30)))
        add(code)
    has_list = has_quote = False
    footnote = i % 7 == 3
    while words < target:
        r = rng.random()
        if target - words < 70:
            r = 1.0  # close with a paragraph of the remaining length
        if not has_list or r < 0.12:
            marker = rng.choice(["- ", "* ", "1. "])
            items = [text.sentence(rng.randint(3, 12)) for _ in range(rng.randint(3, 6))]
            add("\n".join(marker + it for it in items))
            has_list = True
        elif (not has_quote and i % 2 == 0) or r < 0.18:
            add("> " + text.paragraph(rng.randint(15, 50)))
            has_quote = True
        elif r < 0.35:
            add(("### " if rng.random() < 0.3 else "## ") + text.title(2, 5))
        else:
            para = text.paragraph(min(rng.randint(30, 140), max(target - words, 15)), links)
            if footnote:
                para, footnote = para + "[^1]", False
                blocks.append("[^1]: " + text.sentence(rng.randint(6, 14)))
            add(para)
    if links:
        add(text.paragraph(20, links))
    notes = [b for b in blocks if b.startswith("[^1]: ")]
    body = [b for b in blocks if not b.startswith("[^1]: ")] + notes
    return "\n\n".join(body) + "\n"


def front_matter(fields: dict[str, object]) -> str:
    """YAML front matter; titles double-quoted, lists in flow style."""
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(str(v) for v in value)}]")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif key in ("title", "summary"):
            lines.append(f'{key}: "{value}"')
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n---\n\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def make_post(root: Path, i: int, n: int, flags: list[bool]) -> None:
    """post-0000i.md, plus .nl.md and .sv.md if flags[i]."""
    base = random.Random(f"{SEED}:post:{i}")
    date = stamp(spread_date(i, n, base), base)
    tags = base.sample(TAGS, base.randint(1, 4))
    targets = [j for j in (base.randint(1, n) for _ in range(base.randint(1, 3))) if j != i]
    code = None
    if i % 5 == 0:
        lang = CODE_LANGS[(i // 5) % 3]
        # Each post's block its own (its translations share it), as on a real site: six
        # identical snippets across the whole site would let a builder that memoises
        # highlighting look faster than it is on real content.
        comment = "//" if lang == "js" else "#"
        code = f"```{lang}\n{base.choice(CODE[lang])}{comment} example {i}\n```"
    updated = None
    if base.random() < 0.1:
        updated = stamp(spread_date(i, n, base) + timedelta(days=40), base)
    for lang in ["en", "nl", "sv"] if flags[i] else ["en"]:
        rng = random.Random(f"{SEED}:post:{i}:{lang}")
        text = Text(rng, lang)
        suffix = "" if lang == "en" else f".{lang}"
        title = text.title()
        links = []
        for j in targets:
            target_suffix = suffix if flags[j] else ""
            links.append((text.title(2, 4).lower(), f"post-{j:05d}{target_suffix}.md"))
        if rng.random() < 0.3:
            links.append(
                (text.title(1, 2).lower(), f"https://example.org/{lang}/{rng.randrange(10**6)}")
            )
        fields: dict[str, object] = {"title": title, "date": date}
        if lang != "en":
            fields["slug"] = f"{slugify(title)}-{i}"
        fields["tags"] = tags
        if updated:
            fields["updated"] = updated
        if rng.random() < 0.2:
            fields["summary"] = " ".join(text.plain(12)).capitalize() + "."
        body = post_body(rng, text, links, code, i)
        write(root / "posts" / f"post-{i:05d}{suffix}.md", front_matter(fields) + body)


def make_note(root: Path, k: int, total: int, n: int) -> None:
    rng = random.Random(f"{SEED}:note:{k}")
    text = Text(rng, "en")
    fields: dict[str, object] = {"title": text.title(2, 5)}
    fields["date"] = stamp(spread_date(k, total, rng), rng)
    if rng.random() < 0.6:
        fields["tags"] = rng.sample(TAGS, rng.randint(1, 2))
    links = [("related post", f"../posts/post-{rng.randint(1, n):05d}.md")]
    paras = [text.paragraph(rng.randint(30, 90), links if rng.random() < 0.5 else None)]
    if rng.random() < 0.4:
        paras.append(text.paragraph(rng.randint(15, 50)))
    write(root / "notes" / f"note-{k:05d}.md", front_matter(fields) + "\n\n".join(paras) + "\n")


def vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def make_talk(root: Path, k: int, total: int, n: int) -> None:
    """talk-000k.md with video, speakers and chapters, and talk-000k.vtt (~200 voiced cues)."""
    rng = random.Random(f"{SEED}:talk:{k}")
    text = Text(rng, "en")
    speakers = rng.sample(SPEAKERS, rng.randint(2, 3))
    cues, t, who = [], rng.uniform(0.5, 3.0), speakers[0]
    for c in range(rng.randint(190, 210)):
        dur = rng.uniform(2.0, 7.0)
        if rng.random() < 0.2:
            who = rng.choice(speakers)
        line = " ".join(text.plain(rng.randint(5, 14)))
        line = line[0].upper() + line[1:] + rng.choice([".", ",", "?", "..."])
        cues.append(f"{c + 1}\n{vtt_time(t)} --> {vtt_time(t + dur)}\n<v {who}>{line}</v>\n")
        t += dur + rng.uniform(0.0, 0.6)
    step = int(t // rng.randint(4, 6))
    chapters = [
        f'  - {{time: "{s // 60:02d}:{s % 60:02d}", title: "{text.title(2, 4)}"}}'
        for s in range(0, int(t) - 30, step)
    ]
    fields: dict[str, object] = {"title": text.title(3, 6)}
    fields["date"] = stamp(spread_date(k, total, rng), rng)
    fields["speakers"] = [f'"{s}"' for s in speakers]
    fields["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    vid = "".join(
        rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-")
        for _ in range(11)
    )
    fields["video"] = f"https://www.youtube.com/watch?v={vid}"
    fm = front_matter(fields).replace("\n---\n\n", "\nchapters:\n" + "\n".join(chapters))
    fm += "\n---\n\n"
    links = [("the write-up", f"../posts/post-{rng.randint(1, n):05d}.md")]
    body = text.paragraph(rng.randint(40, 80), links) + "\n\n" + text.paragraph(30) + "\n"
    name = f"talk-{k:04d}"
    write(root / "talks" / f"{name}.md", fm + body)
    write(root / "talks" / f"{name}.vtt", "WEBVTT\n\n" + "\n".join(cues))


def read_stamp(out: Path) -> dict[str, object] | None:
    try:
        return json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(n: int, out: Path, force: bool = False) -> None:
    """Write a fresh site of size n at out (replacing a previously generated one)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and read_stamp(out) is None and not force:
        raise SystemExit(f"{out} exists and was not made by this generator (use --force)")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    content = partial / "content"
    flags = translated_posts(n)
    c = counts(n)
    for i in range(1, n + 1):
        make_post(content, i, n, flags)
    for k in range(1, c["notes"] + 1):
        make_note(content, k, c["notes"], n)
    for k in range(1, c["talks"] + 1):
        make_talk(content, k, c["talks"], n)
    write(partial / "site.toml", SITE_TOML)
    meta = {"generator": generator_id(), "n": n, **c, "translated": sum(flags)}
    write(partial / STAMP, json.dumps(meta, sort_keys=True, indent=2) + "\n")
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)


def ensure_site(n: int, out: Path) -> bool:
    """Generate unless out already holds an untouched site of size n from this generator."""
    meta = read_stamp(out)
    fresh = meta and meta.get("generator") == generator_id() and meta.get("n") == n
    if fresh and not (out / DIRTY).exists():
        return False
    generate(n, out, force=True)
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of English posts")
    ap.add_argument("out", type=Path, help="site folder to write")
    ap.add_argument("--force", action="store_true", help="replace a non-generated folder")
    args = ap.parse_args(argv)
    generate(args.n, args.out, args.force)
    print(f"wrote {args.out}: {json.dumps(read_stamp(args.out), sort_keys=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
