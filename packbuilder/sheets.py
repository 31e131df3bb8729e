"""Reading workbooks: the one module that imports openpyxl.

Meeting workbooks and data workbooks share two shapes of sheet:

* a *field sheet* (Field | Value): one setting a row, looked up by name, case-insensitively;
* a *table sheet*: a header row, then one record a row, columns looked up by name.

Every value comes back with its `Source` (file, sheet, cell), so that whoever parses it can say
exactly where a bad value is. Formula cells yield the value Excel or LibreOffice saved; a formula
without a saved value is an error telling the user to open and save the workbook.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.abc
import io
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packbuilder import dates
from packbuilder.errors import InputError, Source
from packbuilder.safezip import MAX_WORKBOOK_XML_BYTES, check_office_zip, read_member
from packbuilder.unprintable import UNUSUAL, described, unprintable, unusual

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024


def normalise(name: str) -> str:
    """Header or field name as a lookup key: 'Time allowed (mins)' -> 'time allowed (mins)'."""
    return re.sub(r"\s+", " ", str(name)).strip().lower()


@dataclass(frozen=True)
class Cell:
    value: Any
    source: Source
    merged_into: str | None = None  # the merged range, when this cell is hidden by a merge
    number_format: str = "General"  # as Excel shows the value: "0%" means 0.88 reads as 88%
    # the spreadsheet error the cell shows ("#N/A", "#REF!"), read with `keep_errors` (its value
    # is then None): never blank, and every reader of a value refuses it (`spreadsheet_error`)
    error: str = ""

    @property
    def blank(self) -> bool:
        if self.error:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


class Workbook:
    """A workbook opened for reading values (formulas resolved to their saved values)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values, self._formulas = _open(path)
        # rows and columns hidden in Excel (or by a filter) that hold something read: reading
        # does not leave them out, which the person who hid them may expect (`hidden_notes`)
        self._hidden_rows: dict[str, set[int]] = {}
        self._hidden_columns: dict[str, set[str]] = {}
        self._hidden_sheets: set[str] = set()  # hidden sheets read, that hold something
        # the characters beyond Latin of the text read (`unprintable`), each its first cell's
        self._unusual: dict[str, Source] = {}

    def hidden_notes(self) -> list[str]:
        """A warning for each hidden sheet read, and each sheet read with hidden rows or columns,
        that holds something: they are read, and printed or counted, like any other."""
        out = []
        for sheet in sorted(self._hidden_sheets):
            out.append(
                f"{Source(self.path, sheet)}: the sheet is hidden in the workbook but read like "
                "any other (hiding it does not leave it out); delete it if it should not be in "
                "the pack"
            )
        for sheet in sorted(
            (set(self._hidden_rows) | set(self._hidden_columns)) - self._hidden_sheets
        ):
            rows = sorted(self._hidden_rows.get(sheet, ()))
            columns = sorted(self._hidden_columns.get(sheet, ()), key=lambda c: (len(c), c))
            what = []
            if rows:
                numbers = _listed([str(r) for r in rows])
                what.append(("row " if len(rows) == 1 else "rows ") + numbers)
            if columns:
                what.append(("column " if len(columns) == 1 else "columns ") + _listed(columns))
            one = len(rows) + len(columns) == 1
            out.append(
                f"{Source(self.path, sheet)}: {' and '.join(what)} "
                f"{'is' if one else 'are'} hidden in the workbook but read like any other (hiding "
                f"or filtering does not leave {'it' if one else 'them'} out); delete "
                f"{'it' if one else 'them'} if {'it' if one else 'they'} should not be in the pack"
            )
        return out

    def _note_unusual(self, value: object, src: Source) -> None:
        if isinstance(value, str) and UNUSUAL.search(value):
            for char in unusual(value):
                self._unusual.setdefault(char, src)

    def unprintable_notes(self) -> list[str]:
        """A warning for each cell read holding characters no installed font has (the first
        cell with each: `unprintable`), which the pack would print as empty boxes."""
        missing = unprintable("".join(self._unusual))
        cells: dict[Source, str] = {}
        for char in missing:
            cells[self._unusual[char]] = cells.get(self._unusual[char], "") + char
        return [f"{where}: {described(chars)}" for where, chars in cells.items()]

    @property
    def sheet_names(self) -> list[str]:
        return list(self._values.sheetnames)

    def has_sheet(self, name: str) -> bool:
        return self._find(name) is not None

    def _find(self, name: str) -> str | None:
        for actual in self._values.sheetnames:
            if normalise(actual) == normalise(name):
                return str(actual)
        return None

    def _sheet_name(self, name: str) -> str:
        actual = self._find(name)
        if actual is None:
            have = ", ".join(self._values.sheetnames)
            raise InputError(
                f"no sheet named {name!r} (sheets: {have}); add it or rename the sheet",
                Source(self.path),
            )
        return actual

    def rows(self, sheet: str, keep_errors: bool = False) -> Iterator[list[Cell]]:
        """Every non-empty row of a sheet, each cell with its source.

        A cell showing a spreadsheet error (#N/A, #REF! ...) is refused at once, naming every
        such cell of the sheet; with `keep_errors` it is given as a `Cell` with its `error`, for
        a reader that decides, column by column, what an error there means (a figure's is
        refused, an optional comment's read as blank with a warning: `optional`), and a cell
        never read does not stop the build."""
        name = self._sheet_name(sheet)
        ws = self._values[name]
        fws = self._formulas[name]
        merged = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merged[(r, c)] = str(rng)
        for r, row in _stored_rows(ws, Source(self.path, name)):
            cells = []
            for i, c in enumerate(row):
                if c is None:  # a gap in the stored cells: an empty cell, in its place
                    cells.append(Cell(None, Source(self.path, name, f"{_column_letter(i)}{r}")))
                    continue
                cells.append(self._cell(ws, fws, name, c, merged, keep_errors))
            if any(not c.blank for c in cells):
                if ws.sheet_state != "visible":
                    self._hidden_sheets.add(name)
                self._note_hidden(ws, name, r, cells)
                yield cells

    def _cell(
        self, ws: Any, fws: Any, name: str, c: Any, merged: dict[Any, str], keep_errors: bool
    ) -> Cell:
        """One stored cell, its formula's saved value checked (`rows`)."""
        src = Source(self.path, name, c.coordinate)
        value = c.value
        if value is None and _unsaved(fws, c):
            others = self._also(
                ws, name, c.coordinate, lambda x: x.value is None and _unsaved(fws, x)
            )
            formula = _formula_text(fws[c.coordinate].value)
            raise InputError(
                f"formula {formula} has no saved value{others}; open the workbook in "
                "Excel or LibreOffice and save it, so that its results are stored",
                src,
            )
        if _shows_error(value) or _error_cell(c):
            if keep_errors:
                shown_as = str(value).strip().upper() if value is not None else "#ERROR"
                return Cell(None, src, merged.get((c.row, c.column)), "General", shown_as)
            others = self._also(
                ws, name, c.coordinate, lambda x: _shows_error(x.value) or _error_cell(x)
            )
            raise InputError(
                f"the cell shows the spreadsheet error {value}{others}; fix the formula",
                src,
            )
        self._note_unusual(value, src)
        return Cell(value, src, merged.get((c.row, c.column)), c.number_format)

    def _note_hidden(self, ws: Any, name: str, row: int, cells: list[Cell]) -> None:
        dims = ws.row_dimensions.get(row)
        if dims is not None and dims.hidden:
            self._hidden_rows.setdefault(name, set()).add(row)

    def coloured(self, source: Source) -> bool:
        """Whether a cell is filled with a colour other than white: what a cell may say by colour
        alone (a RAG cell shaded green with no word in it), which reading its value misses."""
        from openpyxl.utils.cell import coordinate_to_tuple  # noqa: PLC0415 - (see _openpyxl)

        if source.sheet is None or source.cell is None:
            return False
        ws = self._values[source.sheet]
        cell = ws._cells.get(coordinate_to_tuple(source.cell))  # (never made by looking)
        fill = getattr(cell, "fill", None)
        if fill is None or fill.fill_type != "solid":
            return False
        colour = fill.fgColor
        return not (colour.type == "rgb" and str(colour.rgb)[-6:].upper() == "FFFFFF")

    def hidden_columns(self, sheet: str) -> set[int]:
        """The 0-based indexes of the columns of `sheet` hidden in the workbook."""
        from openpyxl.utils.cell import column_index_from_string  # noqa: PLC0415 - (see _openpyxl)

        ws = self._values[sheet]
        out: set[int] = set()
        for letter, dims in ws.column_dimensions.items():
            if dims.hidden:  # (one entry may stand for a run of columns: min to max)
                first = int(dims.min or column_index_from_string(letter))
                out.update(range(first - 1, max(first, int(dims.max or first))))
        return out

    def note_hidden_column(self, sheet: str, index: int) -> None:
        """A hidden column of `sheet` whose cells are read (`Record.cell`)."""
        self._hidden_columns.setdefault(sheet, set()).add(_column_letter(index))

    def _also(self, ws: Any, name: str, first: str, wrong: Any, most: int = 10) -> str:
        """The other cells of the sheet after `first` with the same problem (`wrong(cell)`), as
        words for the message: every one is named at once, not one a build."""
        found: list[str] = []
        seen = False
        for _r, row in _stored_rows(ws, Source(self.path, name)):
            for c in row:
                if c is None:
                    continue
                if c.coordinate == first:
                    seen = True
                elif seen and wrong(c):
                    found.append(c.coordinate)
        if not found:
            return ""
        more = len(found) - most
        shown = ", ".join(found[:most]) + (f" and {more} more" if more > 0 else "")
        return f" (and so do {shown})"

    def fields(self, sheet: str, keep_errors: bool = False) -> FieldSheet:
        return FieldSheet(self, self._sheet_name(sheet), keep_errors)

    def table(
        self,
        sheet: str,
        required: tuple[str, ...] = (),
        aliases: dict[str, tuple[str, ...]] | None = None,
        keep_errors: bool = False,
    ) -> Table:
        return Table(self, self._sheet_name(sheet), required, aliases or {}, keep_errors)


