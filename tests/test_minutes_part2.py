"""Part II business in the minutes of the last meeting: an exempt minute is published only in
the form the clerk marks as public (`kinds.minutes._public_form`), and a minute that says it is
exempt without being marked is refused."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packbuilder.build import build
from packbuilder.errors import PackError
from packbuilder.model import Exemption
from packbuilder.render import render
from tests.factory import make_meeting, write_docx
from tests.packreader import Pack
from tests.test_minutes import ACTIONS, MINUTES, MINUTES_HEADER, TEMPLATE, load, write_minutes

HEADER = [*MINUTES_HEADER, "Exempt paragraph", "Public summary"]
PUBLIC = [(*m, None, None) for m in MINUTES]
EXEMPT = (
    51,
    "Millbay lease",
    "Not for publication by virtue of paragraph 3. The board considered the bids: SECRETNARR "
    "Bidder X 2,315,000, Bidder Y 2,400,000.",
    "- SECRETDISCUSSED the bidders' accounts",
    "SECRETCLOSING the Chair thanked the property team.",
    "- SECRETAGREED Bidder X is preferred",
    3,
    "The board agreed the preferred bidder for the Millbay lease.",
)
EXEMPT_ACTION = (
    51,
    "SECRETACTION negotiate with Bidder X at 2,315,000",
    "Head of Property",
    None,
    "",
)
SECRETS = ("SECRET", "2,315,000", "Bidder X", "Not for publication")


def _workbook(
    path: Path, minutes: list[tuple[Any, ...]], actions: list[tuple[Any, ...]] = ()
) -> Path:  # type: ignore[assignment]
    write_minutes(path, minutes=minutes, actions=[*ACTIONS, *actions])
    # the two Part II columns after the others
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Minutes"]
    for i, heading in enumerate(HEADER, start=1):
        ws.cell(1, i, heading)
    wb.save(path)
    return path


def _rows(*extra: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [*PUBLIC, *extra]


# --- the public form of an exempt minute ---------------------------------------------------------


def test_an_exempt_minute_keeps_its_number_heading_and_public_summary_only(tmp_path: Path) -> None:
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(EXEMPT), [EXEMPT_ACTION]))
    minutes = loaded.data
    exempt = minutes.minutes[-1]
    assert exempt.number == 51 and exempt.exemption == Exemption((3,))
    assert exempt.heading == "Millbay lease (exempt information - paragraph 3)"
    assert [b.text for b in exempt.narrative] == [EXEMPT[7]]
    assert exempt.discussed == exempt.closing == exempt.agreed == exempt.actions == ()
    assert [a.minute for a in minutes.actions] == [49, 50], "its action is in no log"
    assert not any(s in repr(minutes) for s in SECRETS), "nothing of it is held to print"


def test_a_heading_that_says_exempt_already_is_not_marked_twice(tmp_path: Path) -> None:
    row = (51, "Part II - Millbay lease (exempt, paragraph 3)", "Bids.", "", "", "", 3, None)
    exempt = load(_workbook(tmp_path / "m.xlsx", _rows(row))).data.minutes[-1]
    assert exempt.heading == "Part II - Millbay lease (exempt, paragraph 3)"
    assert exempt.narrative == ()


def test_the_rendered_public_minutes_print_nothing_of_the_exempt_minute(tmp_path: Path) -> None:
    from docx import Document

    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(EXEMPT), [EXEMPT_ACTION]))
    doc = Document(str(render(TEMPLATE, loaded.data, tmp_path / "out.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "51. Millbay lease (exempt information - paragraph 3)" in text
    assert EXEMPT[7] in text
    assert not [s for s in SECRETS if s in text]


def _rendered(tmp_path: Path, data: Any, name: str = "out.docx") -> list[str]:
    """The paragraphs of a rendered minutes document, the actions log's cells after them."""
    from docx import Document

    doc = Document(str(render(TEMPLATE, data, tmp_path / name)))
    return [p.text for p in doc.paragraphs] + [
        c.text for t in doc.tables for r in t.rows for c in r.cells
    ]


