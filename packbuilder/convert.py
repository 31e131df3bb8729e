"""Word to PDF: the converter interface, LibreOffice headless behind it, and a conversion cache.

The rest of packbuilder sees only `Converter`: a pack could be converted by a remote service
tomorrow without touching the other stages.

LibreOffice costs about a second to start and then a fraction of a second per document, so a build
hands every document to one ``soffice`` process, or, when the batch is big enough to pay for a
second start, splits it between two processes running side by side, one per core (measured against
one process in bench/results.md, rows a and a1). Each process
has a user profile to itself, locked while it runs, so two builds at once (or a desktop
LibreOffice) never share one; profiles are kept between builds, since a new one costs ~0.3 s.
A process that produces no new PDF for `timeout` seconds is hung: it is killed and the documents it
had not finished go to a fresh process, once; a process that crashes is restarted the same way.
LibreOffice converts in the order it is given, so the first document without a PDF is to blame.

The cache is content-addressed: the key is the document's content, the converter's version and the
export filter, so a document converted once is never converted again, whatever its name or folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from packbuilder.errors import ConversionError, PackError, Source
from packbuilder.scratch import scratch_prefix

try:
    import fcntl
except ImportError:  # Windows: every process gets a fresh profile
    fcntl = None  # type: ignore[assignment]

# Tagged PDF/UA: headings, lists, tables (header rows as TH), alt text as /Figure /Alt.
# UseTaggedPDF alone maps standard structure types to themselves in the RoleMap (a cycle that
# PDF/UA forbids); PDFUACompliance avoids it. The cache key includes this string, so a change here
# converts every document again.
PDF_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)
DEFAULT_TIMEOUT = float(os.environ.get("PACKBUILDER_CONVERT_TIMEOUT", "120"))
# A second LibreOffice costs a start (about a second of one core) and ~250 MB: never worth it for
# fewer documents than this.
PARALLEL_MIN_DOCUMENTS = 4
# LibreOffice maps, touches and unmaps a large block over and over while starting: ~300,000 page
# faults, half a second of system time. Keeping such blocks in the heap makes a start ~0.4 s faster
# for ~45 MB more resident memory, so it is used when one process converts the whole batch (two
# processes are already ~500 MB). glibc only; other C libraries ignore the variable.
GLIBC_TUNABLES = "glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=268435456"
_POLL = 0.05


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
    for path in (
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if os.path.exists(path):
            return path
    return None


def default_processes() -> int:
    """Processes per batch: PACKBUILDER_CONVERT_PROCESSES, else 2 with 2 cores or more, else 1."""
    env = os.environ.get("PACKBUILDER_CONVERT_PROCESSES")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class _Job:
    """One document of a batch: its place in the batch, the original, and its staged ASCII copy."""

    index: int
    original: Path
    staged: Path
    output: Path


class LibreOffice:
    """LibreOffice headless: one or two processes per batch, each restarted once if it fails.

    Args:
        soffice: the ``soffice`` program (found on PATH when not given).
        timeout: seconds a process may go without producing a PDF before it is deemed hung.
        processes: most LibreOffice processes run at once (default: `default_processes()`).
    """

    def __init__(
        self,
        soffice: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        processes: int | None = None,
    ) -> None:
        found = soffice or find_soffice()
        if not found:
            raise ConversionError(
                "LibreOffice is not installed; run `make setup` "
                "(or apt-get install libreoffice-writer-nogui)"
            )
        self.soffice = found
        self.timeout = timeout
        self.processes = processes or default_processes()
        self._version: str | None = None
        self._warm: _Warm | None = None
        self._warm_lock = threading.Lock()

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
        profile = stack.enter_context(kept_profile())
        if profile is None:
            stack.close()
            return
        home = Path(tempfile.mkdtemp(prefix=scratch_prefix("lo-home")))
        stack.callback(shutil.rmtree, home, True)
        # If the build dies (SIGKILL) before a conversion reaches it, nothing would stop this
        # LibreOffice: coreutils' timeout kills its whole process group after WARM_LIMIT seconds.
        limit = (shutil.which("timeout"), "-s", "KILL", str(WARM_LIMIT))
        cmd = [
            *no_network_prefix(),
            *(limit if limit[0] else ()),
            self.soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            *_OPTIONS,
        ]
        env = _environment(home, alone=True)
        try:
            proc = _spawn(cmd, env)
        except OSError:
            stack.close()
            return
        self._warm = _Warm(stack, profile, proc)

    def _take_warm(self) -> _Warm | None:
        with self._warm_lock:
            warm, self._warm = self._warm, None
            return warm

    def close(self) -> None:
        """Stop a LibreOffice started by `prestart` that no conversion used."""
        warm = self._take_warm()
        if warm is not None:
            warm.finish(grace=0)

    def version(self) -> str:
        if self._version is None:
            self._version = f"{self._program_version()}|{PDF_FILTER}"
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

    def convert(self, documents: Sequence[Path], outdir: Path) -> list[Path]:
        if not documents:
            return []
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=scratch_prefix("lo")) as tmp:
            work = Path(tmp)
            (work / "in").mkdir()
            (work / "out").mkdir()
            # ASCII names in a folder of our own: no clashes between papers of the same name in
            # different folders, and no surprises with non-ASCII file names on odd locales
            jobs = []
            for i, doc in enumerate(documents):
                staged = work / "in" / f"d{i:04d}{doc.suffix.lower()}"
                try:
                    shutil.copyfile(doc, staged)
                except OSError as exc:
                    raise ConversionError(
                        f"cannot read this document ({exc.strerror})", Source(doc)
                    ) from None
                jobs.append(_Job(i, doc, staged, work / "out" / f"d{i:04d}.pdf"))
            self._convert_all(jobs, work)
            results = []
            for job in jobs:
                tag = hashlib.sha1(str(job.original).encode()).hexdigest()[:8]
                dest = outdir / f"{job.index:04d}-{tag}.pdf"
                shutil.move(str(job.output), dest)
                results.append(dest)
            return results

    def _convert_all(self, jobs: list[_Job], work: Path) -> None:
        shards = split(jobs, self.processes if len(jobs) >= PARALLEL_MIN_DOCUMENTS else 1)
        cancel = threading.Event()
        workers = [
            _Worker(self, shard, work, f"p{n}", cancel, alone=len(shards) == 1)
            for n, shard in enumerate(shards)
        ]
        if len(workers) == 1:
            workers[0].run_catching()
        else:
            threads = [threading.Thread(target=w.run_catching, daemon=True) for w in workers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        failures = [w.error for w in workers if w.error is not None]
        if failures:
            # the earliest document of the batch that failed, whichever process met it first
            raise min(failures, key=lambda f: f.index).error


WARM_LIMIT = 900  # seconds a prestarted LibreOffice may live, its handed-over conversion included
_OPTIONS = ("--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck")


def _spawn(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:  # type: ignore[type-arg]
    """Start LibreOffice in a session of its own, so that it and its children die together."""
    return subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )


def _environment(home: Path, alone: bool) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), SAL_USE_VCLPLUGIN="svp")
    if alone:
        tunables = [env.get("GLIBC_TUNABLES"), GLIBC_TUNABLES]
        env["GLIBC_TUNABLES"] = ":".join(t for t in tunables if t)
    return env


@dataclass
class _Warm:
    """A LibreOffice started ahead of its first conversion, and the kept profile it holds."""

    stack: contextlib.ExitStack
    profile: Path
    proc: subprocess.Popen  # type: ignore[type-arg]

    def finish(self, grace: float = 1.0) -> None:
        """Wait `grace` seconds for it to exit (it does by itself after the conversion handed to
        it), then stop it; then let its profile go."""
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
        self.stack.close()


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
    ) -> None:
        self.lo, self.jobs, self.work, self.name, self.cancel = lo, jobs, work, name, cancel
        self.alone = alone  # the only process of its batch
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
            with kept_profile() as profile:
                yield profile
            return
        try:
            yield warm.profile
        finally:
            warm.finish()

    def run(self) -> None:
        with self._profile() as profile:
            hung = self._process(self.jobs, profile or self.work / f"profile-{self.name}-1")
            pending = [j for j in self.jobs if not j.output.exists()]
            if pending and profile and not self.cancel.is_set():
                shutil.rmtree(profile, ignore_errors=True)  # it may be what went wrong
        if self.cancel.is_set() or not pending:
            return
        # the restart gets a profile of its own, fresh
        hung = self._process(pending, self.work / f"profile-{self.name}-2")
        if self.cancel.is_set():
            return
        pending = [j for j in pending if not j.output.exists()]
        if not pending:
            return
        job = pending[0]
        if hung:
            error = ConversionError(
                f"LibreOffice hung converting this document (no result after "
                f"{self.lo.timeout:g} s, twice); open it in Word, check it, and save it again",
                Source(job.original),
            )
        else:
            error = ConversionError(
                "LibreOffice could not convert this document to PDF; open it in Word or "
                "LibreOffice, check it opens, and save it again",
                Source(job.original),
            )
        raise _Failure(job.index, error)

    def _process(self, jobs: list[_Job], profile: Path) -> bool:
        """Run one LibreOffice on `jobs`; True if it was killed for making no progress."""
        cmd = [
            *no_network_prefix(),
            self.lo.soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(self.work / "out"),
            *(str(j.staged) for j in jobs),
        ]
        env = _environment(self.work, alone=self.alone)
        if not os.access(self.lo.soffice, os.X_OK):  # the namespace wrapper would hide the OSError
            raise ConversionError(
                f"cannot start LibreOffice {self.lo.soffice} (not found or not "
                "executable); run `make setup`"
            )
        try:
            proc = _spawn(cmd, env)
        except OSError as exc:
            raise ConversionError(
                f"cannot start LibreOffice {self.lo.soffice} ({exc.strerror})"
            ) from None
        done = 0
        last_progress = time.monotonic()
        try:
            while proc.poll() is None:
                if self.cancel.is_set():
                    _kill_group(proc)
                    return False
                now_done = sum(1 for j in jobs if j.output.exists())
                if now_done != done:
                    done, last_progress = now_done, time.monotonic()
                elif time.monotonic() - last_progress > self.lo.timeout:
                    _kill_group(proc)
                    _drop_incomplete(jobs)
                    return True
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=_POLL)
        except BaseException:
            _kill_group(proc)
            raise
        if proc.returncode != 0:
            # a crash may leave the PDF it was writing half written
            _drop_incomplete(jobs)
        _kill_group(proc)  # a helper process LibreOffice left behind
        return False


@contextlib.contextmanager
def kept_profile(slots: int = 8) -> Iterator[Path | None]:
    """A LibreOffice user profile kept between builds, locked while in use; None if none is free.

    LibreOffice starts about 0.3 s faster with a profile it made before. The lock (released when
    the process holding it dies) keeps two LibreOffice processes from ever sharing a profile.
    """
    base = cache_dir().resolve() / "libreoffice-profiles"
    held = None
    if fcntl is not None:
        with contextlib.suppress(OSError):
            base.mkdir(parents=True, exist_ok=True)
            for n in range(slots):
                fh = open(base / f"{n}.lock", "a")  # noqa: SIM115 - held open as the lock
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    fh.close()
                    continue
                held = (fh, base / str(n))
                break
    try:
        yield held[1] if held else None
    finally:
        if held:
            held[0].close()


def _drop_incomplete(jobs: list[_Job]) -> None:
    """Delete PDFs that a killed or crashed process left half written (no trailer at the end)."""
    for job in jobs:
        try:
            with open(job.output, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - 1024))
                complete = b"%%EOF" in fh.read()
        except OSError:
            continue
        if not complete:
            job.output.unlink(missing_ok=True)


@functools.cache
def no_network_prefix() -> tuple[str, ...]:
    """A command prefix that runs LibreOffice with no network at all, where the system allows it.

    A Word file can link images or data from the web, and LibreOffice would fetch them while
    converting: a hostile paper could make the build call out, or leak that the pack is being built.
    An empty network namespace (util-linux ``unshare``; as root, or through an unprivileged user
    namespace) makes every such fetch fail at once. Where neither is allowed, LibreOffice runs as
    is.
    """
    if os.environ.get("PACKBUILDER_CONVERT_NETWORK") == "allow":
        return ()
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    for flags in (("-n",), ("-r", "-n")):
        try:
            ok = (
                subprocess.run(
                    [unshare, *flags, "true"],
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=10,
                ).returncode
                == 0
            )
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return (unshare, *flags)
    return ()


def _kill_group(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def cache_dir() -> Path:
    env = os.environ.get("PACKBUILDER_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "packbuilder"


def content_digest(document: Path) -> bytes:
    """What a document says, not how it was zipped.

    A .docx is a zip whose entries carry the time they were written, so the same paper rendered
    twice has different bytes; hashing the entries' names and contents lets a re-rendered but
    unchanged paper hit the cache. Anything that is not a readable zip is hashed byte for byte.
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


