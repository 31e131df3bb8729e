"""`packbuilder check`: every problem of a meeting folder, grouped by file, without building.

`check` runs the build's own stages up to the frontsheets: it loads and checks every input, plans
the packs, renders every data paper and frontsheet from its template in a scratch folder, and lays
out each pack, with a converter that converts nothing (each Word document counts as one page). So a
mistake in a template is found without waiting for LibreOffice, and `check` can never disagree with
`build` about what is checked. Nothing is written outside the scratch folder.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder import frontsheet
from packbuilder.build import layout_of, scratch_folder
from packbuilder.convert import ConversionStats, Converter
from packbuilder.dates import long_date, short_date
from packbuilder.errors import ErrorList, PackError, Source
from packbuilder.meeting import load_meeting, shown_paper
from packbuilder.model import Meeting
from packbuilder.papers import paper_pdfs
from packbuilder.pdf import write_blank_pdf
from packbuilder.plan import plan_packs
from packbuilder.settings import settings
from packbuilder.textmatch import exempt_text_problems
from packbuilder.unseen import hidden_text_problems


class DryConverter(Converter):
    """A converter that converts nothing: every document becomes one blank page."""

    def convert(
        self, documents: Sequence[Path], outdir: Path, *, sources: Sequence[Source] | None = None
    ) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        return [write_blank_pdf(outdir / f"{n:03d}.pdf") for n, _ in enumerate(documents)]

    def version(self) -> str:
        return "dry"

    def stats(self) -> ConversionStats:
        return ConversionStats()

    def close(self) -> None:
        pass


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


def check_report(folder: Path) -> CheckReport:
    """Check a meeting folder (see the module's docstring)."""
    try:
        meeting = load_meeting(Path(folder))
        try:
            _trial_build(meeting)
        except PackError as exc:  # the meeting loaded: its warnings go with the problems
            exc.warnings = meeting.warnings()
            raise
    except PackError as exc:
        grouped = (exc if isinstance(exc, ErrorList) else ErrorList([exc])).by_file(Path(folder))
        return CheckReport(grouped, warnings=list(getattr(exc, "warnings", [])))
    return CheckReport(
        overview=f"{meeting.name}: {meeting.body}, {short_date(meeting.date)}: "
        f"{len(meeting.items)} items, {sum(len(i.papers) for i in meeting.items)} papers; all "
        "inputs look right",
        packs=[spec.filename(meeting) for spec in plan_packs(meeting)],
        warnings=meeting.warnings(),
    )


def check_meeting(folder: Path) -> tuple[dict[str, list[str]], list[str]]:
    """`check_report` as (problems by file, summary lines as the command line prints them)."""
    report = check_report(folder)
    return report.problems, report.lines()


def _trial_build(meeting: Meeting) -> None:
    """The build's stages up to the rendered frontsheets, in a scratch folder."""
    specs = plan_packs(meeting)
    with scratch_folder("check") as work:
        papers = [p for spec in specs for item in spec.included for p in item.papers]
        pdfs = paper_pdfs(papers, meeting.folder, DryConverter(), work, lambda _m: None)
        layouts = [layout_of(spec, pdfs) for spec in specs]
        today = [long_date(settings().today or dt.date.today())] * len(specs)
        frontsheet.render_frontsheets(meeting, specs, layouts, today, work / "frontsheets")
        # an exempt paper's text in a public paper: Word papers by their own text, data papers
        # as rendered (.doc and .rtf are compared once a build converts them)
        problems = exempt_text_problems(
            meeting.items,
            shown=functools.partial(shown_paper, folder=meeting.folder),
            rendered=pdfs.rendered,
        )
        # text a public PDF paper holds but does not show (Word papers once a build converts
        # them: LibreOffice decides what their pages show)
        problems += hidden_text_problems(meeting.items)
        if problems:
            raise ErrorList(problems)
