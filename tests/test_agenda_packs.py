"""Agendas as real boards write them, end to end (issue 13): the real LibreOffice renders the
frontsheet and pypdf reads it back. Headings unnumbered and never stamped, a break with its time,
notes and carried actions under items, page ranges in both conventions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from packbuilder.build import build
from tests.factory import AGENDA_HEADER, make_meeting
from tests.packreader import ITEM_STAMP, Pack, Word, layout_lines, words

pytestmark = pytest.mark.libreoffice

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = ("Agenda Items for Discussion:", "Part II: items not for publication")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _meeting(folder: Path, fields: dict) -> Path:  # type: ignore[type-arg]
    return make_meeting(
        folder,
        items=[
            {
                "item": 1,
                "title": "Minutes of the last meeting",
                "papers": ["minutes.pdf"],
                "time allowed": "10.00-10.10",
                "notes": "Actions to be carried forward:\n- Further paper on development",
            },
            {"item": None, "title": HEADINGS[0]},
            {
                "item": 2,
                "title": "Safer Plymouth development",
                "papers": ["dev.pdf"],
                "time allowed": "10.10-12.30",
                "purpose": "Discuss and agree new framework.",
            },
            {"item": None, "title": "BREAK – if required"},
            {
                "item": 3,
                "title": "Organised crime",
                "time allowed": "12.30 – 1pm",
                "status": "verbal",
            },
            {"item": None, "title": HEADINGS[1]},
            {"item": 4, "title": "Contract award", "papers": ["tender.pdf"], "exempt paragraph": 3},
        ],
        fields={"Start time": dt.time(10, 0), "End time": dt.time(13, 0), **fields},
        papers={"minutes.pdf": 3, "dev.pdf": 2, "tender.pdf": 1},
        header=[*AGENDA_HEADER, "Notes"],
    )


@pytest.fixture(scope="module")
def packs(tmp_path_factory, libreoffice):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("agenda")
    out = {}
    for style, fields in (
        ("table", {"Agenda style": "table", "Page ranges": "papers only", **DETAILS}),
        ("list", DETAILS),
    ):
        folder = _meeting(tmp / style, fields)
        result = build(folder, tmp / f"out-{style}", converter=libreoffice)
        out[style] = {p.label: Pack.read(p.path) for p in result.packs}
        public = next(p.path for p in result.packs if p.public and "agenda" in p.path.name)
        out[f"{style}-html"] = public.with_suffix(".html").read_text(encoding="utf-8")
    return out


# fields of the Meeting sheet packbuilder has no name for: printed under the chair, as typed
DETAILS = {
    "Members": "Cllr Ann Smith (Chair)\nCllr Bob Jones",
    "Apologies": "Cllr <Carol> & {{ Dee }}",
    "Quorum": "   ",  # nothing typed: no line
}


@pytest.mark.parametrize("style", ["table", "list"])
def test_other_meeting_fields_are_printed_as_typed(packs, style):
    for pack in packs[style].values():
        front = pack.frontsheet_text()
        assert "Members: Cllr Ann Smith (Chair)" in front and "Cllr Bob Jones" in front
        assert "Apologies: Cllr <Carol> & {{ Dee }}" in front  # text, never markup or code
        assert "Quorum" not in front
    html = packs[f"{style}-html"]
    assert "<dt>Members</dt><dd>Cllr Ann Smith (Chair)<br>Cllr Bob Jones</dd>" in html
    assert "<dt>Apologies</dt><dd>Cllr &lt;Carol&gt; &amp; {{ Dee }}</dd>" in html
    assert "Quorum" not in html


@pytest.mark.parametrize("style", ["table", "list"])
def test_headings_are_shown_unnumbered_and_never_stamped(packs, style):
    for pack in packs[style].values():
        front = pack.frontsheet_text()
        for heading in HEADINGS:
            assert heading in _flat(front)
            # no number before it on its line, as items have ("2.")
            line = next(x for x in front.splitlines() if heading.split(":")[0] in x)
            assert not re.match(r"\s*\d+\.", line), line
        stamps = [n for t in pack.texts[pack.front_pages :] for n in ITEM_STAMP.findall(t)]
        assert set(stamps) <= {"1", "2", "4"}
        assert all(
            h.split(":")[0] not in title for _d, title, _p in pack.bookmarks() for h in HEADINGS
        )


def test_the_table_style(packs):
    pack = packs["table"]["Agenda pack (public)"]
    front = _flat(pack.frontsheet_text())
    # the five columns of the May 2016 agenda, and its paperwork marker
    for heading in ("Item", "Subject", "Who", "Decision required", "Time (approx.)"):
        assert heading in front
    assert "* indicates paperwork included" in front
    assert "Minutes of the last meeting *" in front
    assert "BREAK – if required" in front
    # times as ranges: typed ranges shown as ranges
    for time in ("10.00–10.10 am", "10.10 am–12.30 pm", "12.30–1 pm"):
        assert time in front
    # notes under the item, the bullet's text on its own
    assert "Actions to be carried forward:" in front
    assert "Further paper on development" in front
    # papers only: minutes are pages 1-3, page 4 is the filler, the paper starts on page 5
    assert "(Pages 1 - 3)" in front and "(Pages 5 - 6)" in front
    assert "(Pages 1 - 4)" not in front
    assert pack.fillers() == [4]
    assert pack.item_starts() == {"1": 1, "2": 5}


# the frontsheet's header row, as the template writes it, and what labels item 2's purpose and time
# on the HTML agenda ("" : the list style prints the purpose under the title, unlabelled)
HEADER_ROWS = {
    "table": (
        ["Item", "Subject", "Who", "Decision required", "Time (approx.)"],
        "Decision required",
    ),
    "list": (["Item", "Subject", "Lead", "Time"], ""),
}


@pytest.mark.parametrize("style", ["table", "list"])
def test_the_html_agenda_labels_an_items_facts_as_the_frontsheet_heads_its_columns(packs, style):
    """The HTML agenda labelled an item's time "Time" where the table style's column says "Time
    (approx.)", and gave its purpose no label where that column is headed "Decision required":
    the same data as the frontsheet, in the frontsheet's words."""
    from tests.test_html_agenda import _items, parse

    columns, purpose_label = HEADER_ROWS[style]
    pack = packs[style]["Agenda pack (public)"]
    lines = layout_lines(pack.path, 0, pack.front_pages - 1)
    at = next(i for i, line in enumerate(lines) if line.split()[:2] == ["Item", "Subject"])
    # (a heading too long for its column goes on in the next line: "Decision / required")
    header = _flat(" ".join(lines[at : at + 2]))
    assert all(c.split()[0] in header.split() for c in columns), header
    assert all(c in _flat(pack.frontsheet_text()) for c in columns)
    item = _items(parse(packs[f"{style}-html"]))[1]
    labels = [d.words() for d in item.all("dt")]
    values = [d.words() for d in item.all("dd")]
    time_label = columns[-1]
    assert labels == ([purpose_label] if purpose_label else []) + [time_label]
    assert values[-1].startswith("10.10 am")
    purpose = "Discuss and agree new framework."
    assert (values[0] == purpose) if purpose_label else purpose in item.words()


