"""A public pack holds only the part of a picture that shows, and no metadata inside photos
(`pictures`, called by `sanitize` for public packs).

An officer crops a screenshot in Word so that only the scores show; LibreOffice's PDF export
keeps the whole screenshot and draws it through a window, so the bidders' prices cropped off were
in the public pack for anyone to take out with ``pdfimages``. A photo made into a PDF keeps its
EXIF (a description, the author, a thumbnail of the unedited photo), its XMP and its comments.
Packs are read back with pypdf and pikepdf, and pages drawn by poppler's pdftoppm before and
after, to show that they look the same.
"""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from pikepdf import Array, Dictionary, Name, Pdf, Stream
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from packbuilder.pictures import (
    COVERED,
    CROPPED,
    INLINE_COVERED,
    LETTERS,
    MASKED,
    PHOTO_METADATA,
    PictureRefused,
    cut_pictures,
    jpeg_without_metadata,
    jpx_without_metadata,
)
from packbuilder.sanitize import TIDIED, object_texts, sanitize
from tests.factory import make_meeting, run_cli, write_pdf

SECRET = "SECRET_EXIF Bidder X offer 2,315,000"
FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


# --- pictures to place ---------------------------------------------------------------------------


def _screenshot(width: int = 800, height: int = 200) -> Image.Image:
    """A tender evaluation: scores on the left, prices on the right (black on white)."""
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(FONT, 22)
    draw.text((10, 10), "Criterion   Score", fill="black", font=font)
    draw.text((10, 60), "Quality      62/70", fill="black", font=font)
    draw.text((width // 2 + 10, 10), "Bidder X price", fill="black", font=font)
    draw.text((width // 2 + 10, 60), "GBP 2,315,000", fill="black", font=font)
    return picture


def _black_columns(picture: Image.Image) -> int:
    """How many columns of `picture` hold dark pixels."""
    dark = np.asarray(picture.convert("L")) < 100
    return int(dark.any(axis=0).sum())


def _photo_with_metadata() -> bytes:
    """A JPEG as a phone and an editor leave it: EXIF (a description, an author), XMP, a
    Photoshop IPTC block and a comment; an ICC profile and Adobe's marker, which stay."""
    photo = Image.new("RGB", (64, 48), (90, 140, 90))
    ImageDraw.Draw(photo).rectangle((8, 8, 40, 30), fill=(200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x013B] = "SECRET_ARTIST"
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif.tobytes(), quality=90, icc_profile=b"\x00" * 128)
    data = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>SECRET_XMP</x:xmpmeta>"
    extra = (
        _segment(0xE1, xmp)
        + _segment(0xED, b"Photoshop 3.0\x008BIM SECRET_IPTC")
        + _segment(0xFE, b"SECRET_COMMENT")
        + _segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
    )
    return data[:2] + extra + data[2:] + b"SECRET_TRAILER"


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def _image(pdf: Pdf, picture: Image.Image, *, jpeg: bool = False, mask: bool = False) -> Stream:
    if jpeg:
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=92)
        image = Stream(pdf, out.getvalue())
        image.Filter = Name.DCTDecode
    else:
        image = Stream(pdf, zlib.compress(picture.convert("RGB").tobytes()))
        image.Filter = Name.FlateDecode
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height = picture.size
    image.ColorSpace, image.BitsPerComponent = Name.DeviceRGB, 8
    if mask:
        alpha = Stream(pdf, zlib.compress((bytes([255]) * picture.width) * picture.height))
        alpha.Filter = Name.FlateDecode
        alpha.Type, alpha.Subtype = Name.XObject, Name.Image
        alpha.Width, alpha.Height = picture.size
        alpha.ColorSpace, alpha.BitsPerComponent = Name.DeviceGray, 8
        image.SMask = pdf.make_indirect(alpha)
    return pdf.make_indirect(image)


def _one_page(draws: bytes, xobjects: dict[str, pikepdf.Object], pdf: Pdf) -> Pdf:
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_indirect(Stream(pdf, draws))
    page.obj.Resources = Dictionary(XObject=Dictionary({f"/{k}": v for k, v in xobjects.items()}))
    return pdf


def _pictures(path: Path) -> list[Image.Image]:
    """Every picture of every page, as pypdf reads it."""
    return [image.image for page in PdfReader(path).pages for image in page.images]


def _drawn(path: Path, page: int = 1) -> np.ndarray:
    """A page drawn by poppler at 50 dpi, as viewers show it (its crop box)."""
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-cropbox", "-f", str(page), "-l", str(page), str(path)],
        check=True,
        capture_output=True,
    ).stdout
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=int)


def _looks_the_same(a: np.ndarray, b: np.ndarray) -> bool:
    """Pages drawn alike: the same size, and hardly a pixel visibly different (a picture cut
    down is smoothed from other neighbours at its cut edge, and a JPEG encoded again)."""
    if a.shape != b.shape:
        return False
    different = np.abs(a - b) > 64
    return float(different.mean()) < 0.002 and float(np.abs(a - b).mean()) < 1.0


def _cleaned(tmp_path: Path, pdf: Pdf, public: bool = True) -> tuple[list[str], Path, Path]:
    """`pdf` saved as it is and as `sanitize` leaves it: what it said, and both files."""
    before = tmp_path / "before.pdf"
    pdf.save(before)
    with Pdf.open(before) as opened:
        said = sanitize(opened, public=public)
        after = tmp_path / "after.pdf"
        opened.save(after)
    return said, before, after


# --- where pictures are drawn --------------------------------------------------------------------


CLIPPED_TO_LEFT_HALF = b"q 100 400 100 100 re W n q 200 0 0 100 100 400 cm /Im0 Do Q Q"


@pytest.mark.parametrize("jpeg", [False, True], ids=["flate", "jpeg"])
def test_a_picture_drawn_through_a_window_is_cut_to_the_window(tmp_path: Path, jpeg: bool) -> None:
    """As LibreOffice exports a picture cropped in Word: the whole picture, drawn through a
    clipping rectangle the size of the part shown."""
    pdf = pikepdf.new()
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": _image(pdf, _screenshot(400, 200), jpeg=jpeg)}, pdf)
    said, before, after = _cleaned(tmp_path, pdf)
    assert CROPPED in said
    (picture,) = _pictures(after)
    assert picture.size == (201, 200)  # the half shown, and a column to spare
    assert _black_columns(picture.crop((202 - 1, 0, 201, 200))) <= 1
    assert _looks_the_same(_drawn(before), _drawn(after))
    with Pdf.open(after) as read:
        (image,) = [
            x for x in read.objects if isinstance(x, Stream) and x.get("/Subtype") == Name.Image
        ]
        assert image.Filter == (Name.DCTDecode if jpeg else Name.FlateDecode)


def test_a_private_pack_keeps_the_whole_picture(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": _image(pdf, _screenshot(400, 200))}, pdf)
    said, _before, after = _cleaned(tmp_path, pdf, public=False)
    assert CROPPED not in said
    assert _pictures(after)[0].size == (400, 200)


@pytest.mark.parametrize(
    ("draws", "box", "size"),
    [
        # placed partly off the page: its left half lies left of the page
        (b"q 400 0 0 200 -200 300 cm /Im0 Do Q", None, (201, 200)),
        # scaled so that its top half lies outside the page's crop box
        (b"q 400 0 0 200 100 600 cm /Im0 Do Q", [0, 0, 595, 700], (400, 101)),
        # drawn by a drawing whose box shows the left half (a Word shape, a form)
        (b"q 1 0 0 1 100 300 cm /Fm0 Do Q", None, (201, 200)),
    ],
    ids=["off-page", "crop-box", "inside-a-drawing"],
)
def test_pictures_hidden_in_part_in_other_ways_are_cut(
    tmp_path: Path, draws: bytes, box: list[int] | None, size: tuple[int, int]
) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200), mask=True)
    form = Stream(pdf, b"q 400 0 0 200 0 0 cm /Im0 Do Q")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 200, 200])
    form.Resources = Dictionary(XObject=Dictionary(Im0=image))
    drawn = {"Fm0": pdf.make_indirect(form)} if b"Fm0" in draws else {"Im0": image}
    _one_page(draws, drawn, pdf)
    if box:
        pdf.pages[0].obj.CropBox = Array(box)
    said, before, after = _cleaned(tmp_path, pdf)
    assert CROPPED in said
    pictures = _pictures(after)
    assert pictures and all(p.size == size for p in pictures)
    with Pdf.open(after) as read:
        masks = [
            x
            for x in read.objects
            if isinstance(x, Stream) and x.get("/ColorSpace") == Name.DeviceGray
        ]
        assert [(int(m.Width), int(m.Height)) for m in masks] == [size]  # its mask cut alike
    assert _looks_the_same(_drawn(before), _drawn(after))


def test_a_picture_shown_whole_is_left_alone(tmp_path: Path) -> None:
    """LibreOffice clips every picture to its own frame (a hair inside it): nothing to cut."""
    pdf = pikepdf.new()
    draws = b"q 100.05 400.05 199.9 99.9 re W* n q 200 0 0 100 100 400 cm /Im0 Do Q Q"
    _one_page(draws, {"Im0": _image(pdf, _screenshot(400, 200))}, pdf)
    said, _before, after = _cleaned(tmp_path, pdf)
    assert said in ([], [TIDIED])
    assert _pictures(after)[0].size == (400, 200)


