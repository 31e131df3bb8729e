"""The frontsheet's context: page references, notes, exempt notices, times, worked by hand.

The context is what the agenda template prints, so every expected string below is written out in
full. Packs are given as `PackSpec`s and layouts from hand page counts, so these tests do not
depend on the plan's rules (tests/test_plan.py) or on LibreOffice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from packbuilder import exclusion
from packbuilder.errors import Source
from packbuilder.frontsheet import (
    EARLIER_WORDING,
    context,
    exempt_note,
    field,
    item_times,
    unbroken,
)
from packbuilder.layout import lay_out
from packbuilder.model import Contact, Exemption
from packbuilder.plan import PackSpec
from packbuilder.richtext import Block
from tests.models import TO_FOLLOW, VERBAL, item, meeting

ACT = "Part 1 of Schedule 12A to the Local Government Act 1972"


def exclusion_resolution(paragraphs: list[int], rule: str = "england") -> str:
    """The resolution before a run of items, one paragraph each."""
    return exclusion.resolution([Exemption((p,), rule) for p in paragraphs])


def test_exempt_note() -> None:
    assert exempt_note(Exemption((3,))) == (
        "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
        "Government Act 1972"
    )


@pytest.mark.parametrize(
    ("exemption", "cited"),
    [
        (Exemption((3, 5)), f"paragraphs 3 and 5 of {ACT}"),
        (Exemption((1, 2, 7)), f"paragraphs 1, 2 and 7 of {ACT}"),
        (
            Exemption((14,), "wales"),
            "paragraph 14 of Part 4 of Schedule 12A to the Local Government Act 1972",
        ),
        (
            Exemption((12, 14), "wales"),
            "paragraphs 12 and 14 of Part 4 of Schedule 12A to the Local Government Act 1972",
        ),
    ],
)
def test_the_note_and_the_stamp_name_every_paragraph_of_the_meetings_law(
    exemption: Exemption, cited: str
) -> None:
    assert exempt_note(exemption) == f"Not for publication by virtue of {cited}"
    assert exclusion.stamp(exemption) == f"by virtue of {cited}"


def test_a_parish_item_cites_the_1960_act_and_no_paragraph() -> None:
    confidential = Exemption((), "parish")
    act = "section 1(2) of the Public Bodies (Admission to Meetings) Act 1960"
    assert exempt_note(confidential) == (
        f"Not for publication by reason of the confidential nature of the business, under {act}"
    )
    assert exclusion.stamp(confidential) == f"confidential business: {act}"
    resolution = exclusion.resolution([confidential, confidential])
    assert resolution.startswith(f"To consider passing a resolution under {act} to exclude")
    assert "in view of the confidential nature of the business about to be transacted" in (
        resolution
    )
    assert "Schedule 12A" not in resolution and "100A" not in resolution


def test_the_resolution_names_the_union_of_the_runs_paragraphs_in_order() -> None:
    run = [Exemption((3, 5)), Exemption((1,)), Exemption((5, 7))]
    assert exclusion.resolution(run).endswith(f"as defined in paragraphs 1, 3, 5 and 7 of {ACT}.")
    wales = [Exemption((16,), "wales"), Exemption((12, 14), "wales")]
    assert exclusion.resolution(wales).endswith(
        "as defined in paragraphs 12, 14 and 16 of Part 4 of Schedule 12A to the Local "
        "Government Act 1972."
    )
    assert "Section 100A(4) of the Local Government Act 1972" in exclusion.resolution(wales)


@pytest.mark.parametrize(
    ("paragraphs", "words"),
    [
        ([3], "paragraph 3"),
        ([3, 3], "paragraph 3"),  # two items under the same paragraph
        ([3, 1], "paragraphs 1 and 3"),
        ([7, 1, 3, 1], "paragraphs 1, 3 and 7"),
    ],
)
def test_exclusion_resolution(paragraphs: list[int], words: str) -> None:
    assert exclusion_resolution(paragraphs) == (
        "To consider passing a resolution under Section 100A(4) of the Local Government Act 1972 "
        "to exclude the press and public from the meeting for the following item(s) of business "
        "on the grounds that they involve the likely disclosure of exempt information as defined "
        f"in {words} of {ACT}."
    )


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        # 2 pm + 10 -> 2.10 pm + 15 -> 2.25 pm + 5 -> 2.30 pm
        (dt.time(14, 0), [10, 15, 5, 20], ["2 pm", "2.10 pm", "2.25 pm", "2.30 pm"]),
        # across noon: 11.45 am + 30 -> 12.15 pm; and midnight's hour is 12
        (dt.time(11, 45), [30, 60], ["11.45 am", "12.15 pm"]),
        (dt.time(0, 5), [55], ["12.05 am"]),
        # an item without a time allowed: it has a start, the items after it have none
        (dt.time(18, 30), [15, None, 10, 10], ["6.30 pm", "6.45 pm"]),
        (dt.time(10, 0), [None, 5], ["10 am"]),
    ],
)
def test_item_times(start: dt.time, minutes: list[int | None], expected: list[str]) -> None:
    m = meeting(*(item(n, minutes=mins) for n, mins in enumerate(minutes, 1)), start_time=start)
    assert item_times(m) == {str(n): time for n, time in enumerate(expected, 1)}


# The meeting of the context tests: papers of 3 pages (item 1), 2 pages (exempt item 5) and 1 page
# (item 6), and the other kinds of row.
ITEMS = (
    item(1, "minutes.pdf", minutes=10, title="Minutes & matters arising"),
    item(2, minutes=5, title="Apologies"),
    item(3, status=VERBAL, minutes=15),
    item(4, "late.pdf", status=TO_FOLLOW, minutes=20),
    item(5, "tender.pdf", exempt=3, minutes=30),
    item(6, "perf.pdf"),
    item(7, status=VERBAL, exempt=1),
)
MEETING = meeting(
    *ITEMS,
    end_time=dt.time(16, 30),
    chair="Cllr Jane Smith",
    contact=Contact("Ada Advisor", "01752 000000", "ada@example.gov.uk"),
    extra={"Ward": "Stoke"},
)
PUBLIC = PackSpec(None, False, ITEMS, (ITEMS[0], ITEMS[5]))
PRIVATE = PackSpec(None, True, ITEMS, (ITEMS[0], ITEMS[4], ITEMS[5]))
PUBLISHED = "Wednesday 26 February 2020"  # the published line, as versions.Edition words it
NOTE_3 = f"Not for publication by virtue of paragraph 3 of {ACT}"
NOTE_1 = f"Not for publication by virtue of paragraph 1 of {ACT}"


def item_rows(ctx: dict) -> list[dict]:
    """The rows of agenda items (not the exclusion resolutions' rows before them)."""
    return [r for r in ctx["items"] if r["kind"] == "item"]


def public_context() -> dict:
    # public: item 1 pages 1-3 + filler 4; item 6 page 5
    return context(MEETING, PUBLIC, lay_out([("1", [3]), ("6", [1])]), PUBLISHED)


def private_context() -> dict:
    # private: item 1 pages 1-3 + filler 4; item 5 pages 5-6; item 6 page 7
    return context(MEETING, PRIVATE, lay_out([("1", [3]), ("5", [2]), ("6", [1])]), PUBLISHED)


def test_meeting_fields() -> None:
    ctx = public_context()
    assert {k: ctx[k] for k in ("body", "title", "date", "start", "end", "time", "venue")} == {
        "body": "Test Partnership Board",
        "title": "Test Partnership Board - 5 March 2020",
        "date": "Thursday 5 March 2020",
        "start": "2 pm",
        "end": "4.30 pm",
        "time": "2 pm \u2013 4.30 pm",
        "venue": "Room 1",
    }
    assert ctx["chair"] == "Cllr Jane Smith"
    assert ctx["contact"] == {
        "name": "Ada Advisor",
        "phone": "01752 000000",
        "email": "ada@example.gov.uk",
    }
    assert ctx["published"] == "Wednesday 26 February 2020"
    assert ctx["extra"] == {"Ward": "Stoke"}
    assert ctx["supplement"] == ""


def test_the_meetings_time_is_a_range_as_the_items_ranges_are() -> None:
    """The header's "2 pm - 4.30 pm" had a hyphen where every range of the agenda has an en
    dash ("10.00\u201310.10 am"); spaced, as agendas head it ("10 am \u2013 1 pm", seeds 003
    and 004). A pack published with the hyphen is rendered so too (`EARLIER_WORDING`), so that
    an upgrade alone makes no new version of it (tests/test_publish.py)."""
    ctx = public_context()
    assert ctx["time"] == "2 pm \u2013 4.30 pm"
    assert "-" not in ctx["time"]
    layout = lay_out([("1", [3]), ("6", [1])])
    earlier = context(MEETING, PUBLIC, layout, PUBLISHED, EARLIER_WORDING)
    assert earlier["time"] == "2 pm - 4.30 pm"
    assert {k: v for k, v in earlier.items() if k != "time"} == {
        k: v for k, v in ctx.items() if k != "time"
    }


@pytest.mark.parametrize(
    ("column", "typed", "style", "heading"),
    [
        ("Presented by", "", "list", "Presented by"),
        ("Lead officer", "", "table", "Lead officer"),
        ("Report author", "", "list", "Report author"),
        ("Who", "", "list", "Who"),
        # "Lead" itself, or no column: the style's own word, as before
        ("Lead", "", "table", "Who"),
        ("", "", "list", "Lead"),
        # the Meeting sheet's Lead heading is what the advisor asked for
        ("Presented by", "Officer", "list", "Officer"),
    ],
)
def test_the_lead_column_is_headed_as_the_agenda_sheet_heads_it(
    column: str, typed: str, style: str, heading: str
) -> None:
    """The frontsheet headed the lead column "Lead" (or "Who") whatever the Agenda sheet called
    it; the HTML agenda labels each item's lead with the same words (tests/test_html_agenda.py).
    Earlier packs are rendered as they were headed (`EARLIER_WORDING`)."""
    from packbuilder.model import AgendaSettings, AgendaStyle

    default = "Who" if style == "table" else "Lead"
    settings = AgendaSettings(
        style=AgendaStyle(style),
        lead_heading=typed or default,
        lead_heading_typed=bool(typed),
        lead_column=column,
    )
    m = dataclasses.replace(MEETING, agenda=settings)
    assert context(m, PUBLIC, lay_out([]), PUBLISHED)["lead_heading"] == heading
    earlier = context(m, PUBLIC, lay_out([]), PUBLISHED, EARLIER_WORDING)
    assert earlier["lead_heading"] == (typed or default)


@pytest.mark.parametrize(
    ("alone", "name"), [(True, "Supplementary pack"), (False, "Supplementary pack 1")]
)
def test_the_meetings_one_supplement_is_not_numbered(alone: bool, name: str) -> None:
    """ "SUPPLEMENTARY PACK 1" was printed on a meeting's only supplement, as no council names
    it (seed 001: "SUPPLEMENTARY PACK"); numbered when there are several
    (`publish.name_supplements`). Its file name keeps the number, whatever it is called."""
    late = item(4, "late.pdf", status=TO_FOLLOW)
    spec = PackSpec(1, None, (late,), (late,), alone=alone)
    ctx = context(meeting(late), spec, lay_out([("4", [1])]), PUBLISHED)
    assert ctx["supplement_name"] == name
    assert ctx["supplement"] == 1  # (as a meeting's own template may print it)
    assert spec.filename(meeting(late)).endswith("-supplement-1.pdf")
    earlier = context(meeting(late), spec, lay_out([("4", [1])]), PUBLISHED, EARLIER_WORDING)
    assert earlier["supplement_name"] == "Supplementary pack 1"


@pytest.mark.parametrize("private", [False, True])
def test_a_typed_resolution_is_kept_with_the_exempt_item_after_it(private: bool) -> None:
    """The resolution typed as an item introduces the exempt item after it, as the frontsheet's
    own resolution row does: its row is kept on that item's page (`keep_with_next`, which the
    templates print with every paragraph kept with the next); no other item's row is."""
    items = (
        item(1),
        item(2, title="Exclusion of the press and public"),
        item(3, "tender.pdf", exempt=3),
        item(4, title="Review of the exclusion of the press and public protocol"),
        item(5),
    )
    spec = PackSpec(None, private, items, ())
    rows = context(meeting(*items), spec, lay_out([]), PUBLISHED)["items"]
    kept = [(r["kind"], r["number"]) for r in rows if r["keep_with_next"]]
    assert kept == [("item", "2")]
    earlier = context(meeting(*items), spec, lay_out([]), PUBLISHED, EARLIER_WORDING)["items"]
    assert not any(r["keep_with_next"] for r in earlier)


def test_time_without_an_end() -> None:
    m = meeting(item(1), start_time=dt.time(9, 30))
    ctx = context(m, PackSpec(None, None, m.items, ()), lay_out([]), PUBLISHED)
    assert (ctx["start"], ctx["end"], ctx["time"]) == ("9.30 am", "", "9.30 am")
    assert ctx["total_pages"] == 0


def test_public_rows() -> None:
    ctx = public_context()
    rows = item_rows(ctx)
    assert [r["number"] for r in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [r["note"] for r in rows] == [
        "(Pages 1 - 4)",
        "",
        "Verbal update",
        "To follow",
        NOTE_3,
        "(Page 5)",
        NOTE_1,
    ]
    assert [r["pages"] for r in rows] == ["(Pages 1 - 4)", "", "", "", "", "(Page 5)", ""]
    # (a time's "pm" held on its line by a no-break space: test_times_keep_am_and_pm_on_the_line)
    assert [r["start"].replace("\u00a0", " ") for r in rows] == [
        "2 pm",
        "2.10 pm",
        "2.15 pm",
        "2.30 pm",
        "2.50 pm",
        "3.20 pm",
        "",
    ]
    assert [r["minutes"].replace("\u00a0", " ") for r in rows] == [
        "10 mins",
        "5 mins",
        "15 mins",
        "20 mins",
        "30 mins",
        "",
        "",
    ]
    assert [r["status"] for r in rows] == ["", "", "verbal", "to follow", "", "", "verbal"]
    assert [r["exempt"] for r in rows] == [False] * 4 + [True, False, True]
    assert [r["exempt_note"] for r in rows] == ["", "", "", "", NOTE_3, "", NOTE_1]
    assert rows[0]["title"] == "Minutes & matters arising"  # text stays text
    assert ctx["private"] is False
    assert ctx["has_exempt"] is True
    assert ctx["total_pages"] == 5


@pytest.mark.parametrize("ctx", [public_context, private_context])
def test_the_exclusion_resolution_is_a_row_before_each_run_of_exempt_items(ctx) -> None:
    """The resolution is a row of its own, unnumbered as a heading is: in the item's row it read
    as if the item were the resolution (seed 004's "9. Exclusion of the press and public")."""
    rows = ctx()["items"]
    # items 5 (paragraph 3) and 7 (paragraph 1) are exempt, item 6 between them is not
    assert [(r["kind"], r["number"], r["exclusion"]) for r in rows] == [
        ("item", "1", ""), ("item", "2", ""), ("item", "3", ""), ("item", "4", ""),
        ("exclusion", "", exclusion_resolution([3])), ("item", "5", ""),
        ("item", "6", ""),
        ("exclusion", "", exclusion_resolution([1])), ("item", "7", ""),
    ]  # fmt: skip
    for row in rows[4], rows[7]:
        assert row["number_label"] == row["title"] == row["lead"] == row["time"] == ""
        assert row["note"] == row["start"] == row["minutes"] == row["purpose"] == ""


TYPED = (
    "To consider passing a resolution to exclude the press and public for the following item "
    "of business, which involves exempt information as defined in paragraph 3."
)


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("typed", [TYPED, ""])
def test_a_resolution_typed_as_an_item_is_printed_once(private: bool, typed: str) -> None:
    """Seed 004's agenda numbers the resolution: "9. Exclusion of the press and public", then the
    exempt item. The frontsheet printed that item and, under it, its own resolution row as well:
    the resolution twice. Now the typed item is the resolution: its words as typed, or the run's
    resolution when its purpose is blank, and no row of its own before the exempt item."""
    resolution = dataclasses.replace(
        item(2, title="Exclusion of the press and public"), purpose=typed
    )
    items = (item(1, "a.pdf"), resolution, item(3, "b.pdf", exempt=(3, 5)), item(4, exempt=1))
    included = items if private else items[:1]
    spec = PackSpec(None, private, items, included)
    layout = lay_out([(i.number, [2]) for i in included])
    rows = context(meeting(*items), spec, layout, PUBLISHED)["items"]
    assert [(r["kind"], r["number"]) for r in rows] == [
        ("item", "1"), ("item", "2"), ("item", "3"), ("item", "4"),
    ]  # fmt: skip
    assert rows[1]["purpose"] == (typed or exclusion_resolution([3, 5, 1]))
    assert rows[1]["purpose_field"]["value"] == rows[1]["purpose"]
    assert [r["exclusion"] for r in rows] == ["", "", "", ""]


@pytest.mark.parametrize(
    "title",
    [
        "Review of the protocol on exclusion of the press and public",
        "Exclusion of the press and public: protocol review",
    ],
)
def test_an_item_only_mentioning_the_exclusion_is_not_the_resolution(title: str) -> None:
    """A public item about the exclusion protocol, straight before the exempt items, was taken
    for the typed resolution: its Purpose ("To approve the revised protocol") printed in the
    resolution's place, and the agenda carried no resolution to exclude the public at all."""
    items = (
        dataclasses.replace(item(1, title=title), purpose="To approve the revised protocol."),
        item(2, exempt=3),
    )
    spec = PackSpec(None, False, items, ())
    rows = context(meeting(*items), spec, lay_out([]), PUBLISHED)["items"]
    assert [(r["kind"], r["number"], r["exclusion"]) for r in rows] == [
        ("item", "1", ""), ("exclusion", "", exclusion_resolution([3])), ("item", "2", ""),
    ]  # fmt: skip
    assert rows[0]["purpose"] == "To approve the revised protocol."


@pytest.mark.parametrize(
    "title",
    [
        "Exclusion of Press and Public:",
        "Resolution to exclude the press and public",
        "Motion to exclude the public",
    ],
)
def test_the_resolution_as_councils_title_it(title: str) -> None:
    items = (item(1, title=title), item(2, exempt=3))
    spec = PackSpec(None, False, items, ())
    rows = context(meeting(*items), spec, lay_out([]), PUBLISHED)["items"]
    assert [(r["kind"], r["number"]) for r in rows] == [("item", "1"), ("item", "2")]
    assert rows[0]["purpose"] == exclusion_resolution([3])


def test_a_resolution_item_with_public_business_after_it_leaves_the_later_run_its_own() -> None:
    """A typed resolution covers the run straight after it: a run after public business gets
    the frontsheet's own resolution row, as before."""
    items = (
        item(1, title="Exclusion of the press and public"),
        item(2, exempt=3),
        item(3, title="Part I: public business resumes"),
        item(4, exempt=1),
    )
    spec = PackSpec(None, False, items, ())
    rows = context(meeting(*items), spec, lay_out([]), PUBLISHED)["items"]
    assert [(r["kind"], r["number"]) for r in rows] == [
        ("item", "1"), ("item", "2"), ("item", "3"), ("exclusion", ""), ("item", "4"),
    ]  # fmt: skip
    assert rows[0]["purpose"] == exclusion_resolution([3])
    assert rows[3]["exclusion"] == exclusion_resolution([1])


def test_private_rows_give_the_exempt_papers_page_numbers() -> None:
    ctx = private_context()
    rows = item_rows(ctx)
    assert [r["note"] for r in rows] == [
        "(Pages 1 - 4)",
        "",
        "Verbal update",
        "To follow",
        "(Pages 5 - 6)",
        "(Page 7)",
        "Verbal update",
    ]
    # the notice is still there for the template to print next to the item
    assert [r["exempt_note"] for r in rows] == ["", "", "", "", NOTE_3, "", NOTE_1]
    assert ctx["private"] is True
    assert ctx["total_pages"] == 7


def test_a_pack_without_exempt_items_has_no_exclusion() -> None:
    items = (item(1, "a.pdf"), item(2, status=VERBAL))
    m = meeting(*items)
    ctx = context(m, PackSpec(None, None, items, items[:1]), lay_out([("1", [2])]), PUBLISHED)
    assert ctx["has_exempt"] is False
    assert ctx["private"] is False
    assert [(r["note"], r["exclusion"], r["exempt_note"]) for r in ctx["items"]] == [
        ("(Pages 1 - 2)", "", ""),
        ("Verbal update", "", ""),
    ]


@pytest.mark.parametrize(
    ("numbers", "words", "word"),
    [([4], "4", "item"), ([4, 8], "4 and 8", "items"), ([2, 4, 8], "2, 4 and 8", "items")],
)
def test_supplement_names_the_items_it_carries(numbers: list[int], words: str, word: str) -> None:
    items = tuple(item(n, f"late{n}.pdf", status=TO_FOLLOW, supplement=2) for n in numbers)
    m = meeting(*items)
    layout = lay_out([(i.number, [2]) for i in items])  # 2 pages each: no fillers
    ctx = context(m, PackSpec(2, None, items, items), layout, PUBLISHED)
    assert ctx["supplement"] == 2
    assert (ctx["supplement_items"], ctx["supplement_word"]) == (words, word)
    # in a supplement, a to-follow item whose papers are here shows its pages, not "To follow"
    assert ctx["items"][0]["note"] == "(Pages 1 - 2)"
    assert ctx["items"][-1]["note"] == f"(Pages {2 * len(numbers) - 1} - {2 * len(numbers)})"


def test_a_single_version_pack_still_marks_a_verbal_exempt_item() -> None:
    """A verbal exempt item has no papers, so the plan makes one pack; it is the public one."""
    items = (item(1, "a.pdf"), item(2, status=VERBAL, exempt=5))
    m = meeting(*items)
    ctx = context(m, PackSpec(None, None, items, items[:1]), lay_out([("1", [1])]), PUBLISHED)
    assert ctx["private"] is False
    assert ctx["has_exempt"] is True
    assert [(r["kind"], r["note"], r["exclusion"]) for r in ctx["items"]] == [
        ("item", "(Page 1)", ""),
        ("exclusion", "", exclusion_resolution([5])),
        ("item", f"Not for publication by virtue of paragraph 5 of {ACT}", ""),
    ]


def test_each_run_of_exempt_items_gets_its_own_resolution_with_its_paragraphs() -> None:
    """A resolution excludes the public for the items that follow it: an exempt item in the
    middle of the agenda must not carry a resolution naming a later item's paragraph."""
    items = (
        item(1, "a.pdf"),
        item(2, "s2.pdf", exempt=1),
        item(3, "b.pdf"),
        item(4, "s4.pdf", exempt=3),
        item(5, "s5.pdf", exempt=7),
    )
    m = meeting(*items)
    layout = lay_out([(i.number, [1]) for i in items])
    ctx = context(m, PackSpec(None, True, items, items), layout, "")
    resolutions = [(r["exclusion"], after["number"]) for r, after in zip(
        ctx["items"], ctx["items"][1:], strict=False
    ) if r["kind"] == "exclusion"]  # fmt: skip
    assert resolutions == [(exclusion_resolution([1]), "2"), (exclusion_resolution([3, 7]), "4")]
    assert "paragraph 1 of Part 1" in resolutions[0][0]
    assert "paragraphs 3 and 7 of Part 1" in resolutions[1][0]


@pytest.mark.parametrize(
    ("number", "label"),
    [("4", "4."), ("4a", "4a."), ("A1", "A1."), ("4.1", "4.1"), ("5(i)", "5(i)"), ("5/1", "5/1")],
)
def test_an_item_number_gets_a_full_stop_unless_it_has_its_own_punctuation(number, label):  # type: ignore[no-untyped-def]
    from packbuilder.frontsheet import number_label

    assert number_label(number) == label  # never "4.1." or "5(i)."


@pytest.mark.parametrize(
    ("time", "printed"),
    [
        ("10.15 am", "10.15\u00a0am"),
        ("10.15 am–12.30 pm", "10.15\u00a0am–12.30\u00a0pm"),
        ("10 mins", "10\u00a0mins"),
        ("if required", "if required"),  # words typed: as typed
        ("", ""),
    ],
)
def test_times_keep_am_and_pm_on_the_line(time: str, printed: str) -> None:
    """The agenda's Time column is narrow: "am" alone on the line under "10.00–10.05" was how the
    list style printed it."""
    assert unbroken(time) == printed


@pytest.mark.parametrize(
    ("typed", "first", "more"),
    [
        ("Room 1", "Room 1", []),
        ("Warspite Room,\nCouncil House", "Warspite Room,\nCouncil House", []),
        (
            "Warspite Room\n- Step-free access\n- No parking",
            "Warspite Room",
            [Block("Step-free access", True), Block("No parking", True)],
        ),
        # bullets from the first line: none beside the label
        ("- Cllr A\n- Cllr B", "", [Block("Cllr A", True), Block("Cllr B", True)]),
        # text, never markup or code: as typed
        ("- Cllr <Carol> & {{ Dee }}", "", [Block("Cllr <Carol> & {{ Dee }}", True)]),
        ("", "", []),
    ],
)
def test_a_meeting_sheet_value_has_bullets_as_notes_do(typed: str, first: str, more: list) -> None:
    """ "- " lines of the Meeting sheet's values (a venue's access notes, Members) are bullets, as
    in an item's Notes; they printed as typed, dash and all."""
    laid = field(typed)
    assert (laid["value"], laid["first"], laid["more"]) == (typed, first, more)
    assert laid["blocks"] == ([Block(first)] if first else []) + more
    assert laid["bullets"] == any(b.bullet for b in more)
    m = meeting(item(1), venue=typed or "Room", chair=typed, extra={"Members": typed})
    ctx = context(m, PackSpec(None, None, m.items, ()), lay_out([]), PUBLISHED)
    if typed:
        assert ctx["venue_field"] == ctx["chair_field"] == field(typed)
        assert ctx["details"] == [{"label": "Members", **field(typed)}]


def test_no_second_meeting_close_line_when_the_agenda_has_one() -> None:
    """Seed 000 writes "Meeting close" as a row of its agenda: the line under the agenda would
    say it again."""
    import dataclasses

    from packbuilder.errors import Source
    from packbuilder.model import AgendaHeading

    m = meeting(item(1), end_time=dt.time(13, 0))
    spec = PackSpec(None, None, m.items, ())
    assert context(m, spec, lay_out([]), "")["close"] == "1 pm"
    closing = dataclasses.replace(
        m, rows=(*m.items, AgendaHeading("Meeting  Close", Source(m.workbook)))
    )
    shown = context(closing, spec, lay_out([]), "")
    assert shown["close"] == "" and shown["end"] == "1 pm"


# --- what members read on the frontsheet ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("3", "paragraph 3 of"),  # one paragraph as packs published before printed it
        ("3, 5", "paragraphs\u00a03\u00a0and\u00a05 of"),
        ("1, 3, 5", "paragraphs\u00a01,\u00a03\u00a0and\u00a05 of"),
    ],
)
def test_the_paragraphs_an_exempt_note_cites_are_kept_on_one_line(typed: str, printed: str) -> None:
    """ "paragraphs 3 and 5" split across lines read as if paragraph 3 were all (a new user's
    review): the note in place of the page range and the private pack's notice hold them
    together with no-break spaces. The resolution's prose is printed as packs published before
    printed it (a run's resolution named several paragraphs already: its content key)."""
    law = exclusion.read(typed, "england", Source(Path("meeting.xlsx")))
    items = (item(1, "a.pdf"), dataclasses.replace(item(2, "s.pdf"), exemption=law))
    m = meeting(*items)
    layout = lay_out([("1", [1]), ("2", [1])])
    public = context(m, PackSpec(None, False, items, items[:1]), layout, "")
    private = context(m, PackSpec(None, True, items, items), layout, "")
    public_row, private_row = item_rows(public)[1], item_rows(private)[1]
    exclusion_row = next(r for r in private["items"] if r["kind"] == "exclusion")
    for text in (public_row["note"], private_row["exempt_note"]):
        assert printed in text
    assert "\u00a0" not in exclusion_row["exclusion"]
    assert exclusion.unbroken(exclusion.note(law)).replace("\u00a0", " ") == exclusion.note(law)


