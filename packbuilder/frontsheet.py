"""The agenda and supplement frontsheets: their templates' context, and rendering them.

It is computed from the meeting and the pack's layout, never the other way round: the page
references are known before the frontsheet is rendered, so they are exact however long the
frontsheet runs.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from packbuilder import agenda, exclusion, richtext
from packbuilder.dates import clock, long_date
from packbuilder.errors import Collector, PackError, TemplateError
from packbuilder.layout import Layout
from packbuilder.model import (
    AgendaBreak,
    AgendaItem,
    AgendaRow,
    AgendaSettings,
    AgendaStyle,
    Exemption,
    Meeting,
    Status,
    annex_key,
)
from packbuilder.plan import ANNEX_WORDS, PackSpec
from packbuilder.render import render
from packbuilder.templates import find_template


@dataclass(frozen=True)
class Wording:
    """What packbuilder itself writes on a frontsheet, where a release changed it.

    A published pack's frontsheet is part of its content (`versions.pack_content`): a change of
    packbuilder's own words would make every pack already published a new version, dated the
    day of the rebuild, as if the agenda had been published late. So a build also renders a
    published pack's frontsheet as the earlier release wrote it (`EARLIER_WORDING`): when that is
    the pack published, nothing of the meeting changed, and the pack stays as it is, byte for
    byte (`build._editions`). New packs, and a new version of a published pack made for a change
    of its own, are written in the current words (`WORDING`)."""

    time_dash: str  # between the meeting's start and end times: "10 am – 1 pm"
    keep_resolution: bool  # a typed resolution kept on the page of the exempt item after it
    lead_as_column: bool  # the lead column headed as the Agenda sheet heads it ("Presented by")
    supplement_alone: bool  # the meeting's one supplement called "Supplementary pack"


WORDING = Wording(" \u2013 ", keep_resolution=True, lead_as_column=True, supplement_alone=True)
# as packbuilder wrote frontsheets before: "10 am - 1 pm", every supplement numbered, the
# lead column headed "Lead" ("Who" in the table style) unless the Meeting sheet said otherwise
EARLIER_WORDING = Wording(
    " - ", keep_resolution=False, lead_as_column=False, supplement_alone=False
)


def lead_heading(settings: AgendaSettings, wording: Wording | None = None) -> str:
    """The words the agenda heads the lead column with, and the HTML agenda labels each item's
    lead with: the Meeting sheet's *Lead heading*; else the Agenda sheet's own heading of the
    column ("Presented by", "Lead officer", "Report author"), as typed; else "Lead" ("Who" in
    the table style)."""
    wording = wording or WORDING
    column = settings.lead_column
    if (
        wording.lead_as_column
        and not settings.lead_heading_typed
        and column
        and column.casefold() != "lead"
    ):
        return column
    return settings.lead_heading


def time_heading(settings: AgendaSettings) -> str:
    """The words the agenda heads the time column with (as the template's header row writes
    them), and the HTML agenda labels each item's time with."""
    return "Time (approx.)" if settings.style is AgendaStyle.TABLE else "Time"


def supplement_name(spec: PackSpec, wording: Wording | None = None) -> str:
    """The pack's name (`PackSpec.name`): "Supplementary pack" for the meeting's one supplement,
    numbered as the earlier release numbered every supplement (`EARLIER_WORDING`)."""
    wording = wording or WORDING
    if spec.alone and not wording.supplement_alone:
        return replace(spec, alone=False).name
    return spec.name


def exempt_note(exemption: Exemption) -> str:
    """The public agenda's note for an exempt item (`exclusion.note`)."""
    return exclusion.note(exemption)


