"""The hash of a file's bytes, and of packbuilder's own files, worked out once for as long as
they are not written to.

A build needs the sha256 of every paper several times over (to key its checks and conversions, to
recognise an exempt paper published under another name, to tell whether a pack changed, to record
the inputs) and of the files it made itself (a kept numbered part, the published packs). On a
4,000-page meeting that was half a gigabyte read and hashed by every rebuild.

**Papers are hashed every time** (`file_digest`, `handle_digest`): what is known about a paper
(that it is clean, what its pages are) is keyed by its hash, so the hash must be of the bytes as
they are now. No shortcut on a file's times is safe for a file someone else writes: a write
through a memory map can leave its times unchanged for half a minute, and some network and
removable file systems let its times be set at will. Hashing is cheap (about 0.5 ms a megabyte);
reading was the cost, and a paper is in the page cache. The one exception is no shortcut either:
a PDF paper found, byte for byte, to hold what a kept copy holds has that copy's digest, the
copy's name (`snapshots`); its times only say which kept copy to compare it with
(`paper_hint`). Comparing costs a third of hashing (121 MB of papers at 4,000 pages).

**Packbuilder's own files** (kept numbered parts in the cache folder, the packs it published:
`kept_digest`) are large and are never written to once made, so their digest is remembered under
their *stamp*: this boot of this machine, device, inode, size, and the modification and
status-change times to the nanosecond. Any ordinary write moves a file's status-change time, which
no program can set back. A write within the same tick of the file system's clock as the previous
one would not (git's "racy" files): a digest is therefore remembered only for a file left alone for
`SETTLED_NS` before it was read, or one packbuilder has just written itself (`written`). The
digests are kept in this process and in the cache folder (``digests/``), so that a rebuild from
the command line finds them too; a cache that cannot be written is only slower.

**Conversions kept in the cache folder** are packbuilder's own files too, written once and
linked into place: the converter marks each it hands back (`own`), and `file_digest` then
remembers their digest by stamp as `kept_digest` does (a 4,000-page rebuild read its Word
papers' PDFs four times over). An entry's or a kept part's time is moved (for `prune`, which
drops the files used longest ago) only once it is `convert.cache.TOUCHED` old, and its digest
is carried over to its new stamp (`touch`).

**Small entries in the cache folder** (what a paper's checks found, the digests above, compiled
templates and patterns, rendered papers, the stamp font's subset) are *sealed*: each begins with the
sha256 of its name and the rest (`seal`), and one whose bytes do not match (cut short, a bit
flipped, edited by hand, copied under another entry's name) is worked out again (`unsealed`).
A trial edited a remembered bookmark title in ``checks/`` and saw it in the packs. Hashing them
costs little: they are small, and read once a build. What is remembered by an entry's being
there alone is sealed too (`put_mark`): a marker renamed from another kind says nothing.

**A build's own copy of a paper** (`snapshots`) is hashed as it is copied, once (`copied`): the
copy is made read-only in the build's private scratch folder, which no one else can write to,
and every later step of the build that asks for its digest gets that one (while the copy's stamp
is unchanged). A 4,000-page rebuild hashed its papers six times over: 0.6 s. A PDF paper's copy
may instead be a link to a kept copy of the same bytes, found by the hash of the paper read now
(`snapshots._linked_to_kept`); another link to it carries its digest over (`linked`). A pack the
build writes there is hashed as it is written, likewise, for publishing to record.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import mmap
import os
import platform
import shutil
import stat
import threading
import time
from pathlib import Path
from typing import BinaryIO

from packbuilder.settings import settings

SETTLED_NS = 3 * 10**9  # a file untouched this long before it is read has a trustworthy stamp
FOLDER = "digests"  # in the cache folder

_known: dict[tuple[object, ...], str] = {}
_lock = threading.Lock()
_copies: dict[str, tuple[tuple[object, ...], str]] = {}  # a build's copy -> (its stamp, digest)
_own: set[str] = set()  # packbuilder's own files met as papers' PDFs (`own`)
MAX_COPIES = 20_000  # the oldest forgotten first, in a long-running caller


@functools.cache
def _boot() -> str:
    """This boot of this machine: device and inode numbers mean nothing on another machine
    sharing the cache folder, nor after a restart."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return f"{host()}|{time.time_ns()}"  # remembered for this process only


