"""Text hidden by cropping: a paper whose page hides text outside the part that shows is refused.

A page shows only its crop box (``/CropBox``, within its ``/MediaBox``): a viewer's crop tool sets
it, and an officer may "cut" a column of names or prices off a page that way. The page still
draws what lies outside, so the file (and a pack made of it) still holds that text, for anyone to
select, copy or search, and for every reader that ignores the crop box. As with layers switched
off (`layers`), a pack cannot take it out faithfully, so such a paper is refused, naming the page
and the first hidden words, with what to do: printing it to a new PDF keeps only what shows (the
check says so again if a printer kept the rest).

Only pages cropped inside their media box are read again (with pdftotext, in a process of its
own: most papers have none, and cost nothing); text on them whose middle lies outside what shows
is hidden. A page cropped to trim white margins, or one whose crop keeps all its text, is fine.
(Text drawn off a page that is not cropped, images or drawings outside the crop, and text hidden
in other ways, under a box or drawn invisibly, are not looked for here.)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from packbuilder.errors import InputError, Source

MARGIN = 1.0  # points: a crop box within this of the media box crops nothing
_SHOWN_CHARS = 60  # of the hidden text, in the refusal
_WORD = re.compile(
    rb'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Cropped:
    """A page that shows less than its media box: what shows, in pdftotext's coordinates (from
    the top left of the page as displayed, in points)."""

    number: int  # from 1
    shows: tuple[float, float, float, float]  # x0, y0, x1, y1


def cropped(page: pikepdf.Page, number: int) -> Cropped | None:
    """`page` (the `number`-th) if its crop box hides part of its media box, else None. (The
    page is one of a file opened as qpdf does by default: a crop box the page tree gives is on
    the page itself.)"""
    if "/CropBox" not in page.obj:
        return None
    media = _box(page.mediabox)
    crop = _box(page.cropbox)
    if media is None or crop is None:
        return None
    # what shows: the crop box within the media box (as viewers show it)
    shows = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]),
             min(media[3], crop[3]))  # fmt: skip
    if all(abs(a - b) <= MARGIN for a, b in zip(shows, media, strict=True)):
        return None
    try:
        rotation = int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        rotation = 0
    corners = [_displayed(x, y, media, rotation) for x in (shows[0], shows[2])
               for y in (shows[1], shows[3])]  # fmt: skip
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return Cropped(number, (min(xs), min(ys), max(xs), max(ys)))


def _box(value: object) -> tuple[float, float, float, float] | None:
    """A rectangle as (left, bottom, right, top), or None if it is not four numbers."""
    try:
        x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _displayed(
    x: float, y: float, media: tuple[float, float, float, float], rotation: int
) -> tuple[float, float]:
    """A point of the page, in the coordinates pdftotext gives words in: from the top left of
    the media box as the page is displayed (turned by its /Rotate, clockwise)."""
    x0, y0, x1, y1 = media
    if rotation == 90:
        return y - y0, x - x0
    if rotation == 180:
        return x1 - x, y - y0
    if rotation == 270:
        return y1 - y, x1 - x
    return x - x0, y1 - y


def hidden_text(path: Path, pages: list[Cropped], source: Source) -> None:
    """Refuse the paper at `path` if a `pages` hides text outside what it shows.

    Raises:
        InputError: a page hides text (naming it and the first hidden words), or the cropped
            pages cannot be read (pdftotext missing or failing), naming `source`.
    """
    from packbuilder.textmatch import (
        TextTimeout,
        TextToolFailed,
        TextToolMissing,
        TextTooLong,
        run_pdftotext,
    )

    for page in pages:
        try:
            found = run_pdftotext(path, ["-bbox", "-f", str(page.number), "-l", str(page.number)])
        except TextToolMissing as exc:
            raise InputError(
                f"this page is cropped, and {exc}, which finds text the cropping hides; run "
                "`make setup` (or apt-get install poppler-utils)",
                Source(source.file, page=page.number),
            ) from None
        except (TextTooLong, TextTimeout, TextToolFailed, OSError):  # not within its bounds
            raise InputError(
                "this page is cropped, and the text it hides could not be checked; re-save it "
                "from its source, or print it to PDF again",
                Source(source.file, page=page.number),
            ) from None
        words = _hidden_words(found.encode("utf-8"), page.shows)
        if words:
            shown = " ".join(words)
            if len(shown) > _SHOWN_CHARS:
                shown = shown[: _SHOWN_CHARS - 1].rstrip() + "…"
            raise InputError(
                f"this page is cropped to hide text ('{shown}'): what it hides would be in the "
                "pack for anyone to copy; print it to a new PDF, which holds only what shows, "
                "and put that in the folder instead (or ask its author for a copy without it)",
                Source(source.file, page=page.number),
            )


def _hidden_words(bbox: bytes, shows: tuple[float, float, float, float]) -> list[str]:
    """The words of pdftotext's ``-bbox`` page whose middle lies outside `shows`."""
    x0, y0, x1, y1 = shows
    hidden = []
    for m in _WORD.finditer(bbox):
        try:
            left, top, right, bottom = (float(m[i]) for i in range(1, 5))
        except ValueError:
            continue
        mx, my = (left + right) / 2, (top + bottom) / 2
        if not (x0 - MARGIN <= mx <= x1 + MARGIN and y0 - MARGIN <= my <= y1 + MARGIN):
            word = html.unescape(m[5].decode("utf-8", "replace")).strip()
            if word:
                hidden.append(" ".join(word.split()))
    return hidden
