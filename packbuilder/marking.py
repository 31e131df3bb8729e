"""Where a workbook marks business exempt in a way packbuilder does not read: refused.

packbuilder keeps an agenda item's papers, or a minute's words, out of the public pack only when
its *Exempt paragraph* cell says so. A clerk who marks the business in another way (a column
headed "Part B", "Closed session", "In camera", "Pink paper", "NFP" or "Confidential" holding
Yes or 3; "exempt" or "Part II - exempt para 3" typed in the Status, Notes or Decision required
column) means it to be private, and without a refusal it would be published in full. So sheet
Agenda and sheet Minutes are read with this one policy (`unread`):

* a column whose heading names exemption, confidentiality or closed business
  (`exemption.marks_column`), but that is not read as the exempt paragraph, is refused at its
  heading, whatever it holds: the column was made to mark rows;
* a cell of a column not read as the exempt paragraph (a column not read at all, or read for
  something else) whose value is, or starts with, such a marking (`exemption.marking`: "exempt",
  "confidential", "Closed session", "Part II - para 3") is refused at the cell;
* columns of free text (a title, a minute's narrative, its resolutions) are not judged by this
  rule: mentioning that a report is exempt is what minutes and agendas do. Their readers refuse
  the sure labels in them themselves (`exemption.says_exempt`).
"""

from __future__ import annotations

from collections.abc import Collection

from packbuilder import exclusion, exemption, sheets
from packbuilder.errors import InputError


def unread(
    table: sheets.Table,
    read: Collection[int],
    free: Collection[int],
    rows: str,
    rule: str = "england",
) -> list[InputError]:
    """The cells of `table` that mark its rows exempt where packbuilder does not read it.

    Args:
        read: the indexes of the columns packbuilder reads (the exempt paragraph column among
            them, which is never refused here).
        free: the indexes of the read columns of free text, whose cells are not judged.
        rows: what a row is, as the messages say ("item", "minute").
        rule: the meeting's deadline rule, for what to type in Exempt paragraph.
    """
    errors: list[InputError] = []
    exempt = table.columns.get("exempt paragraph")
    width = max((len(r.cells) for r in table.records), default=0)
    width = max(width, len(table.header))
    give = _give(rule)
    for index in range(width):
        if index == exempt:
            continue
        heading = table.header[index] if index < len(table.header) else None
        typed = "" if heading is None or heading.blank else sheets.text(heading).strip()
        if index not in read and heading is not None and typed and exemption.marks_column(typed):
            errors.append(
                InputError(
                    f"the column {typed!r} looks as if it marks {rows}s exempt, but packbuilder "
                    f"does not read it, so they would be published in full; rename the column "
                    f"'Exempt paragraph' and put {give} in it (if the sheet has that column "
                    "already, move the marks into it and delete this column)",
                    heading.source,
                )
            )
            continue
        if index in free:
            continue
        for record in table.records:
            if _marked(record, exempt):
                continue  # (a row made exempt may say so again anywhere)
            cell = record.cells[index] if index < len(record.cells) else None
            said = None if cell is None else exemption.marking(cell.value, index not in read)
            if cell is None or said is None:
                continue
            where = (
                f"the column {typed!r}, which packbuilder reads for something else,"
                if index in read
                else f"the column {typed!r}, which packbuilder does not read,"
                if typed
                else "a column with no heading"
            )
            errors.append(
                InputError(
                    f"{where} says {sheets.text(cell).strip()!r} here, as if the {rows} were "
                    f"exempt, but only Exempt paragraph marks {rows}s exempt, so it would be "
                    f"published in full; put {give} in the column 'Exempt paragraph' and clear "
                    "this cell",
                    cell.source,
                )
            )
    return errors


def _marked(record: sheets.Record, exempt: int | None) -> bool:
    """Whether the row's Exempt paragraph cell makes it exempt (or says, on purpose, `public`):
    `no`, `none` or `-` answer nothing, so that a column filled in beforehand publishes nothing."""
    cell = record.cells[exempt] if exempt is not None and exempt < len(record.cells) else None
    if cell is None or cell.blank:
        return False
    said = sheets.normalise(cell.value) if isinstance(cell.value, str) else ""
    return said == exemption.PUBLIC or said not in exemption.NOT_EXEMPT


def _give(rule: str) -> str:
    """What marks a row exempt under `rule`: the paragraph, or a parish council's word."""
    if rule == "parish":
        return "confidential"
    part, paragraphs = exclusion.PARTS.get(rule, exclusion.PARTS["england"])
    return f"the paragraph number ({paragraphs[0]} to {paragraphs[-1]} of {part} of Schedule 12A)"
