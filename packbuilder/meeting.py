"""Loading a meeting folder into the model, checking everything before anything is built.

A meeting folder holds ``meeting.xlsx`` (sheets ``Meeting`` and ``Agenda``) and the papers the
agenda names. `load_meeting` reads it all and reports every problem it finds at once, as an
`ErrorList`, so that ``packbuilder check`` can list them all and ``packbuilder build`` stops before
writing anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import json
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from packbuilder import agenda, documents, exclusion, exemption, marking, sheets
from packbuilder.concealed import check_concealed
from packbuilder.convert.final import has_tracked_changes
from packbuilder.dates import EARLIEST, LATEST
from packbuilder.deadline import unusual_meeting_day
from packbuilder.digests import file_digest
from packbuilder.errors import Collector, InputError, MissingPaperError, PackError, Source
from packbuilder.external import check_external
from packbuilder.model import (
    AgendaItem,
    AgendaRow,
    Contact,
    Exemption,
    Meeting,
    Paper,
    PaperKind,
    Status,
    Timing,
)
from packbuilder.plan import check_folder_name
from packbuilder.safezip import check_office_zip, content_digest, read_member
from packbuilder.snapshots import Snapshots, as_paper, inside
from packbuilder.unprintable import described, paper_characters, unprintable

WORKBOOK_NAME = "meeting.xlsx"
WORD_SUFFIXES = {".docx", ".doc", ".odt", ".rtf"}
DATA_SUFFIXES = {".xlsx", ".xlsm"}
PAPER_SUFFIXES = {".pdf", *WORD_SUFFIXES, *DATA_SUFFIXES}  # what an agenda may name as a paper
RULES = ("england", "wales", "parish")

AGENDA_ALIASES: dict[str, tuple[str, ...]] = {
    "item": ("item number", "item no", "item no.", "no", "number", "no."),
    "title": ("subject", "item title"),
    # (and the other words councils head these columns with: "Lead officer", "Presented by",
    # "Recommendation", "Action required", "Duration", "Reports")
    "lead": (
        "who",
        "presenter",
        "officer",
        "presenters",
        "presented by",
        "lead officer",
        "lead officers",
        "lead officer(s)",
        "officer(s)",
        "lead member",
        "lead(s)",
        "responsible officer",
        "report author",
        "report authors",
        "report author(s)",
        "author",
        "presenting officer",
    ),
    "purpose": (
        "decision required",
        "purpose or decision required",
        "purpose/decision required",
        "recommendation",
        "recommendations",
        "recommendation(s)",
        "action required",
        "decision",
        "decision/action required",
        "decision / action required",
        "purpose of item",
        "purpose of report",
    ),
    "time": (
        "time allowed",
        "minutes",
        "mins",
        "time (mins)",
        "time allowed (mins)",
        "duration",
        "time (minutes)",
        "approx time",
        "approximate time",
    )
    + agenda.TIME_ALIASES,
    "papers": ("paper", "documents", "files", "paperwork", "reports", "report"),
    "status": (),
    # and any other heading `exemption.is_exempt_column` reads as this one (`_read_headings`)
    "exempt paragraph": ("exempt", "exempt para", "exempt paragraph (schedule 12a)"),
    "supplement": ("supplement number", "supplement no"),
    **agenda.ALIASES,
}


def named_folder(folder: Path) -> Path:
    """The meeting folder as given, or its full path when the path given does not end in the
    folder's name (`.`, `..`, `papers/..`): the packs, the record and the lock are named after
    the folder, and an empty name would make a pack '-agenda-pack.pdf'."""
    folder = Path(folder)
    return folder.resolve() if folder.name in ("", "..") else folder


# what a meeting workbook saved in another format is called: Excel's others, LibreOffice's, a CSV
_OTHER_FORMATS = {".xls", ".xlsm", ".xlsb", ".xltx", ".ods", ".fods", ".csv", ".numbers"}


def near_miss(folder: Path) -> InputError | None:
    """With no meeting.xlsx, a file that was meant to be it (Meeting.XLSX, 'meeting.xlsx ', or
    the workbook saved as .xls, .ods or .csv): the problem naming it, with what to do, rather
    than the advice to start again from a copy (and `status` lists the folder)."""
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return None
    wanted = WORKBOOK_NAME.casefold()
    for name in names:
        if name.startswith(("~$", ".~lock.")):  # (Excel's and LibreOffice's lock files)
            continue
        plain = "".join(name.split()).casefold()
        # (Windows hides extensions: 'meeting.xlsx' typed as a name becomes meeting.xlsx.xlsx)
        if plain in (wanted, f"{wanted}.xlsx"):
            return InputError(
                f"no {WORKBOOK_NAME} in the meeting folder, but there is {name!r}; rename it "
                f"{WORKBOOK_NAME} exactly",
                folder,
            )
        stem, _, suffix = plain.rpartition(".")
        if stem in (wanted.rpartition(".")[0], wanted) and f".{suffix}" in _OTHER_FORMATS:
            return InputError(
                f"no {WORKBOOK_NAME} in the meeting folder, but there is {name!r}; open it in "
                f"Excel and save it as an Excel Workbook (.xlsx) named {WORKBOOK_NAME}",
                folder,
            )
    return None


def find_workbook(folder: Path) -> Path:
    if folder.is_file():
        raise InputError(
            "this is a file, not a meeting folder; give the folder that holds it "
            f"({folder.parent})",
            folder,
        )
    if not folder.is_dir():
        raise InputError(
            "meeting folder not found; give the path of a folder holding meeting.xlsx", folder
        )
    path = folder / WORKBOOK_NAME
    if not path.is_file():
        meant = near_miss(folder)
        if meant is not None:
            raise meant
        raise InputError(
            f"no {WORKBOOK_NAME} in the meeting folder; copy one from inputs/ and fill it in",
            folder,
        )
    if not inside(path.resolve(), folder):
        # (as a paper or a template may not be: the agenda of another meeting, or of another
        # folder, would be published under this one, which would no longer record its meeting)
        raise InputError(
            f"{WORKBOOK_NAME} is a link to a file outside the meeting folder "
            f"({path.resolve()}); put the workbook itself (a copy, not a shortcut) in the "
            "meeting folder",
            folder,  # (the workbook's own name would be shown as where the link leads)
        )
    # the packs, the lock and the record are named after the folder: before any is made
    check_folder_name(folder)
    return path


def load_meeting(
    folder: Path,
    prefetch: Callable[[list[Path], list[Path]], None] | None = None,
    snapshots: Path | None = None,
) -> Meeting:
    """Read and validate a whole meeting folder.

    Args:
        prefetch: called, before the papers are checked, with the Word papers and the PDF
            papers the agenda names (a first look: every name is checked afterwards), so that a
            build can have the Word papers converted while the rest of the meeting is checked.
        snapshots: a folder of the caller's own: each paper is copied there once and checked,
            and read, as that copy (`packbuilder.snapshots`: what a build uses). None: papers are
            read where they are.

    Raises:
        PackError: the one problem found, or an `ErrorList` of every problem found.
    """
    remembered = _RESOLVED.set({})
    try:
        return _load_meeting(folder, prefetch, snapshots)
    finally:
        _RESOLVED.reset(remembered)


# where each path named while a meeting loads really is (`resolved`)
_RESOLVED: ContextVar[dict[Path, Path] | None] = ContextVar("_RESOLVED", default=None)


def resolved(path: Path) -> Path:
    """`path.resolve()`, remembered while a meeting loads (`load_meeting`). Each paper's path was
    resolved four times over, and the meeting folder's once for each paper: at 4,000 pages,
    2,300 calls to the system on the main thread, each waiting for Python's lock again while
    the threads reading papers held it (30 ms of a rebuild). What a build copies is checked
    again on the very file it copies (`snapshots`)."""
    memo = _RESOLVED.get()
    if memo is None:
        return path.resolve()
    found = memo.get(path)
    if found is None:
        found = memo[path] = path.resolve()
    return found


def _load_meeting(
    folder: Path,
    prefetch: Callable[[list[Path], list[Path]], None] | None,
    snapshots: Path | None,
) -> Meeting:
    folder = named_folder(folder)
    errors = Collector()
    path = find_workbook(folder)
    try:
        digest = file_digest(path)  # before it is read: saved meanwhile, the packs are stale
    except OSError:
        digest = ""  # sheets.Workbook says what is wrong with it
    wb = sheets.Workbook(path)
    fields = _meeting_fields(wb, errors)
    named = _named_papers(wb, folder) if prefetch or snapshots else []
    if prefetch is not None:
        prefetch(
            [p for p in named if p.suffix.lower() in WORD_SUFFIXES],
            [p for p in named if p.suffix.lower() == ".pdf"],
        )
    taken = Snapshots(folder, snapshots) if snapshots is not None else None
    try:
        if taken is not None:  # (a file `_paper` refuses by its name is never read)
            taken.ahead([p for p in named if p.suffix.lower() in PAPER_SUFFIXES])
        said: dict[str, str] = {}
        rows = _agenda(wb, folder, errors, taken, fields.get("deadline_rule") or "england", said)
    finally:
        if taken is not None:
            taken.close()
    agenda.part_two_items_are_exempt(rows, errors, fields.get("deadline_rule") or "england")
    _exempt_papers_stay_exempt([r for r in rows if isinstance(r, AgendaItem)], folder, errors)
    _papers_listed_twice([r for r in rows if isinstance(r, AgendaItem)], folder, errors)
    try:
        errors.raise_if_any()
    except PackError as exc:  # the warnings found so far go with the errors
        exc.warnings = [
            *(w for r in rows if isinstance(r, AgendaItem) for p in r.papers for w in p.warnings),
            *wb.hidden_notes(),
            *errors.warnings,
        ]
        raise
    items = tuple(r for r in rows if isinstance(r, AgendaItem))
    if said.get("lead") and "agenda" in fields:  # (the frontsheet heads its column so)
        fields["agenda"] = dataclasses.replace(fields["agenda"], lead_column=said["lead"])
    meeting = Meeting(
        folder=folder,
        workbook=path,
        items=items,
        rows=tuple(rows),
        workbook_digest=digest,
        **fields,
    )
    return agenda.with_notices(
        meeting, [*wb.hidden_notes(), *wb.unprintable_notes(), *errors.warnings]
    )


def _exempt_papers_stay_exempt(items: list[AgendaItem], folder: Path, errors: Collector) -> None:
    """Refuse a paper of an exempt item that another item would publish.

    The same document can reach a second item by many routes: the same name, another spelling of
    it (case, ``./``, ``sub/../``), a symbolic or hard link, or a copy. Each paper is known by every
    identity it has (its real path, its inode, the hash of its bytes, and for Office files the hash
    of what the archive holds and of its text), and a public item sharing any identity with an
    exempt item's paper is refused, naming both Papers cells.
    """
    exempt: dict[tuple[object, ...], tuple[AgendaItem, Paper]] = {}
    for item in items:
        if item.exempt:
            # (papers of an item "to follow" held until all have arrived are its papers too)
            for paper in (*item.papers, *item.held_papers):
                for identity in _identities(paper, folder):
                    exempt.setdefault(identity, (item, paper))
    if not exempt:
        return
    for item in items:
        if item.exempt:
            continue
        for paper in (*item.papers, *item.held_papers):
            match = next((exempt[i] for i in _identities(paper, folder) if i in exempt), None)
            if match is None:
                continue
            other_item, other = match
            errors.add(
                InputError(
                    f"paper {shown_paper(paper, folder)!r} of item {item.number} is "
                    f"{_route(paper, other)} {shown_paper(other, folder)!r}, a paper of exempt "
                    f"item {other_item.number} (cell {other.source.cell}); an exempt paper must "
                    f"not be published through another item: remove it from item {item.number}, or "
                    "make that item exempt too",
                    paper.source,
                )
            )


def _papers_listed_twice(items: list[AgendaItem], folder: Path, errors: Collector) -> None:
    """Point out a paper that two items list (by its name, another spelling of it, a link, or a
    copy with the same bytes): the pack would carry its pages twice. A warning, not a refusal: a
    paper may belong to two items (one appendix for two decisions). The same name twice in one
    cell is refused as it is read (`_papers`); an exempt paper listed by a public item is refused
    by `_exempt_papers_stay_exempt`."""
    seen: dict[tuple[object, ...], tuple[AgendaItem, Paper]] = {}
    for item in items:
        for paper in (*item.papers, *item.held_papers):
            ids: set[tuple[object, ...]] = {("path", str(resolved(paper.path)))}
            with contextlib.suppress(OSError):
                ids.add(("bytes", file_digest(paper.file)))
            match = next((seen[i] for i in ids if i in seen), None)
            for identity in ids:
                seen.setdefault(identity, (item, paper))
            if match is None or match[0].exempt != item.exempt:
                continue
            other_item, other = match
            where = (
                "this cell"
                if other_item is item
                else f"item {other_item.number} (cell {other.source.cell})"
            )
            errors.warn(
                f"{paper.source}: paper {shown_paper(paper, folder)!r} of item {item.number} is "
                f"{_route(paper, other)} {shown_paper(other, folder)!r}, also listed by {where}, "
                "so the pack will carry its pages twice; if it belongs to one item only, take it "
                "out of the other's Papers cell"
            )


def shown_paper(paper: Paper, folder: Path) -> str:
    """A paper as errors name it: its path in the meeting folder."""
    try:
        return paper.path.relative_to(folder).as_posix()
    except ValueError:
        return paper.path.name


def _route(paper: Paper, other: Paper) -> str:
    if resolved(paper.path) == resolved(other.path):
        same_name = os.path.normpath(paper.path) == os.path.normpath(other.path)
        return "the same file as" if same_name and not paper.path.is_symlink() else "a link to"
    try:
        if os.path.samefile(paper.path, other.path):
            return "a link to"
    except OSError:
        pass
    return "a copy of (the same content as)"


WORD_TEXT_MEMBERS = {".docx": "word/document.xml", ".odt": "content.xml"}
MIN_TEXT_FOR_MATCH = 40  # characters: two near-empty documents are not "the same report"


def _identities(paper: Paper, folder: Path) -> set[tuple[object, ...]]:
    """Every way of recognising a paper's document, whatever it is called or wherever it lives."""
    path = paper.path
    ids: set[tuple[object, ...]] = {("path", str(resolved(path)))}
    try:
        st = path.stat()
        ids.add(("inode", st.st_dev, st.st_ino))
    except OSError:
        pass
    path = paper.file  # its content: the bytes the build reads (`snapshots`)
    try:
        ids.add(("bytes", file_digest(path)))
    except OSError:
        return ids
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from packbuilder import pdf

        digest = pdf.content_digest(path)
        if digest:
            ids.add(("pdf pages", digest))
    if suffix in {".docx", ".odt", ".xlsx", ".xlsm"}:
        ids |= _office_identities(path)
    if paper.kind is PaperKind.DATA and paper.data is not None:
        data = json.dumps(_content(paper.data), sort_keys=True, default=str)
        ids.add(("data", paper.template, hashlib.sha256(data.encode()).hexdigest()))
    return ids


