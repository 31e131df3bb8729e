"""Reading workbooks: cell names, yes/no cells and optional field rows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from packbuilder import sheets
from packbuilder.errors import InputError, Source

SRC = Source(Path("plan.xlsx"), "Plan", "B4")


@pytest.mark.parametrize(
    ("cell", "right"),
    [("A1", "B1"), ("Y3", "Z3"), ("Z9", "AA9"), ("AZ5", "BA5"), ("ZZ2", "AAA2"), (None, None)],
)
def test_right_of(cell: str | None, right: str | None) -> None:
    assert sheets._right_of(cell) == right


@pytest.mark.parametrize(
    ("idx", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA")]
)
def test_column_letter(idx: int, letter: str) -> None:
    assert sheets._column_letter(idx) == letter


def test_a_field_with_no_value_cell_is_named_by_the_cell_to_its_right(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A5"] = "Grant total"  # the only column of the sheet: its value cell does not exist
    wb.save(tmp_path / "p.xlsx")
    fields = sheets.Workbook(tmp_path / "p.xlsx").fields("Plan")
    with pytest.raises(InputError, match="sheet Plan, cell B5: Grant total is empty"):
        fields.require("Grant total")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("x", True),
        ("✓", True),
        ("TRUE", True),
        ("no", False),
        ("n", False),
        ("-", False),
        ("", False),
        (None, False),
    ],
)
def test_yes_no(value: object, expected: bool) -> None:
    assert sheets.yes_no(sheets.Cell(value, SRC), "Over-allocation intended") is expected


def test_yes_no_refuses_anything_else_naming_the_cell() -> None:
    with pytest.raises(InputError) as err:
        sheets.yes_no(sheets.Cell("maybe", SRC), "Over-allocation intended")
    assert str(err.value) == (
        "plan.xlsx, sheet Plan, cell B4: Over-allocation intended: expected 'yes', 'no' or "
        "blank, got 'maybe'; write yes or no, or leave it blank"
    )


def test_yes_no_accepts_extra_words_when_asked() -> None:
    cell = sheets.Cell("Chair", SRC)
    assert sheets.yes_no(cell, "the Chair column", also_yes=frozenset({"chair"}))
    with pytest.raises(InputError):
        sheets.yes_no(cell, "the Chair column")


def test_field_text_is_blank_for_a_missing_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Field", "Value"])
    ws.append(["Carry-forward note", "for MARAC hours"])
    wb.save(tmp_path / "p.xlsx")
    fields = sheets.Workbook(tmp_path / "p.xlsx").fields("Plan")
    assert fields.text("Carry forward note", "Carry-forward note") == "for MARAC hours"
    assert fields.text("Position") == ""


def test_reading_a_workbook_leaves_numpy_unloaded_and_loadable() -> None:
    """openpyxl imports numpy only to accept numpy numbers written to cells; packbuilder only
    reads, and numpy cost every command 0.07 s. It is refused to openpyxl's import alone: numpy
    still imports for whoever needs it afterwards (the performance report's charts)."""
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[1] / "inputs" / "2020-03-05-safer-plymouth"
    code = (
        "import sys\nfrom pathlib import Path\nfrom packbuilder.sheets import Workbook\n"
        f"wb = Workbook(Path({str(example / 'meeting.xlsx')!r}))\n"
        "assert wb.fields('Meeting').text('Body'), 'nothing read'\n"
        "print('numpy' in sys.modules)\n"
        "import numpy, openpyxl\n"
        "print(numpy.add(1, 2))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "3"]


def test_every_formula_without_a_saved_value_is_named_at_once(tmp_path: Path) -> None:
    """A workbook written by a program (openpyxl, a report tool) has formulas and no results:
    the advisor is told every such cell in one go, not one a build."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Figures"
    ws.append(["Indicator", "Q1", "Q2", "Total"])
    ws.append(["Burglary", 10, 12, "=B2+C2"])
    ws.append(["Robbery", 4, "=B3*2", 9])
    ws.append(["Arson", "=1+1", 3, "#DIV/0!"])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(InputError) as caught:
        list(sheets.Workbook(tmp_path / "f.xlsx").rows("Figures"))
    said = str(caught.value)
    assert "cell D2: formula =B2+C2 has no saved value (and so do C3, B4); open" in said
    # a spreadsheet error shown in a cell: every such cell too
    ws["D2"], ws["C3"], ws["B4"] = 22, 8, 2
    ws["B2"] = "#REF!"
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(InputError, match=r"cell B2: .*error #REF! \(and so do D4\); fix"):
        list(sheets.Workbook(tmp_path / "f.xlsx").rows("Figures"))


def test_an_array_formula_without_a_saved_value_is_not_read_as_a_blank(tmp_path: Path) -> None:
    """openpyxl gives an array formula ({=...}, a dynamic array) as an object, not text: read as
    an empty cell it made a month's figure vanish from a report without a word."""
    from openpyxl.worksheet.formula import ArrayFormula

    wb = Workbook()
    ws = wb.active
    ws.title = "Figures"
    ws.append(["Indicator", "Apr", "May", "Jun"])
    ws.append(["Crime", 1, 2, None])
    ws["D2"] = ArrayFormula("D2", "=SUM(B2:C2)")
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(InputError, match=r"cell D2: formula =SUM\(B2:C2\) has no saved value"):
        list(sheets.Workbook(tmp_path / "f.xlsx").rows("Figures"))


def test_a_cell_stored_as_an_error_is_refused_whatever_its_text(tmp_path: Path) -> None:
    """Excel stores an error as an error cell (t="e"): #SPILL!, #CALC! and the errors newer
    Excel adds were printed into the pack as the project's text."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["No.", "Outline"])
    ws.append([1, "PLACEHOLDER"])
    wb.save(tmp_path / "plain.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "plain.xlsx") as src,
        zipfile.ZipFile(tmp_path / "e.xlsx", "w") as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # B2 as Excel saves a #SPILL!
                data = re.sub(
                    rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2" t="e"><v>#SPILL!</v></c>', data
                )
            dst.writestr(info, data)
    with pytest.raises(InputError, match=r"cell B2: the cell shows the spreadsheet error #SPILL!"):
        list(sheets.Workbook(tmp_path / "e.xlsx").rows("Projects"))


def test_hidden_rows_and_read_hidden_columns_are_pointed_out(tmp_path: Path) -> None:
    """Hiding a row (or filtering it out) does not leave it out of what is read: a finance
    officer's hidden "withdrawn project" would be counted. Each sheet says which of its read rows
    and columns are hidden; a hidden column nobody reads (working notes) says nothing."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Title", "Amount", "Working notes"])
    for n in range(1, 6):
        ws.append([f"Project {n}", n * 100, "check"])
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[9].hidden = True  # hidden and empty: nothing read
    ws.column_dimensions["C"].hidden = True
    wb.save(tmp_path / "plan.xlsx")
    book = sheets.Workbook(tmp_path / "plan.xlsx")
    table = book.table("Projects", required=("title", "amount"))
    assert [r.cell("title").value for r in table.records][1] == "Project 2"  # read all the same
    assert book.hidden_notes() == [
        f"{Source(tmp_path / 'plan.xlsx', 'Projects')}: rows 3 and 5 are hidden in the workbook "
        "but read like any other (hiding or filtering does not leave them out); delete them if "
        "they should not be in the pack"
    ]
    ws.column_dimensions["B"].hidden = True
    for r in (3, 5):
        ws.row_dimensions[r].hidden = False
    wb.save(tmp_path / "plan.xlsx")
    book = sheets.Workbook(tmp_path / "plan.xlsx")
    amounts = [r.cell("amount").value for r in book.table("Projects").records]
    assert amounts == [100, 200, 300, 400, 500]
    (note,) = book.hidden_notes()
    assert ": column B is hidden in the workbook but read like any other" in note


