"""PDF work: reading papers, stamping pages, fillers, bookmarks, metadata.

The one module importing the PDF libraries (with `tagged`, which keeps the papers' structure trees
through the merge). pypdf checks papers when a meeting is loaded (its strict reading is what tells
an advisor which page of which file is damaged); pikepdf (qpdf) assembles the packs, because the
benchmark showed pypdf's parsing and writing to be most of a rebuild's time (bench/results.md): qpdf
copies a 1,000-page pack several times faster.

Stamps are drawn by appending a few bytes of content to each page, with the page's own content
wrapped in q/Q so that whatever graphics state it leaves cannot move or hide the stamp. That costs a
few hundred bytes a page; overlaying a whole stamp page per page with ``merge_page`` would copy
resources into every page and multiply the pack's size.

A pack is a tagged PDF (see `tagged`): "Page N", fillers and repeated markings are pagination
artifacts, which screen readers skip; "Agenda Item N" and the first NOT FOR PUBLICATION marking of
a paper are real content, tagged and read before the paper. The stamp font is Liberation Sans
(Helvetica's metrics, so stamps are placed as before), embedded as a subset with a Unicode map, as
PDF/UA requires of every font.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import json
import logging
import os
import re
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String
from pypdf import PdfReader
from pypdf import __version__ as pypdf_version
from pypdf.errors import DependencyError, PdfReadError, PyPdfError
from pypdf.generic import NullObject

from packbuilder.errors import AssemblyError, InputError, Source
from packbuilder.sanitize import ATTACHED, sanitize
from packbuilder.settings import settings
from packbuilder.tagged import StructureMerger

A4 = (595.276, 841.89)
FILLER_TEXT = "This page is intentionally left blank"

# pypdf logs every recoverable oddity of a damaged file; the user gets our one line instead
logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("pikepdf").setLevel(logging.CRITICAL)

# Helvetica advance widths (per 1000 em) for printable ASCII, from the standard Adobe font metrics;
# used to centre and right-align stamps without embedding or measuring a font.
_HELV = [
    278,
    278,
    355,
    556,
    556,
    889,
    667,
    191,
    333,
    333,
    389,
    584,
    278,
    333,
    278,
    278,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    278,
    278,
    584,
    584,
    584,
    556,
    1015,
    667,
    667,
    722,
    722,
    667,
    611,
    778,
    722,
    278,
    500,
    667,
    556,
    833,
    722,
    778,
    667,
    778,
    722,
    667,
    611,
    722,
    667,
    944,
    667,
    667,
    611,
    278,
    278,
    278,
    469,
    556,
    333,
    556,
    556,
    500,
    556,
    556,
    278,
    556,
    556,
    222,
    222,
    500,
    222,
    833,
    556,
    556,
    556,
    556,
    333,
    500,
    278,
    556,
    500,
    722,
    500,
    500,
    500,
    334,
    260,
    334,
    584,
]


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = sum(_HELV[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in text)
    return widths * size / 1000 * (1.06 if bold else 1.0)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    out = bytearray(b"(")
    for b in raw:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b < 32 or b > 126:
            out += f"\\{b:03o}".encode()
        else:
            out.append(b)
    return bytes(out + b")")


# --- reading papers ------------------------------------------------------------------------------


def open_pdf(path: Path) -> PdfReader:
    """Open a paper, refusing what cannot go into a pack, with a message saying what to do."""
    src = Source(path)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                ok = bool(reader.decrypt(""))
            except (PyPdfError, DependencyError, NotImplementedError, ValueError):
                ok = False
            if not ok:
                raise InputError(
                    "this PDF needs a password to open; ask its author for a copy without one", src
                )
        count = len(reader.pages)
    except InputError:
        raise
    except (
        PdfReadError,
        PyPdfError,
        DependencyError,
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        AssertionError,
        ZeroDivisionError,
    ) as exc:
        raise InputError(
            f"this PDF is damaged or not a PDF ({type(exc).__name__}); ask for the file again or "
            "re-save it from its source",
            src,
        ) from None
    if count == 0:
        raise InputError("this PDF has no pages; ask for the file again", src)
    return reader


# Bump when the checks below change: a paper checked by older checks is then checked again.
CHECKS_VERSION = 1


def check_readable(path: Path, warnings: list[str] | None = None) -> int:
    """The page count of a paper, after checking that every page can be read.

    Parsing every page's drawing instructions is most of the time a meeting takes to load, and a
    paper's bytes decide the answer, so a paper that passed is remembered by its content (in the
    cache folder, beside the conversions): a rebuild does not check an unchanged paper again.
    Failures are never remembered.

    Args:
        warnings: if given, gets a line for each kind of active content (scripts, attached files)
            that the packs will not carry, so that the advisor knows what was left out.
    """
    entry = _check_entry(path)
    known = _read_check(entry)
    if known is not None and (warnings is None or known[1] is not None):
        pages, removed = known
    else:
        removed = [] if warnings is not None else None
        pages = _check_readable(path, removed)
        _write_check(entry, pages, removed)
    if warnings is not None:
        warnings.extend(_removed_warnings(path, removed or []))
    return pages


def _check_entry(path: Path) -> Path | None:
    """Where the result of checking this paper's content is kept (None if it cannot be read)."""
    h = hashlib.sha256(f"{CHECKS_VERSION}|{pikepdf.__version__}|{pypdf_version}|".encode())
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    key = h.hexdigest()
    return settings().cache_dir / "checks" / key[:2] / f"{key}.json"


