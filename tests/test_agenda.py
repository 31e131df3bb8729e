"""Agenda rows as real agendas write them (issue 13): headings, breaks, time ranges, notes, carried
actions, item numbers checked, the agenda settings. Expected values are worked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packbuilder import agenda, frontsheet
from packbuilder.errors import ErrorList, PackError, Source
from packbuilder.layout import lay_out
from packbuilder.meeting import load_meeting
from packbuilder.model import (
    AgendaBreak,
    AgendaHeading,
    AgendaItem,
    AgendaStyle,
    Status,
    Timing,
)
from packbuilder.plan import plan_packs
from packbuilder.sheets import Cell
from tests.factory import AGENDA_HEADER, make_meeting

ROOT = Path(__file__).resolve().parent.parent
WITH_NOTES = [*AGENDA_HEADER, "Notes"]
WITH_KIND = ["Kind", *AGENDA_HEADER, "Notes"]
T = dt.time


def messages(exc: PackError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, ErrorList) else [exc])]


def load_error(tmp_path, items, **kw) -> list[str]:
    folder = make_meeting(tmp_path / "m", items=items, **kw)
    with pytest.raises(PackError) as info:
        load_meeting(folder)
    return messages(info.value)


# --- rows --------------------------------------------------------------------------------------


def test_headings_and_breaks_without_a_kind_column(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 1, "title": "Welcome", "time": "10.00-10.05"},
            {"item": None, "title": "Agenda Items for Discussion:"},
            {"item": 2, "title": "Development", "papers": ["dev.pdf"], "time": 30},
            {"item": None, "title": "BREAK – if required"},
            {"item": None, "title": "Part II: items not for publication"},
            {"item": 3, "title": "Contract", "papers": ["c.pdf"], "exempt paragraph": 3},
        ],
        papers={"dev.pdf": 2, "c.pdf": 1},
    )
    meeting = load_meeting(folder)
    kinds = [type(r).__name__ for r in meeting.rows]
    assert kinds == [
        "AgendaItem",
        "AgendaHeading",
        "AgendaItem",
        "AgendaBreak",
        "AgendaHeading",
        "AgendaItem",
    ]
    assert [i.number for i in meeting.items] == ["1", "2", "3"]  # headings are never items
    assert meeting.rows[1].title == "Agenda Items for Discussion:"
    assert meeting.rows[3].title == "BREAK – if required"
    assert meeting.rows[1].source.cell == "B3"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("heading", AgendaHeading),
        ("Section", AgendaHeading),
        ("break", AgendaBreak),
        ("item", AgendaItem),
        ("", AgendaItem),
    ],
)
def test_kind_column(tmp_path, kind, expected):
    number = 1 if expected is AgendaItem else None
    folder = make_meeting(
        tmp_path / "m",
        items=[{"item": 1, "title": "First"}, {"kind": kind, "item": number, "title": "Row"}],
        header=WITH_KIND,
    )
    if expected is AgendaItem:
        folder = make_meeting(
            tmp_path / "m",
            items=[{"item": 1, "title": "First"}, {"kind": kind, "item": 2, "title": "Row"}],
            header=WITH_KIND,
        )
    assert isinstance(load_meeting(folder).rows[1], expected)


@pytest.mark.parametrize(
    ("row", "cell", "words"),
    [
        ({"kind": "sub-heading", "title": "X"}, "A3", "Kind 'sub-heading' is not one of"),
        ({"kind": "heading", "item": 2, "title": "X"}, "B3", "a heading has no item number"),
        ({"kind": "break", "item": 2, "title": "X"}, "B3", "a break has no item number"),
    ],
)
def test_kind_column_errors(tmp_path, row, cell, words):
    errors = load_error(tmp_path, [{"title": "First"}, {"item": None, **row}], header=WITH_KIND)
    assert len(errors) == 1
    assert f"sheet Agenda, cell {cell}" in errors[0]
    assert words in errors[0]


@pytest.mark.parametrize(
    ("row", "cell", "column"),
    [
        ({"papers": ["a.pdf"]}, "F3", "Papers"),
        ({"status": "verbal"}, "G3", "Status"),
        ({"lead": "AB"}, "C3", "Lead"),
        ({"exempt paragraph": 3}, "H3", "Exempt Paragraph"),
    ],
)
def test_a_heading_with_item_cells_is_refused(tmp_path, row, cell, column):
    errors = load_error(
        tmp_path,
        [{"title": "First"}, {"item": None, "title": "Briefings", **row}],
        papers={"a.pdf": 1},
    )
    assert errors == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell {cell}: this row is a heading (no "
        f"item number) but has {column} filled in; number the item in Item, or clear the cell"
    ]


def test_a_break_may_have_a_time_but_no_papers(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "First"}, {"item": None, "title": "Lunch", "time allowed": "12.30-1pm"}],
    )
    row = load_meeting(folder).rows[1]
    assert isinstance(row, AgendaBreak)
    assert (row.timing.start, row.timing.end) == (T(12, 30), T(13, 0))
    errors = load_error(
        tmp_path,
        [{"title": "First"}, {"item": None, "title": "Break", "papers": ["a.pdf"]}],
        papers={"a.pdf": 1},
    )
    assert "cell F3: this row is a break" in errors[0]


# --- item numbers and titles -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (1, "1"),
        (4.0, "4"),
        ("4a", "4a"),
        ("4(a)", "4(a)"),
        ("4.1", "4.1"),
        ("A1", "A1"),
        ("12.", "12"),
        (" 7 ", "7"),
    ],
)
def test_item_numbers_accepted(tmp_path, typed, number):
    folder = make_meeting(tmp_path / "m", items=[{"item": typed, "title": "T"}])
    assert load_meeting(folder).items[0].number == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "Agenda Items for Discussion:",
            "'Agenda Items for Discussion:' in the Item column is not an item number; for a "
            "section heading leave Item blank and put the heading in Title (or set Kind to "
            "heading)",
        ),
        ("AOB", "'AOB' in the Item column is not an item number"),
        (
            "5 (a)",
            "'5 (a)' in the Item column is not an item number as packbuilder reads them (4, 4a, "
            "4(a), 4.1: no spaces or words); type '5(a)'",
        ),
        ("Item 6", "'Item 6' in the Item column is not an item number as packbuilder reads"),
        # sub-items lettered as a printed agenda sets them, under their item
        (
            "(a)",
            "'(a)' in the Item column is a sub-item without its item's number; number it with "
            "its item's, as 4(a) or 4a under item 4, so that its papers are stamped and its "
            "times kept within the item: type the item's number before '(a)'",
        ),
        ("b)", "'b)' in the Item column is a sub-item without its item's number"),
        ("(ii)", "'(ii)' in the Item column is a sub-item without its item's number"),
        ("iv.", "'iv.' in the Item column is a sub-item without its item's number"),
        ("Agenda item 7.", "'Agenda item 7.' in the Item column is not an item number as"),
        (True, "TRUE is not an item number; type the item's number (1, 2, 4a)"),
        (False, "FALSE is not an item number"),
        (
            "#SPILL!",
            "the cell shows the spreadsheet error #SPILL!, not an item number; fix the formula "
            "or type the number",
        ),
        ("#CALC!", "the cell shows the spreadsheet error #CALC!, not an item number"),
        ("#REF!", "the cell shows the spreadsheet error #REF!; fix the formula"),
    ],
)
def test_item_numbers_refused_with_their_cell(tmp_path, typed, message):
    errors = load_error(tmp_path, [{"title": "First"}, {"item": typed, "title": "Second"}])
    assert len(errors) == 1
    assert f"meeting.xlsx, sheet Agenda, cell A3: {message}" in errors[0]
    if isinstance(typed, str) and typed.lower().startswith(("item ", "agenda item ")):
        assert errors[0].endswith(f"type '{typed.split()[-1].rstrip('.')}'")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (True, "TRUE is not a title; type the words to show"),
        ("#SPILL!", "the cell shows the spreadsheet error #SPILL!, not a title"),
        ("#N/A", "the cell shows the spreadsheet error #N/A"),
    ],
)
def test_titles_refused_with_their_cell(tmp_path, typed, message):
    errors = load_error(tmp_path, [{"item": 1, "title": typed}])
    assert len(errors) == 1
    assert f"sheet Agenda, cell B2: {message}" in errors[0]


def test_a_heading_typed_in_item_is_an_error_of_check(tmp_path):
    from packbuilder.check import check_meeting

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 1, "title": "Welcome"},
            {"item": "Agenda Items for Discussion:", "title": None},
        ],
    )
    problems, summary = check_meeting(folder)
    assert summary == []
    (lines,) = problems.values()
    assert any("cell A3" in line and "is not an item number" in line for line in lines)


def test_check_shows_the_warnings_found_beside_the_problems(tmp_path):
    """Fixing the problems must not bring new surprises: what the papers and the workbook
    warn about is listed with the errors."""
    from openpyxl import load_workbook

    from packbuilder.check import check_meeting

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 1, "title": "Welcome"},
            {"item": 2, "title": "Report", "papers": ["r.pdf"]},
        ],
    )
    wb = load_workbook(folder / "meeting.xlsx")
    wb["Agenda"].row_dimensions[2].hidden = True
    wb.save(folder / "meeting.xlsx")
    problems, summary = check_meeting(folder)
    (lines,) = problems.values()
    assert any("'r.pdf' of item 2 is not in the meeting folder" in line for line in lines)
    assert any(w.startswith("warning: ") and "row 2 is hidden" in w for w in summary), summary


@pytest.mark.parametrize(
    "suffix, size, named",
    [
        (".docx", (215.9, 279.4), "US Letter"),
        (".docx", (279.4, 215.9), "US Letter"),  # landscape
        (".docx", (210, 297), ""),
        (".docx", (297, 210), ""),  # A4 landscape
        (".docx", (297, 420), "A3"),
        (".docx", (100, 150), "a 100 x 150 mm"),
        (".odt", (215.9, 279.4), "US Letter"),
        (".odt", (210, 297), ""),
        (".rtf", (215.9, 279.4), "US Letter"),
        (".rtf", (210, 297), ""),
    ],
)
def test_a_word_paper_not_set_for_a4_is_named(tmp_path, suffix, size, named):
    """A pack is A4; a paper set for US Letter (python-docx's and American templates' default)
    goes in at its own size, so a printed pack mixes paper sizes: a warning says so."""
    import zipfile

    from packbuilder.meeting import page_size_not_a4

    path = tmp_path / f"paper{suffix}"
    w, h = size
    if suffix == ".docx":
        from docx import Document
        from docx.shared import Mm

        doc = Document()
        doc.sections[0].page_width, doc.sections[0].page_height = Mm(w), Mm(h)
        doc.save(path)
    elif suffix == ".odt":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr(
                "styles.xml",
                f'<office:document-styles><style:page-layout-properties fo:page-width="{w / 10}cm"'
                f' fo:page-height="{h / 10}cm"/></office:document-styles>',
            )
    else:
        twips = (round(w / 25.4 * 1440), round(h / 25.4 * 1440))
        path.write_bytes(b"{\\rtf1\\ansi\\paperw%d\\paperh%d Hello}" % twips)
    assert page_size_not_a4(path) == named


def test_the_warning_names_the_paper_and_what_to_do(tmp_path):
    from docx import Document

    from packbuilder.meeting import load_meeting

    folder = make_meeting(tmp_path / "m", items=[{"item": 1, "title": "R", "papers": ["r.docx"]}])
    Document().save(folder / "r.docx")  # python-docx's own template: US Letter
    warnings = load_meeting(folder).warnings()
    assert any(
        w.startswith("r.docx: is set for US Letter paper, not A4") and "Layout, Size" in w
        for w in warnings
    ), warnings


# --- times -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("10.00-10.05", T(10, 0), T(10, 5)),
        ("12.30 – 1pm", T(12, 30), T(13, 0)),
        ("10am to 11.30am", T(10, 0), T(11, 30)),
        ("2 - 3.15pm", T(14, 0), T(15, 15)),
        ("11 - 1pm", T(11, 0), T(13, 0)),
        ("11am - 1", T(11, 0), T(13, 0)),
        ("11-1", T(11, 0), T(13, 0)),
        ("1.30-2.30", T(13, 30), T(14, 30)),
        ("10:15 — 12:30", T(10, 15), T(12, 30)),
        ("9.45 a.m. - 10.15 a.m.", T(9, 45), T(10, 15)),
        ("18.00-19.30", T(18, 0), T(19, 30)),
    ],
)
def test_time_ranges_worked_by_hand(text, start, end):
    assert agenda.parse_range(text) == (start, end)


@pytest.mark.parametrize("text", ["15", "N/a", "10.00", "soon", "10.00-"])
def test_not_a_range(text):
    assert agenda.parse_range(text) is None


@pytest.mark.parametrize("text", ["10.75-11", "11-10am", "13pm-2pm", "10.30-10.30"])
def test_impossible_ranges(text):
    with pytest.raises(ValueError):
        agenda.parse_range(text)


def _twelve(t: dt.time) -> tuple[str, str]:
    hour = t.hour % 12 or 12
    return f"{hour}.{t.minute:02d}", "am" if t.hour < 12 else "pm"


times = st.builds(T, st.integers(0, 23), st.integers(0, 59))
day_times = st.builds(T, st.integers(8, 23), st.integers(0, 59))


@given(times, times)
def test_ranges_with_am_and_pm_on_both_ends(a, b):
    if a >= b:
        return
    (ta, sa), (tb, sb) = _twelve(a), _twelve(b)
    assert agenda.parse_range(f"{ta}{sa} - {tb}{sb}") == (a, b)


@given(day_times, day_times)
def test_ranges_on_the_24_hour_clock_from_8_am(a, b):
    if a >= b:
        return
    assert agenda.parse_range(f"{a.hour}.{a.minute:02d}-{b.hour}.{b.minute:02d}") == (a, b)


@given(times, times)
def test_a_start_without_am_pm_takes_the_ends(a, b):
    if a >= b or (a.hour < 12) != (b.hour < 12):
        return
    (ta, _), (tb, sb) = _twelve(a), _twelve(b)
    assert agenda.parse_range(f"{ta} – {tb}{sb}") == (a, b)


def _cell(value):  # type: ignore[no-untyped-def]
    return Cell(value, Source(Path("meeting.xlsx"), "Agenda", "E5"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Timing()),
        (15, Timing(minutes=15)),
        (15.0, Timing(minutes=15)),
        ("15 mins", Timing(minutes=15)),
        ("20m", Timing(minutes=20)),
        ("10.00-10.05", Timing(start=T(10, 0), end=T(10, 5))),
        (T(10, 15), Timing(start=T(10, 15))),
        (0.4375, Timing(start=T(10, 30))),  # Excel's fraction of a day
        ("10:15", Timing(start=T(10, 15))),
        ("N/a", Timing(text="N/a")),
        ("if required", Timing(text="if required")),
        # as agendas write a length (seed 000: "(LG 30 mins)"), and the table's "Time (approx.)"
        ("(10 mins)", Timing(minutes=10)),
        ("10 mins approx.", Timing(minutes=10)),
        ("approx. 20 mins", Timing(minutes=20)),
        ("(approx 20 mins)", Timing(minutes=20)),
        ("1 hour", Timing(minutes=60)),
        ("1 hr", Timing(minutes=60)),
        ("2hrs", Timing(minutes=120)),
        ("1.5 hours", Timing(minutes=90)),
        ("1½ hours", Timing(minutes=90)),
        ("½ hour", Timing(minutes=30)),
        ("1 hour 30 mins", Timing(minutes=90)),
        ("1 hr and 15 minutes", Timing(minutes=75)),
        ("(10.00-10.15)", Timing(start=T(10, 0), end=T(10, 15))),
        ("approx. 10.00 - 10.15", Timing(start=T(10, 0), end=T(10, 15))),
        ("(if required)", Timing(text="(if required)")),
        # noon as agendas write it (refused: "expected minutes ...")
        ("11.30 - 12 noon", Timing(start=T(11, 30), end=T(12))),
        ("12 noon", Timing(start=T(12))),
        ("Noon - 12.30", Timing(start=T(12), end=T(12, 30))),
        # a start alone, as a range reads it: 1 to 7 o'clock without am or pm are the afternoon
        # ("1.30" was 1.30 am, while "1.30-2" was 1.30 pm)
        ("1.30", Timing(start=T(13, 30))),
        ("2:15", Timing(start=T(14, 15))),
        ("07:30", Timing(start=T(7, 30))),
        ("9.45", Timing(start=T(9, 45))),
        ("1.30am", Timing(start=T(1, 30))),
    ],
)
def test_time_cells(value, expected):
    assert agenda.timing(_cell(value)) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("about 5", "expected minutes (15, 1 hour), a time range (10.00-10.15, 12.30 - 1pm) or a"),
        ("approx 5", "got 'approx 5'"),  # five minutes, or five o'clock?
        ("1.30 hours", "got '1.30 hours'"),  # 1 hour 18, or 1 hour 30?
        ("0 hours", "got '0 hours'"),
        ("a quarter of an hour", "got 'a quarter of an hour'"),
        (True, "got TRUE"),
        ("11-10am", "'11-10am' ends before it starts; write minutes (15, 1 hour)"),
        (2.5, "got 2.5"),
    ],
)
def test_time_cells_refused(value, words):
    with pytest.raises(PackError) as info:
        agenda.timing(_cell(value))
    assert str(info.value).startswith("meeting.xlsx, sheet Agenda, cell E5: ")
    assert words in str(info.value)


def _item(number: str, timing: Timing | None = None) -> AgendaItem:
    timing = timing or Timing()
    return AgendaItem(
        number,
        f"Item {number}",
        "",
        "",
        timing.minutes,
        (),
        Status.PAPERS,
        None,
        None,
        Source(Path("meeting.xlsx"), "Agenda", f"A{number}"),
        timing=timing,
    )


def test_the_running_clock_worked_by_hand():
    src = Source(Path("meeting.xlsx"), "Agenda", "B9")
    rows = [
        _item("1", Timing(minutes=10)),
        AgendaHeading("Discussion", src),
        AgendaBreak("Break - if required", Timing(), src),
        _item("2", Timing(start=T(10, 30), end=T(11, 0))),
        _item("3", Timing(minutes=15)),
        AgendaBreak("Lunch", Timing(minutes=30), src),
        _item("4"),  # no time: its start is known, its end is not
        _item("5", Timing(minutes=5)),
        _item("6", Timing(text="N/a")),
    ]
    assert agenda.schedule(rows, T(10, 0)) == [
        (T(10, 0), T(10, 10)),
        (None, None),
        (None, None),
        (T(10, 30), T(11, 0)),
        (T(11, 0), T(11, 15)),
        (T(11, 15), T(11, 45)),
        (T(11, 45), None),
        (None, None),
        (None, None),
    ]


def _break(title: str, timing: Timing | None = None) -> AgendaBreak:
    return AgendaBreak(title, timing or Timing(), Source(Path("meeting.xlsx"), "Agenda", "B9"))


@pytest.mark.parametrize(
    ("number", "parent"),
    [
        ("4a", "4"),
        ("4(a)", "4"),
        ("4.1", "4"),
        ("4-2", "4"),
        ("4/1", "4"),
        ("4.a", "4"),
        ("12b", "12"),
        ("4a(i)", "4a"),
        ("4.1.2", "4.1"),
        ("A1a", "A1"),
        ("4", None),
        ("12", None),  # item 12, not 1's second part
        ("41", None),
        ("A1", None),  # Part A's item 1
        ("AB12", None),
    ],
)
def test_the_item_a_sub_item_belongs_to(number, parent):
    assert agenda.parent_number(number) == parent


def test_sub_items_are_timed_within_their_item_worked_by_hand():
    """Seed 000's "(LG 30 mins)" for an item of two papers, written as sub-items: the 30 minutes
    are the item's, its sub-items share them, and the next item starts when they are up."""
    rows = [
        _item("1", Timing(minutes=10)),
        _item("2", Timing(minutes=30)),  # 10.10-10.40, whatever its sub-items take
        _item("2a", Timing(minutes=20)),
        _item("2b", Timing(minutes=10)),
        _item("3"),  # no time of its own: its sub-items' time
        _item("3(a)", Timing(minutes=5)),
        _item("3(b)", Timing(minutes=10)),
        _item("4", Timing(start=T(11, 0), end=T(11, 30))),  # a range: sub-items from its start
        _item("4.1"),  # no time: part of the item's, shown none
        _item("4.2", Timing(minutes=10)),  # after a sub-item of unknown length: unknown
        _item("5", Timing(minutes=5)),
    ]
    assert agenda.schedule(rows, T(10, 0)) == [
        (T(10, 0), T(10, 10)),
        (T(10, 10), T(10, 40)),
        (T(10, 10), T(10, 30)),
        (T(10, 30), T(10, 40)),
        (T(10, 40), T(10, 55)),
        (T(10, 40), T(10, 45)),
        (T(10, 45), T(10, 55)),
        (T(11, 0), T(11, 30)),
        (None, None),
        (None, None),
        (T(11, 30), T(11, 35)),
    ]


