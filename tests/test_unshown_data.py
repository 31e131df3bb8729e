"""What a public paper carries but never shows stays out of public packs (`sanitize._unshown`).

A page carries whatever its resources list, drawn or not: an exempt report's page pasted into a
public appendix as a drawing the page never draws passed every check that reads what pages show
(their text, their pictures), and reached the public pack whole, for anyone to draw again. So
did a page's thumbnail, an editor's private data, the page's own metadata and keys of no
standard meaning. Streams whose bytes are fetched from a file or a web address, a picture's
alternates and a drawing standing for another file's page go from every pack. Each pack is read
back by qpdf's uncompressed output and pypdf, readers independent of the code under test.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String
from pypdf import PdfReader

from packbuilder.sanitize import FETCHED, TIDIED, UNSHOWN, sanitize
from tests.factory import make_meeting, run_cli

SECRET = "Kestrel Safeguarding Associates tendered forty eight thousand pounds"


def _raw(pdf: Pdf, tmp_path: Path) -> bytes:
    saved = tmp_path / "saved.pdf"
    pdf.save(saved, compress_streams=False)
    out = tmp_path / "qdf.pdf"
    done = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(saved), str(out)],
        check=False,
        capture_output=True,
    )
    assert done.returncode in (0, 3), done.stderr  # (3: written, with warnings)
    return out.read_bytes()


def _font(pdf: Pdf) -> pikepdf.Object:
    return pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )


def _drawing(pdf: Pdf, text: str, resources: Dictionary | None = None) -> Stream:
    """A form (a drawing a page may draw) that writes `text`."""
    form = Stream(pdf, f"BT /F1 12 Tf 10 10 Td ({text}) Tj ET".encode())
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 500, 50])
    form.Resources = resources or Dictionary(Font=Dictionary(F1=_font(pdf)))
    return pdf.make_indirect(form)


def _page(pdf: Pdf, draws: str, xobjects: dict[str, pikepdf.Object]) -> pikepdf.Page:
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_indirect(Stream(pdf, draws.encode()))
    page.obj.Resources = Dictionary(XObject=Dictionary({f"/{k}": v for k, v in xobjects.items()}))
    return page


def test_a_drawing_no_page_draws_leaves_a_public_pack(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    shown = _drawing(pdf, "Shown on the page")
    _page(pdf, "q /Fx1 Do Q", {"Fx1": shown, "Fx0": _drawing(pdf, SECRET)})
    assert sanitize(pdf, public=True) == [UNSHOWN]
    raw = _raw(pdf, tmp_path)
    assert SECRET.encode() not in raw
    assert b"Shown on the page" in raw
    assert list(pdf.pages[0].Resources.XObject.keys()) == ["/Fx1"]


def test_a_private_pack_keeps_what_its_pages_do_not_draw(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    _page(pdf, "q Q", {"Fx0": _drawing(pdf, SECRET)})
    assert UNSHOWN not in sanitize(pdf, public=False)
    assert SECRET.encode() in _raw(pdf, tmp_path)


def test_what_a_drawing_holds_but_does_not_draw_goes_too(tmp_path: Path) -> None:
    """A drawing the page draws, holding another it never draws (and a picture): only what is
    drawn, at any depth, stays."""
    pdf = pikepdf.new()
    inner = _drawing(pdf, "Drawn inside")
    hidden = _drawing(pdf, SECRET)
    outer = _drawing(
        pdf,
        "Outer",
        Dictionary(Font=Dictionary(F1=_font(pdf)), XObject=Dictionary(In=inner, Hid=hidden)),
    )
    outer.write(b"BT /F1 12 Tf (Outer) Tj ET /In Do")
    _page(pdf, "/Out Do", {"Out": outer})
    assert sanitize(pdf, public=True) == [UNSHOWN]
    raw = _raw(pdf, tmp_path)
    assert SECRET.encode() not in raw
    assert b"Drawn inside" in raw


def test_a_resource_dictionary_shared_by_pages_keeps_what_any_of_them_draws(
    tmp_path: Path,
) -> None:
    """As LibreOffice writes PDFs: one dictionary of resources for every page, each page drawing
    some of them. Nothing is taken from it; a name met as #xx-escaped counts too."""
    pdf = pikepdf.new()
    shared = pdf.make_indirect(
        Dictionary(
            XObject=Dictionary(A=_drawing(pdf, "Page one"), B=_drawing(pdf, "Page two")),
            Font=Dictionary(F1=_font(pdf)),
        )
    )
    for draws in ("/A Do BT /F1 9 Tf (x) Tj ET", "/#42 Do"):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Contents = pdf.make_indirect(Stream(pdf, draws.encode()))
        page.obj.Resources = shared
    assert sanitize(pdf, public=True) == []
    raw = _raw(pdf, tmp_path)
    assert b"Page one" in raw
    assert b"Page two" in raw


