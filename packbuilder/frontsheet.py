"""The agenda and supplement frontsheets: their templates' context, and rendering them.

It is computed from the meeting and the pack's layout, never the other way round: the page
references are known before the frontsheet is rendered, so they are exact however long the
frontsheet runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packbuilder.dates import clock, long_date
from packbuilder.errors import Collector, PackError, TemplateError
from packbuilder.layout import Layout
from packbuilder.model import AgendaItem, Meeting, Status
from packbuilder.plan import PackSpec
from packbuilder.render import render
from packbuilder.templates import find_template

SCHEDULE_12A = "Part 1 of Schedule 12A to the Local Government Act 1972"


def exempt_note(paragraph: int) -> str:
    return f"Not for publication by virtue of paragraph {paragraph} of {SCHEDULE_12A}"


def exclusion_resolution(paragraphs: list[int]) -> str:
    paras = _and([str(p) for p in sorted(set(paragraphs))])
    word = "paragraph" if len(set(paragraphs)) == 1 else "paragraphs"
    return (
        "To consider passing a resolution under Section 100A(4) of the Local Government Act 1972 "
        "to exclude the press and public from the meeting for the following item(s) of business "
        "on the grounds that they involve the likely disclosure of exempt information as defined "
        f"in {word} {paras} of {SCHEDULE_12A}."
    )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _note(item: AgendaItem, spec: PackSpec, layout: Layout) -> str:
    placed = layout.item(item.number)
    if item.exempt and not spec.private:
        return exempt_note(item.exempt_paragraph)  # type: ignore[arg-type]
    if placed is not None:
        return placed.pages_ref
    if item.status is Status.TO_FOLLOW:
        return "To follow"
    if item.status is Status.VERBAL:
        return "Verbal update"
    return ""


def item_times(meeting: Meeting) -> dict[str, str]:
    """Approximate start times, when every item before has a time allowed."""
    times: dict[str, str] = {}
    now = dt.datetime.combine(meeting.date, meeting.start_time)
    for item in meeting.items:
        times[item.number] = clock(now.time())
        if item.minutes is None:
            break
        now += dt.timedelta(minutes=item.minutes)
    return times


def context(meeting: Meeting, spec: PackSpec, layout: Layout, published: str) -> dict[str, Any]:
    """The frontsheet template's context; `published` is the "Published" line's text."""
    times = item_times(meeting)
    rows = []
    exclusion_done = False
    exempt_paras = [i.exempt_paragraph for i in spec.listed if i.exempt_paragraph]
    for item in spec.listed:
        exclusion = ""
        if item.exempt and not exclusion_done:
            exclusion = exclusion_resolution(exempt_paras)  # type: ignore[arg-type]
            exclusion_done = True
        note = _note(item, spec, layout)
        rows.append(
            {
                "number": item.number,
                "title": item.title,
                "lead": item.lead,
                "purpose": item.purpose,
                "minutes": f"{item.minutes} mins" if item.minutes else "",
                "start": times.get(item.number, ""),
                "note": note,
                "pages": layout.item(item.number).pages_ref if layout.item(item.number) else "",  # type: ignore[union-attr]
                "exempt": bool(item.exempt),
                "exempt_note": exempt_note(item.exempt_paragraph) if item.exempt_paragraph else "",
                "exclusion": exclusion,
                "status": item.status.value,
            }
        )
    with_papers = [i.number for i in spec.included]
    return {
        "body": meeting.body,
        "title": meeting.pack_title,
        "date": long_date(meeting.date),
        "start": clock(meeting.start_time),
        "end": clock(meeting.end_time),
        "time": clock(meeting.start_time)
        + (f" - {clock(meeting.end_time)}" if meeting.end_time else ""),
        "venue": meeting.venue,
        "chair": meeting.chair,
        "contact": {
            "name": meeting.contact.name,
            "phone": meeting.contact.phone,
            "email": meeting.contact.email,
        },
        "items": rows,
        "private": bool(spec.private),
        "has_exempt": bool(exempt_paras),
        "supplement": spec.supplement or "",
        "supplement_items": _and(with_papers) if with_papers else "",
        "supplement_word": "item" if len(with_papers) == 1 else "items",
        "published": published,
        "total_pages": layout.total,
        "extra": dict(meeting.extra),
    }


def template_name(spec: PackSpec) -> str:
    return "supplement" if spec.is_supplement else "agenda"


def render_frontsheets(
    meeting: Meeting,
    specs: Sequence[PackSpec],
    layouts: Sequence[Layout],
    published: Sequence[str],
    out: Path,
) -> list[Path]:
    """Render (not convert) each pack's frontsheet from its layout into `out`.

    Raises:
        ErrorList: every frontsheet template that is missing or failed, once each.
    """
    out.mkdir(parents=True, exist_ok=True)
    docs = []
    failed: dict[str, PackError] = {}
    for n, (spec, layout, day) in enumerate(zip(specs, layouts, published, strict=True)):
        name = template_name(spec)
        if name in failed:
            continue
        template = find_template(name, meeting.folder)
        if template is None:
            failed[name] = TemplateError(
                f"template {name}.docx not found; restore it in templates/", meeting.folder
            )
            continue
        try:
            filled = context(meeting, spec, layout, day)
            docs.append(render(template, filled, out / f"{n:02d}-{name}.docx"))
        except TemplateError as exc:
            failed[name] = exc
    errors = Collector()
    for error in failed.values():
        errors.add(error)
    errors.raise_if_any()
    return docs