@given(
    st.lists(
        st.tuples(st.integers(0, 90), st.lists(st.integers(0, 60), max_size=4)),
        min_size=1,
        max_size=8,
    )
)
def test_sub_items_never_move_the_items_after_their_item(plan):
    """Whatever its sub-items take, an item given minutes ends when they are up: the agenda
    without the sub-items keeps every item's time, and each sub-item starts within its item."""
    whole, items = [], []
    for n, (minutes, subs) in enumerate(plan, 1):
        items.append(_item(str(n), Timing(minutes=minutes)))
        whole.append(items[-1])
        whole += [_item(f"{n}.{k}", Timing(minutes=m)) for k, m in enumerate(subs, 1)]
    times = dict(zip(map(id, whole), agenda.schedule(whole, T(9, 0)), strict=True))
    assert [times[id(i)] for i in items] == agenda.schedule(items, T(9, 0))
    for row in whole:
        parent = agenda.parent_number(row.number)
        if parent is not None:
            (item,) = [i for i in items if i.number == parent]
            assert times[id(row)][0] is not None and times[id(item)][0] is not None
            assert times[id(row)][0] >= times[id(item)][0]


def test_a_sub_item_needs_its_item_just_above_it():
    """Some agendas number items 3, 4a, 4b, 5: without an item 4, "4a" is an item of its own; and
    a heading or a break ends an item, so "2a" after one is an item of its own too."""
    rows = [
        _item("3", Timing(minutes=10)),
        _item("4a", Timing(minutes=10)),
        _item("4b", Timing(minutes=10)),
        _item("5", Timing(minutes=30)),
        _break("Break", Timing(minutes=15)),
        _item("5a", Timing(minutes=10)),
    ]
    assert agenda.schedule(rows, T(10, 0)) == [
        (T(10, 0), T(10, 10)),
        (T(10, 10), T(10, 20)),
        (T(10, 20), T(10, 30)),
        (T(10, 30), T(11, 0)),
        (T(11, 0), T(11, 15)),
        (T(11, 15), T(11, 25)),
    ]