def test_a_page_that_cannot_be_decoded_keeps_its_resources(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    page = _page(pdf, "", {"Fx0": _drawing(pdf, "Kept: not known to be unused")})
    page.obj.Contents = pdf.make_indirect(Stream(pdf, b"not flate at all"))
    page.obj.Contents.Filter = Name.FlateDecode
    assert UNSHOWN not in sanitize(pdf, public=True)
    assert b"Kept: not known to be unused" in _raw(pdf, tmp_path)


def test_a_page_keeps_only_the_keys_it_is_drawn_with(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    page = _page(pdf, "/Fx1 Do", {"Fx1": _drawing(pdf, "Shown")})
    page.obj.Rotate = 90
    page.obj.CropBox = Array([0, 0, 500, 800])
    page.obj.PieceInfo = Dictionary(Illustrator=Dictionary(Private=String(SECRET)))
    page.obj.Metadata = pdf.make_indirect(Stream(pdf, SECRET.encode()))
    page.obj.Thumb = pdf.make_indirect(Stream(pdf, SECRET.encode()))
    page.obj.ExemptNotes = String(SECRET)
    assert sanitize(pdf, public=True) == [TIDIED]  # (every kind of writer leaves some: no word)
    assert SECRET.encode() not in _raw(pdf, tmp_path)
    assert int(page.obj.Rotate) == 90
    assert list(page.obj.CropBox) == [0, 0, 500, 800]


def test_data_fetched_from_elsewhere_leaves_every_pack(tmp_path: Path) -> None:
    """A picture whose bytes are at a web address, a picture's alternates, a drawing that
    stands for a page of another file: no pack fetches anything."""
    pdf = pikepdf.new()
    fetched = Stream(pdf, b"")
    fetched.Type, fetched.Subtype = Name.XObject, Name.Image
    fetched.Width, fetched.Height, fetched.BitsPerComponent = 1, 1, 8
    fetched.ColorSpace = Name.DeviceGray
    fetched.F = Dictionary(FS=Name.URL, F=String("http://tracker.example.net/pixel.jpg"))
    fetched.FFilter = Name.DCTDecode
    alternate = Stream(pdf, b"\x00")
    alternate.Type, alternate.Subtype = Name.XObject, Name.Image
    fetched.Alternates = Array([Dictionary(Image=pdf.make_indirect(alternate))])
    reference = _drawing(pdf, "Stand-in")
    reference.Ref = Dictionary(F=String("file:///etc/passwd"), Page=0)
    _page(pdf, "/Im0 Do /Fx0 Do", {"Im0": pdf.make_indirect(fetched), "Fx0": reference})
    for public in (True, False):
        found = sanitize(pdf, public=public)
        raw = _raw(pdf, tmp_path)
        assert b"tracker.example.net" not in raw
        assert b"/etc/passwd" not in raw
        assert b"/FFilter" not in raw
        if public:
            assert found == [FETCHED]
    assert b"Stand-in" in _raw(pdf, tmp_path)  # the drawing stays, without its reference


def test_an_exempt_page_pasted_as_an_undrawn_drawing_never_reaches_the_public_pack(
    tmp_path: Path,
) -> None:
    """End to end: the public appendix builds (its pages show nothing exempt), with a warning
    naming it; the public pack holds nothing of the drawing, the private one keeps it."""
    folder = make_meeting(
        tmp_path / "board",
        items=[
            {"title": "Community safety", "papers": ["leaflet.pdf"]},
            {"title": "Contract", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
    )
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_indirect(
        Stream(pdf, b"BT /F1 14 Tf 72 700 Td (Community safety leaflet) Tj ET")
    )
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=_font(pdf)), XObject=Dictionary(Fx0=_drawing(pdf, SECRET))
    )
    pdf.save(folder / "leaflet.pdf")
    exempt = pikepdf.new()
    exempt.add_blank_page(page_size=(595, 842))
    exempt.pages[0].obj.Contents = exempt.make_indirect(
        Stream(exempt, b"BT /F1 14 Tf 72 700 Td (Award report) Tj ET")
    )
    exempt.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=_font(exempt)))
    exempt.save(folder / "award.pdf")

    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [x for x in result.stderr.splitlines() if "never show" in x]
    assert len(warnings) == 1 and "leaflet.pdf" in warnings[0], result.stderr
    public = next((tmp_path / "out" / "public").glob("*.pdf"))
    private = next((tmp_path / "out" / "private").glob("*.pdf"))
    for pack, holds in ((public, False), (private, True)):
        raw = tmp_path / f"{pack.stem}.qdf"
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(pack), str(raw)],
            check=True,
            capture_output=True,
        )
        assert (SECRET.encode() in raw.read_bytes()) is holds, pack.name
    text = " ".join(p.extract_text() for p in PdfReader(public).pages)
    assert "Community safety leaflet" in text


# --- what is shown, however it is reached, stays (a reviewer's cases) -------------------------


def _render(pdf: Pdf, tmp_path: Path, name: str) -> bytes:
    path = tmp_path / f"{name}.pdf"
    pdf.save(path)
    out = subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", str(path)], check=True, capture_output=True
    ).stdout
    return out


