"""A Word paper's fields that name its own file print what Word shows, never the build's scratch.

LibreOffice works FILENAME out anew from the file it was given: the converter's copy, so a
public pack printed "/tmp/packbuilder-lo-.../in/d0003.docx" wherever a report's footer had
``{ FILENAME \\p }``: a server's path, and the wrong text. The converter's copy of a paper now
holds such fields as text: the paper's own name (Word's FILENAME; with ``\\p`` Word shows the
folders of the author's computer, which are not the public's business either), and for a
TEMPLATE field its last result without folders. The papers are made as Word writes fields
(python-docx and the raw field XML), converted by the real LibreOffice and read back by pypdf.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader

from packbuilder.build import build
from packbuilder.convert.final import show_final
from tests.factory import make_meeting

NAME = "Budget report.docx"
AUTHORS = "C:\\Users\\jsmith\\Documents\\Budget report v3.docx"  # the result Word last showed


def _field(paragraph, instruction: str, result: str) -> None:  # type: ignore[no-untyped-def]
    """A complex field, as Word writes it: begin, instruction, separate, result, end."""
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:rPr><w:b/></w:rPr><w:t>{result}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    for run in parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"):
        paragraph._p.append(run)


def _simple(paragraph, instruction: str, result: str | None) -> None:  # type: ignore[no-untyped-def]
    inner = f"<w:r><w:t>{result}</w:t></w:r>" if result is not None else ""
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} ">{inner}</w:fldSimple>')
    )


def fields_paper(path: Path) -> Path:
    """A report whose body and footer name its own file in every way Word offers."""
    d = docx.Document()
    _field(d.add_paragraph("Name: "), "FILENAME", "Budget report v3.docx")
    _field(d.add_paragraph("Path: "), "FILENAME \\p", AUTHORS)
    _simple(d.add_paragraph("Simple path: "), "FILENAME \\p \\* MERGEFORMAT", AUTHORS)
    _simple(d.add_paragraph("Not yet shown: "), "FILENAME \\p", None)
    _field(d.add_paragraph("Lower case: "), "filename \\p", AUTHORS)
    template = "C:\\Users\\jsmith\\AppData\\Roaming\\Microsoft\\Templates\\Council report.dotm"
    _field(d.add_paragraph("Template: "), "TEMPLATE \\p", template)
    _field(d.add_paragraph("Property: "), 'DOCPROPERTY "Template"', "Council report.dotm")
    _field(d.add_paragraph("Page: "), "PAGE", "1")
    footer = d.sections[0].footer.paragraphs[0]
    footer.text = "Footer: "
    _field(footer, "FILENAME \\p", AUTHORS)
    d.save(path)
    return path


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _meeting(folder: Path, paper: str) -> Path:
    return make_meeting(folder, items=[{"title": "Budget", "papers": [paper]}], papers={})


def _paper_text(tmp_path: Path, folder: Path, libreoffice) -> str:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = build(folder, out, converter=libreoffice)
    (pack,) = [p.path for p in result.packs]
    return _text(pack)


SCRATCH = ("/tmp", "packbuilder-lo", "d000", "/in/", "pytest", str(Path.home()))


def test_show_final_writes_fields_naming_the_file_as_text(tmp_path: Path) -> None:
    paper = fields_paper(tmp_path / "copy.docx")
    show_final(paper, NAME)
    with zipfile.ZipFile(paper) as zf:
        body = zf.read("word/document.xml").decode()
        footer = "".join(zf.read(n).decode() for n in zf.namelist() if "footer" in n)
    for xml in (body, footer):
        assert "FILENAME" not in xml.upper()
        assert "jsmith" not in xml
    assert body.count(NAME) == 5 and footer.count(NAME) == 1
    assert "Council report.dotm" in body and "TEMPLATE" not in body
    assert "PAGE" in body  # other fields are LibreOffice's to work out
    assert "<w:b/>" in body  # the result keeps its look


@pytest.mark.libreoffice
def test_a_word_papers_own_file_name_fields_print_its_name_not_the_servers_path(
    tmp_path: Path, libreoffice
) -> None:
    folder = _meeting(tmp_path / "meeting", NAME)
    fields_paper(folder / NAME)
    text = _paper_text(tmp_path, folder, libreoffice)
    for line in ("Name: ", "Path: ", "Simple path: ", "Not yet shown: ", "Lower case: "):
        assert f"{line}{NAME}" in text, text
    assert f"Footer: {NAME}" in text
    assert "Template: Council report.dotm" in text and "Property: Council report.dotm" in text
    assert "jsmith" not in text and "v3" not in text
    for scratch in SCRATCH:
        assert scratch not in text, text


@pytest.mark.libreoffice
def test_a_renamed_paper_prints_its_new_name_though_its_content_is_converted_already(
    tmp_path: Path, libreoffice
) -> None:
    folder = _meeting(tmp_path / "meeting", NAME)
    fields_paper(folder / NAME)
    assert f"Name: {NAME}" in _paper_text(tmp_path, folder, libreoffice)
    (folder / NAME).rename(folder / "Budget report final.docx")
    _meeting(folder, "Budget report final.docx")
    text = _paper_text(tmp_path, folder, libreoffice)
    assert "Name: Budget report final.docx" in text and f"Footer: {NAME}" not in text


@pytest.mark.libreoffice
@pytest.mark.parametrize("suffix", [".odt", ".doc", ".rtf"])
def test_other_word_formats_print_their_own_name_too(
    tmp_path: Path, libreoffice, suffix: str
) -> None:
    """An .odt holds LibreOffice's own file-name field; a .doc or .rtf is saved as an .odt by
    the converter first, where its FILENAME fields become those."""
    made = tmp_path / "made"
    fields_paper(tmp_path / NAME)
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", suffix[1:], "--outdir", str(made), str(tmp_path / NAME)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    name = f"Budget report{suffix}"
    folder = _meeting(tmp_path / "meeting", name)
    shutil.copyfile(made / name, folder / name)
    text = _paper_text(tmp_path, folder, libreoffice)
    assert f"Path: {name}" in text and f"Footer: {name}" in text, text
    for scratch in (*SCRATCH, str(tmp_path)):
        assert scratch not in text, text


def test_a_file_name_field_inside_another_fields_result_is_written_as_text_too(
    tmp_path: Path,
) -> None:
    """A FILENAME inside a hyperlink's shown text: the inner field is frozen, the outer kept."""
    d = docx.Document()
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> HYPERLINK "https://example.org/" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> FILENAME \\p </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{AUTHORS}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    paragraph = d.add_paragraph()
    for run in parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"):
        paragraph._p.append(run)
    paper = tmp_path / "copy.docx"
    d.save(paper)
    show_final(paper, NAME)
    with zipfile.ZipFile(paper) as zf:
        body = zf.read("word/document.xml").decode()
    assert "FILENAME" not in body and "jsmith" not in body and NAME in body
    assert "HYPERLINK" in body and body.count('w:fldCharType="begin"') == 1
