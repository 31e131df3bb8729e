"""Dates and times as committee papers write them: "Thursday 5 March 2020", "2.00 pm".

The one home of this wording: the frontsheet, the minutes, the money documents, pack titles and
the templates' filters (``long_date``, ``short_date``, ``clock``) all call these functions. They
avoid strftime's flag for an unpadded day (a dash after the percent sign), which only glibc knows.
"""

from __future__ import annotations

import datetime as dt

# the dates a meeting can be on: anything else is a slip in the year (0001 for 2001, a placeholder
# 9999), refused wherever a meeting's date is read (the workbook, `packbuilder deadline`)
EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2199, 12, 31)


def long_date(value: dt.date | None) -> str:
    """'Thursday 5 March 2020' (blank for no date)."""
    return "" if value is None else f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: dt.date | None) -> str:
    """'5 March 2020' (blank for no date)."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def clock(value: dt.time | None) -> str:
    """'2.00 pm', '10 am' (blank for no time)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}.{value.minute:02d} {suffix}" if value.minute else f"{hour} {suffix}"
