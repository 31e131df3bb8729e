"""Performance reports: a partnership's indicators, month by month, against last year and target.

At most meetings a board receives a *performance report* (or scorecard): for each indicator it
watches (overall crime, anti-social behaviour, referrals to domestic abuse services ...) a table of
this year's figures by month (April to March, the financial year) or by quarter, last year's figures
for the same periods, the *cumulative* (year-to-date) total, the *change against last year*, often a
*target* and the gap to it, and a comment. Some indicators are marked "FOR MONITORING ONLY": they
are watched, not judged. Whether a rise is good depends on the indicator: fewer burglaries is
better, more reports of domestic abuse (an under-reported crime) is better. So every indicator says
its *direction of good*, and the report turns each change into a word: better, worse, no change.

Analysts keep the figures in a spreadsheet; advisors used to paste them into Word by hand, and the
seeds show the result: a "change" row whose months without data repeat last year's figures. Here
every derived row (cumulative, change, change against target) is computed from the typed figures
and is blank wherever this year has no figure yet, so that mistake cannot happen.

The workbook (see docs/performance-reports.md):

* ``Document`` (Field | Value): Kind = performance-report, Title, Year (the financial year of the
  figures, ``2016/17``), As at (optional date), Partnership and Introduction (optional);
* ``Indicators``: one row per indicator: Indicator, Unit, Direction of good (up or down), Target,
  Monitoring only, Adds up, Comment;
* ``Monthly figures`` (Indicator | Year | Apr .. Mar) and/or ``Quarterly figures`` (Indicator |
  Year | Q1 .. Q4): one row per indicator per year (``2016/17``, ``2015/16``), and optionally a
  ``Target`` row (a target per period) and a typed ``Cumulative`` row, which is checked, not used.

This module holds the model (frozen dataclasses, every figure with its `Source`), a pure loader
that validates the workbook and reports every problem at once, pure derivations, and at the bottom
a thin adapter to today's `register` / `Loaded` API that draws the charts and formats the numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from packbuilder import dates, richtext, sheets
from packbuilder.documents import Loaded, register
from packbuilder.errors import Collector, InputError, PackError, Source
from packbuilder.model import DocumentData

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
MONTH_NAMES = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
QUARTER_MONTHS = ("April to June", "July to September", "October to December", "January to March")

# a direction of good is one of these words, perhaps followed by "is better" ("is good", "=
# better", "(good)"), or by "is worse" ("is bad"), which turns it round: "higher is worse" is down
UP_WORDS = {
    "up",
    "higher",
    "high",
    "increase",
    "increasing",
    "more",
    "bigger",
    "larger",
    "greater",
    "rise",
    "maximise",
    "maximize",
    "↑",
}
DOWN_WORDS = {
    "down",
    "lower",
    "low",
    "decrease",
    "decreasing",
    "reduce",
    "reduction",
    "less",
    "fewer",
    "smaller",
    "fall",
    "minimise",
    "minimize",
    "↓",
}
_DIRECTION = re.compile(
    r"(?P<word>[^\s'=(]+)(?:\s*(?:\bis\b|=|'s|\()?\s*(?:(?P<good>better|good)|(?P<bad>worse|bad))\)?)?"
)
YES = {"yes", "y", "true", "x", "✓", "✔"}
NO = {"no", "n", "false", "-", ""}
BLANK_WORDS = {"-", "–", "—", "n/a", "na", "n.a."}  # typed for "no figure"

Number = Decimal | None


# --- the model -----------------------------------------------------------------------------------


class Direction(enum.Enum):
    """Which way is good: up (more is better) or down (less is better)."""

    UP = "up"
    DOWN = "down"


class Frequency(enum.Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def periods(self) -> tuple[str, ...]:
        return MONTHS if self is Frequency.MONTHLY else QUARTERS

    @property
    def sheet(self) -> str:
        return "Monthly figures" if self is Frequency.MONTHLY else "Quarterly figures"


@dataclass(frozen=True)
class Year:
    """A financial year, April to March: Year(2016) is 2016/17."""

    start: int

    @property
    def label(self) -> str:
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def previous(self) -> Year:
        return Year(self.start - 1)


@dataclass(frozen=True)
class Figure:
    """One typed figure (None where the cell is blank) and the cell it came from."""

    value: Number
    source: Source


class Rating(enum.Enum):
    """An officer's RAG rating: red, amber or green, or one of the two in-between ratings some
    partnerships use."""

    RED = "Red"
    RED_AMBER = "Red/Amber"
    AMBER = "Amber"
    AMBER_GREEN = "Amber/Green"
    GREEN = "Green"


# what officers type in a RAG or status column, as a rating (looked up after `_rag_key`)
RATINGS = {
    **dict.fromkeys(("r", "red", "off track", "not on track", "off target", "not on target",
                     "not met", "target not met", "not achieved", "behind target"), Rating.RED),
    **dict.fromkeys(("ra", "ar", "r/a", "a/r", "red/amber", "amber/red"), Rating.RED_AMBER),
    **dict.fromkeys(("a", "amber", "at risk", "close to target", "near target"), Rating.AMBER),
    **dict.fromkeys(("ag", "ga", "a/g", "g/a", "amber/green", "green/amber"), Rating.AMBER_GREEN),
    **dict.fromkeys(("g", "green", "on track", "on target", "met", "target met", "achieved",
                     "target achieved", "ahead of target"), Rating.GREEN),
}  # fmt: skip
NOT_RATED = {"", "-", "–", "—", "n/a", "na", "n.a.", "none", "not rated", "no rating"}


@dataclass(frozen=True)
class Rag:
    """The officer's RAG rating of an indicator: printed as given (`shown`), never replaced by
    packbuilder's own judgement of the figures."""

    rating: Rating
    shown: str  # as the report prints it: "Green" (typed G or green), "On track"
    source: Source


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str  # "crimes", "referrals", "%" ...
    direction: Direction | None  # None only for an indicator kept for monitoring only
    monitoring_only: bool
    adds_up: bool  # counts add up month by month; rates and percentages do not
    comment: str
    frequency: Frequency
    this_year: tuple[Figure, ...]
    last_year: tuple[Figure, ...] | None  # None: no figures for last year at all
    target: tuple[Figure, ...] | None
    places: int  # decimal places the figures are typed with
    source: Source  # the indicator's name on the Indicators sheet
    rag: Rag | None = None  # the officer's rating, as typed; None: not rated

    @property
    def percent(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True, kw_only=True)
class PerformanceReport(DocumentData):
    title: str
    partnership: str
    year: Year
    as_at: dt.date | None
    introduction: str
    indicators: tuple[Indicator, ...]
    as_at_day: bool = True  # False: As at gives a month ("November 2016"), `as_at` its first day


def values(figures: Sequence[Figure] | None) -> tuple[Number, ...] | None:
    return None if figures is None else tuple(f.value for f in figures)


# --- derivations (pure) --------------------------------------------------------------------------


def cumulative(figures: Sequence[Number]) -> tuple[Number, ...]:
    """The running total, blank from the first period without a figure on."""
    out: list[Number] = []
    total: Number = Decimal(0)
    for v in figures:
        total = None if v is None or total is None else total + v
        out.append(total)
    return tuple(out)


