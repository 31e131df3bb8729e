"""`packbuilder check`: every problem of a meeting folder, grouped by file, without building."""

from __future__ import annotations

from pathlib import Path

from packbuilder.errors import ErrorList, PackError, Source
from packbuilder.meeting import load_meeting
from packbuilder.plan import plan_packs


def check_meeting(folder: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Returns (problems by file, summary lines when there are none)."""
    try:
        meeting = load_meeting(Path(folder))
    except PackError as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        grouped: dict[str, list[str]] = {}
        for e in errors:
            file = str(Source(e.source.file if e.source else Path(folder)))
            grouped.setdefault(file, []).append(str(e))
        return grouped, []
    summary = [f"{meeting.name}: {meeting.body}, {meeting.date:%-d %B %Y}: {len(meeting.items)} items, "
               f"{sum(len(i.papers) for i in meeting.items)} papers; all inputs look right"]
    for spec in plan_packs(meeting):
        summary.append(f"will build {spec.filename(meeting)}")
    for item in meeting.items:
        for paper in item.papers:
            summary.extend(f"warning: {w}" for w in paper.warnings)
        if item.status.value == "to follow" and not item.papers:
            summary.append(f"note: item {item.number} is to follow; its papers have not arrived")
    return {}, summary