def test_the_exempt_minutes_open_as_what_they_are(tmp_path: Path) -> None:
    """The exempt minutes opened "Draft minutes of the meeting held on ..." with the attendance
    (a new user's review): they open "Exempt minutes of the meeting held on ...", as their
    bookmark says, under the law every exempt minute cites, and leave the attendance, times and
    venue to the public minutes of the same meeting; each minute's own NOT FOR PUBLICATION line
    is left out where it says the same."""
    row = (*EXEMPT[:6], "3, 5", EXEMPT[7])
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(row), [EXEMPT_ACTION]))
    members = loaded.members
    text = _rendered(tmp_path, members)
    line = (
        "NOT FOR PUBLICATION by virtue of paragraphs\u00a03\u00a0and\u00a05 of Part 1 of "
        "Schedule 12A to the Local Government Act 1972"
    )
    opening = [t for t in text if t.strip()][:3]
    assert opening == [
        "Test Community Safety Partnership",
        "Exempt minutes of the meeting held on Monday 30 September 2019",
        line,
    ]
    assert members.members_title() == ("Exempt minutes of the meeting held on 30 September 2019"), (
        "its bookmark"
    )
    from docx import Document

    title = Document(str(tmp_path / "out.docx")).core_properties.title
    assert title == "Exempt minutes of the meeting held on Monday 30 September 2019", (
        "the document's title (its PDF's) as its heading"
    )
    whole = "\n".join(text)
    for public in ("Draft minutes", "PRESENT", "Apologies", "Colin Chair", "started at"):
        assert public not in whole, f"{public!r}: the public minutes give it"
    assert "for members only" in whole
    assert text.count(line) == 1, "its minute's line says the same: once"
    assert "51. Millbay lease (exempt information - paragraphs\u00a03\u00a0and\u00a05)" in text
    assert any("SECRETACTION" in t for t in text), "its action under it"
    assert "Actions log" not in text
    # the public minutes open as they always did
    public = _rendered(tmp_path, loaded.data, "public.docx")
    assert "Draft minutes of the meeting held on Monday 30 September 2019" in public
    assert "PRESENT:" in public and not any("Exempt minutes" in t for t in public)
    title = Document(str(tmp_path / "public.docx")).core_properties.title
    assert title == "Draft minutes of the meeting held on Monday 30 September 2019"


def test_exempt_minutes_under_other_paragraphs_keep_their_own_line(tmp_path: Path) -> None:
    second = (52, "Harbour rents", "SECRETRENT rents.", "", "", "", 1, "Rents were reviewed.")
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(EXEMPT, second)))
    text = _rendered(tmp_path, loaded.members)
    opening = "NOT FOR PUBLICATION by virtue of paragraphs\u00a01\u00a0and\u00a03 of Part 1"
    assert any(t.startswith(opening) for t in text[:6])
    act = "of Part 1 of Schedule 12A to the Local Government Act 1972"
    for n in (1, 3):
        assert f"NOT FOR PUBLICATION by virtue of paragraph {n} {act}" in text


CAPTION = "Every action of these minutes, for the next meeting's matters arising."
ELSEWHERE = "The actions of exempt minutes are in the exempt minutes, for members only."


@pytest.mark.parametrize("with_action", [True, False], ids=["its action", "no action"])
def test_the_actions_log_says_it_leaves_exempt_minutes_actions_out(
    tmp_path: Path, with_action: bool
) -> None:
    """ "Every action of these minutes" left out the exempt minutes' actions (a new user's
    review): the public log says where they are, whether the exempt minute had actions or not
    (so that it tells nothing of them); minutes with no exempt minute say what they always did."""
    actions = [EXEMPT_ACTION] if with_action else []
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(EXEMPT), actions))
    text = _rendered(tmp_path, loaded.data)
    assert f"{CAPTION} {ELSEWHERE}" in text
    assert not [s for s in SECRETS if s in "\n".join(text)]
    plain = _rendered(tmp_path, load(_workbook(tmp_path / "p.xlsx", PUBLIC)).data, "plain.docx")
    assert CAPTION in plain and not any(ELSEWHERE in t for t in plain)


def test_the_exclusion_of_the_public_is_a_public_minute(tmp_path: Path) -> None:
    exclusion = (
        51,
        "Exclusion of the press and public",
        "",
        "",
        "",
        "- under section 100A(4) of the Local Government Act 1972 the press and public be "
        "excluded for the next item, as it involves exempt information as defined in "
        "paragraph 3 of Part 1 of Schedule 12A",
        None,
        None,
    )
    lease = (52, *EXEMPT[1:])
    minutes = load(_workbook(tmp_path / "m.xlsx", _rows(exclusion, lease))).data.minutes
    assert minutes[-2].agreed and minutes[-2].exemption is None
    assert minutes[-1].exemption == Exemption((3,))


@pytest.mark.parametrize(
    "typed", ["Exemption", "Schedule 12A", "Exempt para.", "Part II paragraph"]
)
def test_the_exempt_column_may_be_headed_as_on_the_agenda(tmp_path: Path, typed: str) -> None:
    path = _workbook(tmp_path / "m.xlsx", _rows(EXEMPT))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Minutes"].cell(1, 7, typed)
    wb.save(path)
    assert load(path).data.minutes[-1].exemption == Exemption((3,))


# --- minutes that say they are exempt, and are not marked ----------------------------------------

SAYS = {
    "heading Part II": ("heading", "Part II - Millbay lease", "B5"),
    "heading bracketed": ("heading", "Millbay lease (exempt)", "B5"),
    "narrative not for publication": (
        "narrative",
        "Not for publication by virtue of paragraph 3. Bids were received.",
        "C5",
    ),
    "narrative exempt information": (
        "narrative",
        "This minute contains exempt information about the bids.",
        "C5",
    ),
    "discussed Schedule 12A": ("discussed", "- the bids (Schedule 12A, paragraph 3)", "D5"),
    "closing protective marking": ("closing", "Papers were marked OFFICIAL-SENSITIVE.", "E5"),
    "agreed by virtue of": (
        "agreed",
        "- that by virtue of paragraph 3 the bids are withheld",
        "F5",
    ),
}
COLUMNS = {"heading": 1, "narrative": 2, "discussed": 3, "closing": 4, "agreed": 5}


