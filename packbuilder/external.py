"""Word papers that refer to files outside themselves: refused before LibreOffice opens them.

A Word document can show content it does not hold: a picture "linked to file", an OLE object
linked to a spreadsheet, a template or subdocument, a frame or a font loaded from elsewhere, and
fields that read a file when the document is opened (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE,
DDEAUTO, IMPORT).
LibreOffice, converting the paper, follows those references on the build machine: a picture linked
to ``file:///...`` ends up inside the published pack. Nothing outside the meeting folder may reach a
pack, so a paper carrying any such reference is refused, naming the paper and what it refers to.

Plain hyperlinks to web pages, e-mail addresses and telephone numbers are fine: a viewer follows
them only when a reader clicks, nothing is loaded. A hyperlink to a file is refused: in a .docx a
hyperlink is a relationship like any other, and a picture that names it (``r:link`` or
``r:embed``) is loaded from it by LibreOffice; so is a picture whose path inside the package
climbs out of it (``../../``).

A package must be what its name says (`_package_problem`): LibreOffice picks a format by what the
file holds, and the checks below read the format of the name. And an SVG picture in a package may
not load another file (`_pictures_problem`): LibreOffice's SVG import follows ``<image href>``.

Each format is read the way it stores references:

* ``.docx``: every relationship part (``*.rels``) marked ``TargetMode="External"`` other than a
  hyperlink, and the field instructions (simple and complex fields, across runs) of every XML part;
  and any document held inside it as an "alternative format chunk" (``w:altChunk``), which
  LibreOffice imports, inner links and all: Word merges such a chunk in when the file is saved.
* ``.odt``: every ``xlink:href`` outside the package, except links (``text:a``, ``draw:a``), and any
  DDE connection.
* ``.doc`` (Word 97 binary): the field codes in its text (a field starts with byte 0x13), in both
  the 8-bit and the UTF-16 text encodings, the field's name after any blanks, line breaks or
  quotes. Linked OLE objects of old .doc files are not decoded; converted by LibreOffice they
  show their cached picture. Ask for .docx where that matters.
* ``.rtf``: read the whole file through as an RTF reader reads it (`_rtf`): field instructions
  (``\\fldinst``, whatever line breaks, escapes, control words and groups its name is written
  with), linked objects (``\\objlink``, ``\\objautlink``, and ``\\objdata`` whose OLE header
  says "linked"), an attached template (``\\*\\template``) and subdocuments. (A shape's
  picture named by file, ``pibName`` or ``fillBlipName``, is not loaded by LibreOffice.)

The field names (`FILE_FIELDS`) are one list for every format.
"""

from __future__ import annotations

import functools
import hashlib
import html
import mmap
import os
import posixpath
import re
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

from packbuilder.errors import InputError, Source
from packbuilder.safezip import MAX_XML_BYTES, TooBig, read_member

