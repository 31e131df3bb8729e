"""The Jinja filters every template may use: ``long_date``, ``short_date``, ``clock`` and
``pounds``, so that a date or an amount is worded the same way in every document, the frontsheet
included.

Apart from `contexts`, which builds the data papers' contexts: a build that renders only its
frontsheets (a rebuild after a cell of the agenda) does not import the papers' kinds for them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from packbuilder import dates, money


def pounds(value: money.Amount | Decimal | int | None, pence: bool = False) -> str:
    """The ``pounds`` filter: `money.pounds`, blank for no amount."""
    if value is None:
        return ""
    return money.pounds(value if isinstance(value, money.Amount) else Decimal(value), pence)


FILTERS: dict[str, Callable[..., str]] = {
    "long_date": dates.long_date,
    "short_date": dates.short_date,
    "clock": dates.clock,
    "pounds": pounds,
}