def change(this: Sequence[Number], last: Sequence[Number]) -> tuple[Number, ...]:
    """This year minus last year, period by period; blank where either is blank."""
    return tuple(
        None if t is None or lt is None else t - lt for t, lt in zip(this, last, strict=True)
    )


def percent_change(this: Number, last: Number) -> Number:
    """The change as a percentage of last year, to one decimal place: blank if last year is 0,
    or below it (a net figure, -20 to -9: a rise of 11, which "-55%" would call a fall)."""
    if this is None or last is None or last <= 0:
        return None
    return ((this - last) * 100 / last).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_changes(this: Sequence[Number], last: Sequence[Number]) -> tuple[Number, ...]:
    return tuple(percent_change(t, lt) for t, lt in zip(this, last, strict=True))


def against_target(
    this: Sequence[Number], target: Sequence[Number], adds_up: bool
) -> tuple[Number, ...]:
    """This year less the target: year to date for figures that add up, else period by period."""
    if adds_up:
        return change(cumulative(this), cumulative(target))
    return change(this, target)


def latest(figures: Sequence[Number]) -> int | None:
    """The index of the last period with a figure."""
    filled = [i for i, v in enumerate(figures) if v is not None]
    return filled[-1] if filled else None


def direction_word(difference: Number, direction: Direction | None, zero: str = "no change") -> str:
    """'better', 'worse' or `zero`, judging a difference by the indicator's direction of good."""
    if difference is None or direction is None:
        return ""
    if difference == 0:
        return zero
    good = difference > 0 if direction is Direction.UP else difference < 0
    return "better" if good else "worse"


@dataclass(frozen=True)
class Headline:
    """An indicator's latest position, as the summary page shows it."""

    period: int | None  # index of the latest period with this year's figure
    figure: Number  # year to date for counts, the latest period's figure for rates
    last_year: Number  # the same measure a year earlier
    change: Number
    percent: Number  # change as a % of last year (counts only)
    against_target: Number
    word: str  # better, worse, no change (or against target: better, worse, on target)


def headline(ind: Indicator) -> Headline:
    this = values(ind.this_year) or ()
    k = latest(this)
    if k is None:
        return Headline(None, None, None, None, None, None, "")
    last = values(ind.last_year)
    target = values(ind.target)
    pick = cumulative if ind.adds_up else tuple
    figure = pick(this)[k]
    before = pick(last)[k] if last is not None else None
    diff = None if figure is None or before is None else figure - before
    gap = against_target(this, target, ind.adds_up)[k] if target is not None else None
    if diff is not None:
        word = direction_word(diff, ind.direction)
    else:
        word = direction_word(gap, ind.direction, zero="on target")
    return Headline(
        period=k,
        figure=figure,
        last_year=before,
        change=diff,
        percent=percent_change(figure, before) if ind.adds_up else None,
        against_target=gap,
        word=word,
    )


# --- loading and checking the workbook (pure: a workbook in, a report or every error out) --------


def load_report(wb: sheets.Workbook) -> tuple[PerformanceReport, list[str]]:
    """Read and check a performance report workbook.

    Returns:
        The report and its warnings (each naming its cell).
    Raises:
        PackError: one error, or an ErrorList of every problem in the workbook.
    """
    errors = Collector()
    # a spreadsheet error is refused where a value is needed (a figure, the year), and a lookup's
    # #N/A in an optional cell (a comment, a rating, the introduction) read as blank with a
    # warning (`sheets.optional`); a cell not read does not stop the report
    doc = wb.fields("Document", keep_errors=True)
    title = _optional_text(doc.get("Title"), "the title", errors)
    partnership = _optional_text(doc.get("Partnership", "Body"), "the partnership", errors)
    introduction = _optional_text(doc.get("Introduction", "Intro"), "the introduction", errors)
    year = _attempt(errors, None, _year, doc)
    as_at, as_at_day = _attempt(errors, (None, True), _as_at, doc)
    defs = _attempt(errors, {}, _indicators, wb, errors)
    if year is None:
        errors.raise_if_any()
        raise AssertionError("unreachable: a missing year is an error")
    found: dict[str, tuple[Frequency, dict[str, _Row]]] = {}
    sheets_found = 0
    all_read = True
    for freq in Frequency:
        if wb.has_sheet(freq.sheet):
            sheets_found += 1
            all_read &= _attempt(errors, False, _figures, wb, freq, year, defs, found, errors)
    if not sheets_found:
        errors.add(
            InputError(
                f"no sheet of figures (sheets: {', '.join(wb.sheet_names)}); add a sheet "
                "'Monthly figures' (Indicator | Year | Apr .. Mar) or 'Quarterly figures' "
                "(Indicator | Year | Q1 .. Q4), or rename yours to one of those",
                Source(wb.path),
            )
        )
    indicators = []
    for key, d in defs.items():
        if d is None:
            continue
        if key not in found:
            if sheets_found and all_read:
                errors.add(
                    InputError(
                        f"indicator {d.name!r} has no figures; add a row for it with Year "
                        f"{year.label} to the sheet Monthly figures or Quarterly figures",
                        d.source,
                    )
                )
            continue
        freq, rows = found[key]
        if not all(r.readable for r in rows.values()):
            continue  # its unreadable figures are reported; checks on them would only repeat it
        ind = _attempt(errors, None, _indicator, d, freq, rows, year, errors)
        if ind is not None:
            _check_rag(ind, year, errors)
            indicators.append(ind)
    errors.raise_if_any()
    report = PerformanceReport(
        title=title or f"Performance report {year.label}",
        partnership=partnership,
        year=year,
        as_at=as_at,
        as_at_day=as_at_day,
        introduction=introduction,
        indicators=tuple(indicators),
        source=Source(wb.path),
    )
    return report, errors.warnings