def _same_after(pdf_path: Path, tmp_path: Path) -> list[str]:
    """What `sanitize` said of the file, having checked that its pages draw the same."""
    with Pdf.open(pdf_path) as before:
        drawn = _render(before, tmp_path, "before")
    with Pdf.open(pdf_path) as pdf:
        said = sanitize(pdf, public=True)
        assert _render(pdf, tmp_path, "after") == drawn
    return said


def test_a_pictures_mask_listed_under_a_name_of_its_own_stays_without_a_word(
    tmp_path: Path,
) -> None:
    """Ghostscript lists each picture's soft mask among the page's pictures, under a name no
    instruction uses: the mask stays, through its picture, and no warning is given."""
    pdf = pikepdf.new()
    mask = Stream(pdf, bytes(range(0, 256, 16)) * 16)
    mask.Type, mask.Subtype, mask.Width, mask.Height = Name.XObject, Name.Image, 16, 16
    mask.ColorSpace, mask.BitsPerComponent = Name.DeviceGray, 8
    mask = pdf.make_indirect(mask)
    picture = Stream(pdf, b"\x80" * 256)
    picture.Type, picture.Subtype, picture.Width, picture.Height = Name.XObject, Name.Image, 16, 16
    picture.ColorSpace, picture.BitsPerComponent, picture.SMask = Name.DeviceGray, 8, mask
    _page(pdf, "q 200 0 0 200 50 50 cm /Im0 Do Q", {"Im0": pdf.make_indirect(picture), "Im1": mask})
    pdf.save(tmp_path / "gs.pdf")
    assert _same_after(tmp_path / "gs.pdf", tmp_path) == [TIDIED]


def test_a_drawing_without_resources_draws_with_each_pages_own(tmp_path: Path) -> None:
    """A drawing with no dictionary of its own, drawn by two pages whose fonts differ under the
    same name: each page keeps its own font (the drawing is read for each)."""
    pdf = pikepdf.new()
    form = Stream(pdf, b"BT /F1 24 Tf 10 10 Td (Shared words) Tj ET")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 400, 60])
    form = pdf.make_indirect(form)
    for base in (Name.Helvetica, Name.Courier):
        page = _page(pdf, "q 1 0 0 1 50 500 cm /Fx Do Q", {"Fx": form})
        font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=base)
        page.obj.Resources.Font = Dictionary(F1=pdf.make_indirect(font))
    pdf.save(tmp_path / "shared.pdf")
    assert _same_after(tmp_path / "shared.pdf", tmp_path) == []


def test_a_look_without_resources_keeps_the_page_font_it_uses(tmp_path: Path) -> None:
    """A reader looks a name an annotation's look does not define up in the page's."""
    pdf = pikepdf.new()
    page = _page(pdf, "", {})
    page.obj.Resources.Font = Dictionary(F9=_font(pdf))
    look = Stream(pdf, b"BT /F9 18 Tf 5 5 Td (Approved) Tj ET")
    look.Type, look.Subtype, look.BBox = Name.XObject, Name.Form, Array([0, 0, 150, 30])
    stamp = Dictionary(Type=Name.Annot, Subtype=Name.Stamp, Rect=Array([100, 600, 250, 630]))
    stamp.AP = Dictionary(N=pdf.make_indirect(look))
    page.obj.Annots = Array([pdf.make_indirect(stamp)])
    pdf.save(tmp_path / "stamp.pdf")
    assert _same_after(tmp_path / "stamp.pdf", tmp_path) == []
    with Pdf.open(tmp_path / "after.pdf") as after:
        assert "/F9" in after.pages[0].Resources.Font


def test_default_colour_spaces_and_the_form_fields_fonts_stay(tmp_path: Path) -> None:
    """/DefaultRGB applies without being named; the fonts of a form's fields (here the page's
    own dictionary, as some writers share it) are what a viewer draws fields with."""
    pdf = pikepdf.new()
    page = _page(pdf, "0 0 1 rg 50 50 200 200 re f", {})
    resources = pdf.make_indirect(page.obj.Resources)
    page.obj.Resources = resources
    resources.ColorSpace = Dictionary(DefaultRGB=Name.DeviceGray)
    resources.Font = Dictionary(Helv=_font(pdf))
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), DR=resources, DA=String("/Helv 0 Tf 0 g"))
    pdf.save(tmp_path / "defaults.pdf")
    assert _same_after(tmp_path / "defaults.pdf", tmp_path) == []
    with Pdf.open(tmp_path / "after.pdf") as after:
        kept = after.pages[0].Resources
        assert "/DefaultRGB" in kept.ColorSpace and "/Helv" in kept.Font


