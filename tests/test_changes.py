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
