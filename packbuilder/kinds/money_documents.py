"""Commissioning plans and evaluation returns: the two money documents of a grant cycle.

A community safety partnership receives a grant each year from the Police and Crime Commissioner
(£400,568 in the seeds). In spring its finance officer drafts a *commissioning plan* (also called
spending intentions): one row per project or service, with an outline, the amount allocated from the
grant, how the outcomes will be measured, and which priorities of the Police & Crime Plan it serves.
The board agrees the plan; a draft is marked DRAFT on every page. At year end an *evaluation return*
reports, per project, what the allocation achieved and what was actually spent, with any overspend
or underspend ("Overspent by £440"), signed by the responsible officer.

Both are kept as workbooks (see docs/commissioning-and-evaluation.md):

* ``Document``: Kind = commissioning-plan or evaluation-return;
* ``Plan`` or ``Return`` (Field | Value): partnership, title, year, status, grant total,
  carry-forward and its note, "Over-allocation intended"; for a return also the signature fields and
  notes;
* ``Projects``: one row per project;
* ``Priorities`` (plan only, optional): number | priority, printed as a key under the table.

The money is checked before anything is drawn: every amount exact, the allocations totalled against
the grant plus carry-forward, an over-allocation refused unless the workbook says it is intended.
Every problem in the workbook is reported at once, each naming its cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from packbuilder import money, richtext, sheets
from packbuilder.documents import Loaded, register
from packbuilder.errors import Collector, InputError, Source
from packbuilder.model import DocumentData

STATUSES = {"draft": True, "final": False}

PLAN_COLUMNS = {
    "no.": ("no", "number", "ref", "#"),
    "title": ("project", "project/service", "service", "project or service", "project title"),
    "outline": ("brief outline", "description", "recommendation"),
    "amount allocated": (
        "amount",
        "allocated",
        "amount allocated £",
        "allocation",
        "opcc contribution",
        "contribution",
        "grant",
    ),
    "outcome measures": ("how the outcomes will be measured", "outcomes", "measures"),
    "priorities": (
        "priority",
        "priorities served",
        "police & crime plan priority",
        "police & crime plan priorities",
    ),
    "approved": ("comment/approved", "comment / approved", "agreed"),
    "total budget": ("total contract value", "total budget £"),
}
RETURN_COLUMNS = {
    "title": PLAN_COLUMNS["title"],
    "amount allocated": PLAN_COLUMNS["amount allocated"],
    "actual spend": ("spend", "actual", "spent", "actual spend £", "outturn"),
    "outcomes": ("outcome",),
    "comments": ("comment", "comments (including any underspend)", "notes"),
}


# --- the model -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Funding:
    """The fields both documents share: who, what, which year, the grant and the carry-forward."""

    partnership: str
    title: str
    year: str
    draft: bool
    grant: money.Amount
    carry_forward: money.Amount | None
    carry_forward_note: str
    over_allocation_intended: bool
    source: Source  # the Plan or Return sheet

    @property
    def heading(self) -> str:
        """'Spending Intentions 2020/21': the title and the year."""
        return " ".join(p for p in (self.title, self.year) if p)

    @property
    def amounts(self) -> tuple[money.Amount, ...]:
        return (self.grant,) + ((self.carry_forward,) if self.carry_forward else ())

    def balance(self, allocations: list[Decimal]) -> money.Balance:
        """The allocations totalled against the grant plus the carry-forward."""
        cfwd = self.carry_forward.value if self.carry_forward else money.ZERO
        return money.balance(self.grant.value, allocations, cfwd)


@dataclass(frozen=True, kw_only=True)
class Priority:
    """A priority of the Police & Crime Plan, from the Priorities sheet."""

    number: int
    name: str
    source: Source


@dataclass(frozen=True, kw_only=True)
class PlannedProject:
    """A row of a commissioning plan."""

    number: str  # as typed in the No. column, else its position
    title: str
    outline: tuple[richtext.Block, ...]
    amount: money.Amount
    total_budget: money.Amount | None
    measures: tuple[richtext.Block, ...]
    priorities: tuple[int, ...]  # numbers on the Priorities sheet
    approved: str
    source: Source  # the cell of its amount


@dataclass(frozen=True, kw_only=True)
class CommissioningPlan(DocumentData):
    """A commissioning plan, its money checked: the model of templates/commissioning-plan.docx."""

    funding: Funding
    amount_heading: str  # the amount column's heading as typed ("OPCC contribution")
    priorities_heading: str
    priorities: tuple[Priority, ...]
    projects: tuple[PlannedProject, ...]

    @property
    def amounts(self) -> tuple[money.Amount, ...]:
        """Every amount printed in the document (which decides whether pence are shown)."""
        return (*(p.amount for p in self.projects), *self.funding.amounts)


@dataclass(frozen=True, kw_only=True)
class ReturnedProject:
    """A row of an evaluation return."""

    title: str
    allocated: money.Amount
    spent: money.Amount
    outcomes: tuple[richtext.Block, ...]
    comments: tuple[richtext.Block, ...]
    source: Source  # the cell of its actual spend


# what a Notes cell holds when the return has no notes ("-", "n/a", "None"): printed, it was a
# "Notes:" label over a dash (a new user's review)
NO_NOTES = frozenset({"-", "\u2013", "\u2014", "n/a", "na", "n.a.", "none", "nil", "no notes"})


def _notes(text: str) -> tuple[richtext.Block, ...]:
    """The return's Notes: none when the cell is blank or says there are none (`NO_NOTES`), so
    that the template prints no "Notes:" label over nothing."""
    blocks = tuple(richtext.blocks(text))
    said = " ".join(b.text for b in blocks).strip().rstrip(".").lower()
    return () if said in NO_NOTES else blocks


@dataclass(frozen=True, kw_only=True)
class EvaluationReturn(DocumentData):
    """An evaluation return: the model of templates/evaluation-return.docx."""

    funding: Funding
    projects: tuple[ReturnedProject, ...]
    signed_by: str
    position: str
    signed_on: dt.date | None  # None: left blank, to be dated by hand when signed
    notes: tuple[richtext.Block, ...]

    @property
    def amounts(self) -> tuple[money.Amount, ...]:
        """Every amount printed in the document (which decides whether pence are shown)."""
        rows = (a for p in self.projects for a in (p.allocated, p.spent))
        return (*rows, *self.funding.amounts)


# --- the header both documents share -------------------------------------------------------------


def _status(fields: sheets.FieldSheet) -> bool:
    """Whether the document is a draft (the default when the Status row is missing)."""
    cell = fields.get("Status")
    if cell is None or cell.blank:
        return True
    value = sheets.text(cell).lower()
    if value not in STATUSES:
        raise InputError(
            f"status must be draft or final, got {sheets.text(cell)!r}; write draft or final",
            cell.source,
        )
    return STATUSES[value]


def _grant(fields: sheets.FieldSheet) -> money.Amount:
    return money.amount(fields.require("Grant total", "Grant"), "the grant total in pounds")


def _optional_amount(cell: sheets.Cell | None, what: str) -> money.Amount | None:
    if cell is None or cell.blank:
        return None
    return money.amount(cell, what)


def _optional(
    cell: sheets.Cell | None, what: str, errors: Collector, read: Any = sheets.text
) -> Any:
    """An optional cell read by `read` (its text by default); a lookup's #N/A there is read as
    blank with a warning (`sheets.optional`), any other spreadsheet error refused, naming it."""
    if cell is None:
        return read(sheets.Cell(None, Source(Path())))
    return errors.attempt(read, sheets.optional(cell, what, errors.warn), default=None)


def _optional_text(fields: sheets.FieldSheet, errors: Collector, what: str, *names: str) -> str:
    return _optional(fields.get(*names), what, errors) or ""


def _funding(fields: sheets.FieldSheet, errors: Collector) -> Funding:
    return Funding(
        partnership=_optional_text(fields, errors, "the partnership", "Partnership"),
        title=_optional_text(fields, errors, "the title", "Title"),
        year=_optional_text(fields, errors, "the year", "Year"),
        draft=errors.attempt(_status, fields, default=True),
        grant=errors.attempt(_grant, fields, default=money.Amount(money.ZERO)),
        carry_forward=errors.attempt(
            _optional_amount,
            fields.get("Carry forward", "Carry-forward"),
            "the carry-forward in pounds",
        ),
        carry_forward_note=_optional_text(
            fields, errors, "the carry-forward note", "Carry forward note", "Carry-forward note"
        ),
        over_allocation_intended=errors.attempt(
            sheets.yes_no,
            fields.get("Over-allocation intended"),
            "Over-allocation intended",
            default=False,
        ),
        source=fields.source(),
    )


def _check_balance(funding: Funding, allocated: list[Decimal], pence: bool) -> None:
    """An unintended over-allocation is an error."""
    bal = funding.balance(allocated)
    if bal.over_allocated and not funding.over_allocation_intended:
        raise InputError(
            f"the allocations total {money.pounds(bal.allocated, pence)}, more than the "
            f"{money.pounds(bal.available, pence)} available ({bal.label(pence).lower()}); "
            "correct the amounts, or add a row 'Over-allocation intended' with the value yes",
            funding.source,
        )


# --- priorities ----------------------------------------------------------------------------------


def _priorities(wb: sheets.Workbook, errors: Collector) -> tuple[Priority, ...]:
    if not wb.has_sheet("Priorities"):
        return ()
    table = wb.table(
        "Priorities",
        required=("no.", "priority"),
        aliases={"no.": ("no", "number", "#"), "priority": ("name", "title")},
        keep_errors=True,
    )
    out: dict[int, Priority] = {}
    for rec in table.records:
        cell = rec.cell("no.")
        number = errors.attempt(sheets.integer, cell, "a priority number")
        if number is None:
            continue
        if number in out:
            errors.add(
                InputError(
                    f"priority {number} is listed twice; number each priority once", cell.source
                )
            )
        name = errors.attempt(sheets.text, rec.cell("priority"), default="")
        out[number] = Priority(number=number, name=name, source=cell.source)
    return tuple(v for _, v in sorted(out.items()))


def _served_by(key: dict[int, str]) -> Any:
    """`_served` for one plan's priorities, as a reader of one cell."""
    return lambda cell: _served(cell, key)


