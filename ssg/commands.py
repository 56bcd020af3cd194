"""What each subcommand does, once the CLI has parsed its arguments.

Heavy modules are imported inside the functions, so that `aloud build` on an unchanged site can
answer from `fastpath` without loading Jinja2, markdown-it or Babel at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, fastpath, toolchain
from .cli import site_dir_of
from .collector import keep_until_exit

if TYPE_CHECKING:
    from .builder import BuildOptions


def options_from(args: argparse.Namespace, drafts: bool | None = None) -> BuildOptions:
    from .builder import BuildOptions

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


def print_warnings(warnings: list) -> None:
    for warning in warnings:
        print(warning, file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    site_dir = site_dir_of(args)
    output = Path(args.output).resolve() if args.output else site_dir / "public"
    fast_options = {
        "drafts": args.drafts,
        "base_url": args.base_url,
        "version": __version__,
        "libraries": toolchain.libraries(),  # Aloud's own files are among the inputs scanned
        "output": str(output),
    }
    use_cache = not args.no_cache
    scan = None
    if use_cache:
        same, scan, warnings, count = fastpath.unchanged(site_dir, output, fast_options)
        if same:
            print_warnings(warnings)
            if not args.quiet:
                print(f"built {count} files: nothing changed since the last build", file=sys.stderr)
            return 0
    else:
        fastpath.forget(site_dir, output)
    from .builder import Builder

    # The scan taken before the build is the one recorded: a file saved while the build ran
    # then differs from it, and the next build compares its bytes with those the build read.
    builder = Builder(options_from(args))
    result = builder.build()
    print_warnings(result.warnings)
    if scan is not None:
        fastpath.record(
            site_dir,
            output,
            scan,
            [str(w) for w in result.warnings],
            {path: result.stamps.get(path) for path in result.output_paths},
            result.source_digests,
        )
    if args.debug:
        from .progress import format_timings

        print(f"phases: {format_timings(result.timings)}", file=sys.stderr)
    keep_until_exit(builder, result)
    return 0


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import create

    path = create(
        site_dir_of(args),
        args.kind,
        args.title,
        lang=args.lang,
        video=args.video,
        title=args.talk_title,
    )
    print(path)
    return 0


def run_translations(args: argparse.Namespace) -> int:
    from .builder import Builder
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
