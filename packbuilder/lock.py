"""The per-meeting build lock: one build of a meeting into one output folder at a time.

A manual build, a scheduled run and a web page's worker can all start a build of the same meeting.
Two such builds would race to publish, so `build()` takes an exclusive lock on a hidden file in the
output folder before reading anything, and a second build is refused at once rather than made to
wait. The lock is an OS lock (`flock`, through the `filelock` library), so the kernel releases it
however its holder dies: a crashed or killed build never blocks the next one. The lock file stays
in place: removing it would let a third build lock a new file while the second holds the old one.

An flock holds between processes of one machine. It does not hold between machines: on NFS it is
either local to each client or emulated with the server's lock manager, which some setups lack.
When workers on several machines build into one shared output folder, set
``PACKBUILDER_REDIS_URL``: the lock is then also taken in Redis, as a key that expires
(``PACKBUILDER_REDIS_LOCK_SECONDS``, default 30) unless its holder renews it every third of
that, so a worker that dies, or whose machine does, frees the meeting within that time. The key
names the output folder's full path: every machine must mount the shared folder at one path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import filelock

from packbuilder.errors import BuildLockedError, PublishError, Source
from packbuilder.settings import Settings, settings

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"


def lock_path(outdir: Path, meeting: str) -> Path:
    """The lock file of one meeting's builds into `outdir` (two meetings may share a folder)."""
    return outdir / f".packbuilder-{meeting}{LOCK_SUFFIX}"


def remove_if_only_lock(outdir: Path, meeting: str) -> None:
    """Remove an output folder a first build of `meeting` made that holds nothing but its lock
    file (the build failed before publishing): the lock, then the folder. Called after the
    lock is released."""
    lock = lock_path(outdir, meeting)
    with suppress(OSError):
        if [p.name for p in outdir.iterdir()] != [lock.name]:
            return
        # held meanwhile by a build that has just started: left alone (taken without waiting)
        held = filelock.FileLock(lock, timeout=0)
        try:
            held.acquire()
        except filelock.Timeout:
            return
        try:
            if [p.name for p in outdir.iterdir()] == [lock.name]:
                lock.unlink()
                outdir.rmdir()
        finally:
            held.release()


def building(outdir: Path, meeting: str) -> bool:
    """Whether a build of `meeting` into `outdir` holds its lock now (on this machine), read from
    the kernel's table of locks (/proc/locks) without touching the lock: a probe that took the
    lock for a moment would make a build starting at that moment fail as "already running".
    False where the table cannot be read, and for a meeting never built (no lock file)."""
    try:
        st = lock_path(outdir, meeting).stat()
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    held = f" {os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino} "
    return held in table


@contextmanager
def meeting_lock(outdir: Path, meeting: str, settings: Settings | None = None) -> Iterator[None]:
    """Hold the build lock of `meeting` in `outdir` for the `with` block (also in Redis when the
    settings name one).

    Raises:
        BuildLockedError: another build of this meeting into this folder holds the lock.
        PublishError: the output folder cannot be created or written, or Redis cannot be reached.
    """
    settings = settings or _settings()
    redis_url = settings.redis_url
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
        if redis_url:
            with shared_lock(outdir, meeting, redis_url, settings.redis_lock_seconds):
                yield
        else:
            yield
    finally:
        lock.release()


def _settings() -> Settings:
    return settings()


# shared locks this process holds: name -> [lock, renewer's stop event, depth]. Only the thread
# holding the meeting's flock gets here, so a second entry is that thread taking it again.
_held: dict[str, list] = {}  # type: ignore[type-arg]
_held_lock = threading.Lock()


def shared_key(outdir: Path, meeting: str) -> str:
    where = hashlib.sha256(str(outdir.resolve()).encode()).hexdigest()[:16]
    return f"packbuilder:build-lock:{meeting}:{where}"


@contextmanager
def shared_lock(outdir: Path, meeting: str, url: str, ttl: float) -> Iterator[None]:
    """Hold the Redis lock of `meeting` in `outdir`, renewed every third of `ttl` while held.

    Raises:
        BuildLockedError: a build on another machine holds it.
        PublishError: Redis cannot be reached.
    """
    try:
        import redis  # the scale extra: only where several machines share a folder
    except ImportError:
        raise PublishError(
            "PACKBUILDER_REDIS_URL is set but the Redis client is not installed; install "
            "packbuilder[scale] or unset it",
            Source(outdir),
        ) from None
    name = shared_key(outdir, meeting)
    with _held_lock:
        if name in _held:
            _held[name][2] += 1
            entry = _held[name]
        else:
            entry = None
    if entry is None:
        entry = _acquire(name, url, ttl, outdir)
        with _held_lock:
            _held[name] = entry
    try:
        yield
    finally:
        with _held_lock:
            entry[2] -= 1
            last = entry[2] == 0
            if last:
                del _held[name]
        if last:
            entry[1].set()
            with suppress(redis.RedisError):  # expired (we were stalled) or Redis is gone
                entry[0].release()
            entry[0].redis.close()


def _acquire(name: str, url: str, ttl: float, outdir: Path) -> list:  # type: ignore[type-arg]
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
        lock = client.lock(name, timeout=ttl, blocking=False, thread_local=False)
        taken = lock.acquire()
    except redis.RedisError as exc:
        raise PublishError(
            f"cannot reach Redis at {url} for the build lock ({type(exc).__name__}); check "
            "PACKBUILDER_REDIS_URL and that Redis is running",
            Source(outdir),
        ) from None
    if not taken:
        client.close()
        raise BuildLockedError(
            "another build of this meeting is running into this folder (on another machine); "
            "wait for it to finish and build again",
            Source(outdir),
        )
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(ttl / 3):
            try:
                lock.reacquire()
            except redis.RedisError:
                log.warning("could not renew the shared build lock %s", name)

    threading.Thread(target=renew, daemon=True, name=f"renew-{name}").start()
    return [lock, stop, 1]
