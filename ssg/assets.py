"""Theme assets (CSS, scripts, fonts, images) and the generated Pygments stylesheet.

A site's own `assets/` overrides Aloud's file by file, so a site can change one stylesheet
without copying the theme.
"""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .digests import DigestMemo
from .model import Output, digest


def asset_files(site_dir: Path, builtin_root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for folder in (builtin_root / "assets", site_dir / "assets"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(folder).as_posix()] = path
    return files


def asset_outputs(
    config: Config, site_dir: Path, builtin_root: Path, key: str, digests: DigestMemo
) -> list[Output]:
    outputs = [Output("assets/pygments.css", "pygments", digest("pygments", key))]
    for rel, path in sorted(asset_files(site_dir, builtin_root).items()):
        data_digest = digests.digest(path)
        outputs.append(
            Output(f"assets/{rel}", "copy", digest("asset", data_digest), copy_from=str(path))
        )
    return outputs
