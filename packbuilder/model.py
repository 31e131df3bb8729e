"""The typed model that crosses stage boundaries.

Only these frozen dataclasses travel between stages: `render` never sees openpyxl, `assemble` never
sees docxtpl. Everything read from a workbook keeps its `Source` (file, sheet, cell) so that a later
stage can still say exactly where a bad value came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder.dates import long_date, short_date
from packbuilder.errors import Source
from packbuilder.richtext import Block

# the files an agenda can name as papers (meeting.py reads each kind)
PAPER_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".odt", ".rtf", ".xlsx", ".xlsm"})


class Status(enum.Enum):
    """An agenda item's papers: present (blank), spoken to (verbal), shown on the screen at the
    meeting (a presentation: no papers in the pack, as verbal), or arriving late (to follow)."""

    PAPERS = ""
    VERBAL = "verbal"
    PRESENTATION = "presentation"
    TO_FOLLOW = "to follow"

    @property
    def spoken(self) -> bool:
        """Given at the meeting with no papers in the pack: verbal, or a presentation."""
        return self in (Status.VERBAL, Status.PRESENTATION)

    @property
    def words(self) -> str:
        """What the agenda prints for an item of this status without papers ("" for none)."""
        return {Status.VERBAL: "Verbal update", Status.PRESENTATION: "Presentation"}.get(self, "")


class PaperKind(enum.Enum):
    PDF = "pdf"  # an appendix, included as it is
    WORD = "word"  # an officer's report, converted by LibreOffice
    DATA = "data"  # a workbook that fills a template from templates/


@dataclass(frozen=True, kw_only=True)
class DocumentData:
    """What a data workbook holds, read and checked: the base of every kind's model.

    Each kind's loader returns a subclass (`kinds.minutes.Minutes`,
    `kinds.money_documents.CommissioningPlan` and `EvaluationReturn`, and
    `documents.WorkbookData` for any other kind): exact values (Decimal money, dates, times), never
    text formatted for a template; `contexts.template_context` turns one into a template's context.
    """

    source: Source  # the workbook; rows and cells inside carry their own

    def withheld(self) -> tuple[Withheld, ...]:
        """What of the document only members may read (`Paper.members_data`): none, unless its
        kind holds exempt business in full (the minutes of a Part II minute)."""
        return ()

    def withheld_law(self) -> Exemption | None:
        """The law the members' document (`Paper.members_data`) is exempt under, every
        paragraph its exempt business cites; None when it holds none."""
        return None

    def members_title(self) -> str | None:
        """The title of the members' document (`Paper.for_members`); None: the paper's."""
        return None


@dataclass(frozen=True, kw_only=True)
class Withheld:
    """Exempt text a members' document holds, which no public paper may hold (`textmatch`):
    `what` it is ("minute 12"), the cell it was read from, and its text, a paragraph a line."""

    what: str
    source: Source
    text: str


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Paper:
    """One document of an agenda item, in the order the agenda lists it."""

    path: Path
    kind: PaperKind
    title: str
    source: Source
    template: str | None = None  # DATA only: the template's name in templates/
    data: DocumentData | None = None  # DATA only: the workbook's content, read and checked
    warnings: tuple[str, ...] = ()
    pages: int | None = None  # PDF only: its page count, known once it has been checked
    snapshot: Path | None = None  # in a build: the copy of its bytes every step reads (`snapshots`)
    # DATA only: what members entitled to see exempt information read in the private pack
    # besides `data`, after every public page (the exempt minutes in full: `for_members`)
    members_data: DocumentData | None = None

    @property
    def file(self) -> Path:
        """Where the paper's bytes are read: its copy in a build, else the file itself."""
        return self.snapshot or self.path

    def for_members(self) -> Paper:
        """The members' paper the private pack carries besides this one (after every public
        page: `plan.annex`): the same workbook made with `members_data` (the exempt minutes in
        full). Every stage knows a paper's PDF, pages and rendered document by its path, so the
        members' paper has a path of its own: the workbook's with "#members" after it (a
        paper's name ends in .pdf, .docx, .xlsx ..., so no paper can have it); its bytes are
        the workbook's."""
        if self.members_data is None:
            return self
        return dataclasses.replace(
            self,
            path=self.path.with_name(f"{self.path.name}{MEMBERS}"),
            title=self.members_data.members_title() or self.title,
            snapshot=self.file,
            data=self.members_data,
            members_data=None,
            warnings=(),  # (the paper's own are told once)
        )


