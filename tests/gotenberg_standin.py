"""A local stand-in for Gotenberg, for the Gotenberg converter's tests (Gotenberg cannot run here).

It speaks the documented LibreOffice route, `POST /forms/libreoffice/convert` with the document as
the multipart form file ``files`` and options as form fields, plus `GET /version`, on 127.0.0.1.
Like one Gotenberg container it converts one document at a time with a real LibreOffice (the
system's `soffice`, run here directly, not through packbuilder's converter), answers 400 when
LibreOffice makes nothing of the document, and can be told to answer 429 or 503 or to hang, to
test the client's retries and timeouts:

    with GotenbergStandIn() as service:
        service.script = [429, 503]      # the next two conversion requests get these
        ... Gotenberg(service.url) ...
        service.requests                 # what each request carried
"""

from __future__ import annotations

import email.parser
import email.policy
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

VERSION = "8.20.1-standin"
ROUTE = "/forms/libreoffice/convert"
# what Gotenberg asks of LibreOffice when the form says pdfua=true: a tagged PDF/UA export
PDFUA_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)
HANG = "hang"


@dataclass
class Request:
    fields: dict[str, str]
    files: list[str]  # the names of the form files called "files"
    answered: int = 0


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """The fields and the files called "files" of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: list[tuple[str, bytes]] = []
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename and name == "files":
            files.append((filename, payload))
        elif name:
            fields[str(name)] = payload.decode()
    return fields, files


class GotenbergStandIn:
    """The stand-in service, started by ``with``; `url` is where it listens."""

    def __init__(self, hang_seconds: float = 5.0) -> None:
        self.script: list[int | str] = []  # answers to give before converting: 429, 503, HANG
        self.requests: list[Request] = []
        self.hang_seconds = hang_seconds
        self._convert_lock = threading.Lock()  # one LibreOffice, one document at a time
        self._script_lock = threading.Lock()
        self._home = Path(tempfile.mkdtemp(prefix="gotenberg-standin-"))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.handle_error = lambda *args: None  # type: ignore[method-assign] # a client that gave up
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._home, ignore_errors=True)

    def _next_scripted(self) -> int | str | None:
        with self._script_lock:
            return self.script.pop(0) if self.script else None

    def convert(self, name: str, content: bytes, fields: dict[str, str]) -> bytes | None:
        """The PDF LibreOffice makes of the document, or None if it makes none."""
        options = PDFUA_FILTER if fields.get("pdfua") == "true" else "pdf"
        with self._convert_lock, tempfile.TemporaryDirectory(dir=self._home) as tmp:
            src = Path(tmp) / Path(name).name
            src.write_bytes(content)
            subprocess.run(
                ["soffice", f"-env:UserInstallation={(self._home / 'profile').as_uri()}",
                 "--headless", "--norestore", "--convert-to", options, "--outdir", tmp, str(src)],
                capture_output=True, timeout=120, check=False, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            pdf = src.with_suffix(".pdf")
            return pdf.read_bytes() if pdf.is_file() else None

    def respond(
        self, fields: dict[str, str], files: list[tuple[str, bytes]]
    ) -> tuple[int, bytes, str]:
        """Status, body and content type of the answer to one conversion request."""
        request = Request(fields, [f for f, _ in files])
        self.requests.append(request)
        scripted = self._next_scripted()
        if scripted == HANG:
            time.sleep(self.hang_seconds)
            scripted = 503  # Gotenberg's own time limit, if the client still waits
        if isinstance(scripted, int):
            status, body = scripted, b"scripted answer"
        elif len(files) != 1:
            status, body = 400, b"this stand-in converts exactly one file per request"
        else:
            pdf = self.convert(*files[0], fields)
            status, body = (200, pdf) if pdf else (400, b"LibreOffice failed to process a file")
        request.answered = status
        return status, body, "application/pdf" if status == 200 else "text/plain"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def _answer(self, status: int, body: bytes, kind: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if status in (429, 503):
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path == "/version":
                    self._answer(200, VERSION.encode())
                elif self.path == "/health":
                    self._answer(200, b'{"status":"up"}', "application/json")
                else:
                    self._answer(404, b"Not Found")

            def do_POST(self) -> None:
                if self.path != ROUTE:
                    self._answer(404, b"Not Found")
                    return
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                fields, files = parse_form(self.headers["Content-Type"], body)
                self._answer(*service.respond(fields, files))

        return Handler