# fields that read another file when the document is opened or printed, in every Word format
FILE_FIELDS = frozenset(
    {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT"}
    | {"DATABASE", "RD"}  # a query's results from a database file; a document indexed with this one
)
FIELD_ADVICE = (
    "in Word, select the field and press Ctrl+Shift+F9 to turn it into ordinary content, or paste "
    "the content in"
)
# what a relationship type (its last word) refers to, and what to do instead
KINDS = {
    "image": ("links to an image outside the meeting folder", "embed the image instead"),
    "oleObject": (
        "links to an object in another file",
        "embed the object instead, or paste it as a picture",
    ),
    "package": ("links to a package in another file", "embed it instead"),
    "attachedTemplate": (
        "is attached to a template outside the meeting folder",
        "clear the attached template (Word: Developer > Document Template) or copy the text into "
        "a new document",
    ),
    "subDocument": (
        "includes a subdocument from another file",
        "copy the subdocument's text into this document",
    ),
    "frame": ("shows a frame from another file", "copy that content into this document"),
    "font": ("loads a font from another file", "embed the font, or use an installed one"),
    "externalLinkPath": ("reads data from another file", "paste the values instead"),
}
OTHER = ("refers to a file outside the meeting folder", "embed or paste that content instead")


def check_external(path: Path) -> None:
    """Refuse a Word paper that refers to anything outside itself (see the module docstring)."""
    suffix = path.suffix.lower()
    src = Source(path)
    if suffix in {".doc", ".rtf"}:
        problem = _mapped(path, _doc if suffix == ".doc" else _rtf)
    elif suffix in {".docx", ".odt"}:
        try:
            problem = (
                _package_problem(path, suffix)
                or (_docx(path) if suffix == ".docx" else _odt(path))
                or _pictures_problem(path)
            )
        except Unreadable:
            problem = (
                f"this {suffix} file is damaged (a part of it is not well-formed XML); open it "
                "in Word and save it again"
            )
    else:
        return
    if problem:
        raise InputError(problem, src)


def _mapped(path: Path, check: Callable[[bytes | mmap.mmap], str | None]) -> str | None:
    """`check` of a file's bytes, mapped rather than read: a paper runs to 100 MB or more, and
    the checks search all of it."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return check(b"")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return check(data)


ODF_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_MAIN_PART = "word/document.xml"


def _package_problem(path: Path, suffix: str) -> str | None:
    """A package laid out as its name says, and as nothing else. LibreOffice chooses a format by
    what the file holds, not by its name, and the checks here read the parts of the format the
    name says: an OOXML document named .odt (or an OpenDocument named .docx) would be opened as
    the other format, its links never looked at. So a .docx holds no OpenDocument, and its main
    document is the part Word writes (``word/document.xml``, where every check reads); an .odt is
    an OpenDocument text and holds no Word document."""
    names = set(_names(path))
    odf = bool({"mimetype", "content.xml", "META-INF/manifest.xml"} & names)
    ooxml = "[Content_Types].xml" in names or any(n.startswith("word/") for n in names)
    if suffix == ".docx":
        if odf:
            return (
                "this .docx file also holds an OpenDocument (.odt) document, which LibreOffice "
                "could open instead; open it in Word and save it again as .docx"
            )
        rels = _text(_member(path, "_rels/.rels"), "_rels/.rels")
        mains = [
            unquote(a.get("Target", "")).replace("\\", "/").lstrip("/")
            for a in map(_attrs, (m.group(1) for m in _REL.finditer(rels)))
            if a.get("Type", "").rstrip("/").rsplit("/", 1)[-1] == "officeDocument"
        ]
        if [posixpath.normpath(m) for m in mains] != [_MAIN_PART]:
            where = ", ".join(mains) or "nowhere"
            return (
                f"this .docx file keeps its document in an unusual place ({_shorten(where)}, not "
                f"{_MAIN_PART}); open it in Word and save it again"
            )
        return None
    if ooxml:
        return (
            "this .odt file also holds a Word (.docx) document, which LibreOffice could open "
            "instead; open it in LibreOffice and save it again as .odt"
        )
    if _member(path, "mimetype").strip() != ODF_MIMETYPE:
        return (
            "this .odt file is not an OpenDocument text (its mimetype is not "
            f"{ODF_MIMETYPE.decode()}); open it in LibreOffice Writer and save it again as .odt"
        )
    return None


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


# what LibreOffice takes for an SVG picture: "<svg" anywhere near the start (after a declaration,
# processing instructions, a DOCTYPE, comments), whatever the part's name
_SVG_HEAD = re.compile(rb"<svg\b", re.I)
_SNIFF = 1 << 16  # bytes of each part looked at for it
_GZIP = b"\x1f\x8b"
# in an SVG picture: what loads something from elsewhere (an <image>, <use> or <script> href, a
# url() in a style, an @import); a reference to the picture's own parts (#id) or a data: URI is
# inside it
_SVG_ATTR = re.compile(r"""\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SVG_URL = re.compile(r"""url\(\s*['"]?\s*(?!#|data:)([^'")\s]+)|@import""", re.I)


def _pictures_problem(path: Path) -> str | None:
    """An SVG picture in the package that loads a file (``<image xlink:href="file:///...">``):
    LibreOffice's SVG import follows it on the build machine. Every part is looked at by what it
    holds, not its name; a compressed picture (.svgz) is unpacked first."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if name.lower().endswith(".rels") or info.is_dir():
                continue  # (relationships: checked by the format's rules)
            with zf.open(info) as fh:
                head = fh.read(_SNIFF)
            if head.startswith(_GZIP):
                try:
                    with zf.open(info) as fh:
                        head = gzip_decompress(fh.read(1 << 20), _SNIFF, partial=True)
                except (zlib.error, ValueError, TooBig, OSError, EOFError):
                    return _unreadable_picture(name)
            named = name.lower().endswith((".svg", ".svgz"))
            if not (named or _SVG_HEAD.search(head)) or _odf_document_part(name):
                continue
            try:
                data = read_member(path, name, MAX_XML_BYTES) or b""
                if data.startswith(_GZIP):
                    data = gzip_decompress(data, MAX_XML_BYTES)
            except (zlib.error, ValueError, TooBig, OSError, EOFError):
                return _unreadable_picture(name)  # never taken as clean for not being read
            if not _SVG_HEAD.search(data[:_SNIFF]) and not named:
                continue
            problem = _svg_problem(_text(data, name))
            if problem:
                return (
                    f"shows a picture ({_shorten(name)}) that loads another file "
                    f"({_shorten(problem)}); insert the picture as PNG or JPEG instead"
                )
    return None


# an OpenDocument's own parts (its text, styles, properties, settings and list of parts, and an
# embedded object's): XML that may hold "<svg:" (an image's alternative text is <svg:title>,
# <svg:desc>), checked by the format's rules (`_odt`), which refuse a picture naming one of them
_ODF_PARTS = ("content.xml", "styles.xml", "meta.xml", "settings.xml", "manifest.xml")


def _odf_document_part(name: str) -> bool:
    return posixpath.basename(name.lower()) in _ODF_PARTS


def gzip_decompress(data: bytes, cap: int, partial: bool = False) -> bytes:
    """A gzip stream unpacked, stopping past `cap` bytes (or, if `partial`, its first `cap`).

    Raises:
        TooBig: it unpacks to more than `cap` (not `partial`).
        zlib.error: it is not a gzip stream.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, cap + 1)
    if len(out) > cap and not partial:
        raise TooBig
    return out[:cap]