@pytest.mark.parametrize(
    ("included", "words", "these"),
    [
        ("papers", "exempt papers", "these papers"),
        ("minutes", "exempt minutes", "these minutes"),
        ("both", "exempt papers and exempt minutes", "them"),
    ],
)
def test_the_private_banner_says_what_members_only_get(
    included: str, words: str, these: str
) -> None:
    """A private pack whose only exempt content is the exempt minutes of the last meeting said
    it "includes exempt papers" (a new user's review): it says what it includes, from one place
    (`PackSpec.members_only`)."""
    minutes = item(1, "minutes.pdf")
    annex = dataclasses.replace(
        minutes, title="Minutes: exempt minutes", annex=True, exemption=Exemption((3,))
    )
    secret = item(2, "s.pdf", exempt=3)
    chosen = {
        "papers": (minutes, secret),
        "minutes": (minutes, annex),
        "both": (minutes, secret, annex),
    }
    spec = PackSpec(None, True, (minutes, secret), chosen[included])
    assert spec.members_only == words
    layout = lay_out([(i.key, [1]) for i in spec.included])
    ctx = context(meeting(minutes, secret), spec, layout, "")
    assert (ctx["members_only"], ctx["members_only_these"]) == (words, these)
    public = PackSpec(None, False, (minutes, secret), (minutes,))
    assert public.members_only == ""


