"""Loading a meeting folder into the model, checking everything before anything is built.

A meeting folder holds ``meeting.xlsx`` (sheets ``Meeting`` and ``Agenda``) and the papers the
agenda names. `load_meeting` reads it all and reports every problem it finds at once, as an
`ErrorList`, so that ``packbuilder check`` can list them all and ``packbuilder build`` stops before
writing anything.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from packbuilder import agenda, documents, sheets
from packbuilder.errors import Collector, InputError, MissingPaperError, PackError, Source
from packbuilder.model import (
    AgendaItem,
    AgendaRow,
    Contact,
    Meeting,
    Paper,
    PaperKind,
    Status,
    Timing,
)
from packbuilder.safezip import check_office_zip

WORKBOOK_NAME = "meeting.xlsx"
WORD_SUFFIXES = {".docx", ".doc", ".odt", ".rtf"}
DATA_SUFFIXES = {".xlsx", ".xlsm"}
RULES = ("england", "wales", "parish")

AGENDA_ALIASES: dict[str, tuple[str, ...]] = {
    "item": ("item number", "item no", "no", "number", "no."),
    "title": ("subject", "item title"),
    "lead": ("who", "presenter", "officer"),
    "purpose": ("decision required", "purpose or decision required", "purpose/decision required"),
    "time": ("time allowed", "minutes", "mins", "time (mins)", "time allowed (mins)")
    + agenda.TIME_ALIASES,
    "papers": ("paper", "documents", "files"),
    "status": (),
    "exempt paragraph": ("exempt", "exempt para", "exempt paragraph (schedule 12a)"),
    "supplement": ("supplement number", "supplement no"),
    **agenda.ALIASES,
}


def find_workbook(folder: Path) -> Path:
    if not folder.is_dir():
        raise InputError(
            "meeting folder not found; give the path of a folder holding meeting.xlsx", folder
        )
    path = folder / WORKBOOK_NAME
    if not path.is_file():
        raise InputError(
            f"no {WORKBOOK_NAME} in the meeting folder; copy one from inputs/ and fill it in",
            folder,
        )
    return path


def load_meeting(folder: Path) -> Meeting:
    """Read and validate a whole meeting folder.

    Raises:
        PackError: the one problem found, or an `ErrorList` of every problem found.
    """
    folder = Path(folder)
    errors = Collector()
    path = find_workbook(folder)
    wb = sheets.Workbook(path)
    fields = _meeting_fields(wb, errors)
    rows = _agenda(wb, folder, errors)
    errors.raise_if_any()
    items = tuple(r for r in rows if isinstance(r, AgendaItem))
    meeting = Meeting(folder=folder, workbook=path, items=items, rows=tuple(rows), **fields)
    return agenda.with_notices(meeting)


def read_date_and_rule(folder: Path) -> tuple[dt.date, str]:
    """The meeting's date and deadline rule alone, for `status` and scheduled builds: readable
    even when the agenda or other header cells are broken.

    Raises:
        PackError: the workbook cannot be read, or the date or the rule is wrong.
    """
    errors = Collector()
    fields = _meeting_fields(sheets.Workbook(find_workbook(folder)), errors)
    date, rule = fields.get("date"), fields.get("deadline_rule")
    if date is None or rule is None:
        errors.raise_if_any()
    return date, rule  # type: ignore[return-value]


def _meeting_fields(wb: sheets.Workbook, errors: Collector) -> dict:  # type: ignore[type-arg]
    try:
        fs = wb.fields("Meeting")
    except PackError as exc:
        errors.add(exc)
        return {}
    out: dict = {}  # type: ignore[type-arg]

    def required(name: str, *aliases: str) -> sheets.Cell | None:
        return errors.attempt(fs.require, name, *aliases)

    body = required("Body", "Committee", "Board")
    out["body"] = sheets.text(body) if body else ""
    date = required("Date", "Meeting date")
    out["date"] = errors.attempt(sheets.date, date, "the meeting date") if date else None
    start = required("Start time", "Time", "Start")
    out["start_time"] = errors.attempt(sheets.time, start, "the start time") if start else None
    venue = required("Venue", "Place", "Location")
    out["venue"] = sheets.text(venue) if venue else ""
    end = fs.get("End time", "Finish time", "End")
    out["end_time"] = (
        errors.attempt(sheets.time, end, "the end time") if end and not end.blank else None
    )
    out["chair"] = fs.text("Chair")
    out["title"] = fs.text("Pack title", "Title")
    out["contact"] = Contact(
        name=fs.text("Contact name", "Contact", "Democratic advisor", "Democratic adviser"),
        phone=fs.text("Contact phone", "Phone", "Telephone"),
        email=fs.text("Contact email", "Contact e-mail", "Email", "E-mail"),
    )
    rule_cell = fs.get("Deadline rule", "Publication rule", "Rule")
    rule = sheets.text(rule_cell).lower() if rule_cell else ""
    if rule_cell is not None and rule and rule not in RULES:
        errors.add(
            InputError(
                f"deadline rule {rule!r} is not one of {', '.join(RULES)}; write one of them, or "
                "leave it blank for england",
                rule_cell.source,
            )
        )
    if not rule:
        out["deadline_rule"] = "england"
    elif rule in RULES:
        out["deadline_rule"] = rule
    else:
        out["deadline_rule"] = None  # reported above
    known = {
        "body",
        "committee",
        "board",
        "date",
        "meeting date",
        "start time",
        "time",
        "start",
        "venue",
        "place",
        "location",
        "end time",
        "finish time",
        "end",
        "chair",
        "pack title",
        "title",
        "contact name",
        "contact",
        "democratic advisor",
        "democratic adviser",
        "contact phone",
        "phone",
        "telephone",
        "contact email",
        "contact e-mail",
        "email",
        "e-mail",
        "deadline rule",
        "publication rule",
        "rule",
    }
    out["agenda"] = agenda.settings(fs, errors)
    known |= agenda.SETTING_NAMES
    out["extra"] = {k: sheets.text(c) for k, c in fs.items() if sheets.normalise(k) not in known}
    return out


def _agenda(wb: sheets.Workbook, folder: Path, errors: Collector) -> list[AgendaRow]:
    try:
        table = wb.table("Agenda", required=("item", "title", "papers"), aliases=AGENDA_ALIASES)
    except PackError as exc:
        errors.add(exc)
        return []
    if not table.records:
        errors.add(
            InputError(
                "the agenda has no items; add one row per item below the header", table.source()
            )
        )
        return []
    items: list[AgendaRow] = []
    seen: dict[str, Source] = {}
    for rec in table.records:
        try:
            kind = agenda.row_kind(rec)
            if kind is agenda.RowKind.HEADING:
                items.append(agenda.heading(rec))
                continue
            if kind is agenda.RowKind.BREAK:
                items.append(agenda.break_row(rec))
                continue
            item = _item(rec, folder, errors)
        except PackError as exc:
            errors.add(exc)
            continue
        key = item.number.lower()
        if key in seen:
            errors.add(
                InputError(
                    f"item number {item.number} is used twice (first at {seen[key].cell}); number "
                    "each item once",
                    item.source,
                )
            )
            continue
        seen[key] = item.source
        items.append(item)
    return items


def _item(rec: sheets.Record, folder: Path, errors: Collector) -> AgendaItem:
    number_cell = rec.cell("item")
    number = agenda.check_number(number_cell)
    if not number:
        raise InputError(
            "item number is empty; number every item (1, 2, 3 ...)", number_cell.source
        )
    title_cell = rec.cell("title")
    title = agenda.check_title(title_cell)
    if not title:
        raise InputError(f"item {number} has no title; fill it in", title_cell.source)
    # a bad status or time is collected, not raised, so that the item's papers are still checked
    # and `packbuilder check` lists every problem at once
    status = errors.attempt(_status, rec.cell("status"), default=Status.PAPERS)
    timing = errors.attempt(agenda.timing, rec.cell("time"), default=Timing())
    exempt_cell = rec.cell("exempt paragraph")
    exempt = None
    if not exempt_cell.blank:
        exempt = errors.attempt(_exempt, exempt_cell)
    supplement_cell = rec.cell("supplement")
    supplement = None
    if not supplement_cell.blank:
        supplement = errors.attempt(
            sheets.integer, supplement_cell, "a supplement number (1, 2 ...)"
        )
        if supplement is not None and status is not Status.TO_FOLLOW:
            errors.add(
                InputError(
                    f"item {number} is given supplement {supplement} but its status is not 'to "
                    "follow'; "
                    "set the status to 'to follow' or clear the supplement number",
                    supplement_cell.source,
                )
            )
    papers_cell = rec.cell("papers")
    papers = _papers(papers_cell, folder, status, number, errors)
    return AgendaItem(
        number=number,
        title=title,
        lead=sheets.text(rec.cell("lead")),
        purpose=sheets.text(rec.cell("purpose")),
        minutes=timing.minutes,
        papers=tuple(papers),
        status=status,
        exempt_paragraph=exempt,
        supplement=supplement,
        source=number_cell.source,
        timing=timing,
        notes=agenda.notes(rec.cell("notes")),
    )


def _status(cell: sheets.Cell) -> Status:
    value = re.sub(r"[\s_-]+", " ", sheets.text(cell).lower()).strip()
    for status in Status:
        if value == status.value:
            return status
    if value in {"verbal update", "verbal report"}:
        return Status.VERBAL
    if value in {"to follow", "tf", "late"}:
        return Status.TO_FOLLOW
    raise InputError(
        f"status {sheets.text(cell)!r} is not one of: blank, verbal, to follow; write one of them",
        cell.source,
    )


def _exempt(cell: sheets.Cell) -> int:
    value = cell.value
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(?:para(?:graph)?\.?\s*)?(\d+)\s*", value, re.I)
        value = m.group(1) if m else value
    n = sheets.integer(
        sheets.Cell(value, cell.source), "a paragraph number of Schedule 12A (1 to 7)"
    )
    if not 1 <= n <= 7:
        raise InputError(
            f"exempt paragraph {n} does not exist; give one of paragraphs 1 to 7 of Part 1 of "
            "Schedule 12A",
            cell.source,
        )
    return n


def _papers(
    cell: sheets.Cell, folder: Path, status: Status, number: str, errors: Collector
) -> list[Paper]:
    names = [n.strip() for n in re.split(r"[\n;]+", sheets.text(cell)) if n.strip()]
    if status is Status.VERBAL and names:
        errors.add(
            InputError(
                f"item {number} is a verbal item but lists papers; clear the papers or the status",
                cell.source,
            )
        )
        return []
    papers = []
    for name in names:
        try:
            path = safe_path(folder, name, cell.source)
        except PackError as exc:
            errors.add(exc)
            continue
        if not path.exists():
            if status is Status.TO_FOLLOW:
                continue  # not arrived yet: the item stays "to follow"
            errors.add(
                MissingPaperError(
                    f"paper {name!r} of item {number} is not in the meeting folder; add the file "
                    "or correct its name",
                    cell.source,
                )
            )
            continue
        try:
            papers.append(_paper(path, cell.source, folder))
        except PackError as exc:
            errors.add(exc)
    return papers


def safe_path(folder: Path, name: str, source: Source) -> Path:
    """A paper's path, refused if it leaves the meeting folder (../, absolute paths, links)."""
    if Path(name).is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise InputError(
            f"paper {name!r} is an absolute path; put the file in the meeting folder and give its "
            "name",
            source,
        )
    root = folder.resolve()
    path = folder / name
    try:
        path.resolve().relative_to(root)
    except ValueError:
        raise InputError(
            f"paper {name!r} points outside the meeting folder; put the file in the folder itself",
            source,
        ) from None
    return path


