"""What a new version of a pack says it changed (`versions.changes`)."""

from __future__ import annotations

from packbuilder.versions import changes


def _summary(pages: int, *items: tuple[str, str, list[list[object]]]) -> dict[str, object]:
    return {
        "pages": pages,
        "items": [{"number": n, "title": t, "papers": papers} for n, t, papers in items],
    }


BEFORE = _summary(
    12,
    ("1", "Minutes", [["Minutes", "a1", 2]]),
    ("2", "Budget", [["Budget report", "b1", 7], ["Annex", "c1", 1]]),
    ("3", "Plan", [["Plan", "d1", 2]]),
)


def test_an_item_retitled_and_one_taken_out_are_said() -> None:
    after = _summary(
        10,
        ("1", "Minutes", [["Minutes", "a1", 2]]),
        ("2", "Budget 2027/28", [["Budget report", "b1", 7], ["Annex", "c1", 1]]),
    )
    assert changes(BEFORE, after) == [
        "item 2, 'Budget 2027/28': retitled (was 'Budget')",
        "item 3, 'Plan': its papers are no longer in this pack",
        "numbered pages: 12 before, 10 now (-2)",
    ]


def test_the_same_papers_and_pages_say_the_frontsheet_changed() -> None:
    assert changes(BEFORE, BEFORE) == [
        "the frontsheet only (the papers and their pages are as they were)"
    ]


def test_without_the_earlier_versions_summary_nothing_is_said() -> None:
    """A version recorded before summaries were kept: nothing to compare with, nothing made up."""
    assert changes(None, BEFORE) == []
    assert changes({"made by": "an older packbuilder"}, BEFORE) == []


FRONT = ["Board AGENDA", "Place: Room 1", "1.", "Minutes", "(Pages 1 - 2)", "2.", "Budget",
         "To approve the budget", "(Pages 3 - 9)", "2.10 pm"]  # fmt: skip


def test_the_frontsheet_lines_that_changed_are_said() -> None:
    """A new user's: "the frontsheet only" did not say what changed on it (a venue, an item's
    purpose, a time). Page ranges are told by the papers' changes, not again; past six lines,
    how many more."""
    after = [*FRONT]
    after[1], after[7], after[8] = "Place: Warspite Room", "To agree the budget", "(Pages 3 - 11)"
    assert changes({**BEFORE, "front": FRONT}, {**BEFORE, "front": after}) == [
        "frontsheet: 'Place: Room 1' is now 'Place: Warspite Room'",
        "frontsheet: 'To approve the budget' is now 'To agree the budget'",
    ]
    more = [*FRONT, *(f"Note {n}" for n in range(9))]
    said = changes({**BEFORE, "front": FRONT}, {**BEFORE, "front": more})
    assert said[:6] == [f"frontsheet: 'Note {n}' added" for n in range(6)]
    assert said[6:] == ["frontsheet: and 3 more lines changed"]


def test_an_item_added_is_said_once_not_again_as_frontsheet_lines() -> None:
    after = _summary(14, *[(i["number"], i["title"], i["papers"]) for i in BEFORE["items"]],  # type: ignore[index, union-attr]
                     ("4", "Risks", [["Risk register", "e1", 2]]))  # fmt: skip
    front = [*FRONT, "4.", "Risks", "(Pages 13 - 14)"]
    assert changes({**BEFORE, "front": FRONT}, {**after, "front": front}) == [
        "item 4, 'Risks': added, with 'Risk register' (2 pages)",
        "numbered pages: 12 before, 14 now (+2)",
    ]
