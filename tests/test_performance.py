"""Performance reports: figures in, derived rows, located errors, charts for black and white, PDF.

Expected numbers are literals worked out by hand from seed 004's figures (its item 8, "Safer
Plymouth Performance Report 2017"), never by the code under test.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from PIL import Image, ImageChops
from pypdf import PdfReader

from packbuilder import charts, sheets
from packbuilder.build import build
from packbuilder.convert import LibreOffice
from packbuilder.documents import load_data_paper
from packbuilder.errors import ErrorList, InputError, PackError, Source
from packbuilder.kinds import performance as perf
from packbuilder.render import render
from packbuilder.templates import find_template
from tests.factory import make_meeting

EXAMPLE = (
    Path(__file__).resolve().parent.parent
    / "inputs"
    / "2020-03-05-safer-plymouth"
    / "performance-report-2016-17.xlsx"
)
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
D = Decimal

# seed 004, violence with injury excluding domestic abuse
VWI_THIS = [134, 173, 185, 208, 158, 177, 192, 148]
VWI_LAST = [151, 166, 160, 177, 140, 163, 186, 137, 146, 119, 131, 170]


INDICATOR_HEADER = (
    "Indicator",
    "Unit",
    "Direction of good",
    "Target",
    "Monitoring only",
    "Comment",
)


def workbook(
    path: Path,
    indicators: Sequence[Sequence[Any]],
    monthly: Sequence[Sequence[Any]] = (),
    quarterly: Sequence[Sequence[Any]] | None = None,
    year: str = "2016/17",
    indicator_header: Sequence[str] = INDICATOR_HEADER,
) -> Path:
    wb = Workbook()
    doc = wb.active
    doc.title = "Document"
    for row in (("Field", "Value"), ("Kind", "performance-report"), ("Year", year)):
        doc.append(row)
    ind = wb.create_sheet("Indicators")
    ind.append(list(indicator_header))
    for row in indicators:
        ind.append(list(row))
    ws = wb.create_sheet("Monthly figures")
    ws.append(["Indicator", "Year", *MONTHS])
    for row in monthly:
        ws.append(list(row))
    if quarterly is not None:
        qs = wb.create_sheet("Quarterly figures")
        qs.append(["Indicator", "Year", "Q1", "Q2", "Q3", "Q4"])
        for row in quarterly:
            qs.append(list(row))
    wb.save(path)
    return path


def load(path: Path) -> tuple[perf.PerformanceReport, list[str]]:
    return perf.load_report(sheets.Workbook(path))


def messages(exc: PackError) -> list[str]:
    return [str(e) for e in exc.errors] if isinstance(exc, ErrorList) else [str(exc)]


# --- the example workbook against hand-computed figures -------------------------------------------


@pytest.fixture(scope="module")
def example() -> perf.PerformanceReport:
    report, warnings = load(EXAMPLE)
    assert warnings == []
    return report


def by_name(report: perf.PerformanceReport, start: str) -> perf.Indicator:
    (found,) = [i for i in report.indicators if i.name.startswith(start)]
    return found


# name, year to date this year, same months last year, change, change %, word
HEADLINES = [
    # 1335+1576+1611+1692+1637+1590+1570+1575; 1652+1684+1407+1469+1386+1467+1565+1386
    ("Overall crime", 12586, 12016, 570, "4.7", "worse"),
    # 158+180+148+136+144+146+89+148; 196+192+147+119+106+169+148+146; -74/1223 = -6.05%
    ("Reduce serious", 1149, 1223, -74, "-6.1", "better"),
    # 95/1280 = 7.42%
    ("Reduce violence", 1375, 1280, 95, "7.4", "worse"),
    # 351+412+431+475+469+382+352+358; 553+569+504+603+549+503+578+470; -1099/4329 = -25.39%
    ("Increase reporting of domestic", 3230, 4329, -1099, "-25.4", "worse"),
    # quarters: 518+526; 542+539; -37/1081 = -3.42%
    ("Increase referrals", 1044, 1081, -37, "-3.4", "worse"),
    # 367/6803 = 5.39%
    ("Reduce rate of anti-social", 7170, 6803, 367, "5.4", "worse"),
    # 17+25+32+54+37+45+42+35; 30+25+26+17+36+25+22+38; 68/219 = 31.05%
    ("Police recorded hate crime", 287, 219, 68, "31.1", "better"),
]


@pytest.mark.parametrize(("name", "figure", "last", "diff", "pct", "word"), HEADLINES)
def test_example_headlines_match_hand_computed(example, name, figure, last, diff, pct, word):
    h = perf.headline(by_name(example, name))
    assert (h.figure, h.last_year, h.change) == (D(figure), D(last), D(diff))
    assert h.percent == D(pct)
    assert h.word == word


def test_target_only_indicators_are_judged_against_target(example):
    ist = perf.headline(by_name(example, "Increase reporting of Level Two"))
    # 41+61+60+67+34+51+47 = 361 against the cumulative target 55+53+54+52+54+53+54 = 375
    assert (ist.figure, ist.against_target, ist.word) == (D(361), D(-14), "worse")
    assert ist.change is None
    rate = perf.headline(by_name(example, "Level Two Indicator"))
    # a percentage does not add up: the latest month (September, 90%, typed as 0.9 formatted 0%)
    assert (rate.period, rate.figure, rate.against_target, rate.word) == (
        5,
        D(90),
        D(0),
        "on target",
    )


def test_change_is_blank_where_this_year_has_no_figure(example):
    """Seed 004's hand-made table repeated last year's figures in December to March; not here."""
    rows = {
        r["label"]: r["cells"]
        for r in perf.table_rows(by_name(example, "Reduce violence"), example.year)
    }
    assert rows["Change on last year"] == [
        "-17",
        "+7",
        "+25",
        "+31",
        "+18",
        "+14",
        "+6",
        "+11",
        "",
        "",
        "",
        "",
    ]
    assert rows["Cumulative 2016/17"] == [
        "134",
        "307",
        "492",
        "700",
        "858",
        "1,035",
        "1,227",
        "1,375",
        "",
        "",
        "",
        "",
    ]
    # -17/151 = -11.26%, 7/166 = 4.22%
    assert rows["Change %"][:2] == ["-11.3", "+4.2"]
    assert rows["Change %"][8:] == ["", "", "", ""]
    assert rows["Cumulative 2015/16"][-1] == "1,846"  # the whole of last year


def test_alt_text_states_the_trend(example):
    text = perf.trend_text(by_name(example, "Overall crime"), example.year)
    assert (
        "April to November 2016: 12,586 crimes this year against 12,016 last year, "
        "4.7% higher (worse)" in text
    )
    text = perf.trend_text(by_name(example, "Increase reporting of Level Two"), example.year)
    assert "April to October 2016: 361 incidents this year; 14 below target to date." in text


# --- derivations: properties ---------------------------------------------------------------------

figures = st.lists(st.one_of(st.none(), st.integers(-10_000, 10_000).map(Decimal)), max_size=12)
filled = st.lists(st.integers(0, 10_000).map(Decimal), max_size=12)


@given(filled, st.integers(0, 12))
def test_cumulative_of_a_prefix_is_a_prefix_of_the_cumulative(values, n):
    assert perf.cumulative(values[:n]) == perf.cumulative(values)[:n]


@given(filled)
def test_cumulative_ends_at_the_sum(values):
    cum = perf.cumulative(values)
    assert cum[-1:] == ((sum(values, Decimal(0)),) if values else ())
    assert all(b - a == v for a, b, v in zip(cum, cum[1:], values[1:], strict=False))


@given(st.data())
def test_change_is_blank_exactly_where_a_figure_is_blank(data):
    this = data.draw(figures)
    last = data.draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, 99).map(Decimal)),
            min_size=len(this),
            max_size=len(this),
        )
    )
    diff = perf.change(this, last)
    for t, lt, c in zip(this, last, diff, strict=True):
        assert (c is None) == (t is None or lt is None)
        if c is not None:
            assert c + lt == t
    for adds_up in (True, False):
        gap = perf.against_target(this, last, adds_up)
        assert all(g is None for t, g in zip(this, gap, strict=True) if t is None)


@given(st.integers(-1000, 1000))
def test_direction_word_flips_with_the_direction_of_good(n):
    up = perf.direction_word(Decimal(n), perf.Direction.UP)
    down = perf.direction_word(Decimal(n), perf.Direction.DOWN)
    if n == 0:
        assert up == down == "no change"
    else:
        assert {up, down} == {"better", "worse"}
        assert (up == "better") == (n > 0)


@pytest.mark.parametrize(
    ("this", "last", "expected"),
    [
        (110, 100, "10.0"),
        (90, 100, "-10.0"),
        (1, 3, "-66.7"),
        (2, 3, "-33.3"),
        (5, 0, None),
        (-9, -20, None),  # a net figure: a rise of 11 is no "-55%"
        (3, -2, None),
    ],
)
def test_percent_change_by_hand(this, last, expected):
    got = perf.percent_change(Decimal(this), Decimal(last))
    assert got == (None if expected is None else Decimal(expected))


# --- located errors and warnings -----------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_cell(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [
            ("Crime", "crimes", "down"),
            ("ASB", "incidents", "sideways"),  # C3: unknown direction
            ("Crime", "crimes", "down"),  # A4: listed twice
            ("Hate crime", "crimes", "up"),
        ],
        [
            ("Crime", "2016/17", 10, "ten", 30),  # D2: not a number
            ("Hate crime", "2016/17", 1, None, 3),  # D3: a gap before June
            ("Burglary", "2016/17", 5),  # A4: not on the Indicators sheet
            ("Hate crime", "2017/18", 1),  # B5: neither this year nor last
            ("ASB", "2016/17", 1),  # its indicator row is wrong: not also 'no indicator ASB'
        ],
    )
    with pytest.raises(PackError) as info:
        load(path)
    got = messages(info.value)
    assert all("\n" not in m for m in got)
    wanted = {
        "sheet Indicators, cell C3": "direction of good of 'ASB' is 'sideways'",
        "sheet Indicators, cell A4": "listed twice (first in cell A2)",
        "sheet Monthly figures, cell D2": "expected a number such as 1,234 or 88%, got 'ten'",
        "sheet Monthly figures, cell D3": "this year's figure for May is blank",
        "sheet Monthly figures, cell A4": "no indicator 'Burglary' on the Indicators sheet",
        "sheet Monthly figures, cell B5": "write 2016/17 (this year), 2015/16 (last year)",
    }
    assert len(got) == len(wanted), got  # each problem once: 'ten' is not also reported as a gap
    for where, what in wanted.items():
        assert any(where in m and what in m for m in got), (where, what, got)
    assert all(str(path.name) in m for m in got)


def test_a_typed_cumulative_that_disagrees_is_located(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [("Crime", "crimes", "down")],
        [
            ("Crime", "2016/17", 158, 180, 148),
            ("Crime", "Cumulative", 158, 338, 490, 600),  # E3 wrong (486), F3 has no July figure
        ],
    )
    with pytest.raises(PackError) as info:
        load(path)
    got = messages(info.value)
    assert len(got) == 2
    assert (
        "sheet Monthly figures, cell E3: the cumulative for Jun is 490 but this year's figures "
        "for Apr to Jun add up to 486" in got[0]
    )
    assert "cell F3" in got[1] and "this year has no figure for Apr to Jul" in got[1]


def test_a_typed_cumulative_that_agrees_is_accepted_and_not_used(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [("Crime", "crimes", "down")],
        [("Crime", "2016/17", 158, 180), ("Crime", "Cumulative", 158, 338)],
    )
    report, warnings = load(path)
    assert warnings == []
    assert perf.headline(report.indicators[0]).figure == D(338)


def test_last_years_missing_figure_is_a_located_warning(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [("Crime", "crimes", "down")],
        [("Crime", "2016/17", 10, 20, 30), ("Crime", "2015/16", 12, None, 28, 40)],
    )
    report, warnings = load(path)
    assert len(warnings) == 1
    assert "sheet Monthly figures, cell D3" in warnings[0] and "none last year" in warnings[0]
    rows = {r["label"]: r["cells"] for r in perf.table_rows(report.indicators[0], report.year)}
    assert rows["Change on last year"][:4] == ["-2", "", "+2", ""]
    # the year to date cannot be compared when a month of last year is missing
    assert perf.headline(report.indicators[0]).change is None


def test_target_in_two_places_and_cumulative_of_a_rate_are_errors(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [("Crime", "crimes", "down", 100), ("Satisfaction", "%", "up")],
        [
            ("Crime", "2016/17", 90),
            ("Crime", "Target", 100),
            ("Satisfaction", "2016/17", "88%"),
            ("Satisfaction", "Cumulative", "88%"),
        ],
    )
    with pytest.raises(ErrorList) as info:
        load(path)
    got = messages(info.value)
    assert any("cell B3" in m and "cell D2" in m and "delete one of them" in m for m in got)
    assert any("cell B5" in m and "does not add up" in m for m in got)


def test_quarterly_and_monthly_rows_and_figures_of_every_shape(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [("Referrals", "referrals", "up"), ("Satisfaction", "%", "higher is better", "90%")],
        [("Satisfaction", "this year", "88%", 0.9, "n/a")],
        quarterly=[
            ("Referrals", "2016-17", "518", "1,044"),
            ("Referrals", "last year", 542, 539, 555, 539),
        ],
    )
    wb = sheets.Workbook(path)
    report, _ = perf.load_report(wb)
    referrals, satisfaction = report.indicators
    assert perf.values(referrals.this_year) == (D(518), D(1044), None, None)
    assert referrals.frequency is perf.Frequency.QUARTERLY
    # 0.9 in a cell not formatted as % is 0.9; "88%" typed is 88
    assert perf.values(satisfaction.this_year)[:3] == (D(88), D("0.9"), None)
    assert perf.values(satisfaction.target) == (D(90),) * 12


def test_excel_percent_cells_read_as_they_show(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [("Satisfaction", "%", "up")],
        [("Satisfaction", "2016/17", 0.885, 0.9)],
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for c in ("C2", "D2"):
        wb["Monthly figures"][c].number_format = "0.0%"
    wb.save(path)
    report, _ = load(path)
    assert perf.values(report.indicators[0].this_year)[:2] == (D("88.5"), D(90))


def test_a_percentage_for_a_count_is_refused(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx", [("Crime", "crimes", "down")], [("Crime", "2016/17", "5%")]
    )
    with pytest.raises(
        InputError, match=r"cell C2: '5%' is a percentage but the indicator's unit is not %"
    ):
        load(path)


@pytest.mark.parametrize("figure", [1.7e308, -1e15, "1,000,000,000,000,000"])
def test_a_figure_too_large_to_be_one_is_located(tmp_path, figure):
    # Excel stores numbers up to 1.8E+308: the sums and percentages overflowed without a cell
    path = workbook(
        tmp_path / "perf.xlsx", [("Crime", "crimes", "down")], [("Crime", "2016/17", figure)]
    )
    with pytest.raises(InputError, match=r"cell C2: this figure is too large"):
        load(path)


def test_header_must_name_the_months_in_order(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx", [("Crime", "crimes", "down")], [("Crime", "2016/17", 1)]
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Monthly figures"]["D1"] = "Total"
    wb.save(path)
    with pytest.raises(InputError, match=r"cell D1: the heading 'Total' is not a period"):
        load(path)


@pytest.mark.parametrize(
    ("text", "start"),
    [("2016/17", 2016), ("2016-17", 2016), ("2016/2017", 2016), ("1999/00", 1999)],
)
def test_financial_years(text, start):
    assert perf.parse_year(text) == perf.Year(start)


@pytest.mark.parametrize("text", ["2016/18", "2016", "16/17", "2016/2018"])
def test_not_financial_years(text):
    assert perf.parse_year(text) is None


# --- charts: readable in black and white ---------------------------------------------------------


def test_series_differ_by_line_style_and_marker_not_colour_alone():
    assert charts.THIS_YEAR.linestyle != charts.LAST_YEAR.linestyle != charts.TARGET.linestyle
    assert charts.THIS_YEAR.linestyle != charts.TARGET.linestyle
    assert charts.THIS_YEAR.marker != charts.LAST_YEAR.marker
    assert charts.THIS_YEAR.filled != charts.LAST_YEAR.filled


def _binary(png: bytes) -> Image.Image:
    """The chart as a black and white photocopy would print it (no greys at all)."""
    grey = Image.open(io.BytesIO(png)).convert("L")
    return grey.point(lambda v: 0 if v < 160 else 255, mode="1")


def _ink(image: Image.Image) -> int:
    return image.convert("L").histogram()[0]


def test_this_year_and_last_year_stay_distinguishable_in_black_and_white():
    """The same figures drawn as this year and as last year must still look different once every
    grey prints black or white: line style and markers carry the difference, not colour."""
    values = [float(v) for v in VWI_LAST]
    empty = _ink(_binary(charts.draw(MONTHS, [(charts.THIS_YEAR, "A", [None] * 12)])))
    as_this = _binary(charts.draw(MONTHS, [(charts.THIS_YEAR, "A", values)]))
    as_last = _binary(charts.draw(MONTHS, [(charts.LAST_YEAR, "A", values)]))
    this_ink, last_ink = _ink(as_this) - empty, _ink(as_last) - empty
    assert last_ink > 0.3 * this_ink  # the grey dashed line survives a photocopy
    differing = ImageChops.logical_xor(as_this, as_last).convert("L").histogram()[255]
    # identical styles would differ nowhere; here most of the thinner line differs
    assert differing > 0.5 * min(this_ink, last_ink), (differing, this_ink, last_ink)


def test_chart_is_a_png_without_colour_and_the_same_every_time():
    png = charts.line_chart(
        MONTHS, [float(v) for v in VWI_THIS], [float(v) for v in VWI_LAST], [150.0] * 12
    )
    assert png == charts.line_chart(
        MONTHS, [float(v) for v in VWI_THIS], [float(v) for v in VWI_LAST], [150.0] * 12
    )
    image = Image.open(io.BytesIO(png)).convert("RGB")
    r, g, b = image.split()  # greys only: nothing relies on colour
    assert ImageChops.difference(r, g).getbbox() is None
    assert ImageChops.difference(g, b).getbbox() is None


# --- rendering: pictures with alt text, literal text ---------------------------------------------


def test_rendered_report_has_charts_with_alt_text_and_literal_text(tmp_path):
    path = workbook(
        tmp_path / "perf.xlsx",
        [
            (
                "Crime & disorder <all> {{ x }}",
                "crimes",
                "down",
                None,
                None,
                "Police & partners {% if %}",
            )
        ],
        [
            ("Crime & disorder <all> {{ x }}", "2016/17", 10, 20),
            ("Crime & disorder <all> {{ x }}", "2015/16", 12, 18),
        ],
    )
    paper = load_data_paper(path, Source(path), tmp_path)
    out = render(find_template("performance-report", tmp_path), paper.data, tmp_path / "out.docx")
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("word/document.xml").decode()
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
    assert len(media) == 1
    (descr,) = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
    assert "Line chart of Crime &amp; disorder &lt;all&gt; {{ x }}" in descr
    assert "April to May 2016: 30 crimes this year against 30 last year, no change." in descr
    assert "Police &amp; partners {% if %}" in xml
    assert "<w:tblHeader" in xml  # real header rows


# --- end to end: LibreOffice, the PDF read back ---------------------------------------------------


@pytest.mark.libreoffice
def test_pack_carries_the_summary_and_tables(tmp_path: Path, libreoffice: LibreOffice) -> None:
    folder = tmp_path / "2020-03-05-board"
    make_meeting(folder, [{"title": "Performance update", "papers": ["perf.xlsx"]}])
    workbook(
        folder / "perf.xlsx",
        [("Recorded crime", "crimes", "down"), ("Referrals", "referrals", "up")],
        [
            ("Recorded crime", "2016/17", 1335, 1576, 1611),
            ("Recorded crime", "2015/16", *[1652, 1684, 1407, 1469]),
        ],
        quarterly=[
            ("Referrals", "2016/17", 518, 526),
            ("Referrals", "2015/16", 542, 539, 555, 539),
        ],
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    reader = PdfReader(result.packs[0].path)
    pages = [p.extract_text() for p in reader.pages]
    summary = next(i for i, t in enumerate(pages) if "Summary" in t)
    text = " ".join(pages[summary].split())
    # 1335+1576+1611 = 4522 against 1652+1684+1407 = 4743: -221, -4.7% (221/4743 = 4.66%);
    # less is better
    assert re.search(r"Recorded crime April to June 2016 4,522 4,743 -221 -4\.7% better", text), (
        text
    )
    # 518+526 = 1044 against 542+539 = 1081: -37, -3.4%; more is better
    assert re.search(r"Referrals Q1 to Q2 2016/17 1,044 1,081 -37 -3\.4% worse", text), text
    rest = " ".join(" ".join(pages[summary + 1 :]).split())
    assert "Apr May Jun Jul Aug Sep Oct Nov Dec Jan Feb Mar" in rest
    assert "Cumulative 2016/17 1,335 2,911 4,522" in rest
    assert "Change on last year -317 -108 +204" in rest
    assert "Q1 Q2 Q3 Q4" in rest
    # the summary is a page of its own: the first indicator starts on the next page
    assert "Recorded crime" in pages[summary + 1] and "Summary" not in pages[summary + 1]


@given(figures)
def test_cumulative_is_blank_from_the_first_blank_on(values):
    cum = perf.cumulative(values)
    for i, c in enumerate(cum):
        assert (c is None) == any(v is None for v in values[: i + 1])


def test_pictures_become_images_and_other_values_pass_untouched(tmp_path):
    from docxtpl import DocxTemplate, InlineImage

    from packbuilder.render import Picture, _with_pictures

    doc = DocxTemplate(str(find_template("performance-report", tmp_path)))
    picture = Picture(b"png", 10.0, "alt")
    plain = {"rows": [{"a": 1}], "t": (1, 2)}
    ctx = {"plain": plain, "nested": {"charts": [picture], "t": (picture,)}}
    out = _with_pictures(ctx, doc)
    assert out["plain"] is plain  # nothing rebuilt where there is no picture
    assert isinstance(out["nested"]["charts"][0], InlineImage)
    assert isinstance(out["nested"]["t"], tuple) and isinstance(out["nested"]["t"][0], InlineImage)


@pytest.mark.libreoffice
def test_tagged_pdf_export_gives_each_chart_its_alt_text(tmp_path, libreoffice):
    """LibreOffice's tagged PDF export turns wp:docPr descr into the figure's /Alt, so the
    accessibility work only has to switch tagging on for the charts to be described."""
    import shutil
    import subprocess

    path = workbook(
        tmp_path / "perf.xlsx",
        [("Recorded crime", "crimes", "down")],
        [("Recorded crime", "2016/17", 1335, 1576), ("Recorded crime", "2015/16", 1652, 1684)],
    )
    paper = load_data_paper(path, Source(path), tmp_path)
    docx = render(find_template("performance-report", tmp_path), paper.data, tmp_path / "r.docx")
    soffice = shutil.which("soffice")
    assert soffice
    tagged = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            tagged,
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    reader = PdfReader(tmp_path / "r.pdf")
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    # 1335+1576 = 2911 against 1652+1684 = 3336: 425 fewer, 12.7% lower (425/3336 = 12.74%)
    assert alts == [
        "Line chart of Recorded crime, monthly figures for 2016/17 against last year. April to "
        "May 2016: 2,911 crimes this year against 3,336 last year, 12.7% lower (better)."
    ]


def test_a_figure_typed_once_across_merged_cells_is_refused_naming_them(tmp_path: Path) -> None:
    """A target typed once across the year's merged cells was read for April only (the other
    months blank), and the cumulative target with it: merged figure cells are refused."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None)],
        [
            ("Crime", "2016/17", 1, 2, 3),
            ("Crime", "2015/16", *range(1, 13)),
            ("Crime", "Target", 50),
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb["Monthly figures"].merge_cells("C4:N4")
    wb.save(path)
    with pytest.raises(InputError) as caught:
        load(path)
    assert "sheet Monthly figures, cell D4: cells C4:N4 are merged; unmerge them" in str(
        caught.value
    )


def test_the_value_axis_labels_small_figures_with_the_decimals_they_need() -> None:
    """A rate of 1.1 to 1.7 has ticks half a unit apart: whole numbers labelled them 0, 0, 1, 2,
    and the point at 1.6 sat above the line marked 2. The labels now tell every tick apart and
    say its value; counts keep whole numbers."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import ticker

    def labels(low: float, high: float, unit: str = "") -> list[str]:
        ticks = ticker.AutoLocator().tick_values(low, high)
        label = charts.tick_label(ticks, unit)
        return [label(v) for v in ticks]

    ticks = ticker.AutoLocator().tick_values(0, 1.7 * 1.08)
    rate = labels(0, 1.7 * 1.08)
    assert len(set(rate)) == len(rate)
    assert [float(t) for t in rate] == pytest.approx(list(ticks))  # each says its own value
    assert labels(0, 0.3) == ["0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"]
    assert labels(0, 200) == ["0", "25", "50", "75", "100", "125", "150", "175", "200"]
    assert labels(0, 3000)[-1] == "3,000"
    assert all(t.endswith("%") for t in labels(0, 90, "%"))
    # the chart draws with it: a PNG of a rate, as before
    png = charts.line_chart(MONTHS, [1.2, 1.4, 1.1, 1.6, 1.3], [1.1, 1.7, 1.5])
    assert png.startswith(b"\x89PNG")


def test_a_renamed_figures_sheet_is_named_among_the_sheets_found(tmp_path: Path) -> None:
    """'Monthly figures' renamed 'Monthly': the message lists the sheets there are, as every
    other missing-sheet message does, so that the advisor sees which one to rename."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None)],
        [("Crime", "2016/17", 1, 2, 3), ("Crime", "2015/16", *range(1, 13))],
    )
    wb = openpyxl.load_workbook(path)
    wb["Monthly figures"].title = "Monthly"
    wb.save(path)
    with pytest.raises(PackError) as caught:
        load(path)
    said = "\n".join(messages(caught.value))
    assert "no sheet of figures (sheets: Document, Indicators, Monthly); add a sheet" in said
    assert "or rename yours to one of those" in said


