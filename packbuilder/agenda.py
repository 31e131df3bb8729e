"""The Agenda sheet's rows as real agendas write them: items, section headings and breaks.

A board's agenda is more than numbered items. The May 2016 Safer Plymouth agenda, for example, has
section headings ("Agenda Items for Discussion:", "BRIEFINGS (DISCUSS BY EXCEPTION ONLY):"), a
break ("BREAK - if required"), times written as ranges ("10.00-10.05", "12.30 - 1pm"), and
notes under an item ("Actions to be carried forward:" with bullets). This module reads those rows
and cells into the typed model; `meeting` calls it for each row of the Agenda sheet.

What a row is:

* With a **Kind** column: ``item`` (or blank), ``heading``, or ``break``.
* Without one (every workbook made before Kind existed keeps working): a row with a number in Item
  is an item; a row with Item blank and a Title is a heading, or a break when its Title starts with
  "Break", "Comfort break" or "Lunch".

An item number is what a committee numbers items with: digits, with an optional letter or
sub-number ("4", "4a", "4(a)", "4.1", "A1"). Anything else typed in Item (a heading, TRUE, a
spreadsheet error such as ``#SPILL!``) is refused with what to do, because it would otherwise be
stamped on the papers as "Agenda Item Agenda Items for Discussion:".

Times: the Time cell holds minutes allowed ("15"), a range ("10.00-10.05", "12.30 - 1pm",
"10am to 11.30am"), a start time, or one of a few words shown as typed ("N/a", "TBC"). The
frontsheet keeps a running clock from the meeting's start: a range sets it, minutes advance it, an
item without a time stops it (its length is unknown). A break without a time ("if required") leaves
the clock where it was. A typed time is what the advisor means, so it is printed even when it
starts before the row above ends; the overlap is pointed out, naming both cells.

Sub-items ("4a", "4(a)", "4.1" straight after item 4) are parts of their item, as a board gives a
subject its time and takes its parts within it: they are timed from the item's start, and the
next item starts when the item's own time is up (`timetable`).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from packbuilder import exclusion, exemption, richtext, sheets
from packbuilder.dates import clock, short_date
from packbuilder.errors import Collector, InputError, Source
from packbuilder.model import (
    AgendaBreak,
    AgendaHeading,
    AgendaItem,
    AgendaRow,
    AgendaSettings,
    AgendaStyle,
    Meeting,
    PaperKind,
    Timing,
)

T = TypeVar("T")


class RowKind(enum.Enum):
    ITEM = "item"
    HEADING = "heading"
    BREAK = "break"


KINDS = {
    "": RowKind.ITEM,
    "item": RowKind.ITEM,
    "heading": RowKind.HEADING,
    "section": RowKind.HEADING,
    "section heading": RowKind.HEADING,
    "part": RowKind.HEADING,
    "break": RowKind.BREAK,
}

# Agenda-sheet columns this module reads (merged into meeting.AGENDA_ALIASES)
ALIASES: dict[str, tuple[str, ...]] = {
    "kind": ("type", "row type", "row kind"),
    "notes": ("note", "details", "notes under the subject"),
}
TIME_ALIASES = ("time (approx.)", "time (approx)", "approx. time", "timing", "times")

ITEM_NUMBER = re.compile(
    r"[A-Za-z]{0,2}\d{1,3}[A-Za-z]?(?:[.\-/]?(?:\(\w{1,3}\)|\d{1,3}|[A-Za-z]))*"
)
# a sub-item's letter or numeral typed alone, as a printed agenda sets it under its item: "(a)",
# "b)", "(ii)", "iv." (a letter alone with neither bracket nor point is a heading's typing slip)
SUB_ALONE = re.compile(r"\s*(?:\(\s*(?:[a-z]|[ivx]{1,4})\s*\)|(?:[a-z]|[ivx]{1,4})[.)])\s*", re.I)
ERROR_VALUE = re.compile(r"#(?:[A-Z0-9_]+[!?]|N/A|DIV/0!|GETTING_DATA)", re.I)
BREAK_TITLE = re.compile(r"\s*(?:comfort\s+)?(?:break|lunch)\b", re.I)
DONE = frozenset({"done", "complete", "completed", "closed", "finished", "yes", "✓", "✔"})
CARRIED_HEADING = "Actions to be carried forward:"


# --- which kind of row -----------------------------------------------------------------------


def row_kind(rec: sheets.Record) -> RowKind:
    """What an Agenda row is; a value in Item that is no item number is refused.

    Raises:
        InputError: Kind is not item, heading or break; or Item holds no item number.
    """
    kind_cell = rec.cell("kind")
    number_cell = rec.cell("item")
    title_cell = rec.cell("title")
    if not kind_cell.blank or kind_cell.source.cell is not None:
        value = sheets.normalise(sheets.text(kind_cell))
        if value not in KINDS:
            raise InputError(
                f"Kind {sheets.text(kind_cell)!r} is not one of: item (or blank), heading, break; "
                "correct it",
                kind_cell.source,
            )
        kind = KINDS[value]
        if not value and number_cell.blank:  # Kind left blank: the row says what it is
            kind = _implicit_kind(title_cell) or RowKind.ITEM
        if kind is RowKind.ITEM:
            check_number(number_cell)
            return kind
        if not number_cell.blank:
            raise InputError(
                f"a {kind.value} has no item number; clear Item in this row or set Kind to item",
                number_cell.source,
            )
        return kind
    if number_cell.blank:
        return _implicit_kind(title_cell) or RowKind.ITEM  # an empty title: meeting reports it
    check_number(number_cell)
    return RowKind.ITEM


def _implicit_kind(title: sheets.Cell) -> RowKind | None:
    if title.blank or not isinstance(title.value, str):
        return None
    return RowKind.BREAK if BREAK_TITLE.match(title.value) else RowKind.HEADING


def check_number(cell: sheets.Cell) -> str:
    """An item number as typed, without a trailing full stop ("4." -> "4").

    Raises:
        InputError: the cell holds a heading, TRUE/FALSE, a spreadsheet error or other text.
    """
    value = cell.value
    if isinstance(value, bool):
        raise InputError(
            f"{str(value).upper()} is not an item number; type the item's number (1, 2, 4a)",
            cell.source,
        )
    text = sheets.text(cell)
    if ERROR_VALUE.fullmatch(text):
        raise InputError(
            f"the cell shows the spreadsheet error {text}, not an item number; fix the formula or "
            "type the number",
            cell.source,
        )
    number = text.rstrip(".").strip()
    if number and not (len(number) <= 12 and ITEM_NUMBER.fullmatch(number)):
        meant = re.sub(r"(?i)^(?:agenda\s+)?item\s*", "", number).replace(" ", "").rstrip(".")
        if meant and ITEM_NUMBER.fullmatch(meant):  # "5 (a)", "Item 6": a number, worded
            raise InputError(
                f"{text!r} in the Item column is not an item number as packbuilder reads them "
                f"(4, 4a, 4(a), 4.1: no spaces or words); type {meant!r}",
                cell.source,
            )
        if SUB_ALONE.fullmatch(text):  # "(a)", "b)", "(ii)": a sub-item, lettered as it prints
            raise InputError(
                f"{text!r} in the Item column is a sub-item without its item's number; number it "
                "with its item's, as 4(a) or 4a under item 4, so that its papers are stamped and "
                f"its times kept within the item: type the item's number before {text.strip()!r}",
                cell.source,
            )
        raise InputError(
            f"{text!r} in the Item column is not an item number; for a section heading leave Item "
            "blank and put the heading in Title (or set Kind to heading)",
            cell.source,
        )
    return number


def check_title(cell: sheets.Cell, what: str = "a title") -> str:
    """A title as typed.

    Raises:
        InputError: TRUE/FALSE or a spreadsheet error where a title should be.
    """
    if isinstance(cell.value, bool):
        raise InputError(
            f"{str(cell.value).upper()} is not {what}; type the words to show", cell.source
        )
    text = sheets.text(cell)
    if ERROR_VALUE.fullmatch(text):
        raise InputError(
            f"the cell shows the spreadsheet error {text}, not {what}; fix the formula or type "
            "the words",
            cell.source,
        )
    return text


_NOT_FOR_HEADINGS = ("papers", "status", "exempt paragraph", "supplement", "lead", "purpose")


def heading(rec: sheets.Record) -> AgendaHeading:
    """A section heading row, with the Notes under it.

    Raises:
        InputError: it names papers or other item cells (a heading has none).
    """
    _no_item_cells(rec, "heading", _NOT_FOR_HEADINGS + ("time",))
    title = rec.cell("title")
    # Notes under a heading: what it introduces ("Supporting documents:" and a list of them)
    return AgendaHeading(check_title(title, "a heading"), title.source, notes(rec.cell("notes")))


def break_row(rec: sheets.Record) -> AgendaBreak:
    """A break row, with its time if given.

    Raises:
        InputError: it names papers, or its time cannot be read.
    """
    _no_item_cells(rec, "break", _NOT_FOR_HEADINGS)
    title = rec.cell("title")
    text = check_title(title, "a break") or "Break"
    return AgendaBreak(text, timing(rec.cell("time")), title.source)


def _no_item_cells(rec: sheets.Record, what: str, columns: Sequence[str]) -> None:
    for column in columns:
        cell = rec.cell(column)
        if not cell.blank:
            raise InputError(
                f"this row is a {what} (no item number) but has {column.title()} filled in; "
                "number the item in Item, or clear the cell",
                cell.source,
            )


def notes(cell: sheets.Cell) -> tuple[richtext.Block, ...]:
    """The Notes cell: paragraphs and bullets under the subject (the one cell-text convention)."""
    return tuple(richtext.blocks(sheets.text(cell)))


# --- times -------------------------------------------------------------------------------------

_T = r"(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_RANGE = re.compile(rf"\s*{_T}\s*(?:-|–|—|to)\s*{_T}\s*", re.I)
_ONE = re.compile(rf"\s*{_T}\s*", re.I)
_MINUTES = re.compile(r"\s*(\d{1,3})\s*(?:m|min|mins|minutes)?\.?\s*", re.I)
# a length as agendas write it: "1 hour", "1.5 hrs", "1½ hours", "1 hour 30 mins", "1 hr and 15";
# a decimal only in quarters ("1.30 hours" could be 1 h 18 or 1 h 30: refused, never guessed)
_HOURS = re.compile(
    r"\s*(\d{1,2}(?:\.(?:5|25|75))?|\d{0,2}½)\s*(?:h|hr|hrs|hour|hours)\.?"
    r"(?:\s*(?:and|&|,)?\s*(\d{1,2})\s*(?:m|min|mins|minutes)?\.?)?\s*",
    re.I,
)
# what wraps a time without changing it: brackets ("(10 mins)", as seed 000's agenda writes
# "(LG 30 mins)") and "approx." (the table style's own heading says "Time (approx.)")
_WRAPPED = re.compile(r"\s*\((.*)\)\s*", re.S)
_APPROX = re.compile(r"^\s*(?:approx\.?|approximately)\s+|\s+(?:approx\.?|approximately)\s*$", re.I)


def _bare(text: str) -> str:
    """A Time cell's text without what wraps it: "(approx. 10 mins)" is "10 mins". A number
    alone after "approx." ("approx 5": five minutes, or five o'clock?) keeps it, and is refused."""
    for _ in range(2):
        if m := _WRAPPED.fullmatch(text):
            text = m.group(1)
        rest = _APPROX.sub("", text)
        if not rest.strip().isdigit():
            text = rest
    return text


def _length(text: str) -> int | None:
    """A length in minutes ("15", "15 mins", "1 hour", "1.5 hrs", "1 hour 30 mins"), or None
    when `text` is not one, or is not a whole number of minutes ("1.33 hours")."""
    if m := _MINUTES.fullmatch(text):
        return int(m.group(1))
    if m := _HOURS.fullmatch(text):
        hours, minutes = m.group(1), int(m.group(2) or 0)
        whole = float(hours.replace("½", "") or 0) + (0.5 if "½" in hours else 0)
        total = whole * 60 + minutes
        if total.is_integer() and total > 0:
            return int(total)
    return None


def _suffix(raw: str | None) -> str:
    return (raw or "").lower().replace(".", "")


def _to_time(hour: int, minute: int, suffix: str) -> dt.time | None:
    if minute > 59 or (suffix and not 1 <= hour <= 12) or hour > 23:
        return None
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    return dt.time(hour, minute)


def parse_range(text: str) -> tuple[dt.time, dt.time] | None:
    """A time range as agendas write it, or None when `text` is not one.

    "10.00-10.05", "12.30 – 1pm", "10am to 11.30am", "2 - 3.15pm". A time without am or pm takes
    the other end's when that keeps the range in order ("12.30 - 1pm", "2 - 3pm"); with neither,
    the 24-hour clock is read, except that 1 to 7 o'clock mean the afternoon (no board meets at
    3 in the morning, and "11-1" is 11 am to 1 pm).

    Raises:
        ValueError: it has the shape of a range but is impossible ("10.75-11", "11-10am").
    """
    m = _RANGE.fullmatch(sheets.noon(text))
    if not m:
        return None
    h1, m1, s1, h2, m2, s2 = m.groups()
    a = (int(h1), int(m1 or 0), _suffix(s1))
    b = (int(h2), int(m2 or 0), _suffix(s2))
    if not a[2] and not b[2]:
        start = _to_time(a[0] + (12 if 1 <= a[0] <= 7 else 0), a[1], "")
        end = _to_time(b[0] + (12 if 1 <= b[0] <= 7 else 0), b[1], "")
    elif a[2] and b[2]:
        start, end = _to_time(*a), _to_time(*b)
    elif b[2]:
        end = _to_time(*b)
        start = _to_time(a[0], a[1], b[2])
        if start and end and start >= end:
            start = _to_time(a[0], a[1], "am" if b[2] == "pm" else "pm")
    else:
        start = _to_time(*a)
        end = _to_time(b[0], b[1], a[2])
        if start and end and end <= start:
            end = _to_time(b[0], b[1], "pm" if a[2] == "am" else "am")
    if start is None or end is None:
        raise ValueError(f"{text.strip()!r} is not a possible time range")
    if end <= start:
        raise ValueError(f"{text.strip()!r} ends before it starts")
    return start, end


# words a Time cell may hold instead of a time, shown as typed (anything else is a typing error:
# "a quarter of an hour" would print as it is, and start no clock)
TIME_WORDS = frozenset(
    {"n/a", "na", "n.a.", "-", "–", "tbc", "tba", "if required", "as required", "none"}
)
TIME_HELP = "minutes (15, 1 hour), a time range (10.00-10.15, 12.30 - 1pm) or a start time (10:15)"


def _typed_timing(cell: sheets.Cell) -> Timing:
    """A Time cell that Excel stored as a time or a number."""
    v = cell.value
    if isinstance(v, dt.datetime):
        return Timing(start=v.time())
    if isinstance(v, dt.time):
        return Timing(start=v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        if float(v).is_integer() and v >= 0:
            return Timing(minutes=int(v))
        if 0 < v < 1:  # Excel stores a time typed as 10:15 as a fraction of a day
            minutes = round(v * 24 * 60)
            return Timing(start=dt.time(minutes // 60 % 24, minutes % 60))
    shown = str(v).upper() if isinstance(v, bool) else repr(v)
    raise InputError(f"expected {TIME_HELP}, got {shown}; type one of these", cell.source)


def timing(cell: sheets.Cell) -> Timing:
    """The Time cell of an item or a break, knowing the cell it was read from.

    Raises:
        InputError: neither minutes, a time range, a time nor one of `TIME_WORDS`.
    """
    found = _timing(cell)
    return found if cell.blank else replace(found, source=cell.source)


def _timing(cell: sheets.Cell) -> Timing:
    v = cell.value
    if cell.blank:
        return Timing()
    if not isinstance(v, str):
        return _typed_timing(cell)
    typed = sheets.text(cell)
    text = _bare(typed)
    if (minutes := _length(text)) is not None:
        return Timing(minutes=minutes)
    try:
        found = parse_range(text)
    except ValueError as exc:
        raise InputError(f"{exc}; write {TIME_HELP}", cell.source) from None
    if found:
        return Timing(start=found[0], end=found[1])
    if m := _ONE.fullmatch(sheets.noon(text)):
        hour, suffix = int(m.group(1)), _suffix(m.group(3))
        if not suffix and 1 <= hour <= 7 and not m.group(1).startswith("0"):
            hour += 12  # "1.30" is half past one in the afternoon, as in a range ("1.30-2")
        start = _to_time(hour, int(m.group(2) or 0), suffix)
        if start is not None:
            return Timing(start=start)
    if sheets.normalise(text) in TIME_WORDS:
        return Timing(text=typed)  # shown as typed
    raise InputError(f"expected {TIME_HELP}, got {typed!r}; type one of these", cell.source)


def _plus(time: dt.time, minutes: int) -> dt.time | None:
    moment = dt.datetime.combine(dt.date(2000, 1, 1), time) + dt.timedelta(minutes=minutes)
    return moment.time() if moment.date() == dt.date(2000, 1, 1) else None


# a sub-item's number: its item's number and one more part, a letter or a sub-number ("4a",
# "4(a)", "4.1", "4a(i)"); a bare digit needs a separator ("41" is item 41, "4.1" is 4's first)
_SUB_ITEM = re.compile(
    r"(?P<parent>[^\W\d_]{0,2}\d(?:.*[A-Za-z0-9)])?)"
    r"(?:[.\-/]\d{1,3}|[.\-/]?[A-Za-z]|[.\-/]?\(\w{1,3}\))"
)


def parent_number(number: str) -> str | None:
    """The number of the item that `number` would be a sub-item of ("4" for "4a", "4(a)" or
    "4.1"; "4a" for "4a(i)"), or None ("4", "12", "A1")."""
    m = _SUB_ITEM.fullmatch(number.strip())
    return m.group("parent") if m else None


def sub_items(rows: Sequence[AgendaRow]) -> dict[int, int]:
    """Which rows are sub-items, and of which row: {row's index: its item's index}.

    A sub-item is numbered as its item with one part more (4a, 4(a), 4.1) and comes straight after
    the item or the item's other sub-items; a heading or a break ends an item. Without its item
    just above it, "4a" is an item of its own (some agendas number 3, 4a, 4b, 5).
    """
    out: dict[int, int] = {}
    open_: list[tuple[str, int]] = []  # the items a row below may belong to, outermost first
    for n, row in enumerate(rows):
        if not isinstance(row, AgendaItem):
            open_.clear()
            continue
        parent = (parent_number(row.number) or "").lower()
        while open_ and open_[-1][0] != parent:
            open_.pop()
        if open_:
            out[n] = open_[-1][1]
        open_.append((row.number.lower(), n))
    return out


@dataclass(frozen=True)
class Slot:
    """A row's place on the running clock: its start and end (None where not known), the clock
    when it came up, and what set that clock: the row that ended then, or, for the first sub-item
    of an item, the item itself (`within`: the clock was the item's start, not an end)."""

    start: dt.time | None = None
    end: dt.time | None = None
    clock: dt.time | None = None
    after: AgendaItem | AgendaBreak | None = None
    within: bool = False
    parent: AgendaItem | None = None  # the item a sub-item belongs to


@dataclass
class _Open:
    """An item whose sub-items may follow (or, with no item, the agenda itself): where its own
    time ends, and where the rows inside it have got to."""

    item: AgendaItem | None
    end: dt.time | None  # the end of the item's own time (minutes or a range), if known
    clock: dt.time | None  # the end of the last row inside it; first, its start
    setter: AgendaItem | AgendaBreak | None  # the row that set `clock`, or the item itself
    within: bool = True  # `clock` is still the item's start
    subs: bool = False  # whether it has sub-items
    index: int = -1  # the item's row


def _row_timing(row: AgendaItem | AgendaBreak) -> Timing:
    t = row.timing
    if isinstance(row, AgendaItem) and t == Timing() and row.minutes is not None:
        return Timing(minutes=row.minutes)  # an item made with minutes alone (no Time cell read)
    return t


def _span(
    row: AgendaItem | AgendaBreak, t: Timing, clock: dt.time | None, sub: bool
) -> tuple[dt.time | None, dt.time | None]:
    """A row's start and end, with the clock at `clock` when it comes up."""
    if t.start:
        return t.start, t.end  # as typed, whatever the clock says
    if t.minutes is not None:
        return clock, (_plus(clock, t.minutes) if clock else None)
    if isinstance(row, AgendaBreak) or (sub and not t.text):
        return None, None  # "if required"; or a sub-item sharing its item's time
    return clock, None  # an item of unknown length (or "N/a"): it starts here


def timetable(rows: Sequence[AgendaRow], start: dt.time) -> list[Slot]:
    """Each row's `Slot` on the running clock from the meeting's `start` (see the module's
    docstring); headings get an empty one.

    A sub-item is timed within its item: the first starts where the item does, each takes its
    minutes from the one before, and the rows after the item start where the item's own time
    ends (its minutes, or its range), whatever its sub-items take. An item with no time of its own
    takes its sub-items' time. A sub-item with no time shows none (it shares the item's).
    """
    whole = _Open(None, None, start, None, within=False)
    open_ = [whole]  # the agenda, then the items the next row may be a sub-item of
    out: list[Slot] = []
    parents = sub_items(rows)

    def close(until: int) -> None:
        """End the open items down to the one of row `until` (-1: all of them)."""
        while open_[-1].index != until:
            done = open_.pop()
            finish = done.end
            if finish is None and done.subs and done.clock is not None:
                finish = done.clock  # an item without a time of its own: its sub-items' time
                out[done.index] = replace(out[done.index], end=finish)
            outer = open_[-1]
            outer.clock, outer.setter, outer.within = finish, done.item, False

    for n, row in enumerate(rows):
        if isinstance(row, AgendaHeading):
            close(-1)
            out.append(Slot())
            continue
        close(parents.get(n, -1))  # a break ends every item
        outer = open_[-1]
        t = _row_timing(row)
        begin, end = _span(row, t, outer.clock, sub=outer is not whole)
        out.append(Slot(begin, end, outer.clock, outer.setter, outer.within, outer.item))
        if isinstance(row, AgendaBreak):
            if t.start or t.minutes is not None:  # with no time ("if required"): as it was
                outer.clock, outer.setter = end, row
            continue
        outer.subs = True
        own_end = end if (t.end or t.minutes is not None) else None
        open_.append(_Open(row, own_end, begin, row, index=n))
    close(-1)
    return out


def schedule(
    rows: Sequence[AgendaRow], start: dt.time
) -> list[tuple[dt.time | None, dt.time | None]]:
    """Each row's (start, end) on the running clock (None where not known); headings get none."""
    return [(slot.start, slot.end) for slot in timetable(rows, start)]


def time_text(start: dt.time | None, end: dt.time | None, timing: Timing) -> str:
    """The Time column of the table style: the cell's word ("N/a"), "10.00–10.05 am", or a
    start."""
    if timing.text:
        return timing.text
    if start and end:
        return clock_range(start, end)
    if start:
        return clock(start)
    return timing.text


def clock_range(start: dt.time, end: dt.time) -> str:
    """ "10.00–10.05 am", "12.30–1 pm", "11.30 am–1 pm": an en dash, as ranges are printed."""
    if (start.hour < 12) == (end.hour < 12):
        hour = start.hour % 12 or 12
        return f"{hour}.{start.minute:02d}\u2013{clock(end)}"
    return f"{clock(start)}\u2013{clock(end)}"


def timing_warnings(meeting: Meeting) -> list[str]:
    """Warnings when a row's time is before the meeting starts (often "10.00" typed for a 1 pm
    meeting) or the agenda's timings run past the meeting's end time (the first row that does,
    with its place)."""
    rows = meeting.agenda_rows
    slots = timetable(rows, meeting.start_time)
    times = [(slot.start, slot.end) for slot in slots]
    out = [
        f"{_time_cell(row)}: {_what(row)} starts at {clock(start)}, before the meeting's start "
        f"time of {clock(meeting.start_time)}; correct the time, or Start time in sheet Meeting"
        for row, (start, _e) in zip(rows, times, strict=True)
        if start is not None and start < meeting.start_time
    ]
    out += _overlaps(meeting, rows, slots) + _sub_items_overrun(rows, slots)
    return out + _past_midnight(meeting, rows, times) + _overrun(meeting, rows, times)


def _overlaps(meeting: Meeting, rows: Sequence[AgendaRow], slots: Sequence[Slot]) -> list[str]:
    """Rows whose typed time starts before the row above them ends ("10.00-10.30" after an item
    timed to 10.15), or a sub-item's before its item starts. The agenda prints the time as typed,
    which is what the advisor meant; but two rows cannot both be right, so both are named."""
    out = []
    for row, slot in zip(rows, slots, strict=True):
        if isinstance(row, AgendaHeading) or slot.after is None or slot.clock is None:
            continue
        typed = row.timing.start
        if typed is None or typed >= slot.clock or typed < meeting.start_time:
            continue  # (before the meeting starts: said so already)
        other = slot.after
        cell = _time_cell(other).cell
        where = f" (its time in cell {cell})" if cell else ""
        said = (
            f"before {_what(other)} starts at {clock(slot.clock)}{where}, and a sub-item is "
            "part of its item's time"
            if slot.within
            else f"but {_what(other)} above it runs to {clock(slot.clock)}{where}"
        )
        out.append(
            f"{_time_cell(row)}: {_what(row)} is timed from {clock(typed)}, {said}; the agenda "
            "shows the time typed: correct whichever of the two is wrong"
        )
    return out


def _sub_items_overrun(rows: Sequence[AgendaRow], slots: Sequence[Slot]) -> list[str]:
    """The first sub-item of each item that runs past the end of the item's own time (its
    minutes or its range), which its sub-items share."""
    ends = {id(row): slot.end for row, slot in zip(rows, slots, strict=True)}
    out: list[str] = []
    told: set[int] = set()
    for row, slot in zip(rows, slots, strict=True):
        item = slot.parent
        if item is None or id(item) in told or slot.end is None:
            continue
        own = _row_timing(item)
        end = ends.get(id(item))
        if (own.end or own.minutes is not None) and end is not None and slot.end > end:
            told.add(id(item))
            out.append(
                f"{_time_cell(row)}: {_what(row)} runs to {clock(slot.end)}, past the end of "
                f"item {item.number}'s time ({clock(end)}), which its sub-items share; shorten "
                f"the sub-items' times or give item {item.number} more"
            )
    return out


def _past_midnight(
    meeting: Meeting,
    rows: Sequence[AgendaRow],
    times: Sequence[tuple[dt.time | None, dt.time | None]],
) -> list[str]:
    """The row whose minutes take the running clock past midnight (a time typed in the minutes
    column, "1030", or a slip of the keyboard, "99999"), found with or without an end time."""
    for row, (start, end) in zip(rows, times, strict=True):
        if isinstance(row, AgendaHeading):
            continue
        t = row.timing
        if isinstance(row, AgendaItem) and t == Timing() and row.minutes is not None:
            t = Timing(minutes=row.minutes)  # as `schedule` reads it
        if t.start is None and t.minutes is not None and start is not None and end is None:
            return [
                f"{row.source}: {_what(row)} is given {t.minutes} minutes, which runs past "
                "midnight; check its time allowed"
            ]
    return []


def _time_cell(row: AgendaRow) -> Source:
    """Where a row's start time was typed: its Time cell, or the row (a time from elsewhere)."""
    typed = row.timing.source if not isinstance(row, AgendaHeading) else None
    return typed or row.source


def _what(row: AgendaRow) -> str:
    return f"item {row.number}" if isinstance(row, AgendaItem) else "the break"


def _overrun(
    meeting: Meeting,
    rows: Sequence[AgendaRow],
    times: Sequence[tuple[dt.time | None, dt.time | None]],
) -> list[str]:
    """The first row whose time runs past the meeting's end time, and when the last one ends."""
    if meeting.end_time is None:
        return []
    ends = [end for _s, end in times if end is not None]
    for row, (_s, end) in zip(rows, times, strict=True):
        if end is not None and end > meeting.end_time:
            last = max(ends)
            ending = "" if last == end else f", and they end at {clock(last)}"
            return [
                f"{row.source}: the agenda's timings run past the meeting's end time of "
                f"{clock(meeting.end_time)} from {_what(row)} (to {clock(end)}){ending}; "
                "shorten the times or change End time in sheet Meeting"
            ]
    return []


# --- actions carried forward -----------------------------------------------------------------


def is_open(status: str) -> bool:
    """An action is open unless its Status says it is done; a blank status is open."""
    return sheets.normalise(status) not in DONE


def open_actions(item: AgendaItem) -> list[str]:
    """The open actions of the minutes among the item's papers, as agenda bullets.

    An action is open unless its Status says it is done (done, complete, completed, closed,
    finished, yes or a tick); a blank status is open.
    """
    out: list[str] = []
    if not any(paper.kind is PaperKind.DATA for paper in item.papers):
        return out  # (the kinds, imported only for a data paper: a frontsheet's rebuild has none)
    from packbuilder.kinds.minutes import Minutes  # noqa: PLC0415 - the kinds import documents

    for paper in item.papers:
        if paper.kind is PaperKind.DATA and isinstance(paper.data, Minutes):
            for action in paper.data.actions:
                if not is_open(action.status):
                    continue
                who = ", ".join(
                    p
                    for p in (action.owner, f"by {short_date(action.due)}" if action.due else "")
                    if p
                )
                text = action.text.rstrip(" .")
                out.append(f"{text} ({who})" if who else text)
    return out


def part_two_items_are_exempt(
    rows: Sequence[AgendaRow], errors: Collector, rule: str = "england"
) -> None:
    """Refuse an item after a "Part II" heading that has no exempt paragraph: the advisor meant
    it as exempt business, and without its paragraph its papers would be published.

    Part II lasts until a heading says that public business resumes ("Part I", "Public
    business", "Press and public readmitted"), as the resolution to exclude the public lasts until
    they are let back in: a sub-heading under Part II ("Reports for decision") does not end it.
    An item that is the resolution to exclude the press and public ("Exclusion of the press and
    public": `exemption.RESOLUTION_TITLE`) is public business itself, and starts Part II as such a
    heading does; one only mentioning it ("Review of the exclusion protocol") does not. A
    sub-item of an exempt item (2a under 2, `sub_items`) is exempt business too.
    """
    refused = set()
    for row, under, latest in part_two(rows):
        if (
            isinstance(row, AgendaItem)
            and under not in (None, row)
            and not (row.exempt or row.exempt_refused)
        ):
            assert under is not None
            errors.add(_not_exempt_under(row, under, latest, exclusion.what_to_type(rule)))
            refused.add(id(row))
    # a sub-item of an exempt item is part of its exempt business
    for n, parent in sub_items(rows).items():
        item, of = rows[n], rows[parent]
        assert isinstance(item, AgendaItem) and isinstance(of, AgendaItem)
        if of.exempt and not (item.exempt or item.exempt_refused) and id(item) not in refused:
            errors.add(
                InputError(
                    f"item {item.number} is part of item {of.number}, which is exempt, but has "
                    "no exempt paragraph of its own, so its papers would be published; give it "
                    f"{exclusion.what_to_type(rule)} in Exempt paragraph, or number it as "
                    "an item of its own if it is public business",
                    item.source,
                )
            )


def part_two(
    rows: Sequence[AgendaRow],
) -> Iterator[tuple[AgendaRow, AgendaHeading | AgendaItem | None, AgendaHeading | None]]:
    """Each row with the Part II heading (or exclusion resolution) in force at it, None in
    public business, and the other heading just above it under Part II, if any: the one reading
    of where Part II starts and ends (`part_two_items_are_exempt`, and the frontsheet, which
    prints no notes of a heading under Part II in a public pack). A Part II heading and an
    exclusion item are in force at themselves; a heading saying public business resumes is not."""
    under: AgendaHeading | AgendaItem | None = None  # the Part II heading (or resolution) in force
    latest: AgendaHeading | None = None  # the heading just above, if another
    for row in rows:
        if isinstance(row, AgendaHeading):
            if exemption.opens_part_two(row.title):
                under, latest = row, None
            elif exemption.resumes_public(row.title):
                under = latest = None
            elif under is not None:
                latest = row
        elif (
            isinstance(row, AgendaItem)
            and not row.exempt
            and exemption.is_resolution_title(row.title)
        ):  # (the resolution itself, not an item about it: "Review of the exclusion protocol")
            under, latest = row, None
        yield row, under, latest


def _not_exempt_under(
    item: AgendaItem, part_two: AgendaHeading | AgendaItem, latest: AgendaHeading | None, what: str
) -> InputError:
    """`what`: what makes an item exempt under the meeting's rule (`exclusion.what_to_type`)."""
    if isinstance(part_two, AgendaItem) and latest is None:
        return InputError(
            f"item {item.number} comes after item {part_two.number}, {part_two.title!r}, which "
            "excludes the press and public, but has no exempt paragraph, so its papers would be "
            f"published; give it {what} in Exempt paragraph, or "
            "put it before that item, or put a heading such as 'Part I: public business' above it",
            item.source,
        )
    if latest is None:
        return InputError(
            f"item {item.number} is under the heading {part_two.title!r} but has no exempt "
            f"paragraph, so its papers would be published; give it {what} in Exempt paragraph, "
            "or move it above that heading",
            item.source,
        )
    return InputError(
        f"item {item.number} is under the heading {latest.title!r}, which follows "
        f"{part_two.title!r} (cell {part_two.source.cell}) with no heading between that says "
        "public business resumes, but has no exempt paragraph, so its papers would be published; "
        f"give it {what} in Exempt paragraph, or move it above the "
        "Part II heading, or put a heading such as 'Part I: public business' above it",
        item.source,
    )


def item_notes(item: AgendaItem, public: bool, with_papers: bool = True) -> list[richtext.Block]:
    """What the frontsheet shows under an item's subject: its Notes, then the open actions of the
    last minutes when they are among its papers (neither in a public pack when the item is
    exempt; nor the actions when its papers are not this pack's to show: `with_papers` False)."""
    # an exempt item's Notes are free text about exempt business: in the private pack only
    out = [] if public and item.exempt else list(item.notes)
    carried = [] if (public and item.exempt) or not with_papers else open_actions(item)
    if carried:
        out.append(richtext.Block(CARRIED_HEADING))
        out.extend(richtext.Block(text, bullet=True) for text in carried)
    return out


# --- Meeting-sheet settings --------------------------------------------------------------------

STYLES = {
    "list": AgendaStyle.LIST,
    "modern.gov": AgendaStyle.LIST,
    "table": AgendaStyle.TABLE,
    "tabular": AgendaStyle.TABLE,
}
RANGES = {
    "with fillers": True,
    "including fillers": True,
    "modern.gov": True,
    "papers only": False,
    "without fillers": False,
    "excluding fillers": False,
}
SETTING_NAMES = frozenset(
    {"agenda style", "page ranges", "lead heading", "decision heading", "paperwork marker"}
)


def settings(fs: sheets.FieldSheet, errors: Collector) -> AgendaSettings:
    """The agenda's settings from sheet Meeting; a bad value is collected, the default used."""
    style = _choice(fs.get("Agenda style"), STYLES, AgendaStyle.LIST, errors)
    with_fillers = _choice(fs.get("Page ranges"), RANGES, True, errors)
    marker_cell = fs.get("Paperwork marker")
    marker = style is AgendaStyle.TABLE
    if marker_cell is not None and not marker_cell.blank:
        marker = errors.attempt(sheets.yes_no, marker_cell, "Paperwork marker", default=marker)
    lead = fs.text("Lead heading") or ("Who" if style is AgendaStyle.TABLE else "Lead")
    return AgendaSettings(
        style=style,
        ranges_include_fillers=with_fillers,
        lead_heading=lead,
        purpose_heading=fs.text("Decision heading") or "Decision required",
        lead_heading_typed=bool(fs.text("Lead heading")),
        paperwork_marker=marker,
    )


def _choice(cell: sheets.Cell | None, choices: dict[str, T], default: T, errors: Collector) -> T:
    if cell is None or cell.blank:
        return default
    value = sheets.normalise(sheets.text(cell))
    if value in choices:
        return choices[value]
    errors.add(
        InputError(
            f"{sheets.text(cell)!r} is not one of: {', '.join(choices)}; correct it or leave it "
            "blank for the default",
            cell.source,
        )
    )
    return default


def with_notices(meeting: Meeting, more: Sequence[str] = ()) -> Meeting:
    """The meeting with the warnings its agenda as a whole deserves (timings past the end
    time, a typed resolution citing other paragraphs than its items'), and `more` of its
    workbook's (hidden rows read)."""
    return replace(
        meeting, notices=(*more, *timing_warnings(meeting), *resolution_warnings(meeting))
    )


def resolution_item(item: AgendaItem) -> bool:
    """Whether a numbered item is the resolution to exclude the press and public, its title
    saying so and nothing else ("Exclusion of the press and public":
    `exemption.RESOLUTION_TITLE`), public business itself; one only mentioning it ("Review of
    the protocol on exclusion of the press and public") is not printed as the resolution."""
    return not item.exempt and exemption.is_resolution_title(item.title)


# the paragraphs a typed resolution cites: "paragraph 3", "paragraphs 3 and 5", "paras 1, 2"
_CITED = re.compile(r"\bpara(?:graph)?s?\.?\s+(\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)", re.I)


def resolution_warnings(meeting: Meeting) -> list[str]:
    """A resolution typed as an item is printed as typed, in place of the one packbuilder words
    for the exempt items after it (`frontsheet.exclusions`): a warning when the paragraphs it
    cites are not theirs (a resolution copied from another meeting), since the public would be
    excluded on grounds that are not the items'."""
    items = meeting.items
    out = []
    for n, item in enumerate(items):
        if not resolution_item(item) or not item.purpose:
            continue
        run = []
        for later in items[n + 1 :]:
            if not later.exempt:
                break
            run.append(later)
        theirs = sorted({p for i in run if i.exemption for p in i.exemption.paragraphs})
        cited = sorted(
            {int(d) for m in _CITED.finditer(item.purpose) for d in re.findall(r"\d+", m[1])}
        )
        if theirs and cited and cited != theirs:
            word = "paragraph" if len(theirs) == 1 else "paragraphs"
            out.append(
                f"{item.source}: item {item.number}, the resolution to exclude the press and "
                f"public, cites {'paragraph' if len(cited) == 1 else 'paragraphs'} "
                f"{exclusion.and_list([str(c) for c in cited])} of Schedule 12A, but the items "
                f"after it ({exclusion.and_list([i.number for i in run])}) are exempt under "
                f"{word} {exclusion.and_list([str(t) for t in theirs])}; correct its Purpose, or "
                "clear it to print the resolution packbuilder words for them"
            )
    return out
