"""Text a page holds but does not show: a public paper with such text is refused.

An officer "redacts" a name or a price by drawing a black box over it, highlighting it in black,
colouring it white or shrinking it to a dot. The page shows nothing of it, but the file (and a pack
made of it) still holds the text, for anyone to select, copy or search: the classic failed
redaction. A Word paper does the same once converted (LibreOffice draws black highlighting over
its text). As with text cropped away (`cropped`) or layers switched off (`layers`), a pack cannot
take it out faithfully, so a paper of a public pack that holds such text is refused, naming the
page and the first hidden words, with what to do.

How: each page is drawn (poppler's pdftoppm, in grey, `RESOLUTION` dots to the inch) and its
words' boxes read (pdftotext -bbox: the same reader, which numbers and places pages alike). A word
shows nothing if a part of it is one flat colour on the drawn page (no two neighbouring dots
differ by more than `FLAT`): its box away from its edges (`INSET`), or, for a word of
`MIN_PAIRED` characters or more running clearly along or across the page, any two of its letters
or digits side by side across the middle of the line (`BAND`; each character placed by its kind:
`_advances`), which finds a name under a box beside its visible "'s", comma or bracket, and a box
fitted to the letters. A page where a word seems hidden is drawn again in colour, to be sure
(green text on a blue cell is one shade of grey). A word under `MIN_SIZE` points across is hidden
too (too small to read). Only words of two letters or digits or more count (a stray mark is not
a word). Visible text always has ink against its background.

A scanned page (`_scanned_pages`: a picture of the page's shape and a scanner's size) carries its
text as invisible words laid by OCR over the picture of them, a few points off: such a word is
judged whole, with `SCAN_SLACK` around it, and one made only of strokes (`_STROKES`: what OCR
reads in a scan's black edge) does not count. A box drawn over a scan's words is still found.

Each paper is read in processes of its own, bounded in time, memory and the size of what they
write; a build reads them in a child process (`headstart.unseen_elsewhere`), away from the
interpreter its assembly needs; a paper that passed is remembered by its content.

A photograph pasted over a name shows its own ink where the name is: so a page with pictures
is drawn twice more (`_Copies`, `_judged`): with each picture in one flat colour, its own mask
kept, where a covered word shows nothing; and with no picture at all, on a coloured page, where
a word that still shows nothing is drawn invisibly (a scanner's OCR words over the picture of
them: judged against that picture, with `SCAN_SLACK`, on a scan's page). A word that shows with
no picture but not with the pictures drawn flat is under a picture.

Not found (said in docs/errors.md): text under an inline picture, or under a picture whose
transparency is a colour key or inside a JPEG 2000, or that is another's mask (they are drawn
as they are); a scanner's invisible words under a picture pasted over the scan; a picture seen
through a soft mask drawn from another picture; a box or a vector drawing that is not one
colour (dithered, a scan of marker pen, clip art), words whose box
holds other ink (a white "REDACTED" label over the box; letters spaced apart, each a word of
one character; invisible words over visible ones), text squashed to a smudge, text of the same
hue as a box blended over it, "redaction" fonts whose letters are bars, text drawn off the page
(neither pdftotext nor a viewer shows it), text pdftotext does not read, and words under about
11 points judged whole only (about 4 points and under, not at all, above `MIN_SIZE`).
"""

from __future__ import annotations

import functools
import hashlib
import html
import mmap
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packbuilder.digests import has_mark, put_mark
from packbuilder.errors import InputError, PackError, Source
from packbuilder.model import AgendaItem, Paper, PaperKind
from packbuilder.scratch import MIN_FREE_BYTES, disk_full_error, free_bytes, scratch_prefix

if TYPE_CHECKING:
    import pikepdf

RESOLUTION = 36  # dots to the inch the pages are drawn at (a 10-point word is 5 dots high)
INSET = 0.2  # of a word box's height (its smaller side), left out at each edge: a box drawn
# over a word may be no larger than the word's box, and a word's box reaches past its ink
FLAT = 8  # of 255 shades: neighbouring dots differing by no more in any colour are one flat
# colour (pale text, a faint watermark, differ by more)
MIN_SIZE = 1.5  # points: a word whose box is smaller across cannot be read
BATCH = 100  # pages drawn by one pdftoppm (then read, and their files removed), at most
BATCH_BYTES = 48 << 20  # of their drawings
MAX_DOTS = 4_000_000  # a page larger at `RESOLUTION` (a 14,400-point page) is drawn at less
BAND = (0.25, 0.75)  # of a line's height: the middle of the line, where its letters' ink is
CLEAR = 1.5  # a word this many times longer than high (or higher than long) runs that way
MIN_PAIRED = 5  # characters: a shorter word (or a piece of a slanted one, which pdftotext
# may read in pieces: "c", "rim", "e") is judged whole
MIN_BAND_DOTS = 2.5  # (text of 11 points or more at 36 dpi)
SCAN_PIXELS = 500  # a picture of the page's shape this many dots across or more is a scan
SCAN_SLACK = 1  # dot around a scanned word's box where its ink may lie instead
TIMEOUT = 120  # seconds for one paper, all its runs together
MAX_IMAGE_BYTES = 64 << 20  # one drawn page (a 36-dpi A0 drawing is 2 MB)
_BOX = re.compile(rb'<word xMin="([^"]*)" yMin="([^"]*)" xMax="([^"]*)" yMax="([^"]*)">')
_TEXT = re.compile(rb"<word [^>]*>(.*?)</word>", re.S)
_PNM = re.compile(rb"P([56])\s+(\d+)\s+(\d+)\s+(\d+)\s")


