"""Text a page holds but does not show: a public paper with such text is refused (`unseen`).

Each paper is made here with pikepdf and read by the real poppler (pdftotext and pdftoppm); the
end-to-end tests run the real CLI, with the real LibreOffice for a Word paper, and read the pack
with pypdf.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import RGBColor
from pikepdf import Array, Dictionary, Name

from packbuilder import textmatch, unseen
from packbuilder.errors import InputError, Source
from packbuilder.model import AgendaItem, Paper, PaperKind, Status
from packbuilder.unseen import hidden_text_problems, hidden_words
from tests.factory import make_meeting, run_cli
from tests.test_layers import SECRET, SHOWN, refused_after_a_build

BLACK_BOX = b"0 g 180 690 200 20 re f "  # over `SECRET` as `_line` draws it at (200, 700)


def _paper(*pages: bytes, **entries: object) -> pikepdf.Pdf:
    """A PDF of A4 `pages` (each its drawing), every page given `entries`."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for content in pages:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font), XObject=Dictionary())
        page.obj.Contents = pdf.make_stream(content)
        for key, value in entries.items():
            page.obj[f"/{key}"] = value
    return pdf


def _line(words: str, x: float = 200, y: float = 700, size: float = 12, how: bytes = b"") -> bytes:
    return b"BT /F1 %g Tf %s %g %g Td (%s) Tj ET " % (size, how, x, y, words.encode())


def _shown() -> bytes:
    return _line(SHOWN, 72, 760)


def _found(pdf: pikepdf.Pdf, tmp_path: Path) -> tuple[int, list[str]] | None:
    pdf.save(tmp_path / "paper.pdf")
    return hidden_words(tmp_path / "paper.pdf")


def _black_image(pdf: pikepdf.Pdf) -> bytes:
    """A flat black picture over `SECRET` (a "redaction" pasted as an image)."""
    image = pdf.make_stream(
        zlib.compress(bytes(100)),
        Type=Name.XObject, Subtype=Name.Image, Width=10, Height=10,
        ColorSpace=Name.DeviceGray, BitsPerComponent=8, Filter=Name.FlateDecode,
    )  # fmt: skip
    pdf.pages[0].obj.Resources.XObject.Im1 = image
    return b"q 200 0 0 20 180 690 cm /Im1 Do Q "


def _black_square(pdf: pikepdf.Pdf, how: str = "square") -> None:
    """A black rectangle comment (Acrobat's drawing tool) over `SECRET`; or (`how`) one without
    a look (the viewer draws it from its colours), a white text box, a filled polygon."""
    drawn = {"square": b"0 g 0 0 200 20 re f", "text box": b"1 g 0 0 200 20 re f",
             "polygon": b"0 g 0 0 m 200 0 l 200 20 l 0 20 l h f"}.get(how)  # fmt: skip
    kind = {"text box": Name.FreeText, "polygon": Name.Polygon}.get(how, Name.Square)
    square = Dictionary(Type=Name.Annot, Subtype=kind, Rect=[180, 690, 380, 710], F=4,
                        IC=[0, 0, 0] if how != "text box" else [1, 1, 1])  # fmt: skip
    if drawn is not None:
        look = pdf.make_stream(drawn, Type=Name.XObject, Subtype=Name.Form)
        look.BBox = [0, 0, 200, 20]
        square.AP = Dictionary(N=look)
    if how == "polygon":
        square.Vertices = Array([180, 690, 380, 690, 380, 710, 180, 710])
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(square)])


