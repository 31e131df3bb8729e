"""Generate packbuilder/templates/agenda.docx and supplement.docx (the frontsheets).

Run: .venv/bin/python tools/make_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).parent))

from docxkit import (  # noqa: E402
    cant_split,
    cell_paragraphs,
    frame,
    keep_with_next,
    new_document,
    para,
    repeat_header,
    runs,
    set_widths,
    shade,
    table,
)

OUT = Path(__file__).resolve().parent.parent / "packbuilder" / "templates"
# The Time column holds the longest time the agenda prints, "11.45 am–12.15 pm" at 10 pt (3.15
# cm, and the cell's margins), on one line: LibreOffice does not break a line after its dash, so a
# narrower column split it anywhere, "am" or "pm" alone on the next line.
WIDTHS = [1.4, 9.3, 2.6, 3.7]
TABLE_WIDTHS = [1.2, 6.6, 2.0, 3.5, 3.7]


def _after_table(p):  # type: ignore[no-untyped-def]
    """A paragraph after a table gets space above it, so that it never touches the table."""
    p.paragraph_format.space_before = Pt(12)
    return p


def _header(doc, heading: str) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{{ body }}", style="Title", align="center")
    para(doc, heading, bold=True, size=16, align="center")
    para(doc, "{%p if private %}")
    p = para(doc, "PRIVATE PACK: NOT FOR PUBLICATION", bold=True, size=14, align="center")
    p.paragraph_format.keep_with_next = True
    para(
        doc,
        "This version includes {{ members_only }} for members only. Do not publish or forward "
        "it. The public pack leaves {{ members_only_these }} out.",
        italic=True,
        align="center",
    )
    para(doc, "{%p endif %}")
    # Label and value on one line, lined up by a tab stop: a table here would be a layout table,
    # which a screen reader announces as a grid of cells without headers.
    for label, value in (("Date:", "{{ date }}"), ("Time:", "{{ time }}")):
        _field(doc, label, value)
    _field_blocks(doc, "Place:", "venue_field")
    para(doc, "{%p if chair %}")
    _field_blocks(doc, "Chair:", "chair_field")
    para(doc, "{%p endif %}")
    # any other field of the Meeting sheet, as typed (Members, Apologies, Quorum ...)
    para(doc, "{%p for d in details %}")
    _field_blocks(doc, "{{ d.label }}:", "d")
    para(doc, "{%p endfor %}")


VALUES_AT = Cm(3.0)  # where the values of the Date, Time, Place ... lines start


def _field(doc, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """A label and its value, the value at the tab stop. A value of several lines (a venue's
    address, a list of members) hangs there too: its line breaks, and lines too long for the
    page, start under its first line, not at the margin under the label."""
    p = para(doc)
    runs(p, [(label, {"bold": True}), (f"\t{value}", {})])
    p.paragraph_format.tab_stops.add_tab_stop(VALUES_AT)
    p.paragraph_format.left_indent = VALUES_AT
    p.paragraph_format.first_line_indent = -VALUES_AT
    p.paragraph_format.space_after = Pt(3)


BULLET_INDENT = Cm(0.63)  # from a bullet to its text


def _field_blocks(doc, label: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A Meeting-sheet value that may have paragraphs and bullets ("- " lines, as in Notes): its
    first paragraph after the label, as `_field`; then each further paragraph and each bullet
    (List Bullet, a real list) under it, lined up with the value, not the label.

    A value that starts with a bullet has no first paragraph to set beside its label: the label
    goes in a frame at the margin, beside the first bullet, rather than alone on a line of its
    own above the list. The frame is anchored to an empty paragraph one point high before the
    list, not to the first bullet: LibreOffice tags a frame after the text of the paragraph it is
    anchored to, so a screen reader reads the label, then the list."""
    para(doc, f"{{%p if {name}.first or not {name}.more %}}")
    _field(doc, label, f"{{{{ {name}.first }}}}")
    para(doc, "{%p else %}")
    beside = para(doc)
    runs(beside, [(label, {"bold": True})])
    beside.paragraph_format.space_after = Pt(0)
    frame(beside, Cm(2.9))
    anchor = para(doc)
    anchor.paragraph_format.space_before = anchor.paragraph_format.space_after = Pt(0)
    anchor.paragraph_format.line_spacing = Pt(1)  # (exactly: it holds no text to cut)
    anchor.paragraph_format.keep_with_next = True  # the label with its list
    para(doc, "{%p endif %}")
    para(doc, f"{{%p for b in {name}.more %}}")
    para(doc, "{%p if b.bullet %}")
    bullet = para(doc, "{{ b.text }}", style="List Bullet")
    bullet.paragraph_format.left_indent = VALUES_AT + BULLET_INDENT
    bullet.paragraph_format.first_line_indent = -BULLET_INDENT
    para(doc, "{%p else %}")
    more = para(doc, "{{ b.text }}")
    more.paragraph_format.left_indent = VALUES_AT
    more.paragraph_format.space_after = Pt(3)
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")


