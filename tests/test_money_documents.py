"""Commissioning plans and evaluation returns: workbooks in, checked money and real PDFs out."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from packbuilder import sheets
from packbuilder.build import build
from packbuilder.contexts import template_context
from packbuilder.convert import LibreOffice
from packbuilder.documents import load_data_paper
from packbuilder.errors import ErrorList, InputError, PackError, Source
from packbuilder.kinds import performance as perf
from packbuilder.kinds.money_documents import load_commissioning_plan, load_evaluation_return
from packbuilder.render import render
from packbuilder.templates import find_template
from tests.factory import make_meeting
from tests.test_performance import messages
from tests.test_performance import workbook as perf_workbook

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"
PRIORITIES = [
    (1, "Connecting Communities and Policing"),
    (2, "Preventing and deterring crime"),
    (3, "Protecting people at risk of abuse"),
    (4, "Supporting victims and witnesses and helping them to get justice"),
    (5, "Getting the best out of the police"),
]
PLAN_HEADER = [
    "No.",
    "Title",
    "Outline",
    "Amount allocated",
    "Outcome measures",
    "Priorities",
    "Approved",
]
RETURN_HEADER = ["Title", "Amount allocated", "Actual spend", "Outcomes", "Comments"]
AMOUNT = re.compile(r"£\d{1,3}(?:,\d{3})*(?:\.\d\d)?")


def workbook(
    path: Path,
    kind: str,
    fields: dict[str, Any],
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    priorities: Sequence[tuple[int, str]] = (),
    fields_sheet: str = "",
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Document"
    ws.append(["Field", "Value"])
    ws.append(["Kind", kind])
    fs = wb.create_sheet(fields_sheet or ("Plan" if kind == "commissioning-plan" else "Return"))
    fs.append(["Field", "Value"])
    for k, v in fields.items():
        fs.append([k, v])
    pr = wb.create_sheet("Projects")
    pr.append(list(header))
    for row in rows:
        pr.append(list(row))
    if priorities:
        ps = wb.create_sheet("Priorities")
        ps.append(["No.", "Priority"])
        for p in priorities:
            ps.append(list(p))
    wb.save(path)
    return path


def field_names(fields: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments as field names: over_allocation_intended -> 'Over-allocation intended'."""
    names = {
        "over_allocation_intended": "Over-allocation intended",
        "name_printed": "Name (printed)",
    }
    return {names.get(k, k.replace("_", " ").capitalize()): v for k, v in fields.items()}


def plan(
    path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = PLAN_HEADER, **fields: Any
) -> Path:
    base = {
        "Partnership": "Safer Plymouth",
        "Title": "Spending plan",
        "Year": "2020/21",
        "Status": "draft",
        "Grant total": 400568,
    }
    base.update(field_names(fields))
    return workbook(path, "commissioning-plan", base, header, rows, PRIORITIES)


def project(
    n: int,
    amount: Any,
    title: str | None = None,
    outline: str = "An outline.",
    priorities: Any = "3, 4",
) -> list[Any]:
    return [
        n,
        title or f"Project {n}",
        outline,
        amount,
        "- measure one\n- measure two",
        priorities,
        None,
    ]


def evaluation(path: Path, rows: Sequence[Sequence[Any]], **fields: Any) -> Path:
    base = {
        "Partnership": "Safer Plymouth Partnership",
        "Title": "Final evaluation report",
        "Year": "2018/19",
        "Status": "final",
        "Grant total": 400568,
        "Carry forward": 27678,
        "Carry forward note": "for MARAC co-ordinator & IDVA hours",
    }
    base.update(field_names(fields))
    return workbook(path, "evaluation-return", base, RETURN_HEADER, rows)


def load(path: Path) -> dict[str, Any]:
    wb = sheets.Workbook(path)
    kind = sheets.text(wb.fields("Document").require("Kind"))
    loader = load_commissioning_plan if kind == "commissioning-plan" else load_evaluation_return
    return template_context(loader(wb).data)


def to_pdf(path: Path, converter: LibreOffice, outdir: Path) -> list[str]:
    """Render a data workbook through its template and LibreOffice; the text of every page."""
    paper = load_data_paper(path, Source(path), path.parent)
    template = find_template(paper.template or "")
    assert template is not None
    docx = render(template, paper.data, outdir / f"{path.stem}.docx")
    (pdf,) = converter.convert([docx], outdir / "pdf")
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def read(printed: str) -> Decimal:
    """An amount as printed, read back by hand (not by the parser under test)."""
    assert re.fullmatch(r"£\d{1,3}(,\d{3})*(\.\d\d)?", printed), printed
    return Decimal(printed[1:].replace(",", ""))


def amounts_in(text: str) -> list[Decimal]:
    return [read(m) for m in AMOUNT.findall(text)]


# --- loading and checking ------------------------------------------------------------------------


def test_example_plan_is_seed_000_spending_plan() -> None:
    ctx = load(EXAMPLE / "commissioning-plan-2020-21.xlsx")
    # seed 000, section 6, as printed there; the £23,000 left is the seed's "£23,000 is left"
    allocations = ["£210,000", "£25,000", "£93,575", "£25,000", "£10,000", "£13,993"]
    assert [p["amount"] for p in ctx["projects"]] == allocations
    assert ctx["grant_total"] == "£400,568"
    assert ctx["total_allocated"] == "£377,568"
    assert ctx["remainder_label"] == "Unallocated £23,000"
    assert ctx["draft"] and "DRAFT" in ctx["footer_label"]
    assert ctx["projects"][0]["priorities"] == [
        "3. Protecting people at risk of abuse",
        "4. Supporting victims and witnesses and helping them to get justice",
    ]