def _title(rec: sheets.Record, errors: Collector) -> str:
    """A project's title, which it must have: empty, or a spreadsheet error, is refused."""
    cell = rec.cell("title")
    if cell.error:
        errors.add(sheets.spreadsheet_error(cell, "a title", "type the project's title"))
        return ""
    title = sheets.text(cell)
    if not title:
        errors.add(InputError("the project has no title; fill it in", cell.source))
    return title


def _served(cell: sheets.Cell, key: dict[int, str]) -> tuple[int, ...]:
    """The priority numbers in a cell such as '3, 4' or '2 and 5' (or a number)."""
    if cell.blank:
        return ()
    raw = sheets.text(cell)
    tokens = [t for t in re.split(r"[,;/&\s]+|\band\b", raw) if t]
    if not tokens or not all(re.fullmatch(r"\d+\.?", t) for t in tokens):
        raise InputError(
            f"expected priority numbers such as 3, 4, got {raw!r}; type the numbers from the "
            "Priorities sheet",
            cell.source,
        )
    numbers = [int(t.rstrip(".")) for t in tokens]
    if not key:
        raise InputError(
            "priority numbers are given but the workbook has no sheet 'Priorities' "
            "(No. | Priority); add it",
            cell.source,
        )
    unknown = [n for n in numbers if n not in key]
    if unknown:
        raise InputError(
            f"no priority {unknown[0]} on the Priorities sheet (it has "
            f"{', '.join(str(n) for n in sorted(key))}); use one of those numbers, or add the "
            "priority to the sheet",
            cell.source,
        )
    return tuple(sorted(set(numbers)))


