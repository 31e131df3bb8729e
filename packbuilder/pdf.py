"""PDF work: reading papers, stamping pages, fillers, bookmarks, metadata.

The one module importing the PDF library (with `tagged`, which keeps the papers' structure trees
through the merge, and `sanitize`). The build reads and writes PDFs with pikepdf (qpdf) alone: the
checks made when a meeting is loaded see the pages exactly as the assembler will copy them, and
each paper is parsed once, not once per library (pypdf, which used to check papers, counted a
damaged page tree differently from qpdf). pypdf stays as the tests' independent reader.

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
import dataclasses
import functools
import hashlib
import io
import itertools
import json
import logging
import os
import re
import shutil
import sys
import threading
import unicodedata
import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String

from packbuilder.carried import MAX_CARRIED, TooMuchCarried, carried_in, content_strings
from packbuilder.cropped import Cropped, cropped, hidden_text
from packbuilder.digests import (
    copied,
    copy_hashed,
    file_digest,
    has_mark,
    opened_digest,
    put_mark,
    seal,
    unsealed,
)
from packbuilder.errors import AssemblyError, InputError, Source
from packbuilder.layers import layers_switched_off, named
from packbuilder.pdfopen import open_pdf
from packbuilder.pictures import (
    COVERED,
    CROPPED,
    INLINE_COVERED,
    INLINE_METADATA,
    LETTERS,
    MASKED,
    PHOTO_METADATA,
    PictureRefused,
)
from packbuilder.sanitize import (
    ATTACHED,
    COMMENTS,
    TIDIED,
    UNSHOWN,
    appearances,
    drawings,
    ends_mid_token,
    object_texts,
    sanitize,
)
from packbuilder.settings import settings
from packbuilder.skeleton import (
    STAND_INS,
    TITLED,
    Objects,
    SkeletonFile,
    flat_pages,
    object_body,
    objects_in,
    skeleton,
)
from packbuilder.tagged import StructureMerger, figures_without_alt_in, headings_summary
from packbuilder.undrawn import Reader as undrawn_reader
from packbuilder.undrawn import cmap_words
from packbuilder.unseen import page_pictures, page_shaped

A4 = (595.276, 841.89)
FILLER_TEXT = "This page is intentionally left blank"

logging.getLogger("pikepdf").setLevel(logging.CRITICAL)
log = logging.getLogger("packbuilder")

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

# Bump when the checks below change (any change to this module or to `sanitize` also changes the
# keys, see `_checks_code`): a paper checked by older checks is then checked again.
CHECKS_VERSION = 2


@dataclass(frozen=True)
class PaperFacts:
    """What a build needs to know about a PDF paper, learnt in one reading of it by qpdf (the
    library that assembles the packs, so the page count is the one the layout must use).

    Attributes:
        pages: its page count.
        removed: the kinds of active content the packs will not carry (`sanitize`'s phrases);
            empty when the paper carries none, which lets the assembler skip cleaning it.
        tagged: whether it has a structure tree for screen readers (`is_tagged`).
        digest: what its pages draw (`content_digest`).
        figures: how many figures of its structure have no alternative text
            (`tagged.figures_without_alt`): counted here, so that assembling does not walk
            the structure again.
        carried: the text it shows besides what its pages draw (`carried.carried_in`), for the
            exempt-text check.
        scans: the scanned pages its pages show (`scan_pictures`), by which an exempt paper
            with too little text to be told by its words is known.
    """

    pages: int
    removed: tuple[str, ...]
    tagged: bool
    digest: str | None
    figures: int = 0
    carried: str = ""
    scans: tuple[str, ...] = ()
    uncut: str = ""  # "page|kind" of a picture a public pack could not cut down (`pictures`)
    # "page|width|height|more" of the first page larger than A0 (`LARGEST_SIDE`), in points as
    # shown (its /UserUnit applied), and how many more there are
    large: str = ""
    # what its headings need in a pack (`tagged.headings_summary`: "<first level> <gaps>")
    headings: str = ""


_EXAMINING = threading.local()  # `examining_after`'s hook, for this thread


@contextlib.contextmanager
def examining_after(wait: Callable[[], object]) -> Iterator[None]:
    """Within this block, in this thread, `wait` is called as a paper not checked before is
    examined (`paper_facts`): before it, between its pages and its other long steps. A build
    pauses there while its Word papers are on their way to LibreOffice
    (`papers.Prefetch.wait_for_handover`)."""
    before = getattr(_EXAMINING, "wait", None)
    _EXAMINING.wait = wait
    try:
        yield
    finally:
        _EXAMINING.wait = before


def paper_facts(path: Path) -> PaperFacts:
    """Check that every page of a paper can be read, and learn its `PaperFacts`.

    Parsing every page's drawing instructions is most of the time a meeting takes to load, and a
    paper's bytes decide the answer, so a paper that passed is remembered by its content (in the
    cache folder, beside the conversions): a rebuild does not check an unchanged paper again.
    Failures are never remembered.

    Raises:
        InputError: naming the paper (and the page) and what to do.
    """
    try:
        with pinned(path) as (key, same, fh):
            entry = _entry(key)
            known = _read_facts(entry)
            if known is None:
                _before_examining()
                known = _examine(path, same)
                if path_key(path, fh) == key:  # not written to while it was examined
                    _write_facts(entry, known)
            return known
    except OSError:
        return _examine(path)  # names what is wrong with it


def _before_examining() -> None:
    wait = getattr(_EXAMINING, "wait", None)
    if wait is not None:
        wait()


def checked(path: Path) -> bool:
    """Whether this PDF's content passed its checks before (`paper_facts` will not read it)."""
    return remembered_facts(path) is not None


def remembered_facts(path: Path) -> PaperFacts | None:
    """The `PaperFacts` of this PDF's content if it passed its checks before, without reading
    the PDF (None if it did not, or cannot be read)."""
    return _read_facts(_facts_entry(path))


def check_readable(path: Path, warnings: list[str] | None = None) -> int:
    """The page count of a paper, after checking that every page can be read (`paper_facts`).

    Args:
        warnings: if given, gets a line for each kind of active content (scripts, attached files)
            that the packs will not carry, so that the advisor knows what was left out, and for
            a paper of very many pages or of pages larger than A0, and for a tagged paper's
            images without alternative text.
    """
    facts = paper_facts(path)
    if warnings is not None:
        warnings.extend(_removed_warnings(path, list(facts.removed)))
        if facts.pages > LONG_PAPER_PAGES:
            warnings.append(
                f"{path.name}: has {facts.pages:,} pages, more than a whole pack usually holds "
                f"(packbuilder refuses a paper of more than {MAX_PAPER_PAGES:,}), so the pack "
                "takes minutes to build and may be too large to e-mail or upload; check that it "
                "is the right file, or publish it on its own and refer to it in the report"
            )
        if facts.large:
            warnings.append(_large_warning(path, facts.large))
        if facts.tagged and facts.figures:
            count = f"{facts.figures} image{'s' if facts.figures > 1 else ''}"
            warnings.append(f"{path.name}: {SILENT_FIGURES_WARNING.format(count=count)}")
    return facts.pages


def remembered(path: Path, kind: str, version: str = "") -> Path | None:
    """Where something learnt from a file's content (`kind`, by code of `version`) is kept in the
    cache folder, beside the checks (None if the file cannot be read). The caller writes it with
    `remember` and reads it back itself; only results of checks that passed are kept."""
    entry = _facts_entry(path)
    if entry is None:
        return None
    return _remembered_at(entry, kind, version)


def remembered_by_key(key: str, kind: str, version: str = "") -> Path:
    """`remembered`, for content whose key is known (`pinned`)."""
    return _remembered_at(_entry(key), kind, version)


def _remembered_at(entry: Path, kind: str, version: str) -> Path:
    tag = hashlib.sha256(version.encode()).hexdigest()[:12] if version else "0"
    return entry.with_name(f"{entry.stem}.{kind}.{tag}.json")


def remember(entry: Path | None, value: object) -> None:
    """Keep a JSON-able `value` at `entry` (see `remembered`), sealed by its digest
    (`digests.seal`); a cache that cannot be written is only slower."""
    if entry is not None:
        seal(entry, json.dumps(value).encode("utf-8"))


def recall(entry: Path | None) -> Any:
    """What `remember` kept at `entry`, or None (also for an entry whose bytes are not the ones
    sealed: cut short, or edited by hand)."""
    data = unsealed(entry) if entry is not None else None
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def known_clean(path: Path, public: bool = True) -> bool:
    """Whether this PDF's content is known to carry nothing a pack would leave out: no active
    content (and, for a `public` pack, no attached files). Known from the checks made when the
    meeting was loaded, or from an earlier cleaning (`remember_clean`); the assembler then need
    not walk its objects again."""
    try:
        return clean_by_key(content_key(path), public)
    except OSError:
        return False


def clean_by_key(key: str, public: bool = True) -> bool:
    """`known_clean`, for content whose key is known (`pinned`)."""
    entry = _entry(key)
    if any(has_mark(_clean_marker(entry, p)) for p in {public, True}):
        return True
    facts = _read_facts(entry)
    return facts is not None and not facts.removed


def remember_clean(key: str, public: bool) -> None:
    """Record that cleaning the content of `key` for a `public` (or private) pack found nothing
    to remove (a converted Word document, a frontsheet): the next build copies it without
    walking it again."""
    put_mark(_clean_marker(_entry(key), public))


def _clean_marker(entry: Path, public: bool) -> Path:
    kind = "public" if public else "private"
    return entry.parent.parent.parent / "clean" / entry.parent.name / f"{entry.stem}.{kind}"


@contextlib.contextmanager
def pinned(path: Path, keyed: bool = True) -> Iterator[tuple[str, Path, Any]]:
    """A file opened once: the hash of its content (unless not `keyed`: then ""), a path that
    names that same open file (on Linux ``/proc/self/fd/N``, so qpdf reads the very bytes that
    were hashed even if the file is replaced meanwhile; elsewhere the path itself) and the open
    handle, to hash it again.

    Raises:
        OSError: the file cannot be read.
    """
    with open(path, "rb") as fh:
        key = path_key(path, fh) if keyed else ""
        same = Path(f"/proc/self/fd/{fh.fileno()}")
        yield key, (same if same.exists() else path), fh


def path_key(path: Path, fh: Any) -> str:
    """The content key of `path`, opened as `fh` (a build's copy of a paper is not read again:
    `digests.opened_digest`)."""
    return _keyed(opened_digest(path, fh))


def content_key(path: Path) -> str:
    """A hash of a file's bytes, read now, and of the code that checks papers.

    Raises:
        OSError: the file cannot be read.
    """
    return _keyed(file_digest(path))


