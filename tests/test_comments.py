"""Reviewers' comments on a PDF paper (notes, the text of highlights and marks, annotations that
never show) are left out of public packs and kept in private ones, with a warning naming the
paper. Each paper is made here with pikepdf; packs are read back with qpdf's uncompressed output
and pypdf, readers independent of the code under test."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String
from pypdf import PdfReader

from packbuilder.sanitize import COMMENTS, sanitize
from tests.factory import run_cli
from tests.test_layers import tender_meeting
from tests.test_sanitize import _raw

NOTE = "Do not publish the bidder names"
HIGHLIGHT_NOTE = "Check this figure with finance"
HIDDEN = "Hidden reviewer remark"


def _commented() -> Pdf:
    """A page with a sticky note and its pop-up, a highlight carrying a comment, a free-text
    box (visible text), a hidden annotation with text and a link; the note is also referred to
    by an object outside the page (as a structure tree's object reference would)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (The report) Tj ET")

    def annot(**entries: object) -> pikepdf.Object:
        return pdf.make_indirect(Dictionary(Type=Name.Annot, **entries))

    popup = annot(Subtype=Name.Popup, Rect=[300, 600, 500, 700])
    note = annot(
        Subtype=Name.Text, Rect=[72, 720, 92, 740], Contents=String(NOTE),
        T=String("J. Officer"), Popup=popup,
    )  # fmt: skip
    popup.Parent = note
    highlight = annot(
        Subtype=Name.Highlight, Rect=[72, 695, 150, 712], Contents=String(HIGHLIGHT_NOTE),
        C=[1, 1, 0],  # yellow (without a colour, poppler draws it black over the words)
        RC=String(f"<body><p>{HIGHLIGHT_NOTE}</p></body>"), T=String("J. Officer"),
        QuadPoints=[72, 712, 150, 712, 72, 695, 150, 695],
    )  # fmt: skip
    free_text = annot(
        Subtype=Name.FreeText, Rect=[72, 500, 300, 520], Contents=String("Shown on the page"),
        DA=String("/Helv 12 Tf 0 g"),
    )  # fmt: skip
    hidden = annot(Subtype=Name.Square, Rect=[0, 0, 10, 10], F=2, Contents=String(HIDDEN))
    link = annot(Subtype=Name.Link, Rect=[72, 400, 200, 420], Contents=String("Council site"),
                 A=Dictionary(S=Name.URI, URI=String("https://example.org")))  # fmt: skip
    page.obj.Annots = Array([note, popup, highlight, free_text, hidden, link])
    pdf.Root.Extra = Dictionary(Reference=note)  # (as a structure element's /OBJR)
    return pdf


def test_a_public_pack_loses_comments_and_keeps_what_shows(tmp_path: Path) -> None:
    pdf = _commented()
    assert sanitize(pdf, public=True) == [COMMENTS]
    data = _raw(pdf, tmp_path)
    for secret in (NOTE, HIGHLIGHT_NOTE, HIDDEN, "J. Officer"):
        assert secret.encode() not in data, secret
    annots = pdf.pages[0].obj.Annots
    kinds = [str(a.Subtype) for a in annots]
    assert kinds == ["/Highlight", "/FreeText", "/Link"]
    assert str(annots[0].Contents) == "Highlight"  # its description, for a screen reader
    assert b"Shown on the page" in data and b"Council site" in data


def test_a_private_pack_keeps_comments(tmp_path: Path) -> None:
    pdf = _commented()
    assert sanitize(pdf, public=False) == []
    data = _raw(pdf, tmp_path)
    for kept in (NOTE, HIGHLIGHT_NOTE, HIDDEN):
        assert kept.encode() in data, kept


def test_a_paper_without_comments_is_left_as_it_is(tmp_path: Path) -> None:
    made = _commented()
    annots = made.pages[0].obj.Annots
    made.pages[0].obj.Annots = Array([annots[3], annots[5]])  # the free text and the link
    del made.Root["/Extra"]
    made.save(tmp_path / "plain.pdf")  # (what nothing refers to is not written)
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        assert sanitize(pdf, public=True) == []
        assert str(pdf.pages[0].obj.Annots[1].Contents) == "Council site"


def test_build_leaves_comments_out_of_the_public_pack_and_says_so(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    folder = tender_meeting(tmp_path, "tender-report.pdf")
    _commented().save(folder / "tender-report.pdf")
    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "tender-report.pdf carries comments (notes on its pages, or the text of its highlights "
        "and marks): left out of public packs (a private pack keeps them)" in result.stderr
    ), result.stderr
    (public,) = (tmp_path / "out").rglob("*agenda-pack-public.pdf")
    (private,) = (tmp_path / "out").rglob("*PRIVATE*.pdf")
    public_data = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(public), "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    assert NOTE.encode() not in public_data and HIGHLIGHT_NOTE.encode() not in public_data
    private_notes = [
        str(a.get_object().get("/Contents", ""))
        for page in PdfReader(private).pages
        for a in page.get("/Annots", [])
    ]
    assert NOTE in private_notes


def test_comments_reached_other_than_from_a_page_are_emptied(tmp_path: Path) -> None:
    """A note on no page that the structure tree refers to, a note a kept mark replies to, a
    hidden mark's appearance drawing its text, an element's /Alt repeating a comment, a
    free-text box's author, an annotation of an unknown kind: none of their text stays, and
    the structure tree no longer refers to what was left out."""
    pdf = _commented()
    page = pdf.pages[0].obj

    def annot(**entries: object) -> pikepdf.Object:
        return pdf.make_indirect(Dictionary(Type=Name.Annot, **entries))

    off_page = annot(Subtype=Name.Text, Rect=[0, 0, 9, 9], Contents=String("OFF PAGE NOTE"))
    replied = annot(Subtype=Name.Text, Rect=[0, 0, 9, 9], Contents=String("REPLIED NOTE"))
    appearance = pdf.make_stream(
        b"BT /F1 9 Tf 0 0 Td (HIDDEN DRAWN TEXT) Tj ET", Type=Name.XObject, Subtype=Name.Form,
        BBox=[0, 0, 100, 20],
    )  # fmt: skip
    hidden = annot(Subtype=Name.Square, Rect=[0, 0, 100, 20], F=2, AP=Dictionary(N=appearance))
    square = annot(Subtype=Name.Square, Rect=[10, 10, 50, 50], IRT=replied,
                   ExData=Dictionary(Note=String("EXDATA TEXT")))  # fmt: skip
    free = annot(Subtype=Name.FreeText, Rect=[72, 300, 300, 320], Contents=String("Shown box"),
                 T=String("FREE AUTHOR"), Subj=String("FREE SUBJECT"))  # fmt: skip
    odd = annot(Subtype=Name("/Comment"), Rect=[0, 0, 9, 9], Contents=String("ODD TEXT"))
    page.Annots = Array([*page.Annots, hidden, square, free, odd])
    elements = [
        pdf.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Annot, Alt=String("ALT OF A NOTE"),
            K=Array([Dictionary(Type=Name.OBJR, Obj=target, Pg=page)]),
        ))
        for target in (off_page, page.Annots[0])
    ]  # fmt: skip
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        Dictionary(Type=Name.StructTreeRoot, K=Array(elements))
    )
    assert sanitize(pdf, public=True) == [COMMENTS]
    data = _raw(pdf, tmp_path)
    for secret in ("OFF PAGE NOTE", "REPLIED NOTE", "HIDDEN DRAWN TEXT", "EXDATA TEXT",
                   "ALT OF A NOTE", "FREE AUTHOR", "FREE SUBJECT", "ODD TEXT", NOTE):  # fmt: skip
        assert secret.encode() not in data, secret
    assert b"Shown box" in data
    assert all("/K" not in element and "/Alt" not in element for element in elements)


