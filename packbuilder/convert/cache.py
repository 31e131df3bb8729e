"""The conversion cache: a document converted once is never converted again.

The cache is content-keyed: the key is the document's content, the converter's version and the
document's type, so a paper converted once is found again whatever its name or folder, and a new
LibreOffice starts a new cache. A .docx is hashed by what its zip entries say, not by the zip's
bytes, so a data paper rendered again (same text, new timestamps) is still a hit. Entries are
written aside and then linked into place, so a build stopped half way never leaves half a PDF; a
cache that cannot be written (a full disk, a read-only folder) is skipped, never a failed build.

Several workers may share one cache folder, on one machine or on a network file system. An entry
is written aside under a name of its writer's own (host, process, thread) and hard-linked to its
key: the link fails if the key is there already, so the first writer wins and an entry, once
there, is never replaced under a worker reading it (on NFS a file replaced while another machine
has it open can read as a stale handle). A folder that cannot hard-link falls back to a rename.
Two workers missing the same key at once both convert it, and one conversion is kept: wasted work,
never a wrong or half-written entry. Each entry's writer vouches for its bytes, by a hash of the
key and their digest, before linking it (`store`); an entry whose bytes are not those vouched for
(damaged in the middle, edited by hand, copied from another key) is converted again (`vouched`).
`prune` keeps the folder under a size bound
(``PACKBUILDER_CACHE_MAX_MB``), dropping the entries used longest ago: a hit refreshes an entry's
time (once it is `TOUCHED` old: `digests.touch`),
and an entry used within the last `RECENT` seconds is kept whatever the bound, so that a build
never loses an entry it has just been handed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from packbuilder.convert.final import mentions_own_name, names_itself, own_name
from packbuilder.convert.protocol import (
    ConversionStats,
    Converter,
    abort_conversions,
    check_sources,
    listener,
    on_ready,
    share_machine,
    source_of,
)
from packbuilder.digests import (
    bound,
    copy_digest,
    copy_hashed,
    discard,
    file_digest,
    handle_digest,
    host,
    kept_digest,
    own,
    regular,
    seal,
    touch,
    unsealed,
    written,
)
from packbuilder.errors import ConversionError, Source
from packbuilder.settings import settings
from packbuilder.unprintable import fonts_signature

RECENT = 3600  # seconds: an entry used this recently is never pruned
TOUCHED = 600  # seconds: an entry used again within this of its last use keeps its time
STALE_ASIDE = 3600  # seconds: an aside file this old was left by a killed writer


def content_digest(document: Path) -> bytes:
    """What a document says, not how it was zipped.

    A .docx is a zip whose entries carry the time they were written, so the same paper rendered
    twice has different bytes; hashing the entries' names and contents lets a re-rendered but
    unchanged paper hit the cache. Anything that is not a readable zip is hashed byte for byte.

    Unpacking every entry cost a rebuild 1-5 ms a Word paper, twice (0.3 s at 4,000 pages, in
    the thread the build then waits for), so the digest of a build's own copy of a paper
    (`digests.copy_digest`: bytes no one else can change between the hash and the unpacking) is
    remembered by the sha256 of its bytes, in this process and in the settings' cache folder
    beside what is learnt of papers (`checks`). Any other file is unpacked every time.

    A document that may print its own file's name (`final.names_itself`: a FILENAME field) has
    a digest that says so (``zin:``, ``rin:``), by which its key takes in the paper's name.

    Raises:
        OSError: the document cannot be read.
    """
    with open(document, "rb") as fh:
        raw = copy_digest(document, fh)
        known = _recall_zip(raw) if raw is not None else None
        if known is not None:
            return known
        h = hashlib.sha256()
        named = False
        try:
            with zipfile.ZipFile(fh) as z:
                for info in sorted(z.infolist(), key=lambda i: i.filename):
                    data = z.read(info)
                    h.update(info.filename.encode() + b"\0")
                    h.update(hashlib.sha256(data).digest())
                    named = named or bool(
                        info.filename.endswith(".xml") and mentions_own_name(data)
                    )
        except _NOT_A_ZIP:
            kind = b"rin:" if names_itself(document) else b"raw:"
            return kind + bytes.fromhex(raw or handle_digest(fh))
    digest = (b"zin:" if named else b"zip:") + h.digest()
    if raw is not None:
        _remember_zip(raw, digest)
    return digest


_NOT_A_ZIP = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError)
_ZIPS: dict[str, bytes] = {}  # a zip's `content_digest` by the sha256 of its bytes
_ZIPS_MAX = 4096  # a long-running caller forgets rather than grows
ZIP_ENTRY = "zipdigest2"  # (the number changes with how the digest is worked out)


def _zip_entry(raw: str) -> Path:
    return settings().cache_dir / "checks" / raw[:2] / f"{raw}.{ZIP_ENTRY}"


def _recall_zip(raw: str) -> bytes | None:
    known = _ZIPS.get(raw)
    if known is not None:
        return known
    data = unsealed(_zip_entry(raw))
    text = data.decode("ascii", "replace") if data is not None else ""
    named = text.endswith("n")
    text = text.removesuffix("n")
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        return None  # not what `_remember_zip` writes: worked out again
    return (b"zin:" if named else b"zip:") + bytes.fromhex(text)


def _remember_zip(raw: str, digest: bytes) -> None:
    if len(_ZIPS) >= _ZIPS_MAX:
        _ZIPS.clear()
    _ZIPS[raw] = digest
    seal(_zip_entry(raw), (digest[4:].hex() + ("n" if digest.startswith(b"zin:") else "")).encode())


class CachingConverter(Converter):
    """Wraps a converter: a document whose content, converter version and options were converted
    before is never converted again.

    Args:
        inner: the converter that converts what the cache does not hold.
        directory: the cache folder (default: the settings' ``cache_dir``).
    """

    def __init__(
        self, inner: Converter, directory: Path | None = None, max_bytes: int | None = None
    ) -> None:
        self.inner = inner
        self.directory = directory or settings().cache_dir
        self.max_bytes = max_bytes  # pruned to this on close; None: no bound
        self.hits = 0  # documents served from the cache
        self.misses = 0  # documents handed to `inner`
        self._lock = threading.Lock()

    def version(self) -> str:
        return self.inner.version()

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=self.misses, cached=self.hits)

    def close(self) -> None:
        """Close the inner converter; then keep the cache under its size bound, if it has one."""
        self.inner.close()
        if self.max_bytes:
            with contextlib.suppress(OSError):
                prune(self.directory, self.max_bytes)

    def share_machine(self, busy: bool) -> None:
        share_machine(self.inner, busy)

    def abort(self) -> bool:
        return abort_conversions(self.inner)

    def key(self, document: Path, source: Source | None = None) -> str:
        """The cache key of `document`; an unreadable document is an error naming `source`."""
        h = hashlib.sha256()
        h.update(self.inner.version().encode() + b"\0")
        h.update(fonts_signature())  # (a font installed since: what printed as boxes shows)
        h.update(document.suffix.lower().encode() + b"\0")
        try:
            digest = content_digest(document)
        except OSError as exc:
            raise ConversionError(
                f"cannot read this document ({exc.strerror}); check that it opens, and build again",
                source or Source(document),
            ) from None
        h.update(digest)
        if digest.startswith((b"zin:", b"rin:")):  # it prints its paper's name: a rename shows
            h.update(b"\0name:" + (own_name(document, source) or "").encode())
        return h.hexdigest()

    def holds(self, documents: Sequence[Path], sources: Sequence[Source] | None = None) -> bool:
        """Whether every one of `documents` (of the papers `sources` name) was converted before
        (a conversion would take them all from the cache, unless one is pruned meanwhile).

        Raises:
            ConversionError: a document cannot be read.
        """
        return all(
            vouched(self._path(self.key(d, source_of(d, sources, i))))
            for i, d in enumerate(documents)
        )

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pdf"

    def convert(
        self,
        documents: Sequence[Path],
        outdir: Path,
        *,
        sources: Sequence[Source] | None = None,
    ) -> list[Path]:
        check_sources(documents, sources)
        outdir.mkdir(parents=True, exist_ok=True)
        keys = [self.key(d, source_of(d, sources, i)) for i, d in enumerate(documents)]
        # one document converted once, even if it appears twice in a build
        missing: dict[str, int] = {}  # key -> index of its first document
        for i, key in enumerate(keys):
            if key not in missing and not vouched(self._path(key)):
                missing[key] = i
        found = {k: self._path(k) for k in keys if k not in missing}
        for path in found.values():
            with contextlib.suppress(OSError):
                # used now: the last entry `prune` drops (its digest kept for its new stamp)
                if time.time() - path.stat().st_mtime > TOUCHED:
                    touch(path)
        tell = listener()
        if tell is not None:  # (`on_ready`: what is kept is ready now, the rest as it comes)
            for i, key in enumerate(keys):
                if key in found:
                    tell(i, found[key])
        if missing:
            with on_ready(_told(tell, keys, list(missing))) if tell else contextlib.nullcontext():
                converted = self.inner.convert(
                    [documents[i] for i in missing.values()],
                    outdir / "fresh",
                    sources=[source_of(documents[i], sources, i) for i in missing.values()],
                )
            for key, pdf in zip(missing, converted, strict=True):
                found[key] = self._store(key, pdf)
        for path in found.values():
            if path.parent.parent == self.directory:  # (not a fresh one the cache could not keep)
                own(path)  # (`vouched` marked the hits already)
        with self._lock:
            self.misses += len(missing)
            self.hits += len(documents) - len(missing)
        return [found[k] for k in keys]

    def _store(self, key: str, pdf: Path) -> Path:
        return store(pdf, self._path(key), vouch=True)


def _told(
    tell: Callable[[int, Path], None], keys: list[str], fresh: list[str]
) -> Callable[[int, Path], None]:
    """Who to tell of the `n`th document converted (`fresh`, their keys) as it is ready: every
    document of the batch with its key (`keys`). The fresh PDF is told of: the entry kept is a
    copy of it, and it stays where it is."""

    def told(n: int, pdf: Path) -> None:
        for i, key in enumerate(keys):
            if key == fresh[n]:
                tell(i, pdf)

    return told


def intact(entry: Path) -> bool:
    """Whether a cached conversion is there and whole: a PDF ends with its end-of-file marker.
    Entries are written aside and linked into place, so a killed build never leaves one cut
    short; but a disk that filled, a restored backup or a hand may have. Such an entry, or one
    that cannot be read as a file (a folder in its place, a file without permission), is
    removed (`discard`) and the document converted again, rather than read as the paper and
    blamed on it, or named as the build's error. (Only the last kilobyte is read: a few
    microseconds.)"""
    if not regular(entry):
        if os.path.lexists(entry):  # (a folder, a FIFO, a link to nothing)
            discard(entry)
        return False
    try:
        with entry.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        discard(entry)
        return False
    if size > len(b"%PDF-1.0") and b"%%EOF" in tail[-64:]:
        return True
    discard(entry)
    return False


def vouched(entry: Path) -> bool:
    """Whether a cached conversion is there, whole (`intact`), and holds the very bytes a
    converter stored for its key: its writer vouched for them, by the sha256 of the key and of
    the bytes (`store`). A conversion damaged in the middle, edited by hand, or copied from
    another key would otherwise be read as the paper; it is removed, and the document converted
    again. An entry is hashed once while it is not written to (`digests.own`: remembered by its
    stamp), so a rebuild's hits cost a look-up."""
    if not intact(entry):
        return False
    own(entry)
    try:
        if _voucher(entry, file_digest(entry)).exists():
            return True
    except OSError:
        pass
    discard(entry)
    return False