@pytest.mark.parametrize("column, words, cell", SAYS.values(), ids=SAYS.keys())
def test_a_minute_saying_it_is_exempt_without_a_paragraph_is_refused(
    tmp_path: Path, column: str, words: str, cell: str
) -> None:
    row = [51, "Property", "The board met.", "", "", "", None, None]
    row[COLUMNS[column]] = words
    with pytest.raises(PackError) as caught:
        load(_workbook(tmp_path / "m.xlsx", _rows(tuple(row))))
    message = str(caught.value)
    assert f"m.xlsx, sheet Minutes, cell {cell}: minute 51 says it is exempt" in message
    assert "Exempt paragraph" in message and "type public there" in message
    assert len(message.splitlines()) == 1


def test_public_in_the_exempt_column_answers_the_refusal(tmp_path: Path) -> None:
    row = (
        51,
        "Freedom of Information: exempt information requests",
        "Figures.",
        "",
        "",
        "",
        "public",
        None,
    )
    minute = load(_workbook(tmp_path / "m.xlsx", _rows(row))).data.minutes[-1]
    assert minute.exemption is None and minute.narrative


def test_a_minute_after_a_part_two_minute_needs_its_paragraph(tmp_path: Path) -> None:
    opening = (
        51,
        "Part II: exempt business",
        "The press and public left.",
        "",
        "",
        "",
        "public",
        None,
    )
    later = (52, "Millbay lease", "The bids were considered.", "", "", "", None, None)
    with pytest.raises(PackError, match=r"cell G6: minute 52 comes after minute 51"):
        load(_workbook(tmp_path / "m.xlsx", _rows(opening, later)))
    back = (52, "Public business resumed", "The public returned.", "", "", "", None, None)
    aob = (53, "Any further business", "None.", "", "", "", None, None)
    assert load(_workbook(tmp_path / "n.xlsx", _rows(opening, back, aob))).data.minutes[-1]


def test_an_action_of_a_public_minute_saying_exempt_is_refused(tmp_path: Path) -> None:
    action = (50, "Not for publication: negotiate with Bidder X", "Head of Property", None, "")
    with pytest.raises(PackError) as caught:
        load(_workbook(tmp_path / "m.xlsx", _rows(), [action]))
    assert "m.xlsx, sheet Actions, cell B4: the action for minute 50 says it is exempt" in str(
        caught.value
    )


def test_an_unread_column_about_exemption_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "m.xlsx", _rows(EXEMPT))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Minutes"].cell(1, 7, "Confidential")
    wb.save(path)
    with pytest.raises(
        PackError, match=r"cell G1: the column 'Confidential' looks as if it marks minutes exempt"
    ):
        load(path)


@pytest.mark.parametrize(
    ("column", "typed", "meant"),
    [(3, "Narative", "Narrative"), (4, "Members discused", "Members discussed"),
     (8, "Public summery", "Public summary")],
)  # fmt: skip
def test_a_misspelt_heading_is_refused_not_left_out(
    tmp_path: Path, column: int, typed: str, meant: str
) -> None:
    """A new user's review: a slip in a heading left that part out of every minute, silently."""
    path = _workbook(tmp_path / "m.xlsx", _rows(EXEMPT))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cell = wb["Minutes"].cell(1, column, typed)
    wb.save(path)
    with pytest.raises(PackError) as caught:
        load(path)
    said = str(caught.value)
    assert f"cell {cell.coordinate}: the column {typed!r} is not read" in said
    assert f"rename it {meant!r}" in said
    assert "looks as if it marks" not in said  # (its cells are not judged as markings)


def test_a_heading_not_read_is_pointed_out(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "m.xlsx", _rows())
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Minutes"].cell(1, 9, "Summary")
    wb.save(path)
    loaded = load(path)
    assert any("cell I1: column 'Summary' is not read" in w for w in loaded.warnings)


@pytest.mark.parametrize(
    ("row", "cell", "detail"),
    [
        ((51, "Millbay lease", "Bids.", "", "", "", 3, "Sold to Pellow Developments Ltd."),
         "H5", "Pellow Developments Ltd"),
        ((51, "Millbay lease", "Bids.", "", "", "", 3, "The lease went for £1,250,000."),
         "H5", "£1,250,000"),
        ((51, "Millbay lease to Bidder X Ltd", "Bids.", "", "", "", 3, "Agreed."),
         "B5", "Bidder X Ltd"),
    ],
)  # fmt: skip
def test_a_sum_or_company_in_what_the_public_minutes_print_is_pointed_out(
    tmp_path: Path, row: tuple[Any, ...], cell: str, detail: str
) -> None:
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(row)))
    assert any(
        f"cell {cell}: minute 51 is exempt, but its" in w and detail in w for w in loaded.warnings
    ), loaded.warnings


