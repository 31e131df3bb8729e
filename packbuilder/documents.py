"""Document kinds: how a data workbook becomes a Word document.

A *data workbook* is a paper of an agenda item that fills a Word template rather than being
included as it is. Its sheet ``Document`` (Field | Value) names the kind::

    Kind   | minutes
    Title  | Draft minutes, 30 September 2019     (optional: the bookmark title)

A kind is a template (``templates/<kind>.docx``) plus a loader that reads and validates the workbook
into a typed model (a subclass of `model.DocumentData`); `contexts` turns the model into the
template's context. Kinds with rules of their own (minutes, commissioning plans, evaluation returns)
register a loader with `register`; any other kind falls back to `load_workbook_data`, which gives
the template every sheet, so a new kind of document needs only a template and a workbook.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packbuilder import sheets
from packbuilder.errors import InputError, Source
from packbuilder.model import DocumentData, Paper, PaperKind
from packbuilder.templates import find_template


@dataclass(frozen=True)
class Loaded:
    """What a kind's loader returns: the typed data, a title, and warnings for the summary."""

    data: DocumentData
    title: str = ""
    warnings: tuple[str, ...] = ()
    # what members entitled to see exempt information read besides `data`, which holds less
    # (the exempt minutes in full, at the end of the private pack: `kinds.minutes`); None: none
    members: DocumentData | None = None


# a kind's loader: the workbook, and the meeting's deadline rule (england, wales or parish), which
# says under which law the exempt business it records is held back (`exclusion`)
Loader = Callable[[sheets.Workbook, str], Loaded]

_LOADERS: dict[str, Loader] = {}


def register(kind: str) -> Callable[[Loader], Loader]:
    """Decorator: the loader for a kind of document (its name is also its template's name)."""

    def deco(fn: Loader) -> Loader:
        _LOADERS[kind] = fn
        return fn

    return deco


def known_kinds() -> list[str]:
    _import_builtin_kinds()
    return sorted(_LOADERS)


def _import_builtin_kinds() -> None:
    # Importing registers them; done lazily so that this module has no import cycle with them.
    import importlib

    for name in ("minutes", "money_documents", "performance"):
        try:
            importlib.import_module(f"packbuilder.kinds.{name}")
        except ModuleNotFoundError as exc:  # a kind not written yet
            if exc.name != f"packbuilder.kinds.{name}":
                raise


def slug(name: str) -> str:
    """A sheet or column name as a template variable: 'Time allowed' -> 'time_allowed'."""
    s = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip().lower()).strip("_")
    return s if s and not s[0].isdigit() else f"_{s}"


@dataclass(frozen=True, kw_only=True)
class Value:
    """A cell's text exactly as typed, and where it was typed."""

    text: str
    source: Source


@dataclass(frozen=True, kw_only=True)
class FieldsSheet:
    """A Field | Value sheet of a workbook of any other kind: its rows in order."""

    name: str
    fields: tuple[tuple[str, Value], ...]


@dataclass(frozen=True, kw_only=True)
class TableSheet:
    """A table sheet of a workbook of any other kind: its column headings and rows."""

    name: str
    columns: tuple[str, ...]  # as normalised by `sheets.normalise`
    rows: tuple[tuple[Value, ...], ...]  # one Value a column, in `columns` order


@dataclass(frozen=True, kw_only=True)
class WorkbookData(DocumentData):
    """A data workbook of a kind with no rules of its own: every sheet, as text."""

    sheets: tuple[FieldsSheet | TableSheet, ...]


def load_workbook_data(wb: sheets.Workbook, rule: str = "england") -> Loaded:
    """Every sheet, for a template: a sheet whose first header cell is 'Field' (or 'Setting') is a
    field sheet, any other a table. Values are text, exactly as typed."""
    out: list[FieldsSheet | TableSheet] = []
    for name in wb.sheet_names:
        first = next(wb.rows(name), None)
        if first is not None and sheets.heading_key(str(first[0].value)) in {"field", "setting"}:
            fs = wb.fields(name)
            pairs = tuple((k, Value(text=sheets.text(c), source=c.source)) for k, c in fs.items())
            out.append(FieldsSheet(name=name, fields=pairs))
            continue
        table = wb.table(name)
        # each column once, by its heading as typed: `table.columns` also holds the loosened
        # key of a heading ("outline" for "Outline:"), which printed the column twice
        heading: dict[int, str] = {}
        for key, index in table.columns.items():
            heading.setdefault(index, key)
        columns = tuple(heading[i] for i in sorted(heading))
        rows = tuple(
            tuple(Value(text=sheets.text(c), source=c.source) for c in map(rec.cell, columns))
            for rec in table.records
        )
        out.append(TableSheet(name=name, columns=columns, rows=rows))
    title = next(
        (
            v.text
            for sheet in out
            if isinstance(sheet, FieldsSheet) and slug(sheet.name) == "document"
            for k, v in sheet.fields
            if slug(k) == "title"
        ),
        "",
    )
    return Loaded(WorkbookData(source=Source(wb.path), sheets=tuple(out)), title)


def load_data_paper(
    path: Path, source: Source, meeting_folder: Path, rule: str = "england"
) -> Paper:
    """Read a data workbook: find its kind and template, validate, return a DATA paper.

    Args:
        rule: the meeting's deadline rule, which says under which law exempt business is held
            back (`exclusion.read`).
    """
    _import_builtin_kinds()
    wb = sheets.Workbook(path)
    if not wb.has_sheet("Document"):
        raise InputError(
            "a workbook listed as a paper needs a sheet 'Document'; add it, with a row 'Kind' "
            f"(one of: {', '.join(known_kinds())}, or the name of a template in templates/)",
            Source(path),
        )
    # (a spreadsheet error in a cell read here is judged as the kinds judge theirs: refused in
    # Kind, a lookup's #N/A in Title read as no title, with a warning)
    doc = wb.fields("Document", keep_errors=True)
    kind_cell = doc.require("Kind")
    kind = slug(sheets.text(kind_cell)).replace("_", "-")
    template = find_template(kind, meeting_folder)
    if template is None:
        raise InputError(
            f"no template for kind {sheets.text(kind_cell)!r}; use one of "
            f"{', '.join(known_kinds())} or add templates/{kind}.docx",
            kind_cell.source,
        )
    loader = _LOADERS.get(kind, load_workbook_data)
    loaded = loader(wb, rule)
    title_cell = doc.get("Title")
    said: list[str] = []
    if title_cell is not None:
        title_cell = sheets.optional(title_cell, "the title", said.append)
    title = (sheets.text(title_cell) if title_cell else "") or loaded.title or _title_from(path)
    warnings = tuple(dict.fromkeys(loaded.warnings + tuple(said)))  # (a kind may say it too)
    return Paper(
        path=path,
        kind=PaperKind.DATA,
        title=title,
        source=source,
        template=kind,
        data=loaded.data,
        warnings=warnings + tuple(wb.hidden_notes()) + tuple(wb.unprintable_notes()),
        members_data=loaded.members,
    )


def _title_from(path: Path) -> str:
    """A bookmark title from a file name: 'appendix-a_strategic assessment.pdf' -> 'Appendix a
    strategic assessment'."""
    stem = re.sub(r"[_]+", " ", path.stem).strip()
    return stem[:1].upper() + stem[1:] if stem else path.name


title_from_filename = _title_from
