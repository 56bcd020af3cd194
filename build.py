#!/usr/bin/env python3
"""Build the site: `python build.py [COMMAND] [OPTIONS]` — the same as the `aloud` command."""

from ssg.cli import run

if __name__ == "__main__":
    run()