def test_a_break_after_sub_items_starts_when_their_item_ends():
    rows = [
        _item("1", Timing(minutes=30)),
        _item("1a", Timing(minutes=10)),
        _break("Comfort break", Timing(minutes=10)),
        _item("2", Timing(minutes=10)),
    ]
    assert agenda.schedule(rows, T(10, 0))[2:] == [(T(10, 30), T(10, 40)), (T(10, 40), T(10, 50))]


SUB_ITEMS = [
    {"item": "4", "title": "Commissioning", "time allowed": 30},
    {"item": "4a", "title": "Plan 2020/21", "time allowed": 20},
    {"item": "4b", "title": "Evaluation 2018/19", "time allowed": 20},
    {"item": "5", "title": "AOB", "time allowed": 10},
]


def test_sub_items_that_take_more_than_their_items_time_are_pointed_out(tmp_path):
    folder = make_meeting(tmp_path / "m", items=SUB_ITEMS, fields={"Start time": T(13, 0)})
    meeting = load_meeting(folder)
    said = [w for w in meeting.warnings() if "sub-items" in w]
    assert said == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell E4: item 4b runs to 1.40 pm, "
        "past the end of item 4's time (1.30 pm), which its sub-items share; shorten the "
        "sub-items' times or give item 4 more"
    ]
    # and item 5 starts when item 4's half hour is up
    assert frontsheet.item_times(meeting) == {
        "4": "1 pm",
        "4a": "1 pm",
        "4b": "1.20 pm",
        "5": "1.30 pm",
    }


def test_sub_items_within_their_items_time_say_nothing(tmp_path):
    items = [dict(row) for row in SUB_ITEMS]
    items[2]["time allowed"] = 10
    folder = make_meeting(tmp_path / "m", items=items, fields={"Start time": T(13, 0)})
    assert not [w for w in load_meeting(folder).warnings() if "timed from" in w or "sub-" in w]


