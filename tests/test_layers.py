"""Layers switched off: what a paper hides when it is opened, no pack shows or holds.

Each paper is made here with pikepdf, cleaned by `sanitize` as a pack's sources are, saved
without its layer list (as a pack carries none) and read back by poppler's pdftotext: a reader
independent of the code under test. The end-to-end test builds a meeting with the real CLI and
reads its packs with pypdf.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, Pdf
from pypdf import PdfReader

from packbuilder import layers
from packbuilder.errors import InputError
from packbuilder.sanitize import LAYERS, sanitize
from tests.factory import make_meeting, run_cli

SHOWN = "Shown to everyone"
SECRET = "Secret tender prices"


class _Paper:
    """A one-page PDF with two layers, L1 and L2, and a font."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        pdf = self.pdf
        self.l1 = pdf.make_indirect(Dictionary(Type=Name.OCG, Name="Prices"))
        self.l2 = pdf.make_indirect(Dictionary(Type=Name.OCG, Name="Notes"))
        self.font = pdf.make_indirect(
            Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        )
        self.page = pdf.add_blank_page(page_size=(595, 842))
        self.properties = Dictionary(L1=self.l1, L2=self.l2)
        self.xobjects = Dictionary()
        self.page.obj.Resources = Dictionary(
            Font=Dictionary(F1=self.font), Properties=self.properties, XObject=self.xobjects
        )
        self.layers(OFF=Array([self.l1]))

    def layers(self, **config: pikepdf.Object) -> None:
        self.pdf.Root.OCProperties = Dictionary(
            OCGs=Array([self.l1, self.l2]), D=Dictionary(**config)
        )

    def draw(self, content: bytes) -> None:
        self.page.obj.Contents = self.pdf.make_stream(content)

    def form(self, content: bytes, **extra: pikepdf.Object) -> pikepdf.Stream:
        form = self.pdf.make_stream(content)
        form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 595, 842]
        form.Resources = Dictionary(Font=Dictionary(F1=self.font), Properties=self.properties)
        for key, value in extra.items():
            form[f"/{key}"] = value
        return form


def _text(x: float, y: float, words: str) -> bytes:
    return b"BT /F1 12 Tf %d %d Td (%s) Tj ET " % (x, y, words.encode())


def _shown_text(pdf: Pdf, tmp_path: Path) -> str:
    """The text a pack made of this paper shows: saved without layers, read by pdftotext."""
    if "/OCProperties" in pdf.Root:
        del pdf.Root["/OCProperties"]
    pdf.save(tmp_path / "as-packed.pdf")
    return subprocess.run(
        ["pdftotext", str(tmp_path / "as-packed.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def off_list(p: _Paper) -> None:
    p.draw(_text(72, 700, SHOWN) + b"/OC /L1 BDC " + _text(72, 600, SECRET) + b"EMC")


def base_state_off(p: _Paper) -> None:
    p.layers(BaseState=Name.OFF, ON=Array([p.l2]))
    p.draw(
        _text(72, 700, SHOWN)
        + b"/OC /L2 BDC "
        + _text(72, 650, "Notes everyone sees")
        + b"EMC /OC /L1 BDC "
        + _text(72, 600, SECRET)
        + b"EMC"
    )


def membership_all_off(p: _Paper) -> None:
    """Shown only while L2 is off; L2 is on."""
    p.layers()
    p.properties.M = p.pdf.make_indirect(
        Dictionary(Type=Name.OCMD, OCGs=Array([p.l2]), P=Name.AllOff)
    )
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def expression_not(p: _Paper) -> None:
    p.layers()
    p.properties.M = p.pdf.make_indirect(
        Dictionary(Type=Name.OCMD, VE=Array([Name.Not, p.l2]), OCGs=p.l2)
    )
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def nested_in_a_shown_section(p: _Paper) -> None:
    p.draw(
        b"/OC /L2 BDC "
        + _text(72, 700, SHOWN)
        + b"/OC /L1 BDC "
        + _text(72, 600, SECRET)
        + b"EMC EMC"
    )


def form_holding_a_hidden_section(p: _Paper) -> None:
    p.xobjects.Fm1 = p.form(_text(72, 600, SECRET).join([b"/OC /L1 BDC ", b"EMC"]))
    p.draw(_text(72, 700, SHOWN) + b"q /Fm1 Do Q")


def form_on_a_hidden_layer(p: _Paper) -> None:
    p.xobjects.Fm1 = p.form(_text(72, 600, SECRET), OC=p.l1)
    p.draw(_text(72, 700, SHOWN) + b"q /Fm1 Do Q")


def shown_by_one_of_its_layers(p: _Paper) -> None:
    """AnyOn over L1 (off) and L2 (on): shown. Nothing is taken out."""
    p.properties.M = p.pdf.make_indirect(Dictionary(Type=Name.OCMD, OCGs=Array([p.l1, p.l2])))
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, "Also shown") + b"EMC")


HIDING = [
    off_list,
    base_state_off,
    membership_all_off,
    expression_not,
    nested_in_a_shown_section,
    form_holding_a_hidden_section,
    form_on_a_hidden_layer,
]


@pytest.mark.parametrize("make", HIDING, ids=lambda f: f.__name__)
def test_what_a_layer_switched_off_holds_is_taken_out(
    make: Callable[[_Paper], None], tmp_path: Path
) -> None:
    paper = _Paper()
    make(paper)
    assert sanitize(paper.pdf, public=True) == [LAYERS]
    text = _shown_text(paper.pdf, tmp_path)
    assert SHOWN in text
    assert SECRET not in text
    if make is base_state_off:
        assert "Notes everyone sees" in text


def test_layers_all_shown_lose_nothing(tmp_path: Path) -> None:
    paper = _Paper()
    shown_by_one_of_its_layers(paper)
    assert sanitize(paper.pdf, public=True) == []
    assert "Also shown" in _shown_text(paper.pdf, tmp_path)


def test_a_file_without_a_list_of_layers_shows_them_all(tmp_path: Path) -> None:
    """A viewer ignores /OC sections of a file with no /OCProperties: so does the pack."""
    paper = _Paper()
    off_list(paper)
    del paper.pdf.Root["/OCProperties"]
    assert sanitize(paper.pdf, public=True) == []
    assert SECRET in _shown_text(paper.pdf, tmp_path)


def test_a_hidden_picture_and_a_hidden_annotation_are_left_out(tmp_path: Path) -> None:
    paper = _Paper()
    image = paper.pdf.make_stream(b"\x00\xff\x00\xff")
    image.Type, image.Subtype, image.Width, image.Height = Name.XObject, Name.Image, 2, 2
    image.ColorSpace, image.BitsPerComponent, image.OC = Name.DeviceGray, 8, paper.l1
    paper.xobjects.Im1 = image
    paper.draw(_text(72, 700, SHOWN) + b"q 100 0 0 100 72 300 cm /Im1 Do Q")
    note = Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[0, 0, 20, 20], OC=paper.l1)
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 20, 20])
    paper.page.obj.Annots = Array([paper.pdf.make_indirect(note), paper.pdf.make_indirect(link)])
    assert sanitize(paper.pdf, public=True) == [LAYERS]
    _shown_text(paper.pdf, tmp_path)
    listed = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "as-packed.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(listed) == 2, listed  # the heading lines: no image is drawn
    annots = PdfReader(tmp_path / "as-packed.pdf").pages[0]["/Annots"]
    assert [a.get_object()["/Subtype"] for a in annots] == ["/Link"]


