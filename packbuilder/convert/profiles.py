"""The profile pool: LibreOffice user profiles kept between builds, one process at a time each.

LibreOffice starts about 0.3 s faster with a profile it made before, so profiles live in the cache
folder (``libreoffice-profiles/0`` .. ``7``) and are reused by later builds. Two LibreOffice
processes must never share a profile (the second would hand its work to the first, or corrupt it),
so each slot has a lock file, held while a process runs on it. The lock is `filelock`'s: an OS
lock (flock on Unix), released by the kernel when the process holding it dies, so a build killed
with SIGKILL never leaves a slot taken. When every slot is busy the caller gets None and uses a
fresh profile in its scratch folder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from packbuilder.settings import settings

SLOTS = 8
PROFILES = "libreoffice-profiles"  # the kept profiles' folder, in the cache folder


@contextlib.contextmanager
def kept_profile(cache: Path | None = None, slots: int = SLOTS) -> Iterator[Path | None]:
    """A free kept profile under `cache` (default: the settings' cache folder), locked until the
    block ends; None if none is free or the cache folder cannot be used."""
    base = (cache or settings().cache_dir).resolve() / PROFILES
    held: tuple[FileLock, Path] | None = None
    with contextlib.suppress(OSError):
        base.mkdir(parents=True, exist_ok=True)
        for n in range(slots):
            # not thread-local: a prestarted LibreOffice's profile is taken in one thread and let
            # go in the thread that ran the conversion
            lock = FileLock(base / f"{n}.lock", thread_local=False, fallback_to_soft=False)
            try:
                lock.acquire(blocking=False)
            except Timeout:
                continue
            held = (lock, base / str(n))
            break
    try:
        yield held[1] if held else None
    finally:
        if held:
            held[0].release()
