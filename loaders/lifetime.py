"""A child process of the night (a parser worker, the dbt child) dies with the night.

Linux's parent-death signal is armed by the child itself, after it starts: a night killed before that (a worker
still importing the parser, the dbt child between fork and exec) sends none, and the child would wait on, or
write on, after its parent. So the child also checks that its parent is still the process that started it, and
exits when it is not.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Called in the child: SIGKILL it when its parent dies; exit now when ``parent`` is already gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