@functools.cache
def _checks_code() -> str:
    """The code that checks and cleans papers: what it learnt about a paper (its facts, that it
    is clean) is kept under keys that change with it, so that a packbuilder that looks for more
    (a new kind of active content) never trusts what an older one found."""
    from packbuilder import carried as carried_module  # (what a paper carries besides its pages)
    from packbuilder import clipping as clipping_module  # (what of a picture shows, is covered)
    from packbuilder import cropped as cropped_module
    from packbuilder import layers as layers_module
    from packbuilder import pictures as pictures_module
    from packbuilder import sanitize as sanitize_module
    from packbuilder import tagged as tagged_module  # (it counts the figures without alt text)
    from packbuilder import undrawn as undrawn_module
    from packbuilder.textmatch import tool  # (pdftotext finds the text a crop hides)

    h = hashlib.sha256(f"{CHECKS_VERSION}|{pikepdf.__version__}|{tool()}|".encode())
    checks = (
        sanitize_module, pictures_module, clipping_module, layers_module, cropped_module,
        tagged_module, carried_module, undrawn_module, sys.modules[__name__],
    )  # fmt: skip
    for module in checks:
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


def _keyed(digest: str) -> str:
    return hashlib.sha256(f"{_checks_code()}|{digest}".encode()).hexdigest()


def _entry(key: str) -> Path:
    return settings().cache_dir / "checks" / key[:2] / f"{key}.json"


def _facts_entry(path: Path) -> Path | None:
    """Where the facts about this paper's content are kept (None if it cannot be read)."""
    try:
        return _entry(content_key(path))
    except OSError:
        return None


