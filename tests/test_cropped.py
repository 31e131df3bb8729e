"""Text hidden by cropping: a paper whose page hides text outside the part that shows is refused.

Each paper is made here with pikepdf and checked as every PDF paper is (`paper_facts`, which runs
the real pdftotext on the cropped pages); the end-to-end test runs the real CLI and reads the
pack with pypdf.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from packbuilder.errors import InputError
from packbuilder.pdf import paper_facts
from tests.test_layers import SECRET, SHOWN, refused_after_a_build


def _paper(*pages: tuple[bytes, dict[str, object]]) -> pikepdf.Pdf:
    """A PDF of `pages`, each its drawing and its page dictionary's entries (an A4 media box
    unless given)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for content, entries in pages:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(content)
        for key, value in entries.items():
            page.obj[f"/{key}"] = value
    return pdf


def _text(x: float, y: float, words: str) -> bytes:
    return b"BT /F1 12 Tf %d %d Td (%s) Tj ET " % (x, y, words.encode())


def _refused(pdf: pikepdf.Pdf, tmp_path: Path) -> str:
    pdf.save(tmp_path / "paper.pdf")
    with pytest.raises(InputError) as caught:
        paper_facts(tmp_path / "paper.pdf")
    return str(caught.value)


def _accepted(pdf: pikepdf.Pdf, tmp_path: Path) -> None:
    pdf.save(tmp_path / "paper.pdf")
    assert paper_facts(tmp_path / "paper.pdf").pages == len(pdf.pages)


def test_a_page_cropped_to_hide_a_line_is_refused_naming_the_page_and_the_words(
    tmp_path: Path,
) -> None:
    pdf = _paper(
        (_text(72, 700, SHOWN), {}),
        (_text(72, 700, SHOWN) + _text(72, 100, SECRET), {"CropBox": Array([0, 400, 595, 842])}),
    )
    said = _refused(pdf, tmp_path)
    assert "paper.pdf, page 2:" in said, said
    assert f"this page is cropped to hide text ('{SECRET}')" in said, said
    assert SHOWN not in said
    assert "print it to a new PDF, which holds only what shows" in said


def test_a_column_cut_off_the_right_is_found(tmp_path: Path) -> None:
    pdf = _paper((_text(72, 700, SHOWN) + _text(420, 700, "Salary"), {"CropBox": [0, 0, 380, 842]}))
    assert "cropped to hide text ('Salary')" in _refused(pdf, tmp_path)


def test_a_crop_that_trims_white_margins_only_is_accepted(tmp_path: Path) -> None:
    pdf = _paper(
        (_text(72, 700, SHOWN) + _text(72, 100, "Footer line"), {"CropBox": [36, 36, 559, 806]})
    )
    _accepted(pdf, tmp_path)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_page_with_its_media_box_off_the_origin_is_read_as_it_shows(
    tmp_path: Path, rotation: int
) -> None:
    """pdftotext gives words as the page is displayed (turned) from its media box's corner: the
    part that shows is turned the same way, so what shows is never taken for hidden."""
    media = Array([100, 100, 695, 942])
    crop = Array([100, 500, 695, 942])  # the top half of the page, unturned
    shows_only = _text(172, 800, SHOWN)
    _accepted(_paper((shows_only, {"MediaBox": media, "CropBox": crop, "Rotate": rotation})),
              tmp_path)  # fmt: skip
    hides = _paper(
        (shows_only + _text(172, 200, SECRET), {"MediaBox": media, "CropBox": crop,
                                                "Rotate": rotation}),
    )  # fmt: skip
    assert f"cropped to hide text ('{SECRET}')" in _refused(hides, tmp_path)


def test_a_crop_box_given_by_the_page_tree_counts(tmp_path: Path) -> None:
    pdf = _paper((_text(72, 700, SHOWN) + _text(72, 100, SECRET), {}))
    pdf.Root.Pages.CropBox = Array([0, 400, 595, 842])
    assert "cropped to hide text" in _refused(pdf, tmp_path)


