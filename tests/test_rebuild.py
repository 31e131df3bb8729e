"""A rebuild reuses what did not change and never serves a stale page (issue 16).

The example meeting is built, then each kind of input is changed in turn (a frontsheet cell, an
item's title, an appendix PDF, a Word paper, a data workbook, a data paper's template, a
performance report's figure, a paper's name, the agenda's order and an item's exemption); after
each change the meeting is rebuilt with every cache of the earlier builds (conversions, checked
papers, rendered data papers, kept numbered parts, the published packs) and built
again from nothing (an empty cache folder, an uncached converter), and the two builds' packs are
compared page by page, by text and page count, by their bookmarks and by the titles their
structure gives items and papers, read by pypdf.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from packbuilder.build import build
from packbuilder.convert import CachingConverter
from packbuilder.settings import settings
from packbuilder.templates import find_template
from tests.factory import write_pdf

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"

pytestmark = pytest.mark.libreoffice


def _cell(workbook: Path, sheet: str, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(workbook)
    wb[sheet][cell] = value
    wb.save(workbook)


def _frontsheet_cell(folder: Path) -> None:
    _cell(folder / "meeting.xlsx", "Agenda", "D3", "To consult the partnership on a changed draft")


def _item_title(folder: Path) -> None:
    _cell(folder / "meeting.xlsx", "Agenda", "B3", "Welcoming City: the charter & <its> pledges")


def _appendix(folder: Path) -> None:
    path = folder / "Appendix B - DHR training programme.pdf"
    pages = len(PdfReader(path).pages)
    write_pdf(path, pages, label="Revised DHR training programme")


def _word_paper(folder: Path) -> None:
    path = folder / "Equality Objectives brief.docx"
    document = docx.Document(str(path))
    document.add_paragraph("A paragraph added after the first build.")
    document.save(str(path))


def _data_workbook(folder: Path) -> None:
    _cell(folder / "minutes-2019-09-30.xlsx", "Minutes", "C2", "The Chair welcomed a new member.")


def _data_template(folder: Path) -> None:
    # the meeting's own copy of a data paper's template, changed (its data unchanged)
    (folder / "templates").mkdir(exist_ok=True)
    document = docx.Document(str(find_template("minutes", folder)))
    document.add_paragraph("Minutes template revised by the advisor.")
    document.save(str(folder / "templates" / "minutes.docx"))


def _performance_figure(folder: Path) -> None:
    # a figure the report prints in its tables and draws in its chart
    wb = openpyxl.load_workbook(folder / "performance-report-2016-17.xlsx")
    ws = wb["Monthly figures"]
    row = next(r for r in ws.iter_rows(min_row=2) if isinstance(r[2].value, int | float))
    row[2].value = 98765
    wb.save(folder / "performance-report-2016-17.xlsx")


def _order(folder: Path) -> None:
    # items 6 and 7 swap places: every later page number moves
    wb = openpyxl.load_workbook(folder / "meeting.xlsx")
    ws = wb["Agenda"]
    for col in "BCDEFGHI":
        ws[f"{col}7"].value, ws[f"{col}8"].value = ws[f"{col}8"].value, ws[f"{col}7"].value
    wb.save(folder / "meeting.xlsx")


def _rename(folder: Path) -> None:
    # the same bytes in the same place under another name: its bookmark and title change
    old = folder / "Appendix A - Welcoming City charter.pdf"
    old.rename(folder / "Appendix A - Welcoming City charter (revised).pdf")
    wb = openpyxl.load_workbook(folder / "meeting.xlsx")
    cell = wb["Agenda"]["F3"]
    cell.value = str(cell.value).replace(
        old.name, "Appendix A - Welcoming City charter (revised).pdf"
    )
    wb.save(folder / "meeting.xlsx")


def _exemption(folder: Path) -> None:
    _cell(folder / "meeting.xlsx", "Agenda", "H8", "3")  # the item now at 7 becomes exempt


CHANGES: list[tuple[str, Callable[[Path], None]]] = [
    ("a frontsheet cell", _frontsheet_cell),
    ("an item's title", _item_title),
    ("an appendix PDF", _appendix),
    ("a Word paper", _word_paper),
    ("a data workbook", _data_workbook),
    ("a data paper's template", _data_template),
    ("a performance report's figure", _performance_figure),
    ("a paper renamed", _rename),
    ("the order of items", _order),
    ("an item's exemption", _exemption),
]
# what changes no numbered page: its kept part is reused (an item's or paper's title is given to
# the part's structure when the pack is finished)
REUSED = {"a frontsheet cell", "an item's title", "a paper renamed"}


def _packs(out: Path) -> dict[str, Path]:
    published = [*out.glob("public/*.pdf"), *out.glob("private/*.pdf")]
    return {p.relative_to(out).as_posix(): p for p in sorted(published)}


def _pages(pack: Path) -> tuple[str, list[str]]:
    """The pack's frontsheet text (without the words saying which version it is, which differ
    between a rebuild and a first build) and its numbered pages' text."""
    reader = PdfReader(pack)
    front: list[str] = []
    numbered: list[str] = []
    for label, page in zip(reader.page_labels, reader.pages, strict=True):
        text = page.extract_text() or ""
        (numbered if label.isdigit() else front).append(text)
    words = " ".join(" ".join(front).split())
    return re.sub(r" ?\(version \d+, replacing the pack published on [^)]*\)", "", words), numbered


