"""Reading a built pack back as a user would check it: page text, stamps, ranges, bookmarks.

Everything here is derived from the PDF itself (pypdf), never from packbuilder's own layout code, so
that tests compare the frontsheet's claims with what is really on the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

FILLER = "This page is intentionally left blank"
PAGE_STAMP = re.compile(r"(?m)^\s*Page (\d+)\s*$")
ITEM_STAMP = re.compile(r"Agenda Item (\S+)")
RANGE = re.compile(r"\(Pages? (\d+)(?: - (\d+))?\)")


@dataclass
class Pack:
    path: Path
    reader: PdfReader
    texts: list[str]

    @classmethod
    def read(cls, path: Path) -> Pack:
        reader = PdfReader(path)
        return cls(path, reader, [p.extract_text() or "" for p in reader.pages])

    @property
    def page_count(self) -> int:
        return len(self.texts)

    def stamp(self, index: int) -> int | None:
        """The "Page N" stamp of a physical page (0-based), or None."""
        found = PAGE_STAMP.findall(self.texts[index])
        return int(found[-1]) if found else None

    @property
    def front_pages(self) -> int:
        """Physical pages before Page 1 (the frontsheet and its filler)."""
        for i in range(self.page_count):
            if self.stamp(i) is not None:
                return i
        return self.page_count

    def physical(self, page_number: int) -> int:
        return self.front_pages + page_number - 1

    def item_starts(self) -> dict[str, int]:
        """Agenda item number -> the pack page number ("Page N") carrying its stamp."""
        out: dict[str, int] = {}
        for i in range(self.front_pages, self.page_count):
            for number in ITEM_STAMP.findall(self.texts[i]):
                assert number not in out, f"Agenda Item {number} stamped twice"
                out[number] = self.stamp(i)  # type: ignore[assignment]
        return out

    def real_ranges(self) -> dict[str, tuple[int, int]]:
        """Each item's range as the pages show it: from its stamp to the page before the next one.
        """
        starts = sorted(self.item_starts().items(), key=lambda kv: kv[1])
        last = self.page_count - self.front_pages
        out = {}
        for (number, first), nxt in zip(starts, [*starts[1:], (None, last + 1)], strict=True):
            out[number] = (first, nxt[1] - 1)
        return out

    def frontsheet_text(self) -> str:
        return "\n".join(self.texts[: self.front_pages])

    def frontsheet_ranges(self) -> list[tuple[int, int]]:
        return [(int(a), int(b or a)) for a, b in RANGE.findall(self.frontsheet_text())]

    def fillers(self) -> list[int]:
        """Pack page numbers of numbered filler pages."""
        return [
            self.stamp(i)
            for i in range(self.front_pages, self.page_count)  # type: ignore[misc]
            if FILLER in self.texts[i]
        ]

    def bookmarks(self) -> list[tuple[int, str, int]]:
        """(depth, title, physical page index) for every outline entry, in order."""
        out: list[tuple[int, str, int]] = []

        def walk(entries, depth):  # type: ignore[no-untyped-def]
            for e in entries:
                if isinstance(e, list):
                    walk(e, depth + 1)
                else:
                    out.append((depth, e.title, self.reader.get_destination_page_number(e)))

        walk(self.reader.outline, 0)
        return out

    def find_line(self, line: str) -> list[int]:
        """Physical page indexes with a line exactly equal to `line`."""
        return [i for i, t in enumerate(self.texts) if line in (x.strip() for x in t.splitlines())]

    def find(self, text: str) -> list[int]:
        """Physical page indexes whose text contains `text`."""
        return [i for i, t in enumerate(self.texts) if text in t]


@dataclass(frozen=True)
class Word:
    """A word on a page as pdftotext places it, in points from the page's top left corner."""

    text: str
    x: float
    y: float


def _pdftotext(path: Path, option: str, first: int, last: int) -> str:
    """poppler's pdftotext of physical pages `first` to `last` (0-based), with `option`."""
    import subprocess

    return subprocess.run(
        ["pdftotext", option, "-f", str(first + 1), "-l", str(last + 1), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def words(path: Path, page: int) -> list[Word]:
    """The words of physical page `page` (0-based) with their positions, read by poppler's
    pdftotext (not by pypdf or packbuilder), for tests of where things are printed."""
    import html

    out = _pdftotext(path, "-bbox", page, page)
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)
    return [Word(html.unescape(text), float(x), float(y)) for x, y, text in found]


def layout_lines(path: Path, first: int, last: int) -> list[str]:
    """The lines of physical pages `first` to `last` (0-based) as pdftotext -layout lays them out:
    a table row's cells side by side on one line, as a reader sees them."""
    out = _pdftotext(path, "-layout", first, last)
    return [line for line in out.splitlines() if line.strip()]
