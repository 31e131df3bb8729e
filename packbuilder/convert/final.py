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

A field that names the document's own file (Word's FILENAME, ``{ FILENAME \\p }`` with its
folders, an OpenDocument file-name field, and so a .doc's or .rtf's once saved as an .odt) is
worked out by LibreOffice from the file it opens: the converter's copy, so a footer printed
"/tmp/packbuilder-lo-.../in/d0003.docx" in a public pack, a path of the server and not what
Word shows. The copy holds such a field as text instead (`_frozen`): the paper's own name as it
is in the meeting folder, never any folder (with ``\\p`` Word shows the folders of the
computer that opened it; they are the public's business no more than the server's). A
TEMPLATE field (or DOCPROPERTY Template, INFO Template), which LibreOffice prints empty, keeps
the name its last result showed, without folders. The converters' caches key such a paper by
its name too (`names_itself`), so that a paper renamed prints its new name.

The copy also leaves out the table styles no table of it uses (`_unused_table_styles_dropped`):
the hundred that Word's blank document carries cost LibreOffice 0.08 s to read, and the pages
are the same without them.
"""

from __future__ import annotations

import html
import mmap
import os
import re
import shutil
import zipfile
from pathlib import Path

from packbuilder.safezip import MAX_XML_BYTES

MARK = "final-view-7"  # in a converter's version: a change here converts every paper again
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


def show_final(path: Path, name: str | None = None) -> None:
    """Rewrite a converter's own copy of a .docx or .odt so that LibreOffice shows its tracked
    changes as accepted, none of its comments, and its fields naming its own file as `name`
    (the paper's name in the meeting folder; None: the name the field last showed, without
    folders); any other file, or one with none of these, is left as it is."""
    suffix = path.suffix.lower()
    if suffix not in {".docx", ".odt"}:
        return
    try:
        parts = _parts(path)
    except (OSError, zipfile.BadZipFile):
        return  # the Word checks have refused, or will refuse, such a file
    changed = _odt_final(parts) if suffix == ".odt" else _docx_final(parts)
    freeze = _odt_frozen if suffix == ".odt" else _docx_frozen
    for part, xml in parts.items():
        frozen = freeze(changed.get(part, xml), name)
        if frozen != changed.get(part, xml):
            changed[part] = frozen
    if suffix == ".docx" and _all_read(path, parts):
        changed.update(_unused_table_styles_dropped(parts))
    if not changed:
        return
    rewritten = path.with_name(path.name + ".final")
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(rewritten, "w") as out:
        for info in zf.infolist():  # in order (an .odt's mimetype first)
            # stored, not compressed again: the copy is LibreOffice's to read, once, and
            # deflating a paper's parts again (its pictures too) took longer than reading them
            data = changed.pop(info.filename, b"") or zf.read(info)
            info.compress_type = zipfile.ZIP_STORED
            out.writestr(info, data)
        for name, data in changed.items():  # parts the file did not have
            out.writestr(name, data, zipfile.ZIP_DEFLATED)
    shutil.move(rewritten, path)


# --- table styles nothing uses -------------------------------------------------------------------

STYLES = "word/styles.xml"
# the main namespace as nearly every document binds it; a part binding it otherwise (another
# prefix, or as the default namespace) is not looked into, and nothing is dropped
_W_BOUND = re.compile(rb'xmlns(?::(\w+))?\s*=\s*["\']' + re.escape(W) + rb'["\']')
_TABLE_STYLE_USED = re.compile(rb'<w:tblStyle\b[^>]*?\bw:val\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_STYLE_END = b"</w:style>"
_STYLE_OPEN = re.compile(rb"<w:style\b[^>]*>")
_ATTRIBUTE = re.compile(rb'\bw:(type|styleId|default)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_BASED_ON = re.compile(rb'<w:basedOn\b[^>]*?\bw:val\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def _all_read(path: Path, parts: dict[str, bytes]) -> bool:
    """Whether `parts` holds every XML part of the Word document at `path` (`_parts` leaves out
    one too large to read)."""
    with zipfile.ZipFile(path) as zf:
        return all(
            info.filename in parts
            for info in zf.infolist()
            if info.filename.startswith("word/") and info.filename.endswith(".xml")
        )


def _style_id(found: tuple[bytes, bytes]) -> str:
    """A style's name as an attribute gives it (in double or single quotes, maybe escaped)."""
    return html.unescape((found[0] or found[1]).decode("utf-8", "replace"))


