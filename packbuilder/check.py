"""`packbuilder check`: every problem of a meeting folder, grouped by file, without building.

Besides reading every input, `check` renders each Word template the build will use (frontsheets and
data papers) into a scratch folder, so that a mistake in a template is found without waiting for
LibreOffice. Page numbers on that trial frontsheet are approximate (a Word paper counts as one
page): the template's tags are being checked, not the layout.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from packbuilder import frontsheet
from packbuilder.dates import short_date
from packbuilder.errors import ErrorList, PackError, Source, TemplateError
from packbuilder.layout import lay_out
from packbuilder.meeting import load_meeting
from packbuilder.model import Meeting, Paper, PaperKind
from packbuilder.pdf import page_count
from packbuilder.plan import plan_packs
from packbuilder.render import render
from packbuilder.scratch import scratch_prefix
from packbuilder.templates import find_template


def check_meeting(folder: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Returns (problems by file, summary lines when there are none)."""
    try:
        meeting = load_meeting(Path(folder))
        errors = try_templates(meeting)
    except PackError as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
    if errors:
        grouped: dict[str, list[str]] = {}
        for e in errors:
            file = str(Source(e.source.file if e.source else Path(folder)))
            grouped.setdefault(file, []).append(str(e))
        return grouped, []
    summary = [
        f"{meeting.name}: {meeting.body}, {short_date(meeting.date)}: {len(meeting.items)} "
        f"items, {sum(len(i.papers) for i in meeting.items)} papers; all inputs look right"
    ]
    for spec in plan_packs(meeting):
        summary.append(f"will build {spec.filename(meeting)}")
    for item in meeting.items:
        for paper in item.papers:
            summary.extend(f"warning: {w}" for w in paper.warnings)
        if item.status.value == "to follow" and not item.papers:
            summary.append(f"note: item {item.number} is to follow; its papers have not arrived")
    return {}, summary


def _pages(paper: Paper) -> int:
    return page_count(paper.path) if paper.kind is PaperKind.PDF else 1


def try_templates(meeting: Meeting) -> list[PackError]:
    """Render every template the build will use into a scratch folder; return what failed."""
    errors: list[PackError] = []
    failed: set[Path] = set()  # one error per template, however many papers use it
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("check")) as tmp:
        work = Path(tmp)
        papers = {p.path: p for item in meeting.items for p in item.papers}
        for n, paper in enumerate(papers.values()):
            if paper.kind is not PaperKind.DATA:
                continue
            template = find_template(paper.template or "", meeting.folder)
            if template is None or template in failed:
                continue
            try:
                render(template, paper.data, work / f"{n:03d}.docx")
            except TemplateError as exc:
                failed.add(template)
                errors.append(exc)
        for n, spec in enumerate(plan_packs(meeting)):
            name = "supplement" if spec.is_supplement else "agenda"
            template = find_template(name, meeting.folder)
            if template is None:
                errors.append(
                    TemplateError(
                        f"template {name}.docx not found; restore it in templates/", meeting.folder
                    )
                )
                continue
            if template in failed:
                continue
            layout = lay_out(
                [(item.number, [_pages(p) for p in item.papers]) for item in spec.included]
            )
            context = frontsheet.context(meeting, spec, layout, dt.date.today())
            try:
                render(template, context, work / f"front-{n:02d}.docx")
            except TemplateError as exc:
                failed.add(template)
                errors.append(exc)
    return errors
