"""Nothing meant as exempt is published because packbuilder did not understand how it was written.

A clerk marks an item exempt in the Agenda sheet's exempt column, by a Part II heading above it, or
in its own words ("Millbay lease (Part II - confidential)"). Each way is either understood, or
refused with the cell to correct, or (where the words are as often public business) pointed out
with a warning. These tests write the meeting folder each way and load it as `check`, `build` and
the web page do (`load_meeting`); two build it end to end with the real LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from packbuilder.errors import ErrorList, PackError
from packbuilder.meeting import load_meeting
from packbuilder.model import Exemption
from tests.factory import AGENDA_HEADER, make_meeting, run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "2020-03-05-safer-plymouth"
EXEMPT_COLUMN = "H1"  # where AGENDA_HEADER puts "Exempt paragraph"


def messages(exc: PackError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, ErrorList) else [exc])]


def with_heading(heading: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [heading if h == "Exempt paragraph" else h for h in AGENDA_HEADER] + list(extra)


def meeting_with(tmp_path: Path, heading: str, value: object = 3, **kw: object) -> Path:
    """Item 1 public, item 2 exempt (paragraph `value`) under the exempt column headed `heading`."""
    return make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Millbay lease", "papers": ["lease.pdf"], heading.lower(): value},
        ],
        papers={"minutes.pdf": 1, "lease.pdf": 1},
        header=with_heading(heading, kw.pop("extra", ())),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def load_errors(folder: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_meeting(folder)
    return messages(info.value)


# --- the exempt column's heading ---------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Exempt paragraph",
        "EXEMPT PARAGRAPH",
        " Exempt  paragraph ",
        "Exempt paragraph:",
        "Exempt",
        "Exempt?",
        "Exempt para.",
        "Exempt (para)",
        "Exempt para no.",
        "Exemption",
        "Exemption paragraph",
        "Exempt paragraph (Schedule 12A)",
        "Exempt paragraph (Sch. 12A)",
        "Schedule 12A",
        "Schedule 12A paragraph",
        "Sch 12A para",
        "Para (Sch 12A)",
        "Paragraph of Schedule 12A",
        "Part II",
        "Part II para",
        "Part II paragraph",
        "Part 2 paragraph",
        "Exempt information paragraph",
    ],
)
def test_the_ways_a_clerk_heads_the_exempt_column_are_understood(tmp_path, heading):
    meeting = load_meeting(meeting_with(tmp_path, heading))
    assert [i.exemption for i in meeting.items] == [None, Exemption((3,))]
    assert not [w for w in meeting.warnings() if "not read" in w]


@pytest.mark.parametrize(
    "heading",
    [
        "Para",
        "Paragraph",
        "Confidential",
        "Restricted",
        "Private",
        "Not for publication",
        "Confidential (para)",
        "Exempt (Y/N)",
        "Exempt reason",
        "Part",
        "Publish?",
        "Public / private",
        "Reason for exclusion",
    ],
)
def test_a_heading_about_exemption_that_is_not_understood_is_refused(tmp_path, heading):
    """Its column would not be read, and its items' papers would be published."""
    errors = load_errors(meeting_with(tmp_path, heading, value="Y"))
    assert len(errors) == 1, errors
    assert f"sheet Agenda, cell {EXEMPT_COLUMN}: " in errors[0]
    assert repr(heading.strip()) in errors[0]
    assert "'Exempt paragraph'" in errors[0]


def test_the_repro_of_the_trial_refuses_to_check(tmp_path):
    """The new-user trial: the example's exempt column renamed "Exemption" was silently not
    read; now it is read (item 9 stays exempt); "Confidential" is refused by `check`."""
    for heading, ok in (("Exemption", True), ("Confidential", False)):
        folder = tmp_path / heading / "m"
        shutil.copytree(EXAMPLE, folder)
        wb = load_workbook(folder / "meeting.xlsx")
        assert wb["Agenda"][EXEMPT_COLUMN].value == "Exempt paragraph"
        wb["Agenda"][EXEMPT_COLUMN] = heading
        wb.save(folder / "meeting.xlsx")
        if ok:
            exempt = [i.number for i in load_meeting(folder).items if i.exempt]
            assert exempt == ["9"]
            continue
        result = run_cli("check", "m", cwd=folder.parent)
        assert result.returncode == 1
        assert "all inputs look right" not in result.stdout
        assert f"sheet Agenda, cell {EXEMPT_COLUMN}" in result.stdout + result.stderr