def _unused_table_styles_dropped(parts: dict[str, bytes]) -> dict[str, bytes]:
    """A .docx's styles part without the table styles no table uses: {} if it has none (or the
    document's XML is not written as nearly all is, with the main namespace as ``w:``).

    Word's and python-docx's blank documents carry a hundred table styles (310 KB of XML, most of
    a frontsheet's), which LibreOffice reads in full, every one, before it lays out a page: a
    frontsheet's conversion, on every rebuild's critical path, took 0.08 s longer for them. A
    table style applies only to a table naming it (``w:tblStyle``), or, the default one, to a
    table naming none; one is kept with those it is based on, and the pages are the same."""
    styles = parts.get(STYLES)
    used = _table_styles_used(parts)
    if styles is None or used is None:
        return {}
    tables = _table_styles(styles, used)
    todo = [style for style in used if style in tables]
    while todo:  # and what those are based on
        base = tables[todo.pop()][1]
        if base is not None and base not in used:
            used.add(base)
            if base in tables:
                todo.append(base)
    dropped = sorted(span for style, (span, _) in tables.items() if style not in used)
    if not dropped:
        return {}
    kept, at = [], 0
    for start, end in dropped:
        kept.append(styles[at:start])
        at = end
    kept.append(styles[at:])
    return {STYLES: b"".join(kept)}


def _table_styles_used(parts: dict[str, bytes]) -> set[str] | None:
    """The table styles a document's tables name; None if a part binds the main namespace to
    another prefix (or as the default namespace), whose references would not be seen."""
    used: set[str] = set()
    for part, xml in parts.items():
        if not part.startswith("word/") or not part.endswith(".xml"):
            continue
        if any(prefix != b"w" for prefix in _W_BOUND.findall(xml)):
            return None
        if part != STYLES:
            used.update(map(_style_id, _TABLE_STYLE_USED.findall(xml)))
    return used


def _table_styles(styles: bytes, used: set[str]) -> dict[str, tuple[tuple[int, int], str | None]]:
    """The table styles of a styles part, by name: where each is, and the style it is based on;
    the default table style added to `used`. (Each found from its opening tag to the end of
    the element: a regular expression over the elements' whole text took 4 ms.)"""
    tables = {}
    for head in _STYLE_OPEN.finditer(styles):
        attributes = {key: _style_id((a, b)) for key, a, b in _ATTRIBUTE.findall(head[0])}
        if attributes.get(b"type") != "table" or b"styleId" not in attributes:
            continue
        if head[0].endswith(b"/>"):
            end = head.end()
        else:
            end = styles.find(_STYLE_END, head.end())
            if end < 0:
                return {}  # (not well formed: left alone)
            end += len(_STYLE_END)
        if attributes.get(b"default") in ("1", "true", "on"):
            used.add(attributes[b"styleId"])
        base = _BASED_ON.search(styles, head.end(), end)
        tables[attributes[b"styleId"]] = (
            (head.start(), end),
            _style_id((base[1], base[2])) if base else None,
        )
    return tables


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


# --- fields that name the document's own file ---------------------------------------------------

# Word fields whose result LibreOffice works out from the file it opened, or prints empty: the
# file's name and the template's. (AUTHOR, USERNAME and the like keep their last result in
# LibreOffice: they are the document's own.)
_OWN_FILE = re.compile(r"\s*(FILENAME)\b", re.IGNORECASE)
_TEMPLATE = re.compile(
    r"\s*(?:TEMPLATE\b|DOCPROPERTY\s+\"?Template\b|INFO\s+(?:FileName|Template)\b)",
    re.IGNORECASE,
)
# what a paper's XML holds that means it may name itself (`names_itself`): FILENAME in a Word
# field (any case), an OpenDocument file-name field; in a .doc or .rtf, FILENAME as 8-bit or
# UTF-16 text
# what a part that may print its own file's name holds (a FILENAME field in Word's XML, an
# .odt's text:file-name, a .doc's UTF-16 text), in any case: looked for in the part made lower
# case (a case-blind regular expression took 14 ms over a frontsheet's 0.8 MB of XML)
_NAMES_ITSELF = (b"filename", b"<text:file-name", b"f\x00i\x00l\x00e\x00n\x00a\x00m\x00e")