def exclusions(items: Sequence[AgendaItem]) -> dict[int, str]:
    """The exclusion resolution before each run of consecutive exempt items, by the id of the
    row that carries it: a resolution covers the items that follow it, so a public item after an
    exempt one ends the run and the next exempt item needs a resolution of its own, naming its
    own paragraphs (`exclusion.resolution`: the union of the run's).

    The row is the run's first item, before which the frontsheet adds the resolution as a row of
    its own; or, where the advisor typed the resolution as the item just before the run ("9.
    Exclusion of the press and public", as seed 004 and modern.gov agendas do), that item: the
    agenda then moves the resolution once, never twice (`agenda.resolution_item`)."""
    out: dict[int, str] = {}
    run: list[AgendaItem] = []
    before: AgendaItem | None = None  # the item above the run
    typed: AgendaItem | None = None
    for item in [*items, None]:
        if item is not None and item.exempt:
            if not run:
                typed = before if before is not None and agenda.resolution_item(before) else None
            run.append(item)
            continue
        if run:
            carrier = typed if typed is not None else run[0]
            out[id(carrier)] = exclusion.resolution([i.exemption for i in run if i.exemption])
            run = []
        before = item
    return out


_and = exclusion.and_list


def _late(item: AgendaItem, spec: PackSpec) -> bool:
    """An item "to follow" on the agenda pack: its papers, arrived or not, go in a supplement, so
    nothing of them (actions carried forward, papers withheld) shows on the agenda pack, which a
    late paper leaves as it was published."""
    return item.status is Status.TO_FOLLOW and not spec.is_supplement


def _note(item: AgendaItem, spec: PackSpec, layout: Layout, with_filler: bool = True) -> str:
    placed = layout.item(item.number)
    if item.exemption is not None and not spec.private:
        return exclusion.unbroken(exempt_note(item.exemption))
    if placed is not None:
        return reference(item, layout, with_filler)
    if item.status is Status.TO_FOLLOW:
        return "To follow"
    if item.status.spoken:
        return item.status.words
    return ""


def reference(item: AgendaItem, layout: Layout, with_filler: bool = True) -> str:
    """An item's page range, "(Pages 3 - 6)"; in a private pack that carries the item's exempt
    minutes after every public page (`plan.annex`), their pages too: "(Pages 3 - 6; exempt
    minutes: Pages 80 - 81)". A public pack has no annex, so its frontsheet never names those
    pages."""
    placed = layout.item(item.number)
    assert placed is not None
    own = placed.reference(with_filler)
    extra = layout.item(annex_key(item.number))
    if extra is None:
        return own
    return f"{own[:-1]}; {ANNEX_WORDS}: {extra.reference(with_filler)[1:]}"


def item_times(meeting: Meeting) -> dict[str, str]:
    """Each item's time as the list style shows it: a start on the running clock from the
    meeting's start (see `agenda`), or the range typed in its Time cell; items whose time is not
    known are left out."""
    rows = meeting.agenda_rows
    times = {
        row.number: _start(row, start, end)
        for row, (start, end) in zip(rows, agenda.schedule(rows, meeting.start_time), strict=True)
        if isinstance(row, AgendaItem)
    }
    return {number: time for number, time in times.items() if time}


def _start(row: AgendaItem | AgendaBreak, start: Any, end: Any) -> str:
    if row.timing.text:
        return row.timing.text
    if row.timing.end and start and end:
        return agenda.clock_range(start, end)
    return clock(start) if start else row.timing.text


def unbroken(time: str) -> str:
    """A time as the agenda's narrow Time column prints it: "10.15 am" never split before its "am"
    or "pm" (a no-break space), nor "10 mins" before "mins"; a range may still break after its
    dash ("10.15 am–" / "12.30 pm")."""
    return re.sub(r"(\d) (am|pm|mins)\b", "\\1\u00a0\\2", time)


