"""Generate the example meeting's minutes workbook (item 1's paper), modelled on seed 000.

Writes inputs/2020-03-05-safer-plymouth/minutes-2019-09-30.xlsx: the Safer Plymouth Partnership's
meeting of Monday 30 September 2019, with its real attendance list and minute items 1-6; the
resolutions, owners, due dates, apologies and future meeting dates are added to show every feature.
The workbook is laid out as an advisor would keep it: wrapped text, a drop-down for attendance.

Run: .venv/bin/python tools/make_minutes_example.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

OUT = (
    Path(__file__).resolve().parent.parent
    / "inputs"
    / "2020-03-05-safer-plymouth"
    / "minutes-2019-09-30.xlsx"
)

MEETING = [
    ("Body", "Safer Plymouth Partnership"),
    ("Date", dt.datetime(2019, 9, 30)),
    ("Start time", dt.time(14, 0)),
    ("Finish time", dt.time(17, 0)),
    ("Venue", "Warspite Room, Council House, Plymouth"),
    (
        "Future meetings note",
        "All meetings take place in the Council House unless otherwise advised.",
    ),
]

PCC = "PCC"
POLICE = "Devon and Cornwall Police"
ATTENDANCE = [  # name, role, organisation, attendance, chair
    ("Chief Superintendent Dave Thorne", "", POLICE, "present", "yes"),
    ("Ann Procter", "", "DDC Probation", "present", ""),
    ("Alex Fry", "Training Standards Manager", PCC, "present", ""),
    ("Robert Mooney", "", POLICE, "present", ""),
    ("Rachael Bentley", "", POLICE, "present", ""),
    ("Jamie Clynch", "", "Youth Justice Board", "present", ""),
    ("Lucy Van Waterschoot", "", "HMPPS, Plymouth, Cornwall and Isles of Scilly", "present", ""),
    ("Jackie Kings", "Community Connections Strategic Manager", PCC, "present", ""),
    ("Lyn Gooding", "Chief Executive Officer", "First Light", "present", ""),
    ("Wendy Rowden", "Community Link Officer", "OPCC", "present", ""),
    ("Gina Connelly", "Chief Executive", "University of Plymouth, Student's Union", "present", ""),
    ("Anna Moss", "Community Connections Technical Lead", PCC, "present", ""),
    ("Laura Juett", "Public Health Specialist", PCC, "present", ""),
    ("Matt Bell", "Chief Executive", "POP+", "present", ""),
    ("Rachel Silcock", "Strategic Commissioning Manager", PCC, "present", ""),
    ("Jane Elliot Toncic", "Strategic Safeguarding Lead (Adults)", PCC, "present", ""),
    ("Rachael Hind", "Licensing Service Manager", PCC, "present", ""),
    (
        "Councillor Haydon",
        "Cabinet Member for Customer Focus and Community Safety",
        "",
        "present",
        "",
    ),
    ("Siobhan Wallace", "Head of Service, Children, Young People and Families", PCC, "present", ""),
    ("Caroline Dungate", "Practice Manager (YOT)", PCC, "present", ""),
    ("David Ryland", "Community Connections Strategic Manager", PCC, "present", ""),
    ("Matt Garrett", "Service Director for Community Connections", PCC, "present", ""),
    ("Tracey Watkinson", "Safeguarding Business Manager", PCC, "present", ""),
    ("Tim Broom", "", "Devon and Somerset Fire and Rescue Service", "apologies", ""),
    (
        "Kerri Nason",
        "",
        "Dorset, Devon and Cornwall Community Rehabilitation Company",
        "apologies",
        "",
    ),
    ("Simon Hardwick", "", POLICE, "in attendance", ""),
    ("Laura Griffiths", "", PCC, "in attendance", ""),
    ("Zoe Underwood", "", PCC, "in attendance", ""),
    ("Amelia Boulter", "Democratic Advisor", "", "in attendance", ""),
]

MINUTES = [  # number, heading, narrative, members discussed, closing narrative, it was agreed that
    (
        1,
        "Welcome and Introductions",
        "The Chair welcomed all parties and asked everyone to introduce themselves. Apologies were "
        "noted "
        "as above.\n\n"
        "The Chair reported that the last set of minutes were available to view and had been signed "
        "off.\n\n"
        "The order of the agenda was changed to accommodate officers and therefore the YOS "
        "Inspection – "
        "presentation agenda item would be taken first on the agenda.",
        "",
        "",
        "",
    ),
    (
        2,
        "YOS Inspection - Presentation",
        "Siobhan Wallace and Caroline Dungate (Plymouth City Council) presented the Youth Offending "
        "Service Inspection presentation. It was reported that this board is the governance for the "
        "YOT "
        "and that there were a range of standards to follow and how the board should operate against "
        "these "
        "standards. This Board has the responsibility to ensure that we are working in partnership "
        "and "
        "have a preparedness for inspection.",
        "- the requirements of this board to understand the inspection and to ensure that Plymouth "
        "provides a good service to Youth Justice;\n"
        "- that the Youth Justice Board generates data on a quarterly basis and the subgroup reviews "
        "and "
        "scrutinises this data;\n"
        "- the youth justice pathway and children linked to re-offending was being reviewed by a "
        "multi-disciplinary group. This preventative work looking at FTE, reviewing the decision "
        "making "
        "process by the police and the differential decision making and using the trauma informed "
        "concept would fit really well around this work.",
        "(To facilitate good meeting management this item was taken first on the agenda).",
        "",
    ),
    (
        3,
        "Safer Plymouth Governance - Presentation",
        "Simon Hardwick (Devon and Cornwall Police) and Tracey Watkinson (Plymouth City Council) "
        "took the "
        "partnership through the attached presentation.\n\n"
        "The Chair thanked officers for the presentation and reported that it was important to "
        "reassess "
        "the direction of the partnership and to ensure effective leadership with streamlined themes "
        "to "
        "focus on.",
        "- supportive of streamlining the partnership but concerns were raised around the reoffending "
        "agenda which could be overlooked;\n"
        "- condensing of the Community Safety Plan and reviewing the plan through the trauma "
        "informed lens;\n"
        "- the wider context around deprivation, inequalities and the shift from individual "
        "behaviour and "
        "behaviour influenced by the environment as well as the wider understanding of trauma;\n"
        "- inclusive growth and co-operative economies and how to link this back into the plan.",
        "",
        "- the partnership moves to a smaller number of streamlined themes, each with a theme lead;\n"
        "- the Community Safety Plan is condensed and reviewed through the trauma informed lens;\n"
        "- theme leads report progress against their plans at each partnership meeting.",
    ),
    (
        4,
        "Draft Strategic Assessment",
        "Jackie Kings (Plymouth City Council) reported that the Draft Strategic Needs Assessment "
        "would be "
        "refreshed each year. It was reported that they reviewed a number of areas the partnership "
        "were "
        "trying to address and undertook a series of workshops to review all the themes.\n\n"
        "The Chair thanked everyone involved and that the work undertaken had put the board in a good "
        "position moving forward.",
        "- the reporting of hate crime with the on-going of Brexit;\n"
        "- whether narrative alongside the reporting of hate crime on how communities were feeling "
        "and "
        "whether they had experienced an increase in this type of activity;\n"
        "- cyber-crime;\n"
        "- homelessness, rough sleepers, begging and moving people on. Change the descriptor to "
        "include an "
        "understanding of their vulnerability;\n"
        "- challenging the partnership's use of language and the inclusion of environmental factors;\n"
        "- trauma informed and getting this right and for this to be included within the "
        "introduction of "
        "the document;\n"
        "- to gain a better understanding on how people and communities experience these things, "
        "realigning the focus and better engagement. Making it clear where our views have come from "
        "and "
        "whether in the future have a workshop involving the community/how they should be "
        "represented.",
        "",
        "- the Strategic Assessment is signed off, including the amendments raised by members.",
    ),
    (
        5,
        "DA Leadership Update - Presentation",
        "Laura Griffiths, Zoe Underwood, Anna Moss and Laura Juett were present for this item. It was "
        "reported that a bid for money was successful to help address the partnerships issues around "
        "domestic abuse. In February 2019 conversations took place with a number of stakeholders to "
        "think "
        "about domestic abuse in a different way, understanding on what it felt like to be part of "
        "the "
        "system, conversation on where we go next and that this was not a one off conversation. The "
        "board "
        "took part in an exercise and were asked to provide feedback following 4 stories shared.",
        "- this work to be looked at through the trauma informed lens;\n"
        "- the use of DASH in helping to changes to people's lives.",
        "The Chair reported that this was a helpful reflection and would empower the board to try "
        "different things in a safe way. This work to be revisited at the executive group and felt "
        "that "
        "there was general support to move in this direction.",
        "",
    ),
    (
        6,
        "Any Other Business",
        "Under this item Tracey Watkinson (Plymouth City Council) shared the new multiagency child "
        "safeguarding arrangements in Plymouth and Torbay which came into effect on 29 September "
        "2019 and shared with the partnership the new website, www.ptscp.co.uk.",
        "",
        "",
        "",
    ),
]

ACTIONS = [  # minute, action, owner, due date, status
    (
        2,
        "For the Safer Executive to discuss this further and look at what was required in case "
        "of an inspection.",
        "Safer Plymouth Executive",
        dt.datetime(2019, 12, 12),
        "Open",
    ),
    (
        3,
        "To include reoffending within each of the plans to be discussed at the next partnership "
        "meeting.",
        "Theme leads",
        dt.datetime(2020, 3, 5),
        "Open",
    ),
    (
        4,
        "To publish the Strategic Assessment with the amendments agreed.",
        "Jackie Kings",
        dt.datetime(2019, 10, 31),
        "Done",
    ),
    (
        5,
        "To revisit the Domestic Abuse Leadership work and next steps at the Executive Group.",
        "Laura Griffiths",
        dt.datetime(2019, 12, 12),
        "Open",
    ),
]

FUTURE = [  # date, time, venue
    (dt.datetime(2020, 3, 5), dt.time(13, 0), "Warspite Room, Council House"),
    (dt.datetime(2020, 6, 4), dt.time(13, 0), "Warspite Room, Council House"),
    (dt.datetime(2020, 9, 3), dt.time(13, 0), "Warspite Room, Council House"),
    (dt.datetime(2020, 12, 3), dt.time(13, 0), "Warspite Room, Council House"),
]


def sheet(
    wb,
    title: str,
    header: list[str],
    rows: list[tuple],  # type: ignore[no-untyped-def, type-arg]
    widths: list[int],
):
    ws = wb.create_sheet(title) if wb.worksheets[0].title != "Sheet" else wb.worksheets[0]
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def main() -> None:
    wb = Workbook()
    sheet(
        wb,
        "Document",
        ["Field", "Value"],
        [("Kind", "minutes"), ("Title", "Minutes of the meeting held on 30 September 2019")],
        [14, 60],
    )
    ws = sheet(wb, "Meeting", ["Field", "Value"], MEETING, [22, 70])
    ws["B3"].number_format = "dd/mm/yyyy"
    ws["B4"].number_format = ws["B5"].number_format = "hh:mm"
    ws = sheet(
        wb,
        "Attendance",
        ["Name", "Role", "Organisation", "Attendance", "Chair"],
        ATTENDANCE,
        [32, 44, 44, 16, 8],
    )
    choice = DataValidation(
        type="list", formula1='"present,apologies,in attendance,absent"', allow_blank=False
    )
    choice.error = "Choose present, apologies, in attendance or absent"
    ws.add_data_validation(choice)
    choice.add("D2:D200")
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
    for c in ws["B"][1:]:
        c.number_format = "hh:mm"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
