"""Generate the example performance report workbook, with the figures of seed 004's item 8.

Writes inputs/2020-03-05-safer-plymouth/performance-report-2016-17.xlsx: "Safer Plymouth
Performance Report 2017", figures for April to November 2016 against 2015/16, as the analyst
would keep them. The seed's "change" row for violence with injury repeats last year's figures for
December to March; here nothing is typed but the figures, so the report cannot make that mistake.
The serious acquisitive crime figures keep the analyst's typed cumulative row, which the build
checks against the monthly figures. The "ist" incidents target is the seed's cumulative target
(55, 108, 162 ... 640) typed month by month.

Run: .venv/bin/python tools/make_performance_example.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

MEETING = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"
OUT = MEETING / "performance-report-2016-17.xlsx"
THIS, LAST = "2016/17", "2015/16"

# name, unit, direction of good, target, monitoring only, comment
INDICATORS = [
    (
        "Overall crime",
        "crimes",
        "down",
        None,
        None,
        "Between April and the end of November the number of crimes recorded has increased by "
        "570, a 5% increase.",
    ),
    (
        "Reduce serious acquisitive crime",
        "crimes",
        "down",
        None,
        "yes",
        "Serious acquisitive crime continues to reduce and remains low. Between April and the end "
        "of November there have been 1,149 serious acquisitive crimes recorded, a reduction of 74 "
        "on the same period last year. This equates to a 6% reduction.",
    ),
    (
        "Reduce violence with injury - excluding domestic abuse",
        "crimes",
        "down",
        None,
        None,
        "Violence with injury (excluding domestic abuse) has increased this year. Between April "
        "and the end of November there have been 1,375 crimes recorded, an increase of 95 compared "
        "to the same period in 2015/16: a 7% increase.",
    ),
    (
        "Increase reporting of domestic violence (crimes & incidents)",
        "crimes and incidents",
        "up",
        None,
        None,
        "Domestic abuse reduced in 2015/16 and to date in 2016/17 has continued to do so. The "
        "overall reduction is attributable to the decrease in non-crime domestic incidents.",
    ),
    (
        "Increase referrals to domestic abuse services",
        "referrals",
        "up",
        None,
        None,
        "Referrals to the PDAS service are moving in line with overall numbers of domestic abuse. "
        "Over the first two quarters of 2016/17 there have been 1,044 referrals, 37 fewer than "
        "over the same period in 2015/16: a 3% reduction.",
    ),
    (
        "Reduce rate of anti-social behaviour incidents",
        "incidents",
        "down",
        None,
        None,
        "Levels of anti-social behaviour remain low, although numbers have increased this year "
        "compared to last. Between April and the end of November there have been 7,170 incidents "
        "recorded, 367 more than in the same period of 2015/16.",
    ),
    (
        'Increase reporting of Level Two Indicator - "ist" incidents',
        "incidents",
        "up",
        None,
        None,
        "The post-Brexit spike in incidents peaked in July and now seems to have subsided. "
        "Reports to the Police & Crime Commissioner were down for August, a historical pattern "
        "possibly due to summer leave. September and October still leave us slightly below "
        "target.",
    ),
    (
        'Level Two Indicator - "ist" incidents: satisfaction rate',
        "%",
        "up",
        90,
        None,
        "Satisfaction rates are based on Police data only after May 2016.",
    ),
    (
        "Police recorded hate crime",
        "crimes",
        "up",
        None,
        None,
        "Recorded hate crime has increased this year; as it is an under-reported crime, any "
        "increase can be viewed as positive. Between April and the end of November 2016 there "
        "have been 287 hate crimes recorded by the Police, 68 more than in the same period of "
        "2015/16: an increase of 31%.",
    ),
]

MONTHLY = [
    ("Overall crime", THIS, [1335, 1576, 1611, 1692, 1637, 1590, 1570, 1575]),
    (
        "Overall crime",
        LAST,
        [1652, 1684, 1407, 1469, 1386, 1467, 1565, 1386, 1427, 1332, 1334, 1498],
    ),
    ("Reduce serious acquisitive crime", THIS, [158, 180, 148, 136, 144, 146, 89, 148]),
    (
        "Reduce serious acquisitive crime",
        LAST,
        [196, 192, 147, 119, 106, 169, 148, 146, 135, 119, 130, 172],
    ),
    ("Reduce serious acquisitive crime", "Cumulative", [158, 338, 486, 622, 766, 912, 1001, 1149]),
    (
        "Reduce violence with injury - excluding domestic abuse",
        THIS,
        [134, 173, 185, 208, 158, 177, 192, 148],
    ),
    (
        "Reduce violence with injury - excluding domestic abuse",
        LAST,
        [151, 166, 160, 177, 140, 163, 186, 137, 146, 119, 131, 170],
    ),
    (
        "Increase reporting of domestic violence (crimes & incidents)",
        THIS,
        [351, 412, 431, 475, 469, 382, 352, 358],
    ),
    (
        "Increase reporting of domestic violence (crimes & incidents)",
        LAST,
        [553, 569, 504, 603, 549, 503, 578, 470, 560, 533, 437, 484],
    ),
    (
        "Reduce rate of anti-social behaviour incidents",
        THIS,
        [853, 967, 965, 955, 899, 887, 896, 748],
    ),
    (
        "Reduce rate of anti-social behaviour incidents",
        LAST,
        [864, 894, 769, 946, 912, 809, 892, 717, 733, 734, 741, 781],
    ),
    (
        'Increase reporting of Level Two Indicator - "ist" incidents',
        THIS,
        [41, 61, 60, 67, 34, 51, 47],
    ),
    (
        'Increase reporting of Level Two Indicator - "ist" incidents',
        "Target",
        [55, 53, 54, 52, 54, 53, 54, 53, 54, 54, 52, 52],
    ),
    (
        'Level Two Indicator - "ist" incidents: satisfaction rate',
        THIS,
        ["100%", "89%", "89%", "86%", "75%", "90%"],
    ),
    ("Police recorded hate crime", THIS, [17, 25, 32, 54, 37, 45, 42, 35]),
    ("Police recorded hate crime", LAST, [30, 25, 26, 17, 36, 25, 22, 38, 21, 20, 53, 32]),
]

QUARTERLY = [
    ("Increase referrals to domestic abuse services", THIS, [518, 526]),
    ("Increase referrals to domestic abuse services", LAST, [542, 539, 555, 539]),
]

MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def _value(figure: int | str) -> int | float:
    return int(figure[:-1]) / 100 if isinstance(figure, str) else figure


def main() -> None:
    wb = Workbook()
    doc = wb.active
    doc.title = "Document"
    for row in (
        ("Field", "Value"),
        ("Kind", "performance-report"),
        ("Title", "Safer Plymouth Performance Report 2017"),
        ("Partnership", "Safer Plymouth"),
        ("Year", THIS),
        ("As at", dt.datetime(2016, 11, 30)),
        (
            "Introduction",
            "Figures for April to November 2016 against the same months of 2015/16. Each "
            "indicator's direction of good says whether a rise is better or worse.",
        ),
    ):
        doc.append(row)
    doc["B6"].number_format = "dd/mm/yyyy"
    doc.column_dimensions["A"].width = 14
    doc.column_dimensions["B"].width = 60

    ind = wb.create_sheet("Indicators")
    ind.append(["Indicator", "Unit", "Direction of good", "Target", "Monitoring only", "Comment"])
    for row in INDICATORS:
        ind.append(list(row))
    for col, width in zip("ABCDEF", (50, 20, 18, 10, 16, 80), strict=True):
        ind.column_dimensions[col].width = width
    for row in ind.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")

    for name, periods, rows in (
        ("Monthly figures", MONTHS, MONTHLY),
        ("Quarterly figures", ["Q1", "Q2", "Q3", "Q4"], QUARTERLY),
    ):
        ws = wb.create_sheet(name)
        ws.append(["Indicator", "Year", *periods])
        for indicator, year, figures in rows:
            ws.append([indicator, year, *(_value(f) for f in figures)])
            for cell, f in zip(ws[ws.max_row][2:], figures, strict=False):
                if isinstance(f, str) and f.endswith("%"):  # as Excel keeps 88%: 0.88, shown 0%
                    cell.number_format = "0%"
        ws.column_dimensions["A"].width = 50
        ws.column_dimensions["B"].width = 11
        ws.freeze_panes = "C2"

    for ws in wb.worksheets:
        for c in ws[1]:
            c.font = Font(bold=True)
    wb.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