# --- the commissioning plan ----------------------------------------------------------------------


def _measures(text: str) -> tuple[richtext.Block, ...]:
    """Outcome measures: as written when the cell has bullets, else every paragraph a bullet."""
    blocks = richtext.blocks(text)
    if any(b.bullet for b in blocks):
        return tuple(blocks)
    return tuple(richtext.Block(b.text, bullet=True) for b in blocks)


@register("commissioning-plan")
def load_commissioning_plan(wb: sheets.Workbook, rule: str = "england") -> Loaded:
    """A commissioning plan workbook, its money checked."""
    errors = Collector()
    # a spreadsheet error (#N/A, #REF! ...) is refused where a value is needed (an amount, a
    # title), a lookup's #N/A in an optional cell (an outline, a note) read as blank with a
    # warning; a cell not read does not stop the document
    fields = wb.fields("Plan", keep_errors=True)
    funding = _funding(fields, errors)
    priorities = _priorities(wb, errors)
    key = {p.number: p.name for p in priorities}
    table = wb.table(
        "Projects", required=("title", "amount allocated"), aliases=PLAN_COLUMNS, keep_errors=True
    )
    if not table.records:
        errors.add(
            InputError(
                "the sheet has no projects; add one row per project or service", table.source()
            )
        )
    projects: list[PlannedProject] = []
    numbers: dict[str, Source] = {}  # each project's number, where it was first given
    totals = _Totals()
    position = 0  # of the project in the list (total rows are not projects)
    for rec in table.records:
        if _typed_total(
            rec, errors, {"amount allocated": [p.amount.value for p in projects]}, totals
        ):
            continue
        if _run_on(rec, ("amount allocated", "total budget"), errors):
            continue
        position += 1
        number = errors.attempt(sheets.text, rec.cell("no."), default="") or str(position)
        if number in numbers:
            errors.add(
                InputError(
                    f"project number {number} is used twice (first at {numbers[number].cell}); "
                    "give each project its own number",
                    rec.cell("no.").source,
                )
            )
        numbers.setdefault(number, rec.cell("no.").source)
        amount = errors.attempt(money.amount, rec.cell("amount allocated"))
        budget = errors.attempt(
            _optional_amount, rec.cell("total budget"), "the total budget in pounds"
        )
        if amount is not None and budget is not None and budget.value < amount.value:
            pence = money.has_pence([budget.value, amount.value])
            errors.add(
                InputError(
                    f"the total budget {money.pounds(budget, pence)} is less than the "
                    f"{money.pounds(amount, pence)} this grant gives the project; correct it (the "
                    "total budget counts the money of every funder, this grant's too), or leave "
                    "it empty",
                    rec.cell("total budget").source,
                )
            )
        served = _optional(rec.cell("priorities"), "the priorities", errors, _served_by(key)) or ()
        title = _title(rec, errors)
        outline = _optional(rec.cell("outline"), "the outline", errors) or ""
        measures = _optional(rec.cell("outcome measures"), "the outcome measures", errors) or ""
        approved = _optional(rec.cell("approved"), "what is approved", errors) or ""
        if amount is None:
            continue  # its error is kept
        projects.append(
            PlannedProject(
                number=number,
                title=title,
                outline=tuple(richtext.blocks(outline)),
                amount=amount,
                total_budget=budget,
                measures=_measures(measures),
                priorities=served,
                approved=approved,
                source=rec.cell("amount allocated").source,
            )
        )
    heading = _optional_text(fields, errors, "the priorities heading", "Priorities heading")
    errors.raise_if_any()
    plan = CommissioningPlan(
        source=Source(wb.path),
        funding=funding,
        amount_heading=_heading(wb, table, "amount allocated"),
        priorities_heading=heading or "Police & Crime Plan priorities",
        priorities=priorities,
        projects=tuple(projects),
    )
    pence = money.has_pence(a.value for a in plan.amounts)
    _check_balance(funding, [p.amount.value for p in projects], pence)
    warnings = list(errors.warnings)
    if funding.draft:
        warnings.append(
            f"{wb.path.name}: the commissioning plan is a draft and says DRAFT on every page"
        )
    return Loaded(plan, title=funding.heading or "Commissioning plan", warnings=tuple(warnings))