def test_example_return_has_the_seed_overspend() -> None:
    ctx = load(EXAMPLE / "evaluation-return-2018-19.xlsx")
    outturns = {p["title"]: p["outturn"] for p in ctx["projects"]}
    assert outturns["ASB/Low level crime/Emerging local issues"] == "Overspent by £440"
    assert outturns["Safer Plymouth infrastructure"] == "Underspent by £440"
    assert ctx["carry_forward"] == "£27,678"


def test_seed_004_variant_contribution_and_total_budget(tmp_path: Path) -> None:
    header = ["Title", "Recommendation", "OPCC contribution", "Total budget"]
    rows = [
        ["Domestic abuse", "Continue to commission", 110000, 501753],
        ["Sexual violence", "Continue to commission", 25000, "£75,000"],
        ["Drugs and alcohol", "Continue to commission", 98500, "£2m"],
    ]
    ctx = load(plan(tmp_path / "p.xlsx", rows, header=header))
    assert ctx["has_total_budget"]
    assert ctx["amount_heading"] == "OPCC contribution"
    assert [p["total_budget"] for p in ctx["projects"]] == ["£501,753", "£75,000", "£2m"]
    assert ctx["projects"][1]["budget_share"] == "33.3%"
    assert ctx["projects"][0]["outline"][0].text == "Continue to commission"


def test_pence_anywhere_means_pence_everywhere(tmp_path: Path) -> None:
    ctx = load(
        plan(tmp_path / "p.xlsx", [project(1, "£100.10"), project(2, 200)], grant_total="300.10")
    )
    assert [p["amount"] for p in ctx["projects"]] == ["£100.10", "£200.00"]
    assert ctx["total_allocated"] == "£300.10" and ctx["remainder_label"] == "Fully allocated"


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        (-440, "negative"),
        ("TBC", "got 'TBC'"),
        ("12.345", "fractions of a penny"),
        (None, "empty cell"),
    ],
)
def test_bad_allocation_names_the_cell(tmp_path: Path, amount: Any, says: str) -> None:
    path = plan(tmp_path / "p.xlsx", [project(1, 1000), project(2, amount)])
    with pytest.raises(InputError) as err:
        load(path)
    assert f"{path.name}, sheet Projects, cell D3" in str(err.value)
    assert says in str(err.value)


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    path = plan(
        tmp_path / "p.xlsx",
        [project(1, "ten"), project(2, 5, priorities="7"), project(3, -1)],
        grant_total="lots",
    )
    with pytest.raises(ErrorList) as err:
        load(path)
    text = str(err.value)
    for where in (
        "sheet Plan, cell B6",
        "sheet Projects, cell D2",
        "sheet Projects, cell F3",
        "sheet Projects, cell D4",
    ):
        assert where in text
    assert "no priority 7" in text


def test_over_allocation_is_an_error_unless_intended(tmp_path: Path) -> None:
    rows = [project(1, 400000), project(2, 1008)]
    with pytest.raises(InputError) as err:
        load(plan(tmp_path / "p.xlsx", rows))
    assert "over-allocated by £440" in str(err.value)
    assert "Over-allocation intended" in str(err.value)
    ctx = load(plan(tmp_path / "q.xlsx", rows, over_allocation_intended="yes"))
    assert ctx["over_allocated"] and ctx["remainder"] == "£440"


def test_carry_forward_counts_towards_what_is_available(tmp_path: Path) -> None:
    ctx = load(
        plan(tmp_path / "p.xlsx", [project(1, 400568), project(2, 27678)], carry_forward="£27,678")
    )
    assert ctx["available"] == "£428,246" and ctx["remainder_label"] == "Fully allocated"
    assert ctx["projects"][1]["share"] == "6.9%"  # of the grant


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("three", "expected priority numbers"),
        ("9", "no priority 9"),
        ("2; 3 and 5", None),
    ],
)
def test_priorities_by_number(tmp_path: Path, cell: str, says: str | None) -> None:
    path = plan(tmp_path / "p.xlsx", [project(1, 100, priorities=cell)])
    if says is None:
        assert [p[:2] for p in load(path)["projects"][0]["priorities"]] == ["2.", "3.", "5."]
        return
    with pytest.raises(InputError) as err:
        load(path)
    assert "sheet Projects, cell F2" in str(err.value) and says in str(err.value)


def test_status_must_be_draft_or_final(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="status must be draft or final"):
        load(plan(tmp_path / "p.xlsx", [project(1, 100)], status="nearly"))
    assert load(plan(tmp_path / "q.xlsx", [project(1, 100)], status="Final"))["draft"] is False


def test_formula_without_saved_value_says_open_and_save(tmp_path: Path) -> None:
    path = plan(tmp_path / "p.xlsx", [project(1, 100), project(2, "=D2*2")])
    with pytest.raises(InputError) as err:
        load(path)
    assert "cell D3" in str(err.value)
    assert "open the workbook in Excel or LibreOffice and save it" in str(err.value)


