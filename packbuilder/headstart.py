"""Work done in a process of its own beside a build that is busy with a core itself: a head
start, never a verdict (`python -m packbuilder.headstart repair|check FILE...`).

A cold build checks its PDF papers in the main thread while a thread copies and checks the Word
papers, hands them to LibreOffice and repairs LibreOffice's tagged output (`tagged
.clean_converted`). The checks and the repair are Python work, and one interpreter runs one
thread at a time: each took twice as long, and LibreOffice started a second late. In a process
of its own, that work runs on the other core.

What the child does is only ahead of the build, which then does the same work itself, finding
it done: a PDF repaired already carries the repair's mark; a Word paper whose checks passed is
remembered by its content (`meeting.check_word_paper`), as any build remembers it. Whatever the
child could not do, or did not finish, the build does, and reports, as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

TIMEOUT = 300  # seconds for the whole batch; past it, the build does what is left itself


def repair_elsewhere(pdfs: Sequence[Path]) -> None:
    """Repair LibreOffice's PDFs `pdfs` (`tagged.clean_converted`) in a child process."""
    _run("repair", pdfs)


def check_elsewhere(documents: Sequence[Path]) -> None:
    """Check the Word papers `documents` (`meeting.check_word_paper`) in a child process."""
    _run("check", documents)


def unseen_elsewhere(pdfs: Sequence[Path], stop: threading.Event | None = None) -> None:
    """Look for text the pages of `pdfs` hide (`unseen.hidden_text_problems`) in a child
    process, which remembers by their content the papers that pass; stopped early once `stop`
    is set (the build failed meanwhile)."""
    _run("unseen", pdfs, stop)


def _run(task: str, files: Sequence[Path], stop: threading.Event | None = None) -> None:
    if not files or not sys.executable:  # (an embedded interpreter: no Python to start)
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        process = subprocess.Popen(
            # -P: this packbuilder, never one that happens to be in the current folder
            [sys.executable, "-P", "-m", __name__, task, *(str(p) for p in files)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: killed with the programs it runs
        )
        ended = threading.Event()

        def watch() -> None:  # (waited for as it ends; stopped when its time is up)
            deadline = time.monotonic() + TIMEOUT
            while not ended.wait(0.1):
                if (stop is not None and stop.is_set()) or time.monotonic() > deadline:
                    with contextlib.suppress(OSError):
                        os.killpg(process.pid, signal.SIGKILL)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            process.wait()
        finally:
            ended.set()


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("repair", "check", "unseen"):
        return 2
    if argv[0] == "repair":
        from packbuilder.tagged import clean_converted as work
    elif argv[0] == "unseen":
        from packbuilder.unseen import remember_shown as work  # type: ignore[assignment]
    else:
        from packbuilder.meeting import check_word_paper as work  # type: ignore[assignment]
    failed = 0
    for arg in argv[1:]:
        try:
            work(Path(arg))
        except Exception:  # noqa: BLE001 - the build does it again, and reports it
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