def test_looks_that_never_show_and_what_a_shown_drawing_carries_go(tmp_path: Path) -> None:
    """A hidden field's look and value, a checkbox's look for the state it is not in, a drawing
    only the form's default resources list, and a drawn drawing's own metadata and private data:
    none shows, any could hold a whole page."""
    pdf = pikepdf.new()
    shown = _drawing(pdf, "Shown")
    shown.Metadata = pdf.make_indirect(Stream(pdf, f"[META] {SECRET}".encode()))
    shown.PieceInfo = Dictionary(Editor=Dictionary(Private=String(f"[PIECE] {SECRET}")))
    page = _page(pdf, "/Fx Do", {"Fx": shown})
    hidden = Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("h"), F=2)
    hidden.Rect, hidden.AP = Array([0, 0, 9, 9]), Dictionary(N=_drawing(pdf, f"[HIDDEN] {SECRET}"))
    hidden.V, hidden.DV = String(f"[VALUE] {SECRET}"), String(f"[DEFAULT] {SECRET}")
    # a field of its own whose one widget is hidden; and a shown field, whose value stays
    field = pdf.make_indirect(
        Dictionary(FT=Name.Tx, T=String("p"), V=String(f"[PARENT] {SECRET}"), Kids=Array())
    )
    kid = Dictionary(Type=Name.Annot, Subtype=Name.Widget, F=32, Parent=field)
    kid.Rect, kid.AP = Array([0, 40, 9, 49]), Dictionary(N=_drawing(pdf, "Kid"))
    field.Kids.append(pdf.make_indirect(kid))
    shown_field = Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("s"))
    shown_field.Rect, shown_field.V = Array([0, 60, 9, 69]), String("Typed in the form")
    shown_field.AP = Dictionary(N=_drawing(pdf, "Typed in the form"))
    box = Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String("b"))
    box.Rect, box.AS = Array([20, 20, 30, 30]), Name.Off
    box.AP = Dictionary(
        N=Dictionary(Off=_drawing(pdf, "Off"), Yes=_drawing(pdf, f"[YES] {SECRET}"))
    )
    widgets = [pdf.make_indirect(hidden), pdf.make_indirect(box)]
    shown_widget = pdf.make_indirect(shown_field)
    page.obj.Annots = Array([*widgets, field.Kids[0], shown_widget])
    pdf.Root.AcroForm = Dictionary(
        Fields=Array([*widgets, field, shown_widget]),
        DR=Dictionary(
            Font=Dictionary(Helv=_font(pdf)), XObject=Dictionary(X=_drawing(pdf, SECRET))
        ),
    )
    assert sanitize(pdf, public=True) == [UNSHOWN]
    raw = _raw(pdf, tmp_path)
    assert SECRET.encode() not in raw
    assert b"Shown" in raw and b"(Off)" in raw
    assert raw.count(b"(Typed in the form)") == 2  # its value and its look


# --- comments in drawing instructions ------------------------------------------------------


def test_comments_in_drawing_instructions_leave_a_public_pack(tmp_path: Path) -> None:
    """A comment ("% ...") shows nothing and no check reads it: an exempt report's text written
    there, in a page's instructions (split over two streams), a drawing's, a Type 3 glyph's or
    a look's, would reach the public pack for anyone to read with a text editor. A "%" in a
    string, or in an inline picture's bytes, is no comment and stays; the page draws the same."""
    pdf = pikepdf.new()
    glyph = Stream(pdf, f"500 0 0 0 500 500 d1 % {SECRET}\n0 0 500 500 re f".encode())
    type3 = Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=Array([0, 0, 500, 500]),
        FontMatrix=Array([0.001, 0, 0, 0.001, 0, 0]), FirstChar=65, LastChar=65,
        Widths=Array([500]), Encoding=Dictionary(Differences=Array([65, Name.box])),
        CharProcs=Dictionary(box=pdf.make_indirect(glyph)),
    )  # fmt: skip
    form = Stream(pdf, f"% {SECRET}\nBT /F1 12 Tf 10 10 Td (Forty%) Tj ET".encode())
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 500, 50])
    form.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = Array(
        [
            pdf.make_indirect(Stream(pdf, f"q % {SECRET}\n".encode())),
            pdf.make_indirect(
                Stream(
                    pdf,
                    b"BT /F1 14 Tf 72 700 Td (Up 50% (on) last year) Tj ET\n"
                    b"BT /F3 20 Tf 72 600 Td (A) Tj ET\n"
                    b"q 40 0 0 40 72 500 cm BI /W 2 /H 1 /BPC 8 /CS /G ID %( EI Q\n"
                    b"q 1 0 0 1 72 300 cm /Fx0 Do Q %" + SECRET.encode(),
                )
            ),
        ]
    )
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=_font(pdf), F3=pdf.make_indirect(type3)),
        XObject=Dictionary(Fx0=pdf.make_indirect(form)),
    )
    look = Stream(pdf, f"% {SECRET}\n0 0 1 rg 0 0 20 20 re f".encode())
    look.Type, look.Subtype, look.BBox = Name.XObject, Name.Form, Array([0, 0, 20, 20])
    page.obj.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot, Subtype=Name.Square, Rect=Array([300, 300, 320, 320]),
                    AP=Dictionary(N=pdf.make_indirect(look)),
                )
            )
        ]
    )  # fmt: skip
    path = tmp_path / "commented.pdf"
    pdf.save(path)
    assert _raw(Pdf.open(path), tmp_path).count(SECRET.encode()) == 5
    assert _same_after(path, tmp_path) == [TIDIED]
    with Pdf.open(path) as cleaned:
        sanitize(cleaned, public=True)
        raw = _raw(cleaned, tmp_path)
        assert SECRET.encode() not in raw
        drawn = cleaned.pages[0].obj.Contents.read_bytes()
        assert b"(Up 50% (on) last year) Tj" in drawn and b"ID %( EI" in drawn
        assert b"(Forty%) Tj" in cleaned.pages[0].Resources.XObject.Fx0.read_bytes()
    with Pdf.open(path) as private:
        sanitize(private, public=False)
        assert _raw(private, tmp_path).count(SECRET.encode()) == 5