def _unreadable_picture(name: str) -> str:
    return (
        f"holds a picture that cannot be checked ({_shorten(name)}: too large, or damaged); "
        "insert the picture as PNG or JPEG instead"
    )


def _svg_problem(xml: str) -> str | None:
    """What an SVG picture (written out again by the parser, `_text`) loads from elsewhere."""
    for tag in re.finditer(r"<[^>]+>", xml):
        for m in _SVG_ATTR.finditer(tag.group(0)):
            name = m.group(1).split(":")[-1].lower()
            value = html.unescape(m.group(2) if m.group(2) is not None else m.group(3)).strip()
            if name in {"href", "src"} and value and not value.startswith(("#", "data:")):
                return value
    for m in _SVG_URL.finditer(html.unescape(xml)):
        return m.group(1) or "@import"
    return None


def _shorten(target: str) -> str:
    target = " ".join(target.split())
    return target if len(target) <= 200 else target[:197] + "..."


def _xml_parts(path: Path, suffixes: tuple[str, ...]) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.lower().endswith(suffixes)]


# The namespaces whose prefixes the checks look for, written with these prefixes whatever prefix
# the file itself declares (an .odt may call the link namespace ``xl:``).
PREFIXES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xlink": "http://www.w3.org/1999/xlink",
}
for _prefix, _uri in PREFIXES.items():
    ElementTree.register_namespace(_prefix, _uri)


class Unreadable(Exception):
    """A part of the file is not well-formed XML."""


def _read(path: Path, name: str) -> str:
    """A part of the file as XML written out again by a parser: each attribute whole, quoted and
    escaped (a ``>`` inside a value once hid a link from the checks' patterns), in the encoding
    the part declares, with the prefixes of `PREFIXES`.

    Raises:
        Unreadable: the part is not well-formed XML.
    """
    return _text(_member(path, name), name)


def _member(path: Path, name: str) -> bytes:
    try:
        return read_member(path, name, MAX_XML_BYTES) or b""
    except TooBig:
        return b""  # the size check of the whole archive has already refused such a file


def _text(data: bytes, name: str) -> str:
    """`_read`, of a part's bytes."""
    if not data.strip():
        return ""
    if len(data) <= REMEMBERED_BYTES:
        return _remembered(data, name)
    return _normalised(data, name)


REMEMBERED_BYTES = 1 << 19  # parts up to this size are remembered, 32 at most (`_remembered`)


