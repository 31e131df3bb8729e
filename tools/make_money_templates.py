"""Generate packbuilder/templates/commissioning-plan.docx and evaluation-return.docx.

Both are landscape documents with one wide table whose header row repeats on every page, their own
"Page X of Y" footer (with DRAFT in it while the document is a draft), black and white only.

The commissioning plan's optional "Total budget" column is one table column wrapped in docxtpl
cell tags: ``{%tc if has_total_budget %}`` and ``{%tc endif %}`` sit in two narrow cells either side
of it and disappear when rendered. Every row keeps the full width of the grid: the outline cell
spans its own column and the first tag column (``{% colspan 2 if has_total_budget else 4 %}``: all
four when the budget is left out) and the budget cell spans the second tag column. So the template
looks right when opened in Word, and the rendered table needs no grid repairs.

Run: .venv/bin/python tools/make_money_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402
from docxkit import (  # noqa: E402
    cant_split,
    cell_paragraphs,
    new_document,
    page_x_of_y_footer,
    para,
    repeat_header,
    set_widths,
    shade,
    table,
)

OUT = Path(__file__).resolve().parent.parent / "packbuilder" / "templates"
OVER_OR_UNALLOCATED = "{{ 'OVER-ALLOCATED by' if over_allocated else 'Unallocated' }}"
TAG = 0.4  # width (cm) of a cell holding only a {%tc %} tag
OUTLINE_SPAN = "{% colspan 2 if has_total_budget else 4 %}"


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    """Small named styles for table text, so that users restyle every cell at once in Word."""
    styles = doc.styles
    for name, base, bold in (
        ("Table Text", "Normal", False),
        ("Table Heading", "Normal", True),
        ("Table Bullet", "List Bullet", False),
    ):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = styles[base]
        st.quick_style = True
        st.font.size = Pt(9)
        st.font.bold = bold or None
        st.paragraph_format.space_after = Pt(2)
        st.paragraph_format.space_before = Pt(0)


def _landscape(doc) -> None:  # type: ignore[no-untyped-def]
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = Cm(1.8)
    section.bottom_margin = Cm(2.0)
    page_x_of_y_footer(section, prefix="{{ footer_label }}    ")


def _fixed(tbl) -> None:  # type: ignore[no-untyped-def]
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl._tbl.tblPr.append(layout)


def _keep_cell(seq: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    """An empty paragraph left in the cell when `seq` prints nothing.

    A Word cell must hold a paragraph. A cell whose paragraphs are all ``{%p %}`` tags has none
    left when its loop is empty, and LibreOffice then drops the cell: the rest of the row shifts
    left under the wrong headings. Every cell made only of ``{%p %}`` tags ends with this.
    """
    return [
        (f"{{%p if not {seq} %}}", {"style": "Table Text"}),
        ("", {"style": "Table Text"}),
        ("{%p endif %}", {"style": "Table Text"}),
    ]


def _blocks(var: str, seq: str, alone: bool = False) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    """Paragraphs for richtext blocks: bullets as real list paragraphs, the rest as table text.
    `alone`: the blocks are the cell's only content, so the cell keeps a paragraph when empty."""
    return [
        (f"{{%p for {var} in {seq} %}}", {"style": "Table Text"}),
        (f"{{%p if {var}.bullet %}}", {"style": "Table Text"}),
        (f"{{{{ {var}.text }}}}", {"style": "Table Bullet"}),
        ("{%p else %}", {"style": "Table Text"}),
        (f"{{{{ {var}.text }}}}", {"style": "Table Text"}),
        ("{%p endif %}", {"style": "Table Text"}),
        ("{%p endfor %}", {"style": "Table Text"}),
    ] + (_keep_cell(seq) if alone else [])


