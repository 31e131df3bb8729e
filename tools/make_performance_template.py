"""Generate templates/performance-report.docx: a performance report (scorecard).

The layout follows the Safer Plymouth Performance Report of seed 004 (item 8): per indicator a
month-by-month table (this year, last year, change, cumulative, target), a chart and a comment;
ahead of them, on its own page, a summary: every indicator with its latest figure, its change and a
direction word (better, worse, no change). Monthly indicators get a table of twelve period columns,
quarterly ones a table of four: two tables in the template, one shown per indicator.

Every table has a real header row (repeated on a new page) and named styles that a user can
restyle in Word: "Table Text", "Table Heading", "Table Figure", "Table Figure Heading", "Table
Corner", "Chart", "Comment Label", "Comment". Each indicator's heading is followed directly by its
table, whose every paragraph keeps with the next, so that heading, table and chart stay on one page
(LibreOffice keeps only one paragraph before a table with it). The `{%p %}` tag paragraphs vanish
when rendered, so there are no empty paragraphs between headings and content.

Run: .venv/bin/python tools/make_performance_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt  # noqa: E402
from docxkit import (  # noqa: E402
    cant_split,
    cell_paragraphs,
    new_document,
    para,
    paragraph_style,
    repeat_header,
    set_widths,
    shade,
    table,
)

OUT = Path(__file__).resolve().parents[1] / "packbuilder" / "templates" / "performance-report.docx"
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
SUMMARY_WIDTHS = [4.6, 2.9, 1.5, 1.5, 1.4, 1.4, 1.6, 1.5]
# with the officers' RAG ratings: a column of its own, the indicator and the period narrower
RATED_WIDTHS = [3.9, 2.5, 1.5, 1.5, 1.4, 1.4, 1.6, 1.5, 1.5]
MONTHLY_WIDTHS = [3.4] + [1.13] * 12
QUARTERLY_WIDTHS = [3.4] + [2.0] * 4


def styles(doc) -> None:  # type: ignore[no-untyped-def]
    for name, bold, size in (
        ("Table Text", False, 9),
        ("Table Heading", True, 9),
        ("Table Figure", False, 8),
        ("Table Figure Heading", True, 8),
    ):
        st = paragraph_style(doc, name, bold=bold, size=size, space_before=0, space_after=0)
        if "Figure" in name:
            st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        st.paragraph_format.keep_with_next = True  # a table stays with its chart
    corner = paragraph_style(doc, "Table Corner", size=8, space_before=0, space_after=0)
    corner.paragraph_format.keep_with_next = True
    chart = paragraph_style(doc, "Chart", space_before=4, space_after=4)
    chart.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.paragraph_format.keep_with_next = True
    paragraph_style(
        doc, "Comment Label", bold=True, size=9, space_before=4, space_after=2, keep_with_next=True
    )
    paragraph_style(doc, "Comment", size=10, space_before=0, space_after=4)
    heading = doc.styles["Heading 2"]
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(10)


def _fixed(t) -> None:  # type: ignore[no-untyped-def]
    """Fixed column widths and narrow cell margins, so that '12,586' fits a month's column."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    t._tbl.tblPr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "40")  # twips: 0.07 cm
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    t._tbl.tblPr.append(margins)


def _keep_with_next(t) -> None:  # type: ignore[no-untyped-def]
    """Every paragraph of the table keeps with the next: Word and LibreOffice then keep the table
    on one page with the chart below it."""
    for row in t.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def _row(t, texts: list[str], widths: list[float], heading: bool = False, first: str = ""):  # type: ignore[no-untyped-def]
    """A table row: the first cell in `first` style (label), the rest as figures."""
    row = t.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        if i == 0:
            style = first or ("Table Heading" if heading else "Table Text")
        else:
            style = "Table Figure Heading" if heading else "Table Figure"
        cell_paragraphs(cell, [(text, {"style": style})])
        if heading:
            shade(cell)
    set_widths(row, widths)
    cant_split(row)
    return row