def test_an_indicator_name_merged_down_its_rows_names_each_row(tmp_path: Path) -> None:
    """Analysts merge an indicator's name down over its this year, last year and target rows:
    each row of the merge is that indicator's (figures merged across months stay refused)."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None), ("ASB", "incidents", "down")],
        [
            ("Crime", "2016/17", 1, 2, 3),
            (None, "2015/16", *range(1, 13)),
            (None, "Target", *[5] * 12),
            ("ASB", "2016/17", 7),
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb["Monthly figures"].merge_cells("A2:A4")
    wb.save(path)
    report, _ = load(path)
    crime, asb = report.indicators
    assert perf.values(crime.last_year)[:2] == (D(1), D(2))
    assert perf.values(crime.target) == (D(5),) * 12
    assert perf.values(asb.this_year)[:1] == (D(7),)
    wb["Monthly figures"].merge_cells("B5:C5")
    wb.save(path)
    with pytest.raises(InputError) as caught:
        load(path)
    assert "cell C5: cells B5:C5 are merged; unmerge them and type the value in every cell" in str(
        caught.value
    )


@pytest.mark.parametrize("unit", ["percent", "Per cent", "percentage", "% of calls"])
def test_a_percentage_unit_in_words_is_a_percentage(tmp_path: Path, unit: str) -> None:
    """A unit typed "percent" was taken for a count: its rates were added up into a cumulative
    (88 + 90 = 178) and "88%" typed in its figures was refused."""
    path = workbook(
        tmp_path / "r.xlsx",
        [("Satisfaction", unit, "up", "90%", None, None)],
        [("Satisfaction", "2016/17", "88%", 90), ("Satisfaction", "2015/16", 80, 85)],
    )
    report, _ = load(path)
    (ind,) = report.indicators
    assert ind.percent and not ind.adds_up
    assert perf.values(ind.this_year)[:2] == (D(88), D(90))
    rows = [r["label"] for r in perf.table_rows(ind, report.year)]
    assert not any("Cumulative" in r for r in rows), rows


@pytest.mark.libreoffice
def test_a_summary_longer_than_a_page_starts_under_the_title(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    """Every paragraph of the summary table kept with the next, so a summary of 30 indicators
    (too long for one page) was pushed off the title's page: the title stood alone on page 1,
    the heading "Summary" alone on page 2, the table from page 3."""
    names = [f"Indicator {n:02d} whose long name takes three lines of the table" for n in range(30)]
    path = workbook(
        tmp_path / "perf.xlsx",
        [(n, "crimes", "down") for n in names],
        [row for n in names for row in ((n, "2016/17", 10, 12), (n, "2015/16", 9, 11, 12))],
    )
    paper = load_data_paper(path, Source(path), tmp_path)
    template = find_template(paper.template or "")
    assert template is not None
    docx = render(template, paper.data, tmp_path / "perf.docx")
    (pdf,) = libreoffice.convert([docx], tmp_path / "pdf")
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    first = pages[0]
    assert "Performance report 2016/17" in first and "Summary" in first, first
    assert "Indicator 00 whose" in first, first
    summary = [n for n, text in enumerate(pages) if "Indicator 29 whose" in text]
    assert summary and summary[0] <= 1, "the summary runs on to a second page, not further"
    assert "Direction" in pages[summary[0]]  # its header row repeated


def test_a_percentage_typed_as_a_fraction_among_whole_percentages_is_pointed_out(
    tmp_path: Path,
) -> None:
    """0.88 in a cell formatted as General is 0.88%: read as typed, it was judged 89 points below
    a 90% target without a word. Beside figures of 10% or more it is most likely 88%, formatted
    as a number by mistake: a warning names the cell (a real 0.88% stays as typed)."""
    path = workbook(
        tmp_path / "r.xlsx",
        [("Satisfaction", "%", "up", "90%", None, None)],
        [("Satisfaction", "2016/17", 0.88, 0.9, "91%"), ("Satisfaction", "2015/16", 85)],
    )
    report, warnings = load(path)
    assert perf.values(report.indicators[0].this_year)[:2] == (D("0.88"), D("0.9"))
    (said,) = [w for w in warnings if "fraction" in w]
    assert said.startswith(f"{path}, sheet Monthly figures, cell C2: ")
    assert "0.88 is read as 0.88%" in said and "(and so is D2)" in said
    assert (
        "if it means 88% and 90%, format the cells as percentages in Excel, or type 88 and 90"
        in said
    )
    # small rates, all below 10%, are not questioned
    path = workbook(
        tmp_path / "s.xlsx",
        [("Reoffending", "%", "down")],
        [("Reoffending", "2016/17", 0.8, 1.2, 2.5)],
    )
    assert not [w for w in load(path)[1] if "fraction" in w]


def test_a_title_line_above_the_figures_heading_row_is_skipped(tmp_path: Path) -> None:
    """'Monthly figures 2016/17' typed above the headings (one cell, perhaps merged across the
    sheet) was read as the heading row: "the heading row must be Indicator, Year, then Apr"."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None)],
        [("Crime", "2016/17", 1, 2, 3), ("Crime", "2015/16", *range(1, 13))],
    )
    wb = openpyxl.load_workbook(path)
    for sheet in ("Monthly figures", "Indicators"):
        ws = wb[sheet]
        ws.insert_rows(1, 2)
        ws["A1"] = f"Safer Plymouth: {sheet.lower()} 2016/17"
        ws.merge_cells("A1:N1")
    wb.save(path)
    report, _ = load(path)
    (crime,) = report.indicators
    assert perf.values(crime.this_year)[:3] == (D(1), D(2), D(3))
    assert crime.this_year[0].source.cell == "C4"