def _contact(doc, after_table: bool = False) -> None:  # type: ignore[no-untyped-def]
    if after_table:  # the contact line may be left out: the space is a paragraph of its own
        _after_table(para(doc, "")).paragraph_format.keep_with_next = True
    para(doc, "{%p if contact.name %}")
    para(
        doc,
        "Contact: {{ contact.name }}{% if contact.phone %}, tel. {{ contact.phone }}{% endif %}"
        "{% if contact.email %}, {{ contact.email }}{% endif %}",
        size=10,
    )
    para(doc, "{%p endif %}")
    para(doc, "Published {{ published }}", size=10)


# Notes under an item's subject (its Notes cell, and actions carried forward from the minutes):
# paragraphs, and bullets as List Bullet paragraphs (the one cell-text convention, see richtext).
NOTES = [
    ("{%p for b in item.notes %}", {}),
    ("{%p if b.bullet %}", {}),
    ("{{ b.text }}", {"style": "List Bullet", "size": 10}),
    ("{%p else %}", {}),
    ("{{ b.text }}", {"size": 10}),
    ("{%p endif %}", {}),
    ("{%p endfor %}", {}),
]


def free_text(name: str, alone: bool = True, **fmt: Any) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    """A row's cell of free text (`item.purpose`, `item.lead`): with bullets ("- " lines,
    `frontsheet.field`), each paragraph and each bullet (List Bullet, a real list) a paragraph of
    its own, as in Notes; without, as typed (line breaks kept), as it always was. `alone`: the
    text has a cell of its own, whose paragraph is kept when it is blank (a cell needs one, and
    its row's keep-with-next is on it); else (the purpose under the subject) a blank one is left
    out."""
    return [
        (f"{{%p if item.{name}_field.bullets %}}", {}),
        (f"{{%p for b in item.{name}_field.blocks %}}", {}),
        ("{%p if b.bullet %}", {}),
        ("{{ b.text }}", {"style": "List Bullet", **fmt}),
        ("{%p else %}", {}),
        ("{{ b.text }}", fmt),
        ("{%p endif %}", {}),
        ("{%p endfor %}", {}),
        ("{%p else %}" if alone else f"{{%p elif item.{name} %}}", {}),
        (f"{{{{ item.{name} }}}}", fmt),
        ("{%p endif %}", {}),
    ]


def subject(purpose: bool) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    """The subject cell of an item's or a break's row. A break shows its title alone. An item: its
    title (with the paperwork marker), the purpose (list style only: the table style gives it a
    column), the page range (or To follow, Verbal update, or the exempt notice), then its notes."""
    return [
        ("{%p if item.kind == 'break' %}", {}),
        ("{{ item.title }}", {"bold": True, "italic": True}),
        ("{%p else %}", {}),
        ("{{ item.title }}{% if item.star %} {{ item.star }}{% endif %}", {"bold": True}),
        *(
            free_text("purpose", alone=False) if purpose else []
        ),
        ("{%p if item.note %}", {}),
        ("{{ item.note }}", {"bold": True}),
        ("{%p endif %}", {}),
        *NOTES,
        ("{%p if private and item.exempt %}", {}),
        # the notice as the public pack prints it in place of the page range (`item.note`)
        ("{{ item.exempt_note }}", {"bold": True}),
        ("{%p endif %}", {}),
        ("{%p endif %}", {}),
    ]


# The subject cell of a row that introduces the rows after it: a section heading (with its
# notes), or the resolution excluding the press and public before a run of exempt items. It is
# no item: unnumbered, so that the item after it keeps its own number and title.
INTRODUCTION = [
    ("{%p if item.kind == 'heading' %}", {}),
    ("{{ item.title }}", {"bold": True, "size": 12}),
    *NOTES,
    ("{%p else %}", {}),
    ("Exclusion of the press and public", {"bold": True}),
    ("{{ item.exclusion }}", {"italic": True}),
    ("{%p endif %}", {}),
]


def _lead_and_time(row) -> None:  # type: ignore[no-untyped-def]
    cell_paragraphs(row.cells[2], free_text("lead"))
    cell_paragraphs(
        row.cells[3], [("{{ item.start }}", {"size": 10}), ("{{ item.minutes }}", {"size": 9})]
    )


def _who_decision_time(row) -> None:  # type: ignore[no-untyped-def]
    cell_paragraphs(row.cells[2], free_text("lead"))
    cell_paragraphs(row.cells[3], free_text("purpose"))
    cell_paragraphs(row.cells[4], [("{{ item.time }}", {"size": 10})])