def mentions_own_name(data: bytes) -> bool:
    """Whether `data` (a part of a document) may hold a field printing its file's name."""
    lowered = data.lower()
    return any(word in lowered for word in _NAMES_ITSELF)


# the same, over a whole mapped file (a .doc or .rtf, not copied to be made lower case)
_NAMES_ITSELF_IN_FILE = re.compile(b"(?i)" + b"|".join(map(re.escape, _NAMES_ITSELF)))
_TOKEN = re.compile(
    rb"<(?:\w+:)?(fldChar|instrText|t)(?=[\s>/])[^>]*?(?:/>|>(.*?)</(?:\w+:)?(?:fldChar|instrText|t)>)",
    re.DOTALL,
)
_CHAR_TYPE = re.compile(rb'fldCharType="(begin|separate|end)"')
_SIMPLE = re.compile(
    rb"<(?:\w+:)?fldSimple\b[^>]*?instr=(?:\"([^\"]*)\"|'([^']*)')[^>]*?"
    rb"(?:/>|>(.*?)</(?:\w+:)?fldSimple>)",
    re.DOTALL,
)
_T = re.compile(rb"<(?:\w+:)?t(?=[\s>/])[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.DOTALL)
_RUN = b'<w:r><w:t xml:space="preserve">%s</w:t></w:r>'


def _plain(xml_text: bytes) -> str:
    return html.unescape(xml_text.decode("utf-8", "replace"))


def _xml(text: str) -> bytes:
    return html.escape(text, quote=False).encode("utf-8")


def _without_folders(shown: str) -> str:
    """A path as a field last showed it, its folders left out (Windows' or any other)."""
    return re.split(r"[\\/]", shown.strip())[-1]


def _frozen_text(instruction: str, shown: str, name: str | None) -> str | None:
    """What a field of `instruction` that last showed `shown` is printed as, if it is one that
    names a file (None: it is left to LibreOffice)."""
    if _OWN_FILE.match(instruction):
        return name if name is not None else _without_folders(shown)
    if _TEMPLATE.match(instruction):
        return _without_folders(shown)
    return None


def _text_element(element: bytes, text: str) -> bytes:
    """A run's text element (``<w:t ...>...</w:t>``, or ``<w:t/>``) holding `text` instead,
    its prefix and attributes kept."""
    opening = element[: element.index(b">") + 1]
    if opening.endswith(b"/>"):
        opening = opening[:-2].rstrip() + b">"
    tag = opening[1:].split(b">")[0].split()[0]
    if b"xml:space" not in opening:
        opening = opening[:-1] + b' xml:space="preserve">'
    return opening + _xml(text) + b"</" + tag + b">"


def _results(texts: list[tuple[int, int, bytes]], text: str) -> list[tuple[int, int, bytes]]:
    """Edits putting `text` in the first of a field's result texts and emptying the others."""
    return [
        (start, end, _text_element(element, text if n == 0 else ""))
        for n, (start, end, element) in enumerate(texts)
    ]


class _Field:
    """A complex field being read: its instruction, and where its pieces are."""

    def __init__(self, begin: tuple[int, int]) -> None:
        self.pieces = [begin]  # its fldChar and instrText elements, taken out when frozen
        self.instruction: list[str] = []
        self.results: list[tuple[int, int, bytes]] = []  # its w:t elements: where, and whole
        self.shown: list[str] = []
        self.separated = False


def _docx_frozen(xml: bytes, name: str | None) -> bytes:
    """A Word part whose fields naming a file (`_frozen_text`) are text: their field characters
    and instructions taken out, the text put in their result's first run (its look kept)."""
    if not mentions_own_name(xml) and b"template" not in xml.lower():
        return xml
    edits = _simple_edits(xml, name) + _complex_edits(xml, name)
    if not edits:
        return xml
    out = bytearray()
    at = 0
    for start, end, replacement in sorted(edits):
        if start < at:
            continue  # (an edit inside one made already)
        out += xml[at:start] + replacement
        at = end
    return bytes(out + xml[at:])


def _simple_edits(xml: bytes, name: str | None) -> list[tuple[int, int, bytes]]:
    """The edits that make each simple field (``w:fldSimple``) naming a file its text."""
    edits: list[tuple[int, int, bytes]] = []
    for found in _SIMPLE.finditer(xml):
        instruction = _plain(found[1] if found[1] is not None else found[2])
        inner, at = found[3] or b"", found.start(3) if found[3] is not None else found.end()
        texts = [(at + t.start(), at + t.end(), t[0]) for t in _T.finditer(inner)]
        shown = "".join(_plain(t[1] or b"") for t in _T.finditer(inner))
        text = _frozen_text(instruction, shown, name)
        if text is None:
            continue
        if not texts:
            edits.append((found.start(), found.end(), _RUN % _xml(text)))
            continue
        # the field's own tags taken out, its runs kept
        edits.append((found.start(), found.start(3), b""))
        edits.append((found.end(3), found.end(), b""))
        edits += _results(texts, text)
    return edits


def _complex_edits(xml: bytes, name: str | None) -> list[tuple[int, int, bytes]]:
    """The edits that make each complex field (begin, instruction, separate, result, end)
    naming a file its text, a field inside another's instruction or result too (each piece
    belongs to the innermost field open)."""
    edits: list[tuple[int, int, bytes]] = []
    stack: list[_Field] = []
    for token in _TOKEN.finditer(xml):
        tag, span = token[1], (token.start(), token.end())
        if tag == b"fldChar":
            kind = _CHAR_TYPE.search(token[0])
            ended = _field_char(stack, kind[1] if kind else b"", span)
            if ended is not None:
                edits += _freeze_field(ended, name)
        elif not stack:
            continue
        elif tag == b"instrText" and not stack[-1].separated:
            stack[-1].instruction.append(_plain(token[2] or b""))
            stack[-1].pieces.append(span)
        elif tag == b"t" and stack[-1].separated:
            stack[-1].results.append((*span, token[0]))
            stack[-1].shown.append(_plain(token[2] or b""))
    return edits


def _field_char(stack: list[_Field], kind: bytes, span: tuple[int, int]) -> _Field | None:
    """Follow a field character of `kind` on the `stack` of fields open; the field it ends."""
    if kind == b"begin":
        stack.append(_Field(span))
    elif not stack or kind not in (b"separate", b"end"):
        pass
    elif kind == b"separate":
        stack[-1].separated = True
        stack[-1].pieces.append(span)
    else:
        field = stack.pop()
        field.pieces.append(span)
        return field
    return None


def _freeze_field(field: _Field, name: str | None) -> list[tuple[int, int, bytes]]:
    text = _frozen_text("".join(field.instruction), "".join(field.shown), name)
    if text is None:
        return []
    edits = [(start, end, b"") for start, end in field.pieces[:-1]]
    start, end = field.pieces[-1]  # its end: where a field never shown gets its text
    edits.append(
        (start, end, b"" if field.results else b'<w:t xml:space="preserve">%s</w:t>' % _xml(text))
    )
    return edits + _results(field.results, text)


_ODT_OWN_FILE = re.compile(rb"<text:file-name\b[^>]*?(?:/>|>.*?</text:file-name>)", re.DOTALL)
_ODT_TEMPLATE = re.compile(
    rb"<text:template-name\b[^>]*?(?:/>|>(.*?)</text:template-name>)", re.DOTALL
)


def _odt_frozen(xml: bytes, name: str | None) -> bytes:
    """An OpenDocument part whose file-name fields are the paper's name as text, and whose
    template-name fields are their last result without folders."""
    if name is not None:
        xml = _ODT_OWN_FILE.sub(lambda _m: _xml(name), xml)
    else:
        xml = _ODT_OWN_FILE.sub(
            lambda m: _xml(_without_folders(_plain(re.sub(rb"<[^>]*>", b"", m[0])))), xml
        )
    return _ODT_TEMPLATE.sub(
        lambda m: _xml(_without_folders(_plain(re.sub(rb"<[^>]*>", b"", m[1] or b"")))), xml
    )


def own_name(document: Path, source: object) -> str | None:
    """The name a converter's copy of `document` prints for its own file: its paper's, the file
    of `source` (an `errors.Source`; a caller that names none names the document itself)."""
    file = getattr(source, "file", None)
    return file.name if isinstance(file, Path) else document.name


def names_itself(path: Path) -> bool:
    """Whether a Word paper may hold a field naming its own file (what it prints then depends
    on its name, not only its content). Read through, mapped; False if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return False
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if data[:2] != b"PK":
                    return bool(_NAMES_ITSELF_IN_FILE.search(data))
        return any(mentions_own_name(xml) for xml in _parts(path).values())
    except (OSError, ValueError, zipfile.BadZipFile):
        return False