def test_a_title_line_with_a_date_at_its_right_is_skipped(tmp_path: Path) -> None:
    """'Monthly figures' with 'as at 30/11/2016' at its right (two cells filled) was read as
    the heading row: "the heading 'Monthly figures 2016/17' is not a period"."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None)],
        [("Crime", "2016/17", 1, 2, 3), ("Crime", "2015/16", *range(1, 13))],
    )
    wb = openpyxl.load_workbook(path)
    for sheet in ("Monthly figures", "Indicators"):
        ws = wb[sheet]
        ws.insert_rows(1)
        ws["A1"], ws["N1"] = f"Safer Plymouth: {sheet.lower()} 2016/17", "as at 30/11/2016"
    wb.save(path)
    (crime,) = load(path)[0].indicators
    assert perf.values(crime.this_year)[:3] == (D(1), D(2), D(3))
    # a row of figures above the headings is not a title line: never skipped, and refused
    ws = wb["Monthly figures"]
    ws["A1"], ws["C1"], ws["N1"] = "Crime", 5, None
    wb.save(path)
    with pytest.raises(PackError, match="sheet Monthly figures, cell "):
        load(path)


def test_a_total_column_after_the_months_is_checked_and_a_notes_column_ignored(
    tmp_path: Path,
) -> None:
    """Analysts end the figures with a Total (or YTD) column and a Notes column: both were
    refused ("the heading 'Total' is not a period"). A total is checked against the row's
    figures, as a typed cumulative is (counts only: a rate's total is its own sum); notes after
    the months are not read, as other columns are not."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None), ("Rate", "%", "up")],
        [
            ("Crime", "2016/17", 1, 2, 3),
            ("Crime", "2015/16", *range(1, 13)),
            ("Rate", "2016/17", 80, 90),
        ],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["Monthly figures"]
    for cell, value in {
        "O1": "Total",
        "P1": "Notes",
        "O2": 6,
        "O3": 78,
        "O4": 85,
        "P2": "prov.",
    }.items():
        ws[cell] = value
    wb.save(path)
    report, warnings = load(path)
    assert [i.name for i in report.indicators] == ["Crime", "Rate"]
    # the notes are not read, and the analyst is told so, as of an agenda column not read
    assert [w for w in warnings if "is not read" in w] == [
        f"{path}, sheet Monthly figures, cell P1: column 'Notes' after the months is not read "
        "(only a Total or YTD column there is, and checked); nothing in it reaches the report: "
        "if it is your own notes, leave it; give targets a row with Year 'Target', and comments "
        "the Indicators sheet's Comment column"
    ]
    ws["O1"], ws["O3"] = "YTD", 77
    wb.save(path)
    with pytest.raises(PackError) as caught:
        load(path)
    assert messages(caught.value) == [
        f"{path}, sheet Monthly figures, cell O3: the total of 'Crime' for 2015/16 is 77 but "
        "its figures add up to 78; correct it, or delete the column (packbuilder works out the "
        "totals)"
    ]


def test_a_target_column_after_the_months_is_pointed_out(tmp_path: Path) -> None:
    """A Target (or Comment) column after the months was refused as 'not a period'; since other
    columns there are allowed it was dropped without a word, the report showing no target."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, None)],
        [("Crime", "2016/17", 1, 2, 3), ("Crime", "2015/16", *range(1, 13))],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["Monthly figures"]
    ws["O1"], ws["O2"], ws["O3"] = "Target", 100, 100
    wb.save(path)
    report, warnings = load(path)
    (said,) = [w for w in warnings if "is not read" in w]
    assert said.startswith(f"{path}, sheet Monthly figures, cell O1: column 'Target' after the ")
    assert "give targets a row with Year 'Target'" in said


@pytest.mark.parametrize(
    ("typed", "direction"),
    [
        ("Up is good", "up"),
        ("Increase is better", "up"),
        ("Higher = better", "up"),
        ("Higher\u2019s better", "up"),
        ("Bigger is better", "up"),
        ("Increase (good)", "up"),
        ("↑ better", "up"),
        ("Lower is worse", "up"),
        ("Smaller is better", "down"),
        ("Down is good", "down"),
        ("Fewer is better", "down"),
        ("Higher is worse", "down"),
        ("LOWER IS BETTER", "down"),
    ],
)
def test_a_direction_of_good_as_analysts_word_it(
    tmp_path: Path, typed: str, direction: str
) -> None:
    """'Up is good' or 'Smaller is better' was refused, and 'Higher is worse' (down) could not be
    said; a word with 'is worse' after it now turns round."""
    path = workbook(tmp_path / "r.xlsx", [("Crime", "crimes", typed)], [("Crime", "2016/17", 5)])
    (ind,) = load(path)[0].indicators
    assert ind.direction is perf.Direction(direction)


@pytest.mark.parametrize("typed", ["Higher is better or worse", "Red", "Up arrow", "better"])
def test_a_direction_of_good_that_is_not_one_is_refused(tmp_path: Path, typed: str) -> None:
    path = workbook(tmp_path / "r.xlsx", [("Crime", "crimes", typed)], [("Crime", "2016/17", 5)])
    with pytest.raises(InputError, match="cell C2: the direction of good of 'Crime' is"):
        load(path)


@pytest.mark.parametrize(
    "headings",
    [
        ("Qtr 1", "Qtr 2", "Qtr 3", "Qtr 4"),
        ("Quarter 1", "Quarter 2", "Quarter 3", "Quarter 4"),
        ("Q1 (Apr-Jun)", "Q2 (Jul-Sep)", "Q3 (Oct-Dec)", "Q4 (Jan-Mar)"),
        ("Apr-Jun", "Jul - Sep", "October to December", "Jan–Mar"),
    ],
)
def test_quarters_headed_as_analysts_head_them(tmp_path: Path, headings: tuple[str, ...]) -> None:
    """'Qtr 1', 'Quarter 1' and 'Apr-Jun' were refused: "the heading 'Qtr 1' is not a period"."""
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx",
        [("Referrals", "referrals", "up")],
        quarterly=[("Referrals", "2016/17", 518, 526)],
    )
    wb = openpyxl.load_workbook(path)
    del wb["Monthly figures"]
    for k, heading in enumerate(headings):
        wb["Quarterly figures"].cell(1, 3 + k).value = heading
    wb.save(path)
    (ind,) = load(path)[0].indicators
    assert perf.values(ind.this_year) == (D(518), D(526), None, None)


def test_a_span_of_months_that_is_not_a_quarter_is_refused(tmp_path: Path) -> None:
    import openpyxl

    path = workbook(
        tmp_path / "r.xlsx", [("R", "referrals", "up")], quarterly=[("R", "2016/17", 5)]
    )
    wb = openpyxl.load_workbook(path)
    del wb["Monthly figures"]
    wb["Quarterly figures"]["C1"] = "May-Jul"
    wb.save(path)
    with pytest.raises(InputError, match="cell C1: the heading 'May-Jul' is not a period"):
        load(path)


@pytest.mark.parametrize("typed", ["n/a", "N/A", "-", "None", None])
def test_a_monitoring_only_indicator_may_say_it_has_no_direction(
    tmp_path: Path, typed: str | None
) -> None:
    """An indicator kept for monitoring only is not judged; its Direction of good typed "n/a" or
    "-" (as "not applicable") was refused, as if a direction were needed."""
    path = workbook(
        tmp_path / "r.xlsx", [("C", "crimes", typed, None, "yes")], [("C", "2016/17", 5, 6)]
    )
    (ind,) = load(path)[0].indicators
    assert ind.direction is None and ind.monitoring_only
    path = workbook(tmp_path / "s.xlsx", [("C", "crimes", "n/a")], [("C", "2016/17", 5, 6)])
    with pytest.raises(InputError, match="the direction of good of 'C' is 'n/a'"):
        load(path)


@pytest.mark.parametrize("typed", ["Target", "Targets", "Target 2016/17", "target for 2016-17"])
def test_a_target_row_may_name_its_year(tmp_path: Path, typed: str) -> None:
    """'Target 2016/17' was refused as a Year ("write 2016/17, 2015/16, Target or Cumulative");
    a target of another year still is."""
    path = workbook(
        tmp_path / "r.xlsx",
        [("C", "crimes", "down")],
        [("C", "2016/17", 5, 6), ("C", typed, *[7] * 12)],
    )
    (ind,) = load(path)[0].indicators
    assert perf.values(ind.target) == (D(7),) * 12
    path = workbook(
        tmp_path / "s.xlsx",
        [("C", "crimes", "down")],
        [("C", "2016/17", 5, 6), ("C", "Target 2015/16", *[7] * 12)],
    )
    with pytest.raises(InputError, match="cell B3: the year is 'Target 2015/16'"):
        load(path)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1\u00a0335", 1335), ("1 335", 1335), ("12\u202f345\u202f678", 12345678), ("\u22125", -5)],
)
def test_figures_pasted_from_a_web_page_or_pdf(tmp_path: Path, typed: str, value: int) -> None:
    """Figures copied from a web page or a PDF carry their thousands grouped with (no-break)
    spaces and a typographic minus: "1 335" was refused ("expected a number such as 1,234")."""
    path = workbook(tmp_path / "r.xlsx", [("C", "crimes", "down")], [("C", "2016/17", typed)])
    (ind,) = load(path)[0].indicators
    assert perf.values(ind.this_year)[0] == D(value)


@pytest.mark.parametrize("typed", ["1 33", "1,335 000", "12 3456", "1  335"])
def test_numbers_grouped_wrongly_are_still_refused(tmp_path: Path, typed: str) -> None:
    path = workbook(tmp_path / "r.xlsx", [("C", "crimes", "down")], [("C", "2016/17", typed)])
    with pytest.raises(InputError, match="cell C2: expected a number such as 1,234"):
        load(path)


def _monthly_figures(path: Path, *rows: list[object]) -> Any:
    """The workbook at `path`, opened, its Monthly figures sheet made again of `rows` (the first
    the headings): save it when done."""
    wb = load_workbook(path)
    del wb["Monthly figures"]
    ws = wb.create_sheet("Monthly figures")
    for row in rows:
        ws.append(row)
    return wb


def test_figures_headings_with_a_colon_are_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "perf.xlsx", [("Crime", "crimes", "down")])
    wb = _monthly_figures(
        path,
        ["Indicator:", "Year :", *[f"{m}:" for m in MONTHS], "Total:"],
        ["Crime", "2016/17", 10, 20, *[None] * 10, 30],
    )
    wb["Document"]["A3"] = "Year:"
    wb.save(path)
    report, warnings = load(path)
    assert perf.values(report.indicators[0].this_year)[:3] == (D(10), D(20), None)
    assert warnings == [w for w in warnings if "not read" not in w]


# --- the officer's RAG rating --------------------------------------------------------------------

RATED_HEADER = ("Indicator", "Unit", "Direction of good", "Target", "RAG")


def rated(path: Path, rag: Any, target: Any = None, header: str = "RAG", **kw: Any) -> Path:
    """One count, less is better: 10 + 20 = 30 this year against 12 + 18 = 30 last year."""
    return workbook(
        path,
        [("Crime", "crimes", "down", target, rag)],
        [("Crime", "2016/17", 10, 20), ("Crime", "2015/16", 12, 18)],
        indicator_header=(*RATED_HEADER[:4], header),
        **kw,
    )


@pytest.mark.parametrize(
    ("typed", "rating", "shown"),
    [
        ("G", perf.Rating.GREEN, "Green"),
        ("green", perf.Rating.GREEN, "Green"),
        (" RED ", perf.Rating.RED, "Red"),
        ("a", perf.Rating.AMBER, "Amber"),
        ("Amber - Green", perf.Rating.AMBER_GREEN, "Amber/Green"),
        ("A/G", perf.Rating.AMBER_GREEN, "Amber/Green"),
        ("R/A", perf.Rating.RED_AMBER, "Red/Amber"),
        ("On track", perf.Rating.GREEN, "On track"),
        ("off-track", perf.Rating.RED, "Off-track"),
        ("at risk", perf.Rating.AMBER, "At risk"),
    ],
)
def test_the_officers_rag_is_read_as_typed(
    tmp_path: Path, typed: str, rating: perf.Rating, shown: str
) -> None:
    """A RAG column was dropped without a word: the report showed only packbuilder's own word."""
    report, _ = load(rated(tmp_path / "r.xlsx", typed))
    (ind,) = report.indicators
    assert ind.rag == perf.Rag(rating, shown, Source(tmp_path / "r.xlsx", "Indicators", "E2"))
    assert perf.context(report)["summary"][0]["rag"] == shown


@pytest.mark.parametrize("header", ["RAG", "Status", "RAG rating", "rag status:", "Rating"])
def test_a_rag_column_however_headed(tmp_path: Path, header: str) -> None:
    report, warnings = load(rated(tmp_path / "r.xlsx", "Amber", header=header))
    assert report.indicators[0].rag is not None and warnings == []


@pytest.mark.parametrize("typed", [None, "", "-", "n/a", "Not rated"])
def test_an_indicator_left_unrated_has_no_rag(tmp_path: Path, typed: Any) -> None:
    report, _ = load(rated(tmp_path / "r.xlsx", typed))
    assert report.indicators[0].rag is None
    assert perf.context(report)["rated"] is False


@pytest.mark.parametrize("typed", ["Gren", "TBC", "Blue", "5"])
def test_a_rag_that_is_no_rating_is_refused_naming_the_cell(tmp_path: Path, typed: Any) -> None:
    with pytest.raises(PackError) as err:
        load(rated(tmp_path / "r.xlsx", typed))
    (message,) = messages(err.value)
    assert message.startswith(f"{tmp_path / 'r.xlsx'}, sheet Indicators, cell E2: the RAG rating")
    assert f"is {typed!r}, which is not a rating" in message and "; type Red, Amber" in message


@pytest.mark.parametrize(
    ("rag", "target", "says"),
    [
        # 30 to date against a target of 24 to date (12 a month), less is better: worse
        ("Green", 12, "is rated Green but its figures are worse than its target "
         "(April to May 2016: 30 against a target of 24 to date; lower is better)"),
        # 30 against a target of 40 to date: better
        ("Red", 20, "is rated Red but its figures are better than its target "
         "(April to May 2016: 30 against a target of 40 to date; lower is better)"),
        ("Off track", 15, "is rated Off track but its figures are on its target"),
    ],
)  # fmt: skip
def test_a_rag_the_figures_contradict_is_a_warning_and_still_printed(
    tmp_path: Path, rag: str, target: float, says: str
) -> None:
    path = rated(tmp_path / "r.xlsx", rag, target)
    report, warnings = load(path)
    (warning,) = warnings
    assert warning.startswith(f"{path}, sheet Indicators, cell E2: 'Crime' {says}"), warning
    assert warning.endswith(
        "the report prints the officer's rating as given: check the rating, or the figures"
    )
    assert perf.context(report)["summary"][0]["rag"] == rag  # never overridden


def test_without_a_target_the_rag_is_set_against_last_year(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, "G")],
        [("Crime", "2016/17", 10, 20), ("Crime", "2015/16", 10, 10)],
        indicator_header=RATED_HEADER,
    )
    (warning,) = load(path)[1]
    assert (
        "'Crime' is rated Green but its figures are worse than last year (April to May 2016: "
        in warning
    )
    assert "30 against 20 last year; lower is better)" in warning