def test_a_plain_summary_of_an_exempt_minute_is_not_pointed_out(tmp_path: Path) -> None:
    row = (51, "Millbay lease", "Bids.", "", "", "", 3, "The board agreed a preferred bidder.")
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(row)))
    assert not any("minute 51 is exempt, but" in w for w in loaded.warnings)


def test_a_paragraph_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"cell G5: exempt paragraph 9 does not exist"):
        load(_workbook(tmp_path / "m.xlsx", _rows((*EXEMPT[:6], 9, None))))


def test_a_heading_that_perhaps_says_exempt_is_pointed_out(tmp_path: Path) -> None:
    row = (51, "Confidential reporting line", "Launched.", "", "", "", None, None)
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(row)))
    assert any(
        "cell B5: the heading of minute 51 says 'Confidential'" in w for w in loaded.warnings
    )


# --- end to end: the real packs, read back -------------------------------------------------------


def _pdf_words(path: Path) -> str:
    """Everything a reader of the PDF can get at: each page's text (pypdf and pdftotext), the
    bookmarks and the document information."""
    reader = PdfReader(path)
    text = [page.extract_text() for page in reader.pages]
    text.append(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    )

    def titles(outline: list[Any]) -> list[str]:
        return [t for o in outline for t in (titles(o) if isinstance(o, list) else [o.title])]

    text += titles(reader.outline)
    text += [str(v) for v in (reader.metadata or {}).values()]
    return "\n".join(text)


@pytest.mark.libreoffice
def test_packs_publish_only_the_public_form_of_an_exempt_minute(
    tmp_path: Path, libreoffice
) -> None:  # type: ignore[no-untyped-def]
    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes-2019-09-30.xlsx"]},
            {"title": "Millbay lease", "papers": ["tender.docx"], "exempt paragraph": 3},
        ],
    )
    _workbook(folder / "minutes-2019-09-30.xlsx", _rows(EXEMPT), [EXEMPT_ACTION])
    write_docx(folder / "tender.docx", 3, label="Tender report TENDERBODY")

    result = build(folder, tmp_path / "out", converter=libreoffice)

    public = next(p for p in result.packs if p.public)
    private = next(p for p in result.packs if not p.public)
    public_text = _pdf_words(public.path)
    html = public.path.with_suffix(".html").read_text()
    for where, text in (("public pack", public_text), ("HTML agenda", html)):
        # (the agenda says "Not for publication by virtue of paragraph 3" of the exempt item)
        leaked = [s for s in SECRETS[:-1] if s in text]
        assert not leaked, f"{where} publishes {leaked}"
    # the public minutes keep the minute's number, heading and public summary ...
    flat = re.sub(r"\s+", " ", public_text)
    assert "51. Millbay lease (exempt information - paragraph 3)" in flat
    assert EXEMPT[7] in flat
    # ... and the open action of a public minute is still carried forward
    assert "Publish the assessment" in flat and "Publish the assessment" in html
    assert "TENDERBODY" not in public_text and "TENDERBODY" in _pdf_words(private.path)
    # members read the exempt minute in full, marked, under the heading the public read
    private_text = re.sub(r"\s+", " ", _pdf_words(private.path))
    assert "51. Millbay lease (exempt information - paragraph 3)" in private_text
    assert (
        "NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
        "Government Act 1972"
    ) in private_text
    assert all(s in private_text for s in SECRETS), "the minute in full"
    # (both packs carry the same public minutes; the full text is a document of its own)
    assert EXEMPT[7] in private_text, "the public minutes, as in the public pack"


# an exempt minute long enough to take pages of its own: in the minutes' place it would move every
# later page of the private pack
LONG = (
    *EXEMPT[:2],
    "\n\n".join(
        [EXEMPT[2]]
        + [f"SECRETNARR {n}. " + "The bids were compared line by line. " * 12 for n in range(30)]
    ),
    *EXEMPT[3:],
)
REFERENCE = re.compile(r"\((Pages? \d+(?: - \d+)?)(?:; exempt minutes: (Pages? \d+(?: - \d+)?))?\)")


def _references(pack: Pack) -> list[tuple[str, str]]:
    """Each page reference of a pack's frontsheet: the item's pages, and its exempt minutes'."""
    return REFERENCE.findall(re.sub(r"\s+", " ", pack.frontsheet_text()))


def _numbers(pages: str) -> tuple[int, int]:
    found = re.findall(r"\d+", pages)
    return int(found[0]), int(found[-1])