class Unreadable(Exception):
    """pdftotext or pdftoppm could not read the paper within bounds."""


class ToolMissing(Exception):
    """pdftotext or pdftoppm is not installed."""


def hidden_text_problems(
    items: Sequence[AgendaItem],
    pdf_of: Callable[[Paper], Path | None] | None = None,
    stop: threading.Event | None = None,
    elsewhere: bool = False,
    before_reading: Callable[[], object] | None = None,
) -> list[PackError]:
    """Every paper of a public pack (the papers of items that are not exempt) with a page that
    holds text it does not show, as an error naming the paper and the page.

    Args:
        pdf_of: the PDF each paper goes into the packs as (a build's, or `check`'s, converted
            Word and data papers); None: only PDF papers are read.
        stop: set by a build that failed meanwhile: no more papers are read.
        elsewhere: read them first in a process of its own (`headstart`): a build's own
            interpreter is busy assembling, one thread at a time.
        before_reading: called (and waited for) before the first paper not known to show
            its text is read; not at all when every paper is known (a rebuild's).
    """
    stop = stop or threading.Event()
    problems: list[PackError] = []
    papers = _public_pdfs(items, pdf_of)
    # a rebuild's papers are all known (each looked up once: a 4,000-page meeting has 60)
    unknown = {pdf: paper for pdf, paper in papers.items() if not _known_to_show(pdf)}
    if unknown and before_reading is not None:
        before_reading()
        if stop.is_set():  # (stopped while it waited)
            return problems
    if elsewhere and unknown:
        from packbuilder.headstart import unseen_elsewhere

        unseen_elsewhere(list(unknown), stop)  # the reading, away from the build's interpreter
    for pdf, paper in unknown.items():
        if stop.is_set():
            return problems
        try:
            _check(pdf, Source(paper.path), stop)
        except Stopped:
            return problems
        except ToolMissing as exc:
            problems.append(
                InputError(
                    f"{exc}, so the public papers cannot be checked for text they hide; run "
                    "`make setup` (or apt-get install poppler-utils)",
                    Source(paper.path),
                )
            )
            return problems
        except PackError as exc:
            problems.append(exc)
    return problems


def _public_pdfs(
    items: Sequence[AgendaItem], pdf_of: Callable[[Paper], Path | None] | None
) -> dict[Path, Paper]:
    """The PDF of each paper of a public pack, each once, for the first paper it is."""
    papers: dict[Path, Paper] = {}
    for item in items:
        if item.exempt:
            continue
        for paper in item.papers:
            pdf = paper.file if paper.kind is PaperKind.PDF else None
            if pdf is None and pdf_of is not None:
                pdf = pdf_of(paper)
            if pdf is not None:
                papers.setdefault(pdf, paper)
    return papers


def remember_shown(pdf: Path) -> None:
    """Read `pdf` as `hidden_text_problems` does, remembering it if every word shows (a head
    start for a build: `headstart.unseen_elsewhere`)."""
    _check(pdf, Source(pdf))


def _known_to_show(pdf: Path) -> bool:
    """Whether `pdf` was read before and every word showed (its content remembered)."""
    from packbuilder import pdf as pdfs

    try:
        with pdfs.pinned(pdf) as (key, _, _):
            return has_mark(pdfs.remembered_by_key(key, "shows-its-text", _code()))
    except OSError:
        return False


def _check(pdf: Path, source: Source, stop: threading.Event | None = None) -> None:
    """Refuse the paper `source` (whose pages are `pdf`) if a page hides text; remembered by
    the PDF's content when it does not."""
    from packbuilder import pdf as pdfs

    try:
        with pdfs.pinned(pdf) as (key, same, fh):
            entry = pdfs.remembered_by_key(key, "shows-its-text", _code())
            if has_mark(entry):  # (`_known_to_show`)
                return
            # (a program of its own opens this process's handle by the process's number)
            handle = Path(str(same).replace("/proc/self/", f"/proc/{os.getpid()}/", 1))
            _refuse_hidden(handle, source, stop)
            if pdfs.path_key(pdf, fh) == key:  # not written to while it was read
                put_mark(entry)
    except OSError:
        _refuse_hidden(pdf, source, stop)  # (its other checks say what is wrong with it)