def test_a_picture_drawn_whole_elsewhere_keeps_every_part(tmp_path: Path) -> None:
    """Drawn through a window on one page and whole on the next: nothing is hidden."""
    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200))
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": image}, pdf)
    _one_page(b"q 200 0 0 100 100 400 cm /Im0 Do Q", {"Im0": image}, pdf)
    said, _before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said
    assert {p.size for p in _pictures(after)} == {(400, 200)}


def test_a_picture_an_annotation_also_draws_is_left_whole(tmp_path: Path) -> None:
    """Where an annotation's look draws it, packbuilder does not follow: left whole."""
    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200))
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": image}, pdf)
    look = Stream(pdf, b"q 400 0 0 200 0 0 cm /I Do Q")
    look.Type, look.Subtype, look.BBox = Name.XObject, Name.Form, Array([0, 0, 400, 200])
    look.Resources = Dictionary(XObject=Dictionary(I=image))
    pdf.pages[0].obj.Annots = Array(
        [
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Stamp,
                Rect=Array([0, 0, 400, 200]),
                AP=Dictionary(N=pdf.make_indirect(look)),
            )
        ]
    )
    said, _before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said
    with Pdf.open(after) as read:
        sizes = {
            (int(x.Width), int(x.Height))
            for x in read.objects
            if isinstance(x, Stream) and x.get("/Subtype") == Name.Image
        }
    assert sizes == {(400, 200)}


def test_a_one_bit_picture_is_cut_bit_for_bit(tmp_path: Path) -> None:
    """A stencil (1 bit a pixel, rows not a whole number of bytes) cut at an odd column."""
    pdf = pikepdf.new()
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2, size=(30, 101), dtype=np.uint8)
    data = np.packbits(bits, axis=1).tobytes()
    stencil = Stream(pdf, zlib.compress(data))
    stencil.Filter, stencil.Type, stencil.Subtype = Name.FlateDecode, Name.XObject, Name.Image
    stencil.Width, stencil.Height, stencil.ImageMask = 101, 30, True
    stencil.BitsPerComponent = 1
    # columns 0..~60 show (the window's right edge at x = 100 + 60.6)
    draws = b"q 0 0 0 rg 100 400 60.6 30 re W n q 101 0 0 30 100 400 cm /Im0 Do Q Q"
    _one_page(draws, {"Im0": pdf.make_indirect(stencil)}, pdf)
    said, before, after = _cleaned(tmp_path, pdf)
    assert CROPPED in said
    with Pdf.open(after) as read:
        (cut,) = [
            x for x in read.objects if isinstance(x, Stream) and x.get("/Subtype") == Name.Image
        ]
        width = int(cut.Width)
        got = np.unpackbits(np.frombuffer(cut.read_bytes(), np.uint8).reshape(30, -1), axis=1)
    assert width == 62
    assert (got[:, :width] == bits[:, :width]).all()
    assert _looks_the_same(_drawn(before), _drawn(after))


def test_a_picture_written_inside_the_instructions_and_hidden_in_part_is_refused() -> None:
    pdf = pikepdf.new()
    inline = b"BI /W 4 /H 1 /BPC 8 /CS /G ID \x00\x40\x80\xff EI"
    _one_page(b"q 100 400 50 50 re W n q 200 0 0 50 100 400 cm " + inline + b" Q Q", {}, pdf)
    with pytest.raises(PictureRefused) as refused:
        sanitize(pdf, public=True)
    assert refused.value.page == 1
    assert CROPPED in sanitize(pdf, public=True, trial=True)
    assert CROPPED not in sanitize(pdf, public=False)


def test_a_jpeg_2000_picture_hidden_in_part_is_refused() -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200))
    image.write(b"\x00\x00\x00\x0cjP  \r\n\x87\n", filter=Name.JPXDecode)
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": image}, pdf)
    with pytest.raises(PictureRefused):
        sanitize(pdf, public=True)


# --- metadata inside photos ----------------------------------------------------------------------


def test_a_jpeg_loses_its_metadata_and_keeps_what_decoding_needs() -> None:
    data = _photo_with_metadata()
    kept = jpeg_without_metadata(data)
    assert kept is not None
    for secret in (b"SECRET", b"Exif\x00", b"http://ns.adobe.com/xap", b"Photoshop", b"\xff\xfe"):
        assert secret not in kept
    assert b"ICC_PROFILE\x00" in kept and b"Adobe" in kept and b"JFIF\x00" in kept
    assert kept.endswith(b"\xff\xd9")
    # the image itself is untouched: every byte from the first scan on, and the pixels
    scans = data[data.index(b"\xff\xda") : data.rindex(b"\xff\xd9") + 2]
    assert kept[kept.index(b"\xff\xda") :] == scans
    same = np.asarray(Image.open(io.BytesIO(kept)))
    assert (same == np.asarray(Image.open(io.BytesIO(data)))).all()


def test_a_progressive_jpeg_keeps_every_scan() -> None:
    photo = Image.new("RGB", (64, 64), (10, 200, 30))
    out = io.BytesIO()
    photo.save(out, "JPEG", progressive=True, comment=b"SECRET_COMMENT")
    data = out.getvalue()
    kept = jpeg_without_metadata(data)
    assert kept is not None and b"SECRET" not in kept
    assert kept.count(b"\xff\xda") == data.count(b"\xff\xda") > 1
    decoded = np.asarray(Image.open(io.BytesIO(data)))
    assert (np.asarray(Image.open(io.BytesIO(kept))) == decoded).all()


def test_a_jpeg_2000_file_loses_its_metadata_boxes() -> None:
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body) + 8) + kind + body

    signature = box(b"jP  ", b"\r\n\x87\n")
    header = box(b"ftyp", b"jp2 \x00\x00\x00\x00jp2 ") + box(b"jp2h", b"header")
    data = signature + header + box(b"xml ", b"<SECRET_XML/>") + box(b"uuid", b"SECRET_XMP")
    data += box(b"jp2c", b"\xff\x4f\xff\x51codestream")
    codestream = box(b"jp2c", b"\xff\x4f\xff\x51codestream")
    assert jpx_without_metadata(data) == signature + header + codestream


# --- end to end: real packs ----------------------------------------------------------------------


def _cropped_in_word(path: Path) -> None:
    """A Word report with a screenshot cropped in Word (Picture Format > Crop): the right half,
    the bidders' prices, cropped off."""
    doc = Document()
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
    doc.add_heading("Evaluation of tenders", 1)
    doc.add_paragraph("Figure 1: quality scores of the preferred bidder.")
    out = io.BytesIO()
    _screenshot().save(out, "PNG")
    doc.add_picture(out, width=Mm(120))
    fill = doc.element.body.xpath(".//pic:blipFill")[0]
    fill.find(qn("a:blip")).addnext(parse_xml(f'<a:srcRect {nsdecls("a")} r="50000"/>'))
    for extent in doc.element.body.xpath(".//wp:extent") + doc.element.body.xpath(".//a:ext"):
        extent.set("cx", str(int(extent.get("cx")) // 2))
    doc.element.body.xpath(".//wp:docPr")[0].set("descr", "Table of quality scores")
    doc.save(path)


def _photo_appendix(path: Path) -> None:
    """A photo made into a PDF whole (Print to PDF, img2pdf): the JPEG's bytes kept."""
    write_pdf(path, 1)
    with Pdf.open(path, allow_overwriting_input=True) as pdf:
        image = pdf.make_stream(
            _photo_with_metadata(),
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=64,
            Height=48,
            ColorSpace=Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=Name.DCTDecode,
        )
        page = pdf.pages[0]
        page.Resources.XObject = Dictionary(Im1=image)
        page.contents_add(pdf.make_stream(b"\nq 320 0 0 240 72 60 cm /Im1 Do Q\n"))
        pdf.save(path)


def _shapes_appendix(path: Path) -> None:
    """An appendix whose pictures each hide a red part: a stamp's look cropping one, a pattern's
    cell cropping another, one turned under an upright window, one cropped to an oval."""
    write_pdf(path, 1)
    with Pdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        left = _image(pdf, _left_grey(400, 200))
        look = _form(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 200, 200],
                     Dictionary(XObject=Dictionary(I=left)))  # fmt: skip
        stamp = Dictionary(Type=Name.Annot, Subtype=Name.Stamp, F=4, AP=Dictionary(N=look),
                           Rect=Array([72, 600, 172, 700]))  # fmt: skip
        page.obj.Annots = Array([pdf.make_indirect(stamp)])
        cell = _image(pdf, _left_grey(400, 200))
        pattern = _tiling(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 200, 200], cell,
                          Matrix=Array([0.5, 0, 0, 0.5, 300, 600]))  # fmt: skip
        turned = _image(pdf, _left_grey(400, 200, 0.25))
        w, h = 600, 400
        oval = _image(pdf, _marked(w, h, lambda x, y: ((x - w / 2) / (w / 2 + 6)) ** 2
                                   + ((y - h / 2) / (h / 2 + 6)) ** 2 < 1), jpeg=True)  # fmt: skip
        page.Resources.Pattern = Dictionary(P0=pattern)
        page.Resources.XObject = Dictionary(T=turned, O=oval)
        page.contents_add(pdf.make_stream(
            b"\nq /Pattern cs /P0 scn 300 600 100 100 re f Q"
            b" q " + _turn(45, 1, 1, 150, 150) + b" 0 0 50 100 re W n"
            b" q 200 0 0 100 0 0 cm /T Do Q Q"
            b" q " + _oval(300, 300, 200, 133) + b" W n q 200 0 0 133 300 300 cm /O Do Q Q\n"
        ))  # fmt: skip
        pdf.save(path)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One meeting built: a public item with a Word report holding a cropped screenshot, the
    same report exported to PDF by LibreOffice, and a photo appendix; an exempt item."""
    root = tmp_path_factory.mktemp("pictures")
    folder = make_meeting(
        root / "board",
        items=[
            {
                "title": "Tender evaluation",
                "papers": ["report.docx", "exported.pdf", "photo.pdf", "shapes.pdf"],
            },
            {"title": "Contract award", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
        papers={"award.pdf": 1},
    )
    _cropped_in_word(folder / "report.docx")
    _cropped_in_word(root / "exported.docx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{root}/profile",
         "--convert-to", "pdf", "--outdir", str(folder), str(root / "exported.docx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    _photo_appendix(folder / "photo.pdf")
    _shapes_appendix(folder / "shapes.pdf")
    result = run_cli("build", "board", "--output", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "out", result.stderr


def _grey(picture: Image.Image) -> bool:
    """Whether a picture is one of `_marked`'s (grey where it shows)."""
    rgb = np.asarray(picture.convert("RGB"), dtype=int)
    return bool((np.abs(rgb - np.array(GREY)).max(axis=-1) <= 3).mean() > 0.2)


