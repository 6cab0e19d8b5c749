"""Print the gold comparison table at the end of the run (it is also written to a file in pytest's tmp dir)."""

from __future__ import annotations

import pytest

REPORT_KEY = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    text = config.stash.get(REPORT_KEY, None)
    if text:
        terminalreporter.section("gold comparison")
        terminalreporter.write_line(text)
