"""Generate the example meeting in inputs/2020-03-05-safer-plymouth (modelled on seed 000).

Writes meeting.xlsx, officers' Word reports and appendix PDFs (converted once by LibreOffice and
committed, as an officer would send them). Data workbooks for generated documents (minutes,
commissioning plan, evaluation return) are made by their own scripts in tools/.

Run: .venv/bin/python tools/make_example.py [--appendices]
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).parent))
from docxkit import new_document, para, repeat_header, table  # noqa: E402

MEETING = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"

TAGGED_PDF = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)

LOREM = (
    "The partnership has continued to develop its approach to community safety across the city, working "
    "with statutory partners, the voluntary and community sector and residents. This paper sets out the "
    "progress made since the last meeting, the issues the board is asked to consider, and the next steps. "
)


def meeting_workbook() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Meeting"
    rows = [
        ("Field", "Value"),
        ("Body", "Safer Plymouth Partnership Board"),
        ("Date", dt.datetime(2020, 3, 5)),
        ("Start time", dt.time(13, 0)),
        ("End time", dt.time(15, 30)),
        ("Venue", "Warspite Room, Council House, Plymouth"),
        ("Chair", "Chief Superintendent Dave Thorne, Devon and Cornwall Police"),
        ("Contact name", "Amelia Boulter, Democratic Advisor"),
        ("Contact phone", "01752 304570"),
        ("Contact email", "democratic.support@plymouth.gov.uk"),
        ("Deadline rule", "england"),
    ]
    for r in rows:
        ws.append(r)
    ws["B3"].number_format = "dd/mm/yyyy"
    ws["B4"].number_format = "hh:mm"
    ws["B5"].number_format = "hh:mm"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    ag = wb.create_sheet("Agenda")
    ag.append(
        [
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
    )
    items = [
        (
            1,
            "Minutes of the last meeting",
            "Chair",
            "To agree the minutes of the meeting held on 30 September 2019 as a correct record.",
            10,
            "minutes-2019-09-30.xlsx",
            None,
            None,
            None,
        ),
        (
            2,
            "Equality Objectives and Welcoming City",
            "KM/LH",
            "To consult the partnership on the "
            "Council's equality objectives, in particular hate crime.",
            20,
            "Equality Objectives brief.docx\nAppendix A - Welcoming City charter.pdf",
            None,
            None,
            None,
        ),
        (
            3,
            "YOT Governance update",
            "JK",
            "To receive a verbal update.",
            15,
            None,
            "verbal",
            None,
            None,
        ),
        (
            4,
            "Safer Plymouth OPCC Commissioning Plan 2020/21",
            "LG",
            "To agree the draft spending plan for 2020/21 and note the 2018/19 evaluation return.",
            30,
            "commissioning-plan-2020-21.xlsx\nevaluation-return-2018-19.xlsx",
            None,
            None,
            None,
        ),
        (
            5,
            "Restructure update",
            "Theme Leads/AM",
            "To note progress on the partnership restructure.",
            15,
            "Restructure update.docx",
            "to follow",
            None,
            1,
        ),
        (
            6,
            "DHR Training",
            "AM",
            "To receive a presentation on Domestic Homicide Review training.",
            20,
            "Appendix B - DHR training programme.pdf",
            None,
            None,
            None,
        ),
        (
            7,
            "Performance update",
            "Analyst",
            "To receive the performance report.",
            15,
            "performance-report-2016-17.xlsx",
            None,
            None,
            None,
        ),
        (8, "Any other business", "Chair", None, 10, None, None, None, None),
        # exempt business last, as councils take it: the public pack leaves its papers out, so an
        # item after it would have other page numbers in the public pack than in the private one
        (None, "Part II: items not for publication", None, None, None, None, None, None, None),
        (
            9,
            "Domestic Homicide Review: commissioning of chair",
            "AM",
            "To approve the award of the DHR independent chair contract.",
            10,
            "DHR chair contract award.docx",
            None,
            3,
            None,
        ),
    ]
    for it in items:
        ag.append(list(it))
    for col, width in zip("ABCDEFGHI", (6, 45, 14, 50, 12, 40, 12, 16, 11), strict=True):
        ag.column_dimensions[col].width = width
    for row in ag.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for c in ag[1]:
        c.font = Font(bold=True)
    for c in ws[1]:
        c.font = Font(bold=True)
    wb.save(MEETING / "meeting.xlsx")


def word_report(
    name: str,
    title: str,
    sections: list[tuple[str, int]],
    author: str,
    folder: Path = MEETING,
) -> Path:
    doc = new_document()
    para(doc, "PLYMOUTH CITY COUNCIL", bold=True, size=10)
    para(doc, title, style="Title")
    para(doc, f"Report of: {author}", italic=True)
    for heading, paragraphs in sections:
        para(doc, heading, style="Heading 1")
        for i in range(paragraphs):
            para(doc, LOREM * (2 + i % 3))
            if i == 1:
                for b in (
                    "hate crime reporting and third-party reporting centres;",
                    "community cohesion and the Welcoming City charter;",
                    "training for front-line staff in trauma-informed practice.",
                ):
                    para(doc, b, style="List Bullet")
    doc.core_properties.title = title
    path = folder / name
    doc.save(path)
    return path


def appendix_pdf(
    name: str, title: str, pages: int, landscape: bool = False, folder: Path = MEETING
) -> None:
    doc = new_document(landscape=landscape)
    para(doc, title, style="Title")
    for p in range(pages):
        para(doc, f"Section {p + 1}", style="Heading 1")
        if landscape:
            t = table(doc, 8, [5.0, 2.5, 2.5, 2.5, 2.5, 2.5, 3.0, 5.0])
            head = t.add_row()
            for cell, text in zip(
                head.cells,
                ("Indicator", "Apr", "May", "Jun", "Jul", "Aug", "Target", "Comment"),
                strict=True,
            ):
                cell.text = text
            repeat_header(head)
            for r in range(14):
                row = t.add_row()
                row.cells[0].text = f"Indicator {p * 14 + r + 1}"
                for c in range(1, 7):
                    row.cells[c].text = str((r * 7 + c * 13) % 97)
                row.cells[7].text = "Within expected range"
        else:
            for _ in range(5):
                para(doc, LOREM * 2)
        if p < pages - 1:
            doc.add_page_break()
    doc.core_properties.title = title  # the PDF's title, shown by viewers and screen readers
    pdf_from_word(doc, folder / name)


def pdf_from_word(doc, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Save a python-docx document as PDF through LibreOffice, as an officer's PDF would be."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "appendix.docx"
        doc.save(src)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                # tagged PDF/UA, as an officer gets by ticking "PDF/UA" in Word's or LibreOffice's
                # export options: an accessible appendix
                TAGGED_PDF,
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copyfile(Path(tmp) / "appendix.pdf", out)


def appendices() -> None:
    appendix_pdf("Appendix A - Welcoming City charter.pdf", "Welcoming City charter", 3)
    appendix_pdf(
        "Appendix B - DHR training programme.pdf", "DHR training programme 2020", 2, landscape=True
    )


def main() -> None:
    if sys.argv[1:] == ["--appendices"]:  # remake only the appendix PDFs
        appendices()
        print("wrote the appendices in", MEETING)
        return
    MEETING.mkdir(parents=True, exist_ok=True)
    meeting_workbook()
    word_report(
        "Equality Objectives brief.docx",
        "Equality Objectives: Safer Plymouth Partnership brief",
        [("Background information", 3), ("Consultation", 2), ("Recommendations", 1)],
        "Policy and Intelligence Team",
    )
    word_report(
        "Restructure update.docx",
        "Safer Plymouth restructure: update from theme leads",
        [("Purpose", 1), ("Progress", 3), ("Next steps", 1)],
        "Community Connections",
    )
    word_report(
        "DHR chair contract award.docx",
        "Domestic Homicide Review: award of independent chair contract (exempt)",
        [("Tenders received", 2), ("Evaluation and prices", 2)],
        "Strategic Commissioning Manager",
    )
    appendices()
    print("wrote", MEETING)


if __name__ == "__main__":
    main()