def test_two_exempt_columns_are_refused(tmp_path):
    """Which one is meant cannot be told: the one not read might hold the paragraph."""
    folder = meeting_with(tmp_path, "Exempt paragraph", extra=("Schedule 12A",))
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert "sheet Agenda, cell J1:" in errors[0] and "H1" in errors[0]


def test_another_unknown_heading_is_a_warning_naming_its_cell(tmp_path):
    """An advisor's own column (notes to self, who sent the paper) must not stop a build; the
    warning says it is not read, in case it was meant for the pack."""
    folder = meeting_with(tmp_path, "Exempt paragraph", extra=("Officer's notes",))
    meeting = load_meeting(folder)
    assert [i.exemption for i in meeting.items] == [None, Exemption((3,))]
    [warning] = [w for w in meeting.warnings() if "not read" in w]
    assert "sheet Agenda, cell J1" in warning and '"Officer\'s notes"' in warning


def test_a_column_headed_twice_is_a_warning(tmp_path):
    folder = meeting_with(tmp_path, "Exempt paragraph", extra=("Lead",))
    [warning] = [w for w in load_meeting(folder).warnings() if "not read" in w]
    assert "cell J1" in warning and "C1" in warning


# --- what an item's own words say ----------------------------------------------------------------


def item_with(tmp_path: Path, **cells: object) -> Path:
    header = [*AGENDA_HEADER, "Notes"]
    return make_meeting(
        tmp_path / "m",
        items=[{"title": "Minutes"}, {"title": "Report", "papers": ["r.pdf"], **cells}],
        papers={"r.pdf": 1},
        header=header,
    )


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("title", "Millbay lease (Part II - confidential)"),
        ("title", "Millbay lease - NOT FOR PUBLICATION"),
        ("title", "EXEMPT: Millbay lease"),
        ("title", "Millbay lease (exempt)"),
        ("title", "Millbay lease [Confidential]"),
        ("title", "Millbay lease – Exempt"),
        ("title", "Millbay lease: exempt information"),
        ("title", "Millbay lease (Schedule 12A, para 3)"),
        ("title", "Millbay lease - private and confidential"),
        ("title", "Millbay lease (Part II)"),
        ("title", "Part II - Millbay lease"),
        ("title", "Confidential report: Millbay lease"),
        ("purpose", "To consider the exempt report on the lease"),
        ("purpose", "Not for publication by virtue of paragraph 3"),
        ("notes", "Appendix 2 is not for publication"),
        ("status", "exempt"),
        ("status", "Part II"),
        ("status", "confidential"),
    ],
)
def test_an_item_that_says_it_is_exempt_without_a_paragraph_is_refused(tmp_path, column, text):
    errors = load_errors(item_with(tmp_path, **{column: text}))
    assert len(errors) == 1, errors
    cell = {"title": "B3", "purpose": "D3", "status": "G3", "notes": "J3"}[column]
    assert f"sheet Agenda, cell {cell}: " in errors[0]
    assert "Exempt paragraph" in errors[0]


@pytest.mark.parametrize(
    "title",
    [
        "Exempt accommodation review",
        "Whistleblowing and confidential reporting policy",
        "Joint Local Plan Part 2",
        "Private hire licensing: exemption requests",
    ],
)
def test_words_as_often_public_are_a_warning(tmp_path, title):
    """Real public items: refusing them would stop the build of a correct pack; a warning names
    the cell, and an explicit "no" in the exempt column says it is public and silences it."""
    meeting = load_meeting(item_with(tmp_path, title=title))
    [warning] = [w for w in meeting.warnings() if "no exempt paragraph" in w]
    assert "sheet Agenda, cell B3" in warning
    for public in ("no", "None", "-", "N/A", "public"):
        quiet = load_meeting(item_with(tmp_path, title=title, **{"exempt paragraph": public}))
        assert not [w for w in quiet.warnings() if "no exempt paragraph" in w], public
        assert not quiet.items[1].exempt