def _attempt(errors: Collector, default: Any, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except PackError as exc:
        errors.add(exc)
        return default


def _optional_text(cell: sheets.Cell | None, what: str, errors: Collector) -> str:
    """An optional cell's text; a lookup's #N/A there is read as blank, with a warning."""
    if cell is None:
        return ""
    return _attempt(errors, "", sheets.text, sheets.optional(cell, what, errors.warn))


def _one_line(cell: sheets.Cell) -> str:
    return " ".join(sheets.text(cell).split())


_YEAR_RE = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def parse_year(text: str) -> Year | None:
    """'2016/17', '2016-17' or '2016/2017' as a financial year; None if it is not one."""
    m = _YEAR_RE.match(text.strip())
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if int(end) % (100 if len(end) == 2 else 10_000) != (start + 1) % (
        100 if len(end) == 2 else 10_000
    ):
        return None
    return Year(start)


def _year(doc: sheets.FieldSheet) -> Year:
    cell = doc.require("Year", "Financial year", "Period")
    year = parse_year(sheets.text(cell))
    if year is None:
        raise InputError(
            f"the year must be a financial year such as 2016/17, got {sheets.text(cell)!r}; "
            "write it like 2016/17",
            cell.source,
        )
    return year


def _as_at(doc: sheets.FieldSheet) -> tuple[dt.date | None, bool]:
    """The day the figures are as at, or the month (a reporting period: "As at: May 2019",
    "Mar-20"), and whether a day is given."""
    cell = doc.get("As at", "Date", "Figures as at")
    if cell is None or cell.blank:
        return None, True
    return sheets.month_or_date(cell, "the date the figures are as at")


@dataclass(frozen=True)
class _Definition:
    name: str
    unit: str
    direction: Direction | None
    monitoring_only: bool
    adds_up: bool
    comment: str
    target: Figure | None
    source: Source
    target_source: Source
    rag: Rag | None = None


# the headings of an officer's RAG column, on the Indicators sheet or after the periods
RAG_HEADINGS = (
    "rag",
    "rag rating",
    "rag status",
    "status",
    "rating",
    "officer rag",
    "officer's rag",
    "officer rating",
    "overall status",
    "r/a/g",
    "rag (officer)",
)

INDICATOR_COLUMNS = {
    "indicator": ("name", "indicator name"),
    "unit": (),
    "direction of good": ("direction", "good is", "better when"),
    "target": (),
    "monitoring only": ("for monitoring only", "monitoring"),
    "comment": ("comments", "commentary"),
    "adds up": ("cumulative", "accumulates"),
    "rag": RAG_HEADINGS[1:],
}


def _indicators(wb: sheets.Workbook, errors: Collector) -> dict[str, _Definition | None]:
    table = wb.table(
        "Indicators",
        required=("indicator", "direction of good"),
        aliases=INDICATOR_COLUMNS,
        keep_errors=True,
    )
    out: dict[str, _Definition | None] = {}
    for rec in table.records:
        name_cell = rec.cell("indicator")
        if name_cell.error:
            errors.add(sheets.spreadsheet_error(name_cell, "an indicator's name"))
            continue
        if name_cell.blank:
            errors.add(
                InputError(
                    "the indicator has no name; fill it in or delete the row", name_cell.source
                )
            )
            continue
        name = _one_line(name_cell)
        key = sheets.normalise(name)
        if key in out:
            first = next(
                r
                for r in table.records
                if not r.cell("indicator").error
                and sheets.normalise(_one_line(r.cell("indicator"))) == key
            )
            errors.add(
                InputError(
                    f"indicator {name!r} is listed twice (first in cell "
                    f"{first.cell('indicator').source.cell}); delete one of the rows",
                    name_cell.source,
                )
            )
            continue
        # None: listed, but its row has errors (reported); its figures are then left unchecked
        out[key] = _attempt(errors, None, _definition, rec, name, errors.warn)
    if not table.records:
        errors.add(InputError("no indicators; add one row per indicator", table.source()))
    _warn_unread_indicator_columns(table, errors)
    return out


def _warn_unread_indicator_columns(table: sheets.Table, errors: Collector) -> None:
    """A warning for each column of the Indicators sheet that is not read: an officer's RAG
    column was dropped here without a word, and so would a column headed in words not known."""
    read = {table.columns[c] for c in INDICATOR_COLUMNS if c in table.columns}
    for index, cell in enumerate(table.header):
        if cell.blank or index in read:
            continue
        errors.warn(
            f"{cell.source}: column {sheets.text(cell)!r} is not read (packbuilder does not "
            "know that heading); nothing in it reaches the report: if it is your own notes, "
            "leave it; if not, head it as one of: Indicator, Unit, Direction of good, Target, "
            "Monitoring only, Adds up, Comment, RAG"
        )


# a unit typed in words that means a percentage: read as "%" (a rate of them does not add up)
PERCENT_WORDS = {"%", "percent", "per cent", "percentage", "percentages", "pct", "pc"}


def _unit(cell: sheets.Cell) -> str:
    """The unit as typed, but "%" for a percentage however it is written ("percent", "% of
    calls")."""
    unit = _one_line(cell)
    return "%" if unit.lower() in PERCENT_WORDS or unit.startswith("%") else unit


def _definition(rec: sheets.Record, name: str, warn: Any) -> _Definition:
    errors = Collector()
    unit = _unit(rec.cell("unit"))
    percent = unit == "%"
    monitoring = _attempt(errors, False, _flag, rec.cell("monitoring only"), "Monitoring only")
    adds_cell = rec.cell("adds up")
    adds_up = (
        not percent if adds_cell.blank else _attempt(errors, True, _flag, adds_cell, "Adds up")
    )
    direction = _attempt(errors, None, _direction, rec.cell("direction of good"), name, monitoring)
    target_cell = rec.cell("target")
    target = None
    if not target_cell.blank:
        target = Figure(_attempt(errors, None, number, target_cell, percent), target_cell.source)
    rag_cell = sheets.optional(rec.cell("rag"), "the RAG rating", warn)
    rag = _attempt(errors, None, read_rag, rag_cell, name)
    _said_by_colour(rec.table.workbook, rag_cell, name, warn)
    comment_cell = sheets.optional(rec.cell("comment"), "the comment", warn)
    comment = _attempt(errors, "", sheets.text, comment_cell)
    errors.raise_if_any()
    return _Definition(
        name=name,
        unit=unit,
        direction=direction,
        monitoring_only=monitoring,
        adds_up=adds_up,
        comment=comment,
        target=target,
        source=rec.cell("indicator").source,
        target_source=target_cell.source,
        rag=rag,
    )


def _rag_key(text: str) -> str:
    """A rating as looked up: 'Amber - Green', 'Amber / green' and 'AMBER/GREEN' alike."""
    key = sheets.normalise(text).rstrip(".")
    return re.sub(r"\s*[/\-–]\s*(?=[a-z])", "/", key) if "track" not in key else key


def _said_by_colour(wb: sheets.Workbook | None, cell: sheets.Cell, name: str, warn: Any) -> None:
    """Warn of a RAG cell that is coloured but holds no word: the report prints the word, so
    the rating the colour gives would be lost without one (and a colour alone tells nothing to
    a screen reader, nor on a black and white printout)."""
    if wb is not None and cell.blank and not cell.error and wb.coloured(cell.source):
        warn(
            f"{cell.source}: the RAG cell of {name!r} is coloured but holds no word, and the "
            "report prints the rating's word, not the cell's colour, so the indicator is shown "
            "as not rated; type its rating (Red, Amber or Green) in the cell"
        )


def read_rag(cell: sheets.Cell, name: str) -> Rag | None:
    """An officer's RAG rating (`RATINGS`), or None for a cell left empty or saying none.

    Raises:
        InputError: naming the cell, for a value that is no rating ('Gren', 'TBC', 'Blue').
    """
    typed = _one_line(cell)
    key = _rag_key(typed)
    if key in NOT_RATED:
        return None
    rating = RATINGS.get(key) or RATINGS.get(key.replace("-", " "))
    if rating is None:
        raise InputError(
            f"the RAG rating of {name!r} is {typed!r}, which is not a rating packbuilder knows; "
            "type Red, Amber or Green (or R, A, G; Red/Amber, Amber/Green; On track, Off track, "
            "At risk), or leave it empty",
            cell.source,
        )
    # a code or a colour is printed as the colour's word; the officer's own words as typed
    colours = {"red", "amber", "green", "r", "a", "g"}
    colour = len(key) <= 2 or all(w in colours for w in key.split("/"))
    shown = rating.value if colour else typed[:1].upper() + typed[1:]
    return Rag(rating, shown, cell.source)


def _flag(cell: sheets.Cell, what: str) -> bool:
    value = sheets.normalise(sheets.text(cell))
    if value in YES:
        return True
    if value in NO:
        return False
    raise InputError(
        f"{what}: expected yes or no, got {sheets.text(cell)!r}; write yes or no", cell.source
    )


def _direction(cell: sheets.Cell, name: str, monitoring: bool) -> Direction | None:
    value = sheets.normalise(sheets.text(cell).replace("\u2019", "'"))
    m = _DIRECTION.fullmatch(value)
    if m and m["word"] in UP_WORDS | DOWN_WORDS:
        up = (m["word"] in UP_WORDS) != bool(m["bad"])
        return Direction.UP if up else Direction.DOWN
    if monitoring and (not value or value in BLANK_WORDS | {"none", "not judged"}):
        return None  # kept for monitoring only: "n/a" or "-" says it is not judged
    shown = "empty" if not value else repr(sheets.text(cell))
    raise InputError(
        f"the direction of good of {name!r} is {shown}; write up (more is better) or down "
        "(less is better)",
        cell.source,
    )


MAX_FIGURE = Decimal(10) ** 15  # a figure this large is a typing slip (and overflows the sums)


def number(cell: sheets.Cell, percent: bool = False) -> Number:
    """A figure: a number, or text such as '1,234' or '88%'; blank, '-' or 'n/a' for none.

    For a percentage indicator a cell formatted as a percentage in Excel (0.88 shown as 88%) reads
    as 88, as it shows.

    Raises:
        InputError: naming the cell.
    """
    figure = _number(cell, percent)
    if figure is not None and abs(figure) >= MAX_FIGURE:
        raise InputError(
            "this figure is too large (a quadrillion or more); correct the cell",
            cell.source,
        )
    return figure


def _number(cell: sheets.Cell, percent: bool) -> Number:
    if cell.error:  # a lookup's #N/A is neither a figure nor no figure: the user must say which
        raise sheets.spreadsheet_error(
            cell, "a figure", "type the figure (leave the cell empty if there is none yet)"
        )
    v = cell.value
    if cell.blank:
        return None
    if isinstance(v, bool):
        pass
    elif isinstance(v, int | float):
        d = Decimal(v) if isinstance(v, int) else Decimal(repr(v))
        if d.is_finite():
            if "%" not in cell.number_format:
                return d
            if percent:  # Excel keeps 88% as 0.88
                q = (d * 100).quantize(Decimal("0.01"))
                return q.quantize(Decimal(1)) if q == q.to_integral_value() else q.normalize()
            raise InputError(
                f"the cell shows a percentage ({d * 100:f}%) but the indicator's unit is not %; "
                "set its Unit to % on the Indicators sheet, or format the cell as a number",
                cell.source,
            )
    elif isinstance(v, str):
        return _typed_number(cell, v.strip(), percent)
    raise InputError(
        f"expected a number such as 1,234 or 88%, got {sheets.text(cell)!r}; leave the cell "
        "blank (or type n/a) if there is no figure",
        cell.source,
    )


def _typed_number(cell: sheets.Cell, s: str, percent: bool) -> Number:
    """A figure typed as text: '1,234', '-3.5', '88%'."""
    if s.lower() in BLANK_WORDS:
        return None
    # thousands may be grouped with commas, or with spaces as figures copied from a web page or
    # a PDF are (`sheets.ungroup`, as amounts are read); a minus may be the typographic one
    s = s.replace("\u2212", "-")
    m = re.fullmatch(rf"([-+]?)\s*({sheets.DIGITS})?(\.[0-9]+)?\s*(%?)", s)
    whole = sheets.ungroup(m.group(2) or "0") if m else None
    if m and whole is not None and (m.group(2) or m.group(3)):
        if m.group(4) and not percent:
            raise InputError(
                f"{s!r} is a percentage but the indicator's unit is not %; set its Unit to % on "
                "the Indicators sheet, or type the figure without %",
                cell.source,
            )
        d = Decimal(whole + (m.group(3) or ""))
        return -d if m.group(1) == "-" else d
    raise InputError(
        f"expected a number such as 1,234 or 88%, got {s!r}; leave the cell blank (or type n/a) "
        "if there is no figure",
        cell.source,
    )


@dataclass(frozen=True)
class _Row:
    role: str  # "this", "last", "target", "cumulative"
    figures: tuple[Figure, ...]
    source: Source  # the Year cell
    readable: bool = True  # every figure a number: otherwise its errors are already reported
    fractions: tuple[Figure, ...] = ()  # of a % indicator: below 1, in cells not formatted as %
    rag: Rag | None = None  # this year's row: the officer's rating in a RAG column


def _period_of(cell: sheets.Cell, freq: Frequency) -> int | None:
    """Which period a header cell names: 'Apr', 'April', 'Apr-16', a date; 'Q1'."""
    v = cell.value
    if freq is Frequency.MONTHLY:
        if isinstance(v, dt.date):
            return (v.month - 4) % 12
        head = re.match(r"[A-Za-z]{3,}", sheets.text(cell))
        return _month_of(head.group(0).lower()) if head else None
    text = sheets.normalise(sheets.text(cell))
    # "Q1", "Qtr 1", "Quarter 1", "Q1 (Apr-Jun)"
    m = re.match(r"(?:q|qtr|quarter)\s*([1-4])\b", text)
    if m:
        return int(m.group(1)) - 1
    # a quarter's months: "Apr-Jun", "April to June"
    m = re.fullmatch(r"([a-z]{3,9})\s*(?:-|–|to)\s*([a-z]{3,9})", text)
    if m:
        first, last = (_month_of(w) for w in m.groups())
        if first is not None and first % 3 == 0 and last == first + 2:
            return first // 3
    return None


def _month_of(word: str) -> int | None:
    """The month (0 for April) a word names: 'apr', 'april', 'sept'."""
    for i, (short, full) in enumerate(zip(MONTHS, MONTH_NAMES, strict=True)):
        if word in (short.lower(), full.lower()) or (
            len(word) >= 3 and full.lower().startswith(word)
        ):
            return i
    return None


def _columns(wb: sheets.Workbook, freq: Frequency) -> tuple[_Columns, list[list[sheets.Cell]]]:
    """Where the sheet keeps what, and its data rows."""
    rows = list(wb.rows(freq.sheet, keep_errors=True))
    if not rows:
        raise InputError(
            f"the sheet is empty; add a header row: Indicator | Year | {' | '.join(freq.periods)}",
            Source(wb.path, freq.sheet),
        )
    start = _heading_row(rows)
    header = rows[start]
    indicator_col = year_col = total_col = rag_col = None
    periods: dict[int, int] = {}
    unread: list[sheets.Cell] = []  # headings after the periods that are not a total
    dated: list[tuple[int, int, sheets.Cell]] = []  # months headed with their year: "Apr-16"
    for i, cell in enumerate(header):
        if cell.blank:
            continue
        name = sheets.heading_key(sheets.text(cell))
        if _names_indicators(cell):
            indicator_col = i
        elif name in {"year", "series", "row", "figures"}:
            year_col = i
        elif name in RAG_HEADINGS and rag_col is None:
            rag_col = i  # the officer's rating, on this year's row
        elif len(periods) == len(freq.periods) and _period_of(cell, freq) is None:
            # after the last period: an analyst's own total (checked), or notes (not read)
            if name in TOTAL_HEADINGS and total_col is None:
                total_col = i
            else:
                unread.append(cell)
        else:
            p = _period_of(cell, freq)
            if p is None or p in periods.values():
                what = "repeats a period" if p is not None else "is not a period"
                raise InputError(
                    f"the heading {sheets.text(cell)!r} {what}; the headings must be "
                    f"Indicator, Year, then {', '.join(freq.periods)}",
                    cell.source,
                )
            periods[i] = p
            shown_year = _heading_year(cell) if freq is Frequency.MONTHLY else None
            if shown_year is not None:
                dated.append((p, shown_year, cell))
    missing = [n for n, c in (("Indicator", indicator_col), ("Year", year_col)) if c is None]
    order = [periods[i] for i in sorted(periods)]
    if missing or order != list(range(len(freq.periods))):
        found = ", ".join(sheets.text(c) for c in header if not c.blank)
        raise InputError(
            f"the header row must be Indicator, Year, then {', '.join(freq.periods)} in that "
            f"order (it has: {found}); correct the headings",
            header[0].source,
        )
    assert indicator_col is not None and year_col is not None
    data = _unmerged(rows[start + 1 :], indicator_col)
    columns = _Columns(
        indicator_col, year_col, sorted(periods), total_col, tuple(unread), rag_col, tuple(dated)
    )
    return columns, data


def _heading_year(cell: sheets.Cell) -> int | None:
    """The year a month's heading shows, if it shows one: 'Apr-16', 'April 2016', a date cell
    formatted with its year; None for 'Apr' (or a date cell showing only the month)."""
    v = cell.value
    if isinstance(v, dt.date):
        return v.year if "y" in cell.number_format.lower() else None
    m = re.fullmatch(r"[A-Za-z]{3,9}\.?[\s\-/']*(\d{4}|\d{2})", sheets.text(cell))
    if not m:
        return None
    return int(m[1]) + (2000 if len(m[1]) == 2 else 0)


def _warn_heading_years(columns: _Columns, year: Year, errors: Collector) -> None:
    """A month headed with a year outside the report's ("Apr-15" in a 2016/17 report): the
    figures are read by the Year column, so the heading is only a label, but one that says
    another year, perhaps a sheet copied from last year's workbook."""
    for period, shown, cell in columns.dated:
        expected = year.start + (1 if period >= 9 else 0)
        if shown != expected:
            errors.warn(
                f"{cell.source}: the heading {sheets.text(cell)!r} is {MONTH_NAMES[period]} "
                f"{shown}, but {MONTH_NAMES[period]} of {year.label} is in {expected}; its column "
                f"is read as {MONTH_NAMES[period]} of the year each row's Year cell names: "
                "correct the heading, or check that the sheet is this year's"
            )


def _heading_row(rows: list[list[sheets.Cell]]) -> int:
    """Which row of a figures sheet is its heading row, under a title line or two ("Monthly
    figures 2016/17", one cell filled, or with a date at its right: "as at 30/11/2016";
    `sheets.title_line`): the one that names the Indicator column, or else the first with more
    than one cell filled."""
    for k, row in enumerate(rows[:5]):
        if any(_names_indicators(c) for c in row):
            return k
        if not sheets.title_line(row):
            break
    return next((k for k, row in enumerate(rows[:5]) if sum(not c.blank for c in row) > 1), 0)


def _names_indicators(cell: sheets.Cell) -> bool:
    """Whether a heading names a figures sheet's Indicator column."""
    if cell.error:
        return False
    return sheets.heading_key(sheets.text(cell)) in {"indicator", "indicator name", "name"}


# the heading of a column after the periods that totals them, as analysts keep one
TOTAL_HEADINGS = {
    "total",
    "totals",
    "ytd",
    "year to date",
    "full year",
    "annual total",
    "year total",
}


@dataclass(frozen=True)
class _Columns:
    """Where a figures sheet keeps what: the Indicator and Year columns, the periods in order,
    and a total column after them (None: none)."""

    indicator: int
    year: int
    periods: list[int]
    total: int | None
    unread: tuple[sheets.Cell, ...] = ()  # the headings of columns after the periods not read
    rag: int | None = None  # an officer's RAG column
    dated: tuple[tuple[int, int, sheets.Cell], ...] = ()  # (period, year shown, heading)


_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


def _unmerged(rows: list[list[sheets.Cell]], names: int) -> list[list[sheets.Cell]]:
    """The data rows with an indicator's name merged down over its rows (this year, last year,
    target) given to each of them. Any other merge is refused: a figure typed once across merged
    cells is in its first cell only."""
    firsts = {c.source.cell: c for row in rows for c in row if not c.merged_into}
    out = []
    for row in rows:
        row = list(row)
        for i, cell in enumerate(row):
            if not cell.merged_into:
                continue
            m = _RANGE.fullmatch(cell.merged_into)
            top = firsts.get(f"{m[1]}{m[2]}") if m else None
            if i == names and m and m[1] == m[3] and top is not None:
                row[i] = sheets.Cell(top.value, cell.source)
                continue
            raise InputError(
                f"cells {cell.merged_into} are merged; unmerge them and type the value in "
                "every cell",
                cell.source,
            )
        out.append(row)
    return out


def _role(cell: sheets.Cell, year: Year) -> str:
    text = sheets.normalise(sheets.text(cell))
    if text in {"this year", year.label.lower()} or parse_year(text) == year:
        return "this"
    if text in {"last year", year.previous.label.lower()} or parse_year(text) == year.previous:
        return "last"
    target = re.fullmatch(r"targets?(?:\s+(?:for\s+)?(.+))?", text)
    if target and (target[1] is None or parse_year(target[1]) == year):
        return "target"  # "Target", "Targets", "Target 2016/17" (this year's)
    if text in {"cumulative", "cumulative this year", "year to date", "ytd"} or text.startswith(
        "cumulative"
    ):
        return "cumulative"
    shown = "empty" if cell.blank else repr(sheets.text(cell))
    raise InputError(
        f"the year is {shown}; write {year.label} (this year), {year.previous.label} (last "
        "year), Target or Cumulative",
        cell.source,
    )


def _figures(
    wb: sheets.Workbook,
    freq: Frequency,
    year: Year,
    defs: dict[str, _Definition | None],
    found: dict[str, tuple[Frequency, dict[str, _Row]]],
    errors: Collector,
) -> bool:
    """Read one sheet of figures into `found`: indicator -> (frequency, role -> row)."""
    columns, rows = _columns(wb, freq)
    ind_col, year_col, period_cols = columns.indicator, columns.year, columns.periods
    _warn_unread(columns, freq, errors)
    _warn_heading_years(columns, year, errors)
    for row in rows:

        def at(i: int, row: list[sheets.Cell] = row) -> sheets.Cell:
            if i < len(row):
                return row[i]
            src = row[0].source
            letter = sheets._column_letter(i)  # noqa: SLF001 - the one place cells beyond a row are named
            return sheets.Cell(None, src.at(f"{letter}{re.sub(r'[A-Z]+', '', src.cell or '')}"))

        name_cell, year_cell = at(ind_col), at(year_col)
        if name_cell.error:
            errors.add(sheets.spreadsheet_error(name_cell, "an indicator's name"))
            continue
        if name_cell.blank:
            errors.add(
                InputError(
                    "the row has figures but no indicator; write the indicator's name as on the "
                    "Indicators sheet",
                    name_cell.source,
                )
            )
            continue
        key = sheets.normalise(_one_line(name_cell))
        if key not in defs:
            if defs:
                errors.add(
                    InputError(
                        f"no indicator {_one_line(name_cell)!r} on the Indicators sheet; add it "
                        "there or correct the name",
                        name_cell.source,
                    )
                )
            continue
        d = defs[key]
        if d is None:
            continue  # the indicator's own row has errors, reported on the Indicators sheet
        if key in found and found[key][0] is not freq:
            errors.add(
                InputError(
                    f"{d.name!r} has figures on both the Monthly figures and the Quarterly "
                    "figures sheets; delete its rows from one of them",
                    name_cell.source,
                )
            )
            continue
        try:
            role = _role(year_cell, year)
        except PackError as exc:
            errors.add(exc)
            continue
        row_read = _read_row(d, role, year_cell, [at(i) for i in period_cols], errors)
        row_read = _with_extras(row_read, d, columns, at, year_cell, errors, wb)
        seen = found.setdefault(key, (freq, {}))[1]
        if role in seen:
            errors.add(
                InputError(
                    f"{d.name!r} has two rows for {sheets.text(year_cell)} (the first in row "
                    f"{re.sub(r'[A-Z]+', '', seen[role].source.cell or '')}); delete one of them",
                    year_cell.source,
                )
            )
            continue
        seen[role] = row_read
    return True


def _with_extras(
    row: _Row,
    d: _Definition,
    columns: _Columns,
    at: Any,
    year_cell: sheets.Cell,
    errors: Collector,
    wb: sheets.Workbook,
) -> _Row:
    """A row's typed total checked and its RAG rating read, where the sheet has those columns."""
    if columns.total is not None and row.readable and d.adds_up and row.role != "cumulative":
        _check_total(d, year_cell, at(columns.total), row.figures, errors)
    if columns.rag is not None:
        row = _with_rag(row, d, at(columns.rag), year_cell, errors, wb)
    return row


def _with_rag(
    row: _Row,
    d: _Definition,
    cell: sheets.Cell,
    year_cell: sheets.Cell,
    errors: Collector,
    wb: sheets.Workbook,
) -> _Row:
    """This year's row with the officer's rating in its RAG cell; a rating on another row (last
    year's, a target's) is not read, and said so."""
    cell = sheets.optional(cell, "the RAG rating", errors.warn)
    if row.role == "this":
        _said_by_colour(wb, cell, d.name, errors.warn)
        return dataclasses.replace(row, rag=_attempt(errors, None, read_rag, cell, d.name))
    if not cell.blank:
        errors.warn(
            f"{cell.source}: the RAG rating on {d.name!r}'s {sheets.text(year_cell)} row is not "
            "read: only this year's row's rating reaches the report; move it to this year's "
            "row, or delete it"
        )
    return row


def _warn_unread(columns: _Columns, freq: Frequency, errors: Collector) -> None:
    """A warning for each column after the periods that is not read. Such columns were refused
    before they were allowed: a Target or Comment column there would now be dropped without a
    word, the report showing no target."""
    for heading in columns.unread:
        errors.warn(
            f"{heading.source}: column {sheets.text(heading)!r} after the "
            f"{'months' if freq is Frequency.MONTHLY else 'quarters'} is not read (only a "
            "Total or YTD column there is, and checked); nothing in it reaches the report: if it "
            "is your own notes, leave it; give targets a row with Year 'Target', and comments "
            "the Indicators sheet's Comment column"
        )


def _read_row(
    d: _Definition, role: str, year_cell: sheets.Cell, cells: list[sheets.Cell], errors: Collector
) -> _Row:
    """One row's figures (each error kept in `errors`), and those of a % indicator typed as
    fractions (`_fraction`)."""
    percent = d.unit == "%"
    before = len(errors.errors)
    figures = tuple(
        Figure(_attempt(errors, None, number, cell, percent), cell.source) for cell in cells
    )
    fractions = tuple(
        f
        for cell, f in zip(cells, figures, strict=True)
        if percent and _fraction(cell) and f.value is not None
    )
    return _Row(role, figures, year_cell.source, len(errors.errors) == before, fractions)


def _check_total(
    d: _Definition,
    year_cell: sheets.Cell,
    cell: sheets.Cell,
    figures: Sequence[Figure],
    errors: Collector,
) -> None:
    """A row's typed total (a Total or YTD column) must be what its figures add up to."""
    typed = _attempt(errors, None, number, cell, False)
    total = sum((f.value for f in figures if f.value is not None), Decimal(0))
    if typed is not None and typed != total:
        errors.add(
            InputError(
                f"the total of {d.name!r} for {sheets.text(year_cell)} is {_plain(typed)} but its "
                f"figures add up to {_plain(total)}; correct it, or delete the column "
                "(packbuilder works out the totals)",
                cell.source,
            )
        )


def _fraction(cell: sheets.Cell) -> bool:
    """Whether a % indicator's cell holds a number between 0 and 1 not formatted as a percentage
    (0.88 as General): read as typed, 0.88%, though Excel shows 0.88 for a rate of 88% whose
    cell lost its percentage format."""
    v = cell.value
    return (
        isinstance(v, float)
        and not isinstance(v, bool)
        and 0 < v < 1
        and "%" not in cell.number_format
    )


def _warn_fractions(d: _Definition, rows: dict[str, _Row], errors: Collector) -> None:
    """A % indicator with fractions (`_fraction`) beside figures of 10% or more: most likely
    percentages whose cells are formatted as numbers. Warned, not refused: a real 0.88% is read
    as typed."""
    fractions = [f for r in rows.values() for f in r.fractions]
    others = [
        f.value
        for r in rows.values()
        for f in r.figures
        if f.value is not None and f not in fractions
    ] + ([d.target.value] if d.target and d.target.value is not None else [])
    if not fractions or max((abs(v) for v in others), default=Decimal(0)) < 10:
        return
    first, *more = fractions
    cells = ", ".join(str(f.source.cell) for f in more)
    also = f" (and so {'is' if len(more) == 1 else 'are'} {cells})" if more else ""
    meant = [_plain((f.value or Decimal(0)) * 100).rstrip("0").rstrip(".") for f in fractions[:2]]
    shown = _plain(first.value or Decimal(0))
    errors.warn(
        f"{first.source}: {d.name!r} is a percentage, and {shown} is read as {shown}%{also}, "
        "a fraction beside figures of 10% or more; if it means "
        f"{' and '.join(m + '%' for m in meant)}, format the cells as percentages in Excel, "
        f"or type {' and '.join(meant)}"
    )


def _places(figures: Sequence[Figure]) -> int:
    exps = [
        -int(f.value.as_tuple().exponent)  # type: ignore[operator]
        for f in figures
        if f.value is not None and f.value != f.value.to_integral_value()
    ]
    return min(max(exps, default=0), 2)


def _indicator(
    d: _Definition, freq: Frequency, rows: dict[str, _Row], year: Year, errors: Collector
) -> Indicator:
    """One indicator from its rows, checked: no gaps, last year where this year has a figure, a
    typed cumulative that agrees with the figures."""
    found = Collector()
    periods = freq.periods
    this_row = rows.get("this")
    if this_row is None:
        other = next(iter(rows.values()))
        raise InputError(
            f"{d.name!r} has no row for this year; add a row with Year {year.label}",
            other.source,
        )
    this = this_row.figures
    _check_this_year(d, this_row, periods, year, errors, found)
    _warn_fractions(d, rows, errors)
    last_row = rows.get("last")
    if last_row is not None:
        for t, lt, p in zip(this, last_row.figures, periods, strict=True):
            if t.value is not None and lt.value is None:
                errors.warn(
                    f"{lt.source}: {d.name!r} has a figure for {p} this year but none last year, "
                    "so its change against last year is left blank; fill in last year's figure"
                )
    target_row = rows.get("target")
    target: tuple[Figure, ...] | None = None
    if target_row is not None and d.target is not None:
        found.add(
            InputError(
                f"{d.name!r} has a target on the Indicators sheet (cell {d.target_source.cell}) "
                "and a Target row here; delete one of them",
                target_row.source,
            )
        )
    elif target_row is not None:
        target = target_row.figures
    elif d.target is not None:
        target = tuple(d.target for _ in periods)
    rag = d.rag
    if this_row.rag is not None and d.rag is not None:
        found.add(
            InputError(
                f"{d.name!r} has a RAG rating on the Indicators sheet (cell {d.rag.source.cell}) "
                "and another on this row; delete one of them",
                this_row.rag.source,
            )
        )
    rag = rag or this_row.rag
    cum_row = rows.get("cumulative")
    if cum_row is not None:
        if not d.adds_up:
            found.add(
                InputError(
                    f"{d.name!r} does not add up (its unit is {d.unit or 'blank'} or Adds up is "
                    "no), so it has no cumulative; delete this row",
                    cum_row.source,
                )
            )
        else:
            _check_cumulative(cum_row, this, periods, found)
    found.raise_if_any()
    return Indicator(
        name=d.name,
        unit=d.unit,
        direction=d.direction,
        monitoring_only=d.monitoring_only,
        adds_up=d.adds_up,
        comment=d.comment,
        frequency=freq,
        this_year=this,
        last_year=last_row.figures if last_row else None,
        target=target,
        places=_places(this + (last_row.figures if last_row else ()) + (target or ())),
        source=d.source,
        rag=rag,
    )


def _check_rag(ind: Indicator, year: Year, errors: Collector) -> None:
    """Warn where the officer's rating and the figures disagree: rated green while the figures
    are worse than the target (or, with no target, than last year), or red while they are on
    or better than it. The report prints the officer's rating all the same: the rating is the
    officer's judgement, and only the officer can say which is wrong. Amber and the in-between
    ratings never disagree: they are for figures near the line."""
    rag = ind.rag
    h = headline(ind)
    if rag is None or ind.direction is None or h.period is None:
        return
    p, u = ind.places, ind.unit
    to_date = " to date" if ind.adds_up else ""
    if h.against_target is not None and h.figure is not None:
        word = direction_word(h.against_target, ind.direction, zero="on target")
        than = "its target"
        target = fmt(h.figure - h.against_target, p, u)
        figures = f"{fmt(h.figure, p, u)} against a target of {target}{to_date}"
    elif h.change is not None:
        word = h.word
        than = "last year"
        figures = f"{fmt(h.figure, p, u)} against {fmt(h.last_year, p, u)} last year"
    else:
        return
    if not (
        rag.rating is Rating.GREEN
        and word == "worse"
        or rag.rating is Rating.RED
        and word in {"better", "on target"}
    ):
        return
    said = {"worse": "worse than", "better": "better than", "on target": "on"}[word]
    errors.warn(
        f"{rag.source}: {ind.name!r} is rated {rag.shown} but its figures are {said} {than} "
        f"({span_text(ind, year, h.period)}: {figures}; {direction_text(ind).lower()}); the "
        "report prints the officer's rating as given: check the rating, or the figures"
    )


def _check_this_year(
    d: _Definition,
    row: _Row,
    periods: Sequence[str],
    year: Year,
    errors: Collector,
    found: Collector,
) -> None:
    """This year's figures run without gaps from the first period to the latest."""
    k = latest(values(row.figures) or ())
    if k is None:
        errors.warn(f"{row.source}: {d.name!r} has no figures for {year.label} yet")
        return
    for f, p in zip(row.figures[:k], periods, strict=False):
        if f.value is None:
            found.add(
                InputError(
                    f"this year's figure for {p} is blank but later periods have figures; "
                    "fill it in (0 if there were none)",
                    f.source,
                )
            )


def _check_cumulative(
    row: _Row, this: Sequence[Figure], periods: Sequence[str], found: Collector
) -> None:
    """A typed cumulative row must agree with the running total of this year's figures."""
    computed = cumulative(values(this) or ())
    for i, (typed, want) in enumerate(zip(row.figures, computed, strict=True)):
        if typed.value is None or typed.value == want:
            continue
        span = periods[0] if i == 0 else f"{periods[0]} to {periods[i]}"
        if want is None:
            message = (
                f"the cumulative for {periods[i]} is {_plain(typed.value)} but this year has no "
                f"figure for {span}; delete it (packbuilder computes the cumulative)"
            )
        else:
            message = (
                f"the cumulative for {periods[i]} is {_plain(typed.value)} but this year's "
                f"figures for {span} add up to {_plain(want)}; correct the figures or delete "
                "the Cumulative row (packbuilder computes it)"
            )
        found.add(InputError(message, typed.source))


def _plain(value: Decimal) -> str:
    return f"{value:,}"


# --- presentation: words and numbers as the report prints them -----------------------------------


def fmt(value: Number, places: int = 0, unit: str = "", signed: bool = False) -> str:
    """1,234 / 88% / +12 / -3.5; blank for no figure."""
    if value is None:
        return ""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(q):,.{places}f}"
    sign = "-" if q < 0 else "+" if signed and q > 0 else ""
    return f"{sign}{text}{'%' if unit == '%' else ''}"


