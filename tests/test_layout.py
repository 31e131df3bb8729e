"""Layout arithmetic: odd-page starts, numbered fillers, contiguous ranges (property tests)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packbuilder.layout import lay_out

items_strategy = st.lists(
    st.lists(st.integers(1, 40), min_size=1, max_size=4), min_size=1, max_size=15
)


@given(items_strategy)
def test_every_item_starts_on_an_odd_page(items):
    layout = lay_out(list(enumerate(items)))
    assert all(p.first % 2 == 1 for p in layout.items)


@given(items_strategy)
def test_ranges_are_contiguous_and_count_every_page(items):
    layout = lay_out(list(enumerate(items)))
    assert layout.items[0].first == 1
    for a, b in zip(layout.items, layout.items[1:], strict=False):
        assert b.first == a.last + 1
    papers = sum(sum(counts) for counts in items)
    assert layout.total == papers + len(layout.filler_pages())


@given(items_strategy)
def test_fillers_only_where_needed(items):
    layout = lay_out(list(enumerate(items)))
    for i, placed in enumerate(layout.items):
        ends_on = placed.documents[-1].last
        is_last = i == len(layout.items) - 1
        # a filler exactly when the item ends on an odd page and another item follows
        assert placed.filler_after == (ends_on % 2 == 1 and not is_last)


@given(items_strategy)
def test_documents_follow_each_other_inside_an_item(items):
    layout = lay_out(list(enumerate(items)))
    for placed, counts in zip(layout.items, items, strict=True):
        assert [d.pages for d in placed.documents] == counts
        for a, b in zip(placed.documents, placed.documents[1:], strict=False):
            assert b.first == a.last + 1


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # worked by hand: 3 pages -> 1-3 + filler 4; 8 pages -> 5-12; 10 pages -> 13-22 (seed 000's
        # ranges)
        ([[3], [8], [10]], ["(Pages 1 - 4)", "(Pages 5 - 12)", "(Pages 13 - 22)"]),
        # one-page items: 1 + filler 2; 3 + filler 4; 5 (last, no filler)
        ([[1], [1], [1]], ["(Pages 1 - 2)", "(Pages 3 - 4)", "(Page 5)"]),
        # two documents in one item: 2 + 3 = pages 1-5, filler 6; then 7-8
        ([[2, 3], [2]], ["(Pages 1 - 6)", "(Pages 7 - 8)"]),
    ],
)
def test_page_references_worked_by_hand(counts, expected):
    layout = lay_out(list(enumerate(counts)))
    assert [p.pages_ref for p in layout.items] == expected


@pytest.mark.parametrize(
    ("counts", "fillers", "total"),
    [
        ([[3], [8], [10]], [4], 22),
        ([[1], [1], [1]], [2, 4], 5),
        ([[2, 3], [2]], [6], 8),
        ([[5]], [], 5),  # the last item never gets a filler
        ([], [], 0),  # a pack whose papers are all exempt or to follow
    ],
)
def test_fillers_and_total_worked_by_hand(counts, fillers, total):
    layout = lay_out(list(enumerate(counts)))
    assert layout.filler_pages() == fillers
    assert layout.total == total


def test_items_are_found_by_their_key():
    layout = lay_out([("1", [3]), ("4", [2, 1]), ("7", [1])])
    placed = layout.item("4")
    assert placed is not None
    assert (placed.first, placed.last, placed.filler_after) == (5, 8, True)
    assert [(d.first, d.last) for d in placed.documents] == [(5, 6), (7, 7)]
    assert layout.item("7").pages_ref == "(Page 9)"  # type: ignore[union-attr]
    assert layout.item("2") is None  # listed without papers: not in the layout


@pytest.mark.parametrize("counts", [[], [2, 0], [-1]])
def test_an_item_without_pages_is_refused(counts):
    with pytest.raises(ValueError, match=r"item '1' needs documents of at least one page"):
        lay_out([("0", [1]), ("1", counts)])


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # seed 003: minutes of 5 pages (filler 6), development paper of 6 pages -> 1-5, 7-12
        ([[5], [6]], ["(Pages 1 - 5)", "(Pages 7 - 12)"]),
        # a one-page item with a filler is one page: 1 (filler 2), 3-4 (no filler), 5
        ([[1], [2], [1]], ["(Page 1)", "(Pages 3 - 4)", "(Page 5)"]),
        # two documents: 2 + 3 = 1-5 (filler 6); then 7-8
        ([[2, 3], [2]], ["(Pages 1 - 5)", "(Pages 7 - 8)"]),
    ],
)
def test_page_references_without_fillers_worked_by_hand(counts, expected):
    layout = lay_out(list(enumerate(counts)))
    assert [p.reference(with_filler=False) for p in layout.items] == expected


RANGE = re.compile(r"\(Pages? (\d+)(?: - (\d+))?\)")


@given(items_strategy)
def test_ranges_without_fillers_cover_exactly_the_papers(items):
    layout = lay_out(list(enumerate(items)))
    fillers = set(layout.filler_pages())
    covered: list[int] = []
    for placed, counts in zip(layout.items, items, strict=True):
        m = RANGE.fullmatch(placed.reference(with_filler=False))
        assert m is not None
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        assert last - first + 1 == sum(counts)  # the item's papers, nothing else
        covered.extend(range(first, last + 1))
    # every numbered page is in exactly one range, except the fillers, which are in none
    assert sorted(covered) == [p for p in range(1, layout.total + 1) if p not in fillers]


@given(items_strategy)
def test_the_two_conventions_differ_only_by_a_trailing_filler(items):
    layout = lay_out(list(enumerate(items)))
    for placed in layout.items:
        if placed.filler_after:
            assert placed.reference(with_filler=False) != placed.pages_ref
        else:
            assert placed.reference(with_filler=False) == placed.pages_ref