def _pack(out: Path, kind: str) -> Path:
    return next((out / kind).glob("*.pdf"))


def test_the_public_pack_holds_only_the_parts_of_cropped_pictures_that_show(
    built: tuple[Path, str],
) -> None:
    out, _ = built
    # (the screenshots: black on white; the shapes appendix's are grey and red)
    public = [p for p in _pictures(_pack(out, "public")) if p.width >= 200 and not _grey(p)]
    private = [p for p in _pictures(_pack(out, "private")) if p.width >= 200 and not _grey(p)]
    assert len(public) == len(private) == 2  # the Word report's and the exported PDF's
    for picture in public:
        assert picture.size[0] <= 402 and picture.size[1] == 200, picture.size
        assert _black_columns(picture) > 50  # the scores are there
    for picture in private:
        assert picture.size == (800, 200)
        assert _black_columns(picture.crop((400, 0, 800, 200))) > 50  # the prices, for members


def test_no_hidden_part_of_a_picture_drawn_otherwise_reaches_the_public_pack(
    built: tuple[Path, str],
) -> None:
    """The shapes appendix: a stamp's look, a pattern, a turned picture and an oval each hide
    red; the private pack keeps it all, the public pack none of it."""
    out, _ = built
    assert _red(_pack(out, "private")) > 4 * 10_000
    assert _red(_pack(out, "public")) == 0


def test_the_public_pack_holds_no_metadata_inside_photos(built: tuple[Path, str]) -> None:
    out, _ = built
    for kind, holds in (("public", False), ("private", True)):
        with Pdf.open(_pack(out, kind)) as pack:
            jpegs = [
                x.read_raw_bytes()
                for x in pack.objects
                if isinstance(x, Stream) and x.get("/Filter") == Name.DCTDecode
            ]
        photo = [j for j in jpegs if b"SECRET" in j or b"JFIF" in j]
        assert photo
        assert any(b"SECRET" in j for j in jpegs) is holds, kind
        marked = [b"Exif\x00" in j or b"\xff\xfe" in j[: j.find(b"\xff\xda")] for j in jpegs]
        assert any(marked) is holds, kind


def test_the_public_pages_look_as_the_private_ones(built: tuple[Path, str]) -> None:
    """The public item's pages are the same pages in both packs: drawn alike."""
    out, _ = built
    public, private = _pack(out, "public"), _pack(out, "private")
    pages = len(PdfReader(public).pages)
    compared = 0
    for page in range(2, pages + 1):
        text = PdfReader(public).pages[page - 1].extract_text()
        if not any(w in text.lower() for w in ("evaluation of tenders", "photo", "shapes")):
            continue
        assert _looks_the_same(_drawn(public, page), _drawn(private, page)), page
        compared += 1
    assert compared >= 3


def test_the_build_says_what_it_left_out(built: tuple[Path, str]) -> None:
    _, stderr = built
    lines = stderr.splitlines()
    assert any("exported.pdf" in x and CROPPED in x for x in lines), stderr
    assert any("report.docx" in x and CROPPED in x for x in lines), stderr
    assert any("photo.pdf" in x and PHOTO_METADATA in x for x in lines), stderr
    assert any("shapes.pdf" in x and CROPPED in x for x in lines), stderr


# --- the warning for Word papers -----------------------------------------------------------------


def test_pictures_cropped_in_a_word_paper_are_counted(tmp_path: Path) -> None:
    """What the warning for a Word paper reads (`meeting.cropped_pictures`): Word's crop in a
    .docx, LibreOffice's in an .odt, and the crop control words of an .rtf."""
    import zipfile

    from packbuilder.meeting import cropped_pictures

    _cropped_in_word(tmp_path / "cropped.docx")
    whole = Document()
    whole.add_picture(io.BytesIO(_png()), width=Mm(50))
    whole.save(tmp_path / "whole.docx")
    for name, clip in (("cropped.odt", "2.5cm"), ("whole.odt", "0cm")):
        with zipfile.ZipFile(tmp_path / name, "w") as odt:
            props = f'<style:graphic-properties fo:clip="rect(0cm, {clip}, 0cm, 0cm)"/>'
            body = f"<office:document-content>{props}</office:document-content>"
            odt.writestr("content.xml", body)
            odt.writestr("styles.xml", "<office:document-styles/>")
    crop = rb"{\rtf1 {\pict\pngblip\picw100\pich50\piccropr1440 00}}"
    (tmp_path / "cropped.rtf").write_bytes(crop)
    (tmp_path / "whole.rtf").write_bytes(rb"{\rtf1 {\pict\pngblip\picw100\pich50\piccropr0 00}}")
    counts = {p.name: cropped_pictures(p) for p in sorted(tmp_path.iterdir())}
    assert counts == {
        "cropped.docx": 1, "cropped.odt": 1, "cropped.rtf": 1,
        "whole.docx": 0, "whole.odt": 0, "whole.rtf": 0,
    }  # fmt: skip


def _png() -> bytes:
    out = io.BytesIO()
    _screenshot(100, 50).save(out, "PNG")
    return out.getvalue()


def test_check_refuses_a_public_paper_whose_picture_cannot_be_cut_as_the_build_does(
    tmp_path: Path,
) -> None:
    """The pictures helper's gap: a picture shown in part that a public pack cannot cut down
    (here a JPEG 2000) was refused only as the public pack was assembled, so `check` passed a
    meeting `build` refused. The paper's checks learn it: `check` refuses it the same way,
    naming the page; under an exempt item (a private pack keeps it whole) it is fine."""
    from tests.factory import make_meeting, run_cli

    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200))
    image.write(b"\x00\x00\x00\x0cjP  \r\n\x87\n", filter=Name.JPXDecode)
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": image}, pdf)
    for exempt in (None, 3):
        item = {"title": "Scores", "papers": ["scores.pdf"]}
        if exempt:
            item["exempt paragraph"] = exempt
        folder = make_meeting(tmp_path / f"m{exempt}", items=[{"title": "Minutes"}, item])
        pdf.save(folder / "scores.pdf")
        result = run_cli("check", folder.name, cwd=tmp_path)
        if exempt:
            assert "scores.pdf, page 1" not in result.stderr, result.stderr
        else:
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert "scores.pdf, page 1: page 1 shows only part of a picture (a JPEG 2000" in (
                result.stderr
            )


# --- pictures drawn elsewhere than by a page: looks of annotations, patterns, glyphs -------------
#
# Each picture here is grey where it shows and pure red where it never can: after a public pack
# is made, no picture the file holds may have red left in it (`_red`, read back by pikepdf's
# decoder), and the page must look the same.

GREY, RED = (128, 128, 128), (255, 0, 0)


def _marked(width: int, height: int, shows: object) -> Image.Image:
    """A grey picture, red wherever `shows(x, y)` (a pixel's centre) is false."""
    grid = np.indices((height, width)).astype(float) + 0.5
    inside = np.asarray(shows(grid[1], grid[0]), dtype=bool)
    pixels = np.where(inside[..., None], np.array(GREY, np.uint8), np.array(RED, np.uint8))
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def _left_grey(width: int, height: int, part: float = 0.5) -> Image.Image:
    """Grey on the left `part` (and 3 pixels more), red on the rest."""
    return _marked(width, height, lambda x, y: x < width * part + 3)


def _red(path: Path) -> int:
    """How many pixels of all the pictures in `path` are red (a JPEG's near enough); the photo
    of the metadata tests (64 x 48, a red square in it) aside."""
    count = 0
    with Pdf.open(path) as read:
        for obj in read.objects:
            if not (isinstance(obj, Stream) and obj.get("/Subtype") == Name.Image):
                continue
            if (obj.get("/Width"), obj.get("/Height")) == (64, 48):
                continue
            if obj.get("/ColorSpace") != Name.DeviceRGB:
                continue
            rgb = np.asarray(pikepdf.PdfImage(obj).as_pil_image().convert("RGB"), dtype=int)
            red = (rgb[..., 0] > 200) & (rgb[..., 1] < 70) & (rgb[..., 2] < 70)
            count += int(red.sum())
    return count


