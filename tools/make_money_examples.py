"""Write the example meeting's commissioning plan and evaluation return workbooks.

* commissioning-plan-2020-21.xlsx: the March 2020 draft spending plan of seed 000 (grant £400,568,
  £377,568 allocated, £23,000 left unallocated, as the seed's risks section says);
* evaluation-return-2018-19.xlsx: a final return modelled on seed 001's 2017/18 return, for the
  allocations of seed 001's 2018/19 spending intentions plan plus the carry-forward; the ASB project
  is "Overspent by £440", offset by the infrastructure underspend, as in the seed.

Run: .venv/bin/python tools/make_money_examples.py
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

MEETING = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"

PRIORITIES = [
    (1, "Connecting Communities and Policing"),
    (2, "Preventing and deterring crime"),
    (3, "Protecting people at risk of abuse"),
    (4, "Supporting victims and witnesses and helping them to get justice"),
    (5, "Getting the best out of the police"),
]


def _fields(wb: Workbook, name: str, rows: Sequence[tuple[str, Any]]) -> None:
    ws = wb.create_sheet(name)
    ws.append(["Field", "Value"])
    for row in rows:
        ws.append(list(row))
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 70
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _table(
    wb: Workbook,
    name: str,
    header: list[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int],
    money_columns: Sequence[int] = (),
) -> None:
    ws = wb.create_sheet(name)
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if c.column - 1 in money_columns:
                c.number_format = "£#,##0"
    ws.freeze_panes = "A2"


def write_workbook(
    path: Path,
    kind: str,
    fields_sheet: str,
    fields: Sequence[tuple[str, Any]],
    projects_header: list[str],
    projects: Sequence[Sequence[Any]],
    priorities: Sequence[tuple[int, str]] = (),
    widths: Sequence[int] = (),
    money_columns: Sequence[int] = (),
) -> Path:
    """A data workbook: Document (Kind), the field sheet, Projects and, for plans, Priorities."""
    wb = Workbook()
    doc = wb.active
    doc.title = "Document"
    doc.append(["Field", "Value"])
    doc.append(["Kind", kind])
    _fields(wb, fields_sheet, fields)
    _table(
        wb,
        "Projects",
        projects_header,
        projects,
        widths or [20] * len(projects_header),
        money_columns,
    )
    if priorities:
        _table(wb, "Priorities", ["No.", "Priority"], priorities, [6, 70])
    wb.save(path)
    return path


PLAN_HEADER = [
    "No.",
    "Title",
    "Outline",
    "Amount allocated",
    "Outcome measures",
    "Priorities",
    "Approved",
]

PLAN_2020 = [
    (
        1,
        "Domestic abuse: Plymouth Domestic Abuse Service",
        "Ensure we support victims of domestic abuse with an integrated service containing the "
        "different "
        "elements necessary to provide an holistic response to the needs of victims and their "
        "families. "
        "This includes:\n- Refuge and safe house accommodation\n- Accommodation based support\n"
        "- IDVA service\n- MARAC co-ordinator\n- DASH training\n- Sanctuary scheme\n\n"
        "Continue to commission the Plymouth Domestic Abuse Service (total annual contract value "
        "£573,300, including one-off additional grant funding). This is an ongoing contract "
        "commitment "
        "which expires on 30 November 2020.",
        210000,
        "The contract receives ongoing monitoring including quarterly performance returns and review "
        "meetings. Outcomes focus on improving the safety of victims and their families, for "
        "example:\n"
        "- 100% of victims engaging with the service are supported to minimise risk to themselves and "
        "others\n- 75% or above of victims referred to the service engage with it\n"
        "- Re-referral rate is below 20%\n- Staff trained are satisfied\n"
        "- 90% of victims exiting the service do so in a planned way",
        "3, 4",
        None,
    ),
    (
        2,
        "Sexual violence: therapeutic counselling",
        "Ensure that we support victims of sexual violence with access to therapeutic counselling "
        "services.\n\nContinue to commission the adult therapeutic counselling service for victims of "
        "sexual assault; the current contract is in place until 31/03/2020 and is to be extended to "
        "31/03/2021. Total annual contract value £75,000. Additional funding of £44,450 (NHSE) has "
        "been "
        "attracted for children and young people.",
        25000,
        "The contract with First Light is subject to quarterly contract review meetings. The overall "
        "outcome is that service users are better able to cope with their experience and recover from "
        "it. Indicators monitored quarterly:\n- Positive responses to a Cope and Recover "
        "questionnaire\n"
        "- National SARC data indicators for counselling wait times",
        "3, 4",
        None,
    ),
    (
        3,
        "Alcohol and substance misuse treatment",
        "Ensure access to an alcohol and substance misuse programme so that those at risk of "
        "committing "
        "crime or being a victim of crime are supported with appropriate treatment.\n\nContinue to "
        "commission a community drug and alcohol treatment programme as part of the complex needs "
        "Alliance, which includes the city's homelessness pathways.",
        93575,
        "As a commissioned service we carry out contract review meetings, monitor performance "
        "quarterly "
        "and use the National Diagnostic Outcomes Monitoring Executive Summary (DOMES):\n"
        "- Proportion of the treatment population in contact with the criminal justice system\n"
        "- Successful completions as a proportion of criminal justice clients in treatment\n"
        "- Criminal justice clients who completed treatment and re-presented within 6 months",
        "2, 3, 4",
        None,
    ),
    (
        4,
        "Workforce development and communication",
        "The Health and Wellbeing Board recommended a greater emphasis on workforce development and "
        "communication around key Safer Plymouth priorities, embedding the contextual safeguarding "
        "approach in Plymouth:\n- Exploitation and substance misuse/alcohol harm: online resources "
        "and "
        "sessions for secondary schools (£8,000)\n- Trauma informed training: building capacity in "
        "the "
        "programme (£5,000)\n- Lived experience: guidance and support for the trauma network "
        "(£4,000)\n"
        "- Radicalisation and extremism: an appreciative enquiry into Prevent (£8,000)",
        25000,
        "Each training or other activity will measure its impact; likely outcomes include:\n"
        "- Increase in reporting of the themes covered\n- Increase in confidence and wellbeing\n"
        "- Numbers reached at events and website hits and retweets",
        "1, 2, 3, 4, 5",
        None,
    ),
    (
        5,
        "Children and young people: peer mentoring feasibility",
        "During 2019 we heard from children and young people about what trauma means to them. The "
        "Safer "
        "Families group will explore the feasibility of peer mentoring, perhaps with no time limit, "
        "and a "
        "targeted response for:\n- children at risk of school exclusion\n- ASB and first offences\n"
        "- unplanned school exits",
        10000,
        "- Contract monitoring and KPIs through the PCC's existing provider\n"
        "- A feasibility study and analysis of the potential cohort",
        "1, 2, 3",
        None,
    ),
    (
        6,
        "Safer Plymouth infrastructure and analysis",
        "Ensure key analysis is available to the partnership for evidence-based decisions and to "
        "identify "
        "priorities and emerging issues. For 2020/21:\n- Serious violent crime strategy: preparing "
        "for "
        "the future statutory duty\n- The Domestic Abuse Act and any additional statutory duties",
        13993,
        "- Responding to emerging issues through deep dives\n"
        "- Preparation for serious violent crime responsibilities\n"
        "- Preparation for the Domestic Abuse Act\n"
        "- Peer review of DHRs and child safeguarding case reviews",
        "1, 2, 3, 4, 5",
        None,
    ),
]


def commissioning_plan() -> Path:
    fields = [
        ("Partnership", "Safer Plymouth"),
        ("Title", "Community Safety Partnership Fund spending plan"),
        ("Year", "2020/21"),
        ("Status", "draft"),
        ("Grant total", 400568),
        ("Carry forward", None),
        ("Over-allocation intended", "no"),
        ("Priorities heading", "Police & Crime Plan priorities"),
    ]
    return write_workbook(
        MEETING / "commissioning-plan-2020-21.xlsx",
        "commissioning-plan",
        "Plan",
        fields,
        PLAN_HEADER,
        PLAN_2020,
        PRIORITIES,
        [6, 30, 70, 16, 60, 12, 12],
        money_columns=[3],
    )


RETURN_HEADER = ["Title", "Amount allocated", "Actual spend", "Outcomes", "Comments"]

RETURN_2018 = [
    (
        "Domestic Abuse Victim Service contract: PDAS",
        160200,
        160200,
        "The Plymouth Domestic Abuse Service provides accommodation-based support within a refuge and "
        "dispersed units, 1:1 support, Independent Domestic Violence Advocates, MARAC co-ordination "
        "and "
        "DASH training. During 2018/19 the service:\n- supported 2,067 victims of domestic abuse\n"
        "- reviewed 440 IDVA clients at MARAC\n- trained 124 professionals in DASH\n"
        "- maintained an engagement rate of 84% of referrals and a re-referral rate of 4%",
        "Commissioned by PCC and provided by Sanctuary Supported Living. Total contract value "
        "£552,500; OPCC contribution 28% of the total service funding.",
    ),
    (
        "MARAC co-ordinator and IDVA hours",
        27678,
        27678,
        "Additional IDVA hours and MARAC co-ordination funded from the 2017/18 carry-forward, keeping "
        "MARAC caseloads within the recommended range.",
        "Carried forward from the 2017/18 grant.",
    ),
    (
        "SARC Sexual Violence Therapeutic Services",
        25000,
        25000,
        "First Light delivered 935 sessions of specialist counselling and supported 197 people:\n"
        "- 19% extra capacity above the service target\n"
        "- 86% of clients reported they had been supported to minimise the risk of harm from others",
        "Provided by First Light. Total contract value £75,000 (OPCC contribution 33%).",
    ),
    (
        "Drug and Alcohol Contract: Harbour",
        98500,
        98500,
        "A community-based drugs and alcohol treatment service; this grant funds the service for "
        "those "
        "in contact with the criminal justice system.\n- Approximately 20% of referrals relate to the "
        "criminal justice system\n- Waiting times better than the national average\n"
        "- 44% reduction in individuals re-offending in the two years after starting treatment",
        "Provided by Harbour. Total contract value £1,905,122 (OPCC contribution 0.5%).",
    ),
    (
        "Healthy Relationships",
        30000,
        30000,
        "Year 2 of the healthy relationships programme in schools, delivered by NSPCC and "
        "Barnardo's:\n"
        "- whole school approach designed with the advisory group\n"
        "- direct delivery pilot in two secondary schools completed",
        "Commissioned project on a 2 year contract.",
    ),
    (
        "Awareness Raising",
        30000,
        30000,
        "A co-ordinated plan of activity raising the profile of the partnership's priorities:\n"
        "- a communications strategy and events calendar\n- a conference relaunching the partnership",
        "Commissioned service on a 2 year contract.",
    ),
    (
        "ASB/Low level crime/Emerging local issues",
        5868,
        6308,
        "Community Connections works with partners to identify, prevent and respond to anti-social "
        "behaviour:\n- 4.4% reduction in ASB across the city\n"
        "- escalations from ASB stage 1 to stage 2 down from 64% to 20%",
        "Spent on:\n- £700 rental of Four Greens Community Centre for the Recovery café\n"
        "- £134 ASB stationery\n- £1,322 PSPO materials",
    ),
    (
        "Safer Plymouth infrastructure",
        28000,
        27560,
        "Delivery of the Annual Strategic Crime Assessment, the Plan for Safer Plymouth, a "
        "performance "
        "scorecard and analytical support to all subgroups.",
        "Underspend offset against the ASB overspend.",
    ),
    (
        "Substance misuse and exclusions: scoping",
        20000,
        20000,
        "Scoping with stakeholders of a programme on alcohol and drug related harm and school "
        "exclusions, with the OPCC.",
        "",
    ),
    (
        "Prevent / WRAP sessions",
        3000,
        1800,
        "Four Workshops to Raise Awareness of Prevent, reaching 112 people; every session evaluated.",
        "Sessions delivered by in-house trainers, so venue and trainer costs were lower than "
        "planned.",
    ),
]


def evaluation_return() -> Path:
    fields = [
        ("Partnership", "Safer Plymouth Partnership"),
        ("Title", "Community Safety Partnership Fund final evaluation report"),
        ("Year", "2018/19"),
        ("Status", "final"),
        ("Grant total", 400568),
        ("Carry forward", 27678),
        ("Carry forward note", "for MARAC co-ordinator & IDVA hours"),
        ("Name (printed)", "Lucy Gannon"),
        ("Position", "Strategic Commissioning Manager"),
        ("Date", dt.datetime(2019, 5, 31)),
        (
            "Notes",
            "- Additional explanatory documents, including outcome monitoring and data reports, can "
            "be "
            "attached to this return in the relevant column.\n"
            "- Please give one particularly successful (anonymised) outcome or case study for each "
            "project funded from this grant, in the Outcomes column.",
        ),
    ]
    return write_workbook(
        MEETING / "evaluation-return-2018-19.xlsx",
        "evaluation-return",
        "Return",
        fields,
        RETURN_HEADER,
        RETURN_2018,
        widths=[34, 16, 16, 70, 50],
        money_columns=[1, 2],
    )


if __name__ == "__main__":
    print("wrote", commissioning_plan(), evaluation_return())
