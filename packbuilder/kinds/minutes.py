"""Minutes of the last meeting, generated from the democratic advisor's minutes workbook.

Every pack carries the draft minutes of the previous meeting as the paper of its first item
("Minutes of the last meeting"), for the members to agree as a correct record. Minutes record:

* who came: members *present* (the chair first, marked "(Chair)"), members who sent *apologies*,
  officers and advisers *in attendance* (the democratic advisor, presenters), and members *absent*;
* when the meeting started and finished;
* numbered *minute items*. Many bodies number minutes continuously across meetings (May 2016's
  minutes run 48, 49, 50, 51 because April's ended at 47), others start at 1 each meeting; either
  way numbers only ever go up, so a repeated or falling number is a typing error;
* under each minute: narrative paragraphs, the points "Members discussed", the resolutions ("It was
  agreed that -" followed by numbered points), and actions, each with an owner and a due date;
* the dates of future meetings.

The draft-minutes note names the body by its own word ("the partnership will consider the accuracy
of these draft minutes"): the ``Body word`` field of the Meeting sheet when given, else the last
word of the body's name when that is a kind of body (`BODY_WORDS`: "Safer Plymouth Partnership" ->
"partnership", "... Board" -> "board"), else "committee".

The actions are also gathered into an *actions log* at the end, so that the next meeting's "matters
arising" can carry the open ones forward.

Workbook sheets (see docs/minutes.md): ``Document`` (Kind = minutes), ``Meeting`` (Field | Value),
``Attendance``, ``Minutes`` (one row per minute item), ``Actions`` (one row per action, keyed by
minute number) and ``Future meetings``. Every text cell follows the one cell-text convention of
`richtext`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from packbuilder import dates, richtext, sheets
from packbuilder.documents import Loaded, register
from packbuilder.errors import Collector, InputError, PackError, Source
from packbuilder.model import DocumentData

ATTENDANCE = {
    "present": "present",
    "apologies": "apologies",
    "apology": "apologies",
    "in attendance": "in attendance",
    "also in attendance": "in attendance",
    "absent": "absent",
}
ATTENDANCE_CHOICES = "present, apologies, in attendance or absent"
CHAIR = frozenset({"chair"})  # besides yes, x or a tick, the Chair column may say "chair"
# the words a body's name ends with that say what kind of body it is; any other ending (a place,
# "Safer Plymouth") says nothing, and the minutes call the body "the committee"
BODY_WORDS = frozenset(
    {
        "assembly",
        "board",
        "cabinet",
        "commission",
        "committee",
        "council",
        "executive",
        "forum",
        "group",
        "panel",
        "partnership",
        "sub-committee",
        "subcommittee",
        "trust",
    }
)
DEFAULT_BODY_WORD = "committee"
# a minute whose heading says it gives the dates of future meetings (seed 000's last minute)
FUTURE_MEETINGS_HEADING = re.compile(
    r"\b(?:dates?\s+(?:of|for)\s+(?:the\s+)?(?:future|next)\s+meetings?|"
    r"(?:future|next)\s+meetings?(?:\s+dates?)?|meeting\s+dates)\b",
    re.IGNORECASE,
)


def body_word(body: str) -> str:
    """What the minutes call the body: the last word of its name when that names a kind of body."""
    words = body.replace("\u2011", "-").split()
    last = words[-1].strip(".,;:()").lower() if words else ""
    return last if last in BODY_WORDS else DEFAULT_BODY_WORD


@dataclass(frozen=True, kw_only=True)
class Person:
    name: str
    source: Source  # the name's cell
    role: str = ""
    organisation: str = ""
    chair: bool = False

    @property
    def line(self) -> str:
        """As minutes list people: 'Ann Procter, Probation Manager, DDC Probation'."""
        return ", ".join(part for part in (self.name, self.role, self.organisation) if part)


@dataclass(frozen=True, kw_only=True)
class Action:
    minute: int
    text: str  # on one line: as it is carried forward onto the next agenda
    owner: str
    due: dt.date | None
    status: str
    source: Source  # the cell of its minute number
    lines: tuple[str, ...] = ()  # as the minutes print it: its paragraphs and points

    @property
    def shown(self) -> tuple[str, ...]:
        """The action as the minutes print it, a line a paragraph or point (a point with its
        bullet, a numbered point with its typed number)."""
        return self.lines or (self.text,)


@dataclass(frozen=True, kw_only=True)
class MinuteItem:
    number: int
    heading: str
    narrative: tuple[richtext.Block, ...]
    discussed: tuple[str, ...]  # "Members discussed:" points
    closing: tuple[richtext.Block, ...]  # narrative after the points
    agreed: tuple[str, ...]  # "It was agreed that -" numbered points
    source: Source  # the cell of its number
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FutureMeeting:
    date: dt.date
    time: dt.time | None
    venue: str
    source: Source  # the cell of its date


@dataclass(frozen=True, kw_only=True)
class Minutes(DocumentData):
    """A minutes workbook, read and checked: the model of templates/minutes.docx."""

    body: str
    body_word: str  # "partnership", "board", "committee": the draft-minutes note's word for it
    date: dt.date
    start: dt.time
    finish: dt.time
    venue: str
    present: tuple[Person, ...]  # the chair first
    apologies: tuple[Person, ...]
    in_attendance: tuple[Person, ...]
    absent: tuple[Person, ...]
    minutes: tuple[MinuteItem, ...]  # each with its actions
    future_meetings: tuple[FutureMeeting, ...]
    future_meetings_note: tuple[richtext.Block, ...]

    @property
    def actions(self) -> tuple[Action, ...]:
        """The actions log, in minute order."""
        return tuple(a for m in self.minutes for a in m.actions)

    @property
    def future_meetings_minute(self) -> int | None:
        """The number of the minute that gives the dates of future meetings, if one does: the
        dates are printed under it rather than again in a section of their own."""
        for m in self.minutes:
            if FUTURE_MEETINGS_HEADING.search(m.heading):
                return m.number
        return None

    @property
    def title(self) -> str:
        return f"Minutes of the meeting held on {dates.short_date(self.date)}"


def one_line(cell: sheets.Cell) -> str:
    """A cell meant as one line (a name, a heading), line breaks joined."""
    return " ".join(b.text for b in richtext.blocks(sheets.text(cell)))


@register("minutes")
def load_minutes(wb: sheets.Workbook) -> Loaded:
    """Read and check a minutes workbook into the context of templates/minutes.docx.

    Raises:
        PackError: one error, or an ErrorList of every problem found in the workbook.
    """
    errors = Collector()
    meeting = errors.attempt(_meeting, wb)
    people = errors.attempt(_attendance, wb, errors, default=[])
    items, numbers = errors.attempt(_minutes, wb, errors, default=([], set()))
    actions = errors.attempt(_actions, wb, numbers, errors, default=[])
    future = errors.attempt(_future, wb, errors, default=[])
    errors.raise_if_any()
    assert meeting is not None  # else raise_if_any raised
    by_minute: dict[int, list[Action]] = {}
    for a in actions:
        by_minute.setdefault(a.minute, []).append(a)
    minutes = Minutes(
        source=Source(wb.path),
        **meeting,
        present=tuple(sorted(_with(people, "present"), key=lambda p: not p.chair)),
        apologies=_with(people, "apologies"),
        in_attendance=_with(people, "in attendance"),
        absent=_with(people, "absent"),
        minutes=tuple(replace(m, actions=tuple(by_minute.get(m.number, ()))) for m in items),
        future_meetings=tuple(future),
    )
    return Loaded(minutes, minutes.title, tuple(errors.warnings))


def _with(people: list[tuple[str, Person]], attendance: str) -> tuple[Person, ...]:
    return tuple(p for a, p in people if a == attendance)


def _meeting(wb: sheets.Workbook) -> dict[str, Any]:
    fs = wb.fields("Meeting")
    note = fs.get("Future meetings note", "Note on future meetings")
    venue = fs.get("Venue", "Place")
    body = one_line(fs.require("Body", "Committee", "Board"))
    word_cell = fs.get("Body word", "Body type")
    word = one_line(word_cell).lower() if word_cell is not None else ""
    start = sheets.time(fs.require("Start time", "Started"), "the time the meeting started")
    finish_cell = fs.require("Finish time", "End time", "Finished")
    finish = sheets.time(finish_cell, "the time the meeting finished")
    if finish <= start:  # (the minutes would say it finished before it started)
        raise InputError(
            f"the finish time {finish:%H:%M} is not after the start time {start:%H:%M}; "
            "correct one of them",
            finish_cell.source,
        )
    return {
        "body": body,
        "body_word": word or body_word(body),
        "date": sheets.date(fs.require("Date", "Meeting date"), "the date of the meeting"),
        "start": start,
        "finish": finish,
        "venue": one_line(venue) if venue else "",
        "future_meetings_note": tuple(richtext.blocks(sheets.text(note))) if note else (),
    }


def _attendance(wb: sheets.Workbook, errors: Collector) -> list[tuple[str, Person]]:
    table = wb.table("Attendance", required=("name", "attendance"))
    people: list[tuple[str, Person]] = []
    chair: sheets.Cell | None = None
    for rec in table.records:
        try:
            attendance, person = _person(rec)
        except PackError as exc:
            errors.add(exc)
            continue
        if person.chair:
            cell = rec.cell("chair")
            if chair is not None:
                errors.add(
                    InputError(
                        f"{person.name} is marked as chair, but so is the person in cell "
                        f"{chair.source.cell}; mark only the person who chaired the meeting",
                        cell.source,
                    )
                )
            elif attendance != "present":
                errors.add(
                    InputError(
                        f"{person.name} is marked as chair but their attendance is {attendance!r}; "
                        "the chair must be present (mark whoever chaired the meeting)",
                        cell.source,
                    )
                )
            chair = cell
        people.append((attendance, person))
    if not any(a == "present" for a, _ in people):
        raise InputError(
            "nobody is marked present; set Attendance to 'present' for the members who came",
            table.source(),
        )
    if chair is None:
        errors.warn(
            f"{table.source()}: nobody is marked as chair; put 'yes' in the Chair column "
            "of the person who chaired the meeting"
        )
    return people


def _person(rec: sheets.Record) -> tuple[str, Person]:
    name = rec.cell("name")
    if name.blank:
        raise InputError("the name is empty; fill it in or delete the row", name.source)
    cell = rec.cell("attendance")
    attendance = ATTENDANCE.get(sheets.normalise(sheets.text(cell)))
    if attendance is None:
        shown = "empty" if cell.blank else repr(sheets.text(cell))
        raise InputError(f"attendance is {shown}; write one of {ATTENDANCE_CHOICES}", cell.source)
    return attendance, Person(
        name=one_line(name),
        source=name.source,
        role=one_line(rec.cell("role")),
        organisation=one_line(rec.cell("organisation")),
        chair=sheets.yes_no(rec.cell("chair"), "the Chair column", also_yes=CHAIR),
    )


MINUTE_ALIASES: dict[str, tuple[str, ...]] = {
    "it was agreed that": ("resolutions", "resolved", "agreed", "it was agreed"),
    "closing narrative": ("narrative after discussion", "after discussion"),
    "number": ("minute", "minute number", "no", "no."),
}


def _minutes(wb: sheets.Workbook, errors: Collector) -> tuple[list[MinuteItem], set[int]]:
    """The minute items, and every minute number read (even of rows with other problems)."""
    table = wb.table("Minutes", required=("number", "heading"), aliases=MINUTE_ALIASES)
    items: list[MinuteItem] = []
    numbers: set[int] = set()
    last: tuple[int, sheets.Cell] | None = None
    for rec in table.records:
        cell = rec.cell("number")
        try:
            number = sheets.integer(cell, "a minute number such as 48 or 1")
            if last is not None and number <= last[0]:
                what = "repeats" if number == last[0] else "goes backwards after"
                errors.add(
                    InputError(
                        f"minute number {number} {what} minute {last[0]} (cell "
                        f"{last[1].source.cell}); minute numbers must count up, each minute with "
                        "its own number",
                        cell.source,
                    )
                )
            last = (number, cell)
            numbers.add(number)
            items.append(_minute(rec, number, errors))
        except PackError as exc:
            errors.add(exc)
    if not table.records:
        raise InputError(
            "there are no minute items; add one row per minute below the header row", table.source()
        )
    return items, numbers


def _minute(rec: sheets.Record, number: int, errors: Collector) -> MinuteItem:
    heading = rec.cell("heading")
    if heading.blank:
        raise InputError(f"minute {number} has no heading; fill it in", heading.source)
    agreed_cell = rec.cell("it was agreed that")
    agreed = tuple(richtext.bullets(sheets.text(agreed_cell)))
    discussed_cell = rec.cell("members discussed")
    discussed = tuple(richtext.bullets(sheets.text(discussed_cell)))
    return MinuteItem(
        number=number,
        heading=one_line(heading),
        narrative=tuple(richtext.blocks(sheets.text(rec.cell("narrative")))),
        discussed=discussed,
        closing=tuple(richtext.blocks(sheets.text(rec.cell("closing narrative")))),
        agreed=agreed,
        source=rec.cell("number").source,
    )


ACTION_ALIASES: dict[str, tuple[str, ...]] = {
    "minute": ("minute number", "number", "item"),
    "due date": ("due", "by", "deadline"),
}


def _actions(wb: sheets.Workbook, numbers: set[int], errors: Collector) -> list[Action]:
    table = wb.table(
        "Actions", required=("minute", "action", "owner", "due date"), aliases=ACTION_ALIASES
    )
    actions = []
    for rec in table.records:
        try:
            actions.append(_action(rec, numbers, errors))
        except PackError as exc:
            errors.add(exc)
    return actions


def _action(rec: sheets.Record, numbers: set[int], errors: Collector) -> Action:
    minute_cell = rec.cell("minute")
    minute = sheets.integer(minute_cell, "the number of the minute this action belongs to")
    if numbers and minute not in numbers:
        raise InputError(
            f"there is no minute {minute} in sheet Minutes; give the number of the "
            "minute this action belongs to",
            minute_cell.source,
        )
    text = rec.cell("action")
    if text.blank:
        raise InputError(
            f"the action for minute {minute} is empty; fill it in or delete the row", text.source
        )
    owner = rec.cell("owner")
    if owner.blank:
        errors.warn(
            f"{owner.source}: the action for minute {minute} has no owner; add who will do it"
        )
    due = rec.cell("due date")
    status = one_line(rec.cell("status"))
    lines = tuple(
        f"\u2022 {b.text}" if b.bullet else b.text for b in richtext.blocks(sheets.text(text))
    )
    return Action(
        minute=minute,
        text=" ".join(lines),  # its points kept apart by their bullets, as a line of a list
        lines=lines,
        owner=one_line(owner),
        due=None if due.blank else sheets.date(due, "a due date"),
        status=status or "Open",
        source=minute_cell.source,
    )


def _future(wb: sheets.Workbook, errors: Collector) -> list[FutureMeeting]:
    table = wb.table("Future meetings", required=("date",))
    out = []
    for rec in table.records:
        try:
            time = rec.cell("time")
            date = rec.cell("date")
            out.append(
                FutureMeeting(
                    date=sheets.date(date, "the date of a future meeting"),
                    time=None if time.blank else sheets.time(time),
                    venue=one_line(rec.cell("venue")),
                    source=date.source,
                )
            )
        except PackError as exc:
            errors.add(exc)
    return out
