"""Word papers holding objects hidden in Word: refused, since LibreOffice shows them.

Word can hide a picture, a shape or a text box without deleting it: the eye in its Selection
Pane (*Home > Select > Selection Pane*) marks the drawing hidden (``hidden="1"`` on its
properties, ``wp:docPr``, or on a shape's ``cNvPr`` inside a group), and a document of an older
Word hides a VML shape with ``visibility:hidden`` in its style. Word neither shows nor prints
such an object. LibreOffice ignores both marks: converting the paper, it draws the object on the
page. An officer who hid the box of bidders' prices, or a picture of the confidential table, in
the Selection Pane rather than deleting it would have it published in plain sight. So a .docx
paper holding a hidden object is refused before LibreOffice opens it, naming the object and what
to do, as a PDF that hides part of itself with layers is (`layers`); so is a Word template
once filled (`render`), whose hidden object would be printed on every document it makes.

Read: the parts of a .docx that print (its body, headers, footers, footnotes and endnotes), each
element's attributes as an XML parser gives them; an .rtf's shape properties as Word writes them
(``{\\sp{\\sn fHidden}{\\sv 1}}``). Not read: .odt (LibreOffice's own format, whose hidden
objects it hides) and .doc (a hidden shape there is not looked for: ask for .docx where that
matters).
"""

from __future__ import annotations

import io
import mmap
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from packbuilder.errors import InputError, Source
from packbuilder.safezip import MAX_XML_BYTES, TooBig, read_member

# the parts of a .docx that print
_PRINTED = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes|endnotes)\.xml", re.I)
_VML = "{urn:schemas-microsoft-com:vml}"
_TRUE = {"1", "true", "on"}
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*visibility\s*:\s*hidden\s*(?:;|$)", re.I)


def check_concealed(path: Path) -> None:
    """Refuse a .docx or .rtf paper holding an object Word hides (any other file passes).

    Raises:
        InputError: naming the paper and the first hidden object found.
    """
    suffix = path.suffix.lower()
    if suffix == ".rtf":
        found = _hidden_rtf_shape(path)
    elif suffix != ".docx":
        return
    else:
        found = _hidden_docx_object(path)
    if found is not None:
        raise InputError(
            f"holds an object hidden in Word ({found}): Word does not print it, but "
            "LibreOffice would, and it would be in the pack for anyone to see; in Word, open "
            "Home > Select > Selection Pane, show the object, delete it (or show it if it is "
            "meant to be published) and save it again",
            Source(path),
        )


# an .rtf shape's property saying it is hidden, as Word writes it: {\sp{\sn fHidden}{\sv 1}}
_RTF_HIDDEN = re.compile(rb"\\sn\s+fHidden\s*\}\s*\{\s*\\sv\s+(?:1|-1)\s*\}", re.I)


def _hidden_rtf_shape(path: Path) -> str | None:
    """A hidden shape of an .rtf paper ("a shape"), or None."""
    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return "a shape" if _RTF_HIDDEN.search(data) else None
    except (OSError, ValueError):
        return None  # (an empty or unreadable file: the Word checks refuse it)


def _hidden_docx_object(path: Path) -> str | None:
    """The first object a .docx paper hides, named, or None."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if _PRINTED.fullmatch(n)]
    except (zipfile.BadZipFile, OSError):
        return None  # the Word checks refuse such a file
    for name in names:
        found = _hidden_object(path, name)
        if found is not None:
            return found
    return None


def _hidden_object(path: Path, name: str) -> str | None:
    """How the first object that part `name` hides is called, or None."""
    try:
        data = read_member(path, name, MAX_XML_BYTES) or b""
    except (TooBig, OSError, KeyError):
        return None  # the size check of the whole archive refuses such a file
    if b"hidden" not in data:
        return None
    where = "" if name.lower() == "word/document.xml" else f" in {name[5:-4]}"
    try:
        for _, el in ElementTree.iterparse(io.BytesIO(data)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag in ("docPr", "cNvPr") and (el.get("hidden") or "").strip().lower() in _TRUE:
                return f"'{el.get('name') or tag}'{where}"
            if el.tag.startswith(_VML) and _HIDDEN_STYLE.search(el.get("style") or ""):
                shape = el.get("id")
                return f"shape '{shape}'{where}" if shape else f"a shape{where}"
    except ElementTree.ParseError:
        return None  # the link checks refuse a part that is not well-formed XML
    return None