def field(text: str) -> dict[str, Any]:
    """A cell of free text as the frontsheet and the HTML agenda lay it out: a Meeting-sheet value
    after its label ("Place:", "Members:"), an item's purpose or lead. The one cell-text convention
    (`richtext`), line breaks kept: `blocks`, its paragraphs, bullets (lines starting "- ", "* ",
    "• " or "▪ ") and numbered points; `bullets`, whether it has any bullet (a cell without is
    printed as typed, as it always was); `first`, its first paragraph, printed beside a label
    (each line of an address under the one before), blank when the value starts with a bullet;
    `more`, the blocks after `first`. `value` is the text as typed."""
    blocks = richtext.blocks(text, keep_lines=True)
    bullets = any(b.bullet for b in blocks)
    if blocks and not blocks[0].bullet:
        first, more = blocks[0].text, blocks[1:]
    else:
        first, more = "", blocks
    return {"value": text, "first": first, "more": more, "blocks": blocks, "bullets": bullets}


def _closes(meeting: Meeting) -> bool:
    """Whether a heading or break of the agenda says where the meeting closes."""
    return any(
        not isinstance(row, AgendaItem) and " ".join(row.title.lower().split()) == "meeting close"
        for row in meeting.agenda_rows
    )


def number_label(number: str) -> str:
    """An item's number as the agenda prints it: "4.", "4a."; a number with its own punctuation
    as typed ("4.1", "5(i)", "5/1"), not "4.1." """
    return number if re.search(r"[.)/\-]", number) else f"{number}."


def _blank_row(kind: str, title: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "number": "",
        "number_label": "",
        "title": title,
        "star": "",
        "lead": "",
        "purpose": "",
        "purpose_field": field(""),
        "lead_field": field(""),
        "minutes": "",
        "start": "",
        "time": "",
        "note": "",
        "pages": "",
        "notes": [],
        "exempt": False,
        "exempt_note": "",
        "exclusion": "",
        "status": "",
        "keep_with_next": False,
    }


def _exclusion_row(resolution: str) -> dict[str, Any]:
    """The resolution excluding the press and public, as a row of its own before the run of
    exempt items it covers: unnumbered, as a heading is, so that the item after it keeps its own
    number, title, lead and time (in the item's row, it read as if the item were the resolution).
    Its words "Exclusion of the press and public" are the template's; its `title` is blank, so a
    template made before it had a row prints it as an unnumbered row all the same."""
    row = _blank_row("exclusion", "")
    # (as it always was: a run's resolution named several paragraphs in packs published before,
    # and holding them together would make those packs new versions that look the same)
    row["exclusion"] = resolution
    return row


def exempt_headings(rows: Sequence[AgendaRow]) -> set[int]:
    """The headings (by id) whose notes are about exempt business, printed in the private pack
    only: under Part II (`agenda.part_two`: a Part II heading or the exclusion item, until public
    business resumes), and any heading whose next item is exempt, or, the agenda's last, follows
    an exempt item (the exclusion row this frontsheet adds before a run of exempt items starts
    Part II as a typed heading does)."""
    out = {id(row) for row, under, _ in agenda.part_two(rows) if under is not None}
    before: AgendaItem | None = None
    waiting: list[AgendaRow] = []  # headings since the last item
    for row in rows:
        if isinstance(row, AgendaItem):
            if row.exempt:
                out.update(map(id, waiting))
            before, waiting = row, []
        elif not isinstance(row, AgendaBreak):
            waiting.append(row)
    if before is not None and before.exempt:
        out.update(map(id, waiting))
    return out


