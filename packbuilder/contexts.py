"""Template contexts: the one place where a model becomes the values a Word template prints.

Loaders return typed models (`model.DocumentData` subclasses: exact Decimal money, dates, times);
templates print text. This module turns each model into the context its template expects; the
filters every template may use are `filters.FILTERS` (``pounds`` among them), which word a date or
an amount as `dates` and `money` do, as the frontsheet does.

The variable names are the templates' public interface: users restyle templates in Word and keep
their tags, so a context keeps its names even when the model behind it changes.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from decimal import Decimal
from typing import Any

from packbuilder import dates, exclusion, money, richtext
from packbuilder.documents import FieldsSheet, WorkbookData, slug
from packbuilder.kinds import performance
from packbuilder.kinds.minutes import MinuteItem, Minutes
from packbuilder.kinds.money_documents import (
    CommissioningPlan,
    EvaluationReturn,
    Funding,
)
from packbuilder.kinds.performance import PerformanceReport
from packbuilder.model import DocumentData


@functools.singledispatch
def template_context(data: DocumentData) -> dict[str, Any]:
    """The context of the template of `data`'s kind."""
    raise TypeError(f"no template context for {type(data).__name__}")


@template_context.register
def _minutes(data: Minutes) -> dict[str, Any]:
    # Dates and times stay dates and times: templates/minutes.docx words them with the filters.
    law = data.withheld_law() if data.exempt_only else None
    opening = exclusion.withheld(law) if law is not None else ""
    return {
        "body": data.body,
        "body_word": data.body_word,
        "date": data.date,
        "start": data.start,
        "finish": data.finish,
        "venue": data.venue,
        "future_meetings_note": list(data.future_meetings_note),
        "present": list(data.present),
        "apologies": list(data.apologies),
        "in_attendance": list(data.in_attendance),
        "absent": list(data.absent),
        "minutes": [_kept_together(m, opening) for m in data.minutes],
        "actions": list(data.actions),
        # the exempt minutes (the private pack's members-only part), which open as what they are
        # under the law every exempt minute cites; "" in the public minutes
        "exempt_only": data.exempt_only,
        "exempt_line": exclusion.unbroken(opening),
        # whether a minute is exempt: the actions log then says that their actions are not in it
        "has_exempt": any(m.exempt for m in data.minutes),
        "future_meetings": list(data.future_meetings),
        # the number of the minute that gives the dates (they print under it), else None
        "future_meetings_minute": data.future_meetings_minute,
    }


def _kept_together(m: MinuteItem, opening: str = "") -> MinuteItem:
    """An exempt minute as the minutes print it: the paragraphs its heading and NOT FOR
    PUBLICATION line cite held on one line ("paragraphs 3 and 5", `exclusion.unbroken`); its
    line left out where the exempt minutes open with the same (`opening`), as they do when every
    exempt minute cites the same paragraphs."""
    if not m.exempt:
        return m
    line = "" if m.withheld == opening else exclusion.unbroken(m.withheld)
    return replace(m, heading=exclusion.unbroken(m.heading), withheld=line)


def _funding(funding: Funding, allocated: list[Decimal], pence: bool) -> dict[str, Any]:
    """The header and the money summary both money documents print."""
    bal = funding.balance(allocated)
    cfwd = funding.carry_forward
    return {
        "partnership": funding.partnership,
        "title": funding.title,
        "year": funding.year,
        "heading": funding.heading,
        "draft": funding.draft,
        "status": "DRAFT" if funding.draft else "FINAL",
        "footer_label": " ".join(
            p for p in (funding.partnership.upper(), "DRAFT" if funding.draft else "") if p
        ),
        "carry_forward_note": funding.carry_forward_note,
        "over_allocation_intended": funding.over_allocation_intended,
        "grant_total": money.pounds(funding.grant, pence),
        "carry_forward": money.pounds(cfwd, pence) if cfwd else "",
        "available": money.pounds(bal.available, pence),
        "total_allocated": money.pounds(bal.allocated, pence),
        "remainder": money.pounds(abs(bal.remainder), pence),
        "remainder_label": bal.label(pence),
        "over_allocated": bal.over_allocated,
        "fully_allocated": bal.remainder == 0,
    }


@template_context.register
def _commissioning_plan(data: CommissioningPlan) -> dict[str, Any]:
    # Money is formatted here, not by filters: whether pence show is decided for the whole document.
    pence = money.has_pence(a.value for a in data.amounts)
    grant = data.funding.grant.value
    names = {p.number: p.name for p in data.priorities}
    ctx = _funding(data.funding, [p.amount.value for p in data.projects], pence)
    ctx.update(
        {
            "amount_heading": data.amount_heading,
            "has_total_budget": any(p.total_budget is not None for p in data.projects),
            "has_priorities": bool(data.priorities),
            "priorities_heading": data.priorities_heading,
            "priorities": [{"number": p.number, "name": p.name} for p in data.priorities],
            "projects": [
                {
                    "number": p.number,
                    "title": p.title,
                    "outline": list(p.outline),
                    "amount": money.pounds(p.amount, pence),
                    "share": money.share(p.amount.value, grant),
                    "total_budget": money.pounds(p.total_budget, pence) if p.total_budget else "",
                    "budget_share": (
                        money.share(p.amount.value, p.total_budget.value)
                        if p.total_budget and p.total_budget.value
                        else ""
                    ),
                    "measures": list(p.measures),
                    "priorities": [f"{n}. {names[n]}" for n in p.priorities],
                    "approved": p.approved,
                }
                for p in data.projects
            ],
        }
    )
    return ctx


@template_context.register
def _evaluation_return(data: EvaluationReturn) -> dict[str, Any]:
    pence = money.has_pence(a.value for a in data.amounts)
    allocated = [p.allocated.value for p in data.projects]
    total_allocated = sum(allocated, money.ZERO)
    total_spent = sum((p.spent.value for p in data.projects), money.ZERO)
    ctx = _funding(data.funding, allocated, pence)
    ctx.update(
        {
            "projects": [
                {
                    "title": p.title,
                    "allocated": money.pounds(p.allocated, pence),
                    "spent": money.pounds(p.spent, pence),
                    "outturn": money.outturn(p.allocated.value, p.spent.value, pence),
                    "overspent": p.spent.value > p.allocated.value,
                    "outcomes": list(p.outcomes),
                    "comments": list(p.comments),
                }
                for p in data.projects
            ],
            "total_spent": money.pounds(total_spent, pence),
            "total_outturn": money.outturn(total_allocated, total_spent, pence),
            "signed_by": data.signed_by,
            "position": data.position,
            "signed_on": dates.short_date(data.signed_on),
            "notes": list(data.notes),
        }
    )
    return ctx


@template_context.register
def _workbook(data: WorkbookData) -> dict[str, Any]:
    """Field sheets as a mapping, table sheets as a list of rows; each row also offers
    ``<column>_blocks`` (paragraphs and bullets, see `richtext`)."""
    ctx: dict[str, Any] = {}
    for sheet in data.sheets:
        if isinstance(sheet, FieldsSheet):
            ctx[slug(sheet.name)] = {slug(k): v.text for k, v in sheet.fields}
            continue
        rows = []
        for values in sheet.rows:
            row: dict[str, Any] = {}
            for column, value in zip(sheet.columns, values, strict=True):
                row[slug(column)] = value.text
                row[f"{slug(column)}_blocks"] = richtext.blocks(value.text)
            rows.append(row)
        ctx[slug(sheet.name)] = rows
    return ctx


@template_context.register
def _performance_report(data: PerformanceReport) -> dict[str, Any]:
    return performance.context(data)
