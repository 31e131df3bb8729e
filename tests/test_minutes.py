"""Minutes of the last meeting: the workbook loader, the template, a pack built by LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from pypdf import PdfReader

from packbuilder import sheets
from packbuilder.build import build
from packbuilder.documents import load_data_paper
from packbuilder.errors import ErrorList, InputError, PackError, Source
from packbuilder.kinds.minutes import load_minutes
from packbuilder.render import render
from packbuilder.templates import SHIPPED
from tests.factory import make_meeting, write_pdf

TEMPLATE = SHIPPED / "minutes.docx"
NASTY = 'Fish & chips <b>not bold</b> "quoted" {{ x }} {% if %}'

MEETING = [
    ("Body", "Test Community Safety Partnership"),
    ("Date", dt.datetime(2019, 9, 30)),
    ("Start time", dt.time(14, 0)),
    ("Finish time", dt.time(16, 30)),
    ("Venue", "Room 2, Guildhall"),
]
ATTENDANCE_HEADER = ["Name", "Role", "Organisation", "Attendance", "Chair"]
ATTENDANCE = [
    ("Priya Member", "Manager", "Probation", "present", ""),
    ("Colin Chair", "Chief Superintendent", "Police", "present", "yes"),
    ("Ann Apology", "", "Fire Service", "apologies", ""),
    ("Otto Officer", "Democratic Advisor", "Council", "in attendance", ""),
    ("Abe Absent", "", "Health", "absent", ""),
]
MINUTES_HEADER = [
    "Number",
    "Heading",
    "Narrative",
    "Members discussed",
    "Closing narrative",
    "It was agreed that",
]
MINUTES = [
    (48, "Welcome", "The Chair welcomed everyone.\n\nApologies were noted.", "", "", ""),
    (
        49,
        "Strategic assessment",
        "The analyst presented the assessment.",
        "- hate crime reporting;\n- cyber-crime",
        "The Chair thanked the analyst.",
        "- the assessment is signed off;\n- the plan is refreshed",
    ),
    (50, "Any other business", "None.", "", "", "- the next agenda is circulated early"),
]
ACTIONS_HEADER = ["Minute", "Action", "Owner", "Due date", "Status"]
ACTIONS = [
    (49, "Publish the assessment", "Ann Analyst", dt.datetime(2019, 10, 31), ""),
    (50, "Circulate the agenda", "Otto Officer", dt.datetime(2020, 2, 20), "Done"),
]
FUTURE = [(dt.datetime(2020, 3, 5), dt.time(13, 0), "Warspite Room")]


def write_minutes(
    path: Path,
    *,
    meeting: list[tuple[str, Any]] | None = None,
    attendance: list[tuple[Any, ...]] | None = None,
    minutes: list[tuple[Any, ...]] | None = None,
    actions: list[tuple[Any, ...]] | None = None,
    actions_header: list[str] | None = None,
    without: str | None = None,
) -> Path:
    """A minutes workbook; every argument defaults to the small valid meeting above."""
    wb = Workbook()
    sheets_ = {
        "Document": (["Field", "Value"], [("Kind", "minutes")]),
        "Meeting": (["Field", "Value"], MEETING if meeting is None else meeting),
        "Attendance": (ATTENDANCE_HEADER, ATTENDANCE if attendance is None else attendance),
        "Minutes": (MINUTES_HEADER, MINUTES if minutes is None else minutes),
        "Actions": (actions_header or ACTIONS_HEADER, ACTIONS if actions is None else actions),
        "Future meetings": (["Date", "Time", "Venue"], FUTURE),
    }
    wb.remove(wb.active)
    for name, (header, rows) in sheets_.items():
        if name == without:
            continue
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def load(path: Path):  # type: ignore[no-untyped-def]
    return load_minutes(sheets.Workbook(path))


# --- the loader ----------------------------------------------------------------------------------


def test_loads_attendance_chair_first_and_grouped(tmp_path: Path) -> None:
    minutes = load(write_minutes(tmp_path / "m.xlsx")).data
    assert [p.name for p in minutes.present] == ["Colin Chair", "Priya Member"]
    assert minutes.present[0].chair and not minutes.present[1].chair
    assert minutes.present[0].line == "Colin Chair, Chief Superintendent, Police"
    assert [p.line for p in minutes.apologies] == ["Ann Apology, Fire Service"]
    assert [p.name for p in minutes.in_attendance] == ["Otto Officer"]
    assert [p.name for p in minutes.absent] == ["Abe Absent"]
    assert (minutes.start, minutes.finish) == (dt.time(14, 0), dt.time(16, 30))


def test_loads_minutes_with_their_actions_and_the_log(tmp_path: Path) -> None:
    loaded = load(write_minutes(tmp_path / "m.xlsx"))
    minutes = loaded.data
    assert [m.number for m in minutes.minutes] == [48, 49, 50]
    m49 = minutes.minutes[1]
    assert m49.discussed == ("hate crime reporting;", "cyber-crime")
    assert m49.agreed == ("the assessment is signed off;", "the plan is refreshed")
    assert [b.text for b in minutes.minutes[0].narrative] == [
        "The Chair welcomed everyone.",
        "Apologies were noted.",
    ]
    assert [(a.text, a.owner, a.due) for a in m49.actions] == [
        ("Publish the assessment", "Ann Analyst", dt.date(2019, 10, 31))
    ]
    assert [(a.minute, a.status) for a in minutes.actions] == [(49, "Open"), (50, "Done")]
    assert minutes.future_meetings[0].date == dt.date(2020, 3, 5)
    assert loaded.warnings == ()
    # every row keeps where it was typed, for later stages' messages
    assert (m49.source.sheet, m49.source.cell) == ("Minutes", "A3")
    assert (m49.actions[0].source.sheet, m49.actions[0].source.cell) == ("Actions", "A2")
    chair = minutes.present[0]  # listed first, typed on the second row
    assert (chair.source.sheet, chair.source.cell) == ("Attendance", "A3")
    assert "30 September 2019" in loaded.title


Rows = list[tuple[Any, ...]]


def _replace(rows: Rows, index: int, column: int, value: Any) -> Rows:
    out = [list(r) for r in rows]
    out[index][column] = value
    return [tuple(r) for r in out]


BAD = {
    "due date not a date": (
        dict(actions=_replace(ACTIONS, 0, 3, "next meeting")),
        "Actions",
        "D2",
        "due date",
    ),
    "attendance not one of four": (
        dict(attendance=_replace(ATTENDANCE, 2, 3, "sent regrets")),
        "Attendance",
        "D4",
        "present, apologies, in attendance or absent",
    ),
    "attendance empty": (
        dict(attendance=_replace(ATTENDANCE, 0, 3, None)),
        "Attendance",
        "D2",
        "attendance is empty",
    ),
    "minute number repeats": (
        dict(minutes=_replace(MINUTES, 1, 0, 48), actions=[]),
        "Minutes",
        "A3",
        "repeats minute 48",
    ),
    "minute number goes backwards": (
        dict(minutes=_replace(MINUTES, 2, 0, 47), actions=[]),
        "Minutes",
        "A4",
        "goes backwards",
    ),
    "minute number not a number": (
        dict(minutes=_replace(MINUTES, 0, 0, "forty-eight"), actions=[]),
        "Minutes",
        "A2",
        "minute number",
    ),
    "heading empty": (dict(minutes=_replace(MINUTES, 1, 1, None)), "Minutes", "B3", "no heading"),
    "action for a minute that does not exist": (
        dict(actions=_replace(ACTIONS, 1, 0, 51)),
        "Actions",
        "A3",
        "no minute 51",
    ),
    "action text empty": (dict(actions=_replace(ACTIONS, 0, 1, None)), "Actions", "B2", "empty"),
    "two chairs": (
        dict(attendance=_replace(ATTENDANCE, 0, 4, "yes")),
        "Attendance",
        "E3",
        "so is the person in cell E2",
    ),
    "chair sent apologies": (
        dict(attendance=_replace(ATTENDANCE, 1, 3, "apologies")),
        "Attendance",
        "E3",
        "chair must be present",
    ),
    "chair column not yes": (
        dict(attendance=_replace(ATTENDANCE, 0, 4, "maybe")),
        "Attendance",
        "E2",
        "'yes', 'no' or blank",
    ),
    "finish time not a time": (
        dict(meeting=[*MEETING[:3], ("Finish time", "teatime"), *MEETING[4:]]),
        "Meeting",
        "B5",
        "finished",
    ),
    "finish before start": (
        dict(meeting=[*MEETING[:3], ("Finish time", dt.time(13, 0)), *MEETING[4:]]),
        "Meeting",
        "B5",
        "the finish time 13:00 is not after the start time",
    ),
}


@pytest.mark.parametrize("change, sheet, cell, words", BAD.values(), ids=BAD.keys())
def test_bad_input_names_workbook_sheet_and_cell(
    tmp_path: Path, change: dict[str, Any], sheet: str, cell: str, words: str
) -> None:
    path = write_minutes(tmp_path / "minutes-bad.xlsx", **change)
    with pytest.raises(InputError) as info:
        load(path)
    err = info.value
    assert err.source is not None
    assert (Path(err.source.file).name, err.source.sheet, err.source.cell) == (
        "minutes-bad.xlsx",
        sheet,
        cell,
    )
    assert words in err.message
    assert f"minutes-bad.xlsx, sheet {sheet}, cell {cell}: " in str(err)


@pytest.mark.parametrize(
    "missing", ["Meeting", "Attendance", "Minutes", "Actions", "Future meetings"]
)
def test_missing_sheet_is_named(tmp_path: Path, missing: str) -> None:
    with pytest.raises(InputError, match=f"no sheet named '{missing}'"):
        load(write_minutes(tmp_path / "m.xlsx", without=missing))


def test_missing_column_names_the_sheet(tmp_path: Path) -> None:
    header = ["Minute", "Action", "Who", "Due date", "Status"]
    with pytest.raises(InputError) as info:
        load(write_minutes(tmp_path / "m.xlsx", actions_header=header))
    assert info.value.source is not None and info.value.source.sheet == "Actions"
    assert "'owner'" in info.value.message.lower()


def test_every_problem_of_the_workbook_is_reported_at_once(tmp_path: Path) -> None:
    path = write_minutes(
        tmp_path / "m.xlsx",
        attendance=_replace(ATTENDANCE, 1, 3, "late"),
        actions=_replace(ACTIONS, 1, 3, "soon"),
    )
    with pytest.raises(ErrorList) as info:
        load(path)
    assert sorted(
        (e.source.sheet, e.source.cell)
        for e in info.value.errors  # type: ignore[union-attr]
    ) == [("Actions", "D3"), ("Attendance", "D3")]


def test_action_without_owner_is_a_warning_naming_the_cell(tmp_path: Path) -> None:
    loaded = load(write_minutes(tmp_path / "m.xlsx", actions=_replace(ACTIONS, 1, 2, None)))
    assert len(loaded.warnings) == 1
    assert "sheet Actions, cell C3" in loaded.warnings[0] and "no owner" in loaded.warnings[0]
    assert loaded.data.actions[1].owner == ""


def test_nobody_marked_chair_is_a_warning(tmp_path: Path) -> None:
    loaded = load(write_minutes(tmp_path / "m.xlsx", attendance=_replace(ATTENDANCE, 1, 4, None)))
    assert any("nobody is marked as chair" in w for w in loaded.warnings)


def test_typed_numbers_in_points_become_list_numbers(tmp_path: Path) -> None:
    minutes = _replace(MINUTES, 1, 5, "(1) the assessment is signed off\n(2) the plan is refreshed")
    loaded = load(write_minutes(tmp_path / "m.xlsx", minutes=minutes))
    # the template's List Number style numbers them; the typed numbers are not printed twice
    agreed = [m.agreed for m in loaded.data.minutes if m.agreed]
    assert ("the assessment is signed off", "the plan is refreshed") in agreed
    assert not any("typed number" in w for w in loaded.warnings)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=6))
def test_minute_numbers_must_strictly_increase(tmp_path: Path, numbers: list[int]) -> None:
    rows = [(n, f"Heading {i}", "", "", "", "") for i, n in enumerate(numbers)]
    path = write_minutes(tmp_path / "m.xlsx", minutes=rows, actions=[])
    first_bad = next((i for i in range(1, len(numbers)) if numbers[i] <= numbers[i - 1]), None)
    if first_bad is None:
        assert [m.number for m in load(path).data.minutes] == numbers
    else:
        with pytest.raises(PackError) as info:
            load(path)
        errors = info.value.errors if isinstance(info.value, ErrorList) else [info.value]
        assert errors[0].source.cell == f"A{first_bad + 2}"  # type: ignore[union-attr]


def test_document_sheet_selects_the_minutes_kind(tmp_path: Path) -> None:
    path = write_minutes(tmp_path / "m.xlsx")
    paper = load_data_paper(path, Source(tmp_path / "meeting.xlsx", "Agenda", "F2"), tmp_path)
    assert paper.template == "minutes"
    assert paper.title == "Minutes of the meeting held on 30 September 2019"


# --- the template --------------------------------------------------------------------------------


def _rendered(tmp_path: Path, **change: Any) -> Any:
    loaded = load(write_minutes(tmp_path / "m.xlsx", **change))
    out = render(TEMPLATE, loaded.data, tmp_path / "minutes.docx")
    return Document(str(out))


def test_points_and_resolutions_are_word_list_paragraphs(tmp_path: Path) -> None:
    doc = _rendered(tmp_path)
    styles = {p.text: p.style.name for p in doc.paragraphs}
    for point in ("hate crime reporting;", "cyber-crime"):
        assert styles[point] == "List Bullet"
    for resolution in (
        "the assessment is signed off;",
        "the plan is refreshed",
        "the next agenda is circulated early",
    ):
        assert styles[resolution] == "List Number"
    # the bullet and number come from the style, never typed into the text
    assert not [
        p.text
        for p in doc.paragraphs
        if p.style.name.startswith("List") and re.match(r"\s*([-•]|\(?\d+[.)])", p.text)
    ]


def test_resolution_numbering_restarts_under_each_minute_heading(tmp_path: Path) -> None:
    doc = _rendered(tmp_path)

    def num_pr(style_name: str) -> tuple[str, str]:
        el = doc.styles[style_name].element
        ilvl = el.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        num = el.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        return (ilvl[0] if ilvl else "0", num[0])

    heading, resolution = num_pr("Minute Heading"), num_pr("List Number")
    assert heading[1] == resolution[1], "one list, so that a heading restarts the numbering"
    assert (heading[0], resolution[0]) == ("0", "1")
    headings = [p.text for p in doc.paragraphs if p.style.name == "Minute Heading"]
    assert headings == ["48. Welcome", "49. Strategic assessment", "50. Any other business"]


def test_cell_text_renders_literally(tmp_path: Path) -> None:
    minutes = _replace(MINUTES, 1, 2, NASTY)
    minutes = _replace(minutes, 1, 3, f"- {NASTY}")
    doc = _rendered(tmp_path, minutes=minutes, actions=_replace(ACTIONS, 0, 1, NASTY))
    texts = [p.text for p in doc.paragraphs]
    assert NASTY in texts
    assert any(p.text == NASTY and p.style.name == "List Bullet" for p in doc.paragraphs)
    log = doc.tables[-1]
    assert NASTY in [c.text for row in log.rows for c in row.cells]


@pytest.mark.parametrize(
    ("body", "word_field", "word"),
    [
        ("Safer Plymouth Partnership", None, "partnership"),
        ("Health and Wellbeing Board", None, "board"),
        ("Board", None, "board"),
        ("Audit Committee", None, "committee"),
        ("Safer Plymouth", None, "committee"),  # a place says nothing: the default
        ("Safer Plymouth", "Partnership", "partnership"),  # the field overrides the name
        ("Safer Plymouth Partnership Board", "board", "board"),
    ],
)
def test_draft_note_calls_the_body_by_its_own_word(
    tmp_path: Path, body: str, word_field: str | None, word: str
) -> None:
    meeting = [(k, body if k == "Body" else v) for k, v in MEETING]
    if word_field is not None:
        meeting.append(("Body word", word_field))
    doc = _rendered(tmp_path, meeting=meeting)
    (note,) = [p.text for p in doc.paragraphs if p.text.startswith("Note: At a future meeting")]
    assert note.startswith(f"Note: At a future meeting, the {word} will consider")


def _future_headings(doc: Any) -> list[str]:
    headings = ("Heading 2", "Minute Heading")
    return [p.text for p in doc.paragraphs if p.style.name in headings and "eeting" in p.text]


def test_future_meetings_print_once_in_their_own_section(tmp_path: Path) -> None:
    doc = _rendered(tmp_path)
    assert _future_headings(doc) == ["Dates of future meetings"]
    texts = [p.text for p in doc.paragraphs]
    assert texts.count("Thursday 5 March 2020, 1 pm, Warspite Room") == 1


@pytest.mark.parametrize(
    "heading", ["Dates of future meetings", "Date of next meeting", "Future meeting dates"]
)
def test_a_minute_on_future_meetings_carries_the_dates_once(tmp_path: Path, heading: str) -> None:
    minutes = [*MINUTES, (51, heading, "", "", "", "")]
    doc = _rendered(tmp_path, minutes=minutes)
    texts = [p.text for p in doc.paragraphs]
    assert _future_headings(doc) == [f"51. {heading}"]
    dates = [i for i, t in enumerate(texts) if t == "Thursday 5 March 2020, 1 pm, Warspite Room"]
    assert len(dates) == 1
    assert dates[0] > texts.index(f"51. {heading}")


# --- end to end: a pack whose item 1 is these minutes --------------------------------------------

TEN = [
    (
        60 + i,
        f"Minute heading {i}",
        f"Opening narrative {i}. "
        + "The board heard a report and asked questions about it. " * 6
        + f"\n\nSecond paragraph {i}. "
        + "Members noted the figures and the risks. " * 4,
        "\n".join(
            f"- point {i}.{k} about partnership working and the figures" for k in range(1, 4)
        ),
        "",
        "\n".join(f"- resolution {i}.{k}" for k in range(1, 3)) if i % 2 else "",
    )
    for i in range(1, 11)
]
TEN_ACTIONS = [
    (60 + i, f"Action {i} to report back", f"Owner {i}", dt.datetime(2020, 1, i), "")
    for i in range(1, 11, 3)
]


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start) : text.index(end)]


@pytest.mark.libreoffice
def test_pack_with_minutes_as_item_one(tmp_path: Path, libreoffice) -> None:  # type: ignore[no-untyped-def]
    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes-2019-09-30.xlsx"]},
            {"title": "Report", "papers": ["report.pdf"]},
        ],
    )
    write_pdf(folder / "report.pdf", 1)
    minutes = [*TEN[:4], (65, NASTY, "Narrative.", "", "", ""), *TEN[5:]]
    actions = [*TEN_ACTIONS, (65, "Action with no owner yet", None, None, "")]
    pointed = (62, "Review the contract:\n- ask the provider\n- report back", "Pat", None, "")
    write_minutes(folder / "minutes-2019-09-30.xlsx", minutes=minutes, actions=[*actions, pointed])

    result = build(folder, tmp_path / "out", converter=libreoffice)

    assert any("no owner" in line and "cell C6" in line for line in result.summary())
    # named against the paper in the meeting folder, not the build's copy of it
    (owner,) = [w for w in result.warnings if "no owner" in w]
    assert owner.startswith(f"{folder / 'minutes-2019-09-30.xlsx'}, sheet Actions, cell C6")
    pages = [p.extract_text() for p in PdfReader(result.packs[0].path).pages]
    text = "\n".join(pages)
    present = _section(text, "PRESENT:", "Apologies:")
    assert present.split("\n")[1].strip() == "Colin Chair, Chief Superintendent, Police (Chair)"
    assert "Priya Member, Manager, Probation" in present and "Ann Apology" not in present
    assert "Ann Apology, Fire Service" in _section(text, "Apologies:", "Absent:")
    assert "Abe Absent" in _section(text, "Absent:", "Also in attendance:")
    assert "Otto Officer, Democratic Advisor, Council" in _section(
        text, "Also in attendance:", "The meeting started at 2 pm and finished at 4.30 pm."
    )
    assert "draft minutes" in text

    body = _section(text, "PRESENT:", "Actions log")
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", body, flags=re.M)]
    assert numbers == [m[0] for m in minutes]
    assert NASTY in text  # & < " and {{ }} literally, not escaped or evaluated
    numbered = re.findall(r"^\((\d+)\)\s*resolution (\d+)\.(\d+)", body, flags=re.M)
    assert len(numbered) == 8 and all(shown == k for shown, _i, k in numbered), (
        "resolutions are numbered (1), (2) afresh under every minute"
    )

    # an action typed with points keeps them, a line each, in its box and in the log
    for where in (body, text[text.index("Actions log") :]):
        assert re.search(
            r"Review the contract:\s*\n\s*• ask the provider\s*\n\s*• report back", where
        )
    log = text[text.index("Actions log") :]
    for _minute, action, owner, due, _status in actions:
        assert action in log
        assert (owner or "to be confirmed") in log
        if due:
            assert f"{due.day} January 2020" in log

    minute_pages = [i for i, t in enumerate(pages) if "Minute heading" in t]
    assert len(minute_pages) >= 3, "ten minute items flow over several pages"
    for i in range(1, 11):
        if i == 5:
            continue
        page = next(t for t in pages if re.search(rf"Minute heading {i}\b", t))
        assert f"Opening narrative {i}." in page, f"heading {i} left alone at the foot of a page"