def test_a_data_paper_and_the_agenda_warn_of_hidden_rows(tmp_path: Path) -> None:
    import shutil

    import openpyxl

    from packbuilder.meeting import load_meeting

    folder = tmp_path / "2020-03-05-safer-plymouth"
    shutil.copytree(Path(__file__).parents[1] / "inputs" / folder.name, folder)
    plan = openpyxl.load_workbook(folder / "commissioning-plan-2020-21.xlsx")
    plan["Projects"].row_dimensions[3].hidden = True
    plan.save(folder / "commissioning-plan-2020-21.xlsx")
    agenda = openpyxl.load_workbook(folder / "meeting.xlsx")
    agenda["Agenda"].row_dimensions[4].hidden = True
    agenda.save(folder / "meeting.xlsx")
    warnings = load_meeting(folder).warnings()
    hidden = [w for w in warnings if "hidden in the workbook" in w]
    assert len(hidden) == 2
    plan_note = "commissioning-plan-2020-21.xlsx, sheet Projects: row 3 is hidden"
    assert any(plan_note in w for w in hidden)
    assert any("meeting.xlsx, sheet Agenda: row 4 is hidden" in w for w in hidden)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31/02/2027", "'31/02/2027' is not a date: February 2027 has no day 31; type the date"),
        ("01/14/2027", "there is no month 14 (typed month/day? write 14/01/2027)"),
        ("05/13/2020", "there is no month 13 (typed month/day? write 13/05/2020)"),
        ("32/01/2020", "January 2020 has no day 32"),
        ("05/03/0000", "there is no year 0000"),
    ],
)
def test_a_date_that_does_not_exist_says_why(typed: str, said: str) -> None:
    with pytest.raises(InputError) as caught:
        sheets.date(sheets.Cell(typed, SRC))
    assert said in str(caught.value)


