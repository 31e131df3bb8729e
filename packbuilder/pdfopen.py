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

from pikepdf import Array, Dictionary, Pdf

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
    """Whether some page takes an attribute from a node of the page tree above it, walking the
    tree down from its root through ``/Kids`` as qpdf pushes (a page's own ``/Parent`` may be
    missing or wrong in a damaged file). A tree too odd to walk (a loop, a kid that is not a
    dictionary, one too deep) counts as inheriting: qpdf then does as it always did."""
    len(pdf.pages)  # qpdf reads the page tree here, and warns of what it mends
    root = pdf.Root.get("/Pages")
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, frozenset[str], int]] = [(root, frozenset(), 0)]
    while stack:
        node, given, depth = stack.pop()
        if not isinstance(node, Dictionary) or depth > _DEEPEST:
            return True
        if node.is_indirect:
            if node.objgen in seen:
                return True
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if kids is None:  # a page
            if not given.issubset(node.keys()):
                return True
            continue
        if not isinstance(kids, Array):
            return True
        own = given | INHERITABLE.intersection(node.keys())
        stack.extend((kid, own, depth + 1) for kid in kids)
    return False