# a row of the finance officer's own totals, however worded: "Total", "Totals:", "Total (£)",
# "Grand total", "Total allocated", "Sub-total", "Subtotal spend"
_TOTAL_ROW = re.compile(
    r"(?:grand |overall )?(?P<sub>sub ?)?totals?"
    r"(?: (?:allocated|allocation|allocations|amount|budget|spend|spent|actual spend|cost|costs))?"
)


def _total_kind(rec: sheets.Record) -> str:
    """ "total" or "sub-total" when the row is a total typed by the finance officer (its title, or
    its No. cell with the title empty, says so; a numbered project called "Total" is a project),
    else ""."""
    if rec.cell("title").error or rec.cell("no.").error:
        return ""  # (refused where the row is read as a project)
    title, number = sheets.text(rec.cell("title")), sheets.text(rec.cell("no."))
    said = title or number
    if title and number:
        return ""
    words = re.sub(r"[-:£()]", " ", said.lower())
    m = _TOTAL_ROW.fullmatch(" ".join(words.split()))
    if not m:
        return ""
    return "sub-total" if m["sub"] else "total"


@dataclass
class _Totals:
    """Where the section of the next sub-total starts (after the previous sub-total)."""

    section: int = 0


def _typed_total(
    rec: sheets.Record, errors: Collector, above: dict[str, list[Decimal]], totals: _Totals
) -> bool:
    """Whether the row is a total typed by the finance officer (`_total_kind`), rather than a
    project: not a project, or the document would count every pound twice. A total's amounts
    must be what the projects above it add up to, a sub-total's what the projects since the
    previous sub-total add up to (packbuilder adds them up itself); one that is not is an error
    naming its cell."""
    kind = _total_kind(rec)
    if not kind:
        return False
    count = len(next(iter(above.values())))
    first = totals.section if kind == "sub-total" else 0
    for column, amounts in above.items():
        cell = rec.cell(column)
        if cell.blank:
            continue
        typed = errors.attempt(money.amount, cell)
        total = sum(amounts[first:], Decimal(0))
        if typed is not None and typed.value != total:
            pence = money.has_pence([typed.value, total])
            whose = "above it" if kind == "total" else "since the previous sub-total"
            errors.add(
                InputError(
                    f"the {kind} row says {money.pounds(typed.value, pence)} but the projects "
                    f"{whose} add up to {money.pounds(total, pence)}; correct it, or delete the "
                    "row (the totals are worked out from the projects)",
                    cell.source,
                )
            )
    if kind == "sub-total":
        totals.section = count
    return True