def _rows(
    meeting: Meeting, spec: PackSpec, layout: Layout, wording: Wording
) -> list[dict[str, Any]]:
    """One row a line of the agenda: items (those the pack lists), the exclusion resolution before
    each run of exempt items, and on the agenda pack its headings and breaks too."""
    settings = meeting.agenda
    agenda_rows: tuple[AgendaRow, ...] = spec.listed if spec.is_supplement else meeting.agenda_rows
    whole = meeting.agenda_rows
    times = dict(zip(map(id, whole), agenda.schedule(whole, meeting.start_time), strict=True))
    listed = {id(i) for i in spec.listed}
    resolutions = exclusions(spec.listed)
    # (a heading's notes under Part II are about exempt business: the private pack's only)
    in_part_two = exempt_headings(whole)
    rows = []
    for row in agenda_rows:
        start, end = times.get(id(row), (None, None))
        if isinstance(row, AgendaBreak):
            out = _blank_row("break", row.title)
            out["start"] = unbroken(_start(row, start, end))
            out["time"] = unbroken(agenda.time_text(start, end, row.timing))
            rows.append(out)
            continue
        if not isinstance(row, AgendaItem):
            out = _blank_row("heading", row.title)
            public_part_two = not spec.private and id(row) in in_part_two
            out["notes"] = [] if public_part_two else list(row.notes)
            rows.append(out)
            continue
        item = row
        if id(item) not in listed:
            continue
        # the resolution the advisor typed as an item is printed as typed; one typed without
        # its words takes the run's resolution as its purpose, as modern.gov agendas print it
        moved = resolutions.get(id(item), "")
        if moved and not agenda.resolution_item(item):
            rows.append(_exclusion_row(moved))
        purpose = item.purpose or (moved if agenda.resolution_item(item) else "")
        placed = layout.item(item.number)
        rows.append(
            {
                "kind": "item",
                # the resolution typed as an item is kept on the page of the exempt item it
                # excludes the public for, as the frontsheet's own resolution row is: never
                # alone at the foot of a page, its Part II item over the page
                "keep_with_next": bool(moved)
                and agenda.resolution_item(item)
                and wording.keep_resolution,
                "number": item.number,
                "number_label": number_label(item.number),
                "title": item.title,
                "star": "*" if settings.paperwork_marker and placed is not None else "",
                "lead": item.lead,
                "purpose": purpose,
                # as laid out: "- " lines bullets, as in the Meeting sheet's values (`field`)
                "purpose_field": field(purpose),
                "lead_field": field(item.lead),
                "minutes": unbroken(f"{item.minutes} mins") if item.minutes else "",
                "start": unbroken(_start(item, start, end)),
                "time": unbroken(agenda.time_text(start, end, item.timing)),
                "note": _note(item, spec, layout, settings.ranges_include_fillers),
                "pages": reference(item, layout, settings.ranges_include_fillers) if placed else "",
                "notes": agenda.item_notes(
                    item, public=not spec.private, with_papers=not _late(item, spec)
                ),
                "exempt": bool(item.exempt),
                # (its paragraphs held on one line: "paragraphs 3 and 5", `exclusion.unbroken`)
                "exempt_note": exclusion.unbroken(exempt_note(item.exemption))
                if item.exemption
                else "",
                "exclusion": "",
                "status": item.status.value,
            }
        )
    return rows