@pytest.mark.parametrize(
    ("times", "cell", "said"),
    [
        # minutes then a range that starts before they are up
        (
            [15, "10.10-10.30"],
            "E3",
            "item 2 is timed from 10.10 am, but item 1 above it runs to 10.15 am (its time in "
            "cell E2)",
        ),
        # two ranges that overlap
        (
            ["10.00-10.30", "10.15-10.45"],
            "E3",
            "item 2 is timed from 10.15 am, but item 1 above it runs to 10.30 am (its time in "
            "cell E2)",
        ),
        # a start time alone
        (
            ["10.00-10.30", "10:20"],
            "E3",
            "item 2 is timed from 10.20 am, but item 1 above it runs to 10.30 am (its time in "
            "cell E2)",
        ),
    ],
)
def test_a_time_that_starts_before_the_row_above_ends_is_pointed_out(tmp_path, times, cell, said):
    """The agenda prints the time typed (what the advisor meant), and says which cells disagree."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": f"Item {n}", "time allowed": t} for n, t in enumerate(times, 1)],
        fields={"Start time": T(10, 0)},
    )
    meeting = load_meeting(folder)
    warnings = [w for w in meeting.warnings() if "timed from" in w]
    assert warnings == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell {cell}: {said}; the agenda shows "
        "the time typed: correct whichever of the two is wrong"
    ]
    start, _end = agenda.schedule(meeting.agenda_rows, T(10, 0))[1]
    assert start == meeting.items[1].timing.start  # the time typed, not the clock's


def test_a_sub_item_timed_before_its_item_starts_is_pointed_out(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": "1", "title": "Minutes", "time allowed": 10},
            {"item": "2", "title": "Plans", "time allowed": "10.10-10.40"},
            {"item": "2a", "title": "One plan", "time allowed": "10.00-10.20"},
        ],
        fields={"Start time": T(10, 0)},
    )
    (said,) = [w for w in load_meeting(folder).warnings() if "timed from" in w]
    assert said.endswith(
        "cell E4: item 2a is timed from 10 am, before item 2 starts at 10.10 am (its time in cell "
        "E3), and a sub-item is part of its item's time; the agenda shows the time typed: correct "
        "whichever of the two is wrong"
    )


@pytest.mark.parametrize(
    "times",
    [
        [15, "10.15-10.30"],  # starts as the one above ends
        [15, "10.30-11.00"],  # a gap: fine
        ["10.00-10.30", "if required", "10.30-10.45"],  # the clock stopped: nothing to compare
        [None, "10.00-10.30"],  # the first item's length unknown
    ],
)
def test_times_in_order_say_nothing(tmp_path, times):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": f"Item {n}", "time allowed": t} for n, t in enumerate(times, 1)],
        fields={"Start time": T(10, 0)},
    )
    assert not [w for w in load_meeting(folder).warnings() if "timed from" in w]


@pytest.mark.parametrize(
    ("end", "warned"),
    [("11:00", True), ("11:15", False), (None, False)],
)
def test_a_warning_when_timings_run_past_the_end(tmp_path, end, warned):
    fields = {"Start time": T(10, 0)} | ({"End time": end} if end else {})
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "A", "time allowed": 30},
            {"item": None, "title": "BREAK"},
            {"item": 2, "title": "B", "time allowed": "10.30-11.15"},
        ],
        fields=fields,
    )
    warnings = load_meeting(folder).warnings()
    expected = (
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell A4: the agenda's timings run past "
        "the meeting's end time of 11 am from item 2 (to 11.15 am); shorten the times or change "
        "End time in sheet Meeting"
    )
    assert (expected in warnings) is warned


def test_the_overrun_warning_says_when_the_agenda_really_ends(tmp_path):
    """The first item past the end is named, and so is the end of the last one (a new user read
    "run to 3.40 pm (item 10)" as the agenda's end when it ran to 4.05 pm)."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "A", "time allowed": 30},
            {"title": "B", "time allowed": 30},
            {"title": "C", "time allowed": 25},
        ],
        fields={"Start time": T(10, 0), "End time": T(10, 45)},
    )
    (warning,) = [w for w in load_meeting(folder).warnings() if "end time" in w]
    assert "from item 2 (to 11 am), and they end at 11.25 am" in warning


def test_a_warning_when_an_item_starts_before_the_meeting(tmp_path):
    """ "10.00" typed for an item of a 1 pm meeting: shown as typed, and pointed out."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "A", "time allowed": "10:00"}, {"item": 2, "title": "B"}],
        fields={"Start time": T(13, 0)},
    )
    warnings = [w for w in load_meeting(folder).warnings() if "before the meeting" in w]
    assert warnings == [  # the cell to correct: the Time cell (E), not the item's number
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell E2: item 1 starts at 10 am, "
        "before the meeting's start time of 1 pm; correct the time, or Start time in sheet Meeting"
    ]


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (T(10, 0), T(10, 5), "10.00–10.05 am"),
        (T(12, 30), T(13, 0), "12.30–1 pm"),
        (T(11, 30), T(13, 0), "11.30 am–1 pm"),
        (T(14, 0), T(15, 15), "2.00–3.15 pm"),
    ],
)
def test_clock_ranges(start, end, text):
    assert agenda.clock_range(start, end) == text


# --- actions carried forward -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "open_"),
    [
        ("", True),
        ("Open", True),
        ("In progress", True),
        ("Done", False),
        ("complete", False),
        ("Completed", False),
        ("CLOSED", False),
        ("✓", False),
        ("yes", False),
    ],
)
def test_which_actions_are_open(status, open_):
    assert agenda.is_open(status) is open_


def test_the_open_actions_of_the_minutes_are_carried_onto_the_agenda():
    meeting = load_meeting(ROOT / "inputs" / "2016-05-26-safer-plymouth")
    item = next(i for i in meeting.items if i.number == "3")
    notes = agenda.item_notes(item, public=True)
    # the minutes hold three actions; two are Done, one is Open
    assert [(b.text, b.bullet) for b in notes] == [
        ("Actions to be carried forward:", False),
        (
            "Further paper on the development of Safer Plymouth Partnership, building on today's "
            "paper and progressing the outcomes framework (Pete Aley, by 26 May 2016)",
            True,
        ),
    ]


def test_notes_come_from_the_notes_cell(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Dates", "notes": "All on Thursdays.\n- 21 July 2016\n- 6 April 2017"}],
        header=WITH_NOTES,
    )
    item = load_meeting(folder).items[0]
    assert [(b.text, b.bullet) for b in item.notes] == [
        ("All on Thursdays.", False),
        ("21 July 2016", True),
        ("6 April 2017", True),
    ]


def test_an_exempt_items_notes_are_for_the_private_pack_only(tmp_path):
    """Notes are free text about the business: an exempt item's (a bidder's name, a price) are
    printed in the private pack, never in a public one; a public item's in both."""
    from packbuilder.agenda import item_notes

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Budget", "notes": "Figures to the end of January"},
            {
                "title": "Contract award",
                "notes": "Preferred bidder Acme Ltd at 12,345 pounds",
                "exempt paragraph": 3,
            },
        ],
        header=WITH_NOTES,
    )
    public_item, exempt_item = load_meeting(folder).items
    assert [b.text for b in item_notes(public_item, public=True)] == [
        "Figures to the end of January"
    ]
    assert item_notes(exempt_item, public=True) == []
    assert [b.text for b in item_notes(exempt_item, public=False)] == [
        "Preferred bidder Acme Ltd at 12,345 pounds"
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "Part II: items not for publication",
        "PART 2 - CONFIDENTIAL BUSINESS",
        "Exempt information",
        "Items not for publication",
        "Exclusion of the press and public",
        "Private session",
    ],
)
def test_an_item_under_a_part_two_heading_must_be_exempt(tmp_path, heading):
    """The advisor who puts an item under "Part II" means it as exempt business; with no
    paragraph its papers would be published. Refused, naming the item and the heading; the
    heading holds until one says public business resumes (tests/test_exemption.py)."""
    items = [
        {"item": 1, "title": "Minutes", "papers": ["a.pdf"]},
        {"item": None, "title": heading},
        {"item": 2, "title": "Contract award", "papers": ["b.pdf"]},
        {"item": 3, "title": "Tender appeal", "papers": ["c.pdf"], "exempt paragraph": 3},
        {"item": None, "title": "Part I: public business"},
        {"item": 4, "title": "Dates of future meetings"},
    ]
    errors = load_error(tmp_path, items, papers={"a.pdf": 1, "b.pdf": 1, "c.pdf": 1})
    assert len(errors) == 1, errors
    assert "sheet Agenda, cell A4: item 2 is under the heading" in errors[0]
    assert (
        f"{heading!r} but has no exempt paragraph, so its papers would be published" in (errors[0])
    )


def test_headings_that_only_look_like_part_two_do_not_refuse(tmp_path):
    items = [
        {"item": None, "title": "Partnership business"},
        {"item": 1, "title": "Private sector housing", "papers": ["a.pdf"]},
        {"item": None, "title": "Part I: open business"},
        {"item": 2, "title": "Budget"},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1})
    assert [i.number for i in load_meeting(folder).items] == ["1", "2"]


# --- settings ------------------------------------------------------------------------------------


def test_default_settings_keep_the_modern_gov_list(tmp_path):
    meeting = load_meeting(make_meeting(tmp_path / "m", items=[{"title": "A"}]))
    assert meeting.agenda.style is AgendaStyle.LIST
    assert meeting.agenda.ranges_include_fillers is True
    assert meeting.agenda.paperwork_marker is False
    assert meeting.agenda.lead_heading == "Lead"
    assert "agenda style" not in {k.lower() for k in meeting.extra}


def test_table_style_settings(tmp_path):
    fields = {"Agenda style": "Table", "Page ranges": "papers only", "Decision heading": "Ask"}
    meeting = load_meeting(make_meeting(tmp_path / "m", items=[{"title": "A"}], fields=fields))
    assert meeting.agenda.style is AgendaStyle.TABLE
    assert meeting.agenda.ranges_include_fillers is False
    assert meeting.agenda.paperwork_marker is True  # the table style's default
    assert (meeting.agenda.lead_heading, meeting.agenda.purpose_heading) == ("Who", "Ask")
    assert meeting.extra == {}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("Agenda style", "grid", "'grid' is not one of: list, modern.gov, table, tabular"),
        ("Page ranges", "short", "'short' is not one of: with fillers"),
        ("Paperwork marker", "maybe", "Paperwork marker: expected 'yes', 'no' or blank"),
    ],
)
def test_bad_settings_are_located(tmp_path, field, value, words):
    errors = load_error(tmp_path, [{"title": "A"}], fields={field: value})
    assert len(errors) == 1
    assert "meeting.xlsx, sheet Meeting, cell B" in errors[0]
    assert words in errors[0]


