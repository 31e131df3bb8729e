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

A .doc (Word 97) or .rtf paper has no such setting a converter can write into it: LibreOffice
shows its changes, deletions struck through, whatever the file says (a .doc's deleted sentence
was published that way). So a converter that runs LibreOffice itself first has it save its copy
of such a paper in LibreOffice's own format (`SAVED_FIRST`: an .odt, which holds everything
LibreOffice read from the paper), checks that copy's links as a paper's are checked, and
converts it as an .odt: changes not shown. A converter that cannot (a conversion service that
answers only PDF) refuses such a paper that may hold changes (`unhidden_changes`).
"""

from __future__ import annotations

import mmap
import os
import re
import shutil
import zipfile
from pathlib import Path

from packbuilder.safezip import MAX_XML_BYTES

MARK = "final-view-6"  # in a converter's version: a change here converts every paper again
SETTINGS = "word/settings.xml"
RELS = "word/_rels/document.xml.rels"
TYPES = "[Content_Types].xml"
MANIFEST = "META-INF/manifest.xml"
W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CHANGE = re.compile(rb"<w:(?:ins|del|moveFrom|moveTo)\b")
_COMMENT = re.compile(
    rb"<w:commentRangeStart\b[^>]*/>|<w:commentRangeEnd\b[^>]*/>|<w:commentReference\b[^>]*/>"
)
_VIEW = b'<w:revisionView w:markup="0" w:insDel="0" w:formatting="0" w:comments="0"/>'
# an OpenDocument paper: its changes in content.xml, whether they show in settings.xml
_ODT_CHANGE = re.compile(rb"<text:changed-region\b")
_ODT_SHOW = re.compile(rb'(config:name="ShowRedlineChanges"\s+config:type="boolean"\s*>)\s*true')
_ODT_SETTINGS = re.compile(rb'(<config:config-item-set\s+config:name="ooo:view-settings"\s*>)')
# a comment (it holds paragraphs, never another comment), and where a comment on a range ends
_ODT_COMMENT = re.compile(
    rb"<office:annotation(?=[\s>])[^>]*>.*?</office:annotation>|<office:annotation(?=[\s/])[^>]*/>"
    rb"|<office:annotation-end\b[^>]*/>",
    re.DOTALL,
)
_ODT_HIDE = (
    b'<config:config-item config:name="ShowRedlineChanges" config:type="boolean">'
    b"false</config:config-item>"
)


def _parts(path: Path) -> dict[str, bytes]:
    """The XML parts of a Word or OpenDocument file a converter may rewrite."""
    with zipfile.ZipFile(path) as zf:
        return {
            info.filename: zf.read(info)
            for info in zf.infolist()
            if info.filename.endswith((".xml", ".rels"))
            and info.file_size <= MAX_XML_BYTES
            and (
                info.filename.startswith("word/")
                or "/" not in info.filename
                or info.filename == MANIFEST
            )
        }


# Word formats whose changes LibreOffice shows whatever a converter writes into them: a converter
# has LibreOffice save them as an .odt first (`show_final` then hides the changes of that)
SAVED_FIRST = {".doc", ".rtf"}
SAVED_AS = ".odt"
_RTF_CHANGE = re.compile(rb"\\(?:deleted|revised)(?![a-z])")


def _rtf_has_changes(path: Path) -> bool:
    """Whether an .rtf marks text as deleted or inserted, anywhere in it (mapped, not read)."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return bool(_RTF_CHANGE.search(data))


def unhidden_changes(path: Path) -> bool:
    """Whether a paper may hold tracked changes that only a conversion through LibreOffice's own
    format hides (`SAVED_FIRST`): every .doc (its changes are not looked for here), an .rtf
    that marks any."""
    suffix = path.suffix.lower()
    if suffix == ".doc":
        return True
    try:
        return suffix == ".rtf" and _rtf_has_changes(path)
    except OSError:
        return False


