"""Template contexts and filters: the one place a model becomes what a template prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from packbuilder import money, sheets
from packbuilder.contexts import template_context
from packbuilder.documents import FieldsSheet, TableSheet, WorkbookData, load_workbook_data
from packbuilder.errors import Source
from packbuilder.filters import FILTERS
from packbuilder.model import DocumentData
from packbuilder.render import environment


def _workbook(path: Path) -> Path:
    wb = Workbook()
    doc = wb.active
    doc.title = "Document"
    doc.append(["Field", "Value"])
    doc.append(["Kind", "briefing-note"])
    doc.append(["Title", "Night-time economy briefing"])
    doc.append(["Date", dt.datetime(2020, 3, 5)])
    rows = wb.create_sheet("Key points")
    rows.append(["Point", "Time allowed", "Detail"])
    rows.append(["Taxi marshals", 10, "- two ranks\n- Friday and Saturday"])
    rows.append(["A & B <c>", None, "{{ not a tag }}"])
    wb.create_sheet("Empty")
    wb.save(path)
    return path


def test_workbook_of_another_kind_is_every_sheet_as_text(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "note.xlsx")
    loaded = load_workbook_data(sheets.Workbook(path))
    data = loaded.data
    assert isinstance(data, WorkbookData)
    assert loaded.title == "Night-time economy briefing"
    doc, points, empty = data.sheets
    assert isinstance(doc, FieldsSheet) and isinstance(points, TableSheet)
    assert [(k, v.text) for k, v in doc.fields] == [
        ("Kind", "briefing-note"),
        ("Title", "Night-time economy briefing"),
        ("Date", "5 March 2020"),
    ]
    assert points.columns == ("point", "time allowed", "detail")
    assert [v.text for v in points.rows[1]] == ["A & B <c>", "", "{{ not a tag }}"]
    assert points.rows[1][1].source == Source(path, "Key points", "B3")
    assert empty == TableSheet(name="Empty", columns=(), rows=())


def test_workbook_context_keeps_the_variable_names_templates_use(tmp_path: Path) -> None:
    data = load_workbook_data(sheets.Workbook(_workbook(tmp_path / "note.xlsx"))).data
    ctx = template_context(data)
    assert ctx["document"] == {
        "kind": "briefing-note",
        "title": "Night-time economy briefing",
        "date": "5 March 2020",
    }
    first, second = ctx["key_points"]
    assert first["point"] == "Taxi marshals" and first["time_allowed"] == "10"
    assert [(b.text, b.bullet) for b in first["detail_blocks"]] == [
        ("two ranks", True),
        ("Friday and Saturday", True),
    ]
    assert second["point"] == "A & B <c>"
    assert ctx["empty"] == []


def test_a_model_without_a_context_is_a_bug_not_a_blank_document() -> None:
    with pytest.raises(TypeError, match="no template context for DocumentData"):
        template_context(DocumentData(source=Source(Path("x.xlsx"))))


@pytest.mark.parametrize(
    ("tag", "value", "printed"),
    [
        ("{{ v|long_date }}", dt.date(2020, 3, 5), "Thursday 5 March 2020"),
        ("{{ v|short_date }}", dt.date(2019, 10, 31), "31 October 2019"),
        ("{{ v|clock }}", dt.time(13, 0), "1 pm"),
        ("{{ v|pounds }}", Decimal(160200), "£160,200"),
        ("{{ v|pounds }}", Decimal("1234.5"), "£1,234.50"),
        ("{{ v|pounds(True) }}", Decimal(25000), "£25,000.00"),
        ("{{ v|pounds }}", 400568, "£400,568"),
        ("{{ v|pounds }}", money.Amount(Decimal(2_000_000), "£2m"), "£2m"),
        ("{{ v|pounds }}", None, ""),
        ("{{ v|long_date }}", None, ""),
    ],
)
def test_filters(tag: str, value: object, printed: str) -> None:
    assert environment().from_string(tag).render(v=value) == printed


def test_every_filter_is_registered() -> None:
    assert set(FILTERS) <= set(environment().filters)


def test_a_heading_with_a_colon_or_currency_is_one_column(tmp_path: Path) -> None:
    """Each heading is looked up as typed and loosened ("Outline:" as "outline"): both keys were
    listed, and a template looping over the columns printed the column twice."""
    wb = Workbook()
    wb.active.title = "Document"
    wb.active.append(["Kind", "briefing-note"])
    rows = wb.create_sheet("Costs")
    rows.append(["Outline:", "Amount (£)", "Notes"])
    rows.append(["Taxi marshals", 100, "Fridays"])
    wb.save(tmp_path / "c.xlsx")
    (_, costs) = load_workbook_data(sheets.Workbook(tmp_path / "c.xlsx")).data.sheets
    assert costs.columns == ("outline:", "amount (£)", "notes")
    assert [v.text for v in costs.rows[0]] == ["Taxi marshals", "100", "Fridays"]