def _voucher(entry: Path, digest: str) -> Path:
    """The empty file that says a converter stored these bytes as this entry (`store`): named
    by the entry's key and a hash of the key with the bytes' digest, so that an entry's bytes
    copied to another key have no voucher there."""
    key = entry.name.split(".", 1)[0]
    return entry.with_name(f"{key}.{bound(key, digest)}{VOUCHER}")


VOUCHER = ".sum"


def store(file: Path, target: Path, vouch: bool = False) -> Path:
    """Keep a copy of `file` at `target` (a cache entry) and return it (another writer's, if it
    stored the entry first); return `file` itself when the cache cannot be written (a full disk,
    a read-only folder), or what is at `target` cannot be used: the build goes on uncached.

    The copy is hashed as it is made. With `vouch` (a conversion, whose name says only what it
    was made from) its voucher (`vouched`) is written before the entry is linked into place: an
    entry is never found without the voucher of its bytes. Without (a kept part, whose name
    carries the hash of its bytes), an entry there already is used only if it holds the same
    bytes."""
    # written aside, then linked into place: a build stopped half way never leaves half a file
    tmp = aside(target)
    mine = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(file, "rb") as source, open(tmp, "w+b") as copy:
            made = copy_hashed(source, copy).hexdigest()
        if vouch:
            _voucher(target, made).touch()
        try:
            os.link(tmp, target)  # fails if the key is there: the first writer wins
            mine = True
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            os.replace(tmp, target)  # a file system without hard links
            mine = True
    except OSError:
        return file
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    if mine:
        written(target, made)  # (its stamp as it now stays: the aside name is gone)
        return target
    return target if _usable(target, made, vouch) else file