def test_formula_uses_the_value_the_spreadsheet_saved(tmp_path: Path) -> None:
    path = plan(tmp_path / "p.xlsx", [project(1, 100), project(2, "=D2*2+0.5")])
    # store the formula's result beside it, as saving in Excel or LibreOffice does (openpyxl cannot)
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet3.xml"):  # Projects
                data = data.replace(b"<f>D2*2+0.5</f><v></v>", b"<f>D2*2+0.5</f><v>200.5</v>")
                assert b"<v>200.5</v>" in data
            dst.writestr(item, data)
    ctx = load(saved)
    assert [p["amount"] for p in ctx["projects"]] == ["£100.00", "£200.50"]
    assert ctx["total_allocated"] == "£300.50"


def test_return_needs_actual_spend(tmp_path: Path) -> None:
    path = evaluation(tmp_path / "r.xlsx", [["A", 100, 90, "", ""], ["B", 200, "", "", ""]])
    with pytest.raises(InputError) as err:
        load(path)
    assert "sheet Projects, cell C3" in str(err.value)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.decimals(min_value=0, max_value=Decimal("500000"), places=2), min_size=1, max_size=12
    ),
    st.decimals(min_value=1, max_value=Decimal("9000000"), places=2),
)
def test_generated_plans_add_up(tmp_path: Path, allocations: list[Decimal], grant: Decimal) -> None:
    over = sum(allocations) > grant
    path = plan(
        tmp_path / "h.xlsx",
        [project(i, str(a)) for i, a in enumerate(allocations, 1)],
        grant_total=str(grant),
        over_allocation_intended="yes" if over else "no",
    )
    ctx = load(path)
    printed = [read(p["amount"]) for p in ctx["projects"]]
    assert printed == allocations
    assert read(ctx["total_allocated"]) == sum(allocations, Decimal(0))
    remainder = read(ctx["remainder"])
    assert remainder == abs(grant - sum(printed, Decimal(0)))
    assert ctx["over_allocated"] == over


# --- real documents through LibreOffice ----------------------------------------------------------


