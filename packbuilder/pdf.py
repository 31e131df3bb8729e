"""PDF work: reading papers, stamping pages, fillers, bookmarks, metadata.

The one module importing the PDF libraries. pypdf checks papers when a meeting is loaded (its strict
reading is what tells an advisor which page of which file is damaged); pikepdf (qpdf) assembles the
packs, because the benchmark showed pypdf's parsing and writing to be most of a rebuild's time
(bench/results.md): qpdf copies a 1,000-page pack several times faster.

Stamps are drawn by appending a few bytes of content to each page, in one shared standard font
(Helvetica, not embedded), with the page's own content wrapped in q/Q so that whatever graphics
state it leaves cannot move or hide the stamp. That costs a few hundred bytes a page; overlaying a
whole stamp page per page with ``merge_page`` would copy resources into every page and multiply the
pack's size.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String
from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError, PyPdfError
from pypdf.generic import NullObject

from packbuilder.errors import AssemblyError, InputError, Source
from packbuilder.sanitize import ATTACHED, sanitize

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


def check_readable(path: Path, warnings: list[str] | None = None) -> int:
    """The page count of a paper, after checking that every page can be read.

    Args:
        warnings: if given, gets a line for each kind of active content (scripts, attached files)
            that the packs will not carry, so that the advisor knows what was left out.
    """
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
    count = _check_pages(path, warnings)
    if count != len(reader.pages):
        # The layout counts pages as the assembler will copy them; a page tree that two readers
        # count differently would put every later stamp and page reference out by some pages.
        raise InputError(
            f"this PDF's list of pages is damaged (it holds {len(reader.pages)} or {count} pages, "
            "depending on how it is read); re-save it from its source, or print it to PDF again",
            Source(path),
        )
    return count


def _check_pages(path: Path, warnings: list[str] | None) -> int:
    """Pages as the assembler sees them, each page's drawing instructions parsed by qpdf.

    A page whose content stream cannot be decoded would otherwise go into the pack blank (or cut
    short), with nothing to tell the advisor that a page of the appendix was lost.
    """
    try:
        with Pdf.open(path) as pdf:
            pdf.get_warnings()  # what opening repaired is not a page's fault
            checked: dict[tuple[int, int], int] = {}  # streams shared by pages: checked once
            for number, page in enumerate(pdf.pages, start=1):
                _parse_page(pdf, page, path, number, checked)
            if warnings is not None:
                removed = _trial_sanitize(pdf, path)
                warnings.extend(
                    f"{path.name} carries {what}: "
                    + (
                        "left out of public packs (a private pack keeps them)"
                        if what == ATTACHED
                        else "removed from every pack"
                    )
                    for what in removed
                )
            return len(pdf.pages)
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
    try:
        with Pdf.open(path) as pdf:
            return len(pdf.pages)
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


def page_texts(path: Path) -> list[str]:
    """The text of every page (for checks and tests)."""
    return [p.extract_text() or "" for p in PdfReader(path).pages]


# --- stamps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    text: str
    where: str  # "bottom-centre", "top-right", "top-centre", "top-centre-2", "middle"
    size: float = 9
    bold: bool = False


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


def _stamp_content(
    stamps: Sequence[Stamp], box: tuple[float, float, float, float], rotation: int
) -> bytes:
    llx, lly, urx, ury = box
    w, h = urx - llx, ury - lly
    vis_w, vis_h = (h, w) if rotation in (90, 270) else (w, h)
    ops = [b"Q"]  # closes the q that opens the page, so stamps use the default coordinates
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
        tw = text_width(stamp.text, stamp.size, stamp.bold)
        font = b"/PBHB" if stamp.bold else b"/PBH"
        ops.append(
            b"q %s cm 1 g -2 -3 %.2f %.2f re f 0 g BT %s %.1f Tf 0 0 Td %s Tj ET Q"
            % (
                " ".join(f"{v:.3f}" for v in m).encode(),
                tw + 4,
                stamp.size + 4,
                font,
                stamp.size,
                _pdf_string(stamp.text),
            )
        )
    return b"\n".join(ops) + b"\n"


# --- writing a pack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bookmark:
    title: str
    page_index: int  # 0-based index in the pack
    children: tuple[Bookmark, ...] = ()


class PackWriter:
    """Builds one pack: pages appended in order, stamped as they go, then written once."""

    def __init__(self) -> None:
        self.pdf = Pdf.new()
        self._sources: list[Pdf] = []  # pages copied from a source are read from it until saved
        self._fonts = {
            "/PBH": self.pdf.make_indirect(_font("Helvetica")),
            "/PBHB": self.pdf.make_indirect(_font("Helvetica-Bold")),
        }
        # one shared "q" opens every stamped page: identical objects are written once
        self._opener = self.pdf.make_indirect(Stream(self.pdf, b"q\n"))

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)

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

    def add_pdf(self, path: Path, stamps_for: list[list[Stamp]] | None = None) -> int:
        """Append every page of a PDF; `stamps_for[i]` are the stamps of its page i. Returns its
        page count."""
        src = self._open(path)
        start = len(self.pdf.pages)
        i = 0
        try:
            # add_pages_from, unlike pages.extend, keeps the paper's form fields working and its
            # internal links (named destinations) pointing at its pages
            if stamps_for is not None and len(stamps_for) != len(src.pages):
                raise AssemblyError(
                    f"the PDF now has {len(src.pages)} pages, not the {len(stamps_for)} counted "
                    "when the build began; was it replaced during the build? Build again",
                    Source(path),
                )
            self.pdf.add_pages_from(src)
            for i in range(len(src.pages)):
                if stamps_for and stamps_for[i]:
                    self._stamp(self.pdf.pages[start + i], stamps_for[i])
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
        self.pdf.pages.append(self._blank(size))
        self._stamp(self.pdf.pages[-1], stamps)

    def insert_front(self, path: Path, filler: Stamp) -> int:
        """Put a PDF's pages (unstamped) before every page so far, padded with a filler page to an
        even count; returns how many pages went in front."""
        src = self._open(path)
        for i, page in enumerate(src.pages):
            self.pdf.pages.insert(i, page)
        count = len(src.pages)
        if count % 2:
            self.pdf.pages.insert(count, self._blank(A4))
            self._stamp(self.pdf.pages[count], [filler])
            count += 1
        return count

    def _stamp(self, page: pikepdf.Page, stamps: Sequence[Stamp]) -> None:
        box = tuple(float(v) for v in page.cropbox)
        rotation = int(page.obj.get("/Rotate", 0)) % 360
        data = _stamp_content(stamps, box, rotation)  # type: ignore[arg-type]
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

    def finish(
        self,
        out: Path,
        *,
        title: str,
        subject: str,
        author: str,
        bookmarks: Sequence[Bookmark],
        unnumbered: int,
        language: str = "en-GB",
        public: bool = True,
    ) -> None:
        """Bookmarks, page labels (viewer page numbers match the stamps), metadata; then write
        `out`, without active content (see `sanitize`; a private pack keeps attached files)."""
        pdf = self.pdf
        try:
            sanitize(pdf, public=public)
        except Exception as exc:  # noqa: BLE001 - never publish a pack that was not cleaned
            raise AssemblyError(
                f"could not check the pack for scripts and attachments ({type(exc).__name__}); "
                "nothing was published: build again, and report it if it happens again",
                Source(out),
            ) from None
        with pdf.open_outline() as outline:
            for bm in bookmarks:
                item = pikepdf.OutlineItem(bm.title, bm.page_index)
                item.children.extend(
                    pikepdf.OutlineItem(c.title, c.page_index) for c in bm.children
                )
                outline.root.append(item)
        nums: list[object] = []
        if unnumbered:
            nums += [0, Dictionary(S=Name.r, P=String("Agenda "))]
        if self.pages > unnumbered:
            nums += [unnumbered, Dictionary(S=Name.D, St=1)]
        pdf.Root.PageLabels = Dictionary(Nums=Array(nums))
        pdf.docinfo[Name.Title] = String(title)
        pdf.docinfo[Name.Subject] = String(subject)
        pdf.docinfo[Name.Author] = String(author)
        pdf.docinfo[Name.Creator] = String("packbuilder")
        pdf.docinfo[Name.Producer] = String("packbuilder (pikepdf)")
        pdf.Root.Lang = String(language)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.Root.PageMode = Name.UseOutlines
        try:
            pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for src in self._sources:
                src.close()
            self._sources.clear()


def _font(base: str) -> Dictionary:
    return Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name(f"/{base}"), Encoding=Name.WinAnsiEncoding
    )