# --- supplements of exempt papers only ---------------------------------------------------------


@pytest.mark.parametrize(
    ("late", "supplement_items", "withheld"),
    [
        # only the exempt paper arrived: the public supplement names it, carries nothing
        ([], "", "2"),
        # a public paper and an exempt one: both said
        (["Late"], "1", "2"),
    ],
)
def test_a_public_supplement_says_which_papers_went_to_members_only(
    tmp_path, late, supplement_items, withheld
):
    items = [{"item": 1, "title": t, "papers": ["l.pdf"], "status": "to follow"} for t in late]
    items.append(
        {
            "item": 2,
            "title": "Tender",
            "papers": ["t.pdf"],
            "status": "to follow",
            "exempt paragraph": 3,
        }
    )
    folder = make_meeting(tmp_path / "m", items=items, papers={"l.pdf": 1, "t.pdf": 2})
    meeting = load_meeting(folder)
    specs = [s for s in plan_packs(meeting) if s.is_supplement]
    assert [s.label for s in specs] == ["Supplement 1 (public)", "Supplement 1 (private)"]
    public, private = (
        frontsheet.context(meeting, s, lay_out([(i.number, [1]) for i in s.included]), "")
        for s in specs
    )
    assert (public["supplement_items"], public["withheld_items"]) == (supplement_items, withheld)
    # the private one carries the exempt papers: nothing is withheld from members
    assert private["withheld_items"] == ""
    assert private["supplement_items"] == ("1 and 2" if late else "2")


# --- the frontsheet's rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        ("with fillers", ["(Pages 1 - 4)", "(Pages 5 - 6)"]),
        ("papers only", ["(Pages 1 - 3)", "(Pages 5 - 6)"]),
    ],
)
def test_frontsheet_rows(tmp_path, ranges, expected):
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["a.pdf"], "time allowed": "10.00-10.10"},
            {"item": None, "title": "Agenda Items for Discussion:"},
            {
                "item": 2,
                "title": "Plan",
                "papers": ["b.pdf"],
                "time allowed": 20,
                "notes": "Actions:\n- one",
            },
            {"item": None, "title": "BREAK – if required", "time allowed": 10},
        ],
        fields={"Start time": T(10, 0), "Page ranges": ranges},
        papers={"a.pdf": 3, "b.pdf": 2},
        header=WITH_NOTES,
    )
    meeting = load_meeting(folder)
    spec = plan_packs(meeting)[0]
    layout = lay_out([("1", [3]), ("2", [2])])
    rows = frontsheet.context(meeting, spec, layout, "today")["items"]
    assert [(r["kind"], r["number_label"], r["title"]) for r in rows] == [
        ("item", "1.", "Minutes"),
        ("heading", "", "Agenda Items for Discussion:"),
        ("item", "2.", "Plan"),
        ("break", "", "BREAK – if required"),
    ]
    assert [rows[0]["note"], rows[2]["note"]] == expected
    assert [r["time"].replace("\u00a0", " ") for r in rows] == [
        "10.00–10.10 am",
        "",
        "10.10–10.30 am",
        "10.30–10.40 am",
    ]
    assert [(b.text, b.bullet) for b in rows[2]["notes"]] == [("Actions:", False), ("one", True)]


def test_kind_item_without_a_number_is_an_empty_item_number(tmp_path):
    errors = load_error(
        tmp_path,
        [{"title": "First"}, {"kind": "item", "item": None, "title": "X"}],
        header=WITH_KIND,
    )
    assert len(errors) == 1
    assert "cell B3: item number is empty" in errors[0]


@pytest.mark.parametrize("end", [None, "17:00"])
def test_a_warning_when_minutes_run_past_midnight(tmp_path, end):
    """A slip of the keyboard ("99999") or a time typed as minutes ("1030"): with or without an
    end time, the row is pointed out, not silently run off the clock."""
    fields = {"Start time": T(10, 0)} | ({"End time": end} if end else {})
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "A", "time allowed": 30}, {"title": "B", "time allowed": 99999}],
        fields=fields,
    )
    warnings = [w for w in load_meeting(folder).warnings() if "midnight" in w]
    assert warnings == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell A3: item 2 is given 99999 "
        "minutes, which runs past midnight; check its time allowed"
    ]


def test_no_midnight_warning_for_a_long_day(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "A", "time allowed": 600}, {"title": "B", "time allowed": 60}],
        fields={"Start time": T(9, 0)},
    )
    assert not [w for w in load_meeting(folder).warnings() if "midnight" in w]


def test_an_exempt_item_before_a_public_one_is_pointed_out(tmp_path):
    """The public pack leaves the exempt papers out: a public item after them has other page
    numbers in the public pack than in the private one."""
    papers = {"a.pdf": 2, "b.pdf": 3, "c.pdf": 1}
    middle = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["a.pdf"]},
            {"title": "Contract award", "papers": ["b.pdf"], "exempt paragraph": 3},
            {"title": "Work programme", "papers": ["c.pdf"]},
        ],
        papers=papers,
    )
    said = [w for w in load_meeting(middle).warnings() if "numbered differently" in w]
    assert said == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell A4: item 3 comes after exempt "
        "item 2, so its pages are numbered differently in the public and the private pack "
        "(members and the public would cite different page numbers); take exempt items last, as "
        "councils do"
    ]
    last = make_meeting(
        tmp_path / "n",
        items=[
            {"title": "Minutes", "papers": ["a.pdf"]},
            {"title": "Work programme", "papers": ["c.pdf"]},
            {"title": "Contract award", "papers": ["b.pdf"], "exempt paragraph": 3},
            {"title": "Any other business"},  # (no papers: no page numbers to differ)
        ],
        papers=papers,
    )
    assert not [w for w in load_meeting(last).warnings() if "numbered differently" in w]


def test_an_exempt_paper_before_a_public_one_in_a_supplement_is_pointed_out(tmp_path):
    """A supplement is numbered from Page 1 and has a public and a private version too: a public
    paper after an exempt one in it moves as in the agenda pack. Papers in different packs do
    not: the agenda pack's public item 1 is not moved by supplement 1's exempt item 2."""
    papers = {"a.pdf": 2, "b.pdf": 3, "c.pdf": 1}
    late = {"status": "to follow", "supplement": 1}
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["a.pdf"]},
            {"title": "Contract award", "papers": ["b.pdf"], "exempt paragraph": 3, **late},
            {"title": "Work programme", "papers": ["c.pdf"], **late},
        ],
        papers=papers,
    )
    said = [w for w in load_meeting(folder).warnings() if "numbered differently" in w]
    assert said == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell A4: item 3 comes after exempt "
        "item 2, so its pages are numbered differently in the public and the private supplement "
        "1 (members and the public would cite different page numbers); take exempt items last, "
        "as councils do"
    ]


@pytest.mark.parametrize("folder", ["2020-03-05-safer-plymouth", "2016-05-26-safer-plymouth"])
def test_the_shipped_examples_take_exempt_business_last(folder):
    """The example meeting had a public item (with papers) after its exempt one, so its own build
    warned that the two packs numbered it differently; a real agenda takes Part II last."""
    meeting = load_meeting(ROOT / "inputs" / folder)
    assert not [w for w in meeting.warnings() if "numbered differently" in w]
    with_papers = [i for i in meeting.items if i.has_papers]
    exempt = [i.number for i in with_papers if i.exempt]
    assert exempt == (["9"] if folder.startswith("2020") else [])
    assert with_papers[-1].exempt or not exempt


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("1.00", T(13, 0)),
        ("2:30", T(14, 30)),
        (T(1, 0), T(1, 0)),  # a time cell: as Excel shows it
        ("7", T(19, 0)),
        ("1am", T(1, 0)),  # said so
        ("10.00", T(10, 0)),
        ("13:00", T(13, 0)),
        ("12.30", T(12, 30)),
    ],
)
def test_a_meeting_time_without_am_or_pm_is_read_as_on_the_agenda(tmp_path, typed, start):
    """A start time of "1.00" was a meeting at 1 am (and its timings then ran to 3.40 am, so the
    warning that they passed its end vanished); as on the agenda, 1 to 7 o'clock are the
    afternoon unless am is said."""
    folder = make_meeting(tmp_path / "m", items=[{"title": "A"}], fields={"Start time": typed})
    assert load_meeting(folder).start_time == start


def test_a_status_typo_is_the_one_problem_of_its_row(tmp_path):
    """ "to folow": told once, at the Status cell; not also as a supplement given to an item not
    to follow, nor as its paper missing (it is to follow, as meant)."""
    errors = load_error(
        tmp_path,
        [
            {"title": "Minutes"},
            {
                "title": "Hate crime",
                "papers": ["Hate crime strategy.docx"],
                "status": "to folow",
                "supplement": 1,
            },
        ],
    )
    assert len(errors) == 1, errors
    assert "status 'to folow' is not one of" in errors[0]