def test_pages_not_cropped_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crop box as large as the media box, or larger, hides nothing: pdftotext is not run."""
    from packbuilder import textmatch

    def fail(*_args: object, **_options: object) -> str:
        raise AssertionError("pdftotext run on a page that is not cropped")

    monkeypatch.setattr(textmatch, "run_pdftotext", fail)
    pdf = _paper(
        (_text(72, 700, SHOWN), {"CropBox": [0, 0, 595, 842]}),
        (_text(72, 700, SHOWN), {"CropBox": [-20, -20, 700, 900]}),
        (_text(72, 700, SHOWN), {"CropBox": [0.005, 0, 595, 842]}),  # (rounding)
        (_text(72, 700, SHOWN), {}),
    )
    _accepted(pdf, tmp_path)


def test_without_pdftotext_a_cropped_page_is_refused_saying_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from packbuilder import textmatch

    real = shutil.which
    monkeypatch.setattr(
        textmatch.shutil, "which", lambda name: None if name == "pdftotext" else real(name)
    )
    pdf = _paper((_text(72, 700, SHOWN), {"CropBox": [0, 400, 595, 842]}))
    said = _refused(pdf, tmp_path)
    assert "page 1: this page is cropped, and pdftotext is not installed" in said, said
    assert "make setup" in said


def test_a_cropped_page_pdftotext_cannot_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packbuilder import textmatch

    def fail(*_args: object, **_options: object) -> str:
        raise textmatch.TextTimeout

    monkeypatch.setattr(textmatch, "run_pdftotext", fail)
    pdf = _paper((_text(72, 700, SHOWN), {"CropBox": [0, 400, 595, 842]}))
    said = _refused(pdf, tmp_path)
    assert "page 1: this page is cropped, and the text it hides could not be checked" in said


def test_a_word_whose_end_the_crop_cuts_off_is_hidden(tmp_path: Path) -> None:
    """A crop through an account number shows its first digits and hides the last."""
    pdf = _paper(
        (_text(100, 200, "Sort code 40-47-84 account 12345678"), {"CropBox": [0, 0, 295, 842]})
    )
    assert "cropped to hide text ('12345678')" in _refused(pdf, tmp_path)


def test_text_close_to_the_crop_is_not_taken_for_hidden(tmp_path: Path) -> None:
    """A line whose letters sit just inside the crop (its box, from the font's ascent and
    descent, reaching a little past it) shows: accepted."""
    pdf = _paper(
        (
            _text(72, 401, "Typography and sign-off") + _text(72, 836, "Top line"),
            {"CropBox": [60, 400, 300, 842]},
        )
    )
    _accepted(pdf, tmp_path)


def test_a_turn_given_as_a_real_number_does_not_mislead_the_check(tmp_path: Path) -> None:
    """`/Rotate 90.0`: viewers differ on whether it turns the page; the check reads the page
    unturned, so what the crop hides is found either way."""
    pdf = _paper(
        (
            _text(100, 300, SHOWN) + _text(100, 700, SECRET),
            {"MediaBox": [0, 0, 600, 800], "CropBox": [0, 0, 600, 400],
             "Rotate": pikepdf.Object.parse(b"90.0")},
        )
    )  # fmt: skip
    said = _refused(pdf, tmp_path)
    assert f"cropped to hide text ('{SECRET}')" in said, said


def test_a_page_tree_read_differently_by_two_readers_cannot_pair_pages_wrongly(
    tmp_path: Path,
) -> None:
    """A node that says it is a page but has kids: qpdf reads three pages, poppler two. The
    cropped page (qpdf's second) is copied for pdftotext, which then reads that very page."""

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    resources = b"/Resources << /Font << /F1 7 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 >>",
        b"<< /Type /Page /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 /MediaBox [0 0 595 842] "
        + resources + b" /Contents 8 0 R >>",
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] " + resources
        + b" /Contents 9 0 R >>",
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /CropBox [0 0 595 421] "
        + resources + b" /Contents 10 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + resources
        + b" /Contents 11 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(_text(100, 100, "Decoy")),
        stream(_text(100, 100, "Page one")),
        stream(_text(100, 100, SHOWN) + _text(100, 700, SECRET)),
        stream(_text(100, 100, "Page three")),
    ]  # fmt: skip
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    (tmp_path / "paper.pdf").write_bytes(bytes(out))
    with pytest.raises(InputError) as caught:
        paper_facts(tmp_path / "paper.pdf")
    assert f"page 2: this page is cropped to hide text ('{SECRET}')" in str(caught.value)


def test_a_crop_box_outside_the_page_is_refused_as_damaged(tmp_path: Path) -> None:
    pdf = _paper((_text(72, 700, SHOWN), {"CropBox": [700, 900, 800, 1000]}))
    said = _refused(pdf, tmp_path)
    assert "page 1: this page is damaged (its crop box lies outside the page" in said, said


