"""Every generated table holds its grid for every input, read back from the real PDF.

A Word table cell must hold at least one paragraph. A template cell whose paragraphs are all
``{%p %}`` tags (a loop over a project's outcome measures, say) renders to a cell with none when
the loop has nothing to print, and LibreOffice then drops the cell: the rest of the row shifts left
under the wrong headings. So for every optional cell of every generated table, in turn, the cell
is made blank, very long, several paragraphs and bullets; the document goes through the real
template and LibreOffice; pdfplumber (an independent reader) finds the table on every page; every
row must have exactly the header's cells, and every value must sit under its own header.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from packbuilder.convert import LibreOffice
from packbuilder.documents import load_data_paper
from packbuilder.errors import Source
from packbuilder.render import render
from packbuilder.templates import find_template
from tests.test_minutes import ACTIONS, ACTIONS_HEADER, write_minutes
from tests.test_money_documents import PLAN_HEADER, RETURN_HEADER, evaluation, plan

LONG_WORD = "Supercalifragilisticexpialidocious" * 2  # wider than the narrowest columns
LONG = " ".join(["a long cell of text that runs on and on"] * 25) + " " + LONG_WORD
SHAPES: dict[str, Any] = {
    "blank": None,
    "long": LONG,
    "paragraphs": "First paragraph of the cell.\n\nSecond paragraph.\n\nThird paragraph.",
    "bullets": "- first bullet\n- second bullet\n- third bullet",
}


@dataclass(frozen=True)
class Case:
    """One document with one optional cell of its first row changed."""

    name: str
    kind: str  # plan, plan-no-budget, return, minutes
    column: str  # the workbook column changed
    value: Any
    token: str  # a word the changed cell shows (empty when blank)


# the workbook column -> (the heading it prints under, a word its cell shows)
PLAN_COLUMNS = {
    "No.": ("No.", "71"),
    "Title": ("Project or service", "Qtitle"),
    "Outline": ("Project or service", "Qoutline"),
    "Amount allocated": ("Amount allocated", "£1,234"),
    "Outcome measures": ("How the outcomes", "Qmeasure"),
    "Priorities": ("Priorities served", "Connecting"),
    "Approved": ("Approved", "Qok"),
    "Total budget": ("Total budget", "£50,000"),
}
RETURN_COLUMNS = {
    "Title": ("Project, service", "Qtitle"),
    "Amount allocated": ("Amount allocated", "£1,234"),
    "Actual spend": ("Actual spend", "£1,200"),
    "Outcomes": ("Outcomes", "Qoutcome"),
    "Comments": ("Comments", "Qcomment"),
}
MINUTES_COLUMNS = {
    "Minute": ("Minute", "49"),
    "Action": ("Action", "Qaction"),
    "Owner": ("Owner", "Qowner"),
    "Due date": ("Due date", "October"),
    "Status": ("Status", "Qstatus"),
}
# the optional cells of each table, and the shapes each can take (numbers and dates cannot be
# paragraphs; a blank is what matters for them)
TEXT = tuple(SHAPES)
OPTIONAL = {
    "plan": {
        "Outline": TEXT,
        "Outcome measures": TEXT,
        "Approved": TEXT,
        "Priorities": ("blank",),
        "Total budget": ("blank",),
    },
    "return": {"Outcomes": TEXT, "Comments": TEXT},
    "minutes": {
        "Owner": TEXT,
        "Status": TEXT,
        "Due date": ("blank",),
        "Action": ("long", "paragraphs", "bullets"),
    },
}


def _cases() -> list[Case]:
    out = []
    for kind, columns in OPTIONAL.items():
        known = {"plan": PLAN_COLUMNS, "return": RETURN_COLUMNS, "minutes": MINUTES_COLUMNS}[kind]
        for column, shapes in columns.items():
            token = known[column][1]
            for shape in shapes:
                value = SHAPES[shape]
                if value is not None:
                    value = (
                        value.replace("first", f"{token} first")
                        .replace("First", f"{token} First")
                        .replace("a long", f"{token} a long", 1)
                    )
                out.append(
                    Case(
                        f"{kind}-{column}-{shape}",
                        kind,
                        column,
                        value,
                        "" if value is None else token,
                    )
                )
    return out


CASES = _cases()


def _plan_row(number: int, change: Case | None) -> list[Any]:
    row = {
        "No.": number,
        "Title": "Qtitle project",
        "Outline": "Qoutline of the work.",
        "Amount allocated": 1234,
        "Outcome measures": "- Qmeasure one\n- two",
        "Priorities": "1, 3",
        "Approved": "Qok",
        "Total budget": 50000,
    }
    if change is not None:
        row[change.column] = change.value
    return [row[h] for h in [*PLAN_HEADER, "Total budget"]]


def _return_row(change: Case | None) -> list[Any]:
    row = {
        "Title": "Qtitle service",
        "Amount allocated": 1234,
        "Actual spend": 1200,
        "Outcomes": "Qoutcome: fewer repeat victims.",
        "Comments": "Qcomment from the provider.",
    }
    if change is not None:
        row[change.column] = change.value
    return [row[h] for h in RETURN_HEADER]


def _minutes_rows(change: Case) -> list[tuple[Any, ...]]:
    first = dict(zip(ACTIONS_HEADER, ACTIONS[0], strict=True))
    first.update(Action="Qaction to publish", Owner="Qowner", Status="Qstatus")
    first["Due date"] = dt.datetime(2019, 10, 31)
    second = dict(first)
    first[change.column] = change.value
    return [tuple(r[h] for h in ACTIONS_HEADER) for r in (first, second)]


def _workbook(case: Case, folder: Path) -> Path:
    path = folder / f"{case.name.replace('.', '')}.xlsx".replace(" ", "-")
    if case.kind == "plan":
        rows = [_plan_row(71, case), _plan_row(72, None)]
        return plan(path, rows, header=[*PLAN_HEADER, "Total budget"])
    if case.kind == "return":
        return evaluation(path, [_return_row(case), _return_row(None)])
    return write_minutes(path, actions=_minutes_rows(case))


COLUMNS = {"plan": PLAN_COLUMNS, "return": RETURN_COLUMNS, "minutes": MINUTES_COLUMNS}
FIRST_HEADING = {"plan": "No.", "return": "Project, service", "minutes": "Minute"}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, libreoffice: LibreOffice) -> dict[str, Path]:
    """Every case rendered through its shipped template and converted in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("tables")
    docx = {}
    for case in CASES:
        path = _workbook(case, folder)
        paper = load_data_paper(path, Source(path), folder)
        template = find_template(paper.template or "")
        assert template is not None
        docx[case.name] = render(template, paper.data, folder / f"{path.stem}.docx")
    converted = libreoffice.convert(list(docx.values()), folder / "pdf")
    return dict(zip(docx, converted, strict=True))


