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

**Part II business.** When the last meeting excluded the press and public to take exempt business
(information exempt under Schedule 12A), the minute of that business is exempt too: the public
minutes keep its number and heading, marked "(exempt information - paragraph 3)", and at most the
public summary the clerk writes for it; its narrative, discussion, resolutions and actions are
confidential. A minute is marked exempt by its paragraph in the Minutes sheet's *Exempt paragraph*
column, read as an agenda item's exempt cell is (`exclusion.read`, under the meeting's deadline
rule: several paragraphs, Wales's Part 4, a parish council's "confidential"). An unmarked minute
right after an exempt one is published, as on the agenda, and pointed out
(`_published_after_exempt`). The model a minutes paper carries (`Minutes`) is the public
minutes: an exempt minute is reduced to its public form while the workbook is read
(`_public_form`), so no later route (the document, the actions log, the actions carried onto
the next agenda, bookmarks) can print more of it. Members entitled to see exempt information
read the exempt minutes in full at the end of the private pack, after every public page
(`plan.annex`): the loader gives them as a second model (`Loaded.members`,
`Paper.members_data`, `Minutes.exempt_only`), the exempt minutes only, each in full under the
line "NOT FOR PUBLICATION by virtue of paragraph 3 ..." (`_members_form`), and its text is
exempt text that no public paper may hold (`Minutes.withheld`, `textmatch`). A minute that
says it is exempt ("Part II - Millbay lease", "not for publication by virtue of paragraph 3",
"Schedule 12A": `exemption.says_exempt`, the reading agenda rows get) but has no paragraph is
refused, as is one after a minute that opens Part II ("Part II: exempt business", or the
resolution excluding the press and public) until public business resumes: printed as typed it
would publish the exempt business.

Workbook sheets (see docs/minutes.md): ``Document`` (Kind = minutes), ``Meeting`` (Field | Value),
``Attendance``, ``Minutes`` (one row per minute item), ``Actions`` (one row per action, keyed by
minute number) and ``Future meetings``. Every text cell follows the one cell-text convention of
`richtext`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, replace
from typing import Any

from packbuilder import dates, exclusion, exemption, marking, richtext, sheets
from packbuilder.documents import Loaded, register
from packbuilder.errors import Collector, InputError, PackError, Source
from packbuilder.model import DocumentData, Exemption, Withheld

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
    # Part II business: the law it was taken in private under, read from its Exempt paragraph
    # cell as an agenda item's (`exclusion.read`: "3", "3, 5", Wales's 12 to 18, a parish
    # council's "confidential"). Such a minute is held in its public form only (`_public_form`):
    # its heading marked exempt, the narrative its public summary
    exemption: Exemption | None = None
    # an exempt minute in full, as members read it (`_members_form`): the line printed above its
    # text ("NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of Schedule 12A ..."); "" in
    # the public form, which holds nothing of its text
    withheld: str = ""

    @property
    def exempt(self) -> bool:
        return self.exemption is not None


