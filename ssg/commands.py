"""What each subcommand does, once the CLI has parsed its arguments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .builder import Builder, BuildOptions, BuildResult
from .cli import site_dir_of
from .errors import SiteWarning


def options_from(args: argparse.Namespace, drafts: bool | None = None) -> BuildOptions:
    site_dir = site_dir_of(args)
    output = Path(args.output).resolve() if args.output else site_dir / "public"
    return BuildOptions(
        site_dir=site_dir,
        output_dir=output,
        drafts=args.drafts if drafts is None else drafts,
        base_url=args.base_url,
        jobs=args.jobs,
        quiet=args.quiet,
        use_cache=not args.no_cache,
    )


def print_warnings(warnings: list[SiteWarning]) -> None:
    for warning in warnings:
        print(warning, file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    result: BuildResult = Builder(options_from(args)).build()
    print_warnings(result.warnings)
    return 0


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import create

    path = create(site_dir_of(args), args.kind, args.title, lang=args.lang, video=args.video, title=args.talk_title)
    print(path)
    return 0


def run_translations(args: argparse.Namespace) -> int:
    from .translations import report

    result = Builder(options_from(args)).build()
    assert result.site is not None
    print(report(result.site), end="")
    return 0


def run_watch(args: argparse.Namespace) -> int:
    from .watch import watch

    return watch(options_from(args), serve_args=None)


def run_serve(args: argparse.Namespace) -> int:
    from .watch import watch

    return watch(options_from(args), serve_args=args)


def run_check(args: argparse.Namespace) -> int:
    from .checking import run_check as check

    return check(args, options_from(args))


def run_publish(args: argparse.Namespace) -> int:
    from .checking import run_publish as publish

    return publish(args, options_from(args))
