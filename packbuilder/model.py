"""The typed model that crosses stage boundaries.

Only these frozen dataclasses travel between stages: `render` never sees openpyxl, `assemble` never
sees docxtpl. Everything read from a workbook keeps its `Source` (file, sheet, cell) so that a later
stage can still say exactly where a bad value came from.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder.dates import short_date
from packbuilder.errors import Source


class Status(enum.Enum):
    """An agenda item's papers: present (blank), spoken to (verbal), or arriving late (to
    follow)."""

    PAPERS = ""
    VERBAL = "verbal"
    TO_FOLLOW = "to follow"


class PaperKind(enum.Enum):
    PDF = "pdf"  # an appendix, included as it is
    WORD = "word"  # an officer's report, converted by LibreOffice
    DATA = "data"  # a workbook that fills a template from templates/


@dataclass(frozen=True, kw_only=True)
class DocumentData:
    """What a data workbook holds, read and checked: the base of every kind's model.

    Each kind's loader returns a subclass (`kinds.minutes.Minutes`,
    `kinds.money_documents.CommissioningPlan` and `EvaluationReturn`, and
    `documents.WorkbookData` for any other kind): exact values (Decimal money, dates, times), never
    text formatted for a template; `contexts.template_context` turns one into a template's context.
    """

    source: Source  # the workbook; rows and cells inside carry their own


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Paper:
    """One document of an agenda item, in the order the agenda lists it."""

    path: Path
    kind: PaperKind
    title: str
    source: Source
    template: str | None = None  # DATA only: the template's name in templates/
    data: DocumentData | None = None  # DATA only: the workbook's content, read and checked
    warnings: tuple[str, ...] = ()
    pages: int | None = None  # PDF only: its page count, known once it has been checked


@dataclass(frozen=True)
class AgendaItem:
    number: str
    title: str
    lead: str
    purpose: str
    minutes: int | None
    papers: tuple[Paper, ...]
    status: Status
    exempt_paragraph: int | None
    supplement: int | None
    source: Source

    @property
    def exempt(self) -> bool:
        return self.exempt_paragraph is not None

    @property
    def has_papers(self) -> bool:
        return bool(self.papers) and self.status is not Status.VERBAL


@dataclass(frozen=True)
class Meeting:
    """A meeting folder, read and validated: everything a build needs."""

    folder: Path
    workbook: Path
    body: str
    date: dt.date
    start_time: dt.time
    venue: str
    items: tuple[AgendaItem, ...]
    end_time: dt.time | None = None
    chair: str = ""
    contact: Contact = Contact()
    title: str = ""
    deadline_rule: str = "england"
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def pack_title(self) -> str:
        return self.title or f"{self.body} - {short_date(self.date)}"

    def warnings(self) -> list[str]:
        """What a build or a check should point out without refusing: each paper's warnings, and
        items whose papers are still to follow."""
        out = [w for item in self.items for p in item.papers for w in p.warnings]
        out += [
            f"item {i.number} is to follow and its papers have not arrived; the agenda shows "
            "'To follow'"
            for i in self.items
            if i.status is Status.TO_FOLLOW and not i.papers
        ]
        return out

    def input_files(self) -> list[Path]:
        """Every file the build reads from the meeting folder, for hashing and staleness."""
        files = [self.workbook]
        for item in self.items:
            files.extend(p.path for p in item.papers)
        return sorted(set(files))