def _paper(path: Path, source: Source, folder: Path) -> Paper:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from packbuilder import pdf

        pages = pdf.check_readable(path)
        warnings = () if pdf.is_tagged(path) else (f"{path.name}: {pdf.UNTAGGED_WARNING}",)
        title = documents.title_from_filename(path)
        return Paper(path, PaperKind.PDF, title, source, warnings=warnings, pages=pages)
    if suffix in WORD_SUFFIXES:
        _check_word(path)
        missing = images_without_alt_text(path)
        warnings = (
            (
                f"{path.name}: {missing} image{'s' if missing > 1 else ''} without alternative "
                "text, which screen readers cannot describe; ask its author to add alt text in "
                "Word (right-click the image, View Alt Text) or mark it as decorative",
            )
            if missing
            else ()
        )
        title = documents.title_from_filename(path)
        return Paper(path, PaperKind.WORD, title, source, warnings=warnings)
    if suffix in DATA_SUFFIXES:
        return documents.load_data_paper(path, source, folder)
    raise InputError(
        f"paper {path.name!r} is neither PDF, Word (.docx, .doc, .odt, .rtf) nor a data workbook "
        "(.xlsx); save it as one of those, or correct the file name",
        source,
    )


_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
# Word's "Mark as decorative": an extension on the drawing's properties
_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"