def test_a_paper_of_many_cropped_pages_is_read_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pdftotext run for the whole paper, under one time limit (not one per page)."""
    from packbuilder import textmatch

    runs: list[object] = []
    real = textmatch.run_pdftotext

    def spy(path: Path, options: list[str], timeout: float) -> str:
        runs.append(options)
        return real(path, options, timeout)

    monkeypatch.setattr(textmatch, "run_pdftotext", spy)
    margins = {"CropBox": [30, 30, 565, 812]}
    pdf = _paper(*[(_text(72, 700, SHOWN), margins)] * 40, (_text(10, 10, SECRET), margins))
    said = _refused(pdf, tmp_path)
    assert "page 41: this page is cropped to hide text" in said, said
    assert len(runs) == 1


@pytest.mark.parametrize("field_font", ["on the field", "the form's default"])
def test_a_form_field_filled_outside_the_crop_is_found(tmp_path: Path, field_font: str) -> None:
    """A form filled by a script (its value set, the blank form's empty appearance left, the
    reader asked to draw it): the field's value, outside the crop, is hidden text."""
    pdf = _paper((_text(100, 100, SHOWN), {"CropBox": [0, 0, 595, 421]}))
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=pikepdf.String("price"),
            V=pikepdf.String(SECRET), Rect=Array([100, 690, 400, 715]), F=4,
            AP=Dictionary(N=pdf.make_stream(b"/Tx BMC EMC", Type=Name.XObject,
                                            Subtype=Name.Form, BBox=Array([0, 0, 300, 25]))),
        )
    )  # fmt: skip
    if field_font == "on the field":
        widget.DA = pikepdf.String("/Helv 12 Tf 0 g")
    widget.P = pdf.pages[0].obj
    pdf.pages[0].obj.Annots = Array([widget])
    helvetica = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    pdf.Root.AcroForm = Dictionary(
        Fields=Array([widget]), NeedAppearances=True, DA=pikepdf.String("/Helv 12 Tf 0 g"),
        DR=Dictionary(Font=Dictionary(Helv=helvetica)),
    )  # fmt: skip
    assert f"cropped to hide text ('{SECRET}')" in _refused(pdf, tmp_path)


def test_a_page_cropped_to_its_ink_is_accepted(tmp_path: Path) -> None:
    """A crop that removes white margins right to the ink: words' boxes reach a little past
    their letters (side bearings, the font's descent below a line without descenders), and
    short words ("It", "4.") are no taller than wide."""
    lines = _text(72, 700, "Members") + _text(72, 684, "4. Other items")
    # (lines enough for a page of 2 inches, the smallest packbuilder takes: `pdf.SMALLEST_SIDE`)
    lines += b"".join(_text(72, 668 - 16 * n, "Members") for n in range(7))
    lines += _text(72, 556, "It is in the interest of all residents.")
    # the ink: from the M's stem to the full stop, from the last line's baseline to the caps
    pdf = _paper((lines, {"CropBox": [72.9, 556, 278.9, 708.6]}))
    _accepted(pdf, tmp_path)


def test_a_long_cropped_paper_is_read_in_batches_within_the_output_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pdftotext's boxes are twenty times its text: the cropped pages are read a batch at a
    time, each run within the output bound (one run for them all exceeded it)."""
    from packbuilder import cropped, textmatch

    monkeypatch.setattr(textmatch, "TEXT_MAX_BYTES", 200_000)
    monkeypatch.setattr(cropped, "BATCH", 5)
    body = b"".join(_text(72, 800 - 16 * n, "Words of an ordinary report") for n in range(40))
    margins = {"CropBox": [30, 30, 565, 812]}
    _accepted(_paper(*[(body, margins)] * 30), tmp_path)


def test_a_cropped_paper_is_refused_by_check_and_build_and_the_last_pack_stays(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """An officer's "public version": the prices cropped off the page. `check` and `build`
    refuse it in one line naming the paper and page; the pack published before stays."""
    plain = _paper((_text(72, 700, SHOWN), {}))
    cropped = _paper(
        (_text(72, 700, SHOWN) + _text(72, 100, SECRET), {"CropBox": [0, 400, 595, 842]})
    )
    said = refused_after_a_build(tmp_path, "tender-public-version.pdf", plain.save, cropped.save)
    assert "tender-public-version.pdf, page 1" in said, said
    assert f"cropped to hide text ('{SECRET}')" in said