def has_tracked_changes(path: Path) -> bool:
    """Whether a .docx, .odt or .rtf holds tracked insertions, deletions or moves in its text (a
    .doc's are not looked for: they are hidden all the same, `SAVED_FIRST`)."""
    suffix = path.suffix.lower()
    if suffix == ".rtf":
        try:
            return _rtf_has_changes(path)
        except OSError:
            return False
    if suffix not in {".docx", ".odt"}:
        return False
    try:
        parts = _parts(path)
    except (OSError, zipfile.BadZipFile):
        return False  # the Word checks have refused, or will refuse, such a file
    if suffix == ".odt":
        return bool(_ODT_CHANGE.search(parts.get("content.xml", b"")))
    return any(_CHANGE.search(xml) for name, xml in parts.items() if name.startswith("word/"))


def show_final(path: Path) -> None:
    """Rewrite a converter's own copy of a .docx or .odt so that LibreOffice shows its tracked
    changes as accepted and none of its comments; any other file, or one with neither, is left
    as it is."""
    suffix = path.suffix.lower()
    if suffix not in {".docx", ".odt"}:
        return
    try:
        parts = _parts(path)
    except (OSError, zipfile.BadZipFile):
        return  # the Word checks have refused, or will refuse, such a file
    changed = _odt_final(parts) if suffix == ".odt" else _docx_final(parts)
    if not changed:
        return
    rewritten = path.with_name(path.name + ".final")
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(rewritten, "w") as out:
        for info in zf.infolist():  # in order, each as it was stored (an .odt's mimetype first)
            out.writestr(info, changed.pop(info.filename, b"") or zf.read(info))
        for name, data in changed.items():  # parts the file did not have
            out.writestr(name, data, zipfile.ZIP_DEFLATED)
    shutil.move(rewritten, path)


def _docx_final(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts of a .docx to rewrite: comments unanchored, the No Markup view."""
    changed = {n: _COMMENT.sub(b"", x) for n, x in parts.items() if n.startswith("word/")}
    changed = {n: x for n, x in changed.items() if x != parts[n]}
    if not any(_CHANGE.search(xml) for xml in parts.values()):
        return changed
    if SETTINGS in parts:
        view = re.sub(rb"<w:revisionView\b[^>]*/>", b"", parts[SETTINGS])
        view, found = re.subn(rb"(<w:settings\b[^>]*>)", rb"\1" + _VIEW, view, count=1)
        if found:
            changed[SETTINGS] = view
    elif RELS in parts and TYPES in parts:  # a file without settings: given a part of them
        changed[SETTINGS] = b'<w:settings xmlns:w="' + W + b'">' + _VIEW + b"</w:settings>"
        changed[RELS] = parts[RELS].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdPackbuilderSettings" Target="settings.xml" Type="http://'
            b'schemas.openxmlformats.org/officeDocument/2006/relationships/settings"/>'
            b"</Relationships>",
            1,
        )
        changed[TYPES] = parts[TYPES].replace(
            b"</Types>",
            b'<Override PartName="/word/settings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.wordprocessingml.settings+xml"/></Types>',
            1,
        )
    return changed


def _odt_final(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts of an .odt to rewrite: its comments taken out (the export leaves them out,
    ExportNotes; LibreOffice opening one through UNO, as the warm converter does, crashed), its
    changes not shown."""
    changed = {}
    content = parts.get("content.xml", b"")
    uncommented = _ODT_COMMENT.sub(b"", content)
    if uncommented != content:
        changed["content.xml"] = uncommented
    if not _ODT_CHANGE.search(content):
        return changed
    if "settings.xml" not in parts:
        return changed  # LibreOffice ignored settings made up for it: the changes show (warned)
    view, found = _ODT_SHOW.subn(rb"\1false", parts["settings.xml"])
    if not found:
        view, found = _ODT_SETTINGS.subn(rb"\1" + _ODT_HIDE, view, count=1)
    return {**changed, "settings.xml": view} if found else changed