MEMBERS = "#members"  # after a paper's name, the path of its members' paper (`Paper.for_members`)
ANNEX = "#exempt"  # after an item's number, the key of its annex (`AgendaItem.key`)


def annex_key(number: str) -> str:
    """The layout key of the annex of item `number` (`AgendaItem.annex`)."""
    return f"{number}{ANNEX}"


@dataclass(frozen=True)
class Timing:
    """An agenda row's Time cell: minutes allowed ("15"), a range ("10.00-10.05", "12.30 - 1pm"),
    a start time, or a word shown as typed ("N/a")."""

    minutes: int | None = None
    start: dt.time | None = None
    end: dt.time | None = None
    text: str = ""  # a cell that is none of these, shown as typed
    source: Source | None = field(default=None, compare=False)  # the Time cell it was read from


@dataclass(frozen=True)
class Exemption:
    """Why an exempt (Part II) item's papers are not published: the paragraphs of Schedule 12A its
    information falls under, in order, or none for a parish or town council's confidential
    business; `rule` is the meeting's (england, wales or parish), which says which law they are
    of (`exclusion`)."""

    paragraphs: tuple[int, ...]
    rule: str = "england"


@dataclass(frozen=True)
class AgendaItem:
    number: str
    title: str
    lead: str
    purpose: str
    minutes: int | None
    papers: tuple[Paper, ...]
    status: Status
    exemption: Exemption | None  # None: a public item
    supplement: int | None
    source: Source
    timing: Timing = Timing()
    notes: tuple[Block, ...] = ()  # the Notes cell: short text and bullets under the subject
    # an item "to follow": the papers its Papers cell names that have not arrived (`waiting`),
    # and, when some have, those that have (`held`), kept back so that its papers go out together
    waiting: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    held_papers: tuple[Paper, ...] = ()  # those held, checked: an exempt item's stay exempt
    # its Exempt paragraph cell says something that is not a paragraph ("8", "Yes"): refused
    # already, naming the cell, so no other check says again that the item has no paragraph
    exempt_refused: bool = False
    supplement_cell: Source | None = field(default=None, compare=False)  # its Supplement cell
    papers_cell: Source | None = field(default=None, compare=False)  # its Papers cell
    # the private pack's members-only part of item `number` (its exempt minutes of the last
    # meeting), placed after every public page so that both packs' pages stay in step
    # (`plan.annex`): never an agenda row of its own
    annex: bool = False

    @property
    def exempt(self) -> bool:
        return self.exemption is not None

    @property
    def key(self) -> str:
        """The item's place in a layout and its named destination: its number, or for an
        annex the number with "#exempt" after it (an agenda number has no "#")."""
        return annex_key(self.number) if self.annex else self.number

    @property
    def has_papers(self) -> bool:
        return bool(self.papers) and not self.status.spoken


@dataclass(frozen=True)
class AgendaHeading:
    """A section heading of the agenda ("Agenda Items for Discussion", "Part II"): shown, never
    numbered, stamped or given papers."""

    title: str
    source: Source
    notes: tuple[Block, ...] = ()  # its Notes cell: short text and bullets under the heading


@dataclass(frozen=True)
class AgendaBreak:
    """A break in the meeting ("BREAK - if required"), with its time if given."""

    title: str
    timing: Timing
    source: Source


AgendaRow = AgendaItem | AgendaHeading | AgendaBreak


class AgendaStyle(enum.Enum):
    LIST = "list"  # modern.gov: Item | Subject (title, purpose, pages) | Lead | Time
    TABLE = "table"  # Item | Subject | Who | Decision required | Time, as in the May 2016 pack