def test_the_list_style_keeps_the_modern_gov_ranges(packs):
    pack = packs["list"]["Agenda pack (public)"]
    front = _flat(pack.frontsheet_text())
    assert "(Pages 1 - 4)" in front and "(Pages 5 - 6)" in front
    assert "Discuss and agree new framework." in front  # the purpose under the title
    assert "* indicates paperwork included" not in front
    assert "BREAK – if required" in front
    assert "10.00–10.10 am" in front
    assert "Further paper on development" in front


def test_the_second_example_builds(tmp_path, libreoffice):
    result = build(
        ROOT / "inputs" / "2016-05-26-safer-plymouth",
        tmp_path / "out",
        converter=libreoffice,
        today=dt.date(2016, 5, 18),  # its deadline: a build today would be after the meeting
    )
    assert [p.label for p in result.packs] == ["Agenda pack", "Supplement 1"]
    assert result.warnings == ()
    pack = Pack.read(result.packs[0].path)
    front = _flat(pack.frontsheet_text())
    assert "Agenda Items for Discussion:" in front
    assert "BRIEFINGS (DISCUSS BY EXCEPTION ONLY):" in front
    # the minutes' one open action is carried; the two done ones are not
    assert "Actions to be carried forward:" in front
    assert "Further paper on the development of Safer Plymouth Partnership" in front
    assert "Circulate the new local PCSB action plan" not in front
    assert pack.item_starts() == {"3": 1, "4": 3}  # minutes of 2 pages, no filler needed
    # the last row is on the page of the "Meeting close" line, and Page 1 on a right-hand page
    fronts = [_flat(pack.texts[i]) for i in range(pack.front_pages)]
    (close,) = [text for text in fronts if "Meeting close: 1 pm" in text]
    assert "Dates of Future Meetings" in close
    assert pack.front_pages % 2 == 0
    assert "(Pages 1 - 2)" in front and "(Pages 3 - 5)" in front
    supplement = Pack.read(result.packs[1].path)
    assert "relating to agenda item 5." in _flat(supplement.frontsheet_text())
    assert supplement.item_starts() == {"5": 1}