@pytest.mark.libreoffice
def test_the_exempt_minutes_come_after_every_public_page_stamped_on_every_page(
    tmp_path: Path, libreoffice
) -> None:  # type: ignore[no-untyped-def]
    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes-2019-09-30.xlsx"]},
            {"title": "Community safety report", "papers": ["report.docx"]},
            {"title": "Millbay lease", "papers": ["tender.docx"], "exempt paragraph": 3},
        ],
    )
    _workbook(folder / "minutes-2019-09-30.xlsx", _rows(LONG), [EXEMPT_ACTION])
    write_docx(folder / "report.docx", 6, label="Community safety report")
    write_docx(folder / "tender.docx", 3, label="Tender report TENDERBODY")

    result = build(folder, tmp_path / "out", converter=libreoffice)

    public_built = next(p for p in result.packs if p.public)
    private_built = next(p for p in result.packs if not p.public)
    public, private = Pack.read(public_built.path), Pack.read(private_built.path)
    ours, theirs = _references(public), _references(private)
    # every public item has the same pages in both packs, and starts with the same stamp
    assert len(ours) == 2 and len(theirs) == 3
    assert [pages for pages, _ in ours] == [pages for pages, _ in theirs[:2]]
    for number, (pages, _) in zip(("1", "2"), ours, strict=True):
        first = _numbers(pages)[0]
        for pack in (public, private):
            assert f"Agenda Item {number}" in pack.texts[pack.physical(first)], (pack.path, pages)
    # the private frontsheet's minutes row points to the exempt minutes; the public one does not
    assert not any(extra for _, extra in ours)
    assert "exempt minutes" not in public.frontsheet_text().lower()
    assert theirs[0][1] and not theirs[1][1] and not theirs[2][1]
    first, last = _numbers(theirs[0][1])
    # after every public page and the exempt item's papers: at the end of the private pack
    assert first > public.page_count - public.front_pages
    assert first > _numbers(theirs[2][0])[1]
    assert private.physical(last) == private.page_count - 1
    assert last > first, "the exempt minute takes pages of its own"
    law = "by virtue of paragraph 3 of Part 1 of Schedule 12A"
    annex = [private.texts[private.physical(n)] for n in range(first, last + 1)]
    for n, text in zip(range(first, last + 1), annex, strict=True):
        flat = re.sub(r"\s+", " ", text)
        assert "NOT FOR PUBLICATION" in flat and law in flat, f"page {n} is not marked"
        assert f"Page {n}" in flat
    whole = re.sub(r"\s+", " ", "\n".join(annex))
    assert all(s in whole for s in ("SECRETNARR 29", "SECRETAGREED", "SECRETACTION")), "in full"
    assert "Agenda Item 1" in annex[0], "its first page names its item"
    # nothing of it before: the private pack's minutes are the public ones
    before = "\n".join(private.texts[: private.physical(first)])
    assert "SECRETNARR" not in before and "SECRETACTION" not in before
    assert EXEMPT[7] in re.sub(r"\s+", " ", before)
    # its own bookmark, on its first page
    marks = {title: page for _, title, page in private.bookmarks()}
    assert marks["Exempt minutes of the meeting held on 30 September 2019"] == private.physical(
        first
    )
    assert not any("Exempt minutes" in t for _, t, _ in public.bookmarks())
    # the HTML agenda (the public pack's only) never names them
    public_html = public_built.path.with_suffix(".html").read_text()
    assert "xempt minutes" not in public_html and "SECRET" not in public_html
    assert not private_built.path.with_suffix(".html").exists()
    assert not [s for s in SECRETS[:-1] if s in "\n".join(public.texts)]


# --- the Exempt paragraph cell, read as the agenda's (`exclusion.read`) --------------------------

MARKED = {
    "several": (
        "england",
        "3, 5",
        (3, 5),
        "Millbay lease (exempt information - paragraphs 3 and 5)",
    ),
    "paragraphs and": (
        "england",
        "paragraphs 1 and 2",
        (1, 2),
        "Millbay lease (exempt information - paragraphs 1 and 2)",
    ),
    "wales": ("wales", 14, (14,), "Millbay lease (exempt information - paragraph 14 of Part 4)"),
    "wales several": (
        "wales",
        "12 and 14",
        (12, 14),
        "Millbay lease (exempt information - paragraphs 12 and 14 of Part 4)",
    ),
    "parish": (
        "parish",
        "confidential",
        (),
        "Millbay lease (confidential business - section 1(2) of the Public Bodies (Admission to "
        "Meetings) Act 1960)",
    ),
}


@pytest.mark.parametrize("rule, typed, paragraphs, heading", MARKED.values(), ids=MARKED.keys())
def test_the_exempt_cell_takes_what_an_agenda_items_takes(
    tmp_path: Path, rule: str, typed: Any, paragraphs: tuple[int, ...], heading: str
) -> None:
    from packbuilder import sheets
    from packbuilder.kinds.minutes import load_minutes

    path = _workbook(tmp_path / "m.xlsx", _rows((*EXEMPT[:6], typed, EXEMPT[7])))
    exempt = load_minutes(sheets.Workbook(path), rule).data.minutes[-1]
    assert exempt.exemption == Exemption(paragraphs, rule)
    assert exempt.heading == heading
    assert [b.text for b in exempt.narrative] == [EXEMPT[7]]


REFUSED = {
    "or": ("england", "3 or 5"),
    "england's in wales": ("wales", 3),
    "wales's in england": ("england", 14),
    "a paragraph for a parish": ("parish", 3),
    "a date Excel made": ("england", dt.datetime(2026, 5, 3)),
    "yes in england": ("england", "yes"),
}