def minute_parts(m: MinuteItem) -> list[tuple[str, tuple[str, ...]]]:
    """An exempt minute's confidential parts, each as what it is and its lines: its narrative,
    its discussion (a line a point), its closing narrative, each resolution and each action."""
    parts: list[tuple[str, tuple[str, ...]]] = [
        ("the narrative", tuple(b.text for b in m.narrative)),
        ("the discussion", m.discussed),
        ("the closing narrative", tuple(b.text for b in m.closing)),
        *((f"resolution {i}", (line,)) for i, line in enumerate(m.agreed, 1)),
        *((f"action {i}", a.shown) for i, a in enumerate(m.actions, 1)),
    ]
    return [(what, lines) for what, lines in parts if any(line.strip() for line in lines)]


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
    # the exempt minutes (`Loaded.members`): the Part II minutes only, in full, which the
    # private pack carries after every public page; no dates of future meetings, no actions log
    exempt_only: bool = False

    @property
    def actions(self) -> tuple[Action, ...]:
        """The actions log, in minute order: an exempt minute's actions are printed under it, in
        the members' minutes only, where it is marked NOT FOR PUBLICATION, never in the log."""
        return tuple(a for m in self.minutes if not m.exempt for a in m.actions)

    def withheld(self) -> tuple[Withheld, ...]:
        """The text of each exempt minute the members' minutes print in full (all but its
        heading, which is published), for `textmatch` to look for in the public papers: the
        whole of it, and each of its parts on its own (`parts`), so that a public paper holding
        one part (its resolution pasted as the Public summary) is refused as surely."""
        out = []
        for m in self.minutes:
            if not m.withheld:
                continue
            parts = minute_parts(m)
            if parts:
                whole = "\n".join(line for _, lines in parts for line in lines)
                out.append(Withheld(what=f"minute {m.number}", source=m.source, text=whole))
            # (a part's text is the whole when the minute has one part; a point of the
            # discussion is a part of its own too: the discussion's points are often short)
            texts = [(what, "\n".join(lines)) for what, lines in parts]
            texts += [("a point of the discussion", p) for p in m.discussed if len(m.discussed) > 1]
            out.extend(
                Withheld(what=f"{what} of minute {m.number}", source=m.source, text=text)
                for what, text in texts
                if len(parts) > 1 or what.startswith("a point")
            )
        return tuple(out)

    def withheld_law(self) -> Exemption | None:
        """Every paragraph the exempt minutes cite, under the meeting's law (the stamp on
        each page of the exempt minutes)."""
        laws = [m.exemption for m in self.minutes if m.exemption is not None]
        if not laws:
            return None
        paragraphs = sorted({p for law in laws for p in law.paragraphs})
        return Exemption(tuple(paragraphs), laws[0].rule)

    def members_title(self) -> str | None:
        return f"Exempt minutes of the meeting held on {dates.short_date(self.date)}"

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
def load_minutes(wb: sheets.Workbook, rule: str = "england") -> Loaded:
    """Read and check a minutes workbook into the context of templates/minutes.docx.

    Args:
        rule: the meeting's deadline rule (england, wales or parish): the law under which its
            exempt minutes were taken in private, read from their Exempt paragraph cells.

    Raises:
        PackError: one error, or an ErrorList of every problem found in the workbook.
    """
    errors = Collector()
    meeting = errors.attempt(_meeting, wb)
    people = errors.attempt(_attendance, wb, errors, default=[])
    summaries: dict[int, sheets.Cell] = {}
    items, numbers = errors.attempt(_minutes, wb, errors, rule, summaries, default=([], set()))
    exempt = {m.number for m, _ in items if m.exempt}
    actions = errors.attempt(_actions, wb, numbers, exempt, errors, rule, default=[])
    future = errors.attempt(_future, wb, errors, default=[])
    errors.raise_if_any()
    assert meeting is not None  # else raise_if_any raised
    by_minute: dict[int, list[Action]] = {}
    for a in actions:
        by_minute.setdefault(a.minute, []).append(a)
    for _, full in items:
        if full.number in summaries:
            _summary_pasted(full, summaries[full.number], by_minute.get(full.number, []), errors)
    errors.raise_if_any()

    def made_of(forms: list[MinuteItem], exempt_only: bool = False) -> Minutes:
        # an exempt minute's actions are its confidential business: in its members' form only
        return Minutes(
            exempt_only=exempt_only,
            source=Source(wb.path),
            **(meeting | {"future_meetings_note": ()} if exempt_only else meeting),
            present=tuple(sorted(_with(people, "present"), key=lambda p: not p.chair)),
            apologies=_with(people, "apologies"),
            in_attendance=_with(people, "in attendance"),
            absent=_with(people, "absent"),
            minutes=tuple(
                replace(m, actions=tuple(by_minute.get(m.number, ())))
                if not m.exempt or m.withheld
                else m
                for m in forms
            ),
            future_meetings=() if exempt_only else tuple(future),
        )

    minutes = made_of([public for public, _ in items])
    # members entitled to see exempt information read the Part II minutes in full, as a
    # document of their own at the end of the private pack
    members = made_of([full for _, full in items if full.exempt], True) if exempt else None
    return Loaded(minutes, minutes.title, tuple(errors.warnings), members=members)


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