@pytest.mark.parametrize(
    "typed",
    [
        "17/12/2026",
        "17.12.2026",
        "17.12.26",
        "17-12-26",
        "17th December 2026",
        # as agendas print them (a new user's review found these refused)
        "Thursday, 17 December 2026",
        "Thursday 17 Dec 2026",
        "Thu 17 December 2026",
        "Thurs. 17th Dec. 2026",
        "17 Dec. 2026",
        "17 December, 2026",
        "Thursday 17/12/2026",
    ],
)
def test_dates_as_uk_clerks_type_them(typed: str) -> None:
    assert sheets.date(sheets.Cell(typed, SRC)) == dt.date(2026, 12, 17)


@pytest.mark.parametrize("typed", ["Wed 17 Dec 2026", "Wednesday, 17 December 2026"])
def test_a_short_or_comma_weekday_is_checked_against_the_date(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        sheets.date(sheets.Cell(typed, SRC))
    assert "17 December 2026 is a Thursday, not a Wednesday; correct the day" in str(caught.value)


def test_september_written_sept() -> None:
    assert sheets.date(sheets.Cell("3 Sept 2026", SRC)) == dt.date(2026, 9, 3)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (43616, "got 43616, which Excel counts as 31/05/2019; format the cell as a date, or type"),
        (43616.0, "got 43616, which Excel counts as 31/05/2019"),
        (dt.time(10, 30), "got the time 10:30 (the cell is formatted as a time)"),
        (True, "got TRUE;"),
    ],
)
def test_a_date_cell_holding_something_else_says_what_it_shows(value: object, said: str) -> None:
    """A date stored as Excel's serial number (a workbook written by another program, or a date
    cell formatted as General) is named with the date it stands for; nothing is shown in
    Python's spelling (datetime.time(10, 30))."""
    cell = sheets.Cell(value, Source(Path("r.xlsx"), "Return", "B9"))
    with pytest.raises(InputError) as err:
        sheets.date(cell, "the date signed")
    assert said in str(err.value)
    assert "datetime" not in str(err.value)


