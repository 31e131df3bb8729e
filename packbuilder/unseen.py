"""Text a page holds but does not show: a public paper with such text is refused.

An officer "redacts" a name or a price by drawing a black box over it, highlighting it in black,
colouring it white or shrinking it to a dot. The page shows nothing of it, but the file (and a pack
made of it) still holds the text, for anyone to select, copy or search: the classic failed
redaction. A Word paper does the same once converted (LibreOffice draws black highlighting over
its text). As with text cropped away (`cropped`) or layers switched off (`layers`), a pack cannot
take it out faithfully, so a paper of a public pack that holds such text is refused, naming the
page and the first hidden words, with what to do.

How: each page is drawn (poppler's pdftoppm, in grey, `RESOLUTION` dots to the inch) and its
words' boxes read (pdftotext -bbox: the same reader, which numbers and places pages alike); a
word whose box, away from its edges (`INSET`), is one flat shade on the drawn page (no two
neighbouring dots differ by more than `FLAT`) shows nothing: it is under a box, a picture or a
mark of one colour, coloured like what is behind it, or drawn invisibly. A word under `MIN_SIZE`
points across is hidden too (too small to read). Visible text always has ink against its
background; text laid invisibly over a scanned page (a scanner's OCR) lies over the picture of
the same words, which is not flat, so it passes. Only words of two letters or digits or more
count (a stray mark is not a word). Each paper is read in processes of its own, bounded in time,
memory and output, and a paper that passed is remembered by its content.

Not found: text under a picture that is not flat (a photograph pasted over a name shows the
photograph), text drawn off the page (neither pdftotext nor a viewer shows it; the exempt-text
comparison does not read it either), text pdftotext does not read, and words too small to judge
at this resolution (under about 4 points) that are not under `MIN_SIZE`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from packbuilder.errors import InputError, PackError, Source
from packbuilder.model import AgendaItem, Paper, PaperKind
from packbuilder.scratch import scratch_prefix

RESOLUTION = 36  # dots to the inch the pages are drawn at (a 10-point word is 5 dots high)
INSET = 0.2  # of a word box's height (its smaller side), left out at each edge: a box drawn
# over a word may be no larger than the word's box, and a word's box reaches past its ink
FLAT = 8  # of 255 shades: neighbouring dots differing by no more are one flat colour
MIN_SIZE = 1.5  # points: a word whose box is smaller across cannot be read
BATCH = 100  # pages drawn by one pdftoppm (then read, and their files removed)
TIMEOUT = 120  # seconds for one paper, all its runs together
MAX_IMAGE_BYTES = 64 << 20  # one drawn page (a 36-dpi A0 drawing is 2 MB)
_SHOWN_CHARS = 60  # of the hidden text, in the refusal
_BOX = re.compile(rb'<word xMin="([^"]*)" yMin="([^"]*)" xMax="([^"]*)" yMax="([^"]*)">')
_TEXT = re.compile(rb"<word [^>]*>(.*?)</word>", re.S)
_PGM = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s")


class Unreadable(Exception):
    """pdftotext or pdftoppm could not read the paper within bounds."""


class ToolMissing(Exception):
    """pdftotext or pdftoppm is not installed."""


def hidden_text_problems(
    items: Sequence[AgendaItem],
    pdf_of: Callable[[Paper], Path | None] | None = None,
    stop: threading.Event | None = None,
    elsewhere: bool = False,
) -> list[PackError]:
    """Every paper of a public pack (the papers of items that are not exempt) with a page that
    holds text it does not show, as an error naming the paper and the page.

    Args:
        pdf_of: the PDF each paper goes into the packs as (a build's converted Word papers);
            None for `check`, which converts nothing: only PDF papers are read.
        stop: set by a build that failed meanwhile: no more papers are read.
        elsewhere: read them first in a process of its own (`headstart`): a build's own
            interpreter is busy assembling, one thread at a time.
    """
    stop = stop or threading.Event()
    problems: list[PackError] = []
    papers: dict[Path, Paper] = {}  # each PDF read once, for the first paper it is
    for item in items:
        if item.exempt:
            continue
        for paper in item.papers:
            pdf = paper.file if paper.kind is PaperKind.PDF else None
            if pdf is None and pdf_of is not None:
                pdf = pdf_of(paper)
            if pdf is not None:
                papers.setdefault(pdf, paper)
    if elsewhere:
        from packbuilder.headstart import unseen_elsewhere

        # the reading, away from the build's interpreter (a rebuild's papers are all known)
        unseen_elsewhere([pdf for pdf in papers if not _known_to_show(pdf)], stop)
    for pdf, paper in papers.items():
        if stop.is_set():
            return problems
        try:
            _check(pdf, Source(paper.path))
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


def remember_shown(pdf: Path) -> None:
    """Read `pdf` as `hidden_text_problems` does, remembering it if every word shows (a head
    start for a build: `headstart.unseen_elsewhere`)."""
    _check(pdf, Source(pdf))


def _known_to_show(pdf: Path) -> bool:
    """Whether `pdf` was read before and every word showed (its content remembered)."""
    from packbuilder import pdf as pdfs

    try:
        with pdfs.pinned(pdf) as (key, _, _):
            return pdfs.remembered_by_key(key, "shows-its-text", _code()).is_file()
    except OSError:
        return False


def _check(pdf: Path, source: Source) -> None:
    """Refuse the paper `source` (whose pages are `pdf`) if a page hides text; remembered by
    the PDF's content when it does not."""
    from packbuilder import pdf as pdfs

    try:
        with pdfs.pinned(pdf) as (key, same, fh):
            entry = pdfs.remembered_by_key(key, "shows-its-text", _code())
            if entry.is_file():  # (`_known_to_show`)
                return
            # (a program of its own opens this process's handle by the process's number)
            handle = Path(str(same).replace("/proc/self/", f"/proc/{os.getpid()}/", 1))
            _refuse_hidden(handle, source)
            if pdfs.path_key(pdf, fh) == key:  # not written to while it was read
                with contextlib.suppress(OSError):
                    entry.parent.mkdir(parents=True, exist_ok=True)
                    entry.touch()
    except OSError:
        _refuse_hidden(pdf, source)  # (its other checks say what is wrong with it)


def _refuse_hidden(pdf: Path, source: Source) -> None:
    try:
        found = hidden_words(pdf)
    except Unreadable:
        raise InputError(
            "its pages could not be read to check for text they hide (under a box, or coloured "
            "like the page); save it again as PDF from its source, or print it to PDF again",
            source,
        ) from None
    if not found:
        return
    number, words = found
    shown = " ".join(words)
    if len(shown) > _SHOWN_CHARS:
        shown = shown[: _SHOWN_CHARS - 1].rstrip() + "…"
    raise InputError(
        f"this page holds text it does not show ('{shown}'): it is covered (by a box, or black "
        "highlighting), coloured like what is behind it, or too small to read, but the file "
        "still holds it, and the pack would, for anyone to copy; delete that text in the paper's "
        "source and make the PDF again (a box, highlighting or white text hides it on the page "
        "only), or redact it properly (in Acrobat: Redact, then Apply), and put that copy in "
        "the folder",
        Source(source.file, page=number),
    )


def hidden_words(pdf: Path) -> tuple[int, list[str]] | None:
    """The first page of `pdf` (from 1) that holds words it does not show, and those words; None
    if every word shows.

    Raises:
        ToolMissing: pdftotext or pdftoppm is not installed.
        Unreadable: they could not read the PDF within bounds.
    """
    deadline = time.monotonic() + TIMEOUT
    text = _run(["pdftotext", "-q", "-enc", "UTF-8", "-bbox", str(pdf), "-"], deadline)
    pages = text.split(b"<page ")[1:]
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("unseen")) as tmp:
        for start in range(0, len(pages), BATCH):
            wanted = [
                n for n in range(start, min(start + BATCH, len(pages))) if b"<word" in pages[n]
            ]
            if not wanted:
                continue
            first, last = wanted[0] + 1, wanted[-1] + 1
            _run(
                ["pdftoppm", "-q", "-gray", "-r", str(RESOLUTION), "-f", str(first), "-l",
                 str(last), str(pdf), f"{tmp}/p"],
                deadline,
            )  # fmt: skip
            drawn = {int(f.stem.rsplit("-", 1)[1]): f for f in Path(tmp).glob("p-*.pgm")}
            for n in wanted:
                image = drawn.get(n + 1)
                if image is None:
                    raise Unreadable
                hidden = _hidden_on(pages[n], image.read_bytes())
                if hidden:
                    return n + 1, hidden
            for f in drawn.values():
                f.unlink()
    return None