def fmt_percent(value: Number) -> str:
    return "" if value is None else f"{'+' if value > 0 else ''}{value}%"


def span_text(ind: Indicator, year: Year, k: int) -> str:
    """The periods up to `k` in words: 'April to November 2016', 'April 2016 to January 2017'.
    For a rate, only period `k`: 'November 2016'."""
    if ind.frequency is Frequency.QUARTERLY:
        q = f"{QUARTERS[k]} {year.label}"
        return q if k == 0 or not ind.adds_up else f"Q1 to {q}"

    def month(i: int) -> str:
        return f"{MONTH_NAMES[i]} {year.start + (1 if i >= 9 else 0)}"

    if not ind.adds_up or k == 0:
        return month(k)
    if k < 9:
        return f"April to {month(k)}"
    return f"{month(0)} to {month(k)}"


def trend_text(ind: Indicator, year: Year) -> str:
    """The trend in words, for the chart's alt text: 'Recorded crime, April to November 2016:
    12,586 crimes this year against 12,016 last year, 4.7% higher (worse).'"""
    h = headline(ind)
    what = "quarterly" if ind.frequency is Frequency.QUARTERLY else "monthly"
    compared = " against last year" if ind.last_year is not None else ""
    intro = f"Line chart of {ind.name}, {what} figures for {year.label}{compared}"
    intro += ", with the target." if ind.target is not None else "."
    if h.period is None:
        return f"{intro} No figures yet this year."
    unit = f" {ind.unit}" if ind.unit and ind.unit != "%" else ""
    figure = fmt(h.figure, ind.places, ind.unit) + unit
    lines = [f"{intro} {span_text(ind, year, h.period)}: {figure} this year"]
    if h.last_year is not None and h.change is not None:
        lines.append(f" against {fmt(h.last_year, ind.places, ind.unit)} last year")
        if h.change == 0:
            lines.append(", no change")
        elif ind.adds_up and h.percent is not None:
            lines.append(f", {abs(h.percent)}% {'higher' if h.change > 0 else 'lower'}")
        else:
            points = " points" if ind.percent else unit
            higher = "higher" if h.change > 0 else "lower"
            lines.append(f", {fmt(abs(h.change), ind.places)}{points} {higher}")
        if h.word and h.word != "no change":
            lines.append(f" ({h.word})")
    if h.against_target is not None:
        gap = h.against_target
        to_date = " to date" if ind.adds_up else ""
        if gap == 0:
            lines.append(f"; on target{to_date}")
        else:
            amount = fmt(abs(gap), ind.places, ind.unit)
            lines.append(f"; {amount} {'above' if gap > 0 else 'below'} target{to_date}")
    return "".join(lines) + "."