EXEMPT = "exempt paragraph"
PUBLIC_SUMMARY = "public summary"
MINUTE_ALIASES: dict[str, tuple[str, ...]] = {
    "it was agreed that": ("resolutions", "resolved", "agreed", "it was agreed"),
    PUBLIC_SUMMARY: ("public minute", "public resolution", "public record", "public text"),
    "closing narrative": ("narrative after discussion", "after discussion"),
    "number": ("minute", "minute number", "no", "no."),
}


def _minutes(
    wb: sheets.Workbook,
    errors: Collector,
    rule: str = "england",
    summaries: dict[int, sheets.Cell] | None = None,
) -> tuple[list[tuple[MinuteItem, MinuteItem]], set[int]]:
    """The minute items, each in its public form and as members read it (the same minute but
    for an exempt one: `_public_form`, `_members_form`), and every minute number read (even of
    rows with other problems); `summaries` is given each exempt minute's Public summary cell."""
    summaries = {} if summaries is None else summaries
    table = wb.table("Minutes", required=("number", "heading"), aliases=MINUTE_ALIASES)
    _exempt_column(table, errors, rule)
    items: list[tuple[MinuteItem, MinuteItem]] = []
    numbers: set[int] = set()
    last: tuple[int, sheets.Cell] | None = None
    part_two: MinuteItem | None = None  # the minute that opened Part II, while it lasts
    before: MinuteItem | None = None  # the minute just above, read
    for rec in table.records:
        cell = rec.cell("number")
        above, before = before, None  # (a row that cannot be read is no minute to follow)
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
            item = _minute(rec, number, errors, part_two, rule)
            part_two = _part_two_after(item, part_two)
            _published_after_exempt(rec, item, above, errors, rule)
            items.append((_public_form(item, rec), _members_form(item)))
            _summary_of(rec, item, summaries, errors, rule)
            before = item
        except PackError as exc:
            errors.add(exc)
    if not table.records:
        raise InputError(
            "there are no minute items; add one row per minute below the header row", table.source()
        )
    return items, numbers


# the columns sheet Minutes reads: all free text but the number, which is read as a number
MINUTE_COLUMNS = (
    "number",
    "heading",
    "narrative",
    "members discussed",
    "closing narrative",
    "it was agreed that",
    EXEMPT,
    PUBLIC_SUMMARY,
)


def _summary_of(
    rec: sheets.Record,
    item: MinuteItem,
    summaries: dict[int, sheets.Cell],
    errors: Collector,
    rule: str = "england",
) -> None:
    """Keep an exempt minute's Public summary cell, to compare with its text once its actions
    are read (`_summary_pasted`); refuse a summary of a minute with no exempt paragraph: the
    public minutes print a summary only in place of an exempt minute's text, so the clerk meant
    it exempt, and it would be published in full."""
    cell = rec.cell(PUBLIC_SUMMARY)
    if cell.blank:
        return
    if item.exemption is not None:
        summaries[item.number] = cell
        _summary_gives_away(rec, item, errors)
        return
    errors.add(
        InputError(
            f"minute {item.number} has a Public summary but no exempt paragraph, so the summary "
            "is not printed and the minute is published in full; a summary is only for an "
            f"exempt minute: give it {exclusion.what_to_type(rule)} in Exempt paragraph, or "
            "clear the summary",
            cell.source,
        )
    )


def _summary_gives_away(rec: sheets.Record, item: MinuteItem, errors: Collector) -> None:
    """Point out a sum of money or a company's name in an exempt minute's heading or Public
    summary (`exemption.gives_away`, as for an exempt agenda item's title): the public minutes
    print both whole (a new user's review: "sale to Pellow Developments Ltd for £1,250,000")."""
    printed = {"heading": "heading", "Public summary": PUBLIC_SUMMARY}
    for what, cell, detail in exemption.printed_details(rec, printed):
        errors.warn(
            f"{cell.source}: minute {item.number} is exempt, but its {what} names "
            f"{detail!r}, and the public minutes print it in full; write there only what "
            "may be published ('The board agreed a preferred bidder for the lease')"
        )