def _items_table(doc, headings, widths, more_cells=None, purpose=True) -> None:  # type: ignore[no-untyped-def]
    """The agenda's rows: a header row repeated on every page, then one row an item, heading,
    exclusion resolution or break. A heading's or a resolution's row is kept on the page of the
    row after it, which it introduces: never left alone at the foot of a page."""
    t = table(doc, len(headings), widths)
    head = t.add_row()
    for cell, text in zip(head.cells, headings, strict=True):
        cell_paragraphs(cell, [(text, {"bold": True})])
        shade(cell)
    repeat_header(head)
    rows = [t.add_row() for _ in range(10)]
    loop, if_intro, intro, elif_last, last, elif_kept, kept, else_body, body, endif = rows
    for row, tag in (
        (loop, "{%tr for item in items %}"),
        (if_intro, "{%tr if item.kind in ('heading', 'exclusion') %}"),
        (elif_last, "{%tr elif loop.last %}"),
        (elif_kept, "{%tr elif item.keep_with_next %}"),
        (else_body, "{%tr else %}"),
        (endif, "{%tr endif %}"),
    ):
        cell_paragraphs(row.cells[0], [(tag, {})])
    cell_paragraphs(intro.cells[1], INTRODUCTION)
    keep_with_next(intro)
    # the last row, the same as an item's, kept with what follows the table ("Meeting close"),
    # so that a frontsheet whose rows just fill a page does not print that line alone on the next;
    # an item that introduces the row after it (the resolution to exclude the press and public,
    # typed as an item) kept with that row, as the resolution's own row is
    for row in (last, kept, body):
        cell_paragraphs(row.cells[0], [("{{ item.number_label }}", {"bold": True})])
        cell_paragraphs(row.cells[1], subject(purpose))
        if more_cells:
            more_cells(row)
    keep_with_next(last)
    keep_with_next(kept)
    for row in (intro, last, kept, body):
        cant_split(row)
    endfor = t.add_row()
    cell_paragraphs(endfor.cells[0], [("{%tr endfor %}", {})])
    for row in (head, *rows, endfor):
        set_widths(row, widths)


def agenda() -> None:
    doc = new_document()
    _header(doc, "AGENDA")
    _contact(doc)
    para(doc, "{%p if paperwork_marker %}")
    para(doc, "* indicates paperwork included", italic=True)
    para(doc, "{%p endif %}")
    # one template, two styles (Meeting sheet "Agenda style"): modern.gov's list, or the table of
    # Item | Subject | Who | Decision required | Time that some boards write
    para(doc, "{%p if table_style %}")
    _items_table(
        doc,
        ("Item", "Subject", "{{ lead_heading }}", "{{ purpose_heading }}", "Time (approx.)"),
        TABLE_WIDTHS,
        _who_decision_time,
        purpose=False,
    )
    para(doc, "{%p else %}")
    _items_table(doc, ("Item", "Subject", "{{ lead_heading }}", "Time"), WIDTHS, _lead_and_time)
    para(doc, "{%p endif %}")
    para(doc, "{%p if close %}")
    close = _after_table(para(doc, "Meeting close: {{ close }}"))
    close.paragraph_format.keep_with_next = True  # and the note under it, with the last row
    para(doc, "{%p endif %}")
    note = para(
        doc,
        "Page numbers refer to this pack; papers are listed in agenda order.",
        size=9,
        italic=True,
    )
    _after_table(note)  # when there is no Meeting close line, this one follows the table
    doc.core_properties.title = "Agenda frontsheet"
    doc.save(OUT / "agenda.docx")


def supplement() -> None:
    doc = new_document()
    # "SUPPLEMENTARY PACK", or "SUPPLEMENTARY PACK 2" when the meeting has several
    _header(doc, "{{ supplement_name|upper }}")
    para(doc, "{%p if supplement_items %}")
    para(
        doc,
        "Please find attached additional information relating to agenda {{ supplement_word }} "
        "{{ supplement_items }}.",
    )
    para(doc, "{%p endif %}")
    # a public supplement leaves exempt papers out: say which, so that it never announces papers
    # it does not carry ("relating to agenda items .")
    para(doc, "{%p if withheld_items %}")
    para(
        doc,
        "The papers for agenda {{ withheld_word }} {{ withheld_items }} have been sent to members "
        "only. They are not for publication because {{ withheld_because }}, as shown "
        "below{% if not supplement_items %}; this supplement has no papers for publication{% endif "
        "%}.",
    )
    para(doc, "{%p endif %}")
    _items_table(doc, ("Item", "Subject"), [1.4, 15.6])
    para(doc, "{%p if paperwork_marker %}")
    key = _after_table(para(doc, "* indicates paperwork included", italic=True))
    key.paragraph_format.keep_with_next = True  # with the contact line, as the last row with it
    para(doc, "{%p endif %}")
    _contact(doc, after_table=True)
    doc.core_properties.title = "Supplementary pack frontsheet"
    doc.save(OUT / "supplement.docx")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    agenda()
    supplement()
    print("wrote", OUT / "agenda.docx", OUT / "supplement.docx")
