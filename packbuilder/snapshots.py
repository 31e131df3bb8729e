"""A build reads each paper's bytes once.

Loading a meeting checks every paper: it is inside the meeting folder, it is not a copy of an
exempt paper, a PDF's pages can be read and carry no script (or it is cleaned), a Word paper links
nothing outside the folder. Those checks are only worth something if the pack is made from the
bytes they read. A paper is a file in a folder other people write to, and a build takes seconds
to minutes: a paper saved, swapped for a link to a file outside the folder, or overwritten with an
exempt paper's bytes after it was checked would otherwise reach the pack unchecked, and what a
build remembers about it (clean, its checks passed) would be remembered of other bytes.

So when a build loads its meeting, each paper is copied, once, into the build's own scratch
folder (`Snapshots.take`; begun in the background as soon as the agenda is open: `ahead`), and
every later step reads that copy: the checks, the exempt-paper identities, the conversion, the
pages copied into the pack, its headings and the pack's version.
The file is opened once and the copy is made from that open file, so the check that it lies
inside the meeting folder is made on the very file copied (where it really is, on Linux, is read
back from the open file itself), whatever its name points to a moment later. A paper is kept by
its name inside the copy's own folder, so that messages show the name the advisor knows; errors
found in a copy are told against the paper (`as_paper`).

`packbuilder check` publishes nothing and reads the papers where they are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import stat
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from packbuilder.convert.cache import TOUCHED, prune
from packbuilder.digests import (
    copied,
    copy_hashed,
    discard,
    hint_paper,
    linked,
    paper_hint,
    regular,
    stamp,
)
from packbuilder.errors import ErrorList, InputError, PackError, Source
from packbuilder.settings import settings


class Snapshots:
    """The copies of a meeting's papers a build reads, in `into` (a folder of the build's own)."""

    def __init__(self, folder: Path, into: Path) -> None:
        self.folder = Path(folder)
        self.into = Path(into)
        self._taken: dict[Path, Path] = {}  # paper as named -> its copy
        self._ahead: dict[Path, tuple[Path, Future[str | None]]] = {}  # (`ahead`)
        self._pool: ThreadPoolExecutor | None = None
        self._made = 0  # copies named so far: each has a folder of its own

    def ahead(self, papers: list[Path]) -> None:
        """Start copying `papers` (those the agenda seems to name) in the background, while the
        agenda is read: reading, hashing and writing them is done by the kernel and hashlib
        without holding Python's lock (121 MB, 0.2 s, for a 4,000-page meeting). `take` waits for
        a paper's copy, and tells what went wrong against the cell that names it. Call `close`
        when done (and not `ahead` after it). A paper that cannot be handed to a thread (the
        system allows no more) is left for `take` to copy."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(AHEAD_THREADS, thread_name_prefix="snapshot")
        for path in papers:
            if path not in self._ahead and path not in self._taken:
                copy = self._next(path)
                try:
                    job = self._pool.submit(_copy, path, copy, self.folder)
                except RuntimeError:  # no thread could be started: copied when taken
                    return
                self._ahead[path] = (copy, job)

    def close(self) -> None:
        """Wait for the copies begun ahead (those not begun are dropped); then keep the folder
        of kept papers within its bound (`PAPERS`)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._taken or self._ahead:
            _prune_kept()

    def take(self, path: Path, source: Source) -> Path:
        """The copy of the paper at `path`: made now, or when it was first taken, or begun
        `ahead` (waited for here).

        Raises:
            InputError: the paper is not a file inside the meeting folder, or cannot be read;
                naming `source` (the agenda's cell).
        """
        known = self._taken.get(path)
        if known is not None:
            return known
        ahead = self._ahead.pop(path, None)
        if ahead is not None and not ahead[1].cancelled():
            copy, problem = ahead[0], ahead[1].result()
        else:
            copy = self._next(path)
            problem = _copy(path, copy, self.folder)
        if problem is not None:
            raise InputError(problem, source)
        self._taken[path] = copy
        return copy

    def _next(self, path: Path) -> Path:
        self._made += 1
        return self.into / f"{self._made - 1:04d}" / path.name


# a hard link is the same file under another name, which may be outside the meeting folder (another
# meeting's exempt paper): as a symbolic link leading out of the folder, it is refused (as
# `meeting._paper_path` refuses it, before the copy: this is for a link made in between)
HARD_LINK = (
    "paper {name!r} is a hard link (the same file also has another name, perhaps outside the "
    "meeting folder); put a copy of the file in the folder instead"
)

AHEAD_THREADS = 2  # one per core of the machines we measure on; copying is mostly waiting


def _copy(path: Path, copy: Path, folder: Path) -> str | None:
    """Copy the paper at `path` to `copy` (read-only, hashed as it is written), from one open
    file checked to lie inside `folder`; what is wrong with it if it cannot be."""
    try:
        # not blocked by a named pipe put in a paper's place; no effect on a regular file
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return (
            f"cannot read paper {path.name!r} ({exc.strerror}); check that it is a file in the "
            "meeting folder and that it can be opened"
        )
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder opens too
        os.close(fd)
        return f"paper {path.name!r} is not a file; give the name of a file in the folder"
    with open(fd, "rb", closefd=True) as fh:
        if not inside(real_path(fd, path), folder):
            return (
                f"paper {path.name!r} points outside the meeting folder; put the file in the "
                "folder itself"
            )
        if os.fstat(fd).st_nlink > 1:
            return HARD_LINK.format(name=path.name)
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            keep = copy.suffix.lower() == ".pdf"
            digest = _linked_to_kept(fh, copy) if keep else None
            if digest is None:
                before = os.fstat(fd)
                with open(copy, "x+b") as out:
                    digest = copy_hashed(fh, out).hexdigest()
                copy.chmod(0o400)  # nothing of the build writes to it either
                if keep:
                    _keep(copy, digest)
                    _hint(fh, before, digest)
            copied(copy, digest)  # hashed once, here (`digests`); after its links (its stamp)
        except OSError as exc:
            return (
                f"cannot read paper {path.name!r} ({exc.strerror}); check that it can be "
                "opened, and that the disk is not full"
            )
    return None


PAPERS = "papers"  # in the cache folder: PDF papers as copied, by the sha256 of their bytes
PAPERS_MAX_BYTES = 1 << 30  # kept papers, at most, unless PACKBUILDER_CACHE_MAX_MB says
_READ_BLOCK = 16 << 20


def _kept_folder() -> Path:
    return settings().cache_dir / PAPERS


def _linked_to_kept(fh: BinaryIO, copy: Path) -> str | None:
    """Make `copy` a link to the kept copy of the bytes of the paper open as `fh` (`_keep`), if
    there is one; their sha256. None, with `fh` at its start, where there is none (or the
    cache is on another file system): the paper is then copied.

    A rebuild copied every paper again (120 MB at 4,000 pages): now it reads each one, as it
    must to know its bytes (`digests`: a paper is hashed, or compared byte for byte with the
    kept copy it was last hashed into: `_same_as_kept`), and a paper whose bytes a kept copy
    holds becomes that copy, which no one writes: an entry is named by the hash of its
    bytes, written once and never opened for writing again. Its bytes are known to be those
    of its name: compared with the paper, or else hashed once linked (`_holds`), so that a kept
    copy damaged or edited since is never a paper's copy (a trial edited one); anything but a
    file in its place (a link, a folder) is removed."""
    folder = _kept_folder()
    if not folder.is_dir():  # nothing kept: copied, with no reading ahead
        return None
    digest = _same_as_kept(fh, folder)
    compared = digest is not None
    if digest is None:
        before = os.fstat(fh.fileno())
        digest = _read_digest(fh)
        _hint(fh, before, digest)
    entry = folder / digest[:2] / f"{digest}.pdf"
    try:
        if not stat.S_ISREG(os.lstat(entry).st_mode):  # (a link, a folder: not one we kept)
            discard(entry)
            return None
        os.link(entry, copy)
    except OSError:
        return None
    if not compared and not _holds(copy, digest):  # (kept, then damaged or edited)
        with contextlib.suppress(OSError):
            copy.unlink()
        discard(entry)
        return None
    linked(copy)
    with contextlib.suppress(OSError):  # used now: the last one `prune` drops
        if time.time() - entry.stat().st_mtime > TOUCHED:
            os.utime(entry)
    return digest


def _holds(copy: Path, digest: str) -> bool:
    """Whether a kept copy, just linked as `copy`, holds the bytes its name says: a kept copy is
    compared with the paper (`_same_as_kept`) or, where the paper was hashed instead, hashed
    itself, so that a damaged or edited one is never a paper's copy."""
    try:
        with open(copy, "rb") as fh:
            return _read_digest(fh) == digest
    except OSError:
        return False


def _hint(fh: BinaryIO, before: os.stat_result, digest: str) -> None:
    """Note `digest`, read from the paper open as `fh` (whose stamp was `before`), for the next
    build to compare the paper with the kept copy of those bytes (`_same_as_kept`); not if the
    paper was written meanwhile."""
    if stamp(os.fstat(fh.fileno())) == stamp(before):
        hint_paper(before, digest)


def _same_as_kept(fh: BinaryIO, folder: Path) -> str | None:
    """The digest of the paper open as `fh` if it holds, byte for byte, the bytes of the kept
    copy its last digest names (`digests.paper_hint`, by its stamp: a hint, then, which a paper
    written since without moving its times makes wrong; never trusted), compared now; None
    otherwise. The handle is left at its start.

    Comparing reads both files in blocks of a megabyte and hashes nothing: a third of what
    hashing the paper cost (both are in the page cache; in larger blocks, no longer in the
    processor's, comparing was slower than hashing)."""
    st = os.fstat(fh.fileno())
    hint = paper_hint(st)
    if hint is None:
        return None
    entry = folder / hint[:2] / f"{hint}.pdf"
    if not regular(entry):  # (a FIFO in its place would be waited on without end)
        return None
    try:
        with open(entry, "rb", buffering=0) as kept:
            if os.fstat(kept.fileno()).st_size != st.st_size:
                return None
            fh.seek(0)
            ours, theirs = _pair()
            while n := fh.readinto(ours):  # type: ignore[attr-defined]
                if kept.readinto(theirs) != n or (
                    ours != theirs if n == len(ours) else ours[:n] != theirs[:n]
                ):
                    return None
            if kept.read(1):  # (the paper ended first)
                return None
    except OSError:
        return None
    finally:
        fh.seek(0)
    return hint


def _pair() -> tuple[bytearray, bytearray]:
    """Two buffers of `_COMPARE_BLOCK` bytes for this thread, reused (`_buffer`)."""
    pair: tuple[bytearray, bytearray] | None = getattr(_buffers, "pair", None)
    if pair is None:
        pair = _buffers.pair = (bytearray(_COMPARE_BLOCK), bytearray(_COMPARE_BLOCK))
    return pair


_COMPARE_BLOCK = 1 << 20


def _read_digest(fh: BinaryIO) -> str:
    """The sha256 of an open file's bytes, read in large blocks (Python's lock is let go while
    each is read and hashed); the handle is left at its start. Read, not mapped: a paper cut
    short by someone else meanwhile must not stop the build (a mapping would)."""
    fh.seek(0)
    h = hashlib.sha256()
    view = _buffer(min(_READ_BLOCK, max(1, os.fstat(fh.fileno()).st_size)))
    while n := fh.readinto(view):  # type: ignore[attr-defined]
        h.update(view[:n])
    fh.seek(0)
    return h.hexdigest()


_buffers = threading.local()


def _buffer(size: int) -> memoryview:
    """A buffer of `size` bytes for this thread, reused (a new one is zeroed and mapped in: a
    third of the time a paper takes to hash)."""
    block: bytearray | None = getattr(_buffers, "block", None)
    if block is None or len(block) < size:
        block = _buffers.block = bytearray(max(size, 1 << 20))
    return memoryview(block)[:size]


def _keep(copy: Path, digest: str) -> None:
    """Keep a build's copy of a PDF paper, hashed as it was made, for the next build
    (`_linked_to_kept`): linked, not copied; nothing kept where the cache is on another file
    system, or cannot be written."""
    entry = _kept_folder() / digest[:2] / f"{digest}.pdf"
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        os.link(copy, entry)  # (there already: another build's, with the same bytes)
        linked(copy)


def _prune_kept() -> None:
    """Keep the kept papers within their bound (the ones used longest ago go first)."""
    folder = _kept_folder()
    if folder.is_dir():
        bound = settings().cache_max_mb
        with contextlib.suppress(OSError):
            prune(folder, bound * 2**20 if bound else PAPERS_MAX_BYTES)


def real_path(fd: int, named: Path) -> Path:
    """Where the file open as `fd` really is. On Linux the kernel says so for the open file
    itself; elsewhere its name is resolved again (a link swapped in between goes unseen there)."""
    with contextlib.suppress(OSError):
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    return named.resolve()


def inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def as_paper(error: PackError, copy: Path, paper: Path) -> PackError:
    """`error`, found in the `copy` of a paper, told against the paper itself (every error of an
    `ErrorList` too)."""
    for e in error.errors if isinstance(error, ErrorList) else [error]:
        if e.source is not None and e.source.file == copy:
            e.source = dataclasses.replace(e.source, file=paper)
    return error