def test_a_heading_carries_notes_as_supporting_documents(tmp_path, libreoffice):  # type: ignore[no-untyped-def]
    """Seed 000 ends its agenda with "Supporting Documents:" and the documents' names: a heading
    with Notes under it, on the frontsheet and the HTML agenda."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 1, "title": "Minutes", "papers": ["minutes.pdf"]},
            {
                "item": None,
                "title": "Supporting Documents:",
                "notes": "- Safer Plymouth Scorecard\n- Draft OPCC plan",
            },
        ],
        papers={"minutes.pdf": 1},
        header=[*AGENDA_HEADER, "Notes"],
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    (pack,) = result.packs
    front = _flat(Pack.read(pack.path).frontsheet_text())
    at = front.index("Supporting Documents:")
    assert front.index("Safer Plymouth Scorecard") > at and front.index("Draft OPCC plan") > at
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8")
    assert '<ul class="notes"><li>Safer Plymouth Scorecard</li><li>Draft OPCC plan</li></ul>' in (
        html
    )


# --- what the frontsheet shows where (positions read back from the PDF by pdftotext) ------------

VENUE = "Warspite Room,\nCouncil House,\nArmada Way, Plymouth PL1 2AA"


@pytest.fixture(scope="module")
def exempt_packs(tmp_path_factory, libreoffice):  # type: ignore[no-untyped-def]
    """Seed 004's exempt item, with an exempt item to follow in supplement 1 after it, in both
    agenda styles; a three-line venue and a chair and members of several lines."""
    tmp = tmp_path_factory.mktemp("exempt")
    out = {}
    for style in ("list", "table"):
        folder = make_meeting(
            tmp / style,
            items=[
                {"item": 1, "title": "Minutes", "lead": "Chair", "time allowed": 10},
                {"item": None, "title": "Part II: items not for publication"},
                {
                    "item": 9,
                    "title": "Restorative Justice contract",
                    "lead": "SW",
                    "purpose": "To approve the award of the contract.",
                    "time allowed": 15,
                    "papers": ["Restorative Justice contract.docx"],
                    "exempt paragraph": 3,
                },
                {
                    "item": 10,
                    "title": "Victim care tender",
                    "lead": "SW",
                    "time allowed": 10,
                    "papers": ["tender.pdf"],
                    "status": "to follow",
                    "exempt paragraph": 1,
                    "supplement": 1,
                },
            ],
            fields={
                "Agenda style": style,
                "Start time": dt.time(10, 0),
                "Venue": VENUE,
                "Chair": "Cllr Ann Smith,\nCabinet Member for Safer Communities",
                "Members": "Cllr Ann Smith (Chair)\nCllr Bob Jones\nCllr Carol White",
            },
            papers={"Restorative Justice contract.docx": 2, "tender.pdf": 1},
        )
        result = build(folder, tmp / f"out-{style}", converter=libreoffice)
        out[style] = {p.label: p.path for p in result.packs}
    return out


def _front_lines(path: Path) -> list[str]:
    pack = Pack.read(path)
    return layout_lines(path, 0, pack.front_pages - 1)


@pytest.mark.parametrize("style", ["list", "table"])
def test_the_exclusion_resolution_is_a_row_of_its_own_before_the_exempt_items(exempt_packs, style):
    """Item 9 is the contract, not the resolution: the resolution is an unnumbered row of its own
    (as the HTML agenda has it), and the item's row starts with its number, title, lead and time.
    In the item's row, "9. Exclusion of the press and public ... SW 10.10 am" read as if item 9
    were the resolution, the contract's title a line under it."""
    packs = exempt_packs[style]
    assert sorted(packs) == [
        "Agenda pack (private)",
        "Agenda pack (public)",
        "Supplement 1 (private)",
        "Supplement 1 (public)",
    ]
    for label, path in packs.items():
        lines = _front_lines(path)
        number, title = (
            ("10", "Victim care tender")
            if "Supplement" in label
            else ("9", "Restorative Justice contract")
        )
        (at,) = [i for i, line in enumerate(lines) if "Exclusion of the press and public" in line]
        (row,) = [i for i, line in enumerate(lines) if re.match(rf"\s*{number}\.\s+{title}", line)]
        assert at < row, (label, lines)
        assert lines[at].strip() == "Exclusion of the press and public", (label, lines[at])
        if "Supplement" not in label:  # a supplement's table has no Lead or Time column
            assert "SW" in lines[row] and re.search(r"\d [ap]m", lines[row]), (label, lines[row])
        between = " ".join(" ".join(lines[at + 1 : row]).split())
        assert "To consider passing a resolution under Section 100A(4)" in between, label
        assert title not in between and "SW" not in between, (label, between)