@pytest.mark.parametrize(
    "title",
    [
        "Private sector housing",
        "Non-exempt items review",
        "Budget",
        "Partnership update",
        "Officer sensitivity training",
        "Route 12 and 100 bus services",
        "A12A road safety scheme",
    ],
)
def test_ordinary_titles_say_nothing(tmp_path, title):
    meeting = load_meeting(item_with(tmp_path, title=title))
    assert not [w for w in meeting.warnings() if "exempt" in w]


def test_an_item_with_its_paragraph_may_say_so_in_its_title(tmp_path):
    meeting = load_meeting(
        item_with(tmp_path, title="Millbay lease (Part II)", **{"exempt paragraph": 3})
    )
    assert meeting.items[1].exemption == Exemption((3,))
    assert not [w for w in meeting.warnings() if "exempt" in w]


# --- Part II headings, and the Meeting sheet ------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Confidential",
        "PRIVATE AND CONFIDENTIAL",
        "Exclusion of press and public",
        "Part-II",
        "Restricted items",
        "Schedule 12A items",
        "Items containing exempt information",
        # (a second review's)
        "In private",
        "Items which may be considered in private",
        "Closed items",
        "Pt. 2",
        "Part ll",
        "The press and public are likely to be excluded for the following items",
        # (a third review's)
        "Restricted",
        "Commercial in confidence",
        "Commercially sensitive items",
        "Pink papers",
        "OFFICIAL-SENSITIVE",
        "Schedule 12A",
        "Confidential annexes",
        "Private Meeting",
        # (a fourth review's)
        "Press and Public Excluded",
        "Public excluded",
        "Not for press or public",
        "Private Section",
        "Closed part of the meeting",
        "Private & Confidential",
        "Exempt Agenda",
        "Confidential Minutes",
    ],
)
def test_more_part_two_headings_are_read(tmp_path, heading):
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": None, "title": heading},
            {"item": 1, "title": "Lease", "papers": ["a.pdf"]},
        ],
        papers={"a.pdf": 1},
    )
    assert any("has no exempt paragraph" in e for e in load_errors(folder))


@pytest.mark.parametrize(
    "sub_heading",
    [
        "Reports for decision",
        # (a reviewer's: words that only look like readmission or Part I)
        "Hospital readmissions contract",
        "Leisure contract part 1: the bids",
        "Part 1 of the Local Plan",
        "Part A: bids received",
        "Open items from the last private meeting",
        "Hospital readmissions: public health data",
        "Non-exempt appendices to the lease report",
        "Public business rates appeals",
        "Part One - the tenders",
        "Open session minutes: exempt",
        "Public part of the lease",
    ],
)
def test_part_two_holds_past_a_sub_heading_until_public_business_resumes(tmp_path, sub_heading):
    """After the resolution to exclude the press and public, the rest of the meeting is in
    private until a heading says public business resumes; a sub-heading ("Reports for decision")
    under Part II does not end it."""
    items = [
        {"item": None, "title": "Part \u2161: items not for publication"},
        {"item": 1, "title": "Lease", "papers": ["a.pdf"], "exempt paragraph": 3},
        {"item": None, "title": sub_heading},
        {"item": 2, "title": "Tender award", "papers": ["b.pdf"]},
        {"item": None, "title": "Part I: public business"},
        {"item": 3, "title": "Dates of future meetings"},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1, "b.pdf": 1})
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert "cell A5: item 2 is under the heading" in errors[0]


@pytest.mark.parametrize("field", ["Exempt items", "Part II items", "Confidential items"])
def test_a_meeting_field_listing_exempt_items_is_refused(tmp_path, field):
    """Any other field of sheet Meeting is printed on the frontsheet: "Exempt items: 2" would be
    published, and item 2 with it."""
    folder = meeting_with(tmp_path, "Exempt paragraph", value=None, fields={field: "2"})
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert "sheet Meeting, cell A" in errors[0] and "Exempt paragraph" in errors[0]


# --- end to end --------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(path).pages).split())