def _refuse_hidden(pdf: Path, source: Source, stop: threading.Event | None) -> None:
    try:
        found = hidden_words(pdf, stop)
    except Unreadable:
        if free_bytes(Path(tempfile.gettempdir())) < MIN_FREE_BYTES:  # (not the paper's fault)
            raise disk_full_error(Path(tempfile.gettempdir())) from None
        raise InputError(
            "its pages could not be read to check for text they hide (under a box, or coloured "
            "like the page); save it again as PDF from its source, or print it to PDF again",
            source,
        ) from None
    if not found:
        return
    from packbuilder.cropped import shown_words

    number, words = found
    shown = shown_words(words)
    raise InputError(
        f"this page holds text it does not show ('{shown}'): it is covered (by a box, a picture "
        "or black highlighting), coloured like what is behind it, or too small to read, but the "
        "file still holds it, and the pack would, for anyone to copy; delete that text in the "
        "paper's source and make the PDF again (a box, picture, highlighting or white text hides "
        "it on the page only), or redact it properly (in Acrobat: Redact, then Apply), and put "
        "that copy in the folder",
        Source(source.file, page=number),
    )


def hidden_words(pdf: Path, stop: threading.Event | None = None) -> tuple[int, list[str]] | None:
    """The first page of `pdf` (from 1) that holds words it does not show, and those words; None
    if every word shows.

    Raises:
        ToolMissing: pdftotext or pdftoppm is not installed.
        Unreadable: they could not read the PDF within bounds.
        Stopped: `stop` was set meanwhile.
    """
    deadline = time.monotonic() + TIMEOUT
    text = _run(["pdftotext", "-q", "-enc", "UTF-8", "-bbox", str(pdf), "-"], deadline)
    pages = text.split(b"<page ")[1:]
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("unseen")) as tmp:
        copies = _Copies(pdf, Path(tmp))
        scans = copies.scans

        def draw(
            kind: str, first: int, last: int, resolution: float, colour: bool
        ) -> dict[int, Path]:
            # (each kind of drawing, and a page drawn again in colour, under a name of its own)
            name = f"{'c' if colour else 'g'}{kind.replace(' ', '')}"
            _run(
                ["pdftoppm", "-q", *([] if colour else ["-gray"]), "-r", f"{resolution:g}",
                 "-f", str(first), "-l", str(last), str(copies.path(kind)), f"{tmp}/{name}"],
                deadline,
            )  # fmt: skip
            return {int(f.stem.rsplit("-", 1)[1]): f for f in Path(tmp).glob(f"{name}-*.p?m")}

        def in_colour(n: int, resolution: float) -> dict[str, bytes]:
            drawings = {}
            kinds = ["as is", "flat", "flat again", "bare"] if n in copies.pictured else ["as is"]
            for kind in kinds:
                (again,) = draw(kind, n + 1, n + 1, resolution, colour=True).values()
                drawings[kind] = again.read_bytes()
                again.unlink()
            return drawings

        for batch, resolution in _batches(pages):
            if stop is not None and stop.is_set():
                raise Stopped
            drawn = {"as is": draw("as is", batch[0] + 1, batch[-1] + 1, resolution, False)}
            pictured = [n for n in batch if n in copies.pictured]
            if pictured:  # (pages that draw no picture look the same with pictures drawn flat)
                drawn["flat"] = draw("flat", pictured[0] + 1, pictured[-1] + 1, resolution, False)
            try:
                for n in batch:
                    drawings = _drawings_of(n, drawn, n in copies.pictured)
                    texts, hidden = _judged(pages[n], drawings, resolution, n in scans)
                    if not _words(texts, hidden, n in scans):
                        continue
                    # drawn in grey, text may match its background in shade but not in hue
                    # (green on blue): such a page is drawn again in colour, to be sure; and
                    # with its pictures in another flat colour (text may be in the first one),
                    # and with none (words that show nothing then are drawn invisibly)
                    drawings = in_colour(n, resolution)
                    texts, hidden = _judged(pages[n], drawings, resolution, n in scans)
                    words = _words(texts, hidden, n in scans)
                    if words:
                        return n + 1, words
            finally:
                for files in drawn.values():
                    for f in files.values():
                        f.unlink(missing_ok=True)
    return None