def _lines_of_words(words: list[Word]) -> list[list[Word]]:
    """The words grouped by line (tops within 2 points), top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.y):
        if lines and abs(lines[-1][0].y - w.y) < 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x) for line in lines]


def _column(words: list[Word], label: str, count: int) -> list[float]:
    """Where each of the `count` lines of the value after `label` starts: its first line's word
    after the label, then the first word of each line under it."""
    lines = _lines_of_words(words)
    at = next(i for i, line in enumerate(lines) if line[0].text == label)
    return [lines[at][1].x] + [line[0].x for line in lines[at + 1 : at + count]]


@pytest.mark.parametrize(("label", "lines"), [("Place:", 3), ("Chair:", 2), ("Members:", 3)])
def test_a_value_of_several_lines_hangs_under_its_first_line(exempt_packs, label, lines):
    """A venue's address, a chair's title, a list of members: each line of the value starts where
    its first line does, after the label, never at the margin under the label."""
    for path in [*exempt_packs["list"].values(), exempt_packs["table"]["Agenda pack (public)"]]:
        page = words(path, 0)
        xs = _column(page, label, lines)
        assert max(xs) - min(xs) < 1, (path.name, label, xs)
        assert min(xs) > next(w for w in page if w.text == label).x + 20, (path.name, label, xs)


# where the first page ends near the heading (the table style's rows are shorter: more fit)
@pytest.mark.parametrize(("style", "counts"), [("list", range(10, 17)), ("table", range(22, 29))])
def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(tmp_path, libreoffice, style, counts):
    """A section heading introduces the items after it: it goes on the page of the first one.
    The heading is moved down the agenda a row at a time, past the foot of the first page, so that
    one of these frontsheets would end with it if its row were not kept with the next."""
    import dataclasses

    from pypdf import PdfReader

    from packbuilder.errors import Source
    from packbuilder.frontsheet import context
    from packbuilder.layout import lay_out
    from packbuilder.model import AgendaHeading, AgendaSettings, AgendaStyle
    from packbuilder.plan import PackSpec
    from packbuilder.render import render
    from packbuilder.templates import find_template
    from tests.models import FOLDER, WORKBOOK, item, meeting

    heading = AgendaHeading("Agenda Items for Discussion:", Source(WORKBOOK))
    docs = []
    for n in counts:
        tall = dataclasses.replace(
            item(n + 1, title=f"First discussed {n + 1}"),
            purpose="\n".join(f"Purpose line {i}" for i in range(1, 7)),
        )
        items = (*(item(i, title=f"Business {i}") for i in range(1, n + 1)), tall)
        m = meeting(
            *items,
            rows=(*items[:-1], heading, tall),
            agenda=AgendaSettings(style=AgendaStyle(style)),
        )
        ctx = context(m, PackSpec(None, None, m.items, ()), lay_out([]), "")
        template = find_template("agenda", FOLDER)
        assert template is not None
        docs.append(render(template, ctx, tmp_path / f"agenda-{n}.docx"))
    for n, pdf in zip(counts, libreoffice.convert(docs, tmp_path / "pdf"), strict=True):
        pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
        (on,) = [i for i, text in enumerate(pages) if "Agenda Items for Discussion:" in text]
        assert f"First discussed {n + 1}" in pages[on], (n, pages)


# where the first page ends near the resolution (its Purpose, the resolution, makes it tall)
@pytest.mark.parametrize(("style", "counts"), [("list", range(5, 12)), ("table", range(5, 12))])
def test_a_typed_resolution_is_never_left_alone_at_the_foot_of_a_page(
    tmp_path, libreoffice, style, counts
):
    """The resolution typed as an item ("Exclusion of the press and public", its Purpose the
    resolution) goes on the page of the exempt item it excludes the public for, as the
    frontsheet's own resolution row does: it was printed alone at the foot of a page, its Part II
    item over the page. The resolution is moved down the agenda a row at a time, past the foot
    of the first page, so that one of these frontsheets would end with it if its row were not
    kept with the next."""
    import dataclasses

    from pypdf import PdfReader

    from packbuilder.frontsheet import context
    from packbuilder.layout import lay_out
    from packbuilder.model import AgendaSettings, AgendaStyle
    from packbuilder.plan import PackSpec
    from packbuilder.render import render
    from packbuilder.templates import find_template
    from tests.models import FOLDER, item, meeting

    docs = []
    for n in counts:
        resolution = item(n + 1, title="Exclusion of the press and public")
        tender = dataclasses.replace(
            item(n + 2, "tender.pdf", exempt=3, title=f"Victim care tender {n + 2}"),
            purpose="\n".join(f"Purpose line {i}" for i in range(1, 7)),
        )
        items = (*(item(i, title=f"Business {i}") for i in range(1, n + 1)), resolution, tender)
        m = meeting(*items, agenda=AgendaSettings(style=AgendaStyle(style)))
        ctx = context(m, PackSpec(None, False, m.items, ()), lay_out([]), "")
        template = find_template("agenda", FOLDER)
        assert template is not None
        docs.append(render(template, ctx, tmp_path / f"agenda-{n}.docx"))
    pdfs = libreoffice.convert(docs, tmp_path / "pdf")
    broke = 0
    for n, pdf in zip(counts, pdfs, strict=True):
        pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]
        broke += len(pages) > 1
        (on,) = [i for i, text in enumerate(pages) if "Exclusion of the press and public" in text]
        assert "To consider passing a resolution" in pages[on], (n, pages)
        assert f"Victim care tender {n + 2}" in pages[on], (n, pages)
    assert broke, "no frontsheet ran over a page: the test tests nothing"


# --- times on the frontsheet ---------------------------------------------------------------------

TIMED = [
    {"item": "1", "title": "Minutes", "time allowed": "10.00-10.10"},
    {"item": "2", "title": "Plans", "time allowed": 30},
    {"item": "2a", "title": "Spending plan", "time allowed": 20},
    {"item": "2b", "title": "Evaluation return", "time allowed": 10},
    {"item": "3", "title": "Work programme", "time allowed": "11.45am-12.15pm"},
    {"item": "4", "title": "Any other business", "time allowed": 10},
]
# each item's time as each style prints it: sub-items within item 2's half hour, item 3 as typed
TIMES = {
    "list": {
        "1": "10.00–10.10 am",
        "2": "10.10 am",
        "2a": "10.10 am",
        "2b": "10.30 am",
        "3": "11.45 am–12.15 pm",
        "4": "12.15 pm",
    },
    "table": {
        "1": "10.00–10.10 am",
        "2": "10.10–10.40 am",
        "2a": "10.10–10.30 am",
        "2b": "10.30–10.40 am",
        "3": "11.45 am–12.15 pm",
        "4": "12.15–12.25 pm",
    },
}


@pytest.mark.parametrize("style", ["list", "table"])
def test_times_print_whole_and_sub_items_within_their_item(tmp_path, libreoffice, style):
    """The Time column holds the longest time the agenda prints on one line: "am" or "pm" alone
    on a line under its time was the list style's (and a long range's in the table style). Item
    2's sub-items are timed within its half hour, and item 4 starts after item 3's range."""
    folder = make_meeting(
        tmp_path / "m",
        items=TIMED,
        fields={"Agenda style": style, "Start time": dt.time(10, 0), "End time": dt.time(13, 0)},
    )
    (pack,) = build(folder, tmp_path / "out", converter=libreoffice).packs
    lines = _front_lines(pack.path)
    assert not [line for line in lines if re.fullmatch(r"\s*(am|pm|mins)\s*", line)], lines
    for number, time in TIMES[style].items():
        (row,) = [line for line in lines if re.match(rf"\s*{re.escape(number)}\.\s", line)]
        assert time in " ".join(row.split()), (number, row)


# where the first page fills up (the table style's rows are shorter: more fit)
@pytest.mark.parametrize(("style", "counts"), [("list", range(12, 19)), ("table", range(24, 31))])
def test_meeting_close_is_never_alone_on_the_last_page(tmp_path, libreoffice, style, counts):
    """The last row goes with the "Meeting close" line and the note under the table: a frontsheet
    whose rows just filled page 1 printed those two lines alone on page 2 (then a blank page
    before Page 1). Items are added one at a time past the foot of the first page, so that one of
    these frontsheets would do so if the last row were not kept with the close line."""
    from pypdf import PdfReader

    from packbuilder.frontsheet import context
    from packbuilder.layout import lay_out
    from packbuilder.model import AgendaSettings, AgendaStyle
    from packbuilder.plan import PackSpec
    from packbuilder.render import render
    from packbuilder.templates import find_template
    from tests.models import FOLDER, item, meeting

    docs = []
    for n in counts:
        items = tuple(item(i, title=f"Business {i}", minutes=5) for i in range(1, n + 1))
        m = meeting(
            *items, end_time=dt.time(17, 0), agenda=AgendaSettings(style=AgendaStyle(style))
        )
        ctx = context(m, PackSpec(None, None, m.items, ()), lay_out([]), "")
        template = find_template("agenda", FOLDER)
        assert template is not None
        docs.append(render(template, ctx, tmp_path / f"agenda-{n}.docx"))
    split = 0
    for n, pdf in zip(counts, libreoffice.convert(docs, tmp_path / "pdf"), strict=True):
        pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]
        (on,) = [i for i, text in enumerate(pages) if "Meeting close: 5 pm" in text]
        assert f"Business {n}" in pages[on], (n, pages[on])
        assert "Page numbers refer to this pack" in pages[on], (n, pages)
        split += on > 0
    assert 0 < split < len(counts)  # the first page was filled, and overfilled, on the way


def test_dash_lines_of_the_meeting_sheet_are_bullets(tmp_path, libreoffice):
    """A venue's access notes or a list of members typed as "- " lines in the Meeting sheet are
    bullets, as an item's Notes are (they printed dash and all), lined up with the value; the
    text stays text (&, <, quotes, {{ }} as typed); the HTML agenda lists them too."""
    folder = make_meeting(
        tmp_path / "m",
        items=[{"item": 1, "title": "Minutes"}],
        fields={
            "Venue": "Warspite Room,\nCouncil House\n- Step-free access from Armada Way",
            "Members": 'Voting members:\n- Cllr Ann Smith (Chair)\n- Cllr <Bob> & "Jones" {{ x }}',
        },
    )
    (pack,) = build(folder, tmp_path / "out", converter=libreoffice).packs
    front = _flat(Pack.read(pack.path).frontsheet_text())
    assert "Step-free access from Armada Way" in front and "- Step-free" not in front
    assert 'Cllr <Bob> & "Jones" {{ x }}' in front and "- Cllr" not in front
    page = _lines_of_words(words(pack.path, 0))
    place = next(line for line in page if line[0].text == "Place:")
    value_x = place[1].x  # where the values start, after their labels
    for line in page:
        texts = [w.text for w in line]
        if "Step-free" in texts or "Smith" in texts or "<Bob>" in texts:
            # a bullet, then the text, both right of the values' column: never at the margin
            assert len(line) > 1 and line[0].x >= value_x - 1 and line[0].text != "-", texts
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8")
    assert '<ul class="notes"><li>Step-free access from Armada Way</li></ul>' in html
    assert "<li>Cllr &lt;Bob&gt; &amp; &quot;Jones&quot; {{ x }}</li>" in html


@pytest.mark.parametrize("style", ["list", "table"])
def test_dash_lines_of_a_purpose_or_lead_are_bullets(tmp_path, libreoffice, style):
    """An item's Purpose and Lead typed as "- " (or "* ", "• ") lines are bullets, real Word list
    paragraphs (a list in the tagged PDF), as a Meeting-sheet value's and an item's Notes are;
    they printed dash and all. Text stays text. The HTML agenda lists them too."""
    from tests.test_accessibility import struct_tree

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {
                "item": 1,
                "title": "Plan",
                "lead": "- Chair\n* Clerk",
                "purpose": 'To agree:\n- the minutes & <actions>\n• "quotes" {{ x }}',
                "papers": ["plan.pdf"],
            },
            {"item": 2, "title": "Other", "purpose": "To note the update\nfrom the chair"},
        ],
        papers={"plan.pdf": 1},
        fields={"Agenda style": style},
    )
    (pack,) = build(folder, tmp_path / "out", converter=libreoffice).packs
    front = _flat(Pack.read(pack.path).frontsheet_text())
    assert "the minutes & <actions>" in front and '"quotes" {{ x }}' in front
    for typed in ("- the", '• "quotes', "- Chair", "* Clerk"):
        assert typed not in front, (typed, front)
    assert "To note the update from the chair" in front  # without bullets: as typed
    tree = struct_tree(pack.path)
    in_cells = [
        n
        for n, (depth, kind, _) in enumerate(tree)
        if kind == "/L" and any(k in ("/TD",) for d, k, _ in tree[:n] if d == depth - 1)
    ]
    items = [kind for _, kind, _ in tree].count("/LI")
    assert in_cells and items >= 4, tree  # purpose's two bullets and lead's two, as lists
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8")
    assert (
        '<ul class="notes"><li>the minutes &amp; &lt;actions&gt;</li>'
        "<li>&quot;quotes&quot; {{ x }}</li></ul>" in html
    )
    # (labelled as the frontsheet heads the column: "Who" in the table style)
    label = "Who" if style == "table" else "Lead"
    assert f'<dt>{label}</dt><dd><ul class="notes"><li>Chair</li><li>Clerk</li></ul></dd>' in html
    assert "<p>To note the update<br>from the chair</p>" in html


def test_a_meeting_sheet_value_starting_with_a_bullet_starts_beside_its_label(
    tmp_path, libreoffice
):
    """A value whose first line is a bullet ("Membership:" then "- Cllr ...") starts on its
    label's line, lined up with the other values, not on the line under a label left alone;
    a screen reader still reads the label, then the list."""
    from tests.test_accessibility import struct_tree

    folder = make_meeting(
        tmp_path / "m",
        items=[{"item": 1, "title": "Minutes"}],
        fields={"Membership": "- Cllr Ann Smith (Chair)\n- Cllr Bob Jones", "Quorum": "Three"},
    )
    (pack,) = build(folder, tmp_path / "out", converter=libreoffice).packs
    page = _lines_of_words(words(pack.path, 0))
    place = next(line for line in page if line[0].text == "Place:")
    member = next(line for line in page if line[0].text == "Membership:")
    texts = [w.text for w in member]
    assert "Ann" in texts and "Bob" not in texts, texts  # the first bullet beside the label
    assert member[1].x >= place[1].x - 1  # the bullet at the values' column
    quorum = next(line for line in page if line[0].text == "Quorum:")
    assert quorum[0].y > next(w for line in page for w in line if w.text == "Bob").y
    kinds = [kind for _, kind, _ in struct_tree(pack.path)]
    label = kinds.index("/Div")  # the label's frame: before the list, never inside its item
    assert "/L" in kinds[label:] and "/LI" not in kinds[:label], kinds
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8")
    assert '<dt>Membership</dt><dd><ul class="notes"><li>Cllr Ann Smith (Chair)</li>' in html


@pytest.mark.parametrize("typed", ["", "To consider passing a resolution to exclude the public."])
def test_a_resolution_typed_as_an_item_is_printed_once(tmp_path, libreoffice, typed):
    """Seed 004 numbers the resolution ("9. Exclusion of the press and public") before the
    exempt item, as the docs allow. Every frontsheet and HTML agenda printed it twice: the typed
    item, then the row packbuilder adds before a run of exempt items. Now once: as typed, or
    with the run's resolution as its purpose when the advisor typed no words."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 8, "title": "Performance update", "papers": ["perf.pdf"]},
            {"item": 9, "title": "Exclusion of the press and public", "purpose": typed},
            {"item": 10, "title": "Contract award", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
        papers={"perf.pdf": 1, "award.pdf": 1},
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    wording = typed or "To consider passing a resolution under Section 100A(4)"
    for p in result.packs:
        front = _flat(Pack.read(p.path).frontsheet_text())
        assert front.count("Exclusion of the press and public") == 1, (p.label, front)
        assert front.count("To consider passing a resolution") == 1, (p.label, front)
        assert re.search(r"9\.? Exclusion of the press and public " + re.escape(wording), front)
        if p.public:
            html = p.path.with_suffix(".html").read_text(encoding="utf-8")
            assert html.count("Exclusion of the press and public") == 1, p.label
            assert html.count("To consider passing a resolution") == 1, p.label


def test_an_item_only_mentioning_the_exclusion_leaves_the_resolution_printed(tmp_path, libreoffice):
    """A public item about the exclusion protocol, straight before the exempt item, was taken
    for the typed resolution: the packs printed its purpose where the resolution goes, and no
    resolution to exclude the press and public at all."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {
                "item": 8,
                "title": "Review of the protocol on exclusion of the press and public",
                "purpose": "To approve the revised protocol.",
            },
            {"item": 9, "title": "Contract award", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
        papers={"award.pdf": 1},
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    for p in result.packs:
        front = _flat(Pack.read(p.path).frontsheet_text())
        assert re.search(
            r"revised protocol\. (2 pm )?Exclusion of the press and public To consider", front
        )
        assert front.count("To consider passing a resolution under Section 100A(4)") == 1, front
        if p.public:
            html = p.path.with_suffix(".html").read_text(encoding="utf-8")
            assert html.count("To consider passing a resolution") == 1, p.label


def test_a_seed_000_agenda_as_an_advisor_types_it(tmp_path, libreoffice):
    """Seed 000's agenda, typed as it reads: "11am – 1pm" for the meeting's time, "(10 mins)"
    and an hour as the items' lengths. Each was refused ("type a time of day", "type one of
    these"); now the frontsheet keeps the clock from them and closes at the range's end."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {
                "item": 1,
                "title": "Minutes from last meeting",
                "time allowed": "(10 mins)",
                "papers": ["minutes.pdf"],
            },
            {"item": 2, "title": "Equality Objectives", "lead": "KM/LH", "time allowed": "1 hour"},
            {
                "item": 3,
                "title": "YOT Governance update",
                "lead": "JK",
                "time allowed": "approx. 15 mins",
            },
            {"item": 4, "title": "AOB", "time allowed": "(10 mins)"},
        ],  # fmt: skip
        fields={"Start time": "11am – 1pm"},
        papers={"minutes.pdf": 1},
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    (pack,) = result.packs
    front = _flat(Pack.read(pack.path).frontsheet_text())
    assert "Time: 11 am \u2013 1 pm" in front, front  # (seed 000's "Ham \u2013 Ipm")
    for said in (
        "1. Minutes from last meeting (Page 1) 11 am 10 mins",
        "2. Equality Objectives KM/LH 11.10 am 60 mins",
        "3. YOT Governance update JK 12.10 pm 15 mins",
        "4. AOB 12.25 pm 10 mins",
        "Meeting close: 1 pm",
    ):
        assert said in front, (said, front)
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "12.25 pm, 10 mins" in html and '<time datetime="13:00">1 pm</time>' in html


def test_a_presentation_is_listed_as_one(tmp_path, libreoffice):
    """Seed 000's minutes take "YOS Inspection - Presentation" and "Safer Plymouth Governance -
    Presentation": Status `presentation` was refused, and `verbal`, the only way to say "no
    papers", printed "Verbal update" for them."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 1, "title": "Minutes", "papers": ["minutes.pdf"]},
            {"item": 2, "title": "YOS Inspection", "lead": "SW/CD", "status": "Presentation"},
            {"item": 3, "title": "YOT Governance update", "status": "verbal"},
        ],
        papers={"minutes.pdf": 1},
    )
    (pack,) = build(folder, tmp_path / "out", converter=libreoffice).packs
    front = _flat(Pack.read(pack.path).frontsheet_text())
    assert "2. YOS Inspection Presentation SW/CD 3. YOT Governance update Verbal update" in front
    assert front.count("Verbal update") == 1, front
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8")
    assert '<p class="note">Presentation</p>' in html
