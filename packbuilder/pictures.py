"""Pictures in a public pack: only the part that shows, without what the camera or editor wrote.

**A picture cropped where it is placed keeps what the crop hides.** An officer crops a
screenshot in Word (*Picture Format > Crop*) so that only the scores show and the bidders' prices
do not; Word, and LibreOffice exporting the paper to PDF, keep the whole picture and only draw it
through a window (a clipping path the size of the cropped picture). The page shows the scores,
but the file holds the whole screenshot, which anyone can take out of the pack (``pdfimages``, or
*Export images* in a PDF editor). No option of LibreOffice's PDF export changes that (measured on
7.4: neither lossless compression nor reducing the pictures' resolution, which still scales the
whole picture). The same holds for a picture partly off the page, or outside the page's crop box,
or drawn through a Word shape's outline.

So a public pack keeps of each picture only what can show (`cut_pictures`): every page's drawing
instructions are followed (where each picture is drawn, through which clipping paths, inside
which drawings, on which visible page area), and so are the looks of its annotations (a stamp,
a field's look, each placed on the page as PDF 32000 12.5.5 says), the cells of tiling patterns,
Type 3 fonts' glyphs, soft masks' drawings and buttons' icons (`_Walk`: these last by what clips
them inside themselves, wherever they land). A picture of which some part can never show is cut
down to the box, in the picture's own space, around what can (`clipping`), with a pixel to spare
at each edge cut, so that a viewer smoothing the picture shows the same edge; and drawn where it
was. A picture turned or slanted under its crop, or cropped to an oval or another shape, keeps
pixels in that box that never show: they are blanked too (zero samples, which a soft mask reads
as transparent; in a JPEG, the mean colour of what is kept, which rings least where the two meet
in a block), never a pixel within one of what shows. What can show is worked out generously
(`clipping`: every place the picture is drawn, each clipping path's whole rows), never less.

**A box drawn over a picture hides it on the page only.** The redaction that is no redaction: a
black rectangle drawn over the names in a screenshot (in a PDF editor, or a Word shape over a
pasted picture, which LibreOffice draws after it). The page shows black; the file holds the
names. So the page's instructions are followed in order (`_Walk._settle`), and the opaque shapes
filled after a picture (and opaque pictures drawn over it, and axial shadings extended both ways
painted with ``sh`` over their clip) are mapped into it: a pixel wholly inside what one fills, by
its own fill rule (a frame filled even-odd covers its ring, not its hole: `clipping`), and inside
the clipping paths it was drawn through, with no pixel next to it showing, is blanked as above.
Opaque is what no viewer lets anything show through (`_Opacity`): a fill (``f``, ``f*``, ``B``,
``b`` ...), alpha 1, the Normal blend mode, no soft mask, no overprint, a colour that paints (not
a pattern, not a separation of colourant None), in a drawing itself put on the page opaquely, and
no letters clipping (text modes 4 to 7, whose outline is not worked out here). **A comment drawn
over a picture** (a filled rectangle, polygon, ink drawing or text box: a "redaction" made with a
PDF editor's comment tools) is drawn after the page's instructions (PDF 32000 12.5.5), so the look
each comment shows (its normal look, in its state) is followed after them in order, as more of
the page: what it fills covers like a box (`_covers`: not when the comment is hidden, not
printed, in a layer, see-through, blended, a form field, or of a kind viewers do not draw without
its points); a filled rectangle
comment without a look covers the inside of its border, as viewers draw it (`_Walk._square`).
Only the page's own instructions, the drawings they draw and its comments' looks cover: a
pattern's cell or a Type 3 glyph lands anywhere. Text drawn over a picture covers nothing (its
letters leave gaps). Covered pixels are blanked, not cut away: trimming a picture moves where a
viewer scaling it samples its edge.

**A picture's own mask hides it on the page only.** A soft mask (transparency) of zeros, a
stencil mask, or a colour key (the colours a picture does not paint) leave the pixels they hide in
the file. Those are blanked too (`_masked`), but the one next to a pixel that shows: zeros under
a soft or stencil mask, the key's lowest colour under a colour key (zeros might be a colour the
key paints, and show). A soft mask coded as a JPEG hides nothing here (another decoder may not
read its zeros as zeros); a JPEG picture under a colour key whose hidden part would be blanked is
refused (encoded again, it would not keep the key's colours exactly).

**A picture shown through letters** (drawn after text in modes 4 to 7 has made the letters'
outlines the clipping path, until ``Q``: `_Lettering`) is refused (`LETTERS`): what shows would
need the letters' outlines, from the font's glyphs, and keeping the picture whole would keep what
shows nowhere. Invisible text (mode 3, a scan's OCR words) and letters shown in a mode that clips
but no picture drawn through them refuse nothing.

A photo stays a JPEG, re-encoded with its own quantisation tables and colour profile; other
pictures keep their samples, compressed losslessly; a soft mask is cut alike. A public pack
refuses a paper (`PictureRefused`) rather than leave a hidden part in it: a picture of a kind
that cannot be cut down safely (JPEG 2000, JBIG2 and fax-coded scans, CMYK JPEGs, JPEGs under a
colour key, pictures written inside the drawing instructions, cropped or under a box:
`INLINE_COVERED`), or one also used where
packbuilder cannot tell what of it shows (as another picture's soft mask: `ELSEWHERE`). What
refers to a picture is found in the file's objects as they were read before the clean-up
(`sanitize._unshown` leaves out what no page draws), so each is checked again: a drawing the
pack leaves out is no reason to refuse.

**A photo carries metadata the page never shows** (`strip_metadata`): a JPEG's EXIF (camera,
date, GPS position, a description, the author, and a thumbnail of the photo *before* it was
edited), its XMP packet, Photoshop's IPTC block and comments. A PDF made from photos (Print to
PDF, scanning apps, img2pdf) keeps the JPEG's bytes whole. A public pack keeps only what decoding
needs (the JFIF header without its thumbnail, the ICC colour profile, Adobe's colour transform
marker), without re-encoding anything; a JPEG 2000 picture loses its XML, UUID (XMP) and
intellectual-property boxes. A JPEG written inside drawing instructions (``BI ... ID ... EI``)
loses them too, its bytes replaced where they are written; one written in another form
(hexadecimal, compressed again, or with its length given) is refused (`INLINE_METADATA`). A
private pack keeps papers as they are.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where pictures are cut: a rebuild, which cuts none, would
    # pay a tenth of a second for it at start (measured: the benchmark's rebuild)
    import numpy as np

from pikepdf import (
    Array,
    ContentStreamInlineImage,
    Dictionary,
    Name,
    Object,
    Page,
    Pdf,
    PdfInlineImage,
    Stream,
    StreamDecodeLevel,
    parse_content_stream,
)
from PIL import Image, JpegImagePlugin

from packbuilder.clipping import (
    EMPTY,
    IDENTITY,
    UNIT,
    Box,
    Clip,
    Matrix,
    Point,
    Region,
    Shown,
    apply,
    bounds,
    cover,
    intersect,
    inverse,
    kept,
    multiply,
    narrowed,
    pixel_box,
    rectangle,
    shown,
    transformed,
    union,
)
from packbuilder.clipping import (
    grown as _grown,
)

CROPPED = "the hidden parts of cropped pictures"
COVERED = "the parts of pictures covered by boxes drawn over them"
MASKED = "the parts of pictures their own transparency never shows"
PHOTO_METADATA = "metadata inside its pictures (camera details, places, descriptions, thumbnails)"
# the kinds of picture a public pack refuses that are not about what packbuilder can cut
ELSEWHERE = "a picture also drawn from where packbuilder cannot tell what of it shows"
INLINE_METADATA = "a photo written inside the drawing instructions, its metadata not removable"
# the kinds refused for what hides a picture, not for what the picture is (`pdf.picture_refused`)
INLINE_COVERED = (
    "a picture written inside the page's instructions, with a box drawn over part of it"
)
LETTERS = "a picture shown through letters (text used as a clipping path)"

MAX_PIXELS = 80_000_000  # a picture larger than this is not decoded to be cut (memory)
_DEPTH = 12  # drawings inside drawings, at most
# the drawing instructions followed: the graphics state's stack and matrix, paths and clipping,
# painting (which ends a path), drawings and inline pictures
# painting (which ends a path), drawings and inline pictures; and what says whether a fill is
# opaque: the graphics state's dictionaries, the colour (a pattern's may not fill), text
# rendering modes (4 to 7 clip by letters, which bound no box here); shadings painted
_OPERATORS = "q Q cm re m l c v y h W W* n S s f F f* B B* b b* Do EI gs cs rg g k scn Tr sh"
# ... and, where text may clip by letters (`_LETTERS`), the text shown
_TEXT_OPERATORS = _OPERATORS + " BT ET Tj TJ ' \""
_PAINT = {"n", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_FILL = {"f", "F", "f*", "B", "B*", "b", "b*"}
_EVENODD = {"f*", "B*", "b*"}
_SHOW = {"Tj", "TJ", "'", '"'}
_DEVICE = {"/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/G", "/RGB", "/CMYK"}
_PATH = {"re", "m", "l", "c", "v", "y", "h", "W", "W*"}
_LOOKS = ("/N", "/R", "/D")  # an annotation's looks: normal, under the mouse, pressed
_UNZOOMED = 8 | 16  # an annotation's flags NoZoom, NoRotate: it may stand out of its page
_ICONS = ("/I", "/RI", "/IX")  # a button's icons (normal, under the mouse, pressed)
_NEVER_SHOWN = 2 | 32  # an annotation's flags: Hidden, NoView
_PRINTED = 4  # ... Print (one not printed would leave blanked pixels on paper)
# what an annotation of these kinds must have for viewers to draw it (poppler draws none without)
_REQUIRED = {"/Polygon": "/Vertices", "/PolyLine": "/Vertices", "/Ink": "/InkList", "/Line": "/L"}
_WHOLE = Shown(UNIT)


class PictureRefused(Exception):
    """A public paper's picture hides part of itself and cannot be cut down safely (or, kind
    `INLINE_METADATA`, holds metadata that cannot be taken out)."""

    def __init__(self, page: int, kind: str) -> None:
        super().__init__(page, kind)
        self.page = page
        self.kind = kind


@dataclass
class _Use:
    """Where a picture shows: every way it is drawn, in its own unit square."""

    image: Stream
    page: int
    box: Box | None = None  # the box around all it shows; None: nowhere yet
    drawn: dict[Shown, None] = field(default_factory=dict)  # (an ordered set)
    owners: set[tuple[int, int]] = field(default_factory=set)  # what named it, followed

    def add(self, seen: Shown) -> None:
        if seen.box == EMPTY:
            return
        self.box = seen.box if self.box is None else union(self.box, seen.box)
        if _WHOLE not in self.drawn:  # (once drawn whole, no other drawing matters)
            self.drawn[seen] = None


@dataclass
class _Drawing:
    """A picture drawn on a page, waiting for what the page draws over it (`_Walk._settle`)."""

    use: _Use
    seen: Shown
    ctm: Matrix
    first: int  # the first of the page's opaque shapes drawn after it


@dataclass(frozen=True)
class _Plan:
    """How a picture is cut: to `cut` (of its unit square), blanking what never shows in it."""

    cut: Box
    drawn: tuple[Shown, ...]
    # the pixels of the whole picture its own mask never lets show (`_masked`), and the colour
    # they are blanked to (a colour key's lowest: blanked to zeros, they would show)
    hidden: np.ndarray | None = field(default=None, compare=False)
    key: tuple[int, ...] | None = None
    how: tuple[str, ...] = (CROPPED,)  # what hid what is taken out: CROPPED, COVERED, MASKED


def cut_pictures(
    pdf: Pdf,
    found: set[str],
    texts: tuple[list[Object], list[bytes]] | None = None,
    *,
    trial: bool = False,
    refused: list[PictureRefused] | None = None,
) -> None:
    """Cut every picture of `pdf` that can never show whole down to the part that can, and take
    the metadata out of JPEG photos written inside drawing instructions.

    Args:
        found: gets what a picture (or, on `trial`, would be) loses: `CROPPED` when a part
            of it never shows where it is placed, `COVERED` when a box drawn over it hides a
            part, `MASKED` when its own transparency does; and `PHOTO_METADATA` when an inline
            photo loses its metadata.
        texts: every indirect object and its text (`sanitize.object_texts`), to find what else
            refers to a picture (without them, a picture to cut is refused).
        trial: only say what would be cut (`pdf._trial_sanitize`: the checks' copy); each
            picture that would be cut is cut all the same, aside, to learn whether it can be.
        refused: on `trial`, gets the first picture that could not be cut: a public pack of
            this paper would be refused (`check` says so as `build` would).

    Raises:
        PictureRefused: not on `trial`; a picture hides a part and cannot be cut (of a kind
            that cannot, or drawn also from where packbuilder cannot tell what shows), or an
            inline photo's metadata cannot be taken out.
    """

    def refuse(cannot: PictureRefused) -> None:
        if not trial:
            raise cannot
        if refused is not None and not refused:
            refused.append(cannot)

    walk = _Walk(pdf)
    for number, page in enumerate(pdf.pages, start=1):
        walk.page(page, number)
    for first, what, kind in walk.uncut():
        found.add(what)
        refuse(PictureRefused(first, kind))
    _strip_inline(walk.photos, found, trial, refuse)
    plans = [(use, plan) for use in walk.uses.values() if (plan := _plan(use)) is not None]
    if not plans:
        return
    referred = _referrers([use.image.objgen for use, _ in plans], texts)
    for use, plan in plans:
        found.update(plan.how)
        others = referred.get(use.image.objgen, set()) - use.owners - walk.owners
        if others and _carried(pdf, use.image.objgen, others, texts, walk.owners):
            refuse(PictureRefused(use.page, ELSEWHERE))
        elif not trial:
            _replace(pdf, use, plan)
        elif refused is not None and not refused:
            try:
                _cut_image(pdf, use.image, plan, use.page)  # (aside: the picture stays as it is)
            except PictureRefused as cannot:
                refused.append(cannot)


def _plan(use: _Use) -> _Plan | None:
    """How to cut a picture; None if nothing of it is hidden (or worth cutting)."""
    width, height = _int(use.image.get("/Width")), _int(use.image.get("/Height"))
    if width < 1 or height < 1:
        return None
    drawn = tuple(use.drawn)
    cut = _cut_of(width, height, use.box)
    masked = _masked(use.image, width, height)
    if masked is not None or any(s.covered for s in drawn):
        return _blanking(width, height, cut, drawn, masked)
    if cut is not None:
        return _Plan(cut, drawn)
    if kept(width, height, (0, 0, width, height), list(drawn)) is not None:
        return _Plan(UNIT, drawn)  # its box shows, but not all of it (turned, or an oval)
    return None


def _blanking(
    width: int,
    height: int,
    box: Box | None,
    drawn: tuple[Shown, ...],
    masked: tuple[np.ndarray, tuple[int, ...] | None] | None,
) -> _Plan | None:
    """How to cut a picture that shapes cover or its mask hides in part: to `box` (None: the
    whole picture), what never shows blanked; and what hid it, to say so. (Not trimmed to what
    shows: a viewer scaling the picture down would sample its edge from other pixels, and the
    page would not look quite the same.)"""

    hidden, key = masked if masked is not None else (None, None)
    cut = box or UNIT
    x0, y0, x1, y1 = _rect(cut, width, height)
    keep = kept(width, height, (x0, y0, x1, y1), list(drawn))
    how: list[str] = []
    if any(s.covered for s in drawn) and keep is not None:
        uncovered = kept(width, height, (x0, y0, x1, y1), [replace(s, covered=()) for s in drawn])
        if uncovered is None or (uncovered != keep).any():
            how.append(COVERED)
        if uncovered is not None:
            how.append(CROPPED)
    elif keep is not None:
        how.append(CROPPED)
    if box is not None:
        how.append(CROPPED)
    if hidden is not None:
        shows = keep if keep is not None else True
        if (hidden[y0:y1, x0:x1] & shows).any():
            how.append(MASKED)
        keep = ~hidden[y0:y1, x0:x1] if keep is None else keep & ~hidden[y0:y1, x0:x1]
    what = tuple(dict.fromkeys(how))
    if keep is None or keep.all():
        return None if cut == UNIT else _Plan(cut, drawn, how=what)
    return _Plan(cut, drawn, hidden, key, how=what)


def _rect(cut: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The pixels (columns x0..x1, rows y0..y1 from the top) of `cut`, one at least."""
    u0, v0, u1, v1 = cut
    x0, x1 = round(u0 * width), round(u1 * width)
    y0, y1 = round((1 - v1) * height), round((1 - v0) * height)
    x0, y0 = min(max(x0, 0), width - 1), min(max(y0, 0), height - 1)
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    return x0, y0, min(x1, width), min(y1, height)


def _masked(
    image: Stream, width: int, height: int
) -> tuple[np.ndarray, tuple[int, ...] | None] | None:
    """The pixels of a picture its own mask never lets show, where there are any: transparent
    under its soft mask (alpha 0), masked out by its stencil mask, or of a colour its colour key
    masks; but a pixel next to one that shows (a viewer smoothing the picture mixes it in).
    With them, the colour to blank them to: a colour key's lowest (None: zeros). A mask that
    cannot be read (a JPEG soft mask, whose zeros another decoder may not see as zeros) hides
    nothing."""

    mask = image.get("/SMask")
    soft = isinstance(mask, Stream)
    if not soft:
        mask = image.get("/Mask")
    key: tuple[int, ...] | None = None
    if isinstance(mask, Stream):
        shows = _mask_shows(mask, soft)
        if shows is None:
            return None
        if shows.shape != (height, width):
            shows = _resampled(_grown(shows), width, height)
    elif isinstance(mask, Array) and not soft:
        found = _keyed(image, mask, width, height)
        if found is None:
            return None
        shows, key = found
    else:
        return None
    if shows.all():
        return None
    hidden = ~_grown(shows)
    return (hidden, key) if hidden.any() else None


def _mask_shows(mask: Stream, soft: bool) -> np.ndarray | None:
    """Where a soft mask's alpha is not zero, or a stencil mask paints (rows from the top)."""

    width, height = _int(mask.get("/Width")), _int(mask.get("/Height"))
    bits = 1 if not soft else _int(mask.get("/BitsPerComponent"))
    filters = _filters(mask)
    coded = bool(filters) and filters[-1] in ("/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode")
    if coded or width < 1 or height < 1 or width * height > MAX_PIXELS or bits not in (
        1, 2, 4, 8, 16
    ):  # fmt: skip
        return None
    try:
        data = mask.read_bytes(StreamDecodeLevel.specialized)
    except Exception:  # noqa: BLE001 - a filter qpdf cannot undo
        return None
    values = _samples(data, width, height, 1, bits)
    if values is None:
        return None
    decode = mask.get("/Decode")
    try:
        d0, d1 = (float(v) for v in decode) if isinstance(decode, Array) else (0.0, 1.0)
    except (TypeError, ValueError):
        return None
    level = d0 + values[..., 0] * ((d1 - d0) / ((1 << bits) - 1))
    # (a soft mask's alpha, 0 transparent; a stencil mask's 1 masks out, PDF 32000 8.9.6.3)
    return level > 0 if soft else level < 0.5


def _keyed(
    image: Stream, key: Array, width: int, height: int
) -> tuple[np.ndarray, tuple[int, ...]] | None:
    """Where a colour-keyed picture shows (a pixel of which some colour lies outside the key's
    range), and the key's lowest colour."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    components = _components(image.get("/ColorSpace"))
    bits = _int(image.get("/BitsPerComponent"))
    filters = _filters(image)
    try:
        ranges = [int(v) for v in key]
    except (TypeError, ValueError):
        return None
    if components < 1 or len(ranges) != 2 * components or bits not in (1, 2, 4, 8, 16):
        return None
    if filters and filters[-1] in ("/DCTDecode", "/DCT"):
        values = _jpeg_samples(image, width, height, components)
    elif filters and filters[-1] in ("/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"):
        return None  # (refused when cut: `_cut_samples`)
    else:
        try:
            data = image.read_bytes(StreamDecodeLevel.specialized)
        except Exception:  # noqa: BLE001 - a filter qpdf cannot undo
            return None
        values = _samples(data, width, height, components, bits)
    if values is None:
        return None
    low, high = np.array(ranges[0::2]), np.array(ranges[1::2])
    masked = np.asarray(((values >= low) & (values <= high)).all(axis=2), dtype=bool)
    return ~masked, tuple(ranges[0::2])


def _jpeg_samples(image: Stream, width: int, height: int, components: int) -> np.ndarray | None:
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            picture = Image.open(io.BytesIO(_jpeg_bytes(image)))
            picture.load()
    except Exception:  # noqa: BLE001 - Pillow cannot read it
        return None
    values = np.asarray(picture)
    values = values.reshape(values.shape[0], values.shape[1], -1)
    return values if values.shape == (height, width, components) else None


def _samples(data: bytes, width: int, height: int, components: int, bits: int) -> np.ndarray | None:
    """Rows of samples (each row whole bytes) as height x width x components values."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    stride = (width * components * bits + 7) // 8
    if len(data) < stride * height:
        return None
    rows = np.frombuffer(data, dtype=np.uint8, count=stride * height).reshape(height, stride)
    if bits == 8:
        values = rows[:, : width * components]
    elif bits == 16:
        values = rows[:, : width * components * 2].view(">u2")
    else:
        unpacked = np.unpackbits(rows, axis=1)[:, : width * components * bits]
        weights = 1 << np.arange(bits - 1, -1, -1)
        values = (unpacked.reshape(height, -1, bits) * weights).sum(axis=2)
    return values.reshape(height, width, components).astype(np.int32)


def _resampled(shows: np.ndarray, width: int, height: int) -> np.ndarray:
    """Where a mask of another size shows, at the picture's size: a pixel shows if any of the
    mask's pixels it overlaps does."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    mh, mw = shows.shape
    table = np.zeros((mh + 1, mw + 1), dtype=np.int64)
    table[1:, 1:] = shows.cumsum(axis=0).cumsum(axis=1)
    cx0 = np.floor(np.arange(width) * mw / width).astype(int)
    cx1 = np.minimum(mw, np.ceil((np.arange(width) + 1) * mw / width).astype(int))
    ry0 = np.floor(np.arange(height) * mh / height).astype(int)
    ry1 = np.minimum(mh, np.ceil((np.arange(height) + 1) * mh / height).astype(int))
    count = table[ry1][:, cx1] - table[ry0][:, cx1] - table[ry1][:, cx0] + table[ry0][:, cx0]
    return count > 0


def _cut_of(width: int, height: int, box: Box | None) -> Box | None:
    """The part of a picture of `width` x `height` pixels to keep, when `box` of its unit square
    shows (as fractions of that square: u0, v0, u1, v1), with a pixel to spare at each edge;
    None if nothing worth cutting is hidden."""
    x0, y0, x1, y1 = pixel_box(width, height, box or EMPTY)
    if x1 <= x0 or y1 <= y0:  # shown nowhere: one pixel is enough
        x0, y0, x1, y1 = 0, 0, 1, 1
    if (x0, y0, x1, y1) == (0, 0, width, height):
        return None
    return x0 / width, 1 - y1 / height, x1 / width, 1 - y0 / height


class _Walk:
    """Where each picture is drawn, and through what (`cut_pictures`).

    Followed: each page's instructions, the drawings they draw (and theirs), and the looks of
    its annotations, placed on the page as PDF 32000 (12.5.5) says: the look's box, mapped by
    its matrix, scaled to the annotation's rectangle. Followed alone, wherever they are drawn:
    the cells of tiling patterns, the glyphs of Type 3 fonts, soft masks' drawings and form
    fields' icons that any followed resource dictionary lists. Where those are drawn is not
    worked out (a pattern's cells repeat across whatever it fills; a glyph is wherever the text
    is), so only what clips them inside themselves counts: their box and their own clipping
    paths, which cut off the same part of a picture wherever it lands. That is generous (the
    page's edge may hide more) and never cuts what shows."""

    def __init__(self, pdf: Pdf) -> None:
        self.pdf = pdf
        self.uses: dict[tuple[int, int], _Use] = {}
        self.owners: set[tuple[int, int]] = set()  # the objects naming pictures, followed
        self.inline: int | None = None  # the first page with an inline picture partly hidden
        self.inline_covered: int | None = None  # ... with one a box drawn after it covers in part
        self.lettered: int | None = None  # the first page with a picture shown through letters
        # inline JPEG photos with metadata: where written, their bytes, those without it, page
        self.photos: list[tuple[object, bytes, bytes | None, int]] = []
        self._stack: list[tuple[int, int]] = []
        self._alone: set[tuple[int, int]] = set()  # patterns, glyphs ... followed alone
        # the page's instructions being followed: its pictures, in order, and the opaque
        # shapes drawn (each one part, on the page; through what clip; its box); None elsewhere
        self._scene: list[_Drawing] | None = None
        self._covers: list[tuple[Region, bool, Clip, Box]] = []  # (... filled even-odd)
        # the inline pictures the page drew: what shows, matrix, the first shape after, size
        self._inlines: list[tuple[Shown, Matrix, int, int, int]] = []
        self._opaque = True  # whether the drawing followed is put on the page opaquely
        self._lettering = _Lettering()  # the text state what is followed is drawn in

    def uncut(self) -> list[tuple[int, str, str]]:
        """What the walk met that cannot be cut, the first page of each: that page, what it
        hides (`CROPPED` ...) and the kind of picture refused."""
        found = (
            (self.inline, CROPPED, "a picture written inside the page's instructions"),
            (self.inline_covered, COVERED, INLINE_COVERED),
            (self.lettered, CROPPED, LETTERS),
        )
        return [(page, what, kind) for page, what, kind in found if page is not None]

    def page(self, page: Page, number: int) -> None:
        visible = intersect(_box(page.obj.get("/MediaBox")), _box(page.obj.get("/CropBox")))
        if visible is None or visible == EMPTY:
            return
        self.owners.add(page.obj.objgen)
        resources = page.obj.get("/Resources")
        chain: list[object] = [resources, page.obj]
        area = rectangle(visible, IDENTITY)
        self._resources(resources, chain, number)
        contents = page.obj.get("/Contents")
        inline, letters = _inline_pictures(contents)
        annots = page.obj.get("/Annots")
        # (the annotations are drawn after the page's instructions: their looks' opaque
        # shapes cover the page's pictures as a box drawn last would)
        self._scene, self._covers, self._inlines, self._opaque = [], [], [], True
        try:
            if inline or self._draws_pictures(resources):
                try:
                    instructions = parse_content_stream(page, _operators(inline, letters))
                except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
                    instructions = []
                self._follow(instructions, chain, IDENTITY, (area,), number, contents)
            for annot in annots if isinstance(annots, Array) else ():
                if isinstance(annot, Dictionary):
                    self._annotation(annot, chain, area, number)
            self._settle(number)
        finally:
            self._scene, self._covers, self._inlines = None, [], []

    def _annotation(
        self, annot: Dictionary, chain: list[object], area: Region, number: int
    ) -> None:
        """Each look of an annotation (normal, under the mouse, pressed; in each state), where
        it is drawn (PDF 32000 12.5.5)."""
        ap = annot.get("/AP")
        rect = _box(annot.get("/Rect"))
        try:
            flags = int(annot.get("/F", 0))
        except (TypeError, ValueError):
            flags = _NEVER_SHOWN | _UNZOOMED
        clip: Clip = () if flags & _UNZOOMED else (area,)
        covers = _covers(annot, flags)
        if not isinstance(ap, Dictionary):
            if covers and self._after() and rect is not None:
                self._square(annot, rect, clip)
            return
        icons = annot.get("/MK")
        if isinstance(icons, Dictionary):
            for key in _ICONS:  # (drawn by the looks; their source, if a viewer makes them again)
                icon = icons.get(key)
                if isinstance(icon, Stream):
                    self._alone_form(icon, chain, number)
        for look, shows in _looks(ap, annot.get("/AS")):
            matrix = look.get("/Matrix")
            m = _numbers(matrix) if _matrix_like(matrix) else IDENTITY
            bbox = _box(look.get("/BBox"))
            placed = transformed(bbox, m) if bbox else None
            scene = self._scene
            if not shows or rect is None or placed is None:
                self._scene = None  # (not on the page, or not where: it covers nothing)
            outer, self._opaque = self._opaque, covers
            try:
                if rect is None or placed is None:  # (no place on the page: its own box only)
                    self._form(look, chain, IDENTITY, (), number)
                    continue
                (bx0, by0, bx1, by1), (rx0, ry0, rx1, ry1) = placed, rect
                if bx1 - bx0 < 1e-9 or by1 - by0 < 1e-9:
                    continue  # drawn flat: nothing shows
                sx, sy = (rx1 - rx0) / (bx1 - bx0), (ry1 - ry0) / (by1 - by0)
                fit = (sx, 0.0, 0.0, sy, rx0 - sx * bx0, ry0 - sy * by0)
                self._form(look, chain, fit, clip, number)
            finally:
                self._scene, self._opaque = scene, outer

    def _square(self, annot: Dictionary, rect: Box, clip: Clip) -> None:
        """A square annotation without a look, filled (/IC): viewers draw it themselves, its
        inside filled within its border (PDF 32000 12.5.6.8), so that inside covers."""
        fill = annot.get("/IC") if annot.get("/Subtype") == Name.Square else None
        if not isinstance(fill, Array) or len(fill) not in (1, 3, 4):
            return
        border = annot.get("/BS")
        width = _number(border.get("/W", 1)) if isinstance(border, Dictionary) else None
        if width is None:
            old = annot.get("/Border")
            width = _number(old[2]) if isinstance(old, Array) and len(old) >= 3 else 1.0
        inset = max(width or 0.0, 0.0) + 1.0  # (and a point to spare: how viewers draw it)
        differences = annot.get("/RD")
        if isinstance(differences, Array) and len(differences) == 4:
            return  # (drawn inside a rectangle of its own: not worked out here)
        x0, y0, x1, y1 = rect
        if x1 - x0 > 2 * inset and y1 - y0 > 2 * inset:
            self._cover(rectangle((x0 + inset, y0 + inset, x1 - inset, y1 - inset), IDENTITY),
                        clip, evenodd=False)  # fmt: skip

    def _resources(self, resources: object, chain: list[object], number: int) -> None:
        """Follow, alone, what a resource dictionary lists that draws wherever it is used:
        tiling patterns, Type 3 fonts' glyphs, soft masks' drawings."""
        if not isinstance(resources, Dictionary):
            return
        # (none of it is drawn where the page's shapes are: they cover none of its pictures)
        scene, self._scene = self._scene, None
        try:
            self._alone_resources(resources, chain, number)
        finally:
            self._scene = scene

    def _alone_resources(self, resources: Dictionary, chain: list[object], number: int) -> None:
        patterns = resources.get("/Pattern")
        for pattern in patterns.values() if isinstance(patterns, Dictionary) else ():
            if isinstance(pattern, Stream) and pattern.get("/PatternType") == 1:
                self._alone_form(pattern, [], number)
        fonts = resources.get("/Font")
        for font in fonts.values() if isinstance(fonts, Dictionary) else ():
            if not isinstance(font, Dictionary) or font.get("/Subtype") != Name.Type3:
                continue
            if not self._first(font):  # (its glyphs followed with the resources first met)
                continue
            procs = font.get("/CharProcs")
            own = font.get("/Resources")
            # (a glyph without resources of its font's uses those where the text is)
            glyph_chain: list[object] = [own, font] if isinstance(own, Dictionary) else chain
            for glyph in procs.values() if isinstance(procs, Dictionary) else ():
                if isinstance(glyph, Stream):
                    self._enter(glyph, glyph_chain, IDENTITY, (), number)
        states = resources.get("/ExtGState")
        for state in states.values() if isinstance(states, Dictionary) else ():
            mask = state.get("/SMask") if isinstance(state, Dictionary) else None
            group = mask.get("/G") if isinstance(mask, Dictionary) else None
            if isinstance(group, Stream):
                self._alone_form(group, chain, number)

    def _first(self, stream: Object) -> bool:
        """Whether `stream` (or a Type 3 font), followed alone, is met for the first time."""
        if stream.objgen in self._alone:
            return False
        if stream.is_indirect:
            self._alone.add(stream.objgen)
        return True

    def _alone_form(self, form: Stream, chain: list[object], number: int) -> None:
        """A pattern, a soft mask's drawing or an icon: within its box (and matrix) only."""
        if self._first(form):
            self._form(form, chain, IDENTITY, (), number)

    def _draws_pictures(self, resources: object) -> bool:
        """Whether a resource dictionary names a picture, or a drawing (which may draw one)."""
        xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
        return isinstance(xobjects, Dictionary) and len(xobjects) > 0

    def _follow(  # noqa: PLR0913
        self, instructions: list, chain: list[object], ctm: Matrix, clip: Clip, number: int,
        source: object,
    ) -> None:  # fmt: skip
        """Follow drawing instructions (of `source`) drawn with the resources of `chain` (its
        own first, each followed by its owner), from matrix `ctm` through `clip`."""
        stack: list[tuple[Matrix, Clip, _Opacity, _Lettering]] = []
        path = _Path()
        looks = _Opacity()
        text = replace(self._lettering, shown=False)
        for item in instructions:
            if isinstance(item, ContentStreamInlineImage):
                self._inline(ctm, clip, number, item.iimage, source, text.clips)
                continue
            op, operands = str(item.operator), item.operands
            if op == "q":
                stack.append((ctm, clip, looks, text))
            elif op == "Q" and stack:
                ctm, clip, looks, text = stack.pop()
            elif op in _TEXT or op in _LOOKS_OPS:
                text = text.after(op, operands) if op in _TEXT else text
                if op in _LOOKS_OPS and self._scene is not None:  # (only on the page: `_cover`)
                    looks = looks.after(op, operands, chain)
            elif op == "cm" and len(operands) == 6:
                ctm = multiply(_numbers(operands), ctm)
            elif op in _PATH:
                path.add(op, operands, ctm)
            elif op in _PAINT:
                clip = self._paint(op, path, clip, looks)
                path = _Path()
            elif op in ("sh", "Do") and operands:
                self._paints(op, str(operands[0]), chain, ctm, clip, number, looks, text)

    def _paints(  # noqa: PLR0913
        self, op: str, name: str, chain: list[object], ctm: Matrix, clip: Clip, number: int,
        looks: _Opacity, text: _Lettering,
    ) -> None:  # fmt: skip
        """A shading painted (``sh``), or a picture or drawing drawn (``Do``), by name."""
        if op == "sh":
            if self._after() and self._opaque and looks.opaque(shading=True):
                self._shading(_resource(chain, "/Shading", name), ctm, clip)
            return
        outer, self._lettering = self._lettering, text
        try:
            self._draw(name, chain, ctm, clip, number, self._opaque and looks.opaque())
        finally:
            self._lettering = outer

    def _paint(self, op: str, path: _Path, clip: Clip, looks: _Opacity) -> Clip:
        """A path painted (and perhaps clipped to, after): the clip after it."""
        if op in _FILL and self._after() and self._opaque and looks.opaque():
            self._cover(path.region(), clip, evenodd=op in _EVENODD)
        if path.clipping:  # (an empty path lets nothing show)
            return narrowed(clip, path.region())
        return clip

    def _after(self) -> bool:
        """Whether the page's instructions are followed, after a picture (shapes drawn now may
        cover it)."""
        return bool(self._scene or (self._scene is not None and self._inlines))

    def _cover(self, region: Region, clip: Clip, *, evenodd: bool) -> None:
        """An opaque shape drawn on the page after some picture, filled by the even-odd rule or
        the nonzero one: it may cover the pictures drawn before."""
        if any(not r for r in clip):
            return  # (an empty clipping path: nothing drawn)
        shape = tuple(sub for sub in region if len(sub) > 1)
        around = bounds([p for sub in shape for piece in sub for p in piece])
        if around is not None:
            self._covers.append((shape, evenodd, clip, around))

    def _shading(self, shading: object, ctm: Matrix, clip: Clip) -> None:
        """A shading painted with ``sh`` over what the clip lets show: it covers that whole
        area only when it paints the whole plane (an axial shading extended both ways, in a
        colour space that paints), within its own box (PDF 32000 8.7.4.5.3)."""
        if not isinstance(shading, Dictionary) or not clip:
            return
        extend = shading.get("/Extend")
        coords = shading.get("/Coords")
        axis = [_number(c) for c in coords] if isinstance(coords, Array) else []
        if (
            shading.get("/ShadingType") != 2
            or len(axis) != 4
            or None in axis
            or (axis[0], axis[1]) == (axis[2], axis[3])  # (no axis: viewers paint nothing)
            or not isinstance(extend, Array)
            or len(extend) != 2
            or not all(e is True or str(e) == "true" for e in extend)
            or not _solid_space(shading.get("/ColorSpace"))
        ):
            return
        limits = list(clip[1:])
        bbox = _box(shading.get("/BBox"))
        if bbox is not None:
            limits.append(rectangle(bbox, ctm))
        # (what the clip lets show, as a shape filled even-odd: its rule is not kept)
        self._cover(clip[0], tuple(limits), evenodd=True)

    def _settle(self, number: int) -> None:
        """Each picture the page drew, with the opaque shapes drawn over it after; an inline
        picture with part of it covered is noted, to be refused (it is not cut)."""
        assert self._scene is not None
        for drawing in self._scene:
            drawing.use.add(self._covered(drawing.seen, drawing.ctm, drawing.first))
        for seen, ctm, first, width, height in self._inlines:
            seen = self._covered(seen, ctm, first)
            if (
                seen.covered
                and self.inline_covered is None
                and kept(width, height, (0, 0, width, height), [seen]) is not None
            ):
                self.inline_covered = number

    def _covered(self, seen: Shown, ctm: Matrix, first: int) -> Shown:
        """What a picture drawn with `ctm` shows, with the opaque shapes drawn after it (from
        the page's `first`) that may cover it."""
        back = inverse(ctm)
        later = self._covers[first:]
        if not later or back is None or seen.box == EMPTY:
            return seen
        area = transformed(UNIT, ctm)
        covered = tuple(
            cover(shape, clip, back, evenodd)
            for shape, evenodd, clip, around in later
            if area is not None and intersect(area, around) != EMPTY
        )
        return replace(seen, covered=covered) if covered else seen

    def _draw(  # noqa: PLR0913
        self, name: str, chain: list[object], ctm: Matrix, clip: Clip, number: int,
        opaque: bool = False,
    ) -> None:  # fmt: skip
        obj, owner = _lookup(chain, name)
        if not isinstance(obj, Stream) or not obj.is_indirect:
            return
        kind = obj.get("/Subtype")
        if kind == Name.Image:
            if self._lettering.clips and self.lettered is None and shown(ctm, clip).box != EMPTY:
                self.lettered = number
            if owner is not None:
                self.owners.add(owner)
                use = self.uses.setdefault(obj.objgen, _Use(obj, number))
                use.owners.add(owner)
            else:
                use = self.uses.setdefault(obj.objgen, _Use(obj, number))
            if self._scene is None:
                use.add(shown(ctm, clip))
                return
            if (
                opaque
                and not any(k in obj for k in ("/SMask", "/Mask", "/SMaskInData"))
                and (not obj.get("/ImageMask"))
            ):  # (an opaque picture covers what was drawn before it, like a box)
                self._cover(rectangle(UNIT, ctm), clip, evenodd=False)
            self._scene.append(_Drawing(use, shown(ctm, clip), ctm, len(self._covers)))
        elif kind == Name.Form:
            if owner is not None:
                self.owners.add(owner)
            outer, self._opaque = self._opaque, opaque
            try:
                self._form(obj, chain, ctm, clip, number)
            finally:
                self._opaque = outer

    def _form(self, obj: Stream, chain: list[object], ctm: Matrix, clip: Clip, number: int) -> None:
        """A drawing drawn with matrix `ctm` through `clip`: its own matrix, and its box."""
        matrix = obj.get("/Matrix")
        inner = multiply(_numbers(matrix), ctm) if _matrix_like(matrix) else ctm
        bbox = _box(obj.get("/BBox"))
        inner_clip = (*clip, rectangle(bbox, inner)) if bbox else clip
        own = obj.get("/Resources")
        inner_chain = [own, obj, *chain] if isinstance(own, Dictionary) else chain
        self._enter(obj, inner_chain, inner, inner_clip, number)

    def _enter(
        self, obj: Stream, chain: list[object], ctm: Matrix, clip: Clip, number: int
    ) -> None:
        """Follow a stream of drawing instructions (a drawing, a look, a glyph, a pattern)."""
        if len(self._stack) >= _DEPTH or obj.objgen in self._stack:
            return
        self.owners.add(obj.objgen)
        own = chain[0] if chain else None
        self._stack.append(obj.objgen)
        try:
            self._resources(own, chain, number)
            inline, names, letters = _what_it_draws(obj)
            if not inline and not (names and self._draws_pictures(own)) and not self._after():
                return  # (after a picture on the page, its shapes may cover that picture)
            letters = letters or self._lettering.mode >= 4  # (the mode is the drawer's)
            try:
                instructions = parse_content_stream(obj, _operators(inline, letters))
            except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
                return
            self._follow(instructions, chain, ctm, clip, number, obj)
        finally:
            self._stack.pop()

    def _inline(  # noqa: PLR0913
        self, ctm: Matrix, clip: Clip, number: int, image: PdfInlineImage, source: object,
        lettered: bool = False,
    ) -> None:  # fmt: skip
        """An inline picture (``BI ... ID ... EI``): not cut, but refused if partly hidden (or
        covered by what the page draws after it: `_settle`); a JPEG photo's metadata to take
        out."""
        width, height = image.width, image.height
        seen = shown(ctm, clip)
        if lettered and self.lettered is None and seen.box != EMPTY:
            self.lettered = number
        if self.inline is None and width > 0 and height > 0:
            cut = _cut_of(width, height, seen.box)
            if cut is not None or kept(width, height, (0, 0, width, height), [seen]) is not None:
                self.inline = number
        if self._scene is not None and width > 0 and height > 0:
            self._inlines.append((seen, ctm, len(self._covers), width, height))
        filters = [str(f) for f in image.filters]
        if not filters or filters[-1] != "/DCTDecode":
            return
        try:
            raw = image.read_raw_bytes()
        except Exception:  # noqa: BLE001 - undecodable: it shows nothing either
            return
        if len(filters) == 1:
            stripped = jpeg_without_metadata(raw)
            if stripped is not None and stripped != raw.rstrip():
                length = any(str(k) in ("/L", "/Length") for k in image._image_object)  # noqa: SLF001
                self.photos.append((source, raw, None if length else stripped, number))
            return
        # under other filters (hexadecimal ...): its bytes are not the JPEG's, to cut out as
        # they are; refused only if the JPEG does carry metadata
        try:
            jpeg = self.pdf.make_stream(raw, Filter=Array([Name(f) for f in filters[:-1]]))
            data = jpeg.read_bytes(StreamDecodeLevel.generalized)
        except Exception:  # noqa: BLE001 - undecodable: it shows nothing either
            return
        if jpeg_without_metadata(data) not in (None, data.rstrip()):
            self.photos.append((source, raw, None, number))


_LOOKS_OPS = {"gs", "cs", "rg", "g", "k", "scn", "Tr"}
_TEXT = {"BT", "ET", "Tr", *_SHOW}


@dataclass(frozen=True)
class _Lettering:
    """What text does to the clip (PDF 32000 9.3.6): letters shown in rendering modes 4 to 7
    add their outlines to a clip that, at ET, becomes the clipping path (until Q)."""

    mode: int = 0  # the text rendering mode
    shown: bool = False  # letters shown since BT in a mode that clips
    clips: bool = False  # whether the clipping path in force is made of letters

    def after(self, op: str, operands: list) -> _Lettering:
        if op == "Tr":
            value = _number(operands[0]) if operands else None
            mode = int(value) if value is not None else 7
            return self if mode == self.mode else replace(self, mode=mode)
        if op in ("BT", "ET"):
            if not self.shown:
                return self
            return replace(self, shown=False, clips=self.clips or op == "ET")
        if self.mode >= 4 and not self.shown:  # (a letter shown)
            return replace(self, shown=True)
        return self


_NORMAL = {"/Normal", "/Compatible"}


def _covers(annot: Dictionary, flags: int) -> bool:
    """Whether what an annotation's look fills covers what the page drew before it: the look is
    shown and printed (not hidden, in no layer; drawn by viewers: a polygon has its points ...),
    and put on the page opaquely (alpha 1, the Normal blend mode). Not a form field's: viewers
    draw a field's look anew as it is filled in (or as the form asks them to)."""
    required = _REQUIRED.get(str(annot.get("/Subtype")))
    return bool(
        flags & _PRINTED
        and not flags & _NEVER_SHOWN
        and annot.get("/Subtype") != Name.Widget
        and "/OC" not in annot
        and (required is None or isinstance(annot.get(required), Array))
        and _number(annot.get("/CA", 1)) == 1.0
        and str(annot.get("/BM", "/Normal")) in _NORMAL
    )


def _looks(ap: Dictionary, state: object) -> list[tuple[Stream, bool]]:
    """An annotation's looks (normal, under the mouse, pressed; in each state), each with
    whether it is the one the page shows (the normal one, in the annotation's state)."""
    looks: list[tuple[Stream, bool]] = []
    for key in _LOOKS:
        look = ap.get(key)
        if isinstance(look, Stream):
            looks.append((look, key == "/N"))
        elif isinstance(look, Dictionary):
            looks += [(s, key == "/N" and state is not None and name == str(state))
                      for name, s in look.items() if isinstance(s, Stream)]  # fmt: skip
    return looks


@dataclass(frozen=True)
class _Opacity:
    """What of the graphics state says whether a fill hides what is under it: each True while
    it does not stop it (PDF 32000 11.3: the alpha constant, the blend mode, the soft mask,
    alpha as shape; overprint, which a viewer simulating it lets show through; a colour that
    may paint nothing: a pattern, a separation of no colourant; letters clipping, which this
    walk does not bound)."""

    alpha: bool = True
    blend: bool = True
    mask: bool = True
    shape: bool = True
    overprint: bool = True
    colour: bool = True
    letters: bool = True

    def opaque(self, *, shading: bool = False) -> bool:
        """Whether a fill (or, `shading`, a shading painted with ``sh``, whatever the colour)
        hides what is under it."""
        return all((self.alpha, self.blend, self.mask, self.shape, self.overprint,
                    self.colour or shading, self.letters))  # fmt: skip

    def after(self, op: str, operands: list, chain: list[object]) -> _Opacity:
        """The state after `op` (one of `_LOOKS_OPS`)."""
        name = str(operands[-1]) if operands else ""
        if op in ("rg", "g", "k"):
            return replace(self, colour=True)
        if op == "scn":  # (a pattern's name: its cells may leave gaps, its colours see-through)
            return replace(self, colour=False) if name.startswith("/") else self
        if op == "cs":
            return replace(
                self,
                colour=_solid_space(
                    _resource(chain, "/ColorSpace", name) if name not in _DEVICE else Name(name)
                ),
            )
        if op == "Tr":
            try:
                mode = int(operands[0])
            except (TypeError, ValueError, IndexError):
                mode = 7
            return replace(self, letters=False) if mode >= 4 else self  # fmt: skip
        state = _resource(chain, "/ExtGState", name)  # gs
        if not isinstance(state, Dictionary):
            return replace(self, alpha=False)  # (unknown: as if see-through)
        changed = {}
        if "/ca" in state:
            changed["alpha"] = _number(state.get("/ca")) == 1.0
        if "/BM" in state:
            bm = state.get("/BM")
            modes = list(bm) if isinstance(bm, Array) else [bm]
            changed["blend"] = bool(modes) and all(str(m) in _NORMAL for m in modes)
        if "/SMask" in state:
            changed["mask"] = str(state.get("/SMask")) == "/None"
        if "/AIS" in state:
            changed["shape"] = state.get("/AIS") is False or str(state.get("/AIS")) == "false"
        if "/op" in state or "/OP" in state:
            flag = state.get("/op") if "/op" in state else state.get("/OP")
            changed["overprint"] = flag is False or str(flag) == "false"
        return replace(self, **changed)


def _solid_space(space: object) -> bool:
    """Whether filling in colour space `space` paints (a pattern may not; a separation of
    colourant None paints nothing)."""
    if isinstance(space, Name):
        return str(space) in _DEVICE
    if not isinstance(space, Array) or len(space) == 0:
        return False
    family = str(space[0])
    if family in ("/ICCBased", "/CalRGB", "/CalGray", "/Lab", "/Indexed", "/I"):
        return True
    if family == "/Separation" and len(space) > 1:
        return str(space[1]) not in ("/None", "/All")
    if family == "/DeviceN" and len(space) > 1 and isinstance(space[1], Array):
        return all(str(n) != "/None" for n in space[1])
    return False


def _resource(chain: list[object], kind: str, name: str) -> object:
    """The resource `name` of kind `kind` (/ExtGState, /ColorSpace) in the first resource
    dictionary of `chain` that has it."""
    for i in range(0, len(chain), 2):
        resources = chain[i]
        named = resources.get(kind) if isinstance(resources, Dictionary) else None
        if isinstance(named, Dictionary) and name in named:
            return named.get(name)
    return None


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


class _Path:
    """The path being built, in page space: its closed parts, each a start and pieces."""

    def __init__(self) -> None:
        self.subpaths: list[list[tuple[Point, ...]]] = []
        self.closed = False
        self.clipping = False  # (``W``, ``W*``: clipped to once painted)

    def add(self, op: str, operands: list, ctm: Matrix) -> None:
        if op in ("W", "W*"):
            self.clipping = True
            return
        try:
            values = [float(v) for v in operands]
        except (TypeError, ValueError):
            return
        points = [apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
        if op == "re" and len(values) == 4:
            x, y, w, h = values
            self.subpaths.append([(apply(ctm, px, py),) for px, py in
                                  ((x, y), (x + w, y), (x + w, y + h), (x, y + h))])  # fmt: skip
            self.closed = True
        elif op == "m" and len(points) == 1:
            self.subpaths.append([(points[0],)])
            self.closed = False
        elif op == "h":
            self.closed = True
        elif self.subpaths and op in ("l", "c", "v", "y"):
            if self.closed:  # (a piece after a close starts from the part's start)
                self.subpaths.append([self.subpaths[-1][0]])
                self.closed = False
            current = self.subpaths[-1][-1][-1]
            piece = {
                "l": lambda: tuple(points) if len(points) == 1 else None,
                "c": lambda: tuple(points) if len(points) == 3 else None,
                "v": lambda: (current, *points) if len(points) == 2 else None,
                "y": lambda: (points[0], points[1], points[1]) if len(points) == 2 else None,
            }[op]()
            if piece is not None:
                self.subpaths[-1].append(piece)

    def region(self) -> Region:
        return tuple(tuple(sub) for sub in self.subpaths)


def _strip_inline(
    photos: list[tuple[object, bytes, bytes | None, int]],
    found: set[str],
    trial: bool,
    refuse: Callable[[PictureRefused], None],
) -> None:
    """Take the metadata out of the inline JPEG photos the walk met (`_Walk._inline`): their
    bytes replaced, in the instructions that hold them, by the same JPEG without it."""
    for source, raw, stripped, number in photos:
        found.add(PHOTO_METADATA)
        streams = [s for s in (source if isinstance(source, Array) else [source])
                   if isinstance(s, Stream)]  # fmt: skip
        if stripped is None:
            refuse(PictureRefused(number, INLINE_METADATA))
            continue
        done = False
        for stream in streams:
            try:
                data = stream.read_bytes()
            except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
                continue
            if raw in data:
                done = True
                if not trial:  # (a white space before EI, whatever followed the JPEG's end)
                    stream.write(data.replace(raw, stripped + b"\n"))
        if not done:
            refuse(PictureRefused(number, INLINE_METADATA))


_INLINE = re.compile(rb"(?<![^\s])BI(?![^\s/])")


# a text rendering mode that clips by letters (4 to 7; more is no mode, read as 7)
_LETTERS = re.compile(rb"(?<![0-9.])0*(?:[4-9]|[1-9][0-9]+)(?:\.[0-9]*)?\s*Tr(?![A-Za-z*'\"])")


def _operators(inline: bool, letters: bool) -> str:
    """The instructions to follow: all where an inline picture may be (to read it), the text
    shown where letters may clip, else `_OPERATORS` (less to parse on pages full of text)."""
    return "" if inline else _TEXT_OPERATORS if letters else _OPERATORS


def _what_it_draws(stream: Stream) -> tuple[bool, bool, bool]:
    """Whether drawing instructions may hold an inline picture, may draw something by name
    (``Do``), and may clip by letters; an unreadable stream none (the checks refuse such
    pages)."""
    try:
        data = stream.read_bytes()
    except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
        return False, False, False
    inline = b"ID" in data and _INLINE.search(data) is not None
    return inline, b"Do" in data, b"Tr" in data and _LETTERS.search(data) is not None


def _inline_pictures(contents: object) -> tuple[bool, bool]:
    """Whether drawing instructions (a stream, or a page's array of them) may hold an inline
    picture, and may clip by letters (an unreadable stream: neither)."""
    streams = list(contents) if isinstance(contents, Array) else [contents]
    inline = letters = False
    for stream in streams:
        if not isinstance(stream, Stream):
            continue
        try:
            data = stream.read_bytes()
        except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
            continue
        inline = inline or (b"ID" in data and _INLINE.search(data) is not None)
        letters = letters or (b"Tr" in data and _LETTERS.search(data) is not None)
    return inline, letters


def _lookup(chain: list[object], name: str) -> tuple[object, tuple[int, int] | None]:
    """The picture or drawing `name` in the first resource dictionary of `chain` that has it,
    and the object that holds that name (the XObject dictionary, or what writes it inside)."""
    for i in range(0, len(chain), 2):
        resources = chain[i]
        xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
        if isinstance(xobjects, Dictionary) and name in xobjects:
            holder: object = xobjects if xobjects.is_indirect else resources
            if not _indirect(holder) and i + 1 < len(chain):
                holder = chain[i + 1]
            owner = holder.objgen if isinstance(holder, Object) and _indirect(holder) else None
            return xobjects.get(name), owner
    return None, None


def _indirect(obj: object) -> bool:
    return isinstance(obj, Object) and obj.is_indirect


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _numbers(values: object) -> Matrix:
    return tuple(float(v) for v in values)  # type: ignore[attr-defined,return-value]


def _matrix_like(value: object) -> bool:
    try:
        return isinstance(value, Array) and len(value) == 6 and len(_numbers(value)) == 6
    except (TypeError, ValueError):
        return False


def _box(value: object) -> Box | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


# --- what else refers to a picture ---------------------------------------------------------------


def _referrers(
    objgens: list[tuple[int, int]], texts: tuple[list[Object], list[bytes]] | None
) -> dict[tuple[int, int], set[tuple[int, int] | None]]:
    """For each of `objgens`, the numbers of the objects whose text refers to it; without the
    objects' texts, a referrer that is no object (so that nothing is cut)."""
    if texts is None:
        return {objgen: {None} for objgen in objgens}
    wanted = {f"{n} {g} R".encode(): (n, g) for n, g in objgens}
    pattern = re.compile(rb"(?<![0-9])(" + b"|".join(re.escape(w) for w in wanted) + rb")")
    found: dict[tuple[int, int], set[tuple[int, int] | None]] = {}
    for obj, text in zip(*texts, strict=True):
        for match in pattern.finditer(text):
            found.setdefault(wanted[match[1]], set()).add(obj.objgen)
    return found


def _carried(
    pdf: Pdf,
    objgen: tuple[int, int],
    referrers: set[tuple[int, int] | None],
    texts: tuple[list[Object], list[bytes]] | None,
    followed: set[tuple[int, int]],
) -> bool:
    """Whether any of `referrers` (of the picture `objgen`, not followed) still refers to it and
    is in the pack: reached, going up what refers to what, from the catalog or from something
    followed. The texts were read before the clean-up (`sanitize._unshown` takes out what no
    page draws), so each step is read again: a drawing no page draws now is not carried."""
    if texts is None or None in referrers:
        return True
    root = pdf.Root.objgen
    pending = [(r, objgen) for r in referrers if r is not None and _may_draw(pdf, r)]
    seen: set[tuple[int, int]] = set()
    for _ in range(4 * _DEPTH):
        live = []
        for referrer, target in pending:
            if referrer in seen or not _refers_now(pdf, referrer, target):
                continue
            if referrer in followed or referrer == root:
                return True
            seen.add(referrer)
            live.append(referrer)
        if not live:
            return False
        up = _referrers(live, texts)
        pending = [(r, target) for target in live for r in up.get(target, ()) if r is not None]
    return True  # too deep to tell: as if carried


def _may_draw(pdf: Pdf, objgen: tuple[int, int]) -> bool:
    """Whether an object referring to a picture may draw it: not the structure tree's
    reference to it (an OBJR, or a structure element), which only says what it is."""
    try:
        obj = pdf.get_object(objgen)
    except Exception:  # noqa: BLE001 - gone
        return False
    if not isinstance(obj, Dictionary) or isinstance(obj, Stream):
        return True
    kind = obj.get("/Type")
    if kind in (Name("/OBJR"), Name("/StructElem")):
        return False
    return not ("/S" in obj and "/P" in obj and "/K" in obj and "/Subtype" not in obj)


def _refers_now(pdf: Pdf, objgen: tuple[int, int], target: tuple[int, int]) -> bool:
    try:
        obj = pdf.get_object(objgen)
        text = obj.stream_dict.unparse(resolved=True) if isinstance(obj, Stream) else (
            obj.unparse(resolved=True))  # fmt: skip
    except Exception:  # noqa: BLE001 - gone
        return False
    return re.search(rb"(?<![0-9])%d %d R" % target, text) is not None


# --- cutting -----------------------------------------------------------------------------------


def _replace(pdf: Pdf, use: _Use, plan: _Plan) -> None:
    """Put the cut picture in the picture's place: the picture's object becomes a drawing that
    draws the part kept where it was drawn, so that every instruction naming it draws the same."""
    image = use.image
    cut_down = _cut_image(pdf, image, plan, use.page)
    u0, v0, u1, v1 = plan.cut
    place = f"q {u1 - u0:.9f} 0 0 {v1 - v0:.9f} {u0:.9f} {v0:.9f} cm /P Do Q".encode()
    moved = {k: image.get(k) for k in ("/OC", "/StructParent") if k in image}
    for key in list(image.keys()):
        if key != "/Length":
            del image[key]
    image.write(place)
    image.Type = Name.XObject
    image.Subtype = Name.Form
    image.BBox = Array([0, 0, 1, 1])
    image.Resources = Dictionary(XObject=Dictionary(P=cut_down))
    for key, value in moved.items():
        image[key] = value


def _cut_image(pdf: Pdf, image: Stream, plan: _Plan, page: int) -> Stream:
    """A new picture: the part `plan.cut` of `image` (and of its masks), what never shows in it
    blanked."""
    data, keys = _cut_samples(image, plan, page)
    kept = pdf.make_stream(b"")
    for key in ("/Type", "/Subtype", "/ColorSpace", "/BitsPerComponent", "/Intent", "/ImageMask",
                "/Decode", "/Interpolate", "/SMaskInData", "/Matte"):  # fmt: skip
        if key in image:
            kept[key] = image[key]
    for key, value in keys.items():
        kept[key] = value
    kept.write(data[0], filter=data[1])
    for key in ("/SMask", "/Mask"):
        mask = image.get(key)
        if isinstance(mask, Stream):  # (the mask itself blanked only where nothing shows)
            kept[key] = _cut_image(pdf, mask, replace(plan, hidden=None, key=None), page)
        elif mask is not None:
            kept[key] = mask  # a colour key: the same colours
    return kept


def _filters(image: Stream) -> list[str]:
    f = image.get("/Filter")
    if isinstance(f, Array):
        return [str(x) for x in f]
    return [str(f)] if f is not None else []


def _cut_samples(image: Stream, plan: _Plan, page: int) -> tuple[tuple[bytes, Name | None], dict]:
    width, height = _int(image.get("/Width")), _int(image.get("/Height"))
    if width * height > MAX_PIXELS:
        raise PictureRefused(page, "a picture too large to cut down")
    x0, y0, x1, y1 = _rect(plan.cut, width, height)
    size = {"/Width": x1 - x0, "/Height": y1 - y0}
    # (at this picture's own size: a soft mask may have another)
    keep = kept(width, height, (x0, y0, x1, y1), list(plan.drawn))
    if plan.hidden is not None and plan.hidden.shape == (height, width):
        shows = ~plan.hidden[y0:y1, x0:x1]
        keep = shows if keep is None else keep & shows
        keep = None if keep.all() else keep
    filters = _filters(image)
    last = filters[-1] if filters else ""
    if last in ("/DCTDecode", "/DCT") and plan.key is not None and keep is not None:
        # (a JPEG encoded again does not keep the key's colour exactly: those pixels would show)
        raise PictureRefused(page, "a JPEG picture with a colour-key mask")
    if last in ("/DCTDecode", "/DCT"):
        return (_cut_jpeg(image, (x0, y0, x1, y1), page, keep), Name.DCTDecode), size
    if last in ("/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"):
        raise PictureRefused(page, "a JPEG 2000, JBIG2 or fax-coded picture")
    components = 1 if image.get("/ImageMask") else _components(image.get("/ColorSpace"))
    bits = 1 if image.get("/ImageMask") else _int(image.get("/BitsPerComponent"))
    if components < 1 or bits not in (1, 2, 4, 8, 16):
        raise PictureRefused(page, "a picture in a colour space packbuilder cannot cut")
    try:
        samples = image.read_bytes(StreamDecodeLevel.specialized)
    except Exception:  # noqa: BLE001 - a filter qpdf cannot undo
        raise PictureRefused(page, "a picture packbuilder cannot decode") from None
    stride = (width * components * bits + 7) // 8
    if len(samples) < stride * height:
        raise PictureRefused(page, "a damaged picture")
    start, end = x0 * components * bits, x1 * components * bits
    span = end - start
    out_stride = (span + 7) // 8
    rows = []
    for y in range(y0, y1):
        row = samples[y * stride : (y + 1) * stride]
        if start % 8 == 0 and span % 8 == 0:
            rows.append(row[start // 8 : end // 8])
            continue
        value = int.from_bytes(row, "big") >> (stride * 8 - end)
        value &= (1 << span) - 1
        rows.append((value << (out_stride * 8 - span)).to_bytes(out_stride, "big"))
    data = b"".join(rows)
    if keep is not None:
        data = _blanked(data, keep, components * bits, plan.key, bits)
    return (zlib.compress(data, 6), Name.FlateDecode), size


def _blanked(
    data: bytes, keep: np.ndarray, bits: int, key: tuple[int, ...] | None = None, depth: int = 8
) -> bytes:
    """Rows of samples (`bits` a pixel, each row whole bytes) with every pixel not kept set to
    zero: black in most colour spaces, transparent in a soft mask; never shown either way. Or,
    given a colour `key` (of samples of `depth` bits), set to it: masked out by it."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    height, width = keep.shape
    rows = np.frombuffer(data, dtype=np.uint8).reshape(height, -1)
    if key is not None:
        unpacked = np.unpackbits(rows, axis=1)
        pattern = np.array([(value >> (depth - 1 - i)) & 1 for value in key
                            for i in range(depth)], dtype=np.uint8)  # fmt: skip
        pixels = unpacked[:, : width * bits].reshape(height, width, bits)
        pixels[~keep] = pattern
        unpacked[:, : width * bits] = pixels.reshape(height, -1)
        return np.packbits(unpacked, axis=1).tobytes()
    if bits % 8 == 0:
        blank = ~np.repeat(keep, bits // 8, axis=1)
        out = rows.copy()
        out[blank] = 0
        return out.tobytes()
    unpacked = np.unpackbits(rows, axis=1)
    blank = ~np.repeat(keep, bits, axis=1)
    unpacked[:, : width * bits][blank] = 0
    return np.packbits(unpacked, axis=1).tobytes()


def _components(space: object) -> int:
    if isinstance(space, Array) and len(space) > 0:
        family = str(space[0])
        if family == "/ICCBased" and isinstance(space[1], Stream):
            return _int(space[1].get("/N"))
        if family in ("/Indexed", "/I", "/Separation", "/CalGray"):
            return 1
        if family in ("/CalRGB", "/Lab"):
            return 3
        if family == "/DeviceN" and len(space) > 1 and isinstance(space[1], Array):
            return len(space[1])
        return 0
    return {"/DeviceGray": 1, "/G": 1, "/DeviceRGB": 3, "/RGB": 3, "/DeviceCMYK": 4,
            "/CMYK": 4}.get(str(space), 0)  # fmt: skip


def _cut_jpeg(
    image: Stream, rect: tuple[int, int, int, int], page: int, keep: np.ndarray | None
) -> bytes:
    """The part `rect` (pixels) of a JPEG picture, encoded again with its own quantisation
    tables, sampling and colour profile (so that it loses as little as a JPEG can); the pixels
    not in `keep` painted the mean colour of those kept (a flat colour rings least at the edge
    of what shows, where the 8 x 8 blocks of the JPEG mix the two)."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    parms = image.get("/DecodeParms")
    if isinstance(parms, Array):
        parms = parms[-1] if len(parms) else None
    if isinstance(parms, Dictionary) and "/ColorTransform" in parms:
        # the PDF, not the JPEG, says how its colours are coded: Pillow would not know
        raise PictureRefused(page, "a JPEG picture whose colours the PDF codes itself")
    data = _jpeg_bytes(image)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            picture = Image.open(io.BytesIO(data))
            picture.load()
    except Exception:  # noqa: BLE001 - Pillow cannot read it (12 bits, arithmetic coding ...)
        raise PictureRefused(page, "a JPEG picture packbuilder cannot decode") from None
    expected = (_int(image.get("/Width")), _int(image.get("/Height")))
    if picture.format != "JPEG" or picture.size != expected:
        raise PictureRefused(page, "a JPEG picture packbuilder cannot decode")
    if picture.mode not in ("L", "RGB"):
        raise PictureRefused(page, "a CMYK JPEG picture")
    options: dict[str, object] = {"qtables": getattr(picture, "quantization", None)}
    sampling = JpegImagePlugin.get_sampling(picture)
    if sampling >= 0 and picture.mode == "RGB":
        options["subsampling"] = sampling
    if picture.info.get("icc_profile"):
        options["icc_profile"] = picture.info["icc_profile"]
    part = picture.crop(rect)
    if keep is not None:
        pixels = np.asarray(part).copy()
        pixels[~keep] = pixels[keep].mean(axis=0) if keep.any() else 255
        part = Image.fromarray(pixels, part.mode)
    out = io.BytesIO()
    part.save(out, "JPEG", optimize=True, **options)
    return out.getvalue()


def _jpeg_bytes(image: Stream) -> bytes:
    """A JPEG picture's own bytes (under any lossless filters the PDF put on them)."""
    if len(_filters(image)) == 1:
        return image.read_raw_bytes()
    return image.read_bytes(StreamDecodeLevel.specialized)


# --- metadata ----------------------------------------------------------------------------------


def strip_metadata(pdf: Pdf, found: set[str], images: list[Stream], *, trial: bool) -> None:
    """Take the metadata out of every JPEG and JPEG 2000 picture of `images`, without
    re-encoding (`found` gets `PHOTO_METADATA`)."""
    for image in images:
        filters = _filters(image)
        if not filters or filters[-1] not in ("/DCTDecode", "/DCT", "/JPXDecode"):
            continue
        try:
            data = _jpeg_bytes(image)
        except Exception:  # noqa: BLE001 - undecodable: it shows nothing either
            continue
        jpeg = filters[-1] != "/JPXDecode"
        kept = jpeg_without_metadata(data) if jpeg else jpx_without_metadata(data)
        if kept is None or kept == data:
            continue
        found.add(PHOTO_METADATA)
        if trial:
            continue
        parms = image.get("/DecodeParms")
        if isinstance(parms, Array):
            parms = parms[-1] if len(parms) else None
        image.write(
            kept,
            filter=Name.DCTDecode if jpeg else Name.JPXDecode,
            decode_parms=parms if isinstance(parms, Dictionary) else None,
        )


# What a JPEG keeps: APP0 "JFIF" (its thumbnail dropped), APP2 "ICC_PROFILE", APP14 "Adobe"
# (its colour transform); every other APPn and COM goes (EXIF, XMP, IPTC, FlashPix, makers'
# notes, JFXX thumbnails, comments). Markers without a length (SOI, RSTn, TEM) and the entropy-
# coded data after each SOS are copied as they are; nothing after EOI is kept.
_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA


def jpeg_without_metadata(data: bytes) -> bytes | None:
    """`data` without its metadata segments; None if it is not a JPEG this can read."""
    if data[:2] != b"\xff\xd8":
        return None
    out = [data[:2]]
    i, n = 2, len(data)
    while i < n:
        if data[i] != 0xFF:
            return None
        while i + 1 < n and data[i + 1] == 0xFF:  # fill bytes
            i += 1
        if i + 1 >= n:
            return None
        marker = data[i + 1]
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[i : i + 2])
            i += 2
            continue
        if i + 4 > n:
            return None
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        end = i + 2 + length
        if length < 2 or end > n:
            return None
        segment = data[i:end]
        if marker == _SOS:
            out.append(segment)
            i = _scan_end(data, end)
            out.append(data[end:i])
            continue
        out.append(_kept_segment(marker, segment))
        i = end
    return None  # no EOI: cut short, left as it is


def _kept_segment(marker: int, segment: bytes) -> bytes:
    """What a JPEG keeps of a marker segment (`jpeg_without_metadata`): it whole, part of it
    (a JFIF header's thumbnail goes), or nothing."""
    body = segment[4:]
    if marker == 0xE0 and body.startswith(b"JFIF\x00") and len(body) >= 14:
        header = body[:12] + b"\x00\x00"  # no thumbnail
        return b"\xff\xe0" + struct.pack(">H", len(header) + 2) + header
    if (
        (marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"))
        or (marker == 0xEE and body.startswith(b"Adobe"))
        or not (0xE0 <= marker <= 0xEF or marker == 0xFE)
    ):
        return segment
    return b""


def _scan_end(data: bytes, i: int) -> int:
    """Where the entropy-coded data that starts at `i` ends: at the first marker that is not a
    stuffed byte (FF00) or a restart (FFD0-FFD7)."""
    found = _MARKER.search(data, i)
    return found.start() if found else len(data)


_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")


# boxes of XML (XMP), UUIDs (XMP, GeoTIFF), intellectual property, UUID lists
_JPX_DROPPED = {b"xml ", b"uuid", b"jp2i", b"uinf"}


def jpx_without_metadata(data: bytes) -> bytes | None:
    """A JPEG 2000 file (JP2/JPX boxes) without its metadata boxes; a bare codestream as it is;
    None if its boxes cannot be read."""
    if data[:4] == b"\xff\x4f\xff\x51":
        return data
    out, i, n = [], 0, len(data)
    while i < n:
        if i + 8 > n:
            return None
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        header = 8
        if length == 1:
            if i + 16 > n:
                return None
            length, header = struct.unpack(">Q", data[i + 8 : i + 16])[0], 16
        elif length == 0:
            length = n - i
        if length < header or i + length > n:
            return None
        if kind not in _JPX_DROPPED:
            out.append(data[i : i + length])
        i += length
    return b"".join(out)
