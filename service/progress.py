"""Progress of a long command (generate, import): a bar per stage on a terminal (tqdm),
one plain line per step on stderr otherwise, so that logs and CI show where the time goes.

A stage is a named run of steps (`with progress.stage("load", total=10) as step:` then
`step("cases", n)`): the bar advances by n, the plain form prints the step's own time.
`Progress.quiet()` reports nothing (library callers and tests).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Step = Callable[..., None]


class Progress:
    """Reports stages and their steps to `stream` (stderr by default)."""

    def __init__(self, stream: TextIO | None = None, bars: bool | None = None,
                 enabled: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        if bars is None:
            isatty = getattr(self.stream, "isatty", None)
            bars = bool(isatty and isatty())
        self.bars = bars
        self.enabled = enabled
        self.timings: list[tuple[str, str, float]] = []
        """(stage, step, seconds) of every step reported, for measurements."""

    @classmethod
    def quiet(cls) -> Progress:
        return cls(enabled=False)

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Step]:
        """A stage of `total` units of work; yields step(label, n=1) to call as each
        step ends."""
        started = last = time.perf_counter()
        bar = None
        if self.enabled and self.bars:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=name, file=self.stream, leave=True,
                       bar_format="{desc:<10} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}"
                                  " [{elapsed}<{remaining}] {postfix}")

        def step(label: str, n: int = 1) -> None:
            nonlocal last
            now = time.perf_counter()
            self.timings.append((name, label, now - last))
            if bar is not None:
                bar.set_postfix_str(label, refresh=False)
                bar.update(n)
            elif self.enabled:
                print(f"{name}: {label} {now - last:.1f} s", file=self.stream, flush=True)
            last = now

        try:
            yield step
        finally:
            if bar is not None:
                bar.close()
            if self.enabled:
                if not self.bars:
                    print(f"{name}: done in {time.perf_counter() - started:.1f} s",
                          file=self.stream, flush=True)