def test_a_paper_with_redactions_marked_but_not_applied_is_refused(tmp_path: Path) -> None:
    """The text under a redaction mark is still on the page: refused, naming the page."""
    from packbuilder.errors import InputError
    from packbuilder.pdf import paper_facts

    pdf = _commented()
    pdf.add_blank_page(page_size=(595, 842))
    mark = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Redact, Rect=[72, 695, 150, 712],
            QuadPoints=[72, 712, 150, 712, 72, 695, 150, 695], IC=[0, 0, 0],
        )
    )  # fmt: skip
    pdf.pages[1].obj.Annots = Array([mark])
    pdf.save(tmp_path / "redacted.pdf")
    try:
        paper_facts(tmp_path / "redacted.pdf")
    except InputError as exc:
        said = str(exc)
    else:
        raise AssertionError("accepted")
    assert "redacted.pdf, page 2: this page has redactions marked but not applied" in said


def test_annotations_no_page_keeps_and_indirect_references_are_emptied(tmp_path: Path) -> None:
    """A note written as a stream (on a page, and on none), a box on no page, an attached-file
    note: reached by the structure tree through an /OBJR given by reference and an array of
    kids given by reference. None of their text stays; the elements lose their titles too."""
    pdf = _commented()
    page = pdf.pages[0].obj

    def annot(**entries: object) -> pikepdf.Object:
        return pdf.make_indirect(Dictionary(Type=Name.Annot, **entries))

    on_page_stream = pdf.make_stream(b"STREAM DATA TEXT")
    for key, value in (
        ("/Type", Name.Annot),
        ("/Subtype", Name.Text),
        ("/Rect", Array([0, 0, 9, 9])),
        ("/Contents", String("STREAM NOTE")),
    ):
        on_page_stream[key] = value  # fmt: skip
    off_stream = pdf.make_stream(b"", Subtype=Name.Text, Contents=String("OFF STREAM NOTE"))
    box = annot(Subtype=Name.Square, Rect=[0, 0, 9, 9], Contents=String("ORPHAN BOX"),
                T=String("BOX AUTHOR"))  # fmt: skip
    attached = annot(Subtype=Name.FileAttachment, Rect=[0, 0, 9, 9],
                     Contents=String("ATTACHMENT NOTE"), T=String("ATTACHER"))  # fmt: skip
    page.Annots = Array([*page.Annots, on_page_stream, attached])
    objr = pdf.make_indirect(Dictionary(Type=Name.OBJR, Obj=box, Pg=page))
    kids = pdf.make_indirect(Array([Dictionary(Type=Name.OBJR, Obj=off_stream, Pg=page)]))
    elements = [
        pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Annot,
                                     T=String("TITLE OF A NOTE"), K=k))
        for k in (objr, kids, Dictionary(Type=Name.OBJR, Obj=attached, Pg=page))
    ]  # fmt: skip
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        Dictionary(Type=Name.StructTreeRoot, K=Array(elements))
    )
    removed = sanitize(pdf, public=True)
    assert COMMENTS in removed
    data = _raw(pdf, tmp_path)
    for secret in ("STREAM NOTE", "STREAM DATA TEXT", "OFF STREAM NOTE", "ORPHAN BOX",
                   "BOX AUTHOR", "ATTACHMENT NOTE", "ATTACHER", "TITLE OF A NOTE"):  # fmt: skip
        assert secret.encode() not in data, secret
    assert all("/T" not in element for element in elements)