def _run_on(rec: sheets.Record, amounts: tuple[str, ...], errors: Collector) -> bool:
    """Whether the row holds text but no number, no title and no amount: text run on from the
    project above (what merged cells leave when unmerged, or a line typed in the next row). Not a
    project, and one error, rather than one for each missing cell."""
    if any(not rec.cell(c).blank for c in ("no.", "title", *amounts)):
        return False
    filled = next((c for c in rec.cells if not c.blank), None)
    if filled is None:
        return False
    above = max((r.row for r in rec.table.records if r.row < rec.row), default=0)
    where = f" (row {above})" if above else ""
    errors.add(
        InputError(
            "this row has text but no title and no amount, so it looks like more of the project "
            f"above{where}; move its text into that project's cells (Alt+Enter starts a new line "
            "in a cell), or give the row a title and an amount",
            filled.source,
        )
    )
    return True


def _heading(wb: sheets.Workbook, table: sheets.Table, column: str) -> str:
    """A column's heading as the workbook types it ('OPCC contribution'), for the table's header."""
    return sheets.text(table.header[table.columns[column]])


# --- the evaluation return -----------------------------------------------------------------------


@register("evaluation-return")
def load_evaluation_return(wb: sheets.Workbook, rule: str = "england") -> Loaded:
    """An evaluation return workbook: spend against allocation, its money checked."""
    errors = Collector()
    fields = wb.fields("Return", keep_errors=True)  # (errors read as in a plan)
    funding = _funding(fields, errors)
    table = wb.table(
        "Projects",
        required=("title", "amount allocated", "actual spend"),
        aliases=RETURN_COLUMNS,
        keep_errors=True,
    )
    if not table.records:
        errors.add(
            InputError(
                "the sheet has no projects; add one row per project or service", table.source()
            )
        )
    projects: list[ReturnedProject] = []
    totals = _Totals()
    for rec in table.records:
        sums = {
            "amount allocated": [p.allocated.value for p in projects],
            "actual spend": [p.spent.value for p in projects],
        }
        if _typed_total(rec, errors, sums, totals) or _run_on(
            rec, ("amount allocated", "actual spend"), errors
        ):
            continue
        allocated = errors.attempt(money.amount, rec.cell("amount allocated"))
        spent = errors.attempt(money.amount, rec.cell("actual spend"), "the actual spend in pounds")
        title = _title(rec, errors)
        outcomes = _optional(rec.cell("outcomes"), "the outcomes", errors) or ""
        comments = _optional(rec.cell("comments"), "the comments", errors) or ""
        if allocated is None or spent is None:
            continue  # its error is kept
        projects.append(
            ReturnedProject(
                title=title,
                allocated=allocated,
                spent=spent,
                outcomes=tuple(richtext.blocks(outcomes)),
                comments=tuple(richtext.blocks(comments)),
                source=rec.cell("actual spend").source,
            )
        )
    signed_on = errors.attempt(_signed_date, fields)
    signed_by = _optional_text(fields, errors, "the name", "Name (printed)", "Signed by", "Name")
    position = _optional_text(fields, errors, "the position", "Position")
    notes = _optional_text(fields, errors, "the notes", "Notes")
    errors.raise_if_any()
    ret = EvaluationReturn(
        source=Source(wb.path),
        funding=funding,
        projects=tuple(projects),
        signed_by=signed_by,
        position=position,
        signed_on=signed_on,
        notes=_notes(notes),
    )
    pence = money.has_pence(a.value for a in ret.amounts)
    _check_balance(funding, [p.allocated.value for p in projects], pence)
    return Loaded(
        ret, title=funding.heading or "Evaluation return", warnings=tuple(errors.warnings)
    )


def _signed_date(fields: sheets.FieldSheet) -> dt.date | None:
    cell = fields.get("Date", "Date signed")
    if cell is None or cell.blank:
        return None  # left blank, to be dated by hand when signed
    return sheets.date(cell, "the date signed")
