"""Throwaway meeting folders for tests (in the spirit of mkdocs' @tempdir(files=...)).

`make_meeting(tmp_path, items=[...])` writes meeting.xlsx and the papers it names: a paper given as
("name.pdf", pages) becomes a PDF of that many pages whose every page reads "<name> page <i>", so
tests can find each page of each paper in the pack; ("name.docx", paragraphs) a Word document.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

MEETING_FIELDS: dict[str, Any] = {
    "Body": "Test Partnership Board",
    "Date": dt.datetime(2020, 3, 5),
    "Start time": dt.time(14, 0),
    "Venue": "Room 1, Council House",
    "Contact name": "Ada Advisor",
}

AGENDA_HEADER = [
    "Item",
    "Title",
    "Lead",
    "Purpose",
    "Time allowed",
    "Papers",
    "Status",
    "Exempt paragraph",
    "Supplement",
]


def write_pdf(
    path: Path,
    pages: int,
    label: str | None = None,
    size: tuple[float, float] = (595.276, 841.89),
    rotate: int = 0,
) -> Path:
    """A PDF whose page i reads '<label> page i' (label defaults to the file stem)."""
    label = label or path.stem
    w = PdfWriter()
    font = w._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for i in range(1, pages + 1):
        page = w.add_blank_page(*size)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 14 Tf 72 400 Td ({label} page {i}) Tj ET".encode())
        page[NameObject("/Contents")] = w._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        if rotate:
            page.rotate(rotate)
    with open(path, "wb") as fh:
        w.write(fh)
    return path


def write_docx(path: Path, paragraphs: int = 3, label: str | None = None) -> Path:
    """A Word paper set for A4, as a UK council's Word makes it (python-docx's own template is
    US Letter, which a check warns about)."""
    from docx.shared import Mm

    label = label or path.stem
    doc = Document()
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
    doc.add_heading(label, 1)
    for i in range(paragraphs):
        doc.add_paragraph(f"{label} paragraph {i + 1}. " + "Lorem ipsum dolor sit amet. " * 20)
    doc.save(path)
    return path


def make_meeting(
    folder: Path,
    items: Sequence[dict[str, Any]],
    fields: dict[str, Any] | None = None,
    papers: dict[str, int] | None = None,
    header: Sequence[str] = AGENDA_HEADER,
) -> Path:
    """Write a meeting folder.

    Args:
        items: dicts with keys of AGENDA_HEADER in lower case ("item", "title", "papers", ...);
            "papers" is a list of file names. A row without "item" is numbered by its position
            unless it says "item": None (a heading or a break).
        header: the Agenda sheet's header (default AGENDA_HEADER), for extra columns such as
            Kind or Notes.
        papers: file name -> pages (PDF) or paragraphs (docx) to create; names not given are left
        out.
    """
    folder.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Meeting"
    ws.append(["Field", "Value"])
    for k, v in {**MEETING_FIELDS, **(fields or {})}.items():
        ws.append([k, v])
    ag = wb.create_sheet("Agenda")
    ag.append(list(header))
    for n, item in enumerate(items, start=1):
        row = dict(item)
        row.setdefault("item", n)
        row.setdefault("title", f"Item {n} title")
        names = row.get("papers") or []
        row["papers"] = "\n".join(names) if isinstance(names, list) else names
        ag.append([row.get(h.lower()) for h in header])
    wb.save(folder / "meeting.xlsx")
    for name, count in (papers or {}).items():
        path = folder / name
        if name.endswith(".pdf"):
            write_pdf(path, count)
        elif name.endswith(".docx"):
            write_docx(path, count)
    return folder


@dataclass
class CliResult:
    """What a command-line run printed and returned, as subprocess.run reports it."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> CliResult:
    """Run `packbuilder ARGS` in this process (click's runner) from folder `cwd`.

    The same command group, parsing and error handling as the installed command, without starting
    a new Python each time; tests of the real entry point run it as a subprocess.
    """
    from click.testing import CliRunner

    from packbuilder.cli import cli
    from packbuilder.settings import settings

    before = Path.cwd()
    os.chdir(cwd)
    settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(before)
        settings.cache_clear()
    return CliResult(result.exit_code, result.stdout, result.stderr)