def context(
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    published: str,
    wording: Wording | None = None,
) -> dict[str, Any]:
    """The frontsheet template's context; `published` is the "Published" line's text;
    `wording`, packbuilder's own words (`WORDING` unless the earlier release's are asked for)."""
    wording = wording or WORDING
    rows = _rows(meeting, spec, layout, wording)
    with_papers = [i.number for i in spec.included if not i.annex]
    # exempt papers this (public) pack leaves out, which a supplement's frontsheet names; never
    # a late paper's on the agenda pack, which its arrival (in a supplement) must leave unchanged
    withheld = [
        i.number
        for i in spec.listed
        if i.exempt and i.has_papers and not spec.private and not _late(i, spec)
    ]
    settings = meeting.agenda
    return {
        "body": meeting.body,
        "title": meeting.pack_title,
        "date": long_date(meeting.date),
        "start": clock(meeting.start_time),
        "end": clock(meeting.end_time),
        # the "Meeting close" line under the agenda, unless the agenda has a row saying so
        "close": "" if _closes(meeting) else clock(meeting.end_time),
        # (a range, as the agenda's ranges are printed: an en dash, spaced as agendas head it)
        "time": clock(meeting.start_time)
        + (f"{wording.time_dash}{clock(meeting.end_time)}" if meeting.end_time else ""),
        "venue": meeting.venue,
        "chair": meeting.chair,
        # as the frontsheet lays them out: lines kept, "- " lines bullets (`field`)
        "venue_field": field(meeting.venue),
        "chair_field": field(meeting.chair),
        # any other field of the Meeting sheet (Members, Apologies, Quorum ...), as typed, in order
        "details": [
            {"label": label, **field(value)}
            for label, value in meeting.extra.items()
            if value.strip()
        ],
        "contact": {
            "name": meeting.contact.name,
            "phone": meeting.contact.phone,
            "email": meeting.contact.email,
        },
        "items": rows,
        "style": settings.style.value,
        "table_style": settings.style is AgendaStyle.TABLE,
        "lead_heading": lead_heading(settings, wording),
        "purpose_heading": settings.purpose_heading,
        "time_heading": time_heading(settings),
        "paperwork_marker": settings.paperwork_marker,
        "private": bool(spec.private),
        # what the private pack carries for members only (`PackSpec.members_only`), and the
        # words its banner ends with: "The public pack leaves these papers out."
        "members_only": spec.members_only,
        "members_only_these": {"exempt papers": "these papers", ANNEX_WORDS: "these minutes"}.get(
            spec.members_only, "them"
        ),
        "has_exempt": any(i.exempt for i in spec.listed),
        "supplement": spec.supplement or "",
        # "Supplementary pack", or "Supplementary pack 2" when there are several (`PackSpec.name`)
        "supplement_name": supplement_name(spec, wording) if spec.is_supplement else "",
        "supplement_items": _and(with_papers) if with_papers else "",
        "supplement_word": "item" if len(with_papers) == 1 else "items",
        "withheld_items": _and(withheld) if withheld else "",
        "withheld_word": "item" if len(withheld) == 1 else "items",
        "withheld_because": exclusion.withheld_because(meeting.deadline_rule),
        "published": published,
        "total_pages": layout.total,
        "extra": dict(meeting.extra),
    }


# the "Published" line as a frontsheet is first rendered: the pack's content key is taken from that
# document (`versions.pack_content`), before it is known whether the pack is a new version and so
# what the line says (`fill_published` writes it in)
# (in mixed case: a template that changes it, `|upper` or `|title`, is told by its absence)
PUBLISHED_PLACEHOLDER = "PackBuilder-Published-Line"


def fill_published(draft: Path, line: str, out: Path) -> Path | None:
    """The frontsheet `draft` (rendered with `PUBLISHED_PLACEHOLDER`) with its "Published" line
    written in, at `out`: the parts that hold the placeholder rewritten, the rest as they are.
    None when the draft does not hold the placeholder as given (a meeting's own template that
    filters or cuts the line): the frontsheet is then rendered again with the line itself."""
    token = PUBLISHED_PLACEHOLDER.encode()
    # (as xml.sax.saxutils.escape does; that module imports urllib.request, 12 ms of a rebuild)
    text = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    with zipfile.ZipFile(draft) as zin:
        if not any(token in zin.read(i) for i in zin.infolist() if i.filename.endswith(".xml")):
            return None
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(draft) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".xml") and token in data:
                data = data.replace(token, text)
            zout.writestr(info, data)
    return out


def template_name(spec: PackSpec) -> str:
    return "supplement" if spec.is_supplement else "agenda"


def render_frontsheets(  # noqa: PLR0913
    meeting: Meeting,
    specs: Sequence[PackSpec],
    layouts: Sequence[Layout],
    published: Sequence[str],
    out: Path,
    wording: Wording | None = None,
) -> list[Path]:
    """Render (not convert) each pack's frontsheet from its layout into `out`, in packbuilder's
    `wording` (`WORDING` by default).

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
            filled = context(meeting, spec, layout, day, wording)
            docs.append(render(template, filled, out / f"{n:02d}-{name}.docx"))
        except TemplateError as exc:
            failed[name] = exc
    errors = Collector()
    for error in failed.values():
        errors.add(error)
    errors.raise_if_any()
    return docs
