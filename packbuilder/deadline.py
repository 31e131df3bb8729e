"""The statutory publication deadline: the last day a meeting's pack can be published.

The agenda and reports of a meeting must be open to inspection a number of *clear* days before
it. "Clear" means that neither the day of publication nor the day of the meeting counts: a pack
published on Monday for a Friday meeting has three clear days (Tuesday, Wednesday, Thursday).
Which days count depends on the body:

- **england**: principal councils in England, five clear working days (Local Government Act 1972
  s100B(3), "five" since the 2002 Period of Notice Order). Weekends and England's bank holidays do
  not count.
- **wales**: principal councils in Wales, three clear working days; weekends and Wales's bank
  holidays do not count.
- **parish**: parish and town councils, three clear days (Schedule 12 paragraph 10). Saturdays
  count; s243 of the Act disregards Sundays, bank holidays, the Christmas break (from the last
  weekday before Christmas Day to the first weekday after it that is not a bank holiday) and the
  Easter break (Maundy Thursday to the Tuesday after Easter Day). Parishes use England's bank
  holidays (England and Wales share theirs under the Banking and Financial Dealings Act 1971).

The deadline itself must be a day that counts: a pack "published" on a Sunday is read on Monday.
Bank holidays come from the maintained `holidays` library, which includes one-off days such as the
2022 Platinum Jubilee and the state funeral of 19 September 2022. Other days appointed for public
mourning (which s243 also disregards for parishes) are not in it: check them by hand.

Everything here is pure and cheap; holiday tables are computed once per nation and year.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dateutil.easter import easter

from packbuilder.digests import seal, unsealed
from packbuilder.settings import settings

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """How one kind of body counts clear days."""

    name: str
    clear_days: int
    subdiv: str  # the nation whose bank holidays apply, as the `holidays` library names it
    saturdays_count: bool = False
    breaks: bool = False  # s243: Christmas and Easter breaks are disregarded too


RULES: dict[str, Rule] = {
    "england": Rule("england", 5, "ENG"),
    "wales": Rule("wales", 3, "WLS"),
    "parish": Rule("parish", 3, "ENG", saturdays_count=True, breaks=True),
}


def rule(name: str) -> Rule:
    """The rule called `name` (england, wales, parish); ValueError for anything else."""
    try:
        return RULES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown deadline rule {name!r}; use one of {', '.join(RULES)}") from None


@lru_cache(maxsize=64)
def _bank_holidays(subdiv: str, year: int) -> frozenset[dt.date]:
    return frozenset(_holiday_names(subdiv, year))


def is_bank_holiday(day: dt.date, subdiv: str = "ENG") -> bool:
    return day in _bank_holidays(subdiv, day.year)


@lru_cache(maxsize=64)
def _holiday_names(subdiv: str, year: int) -> dict[dt.date, str]:
    """The nation's bank holidays of `year`, by date, as the `holidays` library names them; kept
    in the cache folder (``holidays/``) by the library's installed files: importing it and
    making the United Kingdom's calendar took 0.12 s of every build that checks its meeting's
    date."""
    key = hashlib.sha256(f"{subdiv}|{year}|{_library_stamp()}".encode()).hexdigest()
    entry = settings().cache_dir / HOLIDAYS / key[:2] / f"{key[2:]}.json"
    kept = unsealed(entry)
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        if kept is not None:
            days = json.loads(kept).items()
            return {dt.date.fromisoformat(day): str(name) for day, name in days}
    import holidays  # (50 ms to import: not before a command needs it)

    names = dict(holidays.country_holidays("GB", subdiv=subdiv, years=year).items())
    seal(entry, json.dumps({d.isoformat(): n for d, n in names.items()}).encode("utf-8"))
    return names


HOLIDAYS = "holidays"  # the cache folder's folder of bank holidays (`_holiday_names`)


@lru_cache(maxsize=1)
def _library_stamp() -> str:
    """The installed `holidays` library's files, without importing it: a new release (a new
    one-off bank holiday) is another key."""
    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "none"
    folder = Path(origin).parent
    parts = []
    for name in ("__init__.py", "version.py", "countries/united_kingdom.py"):
        try:
            st = (folder / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return f"{origin}|{'|'.join(parts)}"


NATIONS = {"ENG": "England", "WLS": "Wales"}


def unusual_meeting_day(day: dt.date, rule_name: str = "england") -> str | None:
    """What makes `day` an unlikely day for a meeting of a body under `rule_name`, for a warning
    ("Friday 25 December 2020, Christmas Day, a bank holiday in England"), or None. A date typed
    a day out, or with last year's year, would otherwise only show as a wrong deadline. A bank
    holiday, a Sunday, and a Saturday for a principal council (a parish council may meet on a
    Saturday: its clear days count them)."""
    r = rule(rule_name)
    name = _holiday_names(r.subdiv, day.year).get(day)
    if name is not None:
        return f"{long_date(day)}, {name}, a bank holiday in {NATIONS[r.subdiv]}"
    if day.weekday() == 6 or (day.weekday() == 5 and not r.saturdays_count):
        return f"{long_date(day)}, {'a Sunday' if r.saturdays_count else 'a weekend'}"
    return None


@lru_cache(maxsize=64)
def _breaks(year: int) -> frozenset[dt.date]:
    """The s243 Christmas and Easter breaks that fall in `year`."""
    days: set[dt.date] = set()
    sunday = easter(year)
    days.update(sunday + dt.timedelta(days=n) for n in range(-3, 3))  # Thursday to Tuesday
    for christmas in (dt.date(year - 1, 12, 25), dt.date(year, 12, 25)):
        start = christmas - ONE_DAY
        while start.weekday() >= 5:
            start -= ONE_DAY
        end = christmas + ONE_DAY
        while end.weekday() >= 5 or is_bank_holiday(end, "ENG"):
            end += ONE_DAY
        day = start
        while day <= end:
            if day.year == year:
                days.add(day)
            day += ONE_DAY
    return frozenset(days)


def counts(day: dt.date, rule_name: str = "england") -> bool:
    """Whether `day` counts as a clear day (and so can be a publication day) under the rule."""
    r = rule(rule_name)
    weekday = day.weekday()
    if weekday == 6 or (weekday == 5 and not r.saturdays_count):
        return False
    if is_bank_holiday(day, r.subdiv):
        return False
    return not (r.breaks and day in _breaks(day.year))


def clear_days(published: dt.date, meeting: dt.date, rule_name: str = "england") -> int:
    """Days that count strictly between publication and the meeting."""
    n = 0
    day = published + ONE_DAY
    while day < meeting:
        n += counts(day, rule_name)
        day += ONE_DAY
    return n


def deadline(meeting: dt.date, rule_name: str = "england") -> dt.date:
    """The last day on which the pack for a meeting on `meeting` can be published under the rule.

    Walk back from the day before the meeting, counting days that count; once enough are counted,
    the next earlier day that counts is the deadline.
    """
    needed = rule(rule_name).clear_days
    day = meeting - ONE_DAY
    seen = 0
    while seen < needed:
        seen += counts(day, rule_name)
        day -= ONE_DAY
    while not counts(day, rule_name):
        day -= ONE_DAY
    return day


def days_left(today: dt.date, until: dt.date, rule_name: str = "england") -> int:
    """Days that count after `today` up to and including `until`; negative once `until` has passed.

    0 means `until` is today; once it has passed, minus the days that count from `until` (a deadline
    always counts) up to yesterday: -1 on the first day after a deadline, weekends between or not.
    """
    if until >= today:
        after = (today + ONE_DAY * n for n in range(1, (until - today).days + 1))
        return sum(counts(day, rule_name) for day in after)
    since = (until + ONE_DAY * n for n in range((today - until).days))
    return -sum(counts(day, rule_name) for day in since)


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def explain(meeting: dt.date, rule_name: str = "england") -> str:
    """For people: 'Wednesday 26 February 2020: 5 clear working days before Thursday 5 ...'."""
    r = rule(rule_name)
    kind = "clear days" if r.saturdays_count else "clear working days"
    last = long_date(deadline(meeting, rule_name))
    return f"{last}: {r.clear_days} {kind} before {long_date(meeting)}"


# what publishing after the deadline means, by the kind of body
LATE_NOTE = (
    "late items need the chair's agreement that they are urgent, with the reasons in the "
    "minutes (s100B(4)(b))"
)
# s100B is for principal councils; a parish council can only decide the business in its summons
PARISH_LATE_NOTE = (
    "a parish council cannot decide business that was not in the summons 3 clear "
    "days before (Schedule 12 paragraph 10): move late items to a later meeting"
)


def late_note(rule_name: str) -> str:
    """What publishing after the deadline means for this kind of body."""
    return PARISH_LATE_NOTE if rule_name == "parish" else LATE_NOTE


def publishing_late(
    meeting: dt.date,
    today: dt.date,
    rule_name: str = "england",
    what: str = "a pack changed now would be published",
) -> str:
    """What to say of `what` ("Supplement 1 is published") on `today` for a meeting on
    `meeting`: "" on or before its deadline; after it, the deadline and the clear days left;
    on the day of the meeting or after it, that it is (or has been) held."""
    if today > meeting:
        return (
            f"{what} today, {long_date(today)}, but the meeting was on "
            f"{long_date(meeting)}: it has been held; if the meeting's Date in sheet Meeting is "
            "wrong, correct it"
        )
    if today == meeting:
        return (
            f"{what} today, {long_date(today)}, the day of the meeting, after the "
            f"publication deadline of {long_date(deadline(meeting, rule_name))}; "
            f"{late_note(rule_name)}"
        )
    due = deadline(meeting, rule_name)
    if today <= due:
        return ""
    r = rule(rule_name)
    kind = "clear days" if r.saturdays_count else "clear working days"
    left = clear_days(today, meeting, rule_name)
    return (
        f"{what} today, {long_date(today)}, after the publication deadline of "
        f"{long_date(due)} ({r.clear_days} {kind} before the meeting on {long_date(meeting)}): "
        f"{left} {kind if left != 1 else kind.replace('days', 'day')} remain"
        f"{'s' if left == 1 else ''} before it; {late_note(rule_name)}"
    )
