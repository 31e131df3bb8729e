"""What a new version of a pack says it changed (`versions.changes`)."""

from __future__ import annotations

import datetime as dt

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


def test_a_draft_says_what_it_changes_since_what_is_published_and_the_draft_before() -> None:
    """A draft is no version, so it said nothing of what it changed (the web page's versions,
    drafts since, lost "what changed"). It says it against the pack published now and the
    draft made before it, in the words of a new version's changes."""
    from packbuilder.versions import NOTHING_PUBLISHED, Compared, Earlier, draft_changes

    after = _summary(
        13,
        ("1", "Minutes", [["Minutes", "a1", 2]]),
        ("2", "Budget", [["Budget report", "b2", 8], ["Annex", "c1", 1]]),
        ("3", "Plan", [["Plan", "d1", 2]]),
    )
    published = Earlier("the pack published on Thursday 20 February 2020", "k1", BEFORE)
    previous = Earlier("the draft made before it, on Friday 21 February 2020 at 10:03", "k2", after)
    assert draft_changes("k2", after, published, previous) == (
        Compared(
            "the pack published on Thursday 20 February 2020",
            (
                "item 2, 'Budget': 'Budget report' replaced (7 pages before, 8 pages now)",
                "numbered pages: 12 before, 13 now (+1)",
            ),
        ),
        Compared(
            "the draft made before it, on Friday 21 February 2020 at 10:03",
            ("nothing: it is that draft again, page for page",),
        ),
    )
    # what is published, made again as a draft: nothing (its key leaves the marks out)
    (same,) = draft_changes("k1", BEFORE, published, None)
    assert same.lines[0].startswith("nothing: it is the pack published, page for page")
    # nothing published: the draft is all new to the public
    assert draft_changes("k3", after, None, None) == (
        Compared(
            NOTHING_PUBLISHED, ("no version of this pack is published now: all of it would be new",)
        ),
    )
    # a private pack is never published: it is compared with the members' pack made when the
    # public packs were published, or says that none was made yet, never "published"
    from packbuilder.versions import NOTHING_FOR_MEMBERS, members_pack

    members = Earlier(members_pack(dt.date(2020, 2, 20)), "k1", BEFORE)
    (kept,) = draft_changes("k1", BEFORE, members, None, private=True)
    assert kept == Compared(
        "the members' pack made when the papers were published on Thursday 20 February 2020",
        ("nothing: it is the members' pack made then, page for page",),
    )
    (none,) = draft_changes("k3", after, None, None, private=True)
    assert none.against == NOTHING_FOR_MEMBERS
    assert "published now" not in none.lines[0] and "all of it would be new" in none.lines[0]
    # kept in the record and read back as it was
    for c in draft_changes("k2", after, published, previous):
        assert Compared.from_record(c.as_record()) == c
    assert Compared.from_record({"lines": []}) is None