def direction_text(ind: Indicator) -> str:
    if ind.direction is Direction.UP:
        return "Higher is better"
    if ind.direction is Direction.DOWN:
        return "Lower is better"
    return "Not judged"


def table_rows(ind: Indicator, year: Year) -> list[dict[str, Any]]:
    """The rows of an indicator's table: typed figures first, then the derived rows."""
    p, u = ind.places, ind.unit
    this = values(ind.this_year) or ()
    last = values(ind.last_year)
    target = values(ind.target)
    rows: list[tuple[str, Sequence[str], bool]] = [(year.label, [fmt(v, p, u) for v in this], True)]
    if last is not None:
        rows.append((year.previous.label, [fmt(v, p, u) for v in last], False))
        diff = change(this, last)
        label = "Change (points)" if ind.percent else "Change on last year"
        rows.append((label, [fmt(v, p, signed=True) for v in diff], False))
        if ind.adds_up:
            pct = percent_changes(this, last)
            rows.append(("Change %", [fmt(v, 1, signed=True) for v in pct], False))
    if ind.adds_up:
        rows.append((f"Cumulative {year.label}", [fmt(v, p) for v in cumulative(this)], True))
        if last is not None:
            rows.append(
                (
                    f"Cumulative {year.previous.label}",
                    [fmt(v, p) for v in cumulative(last)],
                    False,
                )
            )
    if target is not None:
        rows.append(("Target", [fmt(v, p, u) for v in target], False))
        if ind.adds_up:
            rows.append(("Cumulative target", [fmt(v, p) for v in cumulative(target)], False))
        gap = against_target(this, target, ind.adds_up)
        label = (
            "Against target (to date)"
            if ind.adds_up
            else "Against target (points)"
            if ind.percent
            else "Against target"
        )
        rows.append((label, [fmt(v, p, signed=True) for v in gap], False))
    return [{"label": label, "cells": list(cells), "bold": bold} for label, cells, bold in rows]


