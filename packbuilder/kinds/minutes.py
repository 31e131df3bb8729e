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

The actions are also gathered into an *actions log* at the end, so that the next meeting's "matters
arising" can carry the open ones forward.

Workbook sheets (see docs/minutes.md): ``Document`` (Kind = minutes), ``Meeting`` (Field | Value),
``Attendance``, ``Minutes`` (one row per minute item), ``Actions`` (one row per action, keyed by
minute number) and ``Future meetings``. Every text cell follows the one cell-text convention of
`richtext`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from packbuilder import richtext, sheets
from packbuilder.documents import Loaded, register
from packbuilder.errors import Collector, InputError, PackError

ATTENDANCE = {
    "present": "present",
    "apologies": "apologies",
    "apology": "apologies",
    "in attendance": "in attendance",
    "also in attendance": "in attendance",
    "absent": "absent",
}
ATTENDANCE_CHOICES = "present, apologies, in attendance or absent"
YES = {"yes", "y", "x", "true", "chair", "✓", "✔"}
NO = {"no", "n", "false", "-"}


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    organisation: str = ""
    chair: bool = False

    @property
    def line(self) -> str:
        """As minutes list people: 'Ann Procter, Probation Manager, DDC Probation'."""
        return ", ".join(part for part in (self.name, self.role, self.organisation) if part)


@dataclass(frozen=True)
class Action:
    minute: int
    text: str
    owner: str
    due: dt.date | None
    status: str


@dataclass(frozen=True)
class MinuteItem:
    number: int
    heading: str
    narrative: tuple[richtext.Block, ...]
    discussed: tuple[str, ...]  # "Members discussed:" points
    closing: tuple[richtext.Block, ...]  # narrative after the points
    agreed: tuple[str, ...]  # "It was agreed that -" numbered points
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class FutureMeeting:
    date: dt.date
    time: dt.time | None
    venue: str


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
    meeting = _attempt(errors, _meeting, wb) or {}
    people = _attempt(errors, _attendance, wb, errors) or []
    items, numbers = _attempt(errors, _minutes, wb, errors) or ([], set())
    actions = _attempt(errors, _actions, wb, numbers, errors) or []
    future = _attempt(errors, _future, wb, errors) or []
    errors.raise_if_any()
    by_minute: dict[int, list[Action]] = {}
    for a in actions:
        by_minute.setdefault(a.minute, []).append(a)
    items = [replace(m, actions=tuple(by_minute.get(m.number, ()))) for m in items]
    context = {
        **meeting,
        "present": sorted(_with(people, "present"), key=lambda p: not p.chair),  # chair first
        "apologies": _with(people, "apologies"),
        "in_attendance": _with(people, "in attendance"),
        "absent": _with(people, "absent"),
        "minutes": items,
        "actions": [a for m in items for a in m.actions],  # the log, in minute order
        "future_meetings": future,
    }
    title = f"Minutes of the meeting held on {meeting['date'].day} {meeting['date']:%B %Y}"
    return Loaded(context, title, errors.warnings)


def _attempt(errors: Collector, fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    except PackError as exc:
        errors.add(exc)
        return None


def _with(people: list[tuple[str, Person]], attendance: str) -> list[Person]:
    return [p for a, p in people if a == attendance]


def _meeting(wb: sheets.Workbook) -> dict[str, object]:
    fs = wb.fields("Meeting")
    note = fs.get("Future meetings note", "Note on future meetings")
    venue = fs.get("Venue", "Place")
    return {
        "body": one_line(fs.require("Body", "Committee", "Board")),
        "date": sheets.date(fs.require("Date", "Meeting date"), "the date of the meeting"),
        "start": sheets.time(fs.require("Start time", "Started"), "the time the meeting started"),
        "finish": sheets.time(
            fs.require("Finish time", "End time", "Finished"), "the time the meeting finished"
        ),
        "venue": one_line(venue) if venue else "",
        "future_meetings_note": richtext.blocks(sheets.text(note)) if note else [],
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
        role=one_line(rec.cell("role")),
        organisation=one_line(rec.cell("organisation")),
        chair=_yes_no(rec.cell("chair")),
    )


def _yes_no(cell: sheets.Cell) -> bool:
    value = sheets.normalise(sheets.text(cell))
    if value in YES:
        return True
    if not value or value in NO:
        return False
    raise InputError(f"expected 'yes' or blank, got {sheets.text(cell)!r}", cell.source)


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
    return Action(
        minute=minute,
        text=one_line(text),
        owner=one_line(owner),
        due=None if due.blank else sheets.date(due, "a due date"),
        status=status or "Open",
    )


def _future(wb: sheets.Workbook, errors: Collector) -> list[FutureMeeting]:
    table = wb.table("Future meetings", required=("date",))
    out = []
    for rec in table.records:
        try:
            time = rec.cell("time")
            out.append(
                FutureMeeting(
                    date=sheets.date(rec.cell("date"), "the date of a future meeting"),
                    time=None if time.blank else sheets.time(time),
                    venue=one_line(rec.cell("venue")),
                )
            )
        except PackError as exc:
            errors.add(exc)
    return out
