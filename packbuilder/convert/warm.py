"""A warm converter: one LibreOffice kept running between builds, for long-running callers.

A command-line build starts LibreOffice for its own documents and stops it at the end
(`libreoffice`); its start, a second or more, is a large part of a rebuild that converts only a
frontsheet. A caller
that lives longer than one build (a web app's worker, a scheduler loop) can keep one running
instead: `WarmLibreOffice` starts LibreOffice listening on a private UNO pipe, with a small helper
(`uno_worker`, run by a Python that has LibreOffice's UNO bridge, Debian's ``python3-uno``) that
converts one document per request, and keeps both between builds. Measured on a loaded 2-core
machine (medians): 3 small documents took 1.04 s warm against 3.69 s cold, 30 took 7.77 s against
9.20 s (docs/warm-converter.md).

A long-lived LibreOffice hangs on some documents and grows (the known issues of unoserver, which
drives it the same way), so it is supervised:

- each document has `timeout` seconds; a LibreOffice that has not answered by then is killed;
- one that crashes (or is killed) is restarted, and the document it was converting is retried once
  on the fresh process; a second failure is a ConversionError naming that document's source;
- it is restarted after ``warm_max_conversions`` documents, or as soon as its processes hold more
  than ``warm_max_memory_mb`` (the resident memory of its whole process group, summed); the new one
  starts at once and is ready by the next build;
- it converts in the network sandbox (`sandbox`), on a kept profile of its own (`profiles`), as a
  process group that dies with this process (`process`); the helper also stops LibreOffice when
  its standard input, a pipe from this process, closes.

One LibreOffice converts one document at a time, so calls from several threads are served in turn.
The output is the cold path's (the same export filter of the same LibreOffice), so `version` is
the cold path's too and the conversion cache serves both.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from packbuilder.convert.bridge import START_TIMEOUT, helper_command, uno_python
from packbuilder.convert.bridge import Dead as _Dead
from packbuilder.convert.bridge import Server as _Server
from packbuilder.convert.final import SAVED_FIRST, own_name, show_final
from packbuilder.convert.libreoffice import (
    MIN_FREE_BYTES,
    PDF_OPTIONS,
    LibreOffice,
    complete,
    disk_full_error,
    free_bytes,
    placed,
    repair,
)
from packbuilder.convert.process import Process, environment, launcher
from packbuilder.convert.profiles import kept_profile
from packbuilder.convert.protocol import (
    ConversionStats,
    Converter,
    check_sources,
    handed_over,
    listener,
    source_of,
)
from packbuilder.convert.sandbox import command_prefix
from packbuilder.errors import ConversionError, Source
from packbuilder.scratch import scratch_prefix
from packbuilder.settings import Settings

_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


class WarmLibreOffice(Converter):
    """LibreOffice kept running between conversions, supervised; see the module's docstring.

    Args:
        soffice: the ``soffice`` program (found on PATH when not given).
        timeout: seconds one document may take (default: the settings' ``convert_timeout``).
        max_conversions: restart LibreOffice after this many documents (default: the settings'
            ``warm_max_conversions``).
        max_memory_mb: restart it once its processes hold more than this (default: the settings'
            ``warm_max_memory_mb``).
        settings: defaults, the profile pool and the network policy.

    Raises:
        ConversionError: LibreOffice, or a Python with its UNO bridge, is not installed.
    """

    def __init__(
        self,
        soffice: str | None = None,
        timeout: float | None = None,
        *,
        max_conversions: int | None = None,
        max_memory_mb: int | None = None,
        settings: Settings | None = None,
    ) -> None:
        self._cold = LibreOffice(soffice, timeout, settings=settings)  # version, error wording
        self.settings = self._cold.settings
        self.soffice = self._cold.soffice
        self.timeout = self._cold.timeout
        self.max_conversions = max_conversions or self.settings.warm_max_conversions
        self.max_memory = (max_memory_mb or self.settings.warm_max_memory_mb) * 2**20
        python = uno_python(self.soffice)
        if python is None:
            raise ConversionError(
                "the warm converter needs LibreOffice's Python bridge, which is not installed; "
                "run `make setup` (or apt-get install python3-uno)"
            )
        self.python = python
        self._server: _Server | None = None
        self._lock = threading.RLock()
        self._converted = 0
        self.starts = 0  # LibreOffice processes started, restarts included

    # --- the Converter protocol ------------------------------------------------------------------

    def version(self) -> str:
        return self._cold.version()

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=self._converted)

    def close(self) -> None:
        """Stop LibreOffice. Idempotent; a later conversion starts it again."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop(grace=5)

    def start(self) -> None:
        """Start LibreOffice now, without waiting for it, so that it is ready by the first
        conversion. A no-op if it is running."""
        with self._lock:
            if self._server is None:
                self._server = self._spawn()

    def memory(self) -> int:
        """Bytes resident in the running LibreOffice and its helper (0 if none runs)."""
        server = self._server
        return server.memory() if server is not None else 0

    def pid(self) -> int | None:
        """The process group of the running LibreOffice and its helper, if one runs."""
        server = self._server
        return server.proc.pid if server is not None else None

    def convert(
        self,
        documents: Sequence[Path],
        outdir: Path,
        *,
        sources: Sequence[Source] | None = None,
    ) -> list[Path]:
        check_sources(documents, sources)
        if not documents:
            return []
        with self._lock:
            try:
                outdir.mkdir(parents=True, exist_ok=True)
                early: dict[int, Path] = {}  # repaired and told of as they came (`on_ready`)
                with tempfile.TemporaryDirectory(prefix=scratch_prefix("warm")) as tmp:
                    results = self._convert_in(Path(tmp), documents, sources, outdir, early)
                repair(results, documents, sources, done=early)  # as the cold path's: one cache
            except OSError as exc:
                if exc.errno in _DISK_FULL:
                    raise disk_full_error(Path(tempfile.gettempdir())) from None
                raise
            self._converted += len(results)
        return results

    # --- supervision ---------------------------------------------------------------------------

    def _convert_in(
        self,
        work: Path,
        documents: Sequence[Path],
        sources: Sequence[Source] | None,
        outdir: Path,
        early: dict[int, Path],
    ) -> list[Path]:
        """The documents converted, in `outdir` once every one is; for a caller listening
        (`on_ready`), each repaired and told of as soon as it is converted (`early`)."""
        tell = listener()
        staged = []  # every document first, then the conversions (`handed_over`)
        for i, doc in enumerate(documents):
            source = source_of(doc, sources, i)
            # an ASCII copy of our own: LibreOffice never writes beside the user's file
            copy = work / f"d{i:04d}{doc.suffix.lower()}"
            try:
                shutil.copyfile(doc, copy)
                show_final(copy, own_name(doc, source))  # as the cold path gives it
            except OSError as exc:
                if exc.errno in _DISK_FULL:
                    raise
                raise ConversionError(
                    f"cannot read this document ({exc.strerror}); check it is there and can be "
                    "read, and build again",
                    source,
                ) from None
            staged.append((i, doc, source, copy))
        handed_over()
        done = []
        for i, doc, source, copy in staged:
            output = work / f"d{i:04d}.pdf"
            if copy.suffix in SAVED_FIRST:  # saved as an .odt first, as the cold path does
                copy = self._cold.save_as_odt(copy, source, work / f"first{i:04d}")
            self._convert_one(copy, output, source)
            if tell is not None and i + 1 < len(staged):  # (the last: as the batch ends)
                early[i] = placed(output, outdir, i, doc)
                repair([early[i]], [doc], [source])
                tell(i, early[i])
            done.append((i, doc, output))
        # (unless told of early, nothing lands in outdir unless every document converted)
        return [early.get(i) or placed(output, outdir, i, doc) for i, doc, output in done]

    def _convert_one(self, staged: Path, output: Path, source: Source) -> None:
        """Convert on the running LibreOffice; on a hang, crash or refusal, once more on a fresh
        one; then name `source`."""
        hung, complaint = False, None
        for _attempt in range(2):
            server = self._ready_server()
            try:
                complaint = server.convert(staged, output, self.timeout)
            except _Dead as dead:
                hung, complaint = dead.hung, None
                self._discard(server)
                continue
            if complaint is None and complete(output):
                self._recycle_if_worn(server)
                return
            # LibreOffice is alive but made no PDF: its state may be to blame, so retry fresh
            output.unlink(missing_ok=True)
            self._discard(server)
        raise self._blame(source, hung)

    def _ready_server(self) -> _Server:
        if self._server is None:
            self._server = self._spawn()
        server = self._server
        try:
            server.wait_ready(max(START_TIMEOUT, self.timeout))
        except _Dead as dead:
            self._discard(server)
            why = "it did not answer in time" if dead.hung else "it exited"
            raise ConversionError(
                f"LibreOffice did not start for the warm converter ({why}); check that "
                "`soffice --headless --version` works, or run `make setup`"
            ) from None
        return server

    def _spawn(self) -> _Server:
        stack = contextlib.ExitStack()
        profile = stack.enter_context(kept_profile(self.settings.cache_dir))
        scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix("warm-lo")))
        stack.callback(shutil.rmtree, scratch, True)
        if profile is None:  # every kept profile is busy: one of our own, for this process
            profile = scratch / "profile"
        # the cold path's export, so that they share the cache
        cmd = [
            *command_prefix(self.settings),
            *helper_command(self.python, launcher(self.soffice), profile, PDF_OPTIONS, scratch),
        ]
        try:
            proc = Process(cmd, environment(scratch, alone=True), pipes=True)
        except OSError as exc:
            stack.close()
            raise ConversionError(
                f"cannot start LibreOffice {self.soffice} ({exc.strerror}); run `make setup` and "
                "check that soffice runs"
            ) from None
        self.starts += 1
        return _Server(proc, stack, profile)

    def _discard(self, server: _Server) -> None:
        """Kill a LibreOffice that hung or crashed, and wipe its profile: it may be what broke."""
        server.stop(grace=0, wipe=True)
        if self._server is server:
            self._server = None

    def _recycle_if_worn(self, server: _Server) -> None:
        """Restart after `max_conversions` documents or past `max_memory`; the new LibreOffice
        starts now, so it is warm by the next conversion."""
        if server.conversions >= self.max_conversions or server.memory() > self.max_memory:
            server.stop(grace=5)
            self._server = self._spawn()

    def _blame(self, source: Source, hung: bool) -> ConversionError:
        if free_bytes(Path(tempfile.gettempdir())) < MIN_FREE_BYTES:
            return disk_full_error(Path(tempfile.gettempdir()))
        if hung:
            return ConversionError(
                f"LibreOffice hung converting this document (no result after {self.timeout:g} s, "
                "twice); LibreOffice itself may be at fault: open the document in Word, save it "
                "again and rebuild, and report it if it still hangs",
                source,
            )
        return ConversionError(
            "LibreOffice could not convert this document to PDF (it crashed or wrote nothing; "
            "LibreOffice itself may be at fault); open it in Word or LibreOffice, check it opens, "
            "save it again and rebuild",
            source,
        )
