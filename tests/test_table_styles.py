"""A Word document's table styles that no table uses are not handed to LibreOffice.

Word's and python-docx's blank documents, and so packbuilder's templates and many officers'
papers, carry a hundred table styles, 310 KB of XML that LibreOffice reads in full before laying
out a page: 0.08 s of every frontsheet's conversion, on a rebuild's critical path. The converter's
copy of a .docx drops them (`final.show_final`); the ones a table names, what they are based on
and the default table style stay, so the pages are the same: shown here by the real LibreOffice
converting a paper with its styles dropped and as it is, and the pages drawn by pdftoppm.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from packbuilder.convert.final import show_final
from packbuilder.convert.libreoffice import LibreOffice

STYLED = "Light Grid Accent 1"  # shading and borders of its own, based on "Normal Table"


def _paper(path: Path, styles: tuple[str | None, ...] = (STYLED, None)) -> Path:
    """A paper with a table in each of `styles` (None: no style named, the default)."""
    d = docx.Document()
    d.add_heading("Budget monitoring", 1)
    for style in styles:
        t = d.add_table(rows=3, cols=3)
        if style is not None:
            t.style = d.styles[style]
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"Row {r} column {c}"
        d.add_paragraph("After the table.", style="List Bullet")
    d.save(path)
    return path


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _styles(path: Path, kind: str) -> set[str]:
    xml = _part(path, "word/styles.xml").decode()
    return set(re.findall(rf'<w:style w:type="{kind}"[^>]*w:styleId="([^"]+)"', xml))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _edit(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Replace `old` (once, and it must be there) with `new` in a part of a .docx."""
    parts = _parts(path)
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new, 1)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_unused_table_styles_are_dropped_and_the_rest_left_alone(tmp_path: Path) -> None:
    paper = _paper(tmp_path / "paper.docx")
    before = _parts(paper)
    tables_before = _styles(paper, "table")
    assert len(tables_before) > 90  # python-docx's blank document, as Word's
    show_final(paper, "paper.docx")
    # the named one, what it is based on, and the default (the table naming none)
    assert _styles(paper, "table") == {"LightGrid-Accent1", "TableNormal"}
    after = _parts(paper)
    assert after.keys() == before.keys()
    for name in before:
        if name != "word/styles.xml":
            assert after[name] == before[name], name
    for kind in ("paragraph", "character", "numbering"):
        assert _styles(paper, kind) == set(
            re.findall(
                rf'<w:style w:type="{kind}"[^>]*w:styleId="([^"]+)"',
                before["word/styles.xml"].decode(),
            )
        )


def test_a_style_based_on_another_keeps_it(tmp_path: Path) -> None:
    paper = _paper(tmp_path / "paper.docx", (STYLED,))
    # a table style of the paper's own, based on a built-in one, named in single quotes
    _edit(
        paper,
        "word/styles.xml",
        b"</w:styles>",
        b'<w:style w:type="table" w:styleId="Council&amp;Grid"><w:name w:val="Council Grid"/>'
        b'<w:basedOn w:val="MediumShading1-Accent2"/></w:style></w:styles>',
    )
    _edit(
        paper,
        "word/document.xml",
        b'<w:tblStyle w:val="LightGrid-Accent1"/>',
        b"<w:tblStyle w:val='Council&amp;Grid'/>",
    )
    show_final(paper, "paper.docx")
    assert _styles(paper, "table") == {"Council&amp;Grid", "MediumShading1-Accent2", "TableNormal"}


@pytest.mark.parametrize(
    "rebind",
    [
        (b"xmlns:w=", b"xmlns:ns0="),  # another prefix for the main namespace in the text
        (b"<w:document ", b'<w:document xmlns="http://schemas.openxmlformats.org/'
         b'wordprocessingml/2006/main" '),  # the main namespace as the default too
    ],
)  # fmt: skip
def test_a_document_written_otherwise_keeps_every_style(
    tmp_path: Path, rebind: tuple[bytes, bytes]
) -> None:
    """References the converter would not see under another prefix: nothing is dropped."""
    paper = _paper(tmp_path / "paper.docx")
    _edit(paper, "word/document.xml", *rebind)
    styles = _part(paper, "word/styles.xml")
    show_final(paper, "paper.docx")
    assert _part(paper, "word/styles.xml") == styles


def _pages(pdf: Path, into: Path) -> list[bytes]:
    into.mkdir()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(into / "p")], check=True)
    return [p.read_bytes() for p in sorted(into.glob("p*.png"))]


@pytest.mark.libreoffice
def test_the_pages_are_the_same_as_with_every_style(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    paper = _paper(tmp_path / "paper.docx")
    (converted,) = libreoffice.convert([paper], tmp_path / "out")  # (its copy: styles dropped)
    assert len(_styles(paper, "table")) > 90  # the paper itself untouched
    # the paper as it is, every style, by LibreOffice alone
    plain = tmp_path / "plain"
    plain.mkdir()
    soffice = shutil.which("soffice") or "soffice"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(plain), str(paper)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    ours, theirs = _pages(converted, tmp_path / "ours"), _pages(plain / "paper.pdf", tmp_path / "t")
    assert len(ours) == len(theirs) == 1
    assert ours == theirs
