"""Money: exact parsing of cells, formatting as papers print it, totals that add up (hypothesis)."""

from __future__ import annotations

import datetime as dt
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
    """Every amount printed in a text, read back by hand (not by the parser under test)."""
    return [Decimal(m.replace(",", "")) for m in re.findall(r"£([\d,]+(?:\.\d\d)?)", text)]


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
    assert money.amount(cell(text)).value == value  # what a finance officer pastes back is the same


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


@given(st.lists(amounts, max_size=30), amounts, st.one_of(st.just(Decimal(0)), amounts))
def test_balance_is_exact_to_the_penny(
    allocations: list[Decimal], grant: Decimal, cfwd: Decimal
) -> None:
    bal = money.balance(grant, allocations, cfwd)
    assert bal.allocated == sum(allocations, Decimal(0))  # Decimal sum, no float drift
    assert bal.available == grant + cfwd
    assert bal.allocated + bal.remainder == bal.available
    assert bal.over_allocated == (bal.remainder < 0)


@pytest.mark.parametrize(
    ("grant", "allocations", "cfwd", "label"),
    [
        ("400568", ["160200", "25000", "211168"], "0", "Unallocated £4,200"),
        ("400568", ["160200", "240368"], "0", "Fully allocated"),
        ("400568", ["160200", "240808"], "0", "Over-allocated by £440"),
        ("1000", ["0.10", "0.20"], "0", "Unallocated £999.70"),
        ("1000", ["1000"], "250.50", "Unallocated £250.50"),
    ],
)
def test_balance_label(grant: str, allocations: list[str], cfwd: str, label: str) -> None:
    bal = money.balance(Decimal(grant), [Decimal(a) for a in allocations], Decimal(cfwd))
    assert bal.label(money.has_pence([Decimal(a) for a in [grant, cfwd, *allocations]])) == label


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
    assert printed(total)[0] == sum(allocations, Decimal(0))  # and both are the exact sum
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
    tenth, fifth = money.amount(cell(0.1)).value, money.amount(cell(0.2)).value
    bal = money.balance(Decimal("0.30"), [tenth, fifth])
    assert bal.remainder == 0 and bal.label() == "Fully allocated"


# --- the one grammar of typed amounts -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "typed"),
    [
        ("25000", "25000", ""),
        ("£25,000", "25000", ""),
        ("25,000.", "25000", ""),  # a trailing point: was refused by money.parse
        ("25000.00", "25000.00", ""),
        ("£ 1,234.56", "1234.56", ""),
        (".50", "0.50", ""),
        ("£1,000,000", "1000000", ""),
        ("£0", "0", ""),
        ("£2m", "2000000", "£2m"),  # shorthand: was refused by sheets.money
        ("2M", "2000000", "£2m"),
        ("£1.5m", "1500000", "£1.5m"),
        ("£75k", "75000", "£75k"),
        ("£1bn", "1000000000", "£1bn"),
        ("£0.5k", "500", "£0.5k"),
        # thousands grouped with spaces, as a web page, a PDF or Word gives them when copied
        ("1 250 000", "1250000", ""),
        ("£1\u00a0250\u00a0000", "1250000", ""),
        ("£ 12\u2009345.67", "12345.67", ""),
        ("25\u202f000", "25000", ""),
    ],
)
def test_parse_accepts(text: str, value: str, typed: str) -> None:
    found = money.parse(text)
    assert found.value == Decimal(value)
    assert found.typed == typed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("£25,00", "not an amount"),  # commas must group threes: £2,500 or £25,000?
        ("1,2345", "not an amount"),
        ("12,34.5", "not an amount"),
        (".", "not an amount"),
        ("£", "not an amount"),
        ("", "not an amount"),
        ("tbc", "not an amount"),
        ("1e5", "not an amount"),
        ("£2,000k", "not an amount"),  # shorthand has no commas
        ("£2 000k", "not an amount"),  # nor spaces
        ("1 250,000", "not an amount"),  # one separator throughout
        ("12 50", "not an amount"),
        ("1  250", "not an amount"),
        ("£2.m", "not an amount"),
        ("£2m5", "not an amount"),
        ("-£440", "negative"),
        ("£-440", "negative"),
        ("-£2m", "negative"),
        ("12.345", "fractions of a penny"),
        ("£0.000001k", "fractions of a penny"),
    ],
)
def test_parse_refuses(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        money.parse(text)


@given(st.text(alphabet="£0123456789,.-kmbn \t", max_size=14))
def test_parse_gives_an_exact_amount_or_a_value_error(text: str) -> None:
    try:
        found = money.parse(text)
    except ValueError:
        return
    assert found.value >= 0
    assert found.value == found.value.quantize(Decimal("0.01"))


@given(st.integers(min_value=0, max_value=10**12 - 1), st.integers(min_value=0, max_value=99))
def test_parse_reads_grouped_and_plain_digits_alike(pounds: int, pence: int) -> None:
    grouped = f"£{pounds:,}.{pence:02d}"  # Python's own grouping, not the formatter under test
    plain = f"{pounds}.{pence:02d}"
    expected = Decimal(pounds) + Decimal(pence) / 100
    assert money.parse(grouped).value == expected
    assert money.parse(plain).value == expected
    for space in (" ", "\u00a0", "\u2009", "\u202f"):
        assert money.parse(grouped.replace(",", space)).value == expected
    if pence == 0:
        assert money.parse(f"£{pounds:,}.").value == Decimal(pounds)


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
        (300.29999999999995, Decimal("300.3")),  # =100.1+200.2 as Excel saves its result
        (1234567.8899999999, Decimal("1234567.89")),
        (Decimal("98500"), Decimal(98500)),
        ("£2m", Decimal(2_000_000)),
        ("£1.5m", Decimal(1_500_000)),
        ("25,000.", Decimal(25000)),
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
        (float("nan"), "got nan"),
        (1e30, "too large"),
        ("", "empty cell"),
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


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (dt.datetime(2020, 4, 1), "got the date 01/04/2020 (the cell is formatted as a date)"),
        (dt.time(10, 30), "got the time 10:30 (the cell is formatted as a time)"),
        (True, "got TRUE"),
    ],
)
def test_a_value_that_is_no_amount_is_shown_as_the_spreadsheet_shows_it(
    value: object, says: str
) -> None:
    """Not "got datetime.datetime(2020, 4, 1, 0, 0)": Python's spelling of a value is no help to
    the finance officer."""
    with pytest.raises(InputError) as err:
        money.amount(cell(value))
    assert says in str(err.value)
    assert "datetime" not in str(err.value)


@pytest.mark.parametrize(
    "value", [1e13, 12345678901234567890, "£1,000,000,000,000", "£2000bn", 1e300, "9" * 40]
)
def test_an_amount_of_a_trillion_pounds_or_more_is_a_slip(value: object) -> None:
    """A slip of the keyboard (12345678901234567890) was taken as £12 quintillion and printed;
    and a 300-digit number filled the error line."""
    with pytest.raises(InputError) as err:
        money.amount(cell(value))
    said = str(err.value)
    assert "is too large to be a sum of money (a trillion pounds or more); correct it" in said
    assert len(said) < 250, said
    assert money.amount(cell(999_999_999_999.99)).value == Decimal("999999999999.99")
