"""The text a PDF shows besides what its pages draw: its bookmarks' titles, its annotations'
descriptions, tooltips, captions and form fields' values (a viewer shows them all; pdftotext
reads none), and its structure's alternative descriptions, replacement texts, expansions and
titles (a screen reader reads them, and a pack keeps a paper's structure). The exempt-text check
(`textmatch`) counts it as a public paper's words: an exempt paper's text kept there is
published as surely as on a page.

A PDF paper's is read when the paper is checked (`pdf.PaperFacts.carried`), from the same
opening: its objects' texts (`sanitize.object_texts`) say whether the structure holds any such
text, so the structure of a 400-page table appendix (34,000 elements, 0.3 s) is walked only when
it does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

MAX_CARRIED = 100_000  # texts read from one paper's bookmarks and annotations, at most


def carried_text(path: Path) -> str:
    """The text `path` shows besides what its pages draw (`carried_in`), a line each. Empty for
    a file that cannot be read (its checks say so)."""
    try:
        # (no page takes /Annots from the page tree: qpdf need not push attributes down)
        with pikepdf.open(path, inherit_page_attributes=False) as pdf:
            return carried_in(pdf)
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError, TypeError, AttributeError):
        return ""


def carried_in(pdf: pikepdf.Pdf, texts: list[bytes] | None = None) -> str:
    """The text an opened PDF shows besides what its pages draw, a line each. `texts`: its
    objects' texts (`sanitize.object_texts`), if the caller has them: the structure is walked
    only if one of them names a key that holds such text."""
    found: list[str] = []
    _outline_titles(pdf.Root.get("/Outlines"), found)
    if texts is None or _STRUCTURE_TEXT.search(b"\n".join(texts)):
        _structure_texts(pdf.Root.get("/StructTreeRoot"), found)
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        for annot in annots if isinstance(annots, pikepdf.Array) else ():
            _annotation_texts(annot, found)
        if len(found) > MAX_CARRIED:
            break
    return "\n".join(t for t in found if t.strip())


def _outline_titles(outlines: object, texts: list[str]) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    while stack and len(texts) <= MAX_CARRIED:
        entry = stack.pop()
        if not isinstance(entry, pikepdf.Dictionary) or entry.objgen in seen:
            continue
        if entry.is_indirect:
            seen.add(entry.objgen)
        texts.append(_string(entry.get("/Title")))
        stack += [entry.get("/Next"), entry.get("/First")]


def _structure_texts(root: object, texts: list[str]) -> None:
    """The /Alt, /ActualText, /E and /T of every element of a structure tree, in reading order.
    (Each element's keys are asked for once: a 400-page table's 34,000 elements in 0.15 s.)"""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")] if isinstance(root, pikepdf.Dictionary) else []
    while stack and len(texts) <= MAX_CARRIED:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack += reversed(node)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        objgen = node.objgen
        if objgen in seen:
            continue
        if objgen != (0, 0):
            seen.add(objgen)
        keys = node.keys()
        texts += [_string(node.get(k)) for k in _CARRIED_KEYS if k in keys]
        if "/K" in keys:
            stack.append(node.K)


_CARRIED_KEYS = ("/Alt", "/ActualText", "/E", "/T")
# one of them as qpdf writes it, followed by its value (a string, or a reference to one)
_STRUCTURE_TEXT = re.compile(rb"/(?:Alt|ActualText|E|T)(?=[\s(<\d])")


def _annotation_texts(annot: object, texts: list[str]) -> None:
    """What an annotation (and the form field it belongs to) shows: its description, tooltip,
    rich text, caption and value."""
    node, depth = annot, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 8:
        for key in ("/Contents", "/TU", "/V", "/RC"):
            value = node.get(key)
            if key == "/RC" and isinstance(value, pikepdf.String):
                texts.append(re.sub(r"<[^>]*>", " ", _string(value)))
            elif isinstance(value, pikepdf.String):
                texts.append(_string(value))
        look = node.get("/MK")
        if isinstance(look, pikepdf.Dictionary):
            texts += [_string(look.get(k)) for k in ("/CA", "/RC", "/AC")]
        node, depth = node.get("/Parent"), depth + 1


def _string(value: object) -> str:
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except (ValueError, UnicodeDecodeError):
            return ""
    return ""


