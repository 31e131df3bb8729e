"""The hash of a file's bytes, worked out once for as long as the file is not written to.

A build needs the sha256 of every paper several times over (to key its checks and conversions, to
recognise an exempt paper published under another name, to tell whether a pack changed, to record
the inputs) and of the files it made itself (a kept numbered part, the published packs). On a
4,000-page meeting that was half a gigabyte read and hashed by every rebuild, most of it for files
nobody had touched.

A file's digest is remembered under its *stamp*: device, inode, size, and the modification and
status-change times to the nanosecond. Any write to a file moves its status-change time (ctime),
which no program can set back, so a file with the stamp it was hashed under still holds the bytes
that were hashed. The one exception is a write within the same tick of the file system's clock as
the previous one (git's "racy" files): a digest is therefore remembered only for a file that had
been left alone for `SETTLED_NS` before it was read, so that any later write falls in a later
tick. A file just saved is simply hashed again next time.

Digests are remembered in this process and in the cache folder (``digests/``), so that a rebuild
from the command line finds them too. A cache that cannot be written is only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from pathlib import Path
from typing import BinaryIO

from packbuilder.settings import settings

SETTLED_NS = 3 * 10**9  # a file untouched this long before it is read has a trustworthy stamp
FOLDER = "digests"  # in the cache folder

_known: dict[tuple[int, ...], str] = {}
_lock = threading.Lock()


def stamp(st: os.stat_result) -> tuple[int, ...]:
    """What identifies a file's content without reading it (see the module's docstring)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def file_digest(path: Path) -> str:
    """The sha256 (hex) of a file's bytes.

    Raises:
        OSError: the file cannot be read.
    """
    with open(path, "rb") as fh:
        return handle_digest(fh)


def handle_digest(fh: BinaryIO) -> str:
    """The sha256 (hex) of an open file's bytes from its start; the handle is left at its start.

    Raises:
        OSError: the file cannot be read.
    """
    before = stamp(os.fstat(fh.fileno()))
    known = _recall(before)
    if known is not None:
        return known
    started = time.time_ns()
    fh.seek(0)
    h = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    fh.seek(0)
    digest = h.hexdigest()
    if stamp(os.fstat(fh.fileno())) == before and _settled(before, started):
        _remember(before, digest)
    return digest


def written(path: Path, digest: str) -> None:
    """Remember the digest of a file this build has just published (`publish`), without
    waiting for it to settle: nothing else writes to a pack while the meeting's lock is held,
    and the next build, which checks the published pack is as it was, then need not read it."""
    with contextlib.suppress(OSError):
        _remember(stamp(path.stat()), digest)


def _settled(st: tuple[int, ...], now_ns: int) -> bool:
    """Whether a file of stamp `st`, read at `now_ns`, had been left alone long enough that a
    later write must change its stamp."""
    return max(st[3], st[4]) + SETTLED_NS < now_ns


def _entry(st: tuple[int, ...]) -> Path:
    name = hashlib.sha256(repr(st).encode()).hexdigest()
    return settings().cache_dir / FOLDER / name[:2] / name


def _recall(st: tuple[int, ...]) -> str | None:
    with _lock:
        known = _known.get(st)
    if known is not None:
        return known
    try:
        text = _entry(st).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        return None
    with _lock:
        _known[st] = text
    return text


def _remember(st: tuple[int, ...], digest: str) -> None:
    with _lock:
        if len(_known) > 65536:  # a long-running worker: forget rather than grow without end
            _known.clear()
        _known[st] = digest
    entry = _entry(st)
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        # written aside under a name of this process and thread alone, then renamed into place
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(digest, encoding="ascii")
        os.replace(tmp, entry)
