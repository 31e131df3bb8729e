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

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from packbuilder import money, richtext, sheets
from packbuilder.documents import Loaded, register
from packbuilder.errors import Collector, InputError, PackError, Source

T = TypeVar("T")

YES = {"yes", "y", "true", "x", "✓", "✔"}
NO = {"no", "n", "false", "-", ""}
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


def _attempt(errors: Collector, default: T, fn: Callable[..., T], *args: Any) -> T:
    """Run one check, keeping its error for the report so that every bad cell is named at once."""
    try:
        return fn(*args)
    except PackError as exc:
        errors.add(exc)
        return default


def _flag(cell: sheets.Cell | None, what: str) -> bool:
    if cell is None:
        return False
    value = sheets.text(cell).lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise InputError(f"{what}: expected yes or no, got {sheets.text(cell)!r}", cell.source)


def _status(fields: sheets.FieldSheet) -> bool:
    """Whether the document is a draft (the default when the Status row is missing)."""
    cell = fields.get("Status")
    if cell is None or cell.blank:
        return True
    value = sheets.text(cell).lower()
    if value not in STATUSES:
        raise InputError(f"status must be draft or final, got {sheets.text(cell)!r}", cell.source)
    return STATUSES[value]


def _grant(fields: sheets.FieldSheet) -> money.Amount:
    return money.amount(fields.require("Grant total", "Grant"), "the grant total in pounds")


def _optional_amount(cell: sheets.Cell | None, what: str) -> money.Amount | None:
    if cell is None or cell.blank:
        return None
    return money.amount(cell, what)


def _header(fields: sheets.FieldSheet, errors: Collector) -> dict[str, Any]:
    """The fields both documents share: who, what, which year, the grant and the carry-forward."""
    partnership = _field_text(fields, "Partnership")
    title = _field_text(fields, "Title")
    year = _field_text(fields, "Year")
    grant = _attempt(errors, money.Amount(money.ZERO), _grant, fields)
    cfwd = _attempt(
        errors,
        None,
        _optional_amount,
        fields.get("Carry forward", "Carry-forward"),
        "the carry-forward in pounds",
    )
    draft = _attempt(errors, True, _status, fields)
    intended = _attempt(
        errors, False, _flag, fields.get("Over-allocation intended"), "Over-allocation intended"
    )
    note = fields.get("Carry forward note", "Carry-forward note")
    return {
        "partnership": partnership,
        "title": title,
        "year": year,
        "heading": " ".join(p for p in (title, year) if p),
        "draft": draft,
        "status": "DRAFT" if draft else "FINAL",
        "footer_label": " ".join(p for p in (partnership.upper(), "DRAFT" if draft else "") if p),
        "grant": grant,
        "carry_forward": cfwd,
        "carry_forward_note": sheets.text(note) if note else "",
        "over_allocation_intended": intended,
    }


def _money_context(
    head: dict[str, Any], allocated: list[Decimal], pence: bool, source: Source
) -> dict[str, Any]:
    """Totals and remainder, formatted; an unintended over-allocation is an error."""
    grant: money.Amount = head["grant"]
    cfwd: money.Amount | None = head["carry_forward"]
    bal = money.balance(grant.value, allocated, cfwd.value if cfwd else money.ZERO)
    if bal.over_allocated and not head["over_allocation_intended"]:
        raise InputError(
            f"the allocations total {money.pounds(bal.allocated, pence)}, more than the "
            f"{money.pounds(bal.available, pence)} available ({bal.label(pence).lower()}); "
            "correct the amounts, or add a row 'Over-allocation intended' with the value yes",
            source,
        )
    return {
        "grant_total": money.pounds(grant, pence),
        "carry_forward": money.pounds(cfwd, pence) if cfwd else "",
        "available": money.pounds(bal.available, pence),
        "total_allocated": money.pounds(bal.allocated, pence),
        "remainder": money.pounds(abs(bal.remainder), pence),
        "remainder_label": bal.label(pence),
        "over_allocated": bal.over_allocated,
        "fully_allocated": bal.remainder == 0,
    }


# --- priorities ----------------------------------------------------------------------------------