def test_a_tagged_papers_marked_content_stays_on_its_page(tmp_path: Path) -> None:
    """Its structure still finds each marked-content id; only the drawing inside goes, and a
    path is ended unpainted (the clip it may set still applies, as in a viewer)."""
    paper = _Paper()
    paper.draw(
        b"/P <</MCID 0>> BDC " + _text(72, 700, SHOWN) + b"EMC "
        b"/OC /L1 BDC /P <</MCID 1>> BDC " + _text(72, 600, SECRET) + b"EMC "
        b"0 0 100 100 re f EMC"
    )
    assert sanitize(paper.pdf, public=True) == [LAYERS]
    data = paper.pdf.pages[0].Contents.read_bytes()
    assert b"/MCID 1" in data and b"/MCID 0" in data
    assert data.count(b"BDC") == 3 and data.count(b"EMC") == 3
    assert b"re\nn\n" in data and b"\nf\n" not in data
    assert SECRET.encode() not in data


def test_a_page_too_large_to_rewrite_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packbuilder.pdf import paper_facts

    paper = _Paper()
    paper.pdf.add_blank_page(page_size=(595, 842))
    paper.pdf.pages[1].obj.Resources = paper.page.obj.Resources
    paper.pdf.pages[1].obj.Contents = paper.pdf.make_stream(
        b"/OC /L1 BDC " + _text(72, 600, SECRET) + b"EMC"
    )
    paper.draw(_text(72, 700, SHOWN))
    paper.pdf.save(tmp_path / "drawing.pdf")
    monkeypatch.setattr(layers, "MAX_REWRITTEN_BYTES", 20)
    with pytest.raises(InputError) as caught:
        paper_facts(tmp_path / "drawing.pdf")
    assert caught.value.source is not None and caught.value.source.page == 2
    assert "layers switched off" in str(caught.value)


def test_packs_leave_out_a_layer_switched_off_and_the_advisor_is_told(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """An officer's "public version": the prices on a layer switched off. Neither pack shows or
    holds them; `check` and `build` say so, naming the paper."""
    paper = _Paper()
    off_list(paper)
    folder = make_meeting(
        tmp_path / "board",
        items=[
            {"title": "Tender award", "papers": ["tender-public-version.pdf"]},
            {"title": "Contract", "papers": ["contract.pdf"], "exempt paragraph": 3},
        ],
        papers={"contract.pdf": 1},
    )
    paper.pdf.save(folder / "tender-public-version.pdf")
    checked = run_cli("check", "board", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    said = checked.stdout + checked.stderr
    assert "tender-public-version.pdf has layers switched off" in said, said
    built = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert any(
        line.startswith("warning: ") and "tender-public-version.pdf has layers switched off" in line
        for line in built.stderr.splitlines()
    ), built.stderr
    packs = [p for p in (tmp_path / "out").rglob("*.pdf") if "agenda" in p.name]
    assert len(packs) == 2, packs
    for pack in packs:
        text = " ".join(page.extract_text() for page in PdfReader(pack).pages)
        assert SHOWN in text, pack.name
        assert SECRET not in text, pack.name
        assert b"Secret tender" not in _uncompressed(pack, tmp_path), pack.name


def _uncompressed(pack: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "qdf.pdf"
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(pack), str(out)],
        check=True,
        capture_output=True,
    )
    data = out.read_bytes()
    out.unlink()
    return data
