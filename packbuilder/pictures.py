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
which drawings, on which visible page area), and a picture of which some part can never show is
cut down to the part that can (with a pixel to spare at each edge cut, so that a viewer smoothing
the picture shows the same edge), and drawn where it was. What can show is worked out
generously: the box around each clipping path, and every place the picture is drawn; a picture
drawn from somewhere packbuilder does not follow (an annotation's look, a pattern, a glyph) is
left whole. A photo stays a JPEG, re-encoded with its own quantisation tables and colour profile;
other pictures keep their samples, compressed losslessly; a soft mask is cut alike. A picture of
a kind that cannot be cut down safely (JPEG 2000, JBIG2 and fax-coded scans, CMYK JPEGs, pictures
written inside the drawing instructions) is refused for a public pack instead (`PictureRefused`).

**A photo carries metadata the page never shows** (`strip_metadata`): a JPEG's EXIF (camera,
date, GPS position, a description, the author, and a thumbnail of the photo *before* it was
edited), its XMP packet, Photoshop's IPTC block and comments. A PDF made from photos (Print to
PDF, scanning apps, img2pdf) keeps the JPEG's bytes whole. A public pack keeps only what decoding
needs (the JFIF header without its thumbnail, the ICC colour profile, Adobe's colour transform
marker), without re-encoding anything; a JPEG 2000 picture loses its XML, UUID (XMP) and
intellectual-property boxes. A private pack keeps papers as they are.
"""

from __future__ import annotations

import io
import math
import re
import struct
import warnings
import zlib
from dataclasses import dataclass, field

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

CROPPED = "the hidden parts of cropped pictures"
PHOTO_METADATA = "metadata inside its pictures (camera details, places, descriptions, thumbnails)"

MAX_PIXELS = 80_000_000  # a picture larger than this is not decoded to be cut (memory)
_DEPTH = 12  # drawings inside drawings, at most
# the drawing instructions followed: the graphics state's stack and matrix, paths and clipping,
# painting (which ends a path), drawings and inline pictures
_OPERATORS = "q Q cm re m l c v y h W W* n S s f F f* B B* b b* Do EI"
_PAINT = {"n", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_PATH = {"re", "m", "l", "c", "v", "y"}
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Matrix = tuple[float, float, float, float, float, float]


class PictureRefused(Exception):
    """A public paper's picture hides part of itself and cannot be cut down safely."""

    def __init__(self, page: int, kind: str) -> None:
        super().__init__(page, kind)
        self.page = page
        self.kind = kind


@dataclass
class _Use:
    """Where a picture shows: the union of its visible parts, in its own unit square."""

    image: Stream
    page: int
    box: Box | None = None  # None: nowhere yet
    owners: set[tuple[int, int]] = field(default_factory=set)  # what named it, followed


def cut_pictures(
    pdf: Pdf,
    found: set[str],
    texts: tuple[list[Object], list[bytes]] | None = None,
    *,
    trial: bool = False,
    refused: list[PictureRefused] | None = None,
) -> None:
    """Cut every picture of `pdf` that can never show whole down to the part that can.

    Args:
        found: gets `CROPPED` when a picture is (or, on `trial`, would be) cut.
        texts: every indirect object and its text (`sanitize.object_texts`): a picture referred
            to from anything the walk did not follow is left whole (without them, every one).
        trial: only say what would be cut (`pdf._trial_sanitize`: the checks' copy); each
            picture that would be cut is cut all the same, aside, to learn whether it can be.
        refused: on `trial`, gets the first picture that could not be cut: a public pack of
            this paper would be refused (`check` says so as `build` would).

    Raises:
        PictureRefused: not on `trial`; a picture of a kind that cannot be cut hides a part.
    """
    walk = _Walk()
    for number, page in enumerate(pdf.pages, start=1):
        walk.page(page, number)
    if walk.inline is not None:
        inline = PictureRefused(walk.inline, "a picture written inside the page's instructions")
        if not trial:
            raise inline
        found.add(CROPPED)
        if refused is not None and not refused:
            refused.append(inline)
    cuts = [(use, cut) for use in walk.uses.values() if (cut := _use_cut(use)) is not None]
    if not cuts:
        return
    referred = _referrers([use.image.objgen for use, _ in cuts], texts)
    for use, cut in cuts:
        # drawn from somewhere not followed too (an annotation's look, a pattern ...): whole
        if not referred.get(use.image.objgen, set()) <= use.owners | walk.owners:
            continue
        found.add(CROPPED)
        if not trial:
            _replace(pdf, use, cut)
        elif refused is not None and not refused:
            try:
                _cut_image(pdf, use.image, cut, use.page)  # (aside: the picture stays as it is)
            except PictureRefused as cannot:
                refused.append(cannot)


