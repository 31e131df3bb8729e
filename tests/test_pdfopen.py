"""Opening a PDF with every page complete (`pdfopen`): a page that leaves its size, turn or fonts
to the page tree above it gets them, as qpdf pushes them; a file whose pages carry their own is
read once, without the push. Read back with pikepdf here and with pypdf from a real pack."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, Pdf
from pypdf import PdfReader

from packbuilder import pdfopen
from packbuilder.build import build
from packbuilder.pdfopen import open_pdf
from tests.factory import make_meeting

FONT = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)


def _page(pdf: Pdf, text: str, **own: object) -> pikepdf.Object:
    content = pdf.make_stream(f"BT /F1 24 Tf 40 60 Td ({text}) Tj ET".encode())
    return pdf.make_indirect(Dictionary(Type=Name.Page, Contents=content, **own))


def inheriting_pdf(path: Path) -> Path:
    """Three pages under a two-level page tree: the first takes its size, turn and font from the
    root, the second also a crop box from the middle node, the third carries its own."""
    pdf = Pdf.new()
    fonts = pdf.make_indirect(Dictionary(Font=Dictionary(F1=FONT)))
    root = pdf.make_indirect(
        Dictionary(Type=Name.Pages, MediaBox=Array([0, 0, 300, 400]), Rotate=90, Resources=fonts)
    )
    middle = pdf.make_indirect(
        Dictionary(Type=Name.Pages, Parent=root, CropBox=Array([0, 0, 250, 350]))
    )
    first = _page(pdf, "Inherited one")
    second = _page(pdf, "Inherited two")
    own = _page(
        pdf,
        "Own page",
        MediaBox=Array([0, 0, 200, 200]),
        Rotate=0,
        Resources=Dictionary(Font=Dictionary(F1=FONT)),
    )
    first.Parent, second.Parent, own.Parent = root, middle, root
    middle.Kids, middle.Count = Array([second]), 1
    root.Kids, root.Count = Array([first, middle, own]), 3
    pdf.Root.Pages = root
    pdf.save(path)
    return path


def complete_pdf(path: Path) -> Path:
    """What LibreOffice writes: a size and fonts on the root, which every page also carries."""
    pdf = Pdf.new()
    fonts = pdf.make_indirect(Dictionary(Font=Dictionary(F1=FONT)))
    root = pdf.make_indirect(
        Dictionary(Type=Name.Pages, MediaBox=Array([0, 0, 300, 400]), Resources=fonts)
    )
    pages = [
        _page(pdf, f"Page {n}", MediaBox=Array([0, 0, 300, 400]), Resources=fonts) for n in (1, 2)
    ]
    for page in pages:
        page.Parent = root
    root.Kids, root.Count = Array(pages), 2
    pdf.Root.Pages = root
    pdf.save(path)
    return path


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each time `pdfopen` opens a file: whether qpdf was asked to push attributes down."""
    seen: list[bool] = []
    real = Pdf.open

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs.get("inherit_page_attributes", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(pdfopen.Pdf, "open", spy)
    return seen


def test_every_page_gets_what_it_inherits(tmp_path: Path, opens: list[bool]) -> None:
    with open_pdf(inheriting_pdf(tmp_path / "a.pdf")) as pdf:
        first, second, own = (p.obj for p in pdf.pages)
        assert list(first.MediaBox) == [0, 0, 300, 400] and first.Rotate == 90
        assert "/F1" in first.Resources.Font and "/CropBox" not in first
        assert list(second.CropBox) == [0, 0, 250, 350] and second.Rotate == 90
        assert list(own.MediaBox) == [0, 0, 200, 200] and own.Rotate == 0
    assert opens == [False, True]  # looked, then opened again for qpdf's push


@pytest.mark.parametrize("parent", ["missing", "elsewhere"])
def test_what_a_page_inherits_follows_the_tree_not_its_parent_link(
    tmp_path: Path, parent: str
) -> None:
    # a damaged file: the first page's /Parent gone, or pointing at a node outside the tree
    # that gives nothing; qpdf pushes down through /Kids, and so must the look before it
    path = inheriting_pdf(tmp_path / "e.pdf")
    with Pdf.open(path, inherit_page_attributes=False, allow_overwriting_input=True) as pdf:
        first, second = pdf.Root.Pages.Kids[0], pdf.Root.Pages.Kids[1].Kids[0]
        # the other pages carry their own: only the damaged one needs anything pushed down
        second.MediaBox, second.CropBox = Array([0, 0, 300, 400]), Array([0, 0, 250, 350])
        second.Rotate, second.Resources = 90, pdf.Root.Pages.Resources
        if parent == "missing":
            del first["/Parent"]
        else:
            first.Parent = pdf.make_indirect(Dictionary(Type=Name.Pages, Kids=Array(), Count=0))
        pdf.save(path)
    with open_pdf(path) as pdf:
        page = pdf.pages[0].obj
        assert page.Rotate == 90 and list(page.MediaBox) == [0, 0, 300, 400]
        assert "/F1" in page.Resources.Font


def test_a_file_whose_pages_carry_everything_is_read_once(
    tmp_path: Path, opens: list[bool]
) -> None:
    with open_pdf(complete_pdf(tmp_path / "b.pdf")) as pdf:
        assert [list(p.obj.MediaBox) for p in pdf.pages] == [[0, 0, 300, 400]] * 2
    assert opens == [False]


def test_an_open_stream_is_read_again_from_its_start(tmp_path: Path) -> None:
    with (inheriting_pdf(tmp_path / "c.pdf")).open("rb") as fh, open_pdf(fh) as pdf:
        assert pdf.pages[0].obj.Rotate == 90


def test_a_page_without_a_size_is_still_reported_on_opening(tmp_path: Path) -> None:
    # qpdf warns of a page it had to give a made-up size; the paper checks refuse that page
    pdf = Pdf.new()
    pdf.add_blank_page()
    del pdf.pages[0].obj["/MediaBox"]
    pdf.save(tmp_path / "d.pdf")
    with open_pdf(tmp_path / "d.pdf") as opened:
        assert any("MediaBox is undefined" in w for w in opened.get_warnings())


@pytest.mark.libreoffice
def test_a_paper_that_inherits_keeps_its_size_turn_and_text_in_the_pack(
    tmp_path: Path, libreoffice
) -> None:
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Inheriting paper", "papers": ["tree.pdf"]}],
        papers={"tree.pdf": 1},
    )
    inheriting_pdf(folder / "tree.pdf")
    result = build(folder, tmp_path / "out", converter=libreoffice)
    pack = PdfReader(result.packs[0].path)
    pages = [p for p in pack.pages if "Inherited" in p.extract_text() or "Own" in p.extract_text()]
    assert len(pages) == 3
    first, second, own = pages
    assert "Inherited one" in first.extract_text() and "Inherited two" in second.extract_text()
    assert [float(v) for v in first.mediabox] == [0, 0, 300, 400] and first.rotation == 90
    assert [float(v) for v in second.cropbox] == [0, 0, 250, 350] and second.rotation == 90
    assert [float(v) for v in own.mediabox] == [0, 0, 200, 200] and own.rotation == 0