def test_a_percent_in_a_string_is_not_taken_for_a_comment(tmp_path: Path) -> None:
    """Nothing to tidy: the paper is not rewritten, and is remembered as clean."""
    pdf = pikepdf.new()
    _page(pdf, "BT /F1 14 Tf 72 700 Td (Up 50% on last year) Tj ET", {})
    pdf.pages[0].obj.Resources.Font = Dictionary(F1=_font(pdf))
    data = pdf.pages[0].obj.Contents.read_bytes()
    assert sanitize(pdf, public=True) == []
    assert pdf.pages[0].obj.Contents.read_bytes() == data


def test_a_comment_holding_an_exempt_report_never_reaches_the_public_pack(
    tmp_path: Path,
) -> None:
    """End to end: the public pack holds nothing of the comment, the private one keeps it."""
    folder = make_meeting(
        tmp_path / "board",
        items=[{"title": "Community safety", "papers": ["leaflet.pdf"]}],
    )
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_indirect(
        Stream(pdf, f"BT /F1 14 Tf 72 700 Td (Community safety leaflet) Tj ET\n% {SECRET}".encode())
    )
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    pdf.save(folder / "leaflet.pdf")
    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "carries" not in result.stderr  # tidied without a word
    public = next((tmp_path / "out" / "public").glob("*.pdf"))
    raw = tmp_path / "public.qdf"
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(public), str(raw)],
        check=True,
        capture_output=True,
    )
    assert SECRET.encode() not in raw.read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(public).pages)
    assert "Community safety leaflet" in text


@pytest.mark.parametrize(
    ("first", "second", "refused"),
    [
        # poppler reads the comment on into the next part: the checks never saw that line
        (b"BT /F1 14 Tf 72 700 Td (Leaflet) Tj ET\n% end of part one", b"(secret) Tj", True),
        # "T" + "j": poppler reads "Tj", qpdf two words
        (b"BT /F1 14 Tf 72 700 Td (Leaflet) Tj ET BT /F1 9 Tf 72 600 Td (x) T", b"j ET", True),
        # inside a string: poppler reads "\\" + ")" as an escaped bracket, the exempt lines in
        # the string; qpdf, after a line break, closes the string and draws them (a reviewer's)
        (b"BT /F1 14 Tf 72 700 Td (Leaflet\\", b") Tj ET BT (secret) Tj ET % )\n", True),
        (b"BT /F1 14 Tf 72 700 Td <4c65", b"6166> Tj ET", True),
        (b"BT /F1 14 Tf 72 700 Td [(Leaf) 20", b"(let)] TJ ET", True),
        # inside an inline picture's data (a third review's)
        (b"q BI /W 8 /H 1 /BPC 8 /CS /G ID ", b"(1234567 EI Q BT (secret) Tj ET % )\n", True),
        # split between words, as the standard allows: fine
        (b"BT /F1 14 Tf 72 700 Td (Leaflet) Tj ET\n% a comment\n", b"q Q", False),
        (b"BT /F1 14 Tf 72 700 Td (Up 50%) Tj ET\n", b"q Q", False),
        (b"BT /F1 14 Tf 72 700 Td (Up 50%) Tj ET", b" q Q", False),
    ],
)
def test_a_page_split_mid_instruction_is_refused(
    tmp_path: Path, first: bytes, second: bytes, refused: bool
) -> None:
    """A page drawn in two parts split where readers part ways would show one thing to the
    checks (poppler) and another to readers once the pack is written: refused, naming the
    page."""
    from packbuilder.errors import InputError
    from packbuilder.pdf import check_readable

    pdf = pikepdf.new()
    _page(pdf, "q Q", {})  # a first page that is fine
    page = _page(pdf, "", {})
    page.obj.Contents = Array([pdf.make_stream(first), pdf.make_stream(second)])
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    pdf.save(tmp_path / "split.pdf")
    if not refused:
        assert check_readable(tmp_path / "split.pdf") == 2
        return
    with pytest.raises(InputError) as caught:
        check_readable(tmp_path / "split.pdf")
    assert "page 2 is drawn in parts split in the middle of an instruction" in str(caught.value)
    assert "split.pdf" in str(caught.value)