_ERRORS = {"#REF", "#VALUE", "#DIV", "#NAME", "#N/A", "#NUM", "#NULL"}


def _shows_error(value: object) -> bool:
    """Whether a cell's saved value is a spreadsheet error (#REF!, #DIV/0! ...)."""
    return isinstance(value, str) and value.startswith("#") and value.rstrip("!?/0") in _ERRORS


def _formula_text(formula: Any) -> str:
    """A formula as typed: an array formula's text is held by the object openpyxl gives."""
    return str(getattr(formula, "text", formula))


def _error_cell(cell: Any) -> bool:
    """Whether the workbook stores the cell as an error (``t="e"``: #SPILL!, #CALC! and every
    error a newer Excel has, whatever its text)."""
    return getattr(cell, "data_type", None) == "e" and cell.value is not None


def _unsaved(fws: Any, cell: Any) -> bool:
    """Whether `cell` holds a formula in `fws`, the formulas' view of its sheet (its saved
    value being None: the caller knows): a plain formula, an array formula ({=...}, or a
    dynamic array) or a data table."""
    formula = fws[cell.coordinate].value
    if isinstance(formula, str):
        return formula.startswith("=")
    return type(formula).__name__ in {"ArrayFormula", "DataTableFormula"}


MAX_SHEET_CELLS = 2_000_000


