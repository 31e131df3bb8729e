"""Gotenberg as a `Converter`: documents converted by a conversion service over HTTP.

Gotenberg (gotenberg.dev) is the conversion service providers already run: stateless containers,
each with its own LibreOffice, scaled out behind a load balancer. Its LibreOffice route takes a
document as a multipart form and answers with the PDF:

    POST {url}/forms/libreoffice/convert    files=<the document>, pdfua=true

``pdfua=true`` asks LibreOffice for a tagged PDF/UA export (Gotenberg passes LibreOffice's
``PDFUACompliance``, which tags the PDF too), the same export the local converter asks for. The
PDF that comes back gets the same repair pass as a local conversion (`tagged.clean_converted`), so
a pack made through Gotenberg can claim PDF/UA on the same terms.

A busy Gotenberg answers 429 (its queue is full) or 503 (a conversion ran past its own time limit,
or the service is restarting its LibreOffice); both, and a connection that fails or times out, are
tried again after a growing pause (``Retry-After`` when the service sends one). A 400 means
LibreOffice could not convert the document: the error names the user's file at once. One build
sends up to ``PACKBUILDER_GOTENBERG_CONCURRENCY`` documents at a time, so a pool of containers
converts one build's papers side by side.

A .doc or .rtf paper that may hold tracked changes is refused rather than sent: its LibreOffice
would print them struck through, and it answers only PDF, so the paper cannot be saved as an .odt
first as a local conversion does (`final.SAVED_FIRST`).

httpx rather than the standard library: separate connect and read timeouts, a multipart body
streamed from the file rather than built in memory (papers run to 100 MB), and one pooled,
thread-safe client for the concurrent requests.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from packbuilder.convert.final import MARK as FINAL
from packbuilder.convert.final import (
    SAVED_FIRST,
    has_tracked_changes,
    names_itself,
    own_name,
    show_final,
    unhidden_changes,
)
from packbuilder.convert.protocol import (
    ConversionStats,
    Converter,
    check_sources,
    handed_over,
    source_of,
)
from packbuilder.errors import ConversionError, Source
from packbuilder.settings import Settings, settings
from packbuilder.tagged import CLEANED_MARK, CLEANING, clean_converted

ROUTE = "/forms/libreoffice/convert"
# the form fields of every request: a tagged PDF/UA export, as the local converter asks for
FORM = {"pdfua": "true"}
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CONNECT_TIMEOUT = 10.0
RETRIES = 4  # after the first attempt
BACKOFF = 1.0  # seconds before the first retry; doubled each time
MAX_PAUSE = 30.0


class Gotenberg(Converter):
    """Converts documents with the Gotenberg service at `url`.

    Args:
        url: the service's base address, e.g. ``http://gotenberg:3000``.
        settings: timeouts and concurrency (default: the process's settings).
        retries: attempts after the first for a busy or unreachable service.
        backoff: seconds before the first retry, doubled for each one after.
        sleep: how to wait between attempts (tests pass a recorder).
    """

    def __init__(
        self,
        url: str,
        *,
        settings: Settings | None = None,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or _settings()
        self.url = url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.concurrency = self.settings.gotenberg_concurrency
        # Gotenberg's own time limit on a conversion is 30 s by default; ours is the longer wait
        # for the answer, so that its 503 (which we retry) comes before our timeout
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.settings.convert_timeout, connect=CONNECT_TIMEOUT),
            limits=httpx.Limits(max_connections=self.concurrency),
        )
        self._version: str | None = None
        self._lock = threading.Lock()
        self._converted = 0

    def version(self) -> str:
        """The service's version (``GET /version``): a new Gotenberg brings a new LibreOffice, so
        it starts a new cache.

        Raises:
            ConversionError: the service cannot be reached.
        """
        if self._version is None:
            try:
                answer = self._send(lambda: self.client.get(f"{self.url}/version"), None)
                served = answer.text.strip() or "unknown"
            except _Unavailable as exc:
                raise ConversionError(
                    f"cannot reach the conversion service at {self.url} ({exc}); check "
                    "PACKBUILDER_GOTENBERG_URL and that the service is running, or unset it to "
                    "convert with the local LibreOffice"
                ) from None
            self._version = f"gotenberg:{served}|{FORM}|{CLEANED_MARK}{CLEANING}|{FINAL}"
        return self._version

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=self._converted)

    def close(self) -> None:
        self.client.close()

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
        outdir.mkdir(parents=True, exist_ok=True)
        jobs = [(i, d, source_of(d, sources, i)) for i, d in enumerate(documents)]
        handed_over()  # the service's work from here (what is left here is waiting on it)
        if len(jobs) == 1 or self.concurrency == 1:
            return [self._convert_one(*job, outdir) for job in jobs]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(jobs))) as pool:
            futures = [pool.submit(self._convert_one, *job, outdir) for job in jobs]
            # the first document that failed, in batch order, is the one the error names
            return [f.result() for f in futures]

    def _convert_one(self, index: int, document: Path, source: Source, outdir: Path) -> Path:
        tag = hashlib.sha1(str(document).encode()).hexdigest()[:8]
        dest = outdir / f"{index:04d}-{tag}.pdf"
        # an ASCII name with the document's own extension, which Gotenberg picks the filter by
        name = f"d{index:04d}{document.suffix.lower()}"
        if unhidden_changes(document):  # (`final.SAVED_FIRST`: it answers only PDF)
            raise ConversionError(
                f"the conversion service at {self.url} would print this paper's tracked changes "
                f"(deleted text struck through): it cannot hide them in a {document.suffix} "
                "file; save it as .docx in Word, or build with the local LibreOffice",
                source,
            )
        named = names_itself(document)
        if named and document.suffix.lower() in SAVED_FIRST:
            raise ConversionError(
                f"the conversion service at {self.url} would print its own folders where this "
                "paper's FILENAME field names its file: it cannot change the field in a "
                f"{document.suffix} file; save it as .docx in Word, or build with the local "
                "LibreOffice",
                source,
            )
        try:
            with contextlib.ExitStack() as stack:
                # sent as Word shows it: changes accepted, fields naming its file the paper's name
                if named or has_tracked_changes(document):
                    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                    original = document
                    document = Path(shutil.copyfile(document, folder / name))
                    show_final(document, own_name(original, source))
                fh = stack.enter_context(open(document, "rb"))

                def post() -> httpx.Response:
                    fh.seek(0)
                    return self.client.post(
                        self.url + ROUTE,
                        data=FORM,
                        files={"files": (name, fh, "application/octet-stream")},
                        headers={"Gotenberg-Output-Filename": name.rsplit(".", 1)[0]},
                    )

                answer = self._send(post, source)
        except OSError as exc:
            raise ConversionError(
                f"cannot read this document ({exc.strerror}); check it is there and can be read, "
                "and build again",
                source,
            ) from None
        except _Unavailable as exc:
            raise ConversionError(
                f"the conversion service at {self.url} did not convert this document ({exc}, "
                f"{self.retries + 1} attempts); check that the service is running and not "
                "overloaded, then build again",
                source,
            ) from None
        body = answer.content
        if not body.startswith(b"%PDF-") or b"%%EOF" not in body[-1024:]:
            raise ConversionError(
                f"the conversion service at {self.url} sent back something that is not a whole "
                "PDF for this document; build again, and check the service if it happens again",
                source,
            )
        tmp = dest.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_bytes(body)
            os.replace(tmp, dest)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        try:
            clean_converted(dest)
        except Exception as exc:  # noqa: BLE001 - pikepdf raises several kinds on a bad file
            raise ConversionError(
                f"the conversion service made a PDF of this document that cannot be read "
                f"({type(exc).__name__}); open it in Word, save it again and build again",
                source,
            ) from None
        with self._lock:
            self._converted += 1
        return dest

    def _send(self, request: Callable[[], httpx.Response], source: Source | None) -> httpx.Response:
        """Send `request`, again after a pause while the service is busy or unreachable.

        Raises:
            _Unavailable: still busy or unreachable after every retry.
            ConversionError: the service refused the document (4xx), naming `source`.
        """
        for attempt in range(self.retries + 1):
            pause = self.backoff * 2**attempt
            try:
                answer = request()
            except httpx.TimeoutException:
                problem = "no answer in time"
            except httpx.TransportError as exc:
                problem = f"cannot connect: {type(exc).__name__}"
            else:
                if answer.is_success:
                    return answer
                if answer.status_code not in RETRY_STATUSES:
                    raise ConversionError(_refusal(answer, self.url), source)
                problem = f"it answered {answer.status_code} {answer.reason_phrase}"
                pause = max(pause, _retry_after(answer))
            if attempt < self.retries:
                self.sleep(min(pause, MAX_PAUSE))
        raise _Unavailable(problem)


class _Unavailable(Exception):
    """The service stayed busy or unreachable through every retry."""


def _refusal(answer: httpx.Response, url: str) -> str:
    """The error for a document the service refused: LibreOffice could not convert it."""
    said = " ".join(answer.text.split())[:200]
    return (
        f"the conversion service at {url} could not convert this document ({answer.status_code}"
        f"{': ' + said if said else ''}); open it in Word or LibreOffice, check it opens, save "
        "it again and build again"
    )


def _retry_after(answer: httpx.Response) -> float:
    """Seconds the service asked us to wait (``Retry-After``: seconds or a date), else 0."""
    value = answer.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    return 0.0


def _settings() -> Settings:
    return settings()
