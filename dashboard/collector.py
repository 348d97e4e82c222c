"""The garbage collector of a serving process, settled once the app is built.

A page request allocates tens of thousands of short-lived objects (frames, rows,
components), so the collector runs often, and every full collection walked the objects
start-up leaves behind (modules, SQLAlchemy metadata, Dash's registry), landing on
whichever request triggered it. Frozen, start-up's objects are never walked again (and,
in gunicorn's master before it forks, never written to by a worker's collector, so their
pages stay shared); with higher thresholds the young collections run less often. Kept
for the load test's p95 (docs/performance.md)."""

from __future__ import annotations

import ctypes
import gc

THRESHOLDS = (10_000, 20, 20)


def settle() -> None:
    """Collect what start-up dropped, hand the freed memory back, freeze the rest, raise
    the thresholds."""
    gc.collect()
    _trim()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def _trim() -> None:
    """glibc keeps the heap that start-up freed (reading the outlier pool parses a CSV of
    a million rows): a forked worker's resident set counted it. malloc_trim returns it to
    the system. Elsewhere than glibc, nothing to do."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