@pytest.mark.parametrize(
    "hide",
    [
        "under a black box",
        "under a box drawn first, in the text's colour",
        "under a black picture",
        "under a black rectangle comment",
        "under a rectangle comment without a look",
        "under a white text box comment",
        "under a filled polygon comment",
        "in white",
        "drawn invisibly",
        "too small to read",
        "on a turned page",
        "on a cropped page",
    ],
)
def test_a_page_holding_text_it_does_not_show_is_found_with_the_words(
    tmp_path: Path, hide: str
) -> None:
    pdf = _paper(b"")
    drawing = _shown()
    if hide == "under a black box":
        drawing += _line(SECRET) + BLACK_BOX
    elif hide == "under a box drawn first, in the text's colour":
        drawing += b"0.2 0.4 0.8 rg 180 690 200 20 re f " + _line(SECRET, how=b"0.2 0.4 0.8 rg")
    elif hide == "under a black picture":
        drawing += _line(SECRET) + _black_image(pdf)
    elif hide == "under a black rectangle comment":
        drawing += _line(SECRET)
        _black_square(pdf)
    elif hide.endswith(" comment") or hide.endswith(" look"):
        drawing += _line(SECRET)
        _black_square(
            pdf,
            {
                "under a rectangle comment without a look": "no look",
                "under a white text box comment": "text box",
            }.get(hide, "polygon"),
        )
    elif hide == "in white":
        drawing += _line(SECRET, how=b"1 g")
    elif hide == "drawn invisibly":
        drawing += _line(SECRET, how=b"3 Tr")
    elif hide == "too small to read":
        drawing += _line(SECRET, size=1)
    elif hide == "on a turned page":
        drawing += _line(SECRET) + BLACK_BOX
        pdf.pages[0].obj.Rotate = 90
    else:
        drawing += _line(SECRET) + BLACK_BOX
        pdf.pages[0].obj.CropBox = Array([100, 400, 500, 800])
    pdf.pages[0].obj.Contents = pdf.make_stream(drawing)
    assert _found(pdf, tmp_path) == (1, SECRET.split())


@pytest.mark.parametrize(
    "drawing",
    [
        _line(SECRET),
        # highlighted in yellow, as a reader marks a line
        b"1 1 0 rg 180 690 200 20 re f 0 g " + _line(SECRET),
        # white on a black table heading
        BLACK_BOX + _line(SECRET, how=b"1 g"),
        # a small grey footnote
        _line(SECRET, size=5, how=b"0.6 g"),
        # a scanner's OCR: invisible words over the picture of the same words
        _line(SECRET) + _line(SECRET, how=b"3 Tr"),
        # a black box beside the words, and one over half of a letter
        b"0 g 72 600 200 20 re f " + _line(SECRET) + b"0 g 180 690 24 20 re f",
    ],
    ids=["plain", "yellow highlight", "white on black", "grey footnote", "ocr", "boxes beside"],
)
def test_text_that_shows_is_not_found(tmp_path: Path, drawing: bytes) -> None:
    assert _found(_paper(_shown() + drawing), tmp_path) is None


def _photograph(pdf: pikepdf.Pdf, soft_mask: bytes | None = None, in_form: bool = False) -> bytes:
    """A photograph (a picture of many colours, not one flat one) over `SECRET`: with
    `soft_mask` (one byte a dot, 0 to 255, 60 x 20) its own transparency; `in_form`, drawn from
    inside a form (Word's and Acrobat's way of placing a stamp)."""
    import random

    rng = random.Random(2)
    image = pdf.make_stream(
        zlib.compress(bytes(rng.randrange(256) for _ in range(60 * 20 * 3))),
        Type=Name.XObject, Subtype=Name.Image, Width=60, Height=20,
        ColorSpace=Name.DeviceRGB, BitsPerComponent=8, Filter=Name.FlateDecode,
    )  # fmt: skip
    if soft_mask is not None:
        image.SMask = pdf.make_stream(
            soft_mask, Type=Name.XObject, Subtype=Name.Image, Width=60, Height=20,
            ColorSpace=Name.DeviceGray, BitsPerComponent=8,
        )  # fmt: skip
    if not in_form:
        pdf.pages[0].obj.Resources.XObject.Ph = image
        return b"q 200 0 0 20 180 690 cm /Ph Do Q "
    form = pdf.make_stream(
        b"q 200 0 0 20 0 0 cm /Ph Do Q", Type=Name.XObject, Subtype=Name.Form,
        BBox=[0, 0, 200, 20], Resources=Dictionary(XObject=Dictionary(Ph=image)),
    )  # fmt: skip
    pdf.pages[0].obj.Resources.XObject.Fm = form
    return b"q 1 0 0 1 180 690 cm /Fm Do Q "