RUN = 8  # words a Public summary may not repeat in a row from its minute's confidential text
SHORTEST = 4  # words: a shorter part ("Noted.") may be said again in a summary


def pasted(summary: str, part: str) -> str | None:
    """The words of `part` (of an exempt minute's text) that `summary` repeats in a row: a run
    of `RUN` words, or the whole of a shorter part of `SHORTEST` words or more; None if it
    repeats none. A summary that reuses a few words ("a preferred bidder for the lease") is
    what a summary is; one that repeats a run of them was pasted."""
    ours = _words(summary)
    theirs = _words(part)
    n = min(RUN, len(theirs))
    if n < SHORTEST:
        return None
    text = f" {' '.join(ours)} "
    for i in range(len(theirs) - n + 1):
        run = " ".join(theirs[i : i + n])
        if f" {run} " in text:
            return run
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", exemption.plain(text).lower())


def _summary_pasted(
    full: MinuteItem, cell: sheets.Cell, actions: list[Action], errors: Collector
) -> None:
    """Refuse a Public summary that repeats part of its exempt minute's text (`pasted`): the
    public minutes print it, and the exempt business with it."""
    summary = sheets.text(cell)
    for what, lines in minute_parts(replace(full, actions=tuple(actions))):
        for line in (*lines, "\n".join(lines)):
            run = pasted(summary, line)
            if run is not None:
                errors.add(
                    InputError(
                        f"the Public summary of minute {full.number} repeats {what} of the "
                        f"minute ({run!r}), which is exempt, so the public minutes would publish "
                        "it; write in the summary only what the public may read, in your own "
                        "words",
                        cell.source,
                    )
                )
                return


def _exempt_column(table: sheets.Table, errors: Collector, rule: str = "england") -> None:
    """Read a column headed as the agenda's exempt column may be ("Exemption", "Schedule 12A",
    "Exempt para.": `exemption.is_exempt_column`) as *Exempt paragraph*; refuse a column that
    marks minutes exempt where packbuilder does not read it ("Part B", "Closed session",
    "Confidential" = Yes; "exempt" in a Status column): `marking.unread`, the agenda's policy."""
    for i, cell in enumerate(table.header):
        if (
            not cell.blank
            and isinstance(cell.value, str)
            and exemption.is_exempt_column(cell.value)
        ):
            table.columns.setdefault(EXEMPT, i)
    read = {table.columns[c] for c in MINUTE_COLUMNS if c in table.columns}
    misspelt = _misspelt_headings(table, read)
    refused = marking.unread(table, read | set(misspelt), read | set(misspelt), "minute", rule)
    for error in refused:
        errors.add(error)
    told = {e.source.cell for e in refused if e.source is not None}
    for index, cell in enumerate(table.header):
        if cell.blank or index in read or cell.source.cell in told:
            continue
        typed = sheets.text(cell)
        if index in misspelt:
            errors.add(
                InputError(
                    f"the column {typed!r} is not read, so what it holds would be left out of "
                    f"every minute (a slip for {misspelt[index].capitalize()!r}?); rename it "
                    f"{misspelt[index].capitalize()!r}",
                    cell.source,
                )
            )
        else:
            errors.warn(
                f"{cell.source}: column {typed!r} is not read (packbuilder does not know that "
                "heading); nothing in it reaches the minutes: if it is your own notes, leave "
                f"it; if not, head it as one of: {_MINUTE_HEADINGS}"
            )


_MINUTE_HEADINGS = ", ".join(c.capitalize() for c in MINUTE_COLUMNS)


def _misspelt_headings(table: sheets.Table, read: set[int]) -> dict[int, str]:
    """The columns not read whose heading is a slip for one that is ("Narative", "Members
    discused", "Public summery"), by index, with the heading meant: left out, every minute would
    lose that part without a word."""
    known = [*MINUTE_COLUMNS, *(a for names in MINUTE_ALIASES.values() for a in names)]
    meant = {
        **{c: c for c in MINUTE_COLUMNS},
        **{a: c for c, ns in MINUTE_ALIASES.items() for a in ns},
    }
    found: dict[int, str] = {}
    for index, cell in enumerate(table.header):
        if cell.blank or index in read or not isinstance(cell.value, str):
            continue
        close = difflib.get_close_matches(sheets.normalise(cell.value), known, n=1, cutoff=0.8)
        if close and meant[close[0]] not in table.columns:
            found[index] = meant[close[0]]
    return found