def test_a_paragraph_referring_to_a_dropped_note_keeps_its_own_text(tmp_path: Path) -> None:
    """A paragraph element holding text and a reference to a note: the reference goes, the
    paragraph's content and its replacement text stay."""
    pdf = _commented()
    page = pdf.pages[0].obj
    paragraph = pdf.make_indirect(
        Dictionary(
            Type=Name.StructElem, S=Name.P, ActualText=String("The report"),
            K=Array([0, Dictionary(Type=Name.OBJR, Obj=page.Annots[0], Pg=page)]),
        )
    )  # fmt: skip
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        Dictionary(Type=Name.StructTreeRoot, K=Array([paragraph]))
    )
    sanitize(pdf, public=True)
    assert int(paragraph.K) == 0
    assert str(paragraph.ActualText) == "The report"


def test_a_redaction_written_as_a_stream_is_refused_too(tmp_path: Path) -> None:
    from packbuilder.errors import InputError
    from packbuilder.pdf import paper_facts

    pdf = _commented()
    mark = pdf.make_stream(b"", Type=Name.Annot, Subtype=Name.Redact, Rect=[72, 695, 150, 712])
    pdf.pages[0].obj.Annots = Array([*pdf.pages[0].obj.Annots, mark])
    pdf.save(tmp_path / "redacted.pdf")
    try:
        paper_facts(tmp_path / "redacted.pdf")
    except InputError as exc:
        assert "redactions marked but not applied" in str(exc)
    else:
        raise AssertionError("accepted")