@functools.lru_cache(maxsize=32)
def _remembered(data: bytes, name: str) -> str:
    """`_normalised`, remembered by the bytes: a frontsheet is checked at every build, and of its
    parts only the document's text changes (the styles, numbering, fonts and relationships are
    its template's), so each is parsed once a process (a failure is never remembered)."""
    return _normalised(data, name)


def _normalised(data: bytes, name: str) -> str:
    """`data` parsed and written out again (see `_read`).

    Raises:
        Unreadable: the part is not well-formed XML.
    """
    try:
        return ElementTree.tostring(ElementTree.fromstring(data), encoding="unicode")
    except (ElementTree.ParseError, ValueError):
        raise Unreadable(name) from None


_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"|([\w:]+)\s*=\s*\'([^\']*)\'')


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        key = m.group(1) or m.group(3)
        out[key.split(":")[-1]] = html.unescape(m.group(2) if m.group(1) else m.group(4))
    return out


def _docx(path: Path) -> str | None:
    links: dict[str, dict[str, str]] = {}  # part -> its hyperlinks' ids and targets
    for name in _xml_parts(path, (".rels",)):
        problem = _part_problem(path, name, _relationships_problem)
        if problem:
            return problem
        xml = _text(_member(path, name), name)
        folder = posixpath.dirname(posixpath.dirname(name))  # (word/_rels/x.rels: word)
        problem = _climbs_out(xml, folder)
        if problem:
            return problem
        part = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
        links[part] = _hyperlinks(xml)
    for name in _xml_parts(path, (".xml",)):
        if name.startswith("word/"):
            problem = _part_problem(path, name, _content_problem)
            if problem:
                return problem
            if links.get(name):
                problem = _link_used_as_content(_text(_member(path, name), name), links[name])
                if problem:
                    return problem
    return None


# What a hyperlink of a Word paper may open: a web page, an e-mail, a telephone number, a place
# in the document. A "hyperlink" relationship is only a target: LibreOffice loads it as a picture
# when a picture names it (`_link_used_as_content`), so one naming a file is refused outright.
_WEB_LINK = re.compile(r"^\s*(?:https?://|mailto:|tel:|#)", re.I)


def _hyperlinks(xml: str) -> dict[str, str]:
    out = {}
    for m in _REL.finditer(xml):
        a = _attrs(m.group(1))
        if a.get("Type", "").rstrip("/").rsplit("/", 1)[-1] == "hyperlink" and a.get("Id"):
            out[a["Id"]] = a.get("Target", "")
    return out


def _climbs_out(xml: str, folder: str) -> str | None:
    """A relationship inside the package whose target climbs out of it (``../../etc/x.png``):
    what the package does not hold, LibreOffice may look for beside the file."""
    for m in _REL.finditer(xml):
        a = _attrs(m.group(1))
        target = unquote(a.get("Target", "")).replace("\\", "/")  # (a part name is a URI)
        if a.get("TargetMode", "").lower() == "external" or target.startswith("/"):
            continue
        if posixpath.normpath(posixpath.join(folder or ".", target)).startswith(".."):
            what, advice = OTHER
            return f"{what} ({_shorten(target)}); remove the link: {advice}"
    return None


_TAG_NAME = re.compile(r"<\s*(?:[\w.-]+:)?([\w.-]+)")
# elements whose relationship id names a hyperlink as a hyperlink, not as content to show
_LINK_ELEMENTS = {"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"}


def _link_used_as_content(xml: str, links: dict[str, str]) -> str | None:
    """A hyperlink's relationship named by anything but a hyperlink (a picture ``r:link``ed or
    ``r:embed``ded to it): LibreOffice would load what it points to into the pack."""
    ids = "|".join(re.escape(i) for i in links)
    for m in re.finditer(r"""=\s*["'](""" + ids + r""")["']""", xml):
        tag = _TAG_NAME.match(xml, xml.rfind("<", 0, m.start()))
        if tag is None or tag.group(1) not in _LINK_ELEMENTS:
            return (
                f"shows a picture or object from a link ({_shorten(links[m.group(1)])}); "
                "insert the picture itself (Word: Insert > Pictures > This Device)"
            )
    return None