def _office_identities(path: Path) -> set[tuple[object, ...]]:
    """An Office file's identities by what its archive holds and by its text. They depend on its
    bytes alone, so they are remembered by them, as a Word paper's checks are (`word_checks`):
    unzipping every Word paper again took a rebuild 0.17 s at 4,000 pages."""
    from packbuilder import pdf

    with contextlib.ExitStack() as stack:
        try:
            key, _same, fh = stack.enter_context(pdf.pinned(path))
        except OSError:
            return _office_identities_of(path)[0]
        entry = pdf.remembered_by_key(key, "office-ids", _word_checks_version())
        known = pdf.recall(entry)
        if (
            isinstance(known, list)
            and all(
                isinstance(i, list)
                and len(i) == 2
                and i[0] in ("archive", "text")
                and isinstance(i[1], str)
                for i in known
            )
            and any(i[0] == "archive" for i in known)
        ):
            return {(i[0], i[1]) for i in known}
        found, whole = _office_identities_of(path)
        # remembered only if both were worked out, and what was read is what was hashed: the
        # same file, not written to
        if whole and _same_file(path, fh) and pdf.path_key(path, fh) == key:
            pdf.remember(entry, sorted([str(kind), str(digest)] for kind, digest in found))
        return found


def _office_identities_of(path: Path) -> tuple[set[tuple[object, ...]], bool]:
    """The identities, and whether they were all worked out (no failure on the way)."""
    ids: set[tuple[object, ...]] = set()
    try:
        ids.add(("archive", content_digest(path, skip=("docProps/", "meta.xml"))))
        member = WORD_TEXT_MEMBERS.get(path.suffix.lower())
        xml = read_member(path, member) if member else None
        if xml:
            text = re.sub(rb"\s+", b"", re.sub(rb"<[^>]*>", b"", xml))
            if len(text) >= MIN_TEXT_FOR_MATCH:
                ids.add(("text", hashlib.sha256(text).hexdigest()))
    except Exception:  # noqa: BLE001 - the paper was checked; a late failure just means no id
        return ids, False
    return ids, True