def _stored_rows(ws: Any, src: Source) -> Iterator[tuple[int, list[Any]]]:
    """The rows holding cells, each a list from column A to its last stored cell (None for gaps).

    ``ws.iter_rows()`` walks the whole rectangle up to the furthest cell: one stray cell typed at
    XFD1048576 would make that 17 billion cells. Only stored cells are walked here, and a sheet
    whose rows would still add up to millions of cells is refused, naming its furthest cell.
    """
    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), cell in ws._cells.items():  # openpyxl's store of the cells the file holds
        by_row.setdefault(r, {})[c] = cell
    budget = MAX_SHEET_CELLS
    for r in sorted(by_row):
        cols = by_row[r]
        width = max(cols)
        budget -= width
        if budget < 0:
            far = by_row[r][width].coordinate
            raise InputError(
                f"the sheet has cells as far out as {far}; delete the rows and columns beyond your "
                "table (select them, right-click, Delete) and save the workbook again",
                src.at(far),
            )
        yield r, [cols.get(c) for c in range(1, width + 1)]


class _NoNumpyForOpenpyxl(importlib.abc.MetaPathFinder):
    """Refuses numpy to openpyxl's `compat.numbers` alone, on the thread importing it.

    openpyxl imports numpy when it is installed (matplotlib, for the charts, brings it) only to
    accept numpy numbers written to cells; this module only reads. numpy took 0.07 s of every
    command's start (a tenth of a one-cell rebuild's own work). Any other import of numpy, on
    any thread, is left alone: only the stack of the import in progress is looked at. It is put
    first on `sys.meta_path` once and stays there (taking it out while another thread imports
    could make that import skip a finder). openpyxl then accepts no numpy numbers written to
    cells for the life of the process; nothing in packbuilder writes workbooks.
    """

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "numpy":
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__") == "openpyxl.compat.numbers":
                    raise ImportError("numpy is not needed to read workbooks")
                frame = frame.f_back  # type: ignore[assignment]
        return None


_FINDER_LOCK = threading.Lock()


def _openpyxl() -> Any:
    """openpyxl, imported without numpy (`_NoNumpyForOpenpyxl`)."""
    if "openpyxl" not in sys.modules:
        with _FINDER_LOCK:
            if not any(isinstance(f, _NoNumpyForOpenpyxl) for f in sys.meta_path):
                sys.meta_path.insert(0, _NoNumpyForOpenpyxl())
    import openpyxl  # noqa: PLC0415 - imported only here

    return openpyxl


STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _open(path: Path) -> tuple[Any, Any]:
    openpyxl = _openpyxl()

    src = Source(path)
    if not path.is_file():
        raise InputError("file not found; check the file name", src)
    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise InputError("workbook is larger than 50 MB; check it is the right file", src)
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "this is a password-protected or old-format (.xls) workbook; remove the password or "
            "save it as an Excel workbook (.xlsx)",
            src,
        )
    if not head.startswith(b"PK"):
        raise InputError(
            "this is not an Excel workbook (.xlsx), perhaps a CSV or another file renamed; "
            "open it and save it as an Excel workbook",
            src,
        )
    check_office_zip(
        path,
        src,
        what="workbook",
        member="xl/workbook.xml",
        damaged="this workbook is damaged or incomplete (perhaps cut short while copying or "
        "downloading); ask for it again, or open it in Excel and save it again",
        not_office="this is a zip file but not an Excel workbook (no xl/workbook.xml); open the "
        "real workbook in Excel and save it as .xlsx",
    )
    # Excel's "Strict Open XML Spreadsheet" is an .xlsx in other namespaces: openpyxl finds no
    # sheets in it, and "no sheet named 'Agenda' (sheets: )" would send the advisor looking for one
    if STRICT_NAMESPACE in (read_member(path, "xl/workbook.xml", MAX_WORKBOOK_XML_BYTES) or b""):
        raise InputError(
            "this workbook is saved as Strict Open XML, which packbuilder cannot read; in Excel "
            "choose File > Save As > Excel Workbook (.xlsx), not Strict Open XML Spreadsheet",
            src,
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation and other extensions it does not read; harmless
            warnings.simplefilter("ignore")
            # from bytes in memory: openpyxl leaves its file open when a hostile file makes it
            # raise, and a long-running caller (the web page) must not leak file handles
            data = path.read_bytes()
            values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # noqa: BLE001 - a hostile or broken file can make openpyxl raise
        # anything (KeyError, TypeError, XML errors ...); each is a problem with the file, not a bug
        raise InputError(
            "this workbook is damaged or was saved by a program Excel does not recognise; open it "
            "in Excel or LibreOffice and save it again as .xlsx",
            src,
        ) from None
    return values, formulas


class FieldSheet:
    """A Field | Value sheet."""

    def __init__(self, wb: Workbook, sheet: str, keep_errors: bool = False) -> None:
        self.path = wb.path
        self.sheet = sheet
        self._cells: dict[str, Cell] = {}
        self.names: dict[str, str] = {}
        self.name_cells: dict[str, Cell] = {}  # the cell each field's name is typed in
        # rows that say one thing twice, differently, so that one would be lost without a word:
        # a field typed twice, or a field and its other name ("Start time" and "Time")
        self.problems: dict[tuple[str, ...], InputError] = {}
        for row in wb.rows(sheet, keep_errors):
            if len(row) < 1 or row[0].blank:
                continue
            if row[0].error:
                raise spreadsheet_error(row[0], "a field's name")
            # a label as a heading is matched: "Date:", "Grant total (£)" are Date, Grant total
            key = heading_key(str(row[0].value))
            if key in {"field", "setting"}:
                continue  # header row
            value = (
                row[1]
                if len(row) > 1
                else Cell(None, row[0].source.at(_right_of(row[0].source.cell)))
            )
            earlier = self._cells.get(key)
            if earlier is not None and not earlier.blank and value.blank:
                continue  # an empty row of a field given above says nothing: the value stands
            if earlier is not None and not earlier.blank and not _alike(earlier, value):
                first = self.name_cells[key]
                self.problems[(key,)] = InputError(
                    f"{str(row[0].value).strip()!r} is given twice, here and in cell "
                    f"{first.source.cell}, and only one row would be used; delete one of them, "
                    "or put both values in one cell",
                    row[0].source,
                )
            self._cells[key] = value
            self.names[key] = str(row[0].value).strip()
            self.name_cells[key] = row[0]

    def source(self) -> Source:
        return Source(self.path, self.sheet)

    def get(self, name: str, *aliases: str) -> Cell | None:
        """The row of a field, by its name or another name for it; a second of them giving
        another value is one of `problems`."""
        found = [heading_key(k) for k in (name, *aliases) if heading_key(k) in self._cells]
        filled = [k for k in found if not self._cells[k].blank]
        for other in filled[1:]:
            if not _alike(self._cells[other], self._cells[filled[0]]):
                first = self.name_cells[filled[0]]
                self.problems[(filled[0], other)] = InputError(
                    f"{self.names[other]!r} and {self.names[filled[0]]!r} (cell "
                    f"{first.source.cell}) are two names of one field, and say different "
                    f"things: {text(self._cells[other])[:40]!r} and "
                    f"{text(self._cells[filled[0]])[:40]!r}; delete the row that is wrong",
                    self.name_cells[other].source,
                )
        # (the field's row left empty, as a template has it, and its other name filled in:
        # "Start time" blank, "Time" 10 am - 1 pm)
        return self._cells[(filled or found)[0]] if found else None

    def require(self, name: str, *aliases: str) -> Cell:
        cell = self.get(name, *aliases)
        if cell is None:
            raise InputError(
                f"no row for {name!r}; add a row with {name!r} in column A and its value in "
                "column B",
                self.source(),
            )
        if cell.blank:
            raise InputError(f"{name} is empty; fill it in", cell.source)
        return cell

    def text(self, name: str, *aliases: str) -> str:
        """The text of a row that may be missing or blank ('' then)."""
        cell = self.get(name, *aliases)
        return text(cell) if cell is not None else ""

    def items(self) -> Iterator[tuple[str, Cell]]:
        for key, cell in self._cells.items():
            yield self.names[key], cell


def _right_of(cell: str | None) -> str | None:
    """The name of the cell to the right: 'AZ5' -> 'BA5'."""
    from openpyxl.utils.cell import (  # noqa: PLC0415 - imported only here
        column_index_from_string,
        coordinate_from_string,
        get_column_letter,
    )

    if not cell:
        return cell
    try:
        column, row = coordinate_from_string(cell)
    except ValueError:
        return cell
    return f"{get_column_letter(column_index_from_string(column) + 1)}{row}"


class Table:
    """A table sheet: the first non-empty row is the header."""

    def __init__(
        self,
        wb: Workbook,
        sheet: str,
        required: tuple[str, ...],
        aliases: dict[str, tuple[str, ...]],
        keep_errors: bool = False,
    ) -> None:
        self.path = wb.path
        self.sheet = sheet
        self.workbook = wb
        self.hidden = wb.hidden_columns(sheet)
        rows = list(wb.rows(sheet, keep_errors))
        self.columns: dict[str, int] = {}
        self.records: list[Record] = []
        self.header: list[Cell] = []  # the header row's cells, as typed
        if not rows:
            if required:
                raise InputError(
                    f"the sheet is empty; add a header row with {', '.join(required)}",
                    Source(self.path, sheet),
                )
            return
        start = _header_row(rows, required, aliases)
        header = self.header = rows[start]
        self.columns = _columns(header, aliases)
        missing = [c for c in required if normalise(c) not in self.columns]
        if missing:
            header_row = re.sub(r"[A-Z]+", "", header[0].source.cell or "1")
            found = ", ".join(c.error or str(c.value).strip() for c in header if not c.blank)
            quoted = [repr(m[:1].upper() + m[1:]) for m in missing]
            wanted = (
                f"no column {quoted[0]}"
                if len(quoted) == 1
                else f"no columns {', '.join(quoted[:-1])} and {quoted[-1]}"
            )
            raise InputError(
                f"{wanted} in the header row (row {header_row} has: {found or 'nothing'}); add the "
                "column or correct its heading",
                Source(self.path, sheet, f"A{header_row}"),
            )
        for row in rows[start + 1 :]:
            for cell in row:
                if cell.merged_into:
                    raise InputError(
                        f"cells {cell.merged_into} are merged; unmerge them and fill in every row",
                        cell.source,
                    )
            self.records.append(Record(self, row))

    def source(self) -> Source:
        return Source(self.path, self.sheet)


def heading_key(name: str) -> str:
    """A column heading or a field's label as a lookup key, as people vary it: 'Amount
    allocated (£)', 'Amount allocated £', 'Outline:', 'Notes :' and 'Outcome measures*' are
    'amount allocated', 'outline', 'notes' and 'outcome measures'; 'Project / Service' is
    'project/service'. Every sheet's headings and labels are matched by it (`FieldSheet`,
    `Table`, the Agenda's and the figures sheets' own readers), so that a trailing colon or
    space is harmless everywhere."""
    key = re.sub(r"\(\s*(?:£|gbp)\s*\)|£", " ", normalise(name))
    key = re.sub(r"\s*/\s*", "/", key)
    return normalise(key).rstrip(" :*")


def _columns(header: list[Cell], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each heading of a header row (as typed, and as `heading_key` loosens it), and each
    canonical name whose alias is a heading, -> its column's index."""
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        if not cell.blank and not cell.error:
            columns.setdefault(normalise(str(cell.value)), i)
    for i, cell in enumerate(header):
        if not cell.blank and not cell.error:
            columns.setdefault(heading_key(str(cell.value)), i)
    for canonical, names in aliases.items():
        for n in names:
            found = columns.get(normalise(n), columns.get(heading_key(n)))
            if found is not None and canonical not in columns:
                columns[canonical] = found
    return columns


# how far down a sheet its heading row is looked for, under title lines
_TITLE_LINES = 4


def _header_row(
    rows: list[list[Cell]], required: tuple[str, ...], aliases: dict[str, tuple[str, ...]]
) -> int:
    """Which of the non-empty rows is the heading row: the first, unless it lacks a required
    heading and is a title line (`title_line`), as are any rows after it down to a row that has
    every required heading."""

    def complete(row: list[Cell]) -> bool:
        columns = _columns(row, aliases)
        return all(normalise(c) in columns for c in required)

    if not required or complete(rows[0]):
        return 0
    for k, row in enumerate(rows[: _TITLE_LINES + 1]):
        if complete(row):
            return k
        if not title_line(row):
            break
    return 0


def title_line(row: list[Cell]) -> bool:
    """Whether a row above a table's headings is a title line: one cell filled (perhaps merged
    across the table), or two, a title and a date or a word at its right ("as at 05/03/2020",
    "draft"), but no number: a row with an amount or a figure is data, never skipped."""
    filled = [c for c in row if not c.blank]
    return 1 <= len(filled) <= 2 and not any(
        isinstance(c.value, int | float) and not isinstance(c.value, bool) for c in filled
    )


class Record:
    """One row of a table sheet."""

    def __init__(self, table: Table, cells: list[Cell]) -> None:
        self.table = table
        self.cells = cells
        self.row = int(re.sub(r"[A-Z]+", "", cells[0].source.cell or "0")) if cells else 0

    def cell(self, column: str) -> Cell:
        idx = self.table.columns.get(normalise(column))
        if idx is None:
            return Cell(None, Source(self.table.path, self.table.sheet, None))
        if idx < len(self.cells):
            cell = self.cells[idx]
            if idx in self.table.hidden and not cell.blank:
                self.table.workbook.note_hidden_column(self.table.sheet, idx)
            return cell
        col_letter = _column_letter(idx)
        return Cell(None, Source(self.table.path, self.table.sheet, f"{col_letter}{self.row}"))


def _listed(names: list[str], most: int = 10) -> str:
    """`names` as words: "3", "3 and 5", "3, 5 and 7", "3, 5, ... and 4 more"."""
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _column_letter(idx: int) -> str:
    """The letter of the column at 0-based `idx`: 0 -> 'A', 26 -> 'AA'."""
    from openpyxl.utils.cell import get_column_letter  # noqa: PLC0415 - imported only here

    return get_column_letter(idx + 1)


# --- parsing cell values -------------------------------------------------------------------------


# Thousands as people group them, in figures and in amounts alike: with commas ("1,250,000"), or
# with spaces as a web page, a PDF or Word gives them when copied ("1 250 000", the spaces
# ordinary, no-break U+00A0, thin U+2009 or narrow no-break U+202F): one separator throughout,
# between every three digits. `DIGITS` finds such a run in a larger pattern, `ungroup` checks it.
DIGITS = r"[0-9](?:[0-9,\u00a0\u2009\u202f ]*[0-9])?"
_GROUPED = re.compile(r"[0-9]{1,3}(?:([,\u00a0\u2009\u202f ])[0-9]{3})(?:\1[0-9]{3})*|[0-9]+")


def ungroup(digits: str) -> str | None:
    """A run of `DIGITS` as plain digits: '1 250 000' and '1,250,000' are '1250000'; None when it
    is grouped otherwise ('25,00', '1,250 000', '12 34'), which is a slip, not a number."""
    m = _GROUPED.fullmatch(digits)
    return None if m is None else re.sub(r"[^0-9]", "", digits)


def text(cell: Cell) -> str:
    """A cell as text, exactly as typed (numbers without a trailing .0).

    Raises:
        InputError: the cell shows a spreadsheet error (`spreadsheet_error`).
    """
    if cell.error:
        raise spreadsheet_error(cell)
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return dates.short_date(v)
    return str(v).strip()


def _alike(a: Cell, b: Cell) -> bool:
    """Whether two cells of one field say the same: as typed, or as the spreadsheet shows them
    (a time cell 13:00 and the text "13:00"; a date cell and "05/03/2020")."""
    if a.error or b.error:
        return a.error == b.error
    return text(a) == text(b) or _as_shown(a) == _as_shown(b)


def _as_shown(cell: Cell) -> str:
    v = cell.value
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, dt.time | dt.datetime):
        return f"{v:%H:%M}" if isinstance(v, dt.time) else f"{v:%d/%m/%Y %H:%M}"
    return text(cell)


def shown(cell: Cell) -> str:
    """A cell's value as the spreadsheet shows it, for a message: 'TBC' (quoted), the date
    01/04/2020, the time 10:30, TRUE, 1234.5, or an empty cell (never Python's spelling of a
    value, such as datetime.datetime(2020, 4, 1, 0, 0))."""
    v = cell.value
    if cell.error:
        return f"the spreadsheet error {cell.error}"
    if cell.blank:
        return "an empty cell"
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, dt.datetime) and v.time() != dt.time(0):
        return f"the date and time {v:%d/%m/%Y %H:%M} (the cell is formatted as a date)"
    if isinstance(v, dt.datetime | dt.date):
        return f"the date {v:%d/%m/%Y} (the cell is formatted as a date)"
    if isinstance(v, dt.time):
        return f"the time {v:%H:%M} (the cell is formatted as a time)"
    if isinstance(v, str):
        return repr(v)
    return text(cell)