@pytest.mark.parametrize("rule, typed", REFUSED.values(), ids=REFUSED.keys())
def test_the_exempt_cell_is_refused_as_an_agenda_items_is(
    tmp_path: Path, rule: str, typed: Any
) -> None:
    """The minutes' Exempt paragraph cell and the agenda's are read by one reader: a value
    refused in one is refused in the other, in the same words, each naming its own cell."""
    from packbuilder import sheets
    from packbuilder.kinds.minutes import load_minutes
    from packbuilder.meeting import load_meeting

    path = _workbook(tmp_path / "m.xlsx", _rows((*EXEMPT[:6], typed, EXEMPT[7])))
    with pytest.raises(PackError) as minutes:
        load_minutes(sheets.Workbook(path), rule)
    folder = make_meeting(
        tmp_path / "meeting",
        items=[{"title": "Millbay lease", "papers": ["lease.pdf"], "exempt paragraph": typed}],
        fields={"Deadline rule": rule},
        papers={"lease.pdf": 1},
    )
    with pytest.raises(PackError) as agenda:
        load_meeting(folder)
    said = str(minutes.value)
    assert said.startswith(f"{path}, sheet Minutes, cell G5: exempt paragraph")
    assert said.split("cell G5: ", 1)[1] == str(agenda.value).split(": ", 1)[1]


@pytest.mark.parametrize("rule", ["wales", "parish"])
def test_the_meetings_rule_reaches_the_minutes(tmp_path: Path, rule: str) -> None:
    """The minutes workbook has no deadline rule of its own: the meeting's is used."""
    from packbuilder.meeting import load_meeting

    typed = 14 if rule == "wales" else "confidential"
    folder = make_meeting(
        tmp_path / "meeting",
        items=[{"title": "Minutes of the last meeting", "papers": ["minutes.xlsx"]}],
        fields={"Deadline rule": rule},
    )
    _workbook(folder / "minutes.xlsx", _rows((*EXEMPT[:6], typed, EXEMPT[7])))
    [paper] = load_meeting(folder).items[0].papers
    assert paper.data.minutes[-1].exemption == Exemption((14,) if rule == "wales" else (), rule)


# --- an unmarked minute after an exempt one ------------------------------------------------------

AFTER = (52, "Any further business", "None.", "", "", "", None, None)


def _after_warnings(tmp_path: Path, *rows: tuple[Any, ...]) -> list[str]:
    loaded = load(_workbook(tmp_path / "m.xlsx", _rows(*rows)))
    return [w for w in loaded.warnings if "which is exempt" in w]


def test_an_unmarked_minute_after_an_exempt_one_is_pointed_out(tmp_path: Path) -> None:
    later = (53, "Close", "The Chair closed the meeting.", "", "", "", None, None)
    warnings = _after_warnings(tmp_path, EXEMPT, AFTER, later)
    assert warnings == [
        f"{tmp_path / 'm.xlsx'}, sheet Minutes, cell G6: minute 52 follows minute 51, which is "
        "exempt, but has no exempt paragraph, so it is published in full; if the press and "
        "public were still excluded give it its paragraph of Schedule 12A (1 to 7) in Exempt "
        "paragraph, or type public there to say that they were back"
    ], "once, at the first minute after the exempt ones"


QUIET = {
    "typed public": (52, "Any further business", "None.", "", "", "", "public", None),
    "typed no": (52, "Any further business", "None.", "", "", "", "no", None),
    "public business resumed": (52, "Public business resumed", "", "", "", "", None, None),
    "the public readmitted": (52, "Press and public readmitted", "", "", "", "", None, None),
    "marked too": (52, "Staffing", "SECRET", "", "", "", 1, "Staffing was discussed."),
}


@pytest.mark.parametrize("row", QUIET.values(), ids=QUIET.keys())
def test_a_minute_after_an_exempt_one_that_says_it_is_public_is_not_pointed_out(
    tmp_path: Path, row: tuple[Any, ...]
) -> None:
    assert _after_warnings(tmp_path, EXEMPT, row) == []


def test_a_minute_after_a_public_one_is_not_pointed_out(tmp_path: Path) -> None:
    assert _after_warnings(tmp_path, AFTER) == []
    first = (47, *EXEMPT[1:])  # an exempt first minute, the public ones after it
    [warning] = load(_workbook(tmp_path / "n.xlsx", [first, *PUBLIC])).warnings
    assert "cell G3: minute 48 follows minute 47, which is exempt" in warning


def _page_of(reader: PdfReader, words: str) -> int:
    return next(
        n for n, p in enumerate(reader.pages) if words in " ".join(p.extract_text().split())
    )