@pytest.mark.parametrize(
    ("heading", "refused"),
    [
        ("Non-exempt items", False),
        ("Part I - items not exempt", False),
        ("Confidential Reporting (Whistleblowing) Policy", False),
        ("Closed session", True),
        ("Items taken in private", True),
        ("Part B: confidential business", True),
    ],
)
def test_what_reads_as_a_part_two_heading(tmp_path, heading, refused):
    items = [{"item": None, "title": heading}, {"item": 1, "title": "Report", "papers": ["a.pdf"]}]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1})
    if refused:
        with pytest.raises(PackError, match="has no exempt paragraph"):
            load_meeting(folder)
    else:
        assert [i.number for i in load_meeting(folder).items] == ["1"]


@pytest.mark.parametrize(
    ("above", "public_notes"),
    [
        (["Part II - exempt business"], False),
        # a sub-heading under Part II: Part II goes on until public business resumes
        (["Part II - exempt business", "Reports for decision"], False),
        (["Items not for publication", "Property", "Contracts"], False),
        (["exclusion item", "Reports for decision"], False),
        (["Part II - exempt business", "Part I - public business resumes"], True),
        (["Reports for decision"], True),
        # a reviewer's: Part II written otherwise; words that only look like readmission
        (["Part \u2161 - exempt business"], False),
        (["Agenda Part B (exempt)"], False),
        (["Property matters (not for publication)"], False),
        (["Property matters (exempt)"], False),
        (["Part II - exempt business", "Hospital readmissions contract"], False),
        (["Part II - exempt business", "Leisure contract part 1: the bids"], False),
        (["Part II - exempt business", "Press and public readmitted"], True),
    ],
)
def test_a_part_two_headings_notes_stay_out_of_the_public_pack(above, public_notes):
    import dataclasses

    from packbuilder.errors import Source
    from packbuilder.frontsheet import context
    from packbuilder.layout import lay_out
    from packbuilder.model import AgendaHeading
    from packbuilder.plan import PackSpec
    from packbuilder.richtext import Block
    from tests.models import item, meeting

    secret = (Block("Valuation of 12 High Street for sale to Acme Ltd"),)
    # (the item under the headings not exempt, which `check` refuses under Part II: the notes
    # are held back for where they are, not for the item after them)
    m = meeting(item(1), item(2))
    first, after = m.items
    if above[0] == "exclusion item":
        first = dataclasses.replace(first, title="Exclusion of the press and public")
        above = above[1:]
    head = [AgendaHeading(t, Source(m.workbook), secret) for t in above]
    m = dataclasses.replace(m, rows=(first, *head, after))
    public = context(m, PackSpec(None, False, m.items, ()), lay_out([]), "")
    private = context(m, PackSpec(None, True, m.items, ()), lay_out([]), "")
    headings = [r for r in public["items"] if r["kind"] == "heading"]
    assert [r["notes"] for r in headings][-1:] == ([list(secret)] if public_notes else [[]])
    assert all(r["notes"] == list(secret) for r in private["items"] if r["kind"] == "heading")


@pytest.mark.parametrize(
    ("order", "withheld"),
    [
        # no Part II heading typed: the frontsheet's own exclusion row starts Part II
        (["public", "heading", "exempt"], True),
        (["exempt", "heading", "exempt"], True),
        (["public", "exempt", "heading"], True),  # the agenda's last row, after exempt business
        (["public", "heading", "public", "exempt"], False),
        (["exempt", "heading", "public"], False),  # introduces a public item (pointed out)
    ],
)
def test_a_headings_notes_before_exempt_business_stay_out_of_the_public_pack(order, withheld):
    import dataclasses

    from packbuilder.errors import Source
    from packbuilder.frontsheet import context
    from packbuilder.layout import lay_out
    from packbuilder.model import AgendaHeading
    from packbuilder.plan import PackSpec
    from packbuilder.richtext import Block
    from tests.models import item, meeting

    secret = (Block("Valuation of 12 High Street for sale to Acme Ltd"),)
    m = meeting()
    rows = []
    for n, kind in enumerate(order, start=1):
        if kind == "heading":
            rows.append(AgendaHeading("Property matters", Source(m.workbook), secret))
        else:
            rows.append(item(n, exempt=3 if kind == "exempt" else None))
    items = tuple(r for r in rows if not isinstance(r, AgendaHeading))
    m = dataclasses.replace(m, items=items, rows=tuple(rows))
    public = context(m, PackSpec(None, False, m.items, ()), lay_out([]), "")
    [heading] = [r for r in public["items"] if r["kind"] == "heading"]
    assert heading["notes"] == ([] if withheld else list(secret))


def test_a_time_cell_is_read_as_excel_shows_it_and_a_leading_zero_is_the_morning(tmp_path):
    for typed, start in ((T(7, 30), T(7, 30)), ("07:30", T(7, 30)), ("7.30", T(19, 30))):
        folder = make_meeting(tmp_path / "m", items=[{"title": "A"}], fields={"Start time": typed})
        assert load_meeting(folder).start_time == start, typed


def test_a_date_typed_with_another_days_name_is_refused(tmp_path):
    """A new user's: "Wednesday 14 January 2027" (a Thursday) was read as the 14th, and the
    frontsheet printed Thursday: one of the two was a slip, and only the advisor knows which."""
    folder = make_meeting(
        tmp_path / "m", items=[{"title": "A"}], fields={"Date": "Wednesday 14 January 2027"}
    )
    with pytest.raises(PackError) as info:
        load_meeting(folder)
    assert "14 January 2027 is a Thursday, not a Wednesday; correct the day or the date" in str(
        info.value
    )
    folder = make_meeting(
        tmp_path / "n", items=[{"title": "A"}], fields={"Date": "Thursday 14th January 2027"}
    )
    assert load_meeting(folder).date == dt.date(2027, 1, 14)


@pytest.mark.parametrize(("typed", "shown"), [(10, "00:00"), (10.3, "07:12"), (13, "00:00")])
def test_a_number_typed_into_a_time_cell_is_refused(tmp_path, typed, shown):
    """A new user's: Excel keeps a number typed into a cell formatted as a time as that many
    days, shown as 00:00 (10) or 07:12 (10.3); read as the time it shows, every time of the
    agenda came out wrong, with nothing said."""
    from openpyxl import load_workbook

    folder = make_meeting(tmp_path / "m", items=[{"title": "A"}], fields={"Start time": typed})
    wb = load_workbook(folder / "meeting.xlsx")
    cell = next(r[1] for r in wb["Meeting"].iter_rows() if r[0].value == "Start time")
    cell.number_format = "hh:mm"
    wb.save(folder / "meeting.xlsx")
    with pytest.raises(PackError) as info:
        load_meeting(folder)
    assert f"got the number {typed}, which Excel counts in days (it shows {shown})" in str(
        info.value
    )
    assert f"sheet Meeting, cell {cell.coordinate}" in str(info.value)


def test_a_supplement_made_before_an_earlier_number_is_pointed_out(tmp_path):
    """Supplement 2 with no Supplement 1: readers look for the first, and the one made later
    under number 1 comes out after number 2."""
    items = [
        {"papers": ["a.pdf"]},
        {"papers": ["b.pdf"], "status": "to follow", "supplement": 1},
        {"papers": ["c.pdf"], "status": "to follow", "supplement": 2},
    ]
    papers = {"a.pdf": 1, "b.pdf": 2, "c.pdf": 1}

    def said(folder):  # type: ignore[no-untyped-def]
        return [w for w in load_meeting(folder).warnings() if "Supplement" in w]

    assert said(make_meeting(tmp_path / "in-order", items=items, papers=papers)) == []
    waiting = make_meeting(tmp_path / "waiting", items=items, papers={"a.pdf": 1, "c.pdf": 1})
    assert said(waiting) == [
        "item 3's papers go out as Supplement 2, but there is no Supplement 1 (item 2's papers, "
        "which go in it, have not all arrived), so readers will look for one; number supplements "
        "in the order they go out (give this item Supplement 1 in the Supplement column)"
    ]
    skipped = [items[0], {**items[2], "supplement": 3}]
    assert said(make_meeting(tmp_path / "skipped", items=skipped, papers=papers)) == [
        "item 2's papers go out as Supplement 3, but there is no Supplement 1 (no item is given "
        "it), so readers will look for one; number supplements in the order they go out (give "
        "this item Supplement 1 in the Supplement column)"
    ]