def _read_check(entry: Path | None) -> tuple[int, list[str] | None] | None:
    if entry is None:
        return None
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        pages, removed = int(data["pages"]), data["removed"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pages < 1 or not (removed is None or isinstance(removed, list)):
        return None
    return pages, removed


def _write_check(entry: Path | None, pages: int, removed: list[str] | None) -> None:
    """Remember a passed check; a cache that cannot be written is only slower."""
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"pages": pages, "removed": removed}), encoding="utf-8")
        os.replace(tmp, entry)
    except OSError:
        pass


def _removed_warnings(path: Path, removed: list[str]) -> list[str]:
    return [
        f"{path.name} carries {what}: "
        + (
            "left out of public packs (a private pack keeps them)"
            if what == ATTACHED
            else "removed from every pack"
        )
        for what in removed
    ]


def _check_readable(path: Path, removed: list[str] | None) -> int:
    """Every check of a paper, uncached (see `check_readable`)."""
    reader = open_pdf(path)
    for number, page in enumerate(reader.pages, start=1):
        try:
            _ = page.mediabox
            contents = page.get("/Contents")
            # a reference to an object the file does not hold: the page would come out blank
            missing = contents is not None and isinstance(contents.get_object(), NullObject | None)
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"this page is damaged ({type(exc).__name__}); ask for the file again",
                Source(path, page=number),
            ) from None
        if missing:
            raise InputError(
                f"page {number} cannot be read (its content is missing, so it would come out "
                "blank); ask for the file again, or re-save it from its source",
                Source(path, page=number),
            )
    count = _check_pages(path, removed)
    if count != len(reader.pages):
        # The layout counts pages as the assembler will copy them; a page tree that two readers
        # count differently would put every later stamp and page reference out by some pages.
        raise InputError(
            f"this PDF's list of pages is damaged (it holds {len(reader.pages)} or {count} pages, "
            "depending on how it is read); re-save it from its source, or print it to PDF again",
            Source(path),
        )
    return count


def _check_pages(path: Path, removed: list[str] | None) -> int:
    """Pages as the assembler sees them, each page's drawing instructions parsed by qpdf.

    A page whose content stream cannot be decoded would otherwise go into the pack blank (or cut
    short), with nothing to tell the advisor that a page of the appendix was lost.
    """
    with _opened(path) as pdf:
        pdf.get_warnings()  # what opening repaired is not a page's fault
        checked: dict[tuple[int, int], int] = {}  # streams shared by pages: checked once
        for number, page in enumerate(pdf.pages, start=1):
            _parse_page(pdf, page, path, number, checked)
        if removed is not None:  # what the packs will leave out, for the warnings
            removed.extend(_trial_sanitize(pdf, path))
        return len(pdf.pages)


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[Pdf]:
    """A paper opened with pikepdf, its failures as one located InputError each."""
    try:
        with Pdf.open(path) as pdf:
            yield pdf
    except InputError:
        raise
    except pikepdf.PasswordError:
        raise InputError(
            "this PDF needs a password to open; ask its author for a copy without one", Source(path)
        ) from None
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError) as exc:
        raise InputError(
            f"this PDF is damaged or not a PDF ({type(exc).__name__}); ask for the file again or "
            "re-save it from its source",
            Source(path),
        ) from None