@pytest.mark.parametrize("how", ["placed on the page", "placed from a form", "opaque mask"])
def test_text_under_a_photograph_is_found(tmp_path: Path, how: str) -> None:
    """A picture pasted over a name: the page shows the picture's own ink where the words are,
    so only the picture drawn flat shows that they are covered."""
    pdf = _paper(b"")
    mask = bytes([255]) * 1200 if how == "opaque mask" else None
    drawing = _shown() + _line(SECRET) + _photograph(pdf, mask, how == "placed from a form")
    pdf.pages[0].obj.Contents = pdf.make_stream(drawing)
    assert _found(pdf, tmp_path) == (1, SECRET.split())


def _picture(pdf: pikepdf.Pdf, name: str, width: int, height: int, grey: bytes) -> None:
    """A grey picture `width` x `height` dots of the pattern `grey` (repeated), named `name`."""
    dots = (grey * (width * height // len(grey) + 1))[: width * height]
    pdf.pages[0].obj.Resources.XObject[f"/{name}"] = pdf.make_stream(
        zlib.compress(dots), Type=Name.XObject, Subtype=Name.Image, Width=width, Height=height,
        ColorSpace=Name.DeviceGray, BitsPerComponent=8, Filter=Name.FlateDecode,
    )  # fmt: skip


@pytest.mark.parametrize(
    "how",
    [
        "a phone photo's shape, drawn small",
        "white on a dark banner",
        "coloured like the picture behind it",
        "with a page box poppler ignores",
        "named with an escape",
    ],
)
def test_text_under_a_picture_is_found_whatever_the_picture(tmp_path: Path, how: str) -> None:
    """A photograph of a scanner's size (4:3, 1600 x 1200) drawn small over a name is not a
    scan; a white name on a banner picture, with a photograph over it, is not drawn invisibly;
    a black name on a black picture drawn first is hidden by the picture's own colour; a page
    box that pikepdf cannot read, or a picture's /Subtype written with an escape, does not
    turn the check off."""
    pdf = _paper(b"")
    drawing = _shown()
    if how == "a phone photo's shape, drawn small":
        _picture(pdf, "Phone", 1600, 1200, bytes(range(0, 256, 7)))
        drawing += _line(SECRET) + b"q 200 0 0 20 180 690 cm /Phone Do Q "
    elif how == "white on a dark banner":
        _picture(pdf, "Banner", 40, 10, bytes([20]))
        drawing += b"q 400 0 0 40 100 680 cm /Banner Do Q " + _line(SECRET, how=b"1 g")
        drawing += _photograph(pdf)
    elif how == "coloured like the picture behind it":
        _picture(pdf, "Black", 10, 10, bytes([0]))
        drawing += b"q 200 0 0 20 180 690 cm /Black Do Q " + _line(SECRET)
    elif how == "with a page box poppler ignores":
        drawing += _line(SECRET) + _photograph(pdf)
        pdf.pages[0].obj.CropBox = Array([0, 0, 595])
    else:
        drawing += _line(SECRET) + _photograph(pdf)
    pdf.pages[0].obj.Contents = pdf.make_stream(drawing)
    if how == "named with an escape":
        pdf.save(tmp_path / "plain.pdf")
        data = (tmp_path / "plain.pdf").read_bytes().replace(b"/Image", b"/Im#61ge")
        (tmp_path / "paper.pdf").write_bytes(data)
        assert hidden_words(tmp_path / "paper.pdf") == (1, SECRET.split())
        return
    assert _found(pdf, tmp_path) == (1, SECRET.split())


@pytest.mark.parametrize("how", ["in the first flat colour", "under a scan, as some OCR lays it"])
def test_text_that_shows_beside_pictures_is_not_taken_for_covered(tmp_path: Path, how: str) -> None:
    """Words set in the colour the check draws pictures in, over a picture, still show (they
    are drawn flat in a second colour too); and a scanner's words laid visibly under a scan of
    the whole page (the picture of them) are the scan's, not hidden."""
    pdf = _paper(b"")
    if how == "in the first flat colour":
        colour = b"%g %g %g rg" % tuple(c / 255 for c in unseen.FLAT_PICTURE)
        drawing = _photograph(pdf) + _line(SECRET, how=colour)
    else:
        drawing = _line(SECRET) + _scan(pdf, (200, 128, 320, 142))
    pdf.pages[0].obj.Contents = pdf.make_stream(drawing + _shown())
    assert _found(pdf, tmp_path) is None


@pytest.mark.parametrize(
    "how", ["text over it", "scanner's invisible words over it", "transparent where the text is"]
)
def test_text_with_a_photograph_that_does_not_cover_it_shows(tmp_path: Path, how: str) -> None:
    """White words set over a photograph, a scanner's invisible words over a picture that is
    not the page's shape, and a picture whose own mask leaves the words' place clear: none of
    them hides anything."""
    pdf = _paper(b"")
    if how == "text over it":
        drawing = _photograph(pdf) + _line(SECRET, how=b"1 g")
    elif how == "scanner's invisible words over it":
        drawing = _photograph(pdf) + _line(SECRET, how=b"3 Tr")
    else:
        drawing = _line(SECRET) + _photograph(pdf, bytes(1200))
    pdf.pages[0].obj.Contents = pdf.make_stream(_shown() + drawing)
    assert _found(pdf, tmp_path) is None


def test_the_first_page_hiding_text_is_named(tmp_path: Path) -> None:
    pdf = _paper(_shown(), _shown(), _shown() + _line(SECRET) + BLACK_BOX, _shown())
    assert _found(pdf, tmp_path) == (3, SECRET.split())


def test_the_words_quoted_keep_a_lone_letter_and_a_lone_letter_alone_is_not_refused(
    tmp_path: Path,
) -> None:
    """The refusal quotes what the page hides as it reads ("John Q Witness", not "John
    Witness"); a lone letter or mark under a box (a bullet's, a rule's) is not enough."""
    box = b"0 g 180 690 200 20 re f "
    assert _found(_paper(_shown() + _line("John Q Witness") + box), tmp_path) == (
        1,
        ["John", "Q", "Witness"],
    )
    assert _found(_paper(_shown() + _line("Q") + box), tmp_path) is None


def test_pages_are_drawn_a_batch_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the first batch, a page is paired with its own drawing."""
    monkeypatch.setattr(unseen, "BATCH", 2)
    pages = [_shown()] * 5
    pages[3] += _line(SECRET) + BLACK_BOX
    assert _found(_paper(*pages), tmp_path) == (4, SECRET.split())


def test_a_name_under_a_box_beside_visible_punctuation_is_found(tmp_path: Path) -> None:
    """ "(Secret" is one word to pdftotext: its bracket shows, the name under the box does not."""
    pdf = _paper(_shown() + _line(f"\\({SECRET}") + b"0 g 204.5 690 40 20 re f ")
    assert _found(pdf, tmp_path) == (1, [f"({SECRET.split()[0]}"])


def test_words_under_a_box_fitted_to_their_letters_are_found(tmp_path: Path) -> None:
    """From half a point below the line to the top of the capitals: the words' boxes (from
    the font's ascent and descent) reach past it, but their middle is under it."""
    pdf = _paper(_shown() + _line(SECRET) + b"0 g 199 699.5 114 9.6 re f ")
    assert _found(pdf, tmp_path) == (1, SECRET.split())


def _scan(pdf: pikepdf.Pdf, ink: tuple[int, int, int, int], black_edge: bool = False) -> bytes:
    """A scanned A4 page: a 600 x 849 picture, white but for "ink" (a noisy patch at `ink`,
    in points from the top left) and, with `black_edge`, the scanner's black left edge."""
    import random

    rng = random.Random(1)
    rows = []
    for y in range(849):
        row = bytearray(b"\xff" * 600)
        for x in range(600):
            px, py = x * 595 / 600, y * 842 / 849
            if ink[0] <= px <= ink[2] and ink[1] <= py <= ink[3]:
                row[x] = rng.choice((0, 255))
            if black_edge and px < 40:
                row[x] = 0
        rows.append(bytes(row))
    image = pdf.make_stream(
        zlib.compress(b"".join(rows)),
        Type=Name.XObject, Subtype=Name.Image, Width=600, Height=849,
        ColorSpace=Name.DeviceGray, BitsPerComponent=8, Filter=Name.FlateDecode,
    )  # fmt: skip
    pdf.pages[0].obj.Resources.XObject.Scan = image
    return b"q 595 0 0 842 0 0 cm /Scan Do Q "


def test_a_scan_whose_words_lie_near_their_picture_shows_them(tmp_path: Path) -> None:
    """A scanner's OCR: invisible words over the picture of the page, a few points off; and a
    "word" read in the scan's black edge. Neither hides anything."""
    pdf = _paper(b"")
    # the words' boxes a few points below the picture of them, which ends above their top edge
    drawing = _scan(pdf, (200, 120, 320, 133), black_edge=True)
    drawing += _line(SECRET, y=696.5, how=b"3 Tr") + _line("Ill", x=10, y=400, how=b"3 Tr")
    pdf.pages[0].obj.Contents = pdf.make_stream(drawing)
    assert _found(pdf, tmp_path) is None


def test_a_box_drawn_over_a_scans_words_is_found(tmp_path: Path) -> None:
    pdf = _paper(b"")
    box = b"0 g 180 686 200 28 re f "  # (a line and a few points round it)
    drawing = _scan(pdf, (200, 128, 320, 142)) + _line(SECRET, how=b"3 Tr") + box
    pdf.pages[0].obj.Contents = pdf.make_stream(drawing)
    assert _found(pdf, tmp_path) == (1, SECRET.split())


def test_text_of_another_hue_but_the_same_shade_as_its_cell_shows(tmp_path: Path) -> None:
    """Green on blue, the same grey when drawn in grey: shown (the page is drawn again in
    colour); red on red is not."""
    cell = b"0.267 0.447 0.769 rg 180 690 200 20 re f "
    green = _line(SECRET, how=b"0 0.69 0.314 rg")
    assert _found(_paper(_shown() + cell + green), tmp_path) is None
    red = b"1 0 0 rg 180 690 200 20 re f " + _line(SECRET, how=b"1 0 0 rg")
    assert _found(_paper(_shown() + red), tmp_path) == (1, SECRET.split())


@pytest.mark.parametrize("fonts", [3, 42])
def test_chart_labels_at_a_slant_show(tmp_path: Path, fonts: int) -> None:
    """A chart's labels set at common slants (matplotlib, with its Type 3 and TrueType fonts):
    their boxes are square on the page, not on the line, and pdftotext may read a slanted word
    in pieces ("c", "rim", "e")."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    words = [
        "Domestic",
        "abuse",
        "Criminal",
        "damage",
        "Shoplifting",
        "Burglary",
        "Vehicle",
        "crime",
    ]
    with matplotlib.rc_context({"pdf.fonttype": fonts}):
        fig = plt.figure(figsize=(8.27, 11.69))
        for row, angle in enumerate((15, 30, 45, 60, 75)):
            for i in range(6):
                label = " ".join(words[(i + row) % 7 : (i + row) % 7 + 2])
                fig.text(0.05 + i * 0.15, 0.95 - row * 0.19, label, rotation=angle, fontsize=14)
        fig.savefig(tmp_path / "chart.pdf")
        plt.close(fig)
    assert hidden_words(tmp_path / "chart.pdf") is None


def test_a_huge_page_is_drawn_at_less_and_still_read(tmp_path: Path) -> None:
    """A 10,000-point page would be 25 million dots at 36 dpi: drawn at less."""
    pdf = _paper(
        b"BT /F1 200 Tf 1000 8000 Td (Shown everywhere) Tj ET "
        b"BT /F1 200 Tf 1000 5000 Td (Covered words) Tj ET 0 g 900 4900 3000 400 re f "
    )
    pdf.pages[0].obj.MediaBox = Array([0, 0, 10000, 10000])
    assert _found(pdf, tmp_path) == (1, ["Covered", "words"])


def test_a_check_stopped_by_a_failed_build_remembers_nothing(tmp_path: Path) -> None:
    import threading

    stop = threading.Event()
    stop.set()
    items = _items(tmp_path, _paper(_line("Stopped early")))
    assert hidden_text_problems(items, stop=stop) == []
    assert not unseen._known_to_show(tmp_path / "paper.pdf")


def _items(tmp_path: Path, pdf: pikepdf.Pdf, exempt: bool = False) -> list[AgendaItem]:
    pdf.save(tmp_path / "paper.pdf")
    source = Source(tmp_path / "meeting.xlsx")
    paper = Paper(tmp_path / "paper.pdf", PaperKind.PDF, "Tender report", source)
    return [
        AgendaItem(
            "4", "Tender", "", "", None, (paper,), Status.PAPERS, 3 if exempt else None, None,
            source,
        )
    ]  # fmt: skip


def test_a_public_paper_is_refused_naming_its_page_and_an_exempt_one_is_not(
    tmp_path: Path,
) -> None:
    pdf = _paper(_shown(), _shown() + _line(SECRET) + BLACK_BOX)
    (problem,) = hidden_text_problems(_items(tmp_path, pdf))
    assert isinstance(problem, InputError)
    assert problem.source is not None and problem.source.page == 2
    assert f"'{SECRET}'" in str(problem)
    assert "Redact" in str(problem)
    assert hidden_text_problems(_items(tmp_path, pdf, exempt=True)) == []


def test_a_paper_that_passed_is_remembered_and_one_that_failed_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[Path] = []
    real = unseen.hidden_words
    monkeypatch.setattr(unseen, "hidden_words", lambda p, stop: read.append(p) or real(p, stop))
    good = _items(tmp_path, _paper(_line("Remembered")))
    assert hidden_text_problems(good) == hidden_text_problems(good) == []
    assert len(read) == 1
    bad = _items(tmp_path, _paper(_shown() + _line(SECRET) + BLACK_BOX))
    assert len(hidden_text_problems(bad)) == len(hidden_text_problems(bad)) == 1
    assert len(read) == 3


def test_a_build_waits_before_reading_a_paper_and_not_before_looking_papers_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build reads papers only after its frontsheets are converted (memory), but looks up
    which papers are known at once: a rebuild's, all known, do not wait at all (their 60
    lookups, made after the frontsheets, held the interpreter while the packs were finished)."""
    events: list[str] = []
    real = unseen.hidden_words
    monkeypatch.setattr(
        unseen, "hidden_words", lambda p, stop: events.append("read") or real(p, stop)
    )
    items = _items(tmp_path, _paper(_line("Read once")))
    assert hidden_text_problems(items, before_reading=lambda: events.append("waited")) == []
    assert events == ["waited", "read"]
    events.clear()
    assert hidden_text_problems(items, before_reading=lambda: events.append("waited")) == []
    assert events == []  # known to show its text: nothing read, nothing waited for
    # a build that fails while the check waits: nothing is read, no process started to read it
    import threading

    from packbuilder import headstart

    monkeypatch.setattr(headstart, "unseen_elsewhere", lambda *a: events.append("elsewhere"))
    stop = threading.Event()
    fresh = _items(tmp_path, _paper(_line("Never read")))
    assert hidden_text_problems(fresh, stop=stop, elsewhere=True, before_reading=stop.set) == []
    assert events == []


def test_a_paper_poppler_cannot_read_or_draw_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(command: list[str], timeout: float, max_bytes: int) -> bytes:
        if command[0] == "pdftoppm":
            raise textmatch.TextTimeout
        return real(command, timeout, max_bytes)

    real = textmatch.run_poppler
    monkeypatch.setattr(textmatch, "run_poppler", failing)
    # (a paper of its own: one that passed before is remembered, and not read again)
    (problem,) = hidden_text_problems(_items(tmp_path, _paper(_line("Poppler fails"))))
    assert "could not be read to check for text they hide" in str(problem)


def test_without_pdftoppm_the_advisor_is_told_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = textmatch.shutil.which
    monkeypatch.setattr(textmatch.shutil, "which", lambda n: None if n == "pdftoppm" else real(n))
    (problem,) = hidden_text_problems(_items(tmp_path, _paper(_line("No pdftoppm"))))
    assert "pdftoppm is not installed" in str(problem)
    assert "make setup" in str(problem)


def test_poppler_running_past_its_time_is_stopped(tmp_path: Path) -> None:
    """`run_poppler` kills a run at its time limit (here a program that sleeps)."""
    sleeper = tmp_path / "pdftotext"
    sleeper.write_text("#!/bin/sh\nsleep 30\n")
    sleeper.chmod(0o755)
    with pytest.raises(textmatch.TextTimeout):
        textmatch.run_poppler([str(sleeper)], 0.2, 1000)


def test_a_pdf_appendix_hiding_text_is_refused_by_check_and_build_and_the_last_pack_stays(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    said = refused_after_a_build(
        tmp_path,
        "tender-redacted.pdf",
        lambda path: _paper(_shown()).save(path),
        lambda path: _paper(_shown() + _line(SECRET) + BLACK_BOX).save(path),
    )
    assert "tender-redacted.pdf" in said
    assert "page 1" in said
    assert f"'{SECRET}'" in said


def test_a_pdf_appendix_with_a_photograph_pasted_over_a_name_is_refused(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    def covered(path: Path) -> None:
        pdf = _paper(b"")
        pdf.pages[0].obj.Contents = pdf.make_stream(_shown() + _line(SECRET) + _photograph(pdf))
        pdf.save(path)

    said = refused_after_a_build(
        tmp_path, "site-photo.pdf", lambda path: _paper(_shown()).save(path), covered
    )
    assert "site-photo.pdf" in said
    assert "page 1" in said
    assert f"'{SECRET}'" in said


def test_a_word_paper_highlighted_in_black_is_refused_by_build(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """Black highlighting over a name in Word: LibreOffice draws the box over the text, which
    the converted paper still holds. `build` refuses it naming the Word paper and its page
    (`check` does too, in the same words: `test_check`)."""
    folder = make_meeting(
        tmp_path / "board", items=[{"title": "Tender award", "papers": ["tender.docx"]}]
    )
    doc = Document()
    doc.add_paragraph(SHOWN)
    doc.add_page_break()
    run = doc.add_paragraph("The winning bid was from ").add_run(SECRET)
    run.font.highlight_color = WD_COLOR_INDEX.BLACK
    doc.add_paragraph("White text too: ").add_run("Hidden Surname").font.color.rgb = RGBColor(
        255, 255, 255
    )
    doc.save(folder / "tender.docx")
    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode != 0
    errors = [x for x in result.stderr.splitlines() if x.strip().startswith("error")]
    assert len(errors) == 1, result.stderr
    assert "tender.docx" in errors[0]
    assert "page 2" in errors[0]
    assert "Secret" in errors[0]
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.parametrize("how", ["square", "no look"])
def test_text_under_an_opaque_comment_is_refused_by_check(tmp_path: Path, how: str) -> None:
    """A "redaction" made as a comment (a filled rectangle drawn with a PDF editor's comment
    tools) is drawn over the page: the text under it is hidden as under a box in the page."""
    folder = make_meeting(tmp_path / "m", items=[{"title": "Tender", "papers": ["tender.pdf"]}])
    pdf = _paper(_shown() + _line(SECRET))
    _black_square(pdf, how)
    pdf.save(folder / "tender.pdf")
    result = run_cli("check", folder.name, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "tender.pdf, page 1" in result.stderr and SECRET.split()[0] in result.stderr