def _use_cut(use: _Use) -> Box | None:
    width, height = _int(use.image.get("/Width")), _int(use.image.get("/Height"))
    return _cut_of(width, height, use.box)


def _cut_of(width: int, height: int, box: Box | None) -> Box | None:
    """The part of a picture of `width` x `height` pixels to keep, when `box` of its unit square
    shows (as fractions of that square: u0, v0, u1, v1), with a pixel to spare at each edge;
    None if nothing worth cutting is hidden."""
    if width < 1 or height < 1:
        return None
    u0, v0, u1, v1 = box or _EMPTY
    # in pixels: columns from the left, rows from the top (the unit square's v runs upwards)
    x0 = max(0, math.floor(u0 * width + 1e-6) - 1)
    x1 = min(width, math.ceil(u1 * width - 1e-6) + 1)
    y0 = max(0, math.floor((1 - v1) * height + 1e-6) - 1)
    y1 = min(height, math.ceil((1 - v0) * height - 1e-6) + 1)
    if x1 <= x0 or y1 <= y0:  # shown nowhere: one pixel is enough
        x0, y0, x1, y1 = 0, 0, 1, 1
    if (x0, y0, x1, y1) == (0, 0, width, height):
        return None
    return x0 / width, 1 - y1 / height, x1 / width, 1 - y0 / height