def _relationships_problem(xml: str) -> str | None:
    for m in _REL.finditer(xml):
        a = _attrs(m.group(1))
        target = a.get("Target", "")
        kind = a.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        external = a.get("TargetMode", "").lower() == "external"
        if kind == "hyperlink":
            if _WEB_LINK.match(target):
                continue
            return (
                f"links to a file rather than a web page ({_shorten(target)}); remove the link, "
                "or link to the web page where it is published"
            )
        if kind.lower() == "afchunk":  # a document inside the document, which LibreOffice
            # imports with its own links unchecked (a .docx with a picture linked to file)
            return (
                f"holds another document inside it ({_shorten(target)}), which would be "
                "imported without these checks; open it in Word and save it again, which "
                "merges that document in"
            )
        if external or re.match(r"^[a-z][a-z0-9+.-]*:|^\\\\", target, re.I):
            what, advice = KINDS.get(kind, OTHER)
            return f"{what} ({_shorten(target)}); remove the link: {advice}"
    return None


def _content_problem(xml: str) -> str | None:
    return _fields(xml) or _file_attribute(xml)


KEPT_BYTES = 1 << 16  # a .docx part this large found clean is remembered on disk (`_part_problem`)


def _part_problem(path: Path, name: str, check: Callable[[str], str | None]) -> str | None:
    """`check` of a part of a .docx (`_read`). A part of `KEPT_BYTES` or more that passes is
    remembered by its bytes in the cache (as the papers' checks are), so that the next process
    need not parse it: a frontsheet is checked at every build, and its template's styles
    (0.8 MB of XML in the shipped templates, 0.1 s to parse) are the same every time. A failure
    is never remembered."""
    data = _member(path, name)
    if len(data) < KEPT_BYTES:
        return check(_text(data, name))
    from packbuilder import pdf  # (the cache's small entries; pdf is not needed before)

    key = hashlib.sha256(data).hexdigest()
    entry = pdf.remembered_by_key(key, f"docx-{check.__name__.strip('_')}", _checks_version())
    if pdf.recall(entry) == "passed":
        return None
    problem = check(_text(data, name))
    if problem is None:
        pdf.remember(entry, "passed")
    return problem


@functools.cache
def _checks_version() -> str:
    """The code of these checks: a change to it checks every part again."""
    from packbuilder import safezip

    h = hashlib.sha256()
    for module in (safezip, sys.modules[__name__]):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


# an attribute naming a file directly (VML pictures' o:href and src, for one), not through a
# relationship: a local file URL, a Windows path or a network share
_FILE_ATTRIBUTE = re.compile(
    r"\s[\w:]+\s*=\s*[\"'](file:[^\"']*|[A-Za-z]:\\[^\"']*|\\\\[^\"']+)[\"']", re.I
)


def _file_attribute(xml: str) -> str | None:
    m = _FILE_ATTRIBUTE.search(xml)
    if m is None:
        return None
    what, advice = OTHER
    return f"{what} ({_shorten(html.unescape(m.group(1)))}); remove the link: {advice}"


_FIELD_TOKEN = re.compile(
    r"<(?:\w+:)?fldChar\b[^>]*?fldCharType\s*=\s*[\"'](\w+)[\"']"
    r"|<(?:\w+:)?instrText\b[^>]*>([^<]*)<"
    r"|<(?:\w+:)?fldSimple\b[^>]*?instr\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
)


def _fields(xml: str) -> str | None:
    """The first field of an XML part that reads a file, as a message.

    A complex field is begin, instruction runs (as many as Word split it into), separate, result
    runs, end; fields nest. A simple field carries its instruction in one attribute.
    """
    open_fields: list[tuple[list[str], list[bool]]] = []  # (instruction parts, [in result?])
    instructions: list[str] = []
    for m in _FIELD_TOKEN.finditer(xml):
        kind, text, simple1, simple2 = m.groups()
        if kind == "begin":
            open_fields.append(([], [False]))
        elif kind == "separate" and open_fields:
            open_fields[-1][1][0] = True
        elif kind == "end" and open_fields:
            instructions.append("".join(open_fields.pop()[0]))
        elif text is not None and open_fields and not open_fields[-1][1][0]:
            open_fields[-1][0].append(html.unescape(text))
        elif simple1 is not None or simple2 is not None:
            instructions.append(html.unescape(simple1 if simple1 is not None else simple2))
    instructions += ["".join(parts) for parts, _ in open_fields]  # never closed: still counted
    for instr in instructions:
        problem = _field_problem(instr)
        if problem:
            return problem
    return None