@pytest.mark.parametrize(
    ("rag", "target"),
    [("Green", 20), ("Red", 12), ("Amber", 12), ("Amber", 20), ("A/G", 12), ("Green", None)],
)
def test_a_rag_the_figures_bear_out_or_an_amber_is_not_questioned(
    tmp_path: Path, rag: str, target: Any
) -> None:
    # (no target: 30 against 30 last year, no change, which neither bears out nor contradicts)
    assert load(rated(tmp_path / "r.xlsx", rag, target))[1] == []


def test_a_rag_column_after_the_months_is_read_from_this_years_row(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx", [("Crime", "crimes", "down"), ("ASB", "incidents", "down")]
    )
    wb = _monthly_figures(
        path,
        ["Indicator", "Year", *MONTHS, "RAG"],
        ["Crime", "2016/17", 10, 20, *[None] * 10, "Amber"],
        ["Crime", "2015/16", 12, 18, *[None] * 10, "Red"],  # last year's: not read
        ["ASB", "2016/17", 5, *[None] * 11, "R"],
    )
    wb.save(path)
    report, warnings = load(path)
    assert [i.rag.shown if i.rag else None for i in report.indicators] == ["Amber", "Red"]
    assert report.indicators[0].rag.source.cell == "O2"  # type: ignore[union-attr]
    (warning,) = warnings
    assert warning.startswith(f"{path}, sheet Monthly figures, cell O3: the RAG rating on 'Crime'")
    assert "not read" in warning


