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