def _read_facts(entry: Path | None) -> PaperFacts | None:
    if entry is None:
        return None
    data = recall(entry)
    try:
        facts = PaperFacts(
            int(data["pages"]),
            tuple(str(r) for r in data["removed"]),
            bool(data["tagged"]),
            data["digest"] if isinstance(data["digest"], str) else None,
            int(data["figures"]),
            str(data["carried"]),
            tuple(str(s) for s in data["scans"]),
            str(data["uncut"]),
            str(data["large"]),
            str(data["headings"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return facts if facts.pages >= 1 else None


def _write_facts(entry: Path | None, facts: PaperFacts) -> None:
    """Remember a passed check."""
    remember(entry, dataclasses.asdict(facts))


def _removed_warnings(path: Path, removed: list[str]) -> list[str]:
    return [
        f"{path.name} carries {what}: "
        + (
            "left out of public packs (a private pack keeps them)"
            if what in (ATTACHED, COMMENTS, UNSHOWN, CROPPED, COVERED, MASKED, PHOTO_METADATA)
            else "removed from every pack"
        )
        for what in removed
        if what != TIDIED
    ]


def _examine(path: Path, read_from: Path | None = None) -> PaperFacts:
    """Every check of a paper, uncached (see `paper_facts`): each page's size, its drawing
    instructions parsed by qpdf (a page whose content cannot be decoded would otherwise go into
    the pack blank, or cut short, with nothing to tell the advisor), then what it draws, whether
    it is tagged and what active content the packs would leave out. `read_from` names the same
    file (see `pinned`); errors name `path`."""
    with _opened(path, read_from) as pdf:
        # what opening repaired is not a page's fault, except a page size qpdf had to make up
        bad_boxes = _made_up_boxes(pdf.get_warnings(), path)
        if len(pdf.pages) == 0:
            raise InputError("this PDF has no pages; ask for the file again", Source(path))
        if len(pdf.pages) > MAX_PAPER_PAGES:
            raise InputError(
                f"this PDF has {len(pdf.pages):,} pages, more than the {MAX_PAPER_PAGES:,} a "
                "paper of a pack may have (the largest packs hold about 1,000 pages in all; "
                "checking this one alone would take minutes); check that it is the right file, "
                "or publish it on its own and refer to it in the report",
                Source(path),
            )
        if len(pdf.pages) > LONG_PAPER_PAGES:  # said now: checking its pages takes a while
            log.info(f"{path.name}: {len(pdf.pages):,} pages, checking them takes a while")
        checked: dict[tuple[int, int], int] = {}  # streams shared by pages: checked once
        large: list[tuple[int, float, float]] = []  # the pages larger than A0
        strings: list[str] = []  # written in the pages' drawing instructions' dictionaries
        crops: list[Cropped] = []  # the pages cropped: read for text they hide, after
        for number, page in enumerate(pdf.pages, start=1):
            width, height = _check_box(page, path, number, page.objgen in bad_boxes)
            if max(width, height) > LARGEST_SIDE:
                large.append((number, width, height))
            crop = cropped(page, number)
            if crop is not None:
                crops.append(crop)
            _check_redactions(page, path, number)
            if "/Contents" not in page.obj and _raw_page_has_contents(path, pdf, page):
                raise InputError(
                    f"page {number} cannot be read (its content is missing, so it would come "
                    "out blank); ask for the file again, or re-save it from its source",
                    Source(path, page=number),
                )
            _parse_page(pdf, page, path, number, checked, strings)
            _before_examining()
        digest = _digest(pdf)
        tagged = _tagged(pdf)
        pages = len(pdf.pages)
        _before_examining()
        indirect: list[bytes] = []  # the file's strings that are objects of their own
        texts = _object_texts(pdf, path, indirect)  # one reading of every object, for all these
        _read_undrawn(pdf, texts, checked, strings)
        _check_layers(pdf, path, texts)
        if crops:
            hidden_text(pdf, crops, Source(path))
        figures = _figures(pdf, path, texts[1]) if tagged else 0
        headings = _headings(pdf, path, texts[1]) if tagged else "0 0"
        try:
            carried = carried_in(pdf, texts[1] + indirect, list(dict.fromkeys(strings)))
        except TooMuchCarried:
            raise InputError(
                f"this PDF holds more than {MAX_CARRIED:,} texts besides its pages (bookmarks, "
                "link descriptions, form fields, descriptions for screen readers): too many to "
                "check for an exempt paper's text; print it to a new PDF, which keeps what its "
                "pages show",
                Source(path),
            ) from None
        _before_examining()
        scans = scan_pictures(pdf)
        refused: list[PictureRefused] = []
        removed = _trial_sanitize(pdf, path, texts, refused)  # last: it changes the opened copy
    uncut = f"{refused[0].page}|{refused[0].kind}" if refused else ""
    big = "|".join(str(v) for v in (*large[0], len(large) - 1)) if large else ""
    return PaperFacts(
        pages, tuple(removed), tagged, digest, figures, carried, scans, uncut, big, headings
    )


def scan_pictures(pdf: Pdf) -> tuple[str, ...]:
    """The scanned pages an opened PDF shows: each picture the shape of the page it is on and
    of a scanner's size (`unseen.page_shaped`), known by a hash of its bytes as stored. A scan
    saved again by another program, or merged into a bundle, keeps them (`textmatch` knows an
    exempt scan by them); printed to PDF again, it does not."""
    found: list[str] = []
    for page in pdf.pages:
        try:
            box = page.cropbox
            width, height = abs(float(box[2] - box[0])), abs(float(box[3] - box[1]))
        except (TypeError, ValueError, IndexError, pikepdf.PdfError):
            continue
        if width <= 0 or height <= 0:
            continue
        for picture in page_pictures(page.obj):
            if page_shaped(picture, width / height):
                with contextlib.suppress(pikepdf.PdfError, RuntimeError):
                    found.append(hashlib.sha256(picture.read_raw_bytes()).hexdigest()[:32])
    return tuple(dict.fromkeys(found))


def _check_redactions(page: pikepdf.Page, path: Path, number: int) -> None:
    """Refuse a page with redactions marked but not applied: a redaction annotation only marks
    what to remove (Acrobat's Redact tool, before Apply), so the text it covers is still on the
    page, in the file and in any pack made of it (the classic failed redaction)."""
    annots = page.obj.get("/Annots")
    for annot in annots if isinstance(annots, pikepdf.Array) else ():
        if isinstance(annot, Dictionary | Stream) and annot.get("/Subtype") == Name("/Redact"):
            raise InputError(
                "this page has redactions marked but not applied: the text they cover is still "
                "in the file, and would be in the pack for anyone to copy; apply them (in Acrobat: "
                "Redact > Apply) and save, then put that copy in the folder",
                Source(path, page=number),
            )


_MADE_UP_BOX = re.compile(r"object (\d+) (\d+)\b[^:]*: kid \d+ \(from \d+\) MediaBox is undefined")


def _made_up_boxes(opening: list[str], path: Path) -> set[tuple[int, int]]:
    """The pages (by object) whose size qpdf could not read and replaced with US Letter while
    opening the file: their content would be placed on a page of the wrong size."""
    bad = set()
    for warning in opening:
        if "MediaBox is undefined" in warning:
            found = _MADE_UP_BOX.search(warning)
            if found is None:
                raise InputError(
                    "a page of this PDF is damaged (its page size is not four numbers); ask for "
                    "the file again, or re-save it from its source",
                    Source(path),
                )
            bad.add((int(found[1]), int(found[2])))
    return bad


# Page sizes. Paper sizes run from A7 (74 x 105 mm) and a business card (51 x 89 mm) to A0
# (841 x 1,189 mm) and the US Architectural E (914 x 1,219 mm): planning committees publish site
# plans at A1 and A0. The stamps packbuilder puts on every page ("Page 123" at the foot, "Agenda
# Item 12a" and NOT FOR PUBLICATION at the head, 9 to 11 pt) need about 2 inches of width and
# height: a page smaller than that on a side (a 1 x 1 pt page a broken export makes) is refused,
# as its stamps would not fit on it. A page larger than A0 on its long side is taken, but pointed
# out: shown whole on a screen or printed with the pack, its stamps are too small to read (a
# 9 pt page number on a page 5 m wide prints at a quarter of a point on A4). ISO 32000 allows a
# page at most 14,400 units on a side (200 inches) in its own units; a viewer cuts a larger one.
SMALLEST_SIDE = 144.0  # points (2 inches, 51 mm): smaller than a business card
LARGEST_SIDE = 3370.4 + 36  # points: A0's long side (1,189 mm), half an inch to spare
PDF_LARGEST_SIDE = 14400.0  # units of the page (ISO 32000-1, Annex C)
# A paper's page count: the largest real packs hold about 1,000 pages in all (docs/DOMAIN.md).
LONG_PAPER_PAGES = 1000  # more: a warning, said as soon as the paper is opened
MAX_PAPER_PAGES = 5000  # more: refused before its pages are read (37 ms a page to check)


def _mm(points: float) -> str:
    return f"{points * 25.4 / 72:.0f}"


def _check_box(
    page: pikepdf.Page, path: Path, number: int, made_up: bool = False
) -> tuple[float, float]:
    """Refuse a page whose size is not four numbers (stamps could not be placed on it), or is
    too small for stamps or too large for a PDF (`SMALLEST_SIDE`). Returns its size as shown
    (the crop box, which stamps are placed in, times its /UserUnit), in points."""
    try:
        box = [float(v) for v in page.mediabox]
        ok = not made_up and len(box) == 4 and box[2] != box[0] and box[3] != box[1]
        shown = [float(v) for v in page.cropbox] if ok else box
        given = page.obj.get("/UserUnit", 1)
        unit = float(given) if isinstance(given, int | float | Decimal) and given > 0 else 1.0
    except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise InputError(
            "this page is damaged (its page size is not four numbers); ask for the file again, or "
            "re-save it from its source",
            Source(path, page=number),
        )
    # what shows is the crop box inside the media box (a crop box outside it is refused as
    # damaged by `cropped`, which says so)
    left, right = (
        max(min(shown[0], shown[2]), min(box[0], box[2])),
        min(max(shown[0], shown[2]), max(box[0], box[2])),
    )
    bottom, top = (
        max(min(shown[1], shown[3]), min(box[1], box[3])),
        min(max(shown[1], shown[3]), max(box[1], box[3])),
    )
    if right <= left or top <= bottom:
        return 0.0, 0.0
    width, height = right - left, top - bottom
    if max(abs(box[2] - box[0]), abs(box[3] - box[1]), width, height) > PDF_LARGEST_SIDE:
        raise InputError(
            f"page {number} is {_mm(width * unit)} x {_mm(height * unit)} mm, larger than a PDF "
            f"page may be ({PDF_LARGEST_SIDE:,.0f} units, 5 m, on a side): viewers and printers "
            "cut it; ask for the file again, with its pages at the paper size they are printed on",
            Source(path, page=number),
        )
    if min(width, height) * unit < SMALLEST_SIDE:
        raise InputError(
            f"page {number} is {_mm(width * unit)} x {_mm(height * unit)} mm, smaller than any "
            "paper (packbuilder takes pages from 51 mm, 2 inches, on a side): the page number "
            "and Agenda Item stamps would not fit on it; ask for the file again with its pages at "
            "A4 (or print it to a new PDF at A4)",
            Source(path, page=number),
        )
    return width * unit, height * unit


def _large_warning(path: Path, large: str) -> str:
    page, width, height, more = large.split("|")
    others = f" (and {more} more page{'s' if more != '1' else ''})" if more != "0" else ""
    return (
        f"{path.name}: page {page} is {_mm(float(width))} x {_mm(float(height))} mm{others}, "
        "larger than A0 (841 x 1189 mm): shown whole or printed with the pack, its page number "
        "and Agenda Item stamps are too small to read; ask its author for the page at the size "
        "it is printed on (A3 or A4), or split a large plan into sheets"
    )


def _raw_page_has_contents(path: Path, pdf: Pdf, page: pikepdf.Page) -> bool:
    """Whether a page that qpdf reads as having no content names some in the file: a reference
    to an object the file does not hold, which qpdf reads as nothing, so the page would come out
    blank. Only pages without content are looked at (a blank page is rare in a paper)."""
    number, generation = page.obj.objgen
    if number == 0:
        return False
    pattern = re.compile(rb"(?<!\d)%d\s+%d\s+obj\b(.*?)endobj" % (number, generation), re.S)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(b"/Contents" in m.group(1) for m in pattern.finditer(data)) or any(
        b"/Contents" in _in_object_stream(obj, number)
        for obj in pdf.objects
        if isinstance(obj, Stream) and obj.stream_dict.get("/Type") == Name.ObjStm
    )


def _in_object_stream(stream: Stream, number: int) -> bytes:
    """The text of object `number` if this object stream holds it, else b""."""
    try:
        data = stream.read_bytes()
        first, count = int(stream.stream_dict.First), int(stream.stream_dict.N)
        header = data[:first].split()
        offsets = {int(header[2 * i]): int(header[2 * i + 1]) for i in range(count)}
        if number not in offsets:
            return b""
        starts = sorted(offsets.values())
        at = offsets[number]
        later = [s for s in starts if s > at]
        return data[first + at : first + later[0] if later else len(data)]
    except (pikepdf.PdfError, RuntimeError, ValueError, IndexError, AttributeError):
        return b""


@contextlib.contextmanager
def _opened(path: Path, read_from: Path | None = None) -> Iterator[Pdf]:
    """A paper opened with pikepdf (from `read_from`, the same file, if given), its failures as
    one located InputError each."""
    try:
        with open_pdf(read_from or path) as pdf:
            yield pdf
    except InputError:
        raise
    except pikepdf.PasswordError:
        raise InputError(
            "this PDF needs a password to open; ask its author for a copy without one", Source(path)
        ) from None
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError):
        raise InputError(_unreadable(read_from or path), Source(path)) from None


# what a file named .pdf really is, by how it begins
_NOT_PDF = (
    (b"PK\x03\x04", "a Word or Excel file (.docx, .xlsx) named .pdf"),
    (bytes.fromhex("d0cf11e0a1b11ae1"), "an old Word or Excel file (.doc, .xls) named .pdf"),
    (b"{\\rtf", "a rich text (.rtf) file named .pdf"),
    (b"\x89PNG", "a picture (PNG) named .pdf"),
    (b"\xff\xd8\xff", "a picture (JPEG) named .pdf"),
    (b"<", "a web page or XML file named .pdf"),
)


def _unreadable(path: Path) -> str:
    """Why a file named .pdf could not be opened, as its first bytes tell (an advisor's words,
    not the library's exception)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        return f"cannot read this file ({exc.strerror}); check that it can be opened"
    if not head:
        return (
            "this file is empty (0 bytes): perhaps it was still being copied; put the file in "
            "the folder again"
        )
    for magic, what in _NOT_PDF:
        if head.lstrip().startswith(magic):
            return f"this file is not a PDF but {what}; save it as PDF from its program"
    if b"%PDF" not in head:
        return (
            "this file is not a PDF (it does not begin as one): perhaps another kind of file "
            "renamed .pdf; save it as PDF from its program"
        )
    return (
        "this PDF is damaged (cut short, or its structure broken), so it cannot be read; ask "
        "for the file again, or re-save it as PDF from its source"
    )


MAX_CONTENT_BYTES = 200 * 1024 * 1024  # one page's drawing instructions, unpacked
PARSE_CONTENT_BYTES = 20 * 1024 * 1024  # above this, decoded but not parsed (memory)


def _trial_sanitize(
    pdf: Pdf,
    path: Path,
    texts: tuple[list[pikepdf.Object], list[bytes]],
    refused: list[PictureRefused] | None = None,
) -> list[str]:
    """What `sanitize` would remove from a paper: run on the opened copy, which is never saved;
    a picture a public pack could not cut down added to `refused`."""
    try:
        return sanitize(pdf, public=True, texts=texts, trial=True, refused=refused)
    except Exception as exc:  # noqa: BLE001 - a structure too odd to clean is refused, not risked
        raise _too_unusual(path, exc) from None


def picture_refused(path: Path, page: int, kind: str) -> InputError:
    """A public paper whose picture shows only in part and cannot be cut down (`pictures`):
    `check` says so from the paper's facts (`PaperFacts.uncut`), the build as it cleans it.
    (Or, kind `INLINE_METADATA`, a photo written inside the page's instructions whose metadata
    cannot be taken out.)"""
    if kind == INLINE_METADATA:
        return InputError(
            f"page {page} holds a photo written inside its drawing instructions, in a way "
            "packbuilder cannot take the photo's metadata out of (camera details, places, "
            "descriptions, thumbnails): it would be in the public pack for anyone to read; "
            "remove the metadata from the photo (save a copy of it without its properties) and "
            "place that copy, then make the PDF again (or print it to a new PDF as pictures)",
            Source(path, page=page),
        )
    if kind == INLINE_COVERED:
        return InputError(
            f"page {page} has a box drawn over part of a picture written inside its drawing "
            "instructions, which packbuilder cannot blank: what the box covers would be in the "
            "public pack for anyone to take out; black out that part of the picture itself in an "
            "image editor and place the edited copy, then make the PDF again (or print it to a "
            "new PDF as pictures)",
            Source(path, page=page),
        )
    if kind == LETTERS:
        return InputError(
            f"page {page} shows a picture only through letters (text used as a clipping path), "
            "and packbuilder cannot cut a picture to letters: the whole picture would be in the "
            "public pack for anyone to take out; make the lettering a picture of its own in an "
            "image editor and place that, then make the PDF again (or print it to a new PDF as "
            "pictures)",
            Source(path, page=page),
        )
    return InputError(
        f"page {page} shows only part of a picture ({kind}), cropped where it is placed or "
        "partly off the page, and packbuilder cannot cut such a picture down: the whole picture "
        "would be in the public pack for anyone to take out; crop the picture itself in an "
        "image editor and place the cropped copy, then make the PDF again (or print it to a new "
        "PDF as pictures)",
        Source(path, page=page),
    )


def _check_layers(pdf: Pdf, path: Path, texts: tuple[list[pikepdf.Object], list[bytes]]) -> None:
    """Refuse a paper with layers switched off (`layers`)."""
    try:
        off = layers_switched_off(pdf, texts)
    except Exception as exc:  # noqa: BLE001 - as `_trial_sanitize` (and `layers.TooComplex`)
        raise _too_unusual(path, exc, "for hidden layers") from None
    if off:
        raise InputError(
            f"this PDF hides part of itself when it is opened (layers {named(off)}): what it "
            "hides would be in the pack for anyone to copy or show; print it to a new PDF, which "
            "holds only what shows, and put that in the folder instead (or ask its author for a "
            "copy without hidden layers)",
            Source(path),
        )


def _object_texts(
    pdf: Pdf, path: Path, strings: list[bytes] | None = None
) -> tuple[list[pikepdf.Object], list[bytes]]:
    try:
        return object_texts(pdf, strings)
    except Exception as exc:  # noqa: BLE001 - as `_trial_sanitize`
        raise _too_unusual(path, exc) from None


def _figures(pdf: Pdf, path: Path, texts: list[bytes]) -> int:
    try:
        return figures_without_alt_in(pdf, texts)
    except Exception as exc:  # noqa: BLE001 - as `_trial_sanitize`
        raise _too_unusual(path, exc, "for images without alternative text") from None


def _headings(pdf: Pdf, path: Path, texts: list[bytes]) -> str:
    try:
        return headings_summary(pdf, texts)
    except Exception as exc:  # noqa: BLE001 - as `_trial_sanitize`
        raise _too_unusual(path, exc, "for its headings") from None


def _too_unusual(
    path: Path, exc: Exception, what: str = "for scripts and attachments"
) -> InputError:
    return InputError(
        f"this PDF's structure is too unusual to check {what} ({type(exc).__name__}); re-save "
        "it from its source, or print it to PDF again",
        Source(path),
    )


# an operator no content uses: the parser's list of instructions to return (`_parse_page`)
_NO_OPERATORS = "packbuilder-none"


def _parse_page(  # noqa: PLR0913
    pdf: Pdf,
    page: pikepdf.Page,
    path: Path,
    number: int,
    checked: dict[tuple[int, int], int],
    strings: list[str] | None = None,
) -> None:
    """Refuse a page whose content (or a form it draws) qpdf cannot decode and parse; the
    strings written in its dictionaries (`carried.content_strings`) added to `strings`.

    Compressed content is first unpacked in chunks and counted: a few kilobytes of "flate bomb"
    would otherwise unpack to gigabytes in memory.
    """
    streams = [s for s in _page_streams(page) if not s.is_indirect or s.objgen not in checked]
    contents = page.obj.get("/Contents")
    problem = ""
    if "/Contents" in page.obj and not isinstance(contents, Stream | Array):
        problem = "its content is missing"  # a reference to nothing: the page would be blank
    try:
        sizes = [_unpacked_size(s, strings) for s in streams]
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
                # the page as a whole: its content may be split over streams mid-instruction;
                # qpdf reads every instruction and reports what it cannot, but hands none back
                # (building them as Python objects was half the time of a cold build's checks)
                pikepdf.parse_content_stream(page, _NO_OPERATORS)
                for x in streams:
                    if x.stream_dict.get("/Subtype") == Name.Form:
                        pikepdf.parse_content_stream(x, _NO_OPERATORS)
            problem = problem or "; ".join(str(w.message) for w in caught)
    except InputError:
        raise
    except (
        pikepdf.PdfError,
        pikepdf.DependencyError,  # (a drawing "compressed" as a picture: JBIG2, DCT ...)
        RuntimeError,
        ValueError,
        TypeError,
        zlib.error,
    ) as exc:
        problem = str(exc) or type(exc).__name__
    problem = problem or "; ".join(pdf.get_warnings())
    if problem:
        raise InputError(
            f"page {number} cannot be read (its content is damaged, so it would come out "
            "blank or cut short); ask for the file again, or re-save it from its source",
            Source(path, page=number),
        )
    if isinstance(contents, Array) and len(contents) > 1 and _split_mid_instruction(pdf, contents):
        raise InputError(
            f"page {number} is drawn in parts split in the middle of an instruction, which PDF "
            "viewers read differently (what one hides, another shows); print it to a new PDF, "
            "or ask its author for a new copy",
            Source(path, page=number),
        )


def instruction_strings(pdf: Pdf, texts: tuple[list[pikepdf.Object], list[bytes]]) -> list[str]:
    """What `_examine` reads in a PDF's drawing instructions and fonts' Unicode maps, for
    `carried.carried_text` (`texts`: its `object_texts`): the strings written in dictionaries
    (`carried.content_strings`) and the words nothing draws (`undrawn`), in the same order."""
    strings: list[str] = []
    checked: dict[tuple[int, int], int] = {}
    for page in pdf.pages:
        for stream in _page_streams(page):
            if not stream.is_indirect or stream.objgen not in checked:
                size = _unpacked_size(stream, strings)
                if stream.is_indirect:
                    checked[stream.objgen] = size
    _read_undrawn(pdf, texts, checked, strings)
    return strings


def _read_undrawn(
    pdf: Pdf,
    texts: tuple[list[pikepdf.Object], list[bytes]],
    checked: dict[tuple[int, int], int],
    strings: list[str],
) -> None:
    """The strings and undrawn words (`undrawn`) of the drawing instructions a page does not
    name but a pack may carry (a form within a form, a tiling pattern, a Type 3 glyph, an
    annotation's looks), each stream read once, and of the fonts' Unicode maps (`cmap_words`),
    added to `strings`. (Those the pages draw by name were read with the pages, `_parse_page`;
    what qpdf cannot read here, no reader shows.)"""
    looks = (s for page in pdf.pages for s in appearances(page.obj.get("/Annots")))
    for stream in itertools.chain(drawings(texts), looks):
        if stream.is_indirect and stream.objgen in checked:
            continue
        with contextlib.suppress(pikepdf.PdfError, RuntimeError, ValueError, zlib.error):
            size = _unpacked_size(stream, strings)
            if stream.is_indirect:
                checked[stream.objgen] = size
    maps = {(int(m[1]), int(m[2])) for m in _TO_UNICODE.finditer(b"\n".join(texts[1]))}
    for objgen in sorted(maps):
        with contextlib.suppress(pikepdf.PdfError, RuntimeError, ValueError, zlib.error):
            cmap = pdf.get_object(objgen)
            if isinstance(cmap, Stream) and _unpacked_size(cmap) <= MAX_CMAP_BYTES:
                strings.append(cmap_words(cmap.read_bytes()))


_TO_UNICODE = re.compile(rb"/ToUnicode\s*(\d+)\s+(\d+)\s+R")
MAX_CMAP_BYTES = 16 << 20  # a font's Unicode map, unpacked: larger is not read (none is)


# bytes that end a word of drawing instructions: white space and delimiters
_ENDS_WORD = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%")


def _split_mid_instruction(pdf: Pdf, contents: Array) -> bool:
    """Whether a page's content, in several streams, is split where readers part ways: two
    words run together across the split ("T" + "j": poppler, which the text checks use, reads
    "Tj"; qpdf and others read two words), or a part ends in a comment (poppler reads the next
    part's first line as more of it; qpdf, as instructions), or inside a string, an array, a
    dictionary (`_ends_mid_instruction`) or an inline picture's data. The standard allows a
    split only between words, so a PDF writer never does this: it is a way to show one thing to
    the checks and another to readers."""
    read = [(c, c.read_bytes()) for c in contents if isinstance(c, Stream)]
    read = [(c, data) for c, data in read if data.strip()]  # (an empty part parts nothing)
    for (stream, data), (_, after) in zip(read, read[1:], strict=False):
        if data[-1] not in _ENDS_WORD and after[0] not in _ENDS_WORD:
            return True
        if ends_mid_token(pdf, data) or _ends_mid_instruction(stream):
            return True
    return False


def _ends_mid_instruction(stream: Stream) -> bool:
    """Whether drawing instructions, read on their own, end inside a string, a hex string, an
    array or a dictionary (qpdf: "unexpected end of stream"): poppler reads the next part's
    first bytes into it ("\\" at the end escapes the next part's ")"), qpdf and others after
    a line break."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pikepdf.parse_content_stream(stream, _NO_OPERATORS)
        except (pikepdf.PdfError, pikepdf.DependencyError, RuntimeError, ValueError):
            return True
    return any("end of stream" in str(w.message).lower() for w in caught)


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


def _unpacked_size(stream: Stream, strings: list[str] | None = None) -> int:
    """The unpacked size of a content stream, counted in chunks, stopping past the cap; the
    strings written in its dictionaries (`carried.content_strings`) added to `strings`."""
    filters = stream.stream_dict.get("/Filter")
    if isinstance(filters, Array) and len(filters) == 1:
        filters = filters[0]
    raw = stream.read_raw_bytes()
    undrawn = undrawn_reader()
    if filters is None or filters != Name.FlateDecode:
        # other filters are decoded by qpdf; only Flate reaches bomb ratios
        if strings is not None:
            data = raw if filters is None else stream.read_bytes()
            strings += content_strings(data)[0]
            undrawn.feed(data, last=True)
            strings += [undrawn.words] if undrawn.words else []
        return len(raw)
    inflater = zlib.decompressobj()
    size = 0
    data = raw
    held = b""  # (a dictionary a chunk ends in is read again whole with the next)
    while data and size <= MAX_CONTENT_BYTES:
        chunk = inflater.decompress(data, 1 << 20)
        size += len(chunk)
        data = inflater.unconsumed_tail
        if strings is not None:
            found, unfinished = content_strings(held + chunk)
            strings += found
            held = (held + chunk)[unfinished:] if unfinished is not None and data else b""
            if len(held) > PARSE_CONTENT_BYTES:  # a "dictionary" of 20 MB: read no further
                held = b""
            undrawn.feed(chunk, last=not data)
    if strings is not None and undrawn.words:
        strings.append(undrawn.words)
    return size


def content_digest(path: Path) -> str | None:
    """A hash of what a PDF's pages draw, not of how the file is laid out: a copy re-saved with
    other metadata, object numbers or compression gets the same digest. None for a PDF that
    draws (almost) nothing, which two unrelated files could share. A paper already checked
    (`paper_facts`) is not read again."""
    facts = _read_facts(_facts_entry(path))
    if facts is not None:
        return facts.digest
    try:
        with Pdf.open(path, inherit_page_attributes=False) as pdf:
            return _digest(pdf)
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError, TypeError):
        return None


def _digest(pdf: Pdf) -> str | None:
    h = hashlib.sha256()
    size = 0
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
    return h.hexdigest() if size >= 100 else None


ENGINE = f"pikepdf {pikepdf.__version__}, qpdf {pikepdf.__libqpdf_version__}"


def page_count(path: Path) -> int:
    """Pages as the pack's assembler (qpdf) sees them: the count the layout must use."""
    with _opened(path) as pdf:
        return len(pdf.pages)


def is_tagged(path: Path) -> bool:
    """Whether a PDF has a structure tree (headings, paragraphs, reading order) that screen readers
    can use. An untagged paper cannot be made accessible by packbuilder."""
    facts = _read_facts(_facts_entry(path))
    if facts is not None:
        return facts.tagged
    try:
        with Pdf.open(path, inherit_page_attributes=False) as pdf:
            return _tagged(pdf)
    except (pikepdf.PdfError, RuntimeError, OSError, ValueError):
        return False


def _tagged(pdf: Pdf) -> bool:
    tree = pdf.Root.get("/StructTreeRoot")
    return isinstance(tree, Dictionary) and "/ParentTree" in tree and bool(tree.get("/K"))


UNTAGGED_WARNING = (
    "this PDF is untagged (no structure for screen readers), so a pack that includes it cannot "
    "be fully accessible and will not claim PDF/UA; ask its author to export it again from Word "
    "or LibreOffice with tagged PDF (PDF/UA) switched on"
)
# (a tagged PDF's figures without alternative text: `PaperFacts.figures`)
SILENT_FIGURES_WARNING = (
    "{count} without alternative text, which screen readers cannot describe, so a pack that "
    "includes it will not claim PDF/UA; ask its author to add alt text to every image, chart and "
    "diagram (or mark it as decorative) and export it again as tagged PDF"
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
    data = recall(cached)
    with contextlib.suppress(ValueError, KeyError, TypeError):
        return base64.b64decode(data["program"]), tuple(data["widths"]), data["metrics"]
    program = _subset_font(path)
    remember(
        cached,
        {
            "program": base64.b64encode(program[0]).decode("ascii"),
            "widths": program[1],
            "metrics": program[2],
        },
    )
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


HEADINGS_VERSION = 4  # bump when the reading below changes


def paper_headings(
    path: Path, max_depth: int = 6, *, as_shown: bool = False
) -> tuple[Bookmark, ...]:
    """A paper's own bookmarks (a Word report's headings, a minute's numbers), their page indexes
    counted from the paper's first page, for nesting under the paper's entry in the pack.

    A paper's outline is a convenience, never a reason to refuse it: one that cannot be read, or an
    entry leading nowhere in the paper, is left out. What a paper's content gives is remembered
    (`remembered`), so a rebuild does not open every paper again for its outline. `as_shown`:
    the PDF is LibreOffice's conversion of a document, whose titles keep only the words their
    pages show (`_as_shown`).
    """
    entry = remembered(path, "headings", f"{HEADINGS_VERSION}|{max_depth}|{int(as_shown)}")
    known = recall(entry)
    if isinstance(known, list):
        with contextlib.suppress(ValueError, TypeError, IndexError):
            return _bookmarks(known)
    found = _read_headings(path, max_depth)
    if as_shown and found:
        found = _as_shown(path, found)
    remember(entry, _plain(found))
    return found


def _as_shown(path: Path, marks: tuple[Bookmark, ...]) -> tuple[Bookmark, ...]:
    """`marks` with each title cut to the words its page (or the next: a heading at the foot of
    a page) shows; a bookmark left without a word goes, its own taken up a level.

    LibreOffice titles a heading's bookmark with the paragraph's whole text, hidden text
    included (Word's *Font > Hidden*, a hidden character style, an .odt's hidden span), which
    the page does not show: an officer's hidden note in a heading ("Contract award - Kestrel
    Ltd, 48k") was published in every pack's bookmarks, where no check of the pages sees it.
    The words are compared as pdftotext reads the page, in reading order and as drawn
    (`-raw`), ignoring case and punctuation: a word hyphenated across lines, broken over the
    lines of a narrow table cell, spaced out letter by letter or run into its neighbours, or
    followed by a footnote's number, counts (`_shown_words`, `_shown_of`). Should the text
    not be readable, the paper's bookmarks are left out rather than kept unchecked.
    """
    from packbuilder.textmatch import (  # noqa: PLC0415 - (textmatch imports this module)
        TextTimeout,
        TextToolFailed,
        TextTooLong,
        TextUnreadable,
        run_pdftotext,
    )

    failed = (TextUnreadable, TextTooLong, TextTimeout, TextToolFailed, OSError)
    try:
        text = run_pdftotext(path, [])
    except failed:
        return ()
    pages = [_shown_words(page) for page in text.split("\f")]
    lost = False  # a word of a title not found on its pages

    def near(index: int) -> set[str]:
        return set().union(*pages[max(index, 0) : index + 2]) if index < len(pages) else set()

    def keep(level: tuple[Bookmark, ...]) -> tuple[Bookmark, ...]:
        nonlocal lost
        out: list[Bookmark] = []
        for mark in level:
            children = keep(mark.children)
            title = mark.title.split()
            words = _shown_of(title, near(mark.page_index))
            lost = lost or len(words) < len(title)
            if any(_pieces(w) for w in words):
                out.append(Bookmark(" ".join(words), mark.page_index, children))
            else:
                out.extend(children)
        return tuple(out)

    kept = keep(marks)
    if not lost:  # (more words shown could only keep more: every word is kept already)
        return kept
    # and as the page draws them: a heading in a narrow table cell, broken into pieces a line
    # each ("Interde", "partme", "ntal"), read between the lines of the cells beside it
    with contextlib.suppress(*failed):
        for shown, page in zip(pages, run_pdftotext(path, ["-raw"]).split("\f"), strict=False):
            shown.update(_shown_words(page))
    return keep(marks)


def _shown_of(words: list[str], shown: set[str]) -> list[str]:
    """Those of a title's `words` whose pieces a page shows (`_shown_words`): each piece alone,
    or run into the pieces beside it, as pdftotext reads a heading whose letters are condensed
    ("Verycondensedheading")."""
    pieces = [(i, p) for i, word in enumerate(words) for p in _pieces(word)]
    seen = [p in shown for _, p in pieces]
    for start in range(len(pieces)):
        joined = pieces[start][1]
        for end in range(start + 1, min(start + _MAX_JOINED, len(pieces))):
            joined += pieces[end][1]
            if joined in shown:
                seen[start : end + 1] = [True] * (end + 1 - start)
    return [
        word
        for i, word in enumerate(words)
        if all(ok for (j, _), ok in zip(pieces, seen, strict=True) if j == i)
    ]


_MAX_BROKEN = 6  # the pieces of a word broken over lines (letters only, not figures)
_MAX_JOINED = 24  # pieces or letters run together that a title's word is looked for in
# a note's number as pdftotext runs it into the word it follows: "information1", "implicationsi"
_NOTE_NUMBER = re.compile(r"(?<=\D)\d{1,3}$")


def _pieces(text: str) -> list[str]:
    """The words of `text` as `_as_shown` compares them: letters and digits, case folded."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text.replace("\xad", "")).casefold())


def _shown_words(page: str) -> set[str]:
    """The words a page's text shows, and each two neighbours joined (a word hyphenated at the
    end of a line is read in two), or a few of letters (a word broken over the lines of a
    narrow table cell); a word without the number of a note run into it; the
    letters of a word spaced out, read one by one, joined."""
    words = _pieces(page)
    shown = {*words, *(a + b for a, b in itertools.pairwise(words))}
    for start in range(len(words)):  # a word broken over more lines, without a hyphen
        joined = words[start]
        for after in words[start + 1 : start + _MAX_BROKEN]:
            if not (joined + after).isalpha():
                break
            joined += after
            shown.add(joined)
    for word in words:  # a footnote's or endnote's number run into the word it follows
        shown.add(_NOTE_NUMBER.sub("", word))
        shown.update(word[:-n] for n in range(1, 5) if len(word) > n + 1 and _roman(word[-n:]))
    for start, letter in enumerate(words):  # letters spaced out: "S p a c e d  o u t"
        if len(letter) != 1:
            continue
        joined = letter
        for after in words[start + 1 : start + _MAX_JOINED]:
            if len(after) != 1:
                break
            joined += after
            shown.add(joined)
    return shown


def _roman(text: str) -> bool:
    """Whether `text` is a lower-case Roman number (Word's endnotes: i, ii, iii, iv ...)."""
    return re.fullmatch(r"x{0,3}(?:ix|iv|v?i{0,3})", text) is not None and text != ""


def _plain(marks: Sequence[Bookmark]) -> list[object]:
    return [[m.title, m.page_index, _plain(m.children)] for m in marks]


def _bookmarks(plain: list[Any]) -> tuple[Bookmark, ...]:
    return tuple(Bookmark(str(t), int(p), _bookmarks(c)) for t, p, c in plain)


def _read_headings(path: Path, max_depth: int) -> tuple[Bookmark, ...]:
    # (opened as read: qpdf's copying of inherited page attributes to every page reads every
    # object of the file, a third of a second for a tagged table appendix)
    try:
        with Pdf.open(path, inherit_page_attributes=False) as pdf:
            outlines = pdf.Root.get("/Outlines")
            if not isinstance(outlines, Dictionary):
                return ()
            index: dict[Any, int] = {page.objgen: n for n, page in enumerate(pdf.pages)}
            named = _named_destinations(pdf)
            seen: set[tuple[int, int]] = set()

            def walk(first: object, depth: int) -> tuple[Bookmark, ...]:
                out: list[Bookmark] = []
                entry = first
                while isinstance(entry, Dictionary) and len(seen) < 100_000:
                    if entry.is_indirect:
                        if entry.objgen in seen:
                            break  # a loop in the outline
                        seen.add(entry.objgen)
                    title = " ".join(str(entry.get("/Title", "")).split())
                    page = _outline_page(entry, index, named)
                    below = entry.get("/First")
                    children = walk(below, depth + 1) if depth < max_depth else ()
                    if title and page is not None:
                        out.append(Bookmark(title, page, children))
                    else:
                        out.extend(children)  # keep what leads somewhere, one level up
                    entry = entry.get("/Next")
                return tuple(out)

            return walk(outlines.get("/First"), 1)
    except Exception:  # noqa: BLE001 - any failure reading an outline only loses its bookmarks
        return ()


def _named_destinations(pdf: Pdf) -> dict[str, object]:
    """The file's named destinations (the catalog's /Dests and its /Names /Dests tree)."""
    named: dict[str, object] = {}
    old = pdf.Root.get("/Dests")
    if isinstance(old, Dictionary):
        named.update((str(k)[1:], v) for k, v in old.items())
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, Dictionary) else None
    if isinstance(tree, Dictionary):
        named.update(pikepdf.NameTree(tree).items())
    return named


def _outline_page(entry: Dictionary, index: dict[Any, int], named: dict[str, object]) -> int | None:
    """The page index an outline entry leads to, or None if it leads nowhere in this file."""
    dest: object = entry.get("/Dest")
    action = entry.get("/A")
    if dest is None and isinstance(action, Dictionary) and action.get("/S") == Name.GoTo:
        dest = action.get("/D")
    if isinstance(dest, Name | String):
        dest = named.get(str(dest)[1:] if isinstance(dest, Name) else str(dest))
    if isinstance(dest, Dictionary):
        dest = dest.get("/D")
    if isinstance(dest, Array) and len(dest) and isinstance(dest[0], Dictionary):
        return index.get(dest[0].objgen)
    return None


# --- stamps --------------------------------------------------------------------------------------


class Stamp(NamedTuple):
    """Text drawn on a page. An untagged stamp is a pagination artifact (page numbers, fillers,
    repeated markings): screen readers skip it. A `tagged` stamp is real content, read before the
    paper on its page ("Agenda Item 4", a paper's first NOT FOR PUBLICATION marking). (A named
    tuple: a 4,000-page pack makes 10,000 of them for its part's key, a third of the time a
    frozen dataclass took.)"""

    text: str
    # "bottom-centre", "bottom-left", "top-right", "top-centre", "top-centre-2", "middle"
    where: str
    size: float = 9
    bold: bool = False
    tagged: bool = False


def _position(stamp: Stamp, width: float, height: float) -> tuple[float, float]:
    w = text_width(stamp.text, stamp.size, stamp.bold)
    if stamp.where == "bottom-centre":
        return (width - w) / 2, 14
    if stamp.where == "bottom-left":  # (beside the page number: a draft's marking)
        return 36, 14
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

    Every source is cleaned of active content (`sanitize`) as it is opened, before a page of it is
    copied: a public pack (`public`) also loses attached files. A source whose content is known
    to carry none (`known_clean`, learnt when the meeting was checked) is not walked again, so a
    rebuild does not pay for cleaning an unchanged appendix. What the pack adds itself (stamps,
    fonts, outline, destinations, structure) holds no action.
    """

    def __init__(
        self,
        language: str = "en-GB",
        *,
        public: bool = True,
        body: Path | None = None,
        out: Path | None = None,
        whole: bool = False,
        skeleton_at: Path | None = None,
    ) -> None:
        """A new pack; or, given `body`, one that goes on from a numbered part written by
        `save_body` (its pages, stamps, structure and destinations kept as they are). Given
        `out` too, where the pack will be written: the part's bytes, which begin the pack, are
        copied there at once, in the background, and hashed as they go by (the pack's digest is
        worked out as it is written: publishing does not read it again).

        A part is read as its skeleton (`skeleton`): the few objects finishing reads or
        changes, under their own numbers; `finish` appends what it adds to the part's bytes.
        Should finishing need more of the part (`WholePartNeeded`), the caller goes on from the
        `whole` part instead, as qpdf reads it. A part that is never written to again (a kept
        part) may keep its skeleton in a file, `skeleton_at` (`SkeletonFile`): the next build
        then reads that, and not the part, whose table of objects qpdf would read first (a
        few tenths of a second at 4,000 pages)."""
        self.language = language
        self.public = public
        # pages copied from a source are read from it until saved: each is kept open until then
        self._sources: list[contextlib.ExitStack] = []
        self.source_keys: list[tuple[Path, str]] = []  # each source opened, with its content key
        self._part: Dictionary | None = None
        # the titles of the elements titled by the caller, in the order given (`retitle`), each
        # an object of its own; None for an untagged paper, which has no element
        self._titled: list[pikepdf.Object | None] = []
        self._destinations: dict[str, int] = {}
        self._base: Path | None = None
        self._base_size = 0
        self._skeleton = False  # `pdf` is a part's skeleton: never saved whole
        # a digest of each object of the skeleton (or of the whole part) as read, by number:
        # those that changed are written (`_touched`); the skeleton's stand-ins, by number
        self._held: dict[tuple[int, int], bytes] = {}
        self._stand_ins: dict[tuple[int, int], bytes] = {}  # each with its text
        self._objects: Objects | None = None  # (`_skeleton_of`: kept in a `SkeletonFile`)
        self._opener: pikepdf.Object | None = None
        self._body = body
        self._copy: _Copy | None = None
        self._outline: Dictionary | _RawOutline | None = None  # (`prepare_outline`)
        if body is None:
            self.pdf = Pdf.new()
            self.structure = StructureMerger(self.pdf, language)
            self._body_conforms = True
            fonts: dict[str, pikepdf.Object] = {}
        else:
            try:
                known = None if whole else self._from_skeleton_file(body, skeleton_at)
                fonts = known if known is not None else self._from_part(body, whole, skeleton_at)
                # the part's bytes become the pack's, with what finishing adds appended
                if out is not None:
                    self._copy = _Copy(self._base_path(), out)
                self.structure = StructureMerger.resume(self.pdf, language)
                self._body_conforms = bool(self.pdf.docinfo.get(_BODY_CONFORMS, False))
            except BaseException:
                self.close()  # the copy done and the part let go: the caller has no writer
                raise
        self._fonts = {
            "/PBH": fonts.get("/PBH")
            or _embedded_font(self.pdf, "LiberationSans-Regular.ttf", "PBSTMP"),
            "/PBHB": fonts.get("/PBHB")
            or _embedded_font(self.pdf, "LiberationSans-Bold.ttf", "PBSTMB"),
        }
        # one shared "q" opens every stamped page: identical objects are written once
        if self._opener is None:
            self._opener = self.pdf.make_indirect(Stream(self.pdf, b"q\n"))

    def whole(self) -> PackWriter:
        """This pack, gone on from the whole of its numbered part (see `WholePartNeeded`)."""
        assert self._body is not None
        self.close()
        return PackWriter(self.language, public=self.public, body=self._body, whole=True)

    def _open_skeleton(
        self, part: Pdf, keep_at: Path | None = None
    ) -> tuple[Pdf, dict[str, pikepdf.Object]]:
        """The skeleton of an open part (`skeleton`), opened, and the stamp fonts in it; or,
        should qpdf not number new objects after the part's, the part itself. Kept in the file
        `keep_at`, if given, for the next build."""
        fonts = _stamp_fonts(part)
        data = skeleton(part, fonts.values())
        numbers = {name: font.objgen for name, font in fonts.items()}
        skel = self._skeleton_of(data, numbers)
        if skel is None:
            log.warning("the skeleton of %s numbers objects wrongly: the whole part is read", part)
            return part, fonts
        if keep_at is not None and self._base is not None and self._objects is not None:
            size = self._base.stat().st_size
            SkeletonFile(data, numbers, self._base_size, size, self._objects).write(keep_at)
        return skel, {name: skel.get_object(og) for name, og in numbers.items()}

    def _skeleton_of(
        self, data: bytes | Pdf, fonts: dict[str, tuple[int, int]], objects: Objects | None = None
    ) -> Pdf | None:
        """A part's skeleton opened from its bytes (or opened already, from its file: then with
        its `objects`), what it holds remembered (`_touched`); None if qpdf would not number new
        objects after the part's. `objects`: `objects_in` of the bytes, if known
        (`SkeletonFile.objects`)."""
        skel = (
            data
            if isinstance(data, Pdf)
            else Pdf.open(io.BytesIO(data), inherit_page_attributes=False)
        )
        stack = contextlib.ExitStack()
        stack.callback(skel.close)
        self._sources.append(stack)
        # the one shared "q" every stamped page opens with: the first object added
        self._opener = skel.make_indirect(Stream(skel, b"q\n"))
        if self._opener.objgen[0] < self._base_size:  # it would replace one of the part's
            self._opener = None
            return None
        self._skeleton = True
        # (bytes not laid out as `skeleton` writes them: every object asked of qpdf)
        if objects is None and isinstance(data, bytes):
            objects = objects_in(data)
        self._objects = objects or _objects_read(skel)
        held, self._stand_ins = self._objects
        self._held = _digests_of(skel, held, self._base_size)
        return skel

    def _base_path(self) -> Path:
        assert self._base is not None
        return self._base

    def _from_part(
        self, body: Path, whole: bool, keep_at: Path | None
    ) -> dict[str, pikepdf.Object]:
        """Go on from the part `body`, read by qpdf: as its skeleton unless `whole`."""
        part = self._open(body, clean=False)  # written by packbuilder, cleaned then
        self._base = Path(part.filename)  # the open part itself (see `pinned`)
        self._base_size = int(part.trailer.Size)
        if whole:
            self.pdf, fonts = part, _stamp_fonts(part)
        else:
            self.pdf, fonts = self._open_skeleton(part, keep_at)
        if not self._skeleton:  # (rare: every object read, remembered to see changes)
            self._held = _digests(part, self._base_size)
        else:  # the skeleton has all it needs: qpdf's table of the part's objects (a hundred
            # megabytes at 4,000 pages) let go of; its bytes stay open (`_base`)
            part.close()
        return fonts

    def _from_skeleton_file(self, body: Path, at: Path | None) -> dict[str, pikepdf.Object] | None:
        """Go on from the part `body` as read from its skeleton's file `at` (`SkeletonFile`),
        made when the part was read before: its stamp fonts. None, having changed nothing,
        when there is no such file, or it does not fit this part."""
        kept = SkeletonFile.read(at) if at is not None else None
        if kept is None:
            return None
        stack = contextlib.ExitStack()
        stack.callback(kept.pdf.close)  # (until `_skeleton_of` takes it)
        try:
            _key, same, fh = stack.enter_context(pinned(body, keyed=False))
        except OSError:
            stack.close()
            return None  # (reading the part says what is wrong)
        if os.fstat(fh.fileno()).st_size != kept.part_bytes:  # not the part it was made of
            stack.close()
            return None
        self._sources.append(stack)
        self._base, self._base_size = same, kept.size
        skel = self._skeleton_of(kept.pdf, kept.fonts, kept.objects)
        if skel is None:  # (never, unless the file was made by another qpdf): the part, then
            for source in self._sources:
                source.close()
            self._sources.clear()
            self._base, self._base_size = None, 0
            return None
        self.pdf = skel
        return {name: skel.get_object(og) for name, og in kept.fonts.items()}

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
        return (
            self._body_conforms
            and not self.structure.untagged
            and not self.structure.figures_without_alt
            and not self.structure.heading_gap
        )

    def begin_part(self, title: str) -> None:
        """Start a part of the pack (an agenda item: "Agenda Item 4: Commissioning plan")."""
        self._part = self.structure.part(title)
        self._titled.append(self._part.get("/T"))

    def retitle(self, titles: Sequence[str]) -> None:
        """Give the parts and papers of a pack gone on from its numbered part (`body`) these
        titles, in the order `begin_part` and `add_pdf` were given theirs. A kept part is reused
        whatever its items and papers are called (their titles are its structure's only trace
        of them): an item's title corrected on deadline day costs a rebuild, not an assembly.

        Raises:
            ValueError: the part has another number of titled parts and papers.
        """
        held = self.pdf.docinfo.get(TITLED)
        kept = list(held) if isinstance(held, Array) else []
        if len(kept) != len(titles):
            raise ValueError(f"{len(titles)} titles for {len(kept)} titled parts and papers")
        for old, title in zip(kept, titles, strict=True):
            if isinstance(old, String) and old.is_indirect and str(old) != title:
                self.pdf._replace_object(old.objgen, String(title))  # (the element refers to it)

    def add_destination(self, name: str, page_index: int) -> None:
        """A named destination (``pack.pdf#nameddest=NAME``) at the top of a page of the pack."""
        self._destinations[destination_name(name)] = page_index

    def _open(self, path: Path, clean: bool = True) -> Pdf:
        """Open a source, kept open until the pack is written. It is hashed and read through one
        open handle, so that what is known about its content (clean or not) is about the very
        bytes copied; `source_keys` records each source's key."""
        try:
            stack = contextlib.ExitStack()
            key, same, _fh = stack.enter_context(pinned(path, keyed=clean))
            # packbuilder's own part has every page's attributes on the page (qpdf wrote it):
            # opened without qpdf copying inherited ones down, which reads every object of the
            # file (a second for a 1,000-page tagged part; finishing a pack reads few of them)
            src = open_pdf(same) if clean else Pdf.open(same, inherit_page_attributes=False)
        except pikepdf.PasswordError:
            stack.close()
            raise InputError(
                "this PDF needs a password to open; ask its author for a copy without one",
                Source(path),
            ) from None
        except (pikepdf.PdfError, RuntimeError, OSError, ValueError) as exc:
            stack.close()
            raise AssemblyError(
                f"cannot read this PDF ({type(exc).__name__}); re-save it from its source",
                Source(path),
            ) from None
        stack.callback(src.close)
        self._sources.append(stack)
        if not clean:  # packbuilder's own file (a kept part): not hashed, not checked again
            return src
        self.source_keys.append((path, key))
        if not clean_by_key(key, self.public):
            try:
                if not sanitize(src, public=self.public):
                    remember_clean(key, self.public)
            except PictureRefused as refused:
                raise picture_refused(path, refused.page, refused.kind) from None
            except Exception as exc:  # noqa: BLE001 - never copy from a source not cleaned
                raise AssemblyError(
                    f"could not check this PDF for scripts and attachments ({type(exc).__name__}); "
                    "nothing was published: re-save it from its source and build again",
                    Source(path),
                ) from None
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
            added = list(self.pdf.pages[start:])
            facts = _read_facts(_entry(self.source_keys[-1][1]))  # (its key: `_open`)
            figures = facts.figures if facts is not None else None
            headings = facts.headings if facts is not None else ""
            paper = self.structure.adopt(
                src, added, title or path.stem, part, path, figures, headings
            )
            self._titled.append(paper.get("/T") if paper is not None else None)
            for i, page in enumerate(added):
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
        self,
        path: Path,
        filler: Stamp,
        title: str = "Agenda",
        pad: bool = True,
        marks: Sequence[Stamp] = (),
    ) -> int:
        """Put a PDF's pages before every page so far, as the first part of the pack, padded
        with a filler page to an even count unless `pad` is False; returns how many pages went
        in front. Its pages are unstamped but for `marks` (artifacts: a draft's marking), which
        the filler carries too."""
        src = self._open(path)
        count = len(src.pages)
        for i, page in enumerate(src.pages):
            self.pdf.pages.insert(i, page)
            if marks:
                self._stamp(self.pdf.pages[i], marks, None, None)
        part = self.structure.part(title, first=True)
        self.structure.adopt(src, list(self.pdf.pages[:count]), title, part, path, entering=0)
        padding = count % 2 if pad else 0
        # destinations and bookmarks given so far count from the first page of the papers
        self._destinations = {k: v + count + padding for k, v in self._destinations.items()}
        if padding:
            self.pdf.pages.insert(count, self._blank(A4))
            self._stamp(self.pdf.pages[count], [filler, *marks], None, None)
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
        assert isinstance(self._opener, Stream)  # made with the writer
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

    def save_body(self, out: Path) -> None:
        """Write the pack so far (its numbered part) to `out`, to be gone on with later by
        ``PackWriter(body=out)``: pages, stamps, destinations and the structure tree as they
        are; no outline, page labels or metadata, which depend on what goes in front.

        A writer gone on from a part (`body`) writes that part's bytes with what was added
        appended as an update, as `finish` does (`out` may be the part itself): papers are added
        to a part a few items at a time, so that only those items' sources are held in memory
        (`assemble.assemble_papers`).

        Raises:
            WholePartNeeded: adding needed more of the part than its skeleton holds; nothing
                has been written (go on from ``whole()``).
        """
        self._write_destinations()
        self._destinations.clear()
        self.structure.finish(resumable=True)
        self.pdf.docinfo[_BODY_CONFORMS] = self.conforms
        earlier = self.pdf.docinfo.get(TITLED)  # (a part gone on from: its titled elements)
        self.pdf.docinfo[TITLED] = Array(
            [*(earlier if isinstance(earlier, Array) else []), *self._titled]
        )
        try:
            if self._base is None:
                _save(self.pdf, out)  # as a pack is written: its bytes become the pack's
            else:
                if self._skeleton and not self.structure.appended_only:
                    raise WholePartNeeded  # the part's parent tree changes: written whole
                touched = self._touched()
                if self._body is None or not out.exists() or not out.samefile(self._body):
                    shutil.copyfile(self._base, out)
                _write_update(self.pdf, self._base, self._base_size, touched, out)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the sources (and of a body the pack was gone on from)."""
        if self._copy is not None:
            self._copy.made(None)  # the copy reads the body: done before it is let go
        for source in self._sources:
            source.close()
        self._sources.clear()

    def finish(
        self,
        out: Path,
        *,
        title: str,
        subject: str,
        author: str,
        bookmarks: Sequence[Bookmark] | None,
        unnumbered: int,
        language: str | None = None,
    ) -> None:
        """Bookmarks (None: those of `prepare_outline`), page labels (viewer page numbers match
        the stamps), structure, metadata; then write `out`. The pack claims PDF/UA-1 only when
        it can (`conforms`)."""
        pdf = self.pdf
        language = language or self.language
        self._finish_outline(bookmarks)
        nums: list[object] = []
        if unnumbered:
            nums += [0, Dictionary(S=Name.r, P=String("Agenda "))]
        if self.pages > unnumbered:
            nums += [unnumbered, Dictionary(S=Name.D, St=1)]
        pdf.Root.PageLabels = Dictionary(Nums=Array(nums))
        self._write_destinations()
        self.structure.finish()
        if self._skeleton and not self.structure.appended_only:
            raise WholePartNeeded  # the part's parent tree changes: written whole
        for key in (_BODY_CONFORMS, TITLED):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
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
            if self._base is not None:
                touched = self._touched()  # (before anything is written: it may raise)
                hashed = self._copy.made(out) if self._copy is not None else None
                if hashed is None:
                    hashed = _copy_part(self._base, out)
                raw = self._outline if isinstance(self._outline, _RawOutline) else None
                update = _write_update(pdf, self._base, self._base_size, touched, out, raw)
                hashed.update(update)
                if out.stat().st_size == self._base.stat().st_size + len(update):
                    copied(out, hashed.hexdigest())  # publishing does not read it again
            else:
                _save(pdf, out)
        finally:
            self.close()

    def _finish_outline(self, bookmarks: Sequence[Bookmark] | None) -> None:
        """The outline of `bookmarks`, or the one prepared with its first entry, the
        frontsheet's, pointed at the first page."""
        pdf = self.pdf
        if bookmarks is not None:
            _write_outline(pdf, bookmarks)
        elif isinstance(self._outline, _RawOutline):  # (its first entry's page: when written)
            self._outline.first_page = pdf.pages[0].obj.objgen
        elif self._outline is not None:
            self._outline.First.Dest = Array([pdf.pages[0].obj, Name.Fit])
        else:
            raise ValueError("no bookmarks given, and none prepared")

    @property
    def outline_prepared(self) -> bool:
        return self._outline is not None

    def prepare_outline(self, bookmarks: Sequence[Bookmark]) -> None:
        """Write the outline before the frontsheet goes in front (while it is converted): the
        bookmarks' page indexes count from the first numbered page, and the first bookmark,
        the frontsheet's, is pointed at the pack's first page when the pack is finished (give
        `finish` no bookmarks then). At 4,000 pages the outline has 2,000 entries a pack."""
        if self._skeleton and bookmarks:  # written as text with the update (`_RawOutline`)
            numbers = flat_pages(self.pdf.Root.get("/Pages"))
            if numbers is not None:
                root = self.pdf.make_indirect(Dictionary(Type=Name.Outlines))
                self.pdf.Root.Outlines = root
                self._outline = _RawOutline(root, bookmarks, numbers)
                return
        pages = [page.obj for page in self.pdf.pages]
        self._outline = _write_outline(self.pdf, bookmarks, pages)

    def _touched(self) -> list[pikepdf.Object]:
        """The objects of the saved part that finishing a pack (or adding papers) changed: those
        whose text differs from when the part was read (of a skeleton, every object it holds;
        of the whole part, every object). Everything else is new, numbered from the part's /Size.

        Raises:
            WholePartNeeded: a stand-in of the skeleton changed (an object of the part the
                skeleton leaves out), which cannot be written over the part's.
        """
        changed = []
        for objgen, before in self._held.items():
            obj = self.pdf.get_object(objgen)
            if _digest_of(obj) == before:
                continue
            if not isinstance(obj, pikepdf.Object):
                raise WholePartNeeded
            changed.append(obj)
        for objgen, text in self._stand_ins.items():
            obj = self.pdf.get_object(objgen)
            if not isinstance(obj, pikepdf.Object) or object_body(obj) != text:
                raise WholePartNeeded
        return changed


class _Copy(threading.Thread):
    """A file copied in the background (by the kernel: the thread holds no lock Python needs)."""

    def __init__(self, source: Path, target: Path) -> None:
        super().__init__(daemon=True)
        self.source, self.target = source, target
        self.hashed: hashlib._Hash | None = None
        self.start()

    def run(self) -> None:
        # on any failure the pack is copied again when it is written, and the error told then
        with contextlib.suppress(Exception):
            self.hashed = _copy_part(self.source, self.target, flush=True)

    def made(self, target: Path | None) -> hashlib._Hash | None:
        """Wait for the copy; the hash of what it wrote, if it made `target`."""
        self.join()
        return self.hashed if target == self.target else None


def _copy_part(source: Path, target: Path, flush: bool = False) -> hashlib._Hash:
    """Copy a part's file to where the pack will be, hashed (`digests.copy_hashed`): publishing
    needs the pack's digest, and the pack is mostly the part's bytes (40 MB at 4,000 pages).
    Copied in the background (`flush`), the bytes are written to disk too, while the frontsheet
    is converted: publishing, which makes the pack durable before it is put in place, then has
    only what finishing appended to write (it waited for 80 MB at 4,000 pages)."""
    with open(source, "rb") as fh, open(target, "w+b") as out:
        hashed = copy_hashed(fh, out)
        if flush:
            with contextlib.suppress(OSError):  # (publishing flushes it anyway)
                os.fdatasync(out.fileno())
        return hashed


def _save(pdf: Pdf, out: Path) -> None:
    """Write a whole pack (or numbered part): no random /ID, so that an unchanged pack rebuilt
    is the same file byte for byte; the papers' streams written as they are, not decoded and
    packed again; small objects packed into compressed object streams."""
    pdf.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        deterministic_id=True,
    )


class _RawOutline:
    """A pack's outline kept as its bookmarks and written as PDF text with the incremental update
    (`_write_update`), numbered after the objects finishing added: what `_write_outline` makes,
    but without a qpdf object for each entry. At 4,000 pages a pack's 1,500 entries took 45-75 ms
    to make as pikepdf objects, and as long again to find and write back, of every rebuild; as
    text, a few. For a pack going on from a skeleton (`PackWriter.prepare_outline`), whose root
    page node lists every page (`skeleton.flat_pages`)."""

    def __init__(
        self, root: Dictionary, bookmarks: Sequence[Bookmark], pages: Sequence[tuple[int, int]]
    ) -> None:
        self.root = root  # the outline's root: an object of the pack, its text written here
        self.bookmarks = bookmarks
        self.pages = pages  # the numbered pages, by number, as the bookmarks count them
        self.first_page: tuple[int, int] | None = None  # the first entry's, if not its own

    def written(self, first: int) -> tuple[bytes, list[bytes]]:
        """The root's text and the entries', the entries numbered from `first` on (each level's
        entries, then their kids), each open, leading to the top of its page: as
        `_write_outline` writes them."""
        entries: list[bytes] = []

        def level(parent: bytes, marks: Sequence[Bookmark], top: bool) -> tuple[int, int]:
            """Write `marks` under `parent`: how many entries are visible below it, and the
            number of the first (the last is that plus one less than the marks)."""
            start = len(entries)
            entries.extend(b"" for _ in marks)  # (numbered: their kids come after them all)
            visible = len(marks)
            for i, mark in enumerate(marks):
                page = self.pages[mark.page_index]
                if top and i == 0 and self.first_page is not None:
                    page = self.first_page  # the frontsheet's entry: the pack's first page
                number = first + start + i
                keys = [
                    b"/Title " + String(mark.title).unparse(),
                    b"/Parent " + parent,
                    b"/Dest [ %d %d R /Fit ]" % page,
                ]
                if i:
                    keys.append(b"/Prev %d 0 R" % (number - 1))
                if i + 1 < len(marks):
                    keys.append(b"/Next %d 0 R" % (number + 1))
                below, kid = level(b"%d 0 R" % number, mark.children, False)
                if below:
                    last = kid + len(mark.children) - 1
                    keys.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (kid, last, below))
                visible += below
                entries[start + i] = b"<< " + b" ".join(keys) + b" >>"
            return (visible if marks else 0), first + start

        count, top = level(b"%d %d R" % self.root.objgen, self.bookmarks, True)
        root = b"<< /Type /Outlines"
        if count:
            root += b" /First %d 0 R /Last %d 0 R" % (top, top + len(self.bookmarks) - 1)
        return root + b" /Count %d >>" % count, entries


def _write_update(  # noqa: PLR0913
    pdf: Pdf,
    base: Path,
    base_size: int,
    touched: Sequence[pikepdf.Object],
    out: Path,
    outline: _RawOutline | None = None,
) -> bytes:
    """Append to `out`, a copy of the bytes of `base` (the saved numbered part `pdf` was opened
    from), an incremental update (ISO 32000-1, 7.5.6): the objects finishing added (numbered
    from `base_size` on) and the few it changed (`touched`), then a cross-reference stream that
    points back to the part's. Writing a pack then costs what its frontsheet, outline and
    metadata weigh, not what its 4,000 pages do. Returns the bytes appended."""
    with base.open("rb") as fh:
        fh.seek(max(0, os.fstat(fh.fileno()).st_size - 1024))
        tail = fh.read()
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
    if found is None:
        raise AssemblyError(
            "a kept part of the pack is damaged; delete the cache folder and build again",
            Source(base),
        )
    prev = int(found.group(1))
    added, number = _added_objects(pdf, base_size)
    objects: list[tuple[int, int, Any]] = sorted((*o.objgen, o) for o in touched) + added
    texts: dict[tuple[int, int], bytes] = {}  # objects written as text (`_RawOutline`)
    if outline is not None:
        root, entries = outline.written(number)
        texts[outline.root.objgen] = root
        texts.update(((number + i, 0), text) for i, text in enumerate(entries))
        objects += [(number + i, 0, None) for i in range(len(entries))]
        number += len(entries)
    with out.open("r+b") as fh:
        start = fh.seek(0, os.SEEK_END)
        update = bytearray(b"\n")
        rows: dict[int, tuple[int, int, int]] = {}  # number -> xref row (type, field 2, field 3)
        # the small objects (structure elements, outline entries, the roots) go compressed into
        # object streams of a hundred, as qpdf packs them; streams are written as they are
        packed: list[tuple[int, bytes]] = []
        for num, gen, obj in objects:
            body = texts.get((num, gen)) or object_body(obj)
            if gen == 0 and not isinstance(obj, Stream):  # what an object stream may hold
                packed.append((num, body))
            else:
                rows[num] = (1, start + len(update), gen)
                update += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
        for first in range(0, len(packed), _PACKED):
            stream_number, number = number, number + 1
            bodies, heads, at = [], [], 0
            for index, (num, body) in enumerate(packed[first : first + _PACKED]):
                heads.append(b"%d %d" % (num, at))
                bodies.append(body)
                at += len(body) + 1
                rows[num] = (2, stream_number, index)
            head = b" ".join(heads) + b"\n"
            data = zlib.compress(head + b"\n".join(bodies) + b"\n")
            rows[stream_number] = (1, start + len(update), 0)
            update += b"%d 0 obj\n" % stream_number
            update += Dictionary(
                Type=Name.ObjStm,
                N=len(bodies),
                First=len(head),
                Filter=Name.FlateDecode,
                Length=len(data),
            ).unparse()
            update += b"\nstream\n" + data + b"\nendstream\nendobj\n"
        xref = number
        rows[xref] = (1, start + len(update), 0)
        width = max(4, (start + len(update)).bit_length() // 8 + 1)
        index_pairs: list[int] = []
        for num in sorted(rows):
            if index_pairs and index_pairs[-2] + index_pairs[-1] == num:
                index_pairs[-1] += 1
            else:
                index_pairs += [num, 1]
        table = zlib.compress(
            b"".join(
                kind.to_bytes(1, "big") + two.to_bytes(width, "big") + three.to_bytes(2, "big")
                for kind, two, three in (rows[num] for num in sorted(rows))
            )
        )
        first_id = pdf.trailer.ID[0] if "/ID" in pdf.trailer else String(hashlib.md5(tail).digest())
        trailer = Dictionary(
            Type=Name.XRef,
            Size=xref + 1,
            Index=Array(index_pairs),
            W=Array([1, width, 2]),
            Root=pdf.Root,
            Prev=prev,
            ID=Array([first_id, String(hashlib.md5(bytes(update)).digest())]),
            Filter=Name.FlateDecode,
            Length=len(table),
        )
        info = pdf.trailer.get("/Info")
        if info is not None:
            trailer.Info = info
        update += b"%d 0 obj\n" % xref + trailer.unparse() + b"\nstream\n" + table
        update += b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % rows[xref][1]
        fh.write(update)
    return bytes(update)


def _digest_of(obj: Any) -> bytes:
    """A digest of an object's content as written (a stream's dictionary and raw data)."""
    if isinstance(obj, Stream):
        text = obj.stream_dict.unparse(resolved=True) + b"\0" + obj.read_raw_bytes()
    else:
        text = object_body(obj)
    return hashlib.blake2b(text, digest_size=16).digest()


def _objects_read(
    skel: Pdf,
) -> tuple[list[tuple[int, int]], dict[tuple[int, int], bytes]]:
    """`skeleton.objects_in`, asking qpdf for every object's text: the objects a skeleton holds
    and its stand-ins, with their text."""
    held: list[tuple[int, int]] = []
    stand_ins: dict[tuple[int, int], bytes] = {}
    for o in skel.objects:
        if not isinstance(o, pikepdf.Object):
            continue
        text = object_body(o) if isinstance(o, Dictionary) else b""
        if text and STAND_INS.fullmatch(text):
            stand_ins[o.objgen] = text
        else:
            held.append(o.objgen)
    return held, stand_ins


def _digests_of(
    pdf: Pdf, objgens: Sequence[tuple[int, int]], below: int
) -> dict[tuple[int, int], bytes]:
    """`_digests`, of the objects `objgens` only."""
    out = {}
    for objgen in objgens:
        if 0 < objgen[0] < below:
            obj = pdf.get_object(objgen)
            if isinstance(obj, pikepdf.Object):
                out[objgen] = _digest_of(obj)
    return out


def _digests(pdf: Pdf, below: int) -> dict[tuple[int, int], bytes]:
    """`_digest_of` each object of `pdf` numbered below `below`. (pikepdf hands an indirect
    number, boolean or null back as a plain value, without its number: such an object cannot be
    changed in place either, and is left out.)"""
    return {
        o.objgen: _digest_of(o)
        for o in pdf.objects
        if isinstance(o, pikepdf.Object) and 0 < o.objgen[0] < below
    }


_PACKED = 100  # objects to an object stream of an update (as qpdf packs them)


def _added_objects(pdf: Pdf, first: int) -> tuple[list[tuple[int, int, Any]], int]:
    """The objects made since `pdf` was opened (numbered on from `first`), and the next free
    number. pikepdf hands an indirect number or boolean back as a plain Python value, and an
    undefined object reads as null, as a null one does (which need not be written): numbers are
    tried until a run of them holds nothing."""
    added: list[tuple[int, int, Any]] = []
    number, empty = first, 0
    while empty < 64:
        obj = pdf.get_object((number, 0))
        if obj is None:
            empty += 1
        else:
            added.append((number, 0, obj))
            empty = 0
        number += 1
    return added, max(first, number - empty)


# Set in the document information of a saved numbered part: whether it may claim PDF/UA.
_BODY_CONFORMS = Name("/PackbuilderBodyConforms")


class WholePartNeeded(Exception):
    """Finishing a pack needs more of its numbered part than the skeleton holds (a destination
    added after the part was saved, structure keys that do not come after the part's): go on
    from the whole part (``PackWriter(body=..., whole=True)``). Nothing has been written."""


def _stamp_fonts(pdf: Pdf) -> dict[str, pikepdf.Object]:
    """The stamp fonts a saved numbered part embeds already (on any stamped page: the first, as
    a rule). The page tree is walked from its root, one page at a time, not through `pdf.pages`
    (nor a list of a node's kids), which reads every page, and with them every object stream
    holding one (of a part assembled in slices, most of the part)."""
    seen: set[tuple[int, int]] = set()

    def search(node: object) -> dict[str, pikepdf.Object]:
        if not isinstance(node, Dictionary) or (node.is_indirect and node.objgen in seen):
            return {}
        if node.is_indirect:
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if isinstance(kids, Array):
            for i in range(len(kids)):
                found = search(kids[i])
                if found:
                    return found
            return {}
        resources = node.get("/Resources")
        fonts = resources.get("/Font") if isinstance(resources, Dictionary) else None
        if isinstance(fonts, Dictionary) and "/PBH" in fonts and "/PBHB" in fonts:
            return {"/PBH": fonts.PBH, "/PBHB": fonts.PBHB}
        return {}

    return search(pdf.Root.get("/Pages"))


def _write_outline(
    pdf: Pdf, bookmarks: Sequence[Bookmark], pages: Sequence[Dictionary] | None = None
) -> Dictionary:
    """The pack's outline, every entry open, each leading to the top of its page (written here
    rather than through pikepdf's outline model, which looks every page up by walking the page
    tree: most of a 4,000-page rebuild's time); the bookmarks' page indexes into `pages` (by
    default the pack's). Returns its root."""
    pages = [page.obj for page in pdf.pages] if pages is None else pages
    root = pdf.make_indirect(Dictionary(Type=Name.Outlines))

    def level(parent: Dictionary, marks: Sequence[Bookmark]) -> int:
        if not marks:
            return 0
        items = [
            pdf.make_indirect(
                Dictionary(
                    Title=String(m.title),
                    Parent=parent,
                    Dest=Array([pages[m.page_index], Name.Fit]),
                )
            )
            for m in marks
        ]
        visible = len(items)
        for item, mark, before, after in zip(
            items, marks, [None, *items[:-1]], [*items[1:], None], strict=True
        ):
            if before is not None:
                item.Prev = before
            if after is not None:
                item.Next = after
            below = level(item, mark.children)
            if below:
                item.Count = below
            visible += below
        parent.First, parent.Last = items[0], items[-1]
        return visible

    root.Count = level(root, bookmarks)
    pdf.Root.Outlines = root
    return root


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