def _hidden_on(page: bytes, image: bytes) -> list[str]:
    """The words of a page (pdftotext's -bbox lines) that its drawing (`image`, a PGM) does not
    show."""
    import numpy as np

    header = _PGM.match(image)
    if header is None:
        raise Unreadable
    width, height = int(header[1]), int(header[2])
    if width < 2 or height < 2 or len(image) - header.end() < width * height:
        raise Unreadable
    dots = np.frombuffer(image, np.uint8, width * height, header.end()).reshape(height, width)
    dots = dots.astype(np.int16)
    try:
        boxes = np.array([[float(v) for v in b] for b in _BOX.findall(page)]).reshape(-1, 4)
    except ValueError:
        raise Unreadable from None
    # a dot differing from its right or lower neighbour: ink against its background; summed
    # (a table of sums from the top left), any rectangle's count is four look-ups
    edges = (np.abs(np.diff(dots, axis=1))[:-1, :] > FLAT) | (
        np.abs(np.diff(dots, axis=0))[:, :-1] > FLAT
    )
    sums = np.zeros((height, width), np.int32)
    sums[1:, 1:] = edges.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
    x0, y0, x1, y1 = boxes.T
    across = np.minimum(x1 - x0, y1 - y0)
    inset = across * INSET
    scale = RESOLUTION / 72  # pdftotext's points to the drawing's dots (both poppler's)
    left = np.clip(np.floor((x0 + inset) * scale), 0, width - 1).astype(np.int64)
    right = np.clip(np.ceil((x1 - inset) * scale) - 1, 0, width - 1).astype(np.int64)
    top = np.clip(np.floor((y0 + inset) * scale), 0, height - 1).astype(np.int64)
    bottom = np.clip(np.ceil((y1 - inset) * scale) - 1, 0, height - 1).astype(np.int64)
    ink = sums[bottom, right] - sums[top, right] - sums[bottom, left] + sums[top, left]
    judged = (right > left) & (bottom > top)
    hidden = (judged & (ink == 0)) | (across < MIN_SIZE)
    if not hidden.any():
        return []
    texts = _TEXT.findall(page)
    words = [html.unescape(texts[i].decode("utf-8", "replace")) for i in np.flatnonzero(hidden)]
    return [w for w in words if sum(c.isalnum() for c in w) >= 2]


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