@pytest.mark.parametrize("how", ["/JBIG2Decode", "/DCTDecode", "/JPXDecode", "/CCITTFaxDecode"])
def test_a_drawing_encoded_as_a_picture_is_refused_as_damaged(tmp_path: Path, how: str) -> None:
    """A drawing whose instructions say they are a JBIG2 (or JPEG ...) picture cannot be read;
    without jbig2dec installed pikepdf raised its own error, which reached the advisor as "this
    is a bug". Refused, naming the page."""
    from packbuilder.errors import InputError
    from packbuilder.pdf import check_readable

    pdf = pikepdf.new()
    form = _drawing(pdf, "Shown")
    form.Filter = Name(how)
    _page(pdf, "q /Fx Do Q", {"Fx": form})
    pdf.save(tmp_path / "odd.pdf")
    with pytest.raises(InputError) as caught:
        check_readable(tmp_path / "odd.pdf")
    assert "page 1 cannot be read" in str(caught.value)


def test_comments_in_what_no_page_draws_by_name_leave_a_public_pack(tmp_path: Path) -> None:
    """A push button's icon (/MK /I) and a Type 3 font of the form's (/DR) go with the pack
    though no page draws them by name: their comments go too."""
    pdf = pikepdf.new()
    page = _page(pdf, "q Q", {})
    icon = pdf.make_stream(f"% {SECRET}\n0 0 m".encode(), Type=Name.XObject, Subtype=Name.Form)
    icon.BBox = Array([0, 0, 10, 10])
    look = pdf.make_stream(b"0 0 m", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10])
    button = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, Ff=65536, T=String("b"),
            Rect=Array([72, 500, 100, 520]), MK=Dictionary(I=icon), AP=Dictionary(N=look),
        )
    )  # fmt: skip
    glyph = pdf.make_stream(f"% {SECRET}\n0 0 d0".encode())
    type3 = pdf.make_indirect(
        Dictionary(
            Type=Name.Font, Subtype=Name.Type3, FontBBox=Array([0, 0, 1, 1]),
            FontMatrix=Array([0.001, 0, 0, 0.001, 0, 0]), CharProcs=Dictionary(a=glyph),
            Encoding=Dictionary(Differences=Array([97, Name.a])), FirstChar=97, LastChar=97,
            Widths=Array([500]),
        )
    )  # fmt: skip
    page.obj.Annots = Array([button])
    pdf.Root.AcroForm = Dictionary(Fields=Array([button]), DR=Dictionary(Font=Dictionary(T3=type3)))
    assert _raw(pdf, tmp_path).count(SECRET.encode()) == 2
    sanitize(pdf, public=True)
    assert SECRET.encode() not in _raw(pdf, tmp_path)


# --- what no page draws, reached by another route (the structure tree, a form's widgets) -------


def _tagged(pdf: Pdf, kids: list[Dictionary]) -> None:
    """Give `pdf` a structure tree whose document element holds `kids` (each an element)."""
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    for kid in kids:
        kid.P = document
    document.K = Array([pdf.make_indirect(k) for k in kids])
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        Dictionary(
            Type=Name.StructTreeRoot,
            K=document,
            ParentTree=pdf.make_indirect(Dictionary(Nums=Array([]))),
        )
    )
    pdf.Root.MarkInfo = Dictionary(Marked=True)


def _by_structure_stream(pdf: Pdf, page: pikepdf.Page) -> None:
    """A marked-content reference in the structure tree to a drawing no page draws (/Stm)."""
    mcr = Dictionary(Type=Name.MCR, Pg=page.obj, Stm=_drawing(pdf, SECRET), MCID=0)
    _tagged(pdf, [Dictionary(Type=Name.StructElem, S=Name.P, Pg=page.obj, K=mcr)])


def _by_structure_object(pdf: Pdf, page: pikepdf.Page) -> None:
    """An object reference in the structure tree to a form field's widget on no page."""
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("bid"),
            Rect=Array([0, 0, 500, 50]), AP=Dictionary(N=_drawing(pdf, SECRET)),
        )
    )  # fmt: skip
    objr = Dictionary(Type=Name.OBJR, Pg=page.obj, Obj=widget)
    _tagged(pdf, [Dictionary(Type=Name.StructElem, S=Name.Form, Pg=page.obj, K=objr)])


def _by_field_widget(pdf: Pdf, page: pikepdf.Page) -> None:
    """A form field with a widget on the page and another on no page, which shows the secret."""
    field = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("bid")))
    placed = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, Parent=field, P=page.obj,
            Rect=Array([0, 0, 500, 50]), AP=Dictionary(N=_drawing(pdf, "Shown on the page")),
        )
    )  # fmt: skip
    unplaced = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, Parent=field,
            Rect=Array([0, 0, 500, 50]), AP=Dictionary(N=_drawing(pdf, SECRET)),
        )
    )  # fmt: skip
    field.Kids = Array([placed, unplaced])
    page.obj.Annots = Array([placed])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))


def _field_on_no_page(pdf: Pdf, page: pikepdf.Page) -> None:  # noqa: ARG001
    """A form field whose one widget is on no page: its value shows nowhere."""
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("bid"),
            V=String(SECRET), Rect=Array([0, 0, 500, 50]),
        )
    )  # fmt: skip
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))


