"""Document kinds: how a data workbook becomes a Word document.

A *data workbook* is a paper of an agenda item that fills a Word template rather than being included
as
it is. Its sheet ``Document`` (Field | Value) names the kind::

    Kind   | minutes
    Title  | Draft minutes, 30 September 2019     (optional: the bookmark title)

A kind is a template (``templates/<kind>.docx``) plus a loader that reads and validates the workbook
into the template's context. Kinds with rules of their own (minutes, commissioning plans, evaluation
returns) register a loader with `register`; any other kind falls back to `generic_context`, which
exposes every sheet to the template, so a new kind of document needs only a template and a workbook.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packbuilder import richtext, sheets
from packbuilder.errors import InputError, Source
from packbuilder.model import Paper, PaperKind
from packbuilder.templates import find_template


@dataclass
class Loaded:
    """What a kind's loader returns: the template context, a title, and warnings for the summary."""

    context: dict[str, Any]
    title: str = ""
    warnings: list[str] = field(default_factory=list)


Loader = Callable[[sheets.Workbook], Loaded]

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


def generic_context(wb: sheets.Workbook) -> Loaded:
    """Every sheet to the template: field sheets as a mapping, others as a list of rows.

    A sheet whose first header cell is 'Field' is a field sheet. Values are text, exactly as typed;
    each row also offers ``<column>_blocks`` (paragraphs and bullets, see `richtext`).
    """
    ctx: dict[str, Any] = {}
    for name in wb.sheet_names:
        rows = list(wb.rows(name))
        if not rows:
            ctx[slug(name)] = []
            continue
        if sheets.normalise(str(rows[0][0].value)) in {"field", "setting"}:
            fs = wb.fields(name)
            ctx[slug(name)] = {slug(k): sheets.text(c) for k, c in fs.items()}
        else:
            table = wb.table(name)
            records = []
            for rec in table.records:
                row: dict[str, Any] = {}
                for col, idx in table.columns.items():
                    value = sheets.text(rec.cells[idx]) if idx < len(rec.cells) else ""
                    row[slug(col)] = value
                    row[f"{slug(col)}_blocks"] = richtext.blocks(value)
                records.append(row)
            ctx[slug(name)] = records
    title = (
        str(ctx.get("document", {}).get("title", ""))
        if isinstance(ctx.get("document"), dict)
        else ""
    )
    return Loaded(ctx, title)


def load_data_paper(path: Path, source: Source, meeting_folder: Path) -> Paper:
    """Read a data workbook: find its kind and template, validate, return a DATA paper."""
    _import_builtin_kinds()
    wb = sheets.Workbook(path)
    if not wb.has_sheet("Document"):
        raise InputError(
            "a workbook listed as a paper needs a sheet 'Document' with a row 'Kind' "
            f"(one of: {', '.join(known_kinds())}, or the name of a template in templates/)",
            Source(path),
        )
    doc = wb.fields("Document")
    kind_cell = doc.require("Kind")
    kind = slug(sheets.text(kind_cell)).replace("_", "-")
    template = find_template(kind, meeting_folder)
    if template is None:
        raise InputError(
            f"no template for kind {sheets.text(kind_cell)!r}; use one of "
            f"{', '.join(known_kinds())} or add templates/{kind}.docx",
            kind_cell.source,
        )
    loader = _LOADERS.get(kind, generic_context)
    loaded = loader(wb)
    title_cell = doc.get("Title")
    title = (sheets.text(title_cell) if title_cell else "") or loaded.title or _title_from(path)
    return Paper(
        path=path,
        kind=PaperKind.DATA,
        title=title,
        source=source,
        template=kind,
        context=loaded.context,
        warnings=tuple(loaded.warnings),
    )


def _title_from(path: Path) -> str:
    """A bookmark title from a file name: 'appendix-a_strategic assessment.pdf' -> 'Appendix a
    strategic assessment'."""
    stem = re.sub(r"[_]+", " ", path.stem).strip()
    return stem[:1].upper() + stem[1:] if stem else path.name


title_from_filename = _title_from