class CachingConverter:
    """Wraps a converter: a document whose content, converter version and options were converted
    before is never converted again."""

    def __init__(self, inner: Converter, directory: Path | None = None) -> None:
        self.inner = inner
        self.directory = directory or cache_dir()
        self.hits = 0
        self.misses = 0

    def version(self) -> str:
        return self.inner.version()

    def key(self, document: Path) -> str:
        h = hashlib.sha256()
        h.update(self.inner.version().encode() + b"\0")
        h.update(document.suffix.lower().encode() + b"\0")
        try:
            h.update(content_digest(document))
        except OSError as exc:
            raise ConversionError(
                f"cannot read this document ({exc.strerror})", Source(document)
            ) from None
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pdf"

    def convert(self, documents: Sequence[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        keys = [self.key(d) for d in documents]
        # one document converted once, even if it appears twice in a build
        missing: dict[str, Path] = {}
        for doc, key in zip(documents, keys, strict=True):
            if key not in missing and not self._path(key).exists():
                missing[key] = doc
        if missing:
            converted = self.inner.convert(list(missing.values()), outdir / "fresh")
            for key, pdf in zip(missing, converted, strict=True):
                target = self._path(key)
                target.parent.mkdir(parents=True, exist_ok=True)
                # written aside then renamed: a build stopped half way never leaves half a PDF
                tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                shutil.copyfile(pdf, tmp)
                os.replace(tmp, target)
        self.misses += len(missing)
        self.hits += len(documents) - len(missing)
        return [self._path(k) for k in keys]
