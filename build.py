#!/usr/bin/env python3
"""Build the site: `python build.py [COMMAND] [OPTIONS]` — the same as the `aloud` command."""

import sys

from ssg.cli import main

if __name__ == "__main__":
    sys.exit(main())
