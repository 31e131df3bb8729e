"""Word to PDF: the converter interface, LibreOffice headless behind it, and a conversion cache.

The rest of packbuilder sees only `Converter`: a pack could be converted by a remote service tomorrow
without touching the other stages. LibreOffice starts in about 0.7 s and then converts a small document
in about 0.1 s, so every document of a build goes through one ``soffice`` process. Each process gets a
user profile of its own, so that two builds at once (or a desktop LibreOffice) never share one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from packbuilder.errors import ConversionError, Source

PDF_FILTER = "pdf:writer_pdf_Export"
DEFAULT_TIMEOUT = float(os.environ.get("PACKBUILDER_CONVERT_TIMEOUT", "120"))


class Converter(Protocol):
    """Turns Word documents into PDFs."""

    def convert(self, documents: Sequence[Path], outdir: Path) -> list[Path]:
        """Convert each document; return the PDFs, in the same order, inside `outdir`.

        Raises:
            ConversionError: naming the document that could not be converted.
        """
        ...

    def version(self) -> str:
        """Changes whenever the output could change (the cache key includes it)."""
        ...


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                 "/opt/libreoffice/program/soffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(path):
            return path
    return None


class LibreOffice:
    """LibreOffice headless, one process per batch, restarted once if it hangs or dies."""

    def __init__(self, soffice: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        found = soffice or find_soffice()
        if not found:
            raise ConversionError(
                "LibreOffice is not installed; run `make setup` (or apt-get install libreoffice-writer-nogui)"
            )
        self.soffice = found
        self.timeout = timeout
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            try:
                out = subprocess.run([self.soffice, "--version"], capture_output=True, text=True,
                                     timeout=60, stdin=subprocess.DEVNULL).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                out = "unknown"
            self._version = f"{out}|{PDF_FILTER}"
        return self._version

    def convert(self, documents: Sequence[Path], outdir: Path) -> list[Path]:
        if not documents:
            return []
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="packbuilder-lo-") as tmp:
            work = Path(tmp)
            # ASCII names in a folder of our own: no clashes between papers of the same name in
            # different folders, and no surprises with non-ASCII file names on odd locales
            staged = []
            for i, doc in enumerate(documents):
                target = work / "in" / f"d{i:04d}{doc.suffix.lower()}"
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(doc, target)
                staged.append(target)
            pending = list(range(len(documents)))
            for attempt in (1, 2):
                self._run([staged[i] for i in pending], work, attempt, documents, pending)
                pending = [i for i in pending if not (work / "out" / f"d{i:04d}.pdf").exists()]
                if not pending:
                    break
            if pending:
                doc = documents[pending[0]]
                raise ConversionError(
                    "LibreOffice could not convert this document to PDF; open it in Word or LibreOffice, "
                    "check it opens, and save it again",
                    Source(doc),
                )
            results = []
            for i, doc in enumerate(documents):
                dest = outdir / f"{i:04d}-{hashlib.sha1(str(doc).encode()).hexdigest()[:8]}.pdf"
                shutil.move(str(work / "out" / f"d{i:04d}.pdf"), dest)
                results.append(dest)
            return results

    def _run(self, docs: list[Path], work: Path, attempt: int, originals: Sequence[Path],
             pending: list[int]) -> None:
        profile = work / f"profile{attempt}"
        cmd = [
            self.soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
            "--nologo", "--norestore", "--nolockcheck", "--convert-to", PDF_FILTER,
            "--outdir", str(work / "out"), *map(str, docs),
        ]
        env = dict(os.environ, HOME=str(work), SAL_USE_VCLPLUGIN="svp")
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        except OSError as exc:
            raise ConversionError(f"cannot start LibreOffice ({exc.strerror})") from None
        try:
            proc.wait(timeout=self.timeout * max(1, len(docs)) ** 0.5 + self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            if attempt == 2:
                first = originals[pending[0]]
                raise ConversionError(
                    f"LibreOffice hung converting this document (no result after {self.timeout:.0f} s, "
                    "twice); open it in Word, check it, and save it again",
                    Source(first),
                ) from None


def _kill_group(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def cache_dir() -> Path:
    env = os.environ.get("PACKBUILDER_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "packbuilder"


class CachingConverter:
    """Wraps a converter: a document whose bytes, converter version and options were converted before
    is never converted again."""

    def __init__(self, inner: Converter, directory: Path | None = None) -> None:
        self.inner = inner
        self.directory = directory or cache_dir()
        self.hits = 0
        self.misses = 0

    def version(self) -> str:
        return self.inner.version()

    def key(self, document: Path) -> str:
        h = hashlib.sha256()
        h.update(self.inner.version().encode())
        h.update(document.suffix.lower().encode())
        h.update(document.read_bytes())
        return h.hexdigest()

    def convert(self, documents: Sequence[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        keys = [self.key(d) for d in documents]
        cached = {k: self.directory / k[:2] / f"{k}.pdf" for k in keys}
        missing = [d for d, k in zip(documents, keys, strict=True) if not cached[k].exists()]
        # one document converted once, even if it appears twice in a build
        unique = list({self.key(d): d for d in missing}.values())
        if unique:
            converted = self.inner.convert(unique, outdir / "fresh")
            for doc, pdf in zip(unique, converted, strict=True):
                target = cached[self.key(doc)]
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".{os.getpid()}.tmp")
                shutil.copyfile(pdf, tmp)
                os.replace(tmp, target)
        self.misses += len(unique)
        self.hits += len(documents) - len(missing)
        return [cached[k] for k in keys]