def test_a_rag_in_two_places_is_refused(tmp_path: Path) -> None:
    path = rated(tmp_path / "r.xlsx", "Green")
    wb = load_workbook(path)
    ws = wb["Monthly figures"]
    ws["O1"], ws["O2"] = "Status", "Green"
    wb.save(path)
    with pytest.raises(
        InputError,
        match=r"cell O2: 'Crime' has a RAG rating on the Indicators sheet \(cell E2\) and another",
    ):
        load(path)


def test_an_indicators_column_not_read_is_pointed_out(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", "Lead: DS Smith")],
        [("Crime", "2016/17", 10)],
        indicator_header=("Indicator", "Unit", "Direction of good", "Owner"),
    )
    (warning,) = load(path)[1]
    assert warning.startswith(f"{path}, sheet Indicators, cell D1: column 'Owner' is not read")


@pytest.mark.libreoffice
def test_the_officers_rag_reaches_the_pack_in_words(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    folder = tmp_path / "2020-03-05-board"
    make_meeting(folder, [{"title": "Performance update", "papers": ["perf.xlsx"]}])
    path = workbook(
        folder / "perf.xlsx",
        [
            ("Recorded crime", "crimes", "down", None, "G", "Falling & <steady>"),
            ("Referrals", "referrals", "up", None, "Amber/Green", "#N/A"),  # a lookup's
            ("Hate crime", "crimes", "up", None, None, None),
        ],
        [
            ("Recorded crime", "2016/17", 1335, 1576, 1611),
            ("Recorded crime", "2015/16", *[1652, 1684, 1407, 1469]),
            ("Referrals", "2016/17", 518, 526),
            ("Referrals", "2015/16", 542, 539),
            ("Hate crime", "2016/17", 17, 25),
            ("Hate crime", "2015/16", 30, 25),
        ],
        indicator_header=(*RATED_HEADER, "Comment"),
    )
    wb = load_workbook(path)
    wb["Document"].append(["As at", "Nov-16"])  # a month: the reporting period
    wb.save(path)
    result = build(folder, tmp_path / "out", converter=libreoffice)
    pages = [p.extract_text() for p in PdfReader(result.packs[0].path).pages]
    summary = next(i for i, t in enumerate(pages) if "Summary" in t)
    text = " ".join(pages[summary].split())
    assert "Against target Direction RAG" in text, text
    # less is better: 4,522 against 4,743 is better, and the officer says green
    assert re.search(
        r"Recorded crime April to June 2016 4,522 4,743 -221 -4\.7% better Green", text
    )
    assert re.search(
        r"Referrals April to May 2016 1,044 1,081 -37 -3\.4% worse Amber/ ?Green", text
    )
    assert re.search(r"Hate crime April to May 2016 42 55 -13 -23\.6% worse(?! Green| Amber)", text)
    assert "RAG is the officer's own rating" in text
    assert "Figures for 2016/17, as at November 2016." in text
    rest = " ".join(" ".join(pages[summary + 1 :]).split())
    assert "Falling & <steady>" in rest and "#N/A" not in rest
    (na,) = [w for w in result.warnings if "#N/A" in w]
    assert na.startswith(f"{path}, sheet Indicators, cell F3: the cell shows #N/A")
    assert "Crimes: lower is better RAG: Green Apr May" in rest, rest
    assert "Referrals: higher is better RAG: Amber/Green Apr" in rest
    assert "RAG: " not in rest.split("Hate crime", 1)[1]
    assert not [w for w in result.warnings if "rated" in w]  # they agree: nothing to say
    assert path.exists()


# --- spreadsheet errors --------------------------------------------------------------------------


def test_a_lookups_na_in_a_figure_is_refused_never_read(tmp_path: Path) -> None:
    """A figure that is a lookup's #N/A is neither a number nor an empty month: every one is
    named, with what to do, and the other problems of the workbook with them."""
    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down"), ("ASB", "incidents", "down", "#N/A")],
        [
            ("Crime", "2016/17", 10, "#N/A"),
            ("Crime", "2015/16", "#DIV/0!", "ten"),
            ("ASB", "2016/17", 5),
        ],
    )
    with pytest.raises(PackError) as err:
        load(path)
    said = messages(err.value)
    assert (
        f"{path}, sheet Monthly figures, cell D2: the cell shows the spreadsheet error #N/A (a "
        "lookup found nothing), not a figure; fix the formula, or type the figure (leave the "
        "cell empty if there is none yet)" in said
    )
    assert any(
        m.startswith(
            f"{path}, sheet Monthly figures, cell C3: the cell shows the spreadsheet error "
            "#DIV/0! (the formula divides by zero)"
        )
        for m in said
    )
    assert any(
        m.startswith(
            f"{path}, sheet Indicators, cell D3: the cell shows the spreadsheet error #N/A"
        )
        for m in said
    )  # a target
    assert any("cell D3: expected a number" in m for m in said)


