"""Progress of long commands: plain lines off a terminal, a bar on one, nothing when quiet."""

import io

from service.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_off_a_terminal():
    out = io.StringIO()
    progress = Progress(stream=out)
    with progress.stage("load", 3) as step:
        step("cases", 2)
        step("indexes")
    lines = out.getvalue().splitlines()
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "load: cases", "load: indexes", "load: done in"]
    assert [(stage, label) for stage, label, _ in progress.timings] == [
        ("load", "cases"), ("load", "indexes")]


def test_a_bar_on_a_terminal():
    out = _Terminal()
    with Progress(stream=out).stage("generate", 2) as step:
        step("cases")
        step("milestones")
    assert "generate" in out.getvalue() and "2/2" in out.getvalue()


def test_quiet_prints_nothing_but_keeps_timings():
    progress = Progress.quiet()
    with progress.stage("load", 1) as step:
        step("cases")
    assert len(progress.timings) == 1
