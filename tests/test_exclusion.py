"""Reading an item's exempt cell under the meeting's law, and the words that cite it.

England: paragraphs 1 to 7 of Part 1 of Schedule 12A; Wales: 12 to 18 of Part 4; a parish or town
council: no paragraph (section 1(2) of the Public Bodies (Admission to Meetings) Act 1960), the
cell says `confidential`. Anything not read for sure is refused, naming the cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from packbuilder import exclusion
from packbuilder.errors import InputError, Source
from packbuilder.model import Exemption

CELL = Source(Path("meeting.xlsx"), "Agenda", "H3")


@pytest.mark.parametrize(
    ("typed", "paragraphs"),
    [
        (3, (3,)),
        (3.0, (3,)),
        ("3", (3,)),
        ("para 3", (3,)),
        ("Paragraph 3", (3,)),
        ("3, 5", (3, 5)),
        ("3,5", (3, 5)),
        ("5, 3", (3, 5)),
        ("3 and 5", (3, 5)),
        ("3 & 5", (3, 5)),
        ("3; 5", (3, 5)),
        ("paragraphs 1 and 2", (1, 2)),
        ("paras 1, 2 and 7", (1, 2, 7)),
        ("1, 2, and 7", (1, 2, 7)),
        ("para 1 and para 2", (1, 2)),
        ("3, 3", (3,)),
    ],
)
def test_england_reads_one_paragraph_or_several(typed: object, paragraphs: tuple[int, ...]) -> None:
    assert exclusion.read(typed, "england", CELL) == Exemption(paragraphs, "england")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("3 or 5", "'3 or 5' does not say which paragraph applies"),
        ("3-", "'3-' cannot be read as paragraphs of Schedule 12A"),
        ("3 5", "'3 5' cannot be read as paragraphs of Schedule 12A"),
        ("3.5", "'3.5' cannot be read as paragraphs of Schedule 12A"),
        ("yes", "'yes' says that the item is exempt, but not under which paragraph"),
        ("confidential", "'confidential' says that the item is exempt, but not under which"),
        (8, "exempt paragraph 8 does not exist; give one of paragraphs 1 to 7 of Part 1"),
        ("3, 9", "exempt paragraph 9 does not exist"),
        ("0", "exempt paragraph 0 does not exist"),
    ],
)
def test_england_refuses_what_it_cannot_read_naming_the_cell(typed: object, says: str) -> None:
    with pytest.raises(InputError) as info:
        exclusion.read(typed, "england", CELL)
    assert says in str(info.value)
    assert info.value.source == CELL
    if "does not exist" not in says:
        assert "such as 3, or each paragraph that applies, such as 3, 5 or 3 and 5" in str(
            info.value
        )


def test_wales_reads_paragraphs_12_to_18_of_part_4() -> None:
    assert exclusion.read(14, "wales", CELL) == Exemption((14,), "wales")
    assert exclusion.read("12, 14", "wales", CELL) == Exemption((12, 14), "wales")
    with pytest.raises(InputError) as info:
        exclusion.read(19, "wales", CELL)
    assert "paragraph 19 does not exist; give one of paragraphs 12 to 18 of Part 4" in str(
        info.value
    )


def test_each_nation_refuses_the_others_paragraphs_saying_why() -> None:
    with pytest.raises(InputError) as info:
        exclusion.read(3, "wales", CELL)
    assert "give one of paragraphs 12 to 18 of Part 4 of Schedule 12A" in str(info.value)
    assert "Welsh councils use paragraphs 12 to 18 of Part 4" in str(info.value)
    with pytest.raises(InputError) as info:
        exclusion.read(14, "england", CELL)
    assert str(info.value).endswith(
        "exempt paragraph 14 does not exist; give one of paragraphs 1 to 7 of Part 1 of Schedule "
        "12A (English councils use paragraphs 1 to 7 of Part 1; paragraph 14 of Part 4 is Wales's;"
        " if this council is in Wales, set the Meeting sheet's deadline rule to wales)"
    )


@pytest.mark.parametrize("typed", ["confidential", "Confidential", "yes", "Y", "exempt"])
def test_a_parish_item_is_marked_confidential_with_no_paragraph(typed: str) -> None:
    assert exclusion.read(typed, "parish", CELL) == Exemption((), "parish")


@pytest.mark.parametrize("typed", [3, "3", "para 3", "3, 5", "private"])
def test_a_parish_paragraph_is_refused_with_what_to_type(typed: object) -> None:
    with pytest.raises(InputError) as info:
        exclusion.read(typed, "parish", CELL)
    message = str(info.value)
    assert "Public Bodies (Admission to Meetings) Act 1960, which has no paragraphs" in message
    assert "type confidential here" in message


@pytest.mark.parametrize(
    ("exemption", "key"),
    [
        (None, None),
        (Exemption((3,)), 3),  # as content keys always held it: published packs stay the same
        (Exemption((3, 5)), [3, 5]),
        (Exemption((14,), "wales"), 14),
        (Exemption((), "parish"), "confidential"),
    ],
)
def test_content_keys_hold_one_paragraph_as_they_always_did(
    exemption: Exemption | None, key: object
) -> None:
    assert exclusion.key(exemption) == key


@pytest.mark.parametrize(
    ("rule", "asked"),
    [
        ("england", "its paragraph of Schedule 12A (1 to 7)"),
        ("wales", "its paragraph of Schedule 12A (12 to 18)"),
        ("parish", "'confidential' (a parish or town council gives no paragraph)"),
    ],
)
def test_what_to_type_follows_the_rule(rule: str, asked: str) -> None:
    assert exclusion.what_to_type(rule) == asked


def test_one_paragraph_in_england_is_worded_as_packs_published_before_have_it() -> None:
    """The stamp and the note are in the private pack's and the frontsheet's content keys: the
    words for one paragraph are those of earlier releases, so an upgrade makes no new version."""
    act = "Part 1 of Schedule 12A to the Local Government Act 1972"
    assert exclusion.stamp(Exemption((3,))) == f"by virtue of paragraph 3 of {act}"
    note = exclusion.note(Exemption((3,)))
    assert note == f"Not for publication by virtue of paragraph 3 of {act}"


# --- end to end: the packs as built, read back ---------------------------------------------------

ACT_1972 = "of Schedule 12A to the Local Government Act 1972"
ACT_1960 = "section 1(2) of the Public Bodies (Admission to Meetings) Act 1960"
BY_RULE = {
    # rule: (the exempt cells of items 2 and 3, their notes, their stamps, the resolution's law)
    "england": (
        ("3, 5", 1),
        (f"by virtue of paragraphs 3 and 5 of Part 1 {ACT_1972}",
         f"by virtue of paragraph 1 of Part 1 {ACT_1972}"),
        f"exempt information as defined in paragraphs 1, 3 and 5 of Part 1 {ACT_1972}.",
    ),
    "wales": (
        (14, "12 and 14"),
        (f"by virtue of paragraph 14 of Part 4 {ACT_1972}",
         f"by virtue of paragraphs 12 and 14 of Part 4 {ACT_1972}"),
        f"exempt information as defined in paragraphs 12 and 14 of Part 4 {ACT_1972}.",
    ),
    "parish": (
        ("confidential", "yes"),
        (f"confidential business: {ACT_1960}",) * 2,
        f"under {ACT_1960} to exclude the press and public from the meeting for the following "
        "item(s) of business, in view of the confidential nature of the business about to be "
        "transacted, publicity of which would be prejudicial to the public interest.",
    ),
}  # fmt: skip


def plain_text(page: object) -> str:
    return " ".join((page.extract_text() or "").split())  # type: ignore[attr-defined]


@pytest.mark.libreoffice
@pytest.mark.parametrize("rule", list(BY_RULE))
def test_the_packs_cite_the_meetings_law(tmp_path: Path, libreoffice: object, rule: str) -> None:  # noqa: ARG001
    """Items 2 and 3 are exempt (several paragraphs in England and Wales, 'confidential' for a
    parish): the public agenda prints each one's note and one resolution before them, naming the
    union of their paragraphs, and leaves their papers out; every page of their papers in the
    private pack is marked NOT FOR PUBLICATION with the item's own law."""
    from pypdf import PdfReader

    from tests.factory import make_meeting, run_cli

    cells, stamps, resolution = BY_RULE[rule]
    make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Millbay lease", "papers": ["lease.pdf"], "exempt paragraph": cells[0]},
            {"title": "Staffing", "papers": ["staff.pdf"], "exempt paragraph": cells[1]},
        ],
        fields={"Deadline rule": rule},
        papers={"minutes.pdf": 1, "lease.pdf": 2, "staff.pdf": 1},
    )
    result = run_cli("build", "m", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [public] = (tmp_path / "out" / "public").glob("*.pdf")
    [private] = (tmp_path / "out" / "private").glob("*.pdf")
    public_text = " ".join(plain_text(p) for p in PdfReader(public).pages)
    notes = [
        "Not for publication by reason of the confidential nature of the business, under "
        f"{ACT_1960}"
        if rule == "parish"
        else f"Not for publication {stamp}"
        for stamp in stamps
    ]
    for note in notes:
        assert note in public_text
    assert public_text.count(resolution) == 1
    assert "lease page" not in public_text and "staff page" not in public_text
    if rule != "england":
        assert "Part 1 of Schedule 12A" not in public_text
    if rule == "parish":
        assert "Schedule 12A" not in public_text and "100A" not in public_text
    # the private pack: each page of an exempt paper marked, with its item's own law
    marked = {"lease page": stamps[0], "staff page": stamps[1]}
    pages = [plain_text(p) for p in PdfReader(private).pages]
    found = 0
    for text in pages:
        for words, stamp in marked.items():
            if words in text:
                found += 1
                assert "NOT FOR PUBLICATION" in text
                assert stamp in text
        if "minutes page" in text:
            assert "NOT FOR PUBLICATION" not in text
    assert found == 3  # two pages of the lease, one of the staffing paper
    # the public HTML agenda says the same as the frontsheet
    [html] = (tmp_path / "out" / "public").glob("*.html")
    page = " ".join(html.read_text().split())
    for note in notes:
        assert note in page


@pytest.mark.parametrize("rule", list(BY_RULE))
def test_the_webs_agenda_data_carries_each_items_note(tmp_path: Path, rule: str) -> None:
    from packbuilder.meeting import load_meeting
    from packbuilder.web.library import agenda_of
    from tests.factory import make_meeting

    cells, stamps, _ = BY_RULE[rule]
    make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Millbay lease", "papers": ["lease.pdf"], "exempt paragraph": cells[0]},
        ],
        fields={"Deadline rule": rule},
        papers={"minutes.pdf": 1, "lease.pdf": 1},
    )
    items = agenda_of(load_meeting(tmp_path / "m"))["items"]
    assert items[1]["exempt"] is True and items[1]["papers"] == []
    if rule == "parish":
        assert items[1]["note"].endswith(f"confidential nature of the business, under {ACT_1960}")
    else:
        assert items[1]["note"] == f"Not for publication {stamps[0]}"