# what each spreadsheet error says went wrong, in words for the message
ERROR_MEANINGS = {
    "#N/A": "a lookup found nothing",
    "#REF!": "the formula refers to cells that were deleted",
    "#DIV/0!": "the formula divides by zero",
    "#VALUE!": "the formula works on a value of the wrong kind",
    "#NAME?": "the formula names a function or a range the spreadsheet does not know",
    "#NUM!": "the formula's result is no number the spreadsheet can show",
    "#NULL!": "the formula's ranges do not meet",
}


def spreadsheet_error(cell: Cell, what: str = "a value", instead: str = "") -> InputError:
    """The refusal of a cell showing a spreadsheet error where `what` is read: a lookup's #N/A
    in a figure must never be read as a number, nor as no figure, without the user knowing."""
    meaning = ERROR_MEANINGS.get(cell.error)
    said = f" ({meaning})" if meaning else ""
    return InputError(
        f"the cell shows the spreadsheet error {cell.error}{said}, not {what}; fix the formula, "
        f"or {instead or 'type the value in the cell'}",
        cell.source,
    )


def optional(cell: Cell, what: str, warn: Callable[[str], None]) -> Cell:
    """A cell of an optional column, where a lookup's #N/A means nothing to show: read as
    blank, with a warning naming the cell (`warn`). Any other error (#REF!, #VALUE! ...) is a
    broken formula, and is left for the cell's reader to refuse."""
    if cell.error != "#N/A":
        return cell
    warn(
        f"{cell.source}: the cell shows #N/A (a lookup found nothing), so {what} is left "
        "empty; fix the lookup if it should show something, or clear the cell"
    )
    return Cell(None, cell.source, cell.merged_into, cell.number_format)


