"""Generate packbuilder/templates/minutes.docx: the draft minutes of the last meeting.

The layout follows the Safer Plymouth minutes of 30 September 2019 (seed 000): body and date,
PRESENT with the chair first, apologies, also in attendance, start and finish times, the draft
minutes note, then numbered minute items with narrative, "Members discussed:" bullets, "It was
agreed that -" numbered resolutions and actions set apart, the dates of future meetings, and an
actions log.

Styles users can restyle in Word: "Minute Heading" (restarts the resolutions' numbering),
"Section Label", "Attendee", "Action", "List Bullet", "List Number".

Run: .venv/bin/python tools/make_minutes_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).parent))

from docxkit import (  # noqa: E402
    cant_split,
    cell_paragraphs,
    left_border,
    new_document,
    numbering_restarted_by,
    para,
    paragraph_style,
    repeat_header,
    runs,
    set_widths,
    shade,
    table,
)

OUT = Path(__file__).resolve().parents[1] / "packbuilder" / "templates" / "minutes.docx"
LOG_WIDTHS = [1.8, 6.6, 3.2, 3.6, 1.8]
DRAFT_NOTE = (
    "Note: At a future meeting, the {{ body_word }} will consider the accuracy of these draft "
    "minutes, so they may be subject to change. Please check the minutes of that meeting to "
    "confirm whether these minutes have been amended."
)

# The exempt minutes do not repeat the attendance, times and venue: the public minutes of the same
# meeting, in the same pack, give them (a clerk's confidential minutes are a continuation of them)
EXEMPT_NOTE = (
    "The minutes of the business taken in private, for members only. Who attended, and the rest "
    "of the meeting, are in the public minutes of this meeting. Like them, these are draft "
    "minutes, which the {{ body_word }} will consider at a future meeting."
)


def styles(doc) -> None:  # type: ignore[no-untyped-def]
    paragraph_style(doc, "Minute Heading", base="Heading 2", keep_with_next=True, space_before=14)
    paragraph_style(
        doc, "Section Label", bold=True, keep_with_next=True, space_before=6, space_after=3
    )
    paragraph_style(doc, "Attendee", space_after=2)
    action = paragraph_style(doc, "Action", space_before=0, space_after=0, left_cm=0.4)
    left_border(action)
    numbering_restarted_by(doc, "List Number", "Minute Heading", text="(%2)")


def blocks(doc, loop: str) -> None:  # type: ignore[no-untyped-def]
    """Narrative cell text: paragraphs, and bullets as List Bullet paragraphs (see richtext)."""
    para(doc, f"{{%p for b in {loop} %}}")
    para(doc, "{%p if b.bullet %}")
    para(doc, "{{ b.text }}", style="List Bullet")
    para(doc, "{%p else %}")
    para(doc, "{{ b.text }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")


def people(doc, seq: str, label: str, chair: bool = False) -> None:  # type: ignore[no-untyped-def]
    para(doc, f"{{%p if {seq} %}}")
    para(doc, label, style="Section Label")
    para(doc, f"{{%p for p in {seq} %}}")
    line = "{{ p.line }}{% if p.chair %} (Chair){% endif %}" if chair else "{{ p.line }}"
    para(doc, line, style="Attendee")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")


def header(doc) -> None:  # type: ignore[no-untyped-def]
    # the document's first heading (the Title style is heading level 1), so minutes' H2s nest
    para(doc, "{{ body }}", style="Title", bold=True, size=16, align="center")
    # the exempt minutes (the private pack's members-only part) open as what they are: their
    # title, the law they are withheld under, and a note that the public minutes hold the rest
    para(doc, "{%p if exempt_only %}")
    para(
        doc,
        "Exempt minutes of the meeting held on {{ date|long_date }}",
        bold=True,
        size=12,
        align="center",
    )
    para(doc, "{{ exempt_line }}", bold=True, align="center")
    para(doc, EXEMPT_NOTE, italic=True, size=10)
    para(doc, "{%p else %}")
    para(
        doc,
        "Draft minutes of the meeting held on {{ date|long_date }}",
        bold=True,
        size=12,
        align="center",
    )
    para(doc, "{%p if venue %}")
    para(doc, "{{ venue }}", align="center")
    para(doc, "{%p endif %}")
    people(doc, "present", "PRESENT:", chair=True)
    people(doc, "apologies", "Apologies:")
    people(doc, "absent", "Absent:")
    people(doc, "in_attendance", "Also in attendance:")
    para(doc, "The meeting started at {{ start|clock }} and finished at {{ finish|clock }}.")
    para(doc, DRAFT_NOTE, italic=True, size=10)
    para(doc, "{%p endif %}")


def minute_items(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{%p for m in minutes %}")
    para(doc, "{{ m.number }}. {{ m.heading }}", style="Minute Heading")
    # an exempt minute in full, in the members' pack only: "NOT FOR PUBLICATION by virtue of ..."
    para(doc, "{%p if m.withheld %}")
    para(doc, "{{ m.withheld }}", style="Section Label")
    para(doc, "{%p endif %}")
    blocks(doc, "m.narrative")
    para(doc, "{%p if m.discussed %}")
    para(doc, "Members discussed:", style="Section Label")
    para(doc, "{%p for point in m.discussed %}")
    para(doc, "{{ point }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    blocks(doc, "m.closing")
    # a minute headed "Dates of future meetings" gets the dates, and no section repeats them
    para(doc, "{%p if m.number == future_meetings_minute %}")
    future_dates(doc)
    para(doc, "{%p endif %}")
    para(doc, "{%p if m.agreed %}")
    para(doc, "It was agreed that \u2013", style="Section Label").runs[0].bold = False
    para(doc, "{%p for point in m.agreed %}")
    para(doc, "{{ point }}", style="List Number")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for a in m.actions %}")
    first = para(doc, style="Action")
    first.paragraph_format.space_before = Pt(4)
    runs(first, [("Action: ", {"bold": True}), ("{{ a.shown[0] }}", {})])
    first.paragraph_format.keep_with_next = True
    # an action of several paragraphs or points: each on a line of its own in the box
    para(doc, "{%p for line in a.shown[1:] %}")
    more = para(doc, "{{ line }}", style="Action")
    more.paragraph_format.keep_with_next = True
    para(doc, "{%p endfor %}")
    second = para(doc, style="Action")
    second.paragraph_format.space_after = Pt(4)
    runs(
        second,
        [
            ("Owner: ", {"bold": True}),
            ("{{ a.owner or 'to be confirmed' }}", {}),
            ("{% if a.due %}", {}),
            ("   Due: ", {"bold": True}),
            ("{{ a.due|short_date }}{% endif %}", {}),
        ],
    )
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")


def future_dates(doc) -> None:  # type: ignore[no-untyped-def]
    """The dates of future meetings as bullets, then the note on them."""
    para(doc, "{%p for f in future_meetings %}")
    para(
        doc,
        "{{ f.date|long_date }}{% if f.time %}, {{ f.time|clock }}{% endif %}"
        "{% if f.venue %}, {{ f.venue }}{% endif %}",
        style="List Bullet",
    )
    para(doc, "{%p endfor %}")
    para(doc, "{%p for b in future_meetings_note %}")
    para(doc, "{{ b.text }}")
    para(doc, "{%p endfor %}")


def future(doc) -> None:  # type: ignore[no-untyped-def]
    """The section "Dates of future meetings", unless a minute already gives them."""
    para(doc, "{%p if future_meetings_minute is none %}")
    para(doc, "{%p if future_meetings %}")
    para(doc, "Dates of future meetings", style="Heading 2")
    para(doc, "{%p endif %}")
    future_dates(doc)
    para(doc, "{%p endif %}")


def actions_log(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{%p if actions %}")
    para(doc, "Actions log", style="Heading 2")
    # the public minutes' log leaves out the actions of exempt minutes (printed under each in
    # the exempt minutes): it says so whenever a minute is exempt, whether it had actions or not,
    # so that the caption tells nothing of them
    para(
        doc,
        "Every action of these minutes, for the next meeting's matters arising.{% if has_exempt %} "
        "The actions of exempt minutes are in the exempt minutes, for members only.{% endif %}",
        size=10,
        italic=True,
    ).paragraph_format.keep_with_next = True
    t = table(doc, 5, LOG_WIDTHS)
    head = t.add_row()
    for cell, text in zip(
        head.cells, ("Minute", "Action", "Owner", "Due date", "Status"), strict=True
    ):
        cell_paragraphs(cell, [(text, {"bold": True, "size": 10})])
        shade(cell)
    repeat_header(head)
    loop = t.add_row()
    cell_paragraphs(loop.cells[0], [("{%tr for a in actions %}", {})])
    body = t.add_row()
    values = (
        "{{ a.minute }}",
        "{{ a.shown[0] }}",
        "{{ a.owner or 'to be confirmed' }}",
        "{{ a.due|short_date }}",
        "{{ a.status }}",
    )
    for cell, text in zip(body.cells, values, strict=True):
        cell_paragraphs(cell, [(text, {"size": 10})])
    # the action's further paragraphs and points, each a paragraph of its cell
    more = [
        ("{%p for line in a.shown[1:] %}", {}),
        ("{{ line }}", {"size": 10}),
        ("{%p endfor %}", {}),
    ]
    for text, opts in more:
        para(body.cells[1], text, **opts)
    cant_split(body)
    end = t.add_row()
    cell_paragraphs(end.cells[0], [("{%tr endfor %}", {})])
    for row in (head, loop, body, end):
        set_widths(row, LOG_WIDTHS)
    para(doc, "{%p endif %}")


def main() -> None:
    doc = new_document()
    styles(doc)
    header(doc)
    minute_items(doc)
    future(doc)
    actions_log(doc)
    # the document's title (its PDF's), as its heading says it
    doc.core_properties.title = (
        "{% if exempt_only %}Exempt{% else %}Draft{% endif %} minutes of the meeting held on "
        "{{ date|long_date }}"
    )
    OUT.parent.mkdir(exist_ok=True)
    doc.save(OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
