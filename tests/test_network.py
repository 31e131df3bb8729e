"""No network access is ever made: a Word paper linking an image from the web must not fetch it."""

from __future__ import annotations

import http.server
import re
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document

from packbuilder.convert import LibreOffice, no_network_prefix
from packbuilder.settings import Settings

pytestmark = pytest.mark.libreoffice


def _png() -> bytes:
    """A 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


PNG = _png()


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *_args) -> None:  # type: ignore[no-untyped-def]
        pass


def linked_image_docx(path: Path, url: str) -> Path:
    """A .docx whose picture is linked (r:link, TargetMode External), not embedded."""
    img = path.with_suffix(".png")
    img.write_bytes(PNG)
    doc = Document()
    doc.add_paragraph("A report with a picture from the web.")
    doc.add_picture(str(img))
    doc.save(path)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                text = data.decode()
                text = re.sub(
                    r'Target="media/[^"]+"', f'Target="{url}" TargetMode="External"', text
                )
                data = text.encode()
            elif item.filename == "word/document.xml":
                data = data.replace(b"r:embed=", b"r:link=")
            dst.writestr(item, data)
    tmp.replace(path)
    return path


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Counter.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_linked_images_are_not_fetched(tmp_path, server):
    doc = linked_image_docx(tmp_path / "linked.docx", f"{server}/pixel.png")
    if not no_network_prefix():
        pytest.fail("no network isolation available (unshare); LibreOffice could fetch links")
    lo = LibreOffice(settings=Settings(cache_dir=tmp_path / "cache"))
    out = lo.convert([doc], tmp_path / "out")
    assert out[0].read_bytes().startswith(b"%PDF")
    assert _Counter.hits == []


def test_the_test_can_see_a_fetch(tmp_path, server):
    """Without isolation LibreOffice does fetch the link: so the test above could fail."""
    allowed = Settings.from_env(
        {"PACKBUILDER_CONVERT_NETWORK": "allow", "PACKBUILDER_CACHE": str(tmp_path / "cache")}
    )
    doc = linked_image_docx(tmp_path / "linked.docx", f"{server}/pixel.png")
    LibreOffice(settings=allowed).convert([doc], tmp_path / "out")
    assert _Counter.hits, "LibreOffice did not fetch the linked image even with the network allowed"
