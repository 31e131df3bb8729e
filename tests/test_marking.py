"""Business marked exempt where packbuilder does not read it (`packbuilder.marking`), on sheet
Agenda and sheet Minutes alike, and a minute's Public summary that leaks or is left over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from packbuilder import exemption
from packbuilder.build import build
from packbuilder.errors import PackError
from packbuilder.kinds.minutes import pasted
from tests.factory import AGENDA_HEADER, make_meeting
from tests.test_exemption import load_errors
from tests.test_minutes import load
from tests.test_minutes_part2 import PUBLIC, _workbook

MARKING_HEADINGS = [
    "Part B",
    "Closed session",
    "Closed",
    "In camera",
    "Pink paper",
    "NFP",
    "Confidential",
    "Not for publication",
    "Private business",
    "Restricted",
    "Private",
]
PLAIN_HEADINGS = ["Status", "Notes", "Decision required", "Public questions", "Closing narrative"]


@pytest.mark.parametrize("heading", MARKING_HEADINGS)
def test_a_heading_naming_exempt_or_closed_business_marks_rows(heading: str) -> None:
    assert exemption.marks_column(heading)


@pytest.mark.parametrize("heading", PLAIN_HEADINGS)
def test_other_headings_do_not(heading: str) -> None:
    assert not exemption.marks_column(heading)


MARKINGS = [
    "exempt",
    "Exempt",
    "Part II - exempt para 3",
    "confidential",
    "not for publication",
    "closed session",
    "Part B",
    "NFP",
    "Exempt under paragraph 3",
    "Confidential: commercial",
]
NOT_MARKINGS = [
    "Exempt accommodation review",
    "The report is exempt",
    "Private sector housing",
    "Exclusion of the press and public",
    "Yes",
    "3",
    "Part 2 of the Local Plan",
]


@pytest.mark.parametrize("value", MARKINGS)
def test_a_value_that_is_or_starts_with_a_marking_is_one(value: str) -> None:
    assert exemption.marking(value, anywhere=False)


@pytest.mark.parametrize("value", NOT_MARKINGS)
def test_free_text_mentioning_the_word_is_not(value: str) -> None:
    assert exemption.marking(value, anywhere=False) is None


# --- sheet Minutes -----------------------------------------------------------------------------

EXEMPT_ROW = (
    51,
    "Millbay lease",
    "The board considered the three bids from Zanzibarcorp, Quixotic Holdings and Marrowfield "
    "Ltd. Zanzibarcorp offered 412,977 pounds.",
    "- the Zanzibarcorp bank guarantee\n- Quixotic Holdings insolvency risk",
    "The Chair thanked Xanthippe Flobbert for the Zanzibarcorp analysis.",
    "- Zanzibarcorp is preferred bidder at 412,977 pounds",
    3,
    "The board agreed a preferred bidder for the Millbay lease.",
)


def _minutes(tmp_path: Path, row: tuple[Any, ...], **cells: Any) -> Path:
    path = _workbook(tmp_path / "m.xlsx", [*PUBLIC, row])
    wb = load_workbook(path)
    ws = wb["Minutes"]
    for where, value in cells.items():
        ws[where] = value
    wb.save(path)
    return path


def _refused(path: Path) -> str:
    with pytest.raises(PackError) as caught:
        load(path)
    return str(caught.value)


@pytest.mark.parametrize("heading", MARKING_HEADINGS)
@pytest.mark.parametrize("value", ["Yes", 3])
def test_a_minutes_column_marking_exempt_under_another_heading_is_refused(
    tmp_path: Path, heading: str, value: object
) -> None:
    """The Exempt paragraph column headed as clerks do: nothing read, so refused at its
    heading, saying what to do."""
    row = (*EXEMPT_ROW[:6], value, None)
    said = _refused(_minutes(tmp_path, row, G1=heading))
    assert f"m.xlsx, sheet Minutes, cell G1: the column {heading!r} looks as if it marks " in said
    assert "rename the column 'Exempt paragraph' and put the paragraph number" in said


@pytest.mark.parametrize("heading", ["Status", "Notes", ""])
@pytest.mark.parametrize("value", ["exempt", "Part II - exempt para 3", "closed session"])
def test_a_marking_typed_in_an_unread_minutes_column_is_refused(
    tmp_path: Path, heading: str, value: str
) -> None:
    row = (*EXEMPT_ROW[:6], None, None, value)
    said = _refused(_minutes(tmp_path, row, I1=heading or None))
    assert "sheet Minutes, cell I5: " in said and f"says {value!r} here" in said


def test_a_marked_minute_may_say_so_again_and_free_text_may_mention_it(tmp_path: Path) -> None:
    exclusion = (51, "Exclusion of the press and public", "The report is exempt.", "", "", "")
    path = _workbook(
        tmp_path / "m.xlsx", [*PUBLIC, (*exclusion, None, None), (52, *EXEMPT_ROW[1:], "exempt")]
    )
    wb = load_workbook(path)
    wb["Minutes"]["I1"] = "Status"
    wb.save(path)
    loaded = load(path)
    assert loaded.data.minutes[-1].exempt


def test_a_public_summary_without_an_exempt_paragraph_is_refused(tmp_path: Path) -> None:
    row = (*EXEMPT_ROW[:6], None, EXEMPT_ROW[7])
    said = _refused(_minutes(tmp_path, row))
    assert "sheet Minutes, cell H5: minute 51 has a Public summary but no exempt paragraph" in said
    assert said.rstrip().endswith("or clear the summary")


SUMMARIES = {
    "the narrative": EXEMPT_ROW[2],
    "resolution 1": "Zanzibarcorp is preferred bidder at 412,977 pounds.",
    "the discussion": "The board discussed the Zanzibarcorp bank guarantee and more.",
}


@pytest.mark.parametrize("part, summary", SUMMARIES.items(), ids=SUMMARIES.keys())
def test_a_public_summary_pasted_from_its_minute_is_refused(
    tmp_path: Path, part: str, summary: str
) -> None:
    said = _refused(_minutes(tmp_path, (*EXEMPT_ROW[:7], summary)))
    assert f"sheet Minutes, cell H5: the Public summary of minute 51 repeats {part} of" in said


def test_a_genuine_summary_reusing_a_few_words_is_published(tmp_path: Path) -> None:
    loaded = load(_minutes(tmp_path, EXEMPT_ROW))
    assert [b.text for b in loaded.data.minutes[-1].narrative] == [EXEMPT_ROW[7]]


@pytest.mark.parametrize(
    "summary, part, refused",
    [
        ("The Chair thanked officers.", "The Chair thanked Xanthippe Flobbert for it.", False),
        ("A preferred bidder was agreed.", "Zanzibarcorp is preferred bidder at 3 pounds", False),
        (
            "So: one two three four five six seven eight.",
            "one two three four five six seven eight nine",
            True,
        ),
        ("Noted the bank guarantee risk.", "the bank guarantee risk", True),
        ("It was noted.", "Noted.", False),
    ],
)
def test_pasted_is_a_run_of_eight_words_or_a_whole_short_part(
    summary: str, part: str, refused: bool
) -> None:
    assert (pasted(summary, part) is not None) is refused


def test_each_part_of_an_exempt_minute_is_exempt_text_of_its_own(tmp_path: Path) -> None:
    members = load(_minutes(tmp_path, EXEMPT_ROW)).members
    withheld = {w.what: w.text for w in members.withheld()}
    assert withheld["resolution 1 of minute 51"] == EXEMPT_ROW[5][2:]
    assert withheld["the narrative of minute 51"] == EXEMPT_ROW[2]
    assert withheld["a point of the discussion of minute 51"] == "Quixotic Holdings insolvency risk"
    assert "minute 51" in withheld  # (and the whole, as before)


# --- sheet Agenda ------------------------------------------------------------------------------


def _agenda(tmp_path: Path, heading: str, value: object, *, column: str | None = None) -> Path:
    header = [*AGENDA_HEADER, (column if column not in AGENDA_HEADER else None) or heading]
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Minutes"}, {"title": "Contract award", "papers": ["award.pdf"]}],
        papers={"award.pdf": 1},
        header=header,
    )
    wb = load_workbook(folder / "meeting.xlsx")
    ws = wb["Agenda"]
    index = header.index(column) + 1 if column else len(header)
    if not header[-1]:
        ws.delete_cols(len(header))
    ws.cell(row=3, column=index, value=value)
    wb.save(folder / "meeting.xlsx")
    return folder


@pytest.mark.parametrize("heading", MARKING_HEADINGS)
def test_an_agenda_column_marking_exempt_under_another_heading_is_refused(
    tmp_path: Path, heading: str
) -> None:
    """No Part II heading row needed: the column alone is refused."""
    errors = load_errors(_agenda(tmp_path, heading, "Yes"))
    assert any(
        f"sheet Agenda, cell {chr(64 + len(AGENDA_HEADER) + 1)}1: the column {heading!r} looks "
        "as if it marks items exempt" in e
        for e in errors
    ), errors


@pytest.mark.parametrize("column", ["Notes", "Purpose", "Lead"])
@pytest.mark.parametrize("value", ["exempt", "confidential", "Part II - exempt para 3"])
def test_a_marking_typed_in_a_column_read_for_something_else_is_refused(
    tmp_path: Path, column: str, value: str
) -> None:
    errors = load_errors(_agenda(tmp_path, "", value, column=column))
    assert len(errors) == 1, errors
    assert "which packbuilder reads for something else," in errors[0]
    assert f"says {value!r} here, as if the item were exempt" in errors[0]


def test_a_purpose_that_mentions_an_exempt_report_is_not_refused(tmp_path: Path) -> None:
    from packbuilder.meeting import load_meeting

    folder = _agenda(tmp_path, "", "To note that the appendix is exempt", column="Purpose")
    load_meeting(folder)


# --- end to end --------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_part_b_column_stops_the_build_and_publishes_nothing(tmp_path: Path, libreoffice) -> None:  # type: ignore[no-untyped-def]
    folder = make_meeting(
        tmp_path / "meeting",
        items=[{"title": "Minutes of the last meeting", "papers": ["minutes.xlsx"]}],
    )
    path = _workbook(folder / "minutes.xlsx", [*PUBLIC, (*EXEMPT_ROW[:6], "Yes", None)])
    wb = load_workbook(path)
    wb["Minutes"]["G1"] = "Part B"
    wb.save(path)
    with pytest.raises(PackError, match=r"cell G1: the column 'Part B' looks as if it marks"):
        build(folder, tmp_path / "out", converter=libreoffice)
    assert not (tmp_path / "out" / "public").exists()


@pytest.mark.libreoffice
def test_a_public_report_quoting_one_resolution_of_an_exempt_minute_is_refused(
    tmp_path: Path, libreoffice
) -> None:  # type: ignore[no-untyped-def]
    """Each part of an exempt minute is exempt text of its own: a report holding only its
    resolution (a small share of the whole minute) is refused, and nothing is published."""
    from docx import Document

    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes.xlsx"]},
            {"title": "Property update", "papers": ["update.docx"]},
        ],
    )
    _workbook(folder / "minutes.xlsx", [*PUBLIC, EXEMPT_ROW])
    doc = Document()
    doc.add_paragraph("Property update for the board.")
    doc.add_paragraph(
        "Last time the board resolved that Zanzibarcorp is preferred bidder at 412,977 pounds."
    )
    doc.save(folder / "update.docx")
    with pytest.raises(PackError) as caught:
        build(folder, tmp_path / "out", converter=libreoffice)
    assert (
        "paper 'update.docx' of item 2 holds all of the text of resolution 1 of minute 51 of "
        "'minutes.xlsx'"
    ) in str(caught.value)
    assert not (tmp_path / "out" / "public").exists()