@pytest.mark.libreoffice
def test_the_private_pack_carries_the_exempt_minutes_in_full(tmp_path: Path, libreoffice) -> None:  # type: ignore[no-untyped-def]
    """With no exempt agenda item, minutes recording Part II business (two paragraphs) make a
    public and a private pack: both carry the same public minutes, and the private one ends
    with the exempt minute in full under a NOT FOR PUBLICATION line naming its paragraphs, its
    action under it only (not in the actions log, nor carried onto either agenda); the private
    pack's first pages are the public pack's, page for page."""
    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes.xlsx"]},
            {"title": "Strategic assessment", "papers": ["assessment.pdf"]},
        ],
        papers={"assessment.pdf": 2},
    )
    later = (52, "Any further business", "None.", "", "", "", "public", None)
    _workbook(
        folder / "minutes.xlsx", _rows((*EXEMPT[:6], "3, 5", EXEMPT[7]), later), [EXEMPT_ACTION]
    )

    result = build(folder, tmp_path / "out", converter=libreoffice)

    public = next(p for p in result.packs if p.public)
    private = next(p for p in result.packs if not p.public)
    assert "PRIVATE-not-for-publication" in private.path.name
    public_text = _pdf_words(public.path)
    html = public.path.with_suffix(".html").read_text()
    for where, text in (("public pack", public_text), ("HTML agenda", html)):
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, f"{where} publishes {leaked}"
    flat = re.sub(r"\s+", " ", public_text)
    assert "51. Millbay lease (exempt information - paragraphs 3 and 5)" in flat
    assert EXEMPT[7] in flat

    reader = PdfReader(private.path)
    private_text = re.sub(r"\s+", " ", _pdf_words(private.path))
    marked = (
        "NOT FOR PUBLICATION by virtue of paragraphs 3 and 5 of Part 1 of Schedule 12A to the "
        "Local Government Act 1972"
    )
    page = _page_of(reader, "SECRETNARR")
    text = " ".join(reader.pages[page].extract_text().split())
    assert "51. Millbay lease (exempt information - paragraphs 3 and 5)" in text
    assert marked in text
    for secret in ("SECRETNARR", "SECRETDISCUSSED", "SECRETCLOSING", "SECRETAGREED"):
        assert secret in private_text
    assert EXEMPT[7] in private_text, "the public minutes, as in the public pack"
    # the action is printed under its minute, not in the log, nor carried onto an agenda
    pages = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert pages.count("SECRETACTION") == 1
    before = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[:page])
    assert "Actions log" in before and "SECRETACTION" not in before
    front = " ".join(reader.pages[0].extract_text().split())
    assert "Publish the assessment" in front and "SECRETACTION" not in front
    # the private pack's numbered pages begin with the public pack's, page for page
    ours, theirs = Pack.read(public.path), Pack.read(private.path)
    assert ours.frontsheet_ranges() == list(ours.real_ranges().values())
    numbered = ours.texts[ours.front_pages :]
    assert theirs.texts[theirs.front_pages :][: len(numbered)] == numbered
    assert page == theirs.physical(len(numbered) + 1), "after every public page"


LONG_NARRATIVE = (
    "The board considered the three bids for the Millbay lease received by the closing date. "
    "Bidder X offered the highest rent over the term with a break clause at year ten, and "
    "Bidder Y offered less rent but a larger premium paid at the start of the lease."
)
QUOTED = {
    "a public paper quoting it": ("report", "The board agreed the preferred bidder."),
    "its public summary copied from it": ("summary", LONG_NARRATIVE),
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("where, summary", QUOTED.values(), ids=QUOTED.keys())
def test_an_exempt_minutes_text_in_a_public_paper_is_refused(
    tmp_path: Path, libreoffice, where: str, summary: str
) -> None:  # type: ignore[no-untyped-def]
    """The full text of an exempt minute is exempt text: a public paper that holds it (an
    officer's report quoting the minute, the public minutes by a Public summary pasted from the
    narrative) is refused, as one holding an exempt paper's text is, and nothing is published."""
    from docx import Document

    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes.xlsx"]},
            {"title": "Property update", "papers": ["update.docx"]},
        ],
    )
    row = (51, "Millbay lease", LONG_NARRATIVE, "", "", "", 3, summary)
    _workbook(folder / "minutes.xlsx", _rows(row))
    doc = Document()
    doc.add_paragraph("Property update for the board.")
    if where == "report":
        doc.add_paragraph(f"As minuted last time: {LONG_NARRATIVE}")
    doc.save(folder / "update.docx")

    with pytest.raises(PackError) as caught:
        build(folder, tmp_path / "out", converter=libreoffice)
    if where == "report":
        assert (
            "paper 'update.docx' of item 2 holds all of the text of minute 51 of 'minutes.xlsx' "
            "(cell A5), which is exempt"
        ) in str(caught.value)
    else:  # the summary is refused as the workbook is read, naming its cell (`marking.pasted`)
        assert "minutes.xlsx, sheet Minutes, cell H5: the Public summary of minute 51" in str(
            caught.value
        )
    assert not (tmp_path / "out" / "public").exists()