def test_a_paper_to_follow_named_without_its_extension_gets_a_hint(tmp_path):
    """Seed 001's "Minutes 6 October 2016" typed without ".pdf", the file in the folder: the
    item waits for ever unless the advisor is told which file it may be."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Minutes", "papers": ["Minutes 6 October 2016"], "status": "to follow"}],
        papers={"Minutes 6 October 2016.pdf": 1},
    )
    meeting = load_meeting(folder)
    assert meeting.items[0].status is Status.TO_FOLLOW
    [hint] = [w for w in meeting.warnings() if "is to follow and not in the meeting folder" in w]
    assert "sheet Agenda, cell F2" in hint
    assert "(did you mean 'Minutes 6 October 2016.pdf'?)" in hint


def test_items_numbered_out_of_order_are_pointed_out(tmp_path):
    """Seed 004 as typed by a reviewer, items 5, 6, 8, 7: printed in the rows' order, the
    numbers run backwards. Gaps (an item withdrawn) and sub-items say nothing."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"item": n, "title": f"Item {n}"} for n in ("5", "6", "6a", "8", "7", "10")],
    )
    said = [w for w in load_meeting(folder).warnings() if "comes after item" in w]
    assert said == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell A6: item 7 comes after item 8 on "
        "the agenda, which is printed in the rows' order; renumber the items, or move this row"
    ]


# --- papers as named: typed twice, separated by commas, spelled with look-alike characters -----


def test_a_paper_listed_by_two_items_is_pointed_out_naming_both_cells(tmp_path, monkeypatch):
    """One appendix for two decisions is allowed, but usually it is a slip that prints its pages
    twice: each later listing is pointed out, naming the first cell; a copy under another name
    too."""
    monkeypatch.chdir(tmp_path)
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"papers": ["Report.pdf"]},
            {"papers": ["Other.pdf", "Report.pdf"]},
            {"papers": ["Report copy.pdf"]},
        ],
        papers={"Report.pdf": 2, "Other.pdf": 1},
    )
    (folder / "Report copy.pdf").write_bytes((folder / "Report.pdf").read_bytes())
    said = [w for w in load_meeting(folder).warnings() if "twice" in w]
    assert said == [
        "m/meeting.xlsx, sheet Agenda, cell F3: paper 'Report.pdf' of item 2 is the same file as "
        "'Report.pdf', also listed by item 1 (cell F2), so the pack will carry its pages twice; "
        "if it belongs to one item only, take it out of the other's Papers cell",
        "m/meeting.xlsx, sheet Agenda, cell F4: paper 'Report copy.pdf' of item 3 is a copy of "
        "(the same content as) 'Report.pdf', also listed by item 1 (cell F2), so the pack will "
        "carry its pages twice; if it belongs to one item only, take it out of the other's Papers "
        "cell",
    ]


@pytest.mark.parametrize("cell", [["a.pdf", "a.pdf"], "a.pdf; ./a.pdf"])
def test_a_paper_listed_twice_in_one_cell_is_refused(tmp_path, cell, monkeypatch):
    """Pasted twice into one cell is never meant: refused, naming the cell, before the pack
    goes out with the paper's pages twice."""
    monkeypatch.chdir(tmp_path)
    said = load_error(tmp_path, [{"papers": cell}], papers={"a.pdf": 1})
    again = "" if isinstance(cell, list) else " (also as 'a.pdf')"
    name = "a.pdf" if isinstance(cell, list) else "./a.pdf"
    assert said == [
        f"m/meeting.xlsx, sheet Agenda, cell F2: paper {name!r} is listed twice in the Papers "
        f"of item 1{again}; delete one of them"
    ]


@pytest.mark.parametrize("status", [None, "to follow"])
def test_papers_separated_by_commas_are_told_the_separator(tmp_path, status, monkeypatch):
    monkeypatch.chdir(tmp_path)
    items = [{"papers": "Report.pdf, Appendix 1.pdf", "status": status}]
    hint = "but 'Report.pdf' and 'Appendix 1.pdf' are"
    how = "separate the papers of a cell with ';' or put each on a line of its own (Alt+Enter)"
    papers = {"Report.pdf": 1, "Appendix 1.pdf": 1}
    if status is None:
        [said] = load_error(tmp_path, items, papers=papers)
    else:
        folder = make_meeting(tmp_path / "m", items=items, papers=papers)
        [said] = [w for w in load_meeting(folder).warnings() if "commas" in w]
    assert hint in said and how in said and "'Report.pdf, Appendix 1.pdf' of item 1" in said


def test_a_name_whose_accent_is_encoded_otherwise_is_the_same_name(tmp_path):
    """A Mac writes 'é' as 'e' and a combining accent (NFD); Excel types one character (NFC)."""
    import unicodedata

    typed = unicodedata.normalize("NFC", "Café report.pdf")
    folder = make_meeting(
        tmp_path / "m",
        items=[{"papers": [typed]}],
        papers={unicodedata.normalize("NFD", typed): 2},
    )
    meeting = load_meeting(folder)
    assert [p.pages for p in meeting.items[0].papers] == [2]
    assert not [w for w in meeting.warnings() if "no agenda item names it" in w]


@pytest.mark.parametrize(
    ("typed", "there", "said"),
    [
        ("Late report - ASB.pdf", "Late report \u2013 ASB.pdf",
         "an en dash '\u2013' where the cell has a hyphen '-'"),
        ("Chair's report.pdf", "Chair\u2019s report.pdf",
         "a curly apostrophe '\u2019' where the cell has a straight apostrophe \"'\""),
        ("Chair report.pdf", "Chair\u00a0report.pdf",
         "a non-breaking space where the cell has a space"),
    ],
)  # fmt: skip
def test_a_name_that_differs_by_look_alike_characters_says_what_differs(
    tmp_path, typed, there, said
):
    [message] = load_error(tmp_path, [{"papers": [typed]}], papers={there: 1})
    assert f"(the folder has {there!r}, which looks the same, but its name has {said}" in message
    assert "did you mean" not in message


@pytest.mark.parametrize("typed", [8, "Yes", "para 9"])
def test_an_exempt_paragraph_that_is_not_one_is_told_once(tmp_path, typed):
    """Under a Part II heading, the item's exempt cell refused is the one problem: not also that
    the item 'has no exempt paragraph, so its papers would be published'."""
    said = load_error(
        tmp_path,
        [
            {"item": None, "title": "Part II: items not for publication"},
            {"item": 1, "papers": ["a.pdf"], "exempt paragraph": typed},
            {"item": "1a", "papers": ["b.pdf"]},
        ],
        papers={"a.pdf": 1, "b.pdf": 1},
    )
    assert len(said) == 2, said  # its cell, and its sub-item, which is refused on its own
    assert "cell H3" in said[0]
    assert "item 1 " not in said[1] and "item 1a is under the heading" in said[1]


def test_a_lock_file_names_the_file_open_as_the_folder_spells_it(tmp_path):
    """Word's "~$aft Terms of Reference.docx" stands for "Draft Terms of Reference.docx": the
    warning names that file, not a lower-case spelling of it."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"papers": ["Draft Terms of Reference.pdf"]}],
        papers={"Draft Terms of Reference.pdf": 1},
    )
    (folder / "~$aft Terms of Reference.pdf").write_bytes(b"a lock file")
    [said] = [w for w in load_meeting(folder).warnings() if "is open in" in w]
    assert said.startswith("Draft Terms of Reference.pdf is open in Excel or Word (its lock file ")


def _meeting_sheet(folder: Path, rows: list[tuple[str, object]]) -> Path:
    """A meeting folder whose sheet Meeting holds exactly `rows` (no default start time)."""
    from openpyxl import Workbook

    folder.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.title = "Meeting"
    for row in [("Field", "Value"), ("Body", "Safer Plymouth Partnership"), *rows]:
        ws.append(list(row))
    ws.append(("Date", dt.datetime(2016, 5, 26)))
    ws.append(("Place", "Warspite Room, Council House, Plymouth"))
    agenda_sheet = wb.create_sheet("Agenda")
    agenda_sheet.append(["Item", "Title", "Papers", "Time allowed"])
    agenda_sheet.append([1, "Welcome", None, "10.00-10.05"])
    wb.save(folder / "meeting.xlsx")
    return folder


@pytest.mark.parametrize(
    ("rows", "start", "end"),
    [
        # seeds 003 and 004 head their agendas "Time: 10 am – 1 pm", seed 000 "11am – 1pm"
        ([("Time", "10 am – 1 pm")], T(10), T(13)),
        ([("Start time", "11am-1pm")], T(11), T(13)),
        ([("Start time", "10 - 1")], T(10), T(13)),
        ([("Time", "10 am – 1 pm"), ("End time", "1pm")], T(10), T(13)),
        ([("Start time", "10 am")], T(10), None),
        # noon as agendas write it: these were refused, "expected the start time ... 2pm"
        ([("Time", "10.30 am – 12 noon")], T(10, 30), T(12)),
        ([("Start time", "12 noon")], T(12), None),
        ([("Start time", "Noon"), ("End time", "2pm")], T(12), T(14)),
        ([("Time", "Midday - 2")], T(12), T(14)),
    ],
)
def test_the_meeting_time_may_be_typed_as_its_range(tmp_path, rows, start, end):
    meeting = load_meeting(_meeting_sheet(tmp_path / "m", rows))
    assert (meeting.start_time, meeting.end_time) == (start, end)


@pytest.mark.parametrize(
    ("rows", "cell", "words"),
    [
        (
            [("Time", "10 am – 1 pm"), ("End time", "12:30")],
            "B4",
            "the end time 12:30 is not the end of the time '10 am – 1 pm' in cell B3; correct "
            "one of them, or clear the end time",
        ),
        (
            [("Time", "11-10am")],
            "B3",
            "'11-10am' ends before it starts; type the start time (2pm), or both ends "
            "(2pm - 4.30pm)",
        ),
    ],
)
def test_a_meeting_time_range_that_cannot_be_is_refused(tmp_path, rows, cell, words):
    with pytest.raises(PackError) as info:
        load_meeting(_meeting_sheet(tmp_path / "m", rows))
    assert f"sheet Meeting, cell {cell}: {words}" in str(info.value)
    assert str(info.value).count("\n") == 0, str(info.value)  # one problem, said once


@pytest.mark.parametrize(
    "header",
    [
        ["Item", "Subject", "Who", "Decision Required", "Time (approx.)", "Papers"],  # seed 003
        ["Item", "Title", "Lead officer", "Recommendation", "Duration", "Reports"],
        ["Item no.", "Subject", "Presented by", "Action required", "Time (minutes)", "Paperwork"],
        ["No.", "Title", "Lead officer(s)", "Recommendations", "Approx time", "Report"],
    ],
)
def test_the_columns_as_councils_head_them(tmp_path, header):
    """Headings councils give their agenda columns are read as packbuilder's own: "Reports"
    and "Paperwork" were refused (no column Papers), the others not read, with a warning."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {
                h.lower(): v
                for h, v in zip(
                    header, [4, "Plan", "LG", "To agree the plan", "30", "a.pdf"], strict=True
                )
            }
        ],
        header=header,
        papers={"a.pdf": 1},
    )
    meeting = load_meeting(folder)
    (item,) = meeting.items
    assert (item.number, item.title, item.lead, item.purpose, item.minutes) == (
        "4", "Plan", "LG", "To agree the plan", 30,
    )  # fmt: skip
    assert [p.path.name for p in item.papers] == ["a.pdf"]
    assert not [w for w in meeting.warnings() if "not read" in w]