Span = tuple[float, float]


def _same(a: Span, b: Span) -> bool:
    return abs(a[0] - b[0]) < 2 and abs(a[1] - b[1]) < 2


def _tables(pdf: Path, first_heading: str) -> list[list[list[tuple[Span, str]]]]:
    """The main table on each page it appears: rows of (x-span, text) cells, header row first."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.find_tables():
                rows = []
                for row in table.rows:
                    cells = []
                    for bbox in row.cells:
                        if bbox is None:
                            continue
                        text = page.crop(bbox).extract_text() or ""
                        cells.append(((bbox[0], bbox[2]), " ".join(text.split())))
                    rows.append(cells)
                if rows and rows[0] and rows[0][0][1].startswith(first_heading):
                    out.append(rows)
    return out


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_row_keeps_the_header_grid(case: Case, pdfs: dict[str, Path]) -> None:
    tables = _tables(pdfs[case.name], FIRST_HEADING[case.kind])
    assert tables, f"{case.name}: no table with its header row found in the PDF"
    columns = COLUMNS[case.kind]
    seen: set[str] = set()
    for page, rows in enumerate(tables, start=1):
        header = rows[0]
        spans = [span for span, _ in header]
        for r, row in enumerate(rows[1:], start=2):
            got = [span for span, _ in row]
            assert len(got) == len(spans) and all(map(_same, got, spans)), (
                f"{case.name}, table page {page}, row {r}: cells {got} do not line up with the "
                f"header's {spans}: {[t for _, t in row]}"
            )
            for span, text in row:
                for heading, token in columns.values():
                    if token and token in text:
                        under = next(t for s, t in header if _same(s, span))
                        assert under.startswith(heading), (
                            f"{case.name}, row {r}: {token!r} is under {under!r}, not {heading!r}"
                        )
                        seen.add(token)
    expected = {t for c, (_, t) in columns.items() if c != case.column} | (
        {case.token} if case.token else set()
    )
    assert expected <= seen, f"{case.name}: not found in the table: {sorted(expected - seen)}"


def test_a_restyled_template_cell_left_empty_keeps_a_paragraph(tmp_path: Path) -> None:
    """A user's template whose cell is only a loop: rendered with nothing to loop over, the cell
    still holds a paragraph (else LibreOffice drops it and shifts the row)."""
    doc = docx.Document()
    table = doc.add_table(rows=1, cols=3)
    table.cell(0, 0).paragraphs[0].text = "{{ a }}"
    loop = table.cell(0, 1)
    loop.paragraphs[0].text = "{%p for x in xs %}"
    loop.add_paragraph("{{ x }}")
    loop.add_paragraph("{%p endfor %}")
    table.cell(0, 2).paragraphs[0].text = "{{ b }}"
    doc.save(tmp_path / "t.docx")
    out = render(tmp_path / "t.docx", {"a": "A", "b": "B", "xs": []}, tmp_path / "out.docx")
    cells = docx.Document(str(out)).tables[0]._tbl.iter(qn("w:tc"))
    assert [len(tc.findall(qn("w:p"))) for tc in cells] == [1, 1, 1]