def _priorities(wb: sheets.Workbook, errors: Collector) -> dict[int, str]:
    if not wb.has_sheet("Priorities"):
        return {}
    table = wb.table(
        "Priorities",
        required=("no.", "priority"),
        aliases={"no.": ("no", "number", "#"), "priority": ("name", "title")},
    )
    out: dict[int, str] = {}
    for rec in table.records:
        number = _attempt(errors, None, sheets.integer, rec.cell("no."), "a priority number")
        if number is None:
            continue
        if number in out:
            errors.add(
                InputError(
                    f"priority {number} is listed twice; number each priority once",
                    rec.cell("no.").source,
                )
            )
        out[number] = sheets.text(rec.cell("priority"))
    return out


def _served(cell: sheets.Cell, key: dict[int, str]) -> list[int]:
    """The priority numbers in a cell such as '3, 4' or '2 and 5' (or a number)."""
    if cell.blank:
        return []
    raw = sheets.text(cell)
    tokens = [t for t in re.split(r"[,;/&\s]+|\band\b", raw) if t]
    if not tokens or not all(re.fullmatch(r"\d+\.?", t) for t in tokens):
        raise InputError(f"expected priority numbers such as 3, 4; got {raw!r}", cell.source)
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
            f"{', '.join(str(n) for n in sorted(key))})",
            cell.source,
        )
    return sorted(set(numbers))


# --- the commissioning plan ----------------------------------------------------------------------


def _measures(text: str) -> list[richtext.Block]:
    """Outcome measures: as written when the cell has bullets, else every paragraph a bullet."""
    blocks = richtext.blocks(text)
    if any(b.bullet for b in blocks):
        return blocks
    return [richtext.Block(b.text, bullet=True) for b in blocks]


@register("commissioning-plan")
def load_commissioning_plan(wb: sheets.Workbook) -> Loaded:
    """A commissioning plan workbook as the template's context, its money checked."""
    errors = Collector()
    fields = wb.fields("Plan")
    head = _header(fields, errors)
    key = _priorities(wb, errors)
    table = wb.table("Projects", required=("title", "amount allocated"), aliases=PLAN_COLUMNS)
    if not table.records:
        errors.add(
            InputError(
                "the sheet has no projects; add one row per project or service", table.source()
            )
        )
    rows: list[dict[str, Any]] = []
    for n, rec in enumerate(table.records, start=1):
        amount = _attempt(errors, None, money.amount, rec.cell("amount allocated"))
        budget = _attempt(
            errors, None, _optional_amount, rec.cell("total budget"), "the total budget in pounds"
        )
        served: list[int] = _attempt(errors, [], _served, rec.cell("priorities"), key)
        title = sheets.text(rec.cell("title"))
        if not title:
            errors.add(InputError("the project has no title; fill it in", rec.cell("title").source))
        rows.append(
            {
                "rec": rec,
                "number": sheets.text(rec.cell("no.")) or str(n),
                "title": title,
                "amount": amount,
                "budget": budget,
                "served": served,
            }
        )
    errors.raise_if_any()
    amounts = [r["amount"].value for r in rows]
    extra = [head["grant"].value] + ([head["carry_forward"].value] if head["carry_forward"] else [])
    pence = money.has_pence(amounts + extra)
    ctx = {k: v for k, v in head.items() if k not in {"grant", "carry_forward"}}
    ctx.update(_money_context(head, amounts, pence, fields.source()))
    grant = head["grant"].value
    has_budget = any(r["budget"] is not None for r in rows)
    ctx.update(
        {
            "amount_heading": _heading(wb, table, "amount allocated"),
            "has_total_budget": has_budget,
            "has_priorities": bool(key),
            "priorities_heading": (
                _field_text(fields, "Priorities heading") or "Police & Crime Plan priorities"
            ),
            "priorities": [{"number": k, "name": v} for k, v in sorted(key.items())],
            "projects": [
                {
                    "number": r["number"],
                    "title": r["title"],
                    "outline": richtext.blocks(sheets.text(r["rec"].cell("outline"))),
                    "amount": money.pounds(r["amount"], pence),
                    "share": money.share(r["amount"].value, grant),
                    "total_budget": money.pounds(r["budget"], pence) if r["budget"] else "",
                    "budget_share": (
                        money.share(r["amount"].value, r["budget"].value)
                        if r["budget"] and r["budget"].value
                        else ""
                    ),
                    "measures": _measures(sheets.text(r["rec"].cell("outcome measures"))),
                    "priorities": [f"{p}. {key[p]}" for p in r["served"]],
                    "approved": sheets.text(r["rec"].cell("approved")),
                }
                for r in rows
            ],
        }
    )
    warnings = []
    if ctx["draft"]:
        warnings.append(
            f"{wb.path.name}: the commissioning plan is a draft and says DRAFT on every page"
        )
    return Loaded(ctx, title=ctx["heading"] or "Commissioning plan", warnings=warnings)