def _outline(pack: Path) -> list[tuple[int, str, int]]:
    """The pack's bookmarks: depth, title and page index, in order."""
    reader = PdfReader(pack)

    def walk(entries: list, depth: int) -> list[tuple[int, str, int]]:
        out: list[tuple[int, str, int]] = []
        for e in entries:
            if isinstance(e, list):
                out += walk(e, depth + 1)
            else:
                out.append((depth, e.title, reader.get_destination_page_number(e)))
        return out

    return walk(reader.outline, 0)


def _structure_titles(pack: Path) -> list[tuple[str, str]]:
    """Each part and paper element of the pack's structure, in order: its role and title."""
    reader = PdfReader(pack)
    found: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict) and node.get("/Type", "/StructElem") == "/StructElem":
            role = str(node.get("/S", ""))
            if role in ("/Part", "/Art"):
                found.append((role, str(node.get("/T", ""))))
            if role in ("/Document", "/Part"):  # (not into a paper's own elements)
                walk(node.get("/K", []))

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_each_kind_of_change_rebuilds_to_what_a_clean_build_makes(
    tmp_path: Path, libreoffice, monkeypatch
) -> None:
    folder = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    cache = tmp_path / "cache"
    monkeypatch.setenv("PACKBUILDER_CACHE", str(cache))
    settings.cache_clear()
    converter = CachingConverter(libreoffice, cache)
    out = tmp_path / "out"
    build(folder, out, converter=converter)
    parts = set((cache / "parts").rglob("*.pdf"))
    assert parts, "the first build kept no numbered part"

    for n, (what, change) in enumerate(CHANGES):
        change(folder)
        monkeypatch.setenv("PACKBUILDER_CACHE", str(cache))
        settings.cache_clear()
        rebuilt = build(folder, out, converter=converter)
        assert any(not p.unchanged for p in rebuilt.packs), f"{what}: nothing was rebuilt"
        kept = set((cache / "parts").rglob("*.pdf"))
        if what in REUSED:
            assert kept == parts, f"{what} alone assembled a numbered part again"
        else:
            assert kept - parts, f"{what}: no numbered part was assembled again"
        parts = kept

        clean_out = tmp_path / f"clean-{n}"
        monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / f"clean-cache-{n}"))
        settings.cache_clear()
        build(folder, clean_out, converter=libreoffice)

        mine, theirs = _packs(out), _packs(clean_out)
        assert sorted(mine) == sorted(theirs), what
        for name in mine:
            front, numbered = _pages(mine[name])
            clean_front, clean_numbered = _pages(theirs[name])
            assert len(numbered) == len(clean_numbered), f"{what}: {name} page count"
            assert front == clean_front, f"{what}: {name} frontsheet"
            for i, (a, b) in enumerate(zip(numbered, clean_numbered, strict=True)):
                assert a == b, f"{what}: {name} page {i + 1} differs from a clean build's"
            assert _outline(mine[name]) == _outline(theirs[name]), f"{what}: {name} bookmarks"
            titles = _structure_titles(mine[name])
            assert titles == _structure_titles(theirs[name]), f"{what}: {name} structure"
            assert len(titles) >= 4, titles  # the frontsheet and at least one item

    public = next(pack for name, pack in _packs(out).items() if name.startswith("public/"))
    titles = [title for _, title in _structure_titles(public)]
    assert "Agenda Item 2: Welcoming City: the charter & <its> pledges" in titles, titles
    assert "Appendix A - Welcoming City charter (revised)" in titles, titles

    private = _packs(out)[
        "private/2020-03-05-safer-plymouth-agenda-pack-PRIVATE-not-for-publication.pdf"
    ]
    text = " ".join(p.extract_text() or "" for p in PdfReader(private).pages)
    for new in (
        "a changed draft",
        "Revised DHR training programme",
        "A paragraph added after the first build.",
        "welcomed a new member",
        "Minutes template revised by the advisor.",
        "98,765",
    ):
        assert new in " ".join(text.split()), f"{new!r} did not reach the rebuilt pack"
