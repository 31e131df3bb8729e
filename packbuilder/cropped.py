"""Text hidden by cropping: a paper whose page hides text outside the part that shows is refused.

A page shows only its crop box (``/CropBox``, within its ``/MediaBox``): a viewer's crop tool sets
it, and an officer may "cut" a column of names or prices off a page that way. The page still
draws what lies outside, so the file (and a pack made of it) still holds that text, for anyone to
select, copy or search, and for every reader that ignores the crop box. As with layers switched
off (`layers`), a pack cannot take it out faithfully, so such a paper is refused, naming the page
and the first hidden words, with what to do: printing it to a new PDF keeps only what shows (the
check says so again if a printer kept the rest).

Only pages cropped inside their media box are read again, so most papers cost nothing: they are
copied by qpdf into a PDF of their own (with the paper's form, whose fields' values a reader
draws), unturned (no ``/Rotate``) and uncropped, which pdftotext reads, `BATCH` pages at a
time, in processes of their own, bounded in time (one limit for the whole paper). pdftotext
then numbers the pages as qpdf does (a crafted page tree read differently by the two cannot pair
a cropped page with another's text), and gives each word's box on the page as drawn. A word
mostly outside what shows, or one whose end the crop cuts off (the last digits of an account
number), is hidden; a word's box reaches past its ink (side bearings, a font's ascent and
descent, an OCR layer's lines), so a little of it may lie outside. A page cropped to trim white
margins, even to the ink, or whose crop keeps all its text, is fine.

Not looked for here: text drawn off a page that is not cropped, images and drawings outside the
crop, text hidden in other ways (under a box, drawn invisibly, in a hidden annotation), and text
that pdftotext does not read but other readers do (a crafted page can hide text from pdftotext).
"""

from __future__ import annotations

import html
import re
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from packbuilder.errors import InputError, Source
from packbuilder.scratch import scratch_prefix

MARGIN = 0.01  # points: a crop box within this of the media box crops nothing (rounding)
ALONG = 2.0  # points of a word's length beyond what shows that hide part of it (a third of a
# digit at 12 pt; a word's box reaches about a point past its ink, and a crop may be to the ink)
ACROSS = 0.4  # of a word's height (or length) beyond what shows that hide it
BATCH = 100  # cropped pages read by one pdftotext (its output, boxes and all, is bounded)
_SHOWN_CHARS = 60  # of the hidden text, in the refusal
_WORD = re.compile(
    r'<word xMin="([-\d.eE+]+)" yMin="([-\d.eE+]+)" xMax="([-\d.eE+]+)" yMax="([-\d.eE+]+)">'
    r"(.*?)</word>",
    re.S,
)


@dataclass(frozen=True)
class Cropped:
    """A page that shows less than its media box."""

    number: int  # from 1
    media: tuple[float, float, float, float]  # left, bottom, right, top
    shows: tuple[float, float, float, float]  # the crop box within the media box


def cropped(page: pikepdf.Page, number: int) -> Cropped | None:
    """`page` (the `number`-th) if its crop box hides part of its media box, else None. (The
    page is one of a file opened as qpdf does by default: a crop box the page tree gives is on
    the page itself.)"""
    if "/CropBox" not in page.obj:
        return None
    media = box(page.mediabox)
    crop = box(page.cropbox)
    if media is None or crop is None:
        return None
    # what shows: the crop box within the media box (as viewers show it)
    shows = within(crop, media)
    if all(abs(a - b) <= MARGIN for a, b in zip(shows, media, strict=True)):
        return None
    return Cropped(number, media, shows)


Box = tuple[float, float, float, float]


def box(value: object) -> Box | None:
    """A rectangle as (left, bottom, right, top), or None if it is not four numbers."""
    try:
        x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def within(crop: Box, media: Box) -> Box:
    """What a page shows of its crop box: the crop box cut to the media box, as viewers do."""
    return (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]),
            min(media[3], crop[3]))  # fmt: skip