@pytest.mark.parametrize(
    ("rows", "cell", "words"),
    [
        # seed 003's words beside the template's: "Time" is the Start time's other name
        (
            [("Start time", "10 am"), ("Time", "10 am – 1 pm")],
            "A4",
            "'Time' and 'Start time' (cell A3) are two names of one field, and say different "
            "things: '10 am – 1 pm' and '10 am'; delete the row that is wrong",
        ),
        (
            [("Time", "10 am"), ("Venue", "Council House")],
            "A6",
            "'Place' and 'Venue' (cell A4) are two names of one field, and say different things: "
            "'Warspite Room, Council House, Plymouth' and 'Council House'; delete the row",
        ),
        (
            [("Time", "10 am"), ("Members", "Cllr A"), ("Members", "Cllr B")],
            "A5",
            "'Members' is given twice, here and in cell A4, and only one row would be used; "
            "delete one of them, or put both values in one cell",
        ),
    ],
)
def test_a_field_said_twice_differently_is_refused(tmp_path, rows, cell, words):
    """Two rows for one field (twice the same name, or two of its names) were read silently as
    one of them: the frontsheet printed a start time or a venue the advisor had replaced."""
    with pytest.raises(PackError) as info:
        load_meeting(_meeting_sheet(tmp_path / "m", rows))
    assert f"sheet Meeting, cell {cell}: {words}" in str(info.value)


def test_a_field_said_twice_alike_is_fine(tmp_path):
    rows = [("Start time", "10 am"), ("Time", "10 am"), ("Members", "A"), ("Members", "A")]
    meeting = load_meeting(_meeting_sheet(tmp_path / "m", rows))
    assert meeting.start_time == T(10) and meeting.extra == {"Members": "A"}


def test_the_start_time_left_empty_beside_a_time_typed_as_agendas_head_it(tmp_path):
    """The template's Start time row left empty and "Time: 10 am - 1 pm" added, as the seeds
    head their agendas: refused, "Start time is empty", though Time is its other name."""
    rows = [("Start time", None), ("Time", "10 am – 1 pm")]
    meeting = load_meeting(_meeting_sheet(tmp_path / "m", rows))
    assert (meeting.start_time, meeting.end_time) == (T(10), T(13))


def test_an_empty_row_of_a_field_given_above_keeps_its_value(tmp_path):
    """A second, empty "Chair" row (a template's row left below the one filled in) replaced
    the chair with nothing, without a word; an empty row above a filled one was refused."""
    rows = [("Start time", "10 am"), ("Chair", "Cllr Ann Smith"), ("Chair", None)]
    assert load_meeting(_meeting_sheet(tmp_path / "m", rows)).chair == "Cllr Ann Smith"
    rows = [("Start time", "10 am"), ("Members", None), ("Members", "Cllr A")]
    assert load_meeting(_meeting_sheet(tmp_path / "a", rows)).extra == {"Members": "Cllr A"}


def test_a_time_cell_and_the_same_time_typed_are_one_value(tmp_path):
    """A time cell 13:00 and "13:00" typed under Time were refused as saying different things
    ('13:00' and '13:00:00')."""
    rows = [("Start time", dt.time(13, 0)), ("Time", "13:00")]
    assert load_meeting(_meeting_sheet(tmp_path / "m", rows)).start_time == T(13)


def test_the_resolution_item_given_an_exempt_paragraph_is_refused(tmp_path):
    """ "Exclusion of Press and Public" given paragraph 3, as its items have: the frontsheet
    printed packbuilder's resolution above it, then the item itself 'Not for publication'."""
    errors = load_error(
        tmp_path,
        [
            {"item": 1, "title": "Exclusion of Press and Public", "exempt paragraph": 3},
            {"item": 2, "title": "Contract", "papers": ["c.pdf"], "exempt paragraph": 3},
        ],
        papers={"c.pdf": 1},
    )
    assert [e.split(": ", 1)[1] for e in errors] == [
        "item 1, 'Exclusion of Press and Public', is the resolution to exclude the press and "
        "public, which the meeting passes in public before its exempt items, but has an exempt "
        "paragraph; clear its Exempt paragraph (the items after it keep theirs)"
    ]
    assert ", sheet Agenda, cell " in errors[0].split(": ")[0]
    # an exempt item that only mentions the words is not the resolution
    folder = make_meeting(
        tmp_path / "p",
        items=[
            {
                "item": 1,
                "title": "Review of the protocol on exclusion of the press and public",
                "papers": ["c.pdf"],
                "exempt paragraph": 3,
            }
        ],
        papers={"c.pdf": 1},
    )
    assert load_meeting(folder).items[0].exempt


@pytest.mark.parametrize("typed", ["presentation", "Presentation", "verbal presentation"])
def test_a_presentation_has_its_status(tmp_path, typed):
    folder = make_meeting(tmp_path / "m", items=[{"title": "YOS Inspection", "status": typed}])
    (item,) = load_meeting(folder).items
    assert item.status is Status.PRESENTATION and not item.has_papers


def test_a_presentation_with_papers_is_told_how_to_include_its_slides(tmp_path):
    errors = load_error(
        tmp_path, [{"title": "YOS Inspection", "status": "presentation", "papers": ["s.pdf"]}]
    )
    assert errors == [
        f"{tmp_path / 'm' / 'meeting.xlsx'}, sheet Agenda, cell F2: item 1 is a presentation item "
        "but lists papers; clear the papers or the status (to put its slides in the pack, clear "
        "the status)"
    ]


@pytest.mark.parametrize(
    ("typed", "warned"),
    [
        ("... as defined in paragraph 3 of Part 1 of Schedule 12A.", False),
        ("... as defined in paragraphs 3 and 5 of Part 1 of Schedule 12A.", True),
        ("... as defined in paragraph 1 of Part 1 of Schedule 12A.", True),
        ("To exclude the press and public for the following item.", False),  # cites none
        ("", False),  # packbuilder words it
    ],
)
def test_a_typed_resolution_citing_other_paragraphs_is_pointed_out(tmp_path, typed, warned):
    """The typed resolution is now printed in place of packbuilder's (seed 004's item 9): a
    resolution copied from another meeting would exclude the public on grounds not its items'."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 9, "title": "Exclusion of the press and public", "purpose": typed},
            {"item": 10, "title": "Contract award", "exempt paragraph": 3},
        ],
    )
    found = [w for w in load_meeting(folder).warnings() if "resolution to exclude" in w]
    expected = (
        "sheet Agenda, cell A2: item 9, the resolution to exclude the press and public, cites "
        f"{'paragraphs 3 and 5' if '3 and 5' in typed else 'paragraph 1'} of Schedule 12A, but "
        "the items after it (10) are exempt under paragraph 3; correct its Purpose, or clear it "
        "to print the resolution packbuilder words for them"
    )
    assert [w.split("meeting.xlsx, ", 1)[1] for w in found] == ([expected] if warned else [])
