"""A rendered document is saved uncompressed, and its key does not depend on it.

A rendered document is scratch (its checks, its key, the published line's filling, the
converter's copy and LibreOffice read it), never published as it is: its parts are stored, not
deflated (`render._stored`), which python-docx is told through a module global for the save
alone. Published packs keep their keys (`rendered_key` is of the parts' contents), and every
other save, in this thread or another, still compresses.
"""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import docx
from docx.opc import phys_pkg

from packbuilder.render import render, rendered_key


def _template(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Report for {{ name }}")
    d.save(path)
    return path


def _rezipped(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
    return dst


def test_a_rendered_document_is_stored_and_keyed_by_its_contents(tmp_path: Path) -> None:
    out = render(_template(tmp_path / "t.docx"), {"name": "Audit & <Risk>"}, tmp_path / "o.docx")
    with zipfile.ZipFile(out) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        assert b"Audit &amp; &lt;Risk&gt;" in zf.read("word/document.xml")
    assert rendered_key(out) == rendered_key(_rezipped(out, tmp_path / "deflated.docx"))
    assert phys_pkg.ZIP_DEFLATED == zipfile.ZIP_DEFLATED  # put back after the save
    other = tmp_path / "other.docx"
    docx.Document().save(other)
    with zipfile.ZipFile(other) as zf:
        assert zipfile.ZIP_DEFLATED in {i.compress_type for i in zf.infolist()}


def test_renders_in_threads_leave_python_docx_compressing(tmp_path: Path) -> None:
    template = _template(tmp_path / "t.docx")

    def many(n: int) -> None:
        for k in range(15):
            render(template, {"name": f"{n}-{k}"}, tmp_path / f"o-{n}-{k}.docx")

    threads = [threading.Thread(target=many, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert phys_pkg.ZIP_DEFLATED == zipfile.ZIP_DEFLATED
