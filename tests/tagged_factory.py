"""Small tagged PDFs made by hand, for testing the structure merge without LibreOffice.

`write_tagged_pdf` writes a PDF whose page i reads "<label> page i" inside one marked-content
sequence (MCID 0) owned by a structure element of its own, with a parent tree, optionally a role
map, element IDs and a link annotation tied into the structure (an OBJR), as a word processor's
tagged export has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def write_tagged_pdf(
    path: Path,
    pages: int,
    label: str | None = None,
    *,
    lang: str | None = "en-GB",
    role: tuple[str, str] | None = None,
    id_prefix: str | None = None,
    link: bool = False,
    kinds: Sequence[str] = (),
) -> Path:
    """Args:
    role: (custom type, standard type): the page elements use the custom type, role-mapped.
    kinds: the type of page i's element ("/H1", "/Figure" ...), where given (else /P, or the
        role's custom type).
    id_prefix: give page i's element the ID "<id_prefix>-<i>" and an IDTree.
    link: a link annotation on page 1, in the structure as a /Link element.
    """
    label = label or path.stem
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    root.K = Array([doc])
    nums: list[object] = []
    ids: list[object] = []
    kind = Name(role[0]) if role else Name.P
    for i in range(pages):
        tag = Name(kinds[i]) if i < len(kinds) else kind
        content = f"{tag} <</MCID 0>> BDC BT /F1 14 Tf 72 400 Td ({label} page {i + 1}) Tj ET EMC"
        page = pdf.make_indirect(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, 595, 842]),
                Resources=Dictionary(Font=Dictionary(F1=font)),
                Contents=pdf.make_stream(content.encode()),
                StructParents=i,
            )
        )
        pdf.pages.append(pikepdf.Page(page))
        page = pdf.pages[-1].obj
        elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=tag, P=doc, Pg=page, K=0))
        if id_prefix:
            elem.ID = String(f"{id_prefix}-{i + 1}")
            ids += [String(f"{id_prefix}-{i + 1}"), elem]
        doc.K.append(elem)
        nums += [i, pdf.make_indirect(Array([elem]))]
    next_key = pages
    if link:
        page = pdf.pages[0].obj
        annot = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([72, 390, 300, 420]),
                Border=Array([0, 0, 0]),
                A=Dictionary(S=Name.URI, URI=String("https://example.org/")),
                StructParent=next_key,
                Contents=String("example.org"),
            )
        )
        page.Annots = Array([annot])
        objr = Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)
        link_elem = pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Link, P=doc, Pg=page, K=Array([objr]))
        )
        doc.K.append(link_elem)
        nums += [next_key, link_elem]
        next_key += 1
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = next_key
    if role:
        root.RoleMap = Dictionary({role[0]: Name(role[1])})
    if ids:
        root.IDTree = pdf.make_indirect(Dictionary(Names=Array(ids)))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    if lang:
        pdf.Root.Lang = String(lang)
    pdf.save(path)
    return path
