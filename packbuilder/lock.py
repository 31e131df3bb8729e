"""The per-meeting build lock: one build of a meeting into one output folder at a time.

A manual build, a scheduled run and a web page's worker can all start a build of the same meeting.
Two such builds would race to publish, so `build()` takes an exclusive lock on a hidden file in the
output folder before reading anything, and a second build is refused at once rather than made to
wait. The lock is an OS lock (`flock`, through the `filelock` library), so the kernel releases it
however its holder dies: a crashed or killed build never blocks the next one. The lock file stays
in place: removing it would let a third build lock a new file while the second holds the old one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from packbuilder.errors import BuildLockedError, PublishError, Source

LOCK_SUFFIX = ".lock"


def lock_path(outdir: Path, meeting: str) -> Path:
    """The lock file of one meeting's builds into `outdir` (two meetings may share a folder)."""
    return outdir / f".packbuilder-{meeting}{LOCK_SUFFIX}"


@contextmanager
def meeting_lock(outdir: Path, meeting: str) -> Iterator[None]:
    """Hold the build lock of `meeting` in `outdir` for the `with` block.

    Raises:
        BuildLockedError: another build of this meeting into this folder holds the lock.
        PublishError: the output folder cannot be created or written.
    """
    path = lock_path(outdir, meeting)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        # one lock object per file in a process, so a caller holding the lock (a scheduled run
        # checking whether a meeting changed) can call build(), which takes it again
        lock = filelock.FileLock(path, timeout=0, mode=0o644, is_singleton=True)
        lock.acquire()
    except filelock.Timeout:
        raise BuildLockedError(
            "another build of this meeting is running into this folder; wait for it to finish "
            "and build again",
            Source(outdir),
        ) from None
    except OSError as exc:
        raise PublishError(
            f"cannot create the build lock ({exc.strerror or exc}); check that the output folder "
            "can be written",
            Source(outdir),
        ) from None
    try:
        yield
    finally:
        lock.release()
