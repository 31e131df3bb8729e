"""`packbuilder check`: every problem of a meeting folder, grouped by file, without building.

`check` runs the build's own stages up to the frontsheets: it loads and checks every input, plans
the packs, makes every paper a PDF as a build does (data papers rendered from their templates, Word
papers converted by LibreOffice), lays out each pack, renders the frontsheets, and reads the papers
as the packs would carry them for text they hide and for an exempt paper's text. So whatever a
build would refuse before assembling, `check` refuses in the same words: an advisor told the day
before that all is well is not refused on the day. Nothing is written outside the scratch folder
but the cache folder, where the conversions and what was read are kept by content, so that the
build that follows converts and reads nothing again.

What only a build meets is not looked for: the output folder (its lock, its space, whether it
may be written), and a PDF that its checks passed but that cannot be copied into a pack.
"""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder import frontsheet
from packbuilder.build import (
    exempt_text,
    hidden_text,
    layout_of,
    load_converting,
    papers_to_convert,
    scratch_folder,
)
from packbuilder.convert import Converter, open_converter
from packbuilder.dates import long_date, short_date
from packbuilder.deadline import publishing_late
from packbuilder.errors import ConversionError, ErrorList, PackError
from packbuilder.meeting import load_meeting, named_folder
from packbuilder.model import Meeting
from packbuilder.papers import Prefetch, paper_pdfs
from packbuilder.plan import plan_packs
from packbuilder.settings import settings


@dataclass
class CheckReport:
    """What `check` found: the problems by file (none: the meeting can be built), a line on the
    meeting, the packs a build would make, and the warnings (with problems, those found on the
    way, so that fixing the problems brings no surprise)."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    overview: str = ""
    packs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """As the command line prints them, after the problems."""
        return (
            ([self.overview] if self.overview else [])
            + [f"will build {name}" for name in self.packs]
            + [f"warning: {w}" for w in self.warnings]
        )


def check_report(folder: Path, converter: Converter | None = None) -> CheckReport:
    """Check a meeting folder (see the module's docstring).

    Args:
        converter: converts Word to PDF; by default the build's (LibreOffice behind the
            conversion cache), closed at the end. LibreOffice is not started ahead as a build
            starts it: a check whose papers the cache holds (the web page checks a meeting each
            time it is shown) would start it for nothing, and the Word papers are converted
            while the PDF papers are checked all the same.
    """
    folder = named_folder(folder)
    meeting: Meeting | None = None
    try:
        with ExitStack() as stack:
            try:
                opened = converter or open_converter(cache=True)
            except ConversionError:  # LibreOffice is not installed: the inputs' problems first
                meeting = load_meeting(folder)
                raise
            if converter is None:
                stack.callback(opened.close)
            # the Word papers are converted while the PDF papers are checked, as in a build
            meeting, prefetch = load_converting(folder, opened, stack)
            _trial_build(meeting, opened, prefetch)
    except PackError as exc:
        grouped = (exc if isinstance(exc, ErrorList) else ErrorList([exc])).by_file(folder)
        # the meeting loaded: its warnings go with the problems (else those found so far)
        warnings = meeting.warnings() if meeting is not None else exc.warnings
        return CheckReport(grouped, warnings=list(warnings))
    return CheckReport(
        overview=f"{meeting.name}: {meeting.body}, {short_date(meeting.date)}: "
        f"{len(meeting.items)} items, {sum(len(i.papers) for i in meeting.items)} papers; all "
        "inputs look right",
        packs=[spec.filename(meeting) for spec in plan_packs(meeting)],
        warnings=[*_late(meeting), *meeting.warnings()],
    )


def _late(meeting: Meeting) -> list[str]:
    """A build today would publish after the deadline, or after the meeting: say so now."""
    today = settings().today or dt.date.today()
    said = publishing_late(meeting.date, today, meeting.deadline_rule)
    return [said] if said else []


def check_meeting(folder: Path) -> tuple[dict[str, list[str]], list[str]]:
    """`check_report` as (problems by file, summary lines as the command line prints them)."""
    report = check_report(folder)
    return report.problems, report.lines()


def _trial_build(meeting: Meeting, converter: Converter, prefetch: Prefetch) -> None:
    """The build's stages up to the rendered frontsheets, and its checks of the papers' text, in
    a scratch folder."""
    specs = plan_packs(meeting)
    with scratch_folder("check") as work:
        papers = paper_pdfs(
            papers_to_convert(meeting, specs),
            meeting.folder,
            converter,
            work,
            lambda _m: None,
            prefetch,
        )
        layouts = [layout_of(spec, papers) for spec in specs]
        today = [long_date(settings().today or dt.date.today())] * len(specs)
        frontsheet.render_frontsheets(meeting, specs, layouts, today, work / "frontsheets")
        problems = hidden_text(meeting, papers) + exempt_text(meeting, papers)
        if problems:
            raise ErrorList(problems)
