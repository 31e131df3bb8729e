"""Commands for publishing on time: `deadline`, `status` and `build-due` (for cron).

Thin, like the rest of the command line: the logic is in `packbuilder.deadline` and
`packbuilder.schedule`. "Today" can be pinned with PACKBUILDER_TODAY=YYYY-MM-DD (for tests, and for
asking "what would tomorrow's run do?").
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from packbuilder import deadline as deadlines
from packbuilder.dates import EARLIEST, LATEST

RULE = click.Choice(sorted(deadlines.RULES), case_sensitive=False)


class _Day(click.ParamType):
    """A date as an advisor writes it: 2020-03-05, 05/03/2020 (day first, as in the UK) or
    5 March 2020, read as the workbook's dates are (`sheets.date`)."""

    name = "date"

    def __init__(self, meeting: bool = False) -> None:
        self.meeting = meeting  # a meeting's date: within the years meetings are held in

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from packbuilder.errors import PackError, Source
        from packbuilder.sheets import Cell, date

        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            day = date(Cell(str(value).strip(), Source(Path("command line"))))
        except PackError as exc:
            # what is wrong with it, when it is nearly a date ("February 2027 has no day 31")
            found = re.match(r"'.*' is not a date: (.*?); type", exc.message)
            self.fail(
                f"{value!r} is not a date{f' ({found[1]})' if found else ''}; write it as "
                "05/03/2020, 5 March 2020 or YYYY-MM-DD (2020-03-05)",
                param,
                ctx,
            )
        if self.meeting and not EARLIEST <= day <= LATEST:
            # (as the workbook's Date is: counting days back from year 1 would fail)
            self.fail(
                f"{value!r} is not a real meeting's date; check the year (a meeting from "
                f"{EARLIEST.year} to {LATEST.year})",
                param,
                ctx,
            )
        return day


DATE = _Day()
MEETING_DATE = _Day(meeting=True)


def _today_option(fn):  # type: ignore[no-untyped-def]
    return click.option(
        "--today",
        type=DATE,
        envvar="PACKBUILDER_TODAY",
        hidden=True,
        help="Pretend today is this date (05/03/2020 or YYYY-MM-DD).",
    )(fn)


@click.command()
@click.argument("date", type=MEETING_DATE)
@click.option(
    "--rule",
    type=RULE,
    default="england",
    show_default=True,
    help="england: 5 clear working days; wales: 3; parish: 3 clear days with Saturdays.",
)
def deadline(date: dt.date, rule: str) -> None:
    """Print the last day the pack for a meeting on DATE (05/03/2020, 5 March 2020 or 2020-03-05)
    can be published."""
    rule = rule.lower()
    click.echo(deadlines.deadline(date, rule).isoformat())
    click.echo(deadlines.explain(date, rule))
    unusual = deadlines.unusual_meeting_day(date, rule)
    if unusual is not None:  # (on standard error: the first line stays the date alone)
        click.echo(f"warning: the meeting date is {unusual}; check the date", err=True)


@click.command()
@click.argument("inputs_dir", type=click.Path(path_type=Path), default=Path("inputs"))
@click.option(
    "--output-root",
    type=click.Path(path_type=Path),
    help="Folder holding each meeting's output folder (default: output/).",
)
@_today_option
def status(inputs_dir: Path, output_root: Path | None, today: dt.date | None) -> None:
    """List every meeting under INPUTS_DIR (default inputs/): date, deadline, days left, state."""
    from packbuilder.schedule import statuses

    day = today or dt.date.today()
    found = statuses(inputs_dir, day, output_root)
    if not found:
        click.echo(f"no meeting folders (with meeting.xlsx) in {inputs_dir}")
    for s in found:
        click.echo(s.line(day))
        for line in (*s.history, *([s.draft] if s.draft else [])):
            click.echo(f"  {line}")


@click.command("build-due")
@click.argument("inputs_dir", type=click.Path(path_type=Path), default=Path("inputs"))
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Build meetings whose deadline is at most this many working days away.",
)
@click.option(
    "--output-root",
    type=click.Path(path_type=Path),
    help="Folder holding each meeting's output folder (default: output/).",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Build each as a draft to check (as build --draft), published by no one: for packs "
    "published later, as the web page publishes them.",
)
@_today_option
def build_due(
    inputs_dir: Path, window: int, output_root: Path | None, draft: bool, today: dt.date | None
) -> None:
    """Build every due meeting whose inputs changed since its last build (made for cron).

    A meeting is due from WINDOW working days before its deadline until the day of the meeting.
    One line per meeting; exit status 1 if any build failed (the others are still built).
    """
    from packbuilder.schedule import Outcome
    from packbuilder.schedule import build_due as run

    def report(outcome: Outcome) -> None:
        click.echo(outcome.line())

    day = today or dt.date.today()
    outcomes = run(
        inputs_dir, day, window=window, output_root=output_root, report=report, draft=draft
    )
    if any(o.failed for o in outcomes):
        sys.exit(1)