class _Walk:
    """Where each picture is drawn, and through what (`cut_pictures`)."""

    def __init__(self) -> None:
        self.uses: dict[tuple[int, int], _Use] = {}
        self.owners: set[tuple[int, int]] = set()  # the objects naming pictures, followed
        self.inline: int | None = None  # the first page with an inline picture partly hidden
        self._stack: list[tuple[int, int]] = []

    def page(self, page: Page, number: int) -> None:
        visible = _intersect(_box(page.obj.get("/MediaBox")), _box(page.obj.get("/CropBox")))
        if visible is None:
            return
        self.owners.add(page.obj.objgen)
        resources = page.obj.get("/Resources")
        inline = _inline_pictures(page.obj.get("/Contents"))
        if not inline and not self._draws_pictures(resources):
            return
        try:
            instructions = parse_content_stream(page, "" if inline else _OPERATORS)
        except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
            return
        self._follow(instructions, [resources, page.obj], _IDENTITY, visible, number)

    def _draws_pictures(self, resources: object) -> bool:
        """Whether a resource dictionary names a picture, or a drawing (which may draw one)."""
        xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
        return isinstance(xobjects, Dictionary) and len(xobjects) > 0

    def _follow(
        self,
        instructions: list,
        chain: list[object],
        ctm: Matrix,
        clip: Box | None,
        number: int,
    ) -> None:
        """Follow drawing instructions drawn with the resources of `chain` (its own first, each
        followed by its owner), from matrix `ctm` and clipping box `clip`."""
        stack: list[tuple[Matrix, Box | None]] = []
        path: list[tuple[float, float]] = []
        clipping = False
        for item in instructions:
            if isinstance(item, ContentStreamInlineImage):
                self._inline(ctm, clip, number, item.iimage)
                continue
            op, operands = str(item.operator), item.operands
            if op == "q":
                stack.append((ctm, clip))
            elif op == "Q":
                if stack:
                    ctm, clip = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = _multiply(_numbers(operands), ctm)
            elif op in _PATH:
                path.extend(_points(op, operands, ctm))
            elif op in ("W", "W*"):
                clipping = True
            elif op in _PAINT:
                if clipping:  # (an empty path lets nothing show)
                    clip = _intersect(clip, _bounds(path) or _EMPTY)
                path, clipping = [], False
            elif operands:
                self._picture(op, operands[0], chain, ctm, clip, number)

    def _picture(  # noqa: PLR0913
        self, op: str, operand: object, chain: list[object], ctm: Matrix, clip: Box | None,
        number: int,
    ) -> None:  # fmt: skip
        """A picture or drawing drawn by name (``Do``). (Instructions holding an inline picture
        are read whole, without a list of operators: only then does qpdf give its size.)"""
        if op == "Do":
            self._draw(str(operand), chain, ctm, clip, number)

    def _draw(
        self, name: str, chain: list[object], ctm: Matrix, clip: Box | None, number: int
    ) -> None:
        obj, owner = _lookup(chain, name)
        if not isinstance(obj, Stream) or not obj.is_indirect:
            return
        kind = obj.get("/Subtype")
        if kind == Name.Image:
            if owner is not None:
                self.owners.add(owner)
            use = self.uses.setdefault(obj.objgen, _Use(obj, number))
            shown = _shown(ctm, clip)
            if shown is not None:
                use.box = shown if use.box is None else _union(use.box, shown)
            if owner is not None:
                use.owners.add(owner)
        elif kind == Name.Form and len(self._stack) < _DEPTH and obj.objgen not in self._stack:
            if owner is not None:
                self.owners.add(owner)
            matrix = obj.get("/Matrix")
            inner = _multiply(_numbers(matrix), ctm) if _matrix_like(matrix) else ctm
            bbox = _box(obj.get("/BBox"))
            inner_clip = _intersect(clip, _transformed(bbox, inner)) if bbox else clip
            own = obj.get("/Resources")
            inner_chain = [own, obj, *chain] if isinstance(own, Dictionary) else chain
            inline = _inline_pictures(obj)
            if not inline and isinstance(own, Dictionary) and not self._draws_pictures(own):
                self.owners.add(obj.objgen)
                return
            try:
                instructions = parse_content_stream(obj, "" if inline else _OPERATORS)
            except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
                return
            self.owners.add(obj.objgen)
            self._stack.append(obj.objgen)
            try:
                self._follow(instructions, inner_chain, inner, inner_clip, number)
            finally:
                self._stack.pop()

    def _inline(self, ctm: Matrix, clip: Box | None, number: int, image: PdfInlineImage) -> None:
        """An inline picture (``BI ... ID ... EI``): not cut, but refused if partly hidden."""
        if self.inline is None and _cut_of(image.width, image.height, _shown(ctm, clip)):
            self.inline = number


_INLINE = re.compile(rb"(?<![^\s])BI(?![^\s/])")


def _inline_pictures(contents: object) -> bool:
    """Whether drawing instructions (a stream, or a page's array of them) may hold an inline
    picture (an unreadable stream: no)."""
    streams = list(contents) if isinstance(contents, Array) else [contents]
    for stream in streams:
        if not isinstance(stream, Stream):
            continue
        try:
            data = stream.read_bytes()
        except Exception:  # noqa: BLE001 - unreadable: the checks refuse such pages
            continue
        if b"ID" in data and _INLINE.search(data):
            return True
    return False


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


# --- geometry ----------------------------------------------------------------------------------


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


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m x n: m applied first."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t,
            e * q + f * s + u)  # fmt: skip


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _points(op: str, operands: list, ctm: Matrix) -> list[tuple[float, float]]:
    try:
        values = [float(v) for v in operands]
    except (TypeError, ValueError):
        return []
    if op == "re" and len(values) == 4:
        x, y, w, h = values
        return [_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
    return [_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]


def _bounds(points: list[tuple[float, float]]) -> Box | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _box(value: object) -> Box | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _intersect(a: Box | None, b: Box | None) -> Box | None:
    """Two boxes' common part: None is no limit, `_EMPTY` what lets nothing show."""
    if a is None:
        return b
    if b is None:
        return a
    box = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return box if box[0] < box[2] and box[1] < box[3] else _EMPTY


_EMPTY: Box = (0.0, 0.0, 0.0, 0.0)


def _union(a: Box, b: Box) -> Box:
    if a == _EMPTY:
        return b
    if b == _EMPTY:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _transformed(box: Box, m: Matrix) -> Box | None:
    x0, y0, x1, y1 = box
    return _bounds([_apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))])


