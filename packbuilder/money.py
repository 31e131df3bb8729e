"""Money as committee papers print it, exact to the penny.

A community safety partnership receives a grant (£400,568 a year in the seeds) and, in its
*commissioning plan*, allocates it to projects; at year end its *evaluation return* reports each
project's actual spend against its allocation. Readers check these tables by hand, so:

* amounts are `Decimal`, never float: £0.10 + £0.20 is £0.30, and a total is the exact sum of the
  amounts printed above it;
* amounts print the way people write them: "£160,200" in whole pounds, "£1,234.50" when any amount
  in the document has pence (then every amount shows pence, so the column still adds up by eye), and
  "£2m" only when the finance officer typed "£2m";
* the money left over is named: "Unallocated £4,200", "Over-allocated by £440"; a project's outturn
  is "Overspent by £440", "Underspent by £1,200" or "Spent in full", as the seeds print it.

Amounts typed as text are read by one rule, `parse` (and `amount` for a workbook cell):

* an optional "£", then whole pounds with no commas ("25000") or commas between every three
  digits ("25,000"), or spaces ("1 250 000", as a web page or a PDF groups them: `sheets.ungroup`,
  the one reader of grouped digits, which performance figures use too), then optional pence
  (".50"); a bare point is allowed ("25,000." is £25,000),
  and so are pence alone (".50");
* or shorthand: a number, then k, m or bn ("£2m", "£1.5m", "£75k"), without commas; it prints as
  typed;
* a minus sign anywhere before the digits ("-£440", "£-440") makes a negative amount, which is an
  error, as are fractions of a penny ("12.345"); anything else ("£25,00", "tbc") is not an amount.

Everything here is a pure function except `amount`, which reads a workbook cell and raises an
`InputError` naming the cell. `pounds` is the one money formatter (the templates' ``pounds``
filter is it too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from packbuilder import sheets
from packbuilder.errors import InputError

PENNY = Decimal("0.01")
ZERO = Decimal(0)

# The one grammar of an amount typed as text (see the module docstring). Whole pounds either have
# no separators or one between every three digits (`sheets.ungroup`), so "£25,00" (a slip for
# £2,500 or £25,000) is refused rather than guessed.
_AMOUNT = re.compile(
    rf"""(?P<minus>-)?\s*£?\s*(?P<minus2>-)?\s*
    (?P<whole>{sheets.DIGITS})?
    (?P<point>\.(?P<pence>[0-9]*))?
    \s*(?P<unit>k|m|bn)?""",
    re.IGNORECASE | re.VERBOSE,
)
_MULTIPLIER = {"k": Decimal(1_000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}


@dataclass(frozen=True)
class Amount:
    """An amount in pounds, and the shorthand it was typed as ("£2m"), if any."""

    value: Decimal
    typed: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError("an Amount holds a Decimal, never a float")


def parse(text: str) -> Amount:
    """Text such as '£25,000', '25000.00', '25,000.' or '£2m' as an exact Amount.

    Raises:
        ValueError: the text is not an amount, is negative or has fractions of a penny.
    """
    found = _parse(text)
    if found is None:
        raise ValueError(f"{text!r} is not an amount; type it as a number such as 25000.00")
    return found


def _parse(text: str) -> Amount | None:
    """The Amount in `text`, or None when the text is not shaped like an amount at all."""
    s = text.strip()
    m = _AMOUNT.fullmatch(s)
    if not m or not (m["whole"] or m["pence"]):
        return None
    whole = sheets.ungroup(m["whole"] or "0")
    if whole is None:
        return None  # "£25,00": a slip for £2,500 or £25,000, not guessed
    value = Decimal((whole + "." + (m["pence"] or "")).rstrip("."))
    typed = ""
    if m["unit"]:
        if whole != (m["whole"] or "0") or (m["point"] and not m["pence"]):
            return None  # "£2,000k" and "£2.m" are typos, not shorthand
        unit = m["unit"].lower()
        value *= _MULTIPLIER[unit]
        typed = f"£{(m['whole'] or '0')}{m['point'] or ''}{unit}"
    if m["minus"] or m["minus2"]:
        value = -value
    return Amount(_checked(value, s), typed)


# no grant, allocation or spend of a partnership comes near it: an amount this large is a slip
# (a reference number pasted in the amount column, a key held down)
MAX_AMOUNT = Decimal(10) ** 12


def _checked(value: Decimal, shown: str) -> Decimal:
    if value < 0:
        raise ValueError(f"amount {shown} is negative; amounts must be zero or more")
    if value >= MAX_AMOUNT:
        short = shown if len(shown) <= 24 else shown[:21] + "..."
        raise ValueError(
            f"amount {short} is too large to be a sum of money (a trillion pounds or more); "
            "correct it"
        )
    try:
        exact = value == value.quantize(PENNY)
    except InvalidOperation:  # (not reached below MAX_AMOUNT: kept for safety)
        raise ValueError(
            f"amount {shown[:24]} is too large to be a sum of money; correct it"
        ) from None
    if not exact:
        raise ValueError(f"amount {shown} has fractions of a penny; round it to pence")
    return value


def amount(cell: sheets.Cell, what: str = "an amount in pounds") -> Amount:
    """A workbook cell as an Amount: a number, or text that `parse` accepts.

    Numbers arrive as floats and are read to the 15 significant digits Excel shows and keeps
    (so 0.1 stays 0.1): a formula's result is saved at full double precision, and =100.1+200.2,
    shown as £300.30, is stored as 300.29999999999995, which is no fraction of a penny.

    Raises:
        InputError: naming the cell, when the value is empty, not an amount, negative, has
            fractions of a penny or is a spreadsheet error (#N/A, #REF! ...).
    """
    if cell.error:  # a lookup's #N/A is no amount, nor a zero
        raise sheets.spreadsheet_error(cell, what, "type the amount")
    v = cell.value
    found: Amount | None = None
    try:
        if isinstance(v, bool):
            found = None
        elif isinstance(v, int | float | Decimal):
            value = Decimal(format(v, ".15g")) if isinstance(v, float) else Decimal(v)
            found = Amount(_checked(value, sheets.text(cell))) if value.is_finite() else None
        elif isinstance(v, str):
            found = _parse(v)
    except ValueError as exc:
        raise InputError(str(exc), cell.source) from None
    if found is None:
        raise InputError(
            f"expected {what} such as £25,000 or 25000.00, got {sheets.shown(cell)}; type the "
            "amount as a "
            "number",
            cell.source,
        )
    return found


def has_pence(values: Iterable[Decimal]) -> bool:
    """Whether any amount has pence, so that the whole document prints pence."""
    return any(v != v.to_integral_value() for v in values)


def pounds(value: Decimal | Amount, pence: bool = False) -> str:
    """£160,200, or £160,200.00 with `pence`; an Amount typed as shorthand prints as typed."""
    if isinstance(value, Amount):
        if value.typed:
            return value.typed
        value = value.value
    value = Decimal(value)
    if not pence and value != value.to_integral_value():
        pence = True  # never hide pence that are there: the totals would not add up
    text = f"{abs(value):,.2f}" if pence else f"{abs(value):,.0f}"
    return f"-£{text}" if value < 0 else f"£{text}"


def outturn(allocated: Decimal, spent: Decimal, pence: bool = False) -> str:
    """A project's spend against its allocation, as the seeds word it: 'Overspent by £440'."""
    diff = spent - allocated
    if diff > 0:
        return f"Overspent by {pounds(diff, pence)}"
    if diff < 0:
        return f"Underspent by {pounds(-diff, pence)}"
    return "Spent in full"


def share(part: Decimal, whole: Decimal) -> str:
    """`part` as a percentage of `whole`: '40%', '6.2%', '0.5%' (to one decimal place)."""
    if whole <= 0:
        return ""
    pct = (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if pct == 0 and part > 0:
        return "<0.1%"
    text = f"{pct:f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}%"


@dataclass(frozen=True)
class Balance:
    """Allocations set against the money available (grant plus any carry-forward)."""

    available: Decimal
    allocated: Decimal

    @property
    def remainder(self) -> Decimal:
        """Unallocated money; negative when the allocations exceed what is available."""
        return self.available - self.allocated

    @property
    def over_allocated(self) -> bool:
        return self.allocated > self.available

    def label(self, pence: bool = False) -> str:
        """'Unallocated £4,200', 'Fully allocated' or 'Over-allocated by £440'."""
        if self.over_allocated:
            return f"Over-allocated by {pounds(-self.remainder, pence)}"
        if self.remainder == 0:
            return "Fully allocated"
        return f"Unallocated {pounds(self.remainder, pence)}"


def balance(
    grant: Decimal, allocations: Iterable[Decimal], carry_forward: Decimal = ZERO
) -> Balance:
    """Total the allocations, exactly, against the grant and carry-forward."""
    return Balance(grant + carry_forward, sum(allocations, ZERO))
