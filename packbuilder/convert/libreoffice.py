"""LibreOffice headless as a `Converter`: batching, supervision of hung or crashed processes.

LibreOffice costs about a second to start and then a fraction of a second per document, so a build
hands every document to one ``soffice`` process, or, when the batch is big enough to pay for a
second start, splits it between two processes running side by side, one per core (measured against
one process in bench/results.md, rows a and a1). Each process runs on a kept user profile of its
own (`profiles`), in the network sandbox (`sandbox`), as a group that dies with the build
(`process`).

Documents are first copied to ASCII names in a scratch folder of our own: no clashes between
papers of the same name in different folders, no surprises with odd file names. A process that
produces no new PDF for `timeout` seconds is hung: it is killed and the documents it had not
finished go to a fresh process on a fresh profile, once; a process that crashes is restarted the
same way. LibreOffice converts in the order it is given, so the first document without a PDF is
to blame, and the error names its source (the user's file). When the scratch disk is full, the
error blames the disk instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from packbuilder.convert.final import MARK as FINAL
from packbuilder.convert.final import SAVED_AS, SAVED_FIRST, own_name, show_final
from packbuilder.convert.process import OPTIONS, Process, environment, find_soffice, launcher
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
from packbuilder.errors import ConversionError, PackError, Source
from packbuilder.headstart import repair_elsewhere
from packbuilder.scratch import MIN_FREE_BYTES, disk_full_error, free_bytes, scratch_prefix
from packbuilder.settings import Settings, settings

# The PDF export, the same for every way packbuilder drives LibreOffice (the warm converter's
# worker is given these): tagged PDF/UA (headings, lists, tables with header rows as TH, alt text
# as /Figure /Alt; UseTaggedPDF alone maps standard structure types to themselves in the RoleMap, a
# cycle PDF/UA forbids, which PDFUACompliance avoids); reviewers' comments left out (they were
# published as notes on the page). The cache key includes the filter, so a change here converts
# every document again.
PDF_OPTIONS = {"UseTaggedPDF": True, "PDFUACompliance": True, "ExportNotes": False}
PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {name: {"type": "boolean", "value": str(value).lower()} for name, value in PDF_OPTIONS.items()},
    separators=(",", ":"),
)
# LibreOffice's own format, which a .doc or .rtf paper is saved in first (`final.SAVED_FIRST`)
ODT_FILTER = "odt:writer8"
# A second LibreOffice costs a start (about a second of one core) and ~250 MB: never worth it for
# fewer documents than this.
PARALLEL_MIN_DOCUMENTS = 4
# Below this many bytes of PDFs, repairing them costs less than starting a process to do it.
REPAIR_ELSEWHERE_BYTES = 1 << 20
# Part of the cache's key: a PDF cached under an earlier key may not have had the repair pass
# (the warm converter skipped it before 0.2.0 was released).
REPAIRED = ":2"
WARM_LIMIT = 900  # seconds a prestarted LibreOffice may live, its handed-over conversion included
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_POLL = 0.05
_POLL_DELIVERING = 0.01  # (a caller waits for each document: `on_ready`)


@dataclass(frozen=True)
class _Job:
    """One document of a batch: its place, what errors name, and its staged ASCII copy."""

    index: int
    original: Path
    source: Source
    staged: Path
    output: Path


# given a document as soon as LibreOffice has written it whole; False: it could not be taken now
_Deliver = Callable[[_Job], bool]


class LibreOffice(Converter):
    """LibreOffice headless: one or two processes per batch, each restarted once if it fails.

    Args:
        soffice: the ``soffice`` program (found on PATH when not given).
        timeout: seconds a process may go without producing a PDF before it is deemed hung
            (default: the settings' ``convert_timeout``).
        processes: most LibreOffice processes run at once (default: the settings'
            ``convert_processes``).
        settings: where the defaults, the profile pool and the network policy come from
            (default: `packbuilder.settings.settings()`).

    Raises:
        ConversionError: LibreOffice is not installed.
    """

    def __init__(
        self,
        soffice: str | None = None,
        timeout: float | None = None,
        processes: int | None = None,
        *,
        settings: Settings | None = None,
    ) -> None:
        found = soffice or find_soffice()
        if not found:
            raise ConversionError(
                "LibreOffice is not installed; run `make setup` "
                "(or apt-get install libreoffice-writer-nogui)"
            )
        self.settings = settings or _settings()
        self.soffice = found
        self.timeout = timeout or self.settings.convert_timeout
        self.processes = processes or self.settings.convert_processes
        self._version: str | None = None
        self._warm: _Warm | None = None
        self._busy = False  # the caller is using a core itself (`share_machine`)
        self._batches: set[threading.Event] = set()  # the cancel events of running batches
        self._lock = threading.Lock()
        self._converted = 0
        self._finishing: list[threading.Thread] = []  # (`_finish_later`)

    def share_machine(self, busy: bool) -> None:
        self._busy = busy

    def abort(self) -> bool:
        with self._lock:
            for cancel in self._batches:
                cancel.set()
        return True

    def prestart(self) -> None:
        """Start LibreOffice now, on a kept profile, so that its start (about 0.7 s) overlaps the
        build's own work; the next conversion runs on that profile and hands its documents to it.

        LibreOffice passes a second ``soffice --convert-to`` on the same profile to the instance
        already running there and that instance exits when done, so nothing is left running. A no-op
        where no kept profile is free; `close` stops it if no conversion came.
        """
        if self._warm is not None:
            return
        stack = contextlib.ExitStack()
        profile = stack.enter_context(kept_profile(self.settings.cache_dir))
        if profile is None:
            stack.close()
            return
        home = Path(tempfile.mkdtemp(prefix=scratch_prefix("lo-home")))
        stack.callback(shutil.rmtree, home, True)
        # Dies with the build (`process`); coreutils' timeout is a second line, should the guard
        # itself be killed: it kills the whole group after WARM_LIMIT seconds.
        limit = (shutil.which("timeout"), "-s", "KILL", str(WARM_LIMIT))
        launch = launcher(self.soffice)
        cmd = [
            *command_prefix(self.settings),
            *(limit if limit[0] else ()),
            launch.program,
            f"-env:UserInstallation={profile.as_uri()}",
            *OPTIONS,
        ]
        try:
            proc = Process(cmd, environment(home, alone=True, launch=launch))
        except OSError:
            stack.close()
            return
        self._warm = _Warm(stack, profile, proc)

    def _take_warm(self) -> _Warm | None:
        with self._lock:
            warm, self._warm = self._warm, None
            return warm

    def close(self) -> None:
        """Stop a LibreOffice started by `prestart` that no conversion used, and wait for those
        that did to have exited. Idempotent."""
        warm = self._take_warm()
        if warm is not None:
            warm.finish(grace=0)
        self._wait_for_exits()

    def _wait_for_exits(self) -> None:
        """Wait for the prestarted LibreOffice let go of by `_finish_later` to have exited."""
        with self._lock:
            finishing = list(self._finishing)
        for thread in finishing:
            thread.join()
        with self._lock:
            self._finishing = [t for t in self._finishing if t not in finishing]

    def _finish_later(self, warm: _Warm) -> None:
        """Let a prestarted LibreOffice that has done its conversion exit, and its profile go,
        in the background: it takes a tenth of a second to exit, which the build need not wait
        for (`close` does, and so does the start of another LibreOffice: two side by side
        would hold twice the memory for nothing)."""
        thread = threading.Thread(target=warm.finish, daemon=True)
        with self._lock:  # started before it is listed: whoever waits for it, waits for a run
            thread.start()
            self._finishing.append(thread)

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=self._converted)

    def version(self) -> str:
        if self._version is None:
            from packbuilder.tagged import CLEANED_MARK, CLEANING

            self._version = (
                f"{self._program_version()}|{PDF_FILTER}|{CLEANED_MARK}{REPAIRED}{CLEANING}|{FINAL}"
            )
        return self._version

    def _program_version(self) -> str:
        # versionrc changes with every LibreOffice build; reading it saves a process per build
        rc = Path(os.path.realpath(self.soffice)).parent / "versionrc"
        if rc.is_file():
            return "versionrc:" + hashlib.sha256(rc.read_bytes()).hexdigest()[:16]
        try:
            return (
                subprocess.run(
                    [self.soffice, "--version"],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    stdin=subprocess.DEVNULL,
                ).stdout.strip()
                or "unknown"
            )
        except (OSError, subprocess.SubprocessError):
            return "unknown"

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
        early: dict[int, Path] = {}  # documents repaired and told of as they came (`on_ready`)
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=scratch_prefix("lo")) as tmp:
                results = self._convert_in(Path(tmp), documents, sources, outdir, early)
        except OSError as exc:
            if exc.errno in _DISK_FULL:
                raise disk_full_error(Path(tempfile.gettempdir())) from None
            raise
        repair(results, documents, sources, elsewhere=self._busy, done=early)
        with self._lock:
            self._converted += len(results)
        return results

    def _convert_in(
        self,
        work: Path,
        documents: Sequence[Path],
        sources: Sequence[Source] | None,
        outdir: Path,
        early: dict[int, Path],
    ) -> list[Path]:
        """The documents converted, each moved into `outdir`; those repaired and told of as
        LibreOffice wrote them, for a caller listening (`on_ready`), are in `early`."""
        (work / "in").mkdir()
        (work / "out").mkdir()
        jobs = []
        for i, doc in enumerate(documents):
            staged = work / "in" / f"d{i:04d}{doc.suffix.lower()}"
            source = source_of(doc, sources, i)
            try:
                shutil.copyfile(doc, staged)
                # tracked changes shown accepted, as Word shows them; its own name as the paper's
                show_final(staged, own_name(doc, source))
            except OSError as exc:
                if exc.errno in _DISK_FULL:
                    raise
                raise ConversionError(
                    f"cannot read this document ({exc.strerror}); check that it opens, and build "
                    "again",
                    source,
                ) from None
            jobs.append(_Job(i, doc, source, staged, work / "out" / f"d{i:04d}.pdf"))
        if any(j.staged.suffix in SAVED_FIRST for j in jobs):
            jobs = self._saved_first(jobs, work)
        tell = listener()
        deliver = None
        if tell is not None:

            def deliver(job: _Job) -> bool:
                """(In the thread watching LibreOffice, which goes on with the next document.)"""
                try:
                    dest = placed(job.output, outdir, job.index, job.original)
                except OSError:  # left for the end of the batch, which says what is wrong
                    return False
                repair([dest], [job.original], [job.source])
                early[job.index] = dest
                tell(job.index, dest)
                return True

        self._convert_all(jobs, work, deliver=deliver)
        return [early.get(j.index) or placed(j.output, outdir, j.index, j.original) for j in jobs]

    def _saved_first(self, jobs: list[_Job], work: Path) -> list[_Job]:
        """The jobs, a .doc or .rtf paper's staged copy replaced by LibreOffice's .odt of it,
        its links checked and its changes hidden (`final.SAVED_FIRST`)."""
        (work / "odt").mkdir()
        firsts = {
            j.index: replace(j, output=work / "odt" / f"{j.staged.stem}{SAVED_AS}")
            for j in jobs
            if j.staged.suffix in SAVED_FIRST
        }
        self._convert_all(list(firsts.values()), work, to=(ODT_FILTER, work / "odt"))
        out = []
        for job in jobs:
            first = firsts.get(job.index)
            if first is not None:
                saved_as_read(first.output, job.source)
                job = replace(job, staged=first.output)
            out.append(job)
        return out

    def save_as_odt(self, staged: Path, source: Source, work: Path) -> Path:
        """A .doc or .rtf paper's staged copy saved as an .odt by a LibreOffice of its own, then
        checked and its changes hidden (`saved_as_read`), for the warm converter, whose
        LibreOffice crashes opening such a paper with a reviewer's comment through UNO (the
        .odt, its comments taken out by `show_final`, it opens)."""
        (work / "odt").mkdir(parents=True, exist_ok=True)
        job = _Job(0, staged, source, staged, work / "odt" / f"{staged.stem}{SAVED_AS}")
        self._convert_all([job], work, to=(ODT_FILTER, work / "odt"))
        saved_as_read(job.output, source)
        return job.output

    def _convert_all(
        self,
        jobs: list[_Job],
        work: Path,
        to: tuple[str, Path] | None = None,
        deliver: _Deliver | None = None,
    ) -> None:
        processes = max(1, self.processes - 1) if self._busy else self.processes
        shards = split(jobs, processes if len(jobs) >= PARALLEL_MIN_DOCUMENTS else 1)
        cancel = threading.Event()
        with self._lock:
            self._batches.add(cancel)
        try:
            self._run_workers(shards, work, cancel, to or (PDF_FILTER, work / "out"), deliver)
        finally:
            with self._lock:
                self._batches.discard(cancel)
        if cancel.is_set():  # a failure has raised by now: this batch was aborted
            raise ConversionError(
                "the conversion was stopped because the build stopped; build again"
            )

    def _run_workers(
        self,
        shards: list[list[_Job]],
        work: Path,
        cancel: threading.Event,
        to: tuple[str, Path],
        deliver: _Deliver | None = None,
    ) -> None:
        workers = [
            _Worker(
                self, shard, work, f"p{n}", cancel, alone=len(shards) == 1, to=to, deliver=deliver
            )
            for n, shard in enumerate(shards)
        ]
        if len(workers) == 1:
            workers[0].run_catching()
        else:
            # each with the caller's context: whom to tell that the batch is handed over
            threads = [
                threading.Thread(
                    target=contextvars.copy_context().run, args=(w.run_catching,), daemon=True
                )
                for w in workers
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        failures = [w.error for w in workers if w.error is not None]
        if failures:
            # the earliest document of the batch that failed, whichever process met it first
            raise min(failures, key=lambda f: f.index).error


def saved_as_read(saved: Path, source: Source) -> None:
    """Check LibreOffice's .odt of a .doc or .rtf paper as a paper is checked, then hide its
    changes (`show_final`). The paper's own links were checked before LibreOffice opened it; this
    is what LibreOffice made of them, the file it is about to convert.

    Raises:
        ConversionError: the .odt refers to a file outside itself, naming the paper.
    """
    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    try:
        check_external(saved)
    except InputError as exc:
        raise ConversionError(
            f"opened by LibreOffice, this paper {exc.message.split(';')[0]}; save it as .docx "
            "in Word and check it again",
            source,
        ) from None
    show_final(saved, source.file.name)


def clean_converted(pdf: Path) -> int:
    """`tagged.clean_converted`, imported when first needed: pikepdf takes 40 ms to import, and
    the command line starts LibreOffice before that (`cli.build`)."""
    from packbuilder.tagged import clean_converted as clean

    return clean(pdf)


def repair(
    results: Sequence[Path],
    documents: Sequence[Path],
    sources: Sequence[Source] | None,
    *,
    elsewhere: bool = False,
    done: Collection[int] = (),
) -> None:
    """LibreOffice's tagged output needs one repair pass to pass PDF/UA (`tagged.clean_converted`):
    every way packbuilder drives LibreOffice does it here, once per document, before the cache
    keeps the PDF (the cache's key says the PDF is repaired), so that no build repeats it. With
    `elsewhere` (the caller is busy with a core of its own), a process of its own makes a head
    start on it (`headstart`). Those of `done` (their places in the batch) were repaired as they
    came (`on_ready`).

    Raises:
        ConversionError: a PDF that cannot be read, naming its document's source.
    """
    left = [i for i in range(len(results)) if i not in done]
    if elsewhere and sum(_size(results[i]) for i in left) >= REPAIR_ELSEWHERE_BYTES:
        repair_elsewhere([results[i] for i in left])
    for i in left:
        pdf = results[i]
        try:
            clean_converted(pdf)
        except Exception as exc:  # noqa: BLE001 - pikepdf raises several kinds on a bad file
            raise ConversionError(
                f"LibreOffice made a PDF of this document that cannot be read "
                f"({type(exc).__name__}); open it in Word, save it again and build again "
                "(LibreOffice itself may be at fault)",
                source_of(documents[i], sources, i),
            ) from None


def _settings() -> Settings:
    return settings()


@dataclass
class _Warm:
    """A LibreOffice started ahead of its first conversion, and the kept profile it holds."""

    stack: contextlib.ExitStack
    profile: Path
    proc: Process

    def finish(self, grace: float = 1.0) -> None:
        """Wait `grace` seconds for it to exit (it does by itself after the conversion handed to
        it), then stop it; then let its profile go."""
        self.proc.stop(grace)
        self.stack.close()


def placed(output: Path, outdir: Path, index: int, original: Path) -> Path:
    """`output`, the PDF of a batch's `index`th document (`original`), moved into `outdir`
    under a name of its own; every converter names its results so."""
    tag = hashlib.sha1(str(original).encode()).hexdigest()[:8]
    dest = outdir / f"{index:04d}-{tag}.pdf"
    shutil.move(str(output), dest)
    return dest


def split(jobs: list[_Job], parts: int) -> list[list[_Job]]:
    """Share the jobs between `parts` processes, balanced by file size (a proxy for work), each part
    in batch order."""
    parts = max(1, min(parts, len(jobs)))
    shards: list[list[_Job]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for job in sorted(jobs, key=lambda j: -_size(j.staged)):
        lightest = loads.index(min(loads))
        shards[lightest].append(job)
        loads[lightest] += _size(job.staged) + 20_000  # each document has a fixed cost too
    return [sorted(s, key=lambda j: j.index) for s in shards if s]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Failure(Exception):
    def __init__(self, index: int, error: PackError) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


class _Worker:
    """Converts one share of a batch in one LibreOffice process at a time, restarting it once."""

    def __init__(
        self,
        lo: LibreOffice,
        jobs: list[_Job],
        work: Path,
        name: str,
        cancel: threading.Event,
        alone: bool,
        to: tuple[str, Path],
        deliver: _Deliver | None = None,
    ) -> None:
        self.lo, self.jobs, self.work, self.name, self.cancel = lo, jobs, work, name, cancel
        self.alone = alone  # the only process of its batch
        self.to = to  # LibreOffice's filter and the folder it writes into
        # given each document as soon as LibreOffice has written it; False: leave the rest
        self.deliver = deliver
        self.delivered: set[int] = set()  # (moved out of LibreOffice's folder: not to redo)
        self.error: _Failure | None = None

    def run_catching(self) -> None:
        """Run; a failure is kept in `error` and stops the other processes of the batch."""
        try:
            self.run()
        except _Failure as exc:
            self.error = exc
            self.cancel.set()
        except PackError as exc:
            self.error = _Failure(self.jobs[0].index, exc)
            self.cancel.set()

    @contextlib.contextmanager
    def _profile(self) -> Iterator[Path | None]:
        warm = self.lo._take_warm()
        if warm is None:
            self.lo._wait_for_exits()  # a LibreOffice of its own is about to start
            with kept_profile(self.lo.settings.cache_dir) as profile:
                yield profile
            return
        try:
            yield warm.profile
        finally:
            self.lo._finish_later(warm)

    def run(self) -> None:
        with self._profile() as profile:
            hung = self._process(self.jobs, profile or self.work / f"profile-{self.name}-1")
            pending = [j for j in self.jobs if not self._done(j)]
            if pending and profile and not self.cancel.is_set():
                shutil.rmtree(profile, ignore_errors=True)  # it may be what went wrong
        if self.cancel.is_set() or not pending:
            return
        # the restart gets a profile of its own, fresh
        hung = self._process(pending, self.work / f"profile-{self.name}-2")
        if self.cancel.is_set():
            return
        pending = [j for j in pending if not self._done(j)]
        if pending:
            raise _Failure(pending[0].index, self._blame(pending[0], hung))

    def _blame(self, job: _Job, hung: bool) -> PackError:
        """The error for a document two processes failed to convert: the disk when it is full,
        else the document, saying LibreOffice itself may be at fault."""
        if free_bytes(self.work) < MIN_FREE_BYTES:
            return disk_full_error(Path(tempfile.gettempdir()))
        if hung:
            return ConversionError(
                f"LibreOffice hung converting this document (no result after "
                f"{self.lo.timeout:g} s, twice); LibreOffice itself may be at fault: open the "
                "document in Word, save it again and rebuild, and report it if it still hangs",
                job.source,
            )
        return ConversionError(
            "LibreOffice could not convert this document to PDF (it crashed or wrote nothing; "
            "LibreOffice itself may be at fault); open it in Word or LibreOffice, check it opens, "
            "save it again and rebuild",
            job.source,
        )

    def _process(self, jobs: list[_Job], profile: Path) -> bool:
        """Run one LibreOffice on `jobs`; True if it was killed for making no progress."""
        launch = launcher(self.lo.soffice)
        cmd = [
            *command_prefix(self.lo.settings),
            launch.program,
            f"-env:UserInstallation={profile.as_uri()}",
            *OPTIONS,
            "--convert-to",
            self.to[0],
            "--outdir",
            str(self.to[1]),
            *(str(j.staged) for j in jobs),
        ]
        env = environment(self.work, alone=self.alone, launch=launch)
        if not os.access(launch.program, os.X_OK):  # the namespace wrapper would hide the OSError
            raise ConversionError(
                f"cannot start LibreOffice {self.lo.soffice} (not found or not "
                "executable); run `make setup`"
            )
        try:
            proc = Process(cmd, env)
        except OSError as exc:
            raise ConversionError(
                f"cannot start LibreOffice {self.lo.soffice} ({exc.strerror}); check it runs, or "
                "run `make setup`"
            ) from None
        handed_over()  # from here on the batch is LibreOffice's work
        try:
            return self._supervise(proc, jobs)
        finally:
            proc.stop()  # a helper process LibreOffice left behind, or all of it on an error

    def _done(self, job: _Job) -> bool:
        return job.index in self.delivered or job.output.exists()

    def _supervise(self, proc: Process, jobs: list[_Job]) -> bool:
        done = 0
        last_progress = time.monotonic()
        waiting = [j for j in jobs if j.index not in self.delivered]  # (in LibreOffice's order)
        while proc.poll() is None:
            if self.cancel.is_set():
                return False
            if self.deliver is not None:
                self._deliver_written(waiting)
            now_done = sum(1 for j in jobs if self._done(j))
            if now_done != done:
                done, last_progress = now_done, time.monotonic()
            elif time.monotonic() - last_progress > self.lo.timeout:
                proc.stop()
                _drop_incomplete(jobs)
                return True
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=_POLL if self.deliver is None else _POLL_DELIVERING)
        if proc.returncode != 0:
            # a crash may leave the PDF it was writing half written
            _drop_incomplete(jobs)
        return False

    def _deliver_written(self, waiting: list[_Job]) -> None:
        """Give `deliver` each document LibreOffice has written whole (`complete`: its end-of-file
        marker is there; LibreOffice 7.4 makes the PDF in a file of its own beside it, then copies
        it into the document's name in one write), in the order it converts them."""
        while waiting and self.deliver is not None and complete(waiting[0].output):
            job = waiting.pop(0)
            if not self.deliver(job):
                self.deliver = None  # the rest as the batch ends
                return
            self.delivered.add(job.index)


def _drop_incomplete(jobs: list[_Job]) -> None:
    """Delete PDFs that a killed or crashed process left half written (no trailer at the end)."""
    for job in jobs:
        if job.output.exists() and not complete(job.output):
            job.output.unlink(missing_ok=True)


def complete(pdf: Path) -> bool:
    """A PDF with its trailer written (not one a dying LibreOffice left half written); an .odt
    (`final.SAVED_FIRST`), a whole zip archive."""
    if pdf.suffix == SAVED_AS:
        return zipfile.is_zipfile(pdf)
    try:
        with open(pdf, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 1024))
            return b"%%EOF" in fh.read()
    except OSError:
        return False
