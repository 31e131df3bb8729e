"""Dates and times as committee papers write them (no glibc-only strftime codes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from packbuilder import dates

PACKAGE = Path(__file__).resolve().parent.parent / "packbuilder"


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (dt.date(2020, 3, 5), "Thursday 5 March 2020", "5 March 2020"),
        (dt.date(2019, 9, 30), "Monday 30 September 2019", "30 September 2019"),
        (dt.date(2021, 1, 1), "Friday 1 January 2021", "1 January 2021"),
        (None, "", ""),
    ],
)
def test_dates(day: dt.date | None, long: str, short: str) -> None:
    assert dates.long_date(day) == long
    assert dates.short_date(day) == short


@pytest.mark.parametrize(
    ("time", "text"),
    [
        (dt.time(14, 0), "2 pm"),
        (dt.time(14, 30), "2.30 pm"),
        (dt.time(10, 5), "10.05 am"),
        (dt.time(0, 0), "12 am"),
        (dt.time(12, 0), "12 pm"),
        (None, ""),
    ],
)
def test_clock(time: dt.time | None, text: str) -> None:
    assert dates.clock(time) == text


def test_no_glibc_only_strftime_codes_in_the_package() -> None:
    # %-d works on glibc only; Windows and musl print "-d" or fail
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "%-" in line
    ]
    assert offenders == []