# --- the template context and the registration -------------------------------------------------
# Everything above is the model, its loader and its derivations; below, the function that turns a
# report into the context of templates/performance-report.docx (charts drawn, numbers formatted),
# which `contexts.template_context` calls, and the loader's registration.


def context(report: PerformanceReport) -> dict[str, Any]:
    from packbuilder.charts import WIDTH_MM, line_chart
    from packbuilder.render import Picture

    year = report.year
    summary = []
    indicators = []
    for ind in report.indicators:
        h = headline(ind)
        this = values(ind.this_year) or ()
        latest_text = span_text(ind, year, h.period) if h.period is not None else "no figures yet"
        summary.append(
            {
                "name": ind.name,
                "monitoring_only": ind.monitoring_only,
                "period": latest_text,
                "figure": fmt(h.figure, ind.places, ind.unit),
                "last_year": fmt(h.last_year, ind.places, ind.unit),
                "change": fmt(h.change, ind.places, signed=True),
                "percent": fmt_percent(h.percent),
                "against_target": fmt(h.against_target, ind.places, signed=True),
                "word": h.word or ("not judged" if ind.direction is None else ""),
                "rag": ind.rag.shown if ind.rag else "",
                "rag_shade": RAG_SHADES[ind.rag.rating] if ind.rag else "FFFFFF",
            }
        )
        chart = line_chart(
            ind.frequency.periods,
            [None if v is None else float(v) for v in this],
            None
            if ind.last_year is None
            else [None if v is None else float(v) for v in values(ind.last_year) or ()],
            None
            if ind.target is None
            else [None if v is None else float(v) for v in values(ind.target) or ()],
            labels=(year.label, year.previous.label),
            unit=ind.unit,
        )
        indicators.append(
            {
                "name": ind.name,
                "monitoring_only": ind.monitoring_only,
                "monthly": ind.frequency is Frequency.MONTHLY,
                "periods": list(ind.frequency.periods),
                "unit": ind.unit,
                "corner": _corner(ind),
                "rag": ind.rag.shown if ind.rag else "",
                "rows": table_rows(ind, year),
                "chart": Picture(chart, WIDTH_MM, trend_text(ind, year)),
                "comment": richtext.blocks(ind.comment),
            }
        )
    return {
        "title": report.title,
        "partnership": report.partnership,
        "year": year.label,
        "last_year": year.previous.label,
        "as_at": _as_at_text(report),
        "introduction": richtext.blocks(report.introduction),
        "summary": summary,
        "rated": any(ind.rag for ind in report.indicators),
        "indicators": indicators,
    }


# pale tints behind the rating's word (never the colour alone): black text on them keeps a
# contrast above 15:1, and on a black and white printout they are light greys the word reads on
RAG_SHADES = {
    Rating.RED: "F4C7C3",
    Rating.RED_AMBER: "F8D7B8",
    Rating.AMBER: "FCE8B2",
    Rating.AMBER_GREEN: "E2EEC0",
    Rating.GREEN: "CDE8CF",
}


def _as_at_text(report: PerformanceReport) -> str:
    """'30 November 2016', or 'November 2016' for a month."""
    if report.as_at is None:
        return ""
    return f"{report.as_at:%B %Y}" if not report.as_at_day else dates.short_date(report.as_at)


def _corner(ind: Indicator) -> str:
    """What the figures count and which way is good, for the table's top left cell:
    'Crimes: lower is better'."""
    unit = "Percentage" if ind.percent else ind.unit[:1].upper() + ind.unit[1:] or "Figures"
    return f"{unit}: {direction_text(ind).lower()}"


@register("performance-report")
def load_performance_report(wb: sheets.Workbook, rule: str = "england") -> Loaded:
    report, warnings = load_report(wb)
    return Loaded(report, title=report.title, warnings=tuple(warnings))