MAX_CONTENT_BYTES = 200 * 1024 * 1024  # one page's drawing instructions, unpacked
PARSE_CONTENT_BYTES = 20 * 1024 * 1024  # above this, decoded but not parsed (memory)


def _trial_sanitize(pdf: Pdf, path: Path) -> list[str]:
    """What `sanitize` would remove from a paper: run on the opened copy, which is never saved."""
    try:
        return sanitize(pdf, public=True)
    except Exception as exc:  # noqa: BLE001 - a structure too odd to clean is refused, not risked
        raise InputError(
            f"this PDF's structure is too unusual to check for scripts and attachments "
            f"({type(exc).__name__}); re-save it from its source, or print it to PDF again",
            Source(path),
        ) from None


def _parse_page(
    pdf: Pdf, page: pikepdf.Page, path: Path, number: int, checked: dict[tuple[int, int], int]
) -> None:
    """Refuse a page whose content (or a form it draws) qpdf cannot decode and parse.

    Compressed content is first unpacked in chunks and counted: a few kilobytes of "flate bomb"
    would otherwise unpack to gigabytes in memory.
    """
    streams = [s for s in _page_streams(page) if not s.is_indirect or s.objgen not in checked]
    contents = page.obj.get("/Contents")
    problem = ""
    if "/Contents" in page.obj and not isinstance(contents, Stream | Array):
        problem = "its content is missing"  # a reference to nothing: the page would be blank
    try:
        sizes = [_unpacked_size(s) for s in streams]
        checked.update((s.objgen, n) for s, n in zip(streams, sizes, strict=True) if s.is_indirect)
        if sum(sizes) > MAX_CONTENT_BYTES or sum(checked.values()) > 4 * MAX_CONTENT_BYTES:
            raise InputError(
                f"page {number} unpacks to more than {MAX_CONTENT_BYTES // 2**20} MB of drawing "
                "instructions (a 'zip bomb'?); ask for the file again, or print it to PDF again",
                Source(path, page=number),
            )
        if sum(sizes) > PARSE_CONTENT_BYTES:
            for s in streams:
                s.read_bytes()
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                # the page as a whole: its content may be split over streams mid-instruction
                pikepdf.parse_content_stream(page)
                for x in streams:
                    if x.stream_dict.get("/Subtype") == Name.Form:
                        pikepdf.parse_content_stream(x)
            problem = problem or "; ".join(str(w.message) for w in caught)
    except InputError:
        raise
    except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, zlib.error) as exc:
        problem = str(exc) or type(exc).__name__
    problem = problem or "; ".join(pdf.get_warnings())
    if problem:
        raise InputError(
            f"page {number} cannot be read (its content is damaged, so it would come out "
            "blank or cut short); ask for the file again, or re-save it from its source",
            Source(path, page=number),
        )


def _page_streams(page: pikepdf.Page) -> list[Stream]:
    """A page's content streams and the forms (Form XObjects) it draws."""
    streams: list[Stream] = []
    contents = page.obj.get("/Contents")
    if isinstance(contents, Stream):
        streams.append(contents)
    elif isinstance(contents, Array):
        streams += [c for c in contents if isinstance(c, Stream)]
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
    if isinstance(xobjects, Dictionary):
        streams += [
            x
            for x in xobjects.values()
            if isinstance(x, Stream) and x.stream_dict.get("/Subtype") == Name.Form
        ]
    return streams


def _unpacked_size(stream: Stream) -> int:
    """The unpacked size of a content stream, counted in chunks, stopping past the cap."""
    filters = stream.stream_dict.get("/Filter")
    if isinstance(filters, Array) and len(filters) == 1:
        filters = filters[0]
    raw = stream.read_raw_bytes()
    if filters is None:
        return len(raw)
    if filters != Name.FlateDecode:
        return len(raw)  # other filters are decoded by qpdf; only Flate reaches bomb ratios
    inflater = zlib.decompressobj()
    size = 0
    data = raw
    while data and size <= MAX_CONTENT_BYTES:
        size += len(inflater.decompress(data, 1 << 20))
        data = inflater.unconsumed_tail
    return size