YES = frozenset({"yes", "y", "x", "true", "✓", "✔"})
NO = frozenset({"no", "n", "false", "-"})


def yes_no(cell: Cell | None, what: str, also_yes: frozenset[str] = frozenset()) -> bool:
    """A yes/no cell ('yes', 'y', 'x', a tick; 'no', 'n', '-'); blank or missing is no."""
    if cell is not None and cell.error:
        raise spreadsheet_error(cell, "yes or no")
    if cell is None or cell.blank:
        return False
    value = normalise(text(cell))
    if value in YES or value in also_yes:
        return True
    if value in NO:
        return False
    raise InputError(
        f"{what}: expected 'yes', 'no' or blank, got {text(cell)!r}; write yes or no, or leave "
        "it blank",
        cell.source,
    )


_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",  # as many UK clerks type it ("17.12.2026"; seed 003's title says "07.04.16")
    "%d.%m.%y",
    "%d-%b-%y",  # Excel's own text of a date ("31-May-19"), as exports keep it
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%d %b %y",
    "%d %B %y",
    "%Y/%m/%d",
)


# a month and year without a day, as reports and exports write a period: "May 2019", "Sept 2019",
# "Mar-20" (Excel's own mmm-yy), "05/2019", "2019-05". ("May 19" is left out: 19 May, or 2019?)
_MONTH_FORMATS = ("%B %Y", "%b %Y", "%b-%y", "%B-%y", "%b-%Y", "%B-%Y", "%m/%Y", "%Y-%m")