@pytest.mark.libreoffice
def test_an_exempt_column_headed_otherwise_keeps_the_paper_out_of_the_public_pack(
    tmp_path,
    libreoffice,  # noqa: ARG001
):
    meeting_with(tmp_path, "Para (Sch 12A)")
    result = run_cli("build", "m", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [public] = (tmp_path / "out" / "public").glob("*.pdf")
    [private] = (tmp_path / "out" / "private").glob("*.pdf")
    assert "minutes page 1" in pdf_text(public)
    assert "lease page 1" not in pdf_text(public)
    assert "lease page 1" in pdf_text(private)


@pytest.mark.libreoffice
def test_a_title_saying_part_two_builds_nothing(tmp_path, libreoffice):  # noqa: ARG001
    make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Millbay lease (Part II - confidential)", "papers": ["lease.pdf"]},
        ],
        papers={"minutes.pdf": 1, "lease.pdf": 1},
    )
    result = run_cli("build", "m", "--output", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "sheet Agenda, cell B3" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_only_public_typed_on_purpose_answers_a_refusal(tmp_path: Path) -> None:
    """ "Freedom of Information: exempt information requests" is a public item: "public" in its
    exempt cell says so; "no", which a column may hold beforehand, does not."""
    from packbuilder.errors import PackError
    from packbuilder.meeting import load_meeting

    title = "Freedom of Information: exempt information requests"
    for said, refused in (("public", False), ("Public ", False), ("no", True), (None, True)):
        folder = make_meeting(
            tmp_path / f"m-{said}",
            items=[{"title": title, "exempt paragraph": said}],
        )
        try:
            load_meeting(folder)
        except PackError as exc:
            assert refused, exc
            assert "type public there" in str(exc)
        else:
            assert not refused, said


# --- a second review: public agendas refused, exempt items published ---------------------------


@pytest.mark.parametrize(
    "heading", ["Public questions", "Date published", "Supporting information", "Press release"]
)
def test_headings_of_public_agendas_are_only_pointed_out(tmp_path, heading):
    """Columns public agendas have: not read, said so, and the build goes on."""
    meeting = load_meeting(meeting_with(tmp_path, "Exempt paragraph", extra=(heading,)))
    assert any(f"column {heading!r} is not read" in w for w in meeting.warnings())


@pytest.mark.parametrize(
    ("heading", "value"),
    [
        ("Access", "Exempt - para 3"),
        ("Session", "Private"),
        ("Category", "Part II"),
        ("", "Closed"),
    ],
)
def test_an_unread_column_whose_cell_says_exempt_is_refused(tmp_path, heading, value):
    """Whatever its heading (or none), a column packbuilder does not read that marks an item
    exempt would publish it: refused at that cell."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Minutes"}, {"title": "Millbay lease", "papers": ["lease.pdf"]}],
        papers={"lease.pdf": 1},
        header=[*AGENDA_HEADER, heading],
    )
    wb = load_workbook(folder / "meeting.xlsx")
    wb["Agenda"].cell(row=3, column=len(AGENDA_HEADER) + 1, value=value)
    wb.save(folder / "meeting.xlsx")
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert f"says {value!r} here, as if the item were exempt" in errors[0]
    assert ("which packbuilder does not read," if heading else "a column with no heading") in (
        errors[0]
    )


@pytest.mark.parametrize(
    "heading",
    [
        "Exempt accommodation",
        "Local Plan Part 2",
        "Part 2 of the Local Plan",
        "Decisions exempt from call-in",
        "Schedule 12A review",
        # (a third review's: public headings read as Part II)
        "Public questions (excluding planning matters)",
        "Growth in private rented housing",
        "Press and public: exclusions from the waste service",
        "Items exempt from call-in",
        "Exempt business rates relief scheme",
        "Exempt information requests: annual report",
    ],
)
def test_public_headings_with_exemption_words_do_not_start_part_two(tmp_path, heading):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"item": None, "title": heading}, {"item": 1, "title": "Update"}],
    )
    assert not load_meeting(folder).items[0].exempt


@pytest.mark.parametrize(
    "resolution",
    [
        "Exclusion of the press and public",
        # (a third review's: the resolution worded otherwise)
        "Exclusion of Press and Public",
        "Exclusion of Public and Press",
        "Exclude press and public",
    ],
)
def test_the_resolution_item_is_public_and_the_items_after_it_are_exempt(tmp_path, resolution):
    """ "Exclusion of the press and public" as a numbered item, in its standard words (which cite
    exempt information and Schedule 12A): public business, not refused; an item after it with
    no paragraph is refused (typing "public" on the resolution published them); a heading
    letting the public back in ends it."""
    purpose = (
        "To consider passing a resolution under Section 100A(4) of the Local Government Act 1972 "
        "to exclude the press and public for the following item on the grounds that it involves "
        "the likely disclosure of exempt information as defined in paragraph 3 of Part 1 of "
        "Schedule 12A to the Act"
    )
    items = [
        {"title": resolution, "purpose": purpose},
        {"title": "DHR chair contract award", "papers": ["a.pdf"]},
        {"item": None, "title": "Re-admission of the press and public"},
        {"title": "Dates of future meetings"},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1})
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert f"item 2 comes after item 1, {resolution!r}" in errors[0]
    wb = load_workbook(folder / "meeting.xlsx")
    wb["Agenda"]["H3"] = 3
    wb.save(folder / "meeting.xlsx")
    meeting = load_meeting(folder)
    assert [i.exempt for i in meeting.items] == [False, True, False]


@pytest.mark.parametrize(
    "title",
    [
        "Review of the exclusion of the press and public protocol",
        "Exclusion of the press and public: protocol review",
        "Report on motions to exclude the public, 2019/20",
    ],
)
def test_a_public_item_only_mentioning_the_exclusion_does_not_start_part_two(tmp_path, title):
    """A public item about the exclusion (its protocol, a report on it) is not the resolution:
    the public items after it were refused as if the press and public had been excluded
    (`agenda.part_two` matched the words anywhere in the title), and a heading's notes after it
    held back from the public pack. Only the resolution itself, titled as such
    (`exemption.RESOLUTION_TITLE`), starts Part II; an exempt item after it is still exempt."""
    from packbuilder import agenda
    from packbuilder.model import AgendaItem

    items = [
        {"title": title, "purpose": "To approve the revised protocol."},
        {"title": "Dates of future meetings"},
        {"title": "DHR chair contract award", "papers": ["a.pdf"], "exempt paragraph": 3},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1})
    meeting = load_meeting(folder)
    assert [i.exempt for i in meeting.items] == [False, False, True]
    under = [u for row, u, _ in agenda.part_two(meeting.agenda_rows) if isinstance(row, AgendaItem)]
    assert under == [None, None, None]


@pytest.mark.parametrize(
    "title",
    [
        "Exclusion of the press and public (Part II)",
        "Exclusion of the press and public - Local Government Act 1972",
        "Exclusion of the Press and Public: Section 100A(4) of the Local Government Act 1972",
        "Exclusion of the press and public under Schedule 12A",
    ],
)
def test_the_resolution_titled_with_its_law_still_starts_part_two(tmp_path, title):
    """The resolution titled with the law it is passed under is the resolution: a public item
    after it with no paragraph is refused, as after any resolution, since the public are out."""
    items = [
        {"title": title},
        {"title": "DHR chair contract award", "papers": ["a.pdf"]},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1})
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert f"item 2 comes after item 1, {title!r}" in errors[0]


@pytest.mark.parametrize(
    "title",
    [
        "Millbay lease (in confidence)",
        "Millbay lease (private report)",
        "Millbay lease (Commercially sensitive)",
        "Millbay lease (Pt II)",
        "Millbay lease (closed session)",
        "Millbay lease (pink papers)",
        "Millbay lease - pink paper",
        "Millbay lease (OFFICIAL-SENSITIVE)",
        "OFFICIAL SENSITIVE: Millbay lease",
        "Millbay lease (12A)",
        "Millbay lease (s.100A(4))",
        "Millbay lease - Section 100A",
    ],
)
def test_more_labels_are_sure(tmp_path, title):
    assert any("says it is exempt" in e for e in load_errors(item_with(tmp_path, title=title)))


def test_increase_in_confidence_is_not_a_label(tmp_path):
    """Seeds 000 and 001 both say "increase in confidence"."""
    purpose = "To note the increase in confidence in reporting hate crime"
    meeting = load_meeting(item_with(tmp_path, purpose=purpose))
    assert not [w for w in meeting.warnings() if "exempt" in w]


@pytest.mark.parametrize(
    "name",
    [
        "EXEMPT - Millbay lease.pdf",
        "Millbay lease (Part II).pdf",
        "Not for publication - valuation.pdf",
    ],
)
def test_a_paper_named_exempt_under_a_public_item_is_refused(tmp_path, name):
    """Its name says what the advisor meant, and would be its bookmark in the public pack."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Minutes"}, {"title": "Millbay lease", "papers": [name]}],
        papers={name: 1},
    )
    errors = load_errors(folder)
    assert any("the papers of item 2 say it is exempt" in e for e in errors), errors