def _heading(wb: sheets.Workbook, table: sheets.Table, column: str) -> str:
    """A column's heading as the workbook types it ('OPCC contribution'), for the table's header."""
    header = next(wb.rows(table.sheet))
    return sheets.text(header[table.columns[column]])


# --- the evaluation return -----------------------------------------------------------------------


@register("evaluation-return")
def load_evaluation_return(wb: sheets.Workbook) -> Loaded:
    """An evaluation return workbook as the template's context: spend against allocation."""
    errors = Collector()
    fields = wb.fields("Return")
    head = _header(fields, errors)
    table = wb.table(
        "Projects", required=("title", "amount allocated", "actual spend"), aliases=RETURN_COLUMNS
    )
    if not table.records:
        errors.add(
            InputError(
                "the sheet has no projects; add one row per project or service", table.source()
            )
        )
    rows: list[tuple[sheets.Record, str, money.Amount | None, money.Amount | None]] = []
    for rec in table.records:
        allocated = _attempt(errors, None, money.amount, rec.cell("amount allocated"))
        spent = _attempt(
            errors, None, money.amount, rec.cell("actual spend"), "the actual spend in pounds"
        )
        title = sheets.text(rec.cell("title"))
        if not title:
            errors.add(InputError("the project has no title; fill it in", rec.cell("title").source))
        rows.append((rec, title, allocated, spent))
    signed = _attempt(errors, "", _signed_date, fields)
    errors.raise_if_any()
    checked = [(rec, t, a, s) for rec, t, a, s in rows if a is not None and s is not None]  # all
    allocated_values = [a.value for _, _, a, _ in checked]
    spent_values = [s.value for _, _, _, s in checked]
    extra = [head["grant"].value] + ([head["carry_forward"].value] if head["carry_forward"] else [])
    pence = money.has_pence(allocated_values + spent_values + extra)
    ctx = {k: v for k, v in head.items() if k not in {"grant", "carry_forward"}}
    ctx.update(_money_context(head, allocated_values, pence, fields.source()))
    total_allocated = sum(allocated_values, money.ZERO)
    total_spent = sum(spent_values, money.ZERO)
    ctx.update(
        {
            "projects": [
                {
                    "title": title,
                    "allocated": money.pounds(allocated, pence),
                    "spent": money.pounds(spent, pence),
                    "outturn": money.outturn(allocated.value, spent.value, pence),
                    "overspent": spent.value > allocated.value,
                    "outcomes": richtext.blocks(sheets.text(rec.cell("outcomes"))),
                    "comments": richtext.blocks(sheets.text(rec.cell("comments"))),
                }
                for rec, title, allocated, spent in checked
            ],
            "total_spent": money.pounds(total_spent, pence),
            "total_outturn": money.outturn(total_allocated, total_spent, pence),
            "signed_by": _field_text(fields, "Name (printed)", "Signed by", "Name"),
            "position": _field_text(fields, "Position"),
            "signed_on": signed,
            "notes": richtext.blocks(_field_text(fields, "Notes")),
        }
    )
    return Loaded(ctx, title=ctx["heading"] or "Evaluation return")


def _field_text(fields: sheets.FieldSheet, name: str, *aliases: str) -> str:
    cell = fields.get(name, *aliases)
    return sheets.text(cell) if cell is not None else ""


def _signed_date(fields: sheets.FieldSheet) -> str:
    cell = fields.get("Date", "Date signed")
    if cell is None or cell.blank:
        return ""  # left blank, to be dated by hand when signed
    d = sheets.date(cell, "the date signed")
    return f"{d.day} {d:%B %Y}"
