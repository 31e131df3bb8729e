"""Assembling one pack: frontsheet, then each item's papers with stamps, fillers and bookmarks.

The frontsheet is unnumbered; when it has an odd number of pages an unnumbered filler follows it, so
that Page 1 falls on a right-hand page. Every later page is stamped "Page N"; the first page of each
item's papers is stamped "Agenda Item N"; in a private pack, every page of an exempt paper is marked
NOT FOR PUBLICATION with its paragraph of Schedule 12A.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packbuilder.frontsheet import SCHEDULE_12A
from packbuilder.layout import Layout
from packbuilder.model import Meeting
from packbuilder.pdf import FILLER_TEXT, Bookmark, PackWriter, Stamp
from packbuilder.plan import PackSpec


@dataclass(frozen=True)
class PackStats:
    pages: int
    frontsheet_pages: int


def assemble(meeting: Meeting, spec: PackSpec, layout: Layout, frontsheet: Path,
             pdfs: dict[Path, Path], out: Path) -> PackStats:
    w = PackWriter()
    w.add_pdf(frontsheet)
    if w.pages % 2:
        w.add_blank([Stamp(FILLER_TEXT, "middle", 11)])
    unnumbered = w.pages
    bookmarks = [Bookmark("Agenda" if not spec.is_supplement else f"Supplement {spec.supplement}", 0)]
    for item, placed in zip(spec.included, layout.items, strict=True):
        children = []
        for d_index, (paper, doc) in enumerate(zip(item.papers, placed.documents, strict=True)):
            stamps: list[list[Stamp]] = []
            for offset in range(doc.pages):
                page = [Stamp(f"Page {doc.first + offset}", "bottom-centre")]
                if d_index == 0 and offset == 0:
                    page.append(Stamp(f"Agenda Item {item.number}", "top-right", 11, bold=True))
                if spec.private and item.exempt_paragraph:
                    page.append(Stamp("NOT FOR PUBLICATION", "top-centre", 11, bold=True))
                    page.append(Stamp(f"by virtue of paragraph {item.exempt_paragraph} of {SCHEDULE_12A}",
                                      "top-centre-2", 7))
                stamps.append(page)
            children.append(Bookmark(paper.title, unnumbered + doc.first - 1))
            w.add_pdf(pdfs[paper.path], stamps)
        if placed.filler_after:
            w.add_blank([Stamp(FILLER_TEXT, "middle", 11), Stamp(f"Page {placed.last}", "bottom-centre")])
        bookmarks.append(Bookmark(f"Item {item.number}: {item.title}", unnumbered + placed.first - 1,
                                  tuple(children)))
    subject = (f"Supplementary pack {spec.supplement}" if spec.is_supplement else "Agenda and reports")
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
    return PackStats(w.pages, unnumbered)
