"""All errors packbuilder raises on purpose.

Every error carries where it happened (a file, and within it a sheet and cell, or a page) and what
the user should do, so that the command line can print it as one line and exit non-zero. A traceback
reaching a user is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, overload

T = TypeVar("T")
D = TypeVar("D")


@dataclass(frozen=True)
class Source:
    """Where a value came from: a file, and optionally a sheet and a cell (or a page)."""

    file: Path
    sheet: str | None = None
    cell: str | None = None
    page: int | None = None

    def __repr__(self) -> str:
        """The file by its name alone: a template that prints a whole record (a person of the
        minutes carries the cell of their name) must not publish where the meeting lives."""
        return f"Source({self.file.name!r}, {self.sheet!r}, {self.cell!r}, {self.page!r})"

    def __str__(self) -> str:
        parts = [_display_path(self.file)]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        return ", ".join(parts)

    def at(self, cell: str | None) -> Source:
        return Source(self.file, self.sheet, cell)


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class PackError(Exception):
    """Base of every error packbuilder raises on purpose: one line for the user."""

    def __init__(self, message: str, source: Source | Path | None = None) -> None:
        if isinstance(source, Path):
            source = Source(source)
        self.message = message
        self.source = source
        # what else a check found that is only worth pointing out, when it stopped at errors:
        # shown after them, so that fixing the errors brings no surprise (`load_meeting`)
        self.warnings: list[str] = []
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.source is None:
            return one_line(self.message)
        return one_line(f"{self.source}: {self.message}")


# Everything Python's str.splitlines() breaks at: a cell or a file name holding one of these must
# not break the promise of one line per error.
_LINE_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """`text` with its line breaks (from cells typed with Alt+Enter, or odd file names) as
    spaces, and at most MAX_LINE characters."""
    text = _LINE_BREAKS.sub(" ", text).strip()
    if len(text) > MAX_LINE:  # a cell of 40,000 characters quoted back is no message at all
        text = f"{text[: MAX_LINE - 400]} [...] {text[-300:]}"
    return text


MAX_LINE = 1000


class InputError(PackError):
    """A workbook, a folder or a paper is wrong: the user must fix the input."""


class MissingPaperError(InputError):
    """A paper the agenda names is not in the meeting folder (yet): `status` tells these apart."""


class TemplateError(PackError):
    """A Word template cannot be rendered (syntax error, unknown variable)."""


class ConversionError(PackError):
    """LibreOffice could not turn a Word document into PDF."""


class AssemblyError(PackError):
    """A PDF cannot be read or merged into the pack."""


class PublishError(PackError):
    """The pack cannot be written to the output folder."""


class BuildLockedError(PublishError):
    """Another build of the same meeting into the same output folder is running."""


class ErrorList(PackError):
    """Several problems found at once (by `packbuilder check`, or loading a whole meeting)."""

    def __init__(self, errors: list[PackError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def by_file(self, default: Path) -> dict[str, list[str]]:
        """The problems grouped by the file they are in (`default` for one that names none), in
        the order the files were first met: what `check`, `build` and the web page show."""
        grouped: dict[str, list[str]] = {}
        for e in self.errors:
            file = str(Source(e.source.file if e.source else Path(default)))
            grouped.setdefault(file, []).append(str(e))
        return grouped


class Collector:
    """Gathers errors so that a whole meeting is checked before anything is reported."""

    def __init__(self) -> None:
        self.errors: list[PackError] = []
        self.warnings: list[str] = []

    def add(self, error: PackError) -> None:
        if isinstance(error, ErrorList):
            self.errors.extend(error.errors)
        else:
            self.errors.append(error)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @overload
    def attempt(self, fn: Callable[..., T], *args: Any) -> T | None: ...

    @overload
    def attempt(self, fn: Callable[..., T], *args: Any, default: D) -> T | D: ...

    def attempt(self, fn: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """`fn(*args)`, or `default` with its error kept: every bad cell is named at once."""
        try:
            return fn(*args)
        except PackError as exc:
            self.add(exc)
            return default

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ErrorList(list(self.errors))