def test_a_sub_item_of_an_exempt_item_must_be_exempt_too(tmp_path):
    """A third review's: 2a under exempt item 2, with no paragraph, had its papers published."""
    items = [
        {"item": 1, "title": "Minutes"},
        {"item": 2, "title": "Lease", "papers": ["a.pdf"], "exempt paragraph": 3},
        {"item": "2a", "title": "Valuation", "papers": ["b.pdf"]},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1, "b.pdf": 1})
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert "cell A4: item 2a is part of item 2, which is exempt" in errors[0]
    wb = load_workbook(folder / "meeting.xlsx")
    wb["Agenda"]["H4"] = 3
    wb.save(folder / "meeting.xlsx")
    assert [i.exempt for i in load_meeting(folder).items] == [False, True, True]


@pytest.mark.parametrize(
    ("column", "text", "detail"),
    [
        ("purpose", "To approve the award to Bidder X Ltd for GBP 2,315,000", "Bidder X Ltd"),
        ("title", "Millbay lease: award at £2,315,000", "£2,315,000"),
        ("purpose", "Valuation of 2,315,000 pounds", "2,315,000 pounds"),
        ("lead", "Head of Property (Plymouth Lettings Limited)", "Plymouth Lettings Limited"),
    ],
)
def test_a_sum_or_a_company_in_an_exempt_items_printed_words_is_pointed_out(
    tmp_path, column, text, detail
):
    """A reviewer's: the public agenda prints an exempt item's title, purpose and lead whole
    (only its papers and notes are held back), and a clerk copies them from the exempt report:
    a warning names the cell and what it gives away. A public item's are not pointed out."""
    meeting = load_meeting(item_with(tmp_path, **{column: text, "exempt paragraph": 3}))
    cell = {"title": "B3", "lead": "C3", "purpose": "D3"}[column]
    [warning] = [w for w in meeting.warnings() if "is exempt, but its" in w]
    assert f"sheet Agenda, cell {cell}: item 2 is exempt, but its {column} names {detail!r}" in (
        warning
    )
    public = load_meeting(item_with(tmp_path, **{column: text}))
    assert not [w for w in public.warnings() if "is exempt, but its" in w]
    plain = load_meeting(item_with(tmp_path, title="Millbay lease", **{"exempt paragraph": 3}))
    assert not [w for w in plain.warnings() if "is exempt, but its" in w]