def content_digest(path: Path) -> str | None:
    """A hash of what a PDF's pages draw, not of how the file is laid out: a copy re-saved with
    other metadata, object numbers or compression gets the same digest. None for a PDF that
    draws (almost) nothing, which two unrelated files could share."""
    h = hashlib.sha256()
    size = 0
    try:
        with Pdf.open(path) as pdf:
            for page in pdf.pages:
                h.update(b"\0page")
                for stream in _page_streams(page):
                    data = stream.read_bytes()
                    size += len(data)
                    h.update(data)
                resources = page.obj.get("/Resources")
                xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
                for x in xobjects.values() if isinstance(xobjects, Dictionary) else ():
                    if isinstance(x, Stream) and x.stream_dict.get("/Subtype") == Name.Image:
                        h.update(x.read_raw_bytes())
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError, TypeError):
        return None
    return h.hexdigest() if size >= 100 else None


def page_count(path: Path) -> int:
    """Pages as the pack's assembler (qpdf) sees them: the count the layout must use."""
    with _opened(path) as pdf:
        return len(pdf.pages)


def is_tagged(path: Path) -> bool:
    """Whether a PDF has a structure tree (headings, paragraphs, reading order) that screen readers
    can use. An untagged paper cannot be made accessible by packbuilder."""
    try:
        with Pdf.open(path) as pdf:
            tree = pdf.Root.get("/StructTreeRoot")
            return isinstance(tree, Dictionary) and "/ParentTree" in tree and bool(tree.get("/K"))
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError):
        return False


UNTAGGED_WARNING = (
    "this PDF is untagged (no structure for screen readers), so the pack cannot be fully "
    "accessible and will not claim PDF/UA; ask its author to export it again from Word or "
    "LibreOffice with tagged PDF (PDF/UA) switched on"
)


# --- the stamp font ------------------------------------------------------------------------------

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/liberation-sans"),
    Path("/Library/Fonts"),
)
# The stamps use Windows-1252 (WinAnsiEncoding): every character in it is in the subset.
_CODES = [c for c in range(32, 256) if c not in (127, 129, 141, 143, 144, 157)]


def _find_font(filename: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / filename).is_file():
            return folder / filename
    raise AssemblyError(
        f"the stamp font {filename} (Liberation Sans) is not installed; run `make setup` "
        "(or apt-get install fonts-liberation)"
    )


FontProgram = tuple[bytes, tuple[int, ...], dict[str, Any]]
_FONT_CACHE_FORMAT = 1


def _font_cache(path: Path) -> Path:
    """Where the subset of `path` is kept between builds: beside the conversion cache, keyed by
    the font file as it is now (a font package upgrade makes a new subset)."""
    root = settings().cache_dir
    st = path.stat()
    key = f"{_FONT_CACHE_FORMAT}|{path}|{st.st_size}|{st.st_mtime_ns}|{_CODES}"
    return root / "fonts" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


@functools.lru_cache(maxsize=4)
def _font_program(filename: str) -> FontProgram:
    """A subset of a TrueType font holding the Windows-1252 characters: its bytes, the advance
    width of each code in `_CODES` (per 1000 em), and its descriptor metrics.

    Subsetting costs about half a second, so the result is kept on disk (and in memory for the
    process); a cache that cannot be read or written is only slower."""
    path = _find_font(filename)
    cached = _font_cache(path)
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return base64.b64decode(data["program"]), tuple(data["widths"]), data["metrics"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    program = _subset_font(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps(
                {
                    "program": base64.b64encode(program[0]).decode("ascii"),
                    "widths": program[1],
                    "metrics": program[2],
                }
            ),
            encoding="utf-8",
        )
        os.replace(tmp, cached)
    except OSError:
        pass
    return program


def _subset_font(path: Path) -> FontProgram:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path))
    except Exception as exc:  # fontTools raises many kinds of errors on a damaged file
        raise AssemblyError(
            f"the stamp font {path} cannot be read ({type(exc).__name__}); run make setup "
            "to install fonts-liberation again"
        ) from None
    unicodes = [ord(bytes([c]).decode("cp1252")) for c in _CODES]
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # a third of the size; stamps are large enough not to need it
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = tuple(round(font["hmtx"][cmap[u]][0] * scale) if u in cmap else 0 for u in unicodes)
    head, os2 = font["head"], font["OS/2"]
    metrics = {
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(os2.sTypoAscender * scale),
        "descent": round(os2.sTypoDescender * scale),
        "cap": round(getattr(os2, "sCapHeight", 700) * scale),
        "italic": float(font["post"].italicAngle),
    }
    return buf.getvalue(), widths, metrics