def _drawings_of(n: int, drawn: dict[str, dict[int, Path]], pictured: bool) -> dict[str, bytes]:
    """Page `n`'s drawings (`hidden_words`): as it is, and with its pictures drawn flat."""
    drawings = {}
    for kind in ["as is", "flat"] if pictured else ["as is"]:
        image = drawn[kind].get(n + 1)
        if image is None:
            raise Unreadable
        drawings[kind] = image.read_bytes()
    return drawings


def _judged(
    page: bytes, drawings: dict[str, bytes], resolution: float, scan: bool
) -> tuple[list[str], Any]:
    """The words of a page, and which of them it does not show, from its drawings: as it is,
    and (for a page that draws pictures) with its pictures drawn flat, in one colour or two,
    and with none (`_Copies`). Words are judged as a scanner's on a scan's page (`SCAN_SLACK`).

    A word is hidden if the page as it is does not show it (under a box, white on white); or if
    the pictures drawn flat cover it, in both colours, and it shows with no picture drawn (a
    word that shows nothing then either is drawn invisibly: a scanner's, over the picture of
    it). Drawn in grey and with the pictures in one colour only (no "bare"), a word that may be
    hidden, to be looked at again."""
    texts, hidden = _hidden_mask(page, drawings["as is"], resolution, scan)
    if "flat" not in drawings:
        return texts, hidden
    covered = _hidden_mask(page, drawings["flat"], resolution, scan)[1]
    if "flat again" in drawings:
        covered &= _hidden_mask(page, drawings["flat again"], resolution, scan)[1]
    if "bare" in drawings:
        covered &= ~_hidden_mask(page, drawings["bare"], resolution, False)[1]
    return texts, hidden | covered


class Stopped(Exception):
    """The build this check was for failed meanwhile."""


_SIZE = re.compile(rb'^width="([\d.]+)" height="([\d.]+)"')


def _batches(pages: list[bytes]) -> list[tuple[list[int], float]]:
    """The pages with words (indexes), in runs drawn by one pdftoppm each, with the resolution
    they are drawn at: `RESOLUTION`, `BATCH` pages or `BATCH_BYTES` of drawings a run; a page
    too large to draw at it (`MAX_DOTS`) is drawn alone, at less."""
    batches: list[tuple[list[int], float]] = []
    size = 0.0
    for n, page in enumerate(pages):
        if b"<word" not in page:
            continue
        found = _SIZE.match(page)
        if found is None:
            raise Unreadable
        dots = float(found[1]) * float(found[2]) * (RESOLUTION / 72) ** 2
        if dots > MAX_DOTS:
            batches.append(([n], 72 * (MAX_DOTS / (float(found[1]) * float(found[2]))) ** 0.5))
            size = 0.0
            continue
        last = batches[-1] if batches else None
        if (
            last is None
            or last[1] != RESOLUTION
            or len(last[0]) >= BATCH
            or size + 3 * dots > BATCH_BYTES
        ):
            batches.append(([n], RESOLUTION))
            size = 0.0
        else:
            last[0].append(n)
        size += 3 * dots
    return batches


class _Copies:
    """The copies of a PDF its pages are drawn from, made in `tmp` when first asked for
    (`path`): "as is" (the PDF itself); if it has pictures (`pictured`), "flat" and "flat
    again", every picture drawn in one flat colour (`FLAT_PICTURE`, `FLAT_AGAIN`), its own
    mask kept; and "bare", no picture drawn at all and the page a colour of its own
    (`BACKGROUND`: white words show on it, a scanner's invisible words do not). And its
    scanned pages (`scans`).

    A word under a photograph shows the photograph's ink, not its own: drawn flat, the picture
    hides it as a box would (`_judged`). Drawn as they are in "flat": pictures whose
    transparency is a colour key or inside a JPEG 2000, pictures written inside a page's
    drawing (inline), stencils (already one colour), and pictures that are another's mask.

    Raises:
        Unreadable: the PDF cannot be read to make the copies (judged strictly: a paper whose
            pictures cannot be drawn flat is not passed as if it had none).
    """

    def __init__(self, pdf: Path, tmp: Path) -> None:
        self.pdf, self.tmp = pdf, tmp
        self.scans: set[int] = set()
        self.kept: set[tuple[int, int]] = set()  # scans' pictures: drawn as they are in "flat"
        self.pictured: set[int] = set()  # pages that draw pictures
        self._made: dict[str, Path] = {"as is": pdf}
        if not _may_have_pictures(pdf):
            return
        import pikepdf

        try:
            with pikepdf.open(pdf) as opened:
                self.scans, self.kept = _scans(opened)
                if _pictures_of(opened):
                    self.pictured = _pictured_pages(opened)
        except Exception as exc:  # noqa: BLE001 - any PDF pikepdf cannot read
            raise Unreadable from exc

    def path(self, kind: str) -> Path:
        made = self._made.get(kind)
        if made is None:
            made = self._made[kind] = self.tmp / f"{kind.replace(' ', '-')}.pdf"
            try:
                _copy(self.pdf, made, kind, self.kept)
            except Exception as exc:  # noqa: BLE001 - judged strictly
                raise Unreadable from exc
        return made


