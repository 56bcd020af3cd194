"""Progress on a terminal for long builds, a summary at the end, quiet in CI and with --quiet."""

from __future__ import annotations

import io

from ssg.builder import BuildResult
from ssg.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = Terminal()
    progress = Progress(stream=stream)
    for done in (1, 500, 1000):
        progress.step("render", done, 1000)
    text = stream.getvalue()
    assert "render: 1000/1000" in text and "/s)" in text
    result = BuildResult(planned=1000, rendered=10, written=["a"], seconds=1.5)
    progress.done(result)
    assert stream.getvalue().endswith(
        "built 1000 files: 10 rendered, 1 written, 990 unchanged skipped, 0 removed in 1.50 s\n"
    )


def test_quiet_in_ci_and_when_asked(monkeypatch):
    monkeypatch.setenv("CI", "true")
    stream = Terminal()
    Progress(stream=stream).step("render", 1000, 1000)
    assert stream.getvalue() == ""  # no progress line in CI, only the summary
    monkeypatch.delenv("CI")
    quiet = Progress(quiet=True, stream=stream)
    quiet.step("render", 1000, 1000)
    quiet.done(BuildResult(planned=1))
    assert stream.getvalue() == ""


def test_not_a_terminal_means_no_progress_line(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()
    Progress(stream=stream).step("render", 1000, 1000)
    assert stream.getvalue() == ""
