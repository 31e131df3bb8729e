"""Meetings built straight from the typed model, for unit tests of plan and frontsheet.

No workbook and no LibreOffice: each builder fills only what the stage reads, so a test states just
the facts it is about. Papers are PDFs by default; their files need not exist.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from packbuilder.errors import Source
from packbuilder.model import AgendaItem, Exemption, Meeting, Paper, PaperKind, Status

FOLDER = Path("/meetings/2020-03-05-board")
WORKBOOK = FOLDER / "meeting.xlsx"
PAPERS, VERBAL, TO_FOLLOW = Status.PAPERS, Status.VERBAL, Status.TO_FOLLOW


def paper(name: str) -> Paper:
    return Paper(path=FOLDER / name, kind=PaperKind.PDF, title=name, source=Source(WORKBOOK))


def item(
    number: int,
    *papers: str,
    status: Status = PAPERS,
    exempt: int | tuple[int, ...] | None = None,
    rule: str = "england",
    supplement: int | None = None,
    minutes: int | None = None,
    title: str = "",
) -> AgendaItem:
    return AgendaItem(
        number=str(number),
        title=title or f"Item {number}",
        lead="",
        purpose="",
        minutes=minutes,
        papers=tuple(paper(p) for p in papers),
        status=status,
        exemption=None
        if exempt is None
        else Exemption((exempt,) if isinstance(exempt, int) else tuple(exempt), rule),
        supplement=supplement,
        source=Source(WORKBOOK, "Agenda", f"A{number + 1}"),
    )


def meeting(*items: AgendaItem, **fields: Any) -> Meeting:
    values: dict[str, Any] = {
        "folder": FOLDER,
        "workbook": WORKBOOK,
        "body": "Test Partnership Board",
        "date": dt.date(2020, 3, 5),
        "start_time": dt.time(14, 0),
        "venue": "Room 1",
        "items": items,
    }
    return Meeting(**{**values, **fields})