FLAT_PICTURE = bytes((51, 153, 102))  # colours text is hardly ever set in, both: text drawn over a
FLAT_AGAIN = bytes((153, 51, 153))  # picture still shows against one of them
BACKGROUND = (0.8, 0.4, 0.1)  # of the page in "bare": white, black and grey words show on it


def _may_have_pictures(pdf: Path) -> bool:
    """Whether the PDF may hold a picture: an image is a stream, never inside an object
    stream, so its /Subtype is in the file as written; a name written with an escape (/Im#61ge)
    may hide one, so a file with such a name is read."""
    with open(pdf, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"/Image") >= 0 or _ESCAPED_NAME.search(data) is not None  # type: ignore[call-overload]


_ESCAPED_NAME = re.compile(rb"/[A-Za-z]*#[0-9A-Fa-f]{2}")


def _scans(opened: pikepdf.Pdf) -> tuple[set[int], set[tuple[int, int]]]:
    """The scanned pages of `opened` (indexes), and their scans' pictures: a picture of scanner
    size (`SCAN_PIXELS` each way) drawn over most of the page (`SCAN_COVERS`). The invisible
    words of such a page are a scanner's OCR, laid over the picture, and judged with
    `SCAN_SLACK`; and the picture is drawn as it is in "flat" (`_Copies`): a scanner may lay
    its words visibly under it. A photograph of a scan's size drawn small is not one."""
    scans: set[int] = set()
    pictures: set[tuple[int, int]] = set()
    for n, page in enumerate(opened.pages):
        if not any(_scanner_size(i) for i in page_pictures(page.obj)):
            continue
        try:
            box = page.cropbox
            x0, y0, x1, y1 = (float(v) for v in box)
        except Exception:  # noqa: BLE001 - a box poppler ignores: no scan, judged strictly
            continue
        area = abs((x1 - x0) * (y1 - y0))
        for picture, drawn in _placed(page.obj):
            if area > 0 and drawn >= SCAN_COVERS * area:
                scans.add(n)
                pictures.add(picture)
    return scans, pictures


SCAN_COVERS = 0.8  # of the page's area, at least, that a scan's picture is drawn over


def _scanner_size(image: pikepdf.Object) -> bool:
    try:
        return min(int(image.get("/Width", 0)), int(image.get("/Height", 0))) >= SCAN_PIXELS
    except (TypeError, ValueError):
        return False


def _placed(
    holder: pikepdf.Object, ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0), depth: int = 0
) -> list[tuple[tuple[int, int], float]]:
    """The pictures of scanner size a page (or a form on it, one level down) draws, and the area
    each is drawn over (of the box round it, in the page's space)."""
    import pikepdf  # noqa: F811

    resources = holder.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return []
    found: list[tuple[tuple[int, int], float]] = []
    stack: list[tuple[float, ...]] = []
    for instruction in pikepdf.parse_content_stream(holder, "q Q cm Do"):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm" and len(operands) == 6:
            ctm = _times(tuple(float(v) for v in operands), ctm)
        elif op == "Do" and operands:
            x = xobjects.get(str(operands[0]))
            if not isinstance(x, pikepdf.Stream):
                continue
            if x.get("/Subtype") == "/Image" and _scanner_size(x):
                corners = [_apply(ctm, cx, cy) for cx, cy in ((0, 0), (1, 0), (0, 1), (1, 1))]
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                found.append((x.objgen, (max(xs) - min(xs)) * (max(ys) - min(ys))))
            elif x.get("/Subtype") == "/Form" and depth == 0:
                matrix = x.get("/Matrix")
                inner = ctm
                if isinstance(matrix, pikepdf.Array) and len(matrix) == 6:
                    inner = _times(tuple(float(v) for v in matrix), ctm)
                found += _placed(x, inner, depth + 1)
    return found


