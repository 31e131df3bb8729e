"""Opening a PDF with every page complete, without paying for what is already there.

A page may leave its size (``/MediaBox``, ``/CropBox``), its turn (``/Rotate``) and its fonts and
pictures (``/Resources``) to a node of the page tree above it, which all its pages share. A page
copied into a pack on its own must carry them itself, so qpdf can push them down into every page
as it opens a file (pikepdf's ``inherit_page_attributes``, on by default). That walk is costly
on a large tagged file however little it has to do: 0.25-0.3 s for a 200-page table appendix
LibreOffice made, whose pages already carry everything (LibreOffice also puts a size and fonts
on the tree's root, which no page needs). Every appendix is opened two or three times by a cold
build, so that was a second and a half of a 1,000-page meeting.

`open_pdf` opens without the push and looks: only when some page lacks a value a node above it
gives does it open the file again and let qpdf push them (the same result as before, in the
same way).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from pikepdf import Dictionary, Pdf

INHERITABLE = frozenset({"/Resources", "/MediaBox", "/CropBox", "/Rotate"})
_DEEPEST = 64  # page trees are a few levels deep; a deeper chain is odd, let qpdf handle it


def open_pdf(source: Path | BinaryIO, **options: Any) -> Pdf:
    """`pikepdf.Pdf.open(source, **options)` with every page carrying the attributes it
    inherits, as qpdf's own push would leave them.

    qpdf's warnings about the page tree (a page without a size, say) are kept for
    ``get_warnings`` as when the push happens on opening.
    """
    pdf = Pdf.open(source, inherit_page_attributes=False, **options)
    try:
        complete = not _inherits(pdf)
    except BaseException:
        pdf.close()
        raise
    if complete:
        return pdf
    pdf.close()
    if not isinstance(source, Path):
        source.seek(0)
    return Pdf.open(source, **options)


def _inherits(pdf: Pdf) -> bool:
    """Whether some page takes an attribute from a node of the page tree above it."""
    given: dict[tuple[int, int], frozenset[str]] = {}  # by node: what it and its ancestors give

    def above(node: object, depth: int = 0) -> frozenset[str] | None:
        if not isinstance(node, Dictionary) or depth > _DEEPEST:
            return None
        key = node.objgen
        if key != (0, 0) and key in given:
            return given[key]
        own = INHERITABLE.intersection(node.keys())
        if "/Parent" in node:
            higher = above(node.Parent, depth + 1)
            if higher is None:
                return None
            own |= higher
        if key != (0, 0):
            given[key] = own
        return own

    for page in pdf.pages:  # (qpdf reads the tree here and warns of what it mends)
        obj = page.obj
        if "/Parent" not in obj:
            continue
        wanted = above(obj.Parent)
        if wanted is None or not wanted.issubset(obj.keys()):
            return True
    return False