# --- headings typed with a colon -----------------------------------------------------------------


@pytest.mark.parametrize("notes", ["Notes:", "Notes :", "notes: "])
def test_a_notes_heading_with_a_colon_is_read_without_a_warning(tmp_path, notes):
    """'Notes:' was read as the Notes column and at once said to be 'not read', sending the
    advisor to rename a column that worked."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"item:": 1, "title:": "Minutes", notes.lower(): "Chair to sign"}],
        header=["Item:", "Title:", "Papers:", notes, "Meeting date :"],
        # the factory's own rows left empty, and the same fields labelled with a colon
        fields={"Date": None, "Date:": dt.datetime(2020, 3, 5), "Venue": None, "Venue :": "Room 2"},
    )
    meeting = load_meeting(folder)
    assert [b.text for b in meeting.items[0].notes] == ["Chair to sign"]
    assert meeting.venue == "Room 2"
    unread = [w for w in meeting.warnings() if "not read" in w]
    assert [w for w in unread if f"column {notes!r}" in w] == []
    assert len(unread) == 1 and "'Meeting date :'" in unread[0]  # an unknown heading still is


def test_an_exempt_heading_with_a_colon_is_the_exempt_column(tmp_path):
    folder = meeting_with(tmp_path, "Exempt paragraph:")
    meeting = load_meeting(folder)
    assert [i.exemption for i in meeting.items] == [None, Exemption((3,))]
    assert [w for w in meeting.warnings() if "not read" in w] == []
