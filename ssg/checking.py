"""`aloud check` and `aloud publish`: build, inspect the output, and deploy only a sound site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .builder import Builder, BuildOptions, BuildResult
from .check import Finding, check_output, format_json, format_text
from .errors import SiteError
from .model import Site


def source_map(site: Site) -> dict[str, Path]:
    """Output URL → the source file that made it, so findings point at what to fix."""
    mapping: dict[str, Path] = {}
    for page in site.pages:
        mapping[page.url] = site.config.site_dir / page.source_rel
    return mapping


def translation_findings(site: Site) -> list[Finding]:
    """A summary per language of pages that have no translation in it (warnings)."""
    findings = []
    names = {lang.code: lang.name for lang in site.config.languages}
    for code in site.config.language_codes:
        missing = sorted(
            members[0].source_rel
            for members in site.groups.values()
            if not any(p.lang == code for p in members)
        )
        if missing:
            sample = ", ".join(missing[:3]) + (
                f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            )
            findings.append(
                Finding(
                    "warning",
                    "missing-translation",
                    f"{len(missing)} pages have no {names[code]} version: {sample}",
                    site.config.base_path,
                    None,
                    None,
                )
            )
    return findings


def inspect(options: BuildOptions, external: bool = False) -> tuple[BuildResult, list[Finding]]:
    result = Builder(options).build()
    assert result.site is not None
    site = result.site
    findings = check_output(
        options.output_dir,
        site.config.base_url,
        source_map(site),
        site_dir=site.config.site_dir,
        external=external,
    )
    findings.extend(translation_findings(site))
    findings.extend(warning_findings(result.warnings, site.config.base_path))
    return result, findings


def warning_findings(warnings: list, base_path: str) -> list[Finding]:
    """Build warnings (untranslated UI strings, undated posts, caption problems) as findings."""
    return [
        Finding(
            "warning",
            "build-warning",
            w.message,
            base_path,
            str(w.path) if w.path else None,
            w.line,
        )
        for w in warnings
    ]


def run_check(args: argparse.Namespace, options: BuildOptions) -> int:
    _result, findings = inspect(options, external=args.external)
    print(format_json(findings) if args.format == "json" else format_text(findings), end="")
    return 1 if any(f.severity == "error" for f in findings) else 0


def run_publish(args: argparse.Namespace, options: BuildOptions) -> int:
    from .config import load_config
    from .publish import parse_targets, publish

    if options.drafts:
        raise SiteError("--drafts", None, "refusing to publish drafts")
    config = load_config(options.site_dir)
    targets = parse_targets(config.publish, options.site_dir)
    if not targets:
        raise SiteError("site.toml", None, "no [publish.<name>] targets configured")
    chosen = args.targets or sorted(targets)
    unknown = [name for name in chosen if name not in targets]
    if unknown:
        raise SiteError("site.toml", None, f"no publish target named {', '.join(unknown)}")
    _result, findings = inspect(options)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        print(format_text(errors), end="", file=sys.stderr)
        print(f"not publishing: aloud check found {len(errors)} errors", file=sys.stderr)
        return 1
    for name in chosen:
        publish(
            targets[name], options.output_dir, dry_run=args.dry_run, source_dir=options.site_dir
        )
    return 0