def _text(text: str, **opts) -> tuple[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return text, {"style": "Table Heading" if opts.pop("bold", False) else "Table Text", **opts}


def _right(cell) -> None:  # type: ignore[no-untyped-def]
    for p in cell.paragraphs:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _tag_cell(cell, tag: str) -> None:  # type: ignore[no-untyped-def]
    cell_paragraphs(cell, [(tag, {"style": "Table Text", "size": 5})])


def _summary(doc, rows: list[tuple[str, str, bool]]) -> None:  # type: ignore[no-untyped-def]
    """The totals: a narrow two-column table (label | amount), amounts right-aligned."""
    widths = [7.5, 3.5]
    t = table(doc, 2, widths)
    t.alignment = 0  # left, under the start of the main table
    for label, value, bold in rows:
        if label.startswith("{%tr"):
            row = t.add_row()
            cell_paragraphs(row.cells[0], [(label, {})])
        else:
            row = t.add_row()
            cell_paragraphs(row.cells[0], [_text(label, bold=bold)])
            cell_paragraphs(row.cells[1], [_text(value, bold=bold)])
            _right(row.cells[1])
            if bold:
                shade(row.cells[0], "F2F2F2")
                shade(row.cells[1], "F2F2F2")
        set_widths(row, widths)


def _grant_line(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{{ partnership }}", bold=True, size=12)
    para(
        doc,
        "Grant total: {{ grant_total }}{% if carry_forward %} (+ carry-forward "
        "{{ carry_forward }}{% if carry_forward_note %} {{ carry_forward_note }}{% endif %})"
        "{% endif %}",
        bold=True,
        size=12,
    )


def _title(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "{{ heading }}", style="Title")
    para(doc, "{%p if draft %}")
    para(doc, "DRAFT", bold=True, size=14)
    para(doc, "{%p endif %}")


# --- commissioning plan --------------------------------------------------------------------------

# No. | project and outline | {%tc if %} | total budget | {%tc endif %} | amount | share |
# measures | priorities | approved
PLAN_GRID = [1.0, 6.0, TAG, 2.4, TAG, 2.9, 1.6, 6.0, 3.0, 2.0]


def _plan_row(t, cells: list[list[tuple[str, dict]]], right: tuple[int, ...] = ()):  # type: ignore[no-untyped-def, type-arg]
    """A row of the plan table: ten cells, the tag cells third and fifth."""
    row = t.add_row()
    for i, lines in enumerate(cells):
        cell_paragraphs(row.cells[i], lines)
        if i in right:
            _right(row.cells[i])
    set_widths(row, PLAN_GRID)
    return row


def commissioning_plan() -> None:
    doc = new_document(landscape=True)
    _styles(doc)
    _landscape(doc)
    _title(doc)
    _grant_line(doc)
    t = table(doc, 10, PLAN_GRID)
    _fixed(t)
    tc_if = [("{%tc if has_total_budget %}", {"style": "Table Text", "size": 5})]
    tc_end = [("{%tc endif %}", {"style": "Table Text", "size": 5})]
    head = _plan_row(
        t,
        [
            [_text("No.", bold=True)],
            [_text(OUTLINE_SPAN + "Project or service and brief outline", bold=True)],
            tc_if,
            [_text("{% colspan 2 %}Total budget", bold=True)],
            tc_end,
            [_text("{{ amount_heading }}", bold=True)],
            [_text("Share of grant", bold=True)],
            [_text("How the outcomes will be measured", bold=True)],
            [_text("Priorities served", bold=True)],
            [_text("Approved", bold=True)],
        ],
    )
    for cell in head.cells:
        shade(cell)
    repeat_header(head)
    _plan_row(t, [[("{%tr for p in projects %}", {})]] + [[]] * 9)
    body = _plan_row(
        t,
        [
            [_text("{{ p.number }}", bold=True)],
            [_text(OUTLINE_SPAN + "{{ p.title }}", bold=True)] + _blocks("b", "p.outline"),
            tc_if,
            [
                _text("{% colspan 2 %}{{ p.total_budget }}"),
                ("{%p if p.budget_share %}", {"style": "Table Text"}),
                _text("({{ p.budget_share }} from this grant)", size=8),
                ("{%p endif %}", {"style": "Table Text"}),
            ],
            tc_end,
            [_text("{{ p.amount }}")],
            [_text("{{ p.share }}")],
            _blocks("m", "p.measures", alone=True),
            [
                ("{%p for pr in p.priorities %}", {"style": "Table Text"}),
                _text("{{ pr }}"),
                ("{%p endfor %}", {"style": "Table Text"}),
            ]
            + _keep_cell("p.priorities"),
            [_text("{{ p.approved }}")],
        ],
        right=(3, 5, 6),
    )
    # a project is read as one: its outline, amount and priorities on one page (LibreOffice and
    # Word still break a row taller than a whole page, losing nothing)
    cant_split(body)
    _plan_row(t, [[("{%tr endfor %}", {})]] + [[]] * 9)
    total = _plan_row(
        t,
        [
            [_text("")],
            [_text(OUTLINE_SPAN + "Total allocated", bold=True)],
            tc_if,
            [_text("{% colspan 2 %}")],
            tc_end,
            [_text("{{ total_allocated }}", bold=True)],
            [_text("")],
            [_text("")],
            [_text("")],
            [_text("")],
        ],
        right=(5,),
    )
    for cell in total.cells:
        shade(cell, "F2F2F2")
    para(doc, "")
    _summary(
        doc,
        [
            ("Grant total", "{{ grant_total }}", False),
            ("{%tr if carry_forward %}", "", False),
            ("Carry-forward", "{{ carry_forward }}", False),
            ("Total available", "{{ available }}", False),
            ("{%tr endif %}", "", False),
            ("Total allocated", "{{ total_allocated }}", False),
            (OVER_OR_UNALLOCATED, "{{ remainder }}", True),
        ],
    )
    para(doc, "{%p if over_allocated %}")
    para(doc, "")
    para(
        doc,
        "The allocations exceed the money available by {{ remainder }}. The plan records "
        "that this over-allocation is intended.",
        bold=True,
        size=10,
    )
    para(doc, "{%p endif %}")
    para(doc, "{%p if has_priorities %}")
    # the next heading level below the title (H1): a gap in the levels confuses screen readers
    para(doc, "{{ priorities_heading }}", style="Heading 2", size=11)
    para(doc, "{%p for pr in priorities %}", size=10)
    para(doc, "{{ pr.number }}. {{ pr.name }}", size=10)
    para(doc, "{%p endfor %}", size=10)
    para(doc, "{%p endif %}")
    doc.core_properties.title = "{{ heading }}"
    doc.save(OUT / "commissioning-plan.docx")


# --- evaluation return ---------------------------------------------------------------------------

RETURN_WIDTHS = [4.5, 3.0, 3.0, 9.2, 6.0]


def evaluation_return() -> None:
    doc = new_document(landscape=True)
    _styles(doc)
    _landscape(doc)
    _title(doc)
    _grant_line(doc)
    t = table(doc, 5, RETURN_WIDTHS)
    _fixed(t)
    head = t.add_row()
    for cell, text in zip(
        head.cells,
        (
            "Project, service or pilot",
            "Amount allocated",
            "Actual spend",
            "Outcomes",
            "Comments (including any underspend or overspend)",
        ),
        strict=True,
    ):
        cell_paragraphs(cell, [_text(text, bold=True)])
        shade(cell)
    repeat_header(head)
    loop = t.add_row()
    cell_paragraphs(loop.cells[0], [("{%tr for p in projects %}", {})])
    body = t.add_row()
    cell_paragraphs(body.cells[0], [_text("{{ p.title }}", bold=True)])
    cell_paragraphs(body.cells[1], [_text("{{ p.allocated }}")])
    cell_paragraphs(body.cells[2], [_text("{{ p.spent }}")])
    cell_paragraphs(body.cells[3], _blocks("b", "p.outcomes", alone=True))
    cell_paragraphs(
        body.cells[4], [_text("{{ p.outturn }}", bold=True)] + _blocks("c", "p.comments")
    )
    _right(body.cells[1])
    _right(body.cells[2])
    cant_split(body)  # a project's outturn and comments on the page of its title
    end = t.add_row()
    cell_paragraphs(end.cells[0], [("{%tr endfor %}", {})])
    total = t.add_row()
    cell_paragraphs(total.cells[0], [_text("Total", bold=True)])
    cell_paragraphs(total.cells[1], [_text("{{ total_allocated }}", bold=True)])
    cell_paragraphs(total.cells[2], [_text("{{ total_spent }}", bold=True)])
    cell_paragraphs(total.cells[3], [_text("")])
    cell_paragraphs(total.cells[4], [_text("{{ total_outturn }}", bold=True)])
    _right(total.cells[1])
    _right(total.cells[2])
    for cell in total.cells:
        shade(cell, "F2F2F2")
    for row in (head, loop, body, end, total):
        set_widths(row, RETURN_WIDTHS)
    para(doc, "")
    _summary(
        doc,
        [
            ("Grant total", "{{ grant_total }}", False),
            ("{%tr if carry_forward %}", "", False),
            ("Carry-forward", "{{ carry_forward }}", False),
            ("Total available", "{{ available }}", False),
            ("{%tr endif %}", "", False),
            ("Total allocated", "{{ total_allocated }}", False),
            (OVER_OR_UNALLOCATED, "{{ remainder }}", False),
            ("Total actual spend", "{{ total_spent }}", False),
            ("Outturn", "{{ total_outturn }}", True),
        ],
    )
    para(doc, "")
    widths = [5.0, 10.0]
    sig = table(doc, 2, widths)
    sig.alignment = 0
    for label, value in (
        ("Signature", ""),
        ("Name (printed)", "{{ signed_by }}"),
        ("Position", "{{ position }}"),
        ("Date", "{{ signed_on }}"),
    ):
        row = sig.add_row()
        cell_paragraphs(row.cells[0], [(label, {"bold": True})])
        cell_paragraphs(row.cells[1], [(value, {})])
        row.height = Cm(1.2 if label == "Signature" else 0.8)
        set_widths(row, widths)
    para(doc, "{%p if notes %}")
    para(doc, "Notes:", bold=True)
    para(doc, "{%p for n in notes %}")
    para(doc, "{{ n.text }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    doc.core_properties.title = "{{ heading }}"
    doc.save(OUT / "evaluation-return.docx")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    commissioning_plan()
    evaluation_return()
    print("wrote", OUT / "commissioning-plan.docx", OUT / "evaluation-return.docx")