def _usable(target: Path, made: str, vouch: bool) -> bool:
    """Whether the entry another writer stored at `target` first may be used (`store`): a
    conversion whose bytes are vouched for (the voucher of ours taken back if the bytes differ),
    a part of the same bytes as ours."""
    try:
        theirs = kept_digest(target)
    except OSError:
        return False
    if theirs == made:
        return True
    if vouch:
        with contextlib.suppress(OSError):
            _voucher(target, made).unlink(missing_ok=True)
        return vouched(target)
    return False


# errors of a file system that cannot hard-link (FAT, some network shares)
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


def aside(target: Path) -> Path:
    """Where an entry is written before it is linked to `target`: a name of this host, process
    and thread alone, so that writers sharing a cache folder never write into one file."""
    return target.with_suffix(f".{host()}.{os.getpid()}.{threading.get_ident()}.tmp")


COMPANIONS = (".skeleton", VOUCHER)  # files kept beside an entry, named after it (`prune`)


def _entry_of(path: Path) -> Path:
    """The entry a companion file is kept beside: a kept part's skeleton is named as the part,
    a conversion's voucher as the conversion's key and the digest of its bytes."""
    if path.suffix == VOUCHER:
        return path.with_name(f"{path.name.split('.', 1)[0]}.pdf")
    return path.with_suffix(".pdf")