def test_a_lookups_na_in_a_comment_or_rating_is_blank_with_a_warning(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, "#N/A", "#N/A")],
        [("Crime", "2016/17", 10, 20)],
        indicator_header=(*INDICATOR_HEADER, "RAG"),
    )
    report, warnings = load(path)
    (ind,) = report.indicators
    assert (ind.comment, ind.rag) == ("", None)
    assert [w.split(": the cell shows #N/A")[0] for w in warnings] == [
        f"{path}, sheet Indicators, cell G2",
        f"{path}, sheet Indicators, cell F2",
    ]


def test_a_broken_formula_in_a_comment_is_refused(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx",
        [("Crime", "crimes", "down", None, None, "#REF!")],
        [("Crime", "2016/17", 10)],
    )
    with pytest.raises(InputError, match="cell F2: the cell shows the spreadsheet error #REF!"):
        load(path)


def test_an_error_in_a_column_not_read_does_not_stop_the_report(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [("Crime", "crimes", "down")])
    wb = _monthly_figures(
        path,
        ["Indicator", "Year", *MONTHS, "Notes"],
        ["Crime", "2016/17", 10, 20, *[None] * 10, "#N/A"],
    )
    wb.save(path)
    report, warnings = load(path)
    assert perf.values(report.indicators[0].this_year)[:2] == (D(10), D(20))
    assert [w for w in warnings if "column 'Notes'" in w]  # (the column is said not to be read)