# what comes before a field's name and is not part of it: blanks, line breaks, quotes (Word and
# LibreOffice take ``"INCLUDEPICTURE"`` and ``INCLUDEPICTURE"x.png"`` as the field)
_BLANKS = "".join(map(chr, range(33))) + '"\u00a0\u201c\u201d'
_FIELD_NAME = re.compile(r"[A-Za-z]+")


def _field_name(instr: str) -> str:
    """A field's name as a reader takes it from its instruction: its first letters, upper case."""
    m = _FIELD_NAME.match(instr.lstrip(_BLANKS + " \t\r\n"))
    return m.group(0).upper() if m else ""


def _field_problem(instr: str) -> str | None:
    """A field instruction of any Word format (.docx, .doc, .rtf) that reads a file, as a
    message: the one list of field names, `FILE_FIELDS`, for all of them."""
    field = _field_name(instr)
    if field not in FILE_FIELDS:
        return None
    rest = instr.lstrip(_BLANKS)[len(field) :].lstrip(_BLANKS[:33])
    argument = _shorten(rest) if rest else ""
    return f"has a field {field} that reads another file ({argument}); {FIELD_ADVICE}"


def _odt(path: Path) -> str | None:
    with zipfile.ZipFile(path) as zf:
        members = set(zf.namelist())
    for name in _xml_parts(path, (".xml",)):
        xml = _read(path, name)
        if re.search(r"<(?:\w+:)?dde-(?:connection-decl|source|link)\b", xml):
            return (
                "reads data from another program or file (a DDE link); remove the link: paste "
                "the values instead"
            )
        for m in re.finditer(
            r"<([\w:.-]+)\b([^>]*?)\bxlink:href\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", xml
        ):
            element = m.group(1)
            target = html.unescape(m.group(3) if m.group(3) is not None else m.group(4))
            if element.split(":")[-1] == "a":  # a hyperlink: followed only when clicked
                continue
            if _odf_document_part(target.strip()):
                return (
                    f"shows one of its own parts ({_shorten(target)}) as a picture or object, "
                    "which no program writes; open it in LibreOffice and save it again as .odt"
                )
            if _outside_package(target, members):
                what, advice = KINDS["image"] if "image" in element else OTHER
                return f"{what} ({_shorten(target)}); remove the link: {advice}"
    return None


def _outside_package(target: str, members: set[str]) -> bool:
    """Whether an href leaves the package: anything that is not one of its own parts (or a
    folder of them, as an embedded object is) counts as outside."""
    t = target.strip()
    if not t or t.startswith("#"):
        return False
    if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^\\", t, re.I):
        return True
    inside = posixpath.normpath(t.replace("\\", "/"))
    if inside.startswith("../") or inside == "..":
        return True
    return inside not in members and not any(m.startswith(inside + "/") for m in members)


# a field in a Word 97 document: 0x13, then its instruction (8-bit text or UTF-16); its name may
# come after any run of blanks, line breaks and quotes, as `_field_name` reads it
_DOC_FIELD_8 = re.compile(rb'\x13[\x00-\x20"\x93\x94\xa0]*([A-Za-z]+)')
_DOC_FIELD_16 = re.compile(rb'\x13\x00(?:[\x00-\x20"\xa0]\x00|[\x1c\x1d] )*((?:[A-Za-z]\x00)+)')


def _doc(data: bytes | mmap.mmap) -> str | None:
    for m in _DOC_FIELD_8.finditer(data):
        if m.group(1).upper().decode("ascii") in FILE_FIELDS:
            return _field_problem(_doc_instruction(data, m.start(1), 1))
    for m in _DOC_FIELD_16.finditer(data):
        word = m.group(1).decode("utf-16-le", errors="replace").upper()
        if word in FILE_FIELDS:
            return _field_problem(_doc_instruction(data, m.start(1), 2))
    return None


def _doc_instruction(data: bytes | mmap.mmap, start: int, width: int) -> str:
    """The instruction from its name (at `start`) to the next field mark, for the message."""
    raw = data[start : start + 400 * width]
    text = raw.decode("utf-16-le" if width == 2 else "cp1252", errors="replace")
    return re.split(r"[\x13\x14\x15]", text)[0]