def _to_unicode() -> bytes:
    lines = []
    for start in range(0, len(_CODES), 100):  # at most 100 entries a block
        block = _CODES[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        for c in block:
            lines.append(f"<{c:02X}> <{ord(bytes([c]).decode('cp1252')):04X}>")
        lines.append("endbfchar")
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        + "\n".join(lines).encode()
        + b"\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
    )


def _embedded_font(pdf: Pdf, filename: str, tag: str) -> pikepdf.Object:
    """Liberation Sans as a simple TrueType font: WinAnsiEncoding, widths, the subset embedded,
    and a ToUnicode map so that stamps are read and searched as the words they show."""
    program, widths, m = _font_program(filename)
    name = Name(f"/{tag}+{Path(filename).stem.replace('-Regular', '')}")  # subset tag: 6 capitals
    first, last = _CODES[0], _CODES[-1]
    by_code = dict(zip(_CODES, widths, strict=True))
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=name,
        Flags=32,  # non-symbolic: the encoding maps codes to glyphs by name
        FontBBox=Array(m["bbox"]),
        ItalicAngle=m["italic"],
        Ascent=m["ascent"],
        Descent=m["descent"],
        CapHeight=m["cap"],
        StemV=80,
        FontFile2=pdf.make_stream(program),
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.TrueType,
            BaseFont=name,
            FirstChar=first,
            LastChar=last,
            Widths=Array([by_code.get(c, 0) for c in range(first, last + 1)]),
            Encoding=Name.WinAnsiEncoding,
            FontDescriptor=pdf.make_indirect(descriptor),
            ToUnicode=pdf.make_stream(_to_unicode()),
        )
    )

def paper_headings(path: Path, max_depth: int = 6) -> tuple[Bookmark, ...]:
    """A paper's own bookmarks (a Word report's headings, a minute's numbers), their page indexes
    counted from the paper's first page, for nesting under the paper's entry in the pack.

    A paper's outline is a convenience, never a reason to refuse it: one that cannot be read, or an
    entry leading nowhere in the paper, is left out.
    """
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        pages = len(reader.pages)

        def walk(entries: list, depth: int) -> tuple[Bookmark, ...]:  # type: ignore[type-arg]
            out: list[Bookmark] = []
            for i, entry in enumerate(entries):
                if isinstance(entry, list):
                    continue  # children, taken with the entry before them
                title = " ".join(str(entry.title or "").split())
                page = reader.get_destination_page_number(entry)
                below = entries[i + 1] if i + 1 < len(entries) else None
                children = (
                    walk(below, depth + 1) if isinstance(below, list) and depth < max_depth else ()
                )
                if title and page is not None and 0 <= page < pages:
                    out.append(Bookmark(title, page, children))
                else:
                    out.extend(children)  # keep what leads somewhere, one level up
            return tuple(out)

        return walk(reader.outline, 1)
    except Exception:  # noqa: BLE001 - any failure reading an outline only loses its bookmarks
        return ()


