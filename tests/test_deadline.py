"""Publication deadlines, worked out by hand with a calendar.

Bank holidays used below (gov.uk): 2020 Good Friday 10 Apr, Easter Monday 13 Apr, Christmas 25 Dec
(Fri), Boxing Day substitute 28 Dec (Mon); 2021 New Year's Day 1 Jan (Fri), Christmas and Boxing
Day substitutes 27 and 28 Dec (Mon, Tue); 2022 New Year substitute 3 Jan, Good Friday 15 Apr,
Easter Monday 18 Apr, Spring bank holiday moved to Thu 2 Jun, Platinum Jubilee Fri 3 Jun, Boxing
Day 26 Dec (Mon), Christmas substitute 27 Dec (Tue); 2023 New Year substitute 2 Jan (Mon).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import holidays
import pytest
from click.testing import CliRunner
from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st

from packbuilder.cli import cli
from packbuilder.deadline import (
    RULES,
    clear_days,
    counts,
    days_left,
    deadline,
    explain,
    publishing_late,
)

D = dt.date

CASES = [
    # england: 5 clear working days
    # Thu 5 Mar 2020: Wed 4, Tue 3, Mon 2, Fri 28 Feb, Thu 27 are clear -> Wed 26 Feb (the issue's
    # example)
    ("england", D(2020, 3, 5), D(2020, 2, 26)),
    # Monday 9 Mar 2020: Fri 6, Thu 5, Wed 4, Tue 3, Mon 2 -> Fri 28 Feb (the weekend before does
    # not count)
    ("england", D(2020, 3, 9), D(2020, 2, 28)),
    # Easter: Tue 14 Apr 2020: Mon 13 and Fri 10 are bank holidays; Thu 9, Wed 8, Tue 7, Mon 6, Fri
    # 3 -> Thu 2 Apr
    ("england", D(2020, 4, 14), D(2020, 4, 2)),
    # Easter: Wed 20 Apr 2022: Tue 19; (Mon 18, Fri 15 holidays); Thu 14, Wed 13, Tue 12, Mon 11 ->
    # Fri 8
    ("england", D(2022, 4, 20), D(2022, 4, 8)),
    # Christmas/New Year: Monday 4 Jan 2021: (Fri 1 holiday) Thu 31, Wed 30, Tue 29, (Mon 28, Fri 25
    # holidays) Thu 24, Wed 23 -> Tue 22 Dec 2020
    ("england", D(2021, 1, 4), D(2020, 12, 22)),
    # New Year: Thu 6 Jan 2022: Wed 5, Tue 4, (Mon 3 holiday) Fri 31, Thu 30, Wed 29 -> (Tue 28, Mon
    # 27 holidays) Fri 24 Dec 2021
    ("england", D(2022, 1, 6), D(2021, 12, 24)),
    # Christmas 2022: Thu 5 Jan 2023: Wed 4, Tue 3, (Mon 2 holiday) Fri 30, Thu 29, Wed 28 -> (Tue
    # 27, Mon 26 holidays) Fri 23 Dec 2022
    ("england", D(2023, 1, 5), D(2022, 12, 23)),
    # Jubilee: Tue 7 Jun 2022: Mon 6, (Fri 3, Thu 2 holidays) Wed 1, Tue 31, Mon 30, Fri 27 -> Thu
    # 26 May
    ("england", D(2022, 6, 7), D(2022, 5, 26)),
    # wales: 3 clear working days
    # Thu 5 Mar 2020: Wed 4, Tue 3, Mon 2 -> Fri 28 Feb
    ("wales", D(2020, 3, 5), D(2020, 2, 28)),
    # Monday 9 Mar 2020: Fri 6, Thu 5, Wed 4 -> Tue 3
    ("wales", D(2020, 3, 9), D(2020, 3, 3)),
    # Jubilee: Tue 7 Jun 2022: Mon 6, (Fri 3, Thu 2) Wed 1, Tue 31 -> Mon 30 May
    ("wales", D(2022, 6, 7), D(2022, 5, 30)),
    # Christmas 2022: Tue 3 Jan 2023: (Mon 2) Fri 30, Thu 29, Wed 28 -> (Tue 27, Mon 26) Fri 23 Dec
    ("wales", D(2023, 1, 3), D(2022, 12, 23)),
    # parish: 3 clear days, Saturdays count; Sundays, bank holidays and the s243 breaks do not
    # Fri 6 Mar 2020: Thu 5, Wed 4, Tue 3 -> Mon 2
    ("parish", D(2020, 3, 6), D(2020, 3, 2)),
    # Monday 9 Mar 2020: (Sun 8) Sat 7, Fri 6, Thu 5 -> Wed 4
    ("parish", D(2020, 3, 9), D(2020, 3, 4)),
    # a Saturday deadline: Thu 12 Mar 2020: Wed 11, Tue 10, Mon 9, (Sun 8) -> Sat 7
    ("parish", D(2020, 3, 12), D(2020, 3, 7)),
    # Jubilee: Tue 7 Jun 2022: Mon 6, (Sun 5) Sat 4, (Fri 3, Thu 2) Wed 1 -> Tue 31 May
    ("parish", D(2022, 6, 7), D(2022, 5, 31)),
    # Easter break (Thu 9 to Tue 14 Apr 2020): Thu 16 Apr: Wed 15, (Tue 14 .. Thu 9) Wed 8, Tue 7 ->
    # Mon 6. Counting only Sundays and bank holidays would have given Thu 9: the break matters.
    ("parish", D(2020, 4, 16), D(2020, 4, 6)),
    # Christmas break 2020 (Thu 24 Dec, the last weekday before Christmas, to Tue 29, the first
    # weekday after it that is not a bank holiday): Monday 4 Jan 2021: (Sun 3) Sat 2, (Fri 1) Thu
    # 31, Wed 30 -> (Tue 29 .. Thu 24) Wed 23 Dec
    ("parish", D(2021, 1, 4), D(2020, 12, 23)),
    # just after the break: Wed 6 Jan 2021: Tue 5, Mon 4, (Sun 3) Sat 2 -> (Fri 1) Thu 31 Dec
    ("parish", D(2021, 1, 6), D(2020, 12, 31)),
]


@pytest.mark.parametrize(("rule", "meeting", "expected"), CASES)
def test_deadline_worked_by_hand(rule: str, meeting: dt.date, expected: dt.date) -> None:
    assert deadline(meeting, rule) == expected


def test_cli_prints_iso_date_then_a_sentence() -> None:
    result = CliRunner().invoke(cli, ["deadline", "2020-03-05"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2020-02-26",
        "Wednesday 26 February 2020: 5 clear working days before Thursday 5 March 2020",
    ]


def test_cli_rule_option() -> None:
    result = CliRunner().invoke(cli, ["deadline", "2022-06-07", "--rule", "parish"])
    assert result.exit_code == 0, result.output
    first, second = result.output.splitlines()
    assert first == "2022-05-31"
    assert second == "Tuesday 31 May 2022: 3 clear days before Tuesday 7 June 2022"


def test_cli_bad_date_is_one_clear_line() -> None:
    result = CliRunner().invoke(cli, ["deadline", "5th March"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("typed", ["07/06/2022", "7/6/22", "7 June 2022", "7th June 2022"])
def test_cli_takes_a_date_as_an_advisor_writes_it(typed: str) -> None:
    """Day first, as dates are written in the UK (and in the workbook)."""
    result = CliRunner().invoke(cli, ["deadline", typed])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "2022-05-26"


def test_cli_says_what_is_wrong_with_a_date_that_is_nearly_one() -> None:
    result = CliRunner().invoke(cli, ["deadline", "31/02/2027"])
    assert result.exit_code == 2
    assert "February 2027 has no day 31" in result.output


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("typed", ["01/01/0001", "0001-01-10", "31/12/9999", "1/1/1900"])
def test_cli_refuses_a_year_no_meeting_is_held_in(typed: str, rule: str) -> None:
    """A slip in the year (0001 for 2001, 9999 as a placeholder) is told as the workbook's date
    is, not worked out into a nonsense deadline or a crash counting days before year 1."""
    result = CliRunner().invoke(cli, ["deadline", typed, "--rule", rule])
    assert result.exit_code == 2, result.output
    assert "not a real meeting's date; check the year" in result.output
    assert "bug" not in result.output


def test_explain_names_parish_days_without_working() -> None:
    assert explain(D(2020, 3, 6), "parish") == (
        "Monday 2 March 2020: 3 clear days before Friday 6 March 2020"
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2020, 2, 26), 0),  # the deadline itself
        (D(2020, 2, 24), 2),  # Mon: Tue 25 and Wed 26 remain
        (D(2020, 2, 21), 3),  # Fri: Mon 24, Tue 25, Wed 26 (the weekend does not count)
        (D(2020, 2, 27), -1),  # the day after: passed 1 working day ago
        # Mon 2 Mar: Wed 26, Thu 27 and Fri 28 are the working days from the deadline to yesterday
        (D(2020, 3, 2), -3),
    ],
)
def test_days_left(today: dt.date, expected: int) -> None:
    assert days_left(today, D(2020, 2, 26), "england") == expected


# an oracle written independently of packbuilder.deadline, straight from the rules


def _oracle_counts(day: dt.date, rule: str) -> bool:
    nation = "WLS" if rule == "wales" else "ENG"
    if day in holidays.country_holidays("GB", subdiv=nation, years=day.year):
        return False
    if rule != "parish":
        return day.weekday() < 5
    if day.weekday() == 6:
        return False
    e = easter(day.year)
    if e - dt.timedelta(days=3) <= day <= e + dt.timedelta(days=2):
        return False
    for xmas in (D(day.year - 1, 12, 25), D(day.year, 12, 25)):
        earlier = (xmas - dt.timedelta(days=n) for n in range(1, 5))
        start = max(d for d in earlier if d.weekday() < 5)
        later = (xmas + dt.timedelta(days=n) for n in range(1, 10))
        end = min(d for d in later if d.weekday() < 5 and _oracle_counts_bh(d))
        if start <= day <= end:
            return False
    return True


def _oracle_counts_bh(day: dt.date) -> bool:
    return day not in holidays.country_holidays("GB", subdiv="ENG", years=day.year)


@settings(max_examples=300, deadline=None)
@given(meeting=st.dates(D(2015, 1, 1), D(2035, 12, 31)), rule=st.sampled_from(sorted(RULES)))
def test_deadline_is_the_last_day_with_enough_clear_days(meeting: dt.date, rule: str) -> None:
    needed = RULES[rule].clear_days
    last = deadline(meeting, rule)

    def clear(published: dt.date) -> int:
        span = range(1, (meeting - published).days)
        return sum(_oracle_counts(published + dt.timedelta(days=n), rule) for n in span)

    assert _oracle_counts(last, rule), f"{last} is not a day that counts"
    assert clear(last) >= needed
    day = last + dt.timedelta(days=1)
    while day < meeting:
        if _oracle_counts(day, rule):
            assert clear(day) < needed, f"{day} also has {needed} clear days"
        day += dt.timedelta(days=1)
    # and the module's own helpers agree with the oracle
    assert counts(last, rule)
    assert clear_days(last, meeting, rule) == clear(last)


# --- publishing late: what a build after the deadline, or after the meeting, says ----------------

MEETING = dt.date(2026, 12, 17)  # a Thursday; its deadline is Wednesday 9 December


@pytest.mark.parametrize("today", [dt.date(2026, 12, 1), dt.date(2026, 12, 9)])
def test_publishing_on_or_before_the_deadline_says_nothing(today):
    assert publishing_late(MEETING, today) == ""


def test_publishing_after_the_deadline_says_the_deadline_and_the_clear_days_left():
    assert publishing_late(MEETING, dt.date(2026, 12, 14), what="Supplement 1 is published") == (
        "Supplement 1 is published today, Monday 14 December 2026, after the publication "
        "deadline of Wednesday 9 December 2026 (5 clear working days before the meeting on "
        "Thursday 17 December 2026): 2 clear working days remain before it; late items need the "
        "chair's agreement that they are urgent, with the reasons in the minutes (s100B(4)(b))"
    )
    assert "1 clear working day remains before it" in publishing_late(
        MEETING, dt.date(2026, 12, 15)
    )
    parish = publishing_late(MEETING, dt.date(2026, 12, 15), "parish")
    assert "(3 clear days before" in parish and "Schedule 12 paragraph 10" in parish


def test_publishing_on_the_day_of_the_meeting_or_after_it_says_so():
    assert "the day of the meeting" in publishing_late(MEETING, MEETING)
    assert publishing_late(MEETING, dt.date(2026, 12, 18)) == (
        "a pack changed now would be published today, Friday 18 December 2026, but the meeting "
        "was on Thursday 17 December 2026: it has been held; if the meeting's Date in sheet "
        "Meeting is "
        "wrong, correct it"
    )


ENG, WLS = "a bank holiday in England", "a bank holiday in Wales"


@pytest.mark.parametrize(
    ("rule_name", "day", "said"),
    [
        ("england", D(2020, 12, 25), "Friday 25 December 2020, Christmas Day, " + ENG),
        ("england", D(2020, 4, 13), "Monday 13 April 2020, Easter Monday, " + ENG),
        ("wales", D(2022, 6, 3), "Friday 3 June 2022, Platinum Jubilee of Elizabeth II, " + WLS),
        ("parish", D(2020, 12, 28), "Monday 28 December 2020, Boxing Day (observed), " + ENG),
        ("england", D(2020, 3, 7), "Saturday 7 March 2020, a weekend"),
        ("wales", D(2020, 3, 8), "Sunday 8 March 2020, a weekend"),
        ("parish", D(2020, 3, 8), "Sunday 8 March 2020, a Sunday"),
        # a parish council may meet on a Saturday (Saturdays are days that count for it)
        ("parish", D(2020, 3, 7), None),
        ("england", D(2020, 3, 5), None),
        ("england", D(2020, 4, 14), None),  # the Tuesday after Easter: a working day
    ],
)
def test_a_meeting_on_a_bank_holiday_or_a_weekend_is_pointed_out(
    rule_name: str, day: dt.date, said: str | None
) -> None:
    from packbuilder.deadline import unusual_meeting_day

    assert unusual_meeting_day(day, rule_name) == said


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (dt.datetime(2020, 12, 25), "Friday 25 December 2020, Christmas Day, a bank holiday"),
        (dt.datetime(2020, 3, 7), "Saturday 7 March 2020, a weekend"),
    ],
)
def test_check_and_build_warn_of_a_meeting_dated_on_a_bank_holiday_or_a_weekend(
    tmp_path, day: dt.datetime, said: str
) -> None:
    from packbuilder.meeting import load_meeting
    from tests.factory import make_meeting

    folder = make_meeting(tmp_path / "m", fields={"Date": day}, items=[{"title": "Apologies"}])
    (line,) = [n for n in load_meeting(folder).notices if "meeting date" in n]
    assert line.startswith(f"{folder / 'meeting.xlsx'}, sheet Meeting, cell B3: ")
    assert f"the meeting date is {said}" in line
    assert line.endswith("; check the date (the publication deadline is counted back from it)")
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert said in " ".join(result.output.split())
    usual = make_meeting(tmp_path / "n", items=[{"title": "Apologies"}])  # Thursday 5 March 2020
    assert not [n for n in load_meeting(usual).notices if "meeting date" in n]


def test_the_deadline_command_points_out_a_meeting_on_a_bank_holiday() -> None:
    result = CliRunner().invoke(cli, ["deadline", "2020-12-25"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "2020-12-17"  # the first line stays the date alone
    assert result.stderr.strip() == (
        "warning: the meeting date is Friday 25 December 2020, Christmas Day, a bank holiday in "
        "England; check the date"
    )
    assert CliRunner().invoke(cli, ["deadline", "2020-03-05"]).stderr == ""


def test_bank_holidays_are_kept_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Importing the holidays library and making the United Kingdom's calendar took 0.12 s of
    every build (its meeting's date is checked): the next process reads the year's bank holidays
    from the cache folder, names included; an entry that cannot be read is made again."""
    import sys

    from packbuilder import deadline, digests
    from packbuilder.settings import settings as pb_settings

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    pb_settings.cache_clear()
    christmas = dt.date(2026, 12, 25)

    def next_process() -> None:
        deadline._holiday_names.cache_clear()
        deadline._bank_holidays.cache_clear()

    next_process()
    assert "Christmas Day" in (deadline.unusual_meeting_day(christmas) or "")
    (entry,) = (tmp_path / "cache" / deadline.HOLIDAYS).glob("??/*.json")
    next_process()
    with monkeypatch.context() as offline:
        offline.setitem(sys.modules, "holidays", None)  # (importing it now fails)
        assert "Christmas Day" in (deadline.unusual_meeting_day(christmas) or "")
        assert deadline.is_bank_holiday(dt.date(2026, 12, 28))  # (Boxing Day, substitute)
        assert not deadline.is_bank_holiday(dt.date(2026, 12, 29))
    entry.write_text("{not json")
    next_process()
    assert deadline.is_bank_holiday(christmas)
    kept = digests.unsealed(entry)
    assert kept is not None and json.loads(kept)["2026-12-25"] == "Christmas Day"
    # edited by hand (Christmas moved), still valid JSON: not believed, made again
    entry.write_bytes(entry.read_bytes().replace(b"2026-12-25", b"2026-12-24"))
    next_process()
    assert deadline.is_bank_holiday(christmas) and not deadline.is_bank_holiday(
        christmas.replace(day=24)
    )
    next_process()
    pb_settings.cache_clear()