def _content(value: object) -> object:
    """A data paper's values without the places they were read from (which name its file), so
    that two copies of one workbook compare equal."""
    if isinstance(value, Source):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _content(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_content(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _content(v) for k, v in value.items()}
    return repr(value)


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


def read_heading(folder: Path) -> tuple[str, dt.date | None]:
    """The body's name and the meeting's date as the Meeting sheet gives them, for a page that
    names the meeting: each that can be read, "" and None for the others. Never raises (the
    meeting's problems are the check's to tell)."""
    try:
        fields = _meeting_fields(sheets.Workbook(find_workbook(folder)), Collector())
    except (PackError, OSError):
        return "", None
    return str(fields.get("body") or ""), fields.get("date")


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
    out["body"] = errors.attempt(_text, body, "the body's name", default="") if body else ""
    date = required("Date", "Meeting date")
    out["date"] = errors.attempt(_meeting_date, date) if date else None
    out["start_time"], out["end_time"] = _meeting_times(fs, errors)
    venue = required("Venue", "Place", "Location")
    out["venue"] = errors.attempt(_text, venue, "the venue", default="") if venue else ""
    out["chair"] = _opt(fs, errors, "Chair")
    out["title"] = _opt(fs, errors, "Pack title", "Title")
    out["contact"] = Contact(
        name=_opt(
            fs, errors, "Contact name", "Contact", "Democratic advisor", "Democratic adviser"
        ),
        phone=_opt(fs, errors, "Contact phone", "Phone", "Telephone"),
        email=_opt(fs, errors, "Contact email", "Contact e-mail", "Email", "E-mail"),
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
    if date is not None and out["date"] is not None and out["deadline_rule"] is not None:
        unusual = unusual_meeting_day(out["date"], out["deadline_rule"])
        if unusual is not None:
            errors.warn(
                f"{date.source}: the meeting date is {unusual}; check the date (the "
                "publication deadline is counted back from it)"
            )
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
    out["extra"] = {}
    for k, c in fs.items():
        if sheets.heading_key(k) in known:
            continue
        if exemption.names_exempt_items(k):
            # any other field is printed on the frontsheet: "Exempt items: 6" would be published,
            # and item 6's papers with it, the field being read as nothing more than a note
            errors.add(
                InputError(
                    f"{k!r} is not a setting packbuilder reads (it would only be printed on the "
                    "frontsheet) and makes no item exempt; give each exempt item "
                    f"{exclusion.what_to_type(out['deadline_rule'] or 'england')} in the Exempt "
                    "paragraph column of sheet Agenda, and "
                    "delete this row",
                    fs.name_cells[sheets.heading_key(k)].source,
                )
            )
            continue
        out["extra"][k] = errors.attempt(_text, c, k, default="")
    for problem in fs.problems.values():
        errors.add(problem)
    return out


def _meeting_times(
    fs: sheets.FieldSheet, errors: Collector
) -> tuple[dt.time | None, dt.time | None]:
    """The meeting's start and end times: Start time (or Time) and End time, or a range typed
    as the start, "10 am – 1 pm", which gives both."""
    start = errors.attempt(fs.require, "Start time", "Time", "Start")
    # "10 am – 1 pm", as agendas head their Time line: the start, and the end it gives
    span: tuple[dt.time, dt.time] | None = None
    start_time: dt.time | None = None
    if start:
        try:
            span = _meeting_span(start)
        except PackError as exc:
            errors.add(exc)
        else:
            start_time = span[0] if span else errors.attempt(_meeting_time, start, "the start time")
    end = fs.get("End time", "Finish time", "End")
    end_time = (
        errors.attempt(_meeting_time, end, "the end time")
        if end and not end.blank
        else (span[1] if span else None)
    )
    if span and end and not end.blank and end_time and end_time != span[1]:
        assert start is not None
        errors.add(
            InputError(
                f"the end time {end_time:%H:%M} is not the end of the time "
                f"{sheets.text(start)!r} in cell {start.source.cell}; correct one of them, or "
                "clear the end time",
                end.source,
            )
        )
    if end_time and start_time and end and end_time <= start_time:
        errors.add(
            InputError(
                f"the end time {end_time:%H:%M} is not after the start time "
                f"{start_time:%H:%M}; correct one of them",
                end.source,
            )
        )
    return start_time, end_time


_SAYS_AM_PM = re.compile(r"[ap]\.?\s*m\b", re.I)


def _meeting_span(cell: sheets.Cell) -> tuple[dt.time, dt.time] | None:
    """A start time typed as the meeting's whole time, "10 am – 1 pm" or "11am-1pm", as
    agendas head it: its start and end (`agenda.parse_range`); None for a time alone."""
    if not isinstance(cell.value, str):
        return None
    try:
        return agenda.parse_range(sheets.text(cell))
    except ValueError as exc:
        raise InputError(
            f"{exc}; type the start time (2pm), or both ends (2pm - 4.30pm)", cell.source
        ) from None


def _meeting_time(cell: sheets.Cell, what: str) -> dt.time:
    """A start or end time of the meeting: "1.00" typed is 1 pm, as on the agenda (no board meets
    at 1 am): 1 to 7 o'clock typed as text without am or pm (nor a leading zero, "07:30") are the
    afternoon. A time cell is read as Excel shows it."""
    t = sheets.time(cell, what)
    typed = cell.value if isinstance(cell.value, str) else ""  # (a time cell is as Excel shows it)
    if typed and not _SAYS_AM_PM.search(typed) and 1 <= t.hour <= 7 and not typed.startswith("0"):
        return t.replace(hour=t.hour + 12)
    return t


def _opt(fs: sheets.FieldSheet, errors: Collector, *names: str) -> str:
    cell = fs.get(*names)
    return errors.attempt(_text, cell, names[0], default="") if cell else ""


MAX_TEXT = 5_000  # characters: a title or a lead is a line, a purpose a paragraph


def _text(cell: sheets.Cell, what: str) -> str:
    """A cell as text, refusing what no one means as text: a tick-box value or a whole essay."""
    if isinstance(cell.value, bool):
        raise InputError(
            f"{what} is {'TRUE' if cell.value else 'FALSE'} (a tick-box value), not text; type "
            "the text in",
            cell.source,
        )
    text = sheets.text(cell)
    if len(text) > MAX_TEXT:
        raise InputError(
            f"{what} is {len(text):,} characters long; check the cell: a cell of the agenda holds "
            f"at most {MAX_TEXT:,}",
            cell.source,
        )
    return text


def _meeting_date(cell: sheets.Cell) -> dt.date:
    date = sheets.date(cell, "the meeting date")
    if not EARLIEST <= date <= LATEST:
        raise InputError(
            f"the meeting date {date:%d/%m/%Y} is not a real meeting's date; check the year",
            cell.source,
        )
    return date


def items_naming(folder: Path, name: str) -> list[str]:
    """The agenda items (their numbers, as typed) whose Papers name the file `name` of the meeting
    folder: what removing it would leave without a paper. Empty when the workbook cannot be read
    (its own problems are told by `check`)."""
    try:
        wb = sheets.Workbook(find_workbook(folder))
        table = wb.table("Agenda", required=("item", "title", "papers"), aliases=AGENDA_ALIASES)
    except PackError:
        return []
    found = []
    for rec in table.records:
        try:
            names = re.split(r"[\n;]+", _text(rec.cell("papers"), "the papers"))
        except PackError:
            continue
        nfc = unicodedata.normalize("NFC", name)
        if any(
            unicodedata.normalize("NFC", Path(n.strip()).name) == nfc for n in names if n.strip()
        ):
            found.append(sheets.text(rec.cell("item")).rstrip(".") or "(a row without a number)")
    return found


def _named_papers(wb: sheets.Workbook, folder: Path) -> list[Path]:
    """The papers the agenda names that are in the folder: a quick first look, whose mistakes
    are left for the checks to report."""
    try:
        table = wb.table("Agenda", required=("item", "title", "papers"), aliases=AGENDA_ALIASES)
    except PackError:
        return []
    found: list[Path] = []
    for rec in table.records:
        try:
            cell = rec.cell("papers")
            for name in re.split(r"[\n;]+", _text(cell, "the papers")):
                if name.strip():
                    path = safe_path(folder, name.strip(), cell.source)
                    if path.is_file() and path not in found:
                        found.append(path)
        except (PackError, OSError, RuntimeError, ValueError):
            continue
    return found


def _agenda(
    wb: sheets.Workbook,
    folder: Path,
    errors: Collector,
    taken: Snapshots | None = None,
    rule: str = "england",
    said: dict[str, str] | None = None,
) -> list[AgendaRow]:
    """The agenda's rows; `said`, if given, gets the words the sheet heads its lead column with
    ("lead": "Presented by"), which the frontsheet heads that column with."""
    try:
        table = wb.table("Agenda", required=("item", "title", "papers"), aliases=AGENDA_ALIASES)
    except PackError as exc:
        errors.add(exc)
        return []
    _read_headings(table, errors, rule)
    if said is not None and "lead" in table.columns:
        said["lead"] = " ".join(sheets.text(table.header[table.columns["lead"]]).split())
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
            item = _item(rec, folder, errors, taken, rule)
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
        _in_order(items, item, errors)
        items.append(item)
    return items


def _in_order(rows: list[AgendaRow], item: AgendaItem, errors: Collector) -> None:
    """Point out an item numbered before the item above it ("8" then "7"): the agenda is printed
    in the rows' order, so its numbers would run backwards (a gap, an item withdrawn, is usual)."""
    before = next((r for r in reversed(rows) if isinstance(r, AgendaItem)), None)
    if before is None:
        return
    ours, theirs = _order_key(item.number), _order_key(before.number)
    if ours is not None and theirs is not None and ours < theirs:
        errors.warn(
            f"{item.source}: item {item.number} comes after item {before.number} on the agenda, "
            "which is printed in the rows' order; renumber the items, or move this row"
        )


def _order_key(number: str) -> tuple[int, str] | None:
    """How item numbers sort: "4" < "4a" < "5"; None for a number that starts otherwise."""
    m = re.match(r"\s*(\d+)(.*)", number)
    return (int(m.group(1)), m.group(2).strip().lower()) if m else None


_COLUMN_OF = {
    sheets.heading_key(name): column
    for column, names in AGENDA_ALIASES.items()
    for name in (column, *names)
}
COLUMN_NAMES = "Item, Title, Papers, Lead, Purpose, Time allowed, Notes, Kind, Status, Exempt "
COLUMN_NAMES += "paragraph, Supplement"


# Agenda columns whose cells are judged by their own readers (a number, a time, file names, a
# status that says exempt) or are free text (a title mentions what it likes), not by
# `marking.unread`
_OWN_READER = ("item", "title", "time", "papers", "status", "supplement", "kind")


def _read_headings(table: sheets.Table, errors: Collector, rule: str = "england") -> None:
    """Read the exempt paragraph column however it is headed, and tell of every heading that is
    not read.

    A column that is not read is silently left out, which for the exempt column means its items'
    papers are published. So a column that marks items exempt where packbuilder does not read
    it (its heading about exemption, "Part B", "Closed session"; or a cell saying "exempt" in
    a column read for something else) is refused (`marking.unread`, the policy of sheet Minutes
    too), and so is a second exempt column (which one holds the paragraphs cannot be told). Any
    other heading not read is a warning only: an advisor's own column (notes to self, who sent
    the paper) must not stop a build, but a column meant for the pack under a heading not
    understood is pointed out.
    """
    read = _read_columns(table)
    free = {table.columns[c] for c in _OWN_READER if c in table.columns}
    refused = marking.unread(table, read, free, "item", rule)
    for error in refused:
        errors.add(error)
    for index, cell in enumerate(table.header):
        if cell.blank:
            continue
        typed = sheets.text(cell)
        column = _COLUMN_OF.get(sheets.heading_key(typed))
        if column is None and exemption.is_exempt_column(typed):
            column = "exempt paragraph"
        if column is None:
            if index not in read and not _told(refused, cell):
                errors.warn(
                    f"{cell.source}: column {typed!r} is not read (packbuilder does not know "
                    "that heading); nothing in it reaches the packs: if it is your own notes, "
                    f"leave it; if not, head it as one of: {COLUMN_NAMES}"
                )
            continue
        read_at = table.columns[column]
        if read_at == index:
            continue
        first = table.header[read_at]
        if column == "exempt paragraph":
            errors.add(
                InputError(
                    f"the column {typed!r} and the column {sheets.text(first)!r} (cell "
                    f"{first.source.cell}) both say the exempt paragraph, and only one can be "
                    "read; delete one of them, keeping one column 'Exempt paragraph' with "
                    "every exempt item's paragraph in it",
                    cell.source,
                )
            )
        else:
            errors.warn(
                f"{cell.source}: column {typed!r} is not read: the column "
                f"{sheets.text(first)!r} (cell {first.source.cell}) is read for the same thing; "
                "delete one of them, or merge what they hold"
            )


def _read_columns(table: sheets.Table) -> set[int]:
    """The indexes of the columns whose headings are understood, the exempt paragraph column
    however it is headed (`exemption.is_exempt_column`, read as such) among them; a second
    exempt column too, refused as such by `_read_headings`."""
    read = set()
    for index, cell in enumerate(table.header):
        if cell.blank:
            continue
        typed = sheets.text(cell)
        column = _COLUMN_OF.get(sheets.heading_key(typed))
        if column is None and exemption.is_exempt_column(typed):
            table.columns.setdefault("exempt paragraph", index)
            column = "exempt paragraph"
        if column is not None:
            read.add(index)
    return read


def _told(refused: list[InputError], heading: sheets.Cell) -> bool:
    """Whether a refusal names a cell of the heading's column (so its not being read is told)."""
    column = re.sub(r"\d", "", heading.source.cell or "")
    return any(re.sub(r"\d", "", e.source.cell or "") == column for e in refused if e.source)


def _item(
    rec: sheets.Record,
    folder: Path,
    errors: Collector,
    taken: Snapshots | None = None,
    rule: str = "england",
) -> AgendaItem:
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
    read = errors.attempt(_status, rec.cell("status"), rule, default=None)
    # a status that cannot be read is the one problem of its row to tell: its papers and
    # supplement are not judged by a status that was not meant (a missing paper may be to follow)
    status = read or Status.PAPERS
    timing = errors.attempt(agenda.timing, rec.cell("time"), default=Timing())
    exempt_cell = rec.cell("exempt paragraph")
    exempt = None
    exempt_refused = False
    said_public = _says_public(exempt_cell)
    if not exempt_cell.blank and not said_public:
        exempt = errors.attempt(_exempt, exempt_cell, rule)
        exempt_refused = exempt is None
        if exempt is not None and exemption.RESOLUTION_TITLE.fullmatch(title):
            # the packs printed the resolution twice: packbuilder's row for the exempt run this
            # item starts, then the item, "Not for publication", as if its words were secret
            errors.add(
                InputError(
                    f"item {number}, {title!r}, is the resolution to exclude the press and "
                    "public, which the meeting passes in public before its exempt items, but "
                    "has an exempt paragraph; clear its Exempt paragraph (the items after it "
                    "keep theirs)",
                    exempt_cell.source,
                )
            )
    elif read is not None and not exemption.EXCLUSION_ITEM.search(title):
        # (a status meaning exempt is refused already, saying how; the resolution to exclude the
        # public is public business, whose words cite exempt information as they must)
        _says_exempt_without_paragraph(
            rec, number, errors, said_public, _says(exempt_cell), exclusion.what_to_type(rule)
        )
    supplement_cell = rec.cell("supplement")
    supplement = None
    if not supplement_cell.blank:
        supplement = errors.attempt(_supplement, supplement_cell)
        if supplement is not None and read is not None and status is not Status.TO_FOLLOW:
            errors.add(
                InputError(
                    f"item {number} is given supplement {supplement} but its status is not 'to "
                    "follow'; "
                    "set the status to 'to follow' or clear the supplement number",
                    supplement_cell.source,
                )
            )
    papers_cell = rec.cell("papers")
    papers, waiting = _papers(
        papers_cell,
        folder,
        status if read is not None else Status.TO_FOLLOW,
        number,
        errors,
        taken,
        rule,
    )
    if exempt is not None:
        _printed_gives_away(rec, number, errors)
    elif not exempt_refused:
        _pictures_not_cut(papers, errors)
    held_papers = tuple(papers) if waiting and papers else ()
    held = tuple(p.path.name for p in held_papers)
    if held:  # some of a "to follow" item's papers: they wait for the rest (`AgendaItem.held`)
        papers = []
    return AgendaItem(
        number=number,
        title=title,
        lead=errors.attempt(_text, rec.cell("lead"), f"the lead of item {number}", default=""),
        purpose=errors.attempt(
            _text, rec.cell("purpose"), f"the purpose of item {number}", default=""
        ),
        minutes=timing.minutes,
        papers=tuple(papers),
        status=status,
        exemption=exempt,
        supplement=supplement,
        source=number_cell.source,
        timing=timing,
        notes=agenda.notes(rec.cell("notes")),
        waiting=tuple(waiting),
        held=held,
        held_papers=held_papers,
        exempt_refused=exempt_refused,
        supplement_cell=supplement_cell.source,
        papers_cell=papers_cell.source,
    )


def _pictures_not_cut(papers: list[Paper], errors: Collector) -> None:
    """Refuse a public item's PDF paper with a picture shown in part that a public pack could
    not cut down (`pictures`, learnt when the paper was checked): `check` says so, as the build
    would when it cleaned the paper. (A private pack keeps it: an exempt item's is fine.)"""
    from packbuilder import pdf  # noqa: PLC0415 - (pikepdf, for PDF papers only)

    for paper in papers:
        facts = pdf.remembered_facts(paper.file) if paper.kind is PaperKind.PDF else None
        if facts is not None and facts.uncut:
            page, _, kind = facts.uncut.partition("|")
            errors.add(pdf.picture_refused(paper.path, int(page), kind))


def _printed_gives_away(rec: sheets.Record, number: str, errors: Collector) -> None:
    """Point out a sum of money or a company's name in an exempt item's title, purpose or lead
    (`exemption.gives_away`): the public agenda prints them whole, only the papers (and notes)
    are held back (a reviewer's: "To approve the award ... to Bidder X Ltd for GBP 2,315,000")."""
    printed = {"title": "title", "purpose": "purpose", "lead": "lead"}
    for what, cell, detail in exemption.printed_details(rec, printed):
        errors.warn(
            f"{cell.source}: item {number} is exempt, but its {what} names {detail!r}, "
            f"and the public agenda prints an exempt item's {what} in full (only its papers "
            "and notes are held back); write there only what may be published ('Millbay lease: "
            "award of contract'), and leave the rest to its papers"
        )


def _says_exempt_without_paragraph(
    rec: sheets.Record, number: str, errors: Collector, said_public: bool, said: str, what: str
) -> None:
    """Refuse an item with no exempt paragraph whose title, purpose or notes label it exempt
    ("Millbay lease (Part II - confidential)", "not for publication": `exemption.says_exempt`),
    and point out one whose words only perhaps mean it ("Exempt accommodation review"), unless
    its exempt column says it is public ("no"). Its papers would be published. Only the word
    "public" itself, typed on purpose, answers a refusal ("Freedom of Information: exempt
    information requests" is a public item): a column filled with "no" beforehand does not."""
    perhaps: tuple[str, str, sheets.Cell] | None = None
    for column in ("title", "purpose", "notes", "papers"):  # (papers: their file names)
        cell = rec.cell(column)
        found = exemption.says_exempt(cell.value) if isinstance(cell.value, str) else None
        if found is None:
            continue
        words, sure = found
        if column not in ("title", "papers") and exemption.marking(cell.value, anywhere=False):
            return  # (refused already, as a marking typed in the wrong column: `marking`)
        if sure and said != PUBLIC:
            errors.add(
                InputError(
                    f"the {column} of item {number} {'say' if column == 'papers' else 'says'} it "
                    f"is exempt ({words!r}), but the item "
                    "has no exempt paragraph, so its papers would be published; give it "
                    f"{what} in Exempt paragraph, or, if the item is "
                    "public, type public there",
                    cell.source,
                )
            )
            return
        perhaps = perhaps or (column, words, cell)
    if perhaps is not None and not said_public:
        column, words, cell = perhaps
        errors.warn(
            f"{cell.source}: the {column} of item {number} "
            f"{'say' if column == 'papers' else 'says'} {words!r} but the item has no "
            "exempt paragraph, so its papers are published in the public pack; if it is exempt "
            f"business give it {what} in Exempt paragraph, or type "
            "'no' there to say that it is public"
        )


PUBLIC = exemption.PUBLIC
NOT_EXEMPT = exemption.NOT_EXEMPT


def _says(cell: sheets.Cell) -> str:
    return sheets.normalise(cell.value) if isinstance(cell.value, str) else ""


def _says_public(cell: sheets.Cell) -> bool:
    return _says(cell) in NOT_EXEMPT


def _supplement(cell: sheets.Cell) -> int:
    what = "a supplement number (1, 2 ...)"
    n = sheets.integer(cell, what)
    if not 1 <= n <= 99:
        raise InputError(
            f"supplement {n} is not a supplement number; number the supplements 1, 2, 3 ...",
            cell.source,
        )
    return n


STATUSES = "blank, verbal, presentation, to follow"


def _status(cell: sheets.Cell, rule: str = "england") -> Status:
    value = re.sub(r"[\s_-]+", " ", sheets.text(cell).lower()).strip()
    for status in Status:
        if value == status.value:
            return status
    if value in {"verbal update", "verbal report"}:
        return Status.VERBAL
    if value in {"presentation", "verbal presentation", "presentation at meeting"}:
        return Status.PRESENTATION
    if value in {"to follow", "tf", "late"}:
        return Status.TO_FOLLOW
    if exemption.status_says_exempt(value):
        raise InputError(
            f"status {sheets.text(cell)!r} is not one of: {STATUSES}; an exempt "
            f"item is marked by {exclusion.what_to_type(rule)} in Exempt paragraph, not by "
            "its status: give that there, and clear the status",
            cell.source,
        )
    raise InputError(
        f"status {sheets.text(cell)!r} is not one of: {STATUSES}; write one of them",
        cell.source,
    )


def _exempt(cell: sheets.Cell, rule: str) -> Exemption:
    """An exempt cell's paragraphs under the meeting's rule (`exclusion.read`)."""
    return exclusion.read(cell.value, rule, cell.source)


def _papers(
    cell: sheets.Cell,
    folder: Path,
    status: Status,
    number: str,
    errors: Collector,
    taken: Snapshots | None = None,
    rule: str = "england",
) -> tuple[list[Paper], list[str]]:
    """The item's papers, checked; and for an item "to follow", the names of those that have not
    arrived (the others are read all the same: a paper that is there is checked)."""
    names = [n.strip() for n in re.split(r"[\n;]+", _text(cell, "the papers")) if n.strip()]
    waiting: list[str] = []
    if status.spoken and names:
        # (a presentation's slides in the pack make it an item with papers: Status blank)
        slides = " (to put its slides in the pack, clear the status)"
        errors.add(
            InputError(
                f"item {number} is a {status.value} item but lists papers; clear the papers or "
                f"the status{slides if status is Status.PRESENTATION else ''}",
                cell.source,
            )
        )
        return [], []
    papers = []
    listed: dict[str, str] = {}  # each paper's real path, to the name it was first given by
    for name in names:
        try:
            path = safe_path(folder, name, cell.source)
            exists = path.exists()
            same = listed.get(str(resolved(path)))
            listed.setdefault(str(resolved(path)), name)
        except PackError as exc:
            errors.add(exc)
            continue
        except (OSError, RuntimeError, ValueError):  # a name too long, a link to itself ...
            errors.add(
                InputError(
                    f"paper {name[:60]!r} of item {number} cannot be opened (the name is too long "
                    "or it is a link that leads nowhere); give the name of a file in the folder",
                    cell.source,
                )
            )
            continue
        if same is not None:  # a slip (pasted twice): never meant, and would print it twice
            errors.add(
                InputError(
                    f"paper {name!r} is listed twice in the Papers of item {number}"
                    f"{f' (also as {same!r})' if same != name else ''}; delete one of them",
                    cell.source,
                )
            )
            continue
        if exists and not path.is_file():  # a folder, or a named pipe that would never answer
            errors.add(
                InputError(
                    f"paper {name!r} is not a file; give the name of a file in the folder",
                    cell.source,
                )
            )
            continue
        if not exists:
            if status is Status.TO_FOLLOW:
                waiting.append(name)
                commas = _commas(folder, name)
                hint = (
                    f", but {commas}: separate the papers of a cell with ';' or put each on a "
                    "line of its own (Alt+Enter), not with commas"
                    if commas
                    else did_you_mean(folder, name)
                )
                if hint:  # arrived, perhaps, under the name it really has ("...pdf" left off)
                    errors.warn(
                        f"{cell.source}: paper {name!r} of item {number} is to follow and not in "
                        f"the meeting folder{hint}; if that is the paper, correct its name here, "
                        "or the item waits for it"
                    )
                continue  # not arrived yet: the item stays "to follow"
            commas = _commas(folder, name)
            if commas:
                errors.add(
                    MissingPaperError(
                        f"paper {name!r} of item {number} is not in the meeting folder, but "
                        f"{commas}; separate the papers of a cell with ';' or put each on a line "
                        "of its own (Alt+Enter), not with commas",
                        cell.source,
                    )
                )
                continue
            errors.add(
                MissingPaperError(
                    f"paper {name!r} of item {number} is not in the meeting folder; add the file "
                    f"or correct its name{did_you_mean(folder, name)}",
                    cell.source,
                )
            )
            continue
        try:
            papers.append(_paper(path, cell.source, folder, taken, rule))
        except PackError as exc:
            errors.add(exc)
    return papers, waiting


def _commas(folder: Path, name: str) -> str:
    """ "'Report.docx' and 'Appendix 1.pdf' are" when the name is papers separated by commas,
    some of which are in the folder (a name with a comma in it, when
    that file is there, never comes here)."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) < 2 or not all(parts):
        return ""
    found = []
    for part in parts:
        with contextlib.suppress(PackError, OSError, RuntimeError, ValueError):
            if safe_path(folder, part, Source(folder)).is_file():
                found.append(repr(part))
    if not found:
        return ""
    are = "is" if len(found) == 1 else "are"
    return f"{' and '.join(found) if len(found) < 3 else ', '.join(found)} {are}"


def did_you_mean(folder: Path, name: str) -> str:
    """ " (did you mean 'Report.docx'?)" when a file in the folder has a name close to `name`; when
    the two differ only by characters that look alike (a hyphen and an en dash), what differs."""
    try:
        names = [p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    except OSError:
        return ""
    close = difflib.get_close_matches(Path(name).name, names, n=1, cutoff=0.75)
    if not close:  # a different case or extension only
        close = [n for n in names if Path(n).stem.lower() == Path(name).stem.lower()][:1]
    if not close:
        return ""
    differs = lookalikes(Path(name).name, close[0])
    if differs:
        return (
            f" (the folder has {close[0]!r}, which looks the same, but its name has {differs}; "
            "copy the file's name into the cell)"
        )
    return f" (did you mean {close[0]!r}?)"


# characters that look alike in a cell and a file name, as an advisor would call them
LOOKALIKE = {
    "-": "a hyphen '-'",
    "\u2010": "a Unicode hyphen '\u2010'",
    "\u2011": "a non-breaking hyphen '\u2011'",
    "\u2012": "a figure dash '\u2012'",
    "\u2013": "an en dash '\u2013'",
    "\u2014": "an em dash '\u2014'",
    "\u2212": "a minus sign '\u2212'",
    "'": 'a straight apostrophe "\'"',
    "\u2018": "a curly opening quote '\u2018'",
    "\u2019": "a curly apostrophe '\u2019'",
    "`": "a backtick '`'",
    '"': "a straight quote '\"'",
    "\u201c": "a curly opening quote '\u201c'",
    "\u201d": "a curly closing quote '\u201d'",
    " ": "a space",
    "\u00a0": "a non-breaking space",
    "\u202f": "a narrow non-breaking space",
    "\u2009": "a thin space",
    "\u200b": "a zero-width space",
}


def lookalikes(typed: str, found: str) -> str:
    """What differs between a name typed and a file's name, when all that differs is characters
    that look alike: "an en dash '–' where the cell has a hyphen '-'"; else ""."""
    said: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(
        None, typed, found, autojunk=False
    ).get_opcodes():
        if op == "equal":
            continue
        ours, theirs = typed[a1:a2], found[b1:b2]
        if not set(ours + theirs) <= LOOKALIKE.keys():
            return ""
        if op == "replace" and len(ours) == len(theirs):
            pairs = [(LOOKALIKE[t], LOOKALIKE[o]) for o, t in zip(ours, theirs, strict=True)]
            said += [f"{t} where the cell has {o}" for t, o in pairs]
        elif op == "insert":
            said += [f"{LOOKALIKE[t]} the cell does not have" for t in theirs]
        elif op == "delete":
            said += [f"no {LOOKALIKE[o].split(' ', 1)[1]} where the cell has one" for o in ours]
        else:
            return ""
    return ", and ".join(dict.fromkeys(said))


def on_disk(folder: Path, name: str) -> Path:
    """`folder / name`, each part of the name spelled as the folder spells it where the two differ
    only in how their accents are encoded: a Mac writes 'é' as 'e' and an accent (Unicode NFD),
    Excel as one character (NFC); they look the same and are the same name."""
    path = folder
    for part in Path(name).parts:
        here = path / part
        if not os.path.lexists(here) and part not in (".", ".."):
            want = unicodedata.normalize("NFC", part)
            with contextlib.suppress(OSError):
                found = [e for e in os.listdir(path) if unicodedata.normalize("NFC", e) == want]
                if len(found) == 1:
                    here = path / found[0]
        path = here
    return path


def safe_path(folder: Path, name: str, source: Source) -> Path:
    """A paper's path, refused if it leaves the meeting folder (../, absolute paths, links)."""
    if Path(name).is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise InputError(
            f"paper {name!r} is an absolute path; put the file in the meeting folder and give its "
            "name",
            source,
        )
    root = resolved(folder)
    path = on_disk(folder, name)
    try:
        resolved(path).relative_to(root)
    except (OSError, RuntimeError):
        raise InputError(
            f"paper {name[:60]!r} cannot be opened (the name is too long, or it is a link that "
            "leads to itself); give the name of a file in the folder",
            source,
        ) from None
    except ValueError:
        raise InputError(
            f"paper {name!r} points outside the meeting folder; put the file in the folder itself",
            source,
        ) from None
    with contextlib.suppress(OSError):  # (a file that cannot be read is told when it is read)
        if path.is_file() and path.stat().st_nlink > 1:
            raise InputError(
                f"paper {path.name!r} is a hard link (the same file also has another name, perhaps "
                "outside the meeting folder); put a copy of the file in the folder instead",
                source,
            )
    return path


def _paper(
    path: Path,
    source: Source,
    folder: Path,
    taken: Snapshots | None = None,
    rule: str = "england",
) -> Paper:
    """A paper of the agenda, checked. In a build (`taken`), the checks read the paper's copy,
    which every later step reads too; their errors name the paper. `rule`: the meeting's
    deadline rule, the law a data paper's exempt business is held back under."""
    suffix = path.suffix.lower()
    if suffix not in PAPER_SUFFIXES:
        raise InputError(
            f"paper {path.name!r} is neither PDF, Word (.docx, .doc, .odt, .rtf) nor a data "
            "workbook (.xlsx); save it as one of those, or correct the file name",
            source,
        )
    file = taken.take(path, source) if taken is not None else path
    try:
        paper = _checked_paper(file, source, folder, rule)
    except PackError as exc:
        raise as_paper(exc, file, path) from None
    # a warning, like an error, names the paper, not the build's copy of it (a data paper's
    # warnings name their cells: "<copy>, sheet Monthly figures, cell B5: ...")
    warnings = tuple(w.replace(str(file), str(path)) for w in paper.warnings)
    return dataclasses.replace(
        paper, path=path, snapshot=file if file != path else None, warnings=warnings
    )


def _checked_paper(path: Path, source: Source, folder: Path, rule: str = "england") -> Paper:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from packbuilder import pdf

        found: list[str] = []
        pages = pdf.check_readable(path, found)
        if not pdf.is_tagged(path):
            found.append(f"{path.name}: {pdf.UNTAGGED_WARNING}")
        title = documents.title_from_filename(path)
        return Paper(path, PaperKind.PDF, title, source, warnings=tuple(found), pages=pages)
    if suffix in WORD_SUFFIXES:
        checks = word_checks(path)
        missing = checks.alt
        warnings: tuple[str, ...] = (
            (
                f"{path.name}: {missing} image{'s' if missing > 1 else ''} without alternative "
                "text, which screen readers cannot describe; ask its author to add alt text in "
                "Word (right-click the image, View Alt Text) or mark it as decorative",
            )
            if missing
            else ()
        )
        if checks.paper:
            warnings += (
                f"{path.name}: is set for {checks.paper} paper, not A4; its pages go into the "
                "pack at that size, so a printed pack mixes paper sizes; ask its author to set "
                "A4 (Layout, Size in Word) and save it",
            )
        if checks.cropped:
            from packbuilder.pictures import CROPPED

            warnings += (
                f"{path.name} carries {CROPPED}: left out of public packs (a private pack keeps "
                "them)",
            )
        boxes = unprintable(checks.unusual)
        if boxes:
            warnings += (f"{path.name}: {described(boxes)}",)
        if checks.tracked:
            warnings += (
                f"{path.name}: has tracked changes; the pack shows it with every change accepted "
                "(as Word's No Markup view does): if that is not what its author meant, ask them "
                "to accept or reject the changes in Word and save it",
            )
        title = documents.title_from_filename(path)
        return Paper(path, PaperKind.WORD, title, source, warnings=warnings)
    assert suffix in DATA_SUFFIXES  # the others are refused by `_paper`
    return documents.load_data_paper(path, source, folder, rule)


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


_SRC_RECT = re.compile(rb"<a:srcRect\b([^>]*)>")
_CROP_SIDE = re.compile(rb'\b[ltrb]="(-?\d+)"')
_ODF_CLIP = re.compile(rb'fo:clip="rect\(([^)]*)\)"')
_RTF_CROP = re.compile(rb"\\piccrop[ltrb](-?\d+)")


def cropped_pictures(path: Path) -> int:
    """How many pictures of a Word paper are cropped where they are placed (Word's *Picture
    Format > Crop*, LibreOffice's *Crop*): the hidden parts are still in the file and in its PDF,
    and a public pack cuts them away (`pictures`), which the advisor is told. Read from its XML
    (.docx: ``a:srcRect``, .odt: ``fo:clip``) or its control words (.rtf: ``\\piccrop``); a .doc
    is not read (0)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            with zipfile.ZipFile(path) as zf:
                xml = zf.read("word/document.xml")
            return sum(
                any(int(v) > 0 for v in _CROP_SIDE.findall(m[1])) for m in _SRC_RECT.finditer(xml)
            )
        if suffix == ".odt":
            with zipfile.ZipFile(path) as zf:
                xml = zf.read("content.xml") + zf.read("styles.xml")
            return sum(re.search(rb"[1-9]", m[1]) is not None for m in _ODF_CLIP.finditer(xml))
        if suffix == ".rtf":
            return int(any(int(v) > 0 for v in _RTF_CROP.findall(path.read_bytes())))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, UnicodeDecodeError):
        return 0  # _check_word has already refused what LibreOffice could not read
    return 0


# Page sizes in millimetres, either way round: A4 is the pack's; the others are named.
A4_MM = (210.0, 297.0)
PAPER_SIZES_MM = {
    "US Letter": (215.9, 279.4),
    "US Legal": (215.9, 355.6),
    "A3": (297.0, 420.0),
    "A5": (148.0, 210.0),
}
_PG_SZ = re.compile(rb"<w:pgSz\b[^>]*>")
_ODF_PAGE = re.compile(rb"<style:page-layout-properties\b[^>]*>")


def page_size_not_a4(path: Path) -> str:
    """The name of the paper size a Word paper's pages are set for ("US Letter"), if any section
    is not A4 (portrait or landscape); "" for A4, or a format whose size is not read here (.doc).
    Read from its XML (.docx, .odt) or its control words (.rtf)."""
    suffix = path.suffix.lower()
    sizes: list[tuple[float, float]] = []
    try:
        if suffix == ".docx":
            xml = read_member(path, "word/document.xml") or b""
            for tag in _PG_SZ.findall(xml):
                w, h = re.search(rb'w:w="(\d+)', tag), re.search(rb'w:h="(\d+)', tag)
                if w and h:  # twentieths of a point
                    sizes.append((int(w[1]) * 25.4 / 1440, int(h[1]) * 25.4 / 1440))
        elif suffix == ".odt":
            xml = read_member(path, "styles.xml") or b""
            for tag in _ODF_PAGE.findall(xml):
                w, h = (
                    re.search(rb'fo:page-width="([^"]+)"', tag),
                    re.search(rb'fo:page-height="([^"]+)"', tag),
                )
                if w and h:
                    sizes.append((_length_mm(w[1].decode()), _length_mm(h[1].decode())))
        elif suffix == ".rtf":
            head = path.read_bytes()[: 1 << 16]
            w, h = re.search(rb"\\paperw(\d+)", head), re.search(rb"\\paperh(\d+)", head)
            if w and h:
                sizes.append((int(w[1]) * 25.4 / 1440, int(h[1]) * 25.4 / 1440))
    except Exception:  # noqa: BLE001 - checked already; the size only adds a warning
        return ""
    for size in sizes:
        if size[0] <= 0 or size[1] <= 0 or _near(size, A4_MM):
            continue
        return next((name for name, mm in PAPER_SIZES_MM.items() if _near(size, mm)), (
            f"a {round(min(size))} x {round(max(size))} mm"
        ))  # fmt: skip
    return ""


def _near(size: tuple[float, float], paper: tuple[float, float]) -> bool:
    short, long_ = sorted(size)
    return abs(short - paper[0]) <= 2 and abs(long_ - paper[1]) <= 2


def _length_mm(text: str) -> float:
    found = re.fullmatch(r"\s*([\d.]+)\s*(cm|mm|in|pt)?\s*", text)
    if not found:
        return 0.0
    value = float(found[1])
    return value * {"cm": 10.0, "mm": 1.0, "in": 25.4, "pt": 25.4 / 72}.get(found[2] or "cm", 10.0)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, or any encrypted Office file


@dataclasses.dataclass(frozen=True)
class WordChecks:
    """What the checks of a Word paper that passed found."""

    alt: int  # images without alternative text (`images_without_alt_text`)
    tracked: bool  # tracked changes in its text (`final.has_tracked_changes`)
    paper: str = ""  # a page size other than A4 that it is set for (`page_size_not_a4`)
    cropped: int = 0  # pictures cropped where they are placed (`cropped_pictures`)
    # the characters of its text beyond Latin (`unprintable.paper_characters`), which the
    # installed fonts may not have: looked up when warned of, as fonts may be installed since
    unusual: str = ""


def check_word_paper(path: Path) -> int:
    """Check a Word paper (`word_checks`); the number of its images without alternative text."""
    return word_checks(path).alt


def word_checks(path: Path) -> WordChecks:
    """Check a Word paper (`_check_word`), count its images without alternative text and look
    for tracked changes. A paper whose content passed is remembered by its content (beside the
    PDF papers' checks), so that a rebuild does not read every Word paper again: only if the
    checks read the bytes that were hashed (the file was neither written to nor replaced
    meanwhile). A failure is never remembered."""
    from packbuilder import pdf

    with contextlib.ExitStack() as stack:
        try:
            key, _same, fh = stack.enter_context(pdf.pinned(path))
        except OSError:
            _check_word(path)  # says what is wrong with it
            return _read_word_checks(path)
        entry = pdf.remembered_by_key(key, "word", _word_checks_version())
        known = pdf.recall(entry)
        if (
            isinstance(known, dict)
            and isinstance(known.get("alt"), int)
            and isinstance(known.get("tracked"), bool)
            and isinstance(known.get("paper"), str)
            and isinstance(known.get("cropped"), int)
            and isinstance(known.get("unusual"), str)
        ):
            return WordChecks(
                int(known["alt"]),
                bool(known["tracked"]),
                str(known["paper"]),
                known["cropped"],
                known["unusual"],
            )
        # the checks read the paper by its name (its links are relative to where it is)
        _check_word(path)
        found = _read_word_checks(path)
        # remembered only if what they read is what was hashed: the same file, not written to
        if _same_file(path, fh) and pdf.path_key(path, fh) == key:
            pdf.remember(entry, dataclasses.asdict(found))
        return found


def _read_word_checks(path: Path) -> WordChecks:
    return WordChecks(
        images_without_alt_text(path),
        has_tracked_changes(path),
        page_size_not_a4(path),
        cropped_pictures(path),
        paper_characters(path),
    )


def _same_file(path: Path, fh: Any) -> bool:
    """Whether `path` still names the file open as `fh` (not another saved under its name)."""
    try:
        now, held = path.stat(), os.fstat(fh.fileno())
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


@functools.cache
def _word_checks_version() -> str:
    """The code that checks Word papers: a change to it checks every paper again."""
    from packbuilder import concealed, external, safezip, unprintable
    from packbuilder.convert import final

    h = hashlib.sha256()
    for module in (external, concealed, safezip, final, unprintable, sys.modules[__name__]):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


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
    if not head:
        raise InputError(
            "this file is empty (0 bytes): perhaps it was still being copied; put the file in "
            "the folder again",
            src,
        )
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
    # only now that the file is known to be what it says: nothing it refers to may be loaded
    check_external(path)
    check_concealed(path)  # nor an object Word hides, which LibreOffice would print
