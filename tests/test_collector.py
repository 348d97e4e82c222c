"""gunicorn's master settles the collector before it forks a worker (gunicorn.conf.py
pre_fork): start-up's objects frozen, thresholds raised; the worker inherits both."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

from dashboard import collector

ROOT = Path(__file__).resolve().parent.parent


def test_pre_fork_freezes_start_up_and_raises_the_thresholds():
    before = gc.get_threshold()
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    kept = [[i] for i in range(3)]  # alive now (and tracked), as the built app is
    assert any(o is kept[0] for o in gc.get_objects())
    try:
        config["pre_fork"](None, None)
        assert gc.get_threshold() == collector.THRESHOLDS
        assert gc.get_threshold()[0] > before[0]
        assert gc.get_freeze_count() > 0
        assert not any(o is kept[0] for o in gc.get_objects())  # frozen: not walked again
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