def _loop_row(t, tag: str, widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    row = t.add_row()
    cell_paragraphs(row.cells[0], [(tag, {"style": "Table Text"})])
    set_widths(row, widths)


def summary(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "Summary", style="Heading 1").paragraph_format.keep_with_next = True
    para(doc, "{%p for b in introduction %}")
    para(doc, "{{ b.text }}", size=10)
    para(doc, "{%p endfor %}")
    # two tables, one shown: with a RAG column when an officer rated any indicator, else without
    para(doc, "{%p if rated %}")
    summary_table(doc, rated=True)
    para(doc, "{%p else %}")
    summary_table(doc, rated=False)
    para(doc, "{%p endif %}")
    para(
        doc,
        "Indicators that add up (counts) are compared year to date: this year's total for the "
        "period shown against the same months last year. Percentages and rates compare the latest "
        "period with the same period last year. Against target: above (+) or below (-) the target "
        "(year to date for counts). Direction judges the change by each indicator's direction of "
        "good; where there are no figures for last year, it judges the position against target."
        "{% if rated %} RAG is the officer's own rating of the indicator (red, amber or green), "
        "as given in the workbook.{% endif %}",
        size=8,
        italic=True,
    ).paragraph_format.space_before = Pt(4)


def summary_table(doc, rated: bool) -> None:  # type: ignore[no-untyped-def]
    widths = RATED_WIDTHS if rated else SUMMARY_WIDTHS
    t = table(doc, len(widths), widths)
    _fixed(t)
    head = _row(
        t,
        [
            "Indicator",
            "Period",
            "This year",
            "Last year",
            "Change",
            "Change %",
            "Against target",
            "Direction",
            *(["RAG"] if rated else []),
        ],
        widths,
        heading=True,
    )
    repeat_header(head)
    text_columns = [1, 7, 8] if rated else [1, 7]
    for i in text_columns:  # text columns: headed on the left
        head.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    _loop_row(t, "{%tr for s in summary %}", widths)
    body = _row(
        t,
        [
            "{{ s.name }}{% if s.monitoring_only %} (for monitoring only){% endif %}",
            "{{ s.period }}",
            "{{ s.figure }}",
            "{{ s.last_year }}",
            "{{ s.change }}",
            "{{ s.percent }}",
            "{{ s.against_target }}",
            "{{ s.word }}",
            # the rating's word on a pale tint of its colour: the word, not the colour, says it
            *(["{% cellbg s.rag_shade %}{{ s.rag }}"] if rated else []),
        ],
        widths,
    )
    for i in text_columns:
        for p in body.cells[i].paragraphs:
            p.style = doc.styles["Table Text"]
    # the summary may run over a page (its header row repeats): its rows do not keep with the
    # next, as the table styles do, or LibreOffice moves a summary too long for one page, and
    # its heading, off the title's page, leaving the title alone there
    for cell in body.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = False
    _loop_row(t, "{%tr endfor %}", widths)


def figures_table(doc, periods: list[str], widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    t = table(doc, len(periods) + 1, widths)
    _fixed(t)
    head = _row(t, [""] + periods, widths, heading=True)
    # the top left cell says what is counted and which way is good, and marks an indicator kept
    # for monitoring only (as the seed's tables do); a paragraph between the heading and the table
    # would let LibreOffice leave the heading alone at the foot of a page
    cell_paragraphs(
        head.cells[0],
        [
            ("{{ i.corner }}", {"style": "Table Corner"}),
            ("{%p if i.monitoring_only %}", {"style": "Table Corner"}),
            ("FOR MONITORING ONLY", {"style": "Table Corner", "bold": True}),
            ("{%p endif %}", {"style": "Table Corner"}),
            # the officer's rating, in words
            ("{%p if i.rag %}", {"style": "Table Corner"}),
            ("RAG: {{ i.rag }}", {"style": "Table Corner", "bold": True}),
            ("{%p endif %}", {"style": "Table Corner"}),
        ],
    )
    repeat_header(head)
    _loop_row(t, "{%tr for r in i.rows %}", widths)
    cells = [f"{{{{ r.cells[{n}] }}}}" for n in range(len(periods))]
    row = _row(t, ["{{ r.label }}"] + cells, widths)
    # this year's rows in bold: a run-level choice that a restyled template keeps
    for cell in row.cells:
        for p in cell.paragraphs:
            text = p.runs[0].text
            p.runs[0].text = "{% if r.bold %}"
            run = p.add_run(text)
            run.bold = True
            p.add_run("{% else %}" + text + "{% endif %}")
    _loop_row(t, "{%tr endfor %}", widths)
    _keep_with_next(t)


def indicators(doc) -> None:  # type: ignore[no-untyped-def]
    h = para(doc, "Indicators", style="Heading 1")
    h.paragraph_format.page_break_before = True
    para(doc, "{%p for i in indicators %}")
    para(doc, "{{ i.name }}", style="Heading 2")
    para(doc, "{%p if i.monthly %}")
    figures_table(doc, MONTHS, MONTHLY_WIDTHS)
    para(doc, "{%p else %}")
    figures_table(doc, QUARTERS, QUARTERLY_WIDTHS)
    para(doc, "{%p endif %}")
    # the chart keeps with the comment under it; with no comment it keeps with nothing, or every
    # indicator without one would chain, heading, table and chart, to the next indicator's, and
    # LibreOffice, unable to keep the chain on a page, would part a table from its chart
    para(doc, "{%p if i.comment %}")
    para(doc, "{{ i.chart }}", style="Chart")
    para(doc, "{%p else %}")
    para(doc, "{{ i.chart }}", style="Chart").paragraph_format.keep_with_next = False
    para(doc, "{%p endif %}")
    para(doc, "{%p if i.comment %}")
    para(doc, "Comment", style="Comment Label")
    para(doc, "{%p for b in i.comment %}")
    para(doc, "{%p if b.bullet %}")
    para(doc, "{{ b.text }}", style="List Bullet")
    para(doc, "{%p else %}")
    para(doc, "{{ b.text }}", style="Comment")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")


def main() -> None:
    doc = new_document()
    styles(doc)
    para(doc, "{%p if partnership %}")
    para(doc, "{{ partnership }}", bold=True, size=12)
    para(doc, "{%p endif %}")
    para(doc, "{{ title }}", style="Title")
    para(doc, "Figures for {{ year }}{% if as_at %}, as at {{ as_at }}{% endif %}.", size=10)
    summary(doc)
    indicators(doc)
    doc.core_properties.title = "{{ title }}"
    doc.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