def _form(
    pdf: Pdf, draws: bytes, bbox: list[float], resources: Dictionary, **keys: object
) -> Stream:
    form = Stream(pdf, draws)
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array(bbox)
    form.Resources = resources
    for key, value in keys.items():
        form[f"/{key}"] = value
    return pdf.make_indirect(form)


def _cut_and_same(
    tmp_path: Path, pdf: Pdf, *, jpeg_tolerant: bool = False, what: str = CROPPED
) -> Path:
    """`pdf` made public: it was said to be cut (or covered ...: `what`), no red is left, and
    the page looks the same."""
    said, before, after = _cleaned(tmp_path, pdf)
    assert _red(before) > 0  # (the test's own premise)
    assert what in said, said
    assert _red(after) == 0
    assert _looks_the_same(_drawn(before), _drawn(after))
    return after


def _annotated(pdf: Pdf, ap: Dictionary, rect: list[float], flags: int = 4, **keys: object) -> Pdf:
    page = pdf.add_blank_page(page_size=(595, 842))
    annot = Dictionary(Type=Name.Annot, Subtype=Name.Stamp, Rect=Array(rect), AP=ap, F=flags)
    for key, value in keys.items():
        annot[f"/{key}"] = value
    page.obj.Annots = Array([pdf.make_indirect(annot)])
    return pdf


@pytest.mark.parametrize("jpeg", [False, True], ids=["flate", "jpeg"])
@pytest.mark.parametrize("which", ["N", "R", "D", "N-state"])
def test_a_picture_an_annotations_look_crops_is_cut(tmp_path: Path, which: str, jpeg: bool) -> None:
    """A stamp whose look (or a look of one of its states) is a picture cropped by the look's
    box: its right half never shows. Its looks on the mouse or pressed (R, D) are not cut but
    left out of a public pack whole (`sanitize._unseen_looks`): the hidden half goes too."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200), jpeg=jpeg)
    look = _form(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 200, 200],
                 Dictionary(XObject=Dictionary(I=image)))  # fmt: skip
    normal = _form(pdf, b"", [0, 0, 200, 200], Dictionary())
    kind, _, state = which.partition("-")
    ap = Dictionary(N=normal)
    ap[f"/{kind}"] = Dictionary(On=look) if state else look
    _annotated(pdf, ap, [100, 400, 300, 600], **({"AS": Name.On} if state else {}))
    said, before, after = _cleaned(tmp_path, pdf)
    assert (CROPPED in said) is (kind == "N")
    assert _red(before) > 0 and _red(after) == 0
    assert _looks_the_same(_drawn(before), _drawn(after))
    with Pdf.open(after) as read:
        assert list(read.pages[0].Annots[0].AP.keys()) == ["/N"]  # (R, D: gone)


def test_a_look_turned_and_scaled_to_its_rectangle_is_cut_to_what_shows(tmp_path: Path) -> None:
    """The look's matrix turns it a quarter; its box, so turned, is scaled to the annotation's
    rectangle (PDF 32000 12.5.5): what shows is still the box's part of the picture."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    turned = Array([0, 1, -1, 0, 0, 0])
    look = _form(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 200, 200],
                 Dictionary(XObject=Dictionary(I=image)), Matrix=turned)  # fmt: skip
    _annotated(pdf, Dictionary(N=look), [100, 300, 400, 600])
    after = _cut_and_same(tmp_path, pdf)
    (picture,) = _pictures_anywhere(after)
    assert picture[0] <= 202, picture


def _pictures_anywhere(path: Path) -> list[tuple[int, int]]:
    with Pdf.open(path) as read:
        return [
            (int(x.Width), int(x.Height))
            for x in read.objects
            if isinstance(x, Stream) and x.get("/Subtype") == Name.Image
        ]


def test_a_photo_an_annotation_shows_whole_is_left_alone(tmp_path: Path) -> None:
    """The common case: a stamp that is a plain photo. Nothing hidden: neither cut nor refused."""
    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200), jpeg=True)
    look = _form(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 400, 200],
                 Dictionary(XObject=Dictionary(I=image)))  # fmt: skip
    _annotated(pdf, Dictionary(N=look), [100, 400, 300, 500])
    said, _before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said
    assert _pictures_anywhere(after) == [(400, 200)]


def _tiling(pdf: Pdf, draws: bytes, bbox: list[float], image: Stream, **keys: object) -> Stream:
    pattern = Stream(pdf, draws)
    pattern.PatternType, pattern.PaintType, pattern.TilingType = 1, 1, 1
    pattern.BBox, pattern.XStep, pattern.YStep = Array(bbox), 1000, 1000
    pattern.Resources = Dictionary(XObject=Dictionary(I=image))
    for key, value in keys.items():
        pattern[f"/{key}"] = value
    return pdf.make_indirect(pattern)


@pytest.mark.parametrize("where", ["page", "form", "stroke", "matrix"])
def test_a_picture_a_tiling_patterns_cell_crops_is_cut(tmp_path: Path, where: str) -> None:
    """A pattern whose cell is a picture cut off by the cell's box, used to fill (or stroke) a
    shape on the page or in a drawing; its matrix places it on the page."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    keys = {"Matrix": Array([0.5, 0, 0, 0.5, 100, 300])} if where == "matrix" else {}
    pattern = _tiling(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 200, 200], image, **keys)
    paint = (
        b"/Pattern CS /P0 SCN 40 w 150 450 m 250 450 l S"
        if where == "stroke"
        else b"/Pattern cs /P0 scn 0 0 595 842 re f"
    )
    resources = Dictionary(Pattern=Dictionary(P0=pattern))
    page = pdf.add_blank_page(page_size=(595, 842))
    if where == "form":
        form = _form(pdf, paint, [0, 0, 595, 842], resources)
        page.obj.Resources = Dictionary(XObject=Dictionary(F=form))
        page.obj.Contents = pdf.make_stream(b"/F Do")
    else:
        page.obj.Resources = resources
        page.obj.Contents = pdf.make_stream(paint)
    _cut_and_same(tmp_path, pdf)


def test_a_photo_a_pattern_repeats_whole_is_left_alone(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _screenshot(400, 200))
    pattern = _tiling(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 400, 200], image)
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = Dictionary(Pattern=Dictionary(P0=pattern))
    page.obj.Contents = pdf.make_stream(b"/Pattern cs /P0 scn 0 0 595 842 re f")
    said, _before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said
    assert _pictures_anywhere(after) == [(400, 200)]


def test_a_picture_a_type3_glyph_crops_is_cut(tmp_path: Path) -> None:
    """A Type 3 font's glyph drawing a picture through a clipping rectangle."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    glyph = pdf.make_stream(b"1000 0 d0 q 0 0 500 500 re W n q 1000 0 0 500 0 0 cm /I Do Q Q")
    font = Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=Array([0, 0, 1000, 500]),
        FontMatrix=Array([0.001, 0, 0, 0.001, 0, 0]), CharProcs=Dictionary(a=glyph),
        Encoding=Dictionary(Type=Name.Encoding, Differences=Array([97, Name.a])),
        FirstChar=97, LastChar=97, Widths=Array([1000]),
        Resources=Dictionary(XObject=Dictionary(I=image)),
    )  # fmt: skip
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = Dictionary(Font=Dictionary(T3=pdf.make_indirect(font)))
    page.obj.Contents = pdf.make_stream(b"BT /T3 200 Tf 100 400 Td (a) Tj ET")
    _cut_and_same(tmp_path, pdf)


def test_a_picture_also_used_where_what_shows_is_unknown_is_refused() -> None:
    """Cropped on the page, and the soft mask of another picture drawn whole: the part the crop
    hides shows through that picture, and it cannot be cut in its place. Refused, naming the
    page (and `check` learns it on the trial run)."""
    pdf = pikepdf.new()
    mask = Stream(pdf, zlib.compress(bytes(range(200)) * 100))
    mask.Filter, mask.Type, mask.Subtype = Name.FlateDecode, Name.XObject, Name.Image
    mask.Width, mask.Height, mask.ColorSpace, mask.BitsPerComponent = 200, 100, Name.DeviceGray, 8
    mask = pdf.make_indirect(mask)
    photo = _image(pdf, _screenshot(200, 100))
    photo.SMask = mask
    _one_page(b"q 50 400 50 50 re W n q 200 0 0 100 50 400 cm /M Do Q Q "
              b"q 200 0 0 100 50 100 cm /P Do Q", {"M": mask, "P": photo}, pdf)  # fmt: skip
    refused: list[PictureRefused] = []
    assert CROPPED in sanitize(pdf, public=True, trial=True, refused=refused)
    assert refused and refused[0].page == 1
    with pytest.raises(PictureRefused) as caught:
        sanitize(pdf, public=True)
    assert caught.value.page == 1