# the columns of a minute printed as typed, which must not say exempt unless it is marked
TEXT_COLUMNS = ("heading", "narrative", "members discussed", "closing narrative")


def _exemption(
    rec: sheets.Record,
    number: int,
    heading: str,
    errors: Collector,
    part_two: MinuteItem | None,
    rule: str = "england",
) -> Exemption | None:
    """The law the minute was taken in private under, read from its Exempt paragraph cell as an
    agenda item's is (`exclusion.read`, with the meeting's rule); a minute that says it is
    exempt without it is refused (`exemption.says_exempt`), unless the cell says "public"."""
    cell = rec.cell(EXEMPT)
    said = sheets.normalise(cell.value) if isinstance(cell.value, str) else ""
    what = exclusion.what_to_type(rule)
    if not cell.blank and said not in exemption.NOT_EXEMPT:
        return exclusion.read(cell.value, rule, cell.source)
    if said == exemption.PUBLIC:
        return None
    if (
        part_two is not None
        and said not in exemption.NOT_EXEMPT
        and not exemption.resumes_public(heading)
    ):
        raise InputError(
            f"minute {number} comes after minute {part_two.number}, {part_two.heading!r}, which "
            "takes the business that follows in private, but has no exempt paragraph, so it "
            f"would be published in full; give it {what} in "
            "Exempt paragraph, or type public there if the press and public were back",
            cell.source if cell.source.cell else rec.cell("number").source,
        )
    if exemption.EXCLUSION_ITEM.search(heading):
        return None  # the resolution to exclude the public is public, and cites Schedule 12A
    for column in (*TEXT_COLUMNS, "it was agreed that"):
        text = rec.cell(column)
        found = exemption.says_exempt(text.value) if isinstance(text.value, str) else None
        if found is not None and found[1]:
            raise InputError(
                f"minute {number} says it is exempt ({found[0]!r}) but has no exempt paragraph, "
                f"so it would be published in full; give {what} "
                "in column Exempt paragraph (the public minutes then print only its heading and "
                "its Public summary), or type public there if it is public business",
                text.source,
            )
    found = exemption.says_exempt(heading)
    if found is not None and said not in exemption.NOT_EXEMPT:
        errors.warn(
            f"{rec.cell('heading').source}: the heading of minute {number} says {found[0]!r} "
            "but the minute has no exempt paragraph, so it is published in full; if it is "
            f"Part II business give {what} in Exempt paragraph, "
            "or type public there to say that it is public"
        )
    return None


def _published_after_exempt(
    rec: sheets.Record,
    item: MinuteItem,
    above: MinuteItem | None,
    errors: Collector,
    rule: str = "england",
) -> None:
    """Point out an unmarked minute right after an exempt one: it is published in full, as an
    agenda item after an exempt item is, but the meeting had excluded the press and public to
    take the exempt minute, and nothing says they came back, so the clerk may have forgotten to
    mark it. Not when its Exempt paragraph cell says it is public ("public", "no"), nor when its
    heading says the public came back ("Public business resumed") or is the resolution to
    exclude them again (public business itself); only the first minute after the exempt ones.
    (A minute under a heading that opens Part II is refused instead: `_exemption`.)"""
    cell = rec.cell(EXEMPT)
    if (
        above is None
        or not above.exempt
        or item.exempt
        or not cell.blank
        or exemption.resumes_public(item.heading)
        or exemption.EXCLUSION_ITEM.search(item.heading)
    ):
        return
    where = cell.source if cell.source.cell else rec.cell("number").source
    errors.warn(
        f"{where}: minute {item.number} follows minute {above.number}, which is exempt, but has "
        "no exempt paragraph, so it is published in full; if the press and public were still "
        f"excluded give it {exclusion.what_to_type(rule)} in Exempt paragraph, or type public "
        "there to say that they were back"
    )