@pytest.mark.parametrize("template", ["agenda", "supplement"])
def test_the_exempt_notice_is_printed_alike_in_both_packs(tmp_path: Path, template: str) -> None:
    """The notice was bold in place of the page range on the public frontsheet and small
    italics under it on the private one (a new user's review): members read it as the public
    do."""
    from docx import Document

    from packbuilder.render import render
    from packbuilder.templates import find_template

    def looks(ctx: dict, name: str) -> set[tuple[object, object, object]]:
        doc = Document(str(render(find_template(template, None), ctx, tmp_path / name)))
        cells = [p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
        runs = [r for p in cells if p.text.startswith(NOTE_3) for r in p.runs if r.text.strip()]
        assert runs, f"no notice in the {name}"
        return {(r.bold, r.italic, r.font.size) for r in runs}

    public, private = (
        looks(public_context(), "public.docx"),
        looks(private_context(), "private.docx"),
    )
    assert public == private == {(True, None, None)}


EARLIER_TEMPLATES = Path(__file__).parent / "earlier_templates"


@pytest.mark.parametrize("style", ["list", "table"])
@pytest.mark.parametrize("alone", [True, False])
def test_the_earlier_wording_renders_what_the_earlier_templates_rendered(
    tmp_path: Path, style: str, alone: bool
) -> None:
    """A pack published by the release before is kept when its frontsheet in the earlier words
    (`EARLIER_WORDING`) is the one published (`build._earlier_keys`). So today's templates,
    given the earlier words, must render exactly what that release's templates rendered
    (tests/earlier_templates/): here with the rows that release printed and this one changed,
    a meeting's end time, a typed resolution before an exempt item, a lead column headed
    "Presented by", a meeting's only supplement."""
    from packbuilder.model import AgendaSettings, AgendaStyle
    from packbuilder.render import render, rendered_key
    from packbuilder.templates import SHIPPED

    items = (
        item(1, "minutes.pdf"),
        item(2, title="Exclusion of the press and public"),
        item(3, "tender.pdf", exempt=3),
        item(4, "late.pdf", status=TO_FOLLOW, supplement=1),
    )
    settings = AgendaSettings(style=AgendaStyle(style), lead_column="Presented by")
    m = meeting(*items, end_time=dt.time(16, 0), agenda=settings)
    packs = {
        "agenda": (PackSpec(None, False, items, items[:1]), lay_out([("1", [3])])),
        "supplement": (PackSpec(1, None, items[3:], items[3:], alone=alone), lay_out([("4", [2])])),
    }
    for name, (spec, layout) in packs.items():
        ctx = context(m, spec, layout, PUBLISHED, EARLIER_WORDING)
        then = render(EARLIER_TEMPLATES / f"{name}.docx", ctx, tmp_path / f"then-{name}.docx")
        now = render(SHIPPED / f"{name}.docx", ctx, tmp_path / f"now-{name}.docx")
        assert rendered_key(now) == rendered_key(then), name
    # (and the current words do differ, or this would test nothing)
    for name, (spec, layout) in packs.items():
        current = context(m, spec, layout, PUBLISHED)
        now = render(SHIPPED / f"{name}.docx", current, tmp_path / f"current-{name}.docx")
        assert rendered_key(now) != rendered_key(tmp_path / f"then-{name}.docx"), name