# --- stamps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """Text drawn on a page. An untagged stamp is a pagination artifact (page numbers, fillers,
    repeated markings): screen readers skip it. A `tagged` stamp is real content, read before the
    paper on its page ("Agenda Item 4", a paper's first NOT FOR PUBLICATION marking)."""

    text: str
    where: str  # "bottom-centre", "top-right", "top-centre", "top-centre-2", "middle"
    size: float = 9
    bold: bool = False
    tagged: bool = False


def _position(stamp: Stamp, width: float, height: float) -> tuple[float, float]:
    w = text_width(stamp.text, stamp.size, stamp.bold)
    if stamp.where == "bottom-centre":
        return (width - w) / 2, 14
    if stamp.where == "top-right":
        return width - 36 - w, height - 24
    # the private marking sits below the item stamp's baseline, so that text extraction and screen
    # readers get "Agenda Item 6" and "NOT FOR PUBLICATION" as separate lines
    if stamp.where == "top-centre":
        return (width - w) / 2, height - 38
    if stamp.where == "top-centre-2":
        return (width - w) / 2, height - 48
    if stamp.where == "middle":
        return (width - w) / 2, height / 2
    raise ValueError(stamp.where)


def _artifact(where: str) -> bytes:
    """The properties of a pagination artifact, by where the stamp sits (ISO 32000-1, 14.8.2.2)."""
    if where == "middle":
        return b"<< /Type /Pagination /Subtype /Watermark >>"
    edge, kind = (b"Bottom", b"Footer") if where.startswith("bottom") else (b"Top", b"Header")
    return b"<< /Type /Pagination /Subtype /%s /Attached [/%s] >>" % (kind, edge)


def _stamp_content(
    stamps: Sequence[Stamp],
    box: tuple[float, float, float, float],
    rotation: int,
    mcids: Sequence[int] = (),
) -> bytes:
    """The content that draws `stamps`; the n-th tagged stamp carries ``mcids[n]``."""
    llx, lly, urx, ury = box
    w, h = urx - llx, ury - lly
    vis_w, vis_h = (h, w) if rotation in (90, 270) else (w, h)
    ops = [b"Q"]  # closes the q that opens the page, so stamps use the default coordinates
    tagged = iter(mcids)
    for stamp in stamps:
        x, y = _position(stamp, vis_w, vis_h)
        # visible coordinates -> user space, for pages shown rotated
        if rotation == 90:
            m = (0, 1, -1, 0, llx + w - y, lly + x)
        elif rotation == 180:
            m = (-1, 0, 0, -1, llx + w - x, lly + h - y)
        elif rotation == 270:
            m = (0, -1, 1, 0, llx + y, lly + h - x)
        else:
            m = (1, 0, 0, 1, llx + x, lly + y)
        cm = " ".join(f"{v:.3f}" for v in m).encode()
        tw = text_width(stamp.text, stamp.size, stamp.bold)
        font = b"/PBHB" if stamp.bold else b"/PBH"
        # the white box that keeps a stamp legible over the page is decoration, never content
        backing = b"q %s cm 1 g -2 -3 %.2f %.2f re f Q" % (cm, tw + 4, stamp.size + 4)
        text = b"q %s cm 0 g BT %s %.1f Tf 0 0 Td %s Tj ET Q" % (
            cm,
            font,
            stamp.size,
            _pdf_string(stamp.text),
        )
        if stamp.tagged:
            ops.append(b"/Artifact BMC %s EMC" % backing)
            ops.append(b"/P << /MCID %d >> BDC %s EMC" % (next(tagged), text))
        else:
            ops.append(b"/Artifact %s BDC %s %s EMC" % (_artifact(stamp.where), backing, text))
    return b"\n".join(ops) + b"\n"


# --- writing a pack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bookmark:
    title: str
    page_index: int  # 0-based index in the pack
    children: tuple[Bookmark, ...] = ()


def destination_name(text: str) -> str:
    """A named destination safe in a URL fragment (``pack.pdf#nameddest=item-4``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


class PackWriter:
    """Builds one pack: pages appended in order, stamped as they go, their structure kept, then
    written once.

    Pages are grouped into parts (`begin_part`, one per agenda item): each paper's structure tree
    goes into the current part, and the part's tagged stamps are read before the paper they sit
    on.
    """

    def __init__(self, language: str = "en-GB") -> None:
        self.pdf = Pdf.new()
        self.language = language
        self._sources: list[Pdf] = []  # pages copied from a source are read from it until saved
        self._fonts = {
            "/PBH": _embedded_font(self.pdf, "LiberationSans-Regular.ttf", "PBSTMP"),
            "/PBHB": _embedded_font(self.pdf, "LiberationSans-Bold.ttf", "PBSTMB"),
        }
        # one shared "q" opens every stamped page: identical objects are written once
        self._opener = self.pdf.make_indirect(Stream(self.pdf, b"q\n"))
        self.structure = StructureMerger(self.pdf, language)
        self._part: Dictionary | None = None
        self._destinations: dict[str, int] = {}

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)

    @property
    def untagged(self) -> list[Path]:
        """The papers without a structure tree: the pack cannot claim PDF/UA while there are any."""
        return list(self.structure.untagged)

    @property
    def conforms(self) -> bool:
        """Whether the pack may claim PDF/UA-1: every paper tagged, every figure described."""
        return not self.structure.untagged and not self.structure.figures_without_alt

    def begin_part(self, title: str) -> None:
        """Start a part of the pack (an agenda item: "Agenda Item 4: Commissioning plan")."""
        self._part = self.structure.part(title)

    def add_destination(self, name: str, page_index: int) -> None:
        """A named destination (``pack.pdf#nameddest=NAME``) at the top of a page of the pack."""
        self._destinations[destination_name(name)] = page_index

    def _open(self, path: Path) -> Pdf:
        try:
            src = Pdf.open(path)
        except pikepdf.PasswordError:
            raise InputError(
                "this PDF needs a password to open; ask its author for a copy without one",
                Source(path),
            ) from None
        except (pikepdf.PdfError, RuntimeError, OSError, ValueError) as exc:
            raise AssemblyError(
                f"cannot read this PDF ({type(exc).__name__}); re-save it from its source",
                Source(path),
            ) from None
        self._sources.append(src)
        return src

    def add_pdf(
        self, path: Path, stamps_for: list[list[Stamp]] | None = None, title: str | None = None
    ) -> int:
        """Append every page of a PDF, and its structure under the current part; `stamps_for[i]`
        are the stamps of its page i. Returns its page count."""
        src = self._open(path)
        start = len(self.pdf.pages)
        i = 0
        if self._part is None:
            self.begin_part(title or path.stem)
        part = self._part
        assert part is not None
        try:
            # add_pages_from, unlike pages.extend, keeps the paper's form fields working and its
            # internal links (named destinations) pointing at its pages
            if stamps_for is not None and len(stamps_for) != len(src.pages):
                raise AssemblyError(
                    f"the PDF now has {len(src.pages)} pages, not the {len(stamps_for)} counted "
                    "when the build began; was it replaced during the build? Build again",
                    Source(path),
                )
            # the paper's own bookmarks are not copied: they would land at the top of the pack's
            # outline; assemble nests them under the paper's entry (see paper_headings)
            self.pdf.add_pages_from(src, outlines="ignore")
            copied = list(self.pdf.pages[start:])
            paper = self.structure.adopt(src, copied, title or path.stem, part, path)
            for i, page in enumerate(copied):
                if stamps_for and stamps_for[i]:
                    self._stamp(page, stamps_for[i], part, paper)
        except (
            pikepdf.PdfError,
            RuntimeError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
        ) as exc:
            raise AssemblyError(
                f"cannot copy this page into the pack ({type(exc).__name__}); re-save the PDF from "
                "its source",
                Source(path, page=i + 1),
            ) from None
        return len(src.pages)

    def _blank(self, size: tuple[float, float]) -> pikepdf.Page:
        return pikepdf.Page(
            self.pdf.make_indirect(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=Array([0, 0, size[0], size[1]]),
                    Resources=Dictionary(),
                )
            )
        )

    def add_blank(self, stamps: list[Stamp], size: tuple[float, float] = A4) -> None:
        """A filler page; its stamps are artifacts (a filler has nothing to read)."""
        self.pdf.pages.append(self._blank(size))
        self._stamp(self.pdf.pages[-1], stamps, None, None)

    def insert_front(
        self, path: Path, filler: Stamp, title: str = "Agenda", pad: bool = True
    ) -> int:
        """Put a PDF's pages (unstamped) before every page so far, as the first part of the pack,
        padded with a filler page to an even count unless `pad` is False; returns how many pages
        went in front."""
        src = self._open(path)
        count = len(src.pages)
        for i, page in enumerate(src.pages):
            self.pdf.pages.insert(i, page)
        part = self.structure.part(title, first=True)
        self.structure.adopt(src, list(self.pdf.pages[:count]), title, part, path)
        padding = count % 2 if pad else 0
        # destinations and bookmarks given so far count from the first page of the papers
        self._destinations = {k: v + count + padding for k, v in self._destinations.items()}
        if padding:
            self.pdf.pages.insert(count, self._blank(A4))
            self._stamp(self.pdf.pages[count], [filler], None, None)
            count += 1
        return count

    def _stamp(
        self,
        page: pikepdf.Page,
        stamps: Sequence[Stamp],
        part: Dictionary | None,
        paper: Dictionary | None,
    ) -> None:
        mcids = []
        for stamp in stamps:
            if stamp.tagged:
                if part is None:
                    raise ValueError("a tagged stamp needs a part of the pack to belong to")
                mcids.append(self.structure.tag(page, part, before=paper))
        box = tuple(float(v) for v in page.cropbox)
        rotation = int(page.obj.get("/Rotate", 0)) % 360
        data = _stamp_content(stamps, box, rotation, mcids)  # type: ignore[arg-type]
        page.contents_add(self._opener, prepend=True)
        page.contents_add(Stream(self.pdf, data), prepend=False)
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = Dictionary()
            resources = page.obj.Resources
        fonts = resources.get("/Font")
        if fonts is None:
            resources.Font = Dictionary()
            fonts = resources.Font
        for name, font in self._fonts.items():
            fonts[name] = font

    def _write_destinations(self) -> None:
        if not self._destinations:
            return
        root = self.pdf.Root
        if "/Names" not in root:
            root.Names = Dictionary()
        if "/Dests" in root.Names:
            tree = pikepdf.NameTree(root.Names.Dests)
        else:
            tree = pikepdf.NameTree.new(self.pdf)
            root.Names.Dests = tree.obj
        for name, index in sorted(self._destinations.items()):
            page = self.pdf.pages[index]
            top = float(page.mediabox[3])
            tree[name] = Array([page.obj, Name.XYZ, None, top, None])  # type: ignore[list-item]

    def finish(
        self,
        out: Path,
        *,
        title: str,
        subject: str,
        author: str,
        bookmarks: Sequence[Bookmark],
        unnumbered: int,
        language: str | None = None,
        public: bool = True,
    ) -> None:
        """Bookmarks, page labels (viewer page numbers match the stamps), structure, metadata; then
        write `out`, without active content (see `sanitize`: a private pack keeps attached files).
        The pack claims PDF/UA-1 only when it can (`conforms`)."""
        pdf = self.pdf
        language = language or self.language
        try:
            sanitize(pdf, public=public)
        except Exception as exc:  # noqa: BLE001 - never publish a pack that was not cleaned
            raise AssemblyError(
                f"could not check the pack for scripts and attachments ({type(exc).__name__}); "
                "nothing was published: build again, and report it if it happens again",
                Source(out),
            ) from None
        with pdf.open_outline() as outline:
            outline.root[:] = [_outline_item(bm) for bm in bookmarks]
        nums: list[object] = []
        if unnumbered:
            nums += [0, Dictionary(S=Name.r, P=String("Agenda "))]
        if self.pages > unnumbered:
            nums += [unnumbered, Dictionary(S=Name.D, St=1)]
        pdf.Root.PageLabels = Dictionary(Nums=Array(nums))
        self._write_destinations()
        self.structure.finish()
        pdf.docinfo[Name.Title] = String(title)
        pdf.docinfo[Name.Subject] = String(subject)
        pdf.docinfo[Name.Author] = String(author)
        pdf.docinfo[Name.Creator] = String("packbuilder")
        pdf.docinfo[Name.Producer] = String("packbuilder (pikepdf)")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:description"] = subject
            meta["dc:creator"] = [author]
            meta["pdf:Producer"] = "packbuilder (pikepdf)"
            meta["xmp:CreatorTool"] = "packbuilder"
            if self.conforms:
                meta["pdfuaid:part"] = "1"
        pdf.Root.Lang = String(language)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.Root.PageMode = Name.UseOutlines
        try:
            # no random /ID: an unchanged pack rebuilt is the same file, byte for byte
            pdf.save(
                out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True
            )
        finally:
            for src in self._sources:
                src.close()
            self._sources.clear()


def _outline_item(bm: Bookmark) -> pikepdf.OutlineItem:
    item = pikepdf.OutlineItem(bm.title, bm.page_index)
    item.children.extend(_outline_item(c) for c in bm.children)
    return item


def _font(base: str) -> Dictionary:
    return Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name(f"/{base}"), Encoding=Name.WinAnsiEncoding
    )


def write_blank_pdf(path: Path, size: tuple[float, float] = A4) -> Path:
    """A one-page blank PDF (a stand-in for a document that is not converted)."""
    with Pdf.new() as pdf:
        pdf.add_blank_page(page_size=size)
        pdf.save(path)
    return path
