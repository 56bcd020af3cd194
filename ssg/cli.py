"""`aloud` / `python build.py`: subcommands, options, and errors as `file:line: message`.

Every user-facing failure is a SiteError; here it becomes one line on stderr and exit code 1.
A traceback is shown only with --debug.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from . import __version__, dataclass_cache, pygments_plugins, regex_cache
from .collector import exit_without_teardown, join_pending
from .errors import BuildFailed, SiteError

COMMANDS = ("build", "serve", "watch", "new", "check", "publish", "translations")


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--source",
        metavar="DIR",
        help="site folder with site.toml and content/ (default: current folder)",
    )
    parser.add_argument(
        "-o", "--output", metavar="DIR", help="output folder (default: SITE/public)"
    )
    parser.add_argument("--drafts", action="store_true", help="include pages with draft: true")
    parser.add_argument(
        "--base-url", metavar="URL", help="override base_url (e.g. for preview deploys)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="processes that parse and render, this one included (default: one per core)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="ignore and do not write the .aloud/ build cache"
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aloud",
        description="Aloud builds a multilingual static blog (posts, notes, pages, talk "
        "transcripts) from content/ into public/.",
    )
    parser.add_argument("--version", action="version", version=f"aloud {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", help="build the site into public/ (the default command)")
    _site_options(build)

    watch = sub.add_parser(
        "watch", help="build, then rebuild incrementally whenever a source changes"
    )
    _site_options(watch)

    serve = sub.add_parser(
        "serve", help="build, serve on http://127.0.0.1:8000/ with live reload, and watch"
    )
    _site_options(serve)
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks one)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, this machine only)",
    )

    new = sub.add_parser(
        "new", help="create a post, note, page or talk with its front matter filled in"
    )
    new.add_argument("kind", choices=("post", "note", "page", "talk"), help="what to create")
    new.add_argument("title", help="the title, or for a talk the caption file (.vtt/.srt)")
    new.add_argument("--lang", help="language code (default: the site's default language)")
    new.add_argument("--video", help="talks: the video URL or media file")
    new.add_argument(
        "--title", dest="talk_title", help="talks: the title (default: from the file name)"
    )
    new.add_argument("-s", "--source", metavar="DIR", help="site folder (default: current folder)")
    new.add_argument("--debug", action="store_true", help="show tracebacks for errors")

    check = sub.add_parser(
        "check", help="build and report broken links, anchors, assets, feeds and HTML"
    )
    _site_options(check)
    check.add_argument(
        "--external", action="store_true", help="also check links to other sites (slow)"
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    publish = sub.add_parser("publish", help="build, check, and deploy to the targets in site.toml")
    _site_options(publish)
    publish.add_argument("targets", nargs="*", help="target names (default: all)")
    publish.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )

    translations = sub.add_parser(
        "translations", help="list missing and outdated translations per language"
    )
    _site_options(translations)
    return parser


# Commands that build again and again: what each build is done with is freed as usual.
LONG_LIVED = ("serve", "watch")


def run() -> NoReturn:
    """The `aloud` command and build.py: `main`, then exit without tearing the heap down.

    Freeing a large build's objects one by one at interpreter exit took 0.1 s at 1,000 posts and
    grows with the site; every file is closed by then, so the process ends as soon as its output
    is flushed (mypy does the same). Only a one-shot command keeps what it is done with until
    then: `serve` and `watch` would keep every rebuild's outputs for as long as they run. Every
    command joins the threads that reap its workers (`join_before_exit`). Regular expressions
    and the methods of data classes are compiled through the installation's tables
    (`regex_cache`, `dataclass_cache`), and what they lacked is added at the end; Pygments
    looks for plugins without importing `importlib.metadata` first (`pygments_plugins`)."""
    args_list = _with_command(sys.argv[1:])
    if args_list[0] not in LONG_LIVED:
        exit_without_teardown()
    regex_cache.install()
    dataclass_cache.install()
    pygments_plugins.lazy_plugin_lookup()
    code = main(args_list)
    join_pending()
    regex_cache.save()
    dataclass_cache.save()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)


def _with_command(argv: list[str]) -> list[str]:
    """The arguments with their command first: `build` unless another one is named."""
    args_list = list(argv)
    if not args_list or (
        args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "build")
    return args_list


def main(argv: list[str] | None = None) -> int:
    args_list = _with_command(sys.argv[1:] if argv is None else argv)
    args = make_parser().parse_args(args_list)
    try:
        return _dispatch(args)
    except BuildFailed as failed:
        for error in failed.errors:
            print(f"error: {error}", file=sys.stderr)
        count = len(failed.errors)
        print(
            f"build failed: {count} error{'s' if count != 1 else ''}; public/ was left unchanged",
            file=sys.stderr,
        )
        if getattr(args, "debug", False):
            traceback.print_exc()
        return 1
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        if getattr(args, "debug", False):
            traceback.print_exc()
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug in Aloud: say so in one line unless debugging
        if getattr(args, "debug", False):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    from . import commands

    return getattr(commands, f"run_{args.command}")(args)


def site_dir_of(args: argparse.Namespace) -> Path:
    """The site folder: -s, else the current folder, else (in a clone) the bundled sample site."""
    path = getattr(args, "source", None)
    root = Path(path) if path else Path.cwd()
    builtin = Path(__file__).resolve().parent.parent
    if path is None and not (root / "site.toml").exists() and (builtin / "site.toml").exists():
        root = builtin
    return root.resolve()


if __name__ == "__main__":  # pragma: no cover
    run()