def prune(directory: Path, max_bytes: int, now: float | None = None) -> int:
    """Delete the entries used longest ago until the cache holds at most `max_bytes`, and aside
    files a killed writer left; entries used in the last `RECENT` seconds stay whatever the
    bound. A file kept beside an entry (named as it is, with another suffix: a kept part's
    skeleton) goes with it, or once it has none. Safe while other workers use the cache.
    Returns how many files were deleted."""
    now = time.time() if now is None else now
    entries: list[tuple[float, int, Path]] = []
    companions: list[tuple[float, Path]] = []
    deleted = 0
    for path in directory.glob("??/*"):
        try:
            st = path.stat()
        except OSError:
            continue  # deleted by another worker meanwhile
        if path.suffix == ".tmp":
            if now - st.st_mtime > STALE_ASIDE:
                path.unlink(missing_ok=True)
                deleted += 1
        elif path.suffix == ".pdf":
            entries.append((st.st_mtime, st.st_size, path))
        elif path.suffix in COMPANIONS:
            companions.append((st.st_mtime, path))
    total = sum(size for _, size, _ in entries)
    for used, size, path in sorted(entries):
        # (a hit moves an entry's time only once it is TOUCHED old: it may be in use since then)
        if total <= max_bytes or now - used < RECENT + TOUCHED:
            break
        path.unlink(missing_ok=True)
        total -= size
        deleted += 1
    for made, path in companions:  # (one just made may be waiting for its entry's rename)
        if now - made > RECENT and not _entry_of(path).exists():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


# The cache's folders of small entries, each with how long an entry is kept after it was written:
# what was learnt of a paper by its content (a paper not seen for half a year is checked again)
# the digests of packbuilder's own files (a kept part is long pruned by then), templates' work
# (`render.kept`), data papers as rendered (`render.RENDERED`, compressed: 0.1-0.3 MB each), the
# regular expressions compiled (`patterns`) and the bank holidays (`deadline._holiday_names`).
SMALL_ENTRIES = {
    "checks": 180 * 86400,
    "clean": 180 * 86400,
    "digests": 30 * 86400,
    "templates": 30 * 86400,
    "rendered": 30 * 86400,
    "patterns": 30 * 86400,
    "holidays": 30 * 86400,
}
SWEPT = ".swept"  # in the cache folder: when `tidy` last swept it
SWEEP_EVERY = 86400  # seconds


def sweep(directory: Path, max_age: float, now: float | None = None) -> int:
    """Delete the entries of a folder of small entries (``??/*``) not written for `max_age`
    seconds, and aside files a killed writer left. Safe while other workers use the cache (an
    entry deleted is only learnt again). Returns how many files were deleted."""
    now = time.time() if now is None else now
    deleted = 0
    for path in directory.glob("??/*"):
        try:
            age = now - path.stat().st_mtime
            if age > (STALE_ASIDE if path.suffix == ".tmp" else max_age):
                path.unlink()
                deleted += 1
        except OSError:
            continue  # deleted by another worker meanwhile
    return deleted


def tidy(cache_dir: Path, now: float | None = None) -> int:
    """Sweep the cache folder's small entries (`SMALL_ENTRIES`), at most once a day: without it
    they grow with every paper and every pack ever built. A cache that cannot be written is left
    as it is. Returns how many files were deleted."""
    now = time.time() if now is None else now
    marker = cache_dir / SWEPT
    try:
        if now - marker.stat().st_mtime < SWEEP_EVERY:
            return 0
    except FileNotFoundError:
        pass
    except OSError:
        return 0
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os.utime(marker, (now, now))
    except OSError:
        return 0
    return sum(sweep(cache_dir / name, age, now) for name, age in SMALL_ENTRIES.items())
