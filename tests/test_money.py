"""Money: exact parsing of cells, formatting as papers print it, totals that add up (hypothesis)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packbuilder import money, sheets
from packbuilder.errors import InputError, Source

SRC = Source(Path("plan.xlsx"), "Projects", "D7")

pence_amounts = st.decimals(
    min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False
)
whole_amounts = st.integers(min_value=0, max_value=99_999_999).map(Decimal)
amounts = st.one_of(whole_amounts, pence_amounts)


def printed(text: str) -> list[Decimal]:
    """Every amount printed in a text, read back as people read it."""
    return [money.parse(m).value for m in re.findall(r"£[\d,]+(?:\.\d\d)?", text)]


def cell(value: object) -> sheets.Cell:
    return sheets.Cell(value, SRC)


# --- formatting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pence", "expected"),
    [
        (Decimal(160200), False, "£160,200"),
        (Decimal(400568), False, "£400,568"),
        (Decimal(0), False, "£0"),
        (Decimal("1234.5"), False, "£1,234.50"),  # pence are never hidden
        (Decimal(25000), True, "£25,000.00"),
        (Decimal("0.10"), False, "£0.10"),
        (Decimal(1_000_000), False, "£1,000,000"),  # never abbreviated unless typed so
    ],
)
def test_pounds(value: Decimal, pence: bool, expected: str) -> None:
    assert money.pounds(value, pence) == expected


def test_shorthand_prints_as_typed() -> None:
    assert money.pounds(money.parse("£2m")) == "£2m"
    assert money.parse("£2m").value == Decimal(2_000_000)
    assert money.parse("1.5M").value == Decimal(1_500_000)
    assert money.pounds(money.parse("£75k")) == "£75k"
    assert money.pounds(money.parse("£2,000,000")) == "£2,000,000"


@given(amounts, st.booleans())
def test_printed_amount_reads_back_exactly(value: Decimal, pence: bool) -> None:
    text = money.pounds(value, pence)
    assert re.fullmatch(r"£\d{1,3}(,\d{3})*(\.\d\d)?", text)
    assert money.parse(text).value == value
    assert sheets.money(cell(text)) == value  # what a finance officer pastes back in is the same


@given(amounts, amounts)
def test_outturn_says_which_way_and_by_how_much(allocated: Decimal, spent: Decimal) -> None:
    pence = money.has_pence([allocated, spent])
    text = money.outturn(allocated, spent, pence)
    if spent == allocated:
        assert text == "Spent in full"
    else:
        assert text.startswith("Overspent by £" if spent > allocated else "Underspent by £")
        assert printed(text) == [abs(spent - allocated)]


def test_outturn_as_the_seed_prints_it() -> None:
    assert money.outturn(Decimal(5868), Decimal(6308)) == "Overspent by £440"
    assert money.outturn(Decimal(3000), Decimal(1800)) == "Underspent by £1,200"


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (160200, 400568, "40%"),
        (25000, 400568, "6.2%"),
        (98500, 1905122 * 10, "0.5%"),
        (400568, 400568, "100%"),
        (0, 400568, "0%"),
        (1, 400568, "<0.1%"),
        (5, 0, ""),
    ],
)
def test_share(part: int, whole: int, expected: str) -> None:
    assert money.share(Decimal(part), Decimal(whole)) == expected


@given(amounts, st.decimals(min_value=1, max_value=10**8, places=2))
def test_share_is_within_rounding(part: Decimal, whole: Decimal) -> None:
    text = money.share(part, whole)
    if text == "<0.1%":
        assert 0 < part * 100 / whole < Decimal("0.05")
    else:
        assert abs(Decimal(text.rstrip("%")) - part * 100 / whole) <= Decimal("0.05")


# --- totals that add up --------------------------------------------------------------------------


@given(st.lists(amounts, max_size=30), amounts, st.one_of(st.just(Decimal(0)), amounts))
def test_printed_total_is_sum_of_printed_amounts(
    allocations: list[Decimal], grant: Decimal, cfwd: Decimal
) -> None:
    pence = money.has_pence([*allocations, grant, cfwd])
    rows = [money.pounds(a, pence) for a in allocations]
    bal = money.balance(grant, allocations, cfwd)
    total = money.pounds(bal.allocated, pence)
    assert printed(total)[0] == sum((printed(r)[0] for r in rows), Decimal(0))
    # every printed amount has the same number of decimals, so the column adds up by eye
    assert len({"." in r for r in [*rows, total]}) == 1
    label = bal.label(pence)
    if bal.over_allocated:
        assert label.startswith("Over-allocated by £")
        assert printed(label)[0] == sum(allocations, Decimal(0)) - grant - cfwd
    elif sum(allocations, Decimal(0)) == grant + cfwd:
        assert label == "Fully allocated"
    else:
        assert label.startswith("Unallocated £")
        assert printed(label)[0] == grant + cfwd - sum(allocations, Decimal(0))


def test_exact_to_the_penny() -> None:
    # 0.1 + 0.2 in floats is 0.30000000000000004; ours is 0.30
    bal = money.balance(Decimal("0.30"), [sheets.money(cell(0.1)), sheets.money(cell(0.2))])
    assert bal.remainder == 0 and bal.label() == "Fully allocated"


# --- reading cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (25000, Decimal(25000)),
        (25000.0, Decimal(25000)),
        ("£25,000", Decimal(25000)),
        ("25000.00", Decimal(25000)),
        (" £ 1,234.56 ", Decimal("1234.56")),
        (0.1, Decimal("0.1")),
        (Decimal("98500"), Decimal(98500)),
        ("£2m", Decimal(2_000_000)),
        ("£1.5m", Decimal(1_500_000)),
    ],
)
def test_amount_cells(value: object, expected: Decimal) -> None:
    assert money.amount(cell(value)).value == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (-440, "negative"),
        ("-£440", "negative"),
        ("£-440", "negative"),
        ("tbc", "got 'tbc'"),
        ("Awaiting confirmation", "Awaiting"),
        (None, "empty cell"),
        ("£25,00", "got"),
        ("12.345", "fractions of a penny"),
        (True, "got"),
        ("£0.5k", None),
    ],
)
def test_bad_amount_cells_name_the_cell(value: object, says: str | None) -> None:
    if says is None:  # £500: shorthand is fine as long as it is whole pence
        assert money.amount(cell(value)).value == Decimal(500)
        return
    with pytest.raises(InputError) as err:
        money.amount(cell(value))
    assert "plan.xlsx, sheet Projects, cell D7" in str(err.value)
    assert says in str(err.value)


def test_amount_never_holds_a_float() -> None:
    with pytest.raises(TypeError):
        money.Amount(0.1)  # type: ignore[arg-type]
