"""Work done aside, in a forked process, on the core a serial phase of the build leaves idle.

Between parsing and rendering, one process assembles the site and plans its outputs while the
other core has nothing to do. Work that needs nothing of that phase's results and gives back
nothing but files (writing the parse cache) is done there by a forked child; the build waits
for it before forking its render workers, so there are never more busy processes than cores
for long, nor a third copy of the heap. (Making the staging folder's folders there too was
tried: planning got 0.036 s slower and rendering no faster, 16 pairs of cold builds.)

A child is forked only where that is safe: on a platform with `fork` (not macOS, where system
libraries may not survive it) and with no other thread alive, since a thread holding a lock at
the fork (watch mode's observer, the preview server) would leave it held forever in the child.
Otherwise `start` returns None and the caller does the work itself, as it would anyway if the
child fails.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable


def start(work: Callable[[], None]) -> int | None:
    """Run `work()` in a forked child; its pid, or None if no child could be forked safely."""
    if not hasattr(os, "fork") or sys.platform == "darwin" or threading.active_count() > 1:
        return None
    pid = os.fork()
    if pid == 0:  # the child: do the work, then leave without running anything of the parent's
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def succeeded(pid: int) -> bool:
    """Wait for the child `start` forked; whether its work was done."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