@pytest.mark.parametrize(
    "reach", [_by_structure_stream, _by_structure_object, _by_field_widget, _field_on_no_page]
)
def test_what_no_page_draws_is_emptied_however_the_file_reaches_it(tmp_path: Path, reach) -> None:  # type: ignore[no-untyped-def]
    """Pruning the pages' resources takes an undrawn drawing off the pages, but the structure
    tree or a form field's other widget still led to it, and the pack copied it whole: the
    checks of a public paper's text read only what pages draw. Now it is emptied."""
    pdf = pikepdf.new()
    page = _page(pdf, "q /Fx1 Do Q", {"Fx1": _drawing(pdf, "Drawn on the page")})
    reach(pdf, page)
    assert sanitize(pdf, public=True) == [UNSHOWN]
    raw = _raw(pdf, tmp_path)
    assert SECRET.encode() not in raw
    assert b"Drawn on the page" in raw
    if reach is _by_field_widget:
        assert b"Shown on the page" in raw


def test_a_private_pack_keeps_what_the_structure_tree_reaches(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    page = _page(pdf, "q /Fx1 Do Q", {"Fx1": _drawing(pdf, "Drawn on the page")})
    _by_structure_stream(pdf, page)
    assert UNSHOWN not in sanitize(pdf, public=False)
    assert SECRET.encode() in _raw(pdf, tmp_path)


def test_an_exempt_report_kept_as_a_drawing_the_structure_tree_names_stays_private(
    tmp_path: Path,
) -> None:
    """End to end: a tagged public appendix whose structure tree refers to an undrawn drawing
    holding an exempt report's words (a marked-content reference, /Stm) builds with a warning
    naming it; the public pack holds nothing of the drawing, the private pack keeps it."""
    folder = make_meeting(
        tmp_path / "board",
        items=[
            {"title": "Community safety", "papers": ["leaflet.pdf"]},
            {"title": "Contract", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
    )
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_indirect(
        Stream(pdf, b"BT /F1 14 Tf 72 700 Td (Community safety leaflet) Tj ET")
    )
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    _by_structure_stream(pdf, page)
    pdf.save(folder / "leaflet.pdf")
    exempt = pikepdf.new()
    exempt.add_blank_page(page_size=(595, 842))
    exempt.pages[0].obj.Contents = exempt.make_indirect(
        Stream(exempt, f"BT /F1 14 Tf 72 700 Td ({SECRET}) Tj ET".encode())
    )
    exempt.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=_font(exempt)))
    exempt.save(folder / "award.pdf")

    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [x for x in result.stderr.splitlines() if "never show" in x]
    assert len(warnings) == 1 and "leaflet.pdf" in warnings[0], result.stderr
    public = next((tmp_path / "out" / "public").glob("*.pdf"))
    private = next((tmp_path / "out" / "private").glob("*.pdf"))
    for pack, holds in ((public, False), (private, True)):
        raw = tmp_path / f"{pack.stem}.qdf"
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(pack), str(raw)],
            check=True,
            capture_output=True,
        )
        assert (SECRET.encode() in raw.read_bytes()) is holds, pack.name
    text = " ".join(p.extract_text() for p in PdfReader(public).pages)
    assert "Community safety leaflet" in text
    assert SECRET not in text


# --- looks under the mouse or pressed ------------------------------------------------------------


@pytest.mark.parametrize("subtype", ["/Link", "/Square", "/Widget"])
def test_a_look_shown_only_under_the_mouse_or_pressed_leaves_a_public_pack(
    tmp_path: Path, subtype: str
) -> None:
    """An annotation's rollover (/R) and down (/D) looks are drawings of their own, which no
    check of the page reads and a printed pack never shows: a link over the whole page whose
    look under the mouse is an exempt report showed it to anyone moving the mouse over it.
    A public pack keeps the look the page shows (/N); a private pack keeps them all."""
    for public in (True, False):
        pdf = pikepdf.new()
        page = _page(pdf, "q /Fx1 Do Q", {"Fx1": _drawing(pdf, "Drawn on the page")})
        annot = Dictionary(Type=Name.Annot, Subtype=Name(subtype), Rect=Array([0, 0, 500, 50]))
        annot.AP = Dictionary(
            N=_drawing(pdf, "Its usual look"),
            R=_drawing(pdf, f"[ROLLOVER] {SECRET}"),
            D=_drawing(pdf, f"[DOWN] {SECRET}"),
        )
        if subtype == "/Link":
            annot.A = Dictionary(S=Name.URI, URI=String("https://example.org/"))
        if subtype == "/Widget":
            annot.FT, annot.T = Name.Btn, String("press")
        page.obj.Annots = Array([pdf.make_indirect(annot)])
        if subtype == "/Widget":
            pdf.Root.AcroForm = Dictionary(Fields=Array([page.obj.Annots[0]]))
        found = sanitize(pdf, public=public)
        raw = _raw(pdf, tmp_path)
        assert b"Its usual look" in raw
        assert (SECRET.encode() in raw) is not public, (public, found)
        if public:
            assert UNSHOWN not in found, found  # (tidied without a word)