def hidden_text(pdf: Pdf, pages: list[Cropped], source: Source) -> None:
    """Refuse the paper `pdf` (named by `source`) if one of its `pages` hides text outside what
    it shows (see the module's docstring).

    Raises:
        InputError: a page hides text (naming it and the first hidden words), its crop box
            shows nothing of it, or the cropped pages cannot be read (pdftotext missing or
            failing).
    """
    from packbuilder.textmatch import (
        TEXT_TIMEOUT,
        TextTimeout,
        TextToolFailed,
        TextToolMissing,
        TextTooLong,
        run_pdftotext,
    )

    for page in pages:
        x0, y0, x1, y1 = page.shows
        if x1 - x0 <= MARGIN or y1 - y0 <= MARGIN:
            raise InputError(
                "this page is damaged (its crop box lies outside the page, so viewers show all "
                "of it or nothing); re-save it from its source, or print it to PDF again",
                Source(source.file, page=page.number),
            )
    first = Source(source.file, page=pages[0].number)
    read: list[str] = []
    deadline = time.monotonic() + TEXT_TIMEOUT
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("crop")) as tmp:
        copy = Path(tmp) / "cropped.pdf"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (pikepdf's about form fields it copies)
                _uncropped(pdf, pages).save(
                    copy, object_stream_mode=pikepdf.ObjectStreamMode.generate
                )
            for start in range(1, len(pages) + 1, BATCH):
                last = min(start + BATCH - 1, len(pages))
                found = run_pdftotext(
                    copy,
                    ["-bbox", "-f", str(start), "-l", str(last)],
                    timeout=deadline - time.monotonic(),
                )
                read += found.split("<page ")[1:]
        except TextToolMissing as exc:
            raise InputError(
                f"this page is cropped, and {exc}, which finds text the cropping hides; run "
                "`make setup` (or apt-get install poppler-utils)",
                first,
            ) from None
        except (TextTooLong, TextTimeout, TextToolFailed, pikepdf.PdfError, OSError):
            raise InputError(
                "this page is cropped, and the text it hides could not be checked; re-save it "
                "from its source, or print it to PDF again",
                first,
            ) from None
    for page, words in zip(pages, read, strict=False):
        hidden = _hidden_words(words, page)
        if hidden:
            shown = shown_words(hidden)
            raise InputError(
                f"this page is cropped to hide text ('{shown}'): what it hides would be in the "
                "pack for anyone to copy; print it to a new PDF, which holds only what shows, "
                "and put that in the folder instead (or ask its author for a copy without it)",
                Source(source.file, page=page.number),
            )


def shown_words(words: list[str]) -> str:
    """The first of the `words` a page hides, as a refusal quotes them (`_SHOWN_CHARS`)."""
    shown = " ".join(words)
    if len(shown) > _SHOWN_CHARS:
        shown = shown[: _SHOWN_CHARS - 1].rstrip() + "…"
    return shown


def _uncropped(pdf: Pdf, pages: list[Cropped]) -> Pdf:
    """A PDF of `pages` of `pdf`, copied by qpdf, each on its whole media box, unturned; with
    the paper's form (its fields on those pages, its default resources and appearance), so
    that a reader draws a field's value as a viewer of the paper would."""
    copy = Pdf.new()
    for page in pages:
        copy.pages.append(pdf.pages[page.number - 1])
        obj = copy.pages[-1].obj
        obj.MediaBox = Array(list(page.media))
        for key in ("/CropBox", "/Rotate", "/UserUnit"):
            if key in obj:
                del obj[key]
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, Dictionary):
        copied = Dictionary(Fields=Array(_fields(copy)))
        for key in ("/DR", "/DA", "/NeedAppearances", "/Q"):
            if key in form:
                copied[key] = _foreign(copy, form[key])
        copy.Root.AcroForm = copy.make_indirect(copied)
    return copy


def _foreign(copy: Pdf, value: object, depth: int = 0) -> object:
    """`value`, of another PDF, as `copy` can hold it: what it refers to copied into `copy`."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return copy.copy_foreign(value)
    if depth > 32:  # (a direct object nested this deep: left out)
        return None
    if isinstance(value, Dictionary):
        return Dictionary({k: _foreign(copy, v, depth + 1) for k, v in value.items()})
    if isinstance(value, Array):
        return Array([_foreign(copy, v, depth + 1) for v in value])
    return value


def _fields(copy: Pdf) -> list[pikepdf.Object]:
    """The form fields of the widgets on `copy`'s pages: each widget's topmost field."""
    fields: dict[tuple[int, int], pikepdf.Object] = {}
    for page in copy.pages:
        annots = page.obj.get("/Annots")
        for annot in annots if isinstance(annots, Array) else ():
            if not isinstance(annot, Dictionary) or annot.get("/Subtype") != Name.Widget:
                continue
            field: pikepdf.Object = annot
            for _ in range(32):  # (a loop of parents ends here)
                parent = field.get("/Parent")
                if not isinstance(parent, Dictionary):
                    break
                field = parent
            if field.is_indirect:
                fields.setdefault(field.objgen, field)
    return list(fields.values())


def _hidden_words(found: str, page: Cropped) -> list[str]:
    """The words of pdftotext's ``-bbox`` page (its coordinates: from the media box's top left)
    that lie mostly outside what `page` shows, or whose end it cuts off."""
    left, top = page.shows[0] - page.media[0], page.media[3] - page.shows[3]
    right, bottom = page.shows[2] - page.media[0], page.media[3] - page.shows[1]
    hidden = []
    for m in _WORD.finditer(found):
        try:
            x0, y0, x1, y1 = (float(m[i]) for i in range(1, 5))
        except ValueError:
            continue
        word = " ".join(html.unescape(m[5]).split())
        if not word:
            continue
        width, height = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
        out_x = max(0.0, left - x0) + max(0.0, x1 - right)
        out_y = max(0.0, top - y0) + max(0.0, y1 - bottom)
        mostly = out_x > ACROSS * width or out_y > ACROSS * height
        # its end cut off hides letters: a word runs across the page, unless it is written
        # down it (several letters in a box much taller than wide)
        along = out_y if len(word) > 2 and height > 2 * width else out_x
        if mostly or (len(word) > 1 and along > ALONG):
            hidden.append(word)
    return hidden