def _month(text: str) -> dt.date | None:
    """The first day of the month `text` names without a day ("May 2019"), or None."""
    _, s = _weekday_and_rest(text)
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def shows_month_only(number_format: str) -> bool:
    """Whether a date cell's format shows its month and year but not its day ("mmm-yy",
    "mmmm yyyy"): the cell holds a day, but nobody looking at the sheet sees it."""
    shown = re.sub(r'\[[^\]]*\]|"[^"]*"|\\.', "", number_format).lower()
    return "d" not in shown and "m" in shown and "y" in shown and "h" not in shown


def month_or_date(cell: Cell, what: str = "a date") -> tuple[dt.date, bool]:
    """A date, or a month where a month is enough (a reporting period: "figures as at May
    2019"): the day, and whether the cell gives it (False: the first of the month given).

    Raises:
        InputError: naming the cell, when it is neither (`date`).
    """
    v = cell.value
    if isinstance(v, dt.datetime | dt.date) and shows_month_only(cell.number_format):
        day = v.date() if isinstance(v, dt.datetime) else v
        return day.replace(day=1), False
    month = _month(v) if isinstance(v, str) and not cell.error else None
    if month is not None:
        return month, False
    return date(cell, what), True


def date(cell: Cell, what: str = "a date") -> dt.date:
    """A date with its day: a date cell, or one typed as UK clerks type dates. A month without
    a day ("May 2019", or a date cell formatted to show only "May-19") is refused where a day
    is needed (`month_or_date` reads one where a month is enough).

    Raises:
        InputError: naming the cell, saying what is wrong and what to type.
    """
    if cell.error:
        raise spreadsheet_error(cell, what)
    v = cell.value
    if isinstance(v, dt.datetime | dt.date) and shows_month_only(cell.number_format):
        day = v.date() if isinstance(v, dt.datetime) else v
        raise InputError(
            f"the cell shows only a month ({day:%B %Y}; it holds {day:%d/%m/%Y}), and {what} "
            "needs the day; format the cell to show the day (Format Cells, Date), or type the "
            "full date",
            cell.source,
        )
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and _month(v) is not None:
        first = _month(v)
        assert first is not None
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        raise InputError(
            f"{v.strip()!r} is a month ({first:%B %Y}) without a day, and {what} needs the day; "
            f"type the full date, day/month/year, such as {last:%d/%m/%Y}",
            cell.source,
        )
    if isinstance(v, str):
        named, s = _weekday_and_rest(v)
        for fmt in _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(s, fmt).date()
            except ValueError:
                continue
            _same_weekday(v.strip(), named, day, cell, what)
            return day
    if isinstance(v, str):
        wrong = _impossible_date(v.strip())
        if wrong:
            raise InputError(
                f"{v.strip()!r} is not {what}: {wrong}; type the date as day/month/year, such as "
                "05/03/2020 (a date cell is best)",
                cell.source,
            )
    said = shown(cell)
    if isinstance(v, int | float) and not isinstance(v, bool) and 1 <= v < 2_958_466:
        # a date cell's number shown as a number (the cell formatted as General, or a workbook
        # written by a program that stored the serial number): say which date it stands for
        day = _EXCEL_DATES + dt.timedelta(days=int(v))
        raise InputError(
            f"expected {what} such as 05/03/2020, got {said}, which Excel counts as "
            f"{day:%d/%m/%Y}; format the cell as a date, or type the date",
            cell.source,
        )
    raise InputError(
        f"expected {what} such as 05/03/2020, got {said}; type a date (a date cell is best)",
        cell.source,
    )


# a weekday as agendas write it before the date: "Thursday", "Thurs", "Thu." ("Thursday, 14 Jan.
# 2027", "Thu 14 January 2027")
_WEEKDAYS = {
    **{name.lower(): n for n, name in enumerate(calendar.day_name)},
    **{name.lower(): n for n, name in enumerate(calendar.day_abbr)},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}  # fmt: skip