# --- a month where a date is expected ------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_at", "fmt", "printed"),
    [
        ("November 2016", None, "November 2016"),
        ("Nov-16", None, "November 2016"),
        (dt.datetime(2016, 11, 1), "mmm-yy", "November 2016"),
        (dt.datetime(2016, 11, 30), "dd/mm/yyyy", "30 November 2016"),
        ("30/11/2016", None, "30 November 2016"),
    ],
)
def test_figures_as_at_a_month(tmp_path: Path, as_at: Any, fmt: str | None, printed: str) -> None:
    """'As at: November 2016' is a reporting period: it was refused ("expected the date the
    figures are as at such as 05/03/2020"), or a date cell showing Nov-16 printed as 1 November."""
    path = workbook(tmp_path / "r.xlsx", [("Crime", "crimes", "down")], [("Crime", "2016/17", 1)])
    wb = load_workbook(path)
    wb["Document"].append(["As at", as_at])
    if fmt:
        wb["Document"]["B4"].number_format = fmt
    wb.save(path)
    report, _ = load(path)
    assert perf.context(report)["as_at"] == printed


def test_a_month_headed_with_another_year_is_pointed_out(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", [("Crime", "crimes", "down")])
    wb = load_workbook(path)
    del wb["Monthly figures"]
    ws = wb.create_sheet("Monthly figures")
    headings = [f"{m}-{15 if i < 9 else 16}" for i, m in enumerate(MONTHS)]  # last year's sheet
    headings[1] = "May-16"  # (this year's: not said)
    ws.append(["Indicator", "Year", *headings])
    ws.append(["Crime", "2016/17", 10, 20])
    wb.save(path)
    report, warnings = load(path)
    assert perf.values(report.indicators[0].this_year)[:2] == (D(10), D(20))
    said = [w for w in warnings if "the heading" in w]
    assert len(said) == 11
    assert said[0] == (
        f"{path}, sheet Monthly figures, cell C1: the heading 'Apr-15' is April 2015, but April "
        "of 2016/17 is in 2016; its column is read as April of the year each row's Year cell "
        "names: correct the heading, or check that the sheet is this year's"
    )
    assert not [w for w in said if "'May-16'" in w]


@pytest.mark.libreoffice
def test_each_table_keeps_its_chart_without_a_comment(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    """With no comment under them, every indicator's heading, table and chart kept with the
    next indicator's, and LibreOffice, unable to keep the chain on one page, printed a table
    at the foot of one page and its chart at the top of the next."""
    folder = tmp_path / "2020-03-05-board"
    make_meeting(folder, [{"title": "Performance update", "papers": ["perf.xlsx"]}])
    names = ["Recorded crime", "Referrals", "Hate crime", "Anti-social behaviour", "Burglary"]
    workbook(
        folder / "perf.xlsx",
        [(n, "crimes", "down") for n in names],
        [r for n in names for r in ((n, "2016/17", 90, 95, 99), (n, "2015/16", 80, 85, 88))],
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    reader = PdfReader(result.packs[0].path)
    tables = charts = 0
    for page in reader.pages:
        text = page.extract_text()
        on_page = text.count("Cumulative 2016/17")
        drawn = _pictures_drawn(page)
        assert drawn == on_page, text  # each table's chart on the table's page
        tables, charts = tables + on_page, charts + drawn
    assert tables == charts == 5


def _pictures_drawn(page: Any) -> int:
    """How many pictures the page draws (its content's Do of an image): LibreOffice gives its
    pages one resource dictionary, holding every picture of the document."""
    xobjects = page["/Resources"].get("/XObject", {})
    images = {n[1:] for n, x in xobjects.items() if x.get_object().get("/Subtype") == "/Image"}
    drawn = re.findall(rb"/([^\s/]+)\s+Do\b", page.get_contents().get_data())
    return sum(name.decode() in images for name in drawn)


def test_a_rag_given_by_colour_alone_is_pointed_out(tmp_path: Path) -> None:
    """A RAG cell shaded green with no word in it was read as not rated, without a word: the
    report prints words, which a printout in black and white and a screen reader keep."""
    from openpyxl.styles import PatternFill

    path = rated(tmp_path / "r.xlsx", None)
    wb = load_workbook(path)
    wb["Indicators"]["E2"].fill = PatternFill("solid", fgColor="00B050")
    wb["Indicators"]["E1"].fill = PatternFill("solid", fgColor="D9D9D9")  # a heading's shade
    wb.save(path)
    report, warnings = load(path)
    assert report.indicators[0].rag is None
    (warning,) = warnings
    assert warning.startswith(
        f"{path}, sheet Indicators, cell E2: the RAG cell of 'Crime' is coloured but holds no word"
    )
    white = rated(tmp_path / "w.xlsx", None)
    wb = load_workbook(white)
    wb["Indicators"]["E2"].fill = PatternFill("solid", fgColor="FFFFFF")
    wb.save(white)
    assert load(white)[1] == []


def test_a_lookups_na_on_the_document_sheet_is_judged_as_elsewhere(tmp_path: Path) -> None:
    """The Document sheet was read before the report's own reader, and refused whole for a #N/A
    in its Introduction; Kind, which says what the workbook is, must still be readable."""
    path = workbook(tmp_path / "r.xlsx", [("Crime", "crimes", "down")], [("Crime", "2016/17", 1)])
    wb = load_workbook(path)
    wb["Document"].append(["Introduction", "#N/A"])
    wb["Document"].append(["Title", "#N/A"])
    wb.save(path)
    paper = load_data_paper(path, Source(path), tmp_path)
    assert paper.title == "Performance report 2016/17"
    assert [w.split(": the cell shows")[0] for w in paper.warnings] == [
        f"{path}, sheet Document, cell B5",
        f"{path}, sheet Document, cell B4",
    ]
    wb["Document"]["B2"] = "#N/A"  # the Kind
    wb.save(path)
    with pytest.raises(InputError, match="cell B2: the cell shows the spreadsheet error #N/A"):
        load_data_paper(path, Source(path), tmp_path)
