"""A Word paper converted as its author sees it: tracked changes accepted, no comments.

Word shows a document with tracked changes in "Simple Markup" or "No Markup": a deleted sentence is
gone from the page. LibreOffice shows every change, and prints a tracked deletion struck through:
a sentence an officer took out of a public report, perhaps for being confidential, would be
published struck through. So before a converter hands a .docx to LibreOffice, its own copy is told
to show the changes as accepted (``w:revisionView`` in ``word/settings.xml``, which LibreOffice
reads as "do not show changes"), and loading warns the advisor (`has_tracked_changes`) so that the
author can accept or reject them. Reviewers' comments are unanchored from the text, so that
nothing shows them (the PDF export leaves notes out too: `libreoffice.PDF_OPTIONS`); a document
with comments also crashed LibreOffice when the warm converter opened it.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from packbuilder.safezip import MAX_XML_BYTES, TooBig, read_member

MARK = "final-view-2"  # in a converter's version: a change here converts every paper again
SETTINGS = "word/settings.xml"
_CHANGE = re.compile(rb"<w:(?:ins|del|moveFrom|moveTo)\b")
_COMMENT = re.compile(
    rb"<w:commentRangeStart\b[^>]*/>|<w:commentRangeEnd\b[^>]*/>|<w:commentReference\b[^>]*/>"
)
_VIEW = b'<w:revisionView w:markup="0" w:insDel="0" w:formatting="0" w:comments="0"/>'


def has_tracked_changes(path: Path) -> bool:
    """Whether a .docx holds tracked insertions, deletions or moves in its text."""
    if path.suffix.lower() != ".docx":
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")]
        for name in names:
            if _CHANGE.search(read_member(path, name, MAX_XML_BYTES) or b""):
                return True
    except (OSError, zipfile.BadZipFile, TooBig, KeyError):
        return False  # the Word checks have refused, or will refuse, such a file
    return False


def show_final(path: Path) -> None:
    """Rewrite a converter's own copy of a .docx so that LibreOffice shows its tracked changes as
    accepted and none of its comments; any other file, or one with neither, is left as it is."""
    if path.suffix.lower() != ".docx":
        return
    try:
        with zipfile.ZipFile(path) as zf:
            parts = {
                info.filename: zf.read(info)
                for info in zf.infolist()
                if info.filename.startswith("word/")
                and info.filename.endswith(".xml")
                and info.file_size <= MAX_XML_BYTES
            }
    except (OSError, zipfile.BadZipFile):
        return  # the Word checks have refused, or will refuse, such a file
    changed = {name: _COMMENT.sub(b"", xml) for name, xml in parts.items()}
    changed = {name: xml for name, xml in changed.items() if xml != parts[name]}
    if any(_CHANGE.search(xml) for xml in parts.values()) and SETTINGS in parts:
        view = re.sub(rb"<w:revisionView\b[^>]*/>", b"", parts[SETTINGS])
        view, found = re.subn(rb"(<w:settings\b[^>]*>)", rb"\1" + _VIEW, view, count=1)
        if found:
            changed[SETTINGS] = view
    if not changed:
        return
    rewritten = path.with_name(path.name + ".final")
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(rewritten, "w") as out:
        for info in zf.infolist():
            out.writestr(info, changed.get(info.filename) or zf.read(info))
    shutil.move(rewritten, path)