@pytest.mark.parametrize("rule", ["england", "wales", "parish"])
def test_paragraphs_excel_made_a_date_are_said_to_be_one(rule: str) -> None:
    """A reviewer's: "3/5" typed in a General cell is a date to Excel (3 May), and was refused
    as "'2027-05-03 00:00:00' cannot be read"."""
    import datetime as dt

    with pytest.raises(InputError) as info:
        exclusion.read(dt.datetime(2027, 5, 3), rule, CELL)
    said = str(info.value)
    assert "Excel has made what was typed here a date (03/05)" in said
    assert "format the cell as Text" in said and info.value.source == CELL


WITHHELD = {
    "england": "They are not for publication because they contain exempt information",
    "wales": "They are not for publication because they contain exempt information",
    "parish": "They are not for publication because they are confidential",
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("rule", list(WITHHELD))
def test_a_public_supplement_says_why_papers_are_withheld_in_the_meetings_law(
    tmp_path: Path,
    libreoffice: object,  # noqa: ARG001
    rule: str,
) -> None:
    """A reviewer's: a parish council's public supplement said its withheld papers "contain
    exempt information" (Schedule 12A's words, which a parish has no part in); a parish's are
    confidential, under the 1960 Act. England's and Wales's wording is as it always was (the
    frontsheet's words are in every published supplement's content key)."""
    from pypdf import PdfReader

    from tests.factory import make_meeting, run_cli

    exempt = {"england": 3, "wales": 14, "parish": "confidential"}[rule]
    make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Late", "papers": ["late.pdf"], "status": "to follow", "supplement": 1},
            {"title": "Millbay lease", "papers": ["lease.pdf"], "status": "to follow",
             "supplement": 1, "exempt paragraph": exempt},
        ],
        fields={"Deadline rule": rule},
        papers={"minutes.pdf": 1, "late.pdf": 1, "lease.pdf": 1},
    )  # fmt: skip
    result = run_cli("build", "m", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [supplement] = (tmp_path / "out" / "public").glob("*-supplement-1-public.pdf")
    front = plain_text(PdfReader(supplement).pages[0])
    assert "The papers for agenda item 3 have been sent to members only." in front
    assert f"{WITHHELD[rule]}, as shown below." in front
    if rule == "parish":
        assert "exempt information" not in front