def test_a_hidden_sheet_that_is_read_is_pointed_out(tmp_path: Path) -> None:
    """A hidden sheet is read like any other (a plan's Priorities, a report's Quarterly figures)
    and printed: said nothing of, as hidden rows are. A hidden sheet nobody reads says nothing."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Title", "Amount"])
    ws.append(["Project 1", 100])
    ws.sheet_state = "hidden"
    extra = wb.create_sheet("Old figures")
    extra.append(["working"])
    extra.sheet_state = "veryHidden"
    wb.create_sheet("Shown").append(["Title"])
    wb.save(tmp_path / "plan.xlsx")
    book = sheets.Workbook(tmp_path / "plan.xlsx")
    assert [r.cell("title").value for r in book.table("Projects").records] == ["Project 1"]
    assert book.hidden_notes() == [
        f"{Source(tmp_path / 'plan.xlsx', 'Projects')}: the sheet is hidden in the workbook but "
        "read like any other (hiding it does not leave it out); delete it if it should not be "
        "in the pack"
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "31-May-19",
        "31-May-2019",
        "31 May 19",
        "31-May-2019 00:00",
        "2019/05/31",
        "31/05/2019 00:00:00",
        "2019-05-31 00:00:00",
        "31st of May 2019",
    ],
)
def test_dates_as_exports_and_officers_write_them(typed: str) -> None:
    """Dates kept as text by an export (Excel's 31-May-19, a date and midnight) or written out
    ("31st of May 2019") were refused: "expected the date signed such as 05/03/2020"."""
    cell = sheets.Cell(typed, Source(Path("r.xlsx"), "Return", "B9"))
    assert sheets.date(cell, "the date signed") == dt.date(2019, 5, 31)


@pytest.mark.parametrize("typed", ["31/05/2019 14:30", "31-May-19 9am", "of May 2019"])
def test_a_date_with_a_time_of_day_or_no_day_is_still_refused(typed: str) -> None:
    cell = sheets.Cell(typed, Source(Path("r.xlsx"), "Return", "B9"))
    with pytest.raises(InputError):
        sheets.date(cell, "the date signed")


# --- headings and labels with a trailing colon or space ------------------------------------------


@pytest.mark.parametrize(
    "label", ["Grant total:", "Grant total :", "Grant total (£):", " Grant total  "]
)
def test_a_field_label_with_a_colon_or_spaces_is_the_field(tmp_path: Path, label: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Field:", "Value:"])
    ws.append([label, 400568])
    wb.save(tmp_path / "p.xlsx")
    fields = sheets.Workbook(tmp_path / "p.xlsx").fields("Plan")
    assert fields.require("Grant total").value == 400568
    assert [name for name, _ in fields.items()] == [label.strip()]  # the header row is not a field


@pytest.mark.parametrize("heading", ["Notes:", "Notes :", "Notes\u00a0", "NOTES:"])
def test_a_heading_with_a_colon_or_spaces_is_the_column(tmp_path: Path, heading: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Agenda"
    ws.append(["Item:", "Title", heading])
    ws.append([1, "Apologies", "Chair to note"])
    wb.save(tmp_path / "m.xlsx")
    table = sheets.Workbook(tmp_path / "m.xlsx").table("Agenda", required=("item", "title"))
    assert sheets.text(table.records[0].cell("notes")) == "Chair to note"


# --- spreadsheet errors (#N/A, #REF! ...) --------------------------------------------------------


def _errors_workbook(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Title", "Amount", "Notes"])
    ws.append(["Refuge", "#N/A", "#REF!"])
    wb.save(tmp_path / "e.xlsx")
    return tmp_path / "e.xlsx"


def test_an_error_cell_is_refused_at_once_unless_its_reader_decides(tmp_path: Path) -> None:
    path = _errors_workbook(tmp_path)
    with pytest.raises(
        InputError, match=r"cell B2: the cell shows the spreadsheet error #N/A \(and so do C2\)"
    ):
        sheets.Workbook(path).table("Projects")
    (rec,) = sheets.Workbook(path).table("Projects", keep_errors=True).records
    amount, notes = rec.cell("amount"), rec.cell("notes")
    assert (amount.error, notes.error) == ("#N/A", "#REF!")
    assert not amount.blank and amount.value is None  # never read as an empty cell
    with pytest.raises(InputError) as err:
        sheets.text(amount)
    assert str(err.value) == (
        f"{path}, sheet Projects, cell B2: the cell shows the spreadsheet error #N/A (a lookup "
        "found nothing), not a value; fix the formula, or type the value in the cell"
    )
    for reader in (sheets.date, sheets.time, sheets.integer):
        with pytest.raises(
            InputError,
            match="cell C2: the cell shows the spreadsheet error #REF! "
            r"\(the formula refers to cells that were deleted\)",
        ):
            reader(notes)


def test_a_lookups_na_in_an_optional_cell_is_blank_with_a_warning(tmp_path: Path) -> None:
    (rec,) = sheets.Workbook(_errors_workbook(tmp_path)).table("Projects", keep_errors=True).records
    said: list[str] = []
    assert sheets.optional(rec.cell("amount"), "the outline", said.append).blank
    (warning,) = said
    assert warning.startswith(
        f"{tmp_path / 'e.xlsx'}, sheet Projects, cell B2: the cell shows #N/A"
    )
    assert "so the outline is left empty" in warning
    broken = sheets.optional(rec.cell("notes"), "the notes", said.append)
    assert broken.error == "#REF!" and len(said) == 1  # a broken formula is not a blank


# --- a month without a day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("May 2019", dt.date(2019, 5, 1)),
        ("Sept 2019", dt.date(2019, 9, 1)),
        ("Mar-20", dt.date(2020, 3, 1)),
        ("March-2020", dt.date(2020, 3, 1)),
        ("05/2019", dt.date(2019, 5, 1)),
        ("2019-05", dt.date(2019, 5, 1)),
    ],
)
def test_a_month_is_read_where_a_month_will_do_and_refused_where_a_day_is_needed(
    typed: str, month: dt.date
) -> None:
    cell = sheets.Cell(typed, Source(Path("r.xlsx"), "Return", "B9"))
    assert sheets.month_or_date(cell) == (month, False)
    with pytest.raises(InputError) as err:
        sheets.date(cell, "the date signed")
    assert str(err.value).startswith(
        f"r.xlsx, sheet Return, cell B9: {typed!r} is a month ({month:%B %Y}) without a day, and "
        "the date signed needs the day; type the full date, day/month/year, such as "
    )


@pytest.mark.parametrize("shown", ["mmm-yy", "mmmm yyyy", "[$-809]mmmm yyyy;@"])
def test_a_date_cell_showing_only_its_month_is_a_month(shown: str) -> None:
    """Excel turns "May 2019" typed into a date cell into 1 May 2019 shown as "May-19": it was
    read, silently, as the first of the month where a day is needed."""
    cell = sheets.Cell(dt.datetime(2019, 5, 1), SRC, number_format=shown)
    assert sheets.month_or_date(cell) == (dt.date(2019, 5, 1), False)
    says = r"cell B4: the cell shows only a month \(May 2019; it holds 01/05/2019\), and the date "
    with pytest.raises(InputError, match=says + "signed needs the day; format the cell"):
        sheets.date(cell, "the date signed")


@pytest.mark.parametrize("shown", ["dd/mm/yyyy", "d-mmm-yy", "yyyy-mm-dd h:mm:ss", "General"])
def test_a_date_cell_showing_its_day_is_a_date(shown: str) -> None:
    cell = sheets.Cell(dt.datetime(2019, 5, 31), SRC, number_format=shown)
    assert sheets.date(cell) == dt.date(2019, 5, 31)
    assert sheets.month_or_date(cell) == (dt.date(2019, 5, 31), True)


def test_a_heading_showing_an_error_is_named_as_it_shows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Title", "#REF!"])
    ws.append(["Refuge", 100])
    wb.save(tmp_path / "e.xlsx")
    workbook = sheets.Workbook(tmp_path / "e.xlsx")
    with pytest.raises(
        InputError, match=r"no column 'Amount' in the header row \(row 1 has: Title, #REF!\)"
    ):
        workbook.table("Projects", required=("title", "amount"), keep_errors=True)