def test_a_picture_something_left_out_of_the_pack_refers_to_is_cut(tmp_path: Path) -> None:
    """A drawing the page lists but never draws (left over after an edit: a public pack leaves
    it out) that names the picture does not stop it being cut, nor makes the paper refused."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    unused = _form(pdf, b"q 400 0 0 200 0 0 cm /I Do Q", [0, 0, 400, 200],
                   Dictionary(XObject=Dictionary(I=image)))  # fmt: skip
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": image, "Fm9": unused}, pdf)
    _cut_and_same(tmp_path, pdf)


def test_a_picture_the_structure_tree_names_is_cut_not_refused(tmp_path: Path) -> None:
    """A tagged PDF may name a picture from its structure tree (an object reference, OBJR, for
    a figure with /StructParent): that says what the picture is, draws nothing."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    image.StructParent = 0
    _one_page(CLIPPED_TO_LEFT_HALF, {"Im0": image}, pdf)
    page = pdf.pages[0].obj
    objr = pdf.make_indirect(Dictionary(Type=Name("/OBJR"), Obj=image, Pg=page))
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    figure = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Figure, P=root, K=objr))
    root.K = figure
    root.ParentTree = Dictionary(Nums=Array([0, figure]))
    pdf.Root.StructTreeRoot = root
    _cut_and_same(tmp_path, pdf)


# --- turned, slanted and oval crops --------------------------------------------------------------


def _turn(degrees: float, scale_x: float, scale_y: float, x: float, y: float) -> bytes:
    import math

    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return b"%.6f %.6f %.6f %.6f %.6f %.6f cm" % (
        scale_x * c, scale_x * s, -scale_y * s, scale_y * c, x, y
    )  # fmt: skip


