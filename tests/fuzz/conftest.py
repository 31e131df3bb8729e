"""The fuzz tests run only from `make fuzz`, which sets FUZZ_SECONDS; `make test` skips them.

test_fuzz.py shares FUZZ_SECONDS between its targets; test_sigkill.py kills builds for KILL_SECONDS.
"""

from __future__ import annotations

import os

if not os.environ.get("FUZZ_SECONDS"):
    collect_ignore_glob = ["test_*.py"]


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """How many inputs each fuzz target tried, and the kinds of refusal seen."""
    from tests.fuzz.test_fuzz import TALLY

    if not TALLY:
        return
    terminalreporter.section("fuzz summary")
    for target, t in TALLY.items():
        terminalreporter.write_line(
            f"{target}: {t['accepted'] + t['refused']} inputs, {t['accepted']} accepted, "
            f"{t['refused']} refused with a clear error ({len(t['kinds'])} kinds)"
        )