def _part_two_after(item: MinuteItem, part_two: MinuteItem | None) -> MinuteItem | None:
    """The minute that has Part II in force after `item`: a minute whose heading opens Part II
    ("Part II: exempt business", "Exclusion of the press and public") starts it; one whose
    heading says public business resumes ("Public business", "Press and public readmitted")
    ends it."""
    if exemption.EXCLUSION_ITEM.search(item.heading) or exemption.opens_part_two(item.heading):
        return item
    if exemption.resumes_public(item.heading):
        return None
    return part_two


def _public_form(item: MinuteItem, rec: sheets.Record) -> MinuteItem:
    """The minute as the public may read it: an exempt minute keeps its number and heading,
    marked "(exempt information - paragraph 3)" unless it says so already (the marking of its
    law: `exclusion.minute_marking`), and the public summary for its narrative; its discussion,
    resolutions and actions are left out."""
    if item.exemption is None:
        return item
    return replace(
        item,
        heading=_marked(item.heading, item.exemption),
        narrative=tuple(richtext.blocks(sheets.text(rec.cell(PUBLIC_SUMMARY)))),
        discussed=(),
        closing=(),
        agreed=(),
    )


def _marked(heading: str, law: Exemption) -> str:
    """An exempt minute's heading marked as exempt, unless it says so already."""
    found = exemption.says_exempt(heading)
    return (
        heading if found is not None and found[1] else f"{heading} {exclusion.minute_marking(law)}"
    )


def _members_form(item: MinuteItem) -> MinuteItem:
    """The minute as members entitled to see exempt information read it, in the private pack:
    an exempt minute in full, under the heading the public minutes print, with the line "NOT
    FOR PUBLICATION by virtue of paragraph 3 of Part 1 of Schedule 12A ..." above its text."""
    if item.exemption is None:
        return item
    return replace(
        item,
        heading=_marked(item.heading, item.exemption),
        withheld=exclusion.withheld(item.exemption),
    )


def _minute(
    rec: sheets.Record,
    number: int,
    errors: Collector,
    part_two: MinuteItem | None = None,
    rule: str = "england",
) -> MinuteItem:
    heading = rec.cell("heading")
    if heading.blank:
        raise InputError(f"minute {number} has no heading; fill it in", heading.source)
    exempt = _exemption(rec, number, one_line(heading), errors, part_two, rule)
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
        exemption=exempt,
    )


ACTION_ALIASES: dict[str, tuple[str, ...]] = {
    "minute": ("minute number", "number", "item"),
    "due date": ("due", "by", "deadline"),
}


def _actions(
    wb: sheets.Workbook, numbers: set[int], exempt: set[int], errors: Collector, rule: str
) -> list[Action]:
    table = wb.table(
        "Actions", required=("minute", "action", "owner", "due date"), aliases=ACTION_ALIASES
    )
    actions = []
    for rec in table.records:
        try:
            action = _action(rec, numbers, errors)
            if action.minute not in exempt:
                _public_action(rec, action, rule)
            actions.append(action)
        except PackError as exc:
            errors.add(exc)
    return actions


def _public_action(rec: sheets.Record, action: Action, rule: str = "england") -> None:
    """Refuse an action of a public minute that says it is exempt ("not for publication",
    "Part II - ..."): it would be printed in the public minutes and carried onto the agenda."""
    for column in ("action", "owner", "status"):
        cell = rec.cell(column)
        found = exemption.says_exempt(cell.value) if isinstance(cell.value, str) else None
        if found is not None and found[1]:
            raise InputError(
                f"the action for minute {action.minute} says it is exempt ({found[0]!r}), but "
                f"minute {action.minute} has no exempt paragraph, so the action would be "
                "published and carried onto the next agenda; give the minute "
                f"{exclusion.what_to_type(rule)} in Exempt paragraph on sheet Minutes, or give "
                "the action to the minute it belongs to",
                cell.source,
            )


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