def stamp(st: os.stat_result) -> tuple[object, ...]:
    """What identifies the content of one of packbuilder's own files without reading it (see
    the module's docstring)."""
    return (_boot(), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def file_digest(path: Path) -> str:
    """The sha256 (hex) of a file's bytes, read now (or, for a build's copy of a paper, when it
    was copied: `copied`).

    Raises:
        OSError: the file cannot be read.
    """
    with open(path, "rb") as fh:
        return opened_digest(path, fh)


def opened_digest(path: Path, fh: BinaryIO) -> str:
    """`file_digest` of `path`, opened as `fh` (read from the handle unless it is a build's copy
    of a paper, whose digest is known while its stamp is unchanged); the handle is left at its
    start.

    Raises:
        OSError: the file cannot be read.
    """
    known = copy_digest(path, fh)
    if known is not None:
        fh.seek(0)
        return known
    if str(path) in _own:
        return _kept_handle_digest(fh)
    return handle_digest(fh)


def own(path: Path) -> None:
    """Mark `path` as one of packbuilder's own files, never written to once made (a conversion
    kept in the cache folder): `file_digest` remembers its digest by its stamp, as
    `kept_digest` does."""
    with _lock:
        if len(_own) >= MAX_COPIES:  # a long-running caller: forget them all (only slower)
            _own.clear()
        _own.add(str(path))


def copied(path: Path, digest: str) -> None:
    """Remember the digest of a file in the build's own scratch folder, hashed as it was
    written: a read-only copy of a paper, or a pack the build made."""
    with _lock:
        _copies.pop(str(path), None)
        while len(_copies) >= MAX_COPIES:
            _copies.pop(next(iter(_copies)))
        _copies[str(path)] = (stamp(path.stat()), digest)


def linked(path: Path) -> None:
    """`path`, a build's copy (or one of packbuilder's own files), has just been given another
    name (a hard link: `snapshots`): the remembered digests of its other names are carried over
    to its new stamp, since only its link count and status-change time moved. (Two papers with
    the same bytes are two links to one kept copy: each link made every later step of the build
    hash the other again.)"""
    with contextlib.suppress(OSError):
        now = stamp(path.stat())
        with _lock:
            for name, (before, digest) in list(_copies.items()):
                if before[:3] == now[:3]:  # this boot, device and inode
                    _copies[name] = (now, digest)


def copy_digest(path: Path, fh: BinaryIO) -> str | None:
    """The digest of `path`, open as `fh`, if it is a build's copy (`copied`) whose stamp is
    unchanged: bytes no one else can write, so what is learnt from them may be remembered by
    that digest. None for any other file."""
    known = _copies.get(str(path))
    if known is not None and known[0] == stamp(os.fstat(fh.fileno())):
        return known[1]
    return None


def handle_digest(fh: BinaryIO) -> str:
    """The sha256 (hex) of an open file's bytes from its start, read now; the handle is left at
    its start.

    Raises:
        OSError: the file cannot be read.
    """
    fh.seek(0)
    h = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    fh.seek(0)
    return h.hexdigest()


def copy_hashed(source: BinaryIO, target: BinaryIO) -> hashlib._Hash:
    """Copy `source`, from where it stands to its end, into `target` (a new, empty file of the
    build's own, open for reading and writing); the sha256 of the bytes `target` then holds.

    The kernel copies (``copy_file_range``) and the copy is hashed mapped into memory, 16 MB at a
    time, each in one call: Python's lock is let go for all of it. Copied and hashed block by
    block instead, a thread copying beside a busy one (papers copied while the agenda is read, a
    part copied while the pack is assembled) waited for the lock at every block, up to 5 ms
    each time, and took seconds instead of a tenth. The window bounds what the mapping adds to
    the process's resident memory. Only the copy is mapped: it is ours alone, so it cannot be
    cut short under the mapping (a paper being saved could)."""
    _copy_bytes(source.fileno(), target.fileno())
    h = hashlib.sha256()
    target.flush()
    size = os.fstat(target.fileno()).st_size
    for at in range(0, size, HASH_WINDOW):
        length = min(HASH_WINDOW, size - at)
        with mmap.mmap(target.fileno(), length, access=mmap.ACCESS_READ, offset=at) as window:
            h.update(window)
    return h


HASH_WINDOW = 16 << 20  # a multiple of every system's mapping granularity


def _copy_bytes(src: int, dst: int) -> None:
    """Every byte of `src` from its offset on, appended at `dst`'s offset."""
    with contextlib.suppress(OSError, AttributeError):  # (copy_file_range: Linux only)
        if os.copy_file_range(src, dst, 1 << 30):
            while os.copy_file_range(src, dst, 1 << 30):
                pass
            return
    # where the kernel cannot (another file system on an old kernel), or copied nothing at
    # first (some file systems say 0 for "not here" rather than fail; an empty file is read in
    # no time): what it copied stays, both offsets moved on by it; a real error (a full disk)
    # is raised here
    while block := os.read(src, 1 << 20):
        view = memoryview(block)
        while view:
            view = view[os.write(dst, view) :]


def kept_digest(path: Path) -> str:
    """The sha256 (hex) of one of packbuilder's own files (a kept part, a published pack),
    remembered while the file is not written to. Never for a paper: see the module's docstring.

    Raises:
        OSError: the file cannot be read.
    """
    with open(path, "rb") as fh:
        return _kept_handle_digest(fh)


def _kept_handle_digest(fh: BinaryIO) -> str:
    """`kept_digest` of a file open as `fh` (left at its start)."""
    before = stamp(os.fstat(fh.fileno()))
    known = _recall(before)
    if known is not None:
        fh.seek(0)
        return known
    started = time.time_ns()
    digest = handle_digest(fh)
    if stamp(os.fstat(fh.fileno())) == before and _settled(before, started):
        _remember(before, digest)
    return digest


def paper_hint(st: os.stat_result) -> str | None:
    """The digest a paper of this stamp had when a build last hashed it (`hint_paper`): a hint
    of which kept copy may hold its bytes, never trusted as its digest (see the module's
    docstring): `snapshots` compares the two byte for byte before taking it."""
    return _recall(("paper", *stamp(st)))


def hint_paper(st: os.stat_result, digest: str) -> None:
    """Note the digest of a paper's bytes, hashed as it had stamp `st` (`paper_hint`)."""
    _remember(("paper", *stamp(st)), digest)


def touch(path: Path) -> None:
    """Move the times of one of packbuilder's own files (a kept part, a kept conversion) to now,
    for `prune`, which drops the files used longest ago; a digest remembered for it is carried
    over to its new stamp, since only its times changed (a build made within seconds of the
    touch would otherwise read it again: its new stamp is not yet `_settled`). As for `written`,
    nothing but packbuilder writes these files."""
    with open(path, "rb") as fh:
        known = _recall(stamp(os.fstat(fh.fileno())))
        os.utime(fh.fileno())
        if known is not None:
            _remember(stamp(os.fstat(fh.fileno())), known)


def written(path: Path, digest: str) -> None:
    """Remember the digest of a file this build has just published (`publish`), without
    waiting for it to settle: nothing else writes to a pack while the meeting's lock is held,
    and the next build, which checks the published pack is as it was, then need not read it."""
    with contextlib.suppress(OSError):
        _remember(stamp(path.stat()), digest)


def _settled(st: tuple[object, ...], now_ns: int) -> bool:
    """Whether a file of stamp `st`, read at `now_ns`, had been left alone long enough that a
    later write must change its stamp."""
    mtime, ctime = st[4], st[5]
    assert isinstance(mtime, int) and isinstance(ctime, int)
    return max(mtime, ctime) + SETTLED_NS < now_ns


def _entry(st: tuple[object, ...]) -> Path:
    name = hashlib.sha256(repr(st).encode()).hexdigest()
    return settings().cache_dir / FOLDER / name[:2] / name


def _recall(st: tuple[object, ...]) -> str | None:
    with _lock:
        known = _known.get(st)
    if known is not None:
        return known
    data = unsealed(_entry(st))
    text = data.decode("ascii", "replace") if data is not None else ""
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        return None
    with _lock:
        _known[st] = text
    return text


def _remember(st: tuple[object, ...], digest: str) -> None:
    with _lock:
        if len(_known) > 65536:  # a long-running worker: forget rather than grow without end
            _known.clear()
        _known[st] = digest
    seal(_entry(st), digest.encode("ascii"))


SEAL = 32  # bytes of the sha256 (of its name and value) each sealed cache entry begins with


def seal(path: Path, value: bytes) -> None:
    """Keep `value` at `path` in the cache folder, behind the sha256 of its bytes and the
    entry's name (`unsealed` reads it back): an entry copied or renamed to another key, whose
    name says what it is about, is not believed either. Written aside under a name of this
    process and thread alone, then renamed into place: two writers never share a file, and a
    reader finds the whole entry or none. A cache that cannot be written is only slower."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(_seal_of(path, value) + value)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()  # (a full disk: what was written of it)


def unsealed(path: Path) -> bytes | None:
    """What `seal` kept at `path`; None if nothing is there, or if its bytes are not the ones
    sealed: cut short (a disk that filled, a restored backup), a bit flipped, edited by hand, or
    written by a packbuilder that did not seal its entries. The caller works it out again; what
    is learnt from a paper is never taken on a damaged entry's word."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # (a FIFO in its place: never waited on)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with open(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) < SEAL or _seal_of(path, data[SEAL:]) != data[:SEAL]:
        return None
    return data[SEAL:]


def bound(key: str, digest: str) -> str:
    """A hash of a cache entry's key with the digest of its bytes (32 hex digits), which an
    entry's name carries (a kept part) or a file beside it (a conversion's voucher): bytes
    copied or renamed to another key do not carry it there."""
    return hashlib.sha256(f"{key}|{digest}".encode()).hexdigest()[:32]


def regular(entry: Path) -> bool:
    """Whether a cache entry is a file (or a link to one): not a folder, a FIFO or a device in
    its place, which reading would fail on or wait for without end."""
    try:
        return stat.S_ISREG(entry.stat().st_mode)
    except (OSError, ValueError):
        return False


def discard(entry: Path) -> None:
    """Remove a cache entry that is not what it should be, whatever is in its place (a file, a
    link, a folder); a cache that cannot be written is only slower."""
    try:
        entry.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def put_mark(entry: Path) -> None:
    """Remember that something holds (a paper known to show all its text, to need no
    cleaning): an entry with no value but its seal, which binds it to its name (`seal`), so
    that no other entry renamed or copied to it, nor an empty file made there, says so."""
    seal(entry, b"")


def has_mark(entry: Path) -> bool:
    """Whether `put_mark` remembered `entry`."""
    return unsealed(entry) == b""


def _seal_of(path: Path, value: bytes) -> bytes:
    h = hashlib.sha256(path.name.encode("utf-8", "surrogateescape") + b"\0")
    h.update(value)
    return h.digest()


def host() -> str:
    """This machine's name (`socket.gethostname`'s, without importing socket: 2 ms of every
    command)."""
    return os.uname().nodename if hasattr(os, "uname") else platform.node()
