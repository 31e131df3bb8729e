"""Generate packbuilder/templates/agenda.docx and supplement.docx (the frontsheets).

Run: .venv/bin/python tools/make_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).parent))

from docxkit import (  # noqa: E402
    cant_split,
    cell_paragraphs,
    new_document,
    para,
    repeat_header,
    runs,
    set_widths,
    shade,
    table,
)

OUT = Path(__file__).resolve().parent.parent / "packbuilder" / "templates"
WIDTHS = [1.4, 10.4, 2.6, 2.6]


def _header(doc, heading: str) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{{ body }}", style="Title", align="center")
    para(doc, heading, bold=True, size=16, align="center")
    para(doc, "{%p if private %}")
    p = para(doc, "PRIVATE PACK: NOT FOR PUBLICATION", bold=True, size=14, align="center")
    p.paragraph_format.keep_with_next = True
    para(
        doc,
        "This version includes exempt papers for members only. Do not publish or forward it. "
        "The public pack leaves these papers out.",
        italic=True,
        align="center",
    )
    para(doc, "{%p endif %}")
    # Label and value on one line, lined up by a tab stop: a table here would be a layout table,
    # which a screen reader announces as a grid of cells without headers.
    for label, value in (
        ("Date:", "{{ date }}"),
        ("Time:", "{{ time }}"),
        ("Place:", "{{ venue }}"),
    ):
        p = para(doc)
        runs(p, [(label, {"bold": True}), (f"\t{value}", {})])
        p.paragraph_format.tab_stops.add_tab_stop(Cm(3.0))
        p.paragraph_format.space_after = Pt(3)
    para(doc, "{%p if chair %}")
    para(doc, "Chair: {{ chair }}")
    para(doc, "{%p endif %}")


def _contact(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{%p if contact.name %}")
    para(
        doc,
        "Contact: {{ contact.name }}{% if contact.phone %}, tel. {{ contact.phone }}{% endif %}"
        "{% if contact.email %}, {{ contact.email }}{% endif %}",
        size=10,
    )
    para(doc, "{%p endif %}")
    para(doc, "Published {{ published }}", size=10)


# The subject cell of an agenda row: the exclusion resolution before the first exempt item, the
# title, the purpose, then the page range (or To follow, Verbal update, or the exempt notice).
SUBJECT = [
    ("{%p if item.exclusion %}", {}),
    ("Exclusion of the press and public", {"bold": True}),
    ("{{ item.exclusion }}", {"italic": True}),
    ("{%p endif %}", {}),
    ("{{ item.title }}", {"bold": True}),
    ("{%p if item.purpose %}", {}),
    ("{{ item.purpose }}", {}),
    ("{%p endif %}", {}),
    ("{%p if item.note %}", {}),
    ("{{ item.note }}", {"bold": True}),
    ("{%p endif %}", {}),
    ("{%p if private and item.exempt %}", {}),
    ("{{ item.exempt_note }}", {"italic": True, "size": 9}),
    ("{%p endif %}", {}),
]


def _lead_and_time(row) -> None:  # type: ignore[no-untyped-def]
    cell_paragraphs(row.cells[2], [("{{ item.lead }}", {})])
    cell_paragraphs(row.cells[3], [("{{ item.start }}", {}), ("{{ item.minutes }}", {"size": 9})])


def _items_table(doc, headings, widths, more_cells=None) -> None:  # type: ignore[no-untyped-def]
    """The agenda's items: a header row repeated on every page, then one row an item."""
    t = table(doc, len(headings), widths)
    head = t.add_row()
    for cell, text in zip(head.cells, headings, strict=True):
        cell_paragraphs(cell, [(text, {"bold": True})])
        shade(cell)
    repeat_header(head)
    loop = t.add_row()
    cell_paragraphs(loop.cells[0], [("{%tr for item in items %}", {})])
    body = t.add_row()
    cell_paragraphs(body.cells[0], [("{{ item.number }}.", {"bold": True})])
    cell_paragraphs(body.cells[1], SUBJECT)
    if more_cells:
        more_cells(body)
    cant_split(body)
    end = t.add_row()
    cell_paragraphs(end.cells[0], [("{%tr endfor %}", {})])
    for row in (head, loop, body, end):
        set_widths(row, widths)


def agenda() -> None:
    doc = new_document()
    _header(doc, "AGENDA")
    _contact(doc)
    _items_table(doc, ("Item", "Subject", "Lead", "Time"), WIDTHS, _lead_and_time)
    para(doc, "{%p if end %}")
    para(doc, "Meeting close: {{ end }}")
    para(doc, "{%p endif %}")
    para(
        doc,
        "Page numbers refer to this pack; papers are listed in agenda order.",
        size=9,
        italic=True,
    )
    doc.core_properties.title = "Agenda frontsheet"
    doc.save(OUT / "agenda.docx")


def supplement() -> None:
    doc = new_document()
    _header(doc, "SUPPLEMENTARY PACK {{ supplement }}")
    para(
        doc,
        "Please find attached additional information relating to agenda {{ supplement_word }} "
        "{{ supplement_items }}.",
    )
    _items_table(doc, ("Item", "Subject"), [1.4, 15.6])
    _contact(doc)
    doc.core_properties.title = "Supplementary pack frontsheet"
    doc.save(OUT / "supplement.docx")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    agenda()
    supplement()
    print("wrote", OUT / "agenda.docx", OUT / "supplement.docx")