def test_an_exempt_report_as_a_links_look_under_the_mouse_stays_private(tmp_path: Path) -> None:
    """End to end: the public appendix builds, and its pack holds nothing of the exempt words
    its link showed under the mouse, which the exempt-text check never read."""
    folder = make_meeting(
        tmp_path / "board",
        items=[
            {"title": "Community safety", "papers": ["leaflet.pdf"]},
            {"title": "Contract", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
    )
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_indirect(
        Stream(pdf, b"BT /F1 14 Tf 72 700 Td (Community safety leaflet) Tj ET")
    )
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 595, 842]))
    link.A = Dictionary(S=Name.URI, URI=String("https://example.org/"))
    empty = pdf.make_indirect(Stream(pdf, b""))
    empty.Type, empty.Subtype, empty.BBox = Name.XObject, Name.Form, Array([0, 0, 595, 842])
    link.AP = Dictionary(N=empty, R=_drawing(pdf, SECRET))
    page.obj.Annots = Array([pdf.make_indirect(link)])
    pdf.save(folder / "leaflet.pdf")
    exempt = pikepdf.new()
    exempt.add_blank_page(page_size=(595, 842))
    exempt.pages[0].obj.Contents = exempt.make_indirect(
        Stream(exempt, f"BT /F1 14 Tf 72 700 Td ({SECRET}) Tj ET".encode())
    )
    exempt.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=_font(exempt)))
    exempt.save(folder / "award.pdf")

    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    public = next((tmp_path / "out" / "public").glob("*.pdf"))
    private = next((tmp_path / "out" / "private").glob("*.pdf"))
    for pack, holds in ((public, False), (private, True)):
        raw = subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(pack), "-"],
            check=True,
            capture_output=True,
        ).stdout
        assert (SECRET.encode() in raw) is holds, pack.name
    assert "Community safety leaflet" in " ".join(p.extract_text() for p in PdfReader(public).pages)


# --- annotations placed off the page ------------------------------------------------------------


@pytest.mark.parametrize("subtype", ["/Square", "/Link", "/Widget"])
def test_an_annotation_placed_off_the_page_leaves_a_public_pack(
    tmp_path: Path, subtype: str
) -> None:
    """An annotation wholly outside the page's crop box shows nowhere, and no check of the page
    reads its look, but the pack carried it: an exempt report as the look of a box placed
    beside the page reached the public pack. One that overlaps the page stays."""
    pdf = pikepdf.new()
    page = _page(pdf, "q /Fx1 Do Q", {"Fx1": _drawing(pdf, "Drawn on the page")})
    page.obj.CropBox = Array([0, 0, 595, 842])
    annots = []
    for rect, text in (([-900, 0, -400, 50], SECRET), ([-10, 0, 490, 50], "Partly on the page")):
        annot = Dictionary(Type=Name.Annot, Subtype=Name(subtype), Rect=Array(rect))
        annot.AP = Dictionary(N=_drawing(pdf, text))
        if subtype == "/Widget":
            annot.FT, annot.T, annot.V = Name.Tx, String(text[:7]), String(text)
        annots.append(pdf.make_indirect(annot))
    page.obj.Annots = Array(annots)
    if subtype == "/Widget":
        pdf.Root.AcroForm = Dictionary(Fields=Array(annots))
    sanitize(pdf, public=True)
    raw = _raw(pdf, tmp_path)
    assert SECRET.encode() not in raw
    assert b"Partly on the page" in raw
    assert b"Drawn on the page" in raw


def test_an_exempt_report_as_the_look_of_a_box_beside_the_page_stays_private(
    tmp_path: Path,
) -> None:
    """End to end: the public pack holds nothing of it, the private pack keeps it."""
    folder = make_meeting(
        tmp_path / "board",
        items=[
            {"title": "Community safety", "papers": ["leaflet.pdf"]},
            {"title": "Contract", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
    )
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_indirect(
        Stream(pdf, b"BT /F1 14 Tf 72 700 Td (Community safety leaflet) Tj ET")
    )
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    box = Dictionary(Type=Name.Annot, Subtype=Name.Square, Rect=Array([-900, 0, -400, 50]), F=4)
    box.AP = Dictionary(N=_drawing(pdf, SECRET))
    page.obj.Annots = Array([pdf.make_indirect(box)])
    pdf.save(folder / "leaflet.pdf")
    exempt = pikepdf.new()
    exempt.add_blank_page(page_size=(595, 842))
    exempt.pages[0].obj.Contents = exempt.make_indirect(
        Stream(exempt, f"BT /F1 14 Tf 72 700 Td ({SECRET}) Tj ET".encode())
    )
    exempt.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=_font(exempt)))
    exempt.save(folder / "award.pdf")

    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    public = next((tmp_path / "out" / "public").glob("*.pdf"))
    private = next((tmp_path / "out" / "private").glob("*.pdf"))
    for pack, holds in ((public, False), (private, True)):
        raw = subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(pack), "-"],
            check=True,
            capture_output=True,
        ).stdout
        assert (SECRET.encode() in raw) is holds, pack.name