@pytest.mark.parametrize("jpeg", [False, True], ids=["flate", "jpeg"])
def test_a_turned_picture_cropped_and_turned_with_its_crop_keeps_only_what_shows(
    tmp_path: Path, jpeg: bool
) -> None:
    """As Word draws a cropped picture turned 45 degrees: the picture and its window turned
    alike. Its left quarter shows: about a quarter of its columns are kept (not half)."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200, 0.25), jpeg=jpeg)
    turn = _turn(45, 1, 1, 300, 300)
    draws = b"q " + turn + b" 0 0 50 100 re W n q 200 0 0 100 0 0 cm /Im0 Do Q Q"
    _one_page(draws, {"Im0": image}, pdf)
    after = _cut_and_same(tmp_path, pdf)
    ((width, height),) = _pictures_anywhere(after)
    assert width <= 102 and height == 200


@pytest.mark.parametrize("angle", [30, 45])
def test_a_turned_picture_seen_through_an_upright_window_keeps_no_hidden_corner(
    tmp_path: Path, angle: int
) -> None:
    """An upright window over a turned picture: in the picture it is a turned square, and the
    corners of the box around it never show. They are blanked, not kept."""
    import math

    pdf = pikepdf.new()
    size = 400
    a = math.radians(angle)
    # the window, in the picture's pixels: a square of side 140 at the picture's centre, turned
    centre = size / 2

    def shows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        dx, dy = x - centre, centre - y  # (y up, as on the page)
        u = dx * math.cos(a) - dy * math.sin(a)  # back into the page's upright frame
        v = dx * math.sin(a) + dy * math.cos(a)
        return (np.abs(u) < 70 + 4) & (np.abs(v) < 70 + 4)

    image = _image(pdf, _marked(size, size, shows))
    # the picture: 400 points square, centred at (297, 421), turned by `angle`
    c, s = math.cos(a), math.sin(a)
    x0 = 297 - (c * size - s * size) / 2
    y0 = 421 - (s * size + c * size) / 2
    place = b"%.6f %.6f %.6f %.6f %.6f %.6f cm" % (size * c, size * s, -size * s, size * c, x0, y0)
    draws = b"q 227 351 140 140 re W n q " + place + b" /Im0 Do Q Q"
    _one_page(draws, {"Im0": image}, pdf)
    _cut_and_same(tmp_path, pdf)


def _oval(x: float, y: float, w: float, h: float) -> bytes:
    """An oval in the box (x, y, w, h), as four Bezier curves (as Word and LibreOffice draw it)."""
    k = 0.5523
    cx, cy, rx, ry = x + w / 2, y + h / 2, w / 2, h / 2
    curves = [
        (cx + rx, cy + k * ry, cx + k * rx, cy + ry, cx, cy + ry),
        (cx - k * rx, cy + ry, cx - rx, cy + k * ry, cx - rx, cy),
        (cx - rx, cy - k * ry, cx - k * rx, cy - ry, cx, cy - ry),
        (cx + k * rx, cy - ry, cx + rx, cy - k * ry, cx + rx, cy),
    ]
    return b" ".join(
        [b"%.3f %.3f m" % (cx + rx, cy)]
        + [b"%.3f %.3f %.3f %.3f %.3f %.3f c" % c for c in curves]
        + [b"h"]
    )  # fmt: skip


@pytest.mark.parametrize("jpeg", [False, True], ids=["flate", "jpeg"])
def test_a_picture_cropped_to_an_oval_keeps_no_hidden_corner(tmp_path: Path, jpeg: bool) -> None:
    """A portrait cropped to an oval (Word's *Crop to Shape*): the corners never show."""
    pdf = pikepdf.new()
    w, h = 600, 400

    def shows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return ((x - w / 2) / (w / 2 + 6)) ** 2 + ((y - h / 2) / (h / 2 + 6)) ** 2 < 1

    image = _image(pdf, _marked(w, h, shows), jpeg=jpeg, mask=True)
    draws = b"q " + _oval(100, 400, 300, 200) + b" W n q 300 0 0 200 100 400 cm /Im0 Do Q Q"
    _one_page(draws, {"Im0": image}, pdf)
    _cut_and_same(tmp_path, pdf)
    said, _before, after = _cleaned(tmp_path, pdf)
    with Pdf.open(after) as read:
        (smask,) = [
            x for x in read.objects
            if isinstance(x, Stream) and x.get("/ColorSpace") == Name.DeviceGray
        ]  # fmt: skip
        alpha = np.asarray(pikepdf.PdfImage(smask).as_pil_image())
    assert alpha[0, 0] == 0 and alpha[alpha.shape[0] // 2, alpha.shape[1] // 2] == 255


# --- inline photos -------------------------------------------------------------------------------


def _inline_photo(filters: bytes = b"/DCT", data: bytes | None = None) -> bytes:
    data = _photo_with_metadata() if data is None else data
    return b"BI /W 64 /H 48 /BPC 8 /CS /RGB /F " + filters + b" ID " + data + b"\nEI"


@pytest.mark.parametrize("where", ["page", "form"])
def test_an_inline_photo_shown_whole_loses_its_metadata(tmp_path: Path, where: str) -> None:
    """A photo written inside the page's instructions (``BI ... ID ... EI``), not cropped."""
    pdf = pikepdf.new()
    draws = b"q 320 0 0 240 72 400 cm " + _inline_photo() + b" Q"
    if where == "form":
        form = _form(pdf, draws, [0, 0, 595, 842], Dictionary())
        _one_page(b"/F Do", {"F": form}, pdf)
    else:
        _one_page(draws, {}, pdf)
    assert PHOTO_METADATA in sanitize(pdf, public=True, trial=True)
    said, before, after = _cleaned(tmp_path, pdf)
    assert PHOTO_METADATA in said
    assert _streams_hold(before, b"SECRET")  # (the test's premise)
    assert not _streams_hold(after, b"SECRET") and not _streams_hold(after, b"Exif")
    assert _looks_the_same(_drawn(before), _drawn(after))
    with Pdf.open(before) as private:
        assert PHOTO_METADATA not in sanitize(private, public=False)


def _streams_hold(path: Path, secret: bytes) -> bool:
    with Pdf.open(path) as read:
        return any(secret in x.read_bytes() for x in read.objects if isinstance(x, Stream))


def test_an_inline_photo_whose_metadata_cannot_be_taken_out_is_refused() -> None:
    """Written in hexadecimal: its bytes are not the JPEG's, so not cut out as they are."""
    pdf = pikepdf.new()
    hexed = _photo_with_metadata().hex().encode() + b">"
    inline = _inline_photo(b"[/AHx /DCT]", hexed)
    _one_page(b"q 320 0 0 240 72 400 cm " + inline + b" Q", {}, pdf)
    refused: list[PictureRefused] = []
    sanitize(pdf, public=True, trial=True, refused=refused)
    assert refused and refused[0].page == 1
    with pytest.raises(PictureRefused):
        sanitize(pdf, public=True)
    sanitize(pdf, public=False)  # (a private pack keeps it)


def test_an_inline_photo_without_metadata_is_left_alone(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(out, "JPEG")
    data = out.getvalue()
    _one_page(b"q 320 0 0 240 72 400 cm " + _inline_photo(data=data) + b" Q", {}, pdf)
    said, _before, _after = _cleaned(tmp_path, pdf)
    assert PHOTO_METADATA not in said and CROPPED not in said


@pytest.mark.parametrize("kind", ["elsewhere", "inline-metadata", "inline-covered", "letters"])
def test_check_refuses_the_new_kinds_of_refused_picture_as_the_build_does(
    tmp_path: Path, kind: str
) -> None:
    """A picture cropped on the page and also another's soft mask, and an inline photo whose
    metadata cannot be taken out: `check` refuses the paper (naming the page) as `build` does."""
    pdf = pikepdf.new()
    if kind == "elsewhere":
        mask = _image(pdf, _screenshot(200, 100).convert("L"))
        mask.write(zlib.compress(_screenshot(200, 100).convert("L").tobytes()),
                   filter=Name.FlateDecode)  # fmt: skip
        mask.ColorSpace = Name.DeviceGray
        photo = _image(pdf, _screenshot(200, 100))
        photo.SMask = mask
        _one_page(b"q 50 400 50 50 re W n q 200 0 0 100 50 400 cm /M Do Q Q "
                  b"q 200 0 0 100 50 100 cm /P Do Q", {"M": mask, "P": photo}, pdf)  # fmt: skip
        said = "page 1 shows only part of a picture (a picture also drawn from where"
    elif kind == "inline-covered":
        _one_page(b"q 400 0 0 200 72 500 cm " + _inline_red() + b" Q " + OVER_RIGHT, {}, pdf)
        said = "page 1 has a box drawn over part of a picture written inside its drawing"
    elif kind == "letters":
        _lettered(pdf, PICTURE_AT)
        said = "page 1 shows a picture only through letters (text used as a clipping path)"
    else:
        hexed = _photo_with_metadata().hex().encode() + b">"
        _one_page(b"q 320 0 0 240 72 400 cm " + _inline_photo(b"[/AHx /DCT]", hexed) + b" Q",
                  {}, pdf)  # fmt: skip
        said = "page 1 holds a photo written inside its drawing instructions"
    folder = make_meeting(tmp_path / "m", items=[{"title": "Scores", "papers": ["scores.pdf"]}])
    pdf.save(folder / "scores.pdf")
    for command in ("check", "build"):
        result = run_cli(command, folder.name, "--output", "out", cwd=tmp_path) if (
            command == "build") else run_cli(command, folder.name, cwd=tmp_path)  # fmt: skip
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"scores.pdf, page 1: {said}" in result.stderr, result.stderr


# --- what is drawn over a picture ----------------------------------------------------------------
# A box filled over part of a screenshot (a redaction by drawing) hides that part on the page, but
# the file holds it. The picture is grey on its left half (and 3 pixels more), red on the rest; a
# box covers the right half: no red may be left, and the page must look the same.

PICTURE_AT = b"q 400 0 0 200 72 500 cm /Im0 Do Q "
OVER_RIGHT = b"0 0 0 rg 272 500 200 200 re f"


@pytest.mark.parametrize("jpeg", [False, True], ids=["flate", "jpeg"])
@pytest.mark.parametrize(
    "over",
    [
        OVER_RIGHT,
        b"0 0 0 rg 272 500 m 472 500 l 472 700 l 272 700 l h f*",  # a polygon, even-odd
        b"1 1 1 rg 260 490 220 220 re B",  # white, filled and stroked, larger than the picture
        b"q 0.5 0 0 0.5 272 500 cm 0 0 0 rg 0 0 400 400 re f Q",  # scaled
        b"/GS1 gs 0 0 0 rg 272 500 200 200 re f",  # a graphics state that changes nothing
        b"0 0 0 rg 10 10 20 20 re 272 500 200 200 re f",  # two parts far apart
        b"q 1 0 0 1 272 500 cm /Box Do Q",  # in a drawing
        b"q 200 0 0 200 272 500 cm /Cover Do Q",  # an opaque picture drawn over it
        # a circle (curves) around the right half
        b"0 0 0 rg 522 600 m 522 683 455 750 372 750 c 289 750 222 683 222 600 c "
        b"222 517 289 450 372 450 c 455 450 522 517 522 600 c f",
    ],
    ids=["box", "polygon", "white", "scaled", "state", "two-parts", "drawing", "picture", "oval"],
)
def test_a_part_of_a_picture_an_opaque_shape_covers_is_blanked(
    tmp_path: Path, over: bytes, jpeg: bool
) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200), jpeg=jpeg)
    box = _form(pdf, b"0 0 0 rg 0 0 200 200 re f", [0, 0, 200, 200], Dictionary())
    cover = _image(pdf, Image.new("RGB", (20, 20), (0, 0, 255)))
    _one_page(PICTURE_AT + over, {"Im0": image, "Box": box, "Cover": cover}, pdf)
    pdf.pages[0].obj.Resources.ExtGState = Dictionary(
        GS1=Dictionary(ca=1, CA=0.5, BM=Name.Normal, SMask=Name("/None"), LW=3)
    )
    after = _cut_and_same(tmp_path, pdf, jpeg_tolerant=jpeg, what=COVERED)
    _looks_the_same(_drawn(tmp_path / "before.pdf", 1), _drawn(after, 1))


def _rendered(path: Path, dpi: int) -> np.ndarray:
    png = subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(path)],
                         check=True, capture_output=True).stdout  # fmt: skip
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_a_covered_picture_looks_the_same_at_150_dpi(tmp_path: Path) -> None:
    """Pixel for pixel, what was blanked being wholly under the box; but for the box's own
    edge, where poppler lets the picture peek out (it draws the picture to whole pixels and
    smooths the box's edge): a red fringe there before, which now shows the blank instead."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(PICTURE_AT + OVER_RIGHT, {"Im0": image}, pdf)
    _, before, after = _cleaned(tmp_path, pdf)
    assert _red(after) == 0
    for dpi in (50, 150):
        was, now = _rendered(before, dpi), _rendered(after, dpi)
        rows, columns = np.indices(was.shape[:2]) * 72 / dpi  # (points, from the top left)
        near = 2 * 72 / dpi

        def inside(lo: float, hi: float, v: np.ndarray, near: float = near) -> np.ndarray:
            return (v > lo - near) & (v < hi + near)

        ring = inside(272, 472, columns) & inside(842 - 700, 842 - 500, rows) & ~(
            inside(272 + 2 * near, 472 - 2 * near, columns)
            & inside(142 + 2 * near, 342 - 2 * near, rows)
        )
        assert np.array_equal(was[~ring], now[~ring])
        assert (was[ring][:, 0] > was[ring][:, 1] + 40).any()  # (the fringe, before)


@pytest.mark.parametrize(
    ("over", "state"),
    [
        (b"/GS0 gs " + OVER_RIGHT, Dictionary(ca=0.5)),  # see-through
        (b"/GS0 gs " + OVER_RIGHT, Dictionary(BM=Name.Multiply)),  # blended
        (b"/GS0 gs " + OVER_RIGHT, Dictionary(SMask=Dictionary(S=Name.Luminosity))),
        (b"/GS0 gs " + OVER_RIGHT, Dictionary(op=True, OPM=1)),  # overprinted
        (b"/Pattern cs /P0 scn 272 500 200 200 re f", Dictionary()),  # a pattern's cells
        (b"/CS0 cs 1 scn 272 500 200 200 re f", Dictionary()),  # a colourant of none
        (b"0 0 0 rg 272 500 200 200 re S", Dictionary()),  # stroked, not filled
        (b"BT /F1 200 Tf 7 Tr 300 500 Td (I) Tj ET " + OVER_RIGHT, Dictionary()),  # letters clip
        (b"q /GS0 gs q 1 0 0 1 272 500 cm /Box Do Q Q", Dictionary(ca=0.5)),  # drawing see-through
        (b"BT /F1 300 Tf 272 500 Td (\xdb\xdb) Tj ET", Dictionary()),  # text is no box
    ],
    ids=["alpha", "blend", "soft-mask", "overprint", "pattern", "none", "stroke",
         "text-clip", "drawing-alpha", "text"],  # fmt: skip
)
def test_a_shape_that_may_let_the_picture_show_through_covers_nothing(
    tmp_path: Path, over: bytes, state: Dictionary
) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    box = _form(pdf, b"0 0 0 rg 0 0 200 200 re f", [0, 0, 200, 200], Dictionary())
    _one_page(PICTURE_AT + over, {"Im0": image, "Box": box}, pdf)
    cell = _form(pdf, b"0 0 0 rg 0 0 2 2 re f", [0, 0, 4, 4], Dictionary(),
                 PatternType=1, PaintType=1, TilingType=1, XStep=4, YStep=4)  # fmt: skip
    pdf.pages[0].obj.Resources.ExtGState = Dictionary(GS0=state)
    pdf.pages[0].obj.Resources.Pattern = Dictionary(P0=cell)
    pdf.pages[0].obj.Resources.ColorSpace = Dictionary(
        CS0=Array([Name.Separation, Name("/None"), Name.DeviceGray,
                   Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[0], N=1)])  # fmt: skip
    )
    pdf.pages[0].obj.Resources.Font = Dictionary(
        F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    said, before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said and COVERED not in said
    assert _red(after) == _red(before) > 0


def test_a_shape_drawn_before_the_picture_covers_nothing(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(OVER_RIGHT + b" " + PICTURE_AT, {"Im0": image}, pdf)
    said, before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said and _red(after) == _red(before) > 0


def test_a_picture_covered_where_drawn_once_and_shown_where_drawn_again_keeps_it(
    tmp_path: Path,
) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(PICTURE_AT + OVER_RIGHT + b" q 400 0 0 200 72 100 cm /Im0 Do Q", {"Im0": image}, pdf)
    said, before, after = _cleaned(tmp_path, pdf)
    assert CROPPED not in said and _red(after) == _red(before) > 0


# --- what a picture's own mask hides -------------------------------------------------------------
# The right half of the picture never shows (its soft mask makes it transparent, its stencil mask
# masks it out, or its colour key does); it is red but for 3 pixels next to the left half, grey
# (the pixel next to what shows is kept: a viewer smoothing the picture mixes it in).


def _masked_picture(pdf: Pdf, how: str, jpeg: bool) -> Stream:
    picture = _left_grey(400, 200)
    image = _image(pdf, picture, jpeg=jpeg)
    shows = np.arange(400)[None, :].repeat(200, 0) < 200  # (the left half: grey)
    if how in ("soft", "soft-small", "soft-16"):
        alpha = np.where(shows, 255, 0).astype(np.uint8)
        if how == "soft-small":  # (a mask of another size: 100 x 50, transparent from 48 on)
            alpha = np.where(np.arange(100)[None, :] < 48, 255, 0).repeat(50, 0).astype(np.uint8)
        data = alpha.astype(">u2").tobytes() if how == "soft-16" else alpha.tobytes()
        mask = Stream(pdf, zlib.compress(data if how != "soft-16" else
                                         (alpha.astype(">u2") * 257).tobytes()))  # fmt: skip
        mask.Filter = Name.FlateDecode
        mask.Type, mask.Subtype = Name.XObject, Name.Image
        mask.Height, mask.Width = alpha.shape
        mask.ColorSpace = Name.DeviceGray
        mask.BitsPerComponent = 16 if how == "soft-16" else 8
        image.SMask = pdf.make_indirect(mask)
    elif how in ("stencil", "stencil-decode"):
        bits = ~shows if how == "stencil" else shows  # (1 masks out; Decode [1 0] turns it)
        mask = Stream(pdf, zlib.compress(np.packbits(bits, axis=1).tobytes()))
        mask.Filter = Name.FlateDecode
        mask.Type, mask.Subtype, mask.ImageMask = Name.XObject, Name.Image, True
        mask.Height, mask.Width = bits.shape
        if how == "stencil-decode":
            mask.Decode = Array([1, 0])
        image.Mask = pdf.make_indirect(mask)
    else:  # a colour key: every red (R 200-255, little green or blue) masked out
        image.Mask = Array([200, 255, 0, 40, 0, 40])
    return image


@pytest.mark.parametrize(
    ("how", "jpeg"),
    [("soft", False), ("soft", True), ("soft-small", False), ("soft-16", False),
     ("stencil", False), ("stencil-decode", False), ("key", False)],  # fmt: skip
)
def test_a_part_of_a_picture_its_mask_hides_is_blanked(
    tmp_path: Path, how: str, jpeg: bool
) -> None:
    pdf = pikepdf.new()
    image = _masked_picture(pdf, how, jpeg)
    _one_page(b"0 0 1 rg 50 450 500 300 re f " + PICTURE_AT, {"Im0": image}, pdf)
    said, before, after = _cleaned(tmp_path, pdf)
    assert _red(before) > 0
    assert MASKED in said and CROPPED not in said and COVERED not in said, said
    # (a colour key masks out by colour: the pixel next to what shows, kept, is one it masks;
    # the others, blanked to the key's lowest colour, stay masked out)
    assert _red(after) == (200 if how == "key" else 0)
    for dpi in (50, 150):
        assert np.array_equal(_rendered(before, dpi), _rendered(after, dpi)) or (
            jpeg and _looks_the_same(_drawn(before), _drawn(after))
        )


def test_a_jpeg_with_a_colour_key_hiding_a_part_is_refused() -> None:
    pdf = pikepdf.new()
    image = _masked_picture(pdf, "key", jpeg=True)
    _one_page(PICTURE_AT, {"Im0": image}, pdf)
    with pytest.raises(PictureRefused, match="colour-key"):
        cut_pictures(pdf, set(), object_texts(pdf))


# --- what got through before: an inline picture under a box, a comment's look over a picture, a
# picture seen through letters, a box with a hole or a dent, a shading painted over a picture


def _inline_red(width: int = 40, height: int = 20) -> bytes:
    """An inline picture (``BI ... ID ... EI``), grey on its left half, red on its right."""
    pixels = np.asarray(_left_grey(width, height, 0.5 - 3 / width), dtype=np.uint8)
    data = pixels.tobytes()
    return b"BI /W %d /H %d /BPC 8 /CS /RGB ID " % (width, height) + data + b"\nEI"


@pytest.mark.parametrize(
    ("draws", "refused"),
    [
        (b"q 400 0 0 200 72 500 cm %s Q " + OVER_RIGHT, True),  # a box over its right half
        (b"q 1 0 0 1 0 0 cm q 400 0 0 200 72 500 cm %s Q Q q /Box Do Q", True),  # in a drawing
        (b"q 400 0 0 200 72 500 cm %s Q 0 0 0 rg 72 100 200 200 re f", False),  # a box elsewhere
        (OVER_RIGHT + b" q 400 0 0 200 72 500 cm %s Q", False),  # a box drawn before
    ],
    ids=["covered", "covered-by-a-drawing", "box-elsewhere", "box-before"],
)
def test_an_inline_picture_under_a_box_is_refused(draws: bytes, refused: bool) -> None:
    """An inline picture is not cut (its bytes are inside the page's instructions): one with a
    box drawn over part of it is refused for a public pack, as a cropped one is."""
    pdf = pikepdf.new()
    box = _form(pdf, b"0 0 0 rg 272 500 200 200 re f", [0, 0, 595, 842], Dictionary())
    _one_page(draws.replace(b"%s", _inline_red()), {"Box": box}, pdf)
    if not refused:
        assert COVERED not in sanitize(pdf, public=True)
        return
    with pytest.raises(PictureRefused) as cannot:
        sanitize(pdf, public=True)
    assert (cannot.value.page, cannot.value.kind) == (1, INLINE_COVERED)
    assert COVERED in sanitize(pdf, public=True, trial=True)
    assert COVERED not in sanitize(pdf, public=False)


def _commented(pdf: Pdf, kind: str, look: bytes | None, **keys: object) -> None:
    """The page's first annotation: a comment of `kind` over the picture's right half, with
    `look` as its normal look (None: no look, its viewer draws it)."""
    annot = Dictionary(Type=Name.Annot, Subtype=Name(f"/{kind}"), Rect=Array([272, 500, 472, 700]),
                       F=4)  # fmt: skip
    if look is not None:
        annot.AP = Dictionary(N=_form(pdf, look, [0, 0, 200, 200], Dictionary()))
    for key, value in keys.items():
        annot[f"/{key}"] = value
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annot)])


@pytest.mark.parametrize(
    ("kind", "look", "keys"),
    [
        ("Square", b"0 0 0 rg 0 0 0 RG 0 0 200 200 re B", {"IC": Array([0, 0, 0])}),
        ("Polygon", b"0 g 0 0 m 200 0 l 200 200 l 0 200 l h f",
         {"Vertices": Array([272, 500, 472, 500, 472, 700, 272, 700]), "IC": Array([0])}),
        ("Ink", b"0 g 0 0 m 200 0 l 200 200 l 0 200 l f",
         {"InkList": Array([Array([272, 500, 472, 500, 472, 700, 272, 700])])}),
        ("FreeText", b"1 1 1 rg 0 0 200 200 re f 0 g BT /F1 12 Tf 5 5 Td (OK) Tj ET", {}),
        ("Square", None, {"IC": Array([0, 0, 0]), "BS": Dictionary(W=2)}),  # no look: drawn
    ],
    ids=["square", "polygon", "ink", "freetext", "square-without-look"],
)
def test_a_picture_under_an_opaque_comment_is_blanked(
    tmp_path: Path, kind: str, look: bytes | None, keys: dict
) -> None:
    """A "redaction" made as a comment: a filled box, polygon, ink or text box drawn over the
    picture. Comments are drawn after the page: what their look fills covers the picture."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(PICTURE_AT, {"Im0": image}, pdf)
    _commented(pdf, kind, look, **keys)
    said, before, after = _cleaned(tmp_path, pdf)
    assert _red(before) > 0 and COVERED in said, said
    if look is not None:
        assert _red(after) == 0
    else:  # (drawn by the viewer: only its inside, within the border, is sure to cover)
        with Pdf.open(after) as read:
            kept_picture = next(o for o in read.objects if isinstance(o, Stream)
                                and o.get("/Subtype") == Name.Image)  # fmt: skip
            rgb = np.asarray(pikepdf.PdfImage(kept_picture).as_pil_image().convert("RGB"))
        red = (rgb[..., 0] > 200) & (rgb[..., 1] < 70)
        assert red.any() and not red[5:-5, 205:-5].any()
    for dpi in (50, 150):
        _same_but_the_edge(before, after, dpi, (272, 500, 472, 700))


def _same_but_the_edge(before: Path, after: Path, dpi: int, box: tuple[int, ...]) -> None:
    """The pages drawn pixel for pixel alike, but within 2 pixels of `box`'s edge (points)."""
    was, now = _rendered(before, dpi), _rendered(after, dpi)
    rows, columns = np.indices(was.shape[:2]) * 72 / dpi
    near = 2 * 72 / dpi
    x0, y0, x1, y1 = box
    inside = (columns > x0 - near) & (columns < x1 + near) & (rows > 842 - y1 - near) & (
        rows < 842 - y0 + near)  # fmt: skip
    well_inside = (columns > x0 + near) & (columns < x1 - near) & (rows > 842 - y1 + near) & (
        rows < 842 - y0 - near)  # fmt: skip
    edge = inside & ~well_inside
    assert np.array_equal(was[~edge], now[~edge])


@pytest.mark.parametrize(
    "keys",
    [{"CA": 0.5}, {"F": 4 | 2}, {"F": 4 | 32}, {"F": 0}, {"BM": Name.Multiply},
     {"Subtype": Name.Polygon}, {"OC": Dictionary(Type=Name.OCG, Name="Layer")},
     {"Subtype": Name.Widget, "FT": Name.Tx}],  # fmt: skip
    ids=["see-through", "hidden", "no-view", "not-printed", "blended", "polygon-without-vertices",
         "layer", "form-field"],  # fmt: skip
)
def test_a_comment_that_lets_the_picture_show_covers_nothing(tmp_path: Path, keys: dict) -> None:
    """A comment see-through, never shown, not printed, blended, in a layer, or one that viewers
    do not draw (a polygon without its points), or a form field's look (drawn anew as it is
    filled in): what is under it may show."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(PICTURE_AT, {"Im0": image}, pdf)
    _commented(pdf, "Square", b"0 g 0 0 200 200 re f", **keys)
    if "FT" in keys:  # (a field: listed in the form, as viewers expect)
        pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.pages[0].obj.Annots[0]]))
        pdf.pages[0].obj.Annots[0].T = pikepdf.String("Name")
    said, before, after = _cleaned(tmp_path, pdf)
    assert COVERED not in said and _red(after) == _red(before) > 0


def _lettered(pdf: Pdf, picture: bytes) -> Pdf:
    """A page showing `picture` only through the letters "HI", 200 points high."""
    _one_page(b"q BT /F1 200 Tf 7 Tr 72 500 Td (HI) Tj ET " + picture + b"Q",
              {"Im0": _image(pdf, _left_grey(400, 200))}, pdf)  # fmt: skip
    pdf.pages[0].obj.Resources.Font = Dictionary(
        F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    return pdf


@pytest.mark.parametrize("how", ["xobject", "inline", "drawing", "letters-and-fill"])
def test_a_picture_shown_through_letters_is_refused(how: str) -> None:
    """Text in modes 4 to 7 clips what is drawn after it to its letters; packbuilder does not
    work out letters' outlines, so it refuses the picture rather than keep it whole."""
    pdf = pikepdf.new()
    picture = {
        "xobject": PICTURE_AT,
        "inline": b"q 400 0 0 200 72 500 cm " + _inline_red() + b" Q ",
        "drawing": b"/D Do ",
        "letters-and-fill": PICTURE_AT,
    }[how]
    _lettered(pdf, picture)
    if how == "drawing":
        resources = Dictionary(XObject=Dictionary(Im0=pdf.pages[0].obj.Resources.XObject.Im0))
        pdf.pages[0].obj.Resources.XObject.D = _form(pdf, PICTURE_AT, [0, 0, 595, 842], resources)
    if how == "letters-and-fill":  # (mode 6: filled and clipping)
        pdf.pages[0].obj.Contents = pdf.make_stream(
            b"q BT /F1 200 Tf 6 Tr 72 500 Td (HI) Tj ET " + picture + b"Q"
        )
    with pytest.raises(PictureRefused) as cannot:
        sanitize(pdf, public=True)
    assert (cannot.value.page, cannot.value.kind) == (1, LETTERS)
    sanitize(pdf, public=False)  # (a private pack keeps it)


@pytest.mark.parametrize(
    "draws",
    [
        b"q BT /F1 200 Tf 7 Tr 72 500 Td (HI) Tj ET Q " + PICTURE_AT,  # the clip ended by Q
        b"q BT /F1 200 Tf 7 Tr ET Q q BT 0 Tr 72 500 Td (HI) Tj ET " + PICTURE_AT + b"Q",
        b"q BT /F1 20 Tf 3 Tr 72 500 Td (OCR words) Tj ET " + PICTURE_AT + b"Q",  # invisible
    ],
    ids=["clip-ended", "no-letters-shown-in-clip-mode", "invisible-text"],
)
def test_a_picture_after_text_that_does_not_clip_it_is_not_refused(draws: bytes) -> None:
    pdf = pikepdf.new()
    _lettered(pdf, b"")
    pdf.pages[0].obj.Contents = pdf.make_stream(draws)
    sanitize(pdf, public=True)


FRAME = b"272 500 200 200 re 292 550 160 100 re"  # a box over the red half, a hole in it
HOLE = (20, 180, 50, 150)  # (in the red half's pixels, from its top left: x0, x1, y0, y1)


def _outside(x0: float, x1: float, y0: float, y1: float) -> object:
    return lambda x, y: ~((x > x0) & (x < x1) & (y > y0) & (y < y1))


@pytest.mark.parametrize(
    ("over", "covered"),
    [
        # a frame, even-odd: the ring covered, the hole not
        (b"0 0 0 rg " + FRAME + b" f*", _outside(*HOLE)),
        # the same frame by the nonzero rule, both parts drawn the same way round: no hole
        (b"0 0 0 rg " + FRAME + b" f", lambda x, y: x > -1),
        # ... the hole drawn the other way round: a hole again
        (b"0 0 0 rg 272 500 200 200 re 292 550 m 292 650 l 452 650 l 452 550 l h f",
         _outside(*HOLE)),  # fmt: skip
        # an L: the notch at the top right not covered
        (b"0 0 0 rg 272 500 m 472 500 l 472 600 l 372 600 l 372 700 l 272 700 l h f",
         _outside(100, 201, -1, 100)),  # fmt: skip
        # two overlapping boxes filled as one path
        (b"0 0 0 rg 272 500 120 200 re 352 500 120 200 re f", lambda x, y: x > -1),
        # a shading extended both ways, painted over the clip of the right half
        (b"q 272 500 200 200 re W n /Sh0 sh Q", lambda x, y: x > -1),
    ],
    ids=["frame-even-odd", "frame-nonzero", "frame-nonzero-reversed", "l-shape", "two-boxes",
         "shading"],  # fmt: skip
)
def test_a_box_with_a_hole_or_a_dent_covers_only_what_it_fills(
    tmp_path: Path, over: bytes, covered: object
) -> None:
    """What a filled path covers is what it fills by its own rule (PDF 32000 8.5.3.3): the
    red pixels under the fill are blanked (but the pixel next to what shows), the red ones in
    the hole or the notch stay, as they show; the page is the same but for the fill's smoothed
    edge."""
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(PICTURE_AT + over, {"Im0": image}, pdf)
    pdf.pages[0].obj.Resources.Shading = Dictionary(
        Sh0=Dictionary(ShadingType=2, ColorSpace=Name.DeviceRGB, Coords=Array([0, 0, 595, 0]),
                       Extend=Array([True, True]),
                       Function=Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0],
                                           C1=[0, 0, 1], N=1))  # fmt: skip
    )
    said, before, after = _cleaned(tmp_path, pdf)
    assert COVERED in said, said
    with Pdf.open(after) as read:
        kept_picture = next(o for o in read.objects if isinstance(o, Stream)
                            and o.get("/Subtype") == Name.Image)  # fmt: skip
        got = np.asarray(pikepdf.PdfImage(kept_picture).as_pil_image().convert("RGB"), dtype=int)
    assert got.shape == (200, 400, 3)
    red = (got[..., 0] > 200) & (got[..., 1] < 70)
    # (a pixel is a point: x, y from the top left of the red half, which starts at x = 3)
    grid = np.indices(red.shape).astype(float) + 0.5
    x, y = grid[1] - 200, grid[0]
    hidden = np.asarray(covered(x, y), dtype=bool) & (x > 0)
    assert red[~hidden & (x > 3)].all()  # every red pixel that shows is kept
    assert not red[hidden & ~_near(~hidden, 2)].any()  # those well under the fill are gone
    assert _red(after) < _red(before)
    was, now = _rendered(before, 150), _rendered(after, 150)
    assert (np.abs(was - now).max(axis=2) > 0).mean() < 0.01


