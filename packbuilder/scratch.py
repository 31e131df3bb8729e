"""Scratch folders: where a build works before anything is published.

Each folder's name carries the process id of the build that made it. A build killed with SIGKILL
cleans up nothing, so the next build removes the folders of processes that are gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from packbuilder.errors import ConversionError

# Below this much free space, a scratch file that failed to be written (by LibreOffice, poppler,
# a template) is blamed on the disk.
MIN_FREE_BYTES = 64 * 1024 * 1024

# exactly what tempfile makes from `scratch_prefix`: a user's "packbuilder-2020-03-05" is not ours
_SCRATCH = re.compile(
    r"^packbuilder-(?:(?:lo|lo-home|check|pre|warm|warm-lo)-)?(\d+)-[a-z0-9_]{8}$"
)


def scratch_prefix(what: str = "") -> str:
    """The prefix of a scratch folder: it names this process, so that a later build can tell the
    folders of a build that was killed (SIGKILL skips every clean-up) and remove them."""
    return f"packbuilder-{what + '-' if what else ''}{os.getpid()}-"


def clear_stale_scratch() -> None:
    """Remove scratch folders whose process is gone."""
    root = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in root.iterdir():
            m = _SCRATCH.match(entry.name)
            if not m or not entry.is_dir() or process_alive(int(m.group(1))):
                continue
            shutil.rmtree(entry, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether process `pid` still exists (someone else's process counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: leave its folders alone
    return True


def free_bytes(folder: Path) -> int:
    """Free space on the disk holding `folder` (a very large number if it cannot be told)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62


def disk_full_error(folder: Path) -> ConversionError:
    """The error for a full scratch disk: it names the disk's folder, not a paper."""
    return ConversionError(
        "the disk holding the scratch folder is full; free some space there (or set TMPDIR to a "
        "folder on a larger disk) and build again",
        Path(folder),
    )