@pytest.mark.libreoffice
def test_minutes_to_follow_in_a_supplement_keep_the_exempt_minutes_for_members(
    tmp_path: Path, libreoffice
) -> None:  # type: ignore[no-untyped-def]
    """Minutes "to follow" that record Part II business go out in a supplement with a public and
    a private version: both carry the same public minutes on the same pages, numbered from 1;
    the private one ends with the exempt minutes, on the pages its frontsheet gives, stamped NOT
    FOR PUBLICATION on every page, opening as what they are; the agenda pack, published before
    the minutes came, is one public pack that says "To follow", and nothing public names or
    holds the exempt minutes."""
    folder = make_meeting(
        tmp_path / "meeting",
        items=[
            {
                "title": "Minutes of the last meeting",
                "papers": ["minutes.xlsx"],
                "status": "to follow",
                "supplement": 1,
            },
            {"title": "Strategic assessment", "papers": ["assessment.pdf"]},
        ],
        papers={"assessment.pdf": 2},
    )
    _workbook(folder / "minutes.xlsx", _rows((*LONG[:6], "3, 5", LONG[7])), [EXEMPT_ACTION])

    result = build(folder, tmp_path / "out", converter=libreoffice)

    names = sorted(p.path.name for p in result.packs)
    assert names == [
        "meeting-agenda-pack.pdf",
        "meeting-supplement-1-PRIVATE-not-for-publication.pdf",
        "meeting-supplement-1-public.pdf",
    ]
    by_name = {p.path.name: p for p in result.packs}
    agenda = by_name["meeting-agenda-pack.pdf"]
    public_built = by_name["meeting-supplement-1-public.pdf"]
    private_built = by_name["meeting-supplement-1-PRIVATE-not-for-publication.pdf"]
    assert agenda.public and public_built.public and not private_built.public
    # what the build says of each: the exempt minutes are no agenda item of their own
    said = "\n".join(result.summary(paths=False))
    assert "Supplement 1 (public): 1 item with papers, " in said
    assert "Supplement 1 (private): 1 item with papers (exempt minutes for members only), " in said
    # nothing of the exempt minute in anything public; their pages named on no public agenda
    # (the public minutes' actions log says only that their actions are in them: `ELSEWHERE`)
    for built in (agenda, public_built):
        text = _pdf_words(built.path) + built.path.with_suffix(".html").read_text()
        assert not [s for s in SECRETS if s in text], built.path.name
        assert "xempt minutes" not in re.sub(r"\s+", " ", text).replace(ELSEWHERE, "")
        assert "xempt minutes" not in Pack.read(built.path).frontsheet_text()
    assert "To follow" in Pack.read(agenda.path).frontsheet_text()

    public, private = Pack.read(public_built.path), Pack.read(private_built.path)
    # the public supplement: its minutes on the pages its frontsheet gives, numbered from 1
    assert public.frontsheet_ranges() == list(public.real_ranges().values()) == [(1, 2)]
    assert EXEMPT[7] in re.sub(r"\s+", " ", "\n".join(public.texts))
    # the private one: the same numbered pages, page for page, then the exempt minutes
    numbered = public.texts[public.front_pages :]
    assert private.texts[private.front_pages :][: len(numbered)] == numbered
    front = re.sub(r"\s+", " ", private.frontsheet_text())
    assert "This version includes exempt minutes for members only" in front
    assert "leaves these minutes out" in front and "exempt papers" not in front
    [(pages, extra)] = _references(private)
    assert _numbers(pages) == (1, 2)
    first, last = _numbers(extra)
    assert first == 3 and last > first, "after every public page, on pages of their own"
    assert private.physical(last) == private.page_count - 1
    law = "by virtue of paragraphs 3 and 5 of Part 1 of Schedule 12A"
    for n in range(first, last + 1):
        flat = re.sub(r"\s+", " ", private.texts[private.physical(n)])
        assert "NOT FOR PUBLICATION" in flat and law in flat and f"Page {n}" in flat, n
    opening = re.sub(r"\s+", " ", private.texts[private.physical(first)])
    assert "Agenda Item 1" in opening
    assert "Exempt minutes of the meeting held on Monday 30 September 2019" in opening
    assert "Draft minutes" not in opening and "PRESENT" not in opening
    whole = re.sub(r"\s+", " ", "\n".join(private.texts))
    assert all(s in whole for s in ("SECRETNARR 29", "SECRETAGREED", "SECRETACTION"))
    marks = {title: page for _, title, page in private.bookmarks()}
    assert marks["Exempt minutes of the meeting held on 30 September 2019"] == private.physical(
        first
    )
    assert not private_built.path.with_suffix(".html").exists()


def test_the_webs_agenda_data_says_which_item_has_exempt_minutes(tmp_path: Path) -> None:
    """The web page's publish question names the item whose exempt minutes go to members only
    (`exempt_minutes`), as it names exempt items."""
    from packbuilder.meeting import load_meeting
    from packbuilder.web.library import agenda_of

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes of the last meeting", "papers": ["minutes.xlsx"]},
            {"title": "Strategic assessment", "papers": ["assessment.pdf"]},
        ],
        papers={"assessment.pdf": 1},
    )
    _workbook(folder / "minutes.xlsx", _rows(EXEMPT))
    items = agenda_of(load_meeting(folder))["items"]
    assert [i["exempt_minutes"] for i in items] == [True, False]
    assert not any(i["exempt"] for i in items)
    _workbook(folder / "minutes.xlsx", PUBLIC)
    assert not any(i["exempt_minutes"] for i in agenda_of(load_meeting(folder))["items"])
