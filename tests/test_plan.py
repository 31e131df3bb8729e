"""Which packs a meeting needs and what each carries: the public/private rule, unit-tested.

`plan_packs` decides what a member of the public may read, so its cases are worked by hand below
and its safety rules are checked as properties over generated meetings. Meetings are built directly
from the model (no workbook, no LibreOffice).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packbuilder.errors import Source
from packbuilder.model import AgendaItem, DocumentData, Exemption, Meeting, PaperKind, Status
from packbuilder.plan import draft_name, plan_packs, published_name
from tests.models import PAPERS, TO_FOLLOW, VERBAL, item, meeting


def summary(m: Meeting) -> list[tuple[str, str, str, str]]:
    """Each pack as (file name, label, listed item numbers, included item numbers)."""
    return [
        (
            spec.filename(m),
            spec.label,
            " ".join(i.number for i in spec.listed),
            " ".join(i.number for i in spec.included),
        )
        for spec in plan_packs(m)
    ]


AGENDA = "2020-03-05-board-agenda-pack"
PRIVATE = "PRIVATE-not-for-publication"

CASES = {
    "no exempt items: one pack, verbal and paperless items listed only": (
        meeting(item(1, "a.pdf"), item(2), item(3, status=VERBAL), item(4, "b.pdf", "c.pdf")),
        [(f"{AGENDA}.pdf", "Agenda pack", "1 2 3 4", "1 4")],
    ),
    "exempt item with papers: public leaves them out, private has them": (
        meeting(item(1, "a.pdf"), item(2, "secret.pdf", exempt=3), item(3, "b.pdf")),
        [
            (f"{AGENDA}-public.pdf", "Agenda pack (public)", "1 2 3", "1 3"),
            (f"{AGENDA}-{PRIVATE}.pdf", "Agenda pack (private)", "1 2 3", "1 2 3"),
        ],
    ),
    # a private version would carry nothing more than the public one (as for a verbal item)
    "exempt item without papers: one pack": (
        meeting(item(1, "a.pdf"), item(2, exempt=1)),
        [(f"{AGENDA}.pdf", "Agenda pack", "1 2", "1")],
    ),
    "verbal exempt item: no exempt papers, one pack": (
        meeting(item(1, "a.pdf"), item(2, status=VERBAL, exempt=3)),
        [(f"{AGENDA}.pdf", "Agenda pack", "1 2", "1")],
    ),
    "verbal exempt item with a file named: the file is never included": (
        meeting(item(1, "a.pdf"), item(2, "secret.pdf", status=VERBAL, exempt=3)),
        [(f"{AGENDA}.pdf", "Agenda pack", "1 2", "1")],
    ),
    "to follow without files: listed in the agenda, no supplement": (
        meeting(item(1, "a.pdf"), item(2, status=TO_FOLLOW)),
        [(f"{AGENDA}.pdf", "Agenda pack", "1 2", "1")],
    ),
    "to follow with files: a supplement 1 carrying only it": (
        meeting(item(1, "a.pdf"), item(2, "late.pdf", status=TO_FOLLOW), item(3, "b.pdf")),
        [
            (f"{AGENDA}.pdf", "Agenda pack", "1 2 3", "1 3"),
            ("2020-03-05-board-supplement-1.pdf", "Supplement 1", "2", "2"),
        ],
    ),
    "several supplement numbers: one pack each, blank counts as 1, in number order": (
        meeting(
            item(1, "a.pdf"),
            item(2, "s3.pdf", status=TO_FOLLOW, supplement=3),
            item(3, "s1.pdf", status=TO_FOLLOW),
            item(4, "s1b.pdf", status=TO_FOLLOW, supplement=1),
            item(5, status=TO_FOLLOW, supplement=2),  # files not arrived: no supplement 2
        ),
        [
            (f"{AGENDA}.pdf", "Agenda pack", "1 2 3 4 5", "1"),
            ("2020-03-05-board-supplement-1.pdf", "Supplement 1", "3 4", "3 4"),
            ("2020-03-05-board-supplement-3.pdf", "Supplement 3", "2", "2"),
        ],
    ),
    "exempt late item: its supplement is split, the agenda pack is not": (
        meeting(
            item(1, "a.pdf"),
            item(2, "late.pdf", status=TO_FOLLOW, supplement=2),
            item(3, "late-secret.pdf", status=TO_FOLLOW, exempt=1, supplement=2),
        ),
        [
            (f"{AGENDA}.pdf", "Agenda pack", "1 2 3", "1"),
            (
                "2020-03-05-board-supplement-2-public.pdf",
                "Supplement 2 (public)",
                "2 3",
                "2",
            ),
            (
                f"2020-03-05-board-supplement-2-{PRIVATE}.pdf",
                "Supplement 2 (private)",
                "2 3",
                "2 3",
            ),
        ],
    ),
    "exempt item in the agenda and a plain supplement": (
        meeting(
            item(1, "secret.pdf", exempt=3),
            item(2, "late.pdf", status=TO_FOLLOW),
        ),
        [
            (f"{AGENDA}-public.pdf", "Agenda pack (public)", "1 2", ""),
            (f"{AGENDA}-{PRIVATE}.pdf", "Agenda pack (private)", "1 2", "1"),
            ("2020-03-05-board-supplement-1.pdf", "Supplement 1", "2", "2"),
        ],
    ),
}


@pytest.mark.parametrize(("m", "expected"), CASES.values(), ids=list(CASES))
def test_packs_worked_by_hand(m: Meeting, expected: list[tuple[str, str, str, str]]) -> None:
    assert summary(m) == expected


# --- properties over generated meetings -----------------------------------------------------------


@st.composite
def meetings(draw: st.DrawFn) -> Meeting:
    count = draw(st.integers(1, 12))
    items = []
    for n in range(1, count + 1):
        items.append(
            item(
                n,
                *[f"p{n}-{k}.pdf" for k in range(draw(st.integers(0, 3)))],
                status=draw(st.sampled_from(Status)),
                exempt=draw(st.none() | st.integers(1, 7)),
                supplement=draw(st.none() | st.integers(1, 3)),
            )
        )
    return meeting(*items)


def _papers_of(spec_included: tuple[AgendaItem, ...]) -> set[Path]:
    return {p.path for i in spec_included for p in i.papers}


@settings(max_examples=300, deadline=None)
@given(meetings())
def test_no_exempt_paper_reaches_a_pack_that_is_not_private(m: Meeting) -> None:
    exempt_papers = {p.path for i in m.items if i.exempt for p in i.papers}
    for spec in plan_packs(m):
        if spec.private is not True:
            assert not any(i.exempt for i in spec.included), spec.filename(m)
            assert not _papers_of(spec.included) & exempt_papers, spec.filename(m)


@settings(max_examples=100, deadline=None)
@given(meetings())
def test_every_paper_of_a_non_exempt_item_is_published_exactly_once(m: Meeting) -> None:
    """Once in the agenda pack (papers) or in its supplement (to follow, arrived); never verbal
    or a presentation."""
    published = [
        (spec.supplement, i.number)
        for spec in plan_packs(m)
        if spec.private is not True
        for i in spec.included
    ]
    expected = []
    for i in m.items:
        if i.exempt or not i.papers or i.status.spoken:  # verbal, a presentation
            continue
        expected.append((None if i.status is PAPERS else (i.supplement or 1), i.number))
    assert sorted(published, key=str) == sorted(expected, key=str)


@settings(max_examples=100, deadline=None)
@given(meetings())
def test_every_exempt_paper_is_in_exactly_one_private_pack(m: Meeting) -> None:
    in_private = [
        (spec.supplement, i.number) for spec in plan_packs(m) if spec.private for i in spec.included
    ]
    exempt = [
        (None if i.status is PAPERS else (i.supplement or 1), i.number)
        for i in m.items
        if i.exempt and i.papers and not i.status.spoken
    ]
    numbers = {n for _, n in exempt}
    assert sorted((e for e in in_private if e[1] in numbers), key=str) == sorted(exempt, key=str)


@settings(max_examples=100, deadline=None)
@given(meetings())
def test_private_pack_is_the_public_one_plus_exempt_papers(m: Meeting) -> None:
    specs = plan_packs(m)
    by_key = {(s.supplement, s.private): s for s in specs}
    assert len(by_key) == len(specs), "two packs of the same kind and version"
    for supplement, private in by_key:
        if private is None:
            assert (supplement, True) not in by_key and (supplement, False) not in by_key
            continue
        public, secret = by_key[(supplement, False)], by_key[(supplement, True)]
        assert public.listed == secret.listed
        public_numbers = {i.number for i in public.included}
        assert public_numbers <= {i.number for i in secret.included}
        assert all(i.exempt for i in secret.included if i.number not in public_numbers)


@settings(max_examples=100, deadline=None)
@given(meetings())
def test_each_pack_lists_the_right_items_in_agenda_order(m: Meeting) -> None:
    for spec in plan_packs(m):
        if spec.supplement is None:
            expected = list(m.items)  # the agenda pack lists every item
        else:
            expected = [
                i
                for i in m.items
                if i.status is TO_FOLLOW and i.papers and (i.supplement or 1) == spec.supplement
            ]
        assert list(spec.listed) == expected
        # what a pack includes it lists, in the same order, and only items with papers
        assert [i for i in spec.listed if i in spec.included] == list(spec.included)
        assert all(i.papers and not i.status.spoken for i in spec.included)


@settings(max_examples=100, deadline=None)
@given(meetings())
def test_file_names_are_distinct_and_only_private_ones_say_so(m: Meeting) -> None:
    names = [s.filename(m) for s in plan_packs(m)]
    assert len(names) == len(set(names))
    assert names[0].startswith(f"{AGENDA}")
    for spec, name in zip(plan_packs(m), names, strict=True):
        assert (PRIVATE in name) == (spec.private is True)
        assert ("(private)" in spec.label) == (spec.private is True)


def test_a_meeting_name_too_long_for_its_packs_is_one_located_error(tmp_path) -> None:
    from dataclasses import replace

    from packbuilder.errors import InputError

    m = meeting(item(1, "a.pdf"), item(2, "secret.pdf", exempt=3))
    ok = replace(m, folder=tmp_path / ("m" * 180))  # "-agenda-pack-PRIVATE-...pdf" still fits
    assert len(plan_packs(ok)) == 2
    long = replace(m, folder=tmp_path / ("m" * 230))
    with pytest.raises(InputError) as caught:
        plan_packs(long)
    message = str(caught.value)
    assert "too long to name its packs" in message and "rename the folder" in message
    # the limit it names is right: a folder of exactly that length plans
    limit = int(message.split("at most ")[1].split()[0])
    assert len(plan_packs(replace(m, folder=tmp_path / ("m" * limit)))) == 2
    with pytest.raises(InputError):
        plan_packs(replace(m, folder=tmp_path / ("m" * (limit + 1))))
    # at that length a draft's names fit too (they end "-DRAFT.pdf")
    drafts = [
        dataclasses.replace(s, draft=True)
        for s in plan_packs(replace(m, folder=tmp_path / ("m" * limit)))
    ]
    assert (
        max(len(s.filename(replace(m, folder=tmp_path / ("m" * limit))).encode()) for s in drafts)
        <= 255
    )


@pytest.mark.parametrize(
    ("name", "draft"),
    [
        ("m-agenda-pack.pdf", "m-agenda-pack-DRAFT.pdf"),
        ("m-agenda-pack-public.pdf", "m-agenda-pack-public-DRAFT.pdf"),
        ("m-agenda-pack-public.html", "m-agenda-pack-public-DRAFT.html"),
        (
            "m-supplement-2-PRIVATE-not-for-publication.pdf",
            "m-supplement-2-PRIVATE-not-for-publication-DRAFT.pdf",
        ),
        ("2020-03-05.board-agenda-pack.pdf", "2020-03-05.board-agenda-pack-DRAFT.pdf"),
    ],
)
def test_a_draft_is_named_as_one_and_back(name: str, draft: str) -> None:
    """One naming rule for drafts, for the command line's files and the web page's downloads:
    a draft's name says so; given again, it is left as it is; undone, it is the pack's name."""
    assert draft_name(name) == draft
    assert draft_name(draft) == draft
    assert published_name(draft) == name
    assert published_name(name) == name


def test_a_draft_pack_is_named_as_a_draft() -> None:
    m = meeting(item(1, "a.pdf"), item(2, "secret.pdf", exempt=3))
    names = [dataclasses.replace(s, draft=True).filename(m) for s in plan_packs(m)]
    assert names == [draft_name(s.filename(m)) for s in plan_packs(m)]
    assert all(n.endswith("-DRAFT.pdf") for n in names)


# --- the exempt minutes of the last meeting (`plan.annex`) ---------------------------------------


class _ExemptMinutes(DocumentData):
    """A stand-in for `kinds.minutes.Minutes` holding exempt minutes under paragraphs 3 and 1."""

    def withheld_law(self) -> Exemption | None:
        return Exemption((3, 1))

    def members_title(self) -> str | None:
        return "Exempt minutes of the meeting held on 30 September 2019"


def _minutes_item(number: int) -> AgendaItem:
    workbook = dataclasses.replace(
        item(number, "minutes.xlsx").papers[0],
        kind=PaperKind.DATA,
        members_data=_ExemptMinutes(source=Source(Path("minutes.xlsx"))),
    )
    return dataclasses.replace(
        item(number, title="Minutes of the last meeting"), papers=(workbook,)
    )


@pytest.mark.parametrize("exempt_item", [False, True], ids=["no exempt item", "an exempt item"])
def test_the_exempt_minutes_come_after_every_public_page(exempt_item: bool) -> None:
    """Both packs carry the same public minutes, in the same place; the private one carries the
    exempt minutes too, last (after any exempt item's papers), marked exempt under every
    paragraph they cite, titled as such, under a layout key of their own."""
    items = [_minutes_item(1), item(2, "b.pdf")]
    if exempt_item:
        items.append(item(3, "secret.pdf", exempt=5))
    public, private = plan_packs(meeting(*items))
    assert not public.private and private.private
    assert private.included[: len(public.included)] == public.included
    assert private.included[:-1] == tuple(i for i in items if i.has_papers)
    annex = private.included[-1]
    assert annex.annex and not any(i.annex for i in public.included)
    assert annex.number == "1" and annex.key == "1#exempt"
    assert annex.exemption == Exemption((1, 3))
    (paper,) = annex.papers
    assert paper.title == "Exempt minutes of the meeting held on 30 September 2019"
    assert paper.path.name == "minutes.xlsx#members" and paper.members_data is None
    assert public.included[0].papers == items[0].papers, "the public minutes in both packs"
