"""LibreOffice's PDFs repaired in a process of their own (`python -m packbuilder.convert.repair
PDF...`), beside a build that is busy with a core itself.

The repair (`tagged.clean_converted`: every page's content parsed) is Python work: done in the
build's process, in the conversion's thread, it takes turns with the build checking its PDF
papers in the main thread (one interpreter runs one thread at a time), and each takes twice as
long. In a process of its own it runs on the other core. It is only a head start: the build
repairs whatever was not repaired here, as before, and reports any failure itself.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

TIMEOUT = 300  # seconds for the whole batch; past it, the build repairs what is left


def repair_elsewhere(pdfs: Sequence[Path]) -> None:
    """Repair `pdfs` in a child process, waiting for it; whatever it could not do is left as it
    was (the caller's own pass then does it, or says what is wrong)."""
    if not pdfs:
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            [sys.executable, "-m", __name__, *(str(p) for p in pdfs)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            check=False,
        )


def main(argv: Sequence[str]) -> int:
    from packbuilder.tagged import clean_converted

    failed = 0
    for arg in argv:
        try:
            clean_converted(Path(arg))
        except Exception:  # noqa: BLE001 - the build's own pass reports it
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
