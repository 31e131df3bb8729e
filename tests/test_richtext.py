"""The cell-text convention every document kind shares (packbuilder.richtext)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packbuilder.richtext import Block, blocks, bullets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("One paragraph.", [Block("One paragraph.")]),
        # a single line break is a soft break: one paragraph
        ("Line one\nline two", [Block("Line one line two")]),
        # a blank line separates paragraphs
        ("First.\n\nSecond.", [Block("First."), Block("Second.")]),
        (
            "Intro:\n- one\n• two\n▪ three",
            [Block("Intro:"), Block("one", True), Block("two", True), Block("three", True)],
        ),
        # an indented line continues the bullet above it
        ("- a long point\n  that wraps", [Block("a long point that wraps", True)]),
        # typed numbers start a point of their own and keep their number
        (
            "It was agreed that:\n(1) first\n(2) second",
            [
                Block("It was agreed that:"),
                Block("(1) first", label="(1)"),
                Block("(2) second", label="(2)"),
            ],
        ),
        (
            "1. one\n2) two\n(a) three\nb) four",
            [
                Block("1. one", label="1."),
                Block("2) two", label="2)"),
                Block("(a) three", label="(a)"),
                Block("b) four", label="b)"),
            ],
        ),
        # a year or an amount starting a line is not a number label
        ("2020 was a good year", [Block("2020 was a good year")]),
        ("Windows\r\nline ends\r\n\r\nwork", [Block("Windows line ends"), Block("work")]),
    ],
)
def test_blocks(text, expected):
    assert blocks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an address: its lines kept, not joined
        ("Warspite Room,\nCouncil House", [Block("Warspite Room,\nCouncil House")]),
        (
            "Members:\n- Cllr A\n- Cllr B\n\nObservers\nwelcome",
            [
                Block("Members:"),
                Block("Cllr A", True),
                Block("Cllr B", True),
                Block("Observers\nwelcome"),
            ],
        ),
        # an indented line still continues the bullet above it
        ("- a long point\n  that wraps", [Block("a long point that wraps", True)]),
    ],
)
def test_blocks_keeping_lines(text, expected):
    """Values whose lines mean something (a venue's address, the Meeting sheet's fields) keep
    them; bullets are bullets all the same."""
    assert blocks(text, keep_lines=True) == expected


def test_lists_by_nature_drop_typed_numbers_and_markers():
    assert bullets("(1) the plan is agreed\n(2) the budget is noted\n- and a bullet") == [
        "the plan is agreed",
        "the budget is noted",
        "and a bullet",
    ]


def test_markup_is_kept_as_text():
    text = "Fish & Chips <b>x</b> {{ 7*7 }} {% if %}"
    assert blocks(text) == [Block(text)]


words = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=8)
lines = st.lists(
    st.one_of(words, st.just("- "), st.just("(1) "), st.just(""), st.just("  ")), max_size=12
).map(lambda parts: "\n".join(parts))


@given(lines)
def test_no_word_is_lost_or_invented(text):
    out = blocks(text)
    assert all(b.text.strip() for b in out), "no empty blocks"
    seen = " ".join(b.text for b in out).split()
    typed = [w for w in text.split() if w != "-"]
    assert seen == typed
