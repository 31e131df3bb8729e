"""The benchmark's meeting: Word reports and appendix PDFs, at any size, with an exempt item.

A large pack is mostly appendices that arrive as PDFs: strategies full of text, data tables, pages
of photographs and charts, landscape spreadsheets. We make each kind as a Word document and convert
it once with LibreOffice, as its author would have (tagged, as the accessibility regulations ask);
the PDFs are kept in ``bench/work/appendices``
so that regenerating the meeting never re-measures their conversion. The Word reports (2 to 30
pages) stay Word documents: converting them is part of every build.

The base meeting has 12 items, 10 reports and about 1,050 appendix pages (about 1,230 pages in the
pack); one item is exempt (a Part II item), so every build makes a public pack and a private one.
`make_meeting(pages)` grows it to about `pages` pages as a larger meeting grows: more items, each a
report with its appendices, cycling through the base meeting's papers (copies under new names, so
every paper is read and copied on its own). Grown meetings are 1,000, 2,000 and 4,000 pages in the
benchmark.

Everything is deterministic (a seeded random generator), so two machines measure the same meeting.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl import Workbook
from pypdf import PdfReader

WORK = Path(__file__).resolve().parent / "work"
MEETING = WORK / "meeting"
APPENDICES = WORK / "appendices"
# bump when the appendix recipes change, so cached PDFs are remade
GENERATION = "4"  # 4: exported tagged (PDF/UA), as an officer meeting the accessibility rules would

WORDS = [
    "partnership",
    "community",
    "safety",
    "residents",
    "council",
    "police",
    "health",
    "probation",
    "voluntary",
    "sector",
    "commissioning",
    "outcomes",
    "priority",
    "funding",
    "evaluation",
    "violence",
    "exploitation",
    "prevention",
    "housing",
    "support",
    "services",
    "board",
    "strategy",
    "delivery",
    "quarter",
    "performance",
    "indicator",
    "target",
    "review",
    "evidence",
    "assessment",
    "risk",
    "children",
    "families",
    "young",
    "people",
    "neighbourhood",
    "reduction",
    "reoffending",
    "victims",
    "consultation",
    "engagement",
    "governance",
    "assurance",
    "budget",
    "allocation",
    "recommendation",
    "progress",
]


@dataclass(frozen=True)
class Appendix:
    name: str
    kind: str  # text | tables | images | landscape
    units: int  # paragraphs, table rows, images or landscape rows: roughly sets the page count


# About 1,000 pages in all, in the proportions of real packs (mostly text and tables).
APPENDICES_SPEC = [
    Appendix("Appendix A - Strategic assessment 2019-20", "text", 900),
    Appendix("Appendix B - Crime and disorder data tables", "tables", 2600),
    Appendix("Appendix C - Site visit photographs", "images", 60),
    Appendix("Appendix D - Commissioning budget by service (landscape)", "landscape", 1500),
    Appendix("Appendix E - Community consultation responses", "text", 700),
    Appendix("Appendix F - Performance scorecard", "tables", 1600),
    Appendix("Appendix G - Hate crime charts", "images", 40),
    Appendix("Appendix H - Partner action plans (landscape)", "landscape", 900),
]

# (file name, approximate pages) of the officers' Word reports
REPORTS = [
    ("Minutes of the last meeting.docx", 4),
    ("Chair's update.docx", 2),
    ("Strategic assessment covering report.docx", 8),
    ("Serious violence duty.docx", 12),
    ("Commissioning plan 2020-21.docx", 30),
    ("Evaluation return 2018-19.docx", 18),
    ("Hate crime and Welcoming City.docx", 6),
    ("Domestic abuse services review.docx", 24),
    ("Prevent annual report.docx", 10),
    ("Partnership restructure.docx", 3),
]

# (title, reports, appendices) for the 12 agenda items; numbers index REPORTS and APPENDICES_SPEC
ITEMS: list[tuple[str, list[int], list[int]]] = [
    ("Apologies and declarations of interest", [], []),
    ("Minutes of the last meeting", [0], []),
    ("Chair's update", [1], []),
    ("Strategic assessment 2019-20", [2], [0, 1]),
    ("Serious violence duty", [3], [2]),
    ("Commissioning plan 2020-21", [4], [3]),
    ("Evaluation return 2018-19", [5], [5]),
    ("Hate crime and Welcoming City", [6], [6]),
    ("Domestic abuse services review", [7], [4]),
    ("Prevent annual report", [8], [7]),
    ("Partnership restructure", [9], []),
    ("Date of the next meeting", [], []),
]

# The Part II item: the public pack leaves its papers out, the private pack has them all
EXEMPT_ITEM = "Domestic abuse services review"
EXEMPT_PARAGRAPH = 3
# Items that may repeat when the meeting grows (the ones with papers)
GROWABLE = [i for i, (_, reports, apps) in enumerate(ITEMS) if reports or apps]

# The cell the rebuild benchmark changes: item 4's purpose, column D of the Agenda sheet, which the
# frontsheet prints
CHANGED_CELL = ("Agenda", "D5")


def sentence(rng: random.Random, words: int = 18) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng, rng.randint(10, 24)) for _ in range(sentences))


def png(width: int, height: int, seed: int) -> bytes:
    """A photograph-like RGB PNG (gradients and grain), written without an imaging library."""
    rng = random.Random(seed)
    fx, fy = rng.uniform(0.5, 3), rng.uniform(0.5, 3)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            g = rng.randint(0, 24)
            r = int(110 + 90 * ((x * fx / width) % 1)) + g
            gg = int(90 + 100 * ((y * fy / height) % 1)) + g
            b = int(60 + 60 * (((x + y) / (width + height)) % 1)) + g
            row += bytes((min(r, 255), min(gg, 255), min(b, 255)))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _document(landscape: bool = False):  # type: ignore[no-untyped-def]
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    return doc


def _table(doc, rng: random.Random, rows: int, cols: int) -> None:  # type: ignore[no-untyped-def]
    t = doc.add_table(rows=1, cols=cols)
    t.style = doc.styles["Table Grid"]
    heads = ["Area", "Measure"] + [f"Q{i}" for i in range(1, cols - 1)]
    for cell, head in zip(t.rows[0].cells, heads, strict=True):
        cell.text = head
    for _ in range(rows):
        cells = t.add_row().cells
        cells[0].text = rng.choice(WORDS).title() + " " + rng.choice(WORDS)
        cells[1].text = sentence(rng, 4)
        for cell in cells[2:]:
            cell.text = f"{rng.randint(0, 99999):,}"


def appendix_docx(spec: Appendix, path: Path, seed: int) -> None:
    rng = random.Random(seed)
    doc = _document(landscape=spec.kind == "landscape")
    doc.add_heading(spec.name, 0)
    if spec.kind == "text":
        for i in range(spec.units):
            if i % 12 == 0:
                doc.add_heading(f"{i // 12 + 1}. {sentence(rng, 5)[:-1]}", 1)
            doc.add_paragraph(paragraph(rng))
    elif spec.kind == "tables":
        for part in range(spec.units // 200):
            doc.add_heading(f"Table {part + 1}: {sentence(rng, 4)[:-1]}", 2)
            _table(doc, rng, 200, 6)
    elif spec.kind == "landscape":
        for part in range(spec.units // 150):
            doc.add_heading(f"Schedule {part + 1}", 2)
            _table(doc, rng, 150, 12)
    elif spec.kind == "images":
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(spec.units):
                image = Path(tmp) / f"{i}.png"
                image.write_bytes(png(480, 320, seed * 1000 + i))
                doc.add_heading(f"Figure {i + 1}", 2)
                doc.add_picture(str(image), width=Cm(16))
                doc.add_paragraph(paragraph(rng, 3))
                doc.add_page_break()
    else:
        raise ValueError(spec.kind)
    doc.save(str(path))


def report_docx(title: str, pages: int, path: Path, seed: int) -> None:
    """An officer's report: headings, paragraphs and a table, about `pages` pages long."""
    rng = random.Random(seed)
    doc = _document()
    doc.add_heading(title.removesuffix(".docx"), 0)
    doc.add_paragraph("Report of the Head of Community Connections. Date: 5 March 2020.")
    for section in range(max(1, round(pages * 1.5))):
        doc.add_heading(f"{section + 1}. {sentence(rng, 4)[:-1]}", 1)
        for _ in range(4):
            doc.add_paragraph(paragraph(rng))
        if section % 3 == 2:
            _table(doc, rng, 8, 5)
    doc.save(str(path))