def images_without_alt_text(path: Path) -> int:
    """How many images (drawings) of a .docx have neither alternative text nor the decorative
    mark. LibreOffice carries a Word image's alt text into the tagged PDF; without it a screen
    reader can only say "image". Other formats are not inspected (0)."""
    if path.suffix.lower() != ".docx":
        return 0
    try:
        with zipfile.ZipFile(path) as zf, zf.open("word/document.xml") as fh:
            missing = 0
            for _, el in ElementTree.iterparse(fh):
                if el.tag == f"{_WP}docPr":
                    described = (el.get("descr") or "").strip()
                    decorative = any(
                        e.tag == _DECORATIVE and e.get("val") in ("1", "true") for e in el.iter()
                    )
                    missing += not (described or decorative)
            return missing
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return 0  # _check_word has already refused what LibreOffice could not read


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, or any encrypted Office file


def _check_word(path: Path) -> None:
    """Refuse a Word file that LibreOffice would choke on or, worse, import as plain text.

    LibreOffice opens almost anything: a text file renamed .doc becomes a page of gibberish in the
    pack. So the first bytes must match the suffix, and a zip's declared size must be sane (a
    "zip bomb" declares gigabytes that would be unpacked on the build machine).
    """

    src = Source(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(
            f"cannot read this file ({exc.strerror}); check its permissions", src
        ) from None
    suffix = path.suffix.lower()
    if suffix in {".docx", ".odt"}:
        if head.startswith(OLE_MAGIC):
            raise InputError(
                "this Word file is password-protected (or an old .doc renamed .docx); remove the "
                "password, or open it in Word and save it as .docx",
                src,
            )
        body = "word/document.xml" if suffix == ".docx" else "content.xml"
        check_office_zip(
            path,
            src,
            what="Word file",
            member=body,
            damaged="this Word file is damaged or not really a .docx; open it in Word and save it "
            "again",
            not_office=f"this {suffix} file is a zip archive but not a Word document (no {body}); "
            "open it in Word and save it again",
        )
    elif suffix == ".doc" and not head.startswith(OLE_MAGIC):
        raise InputError(
            "this .doc file is not a Word document (perhaps text or another file renamed); open it "
            "in Word and save it as .docx",
            src,
        )
    elif suffix == ".rtf" and not head.startswith(b"{\\rtf"):
        raise InputError(
            "this .rtf file is not rich text (perhaps another file renamed); open it in Word and "
            "save it as .docx",
            src,
        )
