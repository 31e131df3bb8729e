"""Nothing meant as exempt is published because packbuilder did not understand how it was written.

A clerk marks an item exempt by a Part II heading above it. These tests write the meeting folder
and load it as `check`, `build` and the web page do (`load_meeting`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from packbuilder.errors import ErrorList, PackError
from packbuilder.meeting import load_meeting
from tests.factory import make_meeting


def messages(exc: PackError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, ErrorList) else [exc])]


def load_errors(folder: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        load_meeting(folder)
    return messages(info.value)


# --- Part II headings ----------------------------------------------------------------------------


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


def test_part_two_holds_past_a_sub_heading_until_public_business_resumes(tmp_path):
    """After the resolution to exclude the press and public, the rest of the meeting is in
    private until a heading says public business resumes; a sub-heading ("Reports for decision")
    under Part II does not end it."""
    items = [
        {"item": None, "title": "Part II: items not for publication"},
        {"item": 1, "title": "Lease", "papers": ["a.pdf"], "exempt paragraph": 3},
        {"item": None, "title": "Reports for decision"},
        {"item": 2, "title": "Tender award", "papers": ["b.pdf"]},
        {"item": None, "title": "Part I: public business"},
        {"item": 3, "title": "Dates of future meetings"},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1, "b.pdf": 1})
    errors = load_errors(folder)
    assert len(errors) == 1, errors
    assert "cell A5: item 2 " in errors[0] and "Part II: items not for publication" in errors[0]