# --- RTF, read as a reader reads it ---------------------------------------------------------------
#
# LibreOffice reads an RTF field's name wherever it lies in the field's instruction: after any
# number of line breaks (an RTF reader drops CR and LF), written as \'hh or \uN escapes, split by
# control words or by groups, or after groups it skips ({\*\anything ...}). So the instruction is
# read token by token, the whole file through, never a window of bytes after \fldinst (400 line
# breaks once put a picture from outside the meeting folder into a public pack). Two readings of
# each instruction are checked: as the RTF specification reads it (destinations skipped, \uN's
# fallback characters skipped, \tab and \par as blanks), and with the text of every group kept;
# a name either finds is refused. The file is searched in place (mapped, not read), keeping only
# the first `_KEPT` characters of each instruction: a large file costs time in proportion to its
# size and little memory.

_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]+)(-?\d+)? ?"  # a control word, its number, and the space that ends it
    rb"|\\'([0-9a-fA-F]{2})"  # a character by its code
    rb"|\\(.)"  # a control symbol: \* (an ignorable destination), \\, \{, \}, \~ ...
    rb"|([{}])"
    rb"|([^\\{}]+)",  # text (its line breaks are not text)
    re.S,
)
_KEPT = 1024  # characters of an instruction kept, from its first one that is not blank
# groups whose text is not the instruction's (the RTF specification's destinations that may turn up
# inside one); the other reading keeps them
_DESTINATIONS = frozenset(
    b"""annotation atnauthor atnid atrfend atrfstart bkmkend bkmkstart blipuid colortbl datafield
    datastore docvar ffdeftext ffentrymcr ffexitmcr ffformat ffhelptext ffname ffstattext fldtype
    fonttbl footer footerf footerl footerr footnote formfield generator header headerf headerl
    headerr info latentstyles listtable listtext nonshppict object objclass objdata objname picprop
    pict pntext pntxta pntxtb result rsidtbl shp shpinst shppict shprslt shptxt sn sp stylesheet sv
    tc themedata txe userprops xe xmlnstbl""".split()
)
_BLANK_WORDS = frozenset(b"tab par line cell row sect page column emspace enspace qmspace".split())
_RTF_LINKS = {
    b"objlink": "links to an object in another file",
    b"objautlink": "links to an object in another file",
    b"template": "is attached to a template outside the meeting folder",
    b"subdocument": "includes a subdocument from another file",
}
_OLE1_LINKED = 1  # an OLE 1 object header's FormatID for a linked object (2: embedded)


class _Group:
    """What an RTF group is to the reader: its \\uc count, whether its text is the instruction's
    by the specification's reading (from which depth its text is skipped), and whether it holds
    an object's data."""

    __slots__ = ("uc", "skipped_from", "star", "objdata")

    def __init__(self, uc: int, skipped_from: int) -> None:
        self.uc, self.skipped_from = uc, skipped_from
        self.star = False  # a \* was read, and no control word since
        self.objdata: bytearray | None = None


class _Instruction:
    """The two readings of one field instruction (`_rtf`), as far as `_KEPT` characters."""

    __slots__ = ("depth", "spec", "whole")

    def __init__(self, depth: int) -> None:
        self.depth, self.spec, self.whole = depth, [""], [""]

    @staticmethod
    def add(reading: list[str], text: str) -> None:
        if len(reading[0]) < _KEPT:
            reading[0] = (reading[0] + text).lstrip(_BLANKS)[:_KEPT]

    def problem(self) -> str | None:
        return _field_problem(self.spec[0]) or _field_problem(self.whole[0])


def _rtf(data: bytes | mmap.mmap) -> str | None:
    """The first reference of an RTF file to another file, as a message (see above)."""
    reader = _RtfReader()
    pos, end = 0, len(data)
    while pos < end:
        m = _RTF_TOKEN.match(data, pos)
        if m is None:  # a lone backslash at the very end
            break
        pos = m.end()
        word, number, code, symbol, brace, text = m.groups()
        problem = None
        if brace == b"{":
            reader.open_group()
        elif brace is not None:
            problem = reader.close_group()
        elif word is not None:
            if word == b"bin":  # binary data: skipped, as a reader skips it
                pos = min(end, pos + max(0, _number(number)))
                continue
            problem = reader.control_word(word, _number(number))
        elif symbol is not None:
            reader.control_symbol(symbol)
        else:
            reader.text(bytes.fromhex(code.decode()) if code is not None else text)
        if problem:
            return problem
    return reader.finish()