def _times(m: tuple[float, ...], ctm: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix `m` then `ctm` (PDF's order: a `cm` is `m`, the matrix so far `ctm`)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = ctm
    return (
        a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
        e * a2 + f * c2 + e2, e * b2 + f * d2 + f2,
    )  # fmt: skip


def _apply(ctm: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = ctm
    return (a * x + c * y + e, b * x + d * y + f)


def _pictured_pages(opened: pikepdf.Pdf) -> set[int]:
    """The pages (indexes) that may draw a picture: one their resources name, or those of the
    forms, patterns, annotations' looks and glyphs they name (`DEPTH` levels down)."""
    return {n for n, page in enumerate(opened.pages) if _names_pictures(page.obj, DEPTH)}


DEPTH = 6  # levels of forms in forms looked into (a picture deeper is looked for everywhere)


def _names_pictures(holder: pikepdf.Object, depth: int) -> bool:
    import pikepdf  # noqa: F811

    if depth < 0:
        return True  # (judged strictly)
    inner = _looks(holder)
    resources = holder.get("/Resources")
    if isinstance(resources, pikepdf.Dictionary):
        for key in ("/XObject", "/Pattern", "/Font"):
            named = resources.get(key)
            for x in named.values() if isinstance(named, pikepdf.Dictionary) else []:
                if not isinstance(x, (pikepdf.Dictionary, pikepdf.Stream)):
                    continue
                if x.get("/Subtype") == "/Image":
                    return True
                if key != "/Font" or x.get("/Subtype") == "/Type3":  # (its glyphs' resources)
                    inner.append(x)
    return any(_names_pictures(x, depth - 1) for x in inner)


def _looks(page: pikepdf.Object) -> list[pikepdf.Object]:
    """The looks of a page's annotations (each a form), in every state."""
    import pikepdf  # noqa: F811

    found: list[pikepdf.Object] = []
    annots = page.get("/Annots")
    for annot in annots if isinstance(annots, pikepdf.Array) else []:
        looks = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
        for look in looks.values() if isinstance(looks, pikepdf.Dictionary) else []:
            if isinstance(look, pikepdf.Stream):
                found.append(look)
            elif isinstance(look, pikepdf.Dictionary):  # by state
                found += [s for s in look.values() if isinstance(s, pikepdf.Stream)]
    return found


def _pictures_of(opened: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every image of `opened`, but stencils."""
    import pikepdf  # noqa: F811

    return [
        obj for obj in opened.objects
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        and obj.get("/ImageMask") is not True
    ]  # fmt: skip


def _copy(pdf: Path, to: Path, kind: str, kept: set[tuple[int, int]]) -> None:
    """Write the copy `kind` of `pdf` at `to` (`_Copies`)."""
    import pikepdf

    with pikepdf.open(pdf) as opened:
        pictures = _pictures_of(opened)
        if kind == "bare":
            nothing = opened.make_stream(
                b"\0", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1, Height=1,
                ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
            )  # fmt: skip
            for picture in pictures:
                _one_dot(picture, FLAT_PICTURE)
                for key in ("/Mask", "/SMaskInData"):
                    if key in picture:
                        del picture[key]
                picture.SMask = nothing
            paint = b"q %g %g %g rg " % BACKGROUND
            for page in opened.pages:
                box = page.mediabox
                page.contents_add(
                    opened.make_stream(paint + b"%s re f Q\n" % _rect(box)), prepend=True
                )
        else:
            masks = set(kept)  # (and scans' pictures)
            for picture in pictures:
                for key in ("/SMask", "/Mask"):
                    mask = picture.get(key)
                    if isinstance(mask, pikepdf.Stream):
                        masks.add(mask.objgen)
            for picture in pictures:
                if picture.objgen not in masks and _flattened(picture):
                    _one_dot(picture, FLAT_PICTURE if kind == "flat" else FLAT_AGAIN)
        opened.save(to, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def _one_dot(picture: pikepdf.Object, colour: bytes) -> None:
    """Make `picture` one dot of `colour` (RGB), drawn where it was."""
    import pikepdf  # noqa: F811

    picture.write(colour)
    for key in ("/Decode", "/DecodeParms", "/Filter", "/Interpolate", "/Alternates"):
        if key in picture:
            del picture[key]
    picture.Width, picture.Height, picture.BitsPerComponent = 1, 1, 8
    picture.ColorSpace = pikepdf.Name.DeviceRGB


def _rect(box: Any) -> bytes:
    x0, y0, x1, y1 = (float(v) for v in box)
    return b"%g %g %g %g" % (min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


def _flattened(picture: pikepdf.Object) -> bool:
    """Whether the picture is drawn flat in "flat" (`_Copies`)."""
    import pikepdf  # noqa: F811

    if picture.get("/ImageMask") is True:
        return False
    if isinstance(picture.get("/Mask"), pikepdf.Array):  # a colour key: its shape would be lost
        return False
    filters = picture.get("/Filter")
    names = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
    return "/JPXDecode" not in names


def page_pictures(page: pikepdf.Object) -> list[pikepdf.Object]:
    """The images a page names, and those of the forms it names (one level down)."""
    import pikepdf  # noqa: F811

    found: list[pikepdf.Object] = []
    resources = page.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return found
    for x in xobjects.values():
        if not isinstance(x, pikepdf.Stream):
            continue
        if x.get("/Subtype") == "/Image":
            found.append(x)
        elif x.get("/Subtype") == "/Form":
            inner = x.get("/Resources")
            more = inner.get("/XObject") if isinstance(inner, pikepdf.Dictionary) else None
            if isinstance(more, pikepdf.Dictionary):
                found += [
                    y for y in more.values()
                    if isinstance(y, pikepdf.Stream) and y.get("/Subtype") == "/Image"
                ]  # fmt: skip
    return found


def page_shaped(image: pikepdf.Object, aspect: float) -> bool:
    try:
        w, h = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    except (TypeError, ValueError):
        return False
    if min(w, h) < SCAN_PIXELS:
        return False
    return any(abs(a / aspect - 1) < 0.1 for a in (w / h, h / w))


# each character's advance, in ems, as Helvetica's (near enough for where a character of a word
# lies, to judge a word two characters at a time): narrow, half-narrow, wide, capital, other
_NARROW = "ijlI.,:;'!|`"
_HALF = 'frt()[]{}-/\\"*'
_WIDE = "mwMW@%"


def _advances(codes: Any) -> Any:
    import numpy as np

    table = np.full(128, 0.55)
    for c in _NARROW:
        table[ord(c)] = 0.25
    for c in _HALF:
        table[ord(c)] = 0.35
    for c in _WIDE:
        table[ord(c)] = 0.85
    for c in "ABCDEFGHJKLNOPQRSTUVXYZ":
        table[ord(c)] = 0.67
    return np.where(codes < 128, table[np.minimum(codes, 127)], 0.6)


def _alphanumeric(codes: Any) -> Any:
    """Whether each code point is a letter or digit (ASCII exactly; beyond it, all but the
    common punctuation and symbol blocks)."""
    import numpy as np

    table = np.array([chr(c).isalnum() for c in range(128)])
    ascii_ = table[np.minimum(codes, 127)]
    symbol = (
        ((codes >= 0x80) & (codes < 0xC0)) | (codes == 0xD7) | (codes == 0xF7)
        | ((codes >= 0x2000) & (codes < 0x2BFF)) | ((codes >= 0x3000) & (codes < 0x3040))
        | ((codes >= 0xE000) & (codes < 0xF900)) | (codes >= 0xFE00) & (codes < 0xFE70)
        | ((codes >= 0xFF00) & (codes < 0xFF10))
    )  # fmt: skip
    return np.where(codes < 128, ascii_, ~symbol)


def _hidden_mask(page: bytes, image: bytes, resolution: float, scan: bool) -> tuple[list[str], Any]:
    """The words of a page (pdftotext's -bbox lines), and which of them its drawing (`image`, a
    PGM or PPM at `resolution`) does not show."""
    import numpy as np

    header = _PNM.match(image)
    if header is None:
        raise Unreadable
    colours = 3 if header[1] == b"6" else 1
    width, height = int(header[2]), int(header[3])
    if width < 2 or height < 2 or len(image) - header.end() < width * height * colours:
        raise Unreadable
    dots = np.frombuffer(image, np.uint8, width * height * colours, header.end())
    dots = dots.reshape(height, width, colours).astype(np.int16)
    boxes_found = _BOX.findall(page)
    texts = [html.unescape(t.decode("utf-8", "replace")) for t in _TEXT.findall(page)]
    if len(texts) != len(boxes_found):
        raise Unreadable
    try:
        boxes = np.array([[float(v) for v in b] for b in boxes_found]).reshape(-1, 4)
    except ValueError:
        raise Unreadable from None
    # a dot differing from its right or lower neighbour in any colour: ink against its
    # background; summed (a table of sums from the top left), any rectangle's count is four
    # look-ups
    across_ = np.abs(np.diff(dots, axis=1))[:-1, :] > FLAT
    down_ = np.abs(np.diff(dots, axis=0))[:, :-1] > FLAT
    edges = across_[..., 0] | down_[..., 0]
    for c in range(1, colours):
        edges |= across_[..., c] | down_[..., c]
    sums = np.zeros((height, width), np.int32)
    sums[1:, 1:] = edges.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
    scale = resolution / 72  # pdftotext's points to the drawing's dots (both poppler's)

    def flat(x0: Any, y0: Any, x1: Any, y1: Any, slack: float = 0) -> Any:
        """Whether each rectangle (points) is one flat colour (False if too small to judge)."""
        left = np.clip(np.floor(x0 * scale - slack), 0, width - 1).astype(np.int64)
        right = np.clip(np.ceil(x1 * scale + slack) - 1, 0, width - 1).astype(np.int64)
        top = np.clip(np.floor(y0 * scale - slack), 0, height - 1).astype(np.int64)
        bottom = np.clip(np.ceil(y1 * scale + slack) - 1, 0, height - 1).astype(np.int64)
        ink = sums[bottom, right] - sums[top, right] - sums[bottom, left] + sums[top, left]
        return (right > left) & (bottom > top) & (ink == 0)

    x0, y0, x1, y1 = boxes.T
    across = np.minimum(x1 - x0, y1 - y0)
    inset = across * INSET
    if scan:  # a scanner's words lie near, not on, the picture of them
        hidden = flat(x0, y0, x1, y1, SCAN_SLACK)
    else:
        hidden = flat(x0 + inset, y0 + inset, x1 - inset, y1 - inset) | _pairs_hidden(
            texts, boxes, flat, scale
        )
    hidden |= across < MIN_SIZE
    return texts, hidden


def _words(texts: list[str], hidden: Any, scan: bool) -> list[str]:
    """The words `hidden` marks, if they hide anything (`_hidden_mask`)."""
    import numpy as np

    if not hidden.any():
        return []
    words = [texts[i] for i in np.flatnonzero(hidden)]
    if scan:  # what a scanner reads in a page's dark edge: strokes, not words
        words = [w for w in words if w.strip(_STROKES)]
    # a page hides text if it hides a word of two letters or digits (a lone letter or mark is
    # too often a bullet's or a rule's); the refusal then quotes all it hides ("John Q Witness")
    return words if any(sum(c.isalnum() for c in w) >= 2 for w in words) else []


_STROKES = "Il1i|!jtf.,:;'-_—"


def _pairs_hidden(texts: list[str], boxes: Any, flat: Callable[..., Any], scale: float) -> Any:
    """For each word, whether two of its letters or digits side by side are one flat colour
    (across the middle of the line, `BAND`): a name under a box with its visible "'s", comma or
    bracket, or under a box fitted to its letters. Judged only for a word that runs clearly
    along or across the page (`CLEAR`); where each character lies is estimated from its kind."""
    import numpy as np

    hidden = np.zeros(len(texts), bool)
    if not texts:
        return hidden
    joined = "\0".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), np.uint32).astype(np.int64)
    word = np.cumsum(codes == 0)  # each character's word
    keep = codes != 0
    codes, word = codes[keep], word[keep]
    advance = _advances(codes)
    ends = np.cumsum(advance)
    starts_of_word = np.zeros(len(texts))
    totals = np.zeros(len(texts))
    np.add.at(totals, word, advance)
    first_end = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    starts_of_word = first_end[word]
    end = (ends - starts_of_word) / totals[word]  # where each character ends, from 0 to 1
    begin = end - advance / totals[word]
    letter = _alphanumeric(codes)
    pair = letter[:-1] & letter[1:] & (word[:-1] == word[1:])
    i = np.flatnonzero(pair)
    if not len(i):
        return hidden
    w = word[i]
    x0, y0, x1, y1 = boxes[w].T
    long_, tall = x1 - x0, y1 - y0
    lengths = np.bincount(word, minlength=len(texts))
    along = long_ >= CLEAR * tall
    down = tall >= CLEAR * long_
    f0, f1 = begin[i], end[i + 1]
    # along the line: the pair's stretch of it, across the middle of the line
    a_x0 = np.where(along, x0 + f0 * long_, x0 + BAND[0] * long_)
    a_x1 = np.where(along, x0 + f1 * long_, x0 + BAND[1] * long_)
    a_y0 = np.where(along, y0 + BAND[0] * tall, y0 + f0 * tall)
    a_y1 = np.where(along, y0 + BAND[1] * tall, y0 + f1 * tall)
    # judged where the middle of the line is wide enough to hold ink at this resolution (a
    # small word's thin strokes, drawn as faint dots, would pass for flat)
    band = np.where(along, tall, long_) * (BAND[1] - BAND[0]) * scale
    judged = (along | down) & (band >= MIN_BAND_DOTS) & (lengths[w] >= MIN_PAIRED)
    found = judged & flat(a_x0, a_y0, a_x1, a_y1)
    hidden[w[found]] = True
    return hidden


def _run(command: list[str], deadline: float) -> bytes:
    """What `command` (pdftotext or pdftoppm) writes, bounded (`textmatch.run_poppler`) until
    `deadline`."""
    from packbuilder import textmatch as t

    most = t.TEXT_MAX_BYTES if command[0] == "pdftotext" else MAX_IMAGE_BYTES
    try:
        return t.run_poppler(command, deadline - time.monotonic(), most)
    except t.TextToolMissing as exc:
        raise ToolMissing(str(exc)) from None
    except (t.TextTooLong, t.TextTimeout, t.TextToolFailed):
        raise Unreadable from None


def _code() -> str:
    """This module's code and the poppler it runs (asked each time: a long-running web page sees
    poppler upgraded): what an earlier one found is found again."""
    from packbuilder.textmatch import tool

    return hashlib.sha256(f"{_module()}|{tool()}|{tool('pdftoppm')}".encode()).hexdigest()


@functools.cache
def _module() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