@pytest.mark.libreoffice
def test_long_plan_repeats_its_header_on_every_page(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    outline = (
        "This project responds to the strategic assessment. " * 12 + "\n\n"
        "- first activity of the project, described at some length\n"
        "- second activity\n- third activity\n\n" + "It is reviewed quarterly. " * 10
    )
    rows = [project(i, 10000 + i, outline=outline, priorities="1, 2, 3") for i in range(1, 21)]
    pages = to_pdf(plan(tmp_path / "long.xlsx", rows), libreoffice, tmp_path)
    assert len(pages) >= 5
    for n, text in enumerate(pages, start=1):
        if n < len(pages) or "Project 20" in text:
            assert "How the outcomes will be measured" in text, f"page {n} lost the header row"
        assert re.search(rf"Page\s*{n}\s*of\s*{len(pages)}", text), f"page {n} footer"
        assert "SAFER PLYMOUTH DRAFT" in text
    everything = "\n".join(pages)
    for i in range(1, 21):
        assert f"Project {i}\n" in everything or f"Project {i} " in everything
    assert "£200,210" in everything  # 20 x £10,000 + (1 + 2 + ... + 20)


@pytest.mark.libreoffice
def test_plan_pdf_reads_back_its_money(tmp_path: Path, libreoffice: LibreOffice) -> None:
    rows = [
        project(1, 160200, title="Domestic abuse & <refuge> {{ x }}"),
        project(2, 25000),
        project(3, "£98,500"),
    ]
    pages = to_pdf(plan(tmp_path / "p.xlsx", rows, status="final"), libreoffice, tmp_path)
    text = "\n".join(pages)
    assert "Domestic abuse & <refuge> {{ x }}" in text  # spreadsheet text is data
    found = amounts_in(text)
    for a in (160200, 25000, 98500, 283700, 400568, 400568 - 283700):
        assert Decimal(a) in found, a
    assert "Unallocated" in text and "DRAFT" not in text
    assert "Total budget" not in text
    assert "Police & Crime Plan priorities" in text
    for number, name in PRIORITIES:
        assert f"{number}. {name}" in text.replace("\n", " ")
    assert "40%" in text  # £160,200 of £400,568


@pytest.mark.libreoffice
def test_total_budget_column_and_over_allocation_show(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    header = [*PLAN_HEADER, "Total budget"]
    rows = [project(1, 400000) + ["£573,300"], project(2, 1008) + ["£2m"]]
    pages = to_pdf(
        plan(tmp_path / "p.xlsx", rows, header=header, over_allocation_intended="yes"),
        libreoffice,
        tmp_path,
    )
    text = "\n".join(pages)
    assert "Total budget" in text and "£573,300" in text and "£2m" in text
    assert "OVER-ALLOCATED by" in text and "£440" in text


@pytest.mark.libreoffice
def test_return_pdf_prints_outturns_and_signature(tmp_path: Path, libreoffice: LibreOffice) -> None:
    rows = [
        ["PDAS", 160200, 160200, "Supported:\n- 2,067 victims", "Provided by Sanctuary"],
        ["ASB", 5868, 6308, "Operations", "Spent on:\n- £700 rental"],
        ["Prevent", 3000, 1800, "Sessions", ""],
    ]
    pages = to_pdf(
        evaluation(
            tmp_path / "r.xlsx", rows, name_printed="Lucy Gannon", position="Commissioning Manager"
        ),
        libreoffice,
        tmp_path,
    )
    text = "\n".join(pages)
    for phrase in (
        "Spent in full",
        "Overspent by £440",
        "Underspent by £1,200",
        "Lucy Gannon",
        "Name (printed)",
        "Signature",
        "Position",
        "Date",
        "Actual spend",
    ):
        assert phrase in text, phrase
    assert "Underspent by £760" in text  # in total: 440 over, 1,200 under
    cfwd = "(+ carry-forward £27,678 for MARAC co-ordinator & IDVA hours)"
    assert cfwd in text.replace("\n", " ")
    assert re.search(r"Page\s*1\s*of\s*\d", pages[0])


@pytest.mark.libreoffice
def test_example_meeting_builds_with_both_money_papers(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    folder = tmp_path / "meeting"
    folder.mkdir()
    for name in ("commissioning-plan-2020-21.xlsx", "evaluation-return-2018-19.xlsx"):
        shutil.copy(EXAMPLE / name, folder / name)
    make_meeting(
        folder,
        [
            {
                "title": "Commissioning plan 2020/21",
                "papers": ["commissioning-plan-2020-21.xlsx", "evaluation-return-2018-19.xlsx"],
            },
        ],
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    (pack,) = result.packs
    text = "\n".join(p.extract_text() or "" for p in PdfReader(pack.path).pages)
    for phrase in (
        "Grant total: £400,568",
        "Unallocated",
        "£23,000",
        "SAFER PLYMOUTH DRAFT",
        "Overspent by £440",
        "Underspent by £1,200",
        "Agenda Item 1",
    ):
        assert phrase in text, phrase
    assert any("commissioning plan is a draft" in w for w in result.warnings)


def test_unknown_money_problem_is_a_pack_error(tmp_path: Path) -> None:
    # a workbook without the Plan sheet: one clear error naming the file
    path = workbook(
        tmp_path / "p.xlsx",
        "evaluation-return",
        {"Grant total": 1},
        RETURN_HEADER,
        [],
        fields_sheet="Plan",
    )
    with pytest.raises(PackError, match="no sheet named 'Return'"):
        load(path)


def test_a_project_number_used_twice_names_both_cells(tmp_path: Path) -> None:
    path = plan(tmp_path / "p.xlsx", [project(5, 1000), project(6, 2000), project(5, 3000)])
    with pytest.raises(InputError) as err:
        load(path)
    assert (
        f"{path.name}, sheet Projects, cell A4: project number 5 is used twice (first at A2); "
        "give each project its own number"
    ) in str(err.value)


def test_a_total_row_typed_under_the_projects_is_not_a_project(tmp_path: Path) -> None:
    """Finance officers' sheets end with a total: it was counted as a project, so every pound
    was counted twice. A "Total" row without a number is checked against the projects above it
    and left out; one that does not add up is an error naming its cell."""
    rows = [project(1, 1000), project(2, 2000), [None, "Total", None, 3000, None, None, None]]
    loaded = load_commissioning_plan(sheets.Workbook(plan(tmp_path / "p.xlsx", rows)))
    assert [p.title for p in loaded.data.projects] == ["Project 1", "Project 2"]  # type: ignore[attr-defined]
    wrong = [*rows[:2], [None, "TOTAL:", None, 3500, None, None, None]]
    with pytest.raises(InputError) as caught:
        load_commissioning_plan(sheets.Workbook(plan(tmp_path / "q.xlsx", wrong)))
    assert (
        "sheet Projects, cell D4: the total row says £3,500 but the projects above it add up "
        "to £3,000" in str(caught.value)
    )
    # a project numbered and called "Total" is a project
    numbered = [*rows[:2], project(3, 500, title="Total")]
    loaded = load_commissioning_plan(sheets.Workbook(plan(tmp_path / "r.xlsx", numbered)))
    assert len(loaded.data.projects) == 3  # type: ignore[attr-defined]
    # an evaluation return: both columns checked
    ret = [
        ["Project A", 1000, 900.5, "", ""],
        ["Project B", 2000, 2000, "", ""],
        ["Totals", 3000, 2900.5, "", ""],
    ]
    back = load_evaluation_return(sheets.Workbook(evaluation(tmp_path / "e.xlsx", ret)))
    assert [p.title for p in back.data.projects] == ["Project A", "Project B"]  # type: ignore[attr-defined]
    ret[2][2] = 2900
    with pytest.raises(InputError, match=r"cell C4: the total row says £2,900.00 but .* £2,900.50"):
        load_evaluation_return(sheets.Workbook(evaluation(tmp_path / "f.xlsx", ret)))


@pytest.mark.parametrize(
    "title", ["Total allocated", "Total (£)", "Total £", "GRAND TOTAL:", "Total spend", "Totals"]
)
def test_a_total_row_however_worded_is_not_a_project(tmp_path: Path, title: str) -> None:
    """A total row worded as the finance officer words it ("Total allocated", "Total (£)") was
    counted as a project, doubling every pound, and the build then said the plan was
    over-allocated, or the pack printed twice the money."""
    rows = [project(1, 1000), project(2, 2000), [None, title, None, 3000, None, None, None]]
    loaded = load_commissioning_plan(sheets.Workbook(plan(tmp_path / "p.xlsx", rows)))
    assert [p.title for p in loaded.data.projects] == ["Project 1", "Project 2"]  # type: ignore[attr-defined]
    rows[2][3] = 3100
    with pytest.raises(InputError, match=r"cell D4: the total row says £3,100 but .* £3,000"):
        load_commissioning_plan(sheets.Workbook(plan(tmp_path / "q.xlsx", rows)))
    # the total typed in the No. column, the title left empty
    rows[2][:2], rows[2][3] = [title, None], 3000
    loaded = load_commissioning_plan(sheets.Workbook(plan(tmp_path / "r.xlsx", rows)))
    assert len(loaded.data.projects) == 2  # type: ignore[attr-defined]


def test_sub_totals_are_checked_against_their_own_section(tmp_path: Path) -> None:
    """A sub-total adds up the projects since the previous sub-total; it is not a project."""
    sub = [None, "Sub-total", None]
    rows = [
        project(1, 1000),
        project(2, 2000),
        [*sub, 3000, None, None, None],
        project(3, 500),
        [None, "Subtotal:", None, 500, None, None, None],
        [None, "Total", None, 3500, None, None, None],
    ]
    loaded = load_commissioning_plan(sheets.Workbook(plan(tmp_path / "p.xlsx", rows)))
    assert [p.title for p in loaded.data.projects] == ["Project 1", "Project 2", "Project 3"]  # type: ignore[attr-defined]
    assert template_context(loaded.data)["total_allocated"] == "£3,500"
    rows[4][3] = 3500  # the running total, not the section's
    with pytest.raises(
        InputError, match=r"cell D6: the sub-total row says £3,500 but the projects"
    ):
        load_commissioning_plan(sheets.Workbook(plan(tmp_path / "q.xlsx", rows)))
    ret = [
        ["Project A", 1000, 900, "", ""],
        ["Sub-total", 1000, 900, "", ""],
        ["Project B", 2000, 2000, "", ""],
        ["Sub total", 2000, 2000, "", ""],
        ["Total spend", 3000, 2900, "", ""],
    ]
    back = load_evaluation_return(sheets.Workbook(evaluation(tmp_path / "e.xlsx", ret)))
    assert [p.title for p in back.data.projects] == ["Project A", "Project B"]  # type: ignore[attr-defined]


def test_amounts_of_millions_with_pence_stay_on_one_line(tmp_path: Path, libreoffice) -> None:  # type: ignore[no-untyped-def]
    """An amount never breaks inside its cell: "£2,002,200.5" with "0" under it was printed in the
    evaluation return's Total row (the amount columns were too narrow for millions with pence)."""
    ret = [
        ["Project A", 1000, 1440, "", ""],
        ["Project B", 1200.5, 0, "", ""],
        ["Project C", "£2m", 2000000, "", ""],
    ]
    text = "\n".join(
        to_pdf(evaluation(tmp_path / "e.xlsx", ret, grant_total=3_000_000), libreoffice, tmp_path)
    )
    for amount in ("£2,002,200.50", "£2,001,440.00", "£2,000,000.00"):
        assert amount in text, amount
    rows = [project(1, "£2,000,000.50"), project(2, 1_234_567), project(3, 8)]
    text = "\n".join(
        to_pdf(plan(tmp_path / "p.xlsx", rows, grant_total=4_000_000), libreoffice, tmp_path)
    )
    for amount in ("£2,000,000.50", "£1,234,567.00", "£3,234,575.50"):
        assert amount in text, amount


@pytest.mark.parametrize(
    "typed", [None, "", "  ", "-", "\u2013", "n/a", "N/A", "None", "none.", "Nil", "- "]
)
def test_a_return_with_no_notes_prints_no_notes_label(tmp_path: Path, typed: Any) -> None:
    """A Notes cell blank or saying there are none printed a "Notes:" label over a dash (a new
    user's review): nothing is printed."""
    from docx import Document

    path = evaluation(tmp_path / "r.xlsx", [["A", 100, 100, "Done.", "On budget."]], Notes=typed)
    data = load_evaluation_return(sheets.Workbook(path)).data
    assert data.notes == ()
    out = render(find_template("evaluation-return", None), data, tmp_path / "r.docx")
    text = [p.text for p in Document(str(out)).paragraphs]
    assert not [t for t in text if "Notes" in t]


def test_a_return_with_notes_prints_them_under_the_label(tmp_path: Path) -> None:
    from docx import Document

    notes = "- Attach the monitoring data.\n- One case study a project."
    path = evaluation(tmp_path / "r.xlsx", [["A", 100, 100, "Done.", "On budget."]], Notes=notes)
    data = load_evaluation_return(sheets.Workbook(path)).data
    out = render(find_template("evaluation-return", None), data, tmp_path / "r.docx")
    text = [p.text for p in Document(str(out)).paragraphs]
    at = text.index("Notes:")
    assert text[at + 1 : at + 3] == ["Attach the monitoring data.", "One case study a project."]


def _pages_with(pages: list[str], token: str) -> list[int]:
    return [n for n, text in enumerate(pages, start=1) if token in text]


@pytest.mark.libreoffice
def test_a_project_row_is_never_split_across_pages(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    """Each row of a plan or a return is kept on one page (a reader of the printed pack should
    not find the end of a project's outline or comments on the page after its title); only a row
    taller than a whole page breaks, and then none of its text is lost."""
    lines = "\n\n".join(["A paragraph of the outline, a line or so."] * 4)
    rows = [project(i, 1000 + i, outline=f"Start{i}x\n\n{lines}\n\nEnd{i}x") for i in range(1, 41)]
    returned = [
        [f"Start{i}x service", 1000, 1200, "Outcomes.", f"{lines}\n- rent\n- staff End{i}x"]
        for i in range(1, 41)
    ]
    for path in (plan(tmp_path / "plan.xlsx", rows), evaluation(tmp_path / "ret.xlsx", returned)):
        pages = to_pdf(path, libreoffice, tmp_path)
        split = []
        for i in range(1, 41):
            starts, ends = _pages_with(pages, f"Start{i}x"), _pages_with(pages, f"End{i}x")
            assert len(starts) == len(ends) == 1, (path.name, i, starts, ends)
            if starts != ends:
                split.append(f"row {i}: pages {starts[0]} to {ends[0]}")
        assert not split, f"{path.name}: rows split across pages: {split}"


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("style", "size"),
    [("lines", 40), ("lines", 150), ("CAPITALS", 21), ("CAPITALS", 33), ("one", 24), ("one", 30)],
)
def test_a_row_taller_than_a_page_breaks_and_loses_nothing(
    tmp_path: Path, libreoffice: LibreOffice, style: str, size: int
) -> None:
    """A row kept on one page that is taller than the page must still print whole: LibreOffice
    cut off the end of such a row (each of these lost its last lines, in a plan or a return),
    and a row typed in capitals is taller than its count of letters suggests."""
    if style == "lines":
        tall = "\n\n".join(f"Line {k} of a very tall cell." for k in range(1, size))
    elif style == "CAPITALS":
        tall = "\n\n".join(
            f"LINE {k} OF A VERY TALL CELL WRITTEN IN CAPITALS WWW MMM" for k in range(1, size)
        )
    else:  # one long paragraph
        tall = " ".join(f"word{k} of a very tall single paragraph" for k in range(1, size * 8))
    tall += "\n\nTallEndx"
    for path in (
        plan(
            tmp_path / "plan.xlsx", [project(1, 100), project(2, 500, outline=tall), project(3, 1)]
        ),
        evaluation(
            tmp_path / "ret.xlsx",
            [["A", 1, 1, "x", "y"], ["B", 1, 1, tall, "c"], ["C", 1, 1, "x", "y"]],
        ),
    ):
        text = " ".join("\n".join(to_pdf(path, libreoffice, tmp_path)).split())
        assert "TallEndx" in text, f"{path.name}: the end of the tall row is lost"
        if style == "lines":
            lost = [k for k in range(1, size) if f"Line {k} of a very tall cell." not in text]
            assert not lost, f"{path.name}: lines lost: {lost}"


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    "spacing", ['w:line="480" w:lineRule="auto"', 'w:line="560" w:lineRule="exact"']
)
def test_a_row_of_a_template_restyled_with_wider_lines_loses_nothing(
    tmp_path: Path, libreoffice: LibreOffice, spacing: str
) -> None:
    """A council that restyles the plan template with double spacing (or an exact line height)
    makes every row about twice as tall as single spaced: a row whose single-spaced height is
    well under a page, kept on one page, is taller than one, and must still print whole (the
    estimate now counts the spacing, `test_a_rows_estimated_height_follows_its_line_spacing`)."""
    tall = "\n\n".join(f"Line {k} of a cell." for k in range(1, 23)) + "\n\nTallEndx"
    path = plan(tmp_path / "plan.xlsx", [project(1, 100), project(2, 500, outline=tall)])
    packaged = find_template("commissioning-plan")
    assert packaged is not None
    restyled = tmp_path / "restyled.docx"
    with zipfile.ZipFile(packaged) as src, zipfile.ZipFile(restyled, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/styles.xml":
                text = data.decode()
                assert 'w:line="240" w:lineRule="auto"' in text
                data = text.replace('w:line="240" w:lineRule="auto"', spacing).encode()
            dst.writestr(item, data)
    paper = load_data_paper(path, Source(path), path.parent)
    docx_file = render(restyled, paper.data, tmp_path / "restyled-plan.docx")
    (pdf,) = libreoffice.convert([docx_file], tmp_path / "pdf")
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())
    lost = [k for k in range(1, 23) if f"Line {k} of a cell." not in text]
    assert not lost and "TallEndx" in text, f"lines lost: {lost}"


@pytest.mark.parametrize(
    ("spacing", "expected"),
    [
        ("", 1.0),
        ('<w:spacing w:line="360" w:lineRule="auto"/>', 1.5),
        ('<w:spacing w:line="480"/>', 2.0),  # (auto when no rule is given)
        ('<w:spacing w:line="600" w:lineRule="exact"/>', 30 / (10 * 1.15)),
        ('<w:spacing w:line="100" w:lineRule="atLeast"/>', 1.0),
        ('<w:spacing w:line="x"/>', 1.0),
    ],
)
def test_a_rows_estimated_height_follows_its_line_spacing(spacing: str, expected: float) -> None:
    """The estimate that decides whether a row may break (`render._Heights`) counted every line
    single spaced: in a template restyled with 1.5 or double spacing, or an exact line height, a
    row twice its estimate was kept on one page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    from packbuilder.render import _Heights

    styles = parse_xml(f"<w:styles {nsdecls('w')}/>")
    para = parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr>{spacing}</w:pPr><w:r><w:rPr><w:sz w:val="20"/></w:rPr>'
        "<w:t>Short.</w:t></w:r></w:p>"
    )
    height = _Heights(styles, qn).paragraph(para, 400.0)
    assert height == pytest.approx(10 * 1.15 * expected)


def test_headings_as_finance_officers_type_them(tmp_path: Path) -> None:
    """'Amount allocated (£)' and 'Project / Service' were not found ("no column 'Amount
    allocated'"): a currency mark, a colon or an asterisk after a heading, and spaces around a
    slash, do not change which column it is. The heading prints as typed."""
    header = [
        "No.",
        "Project / Service",
        "Outline:",
        "Amount allocated (£)",
        "Outcome measures*",
        "Priorities",
        "Approved",
    ]
    path = plan(tmp_path / "p.xlsx", [project(1, 1000), project(2, 2000)], header=header)
    loaded = load_commissioning_plan(sheets.Workbook(path))
    data = loaded.data
    assert [p.title for p in data.projects] == ["Project 1", "Project 2"]  # type: ignore[attr-defined]
    assert data.projects[0].outline[0].text == "An outline."  # type: ignore[attr-defined]
    assert data.amount_heading == "Amount allocated (£)"  # type: ignore[attr-defined]
    ret = workbook(
        tmp_path / "r.xlsx",
        "evaluation-return",
        {"Grant total": 400568},
        ["Project / service", "Amount allocated £", "Actual spend (£)", "Outcomes", "Comments"],
        [["A", 1000, 900, "", ""]],
    )
    back = load_evaluation_return(sheets.Workbook(ret))
    assert back.data.projects[0].spent.value == 900  # type: ignore[attr-defined]


def test_a_title_row_above_the_heading_row_is_not_the_heading(tmp_path: Path) -> None:
    """Real sheets open with a title ("Spending plan 2020/21", merged across the table) and a
    blank line above the headings: the title was taken for the heading row."""
    import openpyxl

    path = plan(tmp_path / "p.xlsx", [project(1, 1000), project(2, 2000)])
    wb = openpyxl.load_workbook(path)
    ws = wb["Projects"]
    ws.insert_rows(1, 2)
    ws["A1"] = "Community Safety Partnership Fund: spending plan 2020/21"
    ws.merge_cells("A1:G1")
    wb.save(path)
    loaded = load_commissioning_plan(sheets.Workbook(path))
    assert [p.title for p in loaded.data.projects] == ["Project 1", "Project 2"]  # type: ignore[attr-defined]
    assert loaded.data.projects[0].source.cell == "D4"  # type: ignore[attr-defined]
    assert loaded.data.amount_heading == "Amount allocated"  # type: ignore[attr-defined]
    # a title with a date or a word at its right is a title line too: it was taken for the
    # heading row, "no columns 'Title' and 'Amount allocated' in the header row"
    ws.unmerge_cells("A1:G1")
    for right in ("as at 05/03/2020", dt.datetime(2020, 3, 5), "draft"):
        ws["G1"] = right
        wb.save(path)
        loaded = load_commissioning_plan(sheets.Workbook(path))
        assert [p.title for p in loaded.data.projects] == ["Project 1", "Project 2"]  # type: ignore[attr-defined]
    # a first row holding a number (a project typed above the headings) is still the heading
    # row, and wrong: it is never skipped
    ws["A1"], ws["D1"], ws["G1"] = "Project 0", 500, None
    wb.save(path)
    with pytest.raises(InputError, match=r"cell A1: no columns 'Title' and 'Amount allocated'"):
        load_commissioning_plan(sheets.Workbook(path))


def test_a_row_of_text_without_title_or_amount_is_one_error(tmp_path: Path) -> None:
    """Text run on into the row under a project (no number, title or amount: what merged cells
    leave when unmerged) gave three errors, one of them false ("project number 2 is used twice
    (first at A3)"). It is one error now, saying what the row looks like and what to do."""
    rows = [
        project(1, 1000),
        [None, None, "- more of the outline", None, "- a third measure", None, None],
        project(2, 500),
    ]
    with pytest.raises(PackError) as caught:
        load_commissioning_plan(sheets.Workbook(plan(tmp_path / "p.xlsx", rows)))
    said = (
        [str(e) for e in caught.value.errors]
        if isinstance(caught.value, ErrorList)
        else [str(caught.value)]
    )
    assert len(said) == 1, said
    assert "sheet Projects, cell C3: this row has text but no title and no amount" in said[0]
    assert "more of the project above (row 2); move its text" in said[0]
    ret = [
        ["A", 1000, 900, "Outcomes", ""],
        [None, None, None, "- more", None],
        ["B", 1, 1, "", ""],
    ]
    with pytest.raises(InputError, match=r"cell D3: this row has text but no title and no amount"):
        load_evaluation_return(sheets.Workbook(evaluation(tmp_path / "e.xlsx", ret)))


def test_a_total_budget_below_this_grants_share_is_refused(tmp_path: Path) -> None:
    """A service's total budget (every funder's money) below what this grant gives it printed
    "(200% from this grant)"; a total budget of £0 printed nothing at all. Both name the cell."""
    header = [*PLAN_HEADER, "Total budget"]
    rows = [project(1, 100) + [50], project(2, 100) + [0], project(3, 100) + [100]]
    with pytest.raises(ErrorList) as caught:
        load_commissioning_plan(sheets.Workbook(plan(tmp_path / "p.xlsx", rows, header=header)))
    said = [str(e) for e in caught.value.errors]
    assert len(said) == 2, said
    assert (
        "cell H2: the total budget £50 is less than the £100 this grant gives the project"
        in (said[0])
    )
    assert "cell H3: the total budget £0 is less than" in said[1]


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u2009", "\u202f"])
def test_amounts_grouped_with_spaces_read_as_figures_do(tmp_path: Path, space: str) -> None:
    """'1 250 000' was read in a performance report's figures but refused in a plan and a
    return ("expected an amount in pounds"): one reader of grouped digits serves both."""
    g = lambda text: text.replace(" ", space)  # noqa: E731
    ctx = load(plan(tmp_path / "p.xlsx", [project(1, g("£1 250 000"))], grant_total=g("2 000 000")))
    assert "£1,250,000" in str(ctx) and "£2,000,000" in str(ctx)
    ret = evaluation(tmp_path / "r.xlsx", [["Refuge", g("160 200"), g("£160 640.00")]])
    assert "Overspent by £440" in str(load(ret))
    figures = perf_workbook(
        tmp_path / "f.xlsx", [("C", "crimes", "down")], [("C", "2016/17", g("1 250 000"))]
    )
    (ind,) = perf.load_report(sheets.Workbook(figures))[0].indicators
    assert ind.this_year[0].value == Decimal(1250000)


def test_a_lookups_na_in_an_amount_is_refused_and_in_an_outline_is_blank(tmp_path: Path) -> None:
    path = plan(
        tmp_path / "p.xlsx",
        [project(1, "#N/A"), project(2, 5000, outline="#N/A"), project(3, "#VALUE!")],
    )
    with pytest.raises(PackError) as err:
        load(path)
    said = messages(err.value)
    assert said == [
        f"{path}, sheet Projects, cell D2: the cell shows the spreadsheet error #N/A (a lookup "
        "found nothing), not an amount in pounds; fix the formula, or type the amount",
        f"{path}, sheet Projects, cell D4: the cell shows the spreadsheet error #VALUE! (the "
        "formula works on a value of the wrong kind), not an amount in pounds; fix the formula, "
        "or type the amount",
    ]
    ok = plan(tmp_path / "ok.xlsx", [project(2, 5000, outline="#N/A"), [3, "#N/A", None, 100]])
    with pytest.raises(
        InputError,
        match=r"cell B3: the cell shows the spreadsheet error #N/A \(a lookup found nothing\), "
        r"not a title; fix the formula, or type the project's title",
    ):
        load(ok)
    ok = plan(
        tmp_path / "ok.xlsx",
        [project(2, 5000, outline="#N/A", priorities="#N/A")],
        carry_forward_note="#N/A",
    )
    wb = sheets.Workbook(ok)
    loaded = load_commissioning_plan(wb)
    assert [p.outline for p in loaded.data.projects] == [()]  # type: ignore[attr-defined]
    cells = sorted(
        w.split(": the cell shows #N/A")[0].rsplit("cell ", 1)[1]
        for w in loaded.warnings
        if "#N/A" in w
    )
    assert cells == ["B7", "C2", "F2"]  # the carry-forward note, the outline, the priorities


def test_a_return_reads_errors_as_a_plan_does(tmp_path: Path) -> None:
    path = evaluation(
        tmp_path / "r.xlsx", [["Refuge", 160200, "#N/A", "#N/A", "#N/A"]], position="#N/A"
    )
    with pytest.raises(PackError) as err:
        load(path)
    (said,) = messages(err.value)
    assert said.startswith(
        f"{path}, sheet Projects, cell C2: the cell shows the spreadsheet error #N/A (a lookup "
        "found nothing), not the actual spend in pounds"
    )
    ok = evaluation(
        tmp_path / "ok.xlsx",
        [["Refuge", 160200, 160640, "#N/A", "#N/A", "#DIV/0!"]],
        position="#N/A",
    )
    loaded = load_evaluation_return(sheets.Workbook(ok))
    assert len([w for w in loaded.warnings if "#N/A" in w]) == 3  # outcomes, comments, position
    assert loaded.data.position == ""  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("May 2019", "'May 2019' is a month (May 2019) without a day, and the date signed needs "
         "the day; type the full date, day/month/year, such as 31/05/2019"),
        (dt.datetime(2019, 5, 1), "the cell shows only a month (May 2019; it holds 01/05/2019), "
         "and the date signed needs the day"),
    ],
)  # fmt: skip
def test_a_return_signed_in_a_month_is_refused_naming_the_cell(
    tmp_path: Path, typed: Any, says: str
) -> None:
    path = evaluation(tmp_path / "r.xlsx", [["Refuge", 160200, 160640]], date=typed)
    if isinstance(typed, dt.datetime):
        wb = load_workbook(path)
        wb["Return"]["B9"].number_format = "mmm-yy"  # as Excel formats "May 2019" typed
        wb.save(path)
    with pytest.raises(InputError) as err:
        load(path)
    assert str(err.value).startswith(f"{path}, sheet Return, cell B9: {says}")