def soffice_convert(docs: list[Path], outdir: Path) -> None:
    """Convert once with LibreOffice, as the appendices' authors did (never measured): tagged, as
    the accessibility regulations ask of them, so that the packs measured are fully tagged and
    their structure trees are merged (the harder case: an untagged appendix has none to merge)."""
    from packbuilder.convert.libreoffice import PDF_FILTER

    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                PDF_FILTER,
                "--outdir",
                str(outdir),
                *map(str, docs),
            ],
            check=True,
            capture_output=True,
            timeout=1800,
        )


def make_appendices() -> list[Path]:
    """The appendix PDFs, converted once and cached in bench/work/appendices."""
    APPENDICES.mkdir(parents=True, exist_ok=True)
    stamp = APPENDICES / "GENERATION"
    if not stamp.exists() or stamp.read_text() != GENERATION:
        for old in APPENDICES.glob("*.pdf"):
            old.unlink()
    pdfs = [APPENDICES / f"{a.name}.pdf" for a in APPENDICES_SPEC]
    todo = [(i, a) for i, a in enumerate(APPENDICES_SPEC) if not pdfs[i].exists()]
    if todo:
        print(f"generating {len(todo)} appendices (once; cached in {APPENDICES})", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            docs = []
            for i, spec in todo:
                doc = Path(tmp) / f"{spec.name}.docx"
                appendix_docx(spec, doc, seed=100 + i)
                docs.append(doc)
            soffice_convert(docs, APPENDICES)
        stamp.write_text(GENERATION)
    return pdfs


def meeting_workbook(path: Path, items: list[tuple[str, list[str]]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Meeting"
    for row in [
        ("Field", "Value"),
        ("Body", "Safer Plymouth Partnership Board"),
        ("Date", dt.datetime(2020, 3, 5)),
        ("Start time", dt.time(13, 0)),
        ("End time", dt.time(16, 0)),
        ("Venue", "Warspite Room, Council House, Plymouth"),
        ("Chair", "Chief Superintendent Dave Thorne"),
        ("Contact name", "Amelia Boulter, Democratic Advisor"),
        ("Contact phone", "01752 304570"),
        ("Contact email", "democratic.support@plymouth.gov.uk"),
    ]:
        ws.append(row)
    ag = wb.create_sheet("Agenda")
    ag.append(
        ["Item", "Title", "Lead", "Purpose", "Time allowed", "Papers", "Status", "Exempt paragraph"]
    )
    last = len(items)
    for n, (title, papers) in enumerate(items, start=1):
        purpose = f"To consider the {title.lower()} and agree the recommendations."
        status = None if papers or n in (1, last) else "verbal"
        exempt = EXEMPT_PARAGRAPH if title.startswith(EXEMPT_ITEM) else None
        ag.append([n, title, "AM", purpose, 10, "\n".join(papers) or None, status, exempt])
    wb.save(path)


def set_changed_cell(meeting: Path, value: str) -> None:
    """Change one cell of meeting.xlsx, as an advisor would on deadline day."""
    from openpyxl import load_workbook

    wb = load_workbook(meeting / "meeting.xlsx")
    sheet, cell = CHANGED_CELL
    wb[sheet][cell] = value
    wb.save(meeting / "meeting.xlsx")


def _copy_name(name: str, copy: int) -> str:
    """The file name of the `copy`th copy of a paper (the first keeps its name)."""
    if copy == 0:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem} (part {copy + 1}).{ext}"


def plan_items(
    pages: int | None, appendix_pages: list[int]
) -> list[tuple[str, list[int], list[int], int]]:
    """The agenda as (title, reports, appendices, copy).

    The base meeting when `pages` is None. Otherwise: the items with papers, in order and then
    again as further copies, until the meeting has about `pages` pages; the Part II item last, as
    councils take them (after the press and public are excluded); apologies first and the date of
    the next meeting at the end, as in the base meeting."""
    if pages is None:
        return [(title, reports, apps, 0) for title, reports, apps in ITEMS]

    def size(reports: list[int], apps: list[int]) -> int:
        return sum(REPORTS[r][1] for r in reports) + sum(appendix_pages[a] for a in apps)

    cycle = [ITEMS[i] for i in GROWABLE if ITEMS[i][0] != EXEMPT_ITEM]
    exempt = next(item for item in ITEMS if item[0] == EXEMPT_ITEM)
    body: list[tuple[str, list[int], list[int], int]] = []
    total, n = size(exempt[1], exempt[2]), 0
    while total < pages * 0.97:
        title, reports, apps = cycle[n % len(cycle)]
        copy = n // len(cycle)
        body.append((f"{title} (part {copy + 1})" if copy else title, reports, apps, copy))
        total += size(reports, apps)
        n += 1
    first, last = ITEMS[0], ITEMS[-1]
    return [
        (first[0], [], [], 0),
        *body,
        (exempt[0], exempt[1], exempt[2], 0),
        (last[0], [], [], 0),
    ]


def make_meeting(pages: int | None = None, folder: Path = MEETING) -> Path:
    """(Re)write `folder`: meeting.xlsx, the Word reports and the appendix PDFs, grown to about
    `pages` pages (the base meeting when None)."""
    appendices = make_appendices()
    counts = [len(PdfReader(p).pages) for p in appendices]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    items = []
    for title, reports, apps, copy in plan_items(pages, counts):
        names = []
        for r in reports:
            name = _copy_name(REPORTS[r][0], copy)
            if not (folder / name).exists():
                report_docx(
                    name.removesuffix(".docx"), REPORTS[r][1], folder / name, seed=r + 1000 * copy
                )
            names.append(name)
        for a in apps:
            name = _copy_name(appendices[a].name, copy)
            if not (folder / name).exists():
                shutil.copyfile(appendices[a], folder / name)
            names.append(name)
        items.append((title, names))
    meeting_workbook(folder / "meeting.xlsx", items)
    return folder


def input_pdfs(meeting: Path) -> list[Path]:
    return sorted(meeting.glob("*.pdf"))


def appendix_pages(meeting: Path) -> int:
    return sum(len(PdfReader(p).pages) for p in input_pdfs(meeting))


if __name__ == "__main__":
    import sys

    folder = make_meeting(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"{folder}: {appendix_pages(folder)} appendix pages")