_RTF_ADVICE = "; remove the link: embed or paste that content instead"


class _RtfReader:
    """The state of `_rtf` as it reads: the open groups, the instructions being read, and the
    fallback characters still to skip after a ``\\uN``. Each method takes one token and returns
    what it found wrong, if anything."""

    def __init__(self) -> None:
        self.groups = [_Group(1, -1)]
        self.fields: list[_Instruction] = []
        self.skip_chars = 0

    def open_group(self) -> None:
        group = self.groups[-1]
        self.groups.append(_Group(group.uc, group.skipped_from))
        self.skip_chars = 0

    def close_group(self) -> str | None:
        group, depth = self.groups[-1], len(self.groups) - 1
        self.skip_chars = 0
        if group.objdata is not None and _ole1_linked(group.objdata):
            return _RTF_LINKS[b"objlink"] + _RTF_ADVICE
        while self.fields and self.fields[-1].depth >= depth:
            problem = self.fields.pop().problem()
            if problem:
                return problem
        if len(self.groups) > 1:
            self.groups.pop()
        return None

    def control_word(self, word: bytes, number: int) -> str | None:
        group, depth = self.groups[-1], len(self.groups) - 1
        star, group.star = group.star, False
        if word in _RTF_LINKS:
            return _RTF_LINKS[word] + _RTF_ADVICE
        if word == b"uc":
            group.uc = max(0, number)
        elif word == b"u":
            self.read(chr(number % 65536), spec=True, whole=True)
            self.skip_chars = group.uc
        elif word.lower() == b"fldinst":
            self.fields.append(_Instruction(depth))
        elif word == b"objdata":
            group.objdata = bytearray()
        elif (star or word in _DESTINATIONS) and group.skipped_from < 0:
            group.skipped_from = depth
        elif word in _BLANK_WORDS:
            self.read(" ", spec=True, whole=False)
        return None

    def control_symbol(self, symbol: bytes) -> None:
        if symbol == b"*":
            self.groups[-1].star = True
        elif symbol in b"\\{}":
            self.read(symbol.decode("latin-1"), spec=True, whole=True)
        elif symbol == b"~":
            self.read(" ", spec=True, whole=False)

    def text(self, chars: bytes) -> None:
        group = self.groups[-1]
        chars = chars.replace(b"\r", b"").replace(b"\n", b"")
        if group.objdata is not None and len(group.objdata) < 64:
            group.objdata += chars[:64]
        if not self.fields or not chars:
            return
        decoded = chars.decode("cp1252", errors="replace")
        self.read(decoded, spec=False, whole=True)
        self.read(decoded[self.skip_chars :], spec=True, whole=False)
        self.skip_chars = max(0, self.skip_chars - len(decoded))

    def read(self, text: str, *, spec: bool, whole: bool) -> None:
        """Add `text` to the readings of every instruction it is part of: the whole reading
        takes all of it; the specification's, what no destination inside the instruction
        skips."""
        skipped_from = self.groups[-1].skipped_from
        for field in self.fields:
            if whole:
                field.add(field.whole, text)
            if spec and (skipped_from < 0 or skipped_from <= field.depth):
                field.add(field.spec, text)

    def finish(self) -> str | None:
        for instruction in reversed(self.fields):  # never closed: still counted
            problem = instruction.problem()
            if problem:
                return problem
        return None


def _number(digits: bytes | None) -> int:
    """A control word's number; a huge one as a huge number, not an error."""
    if digits is None:
        return 0
    return int(digits[:12])


def _ole1_linked(hexdata: bytearray) -> bool:
    """Whether an object's data (hex digits, `\\objdata`) starts with an OLE 1 header saying the
    object is linked to a file."""
    digits = bytes(c for c in hexdata if chr(c) in "0123456789abcdefABCDEF")[:16]
    if len(digits) < 16:
        return False
    return int.from_bytes(bytes.fromhex(digits[8:16].decode("ascii")), "little") == _OLE1_LINKED