@dataclass(frozen=True)
class AgendaSettings:
    """How the frontsheet writes the agenda (Meeting-sheet settings, see docs/meeting-folder.md)."""

    style: AgendaStyle = AgendaStyle.LIST
    ranges_include_fillers: bool = True  # modern.gov: an item's range runs to the next item's start
    lead_heading: str = "Lead"  # Meeting-sheet "Lead heading", or the style's default
    purpose_heading: str = "Decision required"
    lead_heading_typed: bool = False  # the Meeting sheet gave "Lead heading"
    lead_column: str = ""  # the Agenda sheet's heading of its lead column, as typed
    paperwork_marker: bool = False  # "*" after the subject of items whose papers are in the pack


def _names(names: tuple[str, ...]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _has(names: tuple[str, ...]) -> str:
    return "has" if len(names) == 1 else "have"


@dataclass(frozen=True)
class Meeting:
    """A meeting folder, read and validated: everything a build needs."""

    folder: Path
    workbook: Path
    body: str
    date: dt.date
    start_time: dt.time
    venue: str
    items: tuple[AgendaItem, ...]
    end_time: dt.time | None = None
    chair: str = ""
    contact: Contact = Contact()
    title: str = ""
    deadline_rule: str = "england"
    extra: Mapping[str, str] = field(default_factory=dict)
    rows: tuple[AgendaRow, ...] = ()  # the whole agenda in order: items, headings and breaks
    agenda: AgendaSettings = AgendaSettings()
    notices: tuple[str, ...] = ()  # warnings found while loading (timings past the end time)
    workbook_digest: str = ""  # sha256 of meeting.xlsx, taken before it was read

    @property
    def agenda_rows(self) -> tuple[AgendaRow, ...]:
        return self.rows or self.items

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def pack_title(self) -> str:
        return self.title or f"{self.body} - {short_date(self.date)}"

    def warnings(self) -> list[str]:
        """What a build or a check should point out without refusing: each paper's warnings, and
        items whose papers are still to follow."""
        out = [w for item in self.items for p in item.papers for w in p.warnings]
        out += self.notices
        out += [
            f"item {i.number} is to follow and its papers have not arrived; the agenda shows "
            "'To follow'"
            for i in self.items
            if i.status is Status.TO_FOLLOW and not i.papers and not i.held
        ]
        out += [
            f"item {i.number} is to follow: {_names(i.held)} {_has(i.held)} arrived but "
            f"{_names(i.waiting)} {_has(i.waiting)} not, so none of its papers is sent yet; they "
            "go out together when all have arrived (or take the missing name out of its Papers "
            "cell)"
            for i in self.items
            if i.held
        ]
        out += self._exempt_before_public()
        out += self._supplement_gaps()
        out += self._folder_warnings()
        return out

    def _supplement_gaps(self) -> list[str]:
        """A supplement made while an earlier number has none: members and the public, given
        Supplement 2, look for Supplement 1 (and the one made later under that number comes out
        after it)."""
        following = [i for i in self.items if i.status is Status.TO_FOLLOW]
        made = {i.supplement or 1 for i in following if i.papers}
        out = []
        for number in sorted(made):
            missing = [n for n in range(1, number) if n not in made]
            if not missing:
                continue
            first = next(i for i in following if i.papers and (i.supplement or 1) == number)
            waiting = [i for i in following if (i.supplement or 1) == missing[0]]
            why = (
                f"item {waiting[0].number}'s papers, which go in it, have not all arrived"
                if waiting
                else "no item is given it"
            )
            out.append(
                f"item {first.number}'s papers go out as Supplement {number}, but there is no "
                f"Supplement {missing[0]} ({why}), so readers will look for one; number "
                "supplements in the order they go out (give this item Supplement "
                f"{missing[0]} in the Supplement column)"
            )
        return out

    def _exempt_before_public(self) -> list[str]:
        """An exempt item with papers before a public one with papers in the same pack (the
        agenda pack, or a supplement): the public pack leaves the exempt papers out, so the later
        item's pages are numbered differently in the public and the private pack (the public
        and members would cite different page numbers). Councils take exempt business last for
        this reason; one warning a pack, at the first public item that moves."""
        packs: dict[int, list[AgendaItem]] = {}  # 0: the agenda pack; N: supplement N
        for i in self.items:
            if i.has_papers:
                late = i.status is Status.TO_FOLLOW
                packs.setdefault((i.supplement or 1) if late else 0, []).append(i)
        out = []
        for number, in_pack in sorted(packs.items()):
            exempt = [n for n, i in enumerate(in_pack) if i.exempt]
            moved = [i for i in in_pack[exempt[0] :] if not i.exempt] if exempt else []
            if moved:
                pack = f"supplement {number}" if number else "pack"
                out.append(
                    f"{moved[0].source}: item {moved[0].number} comes after exempt item "
                    f"{in_pack[exempt[0]].number}, so its pages are numbered differently in the "
                    f"public and the private {pack} (members and the public would cite "
                    "different page numbers); take exempt items last, as councils do"
                )
        return out

    def _folder_warnings(self) -> list[str]:
        """A folder copied from another meeting and not renamed (its packs and their versions
        are named after it), and files in it that no agenda item names (a late paper saved under
        another name)."""
        out = []
        named = re.match(r"(\d{4}-\d{2}-\d{2})(?!\d)", self.name)
        if named and named.group(1) != self.date.isoformat():
            try:
                named_day = f"{long_date(dt.date.fromisoformat(named.group(1)))} ({named.group(1)})"
            except ValueError:  # (not a date: "2026-13-45-...")
                named_day = named.group(1)
            renamed = self.date.isoformat() + self.name[len(named.group(1)) :]
            out.append(
                f"the meeting folder is named for {named_day} but the Date in sheet Meeting is "
                f"{long_date(self.date)}; correct whichever is wrong. If the Date is right, "
                f"rename the folder to {renamed} before its packs are published (packs are "
                "named after the folder, so a folder copied from another meeting would replace "
                "that meeting's packs; after renaming, packs start again at version 1 in an "
                "output folder of the new name)"
            )
        used = {p.resolve() for p in self.input_files()}
        used |= {p.path.resolve() for i in self.items for p in i.held_papers}  # (named: held)
        try:
            files = sorted(p for p in self.folder.iterdir() if p.is_file())
        except OSError:
            return out
        names = [p.name for p in files]
        for path in files:
            if path.name.startswith("~$"):
                out += _open_elsewhere(path, names)
                continue
            if path.name.startswith(".") or path.resolve() in used:
                continue
            if path.suffix.lower() in PAPER_SUFFIXES:
                out.append(
                    f"{path.name} is in the meeting folder but no agenda item names it; add it to "
                    "an item's Papers, or remove it"
                )
        return out

    def input_files(self) -> list[Path]:
        """Every file the build reads from the meeting folder, for hashing and staleness."""
        files = [self.workbook]
        for item in self.items:
            files.extend(p.path for p in item.papers)
        return sorted(set(files))


def _open_elsewhere(lock: Path, names: Sequence[str]) -> list[str]:
    """The warning an Office lock file ("~$meeting.xlsx") in the folder calls for: the file it
    stands for is open in Excel or Word, so what has not been saved is not in the pack. (Office
    writes the lock under the file's name with its first two letters replaced, or prefixed for
    a short name: it is matched by the rest of the name, in any case; the warning names the file
    as it is spelled in the folder.)"""
    rest = lock.name[2:].lower()
    match = sorted(
        n for n in names if not n.startswith("~$") and rest in (n.lower(), n[2:].lower())
    )
    if not match:
        return []
    return [
        f"{match[0]} is open in Excel or Word (its lock file {lock.name} is in the meeting "
        "folder): save it and close it before building, or changes not saved yet will not be "
        "in the pack"
    ]
