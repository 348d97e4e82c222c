"""The load test's CPU accounting counts a process that ended (a gunicorn worker recycled
by max_requests) through its parent, so a window's delta is never negative."""

import os
import subprocess
import sys

from benchmarks import loadtest


def test_a_child_that_ended_is_counted_with_its_parent():
    before = loadtest._cpu_seconds(os.getpid())
    mine = os.times()
    # A child that burns ~0.4 s of CPU and ends (reaped by subprocess.run).
    subprocess.run([sys.executable, "-c",
                    "import time\nt = time.process_time()\n"
                    "while time.process_time() - t < 0.4: pass"], check=True)
    own = (os.times().user - mine.user) + (os.times().system - mine.system)
    counted = loadtest._cpu_seconds(os.getpid()) - before
    assert counted - own >= 0.3
    assert loadtest._cpu_seconds(2 ** 22 + 12345) == 0.0  # no such process
