"""The conversion cache: a document converted once is never converted again.

The cache is content-keyed: the key is the document's content, the converter's version and the
document's type, so a paper converted once is found again whatever its name or folder, and a new
LibreOffice starts a new cache. A .docx is hashed by what its zip entries say, not by the zip's
bytes, so a data paper rendered again (same text, new timestamps) is still a hit. Entries are
written aside and renamed, so a build stopped half way never leaves half a PDF; a cache that cannot
be written (a full disk, a read-only folder) is skipped, never a failed build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

from packbuilder.convert.protocol import ConversionStats, Converter, check_sources, source_of
from packbuilder.errors import ConversionError, Source
from packbuilder.settings import settings


def content_digest(document: Path) -> bytes:
    """What a document says, not how it was zipped.

    A .docx is a zip whose entries carry the time they were written, so the same paper rendered
    twice has different bytes; hashing the entries' names and contents lets a re-rendered but
    unchanged paper hit the cache. Anything that is not a readable zip is hashed byte for byte.

    Raises:
        OSError: the document cannot be read.
    """
    h = hashlib.sha256()
    try:
        with zipfile.ZipFile(document) as z:
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                h.update(info.filename.encode() + b"\0")
                h.update(hashlib.sha256(z.read(info)).digest())
        return b"zip:" + h.digest()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        pass
    h = hashlib.sha256()
    h.update(document.read_bytes())
    return b"raw:" + h.digest()


class CachingConverter(Converter):
    """Wraps a converter: a document whose content, converter version and options were converted
    before is never converted again.

    Args:
        inner: the converter that converts what the cache does not hold.
        directory: the cache folder (default: the settings' ``cache_dir``).
    """

    def __init__(self, inner: Converter, directory: Path | None = None) -> None:
        self.inner = inner
        self.directory = directory or settings().cache_dir
        self.hits = 0  # documents served from the cache
        self.misses = 0  # documents handed to `inner`
        self._lock = threading.Lock()

    def version(self) -> str:
        return self.inner.version()

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=self.misses, cached=self.hits)

    def close(self) -> None:
        self.inner.close()

    def key(self, document: Path, source: Source | None = None) -> str:
        """The cache key of `document`; an unreadable document is an error naming `source`."""
        h = hashlib.sha256()
        h.update(self.inner.version().encode() + b"\0")
        h.update(document.suffix.lower().encode() + b"\0")
        try:
            h.update(content_digest(document))
        except OSError as exc:
            raise ConversionError(
                f"cannot read this document ({exc.strerror}); check that it opens, and build again",
                source or Source(document),
            ) from None
        return h.hexdigest()

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
            if key not in missing and not self._path(key).exists():
                missing[key] = i
        found = {k: self._path(k) for k in keys if k not in missing}
        if missing:
            converted = self.inner.convert(
                [documents[i] for i in missing.values()],
                outdir / "fresh",
                sources=[source_of(documents[i], sources, i) for i in missing.values()],
            )
            for key, pdf in zip(missing, converted, strict=True):
                found[key] = self._store(key, pdf)
        with self._lock:
            self.misses += len(missing)
            self.hits += len(documents) - len(missing)
        return [found[k] for k in keys]

    def _store(self, key: str, pdf: Path) -> Path:
        """Keep `pdf` under `key` and return the kept copy; return `pdf` itself when the cache
        cannot be written (a full disk, a read-only folder): the build goes on uncached."""
        target = self._path(key)
        # written aside then renamed: a build stopped half way never leaves half a PDF
        tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, tmp)
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return pdf
        return target
