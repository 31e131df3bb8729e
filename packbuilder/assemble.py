"""Assembling one pack: frontsheet, then each item's papers with stamps, fillers and bookmarks.

The frontsheet is unnumbered; when it has an odd number of pages an unnumbered filler follows it, so
that Page 1 falls on a right-hand page. Every later page is stamped "Page N"; the first page of each
item's papers is stamped "Agenda Item N"; in a private pack, every page of an exempt paper is marked
NOT FOR PUBLICATION with its paragraph of Schedule 12A.

The pack is tagged: a part per agenda item ("Agenda Item 4: title") holding each paper's own
structure. "Agenda Item N" and the marking on a paper's first page are real content, read before the
paper; the page numbers, fillers and the marking's repeats on later pages are artifacts. Each item
and each paper has a named destination (`destination`), which the HTML agenda links to.

The numbered pages are assembled first (`assemble_papers`) and the frontsheet put in front of them
afterwards (`finish_pack`): nothing about the numbered pages depends on the frontsheet, so the build
can convert the frontsheet while the papers are being stamped.
"""

from __future__ import annotations

from pathlib import Path

from packbuilder.frontsheet import SCHEDULE_12A
from packbuilder.layout import Layout
from packbuilder.model import AgendaItem, Meeting
from packbuilder.pdf import (
    FILLER_TEXT,
    Bookmark,
    PackWriter,
    Stamp,
    destination_name,
    paper_headings,
)
from packbuilder.plan import PackSpec


def destination(item_number: str, paper: int | None = None) -> str:
    """The named destination of an item's first page, or of its `paper`-th paper (from 1)."""
    name = f"item-{item_number}" + (f"-paper-{paper}" if paper is not None else "")
    return destination_name(name)


def part_title(item: AgendaItem) -> str:
    return f"Agenda Item {item.number}: {item.title}"


def _stamps(
    item: AgendaItem, first_document: bool, first: int, pages: int, private: bool
) -> list[list[Stamp]]:
    out = []
    for offset in range(pages):
        page = [Stamp(f"Page {first + offset}", "bottom-centre")]
        if first_document and offset == 0:
            page.append(
                Stamp(f"Agenda Item {item.number}", "top-right", 11, bold=True, tagged=True)
            )
        if private and item.exempt_paragraph:
            # read once, before the paper; its repeats on later pages are pagination artifacts
            page.append(
                Stamp("NOT FOR PUBLICATION", "top-centre", 11, bold=True, tagged=offset == 0)
            )
            page.append(
                Stamp(
                    f"by virtue of paragraph {item.exempt_paragraph} of {SCHEDULE_12A}",
                    "top-centre-2",
                    7,
                    tagged=offset == 0,
                )
            )
        out.append(page)
    return out


def assemble_papers(spec: PackSpec, layout: Layout, pdfs: dict[Path, Path]) -> PackWriter:
    """The numbered part of a pack: every included item's papers, stamped, with fillers."""
    w = PackWriter(public=not spec.private)
    for item, placed in zip(spec.included, layout.items, strict=True):
        w.begin_part(part_title(item))
        w.add_destination(destination(item.number), w.pages)
        for d_index, (paper, doc) in enumerate(zip(item.papers, placed.documents, strict=True)):
            w.add_destination(destination(item.number, d_index + 1), w.pages)
            w.add_pdf(
                pdfs[paper.path],
                _stamps(item, d_index == 0, doc.first, doc.pages, bool(spec.private)),
                title=paper.title,
            )
        if placed.filler_after:
            w.add_blank(
                [Stamp(FILLER_TEXT, "middle", 11), Stamp(f"Page {placed.last}", "bottom-centre")]
            )
    return w


def _shifted(marks: tuple[Bookmark, ...], by: int) -> tuple[Bookmark, ...]:
    return tuple(Bookmark(m.title, m.page_index + by, _shifted(m.children, by)) for m in marks)


def finish_pack(
    w: PackWriter,
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    frontsheet: Path,
    out: Path,
    pdfs: dict[Path, Path],
) -> int:
    """Put the frontsheet in front, add bookmarks and metadata, write `out`; returns its page
    count.

    The outline: the frontsheet ("Agenda" or "Supplement N"), then one entry per item, each with
    its papers nested, and each paper's own bookmarks (its headings) nested under the paper.
    Nothing of a paper reaches the top level, and a paper not in this pack (an exempt paper in a
    public pack) adds nothing."""
    front_title = "Agenda" if not spec.is_supplement else f"Supplement {spec.supplement}"
    # a pack without numbered pages (a public supplement of exempt papers only) ends with its
    # frontsheet: a filler after it would be followed by nothing
    unnumbered = w.insert_front(
        frontsheet, Stamp(FILLER_TEXT, "middle", 11), front_title, pad=bool(layout.items)
    )
    bookmarks = [Bookmark(front_title, 0)]
    for item, placed in zip(spec.included, layout.items, strict=True):
        children = tuple(
            Bookmark(
                paper.title,
                unnumbered + doc.first - 1,
                _shifted(paper_headings(pdfs[paper.path]), unnumbered + doc.first - 1),
            )
            for paper, doc in zip(item.papers, placed.documents, strict=True)
        )
        bookmarks.append(
            Bookmark(f"Item {item.number}: {item.title}", unnumbered + placed.first - 1, children)
        )
    subject = (
        f"Supplementary pack {spec.supplement}" if spec.is_supplement else "Agenda and reports"
    )
    if spec.private:
        subject += " - PRIVATE: not for publication"
    elif spec.private is False:
        subject += " - public version"
    w.finish(
        out,
        title=f"{meeting.pack_title}: {subject}",
        subject=subject,
        author=meeting.body,
        bookmarks=bookmarks,
        unnumbered=unnumbered,
    )
    return w.pages
