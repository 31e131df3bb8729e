"""Generate the second example meeting, inputs/2016-05-26-safer-plymouth (modelled on seed 003).

The Safer Plymouth Partnership of 26 May 2016 wrote its agenda as a table (Item | Subject | Who |
Decision required | Time), with section headings ("Agenda Items for Discussion:"), a break, time
ranges ("10.00-10.05", "12.30 - 1pm"), notes under items, and page ranges that leave the trailing
filler out ("(Pages 1 - 5)" then "(Pages 7 - 12)"). Item 3 carries the minutes of 7 April 2016
(minutes 48 to 51), whose open action is carried onto the agenda; item 5's paper was "to follow"
and arrives as a supplement, as in seed 004.

Writes meeting.xlsx, the minutes workbook, the development paper (Word), the plan on a page (PDF,
converted once by LibreOffice as an officer would send it) and the late paper (Word).

Run: .venv/bin/python tools/make_example_2016.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).parent))
from docxkit import new_document, para, repeat_header, table  # noqa: E402
from make_example import pdf_from_word  # noqa: E402
from make_minutes_example import sheet  # noqa: E402

MEETING = Path(__file__).resolve().parent.parent / "inputs" / "2016-05-26-safer-plymouth"
BODY = "Safer Plymouth Partnership"
VENUE = "Warspite Room, Council House, Plymouth"


def meeting_workbook() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Meeting"
    for row in (
        ("Field", "Value"),
        ("Body", BODY),
        ("Date", dt.datetime(2016, 5, 26)),
        ("Start time", dt.time(10, 0)),
        ("End time", dt.time(13, 0)),
        ("Venue", VENUE),
        ("Chair", "Chief Superintendent Andy Boulting, Devon and Cornwall Police"),
        ("Contact name", "Lynn Young, Democratic Support Officer"),
        ("Contact phone", "01752 304163"),
        ("Contact email", "democratic.support@plymouth.gov.uk"),
        ("Agenda style", "table"),
        ("Page ranges", "papers only"),
        ("Paperwork marker", "yes"),
    ):
        ws.append(row)
    ws["B3"].number_format = "dd/mm/yyyy"
    ws["B4"].number_format = ws["B5"].number_format = "hh:mm"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    ag = wb.create_sheet("Agenda")
    header = [
        "Item",
        "Subject",
        "Who",
        "Decision required",
        "Time",
        "Papers",
        "Status",
        "Supplement",
        "Notes",
    ]
    ag.append(header)
    rows = [
        (
            1,
            "Welcome/Introductions:",
            "Chair/AB",
            "None.",
            "10.00-10.05",
            None,
            None,
            None,
            "Cllr Dave Downie as new portfolio holder of Safer and Stronger Communities for "
            "Plymouth City Council.",
        ),
        (2, "Apologies:", "Chair/AB", "None.", "10.05-10.10", None, None, None, None),
        (
            3,
            "Minutes and actions from Last Meeting – 07.04.16",
            "Chair/AB",
            "Agree minutes as accurate. Development paper transferred to agenda.",
            "10.10-10.15",
            "minutes-2016-04-07.xlsx",
            None,
            None,
            None,
        ),
        (None, "Agenda Items for Discussion:", None, None, None, None, None, None, None),
        (
            4,
            "Safer Plymouth – development.",
            "PA",
            "Discuss and agree new framework.",
            "10.15-12.30",
            "Safer Plymouth development.docx\nPlan on a page.pdf",
            None,
            None,
            None,
        ),
        (None, "BREAK – if required", None, None, None, None, None, None, None),
        (
            5,
            "Organised Crime Profiles: update and alignment with Strategic assessment.",
            "Chair/AB",
            "Agree alignment arrangements.",
            "12.30 – 1pm",
            "Organised Crime Profiles update.docx",
            "to follow",
            1,
            None,
        ),
        (
            None,
            "BRIEFINGS (DISCUSS BY EXCEPTION ONLY):",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (6, "None Scheduled.", "N/a", "N/a", "N/a", None, None, None, None),
        (
            7,
            "Dates of Future Meetings:",
            None,
            None,
            None,
            None,
            None,
            None,
            "(All meetings on Thursdays and commence at 10 am).\n"
            "- 21 July 2016\n- 22 September 2016\n- 19 January 2017\n- 6 April 2017",
        ),
    ]
    for r in rows:
        ag.append(list(r))
    for col, width in zip("ABCDEFGHI", (6, 45, 10, 40, 12, 40, 10, 11, 50), strict=True):
        ag.column_dimensions[col].width = width
    for row in ag.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for c in (*ag[1], *ws[1]):
        c.font = Font(bold=True)
    wb.save(MEETING / "meeting.xlsx")


ATTENDANCE = [  # name, role, organisation, attendance, chair (seed 003's minutes of 7 April 2016)
    ("Chief Superintendent Andy Boulting", "", "Devon and Cornwall Police", "present", "yes"),
    (
        "Councillor Philippa Davey",
        "Cabinet Member for Safer and Stronger Communities",
        "PCC",
        "present",
        "",
    ),
    ("Bronwyn Prosser", "Social Inclusion Manager", "PCC", "present", ""),
    ("Georgia Webb", "", "National Probation Service", "present", ""),
    ("Judith Harwood", "Assistant Director for Learning and Communities", "PCC", "present", ""),
    ("Pete Aley", "Head of Neighbourhood and Community Services", "PCC", "present", ""),
    ("Claire Oldfield", "", "Plymouth University", "present", ""),
    ("Heather Welch", "", "Victim Support", "present", ""),
    ("Sue Warren", "Area Partnership Crime Reduction Co-ordinator", "PCC", "present", ""),
    ("Chris Everatt", "", "ZEBRA", "present", ""),
    ("Nicola Jones", "", "New Devon CCG, NHS", "present", ""),
    ("Detective Chief Inspector Charles Pitman", "", "Devon and Cornwall Police", "present", ""),
    ("Tim Broom", "", "Devon and Somerset Fire and Rescue Service", "present", ""),
    ("Matt Garrett", "Head of Housing Services", "PCC", "present", ""),
    ("Joe Hassall", "", "Devon and Somerset Fire and Rescue Service", "apologies", ""),
    ("Susan Moores", "", "ZEBRA", "apologies", ""),
    ("Kelechi Nnoaham", "Director of Public Health", "PCC", "apologies", ""),
    ("Lynn Young", "Democratic Support Officer", "PCC", "in attendance", ""),
]

MINUTES = [  # number, heading, narrative, members discussed, closing narrative, agreed
    (
        48,
        "Welcome/introductions/apologies",
        "Chief Superintendent Andy Boulting, Chair, welcomed all parties and requested "
        "introductions.",
        "",
        "",
        "",
    ),
    (
        49,
        "Minutes and actions from last meeting - held on Thursday 21 January 2016",
        "Agreed.\n\nMembers were provided with:\n\n"
        "(a) Update on domestic violence (DV) recording changes and any impact on service and "
        "support to victims - the timescale had now reduced to 6-8 hours overnight and 2-3 hours "
        "during the day.\n"
        "(b) CSE - promotion of the organised crime profile and local action plan within "
        "organisations and alignment with PCSB work.\n"
        "(c) Update on students, University campus and North Hill community safety concerns.",
        "",
        "",
        "",
    ),
    (
        50,
        "Safer Plymouth – decisions on development",
        "Pete Aley (Head of Neighbourhood & Community Services) presented his paper 'Safer "
        "Plymouth - decisions on development'. Chairs of the delivery groups had been invited so "
        "that their views could be taken into account alongside the board.",
        "- clearer communication between community groups, the public and the board\n"
        "- being realistic about what can be achieved with current resources\n"
        "- a strong strategic role with clear lines of accountability\n"
        "- developing SMART objectives within a clear outcome framework",
        "The Chair thanked members for their contributions.",
        "(1) will prioritise community safety issues that evidence shows pose the greatest threat, "
        "risk and harm;\n"
        "(2) commissions the next Strategic Assessment to focus on this priority;\n"
        "(3) develops and champions an outcomes framework covering individuals, communities and "
        "key issues.",
    ),
    (
        51,
        "Dates of future meetings",
        "All meetings take place on Thursdays, 10 am to 1 pm in the Council House unless "
        "otherwise advised.",
        "",
        "",
        "",
    ),
]

ACTIONS = [  # minute, action, owner, due date, status
    (
        49,
        "Circulate the new local PCSB action plan to the group when it is ready.",
        "Charles Pitman",
        dt.datetime(2016, 5, 26),
        "Done",
    ),
    (
        49,
        "Invite the new Student Union President to future meetings.",
        "Claire Oldfield",
        dt.datetime(2016, 5, 26),
        "Done",
    ),
    (
        50,
        "Further paper on the development of Safer Plymouth Partnership, building on today's "
        "paper and progressing the outcomes framework.",
        "Pete Aley",
        dt.datetime(2016, 5, 26),
        "Open",
    ),
]

FUTURE = [
    (dt.datetime(2016, 5, 26), dt.time(10, 0), "Council House"),
    (dt.datetime(2016, 7, 21), dt.time(10, 0), "Council House"),
    (dt.datetime(2016, 9, 22), dt.time(10, 0), "Council House"),
    (dt.datetime(2017, 1, 19), dt.time(10, 0), "Council House"),
    (dt.datetime(2017, 4, 6), dt.time(10, 0), "Council House"),
]


def minutes_workbook() -> None:
    wb = Workbook()
    sheet(
        wb,
        "Document",
        ["Field", "Value"],
        [("Kind", "minutes"), ("Title", "Minutes of the meeting held on 7 April 2016")],
        [14, 60],
    )
    ws = sheet(
        wb,
        "Meeting",
        ["Field", "Value"],
        [
            ("Body", BODY),
            ("Date", dt.datetime(2016, 4, 7)),
            ("Start time", dt.time(10, 5)),
            ("Finish time", dt.time(13, 0)),
            ("Venue", VENUE),
        ],
        [22, 70],
    )
    ws["B3"].number_format = "dd/mm/yyyy"
    sheet(
        wb,
        "Attendance",
        ["Name", "Role", "Organisation", "Attendance", "Chair"],
        ATTENDANCE,
        [32, 44, 44, 16, 8],
    )
    sheet(
        wb,
        "Minutes",
        [
            "Number",
            "Heading",
            "Narrative",
            "Members discussed",
            "Closing narrative",
            "It was agreed that",
        ],
        MINUTES,
        [9, 30, 70, 70, 40, 50],
    )
    ws = sheet(
        wb,
        "Actions",
        ["Minute", "Action", "Owner", "Due date", "Status"],
        ACTIONS,
        [9, 70, 26, 12, 10],
    )
    for c in ws["D"][1:]:
        c.number_format = "dd/mm/yyyy"
    ws = sheet(wb, "Future meetings", ["Date", "Time", "Venue"], FUTURE, [14, 10, 40])
    for c in ws["A"][1:]:
        c.number_format = "dd/mm/yyyy"
    wb.save(MEETING / "minutes-2016-04-07.xlsx")


DECISIONS = [
    (
        "Prioritise community safety issues that evidence shows pose the greatest threat, risk and "
        "harm.",
        "This has been built into the proposed \u201cplan on a page\u201d attached.",
    ),
    (
        "Commission the next Strategic Assessment to focus on this priority and make outcome "
        "focused recommendations.",
        "The analyst responsible for the Strategic Assessment has been "
        "briefed on these requirements.",
    ),
    (
        "Develop and champion an outcomes framework covering individuals, communities and key "
        "issues.",
        "A proposed format for an Outcomes Framework is attached.",
    ),
    (
        "Champion a systems leadership approach across organisations.",
        "It is suggested that Safer "
        "Plymouth promotes clear roles for leaders (board members) and for staff across "
        "organisations and sectors.",
    ),
    (
        "Consider how the voice of the community is included in Safer Plymouth's prioritisation.",
        "As a starting point, all organisations on the Board pool knowledge of relevant community "
        "insight; decisions can then be taken on plugging any gaps.",
    ),
]


def development_paper() -> None:
    doc = new_document()
    para(doc, "Safer Plymouth: development", style="Title")
    para(doc, "DATE: 26 May 2016", bold=True)
    para(doc, "Introduction", style="Heading 1")
    para(doc, "This paper makes proposals for the next steps in the development of Safer Plymouth.")
    para(doc, "Background", style="Heading 1")
    para(
        doc,
        "The last Safer Plymouth Board meeting took a number of decisions to start "
        "implementing changes towards a more dynamic and innovative way of working, with "
        "an outcome-focused approach. " * 3,
    )
    para(doc, "Progress", style="Heading 1")
    for n, (decision, update) in enumerate(DECISIONS * 2, start=1):
        para(doc, f"({n}) {decision}", bold=True)
        para(
            doc,
            f"{update} Suggestions for further work on implementation follow, with the "
            "partners who would lead them and the outcome measures that would show "
            "progress; the Board is asked to comment on each before the framework is "
            "populated for the next meeting.",
        )
    para(doc, "Recommendations", style="Heading 1")
    para(doc, "It is recommended that the Board:")
    for rec in (
        "Notes progress and endorses the further action suggested in \u201cProgress\u201d.",
        "Agrees the format for the plan on a page and outcomes framework.",
    ):
        para(doc, rec, style="List Number")
    para(doc, "Pete Aley", italic=True)
    doc.core_properties.title = "Safer Plymouth: development"
    doc.save(MEETING / "Safer Plymouth development.docx")


def plan_on_a_page() -> None:
    doc = new_document(landscape=True)
    para(doc, "Safer Plymouth Partnership: our plan", style="Title")
    para(doc, "OUR VISION", style="Heading 1")
    para(doc, "We want a community where people feel safe and secure.")
    t = table(doc, 3, [8.5, 8.5, 8.5])
    head = t.add_row()
    for cell, text in zip(head.cells, ("Individuals", "Communities", "Key issues"), strict=True):
        cell.text = text
    repeat_header(head)
    for n in range(6):
        row = t.add_row()
        row.cells[0].text = f"Outcome {n + 1}: fewer repeat victims of abuse"
        row.cells[1].text = f"Outcome {n + 7}: neighbourhoods feel safer"
        row.cells[2].text = f"Outcome {n + 13}: less harm from alcohol and drugs"
    pdf_from_word(doc, MEETING / "Plan on a page.pdf")


def late_paper() -> None:
    doc = new_document()
    para(
        doc,
        "Organised Crime Profiles: update and alignment with the Strategic Assessment",
        style="Title",
    )
    for heading in ("Purpose", "Organised crime local profiles", "Alignment", "Recommendation"):
        para(doc, heading, style="Heading 1")
        para(
            doc,
            "The organised crime local profile has been circulated to members. This "
            "update sets out how it will align with the Strategic Assessment. " * 4,
        )
    doc.core_properties.title = "Organised Crime Profiles update"
    doc.save(MEETING / "Organised Crime Profiles update.docx")


def main() -> None:
    MEETING.mkdir(parents=True, exist_ok=True)
    meeting_workbook()
    minutes_workbook()
    development_paper()
    plan_on_a_page()
    late_paper()
    print("wrote", MEETING)


if __name__ == "__main__":
    main()