def _near(area: np.ndarray, pixels: int) -> np.ndarray:
    out = area.copy()
    for _ in range(pixels):
        grown = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


@pytest.mark.parametrize(
    "shading",
    [
        {"ShadingType": 2, "Extend": Array([False, False])},  # paints between its two lines only
        {"ShadingType": 3, "Extend": Array([True, True])},  # a radial one: a cone, not the plane
        {"ShadingType": 2, "Extend": Array([True, True]), "Coords": Array([5, 5, 5, 5])},  # no axis
    ],
    ids=["axial-not-extended", "radial", "axial-without-an-axis"],
)
def test_a_shading_that_may_not_paint_the_whole_clip_covers_nothing(
    tmp_path: Path, shading: dict
) -> None:
    pdf = pikepdf.new()
    image = _image(pdf, _left_grey(400, 200))
    _one_page(PICTURE_AT + b"q 272 500 200 200 re W n /Sh0 sh Q", {"Im0": image}, pdf)
    coords = [300, 600, 310, 600] if shading["ShadingType"] == 2 else [300, 600, 5, 400, 600, 20]
    shading = {"Coords": Array(coords), **shading}
    pdf.pages[0].obj.Resources.Shading = Dictionary(
        Sh0=Dictionary(ColorSpace=Name.DeviceRGB,
                       Function=Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0],
                                           C1=[0, 0, 1], N=1), **shading)  # fmt: skip
    )
    said, before, after = _cleaned(tmp_path, pdf)
    assert COVERED not in said and _red(after) == _red(before) > 0