def _weekday_and_rest(text: str) -> tuple[str, str]:
    """A date typed as words, as the formats read it: the weekday it begins with, if any (as
    typed), and the rest without ordinals ("14th", "14th of"), commas, full stops after a word
    ("Jan."), September's "Sept" or a time of midnight after it (an export's "2019-05-31
    00:00:00")."""
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip())
    s = re.sub(r"^(\d{1,2}) of\b", r"\1", s, flags=re.IGNORECASE)  # "31st of May"
    s = re.sub(r"[ T]00:00(?::00)?$", "", s)  # a date exported with its time, midnight
    s = re.sub(r"\b([A-Za-z]{3,9})\.", r"\1", s.replace(",", " "))
    s = re.sub(r"\bSept\b", "Sep", s, flags=re.IGNORECASE)
    words = s.split()
    if words and words[0].lower() in _WEEKDAYS:
        return words[0], " ".join(words[1:])
    return "", " ".join(words)


def _same_weekday(text: str, named: str, day: dt.date, cell: Cell, what: str) -> None:
    """Refuse a date typed with a weekday that is not its own ("Wednesday 14 January 2027", a
    Thursday): one of the two is a slip, and only the advisor knows which."""
    if named and _WEEKDAYS[named.lower()] != day.weekday():
        said = calendar.day_name[_WEEKDAYS[named.lower()]]
        raise InputError(
            f"{text!r} is not {what}: {day.day} {day:%B %Y} is a {day:%A}, not a "
            f"{said}; correct the day or the date",
            cell.source,
        )


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")


def _impossible_date(text: str) -> str:
    """What is wrong with a day/month/year typed as numbers that is no date ("31/02/2027": there
    is no 31 February; "01/14/2027": there is no month 14, perhaps month/day), or ""."""
    m = _NUMERIC_DATE.match(text)
    if not m:
        return ""
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if len(m.group(3)) == 2:
        year += 2000
    if year < 1:
        return f"there is no year {m.group(3)}"
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 1 <= month <= 31:
            return (
                f"there is no month {month} (typed month/day? write {month:02d}/{day:02d}/{year})"
            )
        return f"there is no month {month}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"{dt.date(year, month, 1):%B} {year} has no day {day}"
    return ""


# day 0 of Excel's date numbers as they are read today (1 is 31 December 1899 here: Excel's
# imaginary 29 February 1900 is counted, so from March 1900 on this is the date Excel shows)
_EXCEL_DATES = dt.datetime(1899, 12, 30)

# the day Excel counts from, as openpyxl reads a number in a date or time cell (1 is 1 January
# 1900): a date and time so early is a number typed into a cell formatted as a time
_EXCEL_EPOCH = dt.datetime(1899, 12, 31)
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.I)


# noon as agendas write it: "12 noon", "12.00 noon", "Noon", "midday" (12pm to the clock)
_NOON = re.compile(r"\b(?:12(?:[.:]00)?\s*)?(?:noon|mid-?day)\b", re.I)


def noon(text: str) -> str:
    """`text` with noon written as 12pm: "10.30 am – 12 noon" is "10.30 am – 12pm"."""
    return _NOON.sub("12pm", text)


def time(cell: Cell, what: str = "a time") -> dt.time:
    if cell.error:
        raise spreadsheet_error(cell, what)
    v = cell.value
    if isinstance(v, dt.datetime) and v.year <= _EXCEL_EPOCH.year + 1:
        # a number typed into a cell formatted as a time: Excel counts it in days ("10" is ten
        # days, shown as 00:00; "10.3" is 07:12), not hours
        days = (v - _EXCEL_EPOCH).total_seconds() / 86400
        typed = f"{days:g}" if days < 1e6 else repr(v)
        raise InputError(
            f"expected {what} such as 14:00 or 2pm, got the number {typed}, which Excel counts "
            f"in days (it shows {v:%H:%M}); type the time with a colon, such as "
            f"{min(int(days), 23) if days >= 1 else 10}:00, or with am or pm",
            cell.source,
        )
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, float) and 0 <= v < 1:  # Excel stores times as fractions of a day
        minutes = round(v * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    if isinstance(v, str):
        m = _TIME_RE.match(noon(v.strip()))
        if m:
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            suffix = (m.group(3) or "").lower().replace(".", "")
            if suffix == "pm" and hour < 12:
                hour += 12
            if suffix == "am" and hour == 12:
                hour = 0
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
    raise InputError(
        f"expected {what} such as 14:00 or 2pm, got {shown(cell)}; type a time of day",
        cell.source,
    )


def integer(cell: Cell, what: str = "a whole number") -> int:
    if cell.error:
        raise spreadsheet_error(cell, what)
    v = cell.value
    if isinstance(v, bool):
        pass
    elif isinstance(v, int):
        return v
    elif (
        isinstance(v, float)
        and v.is_integer()
        or isinstance(v, str)
        and re.fullmatch(r"\s*\d+\s*", v)
    ):
        return int(v)
    raise InputError(f"expected {what}, got {shown(cell)}; type a whole number", cell.source)