def _shown(ctm: Matrix, clip: Box | None) -> Box | None:
    """The part of a picture's unit square that `clip` (on the page) lets show, as a box in that
    square; `_EMPTY` if none; None if the picture is drawn flat (a zero-width matrix)."""
    a, b, c, d, e, f = ctm
    det = a * d - b * c
    if abs(det) < 1e-12:
        return _EMPTY
    if clip is None:
        return (0.0, 0.0, 1.0, 1.0)
    if clip == _EMPTY:
        return _EMPTY
    inverse = (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)
    inside = _transformed(clip, inverse)
    return _intersect(inside, (0.0, 0.0, 1.0, 1.0))


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


# --- cutting -----------------------------------------------------------------------------------


def _replace(pdf: Pdf, use: _Use, cut: Box) -> None:
    """Put the cut picture in the picture's place: the picture's object becomes a drawing that
    draws the part kept where it was drawn, so that every instruction naming it draws the same."""
    image = use.image
    kept = _cut_image(pdf, image, cut, use.page)
    u0, v0, u1, v1 = cut
    place = f"q {u1 - u0:.9f} 0 0 {v1 - v0:.9f} {u0:.9f} {v0:.9f} cm /P Do Q".encode()
    moved = {k: image.get(k) for k in ("/OC", "/StructParent") if k in image}
    for key in list(image.keys()):
        if key != "/Length":
            del image[key]
    image.write(place)
    image.Type = Name.XObject
    image.Subtype = Name.Form
    image.BBox = Array([0, 0, 1, 1])
    image.Resources = Dictionary(XObject=Dictionary(P=kept))
    for key, value in moved.items():
        image[key] = value


def _cut_image(pdf: Pdf, image: Stream, cut: Box, page: int) -> Stream:
    """A new picture: the part `cut` of `image` (and of its masks)."""
    data, keys = _cut_samples(image, cut, page)
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
        if isinstance(mask, Stream):
            kept[key] = _cut_image(pdf, mask, cut, page)
        elif mask is not None:
            kept[key] = mask  # a colour key: the same colours
    return kept


def _filters(image: Stream) -> list[str]:
    f = image.get("/Filter")
    if isinstance(f, Array):
        return [str(x) for x in f]
    return [str(f)] if f is not None else []


def _cut_samples(image: Stream, cut: Box, page: int) -> tuple[tuple[bytes, Name | None], dict]:
    width, height = _int(image.get("/Width")), _int(image.get("/Height"))
    if width * height > MAX_PIXELS:
        raise PictureRefused(page, "a picture too large to cut down")
    u0, v0, u1, v1 = cut
    x0, x1 = round(u0 * width), round(u1 * width)
    y0, y1 = round((1 - v1) * height), round((1 - v0) * height)
    x0, y0 = min(max(x0, 0), width - 1), min(max(y0, 0), height - 1)
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    x1, y1 = min(x1, width), min(y1, height)
    size = {"/Width": x1 - x0, "/Height": y1 - y0}
    filters = _filters(image)
    last = filters[-1] if filters else ""
    if last in ("/DCTDecode", "/DCT"):
        return (_cut_jpeg(image, (x0, y0, x1, y1), page), Name.DCTDecode), size
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
    return (zlib.compress(b"".join(rows), 6), Name.FlateDecode), size


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


def _cut_jpeg(image: Stream, rect: tuple[int, int, int, int], page: int) -> bytes:
    """The part `rect` (pixels) of a JPEG picture, encoded again with its own quantisation
    tables, sampling and colour profile (so that it loses as little as a JPEG can)."""
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
    out = io.BytesIO()
    picture.crop(rect).save(out, "JPEG", optimize=True, **options)
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
